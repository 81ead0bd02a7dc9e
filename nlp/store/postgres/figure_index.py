"""Figures in PostgreSQL: the folded index of their indicators (tsvector, GIN), and the figure search over it."""
from __future__ import annotations

import psycopg

from ...lang.fold import fold
from ..interface import FigureFilters
from . import indicators
from . import rows as R
from .rows import JOINED, SENTENCE

_INSERT = "INSERT INTO figure_index(rid, indicator, tsv) VALUES (%s, %s, to_tsvector('simple', %s))"


def _entry(rid: int, indicator: str) -> tuple[int, str, str]:
    from .fulltext import words

    folded = fold(indicator)
    return rid, folded, words(folded)


# ---------------------------------------------------------------- the index
def index_figures(conn: psycopg.Connection, docno: int) -> None:
    """(Re)index the indicators of one document's figures."""
    conn.execute("DELETE FROM figure_index WHERE rid IN (SELECT rid FROM records WHERE docno = %s)", (docno,))
    rows = conn.execute("SELECT rid, indicator FROM records WHERE docno = %s AND type = 'figure' "
                        "AND indicator IS NOT NULL", (docno,)).fetchall()
    if rows:
        with conn.cursor() as cur:
            cur.executemany(_INSERT, [_entry(r, i) for r, i in rows])
    indicators.key_document(conn, docno)


def index_figure(conn: psycopg.Connection, rid: int, indicator: str | None) -> None:
    """(Re)index one figure whose row holds its new indicator (and unit): index and key."""
    conn.execute("DELETE FROM figure_index WHERE rid = %s", (rid,))
    if indicator:
        conn.execute(_INSERT, _entry(rid, indicator))
    indicators.key_record(conn, rid)


def reindex_figures(conn: psycopg.Connection, current_only: bool = True) -> None:
    """Index every figure of the current document versions (`current_only` False: of every
    document, for a schema without versions)."""
    conn.execute("DELETE FROM figure_index")
    rows = conn.execute(
        "SELECT r.rid, r.indicator FROM records r JOIN documents d ON d.docno = r.docno "
        "WHERE r.type = 'figure' AND r.indicator IS NOT NULL"
        + (" AND d.version_of IS NULL" if current_only else "")).fetchall()
    with conn.cursor() as cur:
        cur.executemany(_INSERT, [_entry(r, i) for r, i in rows])


# ---------------------------------------------------------------- queries
def _where(f: FigureFilters) -> tuple[str, list]:
    # Not rejected, not in a copy of another article, not in an earlier version of a document.
    where, params = ["r.type = 'figure'", "r.status != 'rejected'", "d.duplicate_of IS NULL",
                     "d.version_of IS NULL"], []
    if f.role:
        where.append("r.role = %s")
        params.append(f.role)
    if f.year_from is not None:
        where.append("r.year >= %s")
        params.append(int(f.year_from))
    if f.year_to is not None:
        where.append("r.year <= %s")
        params.append(int(f.year_to))
    if f.unit is not None:
        # `doanh nghiệp` also finds `doanh nghiệp công nghệ số` (a unit is a counted noun phrase).
        where.append("(r.unit_key = %s OR r.unit_key LIKE %s)")
        params += [f.unit, f.unit.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + " %"]
    return " AND ".join(where), params


def match_figures(conn: psycopg.Connection, words: list[str], filters: FigureFilters, limit: int,
                  any_word: bool) -> list[tuple[int, str, float]]:
    from .fulltext import TOKEN, _lexeme

    parts = []
    for w in words:
        toks = TOKEN.findall(w)
        if toks:
            parts.append(" <-> ".join(_lexeme(t) for t in toks) if len(toks) > 1 else _lexeme(toks[0]))
            parts[-1] = f"({parts[-1]})" if len(toks) > 1 else parts[-1]
        elif not any_word:
            return []
    if not parts:
        return []
    cond, params = _where(filters)
    q = (" | " if any_word else " & ").join(parts)
    # ts_rank normalised by length (2): a short indicator holding the words ranks first, as bm25 does.
    rank = "SELECT f.rid, f.indicator, ts_rank(f.tsv, q, 2) AS score FROM figure_index f, CAST(%s AS tsquery) q WHERE f.tsv @@ q"
    joined = "JOIN records r ON r.rid = m.rid JOIN documents d ON d.docno = r.docno"
    if not (filters.role or filters.year_from is not None or filters.year_to is not None or filters.unit is not None):
        # Without a filter of the user's, few matches drop out (rejected, in a copy, in an
        # earlier version): the best matches are ranked first and only those joined. Joining
        # every match of a common word first (`giá`: 17,661 of the 35k store) makes the
        # planner hash-join the whole records table: 165 ms instead of ~25.
        head = limit * 2 + 20
        rows = conn.execute(f"SELECT m.rid, m.indicator, m.score FROM ({rank} ORDER BY score DESC, f.rid LIMIT %s) m "
                            f"{joined} WHERE {cond} ORDER BY m.score DESC, m.rid LIMIT %s",
                            (q, head, *params, limit)).fetchall()
        if len(rows) == limit or not _more_than(conn, q, head):
            return [(rid, ind, float(score)) for rid, ind, score in rows]
    rows = conn.execute(f"SELECT m.rid, m.indicator, m.score FROM ({rank}) m {joined} WHERE {cond} "
                        "ORDER BY m.score DESC, m.rid LIMIT %s", (q, *params, limit)).fetchall()
    return [(rid, ind, float(score)) for rid, ind, score in rows]


def _more_than(conn: psycopg.Connection, q: str, n: int) -> bool:
    """Whether the tsquery `q` matches more than `n` indicators."""
    return conn.execute("SELECT count(*) FROM (SELECT 1 FROM figure_index WHERE tsv @@ CAST(%s AS tsquery) LIMIT %s) x",
                        (q, n + 1)).fetchone()[0] > n


def filter_figures(conn: psycopg.Connection, filters: FigureFilters, limit: int) -> list[int]:
    cond, params = _where(filters)
    return [rid for (rid,) in conn.execute(
        f"SELECT r.rid FROM {JOINED} WHERE {cond} ORDER BY d.date IS NULL, d.date DESC, r.rid DESC LIMIT %s",
        (*params, limit))]


def sentences(conn: psycopg.Connection, rids: list[int]) -> dict[int, str]:
    if not rids:
        return {}
    return dict(conn.execute(f"SELECT r.rid, {SENTENCE} FROM {JOINED} WHERE r.rid = ANY(%s)", (list(rids),)).fetchall())


def records(conn: psycopg.Connection, rids: list[int]) -> list[dict]:
    if not rids:
        return []
    out = []
    for row in conn.execute(f"SELECT {R.SELECT}, d.date, d.title FROM {JOINED} WHERE r.rid = ANY(%s)", (list(rids),)):
        rec = R.row_to_dict(row[:-2])
        rec["date"], rec["title"] = row[-2], row[-1]
        out.append(rec)
    return out
