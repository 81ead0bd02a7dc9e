"""The store methods both backends answer alike: each is one of the backend's own SQL
modules (documents, review, queue, catalog, fulltext, figure_index, indicators,
legal_facts), run through the backend's `_read` (errors made one clear line, a lost
connection re-opened) or `_write` (one transaction).

A backend subclasses `DelegatingStore`, names its modules (the class attributes below),
opens its connection, and provides `_read`, `_write` and `_scalar`; it overrides a method
only where it does more (PostgreSQL's `add_document` takes the writer lock and pipelines).
Both module sets have the same functions with the same signatures (tests run every
store suite against both).
"""
from __future__ import annotations

import time
from abc import abstractmethod
from types import ModuleType
from typing import Any, Callable, TypeVar

from ..records import as_dict
from .errors import StoreError
from .interface import LEASE_SECONDS, DocumentFilters, FigureFilters, Store, TextQuery
from .prepared import Prepared
from .review_checks import checked_reviewer

T = TypeVar("T")


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class DelegatingStore(Store):
    """The shared half of SQLiteStore and PostgresStore (see the module's docstring)."""

    _catalog: ModuleType
    _documents: ModuleType
    _figure_index: ModuleType
    _fulltext: ModuleType
    _indicators: ModuleType
    _legal_facts: ModuleType
    _queue: ModuleType
    _review: ModuleType

    _conn: Any = None

    @property
    @abstractmethod
    def where(self) -> str:
        """The store's location as messages name it (a path; a URL without its password)."""

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    @property
    def conn(self) -> Any:
        """The connection, for this backend's own modules and tests; callers use the methods."""
        if self._conn is None:
            raise StoreError(f"{self.where}: store is closed")
        return self._conn

    @abstractmethod
    def _read(self, fn: Callable[[Any], T]) -> T:
        """fn(connection), the driver's errors turned into one StoreError line."""

    @abstractmethod
    def _write(self, fn: Callable[[Any], T]) -> T:
        """fn(connection) in one write transaction."""

    def _scalar(self, sql: str, params: Any = ()) -> Any:
        return self._read(lambda c: c.execute(sql, params).fetchone()[0])

    # ------------------------------------------------------------------ documents
    def add_document(self, doc: Any, records: list[Any], *, prepared: Prepared | None = None) -> dict:
        dicts = [as_dict(r) for r in records]
        return self._write(lambda c: self._documents.add(c, doc, dicts, prepared, now()))

    def get_document(self, doc_id: str) -> dict | None:
        return self._read(lambda c: self._documents.get(c, doc_id))

    def document_versions(self, doc_id: str) -> list[dict]:
        return self._read(lambda c: self._documents.versions(c, doc_id))

    def count_documents(self) -> int:
        # all minus the earlier versions (a partial index): SQLite counts all rows from its
        # smallest index, where `version_of IS NULL` read every row's text (36 ms at 35k)
        return self._scalar("SELECT (SELECT count(*) FROM documents) - "
                            "(SELECT count(*) FROM documents WHERE version_of IS NOT NULL)")

    def list_documents(self, limit: int = 100, offset: int = 0) -> list[dict]:
        return self._read(lambda c: self._documents.listing(c, limit, offset))

    def known_hashes(self) -> dict[str, str]:
        return self._read(lambda c: dict(c.execute(
            "SELECT id, sha256 FROM documents WHERE version_of IS NULL").fetchall()))

    # ------------------------------------------------------------------ records
    def list_records(self, *, status: str | list[str] | tuple[str, ...] | None = None, kind: str | None = None,
                     role: str | None = None, doc: str | None = None, order: str = "confidence",
                     limit: int | None = None, offset: int = 0, flagged: bool | None = None) -> list[dict]:
        return self._read(lambda c: self._documents.list_records(c, status=status, kind=kind, role=role, doc=doc, order=order,
                                                           limit=limit, offset=offset, flagged=flagged))

    def count_records(self, *, status: str | None = None, kind: str | None = None) -> int:
        return self._read(lambda c: self._documents.count_records(c, status=status, kind=kind))

    def get_record(self, rid: int) -> dict | None:
        return self._read(lambda c: self._review.get(c, rid))

    # ------------------------------------------------------------------ review
    def review(self, rid: int, action: str, *, reviewer: str, expected_version: int,
               changes: dict | None = None) -> dict:
        self._write(lambda c: self._review.review(c, rid, action, reviewer=reviewer, expected_version=expected_version,
                                            changes=changes, at=now()))
        return self.get_record(rid)  # type: ignore[return-value]

    def undo(self, reviewer: str) -> dict | None:
        rids = self._write(lambda c: self._review.undo(c, reviewer, at=now()))
        if not rids:
            return None
        rec = self.get_record(rids[0])
        return None if rec is None else {**rec, "undone": len(rids)}

    def review_log(self, rid: int | None = None, limit: int | None = None) -> list[dict]:
        return self._read(lambda c: self._review.log(c, rid, limit))

    def add_record(self, doc_id: str, record: dict, *, reviewer: str) -> dict:
        rid = self._write(lambda c: self._review.add_record(c, doc_id, record, reviewer=reviewer, at=now()))
        return self.get_record(rid)  # type: ignore[return-value]

    # ------------------------------------------------------------------ the review queue
    def claim_next(self, reviewer: str, *, kind: str | None = None, role: str | None = None,
                   doc: str | None = None, exclude: tuple[int, ...] = (),
                   ttl: float = LEASE_SECONDS) -> dict | None:
        who = checked_reviewer(reviewer)
        t = time.time()
        rid = self._write(lambda c: self._queue.claim_next(c, who, kind=kind, role=role, doc=doc,
                                                     exclude=tuple(int(r) for r in exclude), ttl=float(ttl), now=t))
        rec = None if rid is None else self.get_record(rid)
        return None if rec is None else {**rec, "lease_expires": t + float(ttl)}

    def release_lease(self, reviewer: str, rid: int | None = None) -> int:
        return self._write(lambda c: self._queue.release(c, reviewer, rid))

    def leases(self) -> dict[int, dict]:
        return self._read(lambda c: self._queue.leases(c, time.time()))

    # ------------------------------------------------------------------ bulk steps
    def bulk_scope(self, *, legal_id: str | None = None, doc: str | None = None) -> list[dict]:
        return self._read(lambda c: self._review.bulk_scope(c, legal_id=legal_id, doc=doc))

    def bulk_review(self, action: str, targets: dict[int, int], *, reviewer: str, scope: str) -> dict:
        return self._write(lambda c: self._review.bulk_review(c, action, dict(targets), reviewer=reviewer, scope=scope,
                                                        at=now()))

    def review_batches(self, limit: int = 20) -> list[dict]:
        return self._read(lambda c: self._review.batches(c, limit))

    def reviewer_counts(self) -> list[dict]:
        return self._read(self._review.reviewer_counts)

    # ------------------------------------------------------------------ overview
    def stats(self, top: int = 10) -> dict:
        by: dict[str, dict[str, int]] = {}

        def counts(c: Any) -> list:
            # all records (an index scan) minus those of earlier versions (few, by the partial index)
            total = c.execute("SELECT type, status, count(*) FROM records GROUP BY type, status").fetchall()
            # (Written as IN: as a join SQLite scanned all records and looked each document up,
            # 640 ms at 35k documents; from the earlier versions' docnos it is a few look-ups.)
            earlier = {(k, s): n for k, s, n in c.execute(
                "SELECT r.type, r.status, count(*) FROM records r WHERE r.docno IN "
                "(SELECT docno FROM documents WHERE version_of IS NOT NULL) GROUP BY r.type, r.status")}
            return [(k, s, n - earlier.get((k, s), 0)) for k, s, n in total]

        for kind, status, n in self._read(counts):
            if n:
                by.setdefault(kind, {})[status] = n
        top_cited = self._read(lambda c: self._catalog.top_cited(c, top))
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
        def run(c: Any) -> dict | None:
            lid = canonical_id if exact else self._catalog.resolve(c, canonical_id)
            return self._catalog.entry(c, lid, mentions_limit) if lid else None
        return self._read(run)

    def resolve_legal_id(self, spelling: str) -> str | None:
        return self._read(lambda c: self._catalog.resolve(c, spelling))

    def legal_mention_counts(self, canonical_id: str) -> tuple[int, int]:
        return self._read(lambda c: self._catalog.mention_counts(c, canonical_id))

    def legal_documents_numbered(self, number: int) -> list[dict]:
        return self._read(lambda c: self._catalog.numbered(c, number))

    def legal_doc_types(self) -> list[str]:
        return self._read(self._catalog.doc_types)

    # ------------------------------------------------------------------ full text, figures
    def find_documents(self, text: TextQuery | None, filters: DocumentFilters, limit: int, *,
                       title_weight: float = 1.0, window: int | None = None) -> list[dict]:
        return self._read(lambda c: self._fulltext.find_documents(c, text, filters, limit, title_weight, window))

    def match_figures(self, words: list[str], filters: FigureFilters, limit: int, *,
                      any_word: bool = False) -> list[tuple[int, str, float]]:
        return self._read(lambda c: self._figure_index.match_figures(c, words, filters, limit, any_word))

    def filter_figures(self, filters: FigureFilters, limit: int) -> list[int]:
        return self._read(lambda c: self._figure_index.filter_figures(c, filters, limit))

    def figure_sentences(self, rids: list[int]) -> dict[int, str]:
        return self._read(lambda c: self._figure_index.sentences(c, rids))

    def figure_records(self, rids: list[int]) -> list[dict]:
        return self._read(lambda c: self._figure_index.records(c, rids))

    def count_matching_documents(self, text: TextQuery, filters: DocumentFilters, cap: int) -> int:
        return self._read(lambda c: self._fulltext.count_matching(c, text, filters, cap))

    # ------------------------------------------------------------------ indicators (v5)
    def find_indicators(self, words: list[str], limit: int, *, any_word: bool = False) -> list[dict]:
        return self._read(lambda c: self._indicators.find_groups(c, words, limit, any_word))

    def indicator_group(self, key: str, unit: str | None) -> dict | None:
        return self._read(lambda c: self._indicators.group(c, key, unit))

    def indicator_points(self, key: str, unit: str | None, limit: int | None = None) -> list[dict]:
        return self._read(lambda c: self._indicators.points(c, key, unit, limit))

    # ------------------------------------------------------------------ legal documents, more (v5)
    def co_cited(self, canonical_id: str, limit: int = 20) -> list[dict]:
        return self._read(lambda c: self._catalog.co_cited(c, canonical_id, limit))

    def sentence_records(self, rids: list[int]) -> dict[int, list[dict]]:
        return self._read(lambda c: self._catalog.sentence_records(c, rids))
