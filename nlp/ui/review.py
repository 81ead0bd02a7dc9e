"""The Review page's logic: which fields are editable, how form strings become values.

A correction is checked here before it reaches the store (which checks again and has
the last word) with the same checks, those of the record contract (nlp.records): a value
must be a number, a role one of the three, a year a year, an issue date an ISO date.
What a form adds is reading typed strings: numbers the Vietnamese way (`50.350`,
`22,4`) by the extractor's own numeral reader (nlp.lang.numbers), with a sign and
spaces between digit groups allowed.
"""
from __future__ import annotations

import math
import re
from typing import Any

from ..lang.numbers import parse_number as parse_numeral
from ..records import ACTIONS, COMPARATORS, FIELDS, REPORTED_KINDS, ROLES, check_field
from ..store.interface import ADDED_SOURCE

CHOICES = {"role": ROLES, "comparator": COMPARATORS}
# The canonical id is what a reviewer checks first; relations are not edited in a form.
_FORM_FIRST = ("id",)
_NOT_IN_FORM = ("relations",)


def _form_fields(kind: str) -> tuple[str, ...]:
    own = [f for f in FIELDS.get(kind, ()) if f not in _NOT_IN_FORM]
    return (*[f for f in _FORM_FIRST if f in own], *[f for f in own if f not in _FORM_FIRST])


_EDITABLE = {kind: _form_fields(kind) for kind in REPORTED_KINDS}  # ignored regions are not reviewed


def editable_fields(record: dict[str, Any]) -> tuple[str, ...]:
    """The form fields of a record, in form order (none for an ignored region)."""
    return _EDITABLE.get(record.get("type"), ())


def parse_number(text: str) -> float | None:
    """A typed number -> float; None for blank; ValueError when it is not a number."""
    s = re.sub(r"[\s\u00a0]", "", text or "")
    if not s:
        return None
    sign = -1.0 if s[0] == "-" else 1.0
    v = parse_numeral(s[1:] if s[0] in "+-" else s)
    if v is None:
        raise ValueError(f"{text!r} is not a number (write e.g. 50.350 or 22,4)")
    return sign * v


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


def _parse_field(field: str, raw: str) -> Any:
    """One form string -> the record's value for `field`; ValueError (FieldError) with the reason."""
    return check_field(field, parse_number(raw) if field in ("value", "total") else raw)


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


class Outcome(dict):
    """What the page tells the user after an action: level (success|info|warning|error),
    message, `record` (as stored after the action, or the current one on a conflict),
    `focus` (keep this record on screen: a conflict or an invalid correction) and `kept`
    (the correction the user typed and a conflict refused: {field: typed text}, to show
    again on the current version so it can be re-applied)."""

    def __init__(self, level: str, message: str, record: dict | None = None, focus: bool = False,
                 kept: dict[str, str] | None = None):
        super().__init__(level=level, message=message, record=record, focus=focus, kept=kept or {})


def kept_edits(record: dict[str, Any], form: dict[str, str] | None) -> dict[str, str]:
    """The fields the user typed something else into than `record` showed: {field: typed}."""
    out = {}
    for field in editable_fields(record):
        if form and field in form and str(form[field]).strip() != form_value(record, field).strip():
            out[field] = str(form[field])
    return out


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
    if action not in ACTIONS:
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
        kept = kept_edits(record, form) if action == "correct" else {}
        again = (" Your correction is kept in the form below: save it again to apply it to the current version."
                 if kept else "")
        return Outcome("warning", f"Record #{rid} was changed by someone else while you looked at it; "
                                  f"nothing was overwritten. Now: {_fmt_current(cur)}.{again}", cur, True, kept)
    except ValidationError as exc:
        return Outcome("error", f"Not saved: {exc}", record, True)
    except StoreError as exc:
        return Outcome("error", f"Not saved: {exc}", record, True)
    what = ACTIONS[action]
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
    n = int(rec.get("undone") or 1)
    if n > 1:
        return Outcome("success", f"Undone: a bulk step of {n} records; they are {rec['status']} again.", rec, True)
    if rec.get("source") == ADDED_SOURCE and rec.get("status") == "rejected":
        return Outcome("success", f"Undone: the record #{rec['rid']} you added is withdrawn.", rec, False)
    return Outcome("success", f"Undone: record #{rec['rid']} is {rec['status']} again.", rec, True)


