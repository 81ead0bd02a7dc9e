"""Overview of the corpus: documents, records by kind and review status, most-cited decrees."""
from __future__ import annotations

import streamlit as st

from nlp.ui import links, session
from nlp.ui.overview import (documents_table_html, reviewer_rows, status_chart, status_frame, top_cited_rows,
                             totals)
from nlp.ui.tables import count_label

PAGE_SIZE = 50

st.title("Corpus overview")
store = session.require_store()
stats = store.stats(top=10)
t = totals(stats)

m = st.columns(5)
m[0].metric("Documents", f"{stats['documents']:,}",
            help=f"{stats['duplicates']:,} of them are syndicated copies" if stats.get("duplicates") else None)
m[1].metric("Records", f"{t['records']:,}")
m[2].metric("Reviewed", f"{t['reviewed']:,}", help=f"{t['reviewed'] / t['records']:.0%} of records" if t["records"] else None)
m[3].metric("Legal documents", f"{stats['legal_documents']:,}")
m[4].metric("Flagged", f"{stats['flagged']:,}",
            help="reviewed records whose document has a newer version they no longer match"
                 + (f"; {stats['versions']:,} earlier document versions are kept" if stats.get("versions") else ""))

left, right = st.columns([3, 2])
with left:
    st.subheader("Records by kind and review status")
    st.altair_chart(status_chart(status_frame(stats)), width="stretch")
with right:
    st.subheader("Most-cited legal documents")
    rows = top_cited_rows(stats)
    if not rows:
        st.caption("No legal reference yet.")
    for r in rows:
        st.page_link(links.PAGES["decree"], label=f"{r['id']} — {count_label(r['mentions'], 'mention')} in {count_label(r['documents'], 'document')}",
                     query_params=links.decree_params(r["id"]), icon=":material/gavel:")

st.subheader("Reviewers")
reviewers = reviewer_rows(store.reviewer_counts())
if reviewers:
    st.dataframe(reviewers, hide_index=True, width="stretch",
                 column_config={"reviewed": st.column_config.NumberColumn("reviewed", help="accepted + corrected + "
                                                                          "rejected + added, not undone"),
                                "bulk_steps": st.column_config.NumberColumn("bulk steps"),
                                "last": st.column_config.TextColumn("last action")})
else:
    st.caption("Nobody has reviewed a record yet.")

st.subheader("Documents")
pages = max(1, -(-stats["documents"] // PAGE_SIZE))
page_no = st.number_input("Page", 1, pages, 1, key="overview_page") if pages > 1 else 1
docs = store.list_documents(limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE)
st.caption("Each document opens with its records highlighted.")
st.html(documents_table_html(docs))
