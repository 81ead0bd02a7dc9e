"""Search the store: decrees (any spelling), documents (folded full text), figures.

    search(store, query, *, type=None, limit=20, **filters) -> dict
        {"query", "decrees": [...], "documents": [...], "figures": [...]}  (the `--json` shape)
        `type`: decree | document | figure | None (all three); `filters` go to the search
        of that type (documents: date_from, date_to, source, cited_type, cited_year;
        figures: unit, role, year_from, year_to; decrees: mentions_limit).
    search_decrees(store, query, limit=20, mentions_limit=MENTIONS) -> list[dict]
        each {"id", "doc_type", "number", "year", "code", "issuer", "title", "aliases",
              "relations", "mentions": [{"doc", "rid", "start", "end", "text", "sentence",
              "date", "title"}], "n_mentions", "n_docs", "match": "exact"|"fuzzy", "score"}
    search_documents(store, query, limit=20, date_from=None, date_to=None, source=None,
                     cited_type=None, cited_year=None) -> list[dict]
        each {"id", "title", "date", "source", "score", "snippet", "marks", "duplicates"}
    search_figures(store, query, unit=None, role=None, year_from=None, year_to=None,
                   limit=50) -> list[dict]
        each: the stored record (see nlp.store) + "doc", "date", "title", "score"

Decrees: the query is read as a legal reference first (nlp.legal_query, any spelling:
`nd 82/2024`, `nghi dinh 73`, `qd 06/ttg`, `de an 06`) and its canonical ids are looked
up exactly, aliases included; otherwise the known ids whose numbers equal the query's
numbers are ranked by rapidfuzz.

Documents: every query word must occur (folded: no diacritics, đ→d, any case), `"quoted
phrases"` stay phrases, `word*` is a prefix; ranked by bm25 (title weighted), documents
holding the words of an unquoted query as one phrase first; snippets mark each
match between MARK_OPEN and MARK_CLOSE, and `marks` gives the marked spans as offsets
into the snippet without markers. Near-duplicate articles (syndicated copies) appear
once, with their count.

Figures: indicator words (folded; all of them, or, when no figure has them all, most of
them in indicator + sentence), unit, role, year range; sorted by document date, so one
indicator's targets and results can be followed across reports.
"""
from __future__ import annotations

import re
import sqlite3
from typing import Any

from .legal_query import fold, matches, parse_decree_query
from .store import Store
from .store import catalog
from .store.errors import explain
from .store.rows import SELECT, row_to_dict

MARK_OPEN, MARK_CLOSE = "«", "»"
TITLE_WEIGHT = 4.0  # a query word in the title counts as much as four in the body
MENTIONS = 200  # mentions listed per decree in a search result; store.legal_document gives all
_MO, _MC = "\x02", "\x03"  # FTS5 snippet markers: never in stored text (text.py strips controls)
_WORD = re.compile(r"\w+")
_QUERY_PART = re.compile(r'"([^"]*)"|(\S+)')
_FUZZY_MIN = 60.0
_PHRASE_FIRST_MAX = 8  # an unquoted query of up to this many words is tried as a phrase first
_FIGURE_COVERAGE = 0.75  # share of query words a figure must hold when no figure holds them all


# ---------------------------------------------------------------- entry point
def search(store: Store, query: str, *, type: str | None = None, limit: int = 20, **filters: Any) -> dict:
    kinds = (type,) if type else ("decree", "document", "figure")
    unknown = set(kinds) - {"decree", "document", "figure"}
    if unknown:
        raise ValueError(f"unknown search type {type!r} (decree, document or figure)")
    out: dict[str, Any] = {"query": query, "decrees": [], "documents": [], "figures": []}
    pick = lambda *names: {k: v for k, v in filters.items() if k in names}  # noqa: E731
    if "decree" in kinds:
        out["decrees"] = search_decrees(store, query, limit, **pick("mentions_limit"))
    if "document" in kinds:
        out["documents"] = search_documents(
            store, query, limit, **pick("date_from", "date_to", "source", "cited_type", "cited_year"))
    if "figure" in kinds:
        out["figures"] = search_figures(store, query, limit=limit, **pick("unit", "role", "year_from", "year_to"))
    return out


