"""Indicator tracking in SQLite: each figure's indicator key, the keys' folded index, groups, points.

Every figure row keeps `indicator_key` (nlp.indicator_key of its indicator and unit). A
group is (key, unit): one measure in one unit, never mixed with another. The distinct
keys sit in `indicator_keys` with an FTS5 index (`indicator_keys_fts`), so a query's words
find the keys first (thousands of figures share a common key word; few keys do) and only
the figures of the best keys are counted. A key no figure carries any more stays in the
table and is simply never returned (a group of no points is no group).

The keys depend on the key function; `meta.indicator_key_version` records the version
the stored keys were made with (nlp.indicator_key.key_version() and the folding probe),
and a store opened with another one recomputes them all (`keys_changed` / `rekey_all`).
"""
from __future__ import annotations

import hashlib
import sqlite3
from typing import Any

from ...indicator_key import indicator_key, key_version
from .rows import JOINED, SELECT, row_to_dict

META_KEY = "indicator_key_version"
# A figure counts in a group unless rejected, in a copy of another article, or in an earlier version.
LIVE = ("r.type = 'figure' AND r.status != 'rejected' AND d.duplicate_of IS NULL AND d.version_of IS NULL")


def current_version() -> str:
    """The key function's version and the folding it relies on (the full-text index's probe)."""
    from ...lang.fold import fold
    from .fulltext import _PROBE

    probe = hashlib.sha256(fold(_PROBE).encode()).hexdigest()[:8]
    return f"{key_version()}|{probe}"


# ---------------------------------------------------------------- keeping keys
def _remember_keys(conn: sqlite3.Connection, keys: set[str]) -> None:
    for k in keys:
        if not k:
            continue
        cur = conn.execute("INSERT OR IGNORE INTO indicator_keys(key) VALUES (?)", (k,))
        if cur.rowcount:
            conn.execute("INSERT INTO indicator_keys_fts(rowid, key) VALUES (?, ?)", (cur.lastrowid, k))


def _set_keys(conn: sqlite3.Connection, rows: list[tuple[int, str | None, str | None]]) -> None:
    """rows: (rid, indicator, unit) of figures; writes their keys and remembers new ones."""
    keyed = [(indicator_key(ind, unit) or None, rid) for rid, ind, unit in rows]
    conn.executemany("UPDATE records SET indicator_key = ? WHERE rid = ?", keyed)
    _remember_keys(conn, {k for k, _ in keyed if k})


def key_document(conn: sqlite3.Connection, docno: int) -> None:
    """(Re)compute the keys of one document's figures."""
    _set_keys(conn, conn.execute(
        "SELECT rid, indicator, unit FROM records WHERE docno = ? AND type = 'figure'", (docno,)).fetchall())


def key_record(conn: sqlite3.Connection, rid: int) -> None:
    """(Re)compute the key of one figure (its indicator or unit changed)."""
    _set_keys(conn, conn.execute(
        "SELECT rid, indicator, unit FROM records WHERE rid = ? AND type = 'figure'", (rid,)).fetchall())


def keys_changed(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    return row is None or row[0] != current_version()


def rekey_all(conn: sqlite3.Connection) -> None:
    """Recompute every figure's key and rebuild the key index (inside the caller's transaction)."""
    conn.execute("DELETE FROM indicator_keys_fts")
    conn.execute("DELETE FROM indicator_keys")
    rows = conn.execute("SELECT rid, indicator, unit FROM records WHERE type = 'figure'").fetchall()
    for i in range(0, len(rows), 5000):
        _set_keys(conn, rows[i:i + 5000])
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (META_KEY, current_version()))


# ---------------------------------------------------------------- groups
_GROUP_COLUMNS = ("key", "unit", "n", "n_docs", "n_target", "n_actual", "year_min", "year_max")


