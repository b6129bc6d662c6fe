//! libphonenumber's metadata, compiled once per region into plain regexes, and the parts of
//! libphonenumber's parsing we need: national-prefix stripping (with transform rules), validity
//! (general pattern, possible lengths, number types) and the formatting rule that says whether
//! the national prefix must be written.
//!
//! The metadata is a snapshot of the `phonenumber` crate's database (`phone_metadata.json`,
//! the fields read here, one region per line; a test checks it against the crate, which is
//! only a dev-dependency). Loading the crate's database parsed every one of its patterns
//! (about 600 million instructions, some 50 ms, on every run); the snapshot loads in about
//! 1 ms, and a region's patterns are compiled on its first use. The crate's own parser also
//! kept its regexes in a small LRU cache behind one global mutex, which made phone validation
//! slow and serial; these tables are read without locks.

use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

/// The snapshot: one [`MetaEntry`] per line, in the crate's database order.
const SNAPSHOT: &str = include_str!("phone_metadata.json");

/// One region's metadata, as far as validation reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct MetaEntry {
    /// ISO 3166 code (`GB`; `001` for non-geographic entities).
    id: String,
    code: u16,
    /// Whether it is the main region of its country code (US for +1).
    main: bool,
    national_prefix: Option<String>,
    prefix_for_parsing: Option<String>,
    transform: Option<String>,
    leading_digits: Option<String>,
    general: DescEntry,
    /// The number types with a descriptor: premium rate, toll free, shared cost, VoIP,
    /// personal number, pager, UAN, voicemail, fixed line, mobile (in this order).
    types: Vec<DescEntry>,
    formats: Vec<FormatEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct DescEntry {
    /// The national number pattern, as the metadata writes it (verbose: with whitespace).
    pattern: String,
    /// Possible lengths of a national significant number (empty: not given).
    lengths: Vec<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FormatEntry {
    pattern: String,
    /// The last (most precise) leading-digits pattern.
    leading: Option<String>,
    /// Whether the national format includes the national prefix.
    prefix_required: bool,
}

/// Compiles a metadata pattern. The metadata keeps the XML's whitespace inside patterns, so,
/// like the crate, patterns are compiled in verbose mode (`(?x)`). They match ASCII digit
/// strings only, so Unicode is off: a Unicode `\d` (hundreds of code points) made the compiled
/// tables of all regions take about 300 MB; ASCII `\d` takes a fraction of that.
///
/// The patterns are matched against a number's digits, at most 15 bytes, so the meta engine
/// builds no full DFA for them: with this crate's `dfa-build` feature on, it otherwise builds
/// one for every small pattern, which made compiling the default regions' patterns cost about
/// 210 million instructions instead of 120. The lazy DFA stays: without it (and its reverse
/// NFA) compiling costs 97 million, but matching costs 2 instructions per byte scanned more.
fn compile(pattern: &str) -> Option<Regex> {
    Regex::builder()
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(false)
                .ignore_whitespace(true),
        )
        .configure(Regex::config().dfa(false))
        .build(pattern)
        .ok()
}

/// The leftmost match of `re` in `hay` with its groups, if any.
fn captures(re: &Regex, hay: &str) -> Option<Captures> {
    let mut caps = re.create_captures();
    re.captures(hay, &mut caps);
    caps.is_match().then_some(caps)
}

struct Desc {
    re: Regex,
    lengths: Vec<u16>,
    /// The lengths a match of `re` can have (see [`match_lengths`]): a number of another
    /// length is rejected without a search. Most regions reject most numbers by length.
    match_lengths: u64,
}

/// The lengths in bytes that a match of the metadata pattern `src` can have, as a bit mask
/// (bit 63: 63 or more); all bits where the pattern does not parse.
fn match_lengths(src: &str) -> u64 {
    verbose_parser()
        .parse(src)
        .map_or(u64::MAX, |hir| lengths_of(&hir))
}

/// The bytes a match of the metadata pattern `src` can start with, unless it can match the
/// empty string (or does not parse).
fn first_bytes(src: &str) -> Option<[bool; 256]> {
    let hir = verbose_parser().parse(src).ok()?;
    let (first, empty) = starts_of(&hir);
    (!empty).then_some(first)
}

