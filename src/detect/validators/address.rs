//! Street addresses (US and UK forms): a house number, a street name and a street type, with an
//! optional unit, town and postal code. An address that ends in a US state and ZIP code or a UK
//! postcode stands on its own; one without needs address words nearby ("lives at", "ship to")
//! or an address field, since `3 Main Street` alone may be a landmark or a game level.

use super::Verdict;

/// `CA 94105`, `CA 94105-1234` or a UK postcode (`SW1A 2AA`, `M1 1AE`) at the end.
fn has_postal_tail(candidate: &str) -> bool {
    let words: Vec<&str> = candidate
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .collect();
    let n = words.len();
    if n >= 2 {
        let (state, zip) = (words[n - 2], words[n - 1]);
        let zip_digits = zip.split('-').next().unwrap_or("");
        if state.len() == 2
            && state.bytes().all(|b| b.is_ascii_uppercase())
            && zip_digits.len() == 5
            && zip_digits.bytes().all(|b| b.is_ascii_digit())
        {
            return true;
        }
        let (outward, inward) = (words[n - 2].as_bytes(), words[n - 1].as_bytes());
        let inward_ok = inward.len() == 3
            && inward[0].is_ascii_digit()
            && inward[1..].iter().all(u8::is_ascii_uppercase);
        let outward_ok = (2..=4).contains(&outward.len())
            && outward[0].is_ascii_uppercase()
            && outward.iter().any(u8::is_ascii_digit)
            && outward
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if inward_ok && outward_ok {
            return true;
        }
    }
    false
}

pub fn check(candidate: &str) -> Option<Verdict> {
    let normalized = candidate.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut v = Verdict::new(normalized);
    v.requires_context = !has_postal_tail(candidate);
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_tails() {
        assert!(has_postal_tail(
            "1600 Amphitheatre Parkway, Mountain View, CA 94043"
        ));
        assert!(has_postal_tail("221B Baker Street, London NW1 6XE"));
        assert!(has_postal_tail("10 Downing Street, London SW1A 2AA"));
        assert!(!has_postal_tail("42 Main Street"));
        assert!(!has_postal_tail("42 Main Street, Springfield"));
        assert!(check("42 Main Street").unwrap().requires_context);
    }
}
