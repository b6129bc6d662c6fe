//! The matcher: anchors → regions → regex → boundary and validator → overlaps → context.

use super::bytesearch::ByteSet;
use super::context::{Context, Signal};
use super::fields::FieldKinds;
use super::literals::{Bigrams, LiteralSet};
use super::opaque::{self, DataUris};
use super::region::{glued_at, is_word, prose_wide, Counts, Limits};
use super::validators::{glued_before, glued_to_token, space_glued_before, ValidationEnv, Verdict};
use super::walk::Walk;
use crate::findings::Confidence;
use crate::rules::{Boundary, Rule, RuleSet};
use memchr::memmem;
use std::collections::BTreeMap;

/// A validated match inside one string; offsets are bytes of that string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    pub confidence: Confidence,
    pub normalized: String,
    /// Dropped unless context words or the field name support it.
    pub requires_context: bool,
    /// From the validator (`ip_scope`, `card_brand`).
    pub attributes: Vec<(&'static str, &'static str)>,
    /// The most confidence context may give this match.
    pub cap: Option<Confidence>,
}

/// Per-thread buffers reused across calls, so detection does not allocate per string.
#[derive(Debug, Default)]
pub struct Scratch {
    /// Per rule: how far the anchor-byte pass has searched.
    next: Vec<usize>,
    /// Per rule: whether its context requirement was checked in this string (see
    /// [`Detector::supported`]).
    checked: Vec<bool>,
    /// Per rule: how far the literal-anchor pass has searched.
    next_lit: Vec<usize>,
    candidates: Vec<Match>,
    /// Per charset of walked rules (see [`Walk::token`]): where its open run started, and the
    /// token's counts there.
    starts: Vec<(usize, Counts)>,
    /// Per anchor group: where its next anchor is.
    heads: Vec<Option<usize>>,
    /// Per anchor group: the end of the last token it walked.
    token_end: Vec<usize>,
    /// (rule, normalized value) of the matches accepted so far in the current record.
    record: Vec<(usize, String)>,
    /// Per rule: where the last required literal found in the string starts (see
    /// [`Detector::run_rule`]).
    required_at: Vec<Option<usize>>,
    /// Bytes of data URI payloads cut out so far (see [`Detector::detect`]).
    data_uri_bytes: u64,
}

impl Scratch {
    /// Starts a new record (a JSON Lines record, a Parquet row, a text line): values seen
    /// earlier no longer vouch for candidates (see [`Detector::detect`]).
    pub fn new_record(&mut self) {
        self.record.clear();
    }

    /// Exchanges the current record's remembered values with `other` (a reader that visits
    /// records interleaved, column by column, keeps one memory per record).
    pub fn swap_record(&mut self, other: &mut Vec<(usize, String)>) {
        std::mem::swap(&mut self.record, other);
    }

    /// Bytes of data URI payloads [`Detector::detect`] has cut out of the strings it was given
    /// with this scratch (not scanned: the summary reports them).
    pub fn data_uri_bytes(&self) -> u64 {
        self.data_uri_bytes
    }

    /// Sets the count back to `count`, taken before strings that are about to be scanned
    /// again (a JSON Lines record that turned out malformed is scanned again as text).
    pub fn rewind_data_uri_bytes(&mut self, count: u64) {
        self.data_uri_bytes = count;
    }
}

/// Strings up to this long are first checked for any anchor byte, and any byte pair a literal
/// anchor starts with, at all (see [`Detector::detect`]).
const SHORT_STRING: usize = 32;

/// Bits of [`Detector::short_bytes`].
const ANCHOR_BYTE: u8 = 1;
const PAIR_START: u8 = 2;

/// Values remembered per record: enough for any real record, bounded for hostile ones.
const RECORD_MEMORY: usize = 256;

/// A rejected candidate is retried with at most this many shorter cuts.
const MAX_CUTS: usize = 8;

/// The index in `Detector::literals` of the set of rules with a literal shorter than three
/// bytes, when the other set has literals too (see [`Detector::new`]).
const SHORT_LITERALS: usize = 1;

/// Literal anchors: those of rules whose literals all have three bytes or more, or those of
/// rules with a shorter one.
#[derive(Debug)]
struct Literals {
    set: LiteralSet,
    rule_of: Vec<usize>,
}

/// Regex searches of a rule before its DFA is built: building one costs about as much as a
/// few thousand searches with the `regex` crate, so only a scan that keeps using the rule pays.
const DFA_AFTER: u32 = 4096;

/// A rule's regex as a fully built DFA (forward and reverse), for the rules searched at every
/// anchor byte: a search is a table walk, without the general engine's per-call set-up, which
/// dominates on regions of a few bytes. Built only within a size limit; a rule whose DFA would
/// be larger (or that uses a feature DFAs lack, like a Unicode `\b`) keeps the `regex` crate.
fn region_dfa(rule: &Rule) -> Option<regex_automata::dfa::regex::Regex> {
    use regex_automata::dfa::{dense, regex::Regex};
    if !rule.anchor_bytes.iter().any(|&b| b) {
        return None;
    }
    Regex::builder()
        .dense(
            dense::Config::new()
                .dfa_size_limit(Some(512 << 10))
                .determinize_size_limit(Some(1 << 20)),
        )
        .build(rule.regex.as_str())
        .ok()
}

/// The leftmost-first match in `hay`, as [`regex::Regex::find`] gives it; `None` when the DFA
/// gave up (the caller then asks the `regex` crate).
///
/// The leftmost-first match is the preferred match at the first position where one starts.
/// Where every match starts with one of `start` bytes, no match starts before the first of
/// them, so an anchored forward search there settles the common case (a region that starts
/// with its value) without the reverse search for the start; failing that, the usual search
/// goes on past it.
fn dfa_find(
    dfa: &regex_automata::dfa::regex::Regex,
    start: Option<&[bool; 256]>,
    hay: &str,
) -> Option<Option<(usize, usize)>> {
    use regex_automata::Input;
    let mut from = 0;
    if let Some(start) = start {
        let Some(q) = hay.bytes().position(|b| start[usize::from(b)]) else {
            return Some(None);
        };
        match anchored_end(dfa.forward(), hay.as_bytes(), q) {
            Ok(Some(end)) => return Some(Some((q, end))),
            Ok(None) => from = q + 1,
            Err(_) => return None,
        }
    }
    match dfa.try_search(&Input::new(hay).span(from..hay.len())) {
        Ok(m) => Some(m.map(|m| (m.start(), m.end()))),
        Err(_) => None,
    }
}

/// Where the leftmost-first match that starts at `hay[q]` ends, if one does: what an anchored
/// `try_search_fwd` from `q` reports, walking the DFA's table one byte at a time without that
/// search's per-call set-up (regions are a few bytes long).
///
/// A DFA reports a match one byte late: being in a match state after the byte at `at` means a
/// match ends at `at`; the end-of-input transition reports one ending at the end. The walk
/// stops at a dead state (no longer match can follow) and gives up at a quit state, as the
/// search does. Accelerated states are simply stepped through.
fn anchored_end(
    dfa: &regex_automata::dfa::dense::DFA<Vec<u32>>,
    hay: &[u8],
    q: usize,
) -> Result<Option<usize>, regex_automata::MatchError> {
    use regex_automata::{dfa::Automaton, Anchored, Input, MatchError};
    let mut sid = match dfa.universal_start_state(Anchored::Yes) {
        Some(sid) => sid,
        None => {
            let input = Input::new(hay).span(q..hay.len()).anchored(Anchored::Yes);
            dfa.start_state_forward(&input)?
        }
    };
    let mut end = None;
    for (at, &b) in hay.iter().enumerate().skip(q) {
        sid = dfa.next_state(sid, b);
        if dfa.is_special_state(sid) {
            if dfa.is_match_state(sid) {
                end = Some(at);
            } else if dfa.is_dead_state(sid) {
                return Ok(end);
            } else if dfa.is_quit_state(sid) {
                return Err(MatchError::quit(b, at));
            }
        }
    }
    if dfa.is_match_state(dfa.next_eoi_state(sid)) {
        end = Some(hay.len());
    }
    Ok(end)
}