def progress(store: Any, *, kind: str | None = None, role: str | None = None,
             doc: str | None = None) -> tuple[int, int, str]:
    """(reviewed, total, what was counted) for the progress bar.

    Counted with `count_records` (fast on a 35k-document corpus) by kind; a document
    filter is counted exactly from its few records. A role filter alone is not: the
    store has no count by role, and listing 200k records on every click is too slow.
    """
    kinds = [kind] if kind else list(REPORTED_KINDS)
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
    kinds = [kind] if kind else list(REPORTED_KINDS)
    status, flag = (None, True) if flagged else ("pending", None)
    rows = [r for k in kinds
            for r in store.list_records(status=status, kind=k, role=role if k == "figure" else None, doc=doc,
                                        flagged=flag, order="confidence", limit=limit)]
    rows.sort(key=lambda r: (r.get("confidence") if r.get("confidence") is not None else 1.0, r.get("rid") or 0))
    return rows[:limit]


# ---------------------------------------------------------------- the queue with leases
def next_record(store: Any, reviewer: str, *, kind: str | None = None, role: str | None = None,
                doc: str | None = None, exclude: tuple[int, ...] = ()) -> tuple[dict[str, Any] | None, str | None]:
    """(the record to show, a note). With a reviewer: the next pending record, leased to them
    (nobody else is handed it meanwhile). Without one: the head of the queue, not leased,
    and a note saying so. Never raises (a store error is the note)."""
    from ..store import StoreError

    reviewer = (reviewer or "").strip()
    try:
        if reviewer:
            return store.claim_next(reviewer, kind=kind, role=role, doc=doc, exclude=tuple(exclude)), None
        head = pending_queue(store, kind=kind, role=role, doc=doc, limit=1)
        return (head[0] if head else None), "Not reserved for you: enter your name to be handed records of your own."
    except StoreError as exc:
        return None, f"The queue cannot be read: {exc}"


def lease_note(record: dict[str, Any], reviewer: str, leases: dict[int, dict], now: float) -> str:
    """`reserved for you for 10 more minutes` / `reserved by Huy for 3 more minutes` / ``."""
    lease = leases.get(record.get("rid")) if leases else None
    if not lease or record.get("status") != "pending":
        return ""
    left = max(1, int(round((float(lease["expires_at"]) - now) / 60)))
    minutes = f"{left} more minute{'s' * (left != 1)}"
    if lease["reviewer"] == (reviewer or "").strip():
        return f"reserved for you for {minutes}"
    return f"reserved by {lease['reviewer']} for {minutes}"


# ---------------------------------------------------------------- records added by review, span fixes
def add_selected(store: Any, doc: str, kind: str, start: int, end: int, form: dict[str, str],
                 reviewer: str) -> Outcome:
    """Store the record a reviewer marked in `doc` (text[start:end]) with the fields typed in
    `form` (read like a correction). Never raises."""
    from ..store import StoreError

    reviewer = (reviewer or "").strip()
    if not reviewer:
        return Outcome("error", "Enter your name as reviewer first (sidebar): every action is signed.")
    if kind not in REPORTED_KINDS:
        return Outcome("error", f"a reviewer adds a figure or a legal reference, not {kind!r}")
    fields, errors = validate_edit({"type": kind}, form or {})
    if errors:
        return Outcome("error", "Not added: " + "; ".join(f"{f}: {e}" for f, e in errors.items()))
    try:
        rec = store.add_record(doc, {"type": kind, "start": int(start), "end": int(end), **fields}, reviewer=reviewer)
    except StoreError as exc:
        return Outcome("error", f"Not added: {exc}")
    what = "figure" if kind == "figure" else "legal reference"
    return Outcome("success", f"Added {what} #{rec['rid']} «{rec['text']}» (marked as added by review).", rec, True)


def fix_span(store: Any, record: dict[str, Any], start: int, end: int, reviewer: str) -> Outcome:
    """Make text[start:end] the span of `record` (as the user saw it). Never raises."""
    from ..store import ConflictError, StoreError

    reviewer = (reviewer or "").strip()
    if not reviewer:
        return Outcome("error", "Enter your name as reviewer first (sidebar): every action is signed.", record, True)
    try:
        new = store.review(record["rid"], "correct", reviewer=reviewer, expected_version=int(record.get("version") or 0),
                           changes={"start": int(start), "end": int(end)})
    except ConflictError as exc:
        cur = exc.current or record
        return Outcome("warning", f"Record #{record['rid']} was changed by someone else meanwhile; its span was not "
                                  f"changed. Now: {_fmt_current(cur)}.", cur, True)
    except StoreError as exc:
        return Outcome("error", f"Span not changed: {exc}", record, True)
    return Outcome("success", f"Record #{new['rid']} now marks «{new['text']}».", new, True)
