"""Search: one box for decrees (any spelling), documents (full text) and figures (over time)."""
from __future__ import annotations

import html

import streamlit as st

from nlp.records import ROLES
from nlp.search import search
from nlp.ui import session
from nlp.ui.charts import timeline_chart, timeline_frame, units_by_frequency
from nlp.ui.highlight import highlight_html, legend_html
from nlp.ui.search_view import (TAB_LABELS, TABS, link_params, mention_html, mentions_rows, read_link,
                                relations_text, snippet_html)
from nlp.ui.tables import count_label, figures_frame, shorten

Q, TAB, APPLIED = "keep_search_q", "keep_search_tab", "_search_applied_link"
LIMIT = 30
MENTION_CARDS = 100  # sentences drawn on a decree page; the table below lists them all

st.title("Search")
store = session.require_store()

# A link (?q=…&tab=…&decree=…) sets the widgets once; afterwards the widgets set the link.
link = read_link(st.query_params)
if link != st.session_state.get(APPLIED) and (link["q"] or Q not in st.session_state):
    st.session_state[Q], st.session_state[TAB] = link["q"], link["tab"]

q = st.text_input("Search decrees, documents and figures", key=Q,
                  placeholder="nd 82/2024 · quyết định 1012 · đề án 06 · tỷ lệ hồ sơ trực tuyến").strip()
tab = st.segmented_control("Show", TABS, key=TAB, format_func=TAB_LABELS.get, label_visibility="collapsed") or TABS[0]
decree = link["decree"] if link["q"] == q else ""
wanted = link_params(q, tab, decree)
if {k: st.query_params.get(k) for k in ("q", "tab", "decree") if k in st.query_params} != wanted:
    st.query_params.from_dict(wanted)
st.session_state[APPLIED] = read_link(wanted)


def _open(**params) -> None:
    st.query_params.from_dict(link_params(q, tab, **params))


if not q:
    st.info("Type a decree number in any spelling (`nd 82`, `qd 1012/ttg`, `de an 06`) or words "
            "(`chữ ký số`, `\"hồ sơ trực tuyến\"`). The address bar keeps the search, to share it.")
    st.stop()

try:
    result = search(store, q, type={"decrees": "decree", "documents": "document", "figures": "figure"}[tab],
                    limit=LIMIT)
except Exception as exc:  # noqa: BLE001 - a bad query or a locked database: say so, keep the page
    st.error(f"Search failed: {exc}")
    st.stop()

# ---------------------------------------------------------------- decrees
if tab == "decrees" and decree:
    entry = store.legal_document(decree)
    if entry is None:
        st.error(f"No legal document {decree!r} in the corpus.")
    else:
        st.button("← back to results", on_click=_open)
        st.header(entry["id"])
        facts = [entry.get("doc_type"), entry.get("issuer"), entry.get("year")]
        st.caption(" · ".join(str(f) for f in facts if f))
        if entry.get("title"):
            st.markdown(f"*{entry['title']}*")
        c = st.columns(3)
        c[0].metric("Mentions", len(entry.get("mentions") or ()))
        c[1].metric("Documents", len({m["doc"] for m in entry.get("mentions") or ()}))
        c[2].metric("Aliases", len(entry.get("aliases") or ()))
        st.markdown("**Also written as:** " + (", ".join(f"`{a}`" for a in entry.get("aliases") or ()) or "—"))
        rels = entry.get("relations") or []
        if rels:
            st.markdown("**Relations**")
            for i, r in enumerate(rels):
                st.button(f"{r['type'].replace('_', ' ')} → {r['target']}", key=f"rel_{i}",
                          on_click=_open, kwargs={"decree": r["target"]})
        mentions = entry.get("mentions") or []
        st.subheader("Mentions")
        if len(mentions) > MENTION_CARDS:
            st.caption(f"The first {MENTION_CARDS} of {len(mentions):,}, oldest first; the table lists them all.")
        for m in mentions[:MENTION_CARDS]:
            with st.container(border=True):
                st.caption(f"{m.get('date') or 'undated'} · `{m['doc']}`" + (f" · {shorten(m['title'])}" if m.get("title") else ""))
                st.html(mention_html(m, entry['id']))
        with st.expander("Mentions as a table"):
            st.dataframe(mentions_rows(entry), hide_index=True, width="stretch")
elif tab == "decrees":
    decrees = result["decrees"]
    if not decrees:
        st.warning(f"No decree or legal document matches {q!r}.")
    for i, d in enumerate(decrees):
        with st.container(border=True, key=f"decree-result-{i}"):
            head, btn = st.columns([5, 1])
            head.markdown(f"**{d['id']}** · {d.get('doc_type') or ''}" + (f" · {d['year']}" if d.get("year") else "")
                          + f" · {count_label(d.get('n_mentions', len(d.get('mentions') or ())), 'mention')} in "
                          + count_label(d.get("n_docs", 0), "document")
                          + (" · *closest match*" if d.get("match") == "fuzzy" else ""))
            btn.button("Open", key=f"open_{d['id']}", on_click=_open, kwargs={"decree": d["id"]}, width="stretch")
            extra = []
            if d.get("aliases"):
                extra.append("also " + ", ".join(d["aliases"]))
            if d.get("relations"):
                extra.append(relations_text(d["relations"]))
            if extra:
                head.caption(" · ".join(extra))
            first = (d.get("mentions") or [None])[0]
            if first:
                st.html(mention_html(first, d['id']))

# ---------------------------------------------------------------- documents
elif tab == "documents":
    docs = result["documents"]
    if not docs:
        st.warning(f"No document contains {q!r}.")
    for d in docs:
        with st.container(border=True):
            title = html.escape(d.get("title") or d["id"])
            meta = " · ".join(html.escape(str(x)) for x in (d.get("date"), d["id"], d.get("source")) if x)
            dup = f" · {d['duplicates']} syndicated copies" if d.get("duplicates") else ""
            st.html(f"<div><b>{title}</b><br><small>{meta}{dup}</small></div>"
                    f"<div style='margin-top:0.3em'>{snippet_html(d.get('snippet'), d.get('marks'))}</div>")
            if st.toggle("Show the article with its records", key=f"show_{d['id']}"):
                full = store.get_document(d["id"])
                if full:
                    recs = store.list_records(doc=d["id"], order="position")
                    st.html(legend_html())
                    with st.container(height=420):
                        st.html(highlight_html(full["text"], recs))

# ---------------------------------------------------------------- figures
else:
    figs = result["figures"]
    if not figs:
        st.warning(f"No figure's indicator matches {q!r}.")
        st.stop()
    frame = timeline_frame(figs)
    units = units_by_frequency(frame)
    if units:
        cols = st.columns([2, 3])
        unit = cols[0].selectbox("Unit", units, help="figures of one unit share the chart's axis")
        cols[1].caption("Targets (dashed) and results (solid) of the matching indicators, by the year they refer to.")
        st.altair_chart(timeline_chart(frame, unit), width="stretch")
    else:
        st.caption("None of these figures states a year, so there is nothing to draw over time.")
    table = figures_frame(figs)
    table.insert(0, "date", [f.get("date") for f in figs])
    table["sentence"] = [f.get("sentence_text") for f in figs]
    st.dataframe(table, hide_index=True, width="stretch")
    counts = {r: sum(f.get("role") == r for f in figs) for r in ROLES}
    st.caption(count_label(len(figs), "figure") + ": " + ", ".join(f"{n} {r}" for r, n in counts.items() if n))
