"""Human review in PostgreSQL: accept / reject / correct (fields or span), records added by a
reviewer, bulk steps, undo, the append-only log, and carrying reviews over to a new version
of a document (nlp/store/reconcile.py).

The rules are the SQLite backend's (nlp/store/sqlite/review.py). What makes them hold
across processes here: a record's row is locked (`SELECT ... FOR UPDATE`) before its
version is compared, so of two sessions saving the same version at once one commits
and the other, once the lock is free, sees the new version and gets ConflictError (a bulk
step locks all its records, in rid order, before it compares); an undo takes a
per-reviewer advisory lock and an action can be undone only once (unique index on
`review_log.undoes`); the log and the bulk steps refuse UPDATE, DELETE and TRUNCATE
(triggers).
"""
from __future__ import annotations

import json
from typing import Any

import psycopg

from ...lang.fold import fold
from ...records import ACTIONS, FIELDS, REPORTED_KINDS, FieldError, check_changes, check_field, \
    record_from_dict
from ...spans import check_span
from ..errors import ConflictError, ValidationError
from ..interface import ADDED_SOURCE, SPAN_SOURCE
from ..reconcile import REVIEW_SOURCE, reconcile
from ..review_checks import checked_reviewer, conflict
from . import catalog, figure_index, indicators
from . import rows as R
from .rows import COLUMN, JOINED

_STATE = ("status", "version", "reviewer", "reviewed_at")
_SPAN = ("start", "end", "text", "sentence", "source")
_UNDO_LOCK = 0x501E1
UNDOABLE = ("accept", "reject", "correct", "add")
BULK_ACTIONS = ("accept", "reject")
CARRY_REVIEWER = "re-ingest"


def get(c: psycopg.Connection, rid: int, *, lock: bool = False) -> dict[str, Any] | None:
    row = c.execute(f"SELECT {R.SELECT} FROM {JOINED} WHERE r.rid = %s" + (" FOR UPDATE OF r" if lock else ""),
                    (rid,)).fetchone()
    return R.row_to_dict(row) if row else None


def _doc_of(c: psycopg.Connection, rid: int) -> tuple[int, str]:
    return c.execute("SELECT d.docno, d.text FROM records r JOIN documents d ON d.docno = r.docno WHERE r.rid = %s",
                     (rid,)).fetchone()


def _write_fields(c: psycopg.Connection, rid: int, fields: dict[str, Any]) -> None:
    if not fields:
        return
    sets, params = [], []
    for k, v in fields.items():
        if k == "sentence":
            s = v or (None, None)
            sets += ["sent_start = %s", "sent_end = %s"]
            params += [s[0], s[1]]
            continue
        sets.append(f"{COLUMN.get(k, k)} = %s")
        params.append(json.dumps(v, ensure_ascii=False) if k == "relations" else v)
        if k == "unit":
            sets.append("unit_key = %s")
            params.append(fold(v) if v else None)
    c.execute(f"UPDATE records SET {', '.join(sets)} WHERE rid = %s", (*params, rid))


def _snapshot(d: dict[str, Any]) -> dict[str, Any]:
    out = {**R.record_fields(d), **{k: d.get(k) for k in _SPAN}, **{k: d.get(k) for k in _STATE}}
    out["sentence"] = list(d.get("sentence") or (None, None))
    return out


def _after_change(c: psycopg.Connection, before: dict[str, Any], fields: dict[str, Any]) -> None:
    """Keep the derived indexes in step with a changed record."""
    if before["type"] == "figure" and "indicator" in fields:
        figure_index.index_figure(c, before["rid"], fields["indicator"])
    elif before["type"] == "figure" and "unit" in fields:  # a group is (indicator key, unit)
        indicators.key_record(c, before["rid"])
    if before["type"] == "legal_ref":
        docno = c.execute("SELECT docno FROM records WHERE rid = %s", (before["rid"],)).fetchone()[0]
        catalog.refresh_document(c, docno)


