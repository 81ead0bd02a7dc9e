"""Search the store: decrees (any spelling), documents (folded full text), figures.

    search(store, query, *, type=None, limit=20, **filters) -> dict
        {"query", "cut", "first", "counts", "more", "decrees": [...], "documents": [...],
         "indicators": [...], "figures": [...]}  (the `--json` shape)
        `type`: decree | document | indicator | figure | None (every kind); `filters` go to
        the search of that kind (documents: date_from, date_to, source, cited_type,
        cited_year; figures: unit, role, year_from, year_to; decrees: mentions_limit).
        `query` is cut to MAX_QUERY_CHARS (`cut` says so, `query` is what was searched);
        `counts` per kind (documents: all matches, counted up to COUNT_CAP; `more` says a
        count stopped at its cap or limit); `first` the kind the query most likely wants.
    search_decrees(store, query, limit=20, mentions_limit=MENTIONS) -> list[dict]
        each {"id", "doc_type", "number", "year", "code", "issuer", "title", "issued",
              "aliases", "relations", "mentions": [{"doc", "rid", "start", "end", "text",
              "sentence", "date", "title"}], "n_mentions", "n_docs", "first_seen",
              "last_seen", "match": "exact"|"fuzzy", "score"}
        (`title`, `issued`, `issuer`: as the citing sentences state them, see nlp.legal_facts)
    search_documents(store, query, limit=20, date_from=None, date_to=None, source=None,
                     cited_type=None, cited_year=None) -> list[dict]
        each {"id", "title", "date", "source", "score", "snippet", "marks", "duplicates",
              "match": "phrase"|"words"|"terms"}
    count_documents(store, query, **filters) -> {"phrase": n, "words": n, "total": n, "more": bool}
    search_indicators(store, query, limit=20) -> list[dict]    (nlp.tracking)
    search_figures(store, query, unit=None, role=None, year_from=None, year_to=None,
                   limit=50) -> list[dict]
        each: the stored record (see nlp.store) + "doc", "date", "title", "score"

Decrees: the query is read as a legal reference first (nlp.legal_query, any spelling:
`nd 82/2024`, `nghi dinh 73`, `qd 06/ttg`, `de an 06`) and its canonical ids are looked
up exactly, aliases included; else the catalogue entries agreeing with every part the
query gives (type, number, year, code: `nghi dinh 73` is 73/2019/NĐ-CP) are exact
matches too. Only a query that is not a reference (`82 2024 cp`) gets the known ids whose
numbers equal its numbers, ranked by rapidfuzz and called "fuzzy" (closest).

Documents: every query word must occur (folded: no diacritics, đ→d, any case), `"quoted
phrases"` stay phrases, `word*` is a prefix; ranked by bm25 (title weighted), documents
holding the words of an unquoted query as one phrase first (`match` "phrase"), then
those holding every word but not as that phrase (`match` "words"); a query with quotes
or a prefix has one tier, "terms". Each tier is ranked among its RANK_WINDOW most
recently stored matches when it has more (common words and phrases match thousands of
documents: ranking reads every document it ranks, so the first page costs the same
with 35,000 documents as with 3,000; without filters); the counts still count every
match, up to COUNT_CAP. Snippets mark each match between MARK_OPEN and
MARK_CLOSE, and `marks` gives the marked spans as offsets into the snippet without
markers. Near-duplicate articles (syndicated copies) appear once, with their count.

Indicators: figures grouped by indicator key and unit (nlp.tracking, nlp.indicator_key),
the groups whose key holds the query words.

Figures: indicator words (folded; all of them, or, when no figure has them all, most of
them in indicator + sentence), unit, role, year range; sorted by document date, so one
indicator's targets and results can be followed across reports.

This module parses queries and ranks; every lookup is a method of the store interface
(nlp.store.Store), so search runs unchanged on any backend.
"""
from __future__ import annotations

import re
from typing import Any

from .lang.fold import fold
from .legal_query import matches, parse_decree_query
from .store import DocumentFilters, FigureFilters, Store, Term, TextQuery
from .store.interface import SNIPPET_CLOSE, SNIPPET_OPEN

MARK_OPEN, MARK_CLOSE = "«", "»"
TITLE_WEIGHT = 4.0  # a query word in the title counts as much as four in the body
MENTIONS = 200  # mentions listed per decree in a search result; store.legal_document gives all
_WORD = re.compile(r"\w+")
_QUERY_PART = re.compile(r'"([^"]*)"|(\S+)')
_FUZZY_MIN = 60.0
_PHRASE_FIRST_MAX = 8  # an unquoted query of up to this many words is tried as a phrase first
_FIGURE_COVERAGE = 0.75  # share of query words a figure must hold when no figure holds them all
MAX_QUERY_CHARS = 200  # a longer query is cut (at a word boundary) and the result says so
COUNT_CAP = 1000  # documents are counted up to this many
RANK_WINDOW = 200  # each tier of a document search is ranked among at most this many most recently stored matches
KINDS = ("decree", "document", "indicator", "figure")
PLURAL = {"decree": "decrees", "document": "documents", "indicator": "indicators", "figure": "figures"}


