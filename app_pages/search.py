"""Search: one box for documents, indicators, figures and decrees, every kind at once, with counts.

The tab the query most likely wants opens first (a reference opens its decree, words
their documents); each result links to its own page (document, indicator, decree).
"""
from __future__ import annotations

import html

import streamlit as st

from nlp.search import clip_query, search
from nlp.indicator_key import indicator_key
from nlp.ui import links, session
from nlp.ui.search_view import (CUT_NOTE, TAB_OF_KIND, TABS, decree_facts_line, documents_caption, echo,
                                indicator_caption, link_params, mention_html, read_link, snippet_html, tab_label,
                                url_query)
from nlp.ui.tables import count_label, figures_frame, shorten

Q, TAB = "keep_search_q", "keep_search_tab"
APPLIED, PENDING_TAB, LAST_Q = "_search_applied_link", "_search_pending_tab", "_search_last_q"
LIMIT = 30

st.title("Search")
store = session.require_store()

# A link (?q=…&tab=…) sets the widgets once; afterwards the widgets set the link.
link = read_link(st.query_params)
if link["decree"]:  # the decree page's old address
    st.switch_page(links.PAGES["decree"], query_params=links.decree_params(link["decree"]))
if link != st.session_state.get(APPLIED) and (link["q"] or Q not in st.session_state):
    st.session_state[Q] = link["q"]
    st.session_state[PENDING_TAB] = link["tab"]

raw = st.text_input("Search documents, indicators, figures and decrees", key=Q,
                    placeholder="chuyển đổi số · tỷ lệ hồ sơ trực tuyến · nd 82/2024 · quyết định 1012 · đề án 06")
q, cut = clip_query(raw)
if cut:
    st.caption(CUT_NOTE)


def _sync_link(wanted: dict) -> None:
    current = {k: st.query_params.get(k) for k in ("q", "tab") if k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[APPLIED] = read_link(wanted)


if not q:
    _sync_link({})
    st.info("Type words (`chuyển đổi số`, `\"hồ sơ trực tuyến\"`, `tăng trưởng kinh tế`) or a legal document in "
            "any spelling (`nd 82`, `qd 1012/ttg`, `de an 06`). Documents, indicators, figures and decrees are "
            "searched at once; the address bar keeps the search, to share it.")
    st.stop()

try:
    result = search(store, q, limit=LIMIT)
except Exception as exc:  # noqa: BLE001 - a locked database: say so, keep the page
    st.error(f"Search failed: {exc}")
    st.stop()

likely = TAB_OF_KIND[result["first"]]
pending = st.session_state.pop(PENDING_TAB, None)
if pending is not None or st.session_state.get(LAST_Q) != q:
    st.session_state[TAB] = pending or likely  # a new query opens on the kind it most likely wants
st.session_state[LAST_Q] = q
tab = st.segmented_control("Show", TABS, key=TAB, label_visibility="collapsed",
                           format_func=lambda t: tab_label(t, result["counts"], result["more"])) or likely
_sync_link(link_params(url_query(link["q"], q), tab, likely))

# ---------------------------------------------------------------- documents
if tab == "documents":
    docs = result["documents"]
    if not docs:
        st.warning(f"No document contains {echo(q)}.")
    else:
        st.caption(documents_caption(result["counts"], result["more"], q))
    shown_words_heading = False
    for i, d in enumerate(docs):
        if d.get("match") == "words" and not shown_words_heading:
            shown_words_heading = True
            st.markdown("**Every word, not as one phrase**")
        with st.container(border=True, key=f"doc-result-{i}"):
            st.page_link(links.PAGES["document"], label=shorten(d.get("title") or d["id"], 140),
                         query_params=links.document_params(d["id"]), icon=":material/article:")
            meta = " · ".join(html.escape(str(x)) for x in (d.get("date"), d["id"], d.get("source")) if x)
            dup = f" · {d['duplicates']} syndicated copies" if d.get("duplicates") else ""
            badge = ("whole phrase" if d.get("match") == "phrase" else "every word" if d.get("match") == "words"
                     else "")
            st.html(f"<div><small>{meta}{dup}{' · <b>' + badge + '</b>' if badge else ''}</small></div>"
                    f"<div style='margin-top:0.3em'>{snippet_html(d.get('snippet'), d.get('marks'))}</div>")

# ---------------------------------------------------------------- indicators
elif tab == "indicators":
    groups = result["indicators"]
    if not groups:
        st.warning(f"No indicator's name holds {echo(q)}.")
    else:
        st.caption("Figures grouped by what they measure and their unit: open one to follow its targets and "
                   "results over the years.")
    for i, g in enumerate(groups):
        with st.container(border=True, key=f"indicator-result-{i}"):
            st.page_link(links.PAGES["indicator"], label=f"{shorten(g['label'], 120)} [{g['unit'] or 'no unit'}]",
                         query_params=links.indicator_params(g["key"], g["unit"]), icon=":material/monitoring:")
            st.caption(indicator_caption(g))

# ---------------------------------------------------------------- figures
elif tab == "figures":
    figs = result["figures"]
    if not figs:
        st.warning(f"No figure's indicator matches {echo(q)}.")
        st.stop()
    st.caption(f"{count_label(len(figs), 'figure')}{'+' if result['more'].get('figure') else ''}, oldest report "
               "first. Each figure's own measure is charted on its indicator page (Indicators tab, or the link below).")
    table = figures_frame(figs)
    table.insert(0, "date", [f.get("date") for f in figs])
    table["sentence"] = [f.get("sentence_text") for f in figs]
    st.dataframe(table, hide_index=True, width="stretch")
    with st.expander("Open a figure's document or indicator"):
        for f in figs[:LIMIT]:
            c = st.columns([3, 2])
            c[0].page_link(links.PAGES["document"], label=f"{f['text']} · {f['doc']}",
                           query_params=links.document_params(f["doc"], f["rid"]), icon=":material/article:")
            key = indicator_key(f.get("indicator"), f.get("unit"))
            if key:
                c[1].page_link(links.PAGES["indicator"], label=shorten(f.get("indicator") or key, 60),
                               query_params=links.indicator_params(key, f.get("unit")), icon=":material/monitoring:")

# ---------------------------------------------------------------- decrees
else:
    decrees = result["decrees"]
    if not decrees:
        st.warning(f"No decree or legal document matches {echo(q)}.")
    rids = [d["mentions"][0]["rid"] for d in decrees if d.get("mentions")]
    in_sentence = store.sentence_records(rids) if rids else {}
    for i, d in enumerate(decrees):
        with st.container(border=True, key=f"decree-result-{i}"):
            st.page_link(links.PAGES["decree"], label=d["id"] + (" — closest match" if d.get("match") == "fuzzy" else ""),
                         query_params=links.decree_params(d["id"]), icon=":material/gavel:")
            facts = decree_facts_line(d)
            counts = (f"{count_label(d.get('n_mentions', len(d.get('mentions') or ())), 'mention')} in "
                      f"{count_label(d.get('n_docs', 0), 'document')}")
            st.caption(" · ".join(x for x in (facts, counts) if x))
            if d.get("title"):
                st.html(f"<i>{html.escape(shorten(d['title'], 240))}</i>")
            first = (d.get("mentions") or [None])[0]
            if first:
                st.html(mention_html(first, d["id"], in_sentence.get(first["rid"])))
