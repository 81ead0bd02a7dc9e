"""Folded full text in PostgreSQL: `documents.fts`, a tsvector with a GIN index, and the
document search over it.

The words are cut in Python, the way SQLite's unicode61 tokenizer cuts them (runs of
letters and digits), from the text folded by `nlp.lang.fold.fold`, and handed to
`to_tsvector('simple', ...)` one word per space-separated token, so both backends index
the same words at the same positions: title words weighted A, body words B. Queries
arrive folded by the same function (nlp/search.py) and become tsquery values built here
(`<->` for phrases, `:*` for a prefix), never parsed from user text by the server.

Ranking is `ts_rank_cd` (cover density) with the title weight of the caller. Snippets
are cut in Python from the *original* text, for the rows shown only: the words (cut as
the index cuts them) whose folded form is a query word are the matches, and the window
of SNIPPET_TOKENS words holding most of them is kept, each match between SNIPPET_OPEN
and SNIPPET_CLOSE, as SQLite's snippet() does.

Matching reads `doc_search` (v6): per document its words and adjacent word pairs,
positionless, in narrow rows with one GIN index, so a phrase is found by its pairs
without reading any document; only the documents ranked are read (see find_documents).

As in SQLite, a probe of `fold` is kept in `meta`; a store opened with a different
`fold` re-indexes everything (`fold_changed` / `reindex_all`).
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache
from itertools import islice
from typing import Iterator

import psycopg

from ...lang.fold import _D_FOLD, fold
from ..interface import SNIPPET_CLOSE, SNIPPET_OPEN, DocumentFilters, Term, TextQuery
from . import figure_index

_PROBE = (
    "aàáảãạăằắẳẵặâầấẩẫậ eèéẻẽẹêềếểễệ iìíỉĩị oòóỏõọôồốổỗộơờớởỡợ uùúủũụưừứửữự yỳýỷỹỵ đ "
    "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ EÈÉẺẼẸÊỀẾỂỄỆ IÌÍỈĨỊ OÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ UÙÚỦŨỤƯỪỨỬỮỰ YỲÝỶỸỴ Đ "
    "82/2024/NĐ-CP 22,4% 50.350"
)
SNIPPET_TOKENS = 24
HEAD_CHARS = 160  # the "snippet" of a document listed by filters alone
TOKEN = re.compile(r"[^\W_]+")  # a word as SQLite's unicode61 tokenizer sees one
_MAX_TOKEN = 255  # longer "words" (base64, run-on garbage) are not indexed


# ---------------------------------------------------------------- the index
def words(folded: str | None) -> str:
    """The folded words of a text, one space between them: what to_tsvector gets."""
    return " ".join(t for t in TOKEN.findall(folded or "") if len(t) <= _MAX_TOKEN)


TSVECTOR = "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')"


def word_pairs(*columns: str) -> list[str]:
    """The distinct pairs of adjacent words (`chuyen_doi`) of each column's words (space-separated,
    as `words` gives them), never across columns: with the words, what `doc_search.terms` holds. A word is
    letters and digits only, so `_` cannot be part of one and a pair is never ambiguous."""
    out: set[str] = set()
    for column in columns:
        toks = column.split()
        out.update(f"{a}_{b}" for a, b in zip(toks, toks[1:]))
    return sorted(out)


# A document's row of the search table (v6): whether it is listed (an original, current
# version) and its terms, its words and its word pairs, positionless: the GIN index
# answers a query exactly from them (no recheck), and the narrow rows give the
# candidates' docnos cheaply. One column, so one index scan answers words and pairs.
_SEARCH_ROW = (
    "INSERT INTO doc_search(docno, live, terms) "
    "SELECT docno, duplicate_of IS NULL AND version_of IS NULL, strip(fts) || array_to_tsvector(%s::text[]) "
    "FROM documents WHERE docno = %s "
    "ON CONFLICT (docno) DO UPDATE SET live = excluded.live, terms = excluded.terms")


def index_document(conn: psycopg.Connection, docno: int, title: str | None, text: str,
                   folded: str | None = None, *, search_table: bool = True) -> str:
    """(Re)index a document's folded title and text; returns the folded text (for near-duplicates).
    `search_table` False: `documents.fts` only (the migrations before v6 made no `doc_search`)."""
    folded = fold(text) if folded is None else folded
    title_words, body_words = words(fold(title)), words(folded)
    conn.execute(f"UPDATE documents SET fts = {TSVECTOR} WHERE docno = %s", (title_words, body_words, docno))
    if search_table:
        conn.execute(_SEARCH_ROW, (word_pairs(title_words, body_words), docno))
    return folded


def fill_search_table(conn: psycopg.Connection) -> None:
    """The `doc_search` rows of every indexed document (v6 on an existing store; `reindex_all`)."""
    conn.execute("DELETE FROM doc_search")
    rows = conn.execute("SELECT docno, title, text FROM documents WHERE fts IS NOT NULL ORDER BY docno").fetchall()
    for i in range(0, len(rows), 500):
        chunk = rows[i:i + 500]
        conn.execute(
            "INSERT INTO doc_search(docno, live, terms) "
            "SELECT d.docno, d.duplicate_of IS NULL AND d.version_of IS NULL, strip(d.fts) || array_to_tsvector(p.pairs) "
            "FROM documents d JOIN (SELECT t.docno, string_to_array(t.pairs, ' ') AS pairs "
            "FROM unnest(%s::bigint[], %s::text[]) AS t(docno, pairs)) p ON p.docno = d.docno",
            ([r[0] for r in chunk], [" ".join(word_pairs(words(fold(t)), words(fold(x)))) for _, t, x in chunk]))


def remember_fold(conn: psycopg.Connection) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES ('fold_probe', %s) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (fold(_PROBE),))


def fold_changed(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = 'fold_probe'").fetchone()
    return row is None or row[0] != fold(_PROBE)


def reindex_all(conn: psycopg.Connection) -> None:
    """Rebuild the folded indexes (text, indicators, units) from the stored texts, in the caller's transaction."""
    for docno, title, text in conn.execute(
            "SELECT docno, title, text FROM documents WHERE version_of IS NULL").fetchall():
        index_document(conn, docno, title, text, search_table=False)
    fill_search_table(conn)
    set_unit_keys(conn)
    figure_index.reindex_figures(conn)
    remember_fold(conn)


