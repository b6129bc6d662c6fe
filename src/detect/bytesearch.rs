//! Byte-class search for the hot loops: the detector's anchor bytes (digits; `@` through
//! `memchr`) and the JSON reader's string delimiters. Byte classes are searched a word
//! (SWAR) at a time: eight bytes are tested with a few integer operations instead of one table
//! lookup and branch per byte; safe, portable code that the compiler keeps in registers.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` that equals `b`.
#[inline(always)]
fn eq(x: u64, b: u8) -> u64 {
    let y = x ^ (LO * u64::from(b));
    !(((y & !HI).wrapping_add(!HI)) | y | !HI)
}

/// The high bit of each byte of `x` that is below `n` (`n` ≤ 128).
#[inline(always)]
fn below(x: u64, n: u8) -> u64 {
    !(((x & !HI).wrapping_add(LO * u64::from(0x80 - n))) | x) & HI
}

/// A set of bytes, searched with `memchr` when it is one to three bytes, a word (eight bytes)
/// at a time when it is a few ASCII ranges, byte by byte otherwise.
#[derive(Debug, Clone)]
pub struct ByteSet {
    table: [bool; 256],
    how: How,
    /// For up to four ASCII ranges: each range's first byte and length, padded with empty
    /// ranges (see [`ByteSet::any_in`]).
    blocks: Option<([u8; 4], [u8; 4])>,
}

#[derive(Debug, Clone)]
enum How {
    One(u8),
    Two(u8, u8),
    Three(u8, u8, u8),
    /// One inclusive ASCII range (the digits), the common case, unrolled.
    Range(u8, u8),
    /// Up to four inclusive ASCII ranges.
    Ranges(Vec<(u8, u8)>),
    Table,
}

impl ByteSet {
    pub fn new(table: [bool; 256]) -> Self {
        let mut ranges: Vec<(u8, u8)> = Vec::new();
        for b in 0..=255u8 {
            if !table[usize::from(b)] {
                continue;
            }
            match ranges.last_mut() {
                Some(r) if usize::from(r.1) + 1 == usize::from(b) => r.1 = b,
                _ => ranges.push((b, b)),
            }
        }
        let members: Vec<u8> = (0..=255u8).filter(|&b| table[usize::from(b)]).collect();
        let how = match (members.as_slice(), ranges.as_slice()) {
            (&[a], _) => How::One(a),
            (&[a, b], _) => How::Two(a, b),
            (&[a, b, c], _) => How::Three(a, b, c),
            (_, &[(lo, hi)]) if hi < 0x80 => How::Range(lo, hi),
            (_, r) if !r.is_empty() && r.len() <= 4 && r.iter().all(|r| r.1 < 0x80) => {
                How::Ranges(ranges.clone())
            }
            _ => How::Table,
        };
        let blocks = match &how {
            How::Range(..) | How::Ranges(..) => {
                let (mut lo, mut len) = ([0u8; 4], [0u8; 4]);
                for (k, &(a, b)) in ranges.iter().enumerate() {
                    lo[k] = a;
                    len[k] = b - a + 1;
                }
                Some((lo, len))
            }
            _ => None,
        };
        ByteSet { table, how, blocks }
    }

    pub fn contains(&self, b: u8) -> bool {
        self.table[usize::from(b)]
    }

    /// Whether any byte of `hay` is in the set. For ranges, [`BLOCK`] bytes a step: an OR
    /// over a fixed-size block of range compares, which the compiler turns into vector code
    /// (SSE2 on any x86-64), with no position to work out.
    pub fn any_in(&self, hay: &[u8]) -> bool {
        let Some((lo, len)) = self.blocks else {
            return self.find(hay, 0).is_some();
        };
        // As many compares per byte as there are ranges (the padding ones are empty).
        match len.iter().filter(|&&n| n > 0).count() {
            1 => any_in_ranges::<1>(hay, lo, len),
            2 => any_in_ranges::<2>(hay, lo, len),
            3 => any_in_ranges::<3>(hay, lo, len),
            _ => any_in_ranges::<4>(hay, lo, len),
        }
    }

