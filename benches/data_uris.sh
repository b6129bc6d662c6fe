#!/usr/bin/env bash
# Vision chat JSONL (every record's user turn holds an image as a 48 KB base64 data URI, as
# OpenAI-style vision fine-tuning files do): piiscan with payloads cut out (the default)
# against the same binary scanning them as text (`--scan-data-uris`, what every release before
# did), runs interleaved, one thread, best of RUNS; and `wc -l` on the same file for scale.
#
#   bash benches/data_uris.sh [SIZE_MIB] [RUNS]        # defaults: 64 MiB, 5 runs
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-64} runs=${2:-5}
cargo build --release --quiet --bin piiscan --example gen_corpus
bin=target/release/piiscan
file=target/bench-corpus/vision-${mib}MiB.jsonl
if [[ ! -s $file ]]; then
  mkdir -p target/bench-corpus
  echo "generating $file ..." >&2
  target/release/examples/gen_corpus "$mib" "$file" images
fi
bytes=$(stat -c %s "$file")
cat "$file" >/dev/null # page cache

findings() {
  "$bin" scan -q --threads 1 "$file" "$@" --format jsonl -o - 2>/dev/null | wc -l || true
}
cut=$(findings)
scanned=$(findings --scan-data-uris)

usecs() {
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s%N)
  echo $(((e - s) / 1000))
}
best_wc="" best_cut="" best_scanned=""
for ((i = 0; i < runs; i++)); do
  w=$(usecs wc -l "$file")
  a=$(usecs "$bin" scan -q --threads 1 "$file" --format jsonl -o /dev/null)
  b=$(usecs "$bin" scan -q --threads 1 "$file" --scan-data-uris --format jsonl -o /dev/null)
  [[ -z $best_wc || $w -lt $best_wc ]] && best_wc=$w
  [[ -z $best_cut || $a -lt $best_cut ]] && best_cut=$a
  [[ -z $best_scanned || $b -lt $best_scanned ]] && best_scanned=$b
done
awk -v n="$bytes" -v w="$best_wc" -v a="$best_cut" -v b="$best_scanned" -v r="$runs" \
  -v fa="$cut" -v fb="$scanned" 'BEGIN {
  printf "%.1f MB of vision chat JSONL, best of %d interleaved runs, 1 thread\n", n / 1e6, r
  printf "%-38s %8.3f s %9.1f MB/s\n", "wc -l", w / 1e6, n / w
  printf "%-38s %8.3f s %9.1f MB/s  %d findings\n", "piiscan scan (payloads cut out)", a / 1e6, n / a, fa
  printf "%-38s %8.3f s %9.1f MB/s  %d findings\n", "piiscan scan --scan-data-uris", b / 1e6, n / b, fb
  printf "cut vs scanned: %.2fx\n", b / a
}'