def set_unit_keys(conn: psycopg.Connection) -> None:
    """The folded unit of every record (one join over the distinct units, not a scan per unit)."""
    units = [u for (u,) in conn.execute("SELECT DISTINCT unit FROM records WHERE unit IS NOT NULL")]
    if units:
        conn.execute("UPDATE records r SET unit_key = t.k FROM unnest(%s::text[], %s::text[]) AS t(u, k) "
                     "WHERE r.unit = t.u", (units, [fold(u) for u in units]))


# ---------------------------------------------------------------- queries
def _lexeme(tok: str) -> str:
    return "'" + tok.replace("\\", "\\\\").replace("'", "''") + "'"


def term_query(t: Term) -> str | None:
    """A tsquery for one term: its words in order (`<->`), the last a prefix when asked; None if empty."""
    toks = [tok for w in t.words for tok in TOKEN.findall(w)]
    if not toks:
        return None
    parts = [_lexeme(tok) for tok in toks]
    if t.prefix:
        parts[-1] += ":*"
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def tsquery(q: TextQuery) -> str | None:
    """The tsquery text of a query: terms ANDed, `none_of` excluded; None when it can match nothing."""
    terms = [term_query(t) for t in q.all_of]
    if not terms or any(t is None for t in terms):
        return None
    expr = " & ".join(terms)  # type: ignore[arg-type]
    if q.none_of is not None:
        neg = term_query(q.none_of)
        if neg is not None:
            expr = f"({expr}) & !{neg}"
    return expr


