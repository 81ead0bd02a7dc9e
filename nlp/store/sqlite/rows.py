"""Records <-> rows of the `records` table, derived from the field lists of nlp.records.

The table has one column per guideline field (of any type; a column a type does not
have is NULL), `sent_start`/`sent_end` for `sentence`, and the store state. A stored
record dict is the record's `to_dict()` plus `rid`, `doc`, `status`, `version`,
`reviewer`, `reviewed_at`, `sentence_text` and `flagged` (see nlp.store.interface).
"""
from __future__ import annotations

import json
from typing import Any

from ...records import COMMON_FIELDS, FIELDS, unique_fields

# Record field -> column, where they differ (`end` is an SQL keyword; `id` would read as the row id).
COLUMN = {"id": "legal_id", "end": '"end"'}
CONTRACT = unique_fields(tuple(FIELDS))  # every type's guideline fields, each once
STATE = ("status", "version", "reviewer", "reviewed_at", "flagged")

# A record's row with its document (the alias `d` gives the document's id and text).
JOINED = "records r JOIN documents d ON d.docno = r.docno"
# The sentence of a record: cut from its document, or kept from the version it was reviewed on.
SENTENCE = "COALESCE(r.stale_sentence, substr(d.text, r.sent_start + 1, r.sent_end - r.sent_start))"


def _columns(name: str) -> tuple[str, ...]:
    return ("sent_start", "sent_end") if name == "sentence" else (COLUMN.get(name, name),)


def _names(name: str) -> tuple[str, ...]:
    return ("sent_start", "sent_end") if name == "sentence" else (name,)


_COMMON_NAMES = tuple(n for f in COMMON_FIELDS for n in _names(f))
_FIELD_COLUMNS = tuple(c for f in (*COMMON_FIELDS, *CONTRACT) for c in _columns(f))
_FIELD_NAMES = (*_COMMON_NAMES, *CONTRACT)

# Columns a SELECT must return for `row_to_dict` (FROM JOINED), in this order.
SELECT = ", ".join(("r.rid", "r.type", *(f"r.{c}" for c in _FIELD_COLUMNS), *(f"r.{c}" for c in STATE),
                    f"{SENTENCE} AS sentence_text", "d.id AS doc"))
_NAMES = ("rid", "type", *_FIELD_NAMES, *STATE, "sentence_text", "doc")

INSERT_COLUMNS = ("docno", "type", *_FIELD_COLUMNS)
INSERT_SQL = f"INSERT INTO records({', '.join(INSERT_COLUMNS)}) VALUES ({', '.join('?' * len(INSERT_COLUMNS))})"


# Per type: the CONTRACT columns that are its own, with their positions (the others stay NULL).
_OWN_AT = {kind: tuple((i, f) for i, f in enumerate(CONTRACT) if f in own) for kind, own in FIELDS.items()}
_RELATIONS = CONTRACT.index("relations")


def insert_values(docno: int, d: dict[str, Any]) -> tuple:
    """The INSERT_SQL parameters of a record dict; fields of other types stay NULL."""
    sent = d.get("sentence") or (None, None)
    common = {"start": d["start"], "end": d["end"], "text": d["text"], "sent_start": sent[0], "sent_end": sent[1],
              "confidence": d.get("confidence"), "source": d.get("source")}
    fields: list[Any] = [None] * len(CONTRACT)
    for i, f in _OWN_AT.get(d.get("type"), ()):
        fields[i] = d.get(f)
    rel = fields[_RELATIONS]
    fields[_RELATIONS] = json.dumps([r if isinstance(r, dict) else r.to_dict() for r in rel],
                                    ensure_ascii=False) if rel else None
    return (docno, d.get("type"), *map(common.__getitem__, _COMMON_NAMES), *fields)


def row_to_dict(row: tuple) -> dict[str, Any]:
    """A SELECT-ed row (columns of SELECT) -> the record dict with its store state."""
    raw = dict(zip(_NAMES, row))
    kind = raw["type"]
    out: dict[str, Any] = {"rid": raw["rid"], "doc": raw["doc"], "type": kind}
    # Key order as the JSON output has always had it: offsets, provenance, then `sentence`.
    for k in COMMON_FIELDS:
        if k != "sentence":
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