/// Compiled rules plus the tables that drive the single anchor pass.
#[derive(Debug)]
pub struct Detector {
    rules: Vec<Rule>,
    /// Per rule: its regex as a DFA, where built (see [`region_dfa`]). Built once the rule has
    /// been searched [`DFA_AFTER`] times, so a small scan does not pay for building it.
    dfas: Vec<std::sync::OnceLock<Option<regex_automata::dfa::regex::Regex>>>,
    /// Per rule: regex searches so far, until its DFA is built.
    searches: Vec<std::sync::atomic::AtomicU32>,
    contexts: Vec<Context>,
    /// Per rule: whether its regions are counted before the search. Not where it would not
    /// help: a rule that needs no digits or separators, or whose regions are words and spaces
    /// (a sentence, for a street address or a date), where counting would cost a second pass
    /// over the sentence and hardly ever rule it out.
    counted: Vec<bool>,
    anchors: ByteSet,
    /// The anchor bytes, grouped by the rules they anchor.
    groups: Vec<AnchorGroup>,
    /// Whether a group's search resumes past its rules' nearest region end (off only in the
    /// reference engine the tests compare with).
    skip_ahead: bool,
    /// Whether a validator anchored to its region is asked whether the region could hold a
    /// candidate it accepts before the region is searched (off only in the reference engine).
    screen_regions: bool,
    /// Per rule: how candidates glued to their token are pruned (none in the reference
    /// engine).
    glue: Vec<Glue>,
    /// Per rule: whether its search at an anchor first looks for its next match in the rest of
    /// the string (see [`Detector::next_match_start`]; not in the reference engine).
    look_ahead: Vec<bool>,
    /// Per rule: the literals one of which every match contains ([`Rule::required`]), for the
    /// rules searched at their anchor bytes on their own (see [`Detector::run_rule`]), where
    /// each is two bytes or longer (a single byte is the anchor or a common separator).
    required: Vec<Option<LiteralSet>>,
    /// Per rule: where each of its required literals is one byte (a UK NINO's last letter,
    /// `A`–`D`; a date of birth's separators), those bytes: a region without one is not
    /// searched. Not for a rule whose anchor bytes are among them (every region holds one) or
    /// that declares `region_contains` (checked instead: IPv4, IPv6 and MAC addresses declare
    /// their separators).
    required_bytes: Vec<Option<Box<[bool; 256]>>>,
    walk: Walk,
    /// Literal anchors: case-sensitive, ASCII-case-folding, then case-sensitive ones of rules
    /// with a literal shorter than three bytes.
    literals: Vec<Literals>,
    /// The byte pairs every literal anchor's occurrence starts with, of all the sets (`None`
    /// when a set has none): a short string without one skips the literal searches.
    literal_pairs: Option<Bigrams>,
    /// Per byte: [`ANCHOR_BYTE`] if it is one, [`PAIR_START`] if a pair of `literal_pairs`
    /// starts with it; for the check of short strings.
    short_bytes: [u8; 256],
    ascii_escape: memmem::Finder<'static>,
    env: ValidationEnv,
    fields: FieldKinds,
    /// Finds the payloads [`Detector::detect`] cuts out; `None` when they are scanned.
    data_uris: Option<DataUris>,
    /// Whether a byte of the data URI marker (`6`) is an anchor byte.
    marker_anchored: bool,
}