def _filters(f: DocumentFilters) -> tuple[list[str], list]:
    # Earlier versions of a document are not indexed and not listed: search finds the current one.
    where, params = ["d.duplicate_of IS NULL", "d.version_of IS NULL"], []
    if f.date_from:
        where.append("d.date >= %s")
        params.append(f.date_from)
    if f.date_to:
        where.append("d.date <= %s")
        params.append(f.date_to)
    if f.source:
        where.append("d.source = %s")
        params.append(f.source)
    if f.cited_types is not None or f.cited_year:
        cond = ["c.docno = d.docno", "c.type = 'legal_ref'", "c.status != 'rejected'"]
        if f.cited_types is not None:
            cond.append("c.doc_type = ANY(%s)")
            params.append(list(f.cited_types))
        if f.cited_year:
            cond.append("c.year = %s")
            params.append(f.cited_year)
        where.append(f"EXISTS (SELECT 1 FROM records c WHERE {' AND '.join(cond)})")
    return where, params


_DUPLICATES = "(SELECT count(*) FROM documents x WHERE x.duplicate_of = d.docno)"


def _term_parts(t: Term) -> tuple[list[str], bool] | None:
    """A term as `doc_search.terms` answers it: (lexemes, needs the positions). One word is
    itself; a phrase is its pairs (two words: exact; three or more: all their pairs, then
    checked against `documents.fts` for the order, as positionless pairs may occur apart).
    None if empty."""
    toks = [tok for w in t.words for tok in TOKEN.findall(w)]
    if not toks:
        return None
    lex = [_lexeme(f"{a}_{b}") for a, b in zip(toks, toks[1:])] or [_lexeme(toks[0])]
    if t.prefix:
        lex[-1] += ":*"
    return lex, len(toks) > 2


@contextmanager
def _bitmap_scans(conn: psycopg.Connection) -> Iterator[None]:
    """Plan the statements inside on `doc_search` with its GIN index only (a transaction
    whose planner may not scan a table whole or walk a b-tree). The planner prices `terms
    @@ q` as cheap, so for common words it would rather walk the primary key backwards (or
    the whole table) and test each row, and that detoasts every row's terms: 0.4 s for
    `so` against 3 ms from the index. The real query's plan, never a prepared one's
    generic plan (the tsquery unknown to it): prepare=False on the statements."""
    with conn.transaction():
        conn.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        yield


def _candidates(q: TextQuery) -> tuple[str, list, bool] | None:
    """The condition on `doc_search s` of a query (its parameters), and whether the rows it
    keeps must still be checked against `documents.fts` (`d.fts @@ q`); None: matches nothing."""
    lexemes: list[str] = []
    recheck = False
    for t in q.all_of:
        parts = _term_parts(t)
        if parts is None:
            return None
        lexemes += parts[0]
        recheck |= parts[1]
    cond, params = ["s.live", "s.terms @@ CAST(%s AS tsquery)"], [" & ".join(dict.fromkeys(lexemes))]
    none = _term_parts(q.none_of) if q.none_of is not None else None
    if none is not None:
        if none[1]:
            recheck = True  # `d.fts @@ q` holds the `& !phrase`
        else:
            cond.append("NOT s.terms @@ CAST(%s AS tsquery)")
            params.append(" & ".join(none[0]))
    return " AND ".join(cond), params, recheck


# Where the query's words are in the body of each row shown (the index's word positions,
# weight B; the title's words are numbered first, A): a snippet starts from these, so the
# text is read up to the window shown instead of searched whole (that cost a millisecond
# per document in Python). The lexemes are picked before their positions are expanded.
_HITS = "h.pos, h.lex"
# The ranked row as the client reads it: never `r.fts`, which the LATERAL above reads on the
# server (a tsvector a row, tens of kilobytes, was sent and parsed for nothing).
_ROW = "r.id, r.title, r.date, r.source, r.score, r.text, r.dups"
_HITS_FROM = (
    "LATERAL (SELECT array_agg(x.p ORDER BY x.p) AS pos, array_agg(u.lexeme ORDER BY x.p) AS lex "
    "FROM (SELECT * FROM unnest(r.fts) v WHERE v.lexeme = ANY(%s) OR v.lexeme LIKE ANY(%s)) u, "
    "unnest(u.positions, u.weights) AS x(p, w) WHERE x.w = 'B') h")
