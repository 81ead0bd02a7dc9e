"""Schema versions of the SQLite store, applied in order; an older file is upgraded, never dropped.

The version lives in `PRAGMA user_version`. Each migration runs in its own transaction
together with the version bump, so a crash mid-migration leaves the previous version
intact. A fresh file goes through every migration too: the upgrade path is the path
every database takes, so it is exercised by every test.

v1  documents, records (all fields + review state), append-only review log, legal
    document catalogue (aliases, relations), full-text index over the raw text.
v2  diacritic- and đ-folded full text (SQLite's remove_diacritics leaves đ alone),
    figure indicator index, near-duplicate links (MinHash signatures + LSH bands).
v3  indexes for the review queue ordered by confidence.
v4  team review: document versions (an earlier version is a row of its own, `version_of`
    the current one; its records and their review history move there with it), review
    leases (the queue hands a record to one reviewer at a time), bulk review steps
    (`review_batches`, append-only, and `review_log.batch`).
v5  indicator tracking and what citing sentences state: each figure's indicator key
    (`records.indicator_key`, nlp.indicator_key) with the distinct keys and their folded
    index (`indicator_keys`, `indicator_keys_fts`); per legal mention, the title, issue
    date and issuer its sentence states (`legal_facts`, nlp.legal_facts).
v6  PostgreSQL's narrow search table (`doc_search`: words and word pairs for its GIN
    indexes); FTS5 answers phrases from its own position lists, so nothing changes here:
    the step keeps the two backends' version numbers one sequence.
"""
from __future__ import annotations

import sqlite3
from typing import Callable

V1 = """
CREATE TABLE documents(
  docno INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  path TEXT, title TEXT, date TEXT, source TEXT,
  sha256 TEXT NOT NULL,
  text TEXT NOT NULL,
  ingested_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX documents_sha ON documents(sha256);
CREATE INDEX documents_date ON documents(date);

CREATE TABLE records(
  rid INTEGER PRIMARY KEY,
  docno INTEGER NOT NULL REFERENCES documents(docno) ON DELETE CASCADE,
  type TEXT NOT NULL,
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  text TEXT NOT NULL,
  sent_start INTEGER, sent_end INTEGER,
  confidence REAL, source TEXT,
  value REAL, total REAL, unit TEXT, role TEXT, comparator TEXT, indicator TEXT, year INTEGER,
  doc_type TEXT, number TEXT, code TEXT, issued TEXT, legal_id TEXT, refers_to TEXT, relations TEXT,
  reason TEXT,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'accepted', 'rejected', 'corrected')),
  version INTEGER NOT NULL DEFAULT 1,
  reviewer TEXT, reviewed_at TEXT,
  flagged INTEGER NOT NULL DEFAULT 0,
  stale_sentence TEXT
);
CREATE INDEX records_doc ON records(docno, start);
CREATE INDEX records_queue ON records(status, type, confidence);
CREATE INDEX records_legal ON records(legal_id) WHERE legal_id IS NOT NULL;
CREATE INDEX records_refers ON records(refers_to) WHERE refers_to IS NOT NULL;

CREATE TABLE review_log(
  id INTEGER PRIMARY KEY,
  rid INTEGER NOT NULL,
  doc TEXT,
  action TEXT NOT NULL,
  old TEXT,
  new TEXT,
  reviewer TEXT NOT NULL,
  at TEXT NOT NULL,
  undoes INTEGER
);
CREATE INDEX review_log_rid ON review_log(rid);
CREATE INDEX review_log_reviewer ON review_log(reviewer, id);
CREATE TRIGGER review_log_no_update BEFORE UPDATE ON review_log
BEGIN SELECT RAISE(ABORT, 'review log is append-only'); END;
CREATE TRIGGER review_log_no_delete BEFORE DELETE ON review_log
BEGIN SELECT RAISE(ABORT, 'review log is append-only'); END;

CREATE TABLE legal_documents(
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  doc_type TEXT, number TEXT, number_int INTEGER, year INTEGER, code TEXT, issuer TEXT, title TEXT
);
CREATE INDEX legal_documents_key ON legal_documents(key);
CREATE INDEX legal_documents_number ON legal_documents(number_int);
CREATE TABLE legal_aliases(
  alias TEXT NOT NULL, key TEXT NOT NULL, target TEXT NOT NULL,
  docno INTEGER NOT NULL REFERENCES documents(docno) ON DELETE CASCADE,
  PRIMARY KEY (alias, target, docno)
);
CREATE INDEX legal_aliases_key ON legal_aliases(key);
CREATE INDEX legal_aliases_target ON legal_aliases(target);
CREATE TABLE legal_relations(
  src TEXT NOT NULL, type TEXT NOT NULL, dst TEXT NOT NULL,
  docno INTEGER NOT NULL REFERENCES documents(docno) ON DELETE CASCADE,
  PRIMARY KEY (src, type, dst, docno)
);
CREATE INDEX legal_relations_dst ON legal_relations(dst);
CREATE INDEX legal_relations_doc ON legal_relations(docno);
CREATE INDEX legal_aliases_doc ON legal_aliases(docno);

CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);

-- External content: snippets read the original text from `documents`.
CREATE VIRTUAL TABLE documents_fts USING fts5(
  title, text, content='documents', content_rowid='docno',
  tokenize='unicode61 remove_diacritics 2'
);
"""

V2 = """
ALTER TABLE documents ADD COLUMN duplicate_of INTEGER REFERENCES documents(docno) ON DELETE SET NULL;
ALTER TABLE documents ADD COLUMN minhash BLOB;
CREATE INDEX documents_duplicate ON documents(duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE TABLE doc_lsh(key INTEGER NOT NULL, docno INTEGER NOT NULL, PRIMARY KEY (key, docno)) WITHOUT ROWID;
CREATE INDEX doc_lsh_doc ON doc_lsh(docno);
-- Folded indicator of every figure (rowid = records.rid).
CREATE VIRTUAL TABLE figures_fts USING fts5(indicator, tokenize='unicode61 remove_diacritics 2');
"""

