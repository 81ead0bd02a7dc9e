"""The extraction snapshot: records for the seeds, corpus/extra and the first 300 scale articles.

A refactoring must reproduce it byte for byte (tests/test_snapshot.py). When extraction
is *meant* to change, rewrite it in a commit that says why:

    python -m tests.snapshot --write
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import unicodedata
from pathlib import Path
from typing import Iterator

from tests.paths import EXTRA, ROOT, SEEDS

SNAPSHOT = ROOT / "tests" / "snapshots" / "extract.jsonl.gz"
SCALE = Path(os.environ.get("SOLIEU_SCALE", ROOT.parent / "shared" / "corpus" / "scale" / "baomoi-2017.jsonl.gz"))
SCALE_COUNT = 300


def documents() -> Iterator[tuple[str, str]]:
    """(doc id, NFC text) in a fixed order."""
    for folder in (SEEDS, EXTRA):
        for path in sorted(folder.glob("*.txt")):
            yield path.stem, unicodedata.normalize("NFC", path.read_bytes().decode("utf-8"))
    if not SCALE.exists():
        raise FileNotFoundError(f"scale corpus not found: {SCALE} (set SOLIEU_SCALE)")
    with gzip.open(SCALE, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= SCALE_COUNT:
                break
            d = json.loads(line)
            yield d["id"], unicodedata.normalize("NFC", d["text"])


def build() -> bytes:
    """The snapshot's uncompressed bytes: one JSON line per document, keys sorted."""
    from nlp.pipeline import extract

    lines = []
    for doc, text in documents():
        recs = [r.to_dict() for r in extract(text)]
        lines.append(json.dumps({"doc": doc, "records": recs}, ensure_ascii=False, sort_keys=True))
    return ("\n".join(lines) + "\n").encode("utf-8")


def stored() -> bytes:
    with gzip.open(SNAPSHOT, "rb") as fh:
        return fh.read()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="rewrite the snapshot from today's code")
    a = ap.parse_args()
    data = build()
    if a.write:
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        with open(SNAPSHOT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh:
            fh.write(data)
        print(f"wrote {SNAPSHOT} ({len(data.splitlines())} documents)")
        return 0
    same = data == stored()
    print("snapshot: same" if same else "snapshot: DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