_MAX_POSITION = 16383  # tsvector positions stop here (a longer text's later words all share it)
_WORD_AND_GAP = re.compile(r"([^\W_]+)[\W_]*")
_GAP = re.compile(r"[\W_]*")
_SKIP = re.compile(r"(?:[^\W_]+[\W_]*){32}")  # 32 words at once, in C


def _words_from(text: str, k: int) -> tuple[int, int] | None:
    """(character offset of word k of the text, k) , the words skipped 32 at a time in C;
    None when the text has fewer words."""
    i, at_char = 0, _GAP.match(text).end()
    while k - i >= 32:
        m = _SKIP.match(text, at_char)
        if m is None:
            return None
        at_char, i = m.end(), i + 32
    for _ in range(k - i):
        m = _WORD_AND_GAP.match(text, at_char)
        if m is None:
            return None
        at_char = m.end()
    return at_char, k


def _cut_at(text: str, title: str | None, pos: list[int], lex: list[str]) -> str | None:
    """The snippet of the body from the positions of the matches (see _HITS_FROM): the best
    window of SNIPPET_TOKENS words as `_cut` chooses it, the text read only up to that
    window's end. None when positions and text may disagree (a text past the positions'
    range, a word the index cut otherwise): then `snippet` reads the text whole."""
    if pos[-1] >= _MAX_POSITION or (len(lex) >= 256 and max(lex.count(w) for w in set(lex)) >= 256):
        return None  # positions stop at 16383, and at 256 of one word: some are missing
    title_words = len(words(fold(title)).split())
    at = [(p - title_words - 1, w) for p, w in zip(pos, lex)]
    if at[0][0] < 0:
        return None
    b, last = _best_window(at)
    first = at[b][0]
    s = max(0, first - (SNIPPET_TOKENS - (at[last][0] - first + 1)) // 2)
    start = _words_from(text, s)
    if start is None:
        return None
    spans = [m.span(1) for m in islice(_WORD_AND_GAP.finditer(text, start[0]), SNIPPET_TOKENS + 1)]
    more = len(spans) > SNIPPET_TOKENS  # words after the window: it does not reach the end
    if not more and s > 0 and len(spans) < SNIPPET_TOKENS:  # near the end: the window moves back
        s = max(0, s + len(spans) - SNIPPET_TOKENS)
        start = _words_from(text, s)
        if start is None:
            return None
        spans = [m.span(1) for m in islice(_WORD_AND_GAP.finditer(text, start[0]), SNIPPET_TOKENS + 1)]
    spans = spans[:SNIPPET_TOKENS]
    e = s + len(spans)
    hits = [k for k, _ in at if s <= k < e]
    wanted = set(lex)
    if not hits or any(_folded(text[slice(*spans[k - s])]) not in wanted for k in hits):
        return None  # the words there are not the matches: the numbering is off
    begin = 0 if s == 0 else spans[0][0]
    end = spans[-1][1] if more else len(text)
    out, cur = [], begin
    for k in hits:
        hs, he = spans[k - s]
        out += [text[cur:hs], SNIPPET_OPEN, text[hs:he], SNIPPET_CLOSE]
        cur = he
    out.append(text[cur:end])
    return ("…" if s > 0 else "") + "".join(out) + ("…" if more else "")


def find_documents(conn: psycopg.Connection, text: TextQuery | None, filters: DocumentFilters, limit: int,
                   title_weight: float, window: int | None = None) -> list[dict]:
    where, params = _filters(filters)
    names = ("id", "title", "date", "source", "score", "snippet", "duplicates")
    if limit <= 0:
        return []
    if text is None:
        rows = conn.execute(
            f"SELECT d.id, d.title, d.date, d.source, 0.0, substr(d.text, 1, {HEAD_CHARS}), {_DUPLICATES} "
            f"FROM documents d WHERE {' AND '.join(where)} ORDER BY d.date IS NULL, d.date DESC, d.id LIMIT %s",
            (*params, limit)).fetchall()
        return [dict(zip(names, r)) for r in rows]
    q = tsquery(text)
    cand = _candidates(text)
    if q is None or cand is None:
        return []
    words = tuple(_query_words(text))
    hit_params = ([w for w, p in words if not p] or [""],
                  [w + "%" for w, p in words if p] or [""])  # words are letters and digits: no LIKE escapes
    # ts_rank_cd weights are {D, C, B, A} and at most 1: body B, title A, in the ratio asked.
    top = max(1.0, float(title_weight))
    weights = [0.0, 0.0, 1.0 / top, float(title_weight) / top]
    if filters.any():
        # Filters narrow the documents first (dates, source, cited types): every match ranked.
        rows = conn.execute(
            f"SELECT {_ROW}, {_HITS} FROM (SELECT d.id, d.title, d.date, d.source, "
            f"ts_rank_cd(%s::float4[], d.fts, q) AS score, d.text, {_DUPLICATES} AS dups, d.fts, d.docno "
            f"FROM documents d, CAST(%s AS tsquery) q WHERE d.fts @@ q AND {' AND '.join(where)} "
            "ORDER BY score DESC, d.docno LIMIT %s) r, " + _HITS_FROM + " ORDER BY r.score DESC, r.docno",
            (weights, q, *params, limit, *hit_params)).fetchall()
    else:
        # The matches come from `doc_search` (narrow rows, exact GIN answers); with `window`,
        # only the `window` most recently stored are ranked: ts_rank_cd reads each one's
        # whole tsvector, so ranking costs per document ranked, not per match.
        cond, cparams, recheck = cand
        with _bitmap_scans(conn):
            rows = conn.execute(
                f"SELECT {_ROW}, {_HITS} FROM (SELECT d.id, d.title, d.date, d.source, "
                f"ts_rank_cd(%s::float4[], d.fts, q) AS score, d.text, {_DUPLICATES} AS dups, d.fts, d.docno "
                f"FROM (SELECT s.docno FROM doc_search s WHERE {cond} ORDER BY s.docno DESC "
                f"{'LIMIT %s' if window else ''}) c JOIN documents d ON d.docno = c.docno, CAST(%s AS tsquery) q "
                f"{'WHERE d.fts @@ q ' if recheck else ''}ORDER BY score DESC, d.docno LIMIT %s) r, "
                + _HITS_FROM + " ORDER BY r.score DESC, r.docno",
                (weights, *cparams, *([int(window)] if window else []), q, limit, *hit_params),
                prepare=False).fetchall()
    marks = _matcher(words)
    out = []
    for id_, title, date, source, score, body, dups, pos, lex in rows:
        cut = _cut_at(body, title, pos, lex) if pos else None
        if cut is None:  # no body position to go by (a match in the title only, a text past the positions)
            cut = snippet(title, body, marks)
        out.append(dict(zip(names, (id_, title, date, source, float(score or 0.0), cut, dups))))
    return out


def count_matching(conn: psycopg.Connection, text: TextQuery, filters: DocumentFilters, cap: int) -> int:
    """How many original documents match `text` and `filters`, counting at most `cap`."""
    q = tsquery(text)
    cand = _candidates(text)
    if q is None or cand is None:
        return 0
    if filters.any():
        where, params = _filters(filters)
        return conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM documents d, CAST(%s AS tsquery) q "
            f"WHERE d.fts @@ q AND {' AND '.join(where)} LIMIT %s) AS m", (q, *params, cap)).fetchone()[0]
    cond, cparams, recheck = cand
    with _bitmap_scans(conn):
        if not recheck:
            return conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM doc_search s WHERE {cond} LIMIT %s) AS m",
                                (*cparams, cap), prepare=False).fetchone()[0]
        return conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM doc_search s JOIN documents d ON d.docno = s.docno, "
            f"CAST(%s AS tsquery) q WHERE {cond} AND d.fts @@ q LIMIT %s) AS m", (q, *cparams, cap),
            prepare=False).fetchone()[0]


