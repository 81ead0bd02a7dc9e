"""View-model of the Streamlit app: what the pages show, computed without a browser.

The pages in `app_pages/` stay thin: they read widgets and call these functions, which
tests reach directly. Only `session.py` imports streamlit; the rest is plain Python
(HTML strings, pandas frames, altair charts, validated edits).
"""
