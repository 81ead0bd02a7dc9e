"""solieu in the browser: `streamlit run app.py`.

One page per module in app_pages/. Every page has its own address, so any view can be
opened directly, shared and reached again with the browser's Back button (nlp/ui/links.py
lists them): /upload (the start page: the app's root opens it), /search?q=…, /review,
/overview, and the pages reached from links: /document?id=…, /decree?id=…,
/indicator?key=…. On first start with an empty database the bundled corpus is ingested,
with a progress bar, before any page runs; the database path comes from $SOLIEU_DB (see
nlp.store.default_location).
"""
from __future__ import annotations

import streamlit as st

from nlp.ui import session

st.set_page_config(page_title="solieu", page_icon=":material/analytics:", layout="wide")


def start() -> None:
    """The app's root: the Upload page under its own address (so /upload is a real page too)."""
    st.switch_page("app_pages/upload.py", query_params=st.query_params.to_dict())


PAGES = [
    st.Page(start, title="Start", url_path="start", default=True, visibility="hidden"),
    st.Page("app_pages/upload.py", title="Upload", icon=":material/upload_file:", url_path="upload"),
    st.Page("app_pages/search.py", title="Search", icon=":material/search:", url_path="search"),
    st.Page("app_pages/review.py", title="Review", icon=":material/fact_check:", url_path="review"),
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview"),
    # reached from links (search results, mentions, points), each with its own address
    st.Page("app_pages/document.py", title="Document", icon=":material/article:", url_path="document",
            visibility="hidden"),
    st.Page("app_pages/decree.py", title="Legal document", icon=":material/gavel:", url_path="decree",
            visibility="hidden"),
    st.Page("app_pages/indicator.py", title="Indicator", icon=":material/monitoring:", url_path="indicator",
            visibility="hidden"),
]

page = st.navigation(PAGES)
session.keep_widget_state()
session.warm_up()

store = session.store()
if store is None:
    st.sidebar.error(f"Corpus database unavailable: {session.store_error()}")
else:
    try:
        session.ensure_corpus(store)
    except Exception as exc:  # noqa: BLE001 - the app must open even if the first ingest fails
        st.sidebar.error(f"Loading the bundled corpus failed: {exc}")

page.run()