# ---------------------------------------------------------------- snippets
def _query_words(q: TextQuery):
    """(folded word, is a prefix) of every word of the query's terms (not of `none_of`)."""
    for t in q.all_of:
        toks = [tok for w in t.words for tok in TOKEN.findall(w)]
        for i, tok in enumerate(toks):
            yield tok, t.prefix and i == len(toks) - 1


class Matcher:
    """What marks a word of the original text: its folded form is a query word, or starts
    with a query prefix. Found in the text folded character by character (positions kept)
    by one pattern, in C; only the words near the matches are looked at one by one."""

    def __init__(self, exact: frozenset, prefixes: tuple):
        self.exact, self.prefixes = exact, prefixes
        alts = [f"(?:{'|'.join(map(re.escape, sorted(exact, key=len, reverse=True)))})(?![^\\W_])"] if exact else []
        if prefixes:
            alts.append(f"(?:{'|'.join(map(re.escape, sorted(prefixes, key=len, reverse=True)))})[^\\W_]*")
        self.pattern = re.compile(rf"(?<![^\W_])(?:{'|'.join(alts)})")

    def hit(self, folded_word: str) -> bool:
        return folded_word in self.exact or bool(self.prefixes and folded_word.startswith(self.prefixes))


@lru_cache(maxsize=256)
def _matcher(words: tuple[tuple[str, bool], ...]) -> Matcher | None:
    if not words:
        return None
    return Matcher(frozenset(w for w, p in words if not p), tuple(sorted({w for w, p in words if p})))


