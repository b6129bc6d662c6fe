//! UK National Insurance numbers: two prefix letters, six digits, a suffix letter A–D
//! (`AB 12 34 56 C` or `AB123456C`). HMRC never allocates D, F, I, Q, U or V as either prefix
//! letter, nor O as the second, nor the prefixes BG, GB, KN, NK, NT, TN and ZZ; temporary
//! numbers (`TN…`) and the administrative `OO` are not personal identifiers.

use super::Verdict;

const NOT_ALLOCATED: &[&str] = &["BG", "GB", "KN", "NK", "NT", "TN", "ZZ", "OO"];

pub fn check(candidate: &str) -> Option<Verdict> {
    let compact: String = candidate.chars().filter(|c| *c != ' ').collect();
    let spaces = candidate.len() - compact.len();
    // Either unbroken or written in the usual pairs: `AB 12 34 56 C`.
    if spaces != 0 && candidate.as_bytes().get(2) != Some(&b' ') {
        return None;
    }
    if spaces != 0 && spaces != 4 {
        return None;
    }
    let b = compact.as_bytes();
    if b.len() != 9 || !b[2..8].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (first, second, suffix) = (b[0], b[1], b[8]);
    if !first.is_ascii_uppercase() || b"DFIQUV".contains(&first) {
        return None;
    }
    if !second.is_ascii_uppercase() || b"DFIOQUV".contains(&second) {
        return None;
    }
    if !(b'A'..=b'D').contains(&suffix) || NOT_ALLOCATED.contains(&&compact[..2]) {
        return None;
    }
    Some(Verdict::new(compact))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers() {
        for n in ["AB123456C", "AB 12 34 56 C", "JG103759A", "CE 20 46 81 D"] {
            assert!(check(n).is_some(), "{n}");
        }
        assert_eq!(check("AB 12 34 56 C").unwrap().normalized, "AB123456C");
    }

    #[test]
    fn invalid_numbers() {
        for n in [
            "QQ123456C",    // Q is never a prefix letter (the HMRC example number)
            "DA123456A",    // D first
            "AO123456A",    // O second
            "GB123456A",    // not allocated
            "TN123456A",    // temporary
            "AB123456E",    // suffix beyond D
            "AB 123456 C",  // odd spacing
            "AB12 34 56 C", // odd spacing
            "AB1234567",    // no suffix letter
        ] {
            assert!(check(n).is_none(), "{n}");
        }
    }
}
