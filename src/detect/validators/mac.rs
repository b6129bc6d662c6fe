//! MAC addresses: the candidate must be the whole run of address characters (not six groups
//! of a longer colon list), and the all-zero and broadcast addresses identify no device.

use super::Verdict;
use std::ops::Range;

pub fn check(text: &str, span: Range<usize>, region: Range<usize>) -> Option<Verdict> {
    let tail = &text[span.end..region.end];
    if span.start != region.start || !tail.bytes().all(|b| b == b'.') {
        return None;
    }
    let hex: String = text[span]
        .chars()
        .filter(char::is_ascii_hexdigit)
        .flat_map(|c| c.to_lowercase())
        .collect();
    if hex.bytes().all(|b| b == b'0') || hex.bytes().all(|b| b == b'f') {
        return None;
    }
    Some(Verdict::new(hex))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, cand: &str) -> bool {
        let s = text.find(cand).unwrap();
        let mut e = s;
        while e < text.len()
            && (text.as_bytes()[e].is_ascii_hexdigit() || b":-.".contains(&text.as_bytes()[e]))
        {
            e += 1;
        }
        check(text, s..s + cand.len(), s..e).is_some()
    }

    #[test]
    fn whole_runs_only() {
        assert!(ok("ether a4:83:e7:12:9f:0c up", "a4:83:e7:12:9f:0c"));
        assert!(ok("ether a4:83:e7:12:9f:0c.", "a4:83:e7:12:9f:0c"));
        assert!(!ok("sha 00:1a:2b:3c:4d:5e:6f", "00:1a:2b:3c:4d:5e"));
        assert!(!ok("mac 00:00:00:00:00:00", "00:00:00:00:00:00"));
        assert!(!ok("mac FF-FF-FF-FF-FF-FF", "FF-FF-FF-FF-FF-FF"));
        let v = check("3C-22-FB-8E-51-07", 0..17, 0..17).unwrap();
        assert_eq!(v.normalized, "3c22fb8e5107");
    }
}
