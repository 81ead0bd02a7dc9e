"""A legal document of the catalogue: what its citing sentences state (title, date, issuer), its
relations both ways, the documents cited with it, and every mention linked to its document."""
from __future__ import annotations

import html

import streamlit as st

from nlp.ui import links, session
from nlp.ui.search_view import decree_facts_line, mention_html, mentions_rows
from nlp.ui.tables import count_label, shorten

MENTION_CARDS = 100  # sentences drawn; the table below lists them all
CO_CITED = 12

store = session.require_store()
asked = links.read_decree(st.query_params)
if not asked:
    st.title("Legal document")
    st.info("Open a legal document from a search, a mention or the Overview.")
    st.page_link(links.PAGES["search"], label="Search", icon=":material/search:")
    st.stop()

entry = store.legal_document(asked)
if entry is None:
    st.title("Legal document")
    st.error(f"No legal document {shorten(asked, 80)!r} in the corpus.")
    st.page_link(links.PAGES["search"], label=f"Search for {shorten(asked, 60)}", icon=":material/search:",
                 query_params=links.search_params(asked))
    st.stop()

lid = entry["id"]
st.title(lid)
if lid != asked:
    st.caption(f"{shorten(asked, 80)} is another name of {lid} in the corpus.")
facts = decree_facts_line(entry)
if facts:
    st.caption(facts)
if entry.get("title"):
    src = entry.get("title_from") or {}
    source = (f' <small>— read from <a href="{html.escape(links.document_href(src["doc"], src.get("rid")))}" '
              f'target="_self">{html.escape(src["doc"])}</a></small>') if src.get("doc") else ""
    st.html(f'<div class="solieu-decree-title" style="font-size:1.1em"><i>{html.escape(entry["title"])}</i>'
            f"{source}</div>")
else:
    st.caption("No citing sentence states its title.")

n_mentions, n_docs = store.legal_mention_counts(lid)
m = st.columns(4)
m[0].metric("Mentions", f"{n_mentions:,}")
m[1].metric("Documents", f"{n_docs:,}")
m[2].metric("First seen", entry.get("first_seen") or "—", help="date of the earliest document citing it")
m[3].metric("Last seen", entry.get("last_seen") or "—", help="date of the latest document citing it")
st.markdown("**Also written as:** " + (", ".join(f"`{a}`" for a in entry.get("aliases") or ()) or "—"))

rels = entry.get("relations") or []
co = store.co_cited(lid, CO_CITED)
left, right = st.columns(2)
with left:
    st.subheader("Relations")
    if not rels:
        st.caption("No citing text relates it to another document.")
    for r in rels:
        st.page_link(links.PAGES["decree"], label=f"{r['type'].replace('_', ' ')} → {r['target']}",
                     query_params=links.decree_params(r["target"]), icon=":material/link:")
with right:
    st.subheader("Cited with it")
    if not co:
        st.caption("No other document is cited by the documents citing it.")
    for c in co:
        together = f", {count_label(c['sentences'], 'sentence')} together" if c.get("sentences") else ""
        st.page_link(links.PAGES["decree"], label=f"{c['id']} — {count_label(c['documents'], 'document')}{together}",
                     query_params=links.decree_params(c["id"]), icon=":material/gavel:")

mentions = entry.get("mentions") or []
st.subheader("Mentions")
if len(mentions) > MENTION_CARDS:
    st.caption(f"The first {MENTION_CARDS} of {len(mentions):,}, oldest first; the table lists them all.")
shown = mentions[:MENTION_CARDS]
in_sentence = store.sentence_records([x["rid"] for x in shown]) if shown else {}
for i, x in enumerate(shown):
    with st.container(border=True, key=f"mention-{i}"):
        label = f"{x.get('date') or 'undated'} · {x['doc']}" + (f" · {shorten(x['title'], 90)}" if x.get("title") else "")
        st.page_link(links.PAGES["document"], label=label, query_params=links.document_params(x["doc"], x["rid"]),
                     icon=":material/article:")
        st.html(mention_html(x, lid, in_sentence.get(x["rid"])))
with st.expander("Mentions as a table"):
    st.dataframe(mentions_rows(entry), hide_index=True, width="stretch")