/// The bytes a match of `hir` can start with, and whether it can be empty.
fn starts_of(hir: &regex_syntax::hir::Hir) -> ([bool; 256], bool) {
    use regex_syntax::hir::{Class, HirKind};
    let mut first = [false; 256];
    let empty = match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match lit.0.first() {
            Some(&b) => {
                first[usize::from(b)] = true;
                false
            }
            None => true,
        },
        HirKind::Class(Class::Bytes(class)) => {
            for r in class.ranges() {
                first[usize::from(r.start())..=usize::from(r.end())].fill(true);
            }
            false
        }
        // Unicode is off, but a class of code points is read the same way: any byte may
        // start a code point above 255.
        HirKind::Class(Class::Unicode(class)) => {
            for r in class.ranges() {
                if u32::from(r.end()) > 127 {
                    first.fill(true);
                } else {
                    first[r.start() as usize..=r.end() as usize].fill(true);
                }
            }
            false
        }
        HirKind::Capture(cap) => return starts_of(&cap.sub),
        HirKind::Repetition(rep) => {
            let (sub, empty) = starts_of(&rep.sub);
            return (sub, empty || rep.min == 0);
        }
        HirKind::Alternation(subs) => {
            let mut empty = false;
            for s in subs {
                let (sub, e) = starts_of(s);
                first.iter_mut().zip(sub).for_each(|(f, s)| *f |= s);
                empty |= e;
            }
            empty
        }
        HirKind::Concat(subs) => {
            for s in subs {
                let (sub, e) = starts_of(s);
                first.iter_mut().zip(sub).for_each(|(f, s)| *f |= s);
                if !e {
                    return (first, false);
                }
            }
            true
        }
    };
    (first, empty)
}

/// The parser of metadata patterns, configured as [`compile`] compiles them.
fn verbose_parser() -> regex_syntax::Parser {
    regex_syntax::ParserBuilder::new()
        .ignore_whitespace(true)
        .unicode(false)
        .utf8(false)
        .build()
}

/// Saturating at bit 63: the lengths of `a` with `n` bytes added.
fn add_len(a: u64, n: usize) -> u64 {
    match n {
        0 => a,
        1..=63 => a << n | u64::from(a >> (64 - n) != 0) << 63,
        _ => u64::from(a != 0) << 63,
    }
}

/// The lengths of two patterns one after the other.
fn concat_lens(a: u64, b: u64) -> u64 {
    (0..64)
        .filter(|&n| b >> n & 1 != 0)
        .fold(0, |sum, n| sum | add_len(a, n))
}

fn lengths_of(hir: &regex_syntax::hir::Hir) -> u64 {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(lit) => add_len(1, lit.0.len()),
        // Unicode is off: a class matches one byte.
        HirKind::Class(_) => 1 << 1,
        HirKind::Capture(cap) => lengths_of(&cap.sub),
        HirKind::Concat(subs) => subs.iter().fold(1, |a, s| concat_lens(a, lengths_of(s))),
        HirKind::Alternation(subs) => subs.iter().fold(0, |a, s| a | lengths_of(s)),
        HirKind::Repetition(rep) => {
            let one = lengths_of(&rep.sub);
            // 64 copies or more of a non-empty match are 63 bytes or more (bit 63), so
            // counting up to 64 copies covers any bound.
            let max = rep.max.map_or(64, |m| m.min(64));
            if rep.min > 64 {
                return u64::MAX;
            }
            let (mut copies, mut lens) = (1u64, 0u64);
            for k in 0..=max {
                if k >= rep.min {
                    lens |= copies;
                }
                copies = concat_lens(copies, one);
            }
            if rep.max.is_none_or(|m| m > 64) && one & !1 != 0 {
                lens |= 1 << 63;
            }
            lens
        }
    }
}

impl Desc {
    fn new(d: &DescEntry, fallback_lengths: &[u16]) -> Option<Desc> {
        let re = compile(&format!("^(?:{})$", d.pattern))?;
        let lengths = if d.lengths.is_empty() {
            fallback_lengths.to_vec()
        } else {
            d.lengths.clone()
        };
        let match_lengths = match_lengths(&d.pattern);
        Some(Desc {
            re,
            lengths,
            match_lengths,
        })
    }