def _append(c: psycopg.Connection, rid: int, doc: str, action: str, old: dict | None, new: dict | None,
            reviewer: str, at: str, undoes: int | None = None, batch: int | None = None) -> None:
    c.execute("INSERT INTO review_log(rid, doc, action, old, new, reviewer, at, undoes, batch) "
              "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
              (rid, doc, action, json.dumps(old, ensure_ascii=False), json.dumps(new, ensure_ascii=False),
               reviewer, at, undoes, batch))


def _set_state(c: psycopg.Connection, rid: int, status: str, reviewer: str | None, at: str | None) -> None:
    c.execute("UPDATE records SET status = %s, version = version + 1, reviewer = %s, reviewed_at = %s WHERE rid = %s",
              (status, reviewer, at, rid))
    c.execute("DELETE FROM review_leases WHERE rid = %s", (rid,))


def _span_fields(c: psycopg.Connection, before: dict[str, Any], span: dict[str, Any]) -> dict[str, Any]:
    text = _doc_of(c, before["rid"])[1]
    start, end = span.get("start", before["start"]), span.get("end", before["end"])
    try:
        new = check_span(text, start, end, span.get("sentence"))
    except FieldError as exc:
        raise ValidationError(str(exc)) from None
    if (new["start"], new["end"]) == (before["start"], before["end"]) and "sentence" not in span:
        return {}
    if not str(before.get("source") or "").startswith(REVIEW_SOURCE):
        new["source"] = SPAN_SOURCE
    return new


def review(c: psycopg.Connection, rid: int, action: str, *, reviewer: str, expected_version: int,
           changes: dict[str, Any] | None, at: str) -> None:
    if action not in ACTIONS:
        raise ValidationError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    reviewer = checked_reviewer(reviewer)
    before = get(c, rid, lock=True)  # held until commit: the version compared is the one overwritten
    if before is None:
        raise ValidationError(f"no record {rid}")
    if before["version"] != expected_version:
        raise conflict(before, expected_version)
    if action != "correct" and changes:
        raise ValidationError(f"'{action}' takes no changes; use 'correct' to change fields")
    fields: dict[str, Any] = {}
    if action == "correct":
        rest = dict(changes or {}) if isinstance(changes, dict) else changes
        span = {k: rest.pop(k) for k in ("start", "end", "sentence") if k in rest} if isinstance(rest, dict) else {}
        try:
            if rest or not span:
                fields = check_changes(before["type"], rest)  # type: ignore[arg-type]
        except FieldError as exc:
            raise ValidationError(str(exc)) from None
        if span:
            fields.update(_span_fields(c, before, span))
        if not fields:
            raise ValidationError("a correction needs at least one changed field (the span is the same)")
    _write_fields(c, rid, fields)
    _set_state(c, rid, ACTIONS[action], reviewer, at)
    _after_change(c, before, fields)
    after = get(c, rid)
    _append(c, rid, before["doc"], action, _snapshot(before), _snapshot(after), reviewer, at)  # type: ignore[arg-type]


