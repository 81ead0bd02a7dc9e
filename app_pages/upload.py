"""Upload: a file or pasted text -> highlighted article, records table, downloads, save.

A long article is extracted a part at a time and drawn a page at a time (nlp.ui.progressive):
its first screen comes after the first part, not after the whole text. A file over the
limit gets a sentence with its size and the limit. Saving under a name the corpus already
holds with other content asks: a new document, or a new version of that one.
"""
from __future__ import annotations

import logging
import time
from dataclasses import replace

import streamlit as st

from nlp.export import to_csv, to_json, to_jsonl, with_context
from nlp.readers import mark_ocr_records
from nlp.ui import links, session, table_view
from nlp.ui.highlight import highlight_html, legend_html
from nlp.ui.progressive import Progress, shifted
from nlp.ui.spans import PAGE_CHARS, pages
from nlp.ui.tables import counts_by_kind, figures_frame, legal_frame, shorten
from nlp.ui.upload import (ACCEPTED_TYPES, MAX_UPLOAD_MB, MB, SEND_LIMIT_MB, free_id, load_pasted, load_upload,
                           same_name, save, saved_message)

STATE = "upload_current"  # {"key", "doc", "error", "progress", "seconds", "saved", "ask"}
LAST_FILE = "upload_last_file_id"
UPLOADER = "upload_file_gen"  # a new uploader (and the refused bytes dropped) after a refusal
log = logging.getLogger(__name__)

st.title("Upload an article")
st.caption("Figures, targets and legal-document references from a Vietnamese report or news article.")

max_bytes = MAX_UPLOAD_MB * MB
left, right = st.columns(2)
# No `type=` filter: an unsupported file must reach our check and get a clear reason. The
# browser may send more than the limit, so that a large file gets our sentence, not a chip.
uploaded = left.file_uploader(
    "Article file",
    help="Accepted: " + ", ".join(f".{t}" for t in ACCEPTED_TYPES) + f" (at most {max_bytes // MB} MiB)",
    key=f"upload_file_{st.session_state.get(UPLOADER, 0)}", max_upload_size=SEND_LIMIT_MB,
)
with right.form("paste_form", border=False):
    pasted = st.text_area("…or paste the text", height=120, key="paste_text")
    pasted_go = st.form_submit_button("Extract pasted text", type="primary")


def _extractor(doc):
    # cached by content (and date): a rerun does not extract a part again; the document's
    # date, where its source states one, anchors the time of every part
    return lambda part: session.extract_text(part, doc.date)


def _process(key, loader) -> dict:
    doc, error = loader()
    state = {"key": key, "doc": doc, "error": error, "progress": None, "seconds": 0.0, "saved": None, "ask": None}
    if doc is not None:
        state["progress"] = Progress.of(doc.text)
    return state


def _advance(state: dict, bar=None) -> None:
    """Extract what is left of the current text (one part at a time, so a rerun resumes)."""
    doc, prog = state["doc"], state["progress"]
    t0 = time.perf_counter()
    try:
        while not prog.finished:
            n = len(prog.records)
            prog.step(doc.text, _extractor(doc))
            prog.records[n:] = mark_ocr_records(doc, prog.records[n:])  # `ocr:` sources
            if bar is not None:
                bar.progress(prog.fraction, f"Extracting: part {prog.done} of {len(prog.parts)}, "
                                            f"{len(prog.records):,} records so far…")
            if bar is None:
                break  # the first part only: the first screen comes first
    except Exception as exc:  # noqa: BLE001 - extract() should not raise; if it does, say so, no traceback
        log.exception("solieu: extraction failed for %s", doc.id)
        state["error"] = f"{doc.meta.get('filename') or doc.id}: read, but the analysis failed ({type(exc).__name__})"
    state["seconds"] += time.perf_counter() - t0


# A new file in the uploader or a pasted text replaces what is shown; reruns (downloads,
# save) keep it. The uploader keeps its file across reruns, so only a new file id counts.
current = st.session_state.get(STATE)
file_id = uploaded.file_id if uploaded is not None else None
if pasted_go:
    current = _process(("paste", hash(pasted)), lambda: load_pasted(pasted, max_bytes=max_bytes))
elif file_id is not None and file_id != st.session_state.get(LAST_FILE):
    current = _process(("file", file_id), lambda: load_upload(uploaded.getvalue(), uploaded.name, max_bytes=max_bytes))
    if current["doc"] is None and uploaded.size > max_bytes:
        # refused: a fresh uploader drops the bytes at once (the message stays)
        st.session_state[UPLOADER] = st.session_state.get(UPLOADER, 0) + 1
        current["key"] = ("refused", None)
        st.session_state[STATE], st.session_state[LAST_FILE] = current, None
        st.rerun()
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

doc, prog = current["doc"], current["progress"]
if prog.done == 0:
    with st.spinner("Extracting figures and references…"):
        _advance(current)  # the first part (the whole text when it is not long)
    if current["error"]:
        st.error(current["error"])
        st.stop()
records = prog.records
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
status = st.empty()
if prog.finished:
    status.caption(f"Extracted in {current['seconds']:.2f} s.")