def _run(store: Store, sql: str, params: Any = ()) -> list[tuple]:
    try:
        return store.conn.execute(sql, params).fetchall()
    except sqlite3.Error as exc:
        raise explain(exc, str(store.path)) from None


# ---------------------------------------------------------------- decrees
def _counts(store: Store, lid: str) -> tuple[int, int]:
    ids = [lid, *[a for (a,) in _run(store, "SELECT DISTINCT alias FROM legal_aliases WHERE target = ?", (lid,))]]
    marks = ",".join("?" * len(ids))
    n, nd = _run(store,
                 "SELECT count(*), count(DISTINCT r.docno) FROM records r JOIN documents d ON d.docno = r.docno "
                 f"WHERE r.type = 'legal_ref' AND (r.legal_id IN ({marks}) OR r.refers_to = ?) "
                 "AND r.status != 'rejected' AND d.duplicate_of IS NULL", (*ids, lid))[0]
    return n, nd


def _decree(store: Store, lid: str, match: str, score: float, mentions_limit: int | None) -> dict | None:
    entry = catalog.entry(store.conn, lid, mentions_limit)
    if entry is None:
        return None
    entry["n_mentions"], entry["n_docs"] = _counts(store, lid)
    entry["match"], entry["score"] = match, round(score, 1)
    return entry


