//! US Social Security numbers: `123-45-6789`, `123 45 6789` or nine bare digits (which count
//! only next to SSN words). Area 000, 666 and 900–999, group 00 and serial 0000 were never
//! issued; a few numbers famous from advertising and documentation are rejected too.

use super::Verdict;

/// Numbers published as samples (the Woolworth wallet card, documentation examples).
const SAMPLES: &[&str] = &["078051120", "219099999", "123456789", "457555462"];

/// The digits of an SSN ([`check`] rejects a candidate with more or fewer).
pub const DIGITS: usize = 9;

pub fn check(candidate: &str) -> Option<Verdict> {
    let digits: String = candidate
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(char::from)
        .collect();
    let seps: Vec<char> = candidate.chars().filter(|c| !c.is_ascii_digit()).collect();
    let shape_ok = match seps.as_slice() {
        [] => true,
        [a, b] => a == b && (*a == '-' || *a == ' ') && candidate.len() == 11,
        _ => false,
    };
    if digits.len() != DIGITS || !shape_ok {
        return None;
    }
    let (area, group, serial) = (&digits[..3], &digits[3..5], &digits[5..]);
    if area == "000" || area == "666" || area.starts_with('9') || group == "00" || serial == "0000"
    {
        return None;
    }
    if SAMPLES.contains(&digits.as_str()) || digits.bytes().all(|b| b == digits.as_bytes()[0]) {
        return None;
    }
    let mut v = Verdict::new(digits);
    // Nine bare digits are as likely an account or order number.
    v.requires_context = seps.is_empty();
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_shapes() {
        for s in ["651-40-9363", "856 16 4766", "034-39-5838"] {
            let v = check(s).unwrap();
            assert!(!v.requires_context, "{s}");
        }
        assert!(check("218198778").unwrap().requires_context);
        assert_eq!(check("651-40-9363").unwrap().normalized, "651409363");
    }

    #[test]
    fn never_issued_or_samples() {
        for s in [
            "000-12-3456",
            "666-12-3456",
            "912-34-5678",
            "123-00-4567",
            "123-45-0000",
            "078-05-1120",
            "123-45-6789",
            "111-11-1111",
            "123-45 6789",
            "12-345-6789",
            "1234-5-6789",
        ] {
            assert!(check(s).is_none(), "{s}");
        }
    }
}
