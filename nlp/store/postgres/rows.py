"""Records <-> rows of the `records` table in PostgreSQL.

The column list, the SELECT and the mapping of a row to a record dict are the SQLite
backend's (nlp/store/sqlite/rows.py, derived from the field lists of nlp.records; no
SQLite in them), so both backends store and return records field for field alike. What
differs is spelled here: `%s` parameters, a sentence cut that never asks substr() for a
negative length, and the folded unit the PostgreSQL schema keeps beside `unit`.
"""
from __future__ import annotations

from typing import Any

from ...lang.fold import fold
from ..sqlite import rows as _shared

JOINED = _shared.JOINED
COLUMN = _shared.COLUMN
STATE = _shared.STATE
row_to_dict = _shared.row_to_dict
record_fields = _shared.record_fields

SENTENCE = ("COALESCE(r.stale_sentence, substr(d.text, r.sent_start + 1, "
            "GREATEST(r.sent_end - r.sent_start, 0)))")
SELECT = _shared.SELECT.replace(_shared.SENTENCE, SENTENCE)

INSERT_COLUMNS = (*_shared.INSERT_COLUMNS, "unit_key")
INSERT_SQL = f"INSERT INTO records({', '.join(INSERT_COLUMNS)}) VALUES ({', '.join(['%s'] * len(INSERT_COLUMNS))})"


def insert_values(docno: int, d: dict[str, Any]) -> tuple:
    unit = d.get("unit") if d.get("type") == "figure" else None
    return (*_shared.insert_values(docno, d), fold(unit) if unit else None)
