"""Figures in SQLite: the folded index of their indicators (FTS5), and the figure search over it."""
from __future__ import annotations

import sqlite3

from ...lang.fold import fold
from ..interface import FigureFilters
from . import indicators
from .rows import JOINED, SELECT, SENTENCE, row_to_dict


# ---------------------------------------------------------------- the index (rowid = records.rid)
def unindex_figures(conn: sqlite3.Connection, docno: int) -> None:
    conn.execute("DELETE FROM figures_fts WHERE rowid IN (SELECT rid FROM records WHERE docno = ?)", (docno,))


def index_figures(conn: sqlite3.Connection, docno: int) -> None:
    """(Re)index the indicators of one document's figures."""
    unindex_figures(conn, docno)
    rows = conn.execute(
        "SELECT rid, indicator FROM records WHERE docno = ? AND type = 'figure' AND indicator IS NOT NULL",
        (docno,),
    ).fetchall()
    conn.executemany("INSERT INTO figures_fts(rowid, indicator) VALUES (?, ?)", [(r, fold(i)) for r, i in rows])
    indicators.key_document(conn, docno)


def index_figure(conn: sqlite3.Connection, rid: int, indicator: str | None) -> None:
    """(Re)index one figure whose row holds its new indicator (and unit): index and key."""
    conn.execute("DELETE FROM figures_fts WHERE rowid = ?", (rid,))
    if indicator:
        conn.execute("INSERT INTO figures_fts(rowid, indicator) VALUES (?, ?)", (rid, fold(indicator)))
    indicators.key_record(conn, rid)


def reindex_figures(conn: sqlite3.Connection, current_only: bool = True) -> None:
    """Index every figure of the current document versions (`current_only` False: of every
    document, for a schema without versions)."""
    conn.execute("DELETE FROM figures_fts")
    cur = conn.execute(
        "SELECT r.rid, r.indicator FROM records r JOIN documents d ON d.docno = r.docno "
        "WHERE r.type = 'figure' AND r.indicator IS NOT NULL" + (" AND d.version_of IS NULL" if current_only else ""))
    conn.executemany("INSERT INTO figures_fts(rowid, indicator) VALUES (?, ?)", ((r, fold(i)) for r, i in cur.fetchall()))


# ---------------------------------------------------------------- queries
def _where(f: FigureFilters) -> tuple[str, list]:
    # Not rejected, not in a copy of another article, not in an earlier version of a document.
    where, params = ["r.type = 'figure'", "r.status != 'rejected'", "d.duplicate_of IS NULL",
                     "d.version_of IS NULL"], []
    if f.role:
        where.append("r.role = ?")
        params.append(f.role)
    if f.year_from is not None:
        where.append("r.year >= ?")
        params.append(int(f.year_from))
    if f.year_to is not None:
        where.append("r.year <= ?")
        params.append(int(f.year_to))
    if f.unit is not None:
        # `doanh nghiệp` also finds `doanh nghiệp công nghệ số` (a unit is a counted noun phrase);
        # `fold` is the connection's SQL function (the same one the indexes use).
        where.append("(fold(r.unit) = ? OR fold(r.unit) LIKE ? ESCAPE '\\')")
        params += [f.unit, f.unit.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + " %"]
    return " AND ".join(where), params


def match_figures(conn: sqlite3.Connection, words: list[str], filters: FigureFilters, limit: int,
                  any_word: bool) -> list[tuple[int, str, float]]:
    cond, params = _where(filters)
    expr = (" OR " if any_word else " AND ").join(f'"{w}"' for w in words)
    # Only ids and indicators: the full rows of the few kept are read afterwards, so no
    # sentence is cut for a figure that is not shown.
    rows = conn.execute(
        "SELECT figures_fts.rowid, figures_fts.indicator, rank FROM figures_fts "
        "JOIN records r ON r.rid = figures_fts.rowid JOIN documents d ON d.docno = r.docno "
        f"WHERE figures_fts MATCH ? AND {cond} ORDER BY rank LIMIT ?", (expr, *params, limit)).fetchall()
    return [(rid, ind, -rank) for rid, ind, rank in rows]


def filter_figures(conn: sqlite3.Connection, filters: FigureFilters, limit: int) -> list[int]:
    cond, params = _where(filters)
    return [rid for (rid,) in conn.execute(
        f"SELECT r.rid FROM {JOINED} WHERE {cond} ORDER BY d.date IS NULL, d.date DESC, r.rid DESC LIMIT ?",
        (*params, limit))]


def sentences(conn: sqlite3.Connection, rids: list[int]) -> dict[int, str]:
    if not rids:
        return {}
    return dict(conn.execute(f"SELECT r.rid, {SENTENCE} FROM {JOINED} WHERE r.rid IN ({','.join('?' * len(rids))})",
                             list(rids)).fetchall())


def records(conn: sqlite3.Connection, rids: list[int]) -> list[dict]:
    if not rids:
        return []
    out = []
    for row in conn.execute(f"SELECT {SELECT}, d.date, d.title FROM {JOINED} "
                            f"WHERE r.rid IN ({','.join('?' * len(rids))})", list(rids)):
        rec = row_to_dict(row[:-2])
        rec["date"], rec["title"] = row[-2], row[-1]
        out.append(rec)
    return out
