//! The token walk: the regions of the rules whose matches are short tokens (digit runs,
//! dotted quads, hex strings), found for all of them in one pass over the token around a
//! digit, byte by byte or, for short hex-like tokens, with bit masks sixteen bytes a step.

use super::region::{prose_wide, Counts, Limits, COUNTED, MAX_TOKEN};
use crate::rules::Rule;

/// The rules whose regions are found together: those with a byte anchor and a charset without
/// lowercase prose letters (`g`–`z`), so their regions are short tokens (digit runs, dotted
/// quads, hex strings). At a digit, one pass over the token around it (the bytes in the
/// charset of any of these rules) finds the regions of all of them in the token, instead of
/// one expansion per rule and anchor. Rules with the same charset share their regions.
/// Regions of prose-wide charsets (emails, URLs, tokens; street addresses and dates, which
/// span sentences) keep their own expansion.
#[derive(Debug)]
pub(super) struct Walk {
    /// The walked rules, at most 64, in rule order.
    pub(super) rules: Vec<usize>,
    /// Per walked rule: what its regions must have to be searched.
    pub(super) limits: Vec<Limits>,
    /// Per rule: its bit in the rule masks (0 when not walked).
    pub(super) bit: Vec<u64>,
    /// The distinct charsets of the walked rules (the first `n_charsets`), as masks of their
    /// rules' bits: a charset's runs are the regions of all its rules. Fixed arrays here, so
    /// that indexing by a charset's bit needs no bounds check.
    charsets: [u64; 64],
    n_charsets: usize,
    /// The bits of all walked rules, and of all charsets.
    all_rules: u64,
    all_charsets: u64,
    /// Per charset: the least of its rules' limits (a run short of them is searched by none).
    floors: [Limits; 64],
    /// Per byte: the charsets that hold it.
    class: [u64; 256],
    /// Per byte: the walked rules it anchors.
    anchor: [u64; 256],
    /// Whether every walked rule is anchored by the ASCII digits and nothing else (the built-in
    /// rules are): a run then holds an anchor of its rules exactly when it holds a digit,
    /// which its counts tell, and the walk need not look anchors up byte by byte.
    digit_anchored: bool,
    /// Per byte: its charsets in bits 0–5 (where there are at most six), bit 6 when it is an
    /// ASCII digit and bit 7 when it counts as a separator (see [`Counts`]), for
    /// [`Walk::short_token`].
    class8: [u8; 256],
    /// Whether [`Walk::short_token`] can walk tokens: the rules are digit-anchored and their
    /// charsets fit in `class8`.
    short_tokens: bool,
    /// Whether this CPU has POPCNT, BMI1, BMI2 and LZCNT, for the copy of the walk compiled
    /// with them ([`Walk::token`]; always false off x86-64, where nothing reads it).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    bit_instructions: bool,
}

