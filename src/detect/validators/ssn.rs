//! US Social Security numbers: `123-45-6789`, `123 45 6789` or nine bare digits (which count
//! only next to SSN words). Area 000, 666 and 900–999, group 00 and serial 0000 were never
//! issued; a few numbers famous from advertising and documentation are rejected too.

use super::Verdict;

/// Numbers published as samples (the Woolworth wallet card, documentation examples).
const SAMPLES: &[&str] = &["078051120", "219099999", "123456789", "457555462"];

/// The digits of an SSN ([`check`] rejects a candidate with more or fewer).
pub const DIGITS: usize = 9;

pub fn check(candidate: &str) -> Option<Verdict> {
    // Digits and separators on the stack (no allocation for the candidates it rejects): more
    // than nine digits or two separator bytes is no SSN.
    let (mut digits, mut seps) = ([0u8; DIGITS], [0u8; 2]);
    let (mut n, mut n_seps) = (0, 0);
    for b in candidate.bytes() {
        if b.is_ascii_digit() {
            *digits.get_mut(n)? = b;
            n += 1;
        } else {
            *seps.get_mut(n_seps)? = b;
            n_seps += 1;
        }
    }
    let shape_ok = match &seps[..n_seps] {
        [] => true,
        [a, b] => a == b && matches!(a, b'-' | b' ') && candidate.len() == 11,
        _ => false,
    };
    if n != DIGITS || !shape_ok {
        return None;
    }
    let (area, group, serial) = (&digits[..3], &digits[3..5], &digits[5..]);
    if area == b"000" || area == b"666" || area[0] == b'9' || group == b"00" || serial == b"0000" {
        return None;
    }
    if SAMPLES.iter().any(|s| s.as_bytes() == digits) || digits.iter().all(|&b| b == digits[0]) {
        return None;
    }
    let mut v = Verdict::new(String::from_utf8(digits.to_vec()).ok()?);
    // Nine bare digits are as likely an account or order number.
    v.requires_context = n_seps == 0;
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
            "651-40-93631",
            "651-40-9363-",
            "651–40–9363",
            "651.40.9363",
            "65140936",
        ] {
            assert!(check(s).is_none(), "{s}");
        }
    }
}
