"""The Store: one SQLite file (WAL) holding documents, records, reviews and the legal catalogue.

Opening creates or upgrades the file (nlp/store/migrations.py); every write is one
transaction (`BEGIN IMMEDIATE`), so a reader (another process, another Streamlit
session) always sees whole documents, also while an ingest is writing.
"""
from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from . import catalog, fulltext, neardup, review as review_mod
from .errors import StoreError, ValidationError, explain
from .migrations import LATEST, migrate, version
from .rows import INSERT_SQL, SELECT, as_dict, insert_values, row_to_dict

BUSY_TIMEOUT_S = 10.0
ORDERS = {
    # least confident first (unknown confidence before all): the review queue, in index order
    "confidence": "r.confidence, r.rid",
    "position": "r.docno, r.start, r.rid",
    "reviewed": "r.reviewed_at DESC, r.rid DESC",
    "rid": "r.rid",
}


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True)
class Prepared:
    """What the ingest workers compute besides the records, so the writer does not have to."""

    folded: str
    signature: bytes | None


def prepare(text: str) -> Prepared:
    folded = fulltext.fold(text)
    return Prepared(folded, neardup.signature(folded))


class Store:
    """A solieu corpus database. Not shared between threads: open one per session/thread."""

    def __init__(self, path: str | Path | None = None, *, readonly: bool = False,
                 timeout: float = BUSY_TIMEOUT_S):
        self.path = Path(path) if path is not None else self.default_path()
        self.readonly = readonly
        self.timeout = timeout  # seconds to wait for another writer before "locked"
        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = self._open()
        except sqlite3.Error as exc:
            self.close()
            raise explain(exc, str(self.path)) from None

    # ------------------------------------------------------------------ opening
    @staticmethod
    def default_path() -> Path:
        """$SOLIEU_DB, else solieu.db in the user's data directory (platformdirs)."""
        env = os.environ.get("SOLIEU_DB")
        if env:
            return Path(env)
        from platformdirs import user_data_dir

        return Path(user_data_dir("solieu", appauthor=False)) / "solieu.db"

    def _connect(self, readonly: bool) -> sqlite3.Connection:
        if readonly:
            if not self.path.exists():
                raise StoreError(f"{self.path}: no database here yet (run `solieu ingest` first)")
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                   timeout=self.timeout, isolation_level=None, check_same_thread=False)
        else:
            if self.path.exists() and not os.access(self.path, os.W_OK):
                raise StoreError(f"{self.path}: database file is read-only; open it read-only or fix the permissions")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=self.timeout, isolation_level=None,
                                   check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Folded comparisons in SQL (units, types) use the same function as the indexes.
        conn.create_function("fold", 1, fulltext.fold, deterministic=True)
        return conn

    def _open(self) -> sqlite3.Connection:
        conn = self._connect(self.readonly)
        v = version(conn)  # the first read: a corrupt file fails here
        if v > LATEST:
            conn.close()
            raise StoreError(f"{self.path}: made by a newer solieu (schema v{v}; this one knows up to v{LATEST}); upgrade solieu")
        if v == 0 and conn.execute("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchone()[0]:
            conn.close()
            raise StoreError(f"{self.path}: an SQLite file, but not a solieu database")
        if self.readonly and (v < LATEST or fulltext.fold_changed(conn)):
            # An older file is upgraded (never dropped) even when opened for reading.
            conn.close()
            Store(self.path, timeout=self.timeout).close()
            conn = self._connect(True)
        elif not self.readonly:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
            migrate(conn)
            if fulltext.fold_changed(conn):
                with self._tx(conn):
                    fulltext.reindex_all(conn)
        return conn

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"{self.path}: store is closed")
        return self._conn

    @contextmanager
    def _tx(self, conn: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        conn = conn or self.conn
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only")
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _q(self, sql: str, params: Any = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise explain(exc, str(self.path)) from None

    # ------------------------------------------------------------------ documents
    def add_document(self, doc: Any, records: list[Any], *, prepared: Prepared | None = None) -> dict:
        """Store a Document with its records in one transaction.

        Same id and same sha256: "unchanged", nothing written. Same id, new content:
        "updated": pending records are replaced; reviewed ones that the new extraction
        still finds (same type and text, same value/id unless corrected) are kept with
        their new offsets, the others are kept too but flagged. Near-duplicates of a
        stored article get `duplicate_of` set.
        """
        dicts = [as_dict(r) for r in records]
        try:
            with self._tx() as c:
                row = c.execute("SELECT docno, sha256, title, text, duplicate_of FROM documents WHERE id = ?",
                                (doc.id,)).fetchone()
                if row and row[1] == doc.sha256:
                    n = c.execute("SELECT count(*), sum(flagged) FROM records WHERE docno = ?", (row[0],)).fetchone()
                    dup = self._doc_id(row[4])
                    return {"doc": doc.id, "status": "unchanged", "records": n[0], "flagged": n[1] or 0,
                            "duplicate_of": dup}
                prepared = prepared or prepare(doc.text)
                stamp = now()
                if row:
                    docno, status = row[0], "updated"
                    fulltext.unindex_document(c, docno, row[2], row[3])
                    kept = [row_to_dict(r) for r in c.execute(
                        f"SELECT {SELECT} FROM records r JOIN documents d ON d.docno = r.docno "
                        "WHERE r.docno = ? AND r.status != 'pending'", (docno,))]
                    c.execute("DELETE FROM figures_fts WHERE rowid IN (SELECT rid FROM records WHERE docno = ?)", (docno,))
                    c.execute("DELETE FROM records WHERE docno = ? AND status = 'pending'", (docno,))
                    c.execute("UPDATE documents SET path=?, title=?, date=?, source=?, sha256=?, text=?, updated_at=? "
                              "WHERE docno = ?",
                              (doc.path, doc.title, doc.date, doc.source, doc.sha256, doc.text, stamp, docno))
                else:
                    status, kept = "new", []
                    docno = c.execute(
                        "INSERT INTO documents(id, path, title, date, source, sha256, text, ingested_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (doc.id, doc.path, doc.title, doc.date, doc.source, doc.sha256, doc.text, stamp, stamp),
                    ).lastrowid
                fulltext.index_document(c, docno, doc.title, doc.text, prepared.folded)
                fresh, flagged = review_mod.merge_reviewed(c, docno, kept, dicts, row[3] if row else "", doc.text)
                c.executemany(INSERT_SQL, [insert_values(docno, d) for d in fresh])
                fulltext.index_figures(c, docno)
                catalog.refresh_document(c, docno)
                original = neardup.link(c, docno, doc.sha256, prepared.signature)
                return {"doc": doc.id, "status": status, "records": len(fresh) + len(kept), "flagged": flagged,
                        "duplicate_of": self._doc_id(original)}
        except sqlite3.Error as exc:
            raise explain(exc, str(self.path)) from None

    def _doc_id(self, docno: int | None) -> str | None:
        if docno is None:
            return None
        row = self.conn.execute("SELECT id FROM documents WHERE docno = ?", (docno,)).fetchone()
        return row[0] if row else None

    _DOC_COLUMNS = ("id", "path", "title", "date", "source", "sha256", "ingested_at", "updated_at")

    def get_document(self, doc_id: str) -> dict | None:
        rows = self._q(
            f"SELECT {', '.join('d.' + c for c in self._DOC_COLUMNS)}, d.text, o.id, "
            "(SELECT count(*) FROM records r WHERE r.docno = d.docno) "
            "FROM documents d LEFT JOIN documents o ON o.docno = d.duplicate_of WHERE d.id = ?", (doc_id,))
        if not rows:
            return None
        out = dict(zip((*self._DOC_COLUMNS, "text", "duplicate_of", "records"), rows[0]))
        out["duplicates"] = [r[0] for r in self._q(
            "SELECT d.id FROM documents d JOIN documents o ON o.docno = d.duplicate_of WHERE o.id = ? ORDER BY d.docno",
            (doc_id,))]
        return out

    def count_documents(self) -> int:
        return self._q("SELECT count(*) FROM documents")[0][0]

    def known_hashes(self) -> dict[str, str]:
        """{document id: sha256} of everything stored: what an ingest can skip."""
        return dict(self._q("SELECT id, sha256 FROM documents"))

    def list_documents(self, limit: int = 100, offset: int = 0) -> list[dict]:
        order = "ORDER BY d.date IS NULL, d.date DESC, d.docno DESC"
        # The page is chosen first, so the per-document counts run for its rows only.
        rows = self._q(
            f"SELECT {', '.join('d.' + c for c in self._DOC_COLUMNS)}, o.id, "
            "(SELECT count(*) FROM records r WHERE r.docno = d.docno) "
            f"FROM (SELECT d.docno FROM documents d {order} LIMIT ? OFFSET ?) AS page "
            "JOIN documents d ON d.docno = page.docno LEFT JOIN documents o ON o.docno = d.duplicate_of "
            f"{order}", (limit, offset))
        return [dict(zip((*self._DOC_COLUMNS, "duplicate_of", "records"), r)) for r in rows]

    # ------------------------------------------------------------------ records
    def list_records(self, *, status: str | list[str] | tuple[str, ...] | None = None, kind: str | None = None,
                     role: str | None = None, doc: str | None = None, order: str = "confidence",
                     limit: int | None = None, offset: int = 0, flagged: bool | None = None) -> list[dict]:
        """Stored records with their review state; `status` one or several;
        `order`: confidence (least first) | position | reviewed | rid."""
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
        sql = f"SELECT {SELECT} FROM records r JOIN documents d ON d.docno = r.docno"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {ORDERS.get(order, ORDERS['confidence'])}"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else limit, offset]
        return [row_to_dict(r) for r in self._q(sql, params)]

    def count_records(self, *, status: str | None = None, kind: str | None = None) -> int:
        where, params = [], []
        for col, val in (("status", status), ("type", kind)):
            if val is not None:
                where.append(f"{col} = ?")
                params.append(val)
        return self._q("SELECT count(*) FROM records" + (" WHERE " + " AND ".join(where) if where else ""), params)[0][0]

    def get_record(self, rid: int) -> dict | None:
        rows = self._q(f"SELECT {SELECT} FROM records r JOIN documents d ON d.docno = r.docno WHERE r.rid = ?", (rid,))
        return row_to_dict(rows[0]) if rows else None

    # ------------------------------------------------------------------ review
    def review(self, rid: int, action: str, *, reviewer: str, expected_version: int,
               changes: dict | None = None) -> dict:
        """accept | reject | correct one record; ConflictError when someone changed it meanwhile."""
        try:
            with self._tx() as c:
                review_mod.review(c, rid, action, reviewer=reviewer, expected_version=expected_version,
                                  changes=changes, at=now())
        except sqlite3.Error as exc:
            raise explain(exc, str(self.path)) from None
        return self.get_record(rid)  # type: ignore[return-value]

    def undo(self, reviewer: str) -> dict | None:
        """Undo `reviewer`'s last action not yet undone (logged as an 'undo'); None if none."""
        try:
            with self._tx() as c:
                rid = review_mod.undo(c, reviewer, at=now())
        except sqlite3.Error as exc:
            raise explain(exc, str(self.path)) from None
        return None if rid is None else self.get_record(rid)

    def review_log(self, rid: int | None = None) -> list[dict]:
        return review_mod.log(self.conn, rid)

    def export_reviewed(self, fmt: str = "jsonl") -> str:
        """Reviewed records (accepted, corrected, rejected) as JSONL or CSV (nlp.export)."""
        from .. import export

        if fmt not in ("jsonl", "csv", "json"):
            raise ValidationError(f"unknown export format {fmt!r} (jsonl, csv or json)")
        recs = self.list_records(status=("accepted", "corrected", "rejected"), order="position")
        return {"jsonl": export.to_jsonl, "csv": export.to_csv, "json": export.to_json}[fmt](recs)

    # ------------------------------------------------------------------ overview
    def stats(self, top: int = 10) -> dict:
        by: dict[str, dict[str, int]] = {}
        for kind, status, n in self._q("SELECT type, status, count(*) FROM records GROUP BY type, status"):
            by.setdefault(kind, {})[status] = n
        top_cited = [tuple(r) for r in self._q(
            "SELECT COALESCE(a.target, r.legal_id) AS lid, count(*), count(DISTINCT r.docno) "
            "FROM records r JOIN documents d ON d.docno = r.docno AND d.duplicate_of IS NULL "
            "LEFT JOIN (SELECT alias, min(target) AS target FROM legal_aliases GROUP BY alias) a ON a.alias = r.legal_id "
            "WHERE r.type = 'legal_ref' AND r.legal_id IS NOT NULL AND r.status != 'rejected' "
            "GROUP BY lid ORDER BY 3 DESC, 2 DESC, lid LIMIT ?", (top,))]
        return {
            "documents": self.count_documents(),
            "duplicates": self._q("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL")[0][0],
            "records": by,
            "flagged": self._q("SELECT count(*) FROM records WHERE flagged = 1")[0][0],
            "legal_documents": self._q("SELECT count(*) FROM legal_documents")[0][0],
            "top_cited": top_cited,
        }

    def legal_document(self, canonical_id: str, mentions_limit: int | None = None) -> dict | None:
        """A catalogue entry (aliases resolved: `Đề án 06` gives `06/QĐ-TTg` when a text says so)."""
        try:
            lid = catalog.resolve(self.conn, canonical_id)
            return catalog.entry(self.conn, lid, mentions_limit) if lid else None
        except sqlite3.Error as exc:
            raise explain(exc, str(self.path)) from None