# ---------------------------------------------------------------- records added by a reviewer
def add_record(c: psycopg.Connection, doc_id: str, record: dict[str, Any], *, reviewer: str, at: str) -> int:
    reviewer = checked_reviewer(reviewer)
    if not isinstance(record, dict):
        raise ValidationError("a record to add is a dict with type, start, end and its fields")
    kind = record.get("type")
    if kind not in REPORTED_KINDS:
        raise ValidationError(f"a reviewer adds a figure or a legal_ref, not {kind!r}")
    row = c.execute("SELECT docno, text, version_of FROM documents WHERE id = %s FOR SHARE", (doc_id,)).fetchone()
    if row is None:
        raise ValidationError(f"no document {doc_id!r}")
    if row[2] is not None:
        cur = c.execute("SELECT id FROM documents WHERE docno = %s", (row[2],)).fetchone()[0]
        raise ValidationError(f"{doc_id} is an earlier version of {cur}; add the record to the current version")
    docno, text = row[0], row[1]
    try:
        span = check_span(text, record.get("start"), record.get("end"), record.get("sentence"))
        if record.get("text") is not None and record["text"] != span["text"]:
            raise FieldError(f"the text {record['text']!r} is not what the document holds at "
                             f"{span['start']}–{span['end']} ({span['text']!r})")
        unknown = sorted(set(record) - {"type", "start", "end", "text", "sentence", *FIELDS[kind]})
        if unknown:
            raise FieldError(f"a {kind} has no field {', '.join(unknown)}")
        fields = {k: check_field(k, record[k]) for k in FIELDS[kind] if k in record}
        for need in ("value",) if kind == "figure" else ("doc_type", "number", "id"):
            if fields.get(need) in (None, ""):
                check_field(need, None)
    except FieldError as exc:
        raise ValidationError(str(exc)) from None
    same = c.execute("SELECT rid FROM records WHERE docno = %s AND type = %s AND start = %s AND \"end\" = %s "
                     "AND status != 'rejected'", (docno, kind, span["start"], span["end"])).fetchone()
    if same:
        raise ValidationError(f"record #{same[0]} already marks this span; correct that one instead")
    full = record_from_dict({"type": kind, **span, "confidence": 1.0, "source": ADDED_SOURCE, **fields}).to_dict()
    rid = c.execute(R.INSERT_SQL + " RETURNING rid", R.insert_values(docno, full)).fetchone()[0]
    c.execute("UPDATE records SET status = 'corrected', reviewer = %s, reviewed_at = %s WHERE rid = %s",
              (reviewer, at, rid))
    after = get(c, rid)
    _after_change(c, after, {"indicator": after.get("indicator")} if kind == "figure" else {})  # type: ignore[arg-type]
    _append(c, rid, after["doc"], "add", None, _snapshot(after), reviewer, at)  # type: ignore[index]
    return rid


# ---------------------------------------------------------------- bulk steps
def bulk_scope(c: psycopg.Connection, *, legal_id: str | None, doc: str | None) -> list[dict[str, Any]]:
    if (legal_id is None) == (doc is None):
        raise ValidationError("a bulk step covers one legal document or one document: name exactly one")
    if doc is not None:
        row = c.execute("SELECT version_of FROM documents WHERE id = %s", (doc,)).fetchone()
        if row is None:
            raise ValidationError(f"no document {doc!r}")
        if row[0] is not None:
            raise ValidationError(f"{doc} is an earlier version: its records are not reviewed in bulk")
        cond, params = "d.id = %s AND r.type IN ('figure', 'legal_ref')", [doc]
    else:
        lid = catalog.resolve(c, legal_id) or legal_id  # type: ignore[arg-type]
        cond, params = "r.type = 'legal_ref' AND (r.legal_id = ANY(%s) OR r.refers_to = %s)", \
            [[lid, *catalog.aliases(c, lid)], lid]
    return [R.row_to_dict(r) for r in c.execute(
        f"SELECT {R.SELECT} FROM {JOINED} WHERE {cond} AND r.status = 'pending' AND d.version_of IS NULL "
        "ORDER BY d.id, r.start, r.rid", params)]


def bulk_review(c: psycopg.Connection, action: str, targets: dict[int, int], *, reviewer: str, scope: str,
                at: str) -> dict[str, Any]:
    if action not in BULK_ACTIONS:
        raise ValidationError(f"a bulk step accepts or rejects, not {action!r}")
    reviewer = checked_reviewer(reviewer)
    scope = str(scope or "").strip() or "selected records"
    targets = {int(k): int(v) for k, v in targets.items()}
    rids = sorted(targets)
    if rids:  # every row of the step locked first, in one order (no deadlock with another step)
        c.execute("SELECT rid FROM records WHERE rid = ANY(%s) ORDER BY rid FOR UPDATE", (rids,))
    done, skipped = [], []
    for rid in rids:
        before = get(c, rid)
        if before is None or before["version"] != targets[rid] or before["status"] != "pending":
            skipped.append(rid)
        else:
            done.append(before)
    if not done:
        return {"batch": None, "action": action, "scope": scope, "done": [], "skipped": skipped}
    batch = c.execute("INSERT INTO review_batches(action, scope, reviewer, n, at) VALUES (%s, %s, %s, %s, %s) "
                      "RETURNING id", (action, scope, reviewer, len(done), at)).fetchone()[0]
    legal_docs = set()
    for before in done:
        _set_state(c, before["rid"], ACTIONS[action], reviewer, at)
        after = get(c, before["rid"])
        _append(c, before["rid"], before["doc"], action, _snapshot(before), _snapshot(after),  # type: ignore[arg-type]
                reviewer, at, batch=batch)
        if before["type"] == "legal_ref":
            legal_docs.add(_doc_of(c, before["rid"])[0])
    for docno in sorted(legal_docs):
        catalog.refresh_document(c, docno)
    return {"batch": batch, "action": action, "scope": scope, "done": [d["rid"] for d in done], "skipped": skipped}