else:
    status.caption(f"A long article ({len(doc.text):,} characters): shown as its parts are read "
                   f"({prog.done} of {len(prog.parts)} so far).")

# One page of the text at a time: a long article is never drawn whole.
bounds = pages(doc.text, PAGE_CHARS)
page_no = 1
if len(bounds) > 1:
    page_no = int(st.number_input(f"Page of the article (of {len(bounds)}, about {PAGE_CHARS:,} characters each)",
                                  min_value=1, max_value=len(bounds), value=1, key=f"upload_page_{current['key']}"))
ps, pe = bounds[page_no - 1]
page_records = [r for r in records if ps <= r.start and r.end <= pe]
st.html(legend_html())
# Long articles scroll inside a box so the tables stay in reach; short ones take their height.
with st.container(height=520 if pe - ps > 2500 else "content", border=True):
    st.html(highlight_html(doc.text[ps:pe], page_records, offset=ps))
if len(bounds) > 1:
    # the page's tables (their structure is read from the page's text)
    table_view.render(st, replace(doc, text=doc.text[ps:pe]), shifted(page_records, -ps))
else:
    table_view.render(st, doc, records)  # OCR note; tables as tables, figure cells highlighted

if not prog.finished:
    bar = st.progress(prog.fraction, "Extracting the rest of the article…")
    _advance(current, bar)
    st.rerun()  # everything read: the tables, downloads and save

fig_tab, legal_tab = st.tabs([f"Figures ({len(figures_frame(shown))})", f"Legal references ({len(legal_frame(shown))})"])
with fig_tab:
    st.dataframe(figures_frame(shown), hide_index=True, width="stretch")
with legal_tab:
    st.dataframe(legal_frame(shown), hide_index=True, width="stretch")


def _download(fmt: str):
    # Made when the user clicks: every record with the document id, its offsets and its sentence.
    def make() -> str:
        rows = with_context(records, doc.id, doc.text)
        return {"json": to_json, "jsonl": to_jsonl, "csv": to_csv}[fmt](rows)
    return make


c = st.columns([1, 1, 1, 1, 2])
c[0].download_button("Download JSON", _download("json"), file_name=f"{doc.id}.records.json",
                     mime="application/json", on_click="ignore")
c[1].download_button("Download JSONL", _download("jsonl"), file_name=f"{doc.id}.records.jsonl",
                     mime="application/jsonl", on_click="ignore")
c[2].download_button("Download CSV", _download("csv"), file_name=f"{doc.id}.records.csv",
                     mime="text/csv", on_click="ignore")


def _save(as_new: bool) -> None:
    store = session.store()
    if store is None:
        current["saved"] = ("error", f"The corpus database cannot be opened: {session.store_error()}")
        return
    result, error = save(store, doc, records, as_new=as_new)
    current["saved"] = ("ok", result) if result else ("error", error)
    current["ask"] = None


if c[3].button("Save to corpus", type="primary"):
    store = session.store()
    if store is None:
        current["saved"] = ("error", f"The corpus database cannot be opened: {session.store_error()}")
    else:
        try:
            taken = same_name(store, doc)
        except Exception as exc:  # noqa: BLE001 - a locked or broken store: say it, keep the page
            taken, current["saved"] = None, ("error", f"Could not save {doc.id}: {exc}")
        if taken:
            current["ask"] = {**taken, "free": free_id(store, doc.id)}
            current["saved"] = None
        elif current["saved"] is None or current["saved"][0] != "error":
            _save(False)

ask = current.get("ask")
if ask:
    with st.container(border=True, key="upload-same-name"):
        st.warning(f"The corpus already holds another article named **{doc.id}** "
                   f"(“{shorten(ask.get('title') or '', 80)}”, stored {ask.get('updated_at')}, "
                   f"{ask.get('records') or 0} records). Nothing is replaced: save this one as")
        options = ["new"] if ask.get("version_of") else ["new", "version"]
        labels = {"new": f"a new document, {ask['free']}",
                  "version": f"a new version of {doc.id} (the stored one is kept as "
                             f"{doc.id}@v{ask.get('version') or 1}, with its records and reviews)"}
        st.radio("Save as", options, format_func=labels.get, key="upload_save_as", label_visibility="collapsed")
        b = st.columns([1, 1, 4])
        # the choice is read when the button is clicked (a callback's args are those of the last run)
        b[0].button("Save", type="primary", on_click=lambda: _save(st.session_state.get("upload_save_as") == "new"),
                    key="upload_save_confirm", width="stretch")
        b[1].button("Cancel", on_click=lambda: current.update(ask=None), key="upload_save_cancel", width="stretch")

if current["saved"]:
    status_, detail = current["saved"]
    if status_ == "ok":
        st.success(saved_message(detail))
        opened = [detail["doc"]] + ([detail["previous"]] if detail.get("previous") else [])
        cols = st.columns(len(opened) + 1)
        for col, d in zip(cols, opened):
            col.page_link(links.PAGES["document"], label=f"Open {d}", query_params=links.document_params(d),
                          icon=":material/article:")
        if cols[-1].button("Review its records"):
            st.session_state["keep_review_doc"] = detail["doc"]  # the Review page's document filter
            st.switch_page("app_pages/review.py")
    else:
        st.error(detail)
