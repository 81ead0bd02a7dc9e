"""SQLiteStore: the store interface (nlp/store/interface.py) on one SQLite file (WAL), no server.

Opening creates or upgrades the file (schema.py); every write is one transaction
(`BEGIN IMMEDIATE`), so a reader (another process, another Streamlit session) always
sees whole documents, also while an ingest is writing. Any number of readers work while
one process writes; a Store object is one connection, not shared between threads.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from ...lang.fold import fold
from ..delegating import DelegatingStore
from ..errors import StoreError
from ..interface import BUSY_TIMEOUT_S
from . import catalog, documents, figure_index, fulltext, indicators, legal_facts, queue, review
from .errors import explain
from .schema import LATEST, migrate, version

T = TypeVar("T")


def _derived_stale(conn: sqlite3.Connection) -> bool:
    """Whether an index or derived table was made by another folding, key function or rules."""
    return fulltext.fold_changed(conn) or indicators.keys_changed(conn) or legal_facts.facts_changed(conn)


class SQLiteStore(DelegatingStore):
    """A solieu corpus database in one SQLite file at `path`."""

    _catalog, _documents, _figure_index, _fulltext = catalog, documents, figure_index, fulltext
    _indicators, _legal_facts, _queue, _review = indicators, legal_facts, queue, review

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

    @property
    def where(self) -> str:
        return str(self.path)

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
