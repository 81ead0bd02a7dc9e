"""Records to JSON / JSONL / CSV, one place for the CLI, the app and the review export."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

from .records import REPORTED_KINDS, as_dict, unique_fields

# Column order of the CSV: the document and the span, the guideline fields of both
# reported types (nlp.records), the sentence (its offsets and its text), provenance, then
# the review state of a stored record. `relations` is one cell ("amends 73/2019/NĐ-CP; ...").
CSV_COLUMNS = [
    "doc", "type", "start", "end", "text",
    *unique_fields(REPORTED_KINDS),
    "sentence_start", "sentence_end", "sentence", "confidence", "source",
    "status", "reviewer", "reviewed_at",
]


def with_context(records: Iterable[Any], doc_id: str, text: str) -> list[dict[str, Any]]:
    """Records of one document as export rows: each with `doc` and `sentence_text` (the
    sentence its `sentence` offsets cut from `text`), as a stored record has them."""
    out = []
    for r in records:
        d = dict(as_dict(r))
        s = d.get("sentence") or (None, None)
        d.setdefault("doc", doc_id)
        d["doc"] = d["doc"] or doc_id
        if d.get("sentence_text") is None and isinstance(s, (list, tuple)) and len(s) == 2 and s[1]:
            d["sentence_text"] = text[int(s[0]):int(s[1])]
        out.append({"doc": d.pop("doc"), **d})
    return out


def to_jsonl(records: Iterable[Any]) -> str:
    return "".join(json.dumps(as_dict(r), ensure_ascii=False) + "\n" for r in records)


def to_json(records: Iterable[Any]) -> str:
    return json.dumps([as_dict(r) for r in records], ensure_ascii=False, indent=2)


def _csv_row(d: dict[str, Any]) -> dict[str, Any]:
    row = {k: d.get(k) for k in CSV_COLUMNS}
    sent = d.get("sentence") or (None, None)
    if isinstance(sent, (list, tuple)) and len(sent) == 2:
        row["sentence_start"], row["sentence_end"] = sent
    row["sentence"] = d.get("sentence_text")
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
