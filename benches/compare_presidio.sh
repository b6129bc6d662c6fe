#!/usr/bin/env bash
# Compare Microsoft Presidio's default recognizers with piiscan on the labelled corpora.
#
#   benches/compare_presidio.sh            (run from the repository root)
#
# Environment:
#   PIISCAN   piiscan binary            (default ./target/release/piiscan; build it first)
#   VENV      venv for presidio         (default /tmp/presidio-venv; created and filled by pip)
#   OUT       findings / work directory (default /tmp/piiscan-vs-presidio)
#
# Corpora: (a) the shared synthetic corpus ../shared/eval/data (scored with
# --ignore-placeholders, as in the README; skipped when ../shared/eval is missing) and (b) the
# project's own labelled records fixtures/labeled/records.jsonl. Both tools' findings are scored
# by the same scorer, `piiscan eval`, and both read the same files, so throughput is comparable.
#
# What is compared: Presidio runs in a default AnalyzerEngine (default recognizer registry,
# default score threshold 0, default phone regions US, GB, DE, FR, IL, IN, CA, BR), except that
# its NLP engine is a blank English spaCy pipeline (tokenizer only): spaCy models are downloaded
# from GitHub, which this setup cannot reach. So the NER-based recognizers (PERSON, LOCATION,
# DATE_TIME, NRP, ...) are NOT part of the comparison; only the kinds both tools detect with
# patterns are: EMAIL_ADDRESS->EMAIL, PHONE_NUMBER->PHONE, IP_ADDRESS->IP, CREDIT_CARD->CARD,
# IBAN_CODE->IBAN, US_SSN->SSN, UK_NINO->NINO. Presidio 2.2 has a UK_NINO recognizer but it is
# disabled in its default registry, so it yields nothing here. Presidio's other entity types are
# dropped. The own set also labels ADDRESS, DOB and NINO, for which Presidio (as run here) has no
# recognizer: they count as its false negatives in its "micro" row, so compare per type.
#
# Throughput: input bytes / wall time. piiscan is timed as a whole process (start-up included;
# its start-up alone is printed too), once with its default threads (one per core) and once
# with -j 1; Presidio runs single-threaded, timed around reading + analysis inside Python (its
# interpreter start and engine loading are excluded; the loading time is printed).
set -euo pipefail

PIISCAN=${PIISCAN:-./target/release/piiscan}
VENV=${VENV:-/tmp/presidio-venv}
OUT=${OUT:-/tmp/piiscan-vs-presidio}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

[[ -x $PIISCAN ]] || { echo "no piiscan binary at $PIISCAN (cargo build --release)" >&2; exit 2; }
mkdir -p "$OUT"

# --- Presidio in a venv (pattern recognizers only need presidio-analyzer itself) -----------------
if [[ ! -x $VENV/bin/python ]]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import presidio_analyzer, pyarrow' 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet presidio-analyzer pyarrow
fi
echo "presidio-analyzer $("$VENV/bin/python" -c \
    'from importlib.metadata import version; print(version("presidio-analyzer"))'), piiscan: $PIISCAN"

# --- Corpora: name, label file, extra eval flags, input files ------------------------------------
declare -a NAMES=() LABELS=() FLAGS=() INPUTS=()
SHARED=../shared/eval/data
if [[ -d $SHARED ]]; then
    NAMES+=(shared)
    LABELS+=("$SHARED/labels.jsonl")
    FLAGS+=(--ignore-placeholders)
    INPUTS+=("$(printf '%s ' "$SHARED"/{app.log,chat.jsonl,chat.parquet,flat.parquet,prompts.jsonl})")
else
    echo "(../shared/eval is missing: scoring only the own labelled set)"
fi
NAMES+=(own)
LABELS+=(fixtures/labeled/labels.jsonl)
FLAGS+=("")
INPUTS+=(fixtures/labeled/records.jsonl)

# piiscan scan exits 1 when it finds something: only 2 and above are errors.
scan() { "$PIISCAN" scan "$@" || [[ $? == 1 ]]; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# mb_per_s BYTES SECONDS
mb_per_s() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.2f MB in %.3f s = %.2f MB/s", b/1e6, s, b/1e6/s }'; }

# The corpora are small (about 1 MB and 10 KB), so piiscan's process start is a visible part of
# its time: measure it once on an empty file.
t0=$(now)
scan -q fixtures/empty.jsonl --format jsonl -o "$OUT/empty.jsonl"
echo "piiscan process start + exit (empty input): $(elapsed "$t0") s"

for i in "${!NAMES[@]}"; do
    name=${NAMES[$i]} labels=${LABELS[$i]} flags=${FLAGS[$i]}
    read -r -a files <<<"${INPUTS[$i]}"
    bytes=$(cat "${files[@]}" | wc -c)
    echo
    echo "================ corpus: $name (${files[*]}) ================"

    for threads in 0 1; do
        t0=$(now)
        scan -q -j "$threads" "${files[@]}" --format jsonl --show-values -o "$OUT/piiscan-$name.jsonl"
        secs=$(elapsed "$t0")
        label=$([[ $threads == 0 ]] && echo "default threads" || echo "-j 1")
        echo "piiscan ($label): $(mb_per_s "$bytes" "$secs")"
    done
    "$VENV/bin/python" "$HERE/presidio_findings.py" "${files[@]}" -o "$OUT/presidio-$name.jsonl"

    # shellcheck disable=SC2086  # $flags is empty or one flag
    for tool in piiscan presidio; do
        echo
        echo "--- $tool on $name ---"
        "$PIISCAN" eval "$OUT/$tool-$name.jsonl" --labels "$labels" $flags
    done
done
echo
echo "findings files: $OUT/{piiscan,presidio}-{$(IFS=,; echo "${NAMES[*]}")}.jsonl"
