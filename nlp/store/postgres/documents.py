"""Documents in PostgreSQL: storing one with its records (one transaction, by the caller), reading them."""
from __future__ import annotations

from typing import Any

import psycopg

from ..errors import ValidationError
from ..interface import version_id
from ..prepared import Prepared, prepare
from . import catalog, figure_index, fulltext, neardup, new_document, review
from . import rows as R
from .rows import JOINED

_COLUMNS = ("id", "path", "title", "date", "source", "sha256", "ingested_at", "updated_at")
_SELECT = ", ".join("d." + c for c in _COLUMNS)
_NEWEST_FIRST = "ORDER BY d.date IS NULL, d.date DESC, d.docno DESC"
CURRENT = "d.version_of IS NULL"  # a document's current version (earlier ones are rows of their own)
_N_RECORDS = "(SELECT count(*) FROM records r WHERE r.docno = d.docno)"


def doc_id(c: psycopg.Connection, docno: int | None) -> str | None:
    if docno is None:
        return None
    row = c.execute("SELECT id FROM documents WHERE docno = %s", (docno,)).fetchone()
    return row[0] if row else None


def add(c: psycopg.Connection, doc: Any, records: list[dict[str, Any]], prepared: Prepared | None,
        stamp: str) -> dict:
    """Store.add_document inside the caller's write transaction (`prepared` None: computed here).

    Same id, new content: the stored version moves to a row of its own (`<id>@v<n>`) with
    its records and their review history; the document keeps its docno and takes the new
    text as version n+1 (as in SQLite: nlp/store/sqlite/documents.py).
    """
    row = c.execute("SELECT docno, sha256, title, text, duplicate_of, version_no, version_of FROM documents "
                    "WHERE id = %s FOR UPDATE", (doc.id,)).fetchone()
    if row and row[6] is not None:
        raise ValidationError(f"{doc.id!r} is the id of an earlier version of {doc_id(c, row[6])!r}; "
                              "store the document under another id")
    if row and row[1] == doc.sha256:
        n = c.execute("SELECT count(*), sum(flagged) FROM records WHERE docno = %s", (row[0],)).fetchone()
        return {"doc": doc.id, "status": "unchanged", "records": n[0], "flagged": int(n[1] or 0),
                "duplicate_of": doc_id(c, row[4]), "version": row[5], "previous": None, "carried": 0}
    prepared = prepared or prepare(doc.text)
    if row is None:  # a document never seen (an ingest's usual case): the same result in fewer round trips
        return new_document.add(c, doc, records, prepared, stamp)
    previous, kept, old_text = None, [], ""
    if row:
        docno, status, version = row[0], "updated", row[5] + 1
        # The records are locked with the document: a review cannot slip in meanwhile.
        c.execute("SELECT rid FROM records WHERE docno = %s ORDER BY rid FOR UPDATE", (docno,))
        previous, old_text = _archive(c, docno, doc.id, row[5]), row[3]
        kept = [R.row_to_dict(r) for r in c.execute(
            f"SELECT {R.SELECT} FROM {JOINED} WHERE d.id = %s AND r.status != 'pending' AND r.type != 'ignore' "
            "ORDER BY r.rid", (previous,))]
        c.execute("UPDATE documents SET path=%s, title=%s, date=%s, source=%s, sha256=%s, text=%s, updated_at=%s, "
                  "version_no=%s WHERE docno = %s",
                  (doc.path, doc.title, doc.date, doc.source, doc.sha256, doc.text, stamp, version, docno))
    else:
        status, version = "new", 1
        docno = c.execute(
            "INSERT INTO documents(id, path, title, date, source, sha256, text, ingested_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING docno",
            (doc.id, doc.path, doc.title, doc.date, doc.source, doc.sha256, doc.text, stamp, stamp)).fetchone()[0]
    fulltext.index_document(c, docno, doc.title, doc.text, prepared.folded)
    fresh, carried, flagged = review.carry_reviews(c, kept, records, old_text, doc.text)
    if fresh:
        with c.cursor() as cur:
            cur.executemany(R.INSERT_SQL, [R.insert_values(docno, d) for d in fresh])
    review.insert_carried(c, docno, carried, stamp)
    figure_index.index_figures(c, docno)
    catalog.refresh_document(c, docno)
    original = neardup.link(c, docno, doc.sha256, prepared.signature)
    return {"doc": doc.id, "status": status, "records": len(fresh) + len(carried), "flagged": flagged,
            "duplicate_of": doc_id(c, original), "version": version, "previous": previous,
            "carried": len(carried)}


