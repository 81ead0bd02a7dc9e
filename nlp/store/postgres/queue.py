"""The review queue in PostgreSQL: leases, as in SQLite (nlp/store/sqlite/queue.py).

SQLite has one writer at a time; here a transaction-level advisory lock makes claims take
turns, so two sessions (on one app server or several) can never pick the same record.
A claim is a couple of indexed reads and one write: taking turns costs little.
"""
from __future__ import annotations

from typing import Any

import psycopg

from ...records import REPORTED_KINDS

_QUEUE_LOCK = 0x501E3


def _filters(kind: str | None, role: str | None, doc: str | None) -> tuple[str, list[Any]]:
    where = ["r.type = ANY(%s)", "r.status = 'pending'", "d.version_of IS NULL"]
    params: list[Any] = [[kind] if kind else list(REPORTED_KINDS)]
    if role:
        where.append("(r.type != 'figure' OR r.role = %s)")
        params.append(role)
    if doc is not None:
        where.append("d.id = %s")
        params.append(doc)
    return " AND ".join(where), params


def claim_next(c: psycopg.Connection, reviewer: str, *, kind: str | None, role: str | None, doc: str | None,
               exclude: tuple[int, ...], ttl: float, now: float) -> int | None:
    c.execute("SELECT pg_advisory_xact_lock(%s)", (_QUEUE_LOCK,))
    cond, params = _filters(kind, role, doc)
    if exclude:
        cond += " AND r.rid != ALL(%s)"
        params.append(list(exclude))
    c.execute("DELETE FROM review_leases WHERE expires_at <= %s", (now,))
    held = c.execute(
        f"SELECT r.rid FROM review_leases l JOIN records r ON r.rid = l.rid JOIN documents d ON d.docno = r.docno "
        f"WHERE l.reviewer = %s AND {cond} ORDER BY r.confidence NULLS FIRST, r.rid LIMIT 1",
        (reviewer, *params)).fetchone()
    if held:
        c.execute("UPDATE review_leases SET expires_at = %s WHERE rid = %s", (now + ttl, held[0]))
        return held[0]
    c.execute("DELETE FROM review_leases WHERE reviewer = %s", (reviewer,))
    row = c.execute(
        f"SELECT r.rid FROM records r JOIN documents d ON d.docno = r.docno WHERE {cond} "
        "AND NOT EXISTS (SELECT 1 FROM review_leases l WHERE l.rid = r.rid) "
        "ORDER BY r.confidence NULLS FIRST, r.rid LIMIT 1", params).fetchone()
    if row is None:
        return None
    c.execute("INSERT INTO review_leases(rid, reviewer, expires_at) VALUES (%s, %s, %s)", (row[0], reviewer, now + ttl))
    return row[0]


def release(c: psycopg.Connection, reviewer: str, rid: int | None) -> int:
    if rid is None:
        return c.execute("DELETE FROM review_leases WHERE reviewer = %s", (reviewer,)).rowcount
    return c.execute("DELETE FROM review_leases WHERE reviewer = %s AND rid = %s", (reviewer, rid)).rowcount


def leases(c: psycopg.Connection, now: float) -> dict[int, dict[str, Any]]:
    return {rid: {"rid": rid, "reviewer": who, "expires_at": exp} for rid, who, exp in c.execute(
        "SELECT rid, reviewer, expires_at FROM review_leases WHERE expires_at > %s", (now,))}