    fn matches(&self, nsn: &str) -> bool {
        self.match_lengths >> nsn.len().min(63) & 1 != 0
            && (self.lengths.is_empty() || self.lengths.contains(&(nsn.len() as u16)))
            && self.re.is_match(nsn)
    }
}

struct FormatRule {
    pattern: Regex,
    leading: Option<Regex>,
    prefix_required: bool,
}

/// One region's compiled metadata.
pub struct Region {
    pub code: u16,
    general: Desc,
    types: Vec<Desc>,
    national_prefix: Option<String>,
    prefix_for_parsing: Option<Regex>,
    /// The bytes a match of `prefix_for_parsing` can start with (`None`: it can match
    /// nothing, or its pattern does not parse): a number starting with another has no
    /// national prefix to strip, which is known without a search.
    prefix_first_bytes: Option<[bool; 256]>,
    transform: Option<String>,
    formats: Vec<FormatRule>,
    leading_digits: Option<Regex>,
    /// The digit counts a national-format number can have here: the possible lengths of a
    /// national significant number, plus at most this many digits of national prefix (`None`:
    /// no bound known). Checked before any regex.
    digit_counts: (usize, Option<usize>),
}

fn anchored_start(src: &str) -> Option<Regex> {
    compile(&format!("^(?:{src})"))
}

impl Region {
    fn compile(meta: &MetaEntry) -> Option<Region> {
        let general = Desc::new(&meta.general, &[])?;
        let fallback = general.lengths.clone();
        let types: Vec<Desc> = meta
            .types
            .iter()
            .filter_map(|d| Desc::new(d, &fallback))
            .collect();
        let formats = meta
            .formats
            .iter()
            .filter_map(|f| {
                Some(FormatRule {
                    pattern: compile(&format!("^(?:{})$", f.pattern))?,
                    leading: match &f.leading {
                        Some(l) => Some(anchored_start(l)?),
                        None => None,
                    },
                    prefix_required: f.prefix_required,
                })
            })
            .collect();
        let national_prefix = meta.national_prefix.clone().filter(|p| !p.is_empty());
        // The most digits national-prefix stripping can remove: the longest match of the
        // parsing pattern, or the prefix itself.
        let strip = match &meta.prefix_for_parsing {
            Some(r) => verbose_parser()
                .parse(r)
                .ok()
                .and_then(|h| h.properties().maximum_len()),
            None => Some(national_prefix.as_ref().map_or(0, String::len)),
        };
        // A valid number has the general lengths (where given) and those of one number type
        // (a type without lengths of its own has the general ones).
        let lengths = if general.lengths.is_empty() {
            if types.iter().any(|t| t.lengths.is_empty()) {
                Vec::new()
            } else {
                types
                    .iter()
                    .flat_map(|t| t.lengths.iter().copied())
                    .collect()
            }
        } else {
            general.lengths.clone()
        };
        let digit_counts = match (lengths.iter().min(), lengths.iter().max()) {
            (Some(&lo), Some(&hi)) => (usize::from(lo), strip.map(|s| usize::from(hi) + s)),
            _ => (0, None),
        };
        Some(Region {
            code: meta.code,
            digit_counts,
            general,
            types,
            national_prefix,
            prefix_for_parsing: meta.prefix_for_parsing.as_deref().and_then(anchored_start),
            prefix_first_bytes: meta.prefix_for_parsing.as_deref().and_then(first_bytes),
            transform: meta.transform.clone(),
            formats,
            leading_digits: meta.leading_digits.as_deref().and_then(anchored_start),
        })
    }

    /// libphonenumber's `isValidNumberForRegion`: the general pattern and one number type match.
    fn is_valid_nsn(&self, nsn: &str) -> bool {
        // Fixed line and mobile, the last types, hold most numbers: they are tried first.
        self.general.matches(nsn) && self.types.iter().rev().any(|t| t.matches(nsn))
    }

