"""Facts read from the sentences citing a legal document, in PostgreSQL: the SQLite backend's
design and reading (nlp/store/sqlite/legal_facts.py: `facts_of`, the vote), with this
server's SQL. catalog.entry adds them to a catalogue entry."""
from __future__ import annotations

from typing import Any

import psycopg

from ...legal_facts import facts_version
from ..sqlite.legal_facts import META_KEY, _vote, facts_of
from . import rows as R
from .rows import JOINED


def refresh_document(conn: psycopg.Connection, docno: int, refs: list[dict[str, Any]]) -> None:
    conn.execute("DELETE FROM legal_facts WHERE docno = %s", (docno,))
    rows = []
    for r in refs:
        lid = (r.get("id") or "").strip()
        if not lid or r.get("status") == "rejected" or r.get("rid") is None:
            continue
        f = facts_of(r)
        if f.any():
            rows.append((docno, r["rid"], lid, f.title, f.issued, f.issuer, ",".join(f.rules)))
    if rows:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO legal_facts(docno, rid, legal_id, title, issued, issuer, rules) "
                            "VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)


def facts_changed(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = %s", (META_KEY,)).fetchone()
    return row is None or row[0] != facts_version()


def refresh_all(conn: psycopg.Connection) -> None:
    conn.execute("DELETE FROM legal_facts")
    docnos = [d for (d,) in conn.execute(
        "SELECT DISTINCT r.docno FROM records r JOIN documents d ON d.docno = r.docno "
        "WHERE r.type = 'legal_ref' AND d.version_of IS NULL ORDER BY 1")]
    for docno in docnos:
        refs = [R.row_to_dict(r) for r in conn.execute(
            f"SELECT {R.SELECT} FROM {JOINED} WHERE r.docno = %s AND r.type = 'legal_ref'", (docno,))]
        refresh_document(conn, docno, refs)
    conn.execute("INSERT INTO meta(key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 (META_KEY, facts_version()))


def stated(conn: psycopg.Connection, legal_id: str, aliases: list[str]) -> dict[str, Any]:
    """As nlp/store/sqlite/legal_facts.stated: the id's own statements, and under "alias" its aliases'."""
    ids = [legal_id, *aliases]
    rows = conn.execute(
        "SELECT f.legal_id, f.title, f.issued, f.issuer, d.id, f.rid FROM legal_facts f "
        "JOIN documents d ON d.docno = f.docno JOIN records r ON r.rid = f.rid "
        "WHERE f.legal_id = ANY(%s) AND d.duplicate_of IS NULL AND d.version_of IS NULL AND r.status != 'rejected' "
        "ORDER BY d.date IS NULL, d.date, d.id, f.rid", (ids,)).fetchall()

    def fields(rows: list[tuple]) -> dict[str, Any]:
        out: dict[str, Any] = {"title": None, "issued": None, "issuer": None, "title_from": None}
        for i, name in ((1, "title"), (2, "issued"), (3, "issuer")):
            vote = _vote([(r[i], r[4], r[5]) for r in rows if r[i]])
            if vote:
                out[name] = vote[0]
                if name == "title":
                    out["title_from"] = {"doc": vote[1], "rid": vote[2]}
        return out

    return {**fields([r for r in rows if r[0] == legal_id]), "alias": fields([r for r in rows if r[0] != legal_id])}