impl Walk {
    pub(super) fn new(rules: &[Rule]) -> Self {
        let mut walk = Walk {
            rules: Vec::new(),
            limits: Vec::new(),
            bit: vec![0; rules.len()],
            charsets: [0; 64],
            n_charsets: 0,
            all_rules: 0,
            all_charsets: 0,
            floors: [Limits::NONE; 64],
            class: [0; 256],
            anchor: [0; 256],
            digit_anchored: true,
            class8: [0; 256],
            short_tokens: false,
            bit_instructions: bit_instructions(),
        };
        let mut seen: Vec<&[bool; 256]> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let Some(cs) = &r.charset else { continue };
            if prose_wide(cs) || !r.anchor_bytes.iter().any(|&a| a) || walk.rules.len() == 64 {
                continue;
            }
            let bit = 1u64 << walk.rules.len();
            let limits = Limits::of(r);
            walk.rules.push(i);
            walk.limits.push(limits);
            walk.bit[i] = bit;
            let c = match seen.iter().position(|&s| s == &**cs) {
                Some(c) => c,
                None => {
                    seen.push(cs);
                    walk.n_charsets = seen.len();
                    walk.floors[seen.len() - 1] = limits;
                    seen.len() - 1
                }
            };
            walk.charsets[c] |= bit;
            walk.all_rules |= bit;
            walk.all_charsets |= 1 << c;
            walk.floors[c] = walk.floors[c].least(limits);
            for b in 0..256 {
                if cs[b] {
                    walk.class[b] |= 1 << c;
                }
                if r.anchor_bytes[b] {
                    walk.anchor[b] |= bit;
                }
            }
            walk.digit_anchored &=
                (0..=255u8).all(|b| r.anchor_bytes[usize::from(b)] == b.is_ascii_digit());
        }
        walk.short_tokens = walk.digit_anchored && walk.n_charsets <= 6;
        if walk.short_tokens {
            for ((class8, &class), &counted) in
                walk.class8.iter_mut().zip(&walk.class).zip(&COUNTED)
            {
                let digit = u8::from(counted & 1 == 1) << 6;
                let sep = u8::from(counted >> 32 & 1 == 1) << 7;
                // At most six charsets: the class fits in bits 0–5.
                *class8 = class as u8 | digit | sep;
            }
        }
        walk
    }

    /// Walks the token around `p` (the longest run of bytes in the charset of an `active`
    /// rule; `bytes[p]` anchors one) in one forward pass. Each `active` rule's regions in it
    /// (its longest charset runs that hold one of its anchor bytes) go to
    /// `region(k, start, end, counts)`, `k` being the rule's index in the walk, each rule's
    /// in the order of their ends. Returns the token's end. `starts` is per-charset scratch
    /// (64 long). A short token whose digits touch a letter (a hash, a UUID: its charset runs
    /// change at almost every byte) is walked with bit masks ([`Walk::short_token`]) where
    /// [`MASKED_CHARSETS`] charsets or more are active; the others byte by byte, which costs
    /// less where runs are long (`641-2024876-7871816`).
    ///
    /// Where the CPU has them ([`Walk::bit_instructions`]), the walk is compiled a second
    /// time with POPCNT, BMI and LZCNT (x86-64 release builds target plain x86-64, which has
    /// none of them) and that copy runs.
    #[inline(never)]
    pub(super) fn token(
        &self,
        bytes: &[u8],
        p: usize,
        active: u64,
        starts: &mut [(usize, Counts)],
        region: impl FnMut(usize, usize, usize, Counts),
    ) -> usize {
        #[cfg(target_arch = "x86_64")]
        if self.bit_instructions {
            // SAFETY: `bit_instructions` is set only where the CPU has the features
            // `token_bit_instructions` is compiled with (see `Walk::new`).
            return unsafe { self.token_bit_instructions(bytes, p, active, starts, region) };
        }
        self.token_any(bytes, p, active, starts, region)
    }

    /// [`Walk::token`] compiled with POPCNT, BMI1, BMI2 and LZCNT.
    ///
    /// # Safety
    /// The CPU must have these features.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt,bmi1,bmi2,lzcnt")]
    unsafe fn token_bit_instructions(
        &self,
        bytes: &[u8],
        p: usize,
        active: u64,
        starts: &mut [(usize, Counts)],
        region: impl FnMut(usize, usize, usize, Counts),
    ) -> usize {
        self.token_any(bytes, p, active, starts, region)
    }

    /// [`Walk::token`] for any CPU (inlined into both copies).
    #[inline(always)]
    fn token_any(
        &self,
        bytes: &[u8],
        p: usize,
        active: u64,
        starts: &mut [(usize, Counts)],
        mut region: impl FnMut(usize, usize, usize, Counts),
    ) -> usize {
        let charsets = self.charsets_of(active);
        debug_assert_ne!(
            self.class[usize::from(bytes[p])] & charsets,
            0,
            "p is in the token"
        );
        if !self.digit_anchored {
            return self.walk_token::<false>(bytes, p, active, charsets, starts, region);
        }
        if self.short_tokens && charsets.count_ones() >= MASKED_CHARSETS && lettered(bytes, p) {
            if let Some(end) = self.short_token(bytes, p, active, charsets, &mut region) {
                return end;
            }
        }
        self.walk_token::<true>(bytes, p, active, charsets, starts, region)
    }

    /// Whether anchors are told by digit counts (see [`Walk::digit_anchored`]).
    #[cfg(test)]
    pub(super) fn digit_anchored(&self) -> bool {
        self.digit_anchored
    }

    /// The walked rules (as masks of their bits) that share `rule`'s charset, `rule` among
    /// them; `None` for a rule not walked.
    #[cfg(test)]
    pub(super) fn sharing_charset(&self, rule: usize) -> Option<u64> {
        let bit = *self.bit.get(rule)?;
        self.charsets[..self.n_charsets]
            .iter()
            .copied()
            .find(|&rules| rules & bit != 0)
    }

    /// The charsets of the `active` rules: all of them when every walked rule is active.
    #[inline(always)]
    fn charsets_of(&self, active: u64) -> u64 {
        if active == self.all_rules {
            return self.all_charsets;
        }
        self.charsets[..self.n_charsets]
            .iter()
            .enumerate()
            .filter(|(_, &rules)| rules & active != 0)
            .fold(0u64, |m, (c, _)| m | 1 << c)
    }

    /// [`Walk::token`] for a token shorter than [`SHORT_TOKEN`] bytes (`None`, having called
    /// nothing, for a longer one), with bit masks instead of a pass byte by byte: a mask per
    /// charset of the token's bytes in it, and of its digits and separators, sixteen bytes a
    /// step. A charset's runs as long as its floor's length are found with shifts of its
    /// mask (a token of hex letters and digits has many short digit runs, none that long);
    /// a run's counts are the bits of the digit and separator masks in it. Regions go to
    /// `region` charset by charset, each charset's in order (the order across rules does not
    /// matter: each rule has one charset).
    #[inline(always)]
    fn short_token(
        &self,
        bytes: &[u8],
        p: usize,
        active: u64,
        charsets: u64,
        region: &mut impl FnMut(usize, usize, usize, Counts),
    ) -> Option<usize> {
        // At most six charsets, bits 0–5 (see `class8`).
        let inside = charsets as u8;
        let mut s = p;
        while s > 0 && self.class8[usize::from(bytes[s - 1])] & inside != 0 {
            s -= 1;
            if p - s == SHORT_TOKEN {
                return None;
            }
        }
        // Bit i of `planes[j]`: bit j of `class8` of byte `s + i`.
        let mut planes = [0u64; 8];
        let mut len = None;
        for step in 0..SHORT_TOKEN / 16 {
            let at = s + 16 * step;
            // The sixteen classes in two words, byte i of the pair for byte `at + i` (built in
            // registers: stored byte by byte and loaded as one vector, they would wait for
            // the stores to reach the cache). Bytes past the string's end are 0: in no charset.
            let mut class = [0u64; 2];
            let chunk = bytes.get(at..).unwrap_or_default();
            for (i, &b) in chunk.iter().take(16).enumerate() {
                class[i / 8] |= u64::from(self.class8[usize::from(b)]) << (8 * (i % 8));
            }
            let (step_planes, outside) = planes16(class, inside);
            for (plane, bits) in planes.iter_mut().zip(step_planes) {
                *plane |= u64::from(bits) << (16 * step);
            }
            if outside != 0 {
                len = Some(16 * step + outside.trailing_zeros() as usize);
                break;
            }
        }
        let len = len?;
        // The planes run on past the token to the end of its last sixteen bytes: a run there
        // holds none of these digits, so it goes nowhere (and no run crosses the token's end,
        // a byte in no active charset, so the separators of a run with digits are the token's).
        let digits = planes[6] & ((1u64 << len) - 1);
        let seps = planes[7];
        let mut left = charsets;
        while left != 0 {
            let c = left.trailing_zeros() as usize;
            left &= left - 1;
            let floor = &self.floors[c & 63];
            let runs = planes[c & 7];
            let mut long = long_run_starts(runs, floor.min_len);
            while long != 0 {
                let rs = long.trailing_zeros();
                let run_len = (!(runs >> rs)).trailing_zeros();
                let run = (u64::MAX >> (64 - run_len)) << rs;
                long &= !run;
                // A run without a digit holds no anchor.
                let d = (digits & run).count_ones();
                if d == 0 {
                    continue;
                }
                let counts = Counts::new(d, (seps & run).count_ones());
                let (rs, re) = (s + rs as usize, s + (rs + run_len) as usize);
                if !floor.could_hold_match(bytes, rs, re, Some(counts)) {
                    continue;
                }
                let mut rules = self.charsets[c & 63] & active;
                while rules != 0 {
                    let k = rules.trailing_zeros() as usize;
                    rules &= rules - 1;
                    region(k, rs, re, counts);
                }
            }
        }
        Some(s + len)
    }

    /// [`Walk::token`]; `DIGITS`: every walked rule is anchored by the digits alone (see
    /// [`Walk::digit_anchored`]).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn walk_token<const DIGITS: bool>(
        &self,
        bytes: &[u8],
        p: usize,
        active: u64,
        charsets: u64,
        starts: &mut [(usize, Counts)],
        mut region: impl FnMut(usize, usize, usize, Counts),
    ) -> usize {
        // A fixed length, so that indexing by a charset's bit needs no bounds check.
        let starts = &mut starts[..64];
        let floors = &self.floors;
        // A token is walked at most `MAX_TOKEN` bytes from where it starts, so its counts fit
        // in `Counts`' 32-bit halves. Only a string of gigabytes has a longer one: the walk
        // stops there, the next anchor walks on from there, and a region across the cut is
        // searched as two (counts of gigabytes stay exact but for that).
        let first = p.saturating_sub(MAX_TOKEN / 2);
        let mut s = p;
        while s > first && self.class[usize::from(bytes[s - 1])] & charsets != 0 {
            s -= 1;
        }
        let bytes = &bytes[..bytes.len().min(s.saturating_add(MAX_TOKEN))];
        // The charsets whose run is open at `e`, and the active rules whose run holds one of
        // their anchor bytes (an anchor byte is in its rule's charset).
        let (mut open, mut anchored) = (0u64, 0u64);
        // The counts of the token so far: a region's are the difference at its ends.
        let mut at = Counts::default();
        let mut e = s;
        loop {
            // A run of bytes in the same charsets: only the counts and the anchors change, in
            // a loop of its own that keeps them in registers.
            while let Some(&b) = bytes.get(e) {
                if self.class[usize::from(b)] & charsets != open {
                    break;
                }
                if !DIGITS {
                    anchored |= self.anchor[usize::from(b)] & active;
                }
                at.add(b);
                e += 1;
            }
            let b = bytes.get(e).copied();
            let class = b.map_or(0, |b| self.class[usize::from(b)] & charsets);
            if class != open {
                let mut ended = open & !class;
                while ended != 0 {
                    let c = ended.trailing_zeros() as usize;
                    ended &= ended - 1;
                    let (rs, before) = starts[c & 63];
                    let counts = at.since(before);
                    let mut rules = if DIGITS {
                        if counts.digits() == 0 {
                            continue;
                        }
                        self.charsets[c & 63] & active
                    } else {
                        self.charsets[c & 63] & anchored
                    };
                    if rules == 0 {
                        continue;
                    }
                    if !DIGITS {
                        anchored &= !rules;
                    }
                    if !floors[c & 63].could_hold_match(bytes, rs, e, Some(counts)) {
                        continue;
                    }
                    while rules != 0 {
                        let k = rules.trailing_zeros() as usize;
                        rules &= rules - 1;
                        region(k, rs, e, counts);
                    }
                }
                let mut started = class & !open;
                while started != 0 {
                    let c = started.trailing_zeros() as usize;
                    started &= started - 1;
                    starts[c & 63] = (e, at);
                }
                open = class;
            }
            let Some(b) = b.filter(|_| open != 0) else {
                return e;
            };
            if !DIGITS {
                anchored |= self.anchor[usize::from(b)] & active;
            }
            at.add(b);
            e += 1;
        }
    }
}