impl Detector {
    pub fn new(rules: RuleSet, env: ValidationEnv) -> Self {
        let rules: Vec<Rule> = rules.rules().to_vec();
        let mut is_anchor = [false; 256];
        // Literals go to one set, searched in one pass; those of rules with a case-insensitive
        // regex (`(?i)`: passwords, deny lists) match there ignoring ASCII case, the others as
        // written. The regex decides either way. A rule with a literal shorter than three
        // bytes (`::`) has its own set: in the other, the packed searcher then looks for three
        // bytes at a time, not two, which in prose means far fewer false starts.
        // Per set: each literal, whether it folds, and its rule.
        let mut lits: [Vec<(&[u8], bool)>; 2] = Default::default();
        let mut rule_of: [Vec<usize>; 2] = Default::default();
        for (i, r) in rules.iter().enumerate() {
            for (anchor, &a) in is_anchor.iter_mut().zip(r.anchor_bytes.iter()) {
                *anchor |= a;
            }
            let fold = r.regex.as_str().contains("(?i");
            let short = r.anchor_literals.iter().any(|l| l.len() < 3);
            let set = if short { SHORT_LITERALS } else { 0 };
            for l in &r.anchor_literals {
                lits[set].push((l.as_bytes(), fold));
                rule_of[set].push(i);
            }
        }
        let literals: Vec<Literals> = lits
            .into_iter()
            .zip(rule_of)
            .filter_map(|(l, rule_of)| {
                Some(Literals {
                    set: LiteralSet::mixed(&l)?,
                    rule_of,
                })
            })
            .collect();
        // `None` as soon as one set has no pair table (a one-byte literal).
        let mut literal_pairs: Option<Bigrams> = None;
        for l in &literals {
            let Some(p) = l.set.pairs() else {
                literal_pairs = None;
                break;
            };
            literal_pairs = Some(literal_pairs.map_or_else(|| p.clone(), |all| all.union(p)));
        }
        let walk = Walk::new(&rules);
        let mut short_bytes = [0u8; 256];
        let firsts = literal_pairs.as_ref().map(Bigrams::firsts);
        for (b, kind) in short_bytes.iter_mut().enumerate() {
            if is_anchor[b] {
                *kind |= ANCHOR_BYTE;
            }
            if firsts.is_some_and(|f| f[b]) {
                *kind |= PAIR_START;
            }
        }
        // Rules that look ahead (see `next_match_start`): matches start at anchor bytes (so
        // no validator looks at the region, and the region can start at the match), every
        // byte of a match is in the charset (a match never leaves its region, so each look
        // ends within the region the search then goes on in, and the scan stays linear), no
        // `region_contains` (its literal might be only before the match), not walked.
        let look_ahead = rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r.starts_at_anchor
                    && r.within_charset
                    && r.region_contains.is_empty()
                    && walk.bit[i] == 0
            })
            .collect();
        let required = rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let useful = r.required.first().is_some_and(|l| l.len() >= 2)
                    && r.anchor_literals.is_empty()
                    && walk.bit[i] == 0;
                useful
                    .then(|| LiteralSet::new(&r.required, false))
                    .flatten()
            })
            .collect();
        let required_bytes = rules
            .iter()
            .map(|r| {
                if r.required.is_empty()
                    || r.required.iter().any(|l| l.len() != 1)
                    || !r.region_contains.is_empty()
                {
                    return None;
                }
                let mut needed = Box::new([false; 256]);
                for l in &r.required {
                    needed[usize::from(l[0])] = true;
                }
                let anchored = (0..256).any(|b| r.anchor_bytes[b]);
                let implied = anchored && (0..256).all(|b| !r.anchor_bytes[b] || needed[b]);
                (!implied).then_some(needed)
            })
            .collect();
        Detector {
            required,
            required_bytes,
            dfas: rules.iter().map(|_| std::sync::OnceLock::new()).collect(),
            searches: rules.iter().map(|_| Default::default()).collect(),
            contexts: rules.iter().map(|r| Context::new(&r.context)).collect(),
            counted: rules
                .iter()
                .map(|r| {
                    let sentence = r
                        .charset
                        .as_deref()
                        .is_some_and(|cs| prose_wide(cs) && cs[usize::from(b' ')]);
                    Limits::of(r).counts_taken() && !sentence
                })
                .collect(),
            groups: AnchorGroup::all(&rules, &walk),
            walk,
            skip_ahead: true,
            screen_regions: true,
            glue: rules.iter().map(Glue::of).collect(),
            look_ahead,
            rules,
            anchors: ByteSet::new(is_anchor),
            literals,
            literal_pairs,
            short_bytes,
            ascii_escape: memmem::Finder::new(b"\\u00").into_owned(),
            env,
            fields: FieldKinds::none(),
            data_uris: Some(DataUris::default()),
            marker_anchored: is_anchor[usize::from(opaque::MARKER_ANCHOR)],
        }
    }

    /// Whether the base64 payloads of data URIs are scanned as text too (by default they are
    /// cut out; see [`super::opaque`]).
    pub fn scan_data_uris(mut self, scan: bool) -> Self {
        self.data_uris = (!scan).then(DataUris::default);
        self
    }

    /// Also report values of fields whose name marks them as personal data.
    pub fn with_fields(mut self, fields: FieldKinds) -> Self {
        self.fields = fields;
        self
    }

    /// Kind and rule id of every `Match::rule` index: the rules, then the field-name kinds
    /// (rule id `field_name`).
    pub fn kinds_and_ids(&self) -> Vec<(&str, &str)> {
        self.rules
            .iter()
            .map(|r| (r.kind.as_str(), r.id.as_str()))
            .chain(
                self.fields
                    .kinds()
                    .iter()
                    .map(|k| (k.as_str(), "field_name")),
            )
            .collect()
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Cheap test on raw (still JSON-escaped) bytes: can decoding them yield a match?
    /// True when an anchor byte or literal occurs, or a `\u00XX` escape hides an ASCII byte.
    pub fn may_contain(&self, raw: &[u8]) -> bool {
        if self.anchors.any_in(raw) || self.fields.may_contain(raw) {
            return true;
        }
        if self.literals.iter().any(|l| l.set.may_occur(raw)) {
            return true;
        }
        self.ascii_escape
            .find_iter(raw)
            .any(|i| raw.get(i + 4).is_some_and(|&b| (b'0'..=b'7').contains(&b)))
    }

    /// Appends to `out` the matches in `text`, sorted by start. `key` is the name of the field
    /// holding `text` (a JSON key or column name), used as context.
    ///
    /// A candidate that needs context words and has none is still kept when the same rule
    /// accepted the same value earlier in the record: in `SSN: 577858681 … call Megan at
    /// 577858681` both are the SSN. Readers call [`Scratch::new_record`] between records.
    ///
    /// The base64 payloads of data URIs are cut out (see [`super::opaque`]) unless
    /// [`Detector::scan_data_uris`] turned that off: the text on either side of one is searched
    /// as a piece of its own, and a string holding one is not reported whole for its field
    /// name.
    pub fn detect(
        &self,
        text: &str,
        key: Option<&str>,
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
    ) {
        self.detect_in::<true>(text, key, scratch, out);
    }

    /// [`Detector::detect`] on a whole string (`WHOLE`: payloads are searched for, and a
    /// string without one is checked for its field name), or on a piece of one between data
    /// URI payloads (neither).
    fn detect_in<const WHOLE: bool>(
        &self,
        text: &str,
        key: Option<&str>,
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
    ) {
        scratch.candidates.clear();
        let bytes = text.as_bytes();
        // Anchor bytes are searched per group (bytes that anchor the same rules), and the
        // groups' next anchors are visited in text order. At an anchor, the rules the walk
        // covers have every region of the token around it searched in one pass, and the other
        // rules their region around the anchor; the group's search then resumes past the
        // token and those regions: no rule of the group has anything to do before that.
        scratch.heads.clear();
        // A short string (a field name, `user`) is checked for any anchor byte and any
        // literal's first two bytes in one loop, cheaper than a search per group and set.
        let (mut anchored, mut paired) = (true, true);
        if bytes.len() <= SHORT_STRING {
            (anchored, paired) = self.short_string_hits(bytes);
        }
        if anchored {
            scratch
                .heads
                .extend(self.groups.iter().map(|g| g.bytes.find(bytes, 0)));
        }
        let any_anchor = scratch.heads.iter().any(Option::is_some);
        // A data URI's marker holds a `6`: where that is an anchor byte, only a string with
        // an anchor can hold a payload (half the long strings of chat prose hold none).
        if WHOLE && (any_anchor || !self.marker_anchored) {
            let uris = self.data_uris.as_ref();
            if let Some(payload) = uris.and_then(|d| d.next(bytes, 0)) {
                return self.detect_around(text, payload, key, scratch, out);
            }
        }
        // Most strings (field names, short values) hold no anchor: they skip the set-up.
        if any_anchor {
            scratch.next.clear();
            scratch.next.resize(self.rules.len(), 0);
            scratch.checked.clear();
            scratch.checked.resize(self.rules.len(), false);
            scratch.required_at.clear();
            scratch.required_at.resize(self.rules.len(), None);
            scratch.token_end.clear();
            scratch.token_end.resize(self.groups.len(), 0);
            scratch.starts.resize(64, (0, Counts::default()));
        }
        while let Some((g, p)) = scratch
            .heads
            .iter()
            .enumerate()
            .filter_map(|(g, h)| h.map(|p| (g, p)))
            .min_by_key(|&(_, p)| p)
        {
            let group = &self.groups[g];
            let mut resume = usize::MAX;
            if group.walked != 0 {
                if p < scratch.token_end[g] {
                    resume = scratch.token_end[g];
                } else {
                    // Only a rule needing context support can be done with a string before
                    // its search (see `supported`).
                    let mut active = group.walked_free;
                    for m in &group.walked_required {
                        if scratch.next[m.rule] != usize::MAX
                            && self.supported(m, text, key, scratch)
                        {
                            active |= m.bit;
                        }
                    }
                    if active != 0 {
                        let Scratch {
                            next,
                            candidates,
                            starts,
                            ..
                        } = &mut *scratch;
                        let end = self
                            .walk
                            .token(bytes, p, active, starts, |k, rs, re, counts| {
                                let r = self.walk.rules[k];
                                // Another group's token may have searched the region already.
                                if rs < next[r] {
                                    return;
                                }
                                next[r] = re;
                                if self.walk.limits[k].could_hold_match(bytes, rs, re, Some(counts))
                                {
                                    self.search_region(r, text, rs, re, Some(counts), candidates);
                                }
                            });
                        scratch.token_end[g] = end;
                        resume = end;
                    }
                }
            }
            for m in &group.own {
                if p < scratch.next[m.rule] {
                    resume = resume.min(scratch.next[m.rule]);
                    continue;
                }
                if !self.supported(m, text, key, scratch) {
                    continue;
                }
                let searched = Searched {
                    progress: &mut scratch.next[m.rule],
                    required_at: &mut scratch.required_at[m.rule],
                };
                self.run_rule(m.rule, text, p, p + 1, searched, &mut scratch.candidates);
                resume = resume.min(scratch.next[m.rule]);
            }
            // `usize::MAX`: every member is done with this string.
            let resume = (resume != usize::MAX).then_some(resume);
            let resume = if self.skip_ahead { resume } else { Some(0) };
            scratch.heads[g] = resume.and_then(|n| group.bytes.find(bytes, n.max(p + 1)));
        }
        // Literal anchors keep their own progress: the byte pass may already have moved past
        // an earlier literal (`dead:beef::cafe … port 443`). A span found by both passes is
        // dropped as a duplicate by the overlap resolution.
        let mut fresh = false;
        for lits in self.literals.iter().filter(|_| paired) {
            lits.set.for_each(bytes, 0..bytes.len(), |start, k| {
                if !fresh {
                    scratch.next_lit.clear();
                    scratch.next_lit.resize(self.rules.len(), 0);
                    fresh = true;
                }
                let r = lits.rule_of[k];
                if start >= scratch.next_lit[r] {
                    let end = start + lits.set.len(k);
                    // Rules with literal anchors have no required-literal check.
                    let searched = Searched {
                        progress: &mut scratch.next_lit[r],
                        required_at: &mut None,
                    };
                    self.run_rule(r, text, start, end, searched, &mut scratch.candidates);
                }
                false
            });
        }
        let first = out.len();
        if !scratch.candidates.is_empty() {
            self.resolve(text, key, scratch, out);
        }
        // A string without payloads is reported whole when its field is named like personal
        // data (a piece is not: the string holding it had a payload).
        if WHOLE {
            if let Some((k, s, e)) = key.and_then(|key| self.fields.check(key, text)) {
                let kind = &self.fields.kinds()[k];
                // A value the rules already report as this kind needs no second finding.
                if !out[first..]
                    .iter()
                    .any(|m| self.rules[m.rule].kind == *kind)
                {
                    out.push(Match {
                        rule: self.rules.len() + k,
                        start: s,
                        end: e,
                        confidence: Confidence::Medium,
                        normalized: text[s..e].split_whitespace().collect::<Vec<_>>().join(" "),
                        requires_context: false,
                        attributes: Vec::new(),
                        cap: None,
                    });
                    out[first..].sort_by_key(|m| (m.start, m.end, m.rule));
                }
            }
        }
    }

    /// [`Detector::detect`] on a string holding a data URI `payload`: the text on either side
    /// of each payload is searched as a piece of its own, and the string is not reported whole
    /// for its field name (no finding holds a payload byte).
    #[cold]
    #[inline(never)]
    fn detect_around(
        &self,
        text: &str,
        payload: std::ops::Range<usize>,
        key: Option<&str>,
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
    ) {
        let Some(uris) = &self.data_uris else {
            return;
        };
        let end = text.len()..text.len();
        let mut from = 0;
        for payload in uris.from_first(text.as_bytes(), payload).chain([end]) {
            let piece = out.len();
            self.detect_in::<false>(&text[from..payload.start], key, scratch, out);
            for m in &mut out[piece..] {
                m.start += from;
                m.end += from;
            }
            scratch.data_uri_bytes += payload.len() as u64;
            from = payload.end;
        }
    }

    /// The data URI payloads [`Detector::detect`] cuts out of `text` (none when they are
    /// scanned): a redaction copies them unchanged and redacts the pieces between them with
    /// [`Detector::detect_piece`].
    pub fn data_uri_payloads(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        let Some(uris) = &self.data_uris else {
            return Vec::new();
        };
        match uris.next(text.as_bytes(), 0) {
            Some(first) => uris.from_first(text.as_bytes(), first).collect(),
            None => Vec::new(),
        }
    }

    /// What [`Detector::detect`] finds in one piece of a string between data URI payloads.
    pub fn detect_piece(
        &self,
        text: &str,
        key: Option<&str>,
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
    ) {
        self.detect_in::<false>(text, key, scratch, out);
    }

    /// For a short string: whether it holds an anchor byte, and whether a literal anchor's
    /// first two bytes occur in it (always, where a set has no pair table). One lookup per
    /// byte (see `short_bytes`); the pair table is read only after a byte that can start one.
    fn short_string_hits(&self, bytes: &[u8]) -> (bool, bool) {
        let (mut anchored, mut paired) = (false, self.literal_pairs.is_none());
        for (i, &b) in bytes.iter().enumerate() {
            let kind = self.short_bytes[usize::from(b)];
            if kind == 0 {
                continue;
            }
            anchored |= kind & ANCHOR_BYTE != 0;
            if kind & PAIR_START != 0 && !paired {
                paired = match (&self.literal_pairs, bytes.get(i + 1)) {
                    (Some(pairs), Some(&next)) => pairs.contains(b, next),
                    _ => false,
                };
            }
        }
        (anchored, paired)
    }

    /// Context, then overlaps, for the candidates in `scratch`; appends the survivors to `out`.
    fn resolve(&self, text: &str, key: Option<&str>, scratch: &mut Scratch, out: &mut Vec<Match>) {
        // Context first: a candidate that needs support and has none (a bare nine-digit run
        // without SSN words) must not win an overlap against one that has it (the same digits
        // next to "call").
        let closest = self.closest_limits(&scratch.candidates, text.len());
        let mut i = 0;
        let seen = &scratch.record;
        scratch.candidates.retain_mut(|m| {
            let limits = closest.as_ref().map_or(0..text.len(), |l| l[i].clone());
            i += 1;
            let signal = self.contexts[m.rule].signal_within(text, m.start, m.end, key, limits);
            if signal == Signal::Drop {
                return false;
            }
            if m.requires_context
                && signal != Signal::Raise
                && !seen.iter().any(|(r, v)| *r == m.rule && *v == m.normalized)
            {
                return false;
            }
            m.confidence = match signal {
                Signal::Raise if !m.requires_context => m.confidence.raised(),
                Signal::Lower => m.confidence.lowered(),
                _ => m.confidence,
            };
            if let Some(cap) = m.cap {
                m.confidence = m.confidence.min(cap);
            }
            true
        });
        let first = out.len();
        self.resolve_overlaps(&mut scratch.candidates, out);
        for m in &out[first..] {
            if scratch.record.len() < RECORD_MEMORY {
                scratch.record.push((m.rule, m.normalized.clone()));
            }
        }
        out[first..].sort_by_key(|m| (m.start, m.end, m.rule));
    }

    /// Whether member `m` may still find something in `text`: true unless its matches need
    /// context and nothing in the text, the field name or the record could support one (checked
    /// once per string; the rule is then done with the string).
    #[inline(always)]
    fn supported(&self, m: &Member, text: &str, key: Option<&str>, scratch: &mut Scratch) -> bool {
        if !m.required || scratch.checked[m.rule] {
            return true;
        }
        scratch.checked[m.rule] = true;
        if self.may_be_supported(m.rule, text, key, &scratch.record) {
            return true;
        }
        scratch.next[m.rule] = usize::MAX;
        false
    }

    /// For a rule whose context is required: whether a match in `text` could be kept at all
    /// (a context word in the text, a field word in the key, or a value of the rule seen
    /// earlier in the record). Checked once per string, before the rule's first search, so
    /// such rules cost almost nothing on strings without their words.
    fn may_be_supported(
        &self,
        r: usize,
        text: &str,
        key: Option<&str>,
        record: &[(usize, String)],
    ) -> bool {
        record.iter().any(|(rule, _)| *rule == r) || self.contexts[r].could_support(text, key)
    }

    /// For rules whose context is required, a context word supports only the closest match
    /// of the rule on its side: in `born 1978-02-14, admitted 2023-04-03` the second date is
    /// not a birth date. Returns, per candidate, the span its context words must lie in (the
    /// gap to the same rule's neighbouring candidates), or `None` when no rule needs it.
    fn closest_limits(&self, cands: &[Match], len: usize) -> Option<Vec<std::ops::Range<usize>>> {
        let needs = |m: &Match| self.rules[m.rule].context.required;
        if !cands.iter().any(needs) {
            return None;
        }
        let mut spans: Vec<(usize, usize, usize)> = cands
            .iter()
            .filter(|m| needs(m))
            .map(|m| (m.rule, m.start, m.end))
            .collect();
        let mut ends = spans.clone();
        spans.sort_unstable_by_key(|&(r, s, _)| (r, s));
        ends.sort_unstable_by_key(|&(r, _, e)| (r, e));
        Some(
            cands
                .iter()
                .map(|m| {
                    if !needs(m) {
                        return 0..len;
                    }
                    let lo = ends
                        .partition_point(|&(r, _, e)| (r, e) <= (m.rule, m.start))
                        .checked_sub(1)
                        .map(|i| ends[i])
                        .filter(|&(r, _, _)| r == m.rule)
                        .map_or(0, |(_, _, e)| e);
                    let hi = spans
                        .get(spans.partition_point(|&(r, s, _)| (r, s) < (m.rule, m.end)))
                        .filter(|&&(r, _, _)| r == m.rule)
                        .map_or(len, |&(_, s, _)| s);
                    lo.min(m.start)..hi.max(m.end)
                })
                .collect(),
        )
    }

    /// Grows the anchor into its region and searches the region with rule `r`. A rule with
    /// required literals is done with the string once none is left in it; a rule that looks
    /// ahead first finds where its next match starts (see [`Detector::next_match_start`]): no
    /// region is grown before it.
    fn run_rule(
        &self,
        r: usize,
        text: &str,
        mut a_start: usize,
        mut a_end: usize,
        searched: Searched<'_>,
        candidates: &mut Vec<Match>,
    ) {
        let Searched {
            progress,
            required_at,
        } = searched;
        let rule = &self.rules[r];
        // Every region searched from here on starts at or after `from`, and a match in one
        // holds a required literal: with none in the rest of the string, the rule is done
        // with it. `from` only grows, so the literal found last is looked for again only once
        // `from` has passed it: each byte is searched once per rule.
        if let Some(required) = &self.required[r] {
            let from = match (&rule.charset, rule.starts_at_anchor) {
                (None, _) => 0,
                (Some(_), true) => a_start,
                (Some(_), false) => *progress,
            };
            if required_at.is_none_or(|at| at < from) {
                *required_at = required.first_from(text.as_bytes(), from);
                if required_at.is_none() {
                    *progress = text.len();
                    return;
                }
            }
        }
        if self.look_ahead[r] {
            match self.next_match_start(r, text, a_start) {
                Some(None) => {
                    *progress = text.len();
                    return;
                }
                Some(Some(start)) => (a_start, a_end) = (start, start + 1),
                None => {}
            }
        }
        let limits = Limits::of(rule);
        let bytes = text.as_bytes();
        let Some(cs) = &rule.charset else {
            *progress = bytes.len();
            if limits.could_hold_match(bytes, 0, bytes.len(), None) {
                self.search_region(r, text, 0, bytes.len(), None, candidates);
            }
            return;
        };
        let floor = if rule.starts_at_anchor {
            a_start
        } else {
            *progress
        };
        let mut s = a_start;
        while s > floor && cs[usize::from(bytes[s - 1])] {
            s -= 1;
        }
        let mut e = a_end;
        while e < bytes.len() && cs[usize::from(bytes[e])] {
            e += 1;
        }
        *progress = (*progress).max(e);
        let counts = self.counted[r].then(|| Counts::of(rule, &bytes[s..e]));
        if limits.could_hold_match(bytes, s, e, counts) {
            self.search_region(r, text, s, e, counts, candidates);
        }
    }

    /// The regex search of a region that passed [`Limits::could_hold_match`]; `left` are the
    /// region's counts where taken.
    #[inline(never)]
    fn search_region(
        &self,
        r: usize,
        text: &str,
        rs: usize,
        re: usize,
        mut left: Option<Counts>,
        candidates: &mut Vec<Match>,
    ) {
        let rule = &self.rules[r];
        let bytes = text.as_bytes();
        let region = &text[rs..re];
        // A region without any of the bytes one of which every match holds (a UK NINO's
        // last letter) holds no match.
        if let Some(needed) = &self.required_bytes[r] {
            if !bytes[rs..re].iter().any(|&b| needed[usize::from(b)]) {
                return;
            }
        }
        // Nor one without the separators of any of the regex's alternatives (a UUID's four
        // dashes, where a MAC address needs five).
        if rule
            .needs
            .as_ref()
            .is_some_and(|n| !n.met_by(&bytes[rs..re]))
        {
            return;
        }
        // One byte (IPv4's `.`) is looked for on its own, without a substring searcher's
        // set-up on every region.
        let holds = |l: &String| match *l.as_bytes() {
            [b] => region.as_bytes().contains(&b),
            _ => region.contains(l.as_str()),
        };
        if !rule.region_contains.is_empty() && !rule.region_contains.iter().any(holds) {
            return;
        }
        // A validator that only accepts a match filling its region from the start (email, IP)
        // gets one attempt per region: retrying inside it could only be rejected again, and on
        // hostile input (`a-a-a-…@x.io`) would cost a search per byte.
        let anchored = rule.validator.is_some_and(|v| v.anchored_to_region());
        // Such a validator may tell from the region alone that it rejects everything in it (a
        // version string for an IPv4 address).
        if anchored
            && self.screen_regions
            && rule
                .validator
                .is_some_and(|v| !v.region_could_pass(text, rs..re))
        {
            return;
        }
        let glue = self.glue[r];
        // Positions where no candidate could be accepted are passed over without a search
        // (see `next_viable_start`): `-2024876` in `641-2024876-7871816`, digits inside
        // `e58178b`.
        let viable = rule.first_bytes.as_deref().filter(|_| glue.viable_starts);
        // Starts where every candidate is rejected: where the validator says so, and, for a
        // validator that rejects glued candidates, a start right after a digit and a space
        // (the second number of `1234 5678 …`) whose bytes up to the next space cannot hold a
        // match: any candidate reaching past that space is glued there.
        // The space check first: it is the cheaper, and it decides every start of a vector of
        // single digits (`1 2 3 …`).
        let hopeless_at = |at: usize| {
            (glue.rejected
                && space_glued_before(bytes, at)
                && !spaceless_could_match(rule, bytes, at, re))
                || (glue.hopeless_starts
                    && rule
                        .validator
                        .is_some_and(|v| v.rejects_every_at(bytes, at)))
        };
        let mut pos = rs;
        // What is left of the region must still be able to hold a match: only the digits and
        // separators the search moves past are taken off the region's counts, so a long
        // region of retries (`1 2 3 …`) stays linear.
        let mut counted = rs;
        while pos < re {
            if let Some(first) = viable {
                pos = next_viable_start(bytes, pos, re, first, hopeless_at);
                if pos >= re {
                    break;
                }
            }
            if let Some(left) = &mut left {
                left.remove(rule, &bytes[counted..pos]);
                if !left.fit(rule) {
                    break;
                }
            }
            counted = pos;
            if re - pos < rule.min_len {
                break;
            }
            let Some((ms, me)) = self.find(r, &text[pos..re]) else {
                break;
            };
            let (ms, me) = (pos + ms, pos + me);
            if anchored && ms != rs {
                break;
            }
            if ms == me {
                pos = next_boundary(text, ms + 1);
                continue;
            }
            // A candidate glued to the token before it, or starting where the validator
            // rejects everything, is rejected however it is cut.
            let hopeless = (glue.rejected && glued_before(bytes, ms)) || hopeless_at(ms);
            if !hopeless {
                if let Some(end) = self.accept_longest(r, text, ms, me, rs..re, candidates) {
                    pos = end;
                    continue;
                }
            }
            if anchored {
                break;
            }
            // Rejected: try again from the next token inside the candidate.
            pos = retry_after(text, ms, re);
        }
    }

    /// The leftmost-first match of rule `r` in `hay`, as the rule's regex finds it.
    fn find(&self, r: usize, hay: &str) -> Option<(usize, usize)> {
        let rule = &self.rules[r];
        if let Some(Some(m)) = self
            .dfa(r)
            .map(|d| dfa_find(d, rule.start_bytes.as_deref(), hay))
        {
            return m;
        }
        rule.regex.find(hay).map(|m| (m.start(), m.end()))
    }

    /// Where rule `r`'s next match in `text` from `from` starts, if anywhere, for a rule that
    /// looks ahead (see `look_ahead` in [`Detector::new`]: a street address, whose region is
    /// the sentence after the house number). `None` where the rule's DFA is not built (the
    /// region searches build it) or gave up.
    ///
    /// One DFA search of the rest of the string stands for growing and searching the regions
    /// of all the anchors before that match. The regex has no look-around, so a match in a
    /// region is a match in the rest of the string: without one there, no region from `from`
    /// holds a match; with one, none starts before it. Its start is an anchor byte, where the
    /// search goes on in its region, which holds the whole match.
    fn next_match_start(&self, r: usize, text: &str, from: usize) -> Option<Option<usize>> {
        let input = regex_automata::Input::new(text).span(from..text.len());
        let found = self.dfas[r].get()?.as_ref()?.try_search(&input).ok()?;
        Some(found.map(|m| m.start()))
    }

    /// Rule `r`'s DFA, where built; until then, counts a search towards building it.
    fn dfa(&self, r: usize) -> Option<&regex_automata::dfa::regex::Regex> {
        match self.dfas[r].get() {
            Some(dfa) => dfa.as_ref(),
            None => {
                let n = self.searches[r].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= DFA_AFTER {
                    self.dfas[r]
                        .get_or_init(|| region_dfa(&self.rules[r]))
                        .as_ref()
                } else {
                    None
                }
            }
        }
    }

    /// Accepts `text[ms..me]`, or failing that the longest shorter prefix ending at a token end
    /// that the regex still matches in full (`555-123-4567 2024` → `555-123-4567`).
    fn accept_longest(
        &self,
        r: usize,
        text: &str,
        ms: usize,
        me: usize,
        region: std::ops::Range<usize>,
        out: &mut Vec<Match>,
    ) -> Option<usize> {
        let rule = &self.rules[r];
        let bytes = text.as_bytes();
        let mut end = me;
        // The counts of the current cut, taken at the first cut (the whole match is handed
        // to the validator as it is: the regex matched it, and one with fewer digits than
        // the validator takes is rejected there): each shorter cut takes off what it drops.
        let mut counts: Option<Counts> = None;
        let rejects_glued = self.glue[r].rejected;
        for _ in 0..=MAX_CUTS {
            // Cuts only get shorter: once one lacks the digits or separators of a match, all
            // do. (None is shorter than a match: see the cut below.)
            if end != me {
                let counts = counts.get_or_insert_with(|| Counts::of(rule, &bytes[ms..end]));
                if !counts.fit(rule) {
                    return None;
                }
            }
            // A cut glued to the rest of its token is rejected by the validator: it is ruled
            // out before the regex check.
            let glued = rejects_glued && glued_to_token(text, &(ms..end), &text[ms..end]);
            if !glued && (end == me || rule.full_regex.is_match(&text[ms..end])) {
                if let Some(v) = self.accept(rule, text, ms, end, region.clone()) {
                    out.push(Match {
                        rule: r,
                        start: ms,
                        end,
                        confidence: v.confidence.unwrap_or(rule.confidence),
                        normalized: v.normalized,
                        requires_context: v.requires_context || rule.context.required,
                        attributes: v.attributes,
                        cap: v.cap,
                    });
                    return Some(end);
                }
            }
            // The next shorter cut: a word byte followed by a non-word byte, leaving at least
            // the shortest match (a shorter cut is rejected).
            let cut = (ms + rule.min_len.max(1)..end)
                .rev()
                .find(|&c| is_word(bytes[c - 1]) && !is_word(bytes[c]))?;
            if let Some(counts) = &mut counts {
                counts.remove(rule, &bytes[cut..end]);
            }
            end = cut;
        }
        None
    }

    fn accept(
        &self,
        rule: &Rule,
        text: &str,
        s: usize,
        e: usize,
        region: std::ops::Range<usize>,
    ) -> Option<Verdict> {
        let bytes = text.as_bytes();
        if glued(rule, bytes, s, e) {
            return None;
        }
        match rule.validator {
            Some(v) => v.check(text, s..e, region, &self.env),
            None => Some(Verdict::new(text[s..e].to_string())),
        }
    }

    /// Keeps the best of overlapping candidates: higher priority, then longer, then earlier, then
    /// the earlier rule (so the order the passes found them in does not matter: a deny list's
    /// exact entry wins over its pattern for the same span).
    /// Accepted spans are disjoint, so one look at the span starting last before a candidate's
    /// end tells whether it overlaps (O(k log k) for k candidates).
    fn resolve_overlaps(&self, cands: &mut Vec<Match>, out: &mut Vec<Match>) {
        cands.sort_by(|a, b| {
            let pa = self.rules[a.rule].priority;
            let pb = self.rules[b.rule].priority;
            pb.cmp(&pa)
                .then((b.end - b.start).cmp(&(a.end - a.start)))
                .then(a.start.cmp(&b.start))
                .then(a.rule.cmp(&b.rule))
        });
        let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
        for c in cands.drain(..) {
            let overlaps = taken
                .range(..c.end)
                .next_back()
                .is_some_and(|(_, &end)| end > c.start);
            if !overlaps {
                taken.insert(c.start, c.end);
                out.push(c);
            }
        }
    }
}

