"""Shared helpers for the benchmarks: the scale corpus and result files."""
from __future__ import annotations

import gzip
import json
import os
import platform
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
SCALE = Path(os.environ.get("SOLIEU_SCALE", ROOT.parent / "shared" / "corpus" / "scale" / "baomoi-2017.jsonl.gz"))
RESULTS = ROOT / "bench" / "results"


def scale_articles(limit: int | None = None) -> Iterator[dict]:
    if not SCALE.exists():
        raise SystemExit(f"scale corpus not found: {SCALE} (set SOLIEU_SCALE)")
    with gzip.open(SCALE, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                return
            yield json.loads(line)


def save(name: str, result: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"bench": name, "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, **result}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