    /// libphonenumber's `maybeStripNationalPrefixAndCarrierCode`: the national significant
    /// number, and whether a national prefix was removed.
    fn strip_national_prefix(&self, digits: &str) -> (String, bool) {
        if let Some(re) = &self.prefix_for_parsing {
            let cannot_start = |first: &[bool; 256]| {
                digits
                    .as_bytes()
                    .first()
                    .is_none_or(|&b| !first[usize::from(b)])
            };
            if self.prefix_first_bytes.as_ref().is_some_and(cannot_start) {
                return (digits.to_string(), false);
            }
            let Some(caps) = captures(re, digits) else {
                return (digits.to_string(), false);
            };
            let end = caps.get_match().map_or(0, |m| m.end());
            let viable = self.general.matches(digits);
            let groups = caps.group_len();
            let last = if groups > 1 {
                caps.get_group(groups - 1)
            } else {
                None
            };
            let candidate = match (&self.transform, last) {
                (Some(t), Some(_)) => {
                    let mut out = String::new();
                    caps.interpolate_string_into(digits, t, &mut out);
                    out.push_str(&digits[end..]);
                    out
                }
                _ => digits[end..].to_string(),
            };
            if viable && !self.general.matches(&candidate) {
                return (digits.to_string(), false);
            }
            // Some regions' transforms add an area code to a local number (Guam, the US Virgin
            // Islands: `2003464` → `6712003464`). Right for dialling, wrong for finding numbers
            // in text: any seven digits would become a phone number. Removing digits is fine.
            if candidate.len() > digits.len() {
                return (digits.to_string(), false);
            }
            let stripped = candidate != digits;
            return (candidate, stripped);
        }
        match &self.national_prefix {
            Some(p) if digits.starts_with(p.as_str()) => (digits[p.len()..].to_string(), true),
            _ => (digits.to_string(), false),
        }
    }

    /// The digits of the first group of this number's national format (the area code or
    /// mobile prefix), when a format covers it.
    fn first_group_len(&self, nsn: &str) -> Option<usize> {
        captures(&self.format_for(nsn)?.pattern, nsn)?
            .get_group(1)
            .map(|g| g.len())
    }

    fn format_for(&self, nsn: &str) -> Option<&FormatRule> {
        self.formats
            .iter()
            .find(|f| f.leading.as_ref().is_none_or(|l| l.is_match(nsn)) && f.pattern.is_match(nsn))
    }

    /// Whether this number's national format includes the national prefix (so a national-format
    /// number written without it is not really written for this region).
    fn prefix_required(&self, nsn: &str) -> bool {
        self.format_for(nsn).is_some_and(|f| f.prefix_required)
    }
}

struct Table {
    metas: Vec<MetaEntry>,
    compiled: Vec<OnceLock<Option<Region>>>,
    by_id: HashMap<String, usize>,
    by_code: HashMap<u16, Vec<usize>>,
}

/// The snapshot's regions, one per line.
fn snapshot() -> Result<Vec<MetaEntry>, serde_json::Error> {
    SNAPSHOT
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect()
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    // Built into the binary and checked by a test against the crate: not input.
    let metas = snapshot().expect("the built-in phone metadata parses");
    let mut by_id = HashMap::new();
    let mut by_code: HashMap<u16, Vec<usize>> = HashMap::new();
    for (i, m) in metas.iter().enumerate() {
        by_id.entry(m.id.clone()).or_insert(i);
        by_code.entry(m.code).or_default().push(i);
    }
    // The main country for a shared code (US for +1, GB for +44) is tried first.
    for list in by_code.values_mut() {
        list.sort_by_key(|&i| !metas[i].main);
    }
    Table {
        compiled: metas.iter().map(|_| OnceLock::new()).collect(),
        metas,
        by_id,
        by_code,
    }
});

fn region(i: usize) -> Option<&'static Region> {
    let t = &*TABLE;
    t.compiled[i]
        .get_or_init(|| Region::compile(&t.metas[i]))
        .as_ref()
}

/// Index of a region by ISO code (`"GB"`), for [`valid_national`].
pub fn region_index(id: &str) -> Option<usize> {
    TABLE.by_id.get(id).copied()
}

/// Regions sharing the country code of region `idx` (NANP for US, GG/JE/IM for GB), main
/// country first.
pub fn siblings(idx: usize) -> Vec<usize> {
    let code = TABLE.metas[idx].code;
    TABLE.by_code.get(&code).cloned().unwrap_or_default()
}

