//! Searching one rule's region: the regex (a dense DFA once the rule is searched often),
//! starts passed over where no candidate could be accepted, rejected candidates retried with
//! shorter cuts, then the boundary check and the validator.

use super::{Detector, Match};
use crate::detect::region::{glued_at, is_word, Counts, Limits};
use crate::detect::validators::{glued_before, glued_to_token, space_glued_before, Verdict};
use crate::rules::{Boundary, Rule};

/// A rejected candidate is retried with at most this many shorter cuts.
const MAX_CUTS: usize = 8;

/// Regex searches of a rule before its DFA is built: building one costs about as much as a
/// few thousand searches with the `regex` crate, so only a scan that keeps using the rule pays.
pub(super) const DFA_AFTER: u32 = 4096;

/// A rule's regex as a fully built DFA (forward and reverse), for the rules searched at every
/// anchor byte: a search is a table walk, without the general engine's per-call set-up, which
/// dominates on regions of a few bytes. Built only within a size limit; a rule whose DFA would
/// be larger (or that uses a feature DFAs lack, like a Unicode `\b`) keeps the `regex` crate.
pub(super) fn region_dfa(rule: &Rule) -> Option<regex_automata::dfa::regex::Regex> {
    use regex_automata::dfa::{dense, regex::Regex};
    if !rule.anchor_bytes.iter().any(|&b| b) || !dfa_within_reach(rule) {
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

/// The most states a rule's NFA may have for its DFA to be tried. The rules' DFAs come from
/// NFAs of at most about 300 states (a street address: 291, a date of birth: 297); the email
/// rule's counted repetitions make 1,272, and determinizing them ran for 13 ms before its DFA
/// outgrew the size limit: an attempt paid by every scan that searches it [`DFA_AFTER`] times.
const DFA_NFA_STATES: usize = 1000;

/// Whether a DFA of `rule`'s regex is worth trying (see [`DFA_NFA_STATES`]).
pub(super) fn dfa_within_reach(rule: &Rule) -> bool {
    regex_automata::nfa::thompson::NFA::new(rule.regex.as_str())
        .is_ok_and(|nfa| nfa.states().len() <= DFA_NFA_STATES)
}

/// The leftmost-first match in `hay`, as [`regex::Regex::find`] gives it; `None` when the DFA
/// gave up (the caller then asks the `regex` crate).
///
/// The leftmost-first match is the preferred match at the first position where one starts.
/// Where every match starts with one of `start` bytes, no match starts before the first of
/// them, so an anchored forward search there settles the common case (a region that starts
/// with its value) without the reverse search for the start; failing that, the usual search
/// goes on past it.
pub(super) fn dfa_find(
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

impl Detector {
    /// Grows the anchor into its region and searches the region with rule `r`. A rule with
    /// required literals is done with the string once none is left in it; a rule that looks
    /// ahead first finds where its next match starts (see [`Detector::next_match_start`]): no
    /// region is grown before it.
    pub(super) fn run_rule(
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
    pub(super) fn search_region(
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
            // A validator anchored to the region accepts only a match starting at its start:
            // one search there, forward only (where the leftmost match starts later, it is
            // rejected whatever it is).
            let found = if anchored {
                if pos != rs {
                    break;
                }
                self.find_at_start(r, &text[pos..re])
            } else {
                self.find(r, &text[pos..re])
            };
            let Some((ms, me)) = found else {
                break;
            };
            let (ms, me) = (pos + ms, pos + me);
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
    pub(super) fn find(&self, r: usize, hay: &str) -> Option<(usize, usize)> {
        let rule = &self.rules[r];
        if let Some(Some(m)) = self
            .dfa(r)
            .map(|d| dfa_find(d, rule.start_bytes.as_deref(), hay))
        {
            return m;
        }
        rule.regex.find(hay).map(|m| (m.start(), m.end()))
    }

    /// The leftmost-first match of rule `r` in `hay` if it starts at `hay`'s start: what
    /// [`Detector::find`] gives when its match starts there, `None` otherwise. The DFA walks
    /// forward from the start; without one, the rule's regex anchored there (`^(?:…)`)
    /// searches, which spares the `regex` crate's reverse search for where the match starts.
    pub(super) fn find_at_start(&self, r: usize, hay: &str) -> Option<(usize, usize)> {
        if let Some(dfa) = self.dfa(r) {
            if let Ok(end) = anchored_end(dfa.forward(), hay.as_bytes(), 0) {
                return end.map(|end| (0, end));
            }
        }
        let anchored = self.at_start[r].get_or_init(|| {
            regex::Regex::new(&format!("^(?:{})", self.rules[r].regex.as_str())).ok()
        });
        match anchored {
            Some(re) => re.find(hay).map(|m| (m.start(), m.end())),
            None => self.find(r, hay).filter(|&(ms, _)| ms == 0),
        }
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
}

/// How far [`Detector::run_rule`] has got with a rule in the current string.
pub(super) struct Searched<'a> {
    /// The end of the regions searched so far (the next anchor before it has nothing to do).
    pub(super) progress: &'a mut usize,
    /// Where the last required literal found starts, if one was looked for.
    pub(super) required_at: &'a mut Option<usize>,
}

/// How a rule's search prunes candidates glued to their token.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Glue {
    /// The validator rejects every candidate glued to its token
    /// ([`Validator::rejects_glued`](crate::detect::validators::Validator::rejects_glued)): such a
    /// candidate, and a cut of one, is ruled out before the regex re-check and the validator.
    rejected: bool,
    /// Also, matches start only at the rule's `first_bytes` whatever comes before (no
    /// look-around; never empty), and a word boundary is required: a search then starts
    /// only where a candidate could be accepted (see [`next_viable_start`]). Validators that
    /// reject glued candidates are not ones anchored to their region.
    viable_starts: bool,
    /// The validator says at which starts it rejects every candidate
    /// ([`Validator::rejects_every_at`](crate::detect::validators::Validator::rejects_every_at)): a
    /// match starting there is not cut and re-checked.
    hopeless_starts: bool,
}

impl Glue {
    pub(super) fn of(rule: &Rule) -> Glue {
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
