"""Human review of stored records: accept / reject / correct, undo, the append-only log,
and keeping reviewed records across a re-ingest of their document.

Every action is optimistic: the caller states the version it saw; a different stored
version means someone else acted meanwhile and raises ConflictError with the current
record, so a later save never silently overwrites an earlier one. Every action, undo
included, appends one row to `review_log` (old and new values, reviewer, time); the
log table refuses UPDATE and DELETE (triggers in migrations.py).
"""
from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from typing import Any

from ..records import COMPARATORS, RELATION_TYPES, ROLES
from . import catalog, fulltext
from .errors import ConflictError, ValidationError
from .rows import COLUMN, FIELDS, SELECT, record_fields, row_to_dict

ACTIONS = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}
_STATE = ("status", "version", "reviewer", "reviewed_at")


def _get(c: sqlite3.Connection, rid: int) -> dict[str, Any] | None:
    row = c.execute(f"SELECT {SELECT} FROM records r JOIN documents d ON d.docno = r.docno WHERE r.rid = ?",
                    (rid,)).fetchone()
    return row_to_dict(row) if row else None


# ---------------------------------------------------------------- validation
def _number(name: str, v: Any, *, optional: bool) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        if optional:
            return None
        raise ValidationError(f"{name} must be a number")
    if isinstance(v, bool):
        raise ValidationError(f"{name} must be a number, not {v!r}")
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise ValidationError(f"{name} must be a number (use . for decimals, no thousands separators), not {v!r}") from None
    if f != f or f in (float("inf"), float("-inf")):
        raise ValidationError(f"{name} must be a finite number")
    return f


def _text(name: str, v: Any, *, optional: bool) -> str | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        if optional:
            return None
        raise ValidationError(f"{name} must not be empty")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = str(v)
    if not isinstance(v, str):
        raise ValidationError(f"{name} must be text, not {v!r}")
    return v.strip()


def _year(v: Any) -> int | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        y = int(str(v).strip()) if not isinstance(v, bool) else None
    except ValueError:
        y = None
    if y is None or isinstance(v, float) and v != int(v) or not 1900 <= y <= 2200:
        raise ValidationError(f"year must be a year like 2025 or empty, not {v!r}")
    return y


def _choice(name: str, v: Any, allowed: tuple[str, ...]) -> str:
    if v not in allowed:
        raise ValidationError(f"{name} must be one of {', '.join(allowed)}, not {v!r}")
    return v


def _issued(v: Any) -> str | None:
    v = _text("issued", v, optional=True)
    if v is None:
        return None
    try:
        return date.fromisoformat(v).isoformat()
    except ValueError:
        raise ValidationError(f"issued must be an ISO date (YYYY-MM-DD), not {v!r}") from None


def _relations(v: Any) -> list[dict[str, str]]:
    if v is None:
        return []
    if not isinstance(v, (list, tuple)):
        raise ValidationError("relations must be a list of {type, target}")
    out = []
    for r in v:
        r = r if isinstance(r, dict) else getattr(r, "to_dict", lambda: {})()
        out.append({"type": _choice("relation type", r.get("type"), RELATION_TYPES),
                    "target": _text("relation target", r.get("target"), optional=False)})
    return out


_VALIDATORS = {
    "value": lambda v: _number("value", v, optional=False),
    "total": lambda v: _number("total", v, optional=True),
    "unit": lambda v: _text("unit", v, optional=True),
    "role": lambda v: _choice("role", v, ROLES),
    "comparator": lambda v: _choice("comparator", v, COMPARATORS),
    "indicator": lambda v: _text("indicator", v, optional=True),
    "year": _year,
    "doc_type": lambda v: _text("doc_type", v, optional=False),
    "number": lambda v: _text("number", v, optional=False),
    "code": lambda v: _text("code", v, optional=True),
    "issued": _issued,
    "id": lambda v: _text("id", v, optional=False),
    "refers_to": lambda v: _text("refers_to", v, optional=True),
    "relations": _relations,
    "reason": lambda v: _text("reason", v, optional=True),
}


