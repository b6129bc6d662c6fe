//! The matcher: anchors → regions → regex → boundary and validator → overlaps → context.

use super::bytesearch::ByteSet;
use super::context::{Context, Signal};
use super::fields::FieldKinds;
use super::validators::{ValidationEnv, Verdict};
use crate::findings::Confidence;
use crate::rules::{Boundary, Rule, RuleSet};
use aho_corasick::AhoCorasick;
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
    /// Per rule: how far the literal-anchor pass has searched.
    next_lit: Vec<usize>,
    candidates: Vec<Match>,
    /// (rule, normalized value) of the matches accepted so far in the current record.
    record: Vec<(usize, String)>,
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
}

/// Values remembered per record: enough for any real record, bounded for hostile ones.
const RECORD_MEMORY: usize = 256;

/// A rejected candidate is retried with at most this many shorter cuts.
const MAX_CUTS: usize = 8;

/// One automaton of literal anchors. The search reports one pattern per position; every
/// pattern occurring there is then found by comparing it in place, so all occurrences of all
/// literals are seen, as an overlapping search would.
#[derive(Debug)]
struct Literals {
    ac: AhoCorasick,
    patterns: Vec<String>,
    rule_of: Vec<usize>,
    fold: bool,
}

impl Literals {
    fn at(&self, text: &[u8], pos: usize, pat: &str) -> bool {
        text.get(pos..pos + pat.len()).is_some_and(|t| {
            if self.fold {
                t.eq_ignore_ascii_case(pat.as_bytes())
            } else {
                t == pat.as_bytes()
            }
        })
    }
}

