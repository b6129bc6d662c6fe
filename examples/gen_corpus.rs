//! Writes the benchmark corpus (see `benches/common/corpus.rs`) of a given size:
//!
//!     cargo run --release --example gen_corpus -- 1024 chat.jsonl      # 1024 MiB of JSONL
//!     cargo run --release --example gen_corpus -- 256 chat.parquet     # Parquet, same records
//!     cargo run --release --example gen_corpus -- 64 vision.jsonl images   # a 48 KB image each
//!     cargo run --release --example gen_corpus -- 16 dense.txt dense   # two PII values a line

#[path = "../benches/common/corpus.rs"]
mod corpus;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mib, path, kind) = match args.as_slice() {
        [mib, path] => (mib, path, ""),
        [mib, path, kind] if kind == "images" || kind == "dense" => (mib, path, kind.as_str()),
        _ => {
            return Err("usage: gen_corpus MIB OUT.jsonl|OUT.parquet|OUT.txt [images|dense]".into())
        }
    };
    let target = mib.parse::<usize>()? << 20;
    let path = std::path::Path::new(path);
    let tmp = path.with_extension("partial");
    if kind == "dense" {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        corpus::write_dense_text(target, &mut f)?;
        std::io::Write::flush(&mut f)?;
    } else if kind == "images" {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        corpus::write_vision_jsonl(target, 48 << 10, &mut f)?;
        std::io::Write::flush(&mut f)?;
    } else if path.extension().is_some_and(|e| e == "parquet") {
        corpus::write_parquet(target, &tmp)?;
    } else {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        corpus::write_jsonl(target, &mut f)?;
        std::io::Write::flush(&mut f)?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}