def validate_changes(kind: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Checked and normalised field values for a record of type `kind`."""
    if not isinstance(changes, dict) or not changes:
        raise ValidationError("a correction needs at least one changed field")
    allowed = FIELDS.get(kind, ())
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError(f"cannot change {', '.join(unknown)} of a {kind} (fields: {', '.join(allowed)})")
    return {k: _VALIDATORS[k](v) for k, v in changes.items()}


# ---------------------------------------------------------------- actions
def _write_fields(c: sqlite3.Connection, rid: int, fields: dict[str, Any]) -> None:
    if not fields:
        return
    sets, params = [], []
    for k, v in fields.items():
        sets.append(f"{COLUMN.get(k, k)} = ?")
        params.append(json.dumps(v, ensure_ascii=False) if k == "relations" else v)
    c.execute(f"UPDATE records SET {', '.join(sets)} WHERE rid = ?", (*params, rid))


def _snapshot(d: dict[str, Any]) -> dict[str, Any]:
    return {**record_fields(d), **{k: d.get(k) for k in _STATE}}


def _after_change(c: sqlite3.Connection, before: dict[str, Any], fields: dict[str, Any]) -> None:
    """Keep the derived indexes in step with a changed record."""
    if before["type"] == "figure" and "indicator" in fields:
        fulltext.index_figure(c, before["rid"], fields["indicator"])
    if before["type"] == "legal_ref":
        docno = c.execute("SELECT docno FROM records WHERE rid = ?", (before["rid"],)).fetchone()[0]
        catalog.refresh_document(c, docno)


def _append(c: sqlite3.Connection, rid: int, doc: str, action: str, old: dict, new: dict, reviewer: str,
            at: str, undoes: int | None = None) -> None:
    c.execute("INSERT INTO review_log(rid, doc, action, old, new, reviewer, at, undoes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              (rid, doc, action, json.dumps(old, ensure_ascii=False), json.dumps(new, ensure_ascii=False),
               reviewer, at, undoes))


def review(c: sqlite3.Connection, rid: int, action: str, *, reviewer: str, expected_version: int,
           changes: dict[str, Any] | None, at: str) -> None:
    if action not in ACTIONS:
        raise ValidationError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    reviewer = _text("reviewer", reviewer, optional=False)  # type: ignore[assignment]
    before = _get(c, rid)
    if before is None:
        raise ValidationError(f"no record {rid}")
    if before["version"] != expected_version:
        raise ConflictError(
            f"record {rid} was changed meanwhile (by {before['reviewer'] or 'a re-ingest'}, now version "
            f"{before['version']}, you saw {expected_version}); reload it and review again", before)
    if action != "correct" and changes:
        raise ValidationError(f"'{action}' takes no changes; use 'correct' to change fields")
    fields = validate_changes(before["type"], changes) if action == "correct" else {}
    _write_fields(c, rid, fields)
    c.execute("UPDATE records SET status = ?, version = version + 1, reviewer = ?, reviewed_at = ? WHERE rid = ?",
              (ACTIONS[action], reviewer, at, rid))
    _after_change(c, before, fields)
    after = _get(c, rid)
    _append(c, rid, before["doc"], action, _snapshot(before), _snapshot(after), reviewer, at)  # type: ignore[arg-type]


def undo(c: sqlite3.Connection, reviewer: str, *, at: str) -> int | None:
    row = c.execute(
        "SELECT id, rid, old, new FROM review_log WHERE reviewer = ? AND action != 'undo' "
        "AND id NOT IN (SELECT undoes FROM review_log WHERE undoes IS NOT NULL) ORDER BY id DESC LIMIT 1",
        (reviewer,),
    ).fetchone()
    if row is None:
        return None
    log_id, rid, old, new = row[0], row[1], json.loads(row[2]), json.loads(row[3])
    current = _get(c, rid)
    if current is None:
        raise ValidationError(f"record {rid} no longer exists; nothing to undo")
    # Undo only what is still there: the record must be as this action left it (an
    # intermediate change that was itself undone is fine; one that stands is not).
    unchanged = {k: v for k, v in _snapshot(current).items() if k != "version"} == \
        {k: v for k, v in new.items() if k != "version"}
    if current["version"] != new["version"] and not unchanged:
        raise ConflictError(f"record {rid} was changed after your action (by {current['reviewer'] or 'a re-ingest'}); "
                            "undo is not possible", current)
    fields = {k: v for k, v in old.items() if k not in _STATE}
    _write_fields(c, rid, fields)
    c.execute("UPDATE records SET status = ?, version = version + 1, reviewer = ?, reviewed_at = ? WHERE rid = ?",
              (old["status"], old["reviewer"], old["reviewed_at"], rid))
    _after_change(c, current, fields)
    after = _get(c, rid)
    _append(c, rid, current["doc"], "undo", _snapshot(current), _snapshot(after), reviewer, at, undoes=log_id)  # type: ignore[arg-type]
    return rid


def log(c: sqlite3.Connection, rid: int | None = None) -> list[dict[str, Any]]:
    sql = "SELECT id, rid, doc, action, old, new, reviewer, at, undoes FROM review_log"
    rows = c.execute(sql + (" WHERE rid = ? ORDER BY id" if rid is not None else " ORDER BY id"),
                     (rid,) if rid is not None else ()).fetchall()
    names = ("id", "rid", "doc", "action", "old", "new", "reviewer", "at", "undoes")
    out = []
    for r in rows:
        d = dict(zip(names, r))
        d["old"], d["new"] = json.loads(d["old"] or "null"), json.loads(d["new"] or "null")
        out.append(d)
    return out


# ---------------------------------------------------------------- re-ingest
_REL_TOL = 1e-6


def _same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) <= _REL_TOL * max(abs(float(a)), abs(float(b)), 1.0)


def _still_matches(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A reviewed record still stands for `new` (a fresh extraction) of the changed text."""
    if old["type"] != new.get("type") or old["text"] != new.get("text"):
        return False
    if old["status"] == "corrected":
        return True  # the reviewer's fields win; the span is what must still be there
    if old["type"] == "figure":
        return _same_value(old.get("value"), new.get("value"))
    if old["type"] == "legal_ref":
        return _norm_id(old.get("id")) == _norm_id(new.get("id"))
    return True


def _norm_id(s: str | None) -> str:
    return re.sub(r"\s+", "", (s or "")).lower()


_CONTEXT = 60  # characters each side of a span that identify its occurrence
_SAME_PLACE = 60.0  # rapidfuzz ratio of the contexts above which an occurrence is the same one


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - _CONTEXT):start] + "\x00" + text[end:end + _CONTEXT]


