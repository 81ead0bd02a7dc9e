"""The Search page's logic: deep links, decree mentions with their span marked, snippets.

Deep links are query parameters: `?q=nd+82&tab=decrees` (a search and its tab) and
`&decree=82/2024/NĐ-CP` (one decree's page). Everything shown from a document
(sentences, snippets) is escaped here before the page renders it.
"""
from __future__ import annotations

import html
from typing import Any, Mapping

from .highlight import highlight_html

TABS = ("decrees", "documents", "figures")
TAB_LABELS = {"decrees": "Decrees & legal documents", "documents": "Documents", "figures": "Figures"}


def _first(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        v = v[0] if v else ""
    return "" if v is None else str(v)


def read_link(params: Mapping[str, Any]) -> dict[str, str]:
    """{"q", "tab", "decree"} from query parameters; an unknown tab falls back to decrees."""
    tab = _first(params.get("tab")).strip().lower()
    return {
        "q": _first(params.get("q")).strip(),
        "tab": tab if tab in TABS else TABS[0],
        "decree": _first(params.get("decree")).strip(),
    }


def link_params(q: str, tab: str, decree: str | None = None) -> dict[str, str]:
    """The query parameters that reproduce this view (empty values left out)."""
    out = {"q": q.strip(), "tab": tab if tab in TABS else TABS[0]}
    if decree:
        out["decree"] = decree
    return {k: v for k, v in out.items() if v}


def mention_html(mention: Mapping[str, Any], ref_id: str | None = None) -> str:
    """A decree mention's sentence with the reference marked (escaped).

    With `sent_start` the span is exact; otherwise the mention's text is looked up in
    its sentence (the first occurrence: right unless the sentence cites it twice).
    """
    sentence = str(mention.get("sentence") or "")
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
