"""Streamlit plumbing shared by the pages: cached models, the per-session store, the reviewer.

Conventions (Streamlit docs): heavy read-only objects (the role model) are process-wide
`st.cache_resource`; an SQLite connection is not shared between sessions, so each
browser session opens its own Store and keeps it in `st.session_state`.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

import streamlit as st

log = logging.getLogger(__name__)

_STORE_KEY = "_solieu_store"
_STORE_ERROR_KEY = "_solieu_store_error"
_REVIEWER_KEY = "reviewer_name"


@st.cache_resource(show_spinner="Loading the role model…")
def role_model() -> Any:
    """The trained role classifier, loaded once per process (None when unavailable)."""
    try:
        from .. import roles

        return roles.default_model()
    except Exception:  # noqa: BLE001 - no model: the pipeline falls back to its rules
        log.exception("solieu: role model unavailable")
        return None


@st.cache_data(max_entries=64, show_spinner=False)
def extract_text(text: str) -> list:
    """Records of a text; cached by content so widget reruns do not extract again."""
    from ..pipeline import extract

    return extract(text, role_model=role_model())


def store():
    """This session's Store (opened on first use), or None with the reason in `store_error()`."""
    if _STORE_KEY not in st.session_state:
        try:
            from ..store import Store

            st.session_state[_STORE_KEY] = Store()
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


def _progress_fraction(args: tuple, kw: dict) -> tuple[float, str]:
    """Read (done, total[, name]) from the ingest callback, whatever its exact shape."""
    nums = [a for a in args if isinstance(a, int)]
    done = kw.get("done", nums[0] if nums else 0)
    total = kw.get("total", nums[1] if len(nums) > 1 else 0)
    name = kw.get("name") or next((a for a in args if isinstance(a, str)), "")
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

                def cb(*args, **kw):
                    frac, label = _progress_fraction(args, kw)
                    bar.progress(frac, label)

                added = ensure_bundled_corpus(s, progress_cb=cb)
                bar.empty()
    st.session_state["_solieu_corpus_checked"] = True
    return added


def reviewer_input(container=st) -> str:
    """The reviewer's name, a text input whose value outlives page switches in the session."""
    key = "_reviewer_widget"
    if key not in st.session_state:  # widget state is dropped when its page is left
        st.session_state[key] = st.session_state.get(_REVIEWER_KEY, "")
    name = container.text_input("Reviewer name", key=key, placeholder="your name (stored with each action)")
    st.session_state[_REVIEWER_KEY] = name.strip()
    return name.strip()