/// How far [`Detector::run_rule`] has got with a rule in the current string.
struct Searched<'a> {
    /// The end of the regions searched so far (the next anchor before it has nothing to do).
    progress: &'a mut usize,
    /// Where the last required literal found starts, if one was looked for.
    required_at: &'a mut Option<usize>,
}

/// How a rule's search prunes candidates glued to their token.
#[derive(Debug, Clone, Copy, Default)]
struct Glue {
    /// The validator rejects every candidate glued to its token
    /// ([`Validator::rejects_glued`](super::validators::Validator::rejects_glued)): such a
    /// candidate, and a cut of one, is ruled out before the regex re-check and the validator.
    rejected: bool,
    /// Also, matches start only at the rule's `first_bytes` whatever comes before (no
    /// look-around; never empty), and a word boundary is required: a search then starts
    /// only where a candidate could be accepted (see [`next_viable_start`]). Validators that
    /// reject glued candidates are not ones anchored to their region.
    viable_starts: bool,
    /// The validator says at which starts it rejects every candidate
    /// ([`Validator::rejects_every_at`](super::validators::Validator::rejects_every_at)): a
    /// match starting there is not cut and re-checked.
    hopeless_starts: bool,
}

impl Glue {
    fn of(rule: &Rule) -> Glue {
        let rejected = rule.validator.is_some_and(|v| v.rejects_glued());
        Glue {
            rejected,
            hopeless_starts: rule.validator.is_some(),
            viable_starts: rejected
                && rule.boundary == Boundary::Word
                && rule.first_bytes.is_some()
                && !rule.validator.is_some_and(|v| v.anchored_to_region()),
        }
    }
}

