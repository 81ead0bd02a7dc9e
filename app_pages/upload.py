"""Upload: a file or pasted text -> highlighted article, records table, downloads, save."""
from __future__ import annotations

import logging
import time

import streamlit as st

from nlp.export import to_csv, to_json
from nlp.ui import session
from nlp.ui.highlight import highlight_html, legend_html
from nlp.ui.tables import count_label, counts_by_kind, figures_frame, legal_frame, shorten
from nlp.ui.upload import ACCEPTED_TYPES, MAX_UPLOAD_MB, MB, load_pasted, load_upload

STATE = "upload_current"  # {"key", "doc", "error", "records", "seconds", "saved"}
LAST_FILE = "upload_last_file_id"
log = logging.getLogger(__name__)

st.title("Upload an article")
st.caption("Figures, targets and legal-document references from a Vietnamese report or news article.")

max_bytes = MAX_UPLOAD_MB * MB
left, right = st.columns(2)
# No `type=` filter: an unsupported file must reach our check and get a clear reason.
uploaded = left.file_uploader(
    "Article file",
    help="Accepted: " + ", ".join(f".{t}" for t in ACCEPTED_TYPES) + f" (at most {max_bytes // MB} MB)",
    key="upload_file",
)
with right.form("paste_form", border=False):
    pasted = st.text_area("…or paste the text", height=120, key="paste_text")
    pasted_go = st.form_submit_button("Extract pasted text", type="primary")


def _process(key, loader) -> dict:
    doc, error = loader()
    state = {"key": key, "doc": doc, "error": error, "records": [], "seconds": 0.0, "saved": None}
    if doc is not None:
        t0 = time.perf_counter()
        try:
            with st.spinner("Extracting figures and references…"):
                state["records"] = session.extract_text(doc.text)
        except Exception as exc:  # noqa: BLE001 - extract() should not raise; if it does, say so, no traceback
            log.exception("solieu: extraction failed for %s", doc.id)
            state["error"] = f"{doc.meta.get('filename') or doc.id}: read, but the analysis failed ({type(exc).__name__})"
        state["seconds"] = time.perf_counter() - t0
    return state


# A new file in the uploader or a pasted text replaces what is shown; reruns (downloads,
# save) keep it. The uploader keeps its file across reruns, so only a new file id counts.
current = st.session_state.get(STATE)
file_id = uploaded.file_id if uploaded is not None else None
if pasted_go:
    current = _process(("paste", hash(pasted)), lambda: load_pasted(pasted, max_bytes=max_bytes))
elif file_id is not None and file_id != st.session_state.get(LAST_FILE):
    current = _process(("file", file_id), lambda: load_upload(uploaded.getvalue(), uploaded.name, max_bytes=max_bytes))
elif file_id is None and current and current["key"][0] == "file":
    current = None  # the file was removed from the uploader
st.session_state[LAST_FILE] = file_id
st.session_state[STATE] = current

if not current:
    st.info("Upload a file or paste a text to see what solieu finds in it.")
    st.stop()
if current["error"]:
    st.error(current["error"])
    st.stop()

doc, records = current["doc"], current["records"]
shown = [r for r in records if r.type != "ignore"]
counts = counts_by_kind(records)

st.subheader(doc.meta.get("filename") or "Pasted text")
if doc.title:
    st.caption(shorten(doc.title, 160))
m = st.columns(5)
m[0].metric("Legal references", counts.get("legal_ref", 0))
m[1].metric("Targets", counts.get("target", 0))
m[2].metric("Results", counts.get("actual", 0))
m[3].metric("Other figures", counts.get("other", 0))
m[4].metric("Characters", f"{len(doc.text):,}")
st.caption(f"Extracted in {current['seconds']:.2f} s.")

st.html(legend_html())
# Long articles scroll inside a box so the tables stay in reach; short ones take their height.
with st.container(height=520 if len(doc.text) > 2500 else "content", border=True):
    st.html(highlight_html(doc.text, records))

fig_tab, legal_tab = st.tabs([f"Figures ({len(figures_frame(shown))})", f"Legal references ({len(legal_frame(shown))})"])
with fig_tab:
    st.dataframe(figures_frame(shown), hide_index=True, width="stretch")
with legal_tab:
    st.dataframe(legal_frame(shown), hide_index=True, width="stretch")

c = st.columns([1, 1, 1, 3])
c[0].download_button("Download JSON", to_json(records), file_name=f"{doc.id}.records.json",
                     mime="application/json", on_click="ignore")
c[1].download_button("Download CSV", to_csv(records), file_name=f"{doc.id}.records.csv",
                     mime="text/csv", on_click="ignore")
if c[2].button("Save to corpus", type="primary"):
    store = session.store()
    if store is None:
        current["saved"] = ("error", f"The corpus database cannot be opened: {session.store_error()}")
    else:
        try:
            result = store.add_document(doc, records)
            current["saved"] = ("ok", result)
        except Exception as exc:  # noqa: BLE001 - StoreError etc.: tell the user, keep the page
            current["saved"] = ("error", f"Could not save {doc.id}: {exc}")
if current["saved"]:
    status, detail = current["saved"]
    if status == "ok":
        what = {"new": "added", "updated": "updated", "unchanged": "already there, unchanged"}.get(detail.get("status"), "saved")
        dup = f"; a copy of {detail['duplicate_of']}" if detail.get("duplicate_of") else ""
        st.success(f"Saved to the corpus as **{doc.id}** ({what}, {count_label(detail.get('records', 0), 'record')}{dup}).")
        if st.button("Review its records"):
            st.session_state["keep_review_doc"] = doc.id  # the Review page's document filter
            st.switch_page("app_pages/review.py")
    else:
        st.error(detail)
