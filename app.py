"""solieu in the browser: `streamlit run app.py`.

One page per module in app_pages/ (Upload is the start page). On first start with an
empty database the bundled corpus is ingested, with a progress bar, before any page
runs; the database path comes from $SOLIEU_DB (see nlp.store.Store.default_path).
"""
from __future__ import annotations

import streamlit as st

from nlp.ui import session

st.set_page_config(page_title="solieu", page_icon=":material/analytics:", layout="wide")

PAGES = [
    st.Page("app_pages/upload.py", title="Upload", icon=":material/upload_file:", url_path="upload", default=True),
    st.Page("app_pages/search.py", title="Search", icon=":material/search:", url_path="search"),
    st.Page("app_pages/review.py", title="Review", icon=":material/fact_check:", url_path="review"),
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview"),
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