/// Compiled rules plus the tables that drive the single anchor pass.
#[derive(Debug)]
pub struct Detector {
    rules: Vec<Rule>,
    contexts: Vec<Context>,
    by_byte: Vec<Vec<usize>>,
    anchors: ByteSet,
    /// Literal anchors: case-sensitive, then ASCII-case-folding.
    literals: Vec<Literals>,
    ascii_escape: memmem::Finder<'static>,
    env: ValidationEnv,
    fields: FieldKinds,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Detector {
    pub fn new(rules: RuleSet, env: ValidationEnv) -> Self {
        let rules: Vec<Rule> = rules.rules().to_vec();
        let mut by_byte = vec![Vec::new(); 256];
        let mut is_anchor = [false; 256];
        // Literals of case-sensitive rules go to one automaton that can use a SIMD prefilter;
        // those of rules with a case-insensitive regex (`(?i)`: passwords, deny lists) to one
        // that folds ASCII case. The regex decides either way.
        let mut lits: [(Vec<String>, Vec<usize>); 2] = Default::default();
        for (i, r) in rules.iter().enumerate() {
            for b in 0..256 {
                if r.anchor_bytes[b] {
                    by_byte[b].push(i);
                    is_anchor[b] = true;
                }
            }
            let fold = usize::from(r.regex.as_str().contains("(?i"));
            for l in &r.anchor_literals {
                lits[fold].0.push(l.clone());
                lits[fold].1.push(i);
            }
        }
        let literals: Vec<Literals> = lits
            .into_iter()
            .enumerate()
            .filter(|(_, (l, _))| !l.is_empty())
            .map(|(fold, (l, rule_of))| {
                // Leftmost-first, so the search can use its SIMD prefilter; every pattern at a
                // match position is then checked by hand (see `literal_anchors`).
                let ac = aho_corasick::AhoCorasickBuilder::new()
                    .ascii_case_insensitive(fold == 1)
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(&l)
                    .expect("literal anchors compile");
                Literals {
                    ac,
                    patterns: l,
                    rule_of,
                    fold: fold == 1,
                }
            })
            .collect();
        Detector {
            contexts: rules.iter().map(|r| Context::new(&r.context)).collect(),
            rules,
            by_byte,
            anchors: ByteSet::new(is_anchor),
            literals,
            ascii_escape: memmem::Finder::new(b"\\u00").into_owned(),
            env,
            fields: FieldKinds::none(),
        }
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
        if self.anchors.find(raw, 0).is_some() || self.fields.may_contain(raw) {
            return true;
        }
        if self.literals.iter().any(|l| l.ac.is_match(raw)) {
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
    pub fn detect(
        &self,
        text: &str,
        key: Option<&str>,
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
    ) {
        scratch.next.clear();
        scratch.next.resize(self.rules.len(), 0);
        scratch.next_lit.clear();
        scratch.next_lit.resize(self.rules.len(), 0);
        scratch.candidates.clear();
        let bytes = text.as_bytes();
        let mut from = 0;
        while let Some(p) = self.anchors.find(bytes, from) {
            from = p + 1;
            for &r in &self.by_byte[usize::from(bytes[p])] {
                if p >= scratch.next[r] {
                    if self.rules[r].context.required
                        && !self.may_be_supported(r, text, key, &scratch.record)
                    {
                        scratch.next[r] = usize::MAX;
                        continue;
                    }
                    self.run_rule(
                        r,
                        text,
                        p,
                        p + 1,
                        &mut scratch.next[r],
                        &mut scratch.candidates,
                    );
                }
            }
        }
        // Literal anchors keep their own progress: the byte pass may already have moved past
        // an earlier literal (`dead:beef::cafe … port 443`). A span found by both passes is
        // dropped as a duplicate by the overlap resolution.
        for lits in &self.literals {
            let mut from = 0;
            while let Some(m) = lits
                .ac
                .find(aho_corasick::Input::new(text).span(from..text.len()))
            {
                from = m.start() + 1;
                for (k, pat) in lits.patterns.iter().enumerate() {
                    if !lits.at(bytes, m.start(), pat) {
                        continue;
                    }
                    let r = lits.rule_of[k];
                    if m.start() >= scratch.next_lit[r] {
                        let progress = &mut scratch.next_lit[r];
                        let end = m.start() + pat.len();
                        self.run_rule(r, text, m.start(), end, progress, &mut scratch.candidates);
                    }
                }
            }
        }
        let first = out.len();
        if !scratch.candidates.is_empty() {
            self.resolve(text, key, scratch, out);
        }
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

    /// Grows the anchor into its region and searches the region with rule `r`; `progress`
    /// is how far this pass has searched for the rule.
    fn run_rule(
        &self,
        r: usize,
        text: &str,
        a_start: usize,
        a_end: usize,
        progress: &mut usize,
        candidates: &mut Vec<Match>,
    ) {
        let rule = &self.rules[r];
        let bytes = text.as_bytes();
        let (rs, re) = match &rule.charset {
            Some(cs) => {
                let floor = *progress;
                let mut s = a_start;
                while s > floor && cs[usize::from(bytes[s - 1])] {
                    s -= 1;
                }
                let mut e = a_end;
                while e < bytes.len() && cs[usize::from(bytes[e])] {
                    e += 1;
                }
                (s, e)
            }
            None => (0, bytes.len()),
        };
        *progress = (*progress).max(re);
        // Too short, or too few digits or separators for any match: no regex call. The counts
        // are kept for the retries below.
        let mut left = Counts::of(rule, &bytes[rs..re]);
        if re - rs < rule.min_len || !left.fit(rule) {
            return;
        }
        let region = &text[rs..re];
        if !rule.region_contains.is_empty()
            && !rule
                .region_contains
                .iter()
                .any(|l| region.contains(l.as_str()))
        {
            return;
        }
        // A validator that only accepts a match filling its region from the start (email, IP)
        // gets one attempt per region: retrying inside it could only be rejected again, and on
        // hostile input (`a-a-a-…@x.io`) would cost a search per byte.
        let anchored = rule.validator.is_some_and(|v| v.anchored_to_region());
        let mut pos = rs;
        // What is left of the region must still be able to hold a match: only the digits and
        // separators the search moves past are taken off the region's counts, so a long
        // region of retries (`1 2 3 …`) stays linear.
        let mut counted = rs;
        while pos < re {
            left.remove(rule, &bytes[counted..pos]);
            counted = pos;
            if re - pos < rule.min_len || !left.fit(rule) {
                break;
            }
            let Some(m) = rule.regex.find(&text[pos..re]) else {
                break;
            };
            let (ms, me) = (pos + m.start(), pos + m.end());
            if anchored && ms != rs {
                break;
            }
            if ms == me {
                pos = next_boundary(text, ms + 1);
                continue;
            }
            if let Some(end) = self.accept_longest(r, text, ms, me, rs..re, candidates) {
                pos = end;
                continue;
            }
            if anchored {
                break;
            }
            // Rejected: try again from the next token inside the candidate.
            let mut p = ms + 1;
            while p < re && is_word(bytes[p - 1]) && is_word(bytes[p]) {
                p += 1;
            }
            pos = next_boundary(text, p);
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
        for _ in 0..=MAX_CUTS {
            // Cuts only get shorter: once one cannot hold a match, none can.
            if end - ms < rule.min_len || !Counts::of(rule, &bytes[ms..end]).fit(rule) {
                return None;
            }
            if end == me || rule.full_regex.is_match(&text[ms..end]) {
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
            // The next shorter cut: a word byte followed by a non-word byte.
            end = (ms + 1..end)
                .rev()
                .find(|&c| is_word(bytes[c - 1]) && !is_word(bytes[c]))?;
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
        let blocks = |b: u8| match rule.boundary {
            Boundary::Word => is_word(b),
            Boundary::Alnum => b.is_ascii_alphanumeric(),
        };
        if (s > 0 && blocks(bytes[s - 1])) || (e < bytes.len() && blocks(bytes[e])) {
            return None;
        }
        match rule.validator {
            Some(v) => v.check(text, s..e, region, &self.env),
            None => Some(Verdict::new(text[s..e].to_string())),
        }
    }

    /// Keeps the best of overlapping candidates: higher priority, then longer, then earlier.
    /// Accepted spans are disjoint, so one look at the span starting last before a candidate's
    /// end tells whether it overlaps (O(k log k) for k candidates).
    fn resolve_overlaps(&self, cands: &mut Vec<Match>, out: &mut Vec<Match>) {
        cands.sort_by(|a, b| {
            let pa = self.rules[a.rule].priority;
            let pb = self.rules[b.rule].priority;
            pb.cmp(&pa)
                .then((b.end - b.start).cmp(&(a.end - a.start)))
                .then(a.start.cmp(&b.start))
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

/// ASCII digits and separators (bytes other than ASCII letters and digits) in a byte range.
#[derive(Debug, Clone, Copy)]
struct Counts {
    digits: usize,
    seps: usize,
}

impl Counts {
    /// The counts of `bytes`; nothing is counted for a rule that needs neither.
    fn of(rule: &Rule, bytes: &[u8]) -> Self {
        let mut c = Counts { digits: 0, seps: 0 };
        if rule.min_digits > 0 || rule.min_seps > 0 {
            for &b in bytes {
                c.digits += usize::from(b.is_ascii_digit());
                c.seps += usize::from(!b.is_ascii_alphanumeric());
            }
        }
        c
    }

    fn remove(&mut self, rule: &Rule, bytes: &[u8]) {
        let gone = Counts::of(rule, bytes);
        self.digits -= gone.digits;
        self.seps -= gone.seps;
    }

    fn fit(&self, rule: &Rule) -> bool {
        self.digits >= rule.min_digits && self.seps >= rule.min_seps
    }
}

fn next_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}
