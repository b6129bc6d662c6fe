//! Region screening: what a byte is (an ASCII digit, a separator, a word byte), the digits
//! and separators of a byte range ([`Counts`]), and what a region must have before any regex
//! runs on it ([`Limits`]: length, digits, separators, not glued to a word). Shared by the
//! token walk ([`super::walk`]) and the engine's own region expansion.

use crate::rules::{Boundary, Rule};

/// An ASCII letter or digit, or `_`.
#[inline(always)]
pub(crate) fn is_word(b: u8) -> bool {
    BYTE_KIND[usize::from(b)] & 2 == 0 || b == b'_'
}

/// The most bytes [`Counts`] counts exactly (the walk cuts tokens to this length).
pub(super) const MAX_TOKEN: usize = u32::MAX as usize;

/// Per byte: what it adds to [`Counts`]: 1 for an ASCII digit, 1 << 32 for a separator.
pub(super) static COUNTED: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match BYTE_KIND[b] {
            1 => 1,
            2 => 1 << 32,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// Per byte: 1 for an ASCII digit, 2 for a separator, 0 for a letter.
static BYTE_KIND: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_digit() {
            1
        } else if c.is_ascii_alphabetic() {
            0
        } else {
            2
        };
        b += 1;
    }
    t
};

/// ASCII digits and separators (bytes other than ASCII letters and digits) in a byte range:
/// digits in the low 32 bits, separators in the high 32, so that counting a byte is one table
/// lookup and one addition, and a range's counts are one subtraction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Counts {
    packed: u64,
}

impl Counts {
    /// The counts of a range with `digits` digits and `seps` separators.
    #[inline(always)]
    pub(super) fn new(digits: u32, seps: u32) -> Self {
        Counts {
            packed: u64::from(digits) | u64::from(seps) << 32,
        }
    }

    /// The counts of `bytes`, where [`Limits::counts_taken`] for the rule. More bytes than
    /// 32 bits count (a hostile input) count as `u32::MAX` of each: enough for any rule.
    pub(super) fn of(rule: &Rule, bytes: &[u8]) -> Self {
        let mut c = Counts::default();
        if bytes.len() > MAX_TOKEN {
            c.packed = u64::MAX;
        } else if Limits::of(rule).counts_taken() {
            for &b in bytes {
                c.add(b);
            }
        }
        c
    }

    #[inline(always)]
    pub(super) fn add(&mut self, b: u8) {
        self.packed += COUNTED[usize::from(b)];
    }

    #[inline(always)]
    pub(super) fn digits(self) -> usize {
        (self.packed & u64::from(u32::MAX)) as usize
    }

    #[inline(always)]
    pub(super) fn seps(self) -> usize {
        (self.packed >> 32) as usize
    }

    /// The counts of the bytes after those counted in `before`.
    #[inline(always)]
    pub(super) fn since(self, before: Counts) -> Counts {
        Counts {
            packed: self.packed - before.packed,
        }
    }

    pub(super) fn remove(&mut self, rule: &Rule, bytes: &[u8]) {
        *self = self.since(Counts::of(rule, bytes));
    }

    pub(super) fn fit(&self, rule: &Rule) -> bool {
        Limits::of(rule).fit(*self)
    }
}

/// What a region must have to hold a match of a rule, copied out of the rule for the loop
/// that visits anchors.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub(super) min_len: usize,
    min_digits: usize,
    min_seps: usize,
    boundary: Boundary,
}

impl Limits {
    /// No limits at all.
    pub(super) const NONE: Limits = Limits {
        min_len: 0,
        min_digits: 0,
        min_seps: 0,
        boundary: Boundary::Alnum,
    };

    #[inline(always)]
    pub(super) fn of(rule: &Rule) -> Self {
        Limits {
            min_len: rule.min_len,
            min_digits: rule.min_digits,
            min_seps: rule.min_seps,
            boundary: rule.boundary,
        }
    }

    /// Limits that both `self` and `other` meet (the lesser of each).
    pub(super) fn least(self, other: Limits) -> Limits {
        Limits {
            min_len: self.min_len.min(other.min_len),
            min_digits: self.min_digits.min(other.min_digits),
            min_seps: self.min_seps.min(other.min_seps),
            // The boundary that rules out fewer regions: a word byte next to one rules it out
            // for both only where both say so; otherwise only a letter or digit does.
            boundary: match (self.boundary, other.boundary) {
                (Boundary::Word, Boundary::Word) => Boundary::Word,
                (Boundary::Alnum, _) | (_, Boundary::Alnum) => Boundary::Alnum,
            },
        }
    }

    /// Whether counts are taken for the rule: not for one that needs neither digits nor
    /// separators (its counts stay zero and say nothing).
    #[inline(always)]
    pub(super) fn counts_taken(&self) -> bool {
        self.min_digits > 0 || self.min_seps > 0
    }

    /// Whether `counts` has the digits and separators a match needs.
    #[inline(always)]
    pub(super) fn fit(&self, counts: Counts) -> bool {
        counts.digits() >= self.min_digits && counts.seps() >= self.min_seps
    }

    /// Whether `bytes[rs..re]`, a region with `counts` (where taken), can hold a match that
    /// passes the boundary check (its length, digits and separators, and for a region without
    /// separators not being glued to a word): no regex call otherwise.
    #[inline(always)]
    pub(super) fn could_hold_match(
        &self,
        bytes: &[u8],
        rs: usize,
        re: usize,
        counts: Option<Counts>,
    ) -> bool {
        if re - rs < self.min_len {
            return false;
        }
        // Known only where the counts were taken.
        let Some(counts) = counts.filter(|_| self.counts_taken()) else {
            return true;
        };
        self.fit(counts) && !(counts.seps() == 0 && glued_at(self.boundary, bytes, rs, re))
    }
}

/// Whether a charset holds lowercase prose letters (`g`–`z`, beyond the hex digits), so its
/// regions can be words (and with a space, sentences).
pub(super) fn prose_wide(cs: &[bool; 256]) -> bool {
    (b'g'..=b'z').any(|b| cs[usize::from(b)])
}

/// Whether `bytes[s..e]` touches a byte that `boundary` forbids next to a match.
#[inline(always)]
pub(super) fn glued_at(boundary: Boundary, bytes: &[u8], s: usize, e: usize) -> bool {
    let blocks = |b: u8| match boundary {
        Boundary::Word => is_word(b),
        Boundary::Alnum => b.is_ascii_alphanumeric(),
    };
    (s > 0 && blocks(bytes[s - 1])) || (e < bytes.len() && blocks(bytes[e]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counting table says what the byte tests say, for every byte.
    #[test]
    fn byte_kinds_are_digits_and_separators() {
        for b in 0..=255u8 {
            let mut c = Counts::default();
            c.add(b);
            assert_eq!(c.digits(), usize::from(b.is_ascii_digit()), "{b:#04x}");
            assert_eq!(
                c.seps(),
                usize::from(!b.is_ascii_alphanumeric()),
                "{b:#04x}"
            );
            assert_eq!(
                is_word(b),
                b.is_ascii_alphanumeric() || b == b'_',
                "{b:#04x}"
            );
        }
    }
}