# ---------------------------------------------------------------- entry point
def clip_query(query: Any) -> tuple[str, bool]:
    """(the query as searched, whether it was cut): at most MAX_QUERY_CHARS, cut at a word
    boundary, inner whitespace kept; anything but a string is an empty query."""
    if not isinstance(query, str):
        return "", False
    q = query.strip()
    if len(q) <= MAX_QUERY_CHARS:
        return q, False
    cut = q[:MAX_QUERY_CHARS]
    if not q[MAX_QUERY_CHARS].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    if cut.count('"') % 2:  # an opened quote that the cut left open: drop it
        i = cut.rfind('"')
        cut = cut[:i] + cut[i + 1:]
    return cut.strip(), True


def likely_kind(query: str, found: dict[str, int]) -> str:
    """The kind a query most likely wants, given how many of each kind it found: a
    reference (`nd 82`, `qd 06/ttg`) its decree; words their documents, then indicators."""
    decree_shaped = parse_decree_query(query) is not None
    order = (("decree", "document", "indicator", "figure") if decree_shaped
             else ("document", "indicator", "figure", "decree"))
    return next((k for k in order if found.get(k)), order[0])


def search(store: Store, query: str, *, type: str | None = None, limit: int = 20, **filters: Any) -> dict:
    kinds = (type,) if type else KINDS
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown search type {type!r} (decree, document, indicator or figure)")
    query, cut = clip_query(query)
    out: dict[str, Any] = {"query": query, "cut": cut, "first": None, "counts": {}, "more": {},
                           "decrees": [], "documents": [], "indicators": [], "figures": []}
    pick = lambda *names: {k: v for k, v in filters.items() if k in names}  # noqa: E731
    doc_filters = pick("date_from", "date_to", "source", "cited_type", "cited_year")
    if "decree" in kinds:
        out["decrees"] = search_decrees(store, query, limit, **pick("mentions_limit"))
    if "document" in kinds:
        out["documents"] = search_documents(store, query, limit, **doc_filters)
        counted = count_documents(store, query, **doc_filters) if out["documents"] else None
        out["counts"]["document"] = counted["total"] if counted else 0
        out["more"]["document"] = bool(counted and counted["more"])
        if counted:
            out["counts"]["document_phrase"], out["counts"]["document_words"] = counted["phrase"], counted["words"]
    if "indicator" in kinds:
        from .tracking import search_indicators

        out["indicators"] = search_indicators(store, query, limit)
    if "figure" in kinds:
        out["figures"] = search_figures(store, query, limit=limit, **pick("unit", "role", "year_from", "year_to"))
    for kind in kinds:
        if kind != "document":
            out["counts"][kind] = len(out[PLURAL[kind]])
            out["more"][kind] = len(out[PLURAL[kind]]) >= limit
    out["first"] = likely_kind(query, {k: out["counts"].get(k, 0) for k in kinds}) if len(kinds) > 1 else kinds[0]
    return out


# ---------------------------------------------------------------- decrees
def _decree(store: Store, lid: str, match: str, score: float, mentions_limit: int | None) -> dict | None:
    entry = store.legal_document(lid, mentions_limit, exact=True)
    if entry is None:
        return None
    entry["n_mentions"], entry["n_docs"] = store.legal_mention_counts(lid)
    entry["match"], entry["score"] = match, round(score, 1)
    return entry


