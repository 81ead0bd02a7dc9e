"""Streamlit plumbing shared by the pages: cached models, the per-session store, the reviewer.

Conventions (Streamlit docs): heavy read-only objects (the role model) are process-wide
`st.cache_resource`; an SQLite connection is not shared between sessions, so each
browser session opens its own Store and keeps it in `st.session_state`.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

import streamlit as st

log = logging.getLogger(__name__)

_STORE_KEY = "_solieu_store"
_STORE_ERROR_KEY = "_solieu_store_error"


@st.cache_resource(show_spinner="Loading the role model…")
def role_model() -> Any:
    """The trained role classifier, loaded once per process (None when unavailable)."""
    try:
        from ..roles import model as roles

        return roles.default_model()
    except Exception:  # noqa: BLE001 - no model: the pipeline falls back to its rules
        log.exception("solieu: role model unavailable")
        return None


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Load the word segmenter and POS tagger in the background, once per process, so the
    first upload after a server start does not pay for it (about 3 s)."""
    def run() -> None:
        from ..pipeline import warm_up as load  # logs its own failure; the real call reports errors

        load()  # no Streamlit call here: this thread has no script context

    t = threading.Thread(target=run, name="solieu-warm-up", daemon=True)
    t.start()
    return t


@st.cache_data(max_entries=64, show_spinner=False)
def extract_text(text: str, source_date: str | None = None) -> list:
    """Records of a text (its source's date, where known, anchors its time); cached by
    content so widget reruns do not extract again."""
    from ..pipeline import extract

    return extract(text, role_model=role_model(), source_date=source_date)


def store():
    """This session's Store (opened on first use), or None with the reason in `store_error()`."""
    if _STORE_KEY not in st.session_state:
        try:
            from ..store import open_store

            st.session_state[_STORE_KEY] = open_store()
            st.session_state.pop(_STORE_ERROR_KEY, None)
        except Exception as exc:  # noqa: BLE001 - StoreError or a broken file: say it, keep the app up
            log.exception("solieu: cannot open the store")
            st.session_state[_STORE_ERROR_KEY] = str(exc) or type(exc).__name__
            return None
    return st.session_state[_STORE_KEY]


def store_error() -> str | None:
    return st.session_state.get(_STORE_ERROR_KEY)


def require_store():
    """The store, or an st.error and the end of this page's run."""
    s = store()
    if s is None:
        st.error(f"The corpus database cannot be opened: {store_error()}")
        st.stop()
    return s


@st.cache_resource
def _ingest_lock() -> threading.Lock:
    # One first-start ingest per process, however many sessions open at once.
    return threading.Lock()


def _progress_label(done: int, total: int, name: str = "") -> tuple[float, str]:
    frac = min(max(done / total, 0.0), 1.0) if total else 0.0
    return frac, f"Loading the bundled corpus: {done}/{total} {name}".rstrip()


def ensure_corpus(s) -> int:
    """First start: an empty database gets the bundled corpus, with a progress bar."""
    if s is None or st.session_state.get("_solieu_corpus_checked"):
        return 0
    from ..ingest import ensure_bundled_corpus

    added = 0
    if s.count_documents() == 0:
        with _ingest_lock():
            if s.count_documents() == 0:
                bar = st.progress(0.0, "Loading the bundled corpus…")

                def cb(done: int, total: int, name: str = "", *_: object) -> None:
                    bar.progress(*_progress_label(done, total, name))

                added = ensure_bundled_corpus(s, progress_cb=cb)
                bar.empty()
    st.session_state["_solieu_corpus_checked"] = True
    return added


KEEP_PREFIX = "keep_"  # widget keys whose values outlive a page switch


def keep_widget_state() -> None:
    """Stop Streamlit from dropping the state of widgets on pages not shown this run.

    Streamlit deletes a widget's state when a run does not draw it; re-assigning the
    key (the documented work-around) keeps reviewer name and filters across pages.
    """
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(KEEP_PREFIX):
            st.session_state[key] = st.session_state[key]


REVIEWER_KEY = KEEP_PREFIX + "reviewer"
_REVIEWER_SEEN = "_solieu_reviewer_seen"


def reviewer_name() -> str:
    from .identity import clean_name

    return clean_name(str(st.session_state.get(REVIEWER_KEY) or ""))


def _cookies() -> Any:
    try:
        return st.context.cookies
    except Exception:  # noqa: BLE001 - no request context (tests, bare mode)
        return {}


def reviewer_input(container=st) -> str:
    """The reviewer's name (text input), kept across reloads and new tabs (nlp.ui.identity):
    it starts from the address (`?reviewer=`), the cookie or the browser's storage, and is
    written back to all three."""
    from . import identity, selection

    seen = st.session_state.get(_REVIEWER_SEEN, False)  # a name was there: clearing it is the user's choice
    if not seen and not reviewer_name():
        name = identity.initial_name(st.query_params, _cookies())
        if name:
            st.session_state[REVIEWER_KEY] = name
    with container if container is not st else contextlib.nullcontext():
        # before the input: what the browser remembers may fill it in this very run
        remembered = selection.remember(reviewer_name() if seen or reviewer_name() else None)
    if not seen and not reviewer_name() and remembered:
        st.session_state[REVIEWER_KEY] = identity.clean_name(remembered)
    if reviewer_name():
        st.session_state[_REVIEWER_SEEN] = True
    container.text_input("Reviewer name", key=REVIEWER_KEY, placeholder="stored with each action")
    container.caption("Kept in the page's address and in this browser: a reload or a new tab knows you.")
    name = reviewer_name()
    if name and st.query_params.get(identity.PARAM) != name:
        st.query_params[identity.PARAM] = name
    elif not name and identity.PARAM in st.query_params:
        del st.query_params[identity.PARAM]
    return name
