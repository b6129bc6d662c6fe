//! Email addresses: RFC 5321 length limits, dot rules, domain label rules, and a top-level
//! domain that is not a file extension (`icon@2x.png` is an image, not an address).

use super::Verdict;
use std::ops::Range;

/// File extensions that regexes mistake for top-level domains and that are not delegated TLDs.
const NOT_TLDS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff", "css", "js", "mjs",
    "ts", "tsx", "jsx", "json", "yaml", "yml", "toml", "html", "htm", "php", "py", "rb", "txt",
    "md", "log", "tmp", "bak", "lock", "min", "map", "woff", "woff2", "ttf", "otf", "exe", "dll",
    "so", "jar", "pdf", "csv", "xml", "ini", "cfg", "conf",
];

/// An address starts where the run of address characters starts: in `a..b@c.de` the fragment
/// `b@c.de` is not an address.
pub fn check(text: &str, span: Range<usize>, region: Range<usize>) -> Option<Verdict> {
    if span.start != region.start {
        return None;
    }
    // The domain must end here: `x@a.b.c.…` longer than the regex allows is not an address.
    let after = &text.as_bytes()[span.end..];
    if after.first() == Some(&b'.') && after.get(1).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    check_address(&text[span])
}

fn check_address(candidate: &str) -> Option<Verdict> {
    let (local, domain) = candidate.rsplit_once('@')?;
    if local.is_empty() || local.len() > 64 || domain.len() > 253 {
        return None;
    }
    if local.starts_with('.') || local.ends_with('.') || candidate.contains("..") {
        return None;
    }
    // The labels, checked as they come (no list of them is kept: every finding passes here).
    let (mut labels, mut tld) = (0, "");
    for l in domain.split('.') {
        if l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-') {
            return None;
        }
        labels += 1;
        tld = l;
    }
    if labels < 2 || tld.len() < 2 || !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    if NOT_TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld)) {
        return None;
    }
    Some(Verdict::new(candidate.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_addresses() {
        for e in [
            "a@b.de",
            "john.doe+tag@mail.example.co.uk",
            "o_brien-99@sub.domain.io",
            "X@Y.COM",
        ] {
            assert!(check_address(e).is_some(), "{e}");
        }
        assert_eq!(
            check_address("Bob@Example.COM").unwrap().normalized,
            "bob@example.com"
        );
    }

    #[test]
    fn rejects_lookalikes() {
        for e in [
            "icon@2x.png",
            "user@localhost",
            ".a@b.de",
            "a.@b.de",
            "a..b@c.de",
            "a@-b.de",
            "a@b-.de",
            "a@b.c",
            "a@b.c0m",
            "@scope.io",
        ] {
            assert!(check_address(e).is_none(), "{e}");
        }
        assert!(check_address(&format!("{}@b.de", "a".repeat(65))).is_none());
        let t = "x a..b@c.de";
        assert!(check(t, 4..11, 2..11).is_none(), "fragment of a run");
        assert!(check(t, 2..11, 2..11).is_none());
        let long = "x@a.b.c.d.e.f.g.h.i.de";
        assert!(
            check(long, 0..17, 0..long.len()).is_none(),
            "cut inside the domain"
        );
        let end = "mail x@web.de. Next";
        assert!(
            check(end, 5..13, 5..14).is_some(),
            "a full stop after the address"
        );
    }
}
