"""The review queue in SQLite: leases, so that two reviewers are never handed the same record.

`claim_next` runs in one write transaction (`BEGIN IMMEDIATE`: one writer at a time), so
the record it picks cannot be picked by another session meanwhile. A reviewer holds one
lease at a time: asking again returns the same record (its lease renewed) while it is
pending and fits the filters; otherwise the old lease is let go and the least confident
pending record nobody holds is taken. An expired lease is as good as none; a review of
the record ends its lease.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from ...records import REPORTED_KINDS


def _filters(kind: str | None, role: str | None, doc: str | None) -> tuple[str, list[Any]]:
    kinds = [kind] if kind else list(REPORTED_KINDS)
    where = [f"r.type IN ({','.join('?' * len(kinds))})", "r.status = 'pending'", "d.version_of IS NULL"]
    params: list[Any] = list(kinds)
    if role:  # a role narrows the figures; legal references have none
        where.append("(r.type != 'figure' OR r.role = ?)")
        params.append(role)
    if doc is not None:
        where.append("d.id = ?")
        params.append(doc)
    return " AND ".join(where), params


def claim_next(c: sqlite3.Connection, reviewer: str, *, kind: str | None, role: str | None, doc: str | None,
               exclude: tuple[int, ...], ttl: float, now: float) -> int | None:
    """The rid leased to `reviewer` (until now + ttl), or None when nothing is left for them."""
    cond, params = _filters(kind, role, doc)
    skip = ""
    if exclude:
        skip = f" AND r.rid NOT IN ({','.join('?' * len(exclude))})"
        params = [*params, *exclude]
    c.execute("DELETE FROM review_leases WHERE expires_at <= ?", (now,))
    held = c.execute(
        f"SELECT r.rid FROM review_leases l JOIN records r ON r.rid = l.rid JOIN documents d ON d.docno = r.docno "
        f"WHERE l.reviewer = ? AND {cond}{skip} ORDER BY r.confidence, r.rid LIMIT 1", (reviewer, *params)).fetchone()
    if held:
        c.execute("UPDATE review_leases SET expires_at = ? WHERE rid = ?", (now + ttl, held[0]))
        return held[0]
    c.execute("DELETE FROM review_leases WHERE reviewer = ?", (reviewer,))
    row = c.execute(
        f"SELECT r.rid FROM records r JOIN documents d ON d.docno = r.docno WHERE {cond}{skip} "
        "AND NOT EXISTS (SELECT 1 FROM review_leases l WHERE l.rid = r.rid) "
        "ORDER BY r.confidence, r.rid LIMIT 1", params).fetchone()
    if row is None:
        return None
    c.execute("INSERT INTO review_leases(rid, reviewer, expires_at) VALUES (?, ?, ?)", (row[0], reviewer, now + ttl))
    return row[0]


def release(c: sqlite3.Connection, reviewer: str, rid: int | None) -> int:
    if rid is None:
        return c.execute("DELETE FROM review_leases WHERE reviewer = ?", (reviewer,)).rowcount
    return c.execute("DELETE FROM review_leases WHERE reviewer = ? AND rid = ?", (reviewer, rid)).rowcount


def leases(c: sqlite3.Connection, now: float) -> dict[int, dict[str, Any]]:
    return {rid: {"rid": rid, "reviewer": who, "expires_at": exp} for rid, who, exp in c.execute(
        "SELECT rid, reviewer, expires_at FROM review_leases WHERE expires_at > ?", (now,))}
