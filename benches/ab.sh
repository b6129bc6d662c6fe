#!/usr/bin/env bash
# Wall-clock A/B of two piiscan binaries on the same corpus, runs interleaved (A B A B …) so
# that a noisy neighbour slows both alike; prints each binary's best time and the ratio.
#
#   bash benches/ab.sh OLD_BINARY NEW_BINARY [SIZE_MIB] [RUNS]
#
# Scans SIZE_MIB (default 128) of the benchmark corpus (examples/gen_corpus.rs) with
# `scan -q --threads 1 FILE --format jsonl -o /dev/null`, RUNS times each (default 5), and
# checks that both binaries report the same number of findings. INPUT_FORMAT=text reads the
# same lines as plain text (`--input-format text`); CORPUS=dense scans text dense with personal
# data instead (benches/corpus.sh). Build the old binary from a
# worktree of the older commit (`git worktree add /tmp/old REV && cargo build --release
# --manifest-path /tmp/old/Cargo.toml`).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: bash benches/ab.sh OLD_BINARY NEW_BINARY [SIZE_MIB] [RUNS]" >&2; exit 2; }
old=$1 new=$2 mib=${3:-128} runs=${4:-5}
source benches/corpus.sh
input_format_args
file=$(corpus "$mib")
bytes=$(stat -c %s "$file")
cat "$file" >/dev/null # page cache

findings() {
  "$1" scan -q --threads 1 "$file" "${as[@]}" --format jsonl -o - 2>/dev/null | wc -l || true
}
fa=$(findings "$old")
fb=$(findings "$new")
[[ $fa == "$fb" ]] || { echo "findings differ: $fa (old) vs $fb (new)" >&2; exit 1; }
[[ $fa -gt 0 ]] || { echo "no findings: did the scan fail?" >&2; exit 1; }

secs() {
  local s e
  s=$(date +%s%N)
  "$1" scan -q --threads 1 "$file" "${as[@]}" --format jsonl -o /dev/null >/dev/null 2>&1 || true
  e=$(date +%s%N)
  echo $(((e - s) / 1000))
}
best_a="" best_b=""
for ((i = 0; i < runs; i++)); do
  a=$(secs "$old")
  b=$(secs "$new")
  [[ -z $best_a || $a -lt $best_a ]] && best_a=$a
  [[ -z $best_b || $b -lt $best_b ]] && best_b=$b
done
awk -v a="$best_a" -v b="$best_b" -v n="$bytes" -v f="$fa" -v r="$runs" \
  -v old="$old" -v new="$new" -v as="${INPUT_FORMAT:-its extension says}" -v file="$file" 'BEGIN {
  printf "%s (%.1f MB) read as %s, %d findings each, best of %d interleaved runs, 1 thread\n", file, n / 1e6, as, f, r
  printf "%-40s %8.3f s %8.1f MB/s\n", old, a / 1e6, n / a
  printf "%-40s %8.3f s %8.1f MB/s\n", new, b / 1e6, n / b
  printf "new vs old: %.2fx\n", a / b
}'
