# Sourced by the benchmark scripts: `corpus MIB` prints the path of MIB MiB of the benchmark
# corpus (examples/gen_corpus.rs, the generator the Rust benchmarks share), writing it to
# target/bench-corpus/ first if it is not there (the generator is deterministic, so a file
# written earlier is the same corpus). CORPUS=dense picks the text dense with personal data
# instead (two PII values a line, a finding every ~23 bytes: the cost per finding).
corpus() {
  local file=target/bench-corpus/chat-$1MiB.jsonl kind=
  case ${CORPUS:-chat} in
    chat) ;;
    dense) file=target/bench-corpus/dense-$1MiB.txt kind=dense ;;
    *) echo "CORPUS is chat or dense" >&2; exit 2 ;;
  esac
  if [[ ! -s $file ]]; then
    cargo build --release --quiet --example gen_corpus
    mkdir -p target/bench-corpus
    echo "generating $file ..." >&2
    target/release/examples/gen_corpus "$1" "$file" $kind >/dev/null
  fi
  echo "$file"
}

# `input_format_args` sets the array `as` to the scan's `--input-format` option from
# INPUT_FORMAT (empty: the format of the file's extension; `jsonl` or `text`: the corpus's
# lines read as that format), and stops the script on any other value.
input_format_args() {
  as=()
  case ${INPUT_FORMAT:-} in
    "") ;;
    jsonl | text) as=(--input-format "$INPUT_FORMAT") ;;
    *) echo "INPUT_FORMAT is jsonl or text (the corpus is JSON Lines)" >&2; exit 2 ;;
  esac
}
