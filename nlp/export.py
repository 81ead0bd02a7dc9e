"""Records to JSON / JSONL / CSV, one place for the CLI, the app and the review export."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

# Column order of the CSV: the guideline fields of both types, then provenance.
CSV_COLUMNS = [
    "doc", "type", "start", "end", "text",
    "value", "total", "unit", "role", "comparator", "indicator", "year",
    "doc_type", "number", "code", "issued", "id", "refers_to", "relations",
    "sentence_start", "sentence_end", "confidence", "source",
    "status", "reviewer", "reviewed_at",
]


def as_dict(record: Any) -> dict[str, Any]:
    return record if isinstance(record, dict) else record.to_dict()


def to_jsonl(records: Iterable[Any]) -> str:
    return "".join(json.dumps(as_dict(r), ensure_ascii=False) + "\n" for r in records)


def to_json(records: Iterable[Any]) -> str:
    return json.dumps([as_dict(r) for r in records], ensure_ascii=False, indent=2)


def _csv_row(d: dict[str, Any]) -> dict[str, Any]:
    row = {k: d.get(k) for k in CSV_COLUMNS}
    sent = d.get("sentence") or (None, None)
    if isinstance(sent, (list, tuple)) and len(sent) == 2:
        row["sentence_start"], row["sentence_end"] = sent
    rel = d.get("relations")
    row["relations"] = "; ".join(f"{r['type']} {r['target']}" for r in rel) if rel else None
    return {k: ("" if v is None else v) for k, v in row.items()}


def to_csv(records: Iterable[Any]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in records:
        w.writerow(_csv_row(as_dict(r)))
    return buf.getvalue()
