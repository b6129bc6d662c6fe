#!/usr/bin/env bash
# Instructions per byte scanned, counted by callgrind: a measure of hot-path work that, unlike
# wall time, does not move with other tenants of a shared machine.
#
#   bash benches/instructions.sh [BINARY...]
#
# Writes 2 MiB and 8 MiB of the benchmark corpus (examples/gen_corpus.rs) to target/bench-corpus/,
# counts the instructions of `BINARY scan --threads 1 FILE --format jsonl -o /dev/null` on each,
# and prints (count(8 MiB) - count(2 MiB)) / (bytes(8 MiB) - bytes(2 MiB)): start-up (compiling
# the rules, loading the phone metadata) cancels out. What is built lazily on first use falls
# between the two sizes and is counted: a rule's DFA (after 4096 searches) and a phone region's
# patterns add about 2 instructions per byte at these sizes (SMALL_MIB=8 LARGE_MIB=32 leaves
# them out, and takes four times as long). It also prints the start-up: the instructions of a
# scan of a one-record file. With no argument it measures target/release/piiscan; give several
# binaries (say, one built from an older commit) to compare them in one run. INPUT_FORMAT=text
# passes `--input-format text`: the same lines read as plain text (a prompt log). Needs
# valgrind (`apt-get install valgrind`).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null; then
  echo "valgrind is needed: apt-get install valgrind" >&2
  exit 1
fi
cargo build --release --quiet --bin piiscan
source benches/corpus.sh
input_format_args
small=$(corpus "${SMALL_MIB:-2}")
large=$(corpus "${LARGE_MIB:-8}")
one=target/bench-corpus/one-record.jsonl
head -n 1 "$small" >"$one"

# The scan exits 1 (findings), so its status is not checked; a missing count is.
count() {
  local n
  n=$({ valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" scan -q --threads 1 "$2" \
    "${as[@]}" --format jsonl -o /dev/null 2>&1 || true; } | awk '/Collected/ {print $4}')
  [[ -n $n ]] || { echo "callgrind gave no count for $1 on $2" >&2; exit 1; }
  echo "$n"
}

bins=("$@")
[[ ${#bins[@]} -gt 0 ]] || bins=(target/release/piiscan)
bytes=$(($(stat -c %s "$large") - $(stat -c %s "$small")))
for bin in "${bins[@]}"; do
  a=$(count "$bin" "$small")
  b=$(count "$bin" "$large")
  c=$(count "$bin" "$one")
  awk -v a="$a" -v b="$b" -v c="$c" -v n="$bytes" -v bin="$bin" 'BEGIN {
    printf "%-40s %6.1f instructions per byte scanned, start-up %6.1f million\n", bin, (b - a) / n, c / 1e6 }'
done
