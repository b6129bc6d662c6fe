//! Word-at-a-time (SWAR) byte-class search for the hot loops: the detector's anchor bytes
//! (digits, `@`) and the JSON reader's string delimiters. Eight bytes are tested with a few
//! integer operations instead of one table lookup and branch per byte; safe, portable code
//! that the compiler keeps in registers.

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

/// A set of bytes, searched eight at a time when it is a few ASCII ranges.
#[derive(Debug, Clone)]
pub struct ByteSet {
    table: [bool; 256],
    /// Up to four inclusive ASCII ranges making up the whole set; empty when the set has
    /// non-ASCII bytes or more ranges (then the search goes byte by byte).
    ranges: Vec<(u8, u8)>,
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
        if ranges.len() > 4 || ranges.iter().any(|r| r.1 >= 0x80) {
            ranges.clear();
        }
        ByteSet { table, ranges }
    }

    pub fn contains(&self, b: u8) -> bool {
        self.table[usize::from(b)]
    }

    /// The high bit of each byte of `x` in the set (only when `ranges` is not empty).
    #[inline(always)]
    fn mask(&self, x: u64) -> u64 {
        let mut m = 0;
        for &(lo, hi) in &self.ranges {
            m |= below(x, hi + 1) & !below(x, lo);
        }
        m & HI
    }

    /// The first position at or after `from` whose byte is in the set.
    #[inline]
    pub fn find(&self, hay: &[u8], from: usize) -> Option<usize> {
        let mut i = from;
        if !self.ranges.is_empty() {
            while i + 8 <= hay.len() {
                let mut w = [0u8; 8];
                w.copy_from_slice(&hay[i..i + 8]);
                let m = self.mask(u64::from_le_bytes(w));
                if m != 0 {
                    return Some(i + (m.trailing_zeros() / 8) as usize);
                }
                i += 8;
            }
        }
        hay.get(i..)?
            .iter()
            .position(|&b| self.contains(b))
            .map(|k| i + k)
    }
}

/// The first position at or after `from` holding `"`, `\` or a control byte (below 0x20):
/// where a JSON string ends, escapes or is malformed.
#[inline]
pub fn find_string_special(hay: &[u8], from: usize) -> Option<usize> {
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
        ];
        for s in &sets {
            for b in 0..=255u8 {
                for at in 0..20 {
                    let mut hay = vec![b'x'; 20];
                    if s.contains(b'x') {
                        hay = vec![0x80; 20];
                    }
                    hay[at] = b;
                    let want = hay.iter().position(|&c| s.contains(c));
                    assert_eq!(s.find(&hay, 0), want, "byte {b} at {at}");
                    let want_from = (3..hay.len()).find(|&i| s.contains(hay[i]));
                    assert_eq!(s.find(&hay, 3), want_from, "byte {b} at {at} from 3");
                }
            }
        }
        assert_eq!(sets[0].find(b"ab", 5), None);
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
                assert_eq!(find_string_special(&hay, 0), want, "byte {b} at {at}");
            }
        }
    }
}
