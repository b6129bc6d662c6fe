//! The matcher ([`Detector`]): anchors → regions → regex → boundary and validator → overlaps →
//! context. This file holds the tables built from the rules and the pass over a string's
//! anchors; the search of one rule's region is in `search.rs`, the regions of the digit-anchored
//! token rules come from the token walk (`detect/walk.rs`).

use super::bytesearch::ByteSet;
use super::context::{Context, Signal};
use super::fields::FieldKinds;
use super::literals::{Bigrams, LiteralSet};
use super::opaque::{self, DataUris};
use super::region::{prose_wide, Counts, Limits};
use super::validators::ValidationEnv;
use super::walk::Walk;
use crate::findings::Confidence;
use crate::rules::{Rule, RuleSet};
use memchr::memmem;
use std::collections::BTreeMap;

mod search;
#[cfg(test)]
mod tests;

use search::{Glue, Searched};

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

/// Compiled rules plus the tables that drive the single anchor pass.
#[derive(Debug)]
pub struct Detector {
    rules: Vec<Rule>,
    /// Per rule: its regex as a DFA, where built (see [`region_dfa`](search::region_dfa)). Built once the rule has
    /// been searched [`DFA_AFTER`](search::DFA_AFTER) times, so a small scan does not pay for building it.
    dfas: Vec<std::sync::OnceLock<Option<regex_automata::dfa::regex::Regex>>>,
    /// Per rule: regex searches so far, until its DFA is built.
    searches: Vec<std::sync::atomic::AtomicU32>,
    /// Per rule: its regex anchored at the start of the haystack (`^(?:…)`), built on first
    /// use, for the rules searched only from their region's start that have no DFA (see
    /// [`Detector::find_at_start`]).
    at_start: Vec<std::sync::OnceLock<Option<regex::Regex>>>,
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
            at_start: rules.iter().map(|_| std::sync::OnceLock::new()).collect(),
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

    /// Keeps the best of overlapping candidates: higher priority, then longer, then earlier, then
    /// the earlier rule (so the order the passes found them in does not matter: a deny list's
    /// exact entry wins over its pattern for the same span).
    /// Accepted spans are disjoint, so one look at the span starting last before a candidate's
    /// end tells whether it overlaps (O(k log k) for k candidates).
    fn resolve_overlaps(&self, cands: &mut Vec<Match>, out: &mut Vec<Match>) {
        // Most strings with a candidate have one: nothing to resolve, no map to build.
        if cands.len() == 1 {
            out.append(cands);
            return;
        }
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