/// Anchor bytes that anchor the same rules (the digits; `@`).
#[derive(Debug)]
struct AnchorGroup {
    bytes: ByteSet,
    /// The members' bits in the [`Walk`].
    walked: u64,
    /// The bits of the members that need no context support (always searched).
    walked_free: u64,
    /// The walked members that need context support (checked before their first search).
    walked_required: Vec<Member>,
    /// The members the walk does not cover: each grows and searches its own region.
    own: Vec<Member>,
}

/// A rule of an anchor group, with what the anchor loop reads of it.
#[derive(Debug, Clone)]
struct Member {
    rule: usize,
    /// The rule's bit in the [`Walk`], 0 if the walk does not cover it.
    bit: u64,
    /// Whether matches need context support (checked before the rule's first search).
    required: bool,
}

impl AnchorGroup {
    /// The groups of the anchor bytes of `rules`.
    fn all(rules: &[Rule], walk: &Walk) -> Vec<AnchorGroup> {
        let by_byte = (0..256).map(|b| {
            (0..rules.len())
                .filter(|&r| rules[r].anchor_bytes[b])
                .collect::<Vec<_>>()
        });
        let mut groups: Vec<(Vec<usize>, [bool; 256])> = Vec::new();
        for (b, members) in by_byte.enumerate().filter(|(_, r)| !r.is_empty()) {
            match groups.iter_mut().find(|(r, _)| *r == members) {
                Some((_, bytes)) => bytes[b] = true,
                None => {
                    let mut bytes = [false; 256];
                    bytes[b] = true;
                    groups.push((members, bytes));
                }
            }
        }
        groups
            .into_iter()
            .map(|(members, bytes)| {
                let members = members
                    .into_iter()
                    .map(|r| Member {
                        rule: r,
                        bit: walk.bit[r],
                        required: rules[r].context.required,
                    })
                    .collect();
                AnchorGroup::new(ByteSet::new(bytes), members)
            })
            .collect()
    }

