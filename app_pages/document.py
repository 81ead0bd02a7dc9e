"""A stored article: its records highlighted (the Upload renderer), facts, copies, review state.

Opened from every place that names a document (search results, Overview, decree
mentions, indicator points): `/document?id=DOC[&rid=N]`; with `rid` the record's
sentence is shown first and the record is outlined in the article.
"""
from __future__ import annotations

import streamlit as st

from nlp.ui import links, session
from nlp.ui.document_view import facts_line, linked_record, review_line, review_state, shown_records
from nlp.ui.highlight import highlight_html, legend_html
from nlp.ui.tables import figures_frame, legal_frame, shorten

store = session.require_store()
doc_id, rid = links.read_document(st.query_params)
if not doc_id:
    st.title("Document")
    st.info("Open a document from a search, the Overview, a decree's mentions or an indicator's points.")
    st.page_link(links.PAGES["overview"], label="Overview", icon=":material/dashboard:")
    st.stop()

doc = store.get_document(doc_id)
if doc is None:
    st.title("Document")
    st.error(f"No document {shorten(doc_id, 80)!r} in the corpus.")
    st.page_link(links.PAGES["search"], label="Search the corpus", icon=":material/search:")
    st.stop()

st.title(shorten(doc.get("title") or doc["id"], 200))
st.caption(facts_line(doc))
if doc.get("path"):
    st.caption(f"from {shorten(doc['path'], 120)}")

# near-duplicates (syndicated copies) and versions
if doc.get("duplicate_of"):
    st.page_link(links.PAGES["document"], label=f"A copy of {doc['duplicate_of']} (open the original)",
                 query_params=links.document_params(doc["duplicate_of"]), icon=":material/content_copy:")
if doc.get("duplicates"):
    with st.expander(f"{len(doc['duplicates'])} near-duplicate cop{'y' if len(doc['duplicates']) == 1 else 'ies'}"):
        for d in doc["duplicates"][:100]:
            st.page_link(links.PAGES["document"], label=d, query_params=links.document_params(d),
                         icon=":material/content_copy:")
if doc.get("version_of"):
    st.page_link(links.PAGES["document"], label=f"An earlier version of {doc['version_of']} (open the current one)",
                 query_params=links.document_params(doc["version_of"]), icon=":material/history:")

records = store.list_records(doc=doc["id"], order="position")
state = review_state(records)
m = st.columns(6)
for col, (label, key) in zip(m, (("Records", "total"), ("Pending", "pending"), ("Accepted", "accepted"),
                                 ("Corrected", "corrected"), ("Rejected", "rejected"), ("Flagged", "flagged"))):
    col.metric(label, f"{state[key]:,}")
st.caption("Review state: " + review_line(state))

focus = linked_record(records, rid)
if rid is not None:
    with st.container(border=True, key="linked-record"):
        if focus is None:
            st.warning(f"Record #{rid} is not one of this document's records.")
        else:
            st.markdown(f"**Record #{rid}** · {focus.get('type')} · status {focus.get('status')}")
            sent = focus.get("sentence") or [None, None]
            if focus.get("sentence_text") and sent[0] is not None:
                in_sentence = store.sentence_records([rid]).get(rid) or [focus]
                st.html(highlight_html(focus["sentence_text"], in_sentence, offset=int(sent[0]), links=True, focus=rid))
            st.page_link(links.PAGES["review"], label=f"Review record #{rid}", query_params={"rid": str(rid)},
                         icon=":material/fact_check:")

st.html(legend_html())
with st.container(height=560 if len(doc["text"]) > 2500 else "content", border=True):
    st.html(highlight_html(doc["text"], shown_records(records), links=True, focus=rid))

fig_tab, legal_tab = st.tabs([f"Figures ({len(figures_frame(records))})", f"Legal references ({len(legal_frame(records))})"])
with fig_tab:
    st.dataframe(figures_frame(records), hide_index=True, width="stretch")
with legal_tab:
    st.dataframe(legal_frame(records), hide_index=True, width="stretch")