def _archive(c: psycopg.Connection, docno: int, id_: str, version: int) -> str:
    """Move the stored version of document `docno` to a row of its own, with its records; its id."""
    vid = version_id(id_, version)
    while c.execute("SELECT 1 FROM documents WHERE id = %s", (vid,)).fetchone():  # a document named so already
        vid += "'"
    archived = c.execute(
        "INSERT INTO documents(id, path, title, date, source, sha256, text, ingested_at, updated_at, version_no, "
        "version_of) SELECT %s, path, title, date, source, sha256, text, updated_at, updated_at, version_no, docno "
        "FROM documents WHERE docno = %s RETURNING docno", (vid, docno)).fetchone()[0]
    c.execute("DELETE FROM figure_index WHERE rid IN (SELECT rid FROM records WHERE docno = %s)", (docno,))
    c.execute("DELETE FROM review_leases WHERE rid IN (SELECT rid FROM records WHERE docno = %s)", (docno,))
    c.execute("UPDATE records SET docno = %s WHERE docno = %s", (archived, docno))
    catalog.update_for_document(c, docno, [])  # re-derived from the new records
    return vid


def versions(c: psycopg.Connection, id_: str) -> list[dict]:
    """Every version of the document `id_` (the current id or an earlier version's), oldest first."""
    row = c.execute("SELECT COALESCE(version_of, docno) FROM documents WHERE id = %s", (id_,)).fetchone()
    if row is None:
        return []
    names = ("id", "version", "sha256", "title", "stored_at", "records", "current")
    return [dict(zip(names, r)) for r in c.execute(
        "SELECT d.id, d.version_no, d.sha256, d.title, d.updated_at, "
        "(SELECT count(*) FROM records r WHERE r.docno = d.docno AND r.type != 'ignore'), d.version_of IS NULL "
        "FROM documents d WHERE d.docno = %s OR d.version_of = %s ORDER BY d.version_no, d.docno", (row[0], row[0]))]


def get(c: psycopg.Connection, id_: str) -> dict | None:
    row = c.execute(
        f"SELECT {_SELECT}, d.text, o.id, {_N_RECORDS}, d.version_no, v.id "
        "FROM documents d LEFT JOIN documents o ON o.docno = d.duplicate_of "
        "LEFT JOIN documents v ON v.docno = d.version_of WHERE d.id = %s", (id_,)).fetchone()
    if row is None:
        return None
    out = dict(zip((*_COLUMNS, "text", "duplicate_of", "records", "version", "version_of"), row))
    out["duplicates"] = [r[0] for r in c.execute(
        "SELECT d.id FROM documents d JOIN documents o ON o.docno = d.duplicate_of WHERE o.id = %s ORDER BY d.docno",
        (id_,))]
    return out


def listing(c: psycopg.Connection, limit: int, offset: int) -> list[dict]:
    # The page is chosen first, so the per-document counts run for its rows only.
    rows = c.execute(
        f"SELECT {_SELECT}, o.id, {_N_RECORDS}, d.version_no "
        f"FROM (SELECT d.docno FROM documents d WHERE {CURRENT} {_NEWEST_FIRST} LIMIT %s OFFSET %s) AS page "
        "JOIN documents d ON d.docno = page.docno LEFT JOIN documents o ON o.docno = d.duplicate_of "
        f"{_NEWEST_FIRST}", (limit, offset)).fetchall()
    return [dict(zip((*_COLUMNS, "duplicate_of", "records", "version"), r)) for r in rows]


# ---------------------------------------------------------------- records
ORDERS = {
    # least confident first (unknown confidence before all, as SQLite sorts NULL first)
    "confidence": "r.confidence NULLS FIRST, r.rid",
    "position": "r.docno, r.start, r.rid",
    "reviewed": "r.reviewed_at DESC NULLS LAST, r.rid DESC",
    "rid": "r.rid",
}


def list_records(c: psycopg.Connection, *, status: Any, kind: str | None, role: str | None, doc: str | None,
                 order: str, limit: int | None, offset: int, flagged: bool | None) -> list[dict]:
    where, params = [], []
    if isinstance(status, (list, tuple)):
        where.append("r.status = ANY(%s)")
        params.append(list(status))
        status = None
    for col, val in (("r.status", status), ("r.type", kind), ("r.role", role), ("d.id", doc)):
        if val is not None:
            where.append(f"{col} = %s")
            params.append(val)
    if flagged is not None:
        where.append("r.flagged = %s")
        params.append(int(flagged))
    if doc is None and not flagged:
        where.append(CURRENT)  # the corpus is the current versions (see the SQLite backend)
    sql = f"SELECT {R.SELECT} FROM {JOINED}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {ORDERS.get(order, ORDERS['confidence'])}"
    if limit is not None or offset:
        sql += " LIMIT %s OFFSET %s"
        params += [limit, offset]
    return [R.row_to_dict(r) for r in c.execute(sql, params)]


def count_records(c: psycopg.Connection, *, status: str | None, kind: str | None) -> int:
    """Records of the current document versions: all (an index count) minus those of earlier versions."""
    where, params = [], []
    for col, val in (("r.status", status), ("r.type", kind)):
        if val is not None:
            where.append(f"{col} = %s")
            params.append(val)
    cond = " AND ".join(where)
    total = c.execute("SELECT count(*) FROM records r" + (f" WHERE {cond}" if cond else ""), params).fetchone()[0]
    earlier = c.execute("SELECT count(*) FROM documents d JOIN records r ON r.docno = d.docno "
                        "WHERE d.version_of IS NOT NULL" + (f" AND {cond}" if cond else ""), params).fetchone()[0]
    return total - earlier