@lru_cache(maxsize=65536)
def _folded(token: str) -> str:
    return fold(token)  # a word or a character, folded once per spelling


@lru_cache(maxsize=1)
def _combining() -> re.Pattern:
    """Every character of the Basic Multilingual Plane that `fold` drops (a combining class)."""
    import unicodedata

    marks = [chr(c) for c in range(0x300, 0x10000) if unicodedata.combining(chr(c))]
    return re.compile("[" + "".join(re.escape(m) for m in marks) + "]")


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_D_PAIRS = tuple((chr(k), v) for k, v in _D_FOLD.items())


def _aligned_fold(text: str) -> str | None:
    """fold(text), computed by the same steps on the whole text with C loops, when each
    character folds to exactly one, so that every offset of the result is the same
    character's in `text`; None otherwise (then words are folded one by one). A text with
    no combining mark loses no character, so the same length means one for one."""
    import unicodedata

    drop = _combining()
    if drop.search(text) or _ASTRAL.search(text):
        return None
    text_d = text
    for a, b in _D_PAIRS:  # text.translate(_D_FOLD), a C loop each instead of a look-up per character
        text_d = text_d.replace(a, b) if a in text_d else text_d
    folded = drop.sub("", unicodedata.normalize("NFD", text_d)).lower()
    return folded if len(folded) == len(text) else None


def _best_window(at: list[tuple[int, str]]) -> tuple[int, int]:
    """(index of the first hit, of the last hit) of the best window of SNIPPET_TOKENS words:
    the most distinct query words, then the most matches, then the earliest. `at`: (word
    index, folded word) of each hit, in order. Slid along: linear in the hits (a common
    word may occur hundreds of times in a long article)."""
    best, best_key = 0, None
    inside: dict[str, int] = {}  # folded word -> matches in the window of hits i .. j-1
    j = 0
    for i, (ti, w) in enumerate(at):
        while j < len(at) and at[j][0] < ti + SNIPPET_TOKENS:
            inside[at[j][1]] = inside.get(at[j][1], 0) + 1
            j += 1
        key = (len(inside), j - i, -ti)
        if best_key is None or key > best_key:
            best, best_key = i, key
        inside[w] -= 1
        if not inside[w]:
            del inside[w]
    first = at[best][0]
    return best, max(k for k in range(best, len(at)) if at[k][0] < first + SNIPPET_TOKENS)


def _tokens_before(folded: str, pos: int, n: int) -> tuple[list[tuple[int, int]], bool]:
    """The spans of the (at most) `n` words that end before `pos`, and whether they are all
    the words there are before it."""
    lo = pos
    while True:
        lo = max(0, lo - 16 * max(n, 1) * (1 if lo == pos else 4))
        spans = [m.span() for m in TOKEN.finditer(folded, lo, pos)]
        if lo > 0 and spans and spans[0][0] == lo and TOKEN.match(folded, lo - 1):
            spans = spans[1:]  # a word cut by `lo`
        if len(spans) >= n or lo == 0:
            return spans[-n:] if n else [], len(spans) <= n and lo == 0


