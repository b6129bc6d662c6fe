#!/usr/bin/env python3
"""Prints every non-null string leaf of a Parquet file as pyarrow sees it, one JSON object per
line: {"row": 0-based row, "field": path in piiscan's notation, "value": the string}.
Used by tests/scan_parquet.rs to check piiscan's rows and field paths against pyarrow's."""
import json
import re
import sys

import pyarrow.parquet as pq

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def key(path, name):
    if IDENT.match(name):
        return f"{path}.{name}" if path else name
    return f"{path}[{json.dumps(name, ensure_ascii=False)}]"


def walk(value, path, out):
    if value is None:
        return
    if isinstance(value, str):
        out.append((path, value))
    elif isinstance(value, dict):
        for k, v in value.items():
            walk(v, key(path, k), out)
    elif isinstance(value, list):
        if value and all(isinstance(e, tuple) and len(e) == 2 for e in value):  # map
            for k, v in value:
                walk(v, key(path, k) if isinstance(k, str) else path, out)
        else:
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]", out)


table = pq.read_table(sys.argv[1])
for row, record in enumerate(table.to_pylist()):
    leaves = []
    for name, value in record.items():
        walk(value, key("", name), leaves)
    for field, value in leaves:
        print(json.dumps({"row": row, "field": field, "value": value}, ensure_ascii=False))
