"""Both store backends for the parametrised suites: an SQLite file, and a PostgreSQL schema.

PostgreSQL is the server `scripts/run.sh test` starts (scripts/start_postgres.sh), named
by $SOLIEU_TEST_PG (a URL to one test database). Each test gets a schema of its own in
that one database (`?options=-csearch_path=...`), dropped afterwards: as cheap as a
temporary file, and nothing is shared between tests. Without a reachable server the
PostgreSQL cases are skipped on a developer's machine and FAIL in CI (CI=true), so a
server that did not start can never pass silently.

    backend                  "sqlite" | "postgres" (parametrised fixture)
    new_location(name)       a fresh, empty store location of this test's backend
    pg_url                   the base URL of the test database (session)
    pg_schema_url(url, name) the URL of `name`, a new schema
"""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

BACKENDS = ("sqlite", "postgres")
ENV = "SOLIEU_TEST_PG"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI and is not usable: {reason} "
                    "(scripts/run.sh test starts it with scripts/start_postgres.sh and sets $SOLIEU_TEST_PG)",
                    pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason} (set ${ENV}, or run `bash scripts/run.sh test`)")


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = os.environ.get(ENV)
    if not url:
        _unavailable(f"${ENV} is not set")
    try:
        import psycopg
    except ImportError as exc:
        _unavailable(f"the driver is missing ({exc}); pip install \"solieu[scale]\"")
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - whatever stops a connection: say it
        _unavailable(f"cannot connect to {re.sub(r':[^:@/]*@', ':***@', url)} ({str(exc).strip()[:200]})")
    return url


def schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


class PgSchemas:
    """Schemas made for one test (or module), dropped when it ends."""

    def __init__(self, base: str):
        self.base, self.made = base, []

    def new(self, name: str = "t") -> str:
        import psycopg

        schema = f"{re.sub(r'[^a-z0-9_]', '_', name.lower())[:30]}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        self.made.append(schema)
        return schema_url(self.base, schema)

    def drop(self) -> None:
        import psycopg

        if not self.made:
            return
        with psycopg.connect(self.base, autocommit=True) as conn:
            # Sessions still open on a schema (a store a test left open) do not block DROP SCHEMA.
            for schema in self.made:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        self.made.clear()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="module", params=BACKENDS)
def module_backend(request) -> str:
    return request.param


def _factory(kind: str, request, folder: Path):
    if kind == "sqlite":
        n = iter(range(10**6))
        return (lambda name="store": str(folder / f"{name}-{next(n)}.db")), (lambda: None)
    schemas = PgSchemas(request.getfixturevalue("pg_url"))
    return schemas.new, schemas.drop


@pytest.fixture
def new_location(backend, request, tmp_path):
    """new_location(name="store") -> a location (file path or URL) holding no store yet."""
    make, drop = _factory(backend, request, tmp_path)
    yield make
    drop()


@pytest.fixture(scope="module")
def module_location(module_backend, request, tmp_path_factory):
    make, drop = _factory(module_backend, request, tmp_path_factory.mktemp(module_backend))
    yield make
    drop()


@pytest.fixture
def pg_schemas(pg_url):
    """PgSchemas on the test database; every schema made is dropped after the test."""
    s = PgSchemas(pg_url)
    yield s
    s.drop()


def copy_store(src: str, dst: str) -> None:
    """Every current document of the store `src`, with its records, into the new store `dst`
    (through the Store interface, so it works between any two backends)."""
    from nlp.readers import Document
    from nlp.store import open_store

    with open_store(src, readonly=True) as a, open_store(dst) as b:
        for d in sorted(a.list_documents(limit=10**6), key=lambda d: d["ingested_at"] or ""):
            full = a.get_document(d["id"])
            doc = Document(id=full["id"], text=full["text"], path=full["path"], title=full["title"],
                           date=full["date"], source=full["source"], sha256=full["sha256"])
            b.add_document(doc, a.list_records(doc=full["id"], order="position"))