def merge_reviewed(c: sqlite3.Connection, docno: int, kept: list[dict[str, Any]], new: list[dict[str, Any]],
                   old_text: str, new_text: str) -> tuple[list[dict[str, Any]], int]:
    """Keep reviewed records across a re-ingest of a changed document.

    A reviewed record that the new extraction still finds (same type and span text,
    same value/id unless it was corrected, and the same place: similar text around it,
    so another `42%` elsewhere does not stand in for it) keeps its rid, status and
    fields and takes the new offsets; the fresh duplicate is dropped. One that no longer
    matches stays too, flagged, with the sentence it was reviewed in.
    Returns (fresh records to insert, number of records flagged now).
    """
    from rapidfuzz import fuzz

    fresh = list(new)
    used: set[int] = set()
    flagged = 0
    for old in sorted(kept, key=lambda d: d["start"]):
        ctx = _context(old_text, old["start"], old["end"])
        best, best_key = None, None
        for i, cand in enumerate(fresh):
            if i in used or not _still_matches(old, cand):
                continue
            sim = fuzz.ratio(ctx, _context(new_text, cand["start"], cand["end"]))
            key = (sim, -abs(cand["start"] - old["start"]))
            if sim >= _SAME_PLACE and (best_key is None or key > best_key):
                best, best_key = i, key
        if best is not None:
            used.add(best)
            cand = fresh[best]
            sent = cand.get("sentence") or (None, None)
            c.execute("UPDATE records SET start = ?, \"end\" = ?, sent_start = ?, sent_end = ?, flagged = 0, "
                      "stale_sentence = NULL WHERE rid = ?", (cand["start"], cand["end"], sent[0], sent[1], old["rid"]))
        elif not old["flagged"]:
            flagged += 1
            stale = old.get("sentence_text") or _context(old_text, old["start"], old["end"]).replace("\x00", old["text"])
            c.execute("UPDATE records SET flagged = 1, stale_sentence = ?, version = version + 1 WHERE rid = ?",
                      (stale, old["rid"]))
    return [d for i, d in enumerate(fresh) if i not in used], flagged