# The review queue (least confident first) and its filters read in index order, so a page
# of 50 costs the same with 200,000 records as with 200.
V3 = """
CREATE INDEX records_status_confidence ON records(status, confidence);
CREATE INDEX records_confidence ON records(confidence);
"""


# Versions: the current version of a document keeps its docno (and with it the full-text
# row, near-duplicate links, copies pointing at it); an earlier version is a new row,
# `id` "<id>@v<n>", `version_of` the current docno, not indexed, not in the queue.
# Leases: one row per record handed out, `expires_at` in Unix seconds; an expired row
# is as good as none. Batches: one row per bulk step; its per-record entries in
# review_log carry its id, and an undo of the step is a batch of its own.
V4 = """
ALTER TABLE documents ADD COLUMN version_no INTEGER NOT NULL DEFAULT 1;
ALTER TABLE documents ADD COLUMN version_of INTEGER REFERENCES documents(docno) ON DELETE CASCADE;
CREATE INDEX documents_version_of ON documents(version_of) WHERE version_of IS NOT NULL;

CREATE TABLE review_leases(
  rid INTEGER PRIMARY KEY REFERENCES records(rid) ON DELETE CASCADE,
  reviewer TEXT NOT NULL,
  expires_at REAL NOT NULL
);
CREATE INDEX review_leases_reviewer ON review_leases(reviewer);

CREATE TABLE review_batches(
  id INTEGER PRIMARY KEY,
  action TEXT NOT NULL,
  scope TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  n INTEGER NOT NULL,
  at TEXT NOT NULL,
  undoes INTEGER REFERENCES review_batches(id)
);
CREATE TRIGGER review_batches_no_update BEFORE UPDATE ON review_batches
BEGIN SELECT RAISE(ABORT, 'review log is append-only'); END;
CREATE TRIGGER review_batches_no_delete BEFORE DELETE ON review_batches
BEGIN SELECT RAISE(ABORT, 'review log is append-only'); END;

ALTER TABLE review_log ADD COLUMN batch INTEGER REFERENCES review_batches(id);
CREATE INDEX review_log_undoes ON review_log(undoes) WHERE undoes IS NOT NULL;
CREATE INDEX review_log_batch ON review_log(batch) WHERE batch IS NOT NULL;
"""

# Keys and facts are derived data: recomputed when the key function or the reading rules
# change (indicators.keys_changed, legal_facts.facts_changed), like the folded full text.
V5 = """
ALTER TABLE records ADD COLUMN indicator_key TEXT;
CREATE INDEX records_indicator_key ON records(indicator_key, unit) WHERE indicator_key IS NOT NULL;
CREATE TABLE indicator_keys(kid INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE indicator_keys_fts USING fts5(key, content='indicator_keys', content_rowid='kid',
  tokenize='unicode61 remove_diacritics 2');
CREATE TABLE legal_facts(
  docno INTEGER NOT NULL REFERENCES documents(docno) ON DELETE CASCADE,
  rid INTEGER NOT NULL,
  legal_id TEXT NOT NULL,
  title TEXT, issued TEXT, issuer TEXT,
  rules TEXT
);
CREATE INDEX legal_facts_id ON legal_facts(legal_id);
CREATE INDEX legal_facts_doc ON legal_facts(docno);
"""


def _statements(script: str) -> list[str]:
    """Split a script into statements (triggers hold ';' inside BEGIN ... END)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buf.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def _run(conn: sqlite3.Connection, script: str) -> None:
    for stmt in _statements(script):
        conn.execute(stmt)


def _v1(conn: sqlite3.Connection) -> None:
    _run(conn, V1)


def _v2(conn: sqlite3.Connection) -> None:
    from ..minhash import signature
    from . import figure_index, fulltext, neardup

    _run(conn, V2)
    # Re-index the full text folded (v1 indexed the raw text), index figure
    # indicators, and compute near-duplicate links for the documents already stored.
    conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('delete-all')")
    rows = conn.execute("SELECT docno, title, text, sha256 FROM documents ORDER BY docno").fetchall()
    for docno, title, text, sha in rows:
        folded = fulltext.index_document(conn, docno, title, text)
        neardup.link(conn, docno, sha, signature(folded), versioned=False)
    figure_index.reindex_figures(conn, current_only=False)  # v2 knows no versions yet
    fulltext.remember_fold(conn)


def _v3(conn: sqlite3.Connection) -> None:
    _run(conn, V3)


def _v4(conn: sqlite3.Connection) -> None:
    _run(conn, V4)


def _v5(conn: sqlite3.Connection) -> None:
    from . import indicators, legal_facts

    _run(conn, V5)
    indicators.rekey_all(conn)
    legal_facts.refresh_all(conn)


def _v6(conn: sqlite3.Connection) -> None:
    pass  # see v6 above: PostgreSQL only


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1, 2: _v2, 3: _v3, 4: _v4, 5: _v5, 6: _v6}
LATEST = max(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, upto: int = LATEST) -> list[int]:
    """Apply the migrations after the file's version up to `upto`; returns those applied.

    `conn` must be in autocommit mode (isolation_level=None): each step is its own
    BEGIN IMMEDIATE ... COMMIT, the version bump inside it.
    """
    applied = []
    for v in range(version(conn) + 1, upto + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if version(conn) >= v:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            MIGRATIONS[v](conn)
            conn.execute(f"PRAGMA user_version = {v}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(v)
    return applied
