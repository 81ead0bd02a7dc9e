"""The Review page's logic: which fields are editable, how form strings become values.

A correction is checked here before it reaches the store (which checks again and has
the last word): a value must be a number, a role one of the three, a year a year, an
issue date an ISO date. Numbers are typed the Vietnamese way (`50.350`, `22,4`); a
lone `.` followed by other than three digits is read as a decimal point (`1.5`).
"""
from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from ..records import COMPARATORS, ROLES

FIGURE_FIELDS = ("value", "total", "unit", "role", "comparator", "indicator", "year")
LEGAL_FIELDS = ("id", "doc_type", "number", "year", "code", "issued", "refers_to")
CHOICES = {"role": ROLES, "comparator": COMPARATORS}
STATUSES = ("pending", "accepted", "rejected", "corrected")
REVIEWED_KINDS = ("figure", "legal_ref")  # ignored page leftovers are not reviewed
YEAR_RANGE = (1945, 2100)  # documents of the Socialist Republic; deadlines a few decades out

_VN_GROUPED = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_VN_DECIMAL = re.compile(r"[+-]?\d+(?:,\d+)?")
_DOT_DECIMAL = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)")


def editable_fields(record: dict[str, Any]) -> tuple[str, ...]:
    t = record.get("type")
    return FIGURE_FIELDS if t == "figure" else LEGAL_FIELDS if t == "legal_ref" else ()


def parse_number(text: str) -> float | None:
    """A typed number -> float; None for blank; ValueError when it is not a number."""
    s = re.sub(r"[\s\u00a0]", "", text or "")
    if not s:
        return None
    if _VN_GROUPED.fullmatch(s):
        s = s.replace(".", "").replace(",", ".")
    elif _VN_DECIMAL.fullmatch(s):
        s = s.replace(",", ".")
    elif not _DOT_DECIMAL.fullmatch(s):
        raise ValueError(f"{text!r} is not a number (write e.g. 50.350 or 22,4)")
    v = float(s)
    if not math.isfinite(v):
        raise ValueError(f"{text!r} is not a finite number")
    return v


def format_number(v: Any) -> str:
    """A float for the edit box, written the Vietnamese way (`7.065.000.000.000`, `22,4`),
    which `parse_number` reads back to the same value."""
    if v is None:
        return ""
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return str(v)
    sign = "-" if v < 0 else ""
    whole, _, frac = f"{abs(float(v)):.12f}".rstrip("0").partition(".")  # positional, never 1e-05
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + (f",{frac}" if frac else "")


def form_value(record: dict[str, Any], field: str) -> str:
    """The initial text of a field's widget."""
    v = record.get(field)
    if field in ("value", "total"):
        return format_number(v)
    return "" if v is None else str(v)


def _year(text: str) -> int | None:
    s = (text or "").strip()
    if not s:
        return None
    if not re.fullmatch(r"\d{4}", s) or not YEAR_RANGE[0] <= int(s) <= YEAR_RANGE[1]:
        raise ValueError(f"year must be a four-digit year between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}")
    return int(s)


def _optional_text(text: str) -> str | None:
    s = (text or "").strip()
    return s or None


def _parse_field(field: str, raw: str) -> Any:
    """One form string -> the record's value for `field`; ValueError with the reason."""
    if field == "value":
        v = parse_number(raw)
        if v is None:
            raise ValueError("a value is required")
        return v
    if field == "total":
        v = parse_number(raw)
        if v is not None and v <= 0:
            raise ValueError("total must be positive (the b of a/b)")
        return v
    if field in CHOICES:
        if raw not in CHOICES[field]:
            raise ValueError(f"must be one of {', '.join(CHOICES[field])}")
        return raw
    if field == "year":
        return _year(raw)
    if field == "unit":
        s = _optional_text(raw)
        return s.lower() if s else None  # guideline: units are lowercase
    if field == "issued":
        s = _optional_text(raw)
        if s is not None:
            try:
                date.fromisoformat(s)
            except ValueError:
                raise ValueError("issue date must be an ISO date, e.g. 2024-09-16") from None
        return s
    if field in ("id", "doc_type", "number"):
        s = _optional_text(raw)
        if s is None:
            raise ValueError("required")
        return s
    return _optional_text(raw)  # indicator, code, refers_to


def validate_edit(record: dict[str, Any], form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """(changes, errors): the fields whose parsed value differs from the record, or why not.

    Only the record's editable fields are read from `form`; missing keys keep the
    record's value. An empty `changes` with no errors means "nothing to correct".
    """
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in editable_fields(record):
        if field not in form:
            continue
        try:
            new = _parse_field(field, form[field])
        except ValueError as exc:
            errors[field] = str(exc)
            continue
        old = record.get(field)
        same = (old == new) or (
            isinstance(old, (int, float)) and isinstance(new, float) and math.isclose(old, new, rel_tol=1e-12)
        )
        if not same:
            changes[field] = new
    return changes, errors


# ---------------------------------------------------------------- actions on the store
ACTION_DONE = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}


class Outcome(dict):
    """What the page tells the user after an action: level (success|info|warning|error),
    message, `record` (as stored after the action, or the current one on a conflict) and
    `focus` (keep this record on screen: a conflict or an invalid correction)."""

    def __init__(self, level: str, message: str, record: dict | None = None, focus: bool = False):
        super().__init__(level=level, message=message, record=record, focus=focus)