    /// The first position at or after `from` whose byte is in the set.
    #[inline]
    pub fn find(&self, hay: &[u8], from: usize) -> Option<usize> {
        let rest = hay.get(from..)?;
        let found = match self.how {
            How::One(a) => memchr::memchr(a, rest),
            How::Two(a, b) => memchr::memchr2(a, b, rest),
            How::Three(a, b, c) => memchr::memchr3(a, b, c, rest),
            How::Range(lo, hi) => find_words(rest, |x| in_range(x, lo, hi)),
            How::Ranges(ref ranges) => find_words(rest, |x| {
                ranges
                    .iter()
                    .fold(0, |m, &(lo, hi)| m | in_range(x, lo, hi))
            }),
            How::Table => rest.iter().position(|&b| self.contains(b)),
        };
        found.map(|k| from + k)
    }
}

/// Bytes a step of [`ByteSet::any_in`].
const BLOCK: usize = 32;

/// Whether a byte of `hay` is in one of the first `N` ranges (first byte, length).
#[inline(always)]
fn any_in_ranges<const N: usize>(hay: &[u8], lo: [u8; 4], len: [u8; 4]) -> bool {
    let hit = |c: u8| (0..N).fold(false, |acc, k| acc | (c.wrapping_sub(lo[k]) < len[k]));
    let mut blocks = hay.chunks_exact(BLOCK);
    for block in &mut blocks {
        if block.iter().fold(false, |acc, &c| acc | hit(c)) {
            return true;
        }
    }
    blocks.remainder().iter().any(|&c| hit(c))
}

/// The high bit of each byte of `x` in `lo..=hi` (`hi` < 128).
#[inline(always)]
fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    below(x, hi + 1) & !below(x, lo) & HI
}

/// The first byte of `hay` whose high bit `mask` sets (`mask` tells the bytes of a word),
/// sixteen bytes a step, then one word, then the last bytes as one zero-padded word.
#[inline(always)]
fn find_words(hay: &[u8], mask: impl Fn(u64) -> u64) -> Option<usize> {
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&hay[i..i + 8]);
        u64::from_le_bytes(w)
    };
    let mut i = 0;
    while i + 16 <= hay.len() {
        let (a, b) = (mask(word(i)), mask(word(i + 8)));
        if a | b != 0 {
            return Some(if a != 0 {
                i + (a.trailing_zeros() / 8) as usize
            } else {
                i + 8 + (b.trailing_zeros() / 8) as usize
            });
        }
        i += 16;
    }
    while i + 8 <= hay.len() {
        let m = mask(word(i));
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    let mut last = [0u8; 8];
    last[..hay.len() - i].copy_from_slice(&hay[i..]);
    // Bytes past the end read as zero: keep only the real ones.
    let real = if hay.len() - i == 0 {
        0
    } else {
        u64::MAX >> (64 - 8 * (hay.len() - i))
    };
    let m = mask(u64::from_le_bytes(last)) & real;
    (m != 0).then(|| i + (m.trailing_zeros() / 8) as usize)
}

/// Whether `hay` holds a control byte (below 0x20): the range `0x00..0x20`, searched as
/// [`ByteSet::any_in`] searches ranges.
pub fn has_control(hay: &[u8]) -> bool {
    any_in_ranges::<1>(hay, [0; 4], [0x20, 0, 0, 0])
}

