"""Indicator tracking in PostgreSQL: the SQLite backend's design (nlp/store/sqlite/indicators.py).

Each figure keeps `indicator_key`; the distinct keys sit in `indicator_keys` with a
tsvector (GIN) of their words, so a query finds the keys first and only the figures of
the best keys are counted. `meta.indicator_key_version` makes a store opened with
another key function (or folding) recompute every key.
"""
from __future__ import annotations

from typing import Any

import psycopg

from ...indicator_key import indicator_key
from ..sqlite.indicators import META_KEY, current_version
from . import rows as R
from .rows import JOINED

LIVE = ("r.type = 'figure' AND r.status != 'rejected' AND d.duplicate_of IS NULL AND d.version_of IS NULL")


# ---------------------------------------------------------------- keeping keys
def _remember_keys(conn: psycopg.Connection, keys: set[str]) -> None:
    from .fulltext import words

    if keys:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO indicator_keys(key, tsv) VALUES (%s, to_tsvector('simple', %s)) "
                            "ON CONFLICT (key) DO NOTHING", [(k, words(k)) for k in sorted(keys)])


def _set_keys(conn: psycopg.Connection, rows: list[tuple[int, str | None, str | None]]) -> None:
    keyed = [(indicator_key(ind, unit) or None, rid) for rid, ind, unit in rows]
    if keyed:
        with conn.cursor() as cur:
            cur.executemany("UPDATE records SET indicator_key = %s WHERE rid = %s", keyed)
    _remember_keys(conn, {k for k, _ in keyed if k})


def key_document(conn: psycopg.Connection, docno: int) -> None:
    _set_keys(conn, conn.execute(
        "SELECT rid, indicator, unit FROM records WHERE docno = %s AND type = 'figure'", (docno,)).fetchall())


def key_record(conn: psycopg.Connection, rid: int) -> None:
    _set_keys(conn, conn.execute(
        "SELECT rid, indicator, unit FROM records WHERE rid = %s AND type = 'figure'", (rid,)).fetchall())


def keys_changed(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = %s", (META_KEY,)).fetchone()
    return row is None or row[0] != current_version()


def rekey_all(conn: psycopg.Connection) -> None:
    """Recompute every figure's key and rebuild the key index (inside the caller's transaction)."""
    conn.execute("DELETE FROM indicator_keys")
    rows = conn.execute("SELECT rid, indicator, unit FROM records WHERE type = 'figure'").fetchall()
    for i in range(0, len(rows), 5000):
        _set_keys(conn, rows[i:i + 5000])
    conn.execute("INSERT INTO meta(key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 (META_KEY, current_version()))


# ---------------------------------------------------------------- groups
_GROUP_COLUMNS = ("key", "unit", "n", "n_docs", "n_target", "n_actual", "year_min", "year_max")


def _groups_of(conn: psycopg.Connection, keys: list[str]) -> list[dict[str, Any]]:
    if not keys:
        return []
    return [dict(zip(_GROUP_COLUMNS, row)) for row in conn.execute(
        "SELECT r.indicator_key, r.unit, count(*), count(DISTINCT r.docno), sum((r.role = 'target')::int), "
        f"sum((r.role = 'actual')::int), min(r.year), max(r.year) FROM {JOINED} "
        f"WHERE r.indicator_key = ANY(%s) AND {LIVE} GROUP BY r.indicator_key, r.unit", (list(keys),))]


def _labels(conn: psycopg.Connection, groups: list[dict[str, Any]]) -> None:
    """Set each group's label (its indicator as most often written) with one query."""
    keys = list({g["key"] for g in groups})
    best: dict[tuple[str, str | None], tuple] = {}
    if keys:
        for key, unit, ind, n in conn.execute(
                f"SELECT r.indicator_key, r.unit, r.indicator, count(*) FROM {JOINED} "
                f"WHERE r.indicator_key = ANY(%s) AND {LIVE} GROUP BY r.indicator_key, r.unit, r.indicator",
                (keys,)):
            rank = (-n, len(ind or ""), ind or "")
            if (key, unit) not in best or rank < best[(key, unit)][0]:
                best[(key, unit)] = (rank, ind)
    for g in groups:
        g["label"] = (best.get((g["key"], g["unit"])) or (None, None))[1] or g["key"]


def _label(conn: psycopg.Connection, key: str, unit: str | None) -> str:
    row = conn.execute(
        f"SELECT r.indicator, count(*) AS n FROM {JOINED} WHERE r.indicator_key = %s "
        f"AND r.unit IS NOT DISTINCT FROM %s AND {LIVE} "
        "GROUP BY r.indicator ORDER BY n DESC, length(r.indicator), r.indicator LIMIT 1", (key, unit)).fetchone()
    return row[0] if row else key


def find_groups(conn: psycopg.Connection, words: list[str], limit: int, any_word: bool,
                candidates: int = 60) -> list[dict[str, Any]]:
    from .fulltext import TOKEN, _lexeme

    lexemes = [_lexeme(t) for w in words for t in TOKEN.findall(w)]
    if not lexemes:
        return []
    q = (" | " if any_word else " & ").join(lexemes)
    ranked = conn.execute(
        "SELECT k.key, ts_rank(k.tsv, q, 2) AS score FROM indicator_keys k, CAST(%s AS tsquery) q "
        "WHERE k.tsv @@ q ORDER BY score DESC, length(k.key), k.key LIMIT %s", (q, candidates)).fetchall()
    score = {k: float(s) for k, s in ranked}
    groups = _groups_of(conn, list(score))
    groups.sort(key=lambda g: (-score[g["key"]], -g["n"]))
    groups = groups[:limit]
    for g in groups:
        g["score"] = score[g["key"]]
    _labels(conn, groups)
    return groups


def group(conn: psycopg.Connection, key: str, unit: str | None) -> dict[str, Any] | None:
    found = [g for g in _groups_of(conn, [key]) if g["unit"] == unit]
    if not found:
        return None
    g = found[0]
    g["score"], g["label"] = 0.0, _label(conn, key, unit)
    return g


def points(conn: psycopg.Connection, key: str, unit: str | None, limit: int | None) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"SELECT {R.SELECT}, d.date, d.title FROM {JOINED} WHERE r.indicator_key = %s "
        f"AND r.unit IS NOT DISTINCT FROM %s AND {LIVE} ORDER BY d.date IS NULL, d.date, d.id, r.start LIMIT %s",
        (key, unit, limit)).fetchall()
    out = []
    for row in rows:
        rec = R.row_to_dict(row[:-2])
        rec["date"], rec["title"] = row[-2], row[-1]
        rec["indicator_key"] = key
        out.append(rec)
    return out
