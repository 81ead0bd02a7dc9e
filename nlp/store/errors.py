"""The store's exceptions: each one a clear one-line message for the CLI and the app.

Every backend turns its driver's errors into these (nlp.store.sqlite.errors.explain for
SQLite), so callers catch one family whatever the database.
"""
from __future__ import annotations

from typing import Any


class StoreError(Exception):
    """The database cannot be used as asked: locked, read-only, corrupt, newer schema, ..."""


class ConflictError(StoreError):
    """A review based on a stale version; `.current` is the record as stored now."""

    def __init__(self, message: str, current: dict[str, Any] | None):
        super().__init__(message)
        self.current = current


class ValidationError(StoreError):
    """A review change that breaks the record contract (value not a number, unknown role, ...)."""
