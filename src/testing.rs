//! Helpers shared by the unit tests of several modules.

/// A xorshift generator: the same generated inputs on every run.
pub fn xorshift(mut x: u64) -> impl FnMut() -> usize {
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as usize
    }
}
