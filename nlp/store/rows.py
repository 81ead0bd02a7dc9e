"""Records <-> rows of the `records` table.

A stored record is the record contract of GUIDELINES.md (the `to_dict()` of
nlp.records) plus its store state: `rid`, `doc`, `status`, `version`, `reviewer`,
`reviewed_at`, `flagged` and `sentence_text` (the sentence its `sentence` offsets cut
from the document, or, for a flagged record, the sentence of the text it was made on).
"""
from __future__ import annotations

import json
from typing import Any

# Guideline fields per type, in the order of nlp.records (kept here, in one place,
# because the table has one column per field).
COMMON = ("start", "end", "text", "confidence", "source")
FIGURE = ("value", "total", "unit", "role", "comparator", "indicator", "year")
LEGAL = ("doc_type", "number", "year", "code", "issued", "id", "refers_to", "relations")
IGNORE = ("reason",)
FIELDS = {"figure": FIGURE, "legal_ref": LEGAL, "ignore": IGNORE}

# Record field -> column, where they differ.
COLUMN = {"id": "legal_id", "end": '"end"'}

# Columns a SELECT must return for `row_to_dict` (with `r.` prefix), then the joined ones.
SELECT = (
    "r.rid, r.type, r.start, r.\"end\", r.text, r.sent_start, r.sent_end, r.confidence, r.source, "
    "r.value, r.total, r.unit, r.role, r.comparator, r.indicator, r.year, "
    "r.doc_type, r.number, r.code, r.issued, r.legal_id, r.refers_to, r.relations, r.reason, "
    "r.status, r.version, r.reviewer, r.reviewed_at, r.flagged, "
    "COALESCE(r.stale_sentence, substr(d.text, r.sent_start + 1, r.sent_end - r.sent_start)) AS sentence_text, "
    "d.id AS doc"
)
_NAMES = (
    "rid", "type", "start", "end", "text", "sent_start", "sent_end", "confidence", "source",
    "value", "total", "unit", "role", "comparator", "indicator", "year",
    "doc_type", "number", "code", "issued", "id", "refers_to", "relations", "reason",
    "status", "version", "reviewer", "reviewed_at", "flagged", "sentence_text", "doc",
)

INSERT_COLUMNS = (
    "docno", "type", "start", '"end"', "text", "sent_start", "sent_end", "confidence", "source",
    "value", "total", "unit", "role", "comparator", "indicator", "year",
    "doc_type", "number", "code", "issued", "legal_id", "refers_to", "relations", "reason",
)
INSERT_SQL = f"INSERT INTO records({', '.join(INSERT_COLUMNS)}) VALUES ({', '.join('?' * len(INSERT_COLUMNS))})"


def as_dict(record: Any) -> dict[str, Any]:
    return record if isinstance(record, dict) else record.to_dict()


def insert_values(docno: int, d: dict[str, Any]) -> tuple:
    sent = d.get("sentence") or (None, None)
    rel = d.get("relations")
    rel = [r if isinstance(r, dict) else r.to_dict() for r in rel] if rel else None
    kind = d.get("type")
    g = (lambda k: d.get(k)) if kind in FIELDS else (lambda k: None)
    return (
        docno, kind, d["start"], d["end"], d["text"], sent[0], sent[1], d.get("confidence"), d.get("source"),
        g("value") if kind == "figure" else None, g("total"), g("unit"), g("role"), g("comparator"),
        g("indicator"), g("year"),
        g("doc_type"), g("number"), g("code"), g("issued"),
        d.get("id") if kind == "legal_ref" else None, g("refers_to"),
        json.dumps(rel, ensure_ascii=False) if rel else None, g("reason"),
    )


def row_to_dict(row: tuple) -> dict[str, Any]:
    """A SELECT-ed row (columns of SELECT) -> the record dict with its store state."""
    raw = dict(zip(_NAMES, row))
    kind = raw["type"]
    out: dict[str, Any] = {"rid": raw["rid"], "doc": raw["doc"], "type": kind}
    for k in COMMON:
        out[k] = raw[k]
    out["sentence"] = [raw["sent_start"], raw["sent_end"]]
    for k in FIELDS.get(kind, ()):
        out[k] = raw[k]
    if kind == "legal_ref":
        out["relations"] = json.loads(raw["relations"]) if raw["relations"] else []
    for k in ("status", "version", "reviewer", "reviewed_at", "sentence_text"):
        out[k] = raw[k]
    out["flagged"] = bool(raw["flagged"])
    return out


def record_fields(d: dict[str, Any]) -> dict[str, Any]:
    """Only the contract fields of a stored record dict (what a review may change)."""
    return {k: d.get(k) for k in FIELDS.get(d.get("type"), ())}
