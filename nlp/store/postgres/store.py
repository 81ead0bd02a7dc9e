"""PostgresStore: the store interface (nlp/store/interface.py) on a PostgreSQL server.

Chosen by `open_store` for a `postgresql://` URL (`postgresql:///dbname` over the local
socket). The tables live in the connection's current schema; opening creates or
upgrades them (schema.py). Every write is one transaction; a Store object is one
connection (autocommit between transactions), not shared between threads.

Several processes share one database safely:
- documents are written one at a time (a transaction-level advisory lock), so
  near-duplicate links and the catalogue see every earlier document, as with SQLite's
  single writer; extraction, the slow part, runs anywhere in parallel;
- a review locks its record's row before comparing versions, so the optimistic check
  holds across processes (no lost update) — see review.py;
- a deadlock or serialization failure (a rolled-back transaction) is retried.

A lost connection (the server restarted) is re-opened: reads are retried at once;
storing a document (idempotent by id + sha256) waits up to `reconnect_s` for the server
and is retried, so an ingest rides out a restart; a review is not retried (it may or may
not have been committed) and says so. Every psycopg error becomes one StoreError line.
"""
from __future__ import annotations

import logging
import os
import time
from typing import Any, Callable, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from ...records import as_dict
from ..delegating import DelegatingStore, now
from ..errors import StoreError
from ..interface import BUSY_TIMEOUT_S
from ..prepared import Prepared
from . import catalog, documents, figure_index, fulltext, indicators, legal_facts, queue, review
from .errors import explain, explain_connect, lost, redact
from .schema import LATEST, migrate, other_tables, version

T = TypeVar("T")
_WRITER_LOCK = 0x501E2  # one document written at a time (advisory lock, transaction scope)
_RETRY_ROLLED_BACK = 5  # deadlocks / serialization failures retried this often
RECONNECT_S = 30.0  # how long storing a document waits for a server that went away


