"""Documents in SQLite: storing one with its records (one transaction, by the caller), reading them."""
from __future__ import annotations

import sqlite3
from typing import Any

from ..errors import ValidationError
from ..interface import version_id
from ..prepared import Prepared, prepare
from . import catalog, figure_index, fulltext, neardup, review
from .rows import INSERT_SQL, JOINED, SELECT, insert_values, row_to_dict

_COLUMNS = ("id", "path", "title", "date", "source", "sha256", "ingested_at", "updated_at")
_SELECT = ", ".join("d." + c for c in _COLUMNS)
_NEWEST_FIRST = "ORDER BY d.date IS NULL, d.date DESC, d.docno DESC"
CURRENT = "d.version_of IS NULL"  # a document's current version (earlier ones are rows of their own)
_N_RECORDS = "(SELECT count(*) FROM records r WHERE r.docno = d.docno)"


def doc_id(c: sqlite3.Connection, docno: int | None) -> str | None:
    if docno is None:
        return None
    row = c.execute("SELECT id FROM documents WHERE docno = ?", (docno,)).fetchone()
    return row[0] if row else None


def add(c: sqlite3.Connection, doc: Any, records: list[dict[str, Any]], prepared: Prepared | None,
        stamp: str) -> dict:
    """Store.add_document inside the caller's write transaction (`prepared` None: computed here).

    Same id, new content: the stored version moves to a row of its own (`<id>@v<n>`) with
    its records and their review history; the document keeps its docno (full-text row,
    near-duplicate links, copies) and takes the new text as version n+1.
    """
    row = c.execute("SELECT docno, sha256, title, text, duplicate_of, version_no, version_of FROM documents "
                    "WHERE id = ?", (doc.id,)).fetchone()
    if row and row[6] is not None:
        raise ValidationError(f"{doc.id!r} is the id of an earlier version of {doc_id(c, row[6])!r}; "
                              "store the document under another id")
    if row and row[1] == doc.sha256:
        n = c.execute("SELECT count(*), sum(flagged) FROM records WHERE docno = ?", (row[0],)).fetchone()
        return {"doc": doc.id, "status": "unchanged", "records": n[0], "flagged": n[1] or 0,
                "duplicate_of": doc_id(c, row[4]), "version": row[5], "previous": None, "carried": 0}
    prepared = prepared or prepare(doc.text)
    previous, kept, old_text = None, [], ""
    if row:
        docno, status, version = row[0], "updated", row[5] + 1
        previous, old_text = _archive(c, docno, doc.id, row[5], row[2], row[3]), row[3]
        kept = [row_to_dict(r) for r in c.execute(
            f"SELECT {SELECT} FROM {JOINED} WHERE d.id = ? AND r.status != 'pending' AND r.type != 'ignore'",
            (previous,))]
        c.execute("UPDATE documents SET path=?, title=?, date=?, source=?, sha256=?, text=?, updated_at=?, "
                  "version_no=? WHERE docno = ?",
                  (doc.path, doc.title, doc.date, doc.source, doc.sha256, doc.text, stamp, version, docno))
    else:
        status, version = "new", 1
        docno = c.execute(
            "INSERT INTO documents(id, path, title, date, source, sha256, text, ingested_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.id, doc.path, doc.title, doc.date, doc.source, doc.sha256, doc.text, stamp, stamp),
        ).lastrowid
    fulltext.index_document(c, docno, doc.title, doc.text, prepared.folded)
    fresh, carried, flagged = review.carry_reviews(c, kept, records, old_text, doc.text)
    c.executemany(INSERT_SQL, [insert_values(docno, d) for d in fresh])
    review.insert_carried(c, docno, carried, stamp)
    figure_index.index_figures(c, docno)
    catalog.refresh_document(c, docno)
    original = neardup.link(c, docno, doc.sha256, prepared.signature)
    return {"doc": doc.id, "status": status, "records": len(fresh) + len(carried), "flagged": flagged,
            "duplicate_of": doc_id(c, original), "version": version, "previous": previous,
            "carried": len(carried)}


def _archive(c: sqlite3.Connection, docno: int, id_: str, version: int, title: str | None, text: str) -> str:
    """Move the stored version of document `docno` to a row of its own, with its records; its id."""
    vid = version_id(id_, version)
    while c.execute("SELECT 1 FROM documents WHERE id = ?", (vid,)).fetchone():  # a document named so already
        vid += "'"
    archived = c.execute(
        "INSERT INTO documents(id, path, title, date, source, sha256, text, ingested_at, updated_at, version_no, "
        "version_of) SELECT ?, path, title, date, source, sha256, text, updated_at, updated_at, version_no, docno "
        "FROM documents WHERE docno = ?", (vid, docno)).lastrowid
    fulltext.unindex_document(c, docno, title, text)
    figure_index.unindex_figures(c, docno)
    c.execute("DELETE FROM review_leases WHERE rid IN (SELECT rid FROM records WHERE docno = ?)", (docno,))
    c.execute("UPDATE records SET docno = ? WHERE docno = ?", (archived, docno))
    # What the old text asserted (aliases, relations) is re-derived from the new records.
    catalog.update_for_document(c, docno, [])
    return vid


