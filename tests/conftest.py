"""Shared fixtures. Keep this file small and generic."""
from __future__ import annotations

import sqlite3

import pytest


@pytest.fixture(scope="session")
def corpus_db_template(tmp_path_factory):
    """A database holding the bundled corpus, built once per test session (ingest is slow)."""
    from nlp.ingest import ensure_bundled_corpus
    from nlp.store import Store

    path = tmp_path_factory.mktemp("corpus-db") / "template.db"
    store = Store(path)
    ensure_bundled_corpus(store)
    store.close()
    return path


@pytest.fixture
def corpus_db(tmp_path, monkeypatch, corpus_db_template):
    """A private copy of the bundled-corpus database, set as $SOLIEU_DB for this test."""
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