/// A number written in national format (`digits`: its ASCII digits) that is valid for the
/// region, written with the national prefix where the region's format requires it, and grouped
/// as the region groups it. `breaks` are the digit counts after which the writer put a
/// separator (`(650) 253-0000` → 3, 6; empty when written as one run).
///
/// The grouping check is a narrow form of libphonenumber's STRICT_GROUPING: a number written as
/// exactly two groups splits area code (or mobile prefix) from subscriber number, so the split
/// must fall where the region's format puts it. That keeps `650 2530000`, `030 12345678` and
/// `07400 123456`, and rejects a ZIP+4 code (`94105-1234`) that happens to be a valid Spanish
/// landline (`941 05 12 34`). Numbers written in three or more groups are not checked: people
/// group digits freely (`0112 346 106`), and full strict grouping cost real numbers. Germany
/// and Austria are exempt: their area codes run from two to five digits, which the metadata's
/// formats do not model (`(06975) 80604` is written right but formats as `69 7580604`).
/// Returns the E.164 form.
pub fn valid_national(region_idx: usize, digits: &str, breaks: &[usize]) -> Option<String> {
    let r = region(region_idx)?;
    // Stripping only removes digits, so a number of the wrong length is rejected here.
    let (lo, hi) = r.digit_counts;
    if digits.len() < lo || hi.is_some_and(|hi| digits.len() > hi) {
        return None;
    }
    let (nsn, stripped) = r.strip_national_prefix(digits);
    if !r.is_valid_nsn(&nsn) || (!stripped && r.prefix_required(&nsn)) {
        return None;
    }
    let open_plan = matches!(r.code, 43 | 49);
    if breaks.len() == 1 && !open_plan && digits.ends_with(nsn.as_str()) {
        let offset = digits.len() - nsn.len();
        if let Some(first) = r.first_group_len(&nsn) {
            if first < nsn.len() && !breaks.contains(&(offset + first)) {
                return None;
            }
        }
    }
    Some(format!("+{}{}", r.code, nsn))
}

