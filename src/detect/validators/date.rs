//! Calendar dates as people write them (`1985-03-12`, `12/03/1985`, `03.12.85`, `12 March 1985`,
//! `March 12th, 1985`), checked to be real days from 1900 on. Used by `date_of_birth`, which
//! reports a date only next to birth words.

use super::Verdict;

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A four-digit year, or a two-digit one read as 19xx or 20xx (valid either way).
fn year_of(s: &str) -> Option<(u32, bool)> {
    let v: u32 = s.parse().ok()?;
    match s.len() {
        4 if (1900..=2099).contains(&v) => Some((v, true)),
        2 => Some((1900 + v, false)),
        _ => None,
    }
}

fn real_day(year: u32, month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= days_in(month, year)
}

const FULL_MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `Mar`, `Mar.`, `March` or `Sept`, in any case.
fn month_named(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    let i = MONTHS
        .iter()
        .position(|m| *m == w)
        .or_else(|| FULL_MONTHS.iter().position(|m| *m == w))
        .or_else(|| (w == "sept").then_some(8))?;
    Some(i as u32 + 1)
}

fn day_of(word: &str) -> Option<u32> {
    let d = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    (1..=2).contains(&d.len()).then(|| d.parse().ok())?
}

pub fn check(candidate: &str) -> Option<Verdict> {
    let parts: Vec<&str> = candidate
        .split(['-', '/', '.', ' ', ','])
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("of"))
        .collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let iso = |y: u32, m: u32, d: u32| format!("{y:04}-{m:02}-{d:02}");
    let numeric = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    // Named month: `12 March 1985` or `March 12th, 1985`.
    if let Some((month, day)) = month_named(a)
        .zip(day_of(b))
        .or_else(|| month_named(b).zip(day_of(a)))
    {
        let (year, _) = year_of(c).filter(|(_, full)| *full)?;
        return real_day(year, month, day).then(|| Verdict::new(iso(year, month, day)));
    }
    if ![a, b, c].iter().all(|p| numeric(p)) {
        return None;
    }
    // Separators must agree: `1985-03-12`, not `1985-03/12`.
    let seps: Vec<char> = candidate.chars().filter(|c| !c.is_ascii_digit()).collect();
    if seps.len() != 2 || seps[0] != seps[1] {
        return None;
    }
    let num = |s: &str| s.parse::<u32>().ok();
    if a.len() == 4 {
        let (year, _) = year_of(a)?;
        let (m, d) = (num(b)?, num(c)?);
        return (b.len() == 2 && c.len() == 2 && real_day(year, m, d))
            .then(|| Verdict::new(iso(year, m, d)));
    }
    if a.len() > 2 || b.len() > 2 {
        return None;
    }
    let (year, full) = year_of(c)?;
    let (x, y) = (num(a)?, num(b)?);
    let dmy = real_day(year, y, x);
    let mdy = real_day(year, x, y);
    match (dmy, mdy) {
        // Unambiguous only with a full year and one reading (`31/12/1985`, `12/31/1985`).
        (true, false) if full => Some(Verdict::new(iso(year, y, x))),
        (false, true) if full => Some(Verdict::new(iso(year, x, y))),
        (true, _) | (_, true) => Some(Verdict::new(candidate.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Option<String> {
        check(s).map(|v| v.normalized)
    }

    #[test]
    fn dates_as_written() {
        assert_eq!(norm("1985-03-12").as_deref(), Some("1985-03-12"));
        assert_eq!(norm("31/12/1985").as_deref(), Some("1985-12-31"));
        assert_eq!(norm("12/31/1985").as_deref(), Some("1985-12-31"));
        assert_eq!(norm("03.04.1985").as_deref(), Some("03.04.1985"));
        assert_eq!(norm("12 March 1985").as_deref(), Some("1985-03-12"));
        assert_eq!(norm("March 12th, 1985").as_deref(), Some("1985-03-12"));
        assert_eq!(norm("Feb 29, 2000").as_deref(), Some("2000-02-29"));
        assert!(norm("3/4/85").is_some());
        assert_eq!(norm("12th of March 1985").as_deref(), Some("1985-03-12"));
        assert_eq!(norm("Sept 1, 1985").as_deref(), Some("1985-09-01"));
    }

    #[test]
    fn not_dates() {
        for s in [
            "1985-13-01",
            "1985-02-30",
            "Feb 29, 1900",
            "32/01/1985",
            "1985-03/12",
            "1.2.3",
            "12 Marchx 1985",
            "1850-01-01",
        ] {
            assert!(check(s).is_none(), "{s}");
        }
    }
}
