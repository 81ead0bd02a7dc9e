"""Review: the next pending record, reserved for you (a lease: nobody else is handed it); accept,
reject or correct it; select text in its article to add a record the extractor missed or to
fix its span; accept or reject many at once; undo; export."""
from __future__ import annotations

import time

import streamlit as st

from nlp.records import REPORTED_KINDS, ROLES
from nlp.store import open_store
from nlp.ui import bulk, session
from nlp.ui.highlight import KINDS, kind_of, legend_html, sentence_html
from nlp.ui.review import (CHOICES, add_selected, apply_action, editable_fields, fix_span, form_value, lease_note,
                           log_rows, next_record, pending_queue, progress, undo_last)
from nlp.ui.selection import select_text
from nlp.ui.spans import draft_record, page_of, pages, read_selection

FLASH, FOCUS, KEPT, SKIPPED = "review_flash", "review_focus", "review_kept", "review_skipped"
BULK, ADDING, SEL_GEN = "review_bulk", "review_adding", "review_sel_gen"
ALL = "all"
DOC_CHOICES = 500
ADD_DEFAULTS = {"role": "other", "comparator": "="}  # an added figure's choices when nothing suggests others

st.title("Review")
store = session.require_store()

# ---------------------------------------------------------------- sidebar: who and what
with st.sidebar:
    reviewer = session.reviewer_input()
    st.subheader("Queue filters")
    kind = st.selectbox("Kind", [ALL, *REPORTED_KINDS], key="keep_review_kind",
                        format_func=lambda k: {"figure": "figures", "legal_ref": "legal references"}.get(k, k))
    role = st.selectbox("Role", [ALL, *ROLES], key="keep_review_role", disabled=kind == "legal_ref")
    # The newest documents are listed; any other id can be typed (a corpus may hold 35k).
    docs = [d["id"] for d in store.list_documents(limit=DOC_CHOICES)]
    doc = st.selectbox("Document", [ALL, *docs], key="keep_review_doc", accept_new_options=True,
                       help="pick one of the newest documents or type a document id")
    flagged = st.toggle("Flagged only", key="keep_review_flagged",
                        help="reviewed records whose document has a newer version they no longer match")
filters = {"kind": None if kind == ALL else kind,
           "role": None if role == ALL or kind == "legal_ref" else role,
           "doc": None if doc == ALL else doc}


# ---------------------------------------------------------------- actions (callbacks run before the rerun)
def _widget_prefix(rec: dict) -> str:
    # The version is part of the key: after a conflict the form shows the current values.
    return f"edit_{rec['rid']}_{rec.get('version')}_"


def _form_of(rec: dict) -> dict[str, str]:
    prefix = _widget_prefix(rec)
    return {k[len(prefix):]: v for k, v in st.session_state.items() if isinstance(k, str) and k.startswith(prefix)}


def _flash(out) -> None:
    st.session_state[FLASH] = out
    st.session_state[FOCUS] = out["record"]["rid"] if out["focus"] and out["record"] else None


def _act(action: str, rec: dict) -> None:
    out = apply_action(store, rec, action, session.reviewer_name(), _form_of(rec))
    _flash(out)
    st.session_state[KEPT] = {"rid": out["record"]["rid"], "form": out["kept"]} if out["kept"] else None


def _undo() -> None:
    out = undo_last(store, session.reviewer_name())
    st.session_state[FLASH] = out
    st.session_state[FOCUS] = out["record"]["rid"] if out["record"] and out["focus"] else None


def _skip(rec: dict) -> None:
    st.session_state.setdefault(SKIPPED, []).append(rec["rid"])
    st.session_state[FOCUS] = None
    if session.reviewer_name():
        store.release_lease(session.reviewer_name(), rec["rid"])


def _discard_kept(rec: dict) -> None:
    st.session_state[KEPT] = None
    for key in [k for k in st.session_state.keys() if isinstance(k, str) and k.startswith(_widget_prefix(rec))]:
        del st.session_state[key]


def _ask_bulk(action: str, scope: dict, targets: dict, what: str) -> None:
    st.session_state[BULK] = {"action": action, "scope": scope, "targets": targets, "what": what}


def _run_bulk() -> None:
    ask = st.session_state.pop(BULK, None)
    if ask:
        st.session_state[FLASH] = bulk.run(store, ask["scope"], ask["action"], ask["targets"], session.reviewer_name())
        st.session_state[FOCUS] = None