    /// A group of `members` (in rule order, with their bits in the walk).
    fn new(bytes: ByteSet, members: Vec<Member>) -> AnchorGroup {
        let bits = |keep: fn(&Member) -> bool| {
            members.iter().filter(|m| keep(m)).fold(0, |w, m| w | m.bit)
        };
        let list =
            |keep: fn(&Member) -> bool| members.iter().filter(|m| keep(m)).cloned().collect();
        AnchorGroup {
            bytes,
            walked: bits(|_| true),
            walked_free: bits(|m| !m.required),
            walked_required: list(|m| m.bit != 0 && m.required),
            own: list(|m| m.bit == 0),
        }
    }
}

#[inline(always)]
fn glued(rule: &Rule, bytes: &[u8], s: usize, e: usize) -> bool {
    glued_at(rule.boundary, bytes, s, e)
}

/// Where a search of a region ending at `re` goes on after the candidate starting at `ms` was
/// rejected: the next token inside the candidate.
fn retry_after(text: &str, ms: usize, re: usize) -> usize {
    let bytes = text.as_bytes();
    let mut p = ms + 1;
    while p < re && is_word(bytes[p - 1]) && is_word(bytes[p]) {
        p += 1;
    }
    next_boundary(text, p)
}

/// The first position from `pos` (or `re`) where a candidate could be accepted, for a rule
/// whose matches start with one of the `first` bytes whatever comes before them, with a word
/// boundary, and whose validator rejects candidates [`glued_before`] the token before them: a
/// first byte, after a byte that is not a word byte, not glued, and not a start where the
/// validator rejects every candidate (`hopeless`: a phone number's `0.` in `0.1234`).
///
/// Searching from there finds what the search from `pos` comes to: a match the search from
/// `pos` finds before it is rejected (by the boundary, as glued, or at a hopeless start), and
/// the search goes on from the next token inside it, which is at most this position (the byte
/// before it ends a word); until the match it finds starts here or later, the same match.
fn next_viable_start(
    bytes: &[u8],
    pos: usize,
    re: usize,
    first: &[bool; 256],
    hopeless: impl Fn(usize) -> bool,
) -> usize {
    (pos..re)
        .find(|&v| {
            first[usize::from(bytes[v])]
                && (v == 0 || !is_word(bytes[v - 1]))
                && !glued_before(bytes, v)
                && !hopeless(v)
        })
        .unwrap_or(re)
}

/// Whether `bytes[start..]` up to the first space after `start` (or up to `re`) is as long as
/// `rule`'s shortest match and holds its fewest digits: every match the rule accepts does
/// (`accepted_matches_meet_the_rules_limits`).
fn spaceless_could_match(rule: &Rule, bytes: &[u8], start: usize, re: usize) -> bool {
    let from = (start + 1).min(re);
    // A plain loop, not `memchr`: the space is a few bytes away in the text this decides
    // (`1 2 3 …`, `0.1234 -0.5678 …`), where a call's set-up costs more than the bytes.
    let end = bytes[from..re]
        .iter()
        .position(|&b| b == b' ')
        .map_or(re, |i| from + i);
    end - start >= rule.min_len
        && bytes[start..end]
            .iter()
            .filter(|b| b.is_ascii_digit())
            .count()
            >= rule.min_digits
}

