"""Indicator tracking: one measure's targets and results over time, across reports.

    search_indicators(store, query, limit=20) -> list[group]
        group {"key", "unit", "label", "n", "n_docs", "n_target", "n_actual", "year_min",
               "year_max", "match": "phrase"|"words"}
    indicator_series(store, key, unit, limit=POINTS) -> {group + "points": [point]} | None
    point {"year", "year_from": "figure"|"document", "role", "value", "total", "comparator",
           "unit", "doc", "rid", "date", "title", "sentence", "text", "indicator", "start",
           "end", "sent_start", "status", "key"}
    similar_indicators(store, key, unit, limit=8) -> [group + "similarity", "same_unit"]
    indicators_json(store, query, limit=20, points=POINTS) -> the `solieu indicators --json` shape
        {"query", "cut", "indicators": [{"key", "label", "unit", "n", "n_docs", "points":
         [{"year", "role", "value", "comparator", "doc", "rid", "sentence"} …]}]}

A group is the figures sharing an indicator key (nlp.indicator_key) and a unit: one
measure in one unit. Groups are never averaged or joined with one another; a user may
choose to add another group to a chart (drawn as its own series) or to merge one
(its points then count as this measure's), which is a view of the data, not a change
to it. A point's year is the figure's own (the reporting year of a result, the deadline
of a target) or, when the text gives none, the year of its document's date
(`year_from` "document"); a point with neither is listed but not drawn.

Ranking is decided here; the store finds keys by their words and counts their figures.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .indicator_key import indicator_key
from .lang.fold import fold
from .store import Store

POINTS = 500  # points of one group read for a page or a JSON answer
_WORD = re.compile(r"\w+")
SIMILAR_MIN = 75.0  # rapidfuzz token_sort_ratio (0-100) from which another key is offered as similar


def _words(query: str) -> list[str]:
    return _WORD.findall(fold(query or ""))


@lru_cache(maxsize=1)
def _folded_synonyms() -> tuple[tuple[re.Pattern, str], ...]:
    """The key rules' synonym pairs (nlp/rules/indicator_keys.yml), folded: a query typed
    without diacritics (`cpi`, `tang truong kinh te`) is read as the keys were written."""
    from .rules import load

    pairs = []
    for rule in load("indicator_keys"):
        for src, dst in (rule.get("pairs") or {}).items() if rule.get("kind") == "synonym" else ():
            words = _WORD.findall(fold(str(src)))
            if words:
                pairs.append((re.compile(r"\b" + r"\s+".join(map(re.escape, words)) + r"\b"),
                              " ".join(_WORD.findall(fold(str(dst))))))
    pairs.sort(key=lambda p: -len(p[0].pattern))
    return tuple(pairs)


def query_variants(query: str) -> list[list[str]]:
    """The word lists a query is looked up by, each in the keys' terms: as typed (folded),
    with the key rules' synonyms, and as the key function reads it (period and fillers
    dropped); duplicates left out."""
    typed = _words(query)
    if not typed:
        return []
    folded = " ".join(typed)
    for rx, dst in _folded_synonyms():
        folded = rx.sub(dst, folded)
    out: list[list[str]] = []
    for words in (typed, folded.split(), _WORD.findall(indicator_key(query))):
        if words and words not in out:
            out.append(words)
    return out


def search_indicators(store: Store, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Groups whose key holds every word of the query (or of one of its variants, see
    query_variants): those holding it as one phrase first, then by how many documents
    report them, how many figures, and the shorter key."""
    variants = query_variants(query)
    if not variants:
        return []
    found: dict[tuple[str, str | None], dict[str, Any]] = {}
    for words in variants:
        phrase = f" {' '.join(words)} "
        for g in store.find_indicators(words, max(limit * 2, 40)):
            g["match"] = "phrase" if phrase in f" {g['key']} " else "words"
            have = found.get((g["key"], g["unit"]))
            if have is None or (have["match"] == "words" and g["match"] == "phrase"):
                found[(g["key"], g["unit"])] = g
    groups = sorted(found.values(), key=lambda g: (g["match"] != "phrase", -g["n_docs"], -g["n"], len(g["key"]),
                                                   g["key"], g["unit"] or ""))
    return groups[:limit]