def _start_adding(kind_: str, doc_id: str, start: int, end: int) -> None:
    st.session_state[ADDING] = {"kind": kind_, "doc": doc_id, "start": start, "end": end,
                                "prefix": f"add_{kind_}_{start}_{end}_"}


def _add(spec: dict) -> None:
    p = spec["prefix"]
    form = {k[len(p):]: v for k, v in st.session_state.items() if isinstance(k, str) and k.startswith(p)}
    out = add_selected(store, spec["doc"], spec["kind"], spec["start"], spec["end"], form, session.reviewer_name())
    _flash(out)
    if out["level"] == "success":
        st.session_state[ADDING] = None
        st.session_state[SEL_GEN] = st.session_state.get(SEL_GEN, 0) + 1  # a fresh selection


def _fix_span(rec: dict, start: int, end: int) -> None:
    out = fix_span(store, rec, start, end, session.reviewer_name())
    _flash(out)
    if out["level"] == "success":
        st.session_state[SEL_GEN] = st.session_state.get(SEL_GEN, 0) + 1


# ---------------------------------------------------------------- progress, undo, last action
done, total, scope = progress(store, **filters)
top = st.columns([4, 1])
top[0].progress(done / total if total else 1.0, f"{done:,} of {total:,} {scope} reviewed")
top[1].button("Undo", on_click=_undo, shortcut="Alt+Z", width="stretch", disabled=not reviewer,
              help="Undo your last step (an accept, reject, correction, added record, or a whole bulk step)")
flash = st.session_state.pop(FLASH, None)
if flash:
    getattr(st, flash["level"])(flash["message"])
if not reviewer:
    st.warning("Enter your name in the sidebar: every action is stored with the reviewer's name and time, "
               "and the queue reserves records for you.")

# ---------------------------------------------------------------- the record on screen
focus = st.query_params.get("rid") or st.session_state.get(FOCUS)
rec, note = None, None
if focus:
    rec = store.get_record(int(focus)) if str(focus).isdigit() else None
    if rec is None:
        st.error("The link names no stored record (`rid` must be a record number); showing the queue.")
if rec is None:
    if flagged:
        head = pending_queue(store, flagged=True, limit=1, **filters)
        rec = head[0] if head else None
    else:
        rec, note = next_record(store, reviewer, exclude=tuple(st.session_state.get(SKIPPED, ())), **filters)
leases = store.leases()

if rec is None:
    st.success("Nothing flagged under these filters." if flagged else "Nothing pending under these filters. Well done.")
