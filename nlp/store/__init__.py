"""The corpus store: documents, records with their review state, the review log and the
legal-document catalogue, behind one interface.

    open_store(location=None, *, readonly=False, timeout=10.0) -> Store
        location None -> default_location(); creates or upgrades the database
        a file path -> SQLite (nlp/store/sqlite/), `postgresql://...` -> PostgreSQL (nlp/store/postgres/)
    default_location() -> str       # $SOLIEU_DB, else platformdirs user_data_dir("solieu")/solieu.db
    Store                           # the interface: nlp/store/interface.py lists every method
    StoreError, ConflictError (.current), ValidationError
    Prepared, prepare(text)         # what ingest workers compute for the writer

A location is an SQLite file (nlp/store/sqlite/, the default, embedded) or a PostgreSQL
URL (nlp/store/postgres/: `postgresql://USER:PASSWORD@HOST:PORT/DB`, `postgresql:///DB`
over the local socket; needs the optional driver, `pip install "solieu[scale]"`), behind
the same interface. Callers never import a backend module.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import ConflictError, StoreError, ValidationError
from .interface import BUSY_TIMEOUT_S, DocumentFilters, FigureFilters, Store, Term, TextQuery
from .prepared import Prepared, prepare


def default_location() -> str:
    """$SOLIEU_DB, else solieu.db in the user's data directory (platformdirs)."""
    env = os.environ.get("SOLIEU_DB")
    if env:
        return env
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("solieu", appauthor=False)) / "solieu.db")


_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
POSTGRES_SCHEMES = ("postgresql", "postgres")


def is_postgres(location: str | Path | None) -> bool:
    """Whether a location names a PostgreSQL database (a `postgresql://` URL)."""
    return isinstance(location, str) and location.lower().startswith(tuple(s + ":" for s in POSTGRES_SCHEMES))


def open_store(location: str | Path | None = None, *, readonly: bool = False,
               timeout: float = BUSY_TIMEOUT_S) -> Store:
    """The store at `location` (a file path or a postgresql:// URL; None: default_location()),
    opened for this thread. StoreError (one line) when it cannot be opened."""
    location = default_location() if location is None else location
    if is_postgres(location):
        try:
            from .postgres import PostgresStore
        except ImportError as exc:
            raise StoreError(f"a PostgreSQL store needs the psycopg driver ({exc}); "
                             "install it with: pip install \"solieu[scale]\"") from None
        return PostgresStore(str(location), readonly=readonly, timeout=timeout)
    m = _URL.match(str(location))
    if m:
        raise StoreError(f"{m.group(0)}…: unknown kind of store URL; give a file path (SQLite) "
                         "or postgresql://USER:PASSWORD@HOST:PORT/DBNAME")
    from .sqlite import SQLiteStore

    return SQLiteStore(location, readonly=readonly, timeout=timeout)


__all__ = ["open_store", "default_location", "is_postgres", "Store", "StoreError", "ConflictError", "ValidationError",
           "Prepared", "prepare", "TextQuery", "Term", "DocumentFilters", "FigureFilters"]
