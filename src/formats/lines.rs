//! Newline-aligned chunks of a file, so one large file is scanned by every core, and iteration
//! over the lines of a chunk.

/// The byte range of chunk `index` of `count` nominal chunks of `data`: a chunk owns every line
/// that starts inside its nominal range, so chunks tile the file exactly.
pub fn chunk_range(data: &[u8], index: usize, count: usize) -> std::ops::Range<usize> {
    let nominal = |i: usize| -> usize {
        if i >= count {
            data.len()
        } else {
            ((data.len() as u128 * i as u128) / count as u128) as usize
        }
    };
    let align = |pos: usize| -> usize {
        if pos == 0 || pos >= data.len() {
            return pos.min(data.len());
        }
        // The first line that starts at or after `pos`.
        match memchr::memchr(b'\n', &data[pos - 1..]) {
            Some(k) => pos + k,
            None => data.len(),
        }
    };
    align(nominal(index))..align(nominal(index + 1))
}

/// Lines of `data` as (offset, bytes without `\n` and a trailing `\r`).
pub fn lines(data: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= data.len() {
            return None;
        }
        let start = pos;
        let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |k| pos + k);
        pos = end + 1;
        let mut line = &data[start..end];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        Some((start, line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_tile_the_file_on_line_starts() {
        let data = b"aaa\nbb\n\ncccc\nd\neeeeeeee\nf";
        for count in 1..=12 {
            let mut next = 0;
            let mut all = Vec::new();
            for i in 0..count {
                let r = chunk_range(data, i, count);
                assert_eq!(r.start, next, "count {count} chunk {i}");
                assert!(r.start == 0 || r.start == r.end || data[r.start - 1] == b'\n');
                next = r.end;
                all.extend(lines(&data[r]).map(|(_, l)| l.to_vec()));
            }
            assert_eq!(next, data.len());
            let whole: Vec<Vec<u8>> = lines(data).map(|(_, l)| l.to_vec()).collect();
            assert_eq!(all, whole, "count {count}");
        }
    }

    #[test]
    fn lines_strip_crlf_and_keep_a_last_line_without_newline() {
        let got: Vec<(usize, &[u8])> = lines(b"a\r\nb\n\nc").collect();
        assert_eq!(
            got,
            vec![
                (0, &b"a"[..]),
                (3, &b"b"[..]),
                (5, &b""[..]),
                (6, &b"c"[..])
            ]
        );
        assert_eq!(lines(b"").count(), 0);
    }
}