# ---------------------------------------------------------------- undo
def _restore(c: psycopg.Connection, entry: dict[str, Any], reviewer: str, at: str, batch: int | None) -> None:
    rid, old = entry["rid"], entry["old"]
    current = get(c, rid)
    if old is None:  # an added record: withdrawn (kept, rejected)
        _set_state(c, rid, "rejected", reviewer, at)
        fields: dict[str, Any] = {}
    else:
        fields = {k: v for k, v in old.items() if k not in _STATE}
        _write_fields(c, rid, fields)
        _set_state(c, rid, old["status"], old["reviewer"], old["reviewed_at"])
    _after_change(c, current, fields if old is not None else {"indicator": None})  # type: ignore[arg-type]
    after = get(c, rid)
    _append(c, rid, current["doc"], "undo", _snapshot(current), _snapshot(after), reviewer, at,  # type: ignore[index]
            undoes=entry["id"], batch=batch)


def _check_undoable(c: psycopg.Connection, entry: dict[str, Any]) -> None:
    rid, new = entry["rid"], entry["new"]
    current = get(c, rid, lock=True)
    if current is None:
        raise ValidationError(f"record {rid} no longer exists; nothing to undo")
    snap = _snapshot(current)
    unchanged = all(snap.get(k) == v for k, v in new.items() if k != "version")
    if current["version"] != new["version"] and not unchanged:
        raise ConflictError(f"record {rid} was changed after your action (by {current['reviewer'] or 'a re-ingest'}); "
                            "undo is not possible", current)


def undo(c: psycopg.Connection, reviewer: str, *, at: str) -> list[int] | None:
    c.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_UNDO_LOCK, reviewer))
    row = c.execute(
        "SELECT l.id, l.batch FROM review_log l JOIN records r ON r.rid = l.rid JOIN documents d ON d.docno = r.docno "
        "WHERE l.reviewer = %s AND l.action = ANY(%s) AND d.version_of IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM review_log u WHERE u.undoes = l.id) ORDER BY l.id DESC LIMIT 1",
        (reviewer, list(UNDOABLE))).fetchone()
    if row is None:
        return None
    log_id, batch = row
    where, param = ("l.batch = %s", batch) if batch is not None else ("l.id = %s", log_id)
    entries = _entries(c, f"WHERE {where} AND NOT EXISTS (SELECT 1 FROM review_log u WHERE u.undoes = l.id) "
                          "AND EXISTS (SELECT 1 FROM records r JOIN documents d ON d.docno = r.docno "
                          "WHERE r.rid = l.rid AND d.version_of IS NULL) ORDER BY l.id", (param,))
    for e in sorted(entries, key=lambda e: e["rid"]):
        _check_undoable(c, e)
    undo_batch = None
    if batch is not None:
        scope = c.execute("SELECT scope FROM review_batches WHERE id = %s", (batch,)).fetchone()[0]
        undo_batch = c.execute("INSERT INTO review_batches(action, scope, reviewer, n, at, undoes) "
                               "VALUES ('undo', %s, %s, %s, %s, %s) RETURNING id",
                               (scope, reviewer, len(entries), at, batch)).fetchone()[0]
    for e in entries:
        _restore(c, e, reviewer, at, undo_batch)
    return [e["rid"] for e in entries]


# ---------------------------------------------------------------- the log
_LOG_NAMES = ("id", "rid", "doc", "action", "old", "new", "reviewer", "at", "undoes", "batch")