def versions(c: sqlite3.Connection, id_: str) -> list[dict]:
    """Every version of the document `id_` (the current id or an earlier version's), oldest first."""
    row = c.execute("SELECT COALESCE(version_of, docno) FROM documents WHERE id = ?", (id_,)).fetchone()
    if row is None:
        return []
    names = ("id", "version", "sha256", "title", "stored_at", "records", "current")
    return [dict(zip(names, (*r[:6], bool(r[6])))) for r in c.execute(
        "SELECT d.id, d.version_no, d.sha256, d.title, d.updated_at, "
        "(SELECT count(*) FROM records r WHERE r.docno = d.docno AND r.type != 'ignore'), d.version_of IS NULL "
        "FROM documents d WHERE d.docno = ? OR d.version_of = ? ORDER BY d.version_no, d.docno", (row[0], row[0]))]


def get(c: sqlite3.Connection, id_: str) -> dict | None:
    row = c.execute(
        f"SELECT {_SELECT}, d.text, o.id, {_N_RECORDS}, d.version_no, v.id "
        "FROM documents d LEFT JOIN documents o ON o.docno = d.duplicate_of "
        "LEFT JOIN documents v ON v.docno = d.version_of WHERE d.id = ?", (id_,)).fetchone()
    if row is None:
        return None
    out = dict(zip((*_COLUMNS, "text", "duplicate_of", "records", "version", "version_of"), row))
    out["duplicates"] = [r[0] for r in c.execute(
        "SELECT d.id FROM documents d JOIN documents o ON o.docno = d.duplicate_of WHERE o.id = ? ORDER BY d.docno",
        (id_,))]
    return out


def listing(c: sqlite3.Connection, limit: int, offset: int) -> list[dict]:
    # The page is chosen first, so the per-document counts run for its rows only.
    rows = c.execute(
        f"SELECT {_SELECT}, o.id, {_N_RECORDS}, d.version_no "
        f"FROM (SELECT d.docno FROM documents d WHERE {CURRENT} {_NEWEST_FIRST} LIMIT ? OFFSET ?) AS page "
        "JOIN documents d ON d.docno = page.docno LEFT JOIN documents o ON o.docno = d.duplicate_of "
        f"{_NEWEST_FIRST}", (limit, offset)).fetchall()
    return [dict(zip((*_COLUMNS, "duplicate_of", "records", "version"), r)) for r in rows]


# ---------------------------------------------------------------- records
ORDERS = {
    # least confident first (unknown confidence before all): the review queue, in index order
    "confidence": "r.confidence, r.rid",
    "position": "r.docno, r.start, r.rid",
    "reviewed": "r.reviewed_at DESC, r.rid DESC",
    "rid": "r.rid",
}


def list_records(c: sqlite3.Connection, *, status: Any, kind: str | None, role: str | None, doc: str | None,
                 order: str, limit: int | None, offset: int, flagged: bool | None) -> list[dict]:
    where, params = [], []
    if isinstance(status, (list, tuple)):
        where.append(f"r.status IN ({','.join('?' * len(status))})")
        params.extend(status)
        status = None
    for col, val in (("r.status", status), ("r.type", kind), ("r.role", role), ("d.id", doc)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    if flagged is not None:
        where.append("r.flagged = ?")
        params.append(int(flagged))
    if doc is None and not flagged:
        # The queue and the corpus are the current versions; an earlier version's records are
        # listed by its own id. A flagged record is one whose review did not carry over to a
        # newer version: it is listed where it is.
        where.append(CURRENT)
    sql = f"SELECT {SELECT} FROM {JOINED}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {ORDERS.get(order, ORDERS['confidence'])}"
    if limit is not None or offset:
        sql += " LIMIT ? OFFSET ?"
        params += [-1 if limit is None else limit, offset]
    return [row_to_dict(r) for r in c.execute(sql, params)]


def count_records(c: sqlite3.Connection, *, status: str | None, kind: str | None) -> int:
    """Records of the current document versions: all of them (an index count) minus those of
    earlier versions (few, found through the partial index on `version_of`)."""
    where, params = [], []
    for col, val in (("r.status", status), ("r.type", kind)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    cond = " AND ".join(where)
    total = c.execute("SELECT count(*) FROM records r" + (f" WHERE {cond}" if cond else ""), params).fetchone()[0]
    earlier = c.execute("SELECT count(*) FROM documents d JOIN records r ON r.docno = d.docno "
                        "WHERE d.version_of IS NOT NULL" + (f" AND {cond}" if cond else ""), params).fetchone()[0]
    return total - earlier
