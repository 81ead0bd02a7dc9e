"""The SQLite backend of the store: one embedded file, the default for one user."""
from __future__ import annotations

from .store import SQLiteStore

__all__ = ["SQLiteStore"]
