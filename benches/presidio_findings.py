#!/usr/bin/env python3
"""Run Microsoft Presidio's default recognizers over corpus files and write piiscan-shaped findings.

    presidio_findings.py INPUT... -o OUT.jsonl

Inputs by extension: .jsonl (every JSON string value of each line, keys skipped), .parquet
(every string leaf of each row; "row" is the 0-based row index), anything else as text (each
line). Each Presidio result of a compared entity type becomes one JSON line
{"path", "line" | "row", "kind", "value", "score", "entity"} that `piiscan eval` and the
corpus's score.py read. Other entity types (URL, DATE_TIME, US_BANK_NUMBER, ...) are dropped.

No spaCy model is downloaded: the NLP engine is a blank English spaCy pipeline (tokenizer only),
so the NER recognizer finds nothing, while every pattern recognizer runs as in a default
AnalyzerEngine (default registry, default score threshold 0, default phone regions). The blank
pipeline has no lemmatizer, so lower-cased tokens stand in for lemmas in context enhancement.
Context only moves scores; at threshold 0 a score decides nothing but which of two nested results
of one type is kept (results scored exactly 0, i.e. invalidated ones, are dropped by Presidio).

Wall time (reading + analysis, engine loading excluded) and input bytes go to stderr.
"""
import argparse
import json
import os
import sys
import time
from importlib.metadata import version
from pathlib import Path

# The e-mail recognizer calls tldextract, which would fetch the Public Suffix List over the network
# (and log tracebacks when offline); an empty URL list makes it use its bundled snapshot.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import spacy  # noqa: E402
from presidio_analyzer import AnalyzerEngine  # noqa: E402
from presidio_analyzer.nlp_engine import SpacyNlpEngine  # noqa: E402
from spacy.language import Language  # noqa: E402

# Presidio entity type -> piiscan kind id (the kinds both tools detect with patterns).
KIND = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "IP_ADDRESS": "ip_address",
    "CREDIT_CARD": "payment_card",
    "IBAN_CODE": "iban",
    "US_SSN": "us_ssn",
    "UK_NINO": "uk_nino",  # recognizer exists but is disabled in Presidio's default registry
}


@Language.component("lower_as_lemma")
def lower_as_lemma(doc):
    """A blank model has no lemmatizer: use the lower-cased token for context words."""
    for token in doc:
        token.lemma_ = token.lower_
    return doc


class BlankSpacyNlpEngine(SpacyNlpEngine):
    """SpacyNlpEngine on spacy.blank("en"): tokens only, no NER, nothing to download."""

    def load(self):
        nlp = spacy.blank("en")
        nlp.add_pipe("lower_as_lemma")
        self.nlp = {"en": nlp}


def strings(value):
    """Every string leaf of a decoded JSON / Arrow value (dict keys are not yielded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)


def records(path):
    """Yield (position key, position, [strings]) for each line or row of one input file."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        for row, record in enumerate(pq.read_table(path).to_pylist()):
            yield "row", row, list(strings(record))
    elif path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as f:
            for line_no, line in enumerate(f, 1):
                try:
                    yield "line", line_no, list(strings(json.loads(line)))
                except json.JSONDecodeError:
                    yield "line", line_no, [line.rstrip("\n")]  # scan a malformed line as text
    else:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line_no, line in enumerate(f, 1):
                yield "line", line_no, [line.rstrip("\n")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", type=Path)
    ap.add_argument("-o", "--output", required=True, type=Path)
    args = ap.parse_args()

    t0 = time.perf_counter()
    analyzer = AnalyzerEngine(nlp_engine=BlankSpacyNlpEngine(), supported_languages=["en"])
    load_s = time.perf_counter() - t0

    n_findings, n_bytes = 0, 0
    t0 = time.perf_counter()
    with open(args.output, "w", encoding="utf-8") as out:
        for path in args.inputs:
            n_bytes += path.stat().st_size
            for key, pos, texts in records(path):
                for text in texts:
                    for r in analyzer.analyze(text=text, language="en"):
                        kind = KIND.get(r.entity_type)
                        if kind is None:
                            continue
                        finding = {"path": str(path), key: pos, "kind": kind,
                                   "value": text[r.start:r.end], "score": round(r.score, 3),
                                   "entity": r.entity_type}
                        out.write(json.dumps(finding, ensure_ascii=False) + "\n")
                        n_findings += 1
    wall_s = time.perf_counter() - t0

    mb = n_bytes / 1e6
    print(f"presidio-analyzer {version('presidio-analyzer')}: {n_findings} findings, {mb:.2f} MB in "
          f"{wall_s:.2f} s = {mb / wall_s:.3f} MB/s (engine load {load_s:.1f} s, not counted)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
