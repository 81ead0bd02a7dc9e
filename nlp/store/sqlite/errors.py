"""sqlite3 errors -> StoreError with a message that says what to do."""
from __future__ import annotations

import sqlite3

from ..errors import StoreError


def explain(exc: sqlite3.Error, path: str) -> StoreError:
    """Turn an sqlite3 error into a StoreError whose message says what to do."""
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return StoreError(f"{path}: database is locked by another process (an ingest?); try again when it has finished")
    if "readonly" in msg or "read-only" in msg or "attempt to write" in msg:
        return StoreError(f"{path}: database is read-only (file or folder permissions); open it read-only or fix the permissions")
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return StoreError(f"{path}: file is not a valid solieu database (corrupt or another format)")
    if "disk is full" in msg or "database or disk is full" in msg:
        return StoreError(f"{path}: the disk is full; free some space and run again (what was stored is kept)")
    if "unable to open" in msg:
        return StoreError(f"{path}: cannot open the database file (missing folder or no permission)")
    return StoreError(f"{path}: database error: {exc}")