def _year(rec: dict[str, Any]) -> tuple[int | None, str | None]:
    if isinstance(rec.get("year"), int):
        return rec["year"], "figure"
    date = rec.get("date")
    if isinstance(date, str) and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4]), "document"
    return None, None


def point(rec: dict[str, Any]) -> dict[str, Any]:
    """A stored figure (with its document's date and title) as a tracking point."""
    year, year_from = _year(rec)
    return {"year": year, "year_from": year_from, "role": rec.get("role") or "other", "value": rec.get("value"),
            "total": rec.get("total"), "comparator": rec.get("comparator") or "=", "unit": rec.get("unit"),
            "doc": rec.get("doc"), "rid": rec.get("rid"), "date": rec.get("date"), "title": rec.get("title"),
            "sentence": rec.get("sentence_text"), "text": rec.get("text"), "indicator": rec.get("indicator"),
            "start": rec.get("start"), "end": rec.get("end"), "status": rec.get("status"),
            "sent_start": (rec.get("sentence") or [None])[0],
            "key": rec.get("indicator_key") or indicator_key(rec.get("indicator"), rec.get("unit"))}


def _order(p: dict[str, Any]) -> tuple:
    return (p["year"] is None, p["year"] or 0, p["role"], p["date"] is None, p["date"] or "", p["doc"] or "",
            p["start"] or 0)


def indicator_series(store: Store, key: str, unit: str | None, limit: int = POINTS) -> dict[str, Any] | None:
    """One group and its points (by year, then role, then report date); None when unknown."""
    group = store.indicator_group(key, unit)
    if group is None:
        return None
    pts = [point(r) for r in store.indicator_points(key, unit, limit)]
    pts.sort(key=_order)
    return {**group, "points": pts}


def similar_indicators(store: Store, key: str, unit: str | None, limit: int = 8) -> list[dict[str, Any]]:
    """Other groups whose key reads almost like this one (rapidfuzz), most similar first;
    `same_unit` tells which may share this one's chart (adding or merging needs the unit)."""
    from rapidfuzz import fuzz

    words = _WORD.findall(key or "")
    if not words:
        return []
    out = []
    for g in store.find_indicators(words, 200, any_word=True):
        if g["key"] == key and g["unit"] == unit:
            continue
        # whole keys compared (word order aside): a partial match (`nợ công` in `vốn đầu tư
        # công`) is no near-identical measure
        sim = fuzz.token_sort_ratio(key, g["key"]) if g["key"] != key else 100.0
        if sim >= SIMILAR_MIN:
            out.append({**g, "similarity": round(sim, 1), "same_unit": g["unit"] == unit})
    out.sort(key=lambda g: (not g["same_unit"], -g["similarity"], -g["n_docs"], -g["n"], g["key"]))
    return out[:limit]


_JSON_POINT = ("year", "role", "value", "comparator", "doc", "rid", "sentence")


def indicators_json(store: Store, query: str, limit: int = 20, points: int = POINTS) -> dict[str, Any]:
    """`solieu indicators QUERY --json`: the matching groups, each with its points."""
    from .search import clip_query

    query, cut = clip_query(query)
    out: dict[str, Any] = {"query": query, "cut": cut, "indicators": []}
    for g in search_indicators(store, query, limit):
        series = indicator_series(store, g["key"], g["unit"], points) or {"points": []}
        out["indicators"].append({
            "key": g["key"], "label": g["label"], "unit": g["unit"], "n": g["n"], "n_docs": g["n_docs"],
            "match": g["match"], "points": [{k: p[k] for k in _JSON_POINT} for p in series["points"]],
        })
    return out