class _SecondaryErrors(logging.Filter):
    """psycopg logs as a warning the error it meets while closing a pipeline or a COPY that an
    earlier error already broke ("error ignored terminating …", a lost server). The earlier
    error is the one the store reports, as one line; this echo of it would be a second,
    unasked line on stderr (`solieu ingest` stopping on a stopped server)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("error ignored terminating")


logging.getLogger("psycopg").addFilter(_SecondaryErrors())


class PostgresStore(DelegatingStore):
    """A solieu corpus database in a PostgreSQL database (the tables of its current schema)."""

    _catalog, _documents, _figure_index, _fulltext = catalog, documents, figure_index, fulltext
    _indicators, _legal_facts, _queue, _review = indicators, legal_facts, queue, review

    def __init__(self, location: str, *, readonly: bool = False, timeout: float = BUSY_TIMEOUT_S,
                 reconnect_s: float | None = None):
        self.location = str(location)
        self.readonly = readonly
        self.timeout = timeout  # seconds to wait for a lock held by another session before "locked"
        env = os.environ.get("SOLIEU_PG_RECONNECT_S")
        self.reconnect_s = float(env) if reconnect_s is None and env else (RECONNECT_S if reconnect_s is None else reconnect_s)
        self._conn: psycopg.Connection | None = None
        self._conn = self._open()

    def __repr__(self) -> str:
        return f"PostgresStore({redact(self.location)!r}, readonly={self.readonly})"

    # ------------------------------------------------------------------ opening
    def _connect(self) -> psycopg.Connection:
        try:
            info = conninfo_to_dict(self.location)  # a malformed URL fails here, before any network
            for port in str(info.get("port") or "").split(","):
                if port and not port.strip().isdigit():
                    raise psycopg.ProgrammingError(f"invalid port {port!r}")
            conn = psycopg.connect(self.location, autocommit=True, connect_timeout=max(2, int(self.timeout)),
                                   application_name="solieu")
        except (psycopg.Error, ValueError) as exc:
            raise explain_connect(exc, self.location) from None
        try:
            # No parallel workers: a store's statements are short (a page of search results, a
            # record), and starting workers for them cost more than they saved (figure search
            # on the 35k store at load 3-5: p95 26 ms with workers, 16-18 ms without).
            # Custom plans always: psycopg prepares a statement run five times, and the server
            # then plans it once for any parameter; a full-text match's cost depends on the
            # word (`giá` matches 17,661 figures of the 35k store, most words a few dozen):
            # with the generic plan figure search for `giá` took 51-82 ms, planned for its
            # word 21-25 ms.
            conn.execute("SELECT set_config('lock_timeout', %s, false), "
                         "set_config('max_parallel_workers_per_gather', '0', false), "
                         "set_config('plan_cache_mode', 'force_custom_plan', false)",
                         (f"{int(self.timeout * 1000)}ms",))
        except psycopg.Error as exc:
            conn.close()
            raise explain(exc, self.location) from None
        return conn

    def _open(self) -> psycopg.Connection:
        conn = self._connect()
        try:
            if conn.execute("SELECT current_schema()").fetchone()[0] is None:
                raise StoreError(f"{redact(self.location)}: the search_path names no existing schema; create it first")
            # Tables first, then the version: a process making a new store commits its first
            # tables together with their version row, so tables seen by the first read mean
            # that version is seen by the second (the other order could read "no version" just
            # before and "tables" just after that commit, and refuse a store being made).
            others = other_tables(conn)
            v = version(conn)
            if v > LATEST:
                raise StoreError(f"{redact(self.location)}: made by a newer solieu (schema v{v}; this one knows up to "
                                 f"v{LATEST}); upgrade solieu")
            if v == 0 and others:
                raise StoreError(f"{redact(self.location)}: a PostgreSQL database, but not a solieu database "
                                 "(its schema holds other tables); give another database or schema")
            if self.readonly and v == 0:
                raise StoreError(f"{redact(self.location)}: no solieu database here yet (run `solieu ingest` first)")
            # An older store is upgraded (never dropped), also when opened for reading.
            migrate(conn)
            if fulltext.fold_changed(conn):
                with conn.transaction():
                    fulltext.reindex_all(conn)
            # Derived data made by another version of its function or rules is made again.
            if indicators.keys_changed(conn):
                with conn.transaction():
                    indicators.rekey_all(conn)
            if legal_facts.facts_changed(conn):
                with conn.transaction():
                    legal_facts.refresh_all(conn)
            if self.readonly:
                conn.execute("SELECT set_config('default_transaction_read_only', 'on', false)")
        except StoreError:
            conn.close()
            raise
        except psycopg.Error as exc:
            conn.close()
            raise explain(exc, self.location) from None
        return conn

    @property
    def where(self) -> str:
        return redact(self.location)

    def _reconnect(self, wait_s: float) -> bool:
        """Open a fresh connection after a lost one, trying for up to `wait_s` seconds."""
        deadline = time.monotonic() + wait_s
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - a broken connection may fail to close
                pass
        while True:
            try:
                conn = self._connect()
                if self.readonly:
                    conn.execute("SELECT set_config('default_transaction_read_only', 'on', false)")
                self._conn = conn
                return True
            except (StoreError, psycopg.Error):
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.5)

    def checkpoint(self) -> None:
        """Nothing to do: what PostgreSQL committed is durable (its WAL)."""

    def size_bytes(self) -> int:
        """Bytes of this store's tables with their indexes and TOAST (what bench/ingest_scale.py reports)."""
        return int(self._read(lambda c: c.execute(
            "SELECT COALESCE(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename))), 0) "
            "FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]))

    # ------------------------------------------------------------------ transactions
    def _read(self, fn: Callable[[psycopg.Connection], T]) -> T:
        """fn(connection); a lost connection is re-opened and fn run again once."""
        for attempt in (0, 1):
            try:
                return fn(self.conn)
            except psycopg.Error as exc:
                if attempt == 0 and lost(exc) and self._reconnect(min(self.reconnect_s, 10.0)):
                    continue
                raise explain(exc, self.location) from None
        raise AssertionError("unreachable")

    def _write(self, fn: Callable[[psycopg.Connection], T], *, idempotent: bool = False) -> T:
        """fn(connection) in one transaction; retried when the server rolled it back (deadlock),
        and, when `idempotent`, when the connection was lost (after reconnecting)."""
        if self.readonly:
            raise StoreError(f"{redact(self.location)}: opened read-only")
        rolled_back = 0
        while True:
            try:
                with self.conn.transaction():
                    return fn(self.conn)
            except (pg_errors.DeadlockDetected, pg_errors.SerializationFailure) as exc:
                rolled_back += 1
                if rolled_back >= _RETRY_ROLLED_BACK:
                    raise explain(exc, self.location) from None
                time.sleep(0.01 * rolled_back)
            except psycopg.Error as exc:
                if idempotent and lost(exc) and self._reconnect(self.reconnect_s):
                    continue
                if lost(exc) and not idempotent:
                    self._reconnect(min(self.reconnect_s, 10.0))  # for the next call; this one is reported
                    raise StoreError(f"{redact(self.location)}: the connection to the PostgreSQL server was lost "
                                     "during this change: reload and check whether it was saved") from None
                raise explain(exc, self.location) from None

    # ------------------------------------------------------------------ documents
    # (the other methods: nlp/store/delegating.py)
    def add_document(self, doc: Any, records: list[Any], *, prepared: Prepared | None = None) -> dict:
        dicts = [as_dict(r) for r in records]

        def run(c: psycopg.Connection) -> dict:
            # Storing a document is idempotent and an ingest resumes: like SQLite's WAL with
            # synchronous=NORMAL, its commit does not wait for the disk (a crash may lose the
            # last documents stored, never half of one). Reviews keep waiting for it.
            c.execute("SET LOCAL synchronous_commit = off")
            c.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITER_LOCK,))
            # Pipelined: the statements whose results are not read go out without a round trip each.
            with c.pipeline():
                return documents.add(c, doc, dicts, prepared, now())
        return self._write(run, idempotent=True)
