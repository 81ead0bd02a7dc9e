"""The Search page's logic: its link, the tabs with their counts, decree mentions, snippets.

The page's link is `?q=…[&tab=…]`: the tab is written only when the user chose one other
than the kind the query most likely wants (nlp.search.likely_kind), so opening a search
link, or coming Back to one, shows what the query is about, and the address changes only
when the user changes something (each change is one step of the browser's history).
Everything shown from a document (sentences, snippets) is escaped here before the page
renders it.
"""
from __future__ import annotations

import html
from typing import Any, Mapping

from ..search import MAX_QUERY_CHARS, RANK_WINDOW, clip_query, match_tiers
from .highlight import highlight_html
from .tables import count_label, shorten

TABS = ("documents", "indicators", "figures", "decrees")
KIND_OF_TAB = {"documents": "document", "indicators": "indicator", "figures": "figure", "decrees": "decree"}
TAB_OF_KIND = {v: k for k, v in KIND_OF_TAB.items()}
TAB_NAMES = {"documents": "Documents", "indicators": "Indicators", "figures": "Figures",
             "decrees": "Decrees & legal documents"}
CUT_NOTE = f"Query cut to its first {MAX_QUERY_CHARS} characters."


def _first(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        v = v[0] if v else ""
    return "" if v is None else str(v)


def read_link(params: Mapping[str, Any]) -> dict[str, str]:
    """{"q", "tab", "decree"} from query parameters; an unknown tab reads as none ("": the
    query's likely kind); `decree` is the old address of a decree page."""
    tab = _first(params.get("tab")).strip().lower()
    return {
        "q": _first(params.get("q")).strip(),
        "tab": tab if tab in TABS else "",
        "decree": _first(params.get("decree")).strip(),
    }


def link_params(q: str, tab: str | None = None, likely: str | None = None) -> dict[str, str]:
    """The query parameters of this view: the query, and the tab when it is not `likely`."""
    out = {"q": q.strip()}
    if tab in TABS and tab != likely:
        out["tab"] = tab
    return {k: v for k, v in out.items() if v}


def url_query(link_q: str, q: str) -> str:
    """The `q` to keep in the address: the address's own when it cuts to what is searched
    (a long query cut once must not rewrite the address, which would add a history step)."""
    return link_q if link_q and clip_query(link_q)[0] == q else q


def tab_label(tab: str, counts: Mapping[str, int], more: Mapping[str, bool]) -> str:
    kind = KIND_OF_TAB[tab]
    n = counts.get(kind, 0)
    return f"{TAB_NAMES[tab]} · {n:,}{'+' if more.get(kind) else ''}"


def echo(q: str) -> str:
    """A query as messages repeat it: short (a long query is never echoed whole)."""
    return "«" + shorten(q, 60) + "»"


def documents_caption(counts: Mapping[str, int], more: Mapping[str, bool], q: str, window: int = RANK_WINDOW) -> str:
    """`12 documents hold the whole phrase «…»; 5 more hold every word` (phrase counts first)."""
    plus = "+" if more.get("document") else ""
    phrase, words = counts.get("document_phrase", 0), counts.get("document_words", 0)
    if len(match_tiers(q)) < 2:  # one word, quotes, a prefix, or too many words for a phrase
        line = f"{count_label(counts.get('document', 0), 'document')}{plus} hold every term of {echo(q)}."
        widest = counts.get("document", 0)
    else:
        line = (f"{count_label(phrase, 'document')}{plus if phrase and not words else ''} hold the whole phrase "
                f"{echo(q)}; {words:,}{plus if words else ''} more hold every word, not as one phrase.")
        widest = max(phrase, words)
    if widest > window:  # say so: relevance order covers only the most recent matches
        line += f" Ranked by relevance among the {window:,} most recently stored matches of each kind."
    return line


def decree_facts_line(d: Mapping[str, Any]) -> str:
    """`Nghị định · Chính phủ · issued 2024-07-15` of a catalogue entry."""
    parts = [d.get("doc_type"), d.get("issuer"), f"issued {d['issued']}" if d.get("issued") else None,
             None if d.get("issued") or not d.get("year") else str(d["year"])]
    return " · ".join(str(p) for p in parts if p)


def mention_html(mention: Mapping[str, Any], ref_id: str | None = None,
                 sentence_records: list[dict[str, Any]] | None = None) -> str:
    """A decree mention's sentence with the reference marked (escaped).

    With the records of the sentence (`Store.sentence_records`), every reference in it is
    marked and links to its decree page, and the mention is outlined. Without, with
    `sent_start` the span is exact; otherwise the mention's text is looked up in its
    sentence (the first occurrence: right unless the sentence cites it twice).
    """
    sentence = str(mention.get("sentence") or "")
    if sentence_records:
        own = next((r for r in sentence_records if r.get("rid") == mention.get("rid")), None)
        if own and own.get("sentence") and own["sentence"][0] is not None:
            return highlight_html(sentence, sentence_records, offset=int(own["sentence"][0]), links=True,
                                  focus=mention.get("rid"))
    text = str(mention.get("text") or "")
    if mention.get("sent_start") is not None and mention.get("start") is not None:
        s = int(mention["start"]) - int(mention["sent_start"])
    else:
        s = sentence.find(text) if text else -1
    recs = []
    if s >= 0 and text and sentence[s:s + len(text)] == text:
        recs = [{"type": "legal_ref", "start": s, "end": s + len(text), "id": ref_id or mention.get("id") or "",
                 "rid": mention.get("rid", "")}]
    return highlight_html(sentence, recs)


def snippet_html(snippet: str, marks: list | None = None) -> str:
    """A search snippet as safe HTML: document text escaped, each match in <mark>.

    nlp.search puts one marker character before and after each match and gives `marks`,
    the match spans in the snippet *without* markers; the k-th match's markers sit at
    start+2k and end+2k+1. Using positions (not the marker characters, which an article
    may contain too) keeps the text exact.
    """
    snippet = snippet or ""
    spans = sorted((int(a), int(b)) for a, b in (marks or ()) if 0 <= int(a) <= int(b))
    drop = set()
    for k, (a, b) in enumerate(spans):
        drop.update((a + 2 * k, b + 2 * k + 1))
    plain = "".join(ch for i, ch in enumerate(snippet) if i not in drop) if drop else snippet
    out, pos = [], 0
    for a, b in spans:
        if a < pos or b > len(plain):
            continue
        out.append(html.escape(plain[pos:a]))
        out.append(f"<mark>{html.escape(plain[a:b])}</mark>")
        pos = b
    out.append(html.escape(plain[pos:]))
    return "".join(out)


def mentions_rows(decree: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The decree's mentions for a table: date, document, the reference as written, sentence."""
    return [{"date": m.get("date"), "doc": m.get("doc"), "as written": m.get("text"), "sentence": m.get("sentence")}
            for m in decree.get("mentions") or ()]


def relations_text(rels: Any) -> str:
    return "; ".join(f"{r.get('type')} {r.get('target')}" for r in rels or () if isinstance(r, Mapping))


def indicator_caption(g: Mapping[str, Any]) -> str:
    """`5 figures (2 targets, 3 results) in 3 documents · 2016–2020 · unit %`."""
    roles = [count_label(g.get("n_target") or 0, "target"), count_label(g.get("n_actual") or 0, "result")]
    years = ""
    if g.get("year_min"):
        years = str(g["year_min"]) if g.get("year_max") in (None, g["year_min"]) else f"{g['year_min']}–{g['year_max']}"
    parts = [f"{count_label(g.get('n') or 0, 'figure')} ({', '.join(roles)}) in {count_label(g.get('n_docs') or 0, 'document')}",
             years, f"unit {g['unit']}" if g.get("unit") else "no unit"]
    return " · ".join(p for p in parts if p)