else:
    kind_name = KINDS[kind_of(rec)].meaning
    versions = store.document_versions(rec["doc"])
    earlier = next((v for v in versions if v["id"] == rec["doc"] and not v["current"]), None)
    current_id = next((v["id"] for v in versions if v["current"]), rec["doc"])
    st.subheader(f"Record #{rec['rid']}")
    reserved = lease_note(rec, reviewer, leases, time.time())
    st.caption(f"{kind_name} · status **{rec['status']}**"
               + (f" by {rec['reviewer']} at {rec['reviewed_at']}" if rec.get("reviewer") else "")
               + f" · confidence {rec.get('confidence') or 0:.2f} · document `{rec['doc']}`"
               + (f" (version {earlier['version']}; the current one is `{current_id}`)" if earlier else "")
               + (" · added by review" if str(rec.get("source") or "").startswith("review:added") else "")
               + (f" · {reserved}" if reserved else "")
               + (" · ⚠ flagged: its document has a newer version it no longer matches" if rec.get("flagged") else ""))
    if note:
        st.caption(note)
    with st.container(border=True):
        st.html(sentence_html(rec, sentence_text=rec.get("sentence_text")))
    fields = editable_fields(rec)
    prefix = _widget_prefix(rec)
    kept = st.session_state.get(KEPT)
    kept_form = kept["form"] if kept and kept.get("rid") == rec["rid"] else {}
    for field, typed in kept_form.items():  # the refused correction, on the current version's form
        if prefix + field not in st.session_state and (field not in CHOICES or typed in CHOICES[field]):
            st.session_state[prefix + field] = typed
    if kept_form:
        k = st.columns([5, 1])
        k[0].info("Your correction is not saved yet; it is in the form below: "
                  + "; ".join(f"{f} = {v}" for f, v in kept_form.items())
                  + ". Save it to apply it to the current version.")
        k[1].button("Discard it", on_click=_discard_kept, args=(rec,), width="stretch")
    with st.form(f"review_form_{rec['rid']}_{rec.get('version')}", border=True):
        cols = st.columns(4)
        for i, field in enumerate(fields):
            col, key = cols[i % 4], prefix + field
            if field in CHOICES:
                options = list(CHOICES[field])
                current = rec.get(field) if rec.get(field) in options else options[0]
                if key in st.session_state:
                    col.selectbox(field, options, key=key)
                else:
                    col.selectbox(field, options, index=options.index(current), key=key)
            elif key in st.session_state:
                col.text_input(field, key=key, help="a number: 50.350 or 22,4" if field in ("value", "total") else None)
            else:
                col.text_input(field, value=form_value(rec, field), key=key,
                               help="a number: 50.350 or 22,4" if field in ("value", "total") else None)
        b = st.columns([1, 1, 1, 3])
        # The first submit button is what Enter in a field triggers: saving the edit.
        b[0].form_submit_button("Save correction", on_click=_act, args=("correct", rec), width="stretch")
        b[1].form_submit_button("Accept", on_click=_act, args=("accept", rec), type="primary",
                                shortcut="Alt+A", width="stretch")
        b[2].form_submit_button("Reject", on_click=_act, args=("reject", rec), shortcut="Alt+X", width="stretch")
        b[3].caption("Enter in a field saves the correction · Alt+A accept · Alt+X reject · Alt+Z undo")
    nav = st.columns([1, 1, 4])
    if rec.get("status") == "pending" and not st.query_params.get("rid"):
        nav[0].button("Skip", on_click=_skip, args=(rec,), width="stretch",
                      help="Leave it for someone else and take the next one")
    if st.query_params.get("rid"):
        if nav[0].button("Back to the queue", width="stretch"):
            del st.query_params["rid"]
            st.rerun()

    # ------------------------------------------------------------ bulk steps
    scopes = bulk.scopes(store, rec)
    if scopes and st.toggle("Bulk: accept or reject many at once", key="keep_review_bulk"):
        with st.container(border=True):
            labels = {s["key"]: s["label"] for s in scopes}
            pick = st.radio("Records", list(labels), format_func=labels.get, key="review_bulk_scope",
                            label_visibility="collapsed")
            chosen = next(s for s in scopes if s["key"] == pick)
            targets, what = bulk.preview(store, chosen)
            st.caption(what[:1].upper() + what[1:])
            ask = st.session_state.get(BULK)
            if ask and ask["scope"]["key"] == chosen["key"]:
                st.warning(f"{bulk.ACTION_WORDS[ask['action']]} {ask['what']}? One step: Undo takes all of it back.")
                c = st.columns([1, 1, 4])
                c[0].button("Confirm", type="primary", on_click=_run_bulk, width="stretch")
                c[1].button("Cancel", on_click=lambda: st.session_state.pop(BULK, None), width="stretch")
            else:
                c = st.columns([1, 1, 4])
                for i, action in enumerate(("accept", "reject")):
                    c[i].button(f"{bulk.ACTION_WORDS[action]} all {len(targets)}", key=f"bulk_{action}",
                                on_click=_ask_bulk, args=(action, chosen, targets, what),
                                disabled=not targets or not reviewer, width="stretch")

    # ------------------------------------------------------------ the article: select to add or fix
    st.session_state.setdefault("keep_review_article", True)  # shown unless the reviewer hides it
    if st.toggle("Article: select words to add a missed record or fix this one's span", key="keep_review_article"):
        full = store.get_document(rec["doc"])
        text = full["text"] if full else ""
        bounds = pages(text)
        page_key = f"review_page_{rec['doc']}"
        if page_key not in st.session_state or st.session_state.get("review_page_rid") != rec["rid"]:
            st.session_state[page_key] = page_of(bounds, rec["start"]) + 1
            st.session_state["review_page_rid"] = rec["rid"]
        if len(bounds) > 1:
            st.number_input(f"Page (of {len(bounds)})", 1, len(bounds), key=page_key)
        ps, pe = bounds[min(len(bounds), int(st.session_state[page_key])) - 1]
        on_page = [r for r in store.list_records(doc=rec["doc"], order="position") if ps <= r["start"] < pe]
        st.html(legend_html())
        picked = select_text(text[ps:pe], on_page, offset=ps, focus=rec["rid"], height=420,
                             key=f"sel_{rec['doc']}_{st.session_state.get(SEL_GEN, 0)}")
        sel = read_selection(text, picked) if picked else None
        if isinstance(sel, str):
            st.warning(sel)
        elif sel:
            s, e = sel
            st.markdown(f"**Selected:** «{text[s:e]}» (characters {s:,}–{e:,})")
            adding_here = (st.session_state.get(ADDING) or {})
            c = st.columns(3)
            current = earlier is None
            c[0].button("Add as a figure", on_click=_start_adding, args=("figure", rec["doc"], s, e),
                        disabled=not reviewer or not current, width="stretch")
            c[1].button("Add as a legal reference", on_click=_start_adding, args=("legal_ref", rec["doc"], s, e),
                        disabled=not reviewer or not current, width="stretch")
            c[2].button(f"Make it the span of record #{rec['rid']}", on_click=_fix_span, args=(rec, s, e),
                        disabled=not reviewer or (s, e) == (rec["start"], rec["end"]), width="stretch")
            spec = st.session_state.get(ADDING)
            if spec and spec["doc"] == rec["doc"] and (spec["start"], spec["end"]) == (s, e):
                draft = draft_record(text, spec["kind"], s, e, extract=session.extract_text)
                what_kind = "figure" if spec["kind"] == "figure" else "legal reference"
                with st.form(f"add_form_{spec['prefix']}", border=True):
                    st.markdown(f"New {what_kind}: «{draft['text']}» — check its fields")
                    cols = st.columns(4)
                    for i, field in enumerate(editable_fields(draft)):
                        col, key = cols[i % 4], spec["prefix"] + field
                        if field in CHOICES:
                            options = list(CHOICES[field])
                            value = draft.get(field) if draft.get(field) in options else ADD_DEFAULTS[field]
                            col.selectbox(field, options, index=options.index(value), key=key)
                        else:
                            col.text_input(field, value=form_value(draft, field), key=key)
                    st.form_submit_button(f"Add this {what_kind}", type="primary", on_click=_add, args=(spec,))
        else:
            st.caption("Select words in the article to add a figure or legal reference the extractor missed, "
                       "or to give this record another span.")

