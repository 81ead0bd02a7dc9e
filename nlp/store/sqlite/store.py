"""SQLiteStore: the store interface (nlp/store/interface.py) on one SQLite file (WAL), no server.

Opening creates or upgrades the file (schema.py); every write is one transaction
(`BEGIN IMMEDIATE`), so a reader (another process, another Streamlit session) always
sees whole documents, also while an ingest is writing. Any number of readers work while
one process writes; a Store object is one connection, not shared between threads.
"""
from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from ...lang.fold import fold
from ...records import as_dict
from ..errors import StoreError
from ..interface import BUSY_TIMEOUT_S, LEASE_SECONDS, DocumentFilters, FigureFilters, Store, TextQuery
from ..prepared import Prepared
from . import catalog, documents, figure_index, fulltext, indicators, legal_facts, queue, review
from .errors import explain
from .schema import LATEST, migrate, version

T = TypeVar("T")


def _derived_stale(conn: sqlite3.Connection) -> bool:
    """Whether an index or derived table was made by another folding, key function or rules."""
    return fulltext.fold_changed(conn) or indicators.keys_changed(conn) or legal_facts.facts_changed(conn)


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class SQLiteStore(Store):
    """A solieu corpus database in one SQLite file at `path`."""

    def __init__(self, path: str | Path, *, readonly: bool = False, timeout: float = BUSY_TIMEOUT_S):
        self.path = Path(path)
        self.location = str(path)
        self.readonly = readonly
        self.timeout = timeout  # seconds to wait for another writer before "locked"
        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = self._open()
        except sqlite3.Error as exc:
            self.close()
            raise explain(exc, str(self.path)) from None

    # ------------------------------------------------------------------ opening
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
        conn.create_function("fold", 1, fold, deterministic=True)
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
        if self.readonly and (v < LATEST or _derived_stale(conn)):
            # An older file is upgraded (never dropped) even when opened for reading.
            conn.close()
            SQLiteStore(self.path, timeout=self.timeout).close()
            conn = self._connect(True)
        elif not self.readonly:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
            migrate(conn)
            if fulltext.fold_changed(conn):
                with self._tx(conn):
                    fulltext.reindex_all(conn)
            # Derived data made by another version of its function or rules is made again.
            if indicators.keys_changed(conn):
                with self._tx(conn):
                    indicators.rekey_all(conn)
            if legal_facts.facts_changed(conn):
                with self._tx(conn):
                    legal_facts.refresh_all(conn)
        return conn

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        """The connection, for this backend's own modules and tests; callers use the methods."""
        if self._conn is None:
            raise StoreError(f"{self.path}: store is closed")
        return self._conn

    def checkpoint(self) -> None:
        self._read(lambda c: c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())

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

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """fn(connection), its sqlite3 errors turned into one clear StoreError."""
        try:
            return fn(self.conn)
        except sqlite3.Error as exc:
            raise explain(exc, str(self.path)) from None

    def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """fn(connection) in one write transaction."""
        try:
            with self._tx() as c:
                return fn(c)
        except sqlite3.Error as exc:
            raise explain(exc, str(self.path)) from None

    def _scalar(self, sql: str, params: Any = ()) -> Any:
        return self._read(lambda c: c.execute(sql, params).fetchone()[0])

    # ------------------------------------------------------------------ documents
    def add_document(self, doc: Any, records: list[Any], *, prepared: Prepared | None = None) -> dict:
        dicts = [as_dict(r) for r in records]
        return self._write(lambda c: documents.add(c, doc, dicts, prepared, now()))

    def get_document(self, doc_id: str) -> dict | None:
        return self._read(lambda c: documents.get(c, doc_id))

    def document_versions(self, doc_id: str) -> list[dict]:
        return self._read(lambda c: documents.versions(c, doc_id))

    def count_documents(self) -> int:
        return self._scalar("SELECT count(*) FROM documents WHERE version_of IS NULL")

    def list_documents(self, limit: int = 100, offset: int = 0) -> list[dict]:
        return self._read(lambda c: documents.listing(c, limit, offset))

    def known_hashes(self) -> dict[str, str]:
        return self._read(lambda c: dict(c.execute(
            "SELECT id, sha256 FROM documents WHERE version_of IS NULL").fetchall()))

    # ------------------------------------------------------------------ records
    def list_records(self, *, status: str | list[str] | tuple[str, ...] | None = None, kind: str | None = None,
                     role: str | None = None, doc: str | None = None, order: str = "confidence",
                     limit: int | None = None, offset: int = 0, flagged: bool | None = None) -> list[dict]:
        return self._read(lambda c: documents.list_records(c, status=status, kind=kind, role=role, doc=doc, order=order,
                                                           limit=limit, offset=offset, flagged=flagged))

    def count_records(self, *, status: str | None = None, kind: str | None = None) -> int:
        return self._read(lambda c: documents.count_records(c, status=status, kind=kind))

    def get_record(self, rid: int) -> dict | None:
        return self._read(lambda c: review.get(c, rid))

    # ------------------------------------------------------------------ review
    def review(self, rid: int, action: str, *, reviewer: str, expected_version: int,
               changes: dict | None = None) -> dict:
        self._write(lambda c: review.review(c, rid, action, reviewer=reviewer, expected_version=expected_version,
                                            changes=changes, at=now()))
        return self.get_record(rid)  # type: ignore[return-value]

    def undo(self, reviewer: str) -> dict | None:
        rids = self._write(lambda c: review.undo(c, reviewer, at=now()))
        if not rids:
            return None
        rec = self.get_record(rids[0])
        return None if rec is None else {**rec, "undone": len(rids)}

    def review_log(self, rid: int | None = None, limit: int | None = None) -> list[dict]:
        return self._read(lambda c: review.log(c, rid, limit))

    def add_record(self, doc_id: str, record: dict, *, reviewer: str) -> dict:
        rid = self._write(lambda c: review.add_record(c, doc_id, record, reviewer=reviewer, at=now()))
        return self.get_record(rid)  # type: ignore[return-value]

    # ------------------------------------------------------------------ the review queue
    def claim_next(self, reviewer: str, *, kind: str | None = None, role: str | None = None,
                   doc: str | None = None, exclude: tuple[int, ...] = (),
                   ttl: float = LEASE_SECONDS) -> dict | None:
        who = review._reviewer(reviewer)
        t = time.time()
        rid = self._write(lambda c: queue.claim_next(c, who, kind=kind, role=role, doc=doc,
                                                     exclude=tuple(int(r) for r in exclude), ttl=float(ttl), now=t))
        rec = None if rid is None else self.get_record(rid)
        return None if rec is None else {**rec, "lease_expires": t + float(ttl)}

    def release_lease(self, reviewer: str, rid: int | None = None) -> int:
        return self._write(lambda c: queue.release(c, reviewer, rid))

    def leases(self) -> dict[int, dict]:
        return self._read(lambda c: queue.leases(c, time.time()))

    # ------------------------------------------------------------------ bulk steps
    def bulk_scope(self, *, legal_id: str | None = None, doc: str | None = None) -> list[dict]:
        return self._read(lambda c: review.bulk_scope(c, legal_id=legal_id, doc=doc))

    def bulk_review(self, action: str, targets: dict[int, int], *, reviewer: str, scope: str) -> dict:
        return self._write(lambda c: review.bulk_review(c, action, dict(targets), reviewer=reviewer, scope=scope,
                                                        at=now()))

    def review_batches(self, limit: int = 20) -> list[dict]:
        return self._read(lambda c: review.batches(c, limit))

    def reviewer_counts(self) -> list[dict]:
        return self._read(review.reviewer_counts)

    # ------------------------------------------------------------------ overview
    def stats(self, top: int = 10) -> dict:
        by: dict[str, dict[str, int]] = {}
        def counts(c: sqlite3.Connection) -> list:
            # all records (an index scan) minus those of earlier versions (few, by the partial index)
            total = c.execute("SELECT type, status, count(*) FROM records GROUP BY type, status").fetchall()
            earlier = {(k, s): n for k, s, n in c.execute(
                "SELECT r.type, r.status, count(*) FROM documents d JOIN records r ON r.docno = d.docno "
                "WHERE d.version_of IS NOT NULL GROUP BY r.type, r.status")}
            return [(k, s, n - earlier.get((k, s), 0)) for k, s, n in total]

        for kind, status, n in self._read(counts):
            if n:
                by.setdefault(kind, {})[status] = n
        top_cited = self._read(lambda c: catalog.top_cited(c, top))
        return {
            "documents": self.count_documents(),
            "duplicates": self._scalar("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL"),
            "versions": self._scalar("SELECT count(*) FROM documents WHERE version_of IS NOT NULL"),
            "records": by,
            "flagged": self._scalar("SELECT count(*) FROM records WHERE flagged = 1"),
            "legal_documents": self._scalar("SELECT count(*) FROM legal_documents"),
            "top_cited": top_cited,
        }

    # ------------------------------------------------------------------ legal catalogue
    def legal_document(self, canonical_id: str, mentions_limit: int | None = None, *,
                       exact: bool = False) -> dict | None:
        def run(c: sqlite3.Connection) -> dict | None:
            lid = canonical_id if exact else catalog.resolve(c, canonical_id)
            return catalog.entry(c, lid, mentions_limit) if lid else None
        return self._read(run)

    def resolve_legal_id(self, spelling: str) -> str | None:
        return self._read(lambda c: catalog.resolve(c, spelling))

    def legal_mention_counts(self, canonical_id: str) -> tuple[int, int]:
        return self._read(lambda c: catalog.mention_counts(c, canonical_id))

    def legal_documents_numbered(self, number: int) -> list[dict]:
        return self._read(lambda c: catalog.numbered(c, number))

    def legal_doc_types(self) -> list[str]:
        return self._read(catalog.doc_types)

    # ------------------------------------------------------------------ full text, figures
    def find_documents(self, text: TextQuery | None, filters: DocumentFilters, limit: int, *,
                       title_weight: float = 1.0, window: int | None = None) -> list[dict]:
        return self._read(lambda c: fulltext.find_documents(c, text, filters, limit, title_weight, window))

    def match_figures(self, words: list[str], filters: FigureFilters, limit: int, *,
                      any_word: bool = False) -> list[tuple[int, str, float]]:
        return self._read(lambda c: figure_index.match_figures(c, words, filters, limit, any_word))

    def filter_figures(self, filters: FigureFilters, limit: int) -> list[int]:
        return self._read(lambda c: figure_index.filter_figures(c, filters, limit))

    def figure_sentences(self, rids: list[int]) -> dict[int, str]:
        return self._read(lambda c: figure_index.sentences(c, rids))

    def figure_records(self, rids: list[int]) -> list[dict]:
        return self._read(lambda c: figure_index.records(c, rids))

    def count_matching_documents(self, text: TextQuery, filters: DocumentFilters, cap: int) -> int:
        return self._read(lambda c: fulltext.count_matching(c, text, filters, cap))

    # ------------------------------------------------------------------ indicators (v5)
    def find_indicators(self, words: list[str], limit: int, *, any_word: bool = False) -> list[dict]:
        return self._read(lambda c: indicators.find_groups(c, words, limit, any_word))

    def indicator_group(self, key: str, unit: str | None) -> dict | None:
        return self._read(lambda c: indicators.group(c, key, unit))

    def indicator_points(self, key: str, unit: str | None, limit: int | None = None) -> list[dict]:
        return self._read(lambda c: indicators.points(c, key, unit, limit))

    # ------------------------------------------------------------------ legal documents, more (v5)
    def co_cited(self, canonical_id: str, limit: int = 20) -> list[dict]:
        return self._read(lambda c: catalog.co_cited(c, canonical_id, limit))

    def sentence_records(self, rids: list[int]) -> dict[int, list[dict]]:
        return self._read(lambda c: catalog.sentence_records(c, rids))
