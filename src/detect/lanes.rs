//! Byte classes as bit masks, for walks that find runs of bytes with bit operations instead of
//! a step per byte: sixteen bytes, each a set of up to eight one-bit classes, become eight
//! 16-bit masks (bit `i` of mask `k`: byte `i` is in class `k`). On x86-64 this is two SSE2
//! instructions per class (SSE2 is part of every x86-64 CPU); elsewhere a multiplication
//! gathers each class's bits eight bytes at a time.

/// Bit `i` of mask `k` is bit `k` of byte `i` of `block`, two words of eight bytes each
/// (little-endian: byte 0 is the low byte of the first word). Words, not a byte array, so
/// that a caller can build them in registers: bytes stored one by one and loaded as a word
/// would wait for the stores.
#[inline(always)]
pub fn transpose(block: [u64; 2]) -> [u16; 8] {
    imp::transpose(block)
}

#[cfg(not(target_arch = "x86_64"))]
use portable as imp;

#[cfg(target_arch = "x86_64")]
mod imp {
    use std::arch::x86_64::{__m128i, _mm_movemask_epi8, _mm_set_epi64x, _mm_slli_epi16};

    /// A 16-bit shift moves bit `k` of every byte to its top bit (bits of the low byte of a
    /// pair move into the high byte's low bits, never its top), and `movemask` collects the
    /// top bits.
    #[inline(always)]
    pub fn transpose([lo, hi]: [u64; 2]) -> [u16; 8] {
        // SAFETY: these intrinsics need SSE2 and take no pointers; every x86-64 CPU has
        // SSE2 (the target enables it), so they are sound to call.
        unsafe {
            let v = _mm_set_epi64x(hi as i64, lo as i64);
            let top = |v: __m128i| _mm_movemask_epi8(v) as u16;
            [
                top(_mm_slli_epi16::<7>(v)),
                top(_mm_slli_epi16::<6>(v)),
                top(_mm_slli_epi16::<5>(v)),
                top(_mm_slli_epi16::<4>(v)),
                top(_mm_slli_epi16::<3>(v)),
                top(_mm_slli_epi16::<2>(v)),
                top(_mm_slli_epi16::<1>(v)),
                top(v),
            ]
        }
    }
}

/// The portable version (tested on every target).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
mod portable {
    const LO: u64 = 0x0101_0101_0101_0101;
    /// Multiplying bytes that are each 0 or 1 by this sums byte `i` into bit `56 + i`.
    const GATHER: u64 = 0x0102_0408_1020_4080;

    #[inline(always)]
    pub fn transpose([lo, hi]: [u64; 2]) -> [u16; 8] {
        let gather = |x: u64, k: u32| ((x >> k) & LO).wrapping_mul(GATHER) >> 56;
        std::array::from_fn(|k| {
            let k = k as u32;
            (gather(lo, k) | gather(hi, k) << 8) as u16
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(block: [u8; 16]) -> [u64; 2] {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&block[i..i + 8]);
            u64::from_le_bytes(w)
        };
        [word(0), word(8)]
    }

    fn by_hand(block: [u8; 16]) -> [u16; 8] {
        std::array::from_fn(|k| (0..16).fold(0u16, |m, i| m | u16::from(block[i] >> k & 1) << i))
    }

    #[test]
    fn bit_i_of_mask_k_is_bit_k_of_byte_i() {
        // Every byte value in every position, and blocks of pseudo-random bytes.
        for b in 0..=255u8 {
            for i in 0..16 {
                let mut block = [0u8; 16];
                block[i] = b;
                assert_eq!(
                    transpose(words(block)),
                    by_hand(block),
                    "byte {b:#x} at {i}"
                );
                assert_eq!(portable::transpose(words(block)), by_hand(block));
            }
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..10_000 {
            let block = std::array::from_fn(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            });
            assert_eq!(transpose(words(block)), by_hand(block), "{block:?}");
            assert_eq!(portable::transpose(words(block)), by_hand(block));
        }
    }
}
