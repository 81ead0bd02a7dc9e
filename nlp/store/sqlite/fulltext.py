"""Folded full text in SQLite FTS5: the documents index, and the document search over it.

`documents_fts` is an FTS5 table with external content (`documents`): the index holds
the *folded* text (lowercase, no diacritics, đ→d, by `nlp.lang.fold.fold`), while
snippets are cut from the original text. This works because folding keeps every
letter a letter, so the unicode61 tokenizer finds the same tokens, in the same order,
in both; the token positions from the index therefore mark the right words in the
original. Queries arrive folded by the same function (nlp/search.py).

The index depends on `fold`; a probe of it is kept in `meta`, and a store opened with
a different `fold` re-indexes (`fold_changed` / `reindex_all`), so a change in the
folding rules can never leave index and queries disagreeing.
"""
from __future__ import annotations

import sqlite3

from ...lang.fold import fold
from ..interface import SNIPPET_CLOSE, SNIPPET_OPEN, DocumentFilters, Term, TextQuery
from . import figure_index

# Every Vietnamese letter with its marks, both cases, plus digits and punctuation.
_PROBE = (
    "aàáảãạăằắẳẵặâầấẩẫậ eèéẻẽẹêềếểễệ iìíỉĩị oòóỏõọôồốổỗộơờớởỡợ uùúủũụưừứửữự yỳýỷỹỵ đ "
    "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ EÈÉẺẼẸÊỀẾỂỄỆ IÌÍỈĨỊ OÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ UÙÚỦŨỤƯỪỨỬỮỰ YỲÝỶỸỴ Đ "
    "82/2024/NĐ-CP 22,4% 50.350"
)
SNIPPET_TOKENS = 24
HEAD_CHARS = 160  # the "snippet" of a document listed by filters alone
FEW_MATCHES = 40  # at most this many matches: ranked whole with bm25() (find_documents)


# ---------------------------------------------------------------- the index
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


