//! IBANs (ISO 13616): a country with its fixed length (SWIFT IBAN registry) and the mod-97
//! check digits. Written with or without spaces (`DE44 5001 0517 5407 3249 31`).

use super::Verdict;

/// Country code and IBAN length, from the SWIFT IBAN registry.
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

pub fn check(candidate: &str) -> Option<Verdict> {
    if !grouping_ok(candidate) {
        return None;
    }
    let compact: String = candidate.chars().filter(|c| *c != ' ').collect();
    let country = compact.get(..2)?;
    let (_, len) = LENGTHS.iter().find(|(c, _)| *c == country)?;
    if compact.len() != *len
        || !compact
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return None;
    }
    if !compact[2..4].bytes().all(|b| b.is_ascii_digit()) || mod97(&compact) != 1 {
        return None;
    }
    Some(Verdict::new(compact))
}

/// Spaces, if any, split the IBAN into groups of four (the last may be shorter).
fn grouping_ok(candidate: &str) -> bool {
    if !candidate.contains(' ') {
        return true;
    }
    let groups: Vec<&str> = candidate.split(' ').collect();
    let last = groups.len() - 1;
    groups.iter().enumerate().all(|(i, g)| {
        if i == last {
            (1..=4).contains(&g.len())
        } else {
            g.len() == 4
        }
    })
}

/// ISO 7064 mod 97-10 over the IBAN moved four characters to the left, letters as 10–35.
fn mod97(iban: &str) -> u32 {
    let moved = iban[4..].bytes().chain(iban[..4].bytes());
    moved.fold(0u32, |acc, b| {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        if v >= 10 {
            (acc * 100 + v) % 97
        } else {
            (acc * 10 + v) % 97
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ibans() {
        for iban in [
            "DE44500105175407324931",
            "DE44 5001 0517 5407 3249 31",
            "GB82 WEST 1234 5698 7654 32",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "ES9121000418450200051332",
            "IT60X0542811101000000123456",
            "BE68539007547034",
            "NO9386011117947",
        ] {
            assert!(check(iban).is_some(), "{iban}");
        }
        assert_eq!(
            check("GB82 WEST 1234 5698 7654 32").unwrap().normalized,
            "GB82WEST12345698765432"
        );
    }

    #[test]
    fn invalid_ibans() {
        for iban in [
            "DE44500105175407324932",      // check digits
            "DE4450010517540732493",       // length
            "XX44500105175407324931",      // no such country
            "DE44 50010 517 5407 3249 31", // grouping
            "de44500105175407324931",      // lower case
        ] {
            assert!(check(iban).is_none(), "{iban}");
        }
    }

    #[test]
    fn not_inside_a_longer_token() {
        let t = "ref DE44500105175407324931-7";
        let s = t.find("DE").unwrap();
        let env = super::super::ValidationEnv::default();
        let span = s..s + 22;
        assert!(super::super::Validator::Iban
            .check(t, span.clone(), span, &env)
            .is_none());
    }
}
