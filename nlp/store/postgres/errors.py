"""psycopg errors -> StoreError with one line that says what happened and what to do.

The URL a message names never shows a password (`redact`).
"""
from __future__ import annotations

import re

import psycopg
from psycopg import errors as pg_errors

from ..errors import StoreError

_PASSWORD = re.compile(r"(://[^:/@?#]*):[^@/?#]*@")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.I)


def redact(location: str) -> str:
    """The URL without its password (`postgresql://u:secret@h/db` -> `postgresql://u:***@h/db`)."""
    return _KEYWORD_PASSWORD.sub(r"\1***", _PASSWORD.sub(r"\1:***@", location))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.splitlines()[0].split())[:300]


def lost(exc: BaseException) -> bool:
    """The connection itself failed (server stopped or restarted, network gone): reconnecting may help."""
    return isinstance(exc, (pg_errors.AdminShutdown, pg_errors.CrashShutdown, pg_errors.CannotConnectNow,
                            pg_errors.ConnectionException, psycopg.InterfaceError)) or (
        isinstance(exc, psycopg.OperationalError) and not isinstance(exc, pg_errors.LockNotAvailable)
        and not isinstance(exc, pg_errors.QueryCanceled) and not getattr(exc, "sqlstate", None))


def explain_connect(exc: BaseException, location: str) -> StoreError:
    """A failed connection attempt: refused, unknown host, no database, bad password, bad URL."""
    where = redact(location)
    msg = _first_line(exc)
    low = str(exc).lower()
    if isinstance(exc, psycopg.ProgrammingError) or "invalid uri" in low or "invalid connection option" in low \
            or "missing \"=\"" in low or "invalid integer value" in low or "invalid port" in low:
        return StoreError(f"{where}: not a valid PostgreSQL URL ({msg}); "
                          "expected postgresql://USER:PASSWORD@HOST:PORT/DBNAME or postgresql:///DBNAME")
    if "connection refused" in low:
        return StoreError(f"{where}: cannot connect to the PostgreSQL server (connection refused): is it running, on that host and port?")
    if "no such file or directory" in low and "socket" in low:
        return StoreError(f"{where}: no PostgreSQL server on the local socket: is it running?")
    m = re.search(r'database "([^"]+)" does not exist', str(exc))
    if m:
        return StoreError(f"{where}: the PostgreSQL database {m.group(1)!r} does not exist; create it first (createdb {m.group(1)})")
    m = re.search(r'role "([^"]+)" does not exist', str(exc))
    if m:
        return StoreError(f"{where}: the PostgreSQL role {m.group(1)!r} does not exist; create it or give another user in the URL")
    if "password authentication failed" in low or "no password supplied" in low or "peer authentication failed" in low:
        return StoreError(f"{where}: the PostgreSQL server refused the login ({msg})")
    if "could not translate host name" in low or "name or service not known" in low:
        return StoreError(f"{where}: unknown host in the PostgreSQL URL ({msg})")
    if "timeout" in low:
        return StoreError(f"{where}: the PostgreSQL server did not answer in time ({msg})")
    if "shutting down" in low or "starting up" in low or "recovery" in low:
        return StoreError(f"{where}: the PostgreSQL server is not accepting connections now ({msg}); try again shortly")
    return StoreError(f"{where}: cannot connect to PostgreSQL ({msg})")


def explain(exc: BaseException, location: str) -> StoreError:
    """An error while using an open connection."""
    where = redact(location)
    if isinstance(exc, (pg_errors.LockNotAvailable, pg_errors.QueryCanceled)):
        return StoreError(f"{where}: database is locked by another session (an ingest, a migration?); "
                          "try again when it has finished")
    if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
        return StoreError(f"{where}: opened read-only")
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return StoreError(f"{where}: permission denied ({_first_line(exc)}); ask for write rights on the database")
    if isinstance(exc, pg_errors.DiskFull):
        return StoreError(f"{where}: the database server's disk is full; free some space and run again (what was stored is kept)")
    if isinstance(exc, (pg_errors.UndefinedTable, pg_errors.UndefinedColumn)):
        return StoreError(f"{where}: the database's tables are not what this solieu expects ({_first_line(exc)})")
    if lost(exc):
        return StoreError(f"{where}: the connection to the PostgreSQL server was lost (server stopped or restarted?); "
                          "what was committed is kept: run again when it is back")
    return StoreError(f"{where}: database error: {_first_line(exc)}")