/// Whether this CPU has the features [`Walk::token`]'s second copy is compiled with.
fn bit_instructions() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("popcnt")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("bmi2")
            && std::arch::is_x86_feature_detected!("lzcnt")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Whether the digit run at `p` touches an ASCII letter: the token is then likely one of
/// hex letters and digits (a hash, a UUID), whose charset runs change at almost every byte.
#[inline(always)]
fn lettered(bytes: &[u8], p: usize) -> bool {
    let after = bytes[p..].iter().position(|b| !b.is_ascii_digit());
    (p > 0 && bytes[p - 1].is_ascii_alphabetic())
        || after.is_some_and(|k| bytes[p + k].is_ascii_alphabetic())
}

/// The fewest active charsets for which [`Walk::short_token`] walks a token: its masks cost
/// the same for one charset as for six, where the byte walk of one or two charsets meets few
/// changes of charset even in a hash (in the per-family micro-benchmarks, the card, IBAN,
/// SSN and phone rules alone scanned 14–16% less per second with masks for every lettered
/// token: 513–600 MB/s against 598–716).
const MASKED_CHARSETS: u32 = 4;

/// Tokens shorter than this are walked by [`Walk::short_token`] (a mask bit per byte).
const SHORT_TOKEN: usize = 64;

/// The bit planes of sixteen bytes, given as two little-endian words (bit i of plane j: bit
/// j of byte i), and the bytes with no bit of `inside` (bit i for byte i): with SSE2, which
/// every x86-64 target has, a shift and a byte mask per plane.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn planes16(bytes: [u64; 2], inside: u8) -> ([u16; 8], u16) {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set1_epi8, _mm_set_epi64x,
        _mm_setzero_si128, _mm_slli_epi16,
    };
    let [lo, hi] = bytes.map(|w| i64::from_ne_bytes(w.to_ne_bytes()));
    // SAFETY: SSE2 is part of every x86-64 target, so these run wherever this compiles; they
    // compute on values only.
    unsafe {
        let x = _mm_set_epi64x(hi, lo);
        // A byte's top bit, for each byte: bit i of the mask.
        let top = |v: __m128i| _mm_movemask_epi8(v) as u16;
        let planes = [
            top(_mm_slli_epi16::<7>(x)),
            top(_mm_slli_epi16::<6>(x)),
            top(_mm_slli_epi16::<5>(x)),
            top(_mm_slli_epi16::<4>(x)),
            top(_mm_slli_epi16::<3>(x)),
            top(_mm_slli_epi16::<2>(x)),
            top(_mm_slli_epi16::<1>(x)),
            top(x),
        ];
        let held = _mm_and_si128(x, _mm_set1_epi8(i8::from_ne_bytes([inside])));
        let outside = top(_mm_cmpeq_epi8(held, _mm_setzero_si128()));
        (planes, outside)
    }
}