def _numbers(s: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", s)]


def search_decrees(store: Store, query: str, limit: int = 20, mentions_limit: int | None = MENTIONS) -> list[dict]:
    """Legal documents named by `query` (any spelling), exact ids first, else fuzzy."""
    if not isinstance(query, str) or not query.strip():
        return []
    from rapidfuzz import fuzz

    try:
        q = parse_decree_query(query)
        ids: list[str] = []
        if q is not None:
            for cand in q.candidates:
                lid = catalog.resolve(store.conn, cand)
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
        rows = _run(store, "SELECT id, doc_type, number, year, code FROM legal_documents WHERE number_int = ?", (key_num,))
        fq = fold(query)
        scored = []
        for lid, doc_type, number, year, code in rows:
            ref = {"id": lid, "doc_type": doc_type, "number": number, "year": year, "code": code}
            if q is not None:
                if not matches(q, ref):
                    continue
            elif not set(nums) <= set(_numbers(lid)) | ({year} if year else set()):
                continue
            score = fuzz.WRatio(fq, fold(f"{doc_type or ''} {lid}"))
            if q is not None or score >= _FUZZY_MIN:
                scored.append((score, lid))
        scored.sort(key=lambda t: (-t[0], t[1]))
        out = []
        for score, lid in scored[:limit]:
            d = _decree(store, lid, "fuzzy", score, mentions_limit)
            if d:
                out.append(d)
        out.sort(key=lambda d: (-d["score"], -d["n_docs"], d["id"]))
        return out
    except sqlite3.Error as exc:
        raise explain(exc, str(store.path)) from None


# ---------------------------------------------------------------- documents
def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression for a user query: folded words ANDed, phrases kept, `w*` prefix."""
    parts = []
    for phrase, word in _QUERY_PART.findall(query or ""):
        if phrase:
            toks = _WORD.findall(fold(phrase))
            if toks:
                parts.append('"' + " ".join(toks) + '"')
            continue
        prefix = word.endswith("*")
        for tok in _WORD.findall(fold(word)):
            parts.append(f'"{tok}"')
        if prefix and parts and _WORD.findall(fold(word)):
            parts[-1] += "*"
    return " AND ".join(parts) if parts else None


def match_tiers(query: str) -> list[str]:
    """The MATCH expressions to run in order, each adding the documents the previous missed.

    An unquoted query of several words is first matched as one phrase, then as words
    anywhere (`chuyển đổi số` means the phrase more often than three words apart). Ranking
    a phrase is also much cheaper than ranking its frequent words (`số` is everywhere).
    """
    expr = match_expression(query)
    if expr is None:
        return []
    words = _WORD.findall(fold(query))
    if '"' not in query and "*" not in query and 2 <= len(words) <= _PHRASE_FIRST_MAX:
        phrase = '"' + " ".join(words) + '"'
        return [phrase, f"({expr}) NOT {phrase}"]
    return [expr]


def _marked(snippet: str) -> tuple[str, list[list[int]]]:
    """Snippet with FTS5's control markers -> (text with «», spans of the matches in the plain text)."""
    plain, marks, out = [], [], []
    pos, start = 0, None
    for ch in snippet or "":
        if ch == _MO:
            start = pos
            out.append(MARK_OPEN)
        elif ch == _MC:
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
    where, params = ["d.duplicate_of IS NULL"], []
    if date_from:
        where.append("d.date >= ?")
        params.append(str(date_from))
    if date_to:
        where.append("d.date <= ?")
        params.append(str(date_to))
    if source:
        where.append("d.source = ?")
        params.append(source)
    if cited_type or cited_year:
        cond = ["c.docno = d.docno", "c.type = 'legal_ref'", "c.status != 'rejected'"]
        if cited_type:
            types = _doc_types_named(store, cited_type)
            if not types:
                return []
            cond.append(f"c.doc_type IN ({','.join('?' * len(types))})")
            params.extend(types)
        if cited_year:
            cond.append("c.year = ?")
            params.append(int(cited_year))
        where.append(f"EXISTS (SELECT 1 FROM records c WHERE {' AND '.join(cond)})")
    dup_count = "(SELECT count(*) FROM documents x WHERE x.duplicate_of = d.docno)"
    if not tiers:
        if len(where) == 1:
            return []
        sql = (f"SELECT d.id, d.title, d.date, d.source, 0.0, substr(d.text, 1, 160), {dup_count} FROM documents d "
               f"WHERE {' AND '.join(where)} ORDER BY d.date IS NULL, d.date DESC, d.id LIMIT ?")
        rows = _run(store, sql, (*params, limit))
    else:
        # `ORDER BY rank` (FTS5's own column, bm25 with the title weighted) lets FTS5 sort
        # the matches itself, so snippets are cut only for the rows returned.
        sql = (
            f"SELECT d.id, d.title, d.date, d.source, rank, "
            f"snippet(documents_fts, -1, '{_MO}', '{_MC}', '…', 24), {dup_count} "
            "FROM documents_fts JOIN documents d ON d.docno = documents_fts.rowid "
            f"WHERE documents_fts MATCH ? AND rank MATCH 'bm25({TITLE_WEIGHT}, 1.0)' AND {' AND '.join(where)} "
            "ORDER BY rank LIMIT ?"
        )
        rows = []
        for expr in tiers:
            rows += _run(store, sql, (expr, *params, limit - len(rows)))
            if len(rows) >= limit:
                break
    out = []
    for doc_id, title, date, src, rank, snip, dups in rows:
        text, marks = _marked(snip)
        out.append({"id": doc_id, "title": title, "date": date, "source": src, "score": round(-rank, 6),
                    "snippet": text, "marks": marks, "duplicates": dups})
    return out


def _doc_types_named(store: Store, name: str) -> list[str]:
    """Stored doc_type spellings that a user's type name stands for (`nghi dinh`, `nđ` → Nghị định)."""
    parsed = parse_decree_query(f"{name} 1/2000")
    wanted = {fold(parsed.doc_type)} if parsed and parsed.doc_type else set()
    wanted.add(" ".join(fold(name).split()))
    types = [t for (t,) in _run(store, "SELECT DISTINCT doc_type FROM legal_documents WHERE doc_type IS NOT NULL")]
    return [t for t in types if " ".join(fold(t).split()) in wanted]


# ---------------------------------------------------------------- figures
def search_figures(store: Store, query: str, unit: str | None = None, role: str | None = None,
                   year_from: int | None = None, year_to: int | None = None, limit: int = 50) -> list[dict]:
    """Figures whose indicator holds the query words, filtered, sorted by document date."""
    words = _WORD.findall(fold(query or ""))
    where, params = ["r.type = 'figure'", "r.status != 'rejected'", "d.duplicate_of IS NULL"], []
    if role:
        where.append("r.role = ?")
        params.append(role)
    if year_from is not None:
        where.append("r.year >= ?")
        params.append(int(year_from))
    if year_to is not None:
        where.append("r.year <= ?")
        params.append(int(year_to))
    if unit:
        fu = " ".join(fold(unit).split())
        # `doanh nghiệp` also finds `doanh nghiệp công nghệ số` (a unit is a counted noun phrase)
        where.append("(fold(r.unit) = ? OR fold(r.unit) LIKE ? ESCAPE '\\')")
        params += [fu, fu.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + " %"]
    cond = " AND ".join(where)
    if not words:
        if not (unit or role or year_from is not None or year_to is not None):
            return []
        ranked = [(rid, 0.0) for (rid,) in _run(
            store, f"SELECT r.rid FROM records r JOIN documents d ON d.docno = r.docno WHERE {cond} "
                   "ORDER BY d.date IS NULL, d.date DESC, r.rid DESC LIMIT ?", (*params, limit))]
    else:
        # Two steps: rank the matching figures (FTS5 sorts by `rank` itself), then read the
        # full rows of the few kept, so no sentence is cut for a figure that is not shown.
        sql = ("SELECT figures_fts.rowid, figures_fts.indicator, rank FROM figures_fts "
               "JOIN records r ON r.rid = figures_fts.rowid JOIN documents d ON d.docno = r.docno "
               f"WHERE figures_fts MATCH ? AND {cond} ORDER BY rank LIMIT ?")
        ranked = [(rid, -r) for rid, _, r in _run(store, sql, (" AND ".join(f'"{w}"' for w in words), *params, limit))]
        if not ranked and len(words) > 1:  # tolerant only when the precise query finds nothing
            ranked = _figures_by_coverage(store, sql, words, params, limit, set())
    found = _figures(store, ranked)
    found.sort(key=lambda f: (f["date"] is None, f["date"] or "", f["year"] or 0, f["doc"], f["start"]))
    return found


def _figures(store: Store, ranked: list[tuple[int, float]]) -> list[dict]:
    if not ranked:
        return []
    score = dict(ranked)
    rows = _run(store, f"SELECT {SELECT}, d.date, d.title FROM records r JOIN documents d ON d.docno = r.docno "
                       f"WHERE r.rid IN ({','.join('?' * len(score))})", list(score))
    out = []
    for row in rows:
        rec = row_to_dict(row[:-2])
        rec["date"], rec["title"], rec["score"] = row[-2], row[-1], round(score[rec["rid"]], 6)
        out.append(rec)
    return out


def _figures_by_coverage(store: Store, sql: str, words: list[str], params: list, limit: int,
                         seen: set[int]) -> list[tuple[int, float]]:
    """Figures holding most (not all) query words in indicator + sentence: an imperfect indicator
    (`hồ sơ trực tuyến toàn trình` for `tỷ lệ hồ sơ trực tuyến`) is still found."""
    need = max(2, int(len(words) * _FIGURE_COVERAGE + 0.999))
    cands = [(rid, ind, -r) for rid, ind, r in
             _run(store, sql, (" OR ".join(f'"{w}"' for w in words), *params, limit * 5)) if rid not in seen]
    if not cands:
        return []
    sentences = dict(_run(
        store, "SELECT r.rid, COALESCE(r.stale_sentence, substr(d.text, r.sent_start + 1, r.sent_end - r.sent_start)) "
               f"FROM records r JOIN documents d ON d.docno = r.docno WHERE r.rid IN ({','.join('?' * len(cands))})",
        [c[0] for c in cands]))
    out = []
    for rid, ind, score in cands:
        have = set(_WORD.findall(ind or "")) | set(_WORD.findall(fold(sentences.get(rid) or "")))
        if sum(w in have for w in words) >= need:
            out.append((rid, score))
            if len(out) >= limit:
                break
    return out
