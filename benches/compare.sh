#!/usr/bin/env bash
# End-to-end throughput of piiscan against ripgrep and `wc -l`, on the same file, in one run.
#
#   bash benches/compare.sh [SIZE_MIB] [THREADS]      # defaults: 1024 MiB, all cores
#
# 1. Builds piiscan and the corpus generator (examples/gen_corpus.rs, the generator the Rust
#    benchmarks use) and writes SIZE_MIB of OpenAI-style chat JSONL, ~1 PII value per 2 KB,
#    to target/bench-corpus/ (reused when it exists: the generator is deterministic).
# 2. Installs ripgrep if `rg` is missing (PyPI's `ripgrep` package in a venv under target/,
#    else `cargo install ripgrep`).
# 3. Reads the file once to put it in the page cache, then times, best of RUNS (default 3):
#      wc -l FILE
#      rg --count-matches with four plain PII regexes (email, phone, IPv4, payment card):
#         no validation, no JSON decoding, one thread (ripgrep searches one file on one thread)
#      piiscan scan --threads 1 FILE --format jsonl -o /dev/null   (all default rules)
#      piiscan scan --threads N FILE --format jsonl -o /dev/null
# 4. Prints seconds, MB/s (10^6 bytes) and each tool's rate relative to ripgrep and to wc -l.
#
# Machines are shared and noisy: the ratios, measured in the same run, are what to compare.
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=${1:-1024}
threads=${2:-$(nproc)}
runs=${RUNS:-3}

cargo build --release --quiet --bin piiscan --example gen_corpus
piiscan=target/release/piiscan

source benches/corpus.sh
file=$(corpus "$size_mib")
bytes=$(stat -c %s "$file")

rg=$(command -v rg || true)
if [[ -z $rg ]]; then
  if [[ ! -x target/bench-venv/bin/rg ]]; then
    echo "installing ripgrep (PyPI) into target/bench-venv ..." >&2
    { python3 -m venv target/bench-venv && target/bench-venv/bin/pip install --quiet ripgrep; } \
      || cargo install --quiet --root target/bench-tools ripgrep
  fi
  for c in target/bench-venv/bin/rg target/bench-tools/bin/rg; do
    [[ -x $c ]] && rg=$c && break
  done
fi
[[ -n $rg ]] || { echo "could not install ripgrep" >&2; exit 1; }

# Four plain PII regexes, as a user would write them for ripgrep.
email='[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}'
phone='\+?[0-9][0-9 ().-]{6,}[0-9]'
ipv4='\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b'
card='\b(?:[0-9][ -]?){13,19}\b'

cat "$file" >/dev/null # page cache

# best_of NAME COMMAND...: runs the command RUNS times and prints the best wall time (s).
best_of() {
  local best="" t0 t1 t
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true # piiscan exits 1 when it finds something
    t1=$(date +%s%N)
    t=$(((t1 - t0) / 1000))
    if [[ -z $best || $t -lt $best ]]; then best=$t; fi
  done
  echo "$best"
}

t_wc=$(best_of wc -l "$file")
t_rg=$(best_of "$rg" --no-config --count-matches -e "$email" -e "$phone" -e "$ipv4" -e "$card" "$file")
t_p1=$(best_of "$piiscan" scan -q --threads 1 "$file" --format jsonl -o /dev/null)
t_pn=$(best_of "$piiscan" scan -q --threads "$threads" "$file" --format jsonl -o /dev/null)

found=$("$piiscan" scan -q --threads "$threads" "$file" --format jsonl -o - 2>/dev/null | wc -l || true)
rg_matches=$("$rg" --no-config --count-matches -e "$email" -e "$phone" -e "$ipv4" -e "$card" "$file" || true)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "file: $file ($((bytes / 1000000)) MB), best of $runs runs; $(nproc) cores: $cpu"
echo "$("$rg" --version | head -1); piiscan findings: $found; ripgrep matches: $rg_matches"
printf '%-44s %9s %10s %9s %9s\n' "" "seconds" "MB/s" "vs rg" "vs wc -l"
row() { # NAME MICROSECONDS
  awk -v n="$1" -v t="$2" -v b="$bytes" -v rg="$t_rg" -v wc="$t_wc" 'BEGIN {
    printf "%-44s %9.3f %10.1f %9.2f %9.3f\n", n, t / 1e6, b / t, rg / t, wc / t }'
}
row "wc -l" "$t_wc"
row "ripgrep, 4 PII regexes" "$t_rg"
row "piiscan scan, 1 thread" "$t_p1"
row "piiscan scan, $threads threads" "$t_pn"
awk -v a="$t_p1" -v b="$t_pn" -v n="$threads" 'BEGIN { printf "piiscan scaling 1 -> %d threads: %.2fx\n", n, a / b }'
