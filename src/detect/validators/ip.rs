//! IP addresses. A candidate must be the whole run of address characters around it (so
//! `1.2.3.4.5`, OIDs and version strings like `10.0.19041.1` are not addresses) and must parse
//! with the standard library's strict parsers.

use super::Verdict;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// The candidate fills the region, ignoring trailing dots (a sentence ending after the address).
fn fills_region(text: &str, span: &Range<usize>, region: &Range<usize>) -> bool {
    let tail = &text[span.end..region.end];
    span.start == region.start && tail.bytes().all(|b| b == b'.')
}

pub fn check_v4(text: &str, span: Range<usize>, region: Range<usize>) -> Option<Verdict> {
    if !fills_region(text, &span, &region) {
        return None;
    }
    // `2.0.0.1-beta`, `1.2.3.4-rc1`: a version with a pre-release tag.
    let after = &text.as_bytes()[span.end..];
    if after.first() == Some(&b'-') && after.get(1).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let addr: Ipv4Addr = text[span].parse().ok()?;
    Some(Verdict::new(addr.to_string()))
}

pub fn check_v6(text: &str, span: Range<usize>, region: Range<usize>) -> Option<Verdict> {
    if !fills_region(text, &span, &region) {
        return None;
    }
    let s = &text[span];
    let addr: Ipv6Addr = s.parse().ok()?;
    if addr.is_unspecified() {
        return None;
    }
    // Words like `Add::Bed` or `cafe:babe:dead:beef` parse too; real addresses carry a decimal
    // digit or several groups.
    let colons = s.bytes().filter(|&b| b == b':').count();
    if !s.bytes().any(|b| b.is_ascii_digit()) && colons < 4 {
        return None;
    }
    Some(Verdict::new(addr.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(text: &str, cand: &str, region: &str) -> bool {
        let s = text.find(cand).unwrap();
        let r = text.find(region).unwrap();
        check_v4(text, s..s + cand.len(), r..r + region.len()).is_some()
    }

    fn v6(text: &str, cand: &str) -> Option<Verdict> {
        let s = text.find(cand).unwrap();
        check_v6(text, s..s + cand.len(), s..s + cand.len())
    }

    #[test]
    fn ipv4_whole_region_only() {
        assert!(v4(
            "from 192.168.1.20 today",
            "192.168.1.20",
            "192.168.1.20"
        ));
        assert!(v4("host 8.8.8.8.", "8.8.8.8", "8.8.8.8."));
        assert!(!v4("oid 1.3.6.1.4.1", "1.3.6.1", "1.3.6.1.4.1"));
        assert!(!v4("x 256.1.1.1", "256.1.1.1", "256.1.1.1"));
        assert!(!v4("v 2.0.0.1-beta", "2.0.0.1", "2.0.0.1"));
        assert!(v4("range 10.0.0.1-10.0.0.9", "10.0.0.1", "10.0.0.1"));
    }

    #[test]
    fn ipv6_forms() {
        for a in [
            "2001:db8:85a3:0:0:8a2e:370:7334",
            "2001:db8::1",
            "fe80::6178:1c1a:98fe:8720",
            "::1",
            "::ffff:192.0.2.128",
            "64:ff9b::192.0.2.33",
            "dead:beef:cafe:babe:dead:beef:cafe:face",
        ] {
            assert!(v6(a, a).is_some(), "{a}");
        }
        assert_eq!(
            v6("2001:0DB8::0001", "2001:0DB8::0001").unwrap().normalized,
            "2001:db8::1"
        );
    }

    #[test]
    fn ipv6_lookalikes() {
        for a in [
            "::",
            "12:30:45",
            "00:1a:2b:3c:4d:5e",
            "Add::Bed",
            "1::2::3",
            "12345::1",
        ] {
            assert!(v6(a, a).is_none(), "{a}");
        }
    }
}