/// [`planes16`] a byte at a time.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn planes16(bytes: [u64; 2], inside: u8) -> ([u16; 8], u16) {
    let (mut planes, mut outside) = ([0u16; 8], 0u16);
    for i in 0..16 {
        let b = (bytes[i / 8] >> (8 * (i % 8))) as u8;
        for (j, plane) in planes.iter_mut().enumerate() {
            *plane |= u16::from(b >> j & 1) << i;
        }
        outside |= u16::from(b & inside == 0) << i;
    }
    (planes, outside)
}

/// The bits of `runs` that start `len` set bits in a row: a run of at least `len` set bits
/// has its first bit here (and the next ones but its last `len - 1`). The run lengths
/// double while they can, then one overlapping step makes up the rest.
#[inline(always)]
fn long_run_starts(runs: u64, len: usize) -> u64 {
    if len > 64 {
        return 0;
    }
    let (mut starts, mut have) = (runs, 1);
    while 2 * have <= len {
        starts &= starts >> have;
        have *= 2;
    }
    if have < len {
        starts &= starts >> (len - have);
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    /// Generated texts for the walk: hex tokens, digit groups with every walked separator,
    /// letters on either side, tokens of 60–70 bytes (around the mask's width) and strings
    /// that end inside a token.
    fn token_texts() -> Vec<String> {
        let pieces = [
            "0",
            "7",
            "42",
            "555",
            "2671",
            "4111",
            "123456",
            "20060",
            " ",
            "  ",
            "-",
            ".",
            ":",
            "/",
            "(",
            ")",
            "+",
            "a",
            "f",
            "e5",
            "cab5f5",
            "B",
            "Z",
            "GB82",
            "x",
            "g",
            "_",
            "é",
            "T",
            "::",
            "1234567890123",
            "x",
            " q ",
            "555 2671 4111",
            "x 415-555-2671",
        ];
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        (0..6000)
            .map(|n| {
                let mut text = String::new();
                let target = [8, 24, 62, 70][n % 4];
                while text.len() < target {
                    text.push_str(pieces[next() % pieces.len()]);
                }
                text
            })
            .collect()
    }

    /// The copy of the walk compiled with POPCNT and BMI gives the regions and token ends the
    /// copy for any CPU gives, at every digit of the generated texts.
    #[test]
    fn both_copies_of_the_walk_agree() {
        let mut walk = Walk::new(RuleSet::builtin().unwrap().rules());
        if !walk.bit_instructions {
            eprintln!("this CPU lacks POPCNT, BMI or LZCNT: only the portable walk runs");
            return;
        }
        let mut starts = vec![(0, Counts::default()); 64];
        let mut walked = |walk: &Walk, text: &str, p: usize, active: u64| {
            let mut found = Vec::new();
            let end = walk.token(text.as_bytes(), p, active, &mut starts, |k, rs, re, c| {
                found.push((k, rs, re, c.digits(), c.seps()))
            });
            (end, found)
        };
        let (mut compared, mut regions) = (0, 0);
        for text in token_texts() {
            let bytes = text.as_bytes();
            for p in (0..bytes.len()).filter(|&p| bytes[p].is_ascii_digit()) {
                for active in [walk.all_rules, walk.all_rules & !1, 1 | 4] {
                    if walk.class[usize::from(bytes[p])] & walk.charsets_of(active) == 0 {
                        continue;
                    }
                    walk.bit_instructions = true;
                    let with = walked(&walk, &text, p, active);
                    walk.bit_instructions = false;
                    let without = walked(&walk, &text, p, active);
                    assert_eq!(with, without, "{text:?} at {p} active {active:b}");
                    compared += 1;
                    regions += with.1.len();
                }
            }
        }
        assert!(
            compared > 20_000 && regions > 5_000,
            "{compared} walks, {regions} regions"
        );
    }

    /// The regions and the token end [`Walk::short_token`] gives, against the byte-by-byte
    /// walk, at every digit of generated texts: hex tokens, digit groups with every walked
    /// separator, letters on either side, tokens of 60–70 bytes (around the mask's width)
    /// and strings that end inside a token. The order of the regions may differ (charset by
    /// charset); what they are may not.
    #[test]
    fn short_tokens_walk_as_the_byte_walk_does() {
        let walk = &Walk::new(RuleSet::builtin().unwrap().rules());
        assert!(
            walk.short_tokens,
            "the built-in rules' tokens are walked by masks"
        );
        let mut starts = vec![(0, Counts::default()); 64];
        let (mut compared, mut regions, mut masked) = (0, 0, 0);
        for text in token_texts() {
            let bytes = text.as_bytes();
            for p in (0..bytes.len()).filter(|&p| bytes[p].is_ascii_digit()) {
                for active in [walk.all_rules, walk.all_rules & !1, 1 | 4] {
                    let charsets = walk.charsets_of(active);
                    if walk.class[usize::from(bytes[p])] & charsets == 0 {
                        continue;
                    }
                    let mut want = Vec::new();
                    let end = walk.walk_token::<true>(
                        bytes,
                        p,
                        active,
                        charsets,
                        &mut starts,
                        |k, rs, re, c| want.push((k, rs, re, c.digits(), c.seps())),
                    );
                    let mut got = Vec::new();
                    let short = walk.short_token(
                        bytes,
                        p,
                        active,
                        charsets,
                        &mut |k, rs, re, c: Counts| got.push((k, rs, re, c.digits(), c.seps())),
                    );
                    compared += 1;
                    let Some(short_end) = short else {
                        assert!(got.is_empty(), "nothing is called before giving up");
                        let mut s = p;
                        while s > 0 && walk.class[usize::from(bytes[s - 1])] & charsets != 0 {
                            s -= 1;
                        }
                        assert!(end - s >= SHORT_TOKEN, "{text:?} at {p}");
                        continue;
                    };
                    masked += 1;
                    assert_eq!(short_end, end, "{text:?} at {p}");
                    want.sort_unstable();
                    got.sort_unstable();
                    assert_eq!(got, want, "{text:?} at {p} active {active:b}");
                    regions += want.len();
                }
            }
        }
        assert!(
            masked > 20_000 && masked < compared,
            "{masked} of {compared}"
        );
        assert!(regions > 5_000, "regions compared: {regions}");
    }
}
