//! IP addresses. A candidate must be the whole run of address characters around it (so
//! `1.2.3.4.5`, OIDs and version strings like `10.0.19041.1` are not addresses) and must parse
//! with the standard library's strict parsers.

use super::Verdict;
use crate::findings::Confidence;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// The candidate fills the region, ignoring trailing dots (a sentence ending after the address).
fn fills_region(text: &str, span: &Range<usize>, region: &Range<usize>) -> bool {
    let tail = &text[span.end..region.end];
    span.start == region.start && tail.bytes().all(|b| b == b'.')
}

/// Whether [`check_v4`] could accept a candidate in `text[region]`. The only candidate that
/// fills the region is the region without its trailing dots (one that keeps a dot does not
/// parse): it must parse as an address. The engine asks before it searches a region, which a
/// version string (`10.0.19041.1`) then never costs.
pub fn region_could_pass_v4(text: &str, region: Range<usize>) -> bool {
    text[region]
        .trim_end_matches('.')
        .parse::<Ipv4Addr>()
        .is_ok()
}

/// [`region_could_pass_v4`] for [`check_v6`] (a time, `09:25:16`, is no address). An address
/// has eight groups: seven colons, six and an IPv4 address (three dots), or fewer around a
/// `::`; a region without them is ruled out before the standard parser, which is slow to say
/// no (it tries an IPv4 address at every group).
pub fn region_could_pass_v6(text: &str, region: Range<usize>) -> bool {
    let filled = text[region].trim_end_matches('.');
    let count = |c| filled.bytes().filter(|&b| b == c).count();
    let colons = count(b':');
    let grouped = colons == 7 || (colons == 6 && count(b'.') == 3) || filled.contains("::");
    grouped && filled.parse::<Ipv6Addr>().is_ok()
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
    Some(scoped(addr.to_string(), v4_scope(addr)))
}

/// Non-public addresses (private, loopback, documentation…) are reported with low confidence
/// and their scope, so a CI gate can ignore them with `--min-confidence medium`.
fn scoped(normalized: String, scope: &'static str) -> Verdict {
    let mut v = Verdict::new(normalized);
    if scope != "public" {
        v.confidence = Some(Confidence::Low);
        v.cap = Some(Confidence::Low);
    }
    v.attributes.push(("ip_scope", scope));
    v
}

/// The scope of an IPv4 address (IANA special-purpose registry, RFC 6890).
pub fn v4_scope(a: Ipv4Addr) -> &'static str {
    let o = a.octets();
    if a.is_unspecified() {
        "unspecified"
    } else if a.is_loopback() {
        "loopback"
    } else if a.is_private() {
        "private"
    } else if a.is_link_local() {
        "link_local"
    } else if o[0] == 100 && (o[1] & 0xC0) == 64 {
        "shared"
    } else if matches!(
        (o[0], o[1], o[2]),
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113)
    ) {
        "documentation"
    } else if a.is_multicast() {
        "multicast"
    } else if a.is_broadcast() || o[0] >= 240 || o[0] == 0 {
        "reserved"
    } else {
        "public"
    }
}

/// The scope of an IPv6 address; IPv4-mapped addresses take the scope of their IPv4 part.
pub fn v6_scope(a: Ipv6Addr) -> &'static str {
    if let Some(v4) = a.to_ipv4_mapped() {
        return v4_scope(v4);
    }
    let s = a.segments();
    if a.is_unspecified() {
        "unspecified"
    } else if a.is_loopback() {
        "loopback"
    } else if a.is_unique_local() {
        "private"
    } else if a.is_unicast_link_local() {
        "link_local"
    } else if s[0] == 0x2001 && s[1] == 0x0db8 {
        "documentation"
    } else if a.is_multicast() {
        "multicast"
    } else {
        "public"
    }
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
    Some(scoped(addr.to_string(), v6_scope(addr)))
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
    fn scopes() {
        let scope = |s: &str| match s.parse::<std::net::IpAddr>().unwrap() {
            std::net::IpAddr::V4(a) => v4_scope(a),
            std::net::IpAddr::V6(a) => v6_scope(a),
        };
        for (ip, expected) in [
            ("81.169.145.12", "public"),
            ("10.1.2.3", "private"),
            ("172.20.0.1", "private"),
            ("192.168.178.1", "private"),
            ("127.0.0.1", "loopback"),
            ("169.254.1.1", "link_local"),
            ("100.64.0.1", "shared"),
            ("203.0.113.7", "documentation"),
            ("224.0.0.251", "multicast"),
            ("255.255.255.255", "reserved"),
            ("2606:50c0:8000::153", "public"),
            ("fd12:3456::1", "private"),
            ("fe80::1", "link_local"),
            ("2001:db8::1", "documentation"),
            ("::ffff:10.0.0.1", "private"),
            ("::1", "loopback"),
        ] {
            assert_eq!(scope(ip), expected, "{ip}");
        }
        let t = "ip 10.1.2.3";
        let v = check_v4(t, 3..11, 3..11).unwrap();
        assert_eq!(v.confidence, Some(Confidence::Low));
        assert_eq!(v.attributes, vec![("ip_scope", "private")]);
        let t = "ip 81.169.145.12";
        assert_eq!(check_v4(t, 3..16, 3..16).unwrap().confidence, None);
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