def _cut(text: str, matcher: Matcher) -> str | None:
    """The snippet of the best window of one column, or None without a match."""
    folded = _aligned_fold(text)
    if folded is None:
        return _cut_by_words(text, matcher)
    hits = [m.span() for m in matcher.pattern.finditer(folded)]
    if not hits:
        return None
    # Word indices relative to the first hit; the words between two hits are counted up
    # to SNIPPET_TOKENS (a longer gap keeps any window from spanning it either way).
    at, index, prev = [], 0, None
    for hs, he in hits:
        if prev is not None:
            index += 1 + min(SNIPPET_TOKENS, len(TOKEN.findall(folded, prev, hs)))
        at.append((index, folded[hs:he]))
        prev = he
    b, last = _best_window(at)
    first = at[b][0]
    pad = (SNIPPET_TOKENS - (at[last][0] - first + 1)) // 2
    before, all_before = _tokens_before(folded, hits[b][0], SNIPPET_TOKENS)
    after = [m.span() for m in islice(TOKEN.finditer(folded, hits[b][0]), SNIPPET_TOKENS + 1)]
    all_after = len(after) <= SNIPPET_TOKENS
    # The window [s, e) in words relative to the first hit, as SNIPPET_TOKENS words around
    # the matches, moved back from the end of the text when it reaches it.
    lowest = -len(before) if all_before else -SNIPPET_TOKENS
    s0 = max(lowest, -pad)
    e = min(len(after), s0 + SNIPPET_TOKENS) if all_after else s0 + SNIPPET_TOKENS
    s = max(lowest, e - SNIPPET_TOKENS)
    span = (lambda k: before[k] if k < 0 else after[k])  # noqa: E731
    begin = 0 if (all_before and s == lowest) else span(s)[0]
    at_end = all_after and e == len(after)
    end = len(text) if at_end else span(e - 1)[1]
    return _marked(text, hits, begin, end, cut_before=not (all_before and s == lowest), cut_after=not at_end)


def _cut_by_words(text: str, matcher: Matcher) -> str | None:
    """_cut for a text some character of which does not fold to one: every word folded."""
    toks, at, hits = [], [], []
    for m in TOKEN.finditer(text):
        f = _folded(m.group())
        if matcher.hit(f):
            at.append((len(toks), f))
            hits.append((m.start(), m.end()))
        toks.append((m.start(), m.end()))
    if not hits:
        return None
    b, last = _best_window(at)
    first = at[b][0]
    s = max(0, first - (SNIPPET_TOKENS - (at[last][0] - first + 1)) // 2)
    e = min(len(toks), s + SNIPPET_TOKENS)
    s = max(0, e - SNIPPET_TOKENS)
    begin = 0 if s == 0 else toks[s][0]
    end = len(text) if e == len(toks) else toks[e - 1][1]
    return _marked(text, hits, begin, end, cut_before=s > 0, cut_after=e < len(toks))


def _marked(text: str, hits: list[tuple[int, int]], begin: int, end: int, *, cut_before: bool,
            cut_after: bool) -> str:
    """text[begin:end] with the hits inside it between the snippet markers, and "…" where
    the window cuts the text."""
    out, pos = [], begin
    for hs, he in hits:
        if hs < begin or he > end:
            continue
        out += [text[pos:hs], SNIPPET_OPEN, text[hs:he], SNIPPET_CLOSE]
        pos = he
    out.append(text[pos:end])
    return ("…" if cut_before else "") + "".join(out) + ("…" if cut_after else "")


def snippet(title: str | None, text: str, matcher: Matcher | None) -> str:
    """Some SNIPPET_TOKENS words of the text (or the title, when only it matches) around the matches."""
    if matcher is not None:
        for column in (text, title or ""):
            cut = _cut(column, matcher)
            if cut is not None:
                return cut
    toks = [m for m in TOKEN.finditer(text)][:SNIPPET_TOKENS + 1]
    if len(toks) <= SNIPPET_TOKENS:
        return text
    return text[:toks[SNIPPET_TOKENS - 1].end()] + "…"