/// The first position at or after `from` holding `"`, `\` or a control byte (below 0x20):
/// where a JSON string ends, escapes or is malformed. `controls`: whether `hay` may hold a
/// control byte at all (see [`has_control`]); without any, two bytes are searched with
/// `memchr2` (SIMD) instead of three classes a word at a time.
#[inline]
pub fn find_string_special(hay: &[u8], from: usize, controls: bool) -> Option<usize> {
    if !controls {
        return memchr::memchr2(b'"', b'\\', hay.get(from..)?).map(|k| from + k);
    }
    let mut i = from;
    while i + 8 <= hay.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&hay[i..i + 8]);
        let x = u64::from_le_bytes(w);
        let m = eq(x, b'"') | eq(x, b'\\') | below(x, 0x20);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    hay.get(i..)?
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|k| i + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(f: impl Fn(u8) -> bool) -> ByteSet {
        let mut t = [false; 256];
        for b in 0..=255u8 {
            t[usize::from(b)] = f(b);
        }
        ByteSet::new(t)
    }

    /// Every byte value at every offset of a word, against the byte-by-byte answer.
    #[test]
    fn word_search_agrees_with_the_table() {
        let sets = [
            set(|b| b.is_ascii_digit() || b == b'@'),
            set(|b| b == 0x7F || b == 0),
            set(|b| b.is_ascii_uppercase() || b == b'_' || b == b':'),
            set(|b| b >= 0xC0),
            set(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
            set(|_| false),
            set(|b| b.is_ascii_digit()),
            set(|b| b <= 3),
            set(|b| b == b'@'),
            set(|b| b == b'@' || b == b':' || b == 0xFF),
        ];
        assert!(matches!(sets[6].how, How::Range(b'0', b'9')));
        assert!(matches!(sets[8].how, How::One(b'@')));
        assert!(matches!(sets[9].how, How::Three(..)));
        for s in &sets {
            for b in 0..=255u8 {
                for at in 0..32 {
                    let mut hay = vec![b'x'; 32];
                    if s.contains(b'x') {
                        hay = vec![0x80; 32];
                    }
                    hay[at] = b;
                    // Every length, so that the hit falls in each part of the search (the
                    // sixteen-byte steps, the word step, the padded last word) or past the end.
                    for len in 0..hay.len() {
                        let want = hay[..len].iter().position(|&c| s.contains(c));
                        assert_eq!(s.find(&hay[..len], 0), want, "byte {b} at {at} of {len}");
                    }
                    let want = hay.iter().position(|&c| s.contains(c));
                    assert_eq!(s.find(&hay, 0), want, "byte {b} at {at}");
                    let want_from = (3..hay.len()).find(|&i| s.contains(hay[i]));
                    assert_eq!(s.find(&hay, 3), want_from, "byte {b} at {at} from 3");
                }
            }
        }
        assert_eq!(sets[0].find(b"ab", 5), None);
    }

    /// `any_in` says what the table says, for every byte at every offset of two blocks and a
    /// remainder, with one to four ranges and the other kinds of set.
    #[test]
    fn any_in_agrees_with_the_table() {
        let sets = [
            set(|b| b.is_ascii_digit()),
            set(|b| b.is_ascii_digit() || b == b'@'),
            set(|b| b.is_ascii_uppercase() || b == b'_' || b == b':'),
            set(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
            set(|b| b < 0x80),
            set(|b| b == b'@'),
            set(|b| b >= 0xC0),
            set(|_| false),
        ];
        assert!(matches!(&sets[3].how, How::Ranges(r) if r.len() == 4));
        assert!(matches!(sets[4].how, How::Range(0, 0x7F)));
        for s in &sets {
            for b in 0..=255u8 {
                for at in 0..80 {
                    let filler = if s.contains(b'x') { 0x80 } else { b'x' };
                    let mut hay = [filler; 80];
                    hay[at] = b;
                    for len in [0, at, at + 1, 80] {
                        let want = hay[..len].iter().any(|&c| s.contains(c));
                        assert_eq!(s.any_in(&hay[..len]), want, "byte {b} at {at} of {len}");
                    }
                }
            }
        }
    }

    #[test]
    fn string_specials_at_every_offset() {
        for b in 0..=255u8 {
            for at in 0..20 {
                let mut hay = vec![b'a'; 20];
                hay[at] = b;
                let want = hay
                    .iter()
                    .position(|&c| c == b'"' || c == b'\\' || c < 0x20);
                assert_eq!(find_string_special(&hay, 0, true), want, "byte {b} at {at}");
                assert_eq!(has_control(&hay), b < 0x20, "byte {b} at {at}");
                if b >= 0x20 {
                    assert_eq!(
                        find_string_special(&hay, 0, false),
                        want,
                        "byte {b} at {at}"
                    );
                    assert_eq!(
                        find_string_special(&hay, at, false),
                        want,
                        "byte {b} from {at}"
                    );
                }
            }
        }
    }
}