fn next_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use crate::testing::xorshift;

    impl Detector {
        /// The plain engine: every anchor visited, every rule's region grown on its own and
        /// searched from its start, every position searched, every candidate validated.
        fn reference(mut self) -> Self {
            self.walk = Walk::new(&[]);
            self.walk.bit = vec![0; self.rules.len()];
            self.groups = AnchorGroup::all(&self.rules, &self.walk);
            self.skip_ahead = false;
            self.screen_regions = false;
            self.glue.fill(Glue::default());
            self.look_ahead.fill(false);
            self.required = self.rules.iter().map(|_| None).collect();
            self.required_bytes = self.rules.iter().map(|_| None).collect();
            for r in &mut self.rules {
                r.starts_at_anchor = false;
                r.needs = None;
                // No shortest length at all: every region, search position and cut is tried.
                r.min_len = 0;
            }
            self
        }
    }

    /// The DFAs find exactly what the rules' regexes find.
    #[test]
    fn dfa_search_is_the_regex_search() {
        let set = RuleSet::builtin().unwrap();
        let (mut built, mut starts) = (0, 0);
        for rule in set.rules() {
            let Some(dfa) = region_dfa(rule) else {
                continue;
            };
            built += 1;
            let mut hays: Vec<&str> = rule.examples.iter().map(String::as_str).collect();
            hays.extend(rule.negative_examples.iter().map(String::as_str));
            hays.extend([
                "",
                "x",
                "é 12 Main Street é",
                "+1 (415) 555-2671 ext",
                "1.2.3.4.5",
            ]);
            for hay in hays {
                for start in (0..=hay.len()).filter(|&i| hay.is_char_boundary(i)) {
                    let h = &hay[start..];
                    let want = rule.regex.find(h).map(|m| (m.start(), m.end()));
                    let got = dfa.try_search(&regex_automata::Input::new(h)).unwrap();
                    assert_eq!(
                        got.map(|m| (m.start(), m.end())),
                        want,
                        "{}: {h:?}",
                        rule.id
                    );
                    let got = dfa_find(&dfa, rule.start_bytes.as_deref(), h);
                    assert_eq!(got, Some(want), "{} from its start bytes: {h:?}", rule.id);
                    starts += usize::from(rule.start_bytes.is_some() && want.is_some());
                }
            }
        }
        assert!(built >= 8, "the digit rules have DFAs ({built})");
        assert!(starts > 100, "matches found from start bytes ({starts})");
    }

    /// After enough searches a rule switches to its DFA, finding the same.
    #[test]
    fn switches_to_the_dfa_after_enough_searches() {
        let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
        let r = d.rules.iter().position(|r| r.id == "phone").unwrap();
        let hay = "call +1 (415) 555-2671 now";
        let want = d.rules[r].regex.find(hay).map(|m| (m.start(), m.end()));
        for _ in 0..=DFA_AFTER {
            assert_eq!(d.find(r, hay), want);
        }
        assert!(d.dfas[r].get().is_some_and(Option::is_some), "built");
        assert_eq!(d.find(r, hay), want);
    }

    fn run(d: &Detector, text: &str) -> Vec<Match> {
        let (mut scratch, mut out) = (Scratch::default(), Vec::new());
        d.detect(text, Some("note"), &mut scratch, &mut out);
        out
    }

    /// What the engine accepts has the length, digits and separators the rule's limits say
    /// (the validator's fewest digits included: a phone number's length is at least 7).
    #[test]
    fn accepted_matches_meet_the_rules_limits() {
        let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
        let phone = d.rules.iter().position(|r| r.id == "phone").unwrap();
        assert!(d.rules[phone].min_len >= 7, "the validator's digits count");
        let mut checked = 0;
        for (r, rule) in d.rules.iter().enumerate() {
            for ex in &rule.examples {
                let text = ex.replace(['«', '»'], "");
                for m in run(&d, &text).iter().filter(|m| m.rule == r) {
                    let value = &text.as_bytes()[m.start..m.end];
                    let count = |f: fn(&u8) -> bool| value.iter().filter(|b| f(b)).count();
                    assert!(value.len() >= rule.min_len, "{}: {text}", rule.id);
                    assert!(count(u8::is_ascii_digit) >= rule.min_digits, "{}", rule.id);
                    let seps = count(|b| !b.is_ascii_alphanumeric());
                    assert!(seps >= rule.min_seps, "{}: {text}", rule.id);
                    checked += 1;
                }
            }
        }
        assert!(checked > 80, "examples matched ({checked})");
    }

    /// Short strings skip the literal searches only when no literal can start in them: a
    /// secret that is the whole field is found, by a literal matched as written or one
    /// matched ignoring ASCII case, and a short string without a literal finds nothing. A
    /// rule with a literal shorter than three bytes (IPv6's `::`) has a set of its own.
    #[test]
    fn short_strings_with_a_literal_anchor_are_searched() {
        let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
        assert_eq!(d.literals.len(), 2, "the two sets are in use");
        let ids = |set: usize| -> Vec<&str> {
            let mut ids: Vec<&str> = d.literals[set]
                .rule_of
                .iter()
                .map(|&r| d.rules[r].id.as_str())
                .collect();
            ids.dedup();
            ids
        };
        assert_eq!(ids(SHORT_LITERALS), ["ipv6"], "`::` is searched on its own");
        assert!(ids(0).contains(&"password_assignment") && ids(0).contains(&"jwt"));
        assert!(d.literal_pairs.is_some());
        for (text, rule) in [
            ("AKIAIOSFODNN7EXAMPLE", "aws_access_key_id"),
            ("PASSWORD: Tr0ub4dor&3", "password_assignment"),
            ("pAsSwOrD=hunter2x", "password_assignment"),
            ("x pwd=Tr0ub4dor&3", "password_assignment"),
        ] {
            assert!(text.len() <= SHORT_STRING, "{text}");
            let found = run(&d, text);
            assert!(
                found.iter().any(|m| d.rules[m.rule].id == rule),
                "{text}: {found:?}"
            );
        }
        assert!(run(&d, "content").is_empty());
    }

    /// The one-loop check of short strings says what a search for anchor bytes and one for
    /// literal pairs say, on strings of bytes that anchor, start pairs or end them.
    #[test]
    fn short_string_check_is_the_two_searches() {
        let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
        let pairs = d.literal_pairs.as_ref().unwrap();
        let alphabet = b"AKISpPaswdWD:/1@xeyJo- \xc3";
        let mut next = xorshift(0x51f1_5eed);
        for _ in 0..20_000 {
            let len = next() % (SHORT_STRING + 1);
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            let want = (
                bytes.iter().any(|&b| d.anchors.contains(b)),
                pairs.any_in(&bytes, 0..bytes.len()),
            );
            assert_eq!(d.short_string_hits(&bytes), want, "{bytes:?}");
        }
        assert_eq!(d.short_string_hits(b"AK"), (false, true));
        assert_eq!(d.short_string_hits(b"xA"), (false, false));
    }

    /// Texts for comparing the engine with the plain one: real-looking lines, and random
    /// strings of pieces of numbers, separators and words (hex and upper-case runs make long
    /// tokens that hold the regions of several rules).
    fn mixed_texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            "Order 641-2024876-7871816 shipped on 2023-03-22; total $1,299.99.",
            "Build 10.0.19041.1 failed at 2024-02-01T09:25:16Z, commit cab5f57b464838c68ed98fea7d2f2e6e20060ade.",
            "Request 835ebecc-0944-4cd7-a2ab-e5817883090b took 231 ms on v1.2.3.",
            "call +44 7400 123456 or (415) 555-2671, card 4111 1111 1111 1111, ssn 123-45-6789",
            "born 1978-02-14 at 221 Baker Street, London; host 192.168.1.20 / fe80::1 / 00:1A:2B:3C:4D:5E",
            "IBAN GB82 WEST 1234 5698 7654 32, NI QQ 12 34 56 C, a.b@example.com 12 34 56 78 90",
            "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25",
            "0.1234 -0.5678 0.9012 call 415.555.2671 -0.3456 7.5 06.12.34.56.78 1.234.567.8901",
            "ids 101 2054 4111111111111111 2003 1045 call 12 4155552671 7 0612345678 ssn 9 536228712 card 5 4222222222222",
            "1 2 378282246310005 3 4 5 tel 6 07400123456 8 9 30569309025904 10",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let pieces = [
            "4111",
            " ",
            "1111",
            "-",
            ".",
            "192",
            "168",
            "1",
            "555",
            "2671",
            "(415)",
            "+44",
            "7400",
            "123456",
            "@",
            "a.b",
            "example.com",
            ":",
            "fe80",
            "::",
            "12",
            "GB82",
            "WEST",
            " Street",
            "Baker",
            "born ",
            "ssn ",
            "call ",
            "1978-02-14",
            "0",
            "9",
            "/",
            ",",
            "x",
            "Q",
            "00:1A",
            "45",
            "6789",
            "2023",
            "  ",
            "cab5f",
            "DE",
            "ABCD",
            "e58",
            "T09",
            "Z",
            "0.",
            "7.",
            "06.12",
            "3C-4D-",
            "56c0.0008",
        ];
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..6000 {
            let n = next() % 24;
            texts.push((0..n).map(|_| pieces[next() % pieces.len()]).collect());
        }
        texts
    }

    /// Whether `fast` finds what the plain engine finds in every text; the number found.
    fn same_as_plain(fast: &Detector, plain: &Detector, texts: &[String]) -> usize {
        let mut found = 0;
        for t in texts {
            let want = run(plain, t);
            found += want.len();
            assert_eq!(run(fast, t), want, "{t:?}");
        }
        found
    }

    /// The token walk, the group skips and anchor-start regions change how much work is done,
    /// never what is found.
    #[test]
    fn same_matches_as_the_plain_engine() {
        let fast = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
        let plain =
            Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default()).reference();
        assert!(fast.walk.rules.len() >= 6, "digit rules are walked");
        assert!(
            fast.walk.digit_anchored(),
            "the walk tells anchors by digit counts"
        );
        let found = same_as_plain(&fast, &plain, &mixed_texts());
        assert!(found > 200, "the inputs hold findings ({found})");
    }

    impl Detector {
        /// Builds every rule's DFA now, as a long scan comes to.
        fn with_dfas(self) -> Self {
            for (r, rule) in self.rules.iter().enumerate() {
                self.dfas[r].get_or_init(|| region_dfa(rule));
            }
            self
        }
    }

    /// A rule that looks ahead for its next match before growing a region (a street address)
    /// finds what the plain engine finds: addresses after other numbers, several in a string,
    /// next to near-misses and to bytes outside its charset, with its DFA built.
    #[test]
    fn looking_ahead_finds_what_the_plain_engine_finds() {
        let fast = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default()).with_dfas();
        let plain = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default())
            .with_dfas()
            .reference();
        let street = fast
            .rules
            .iter()
            .position(|r| r.id == "street_address")
            .unwrap();
        assert!(fast.look_ahead[street] && fast.dfas[street].get().is_some_and(Option::is_some));
        // Only rules whose matches stay within their charset look ahead: a look past the
        // region (a Unicode digit here) would be repeated from every anchor before it.
        let dir = tempfile::tempdir().unwrap();
        let wide = "id = \"wide\"\nkind = \"wide\"\nregex = '[0-9]\\d*X'\n\
                    [prefilter]\nbytes = \"[0-9]\"\ncharset = \"[0-9X]\"\n";
        std::fs::write(dir.path().join("wide.toml"), wide).unwrap();
        let mut set = RuleSet::builtin().unwrap();
        set.load_dir(dir.path()).unwrap();
        let d = Detector::new(set, ValidationEnv::default());
        let w = d.rules.iter().position(|r| r.id == "wide").unwrap();
        assert!(d.rules[w].starts_at_anchor && !d.rules[w].within_charset && !d.look_ahead[w]);
        assert!(d.rules[street].within_charset);
        let pieces = [
            "42",
            " Main",
            " Street",
            " St.",
            " Baker",
            "221B",
            ", London NW1 6XE",
            ", CA 94105",
            " lives at ",
            "12 ",
            "x",
            "-",
            ";",
            " 5th Ave",
            ", Suite 3400",
            "Ship to ",
            "2023-03-22",
            " Road",
            "7",
            " ",
            "A",
            "Room 101 ",
            "_",
            "(",
            "1600 Amphitheatre Parkway",
            " N.",
        ];
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        let mut texts: Vec<String> = vec![
            format!("{}ship to 42 Main Street", "12 x 3-4 ".repeat(2000)),
            "Order 641-2024876-7871816 shipped; ship to 42 Main Street, Springfield now".into(),
            "1 2 3 lives at 221B Baker Street, London NW1 6XE and 10 Downing Street, London SW1A 2AA"
                .into(),
        ];
        for _ in 0..4000 {
            let n = next() % 16;
            texts.push((0..n).map(|_| pieces[next() % pieces.len()]).collect());
        }
        same_as_plain(&fast, &plain, &texts);
        let streets: usize = texts
            .iter()
            .map(|t| run(&plain, t).iter().filter(|m| m.rule == street).count())
            .sum();
        assert!(
            streets > 100,
            "the inputs hold street addresses ({streets})"
        );
    }

    /// A rule searched on its own is done with a string once no required literal is left in
    /// it: a rule without a charset (whose region is the whole string), and one whose matches
    /// start before its anchor (whose regions reach back to where its last one ended), with
    /// the literal before the anchor.
    #[test]
    fn required_literals_find_what_the_plain_engine_finds() {
        let apples = r#"id = "apples"
kind = "apples"
regex = '[0-9]+ apples'
[prefilter]
bytes = "[0-9]"
"#;
        let weight = r#"id = "weight"
kind = "weight"
regex = 'kg[a-z]{2}[0-9]{2}'
[prefilter]
bytes = "[0-9]"
charset = "[a-z0-9]"
"#;
        let (fast, plain) = fast_and_plain(&[("apples.toml", apples), ("weight.toml", weight)]);
        let index = |id: &str| fast.rules.iter().position(|r| r.id == id).unwrap();
        let (apples, weight) = (index("apples"), index("weight"));
        assert!(fast.required[apples].is_some() && fast.required[weight].is_some());
        assert!(!fast.rules[weight].starts_at_anchor);
        let pieces = [
            "12", " apples", "apples", " kg", "ab", "34", "ab34 ", "kg", " ", "x", "5",
        ];
        let mut next = xorshift(7);
        let texts: Vec<String> = (0..4000)
            .map(|_| {
                (0..next() % 14)
                    .map(|_| pieces[next() % pieces.len()])
                    .collect()
            })
            .collect();
        same_as_plain(&fast, &plain, &texts);
        let found = |rule| found(&fast, &texts, rule);
        assert!(found(apples) > 40, "apples: {}", found(apples));
        assert!(found(weight) > 20, "weight: {}", found(weight));
    }

    /// The built-in rules and the rule `files` (name, TOML) as the engine and the plain engine.
    fn fast_and_plain(files: &[(&str, &str)]) -> (Detector, Detector) {
        let dir = tempfile::tempdir().unwrap();
        for (name, toml) in files {
            std::fs::write(dir.path().join(name), toml).unwrap();
        }
        let set = || {
            let mut set = RuleSet::builtin().unwrap();
            set.load_dir(dir.path()).unwrap();
            set
        };
        let fast = Detector::new(set(), ValidationEnv::default());
        (
            fast,
            Detector::new(set(), ValidationEnv::default()).reference(),
        )
    }

    /// How many matches of `rule` the engine finds in `texts`.
    fn found(d: &Detector, texts: &[String], rule: usize) -> usize {
        texts
            .iter()
            .flat_map(|t| run(d, t))
            .filter(|m| m.rule == rule)
            .count()
    }

    /// A walked rule anchored by bytes of two groups (hex letters alone, and the digits with
    /// the built-in digit rules), whichever group reaches its regions first; a rule sharing its
    /// charset with another (IPv4's) but not its boundary, searched where only it could match;
    /// and a walked rule that needs context words: all find what the plain engine finds, also
    /// when strings of one record are scanned in turn (a value seen earlier vouches for a
    /// later one).
    #[test]
    fn rules_shared_by_groups_and_charsets_find_what_the_plain_engine_finds() {
        let hex = r#"id = "hex_ref"
kind = "hex_ref"
regex = '\b[0-9A-F]{4}-[0-9A-F]{2}\b'
[prefilter]
bytes = "[0-9A-F]"
charset = "[0-9A-F-]"
"#;
        let six = r#"id = "six_digits"
kind = "six_digits"
regex = '[0-9]{6}'
boundary = "alnum"
[prefilter]
bytes = "[0-9]"
charset = "[0-9.]"
"#;
        let code = r#"id = "member_code"
kind = "member_code"
regex = '\b[0-9]{3}-[0-9]{3}\b'
[prefilter]
bytes = "[0-9]"
charset = "[0-9-]"
[context]
words = ["member"]
field_words = ["member"]
required = true
"#;
        // Anchor bytes that not every match holds (a rule file's mistake): its regions are
        // still only the runs that hold one, as in the plain engine.
        let fives = r#"id = "with_five"
kind = "with_five"
regex = '\b[0-9]{4}\b'
[prefilter]
bytes = "[5]"
charset = "[0-9.]"
"#;
        let (fast, plain) = fast_and_plain(&[
            ("hex.toml", hex),
            ("six.toml", six),
            ("code.toml", code),
            ("fives.toml", fives),
        ]);
        let index = |id: &str| fast.rules.iter().position(|r| r.id == id).unwrap();
        let (hex, six, code) = (index("hex_ref"), index("six_digits"), index("member_code"));
        assert_ne!(fast.walk.bit[code], 0, "the rule needing context is walked");
        assert!(
            !fast.walk.digit_anchored(),
            "the walk looks anchors up byte by byte"
        );
        let groups = fast
            .groups
            .iter()
            .filter(|g| g.walked & fast.walk.bit[hex] != 0)
            .count();
        assert!(
            groups >= 2,
            "digits and A-F anchor different rule sets ({groups})"
        );
        assert_ne!(fast.walk.bit[hex], 0, "the rule is walked");
        let shared = |r: usize| fast.walk.sharing_charset(r).map(u64::count_ones);
        assert_eq!(
            shared(six),
            Some(3),
            "six_digits and with_five share IPv4's charset"
        );
        let mut texts = mixed_texts();
        texts.extend(
            [
                "ref ABCD-12 and 12AB-CD, 1234-56 BEEF-0A",
                "DE12-AB 4111-11",
                "id_123456_x 10.0.0.1_654321_",
                "member 123-456 and 654-321",
                "123-456 without its word",
                "pins 1234 and 1235 and 5.5",
            ]
            .map(String::from),
        );
        same_as_plain(&fast, &plain, &texts);
        let found = |rule| found(&fast, &texts, rule);
        assert!(
            found(hex) > 50,
            "hex_ref finds its matches ({})",
            found(hex)
        );
        assert!(
            found(six) > 50,
            "six_digits finds its matches ({})",
            found(six)
        );
        let glued = run(&fast, "id_123456_x");
        assert!(
            glued.iter().any(|m| m.rule == six),
            "only letters and digits glue it"
        );
        // The word supports the closest code only.
        assert_eq!(found(code), 1, "member_code next to its word");
        assert!(!run(&fast, "123-456 without its word")
            .iter()
            .any(|m| m.rule == code));
        // One record, string by string, with the field name as context.
        let record = |d: &Detector| {
            let (mut scratch, mut all) = (Scratch::default(), Vec::new());
            scratch.new_record();
            for (key, text) in [
                ("note", "ref 123-456"),
                ("text", "member 123-456, call +1 415-555-2671"),
                ("note", "again 123-456 and 777-888"),
                ("member", "777-888"),
            ] {
                let mut out = Vec::new();
                d.detect(text, Some(key), &mut scratch, &mut out);
                all.push(out);
            }
            all
        };
        let got = record(&fast);
        assert_eq!(got, record(&plain));
        let codes: Vec<usize> = got
            .iter()
            .map(|o| o.iter().filter(|m| m.rule == code).count())
            .collect();
        assert_eq!(
            codes,
            [0, 1, 1, 1],
            "word, then the value seen, then the field name"
        );
    }

    /// A payload holding an AWS key id that only a scan of the payload finds (`+` and `/`
    /// are not letters or digits, so the key is not glued to the rest of the payload).
    const PAYLOAD: &str = "iVBORw0KGgo+AKIAQWERTYUIOPASDFG2/AAAA4111111111111111==";

    fn spans(text: &str, found: &[Match]) -> Vec<String> {
        found
            .iter()
            .map(|m| text[m.start..m.end].to_string())
            .collect()
    }

    #[test]
    fn data_uri_payloads_are_cut_out() {
        let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
        let text = format!(
            "mail bob@corp.com ![scan](data:image/png;base64,{PAYLOAD}) and \
             data:text/plain;base64,{PAYLOAD} call +1 415 555 2671"
        );
        let cut = run(&d, &text);
        assert_eq!(spans(&text, &cut), ["bob@corp.com", "+1 415 555 2671"]);
        // The same text with the payloads scanned finds the key in each as well.
        let whole = run(&d.scan_data_uris(true), &text);
        assert_eq!(
            spans(&text, &whole),
            [
                "bob@corp.com",
                "AKIAQWERTYUIOPASDFG2",
                "AKIAQWERTYUIOPASDFG2",
                "+1 415 555 2671"
            ]
        );
    }

    #[test]
    fn payloads_are_cut_out_where_digits_are_not_anchors() {
        // The AWS rule alone has literal anchors only: a string is searched for payloads
        // whether or not it holds an anchor byte.
        let all = RuleSet::builtin().unwrap();
        let aws = all.rules().iter().position(|r| r.id == "aws_access_key_id");
        let d = Detector::new(all.single(aws.unwrap()), ValidationEnv::default());
        assert!(!d.marker_anchored);
        let text = format!("key AKIAQWERTYUIOPASDFG3 data:image/png;base64,{PAYLOAD}");
        assert_eq!(spans(&text, &run(&d, &text)), ["AKIAQWERTYUIOPASDFG3"]);
        let scanned = run(&d.scan_data_uris(true), &text);
        assert_eq!(spans(&text, &scanned).len(), 2);
    }

    #[test]
    fn text_around_a_payload_is_scanned_as_a_piece() {
        // Each mixed text before, after and on both sides of a data URI: what is found is what
        // the text on each side of the payload gives alone, at its offset in the whole, and
        // nothing overlaps the payload.
        let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
        let uri = format!("data:image/jpeg;base64,{PAYLOAD}");
        let mut checked = 0;
        for t in mixed_texts() {
            for text in [
                format!("{t} {uri}"),
                format!("{uri} {t}"),
                format!("{t} {uri}\n{t}"),
            ] {
                let found = run(&d, &text);
                let mut expected = Vec::new();
                let mut from = 0;
                for piece in text.split(PAYLOAD) {
                    for m in run(&d, piece) {
                        expected.push((m.rule, from + m.start, from + m.end));
                    }
                    from += piece.len() + PAYLOAD.len();
                }
                let got: Vec<_> = found.iter().map(|m| (m.rule, m.start, m.end)).collect();
                assert_eq!(got, expected, "{text}");
                let payload = text.find(PAYLOAD).unwrap();
                let end = text.rfind(PAYLOAD).unwrap() + PAYLOAD.len();
                assert!(
                    found.iter().all(|m| m.end <= payload || m.start >= end),
                    "{text}"
                );
                checked += found.len();
            }
        }
        assert!(checked > 50, "{checked}");
    }

    /// On a full tie (same priority and span), the earlier rule wins, whichever pass found
    /// it: a deny list's exact entry (found by its literal) over its pattern (found by the
    /// byte pass).
    #[test]
    fn full_ties_go_to_the_earlier_rule() {
        let mut deny = crate::rules::DenyList::default();
        deny.add("PRJ-1234").unwrap();
        deny.add("/PRJ-[0-9]{4}/").unwrap();
        let mut set = RuleSet::builtin().unwrap();
        set.add_deny(&deny).unwrap();
        let d = Detector::new(set, ValidationEnv::default());
        let ids: Vec<&str> = run(&d, "see PRJ-1234 now")
            .iter()
            .map(|m| d.rules[m.rule].id.as_str())
            .collect();
        assert_eq!(ids, ["deny_list"]);
    }
}
