"""The PostgreSQL backend of the store: one server database shared by several processes
(app servers, ingest writers, reviewers). Needs the optional driver: pip install "solieu[scale]"."""
from __future__ import annotations

from .store import PostgresStore

__all__ = ["PostgresStore"]
