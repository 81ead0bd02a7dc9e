"""Shared fixtures. Keep this file small and generic."""
from __future__ import annotations

import sqlite3

import pytest

# Both store backends (SQLite file, PostgreSQL schema): backend, new_location, pg_url ...
pytest_plugins = ("tests.backends",)


@pytest.fixture(scope="session")
def corpus_db_template(tmp_path_factory):
    """A database holding the bundled corpus, built once per test session (ingest is slow)."""
    from nlp.ingest import ensure_bundled_corpus
    from nlp.store import open_store

    path = tmp_path_factory.mktemp("corpus-db") / "template.db"
    store = open_store(path)
    ensure_bundled_corpus(store)
    store.close()
    return path


@pytest.fixture
def corpus_db_postgres(pg_schemas, monkeypatch, corpus_db_template):
    """The bundled-corpus store copied into a fresh PostgreSQL schema, set as $SOLIEU_DB (a URL)."""
    from tests.backends import copy_store

    url = pg_schemas.new("corpus")
    copy_store(str(corpus_db_template), url)
    monkeypatch.setenv("SOLIEU_DB", url)
    return url


@pytest.fixture
def corpus_db(corpus_db_sqlite):
    """A private copy of the bundled-corpus database, set as $SOLIEU_DB for this test."""
    return corpus_db_sqlite


@pytest.fixture
def corpus_db_sqlite(tmp_path, monkeypatch, corpus_db_template):
    """A private copy of the bundled-corpus SQLite file, set as $SOLIEU_DB for this test."""
    path = tmp_path / "solieu.db"
    src, dst = sqlite3.connect(corpus_db_template), sqlite3.connect(path)
    with dst:
        src.backup(dst)  # the backup API copies a consistent snapshot, WAL included
    src.close()
    dst.close()
    monkeypatch.setenv("SOLIEU_DB", str(path))
    return path


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    """$SOLIEU_DB pointing at a database file that does not exist yet."""
    path = tmp_path / "empty.db"
    monkeypatch.setenv("SOLIEU_DB", str(path))
    return path
