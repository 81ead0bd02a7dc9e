"""Review: pending records least confident first; accept / reject / correct, undo, export."""
from __future__ import annotations

import streamlit as st

from nlp.records import ROLES
from nlp.store import Store
from nlp.ui import session
from nlp.ui.highlight import KINDS, kind_of, legend_html, sentence_html
from nlp.ui.review import (CHOICES, FIGURE_FIELDS, LEGAL_FIELDS, REVIEWED_KINDS, apply_action, form_value, log_rows,
                           pending_queue, progress, undo_last)

FLASH, FOCUS = "review_flash", "review_focus"
ALL = "all"
DOC_CHOICES = 500

st.title("Review")
store = session.require_store()

# ---------------------------------------------------------------- sidebar: who and what
with st.sidebar:
    reviewer = session.reviewer_input()
    st.subheader("Queue filters")
    kind = st.selectbox("Kind", [ALL, *REVIEWED_KINDS], key="keep_review_kind",
                        format_func=lambda k: {"figure": "figures", "legal_ref": "legal references"}.get(k, k))
    role = st.selectbox("Role", [ALL, *ROLES], key="keep_review_role", disabled=kind == "legal_ref")
    # The newest documents are listed; any other id can be typed (a corpus may hold 35k).
    docs = [d["id"] for d in store.list_documents(limit=DOC_CHOICES)]
    doc = st.selectbox("Document", [ALL, *docs], key="keep_review_doc", accept_new_options=True,
                       help="pick one of the newest documents or type a document id")
    flagged = st.toggle("Flagged only", key="keep_review_flagged",
                        help="reviewed records whose document changed since; they need a second look")
filters = {"kind": None if kind == ALL else kind,
           "role": None if role == ALL or kind == "legal_ref" else role,
           "doc": None if doc == ALL else doc}


# ---------------------------------------------------------------- actions (callbacks run before the rerun)
def _form_of(rec: dict) -> dict[str, str]:
    prefix = _widget_prefix(rec)
    return {k[len(prefix):]: v for k, v in st.session_state.items() if isinstance(k, str) and k.startswith(prefix)}


def _widget_prefix(rec: dict) -> str:
    # The version is part of the key: after a conflict the form shows the current values.
    return f"edit_{rec['rid']}_{rec.get('version')}_"


def _act(action: str, rec: dict) -> None:
    out = apply_action(store, rec, action, session.reviewer_name(), _form_of(rec))
    st.session_state[FLASH] = out
    st.session_state[FOCUS] = out["record"]["rid"] if out["focus"] and out["record"] else None


def _undo() -> None:
    out = undo_last(store, session.reviewer_name())
    st.session_state[FLASH] = out
    st.session_state[FOCUS] = out["record"]["rid"] if out["record"] else None


# ---------------------------------------------------------------- progress, undo, last action
done, total, scope = progress(store, **filters)
top = st.columns([4, 1])
top[0].progress(done / total if total else 1.0, f"{done:,} of {total:,} {scope} reviewed")
top[1].button("Undo", on_click=_undo, shortcut="Alt+Z", width="stretch", disabled=not reviewer,
              help="Undo your last action (accept, reject or correction)")
flash = st.session_state.pop(FLASH, None)
if flash:
    getattr(st, flash["level"])(flash["message"])
if not reviewer:
    st.warning("Enter your name in the sidebar: every action is stored with the reviewer's name and time.")

# ---------------------------------------------------------------- the record on screen
focus = st.query_params.get("rid") or st.session_state.get(FOCUS)
rec = None
if focus:
    rec = store.get_record(int(focus)) if str(focus).isdigit() else None
    if rec is None:
        st.error("The link names no stored record (`rid` must be a record number); showing the queue.")
queue = pending_queue(store, flagged=flagged, limit=11, **filters)
if rec is None:
    rec = queue[0] if queue else None

if rec is None:
    st.success("Nothing flagged under these filters." if flagged else "Nothing pending under these filters. Well done.")
else:
    kind_name = KINDS[kind_of(rec)].meaning
    st.subheader(f"Record #{rec['rid']}")
    st.caption(f"{kind_name} · status **{rec['status']}**"
               + (f" by {rec['reviewer']} at {rec['reviewed_at']}" if rec.get("reviewer") else "")
               + f" · confidence {rec.get('confidence') or 0:.2f} · document `{rec['doc']}`"
               + (" · ⚠ flagged: its document changed since review" if rec.get("flagged") else ""))
    with st.container(border=True):
        st.html(sentence_html(rec, sentence_text=rec.get("sentence_text")))
    fields = FIGURE_FIELDS if rec["type"] == "figure" else LEGAL_FIELDS
    prefix = _widget_prefix(rec)
    with st.form(f"review_form_{rec['rid']}_{rec.get('version')}", border=True):
        cols = st.columns(4)
        for i, field in enumerate(fields):
            col = cols[i % 4]
            if field in CHOICES:
                options = list(CHOICES[field])
                current = rec.get(field) if rec.get(field) in options else options[0]
                col.selectbox(field, options, index=options.index(current), key=prefix + field)
            else:
                col.text_input(field, value=form_value(rec, field), key=prefix + field,
                               help="a number: 50.350 or 22,4" if field in ("value", "total") else None)
        b = st.columns([1, 1, 1, 3])
        # The first submit button is what Enter in a field triggers: saving the edit.
        b[0].form_submit_button("Save correction", on_click=_act, args=("correct", rec), width="stretch")
        b[1].form_submit_button("Accept", on_click=_act, args=("accept", rec), type="primary",
                                shortcut="Alt+A", width="stretch")
        b[2].form_submit_button("Reject", on_click=_act, args=("reject", rec), shortcut="Alt+X", width="stretch")
        b[3].caption("Enter in a field saves the correction · Alt+A accept · Alt+X reject · Alt+Z undo")
    if st.query_params.get("rid"):
        if st.button("Back to the queue"):
            del st.query_params["rid"]
            st.rerun()

# ---------------------------------------------------------------- what comes next, what was done
left, right = st.columns(2)
with left:
    st.markdown("**Next in the queue** (" + ("flagged, " if flagged else "") + "least confident first)")
    upcoming = [r for r in queue if not rec or r["rid"] != rec["rid"]][:10]
    if upcoming:
        st.dataframe(
            [{"record": r["rid"], "kind": kind_of(r), "text": r["text"], "confidence": r.get("confidence"),
              "doc": r["doc"]} for r in upcoming],
            hide_index=True, width="stretch")
    else:
        st.caption("—")
with right:
    st.markdown("**Recent actions**")
    recent = log_rows(store.review_log())
    if recent:
        st.dataframe(recent, hide_index=True, width="stretch")
    else:
        st.caption("No action yet.")

st.html(legend_html())

# ---------------------------------------------------------------- export reviewed records
db_path = store.path


def _export(fmt: str):
    # Runs when the user clicks download, maybe in another thread: its own connection.
    def make() -> str:
        with Store(db_path, readonly=True) as s:
            return s.export_reviewed(fmt)
    return make


st.markdown("**Export reviewed records** (accepted, corrected, rejected: they feed `solieu train`)")
e = st.columns([1, 1, 4])
e[0].download_button("Export JSONL", _export("jsonl"), file_name="reviewed.jsonl", mime="application/jsonl",
                     on_click="ignore", width="stretch")
e[1].download_button("Export CSV", _export("csv"), file_name="reviewed.csv", mime="text/csv", on_click="ignore",
                     width="stretch")