def _numbers(s: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", s)]


def search_decrees(store: Store, query: str, limit: int = 20, mentions_limit: int | None = MENTIONS) -> list[dict]:
    """Legal documents named by `query` (any spelling), exact ids first, else fuzzy."""
    if not isinstance(query, str) or not query.strip():
        return []
    from rapidfuzz import fuzz

    q = parse_decree_query(query)
    ids: list[str] = []
    if q is not None:
        for cand in q.candidates:
            lid = store.resolve_legal_id(cand)
            if lid and lid not in ids:
                ids.append(lid)
    if ids:
        found = [_decree(store, lid, "exact", 100.0, mentions_limit) for lid in ids[:limit]]
        return [d for d in found if d]
    nums = _numbers(query)
    if not nums:
        return []
    # Numbers must match exactly: candidates share the query's document number.
    key_num = int(re.match(r"\d+", q.number).group()) if q is not None and re.match(r"\d+", q.number) else nums[0]
    fq = fold(query)
    scored = []
    for ref in store.legal_documents_numbered(key_num):
        if q is not None:
            if not matches(q, ref):
                continue
        elif not set(nums) <= set(_numbers(ref["id"])) | ({ref["year"]} if ref["year"] else set()):
            continue
        score = fuzz.WRatio(fq, fold(f"{ref['doc_type'] or ''} {ref['id']}"))
        if q is not None or score >= _FUZZY_MIN:
            scored.append((score, ref["id"]))
    scored.sort(key=lambda t: (-t[0], t[1]))
    # A reference query whose every given part (type, number, year, code) the entry has is
    # an exact match (`nghi dinh 73` is 73/2019/NĐ-CP); only free numbers are "closest".
    match = "exact" if q is not None else "fuzzy"
    out = []
    for score, lid in scored[:limit]:
        d = _decree(store, lid, match, 100.0 if q is not None else score, mentions_limit)
        if d:
            out.append(d)
    out.sort(key=lambda d: (-d["score"], -d["n_docs"], d["id"]))
    return out


# ---------------------------------------------------------------- documents
def query_terms(query: str) -> list[Term]:
    """The query's terms: folded words ANDed, `"quoted phrases"` kept, `w*` a prefix."""
    terms: list[Term] = []
    for phrase, word in _QUERY_PART.findall(query or ""):
        if phrase:
            toks = _WORD.findall(fold(phrase))
            if toks:
                terms.append(Term(tuple(toks)))
            continue
        toks = _WORD.findall(fold(word))
        terms += [Term((tok,)) for tok in toks]
        if word.endswith("*") and toks:
            terms[-1] = Term(terms[-1].words, prefix=True)
    return list(dict.fromkeys(terms))  # a repeated word or phrase asks nothing more


def match_tiers(query: str) -> list[TextQuery]:
    """The text queries to run in order, each adding the documents the previous missed.

    An unquoted query of several words is first matched as one phrase, then as words
    anywhere (`chuyển đổi số` means the phrase more often than three words apart). Ranking
    a phrase is also much cheaper than ranking its frequent words (`số` is everywhere).
    """
    terms = query_terms(query)
    if not terms:
        return []
    words = _WORD.findall(fold(query))
    if '"' not in query and "*" not in query and 2 <= len(words) <= _PHRASE_FIRST_MAX:
        phrase = Term(tuple(words))
        return [TextQuery((phrase,)), TextQuery(tuple(terms), none_of=phrase)]
    return [TextQuery(tuple(terms))]


def _marked(snippet: str) -> tuple[str, list[list[int]]]:
    """Snippet with the store's match markers -> (text with «», spans of the matches in the plain text)."""
    plain, marks, out = [], [], []
    pos, start = 0, None
    for ch in snippet or "":
        if ch == SNIPPET_OPEN:
            start = pos
            out.append(MARK_OPEN)
        elif ch == SNIPPET_CLOSE:
            if start is not None:
                marks.append([start, pos])
            start = None
            out.append(MARK_CLOSE)
        else:
            plain.append(ch)
            out.append(ch)
            pos += 1
    return "".join(out), marks


def search_documents(store: Store, query: str, limit: int = 20, date_from: str | None = None,
                     date_to: str | None = None, source: str | None = None, cited_type: str | None = None,
                     cited_year: int | None = None) -> list[dict]:
    """Documents whose folded text holds every query word (phrases as phrases), best first."""
    tiers = match_tiers(query)
    cited_types = None
    if cited_type:
        cited_types = tuple(_doc_types_named(store, cited_type))
        if not cited_types:
            return []
    filters = DocumentFilters(date_from=str(date_from) if date_from else None,
                              date_to=str(date_to) if date_to else None, source=source or None,
                              cited_types=cited_types, cited_year=int(cited_year) if cited_year else None)
    if not tiers:
        rows = [(r, "terms") for r in store.find_documents(None, filters, limit)] if filters.any() else []
    elif len(tiers) == 1:
        rows = [(r, "terms") for r in store.find_documents(tiers[0], filters, limit, title_weight=TITLE_WEIGHT,
                                                           window=RANK_WINDOW)]
    else:
        phrase, words = tiers
        rows = [(r, "phrase") for r in store.find_documents(phrase, filters, limit, title_weight=TITLE_WEIGHT,
                                                            window=RANK_WINDOW)]
        if len(rows) < limit:
            # Fewer phrase documents than a page, so every one is in hand: the every-word
            # tier is asked without its `NOT phrase` (checking the phrase again over
            # thousands of documents is what costs) and those are left out here.
            seen = {r["id"] for r, _ in rows}
            more = store.find_documents(TextQuery(words.all_of), filters, limit + len(seen),
                                        title_weight=TITLE_WEIGHT, window=RANK_WINDOW)
            rows += [(r, "words") for r in more if r["id"] not in seen][:limit - len(rows)]
    out = []
    for r, name in rows:
        text, marks = _marked(r["snippet"])
        out.append({"id": r["id"], "title": r["title"], "date": r["date"], "source": r["source"],
                    "score": round(r["score"], 6), "snippet": text, "marks": marks, "duplicates": r["duplicates"],
                    "match": name})
    return out


# What each tier of match_tiers is: the whole phrase, then every word but not as that
# phrase; a single tier (one word, quotes, a prefix) holds every term as typed.
_TIER_NAMES = {1: ("terms",), 2: ("phrase", "words")}


def count_documents(store: Store, query: str, date_from: str | None = None, date_to: str | None = None,
                    source: str | None = None, cited_type: str | None = None,
                    cited_year: int | None = None) -> dict[str, Any]:
    """How many documents match, by tier: {"phrase", "words", "total", "more"} (a query of
    one tier counts under "phrase"); each count stops at COUNT_CAP (`more` then True)."""
    tiers = match_tiers(query)
    out = {"phrase": 0, "words": 0, "total": 0, "more": False}
    if not tiers:
        return out
    cited_types = tuple(_doc_types_named(store, cited_type)) if cited_type else None
    if cited_types == ():
        return out
    filters = DocumentFilters(date_from=str(date_from) if date_from else None,
                              date_to=str(date_to) if date_to else None, source=source or None,
                              cited_types=cited_types, cited_year=int(cited_year) if cited_year else None)
    for tier, name in zip(tiers, ("phrase", "words")):
        n = store.count_matching_documents(tier, filters, COUNT_CAP)
        out[name] = n
        out["more"] |= n >= COUNT_CAP
    out["total"] = out["phrase"] + out["words"]
    return out


def _doc_types_named(store: Store, name: str) -> list[str]:
    """Stored doc_type spellings that a user's type name stands for (`nghi dinh`, `nđ` → Nghị định)."""
    parsed = parse_decree_query(f"{name} 1/2000")
    wanted = {fold(parsed.doc_type)} if parsed and parsed.doc_type else set()
    wanted.add(" ".join(fold(name).split()))
    return [t for t in store.legal_doc_types() if " ".join(fold(t).split()) in wanted]


# ---------------------------------------------------------------- figures
def search_figures(store: Store, query: str, unit: str | None = None, role: str | None = None,
                   year_from: int | None = None, year_to: int | None = None, limit: int = 50) -> list[dict]:
    """Figures whose indicator holds the query words, filtered, sorted by document date."""
    words = _WORD.findall(fold(query or ""))
    filters = FigureFilters(unit=" ".join(fold(unit).split()) if unit else None, role=role or None,
                            year_from=year_from, year_to=year_to)
    if not words:
        if not filters.any():
            return []
        ranked = [(rid, 0.0) for rid in store.filter_figures(filters, limit)]
    else:
        ranked = [(rid, score) for rid, _, score in store.match_figures(words, filters, limit)]
        if not ranked and len(words) > 1:  # tolerant only when the precise query finds nothing
            ranked = _figures_by_coverage(store, words, filters, limit)
    if not ranked:
        return []
    score = dict(ranked)
    found = store.figure_records(list(score))
    for rec in found:
        rec["score"] = round(score[rec["rid"]], 6)
    found.sort(key=lambda f: (f["date"] is None, f["date"] or "", f["year"] or 0, f["doc"], f["start"]))
    return found


def _figures_by_coverage(store: Store, words: list[str], filters: FigureFilters, limit: int) -> list[tuple[int, float]]:
    """Figures holding most (not all) query words in indicator + sentence: an imperfect indicator
    (`hồ sơ trực tuyến toàn trình` for `tỷ lệ hồ sơ trực tuyến`) is still found."""
    need = max(2, int(len(words) * _FIGURE_COVERAGE + 0.999))
    cands = store.match_figures(words, filters, limit * 5, any_word=True)
    if not cands:
        return []
    sentences = store.figure_sentences([c[0] for c in cands])
    out = []
    for rid, ind, score in cands:
        have = set(_WORD.findall(ind or "")) | set(_WORD.findall(fold(sentences.get(rid) or "")))
        if sum(w in have for w in words) >= need:
            out.append((rid, score))
            if len(out) >= limit:
                break
    return out