def _fmt_current(rec: dict[str, Any]) -> str:
    fields = [f for f in editable_fields(rec) if rec.get(f) not in (None, "")]
    shown = ", ".join(f"{f} = {form_value(rec, f)}" for f in fields)
    who = f" by {rec['reviewer']}" if rec.get("reviewer") else ""
    when = f" at {rec['reviewed_at']}" if rec.get("reviewed_at") else ""
    return f"status {rec.get('status')}{who}{when}; {shown}"


def apply_action(store: Any, record: dict[str, Any], action: str, reviewer: str,
                 form: dict[str, str] | None = None) -> Outcome:
    """accept / reject / correct `record` as the user saw it (its `version`). Never raises.

    A correction is validated first; a stale version (someone else acted meanwhile)
    gives a warning with the record's current value instead of overwriting it.
    """
    from ..store import ConflictError, StoreError, ValidationError

    rid = record.get("rid")
    reviewer = (reviewer or "").strip()
    if not reviewer:
        return Outcome("error", "Enter your name as reviewer first (sidebar): every action is signed.", record, True)
    if action not in ACTION_DONE:
        return Outcome("error", f"unknown action {action!r}", record, True)
    changes = None
    if action == "correct":
        changes, errors = validate_edit(record, form or {})
        if errors:
            msg = "Not saved: " + "; ".join(f"{f}: {e}" for f, e in errors.items())
            return Outcome("error", msg, record, True)
        if not changes:
            return Outcome("info", "Nothing changed: edit a field to correct it, or accept the record as it is.",
                           record, True)
    try:
        new = store.review(rid, action, reviewer=reviewer, expected_version=int(record.get("version") or 0),
                           changes=changes)
    except ConflictError as exc:
        cur = exc.current or store.get_record(rid) or record
        return Outcome("warning", f"Record #{rid} was changed by someone else while you looked at it; "
                                  f"nothing was overwritten. Now: {_fmt_current(cur)}.", cur, True)
    except ValidationError as exc:
        return Outcome("error", f"Not saved: {exc}", record, True)
    except StoreError as exc:
        return Outcome("error", f"Not saved: {exc}", record, True)
    what = ACTION_DONE[action]
    detail = f" ({', '.join(f'{k} → {form_value(new, k)}' for k in changes)})" if changes else ""
    return Outcome("success", f"Record #{rid} {what}{detail}.", new, False)


def undo_last(store: Any, reviewer: str) -> Outcome:
    """Undo this reviewer's last action. Never raises."""
    from ..store import StoreError

    reviewer = (reviewer or "").strip()
    if not reviewer:
        return Outcome("error", "Enter your name as reviewer first: undo works on your own last action.")
    try:
        rec = store.undo(reviewer)
    except StoreError as exc:
        return Outcome("error", f"Undo failed: {exc}")
    if rec is None:
        return Outcome("info", f"Nothing to undo for {reviewer}.")
    return Outcome("success", f"Undone: record #{rec['rid']} is {rec['status']} again.", rec, True)


def progress(store: Any, *, kind: str | None = None, role: str | None = None,
             doc: str | None = None) -> tuple[int, int, str]:
    """(reviewed, total, what was counted) for the progress bar.

    Counted with `count_records` (fast on a 35k-document corpus) by kind; a document
    filter is counted exactly from its few records. A role filter alone is not: the
    store has no count by role, and listing 200k records on every click is too slow.
    """
    kinds = [kind] if kind else list(REVIEWED_KINDS)
    what = {"figure": "figures", "legal_ref": "legal references"}.get(kind or "", "records")
    if doc is not None:
        rows = [r for k in kinds for r in store.list_records(kind=k, role=role if k == "figure" else None, doc=doc)]
        scope = f"{what}{f' ({role})' if role else ''} of {doc}"
        return sum(r.get("status") != "pending" for r in rows), len(rows), scope
    total = sum(store.count_records(kind=k) for k in kinds)
    done = total - sum(store.count_records(status="pending", kind=k) for k in kinds)
    return done, total, what + (" (all roles)" if role else "")


def log_rows(entries: list[dict[str, Any]], limit: int = 10) -> list[dict[str, Any]]:
    """The latest `limit` review-log entries, newest first, flattened for a table."""
    out = []
    for e in sorted(entries, key=lambda e: e.get("id") or 0, reverse=True)[:limit]:
        out.append({"at": e.get("at"), "reviewer": e.get("reviewer"), "action": e.get("action"),
                    "record": e.get("rid"), "doc": e.get("doc")})
    return out


def pending_queue(store: Any, *, kind: str | None = None, role: str | None = None, doc: str | None = None,
                  flagged: bool = False, limit: int = 11) -> list[dict[str, Any]]:
    """Pending figures and legal references, least confident first (page leftovers left out).

    `flagged`: instead, the reviewed records whose document changed since their review
    (a re-ingest could not match them): they need a second look whatever their status.
    """
    kinds = [kind] if kind else list(REVIEWED_KINDS)
    status, flag = (None, True) if flagged else ("pending", None)
    rows = [r for k in kinds
            for r in store.list_records(status=status, kind=k, role=role if k == "figure" else None, doc=doc,
                                        flagged=flag, order="confidence", limit=limit)]
    rows.sort(key=lambda r: (r.get("confidence") if r.get("confidence") is not None else 1.0, r.get("rid") or 0))
    return rows[:limit]