/// A number written with `+`: `digits` are the digits after it (country code first). Returns
/// the E.164 form when a region of that country code holds it as a valid number.
pub fn valid_international(digits: &str) -> Option<String> {
    for cc_len in 1..=3.min(digits.len()) {
        let Ok(code) = digits[..cc_len].parse::<u16>() else {
            continue;
        };
        let Some(list) = TABLE.by_code.get(&code) else {
            continue;
        };
        let rest = &digits[cc_len..];
        for &i in list {
            let Some(r) = region(i) else { continue };
            for nsn in [rest.to_string(), r.strip_national_prefix(rest).0] {
                // Where a code is shared, a region with leading digits owns only those numbers.
                let owned =
                    list.len() == 1 || r.leading_digits.as_ref().is_none_or(|l| l.is_match(&nsn));
                if owned && r.is_valid_nsn(&nsn) {
                    return Some(format!("+{code}{nsn}"));
                }
            }
        }
        // A country code is a prefix code: only one length can be a real code.
        return None;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The snapshot's entries, made from the `phonenumber` crate's database.
    fn from_the_crate() -> Vec<MetaEntry> {
        use phonenumber::metadata::{Descriptor, DATABASE};
        let desc = |d: &Descriptor| DescEntry {
            pattern: d.national_number().as_str().to_string(),
            lengths: d.possible_length().to_vec(),
        };
        DATABASE
            .iter()
            .map(|m| {
                let d = m.descriptors();
                MetaEntry {
                    id: m.id().to_string(),
                    code: m.country_code(),
                    main: m.is_main_country_for_code(),
                    national_prefix: m.national_prefix().map(str::to_string),
                    prefix_for_parsing: m
                        .national_prefix_for_parsing()
                        .map(|r| r.as_str().to_string()),
                    transform: m.national_prefix_transform_rule().map(str::to_string),
                    leading_digits: m.leading_digits().map(|r| r.as_str().to_string()),
                    general: desc(d.general()),
                    types: [
                        d.premium_rate(),
                        d.toll_free(),
                        d.shared_cost(),
                        d.voip(),
                        d.personal_number(),
                        d.pager(),
                        d.uan(),
                        d.voicemail(),
                        d.fixed_line(),
                        d.mobile(),
                    ]
                    .into_iter()
                    .flatten()
                    .map(desc)
                    .collect(),
                    formats: m
                        .formats()
                        .iter()
                        .map(|f| FormatEntry {
                            pattern: f.pattern().as_str().to_string(),
                            leading: f.leading_digits().last().map(|l| l.as_str().to_string()),
                            prefix_required: !f.is_national_prefix_optional()
                                && f.national_prefix().is_some_and(|r| r.contains("$NP")),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// The built-in snapshot is the crate's metadata, field for field and in the crate's
    /// order. After upgrading the crate, rewrite it with
    /// `PIISCAN_WRITE_PHONE_METADATA=1 cargo test --lib phone_meta`.
    #[test]
    fn snapshot_is_the_crates_metadata() {
        let want = from_the_crate();
        if std::env::var_os("PIISCAN_WRITE_PHONE_METADATA").is_some() {
            let mut text = String::new();
            for m in &want {
                text.push_str(&serde_json::to_string(m).unwrap());
                text.push('\n');
            }
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/detect/validators/phone_metadata.json"
            );
            std::fs::write(path, text).unwrap();
            return;
        }
        let have = snapshot().unwrap();
        assert_eq!(have.len(), want.len(), "regions");
        for (h, w) in have.iter().zip(&want) {
            assert_eq!(
                h, w,
                "{}: the snapshot is not the crate's: rewrite it",
                w.id
            );
        }
    }

    fn nat(region: &str, digits: &str) -> Option<String> {
        valid_national(region_index(region).unwrap(), digits, &[])
    }

    fn grouped(region: &str, written: &str) -> bool {
        let mut digits = String::new();
        let mut breaks = Vec::new();
        for part in written.split(' ') {
            if !digits.is_empty() {
                breaks.push(digits.len());
            }
            digits.push_str(part);
        }
        valid_national(region_index(region).unwrap(), &digits, &breaks).is_some()
    }

    #[test]
    fn two_groups_split_at_the_area_code() {
        for (region, written) in [
            ("US", "650 253 0000"),
            ("US", "1 650 253 0000"),
            ("US", "65 02 53 00 00"),
            ("US", "650 2530000"),
            ("GB", "020 7946 0958"),
            ("GB", "07400 123456"),
            ("DE", "030 1234 5678"),
            ("FR", "06 12 34 56 78"),
            ("BR", "11 96123 8115"),
            ("JP", "03 1234 5678"),
            ("ES", "612 34 56 78"),
        ] {
            assert!(grouped(region, written), "{region} {written}");
        }
        for (region, written) in [("US", "650253 0000"), ("ES", "94105 1234")] {
            assert!(!grouped(region, written), "{region} {written}");
        }
    }

    #[test]
    fn national_numbers() {
        assert_eq!(nat("GB", "02079460958").as_deref(), Some("+442079460958"));
        assert_eq!(
            nat("GB", "2079460958"),
            None,
            "UK numbers are written with the 0"
        );
        assert_eq!(nat("US", "4155552671").as_deref(), Some("+14155552671"));
        assert_eq!(nat("US", "14155552671").as_deref(), Some("+14155552671"));
        assert_eq!(nat("FR", "0612345678").as_deref(), Some("+33612345678"));
        assert_eq!(nat("BR", "11961238115").as_deref(), Some("+5511961238115"));
        assert_eq!(nat("DE", "03012345678").as_deref(), Some("+493012345678"));
        assert_eq!(nat("ES", "612345678").as_deref(), Some("+34612345678"));
        assert_eq!(nat("US", "1234567890"), None);
        for r in ["VI", "GU", "BM"] {
            assert_eq!(
                nat(r, "2003464"),
                None,
                "{r}: no area code is added to local numbers"
            );
        }
    }

    #[test]
    fn international_numbers() {
        assert_eq!(
            valid_international("442079460958").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(
            valid_international("4402079460958").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(
            valid_international("14155552671").as_deref(),
            Some("+14155552671")
        );
        assert_eq!(
            valid_international("33612345678").as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            valid_international("5511961238115").as_deref(),
            Some("+5511961238115")
        );
        assert_eq!(valid_international("12345"), None);
        assert_eq!(valid_international("999123456789"), None);
    }

    #[test]
    fn match_lengths_of_patterns() {
        let lens = |src: &str| -> Vec<usize> {
            (0..64)
                .filter(|&n| match_lengths(src) >> n & 1 != 0)
                .collect()
        };
        let want = |l: &[usize]| l.to_vec();
        assert_eq!(lens("[2-9]\\d{9}|3\\d{6}"), want(&[7, 10]));
        assert_eq!(lens("(?:1|23)\\d{2}"), want(&[3, 4]));
        assert_eq!(lens("0?\\d{4}(?:\\d{2})?"), want(&[4, 5, 6, 7]));
        assert_eq!(lens("\n  7\\d{3}\n  |\n  8\n"), want(&[1, 4]));
        assert_eq!(lens("(?:12){2,3}"), want(&[4, 6]));
        assert_eq!(lens("\\d{60,}"), want(&[60, 61, 62, 63]));
        assert_eq!(lens("\\d*"), (0..64).collect::<Vec<_>>());
        assert_eq!(match_lengths("("), u64::MAX);
    }

    #[test]
    fn first_bytes_of_patterns() {
        let firsts = |src: &str| -> Option<Vec<u8>> {
            first_bytes(src).map(|f| (0..=255u8).filter(|&b| f[usize::from(b)]).collect())
        };
        assert_eq!(firsts("0|1[2-4]"), Some(b"01".to_vec()));
        assert_eq!(firsts("(?:0?8)?(1)"), Some(b"018".to_vec()));
        assert_eq!(firsts("[5-7]\\d"), Some(b"567".to_vec()));
        assert_eq!(firsts("0?"), None);
    }

    /// The filters in front of the regexes pass every number a regex would match.
    #[test]
    fn length_and_first_byte_filters_pass_every_match() {
        let mut next = crate::testing::xorshift(0x1234_5678_9abc_def1);
        // Every digit string of up to three digits, and random ones of up to 17.
        let mut numbers: Vec<String> = (0..1110)
            .map(|i: usize| match i {
                0..=9 => format!("{i}"),
                10..=109 => format!("{:02}", i - 10),
                _ => format!("{:03}", i - 110),
            })
            .collect();
        for len in 4..=17 {
            numbers.extend((0..60).map(|_| {
                (0..len)
                    .map(|_| (b'0' + (next() % 10) as u8) as char)
                    .collect()
            }));
        }
        let mut matched = 0;
        for r in (0..TABLE.metas.len()).filter_map(region) {
            for d in std::iter::once(&r.general).chain(&r.types) {
                for n in numbers.iter().filter(|n| d.re.is_match(n.as_str())) {
                    assert_ne!(d.match_lengths >> n.len() & 1, 0, "+{} {n}", r.code);
                    matched += 1;
                }
            }
            if let (Some(re), Some(first)) = (&r.prefix_for_parsing, &r.prefix_first_bytes) {
                for n in numbers.iter().filter(|n| captures(re, n).is_some()) {
                    assert!(first[usize::from(n.as_bytes()[0])], "+{} {n}", r.code);
                    matched += 1;
                }
            }
        }
        assert!(matched > 10_000, "{matched}");
    }

    #[test]
    fn every_region_compiles() {
        let compiled = (0..TABLE.metas.len())
            .filter(|&i| region(i).is_some())
            .count();
        assert_eq!(compiled, TABLE.metas.len());
    }

    /// The crate matches type patterns as prefixes; libphonenumber (and we) match them whole.
    /// `0669821234` is not an Italian number (`0669[0-79]…` excludes 8), the crate says it is.
    #[test]
    fn full_match_unlike_the_crate() {
        assert_eq!(nat("IT", "0669821234"), None);
    }

    /// The tables agree with the `phonenumber` crate on validity for a sample of numbers.
    #[test]
    fn agrees_with_the_crate() {
        for (region, n) in [
            ("US", "2015550123"),
            ("GB", "07400123456"),
            ("DE", "015123456789"),
            ("IT", "0612345678"),
            ("IT", "3471234567"),
            ("NL", "0201234567"),
            ("JP", "0312345678"),
            ("IN", "09876543210"),
            ("JP", "09012345678"),
            ("ES", "912345678"),
        ] {
            let id: phonenumber::country::Id = region.parse().unwrap();
            let crate_valid = phonenumber::parse(Some(id), n)
                .map(|p| phonenumber::is_valid(&p))
                .unwrap_or(false);
            assert_eq!(nat(region, n).is_some(), crate_valid, "{region} {n}");
        }
    }
}
