# Sourced by the benchmark scripts: `corpus MIB` prints the path of MIB MiB of the benchmark
# corpus (examples/gen_corpus.rs, the generator the Rust benchmarks share), writing it to
# target/bench-corpus/ first if it is not there (the generator is deterministic, so a file
# written earlier is the same corpus).
corpus() {
  local file=target/bench-corpus/chat-$1MiB.jsonl
  if [[ ! -s $file ]]; then
    cargo build --release --quiet --example gen_corpus
    mkdir -p target/bench-corpus
    echo "generating $file ..." >&2
    target/release/examples/gen_corpus "$1" "$file" >/dev/null
  fi
  echo "$file"
}