def _groups_of(conn: sqlite3.Connection, keys: list[str]) -> list[dict[str, Any]]:
    out = []
    for i in range(0, len(keys), 400):
        chunk = keys[i:i + 400]
        out += [dict(zip(_GROUP_COLUMNS, row)) for row in conn.execute(
            "SELECT r.indicator_key, r.unit, count(*), count(DISTINCT r.docno), sum(r.role = 'target'), "
            f"sum(r.role = 'actual'), min(r.year), max(r.year) FROM {JOINED} "
            f"WHERE r.indicator_key IN ({','.join('?' * len(chunk))}) AND {LIVE} "
            "GROUP BY r.indicator_key, r.unit", chunk)]
    return out


def _label(conn: sqlite3.Connection, key: str, unit: str | None) -> str:
    """The group's indicator as most often written."""
    row = conn.execute(
        f"SELECT r.indicator, count(*) AS n FROM {JOINED} WHERE r.indicator_key = ? AND r.unit IS ? AND {LIVE} "
        "GROUP BY r.indicator ORDER BY n DESC, length(r.indicator), r.indicator LIMIT 1", (key, unit)).fetchone()
    return row[0] if row else key


def _labels(conn: sqlite3.Connection, groups: list[dict[str, Any]]) -> None:
    """Set each group's label (its indicator as most often written) with one query."""
    keys = list({g["key"] for g in groups})
    best: dict[tuple[str, str | None], tuple] = {}
    for i in range(0, len(keys), 400):
        chunk = keys[i:i + 400]
        for key, unit, ind, n in conn.execute(
                f"SELECT r.indicator_key, r.unit, r.indicator, count(*) FROM {JOINED} "
                f"WHERE r.indicator_key IN ({','.join('?' * len(chunk))}) AND {LIVE} "
                "GROUP BY r.indicator_key, r.unit, r.indicator", chunk):
            rank = (-n, len(ind or ""), ind or "")
            if (key, unit) not in best or rank < best[(key, unit)][0]:
                best[(key, unit)] = (rank, ind)
    for g in groups:
        g["label"] = (best.get((g["key"], g["unit"])) or (None, None))[1] or g["key"]


def find_groups(conn: sqlite3.Connection, words: list[str], limit: int, any_word: bool,
                candidates: int = 60) -> list[dict[str, Any]]:
    """Groups whose key holds every folded word (`any_word`: one of them), the keys' best
    `candidates` by bm25 counted; each with a `score` (bm25, higher is better) and `label`.
    The caller ranks them; here they come best key first, a key's units by size."""
    if not words:
        return []
    expr = (" OR " if any_word else " AND ").join('"' + w.replace('"', '""') + '"' for w in words)
    ranked = conn.execute(
        "SELECT k.key, rank FROM indicator_keys_fts f JOIN indicator_keys k ON k.kid = f.rowid "
        "WHERE indicator_keys_fts MATCH ? ORDER BY rank LIMIT ?", (expr, candidates)).fetchall()
    score = {k: -rank for k, rank in ranked}
    groups = _groups_of(conn, list(score))
    groups.sort(key=lambda g: (-score[g["key"]], -g["n"]))
    groups = groups[:limit]
    for g in groups:
        g["score"] = score[g["key"]]
    _labels(conn, groups)
    return groups


def group(conn: sqlite3.Connection, key: str, unit: str | None) -> dict[str, Any] | None:
    found = [g for g in _groups_of(conn, [key]) if g["unit"] == unit]
    if not found:
        return None
    g = found[0]
    g["score"], g["label"] = 0.0, _label(conn, key, unit)
    return g


def points(conn: sqlite3.Connection, key: str, unit: str | None, limit: int | None) -> list[dict[str, Any]]:
    """The figures of one group, oldest document first: stored records with "date" and "title"."""
    sql = (f"SELECT {SELECT}, d.date, d.title FROM {JOINED} WHERE r.indicator_key = ? AND r.unit IS ? AND {LIVE} "
           "ORDER BY d.date IS NULL, d.date, d.id, r.start")
    params: list[Any] = [key, unit]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    out = []
    for row in conn.execute(sql, params):
        rec = row_to_dict(row[:-2])
        rec["date"], rec["title"] = row[-2], row[-1]
        rec["indicator_key"] = key
        out.append(rec)
    return out