def remember_fold(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fold_probe', ?)", (fold(_PROBE),))


def fold_changed(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = 'fold_probe'").fetchone()
    return row is None or row[0] != fold(_PROBE)


def reindex_all(conn: sqlite3.Connection) -> None:
    """Rebuild both folded indexes from the stored texts of the current document versions
    (inside the caller's transaction)."""
    conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('delete-all')")
    for docno, title, text in conn.execute(
            "SELECT docno, title, text FROM documents WHERE version_of IS NULL").fetchall():
        index_document(conn, docno, title, text)
    figure_index.reindex_figures(conn)
    remember_fold(conn)


# ---------------------------------------------------------------- queries
def _term(t: Term) -> str:
    return '"' + " ".join(t.words) + '"' + ("*" if t.prefix else "")


def match_expression(q: TextQuery) -> str:
    """The FTS5 MATCH expression of a query: terms ANDed, phrases quoted, `"w"*` a prefix."""
    expr = " AND ".join(_term(t) for t in q.all_of)
    return f"({expr}) NOT {_term(q.none_of)}" if q.none_of is not None else expr


def _filters(f: DocumentFilters) -> tuple[list[str], list]:
    # Earlier versions of a document are not indexed and not listed: search finds the current one.
    where, params = ["d.duplicate_of IS NULL", "d.version_of IS NULL"], []
    if f.date_from:
        where.append("d.date >= ?")
        params.append(f.date_from)
    if f.date_to:
        where.append("d.date <= ?")
        params.append(f.date_to)
    if f.source:
        where.append("d.source = ?")
        params.append(f.source)
    if f.cited_types is not None or f.cited_year:
        cond = ["c.docno = d.docno", "c.type = 'legal_ref'", "c.status != 'rejected'"]
        if f.cited_types is not None:
            cond.append(f"c.doc_type IN ({','.join('?' * len(f.cited_types))})")
            params.extend(f.cited_types)
        if f.cited_year:
            cond.append("c.year = ?")
            params.append(f.cited_year)
        where.append(f"EXISTS (SELECT 1 FROM records c WHERE {' AND '.join(cond)})")
    return where, params


def find_documents(conn: sqlite3.Connection, text: TextQuery | None, filters: DocumentFilters, limit: int,
                   title_weight: float, window: int | None = None) -> list[dict]:
    where, params = _filters(filters)
    expr = match_expression(text) if text is not None else ""
    # A query of few matches (a rare phrase: most phrase queries) is ranked whole with the
    # bm25() function: it sorts faster than FTS5's `rank` column, but cuts a snippet for
    # every match before the sort, so it is taken only when the matches are few. Counting
    # them up to that bound costs one pass over the posting lists (~2 ms at 35k documents).
    # (Few is also within the window: the window then leaves every match in.)
    few = text is not None and _matches_at_most(conn, expr, min(FEW_MATCHES, window or FEW_MATCHES))
    if text is not None and window and not filters.any() and not few:
        # More matches than `window`: rank only the `window` most recently stored of the
        # documents listed (originals, current versions; a copy takes no place), as
        # PostgreSQL's doc_search does (bm25 costs per match; a common phrase or the
        # every-word tier of common words has thousands).
        # (The few unlisted docnos come from two partial indexes, once per query: a look-up
        # in that small set per match, not in the documents table.)
        where.append("documents_fts.rowid >= COALESCE((SELECT w.rowid FROM documents_fts w "
                     "WHERE w.documents_fts MATCH ? AND w.rowid NOT IN (SELECT docno FROM documents "
                     "WHERE duplicate_of IS NOT NULL UNION ALL SELECT docno FROM documents WHERE version_of IS NOT NULL) "
                     "ORDER BY w.rowid DESC LIMIT 1 OFFSET ?), 0)")
        params += [expr, int(window) - 1]
    dup_count = "(SELECT count(*) FROM documents x WHERE x.duplicate_of = d.docno)"
    if text is None:
        rows = conn.execute(
            f"SELECT d.id, d.title, d.date, d.source, 0.0, substr(d.text, 1, {HEAD_CHARS}), {dup_count} "
            f"FROM documents d WHERE {' AND '.join(where)} ORDER BY d.date IS NULL, d.date DESC, d.id LIMIT ?",
            (*params, limit)).fetchall()
    elif few:
        rows = conn.execute(
            f"SELECT d.id, d.title, d.date, d.source, -bm25(documents_fts, {float(title_weight)}, 1.0) AS score, "
            f"snippet(documents_fts, -1, '{SNIPPET_OPEN}', '{SNIPPET_CLOSE}', '…', {SNIPPET_TOKENS}), {dup_count} "
            "FROM documents_fts JOIN documents d ON d.docno = documents_fts.rowid "
            f"WHERE documents_fts MATCH ? AND {' AND '.join(where)} "
            "ORDER BY score DESC, d.docno LIMIT ?", (expr, *params, limit)).fetchall()
    else:
        # `ORDER BY rank` (FTS5's own column, bm25 with the title weighted) lets FTS5 sort
        # the matches itself, so snippets are cut only for the rows returned.
        rows = [(*r[:4], -r[4], *r[5:]) for r in conn.execute(
            f"SELECT d.id, d.title, d.date, d.source, rank, "
            f"snippet(documents_fts, -1, '{SNIPPET_OPEN}', '{SNIPPET_CLOSE}', '…', {SNIPPET_TOKENS}), {dup_count} "
            "FROM documents_fts JOIN documents d ON d.docno = documents_fts.rowid "
            f"WHERE documents_fts MATCH ? AND rank MATCH 'bm25({title_weight}, 1.0)' AND {' AND '.join(where)} "
            "ORDER BY rank LIMIT ?", (expr, *params, limit))]
    names = ("id", "title", "date", "source", "score", "snippet", "duplicates")
    return [dict(zip(names, r)) for r in rows]


def _matches_at_most(conn: sqlite3.Connection, expr: str, n: int) -> bool:
    """Whether the MATCH expression has at most `n` matching rows in the index."""
    return conn.execute("SELECT count(*) FROM (SELECT 1 FROM documents_fts WHERE documents_fts MATCH ? LIMIT ?)",
                        (expr, n + 1)).fetchone()[0] <= n


def count_matching(conn: sqlite3.Connection, text: TextQuery, filters: DocumentFilters, cap: int) -> int:
    """How many original documents match `text` and `filters`, counting at most `cap` (a count
    stops costing once it is large enough to say "more than")."""
    where, params = _filters(filters)
    return conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM documents_fts JOIN documents d ON d.docno = documents_fts.rowid "
        f"WHERE documents_fts MATCH ? AND {' AND '.join(where)} LIMIT ?)",
        (match_expression(text), *params, cap)).fetchone()[0]