def _entries(c: psycopg.Connection, tail: str, params: tuple) -> list[dict[str, Any]]:
    out = []
    for r in c.execute(f"SELECT {', '.join('l.' + n for n in _LOG_NAMES)} FROM review_log l {tail}", params):
        d = dict(zip(_LOG_NAMES, r))
        d["old"], d["new"] = json.loads(d["old"] or "null"), json.loads(d["new"] or "null")
        out.append(d)
    return out


def log(c: psycopg.Connection, rid: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    if rid is not None:
        return _entries(c, "WHERE l.rid = %s ORDER BY l.id", (rid,))
    if limit is not None:
        return _entries(c, "WHERE l.id IN (SELECT id FROM review_log ORDER BY id DESC LIMIT %s) ORDER BY l.id",
                        (limit,))
    return _entries(c, "ORDER BY l.id", ())


def batches(c: psycopg.Connection, limit: int) -> list[dict[str, Any]]:
    names = ("id", "action", "scope", "reviewer", "n", "at", "undoes")
    return [dict(zip(names, r)) for r in c.execute(
        f"SELECT {', '.join(names)} FROM review_batches ORDER BY id DESC LIMIT %s", (limit,))]


def reviewer_counts(c: psycopg.Connection) -> list[dict[str, Any]]:
    names = {"accept": "accepted", "reject": "rejected", "correct": "corrected", "add": "added", "undo": "undone"}
    out: dict[str, dict[str, Any]] = {}

    def row(who: str) -> dict[str, Any]:
        return out.setdefault(who, {"reviewer": who, **{v: 0 for v in names.values()}, "bulk_steps": 0, "last": None})

    for who, action, n, last in c.execute(
            "SELECT l.reviewer, l.action, count(*), max(l.at) FROM review_log l "
            "WHERE l.action IN ('accept', 'reject', 'correct', 'add', 'undo') AND (l.action = 'undo' OR NOT EXISTS "
            "(SELECT 1 FROM review_log u WHERE u.undoes = l.id)) GROUP BY l.reviewer, l.action"):
        r = row(who)
        r[names[action]] += n
        r["last"] = max(filter(None, (r["last"], last)), default=None)
    for who, n in c.execute("SELECT reviewer, count(*) FROM review_batches WHERE action != 'undo' GROUP BY reviewer"):
        row(who)["bulk_steps"] = n
    for r in out.values():
        r["reviewed"] = r["accepted"] + r["rejected"] + r["corrected"] + r["added"]
    return sorted(out.values(), key=lambda r: (-r["reviewed"], r["reviewer"]))


# ---------------------------------------------------------------- carrying reviews to a new version
def carry_reviews(c: psycopg.Connection, kept: list[dict[str, Any]], new: list[dict[str, Any]],
                  old_text: str, new_text: str) -> tuple[list[dict[str, Any]], list[tuple[dict, dict]], int]:
    r = reconcile(kept, new, old_text, new_text)
    for old, _ in r.lost:
        c.execute("UPDATE records SET flagged = 1 WHERE rid = %s", (old["rid"],))
    return r.fresh, r.moved, len(r.lost)


def insert_carried(c: psycopg.Connection, docno: int, carried: list[tuple[dict, dict]], at: str) -> None:
    for old, cand in carried:
        rec = {**{k: old.get(k) for k in ("type", "confidence", "source", *FIELDS.get(old["type"], ()))},
               "start": cand["start"], "end": cand["end"], "text": cand["text"],
               "sentence": cand.get("sentence") or old.get("sentence")}
        rid = c.execute(R.INSERT_SQL + " RETURNING rid", R.insert_values(docno, rec)).fetchone()[0]
        c.execute("UPDATE records SET status = %s, reviewer = %s, reviewed_at = %s WHERE rid = %s",
                  (old["status"], old["reviewer"], old["reviewed_at"], rid))
        after = get(c, rid)
        _append(c, rid, after["doc"], "carry", {"rid": old["rid"], "doc": old["doc"], **_snapshot(old)},  # type: ignore[index]
                _snapshot(after), old["reviewer"] or CARRY_REVIEWER, at)  # type: ignore[arg-type]