# ---------------------------------------------------------------- what comes next, what was done
left, right = st.columns(2)
with left:
    st.markdown("**Next in the queue** (" + ("flagged, " if flagged else "") + "least confident first)")
    taken = {rid for rid, lease in leases.items() if lease["reviewer"] != reviewer}
    queue = pending_queue(store, flagged=flagged, limit=11 + len(taken), **filters)
    upcoming = [r for r in queue if (not rec or r["rid"] != rec["rid"]) and r["rid"] not in taken][:10]
    if upcoming:
        st.dataframe(
            [{"record": r["rid"], "kind": kind_of(r), "text": r["text"], "confidence": r.get("confidence"),
              "doc": r["doc"]} for r in upcoming],
            hide_index=True, width="stretch")
    else:
        st.caption("—")
    if taken:
        st.caption(f"{len(taken)} record{'s' * (len(taken) != 1)} reserved by other reviewers right now.")
with right:
    st.markdown("**Recent actions**")
    recent = log_rows(store.review_log(limit=10))
    if recent:
        st.dataframe(recent, hide_index=True, width="stretch")
    else:
        st.caption("No action yet.")

st.html(legend_html())

# ---------------------------------------------------------------- export reviewed records
location = store.location


def _export(fmt: str):
    # Runs when the user clicks download, maybe in another thread: its own connection.
    def make() -> str:
        with open_store(location, readonly=True) as s:
            return s.export_reviewed(fmt)
    return make


st.markdown("**Export reviewed records** (accepted, corrected, rejected, added: each with its document, offsets "
            "and sentence; they feed `solieu train --from-store`)")
e = st.columns([1, 1, 1, 3])
e[0].download_button("Export JSON", _export("json"), file_name="reviewed.json", mime="application/json",
                     on_click="ignore", width="stretch")
e[1].download_button("Export JSONL", _export("jsonl"), file_name="reviewed.jsonl", mime="application/jsonl",
                     on_click="ignore", width="stretch")
e[2].download_button("Export CSV", _export("csv"), file_name="reviewed.csv", mime="text/csv", on_click="ignore",
                     width="stretch")
