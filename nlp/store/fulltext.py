"""Folded full-text indexes: documents (title, text) and figure indicators.

`documents_fts` is an FTS5 table with external content (`documents`): the index holds
the *folded* text (lowercase, no diacritics, đ→d, by `nlp.legal_query.fold`), while
snippets are cut from the original text. This works because folding keeps every
letter a letter, so the unicode61 tokenizer finds the same tokens, in the same order,
in both; the token positions from the index therefore mark the right words in the
original. Queries are folded by the same function (see nlp/search.py).

The index depends on `fold`; a probe of it is kept in `meta`, and a store opened with
a different `fold` re-indexes (`fold_changed` / `reindex_all`), so a change in the
folding rules can never leave index and queries disagreeing.
"""
from __future__ import annotations

import sqlite3

# Every Vietnamese letter with its marks, both cases, plus digits and punctuation.
_PROBE = (
    "aàáảãạăằắẳẵặâầấẩẫậ eèéẻẽẹêềếểễệ iìíỉĩị oòóỏõọôồốổỗộơờớởỡợ uùúủũụưừứửữự yỳýỷỹỵ đ "
    "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ EÈÉẺẼẸÊỀẾỂỄỆ IÌÍỈĨỊ OÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ UÙÚỦŨỤƯỪỨỬỮỰ YỲÝỶỸỴ Đ "
    "82/2024/NĐ-CP 22,4% 50.350"
)


def fold(s: str | None) -> str:
    """The project's one folding function (nlp.legal_query.fold), None-safe."""
    from ..legal_query import fold as _fold

    return _fold(s) if s else ""


def index_document(conn: sqlite3.Connection, docno: int, title: str | None, text: str,
                   folded: str | None = None) -> str:
    """Add a document to the folded index; returns the folded text (for near-duplicates)."""
    folded = fold(text) if folded is None else folded
    conn.execute("INSERT INTO documents_fts(rowid, title, text) VALUES (?, ?, ?)", (docno, fold(title), folded))
    return folded


def unindex_document(conn: sqlite3.Connection, docno: int, title: str | None, text: str) -> None:
    # External-content FTS5 deletes need the values that were indexed.
    conn.execute(
        "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)",
        (docno, fold(title), fold(text)),
    )


def index_figures(conn: sqlite3.Connection, docno: int) -> None:
    """(Re)index the indicators of one document's figures."""
    conn.execute("DELETE FROM figures_fts WHERE rowid IN (SELECT rid FROM records WHERE docno = ?)", (docno,))
    rows = conn.execute(
        "SELECT rid, indicator FROM records WHERE docno = ? AND type = 'figure' AND indicator IS NOT NULL",
        (docno,),
    ).fetchall()
    conn.executemany("INSERT INTO figures_fts(rowid, indicator) VALUES (?, ?)", [(r, fold(i)) for r, i in rows])


def index_figure(conn: sqlite3.Connection, rid: int, indicator: str | None) -> None:
    conn.execute("DELETE FROM figures_fts WHERE rowid = ?", (rid,))
    if indicator:
        conn.execute("INSERT INTO figures_fts(rowid, indicator) VALUES (?, ?)", (rid, fold(indicator)))


def reindex_figures(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM figures_fts")
    cur = conn.execute("SELECT rid, indicator FROM records WHERE type = 'figure' AND indicator IS NOT NULL")
    conn.executemany("INSERT INTO figures_fts(rowid, indicator) VALUES (?, ?)", ((r, fold(i)) for r, i in cur.fetchall()))


def remember_fold(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fold_probe', ?)", (fold(_PROBE),))


def fold_changed(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = 'fold_probe'").fetchone()
    return row is None or row[0] != fold(_PROBE)


def reindex_all(conn: sqlite3.Connection) -> None:
    """Rebuild both folded indexes from the stored texts (inside the caller's transaction)."""
    conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('delete-all')")
    for docno, title, text in conn.execute("SELECT docno, title, text FROM documents").fetchall():
        index_document(conn, docno, title, text)
    reindex_figures(conn)
    remember_fold(conn)
