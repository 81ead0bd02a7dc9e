"""Review page (AppTest): queue order, accept / reject / correct change the store, undo, conflicts."""
from __future__ import annotations

import re

from nlp.store import Store
from nlp.ui.review import pending_queue
from tests.app_support import assert_clean, html_of, run_app

REVIEW = "app_pages/review.py"


def _on_review(reviewer: str | None = "Lan", query=None):
    at = run_app()
    if query:
        at.query_params.update(query)
    at.switch_page(REVIEW).run()
    assert_clean(at)
    if reviewer:
        at.sidebar.text_input(key="keep_reviewer").input(reviewer).run()
        assert_clean(at)
    return at


def _shown_rid(at) -> int:
    return int(re.fullmatch(r"Record #(\d+)", at.subheader[0].value).group(1))


def _click(at, label):
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert_clean(at)
    return at


def test_queue_starts_with_the_least_confident_pending_record(corpus_db):
    at = _on_review()
    head = pending_queue(Store(corpus_db), limit=1)[0]
    assert _shown_rid(at) == head["rid"]
    assert 'data-kind="' in html_of(at)  # its sentence with the span marked
    assert head["text"] in html_of(at)


def test_accept_is_stored_with_reviewer_and_time(corpus_db):
    at = _on_review("Lan")
    rid = _shown_rid(at)
    _click(at, "Accept")
    rec = Store(corpus_db).get_record(rid)
    assert rec["status"] == "accepted" and rec["reviewer"] == "Lan" and rec["reviewed_at"]
    assert at.success and f"#{rid} accepted" in at.success[0].value
    assert _shown_rid(at) != rid  # the next record comes up
    assert "1 of" in at.get("progress")[0].proto.text
    log = Store(corpus_db).review_log(rid)
    assert [e["action"] for e in log] == ["accept"] and log[0]["reviewer"] == "Lan"


def test_reject(corpus_db):
    at = _on_review()
    rid = _shown_rid(at)
    _click(at, "Reject")
    assert Store(corpus_db).get_record(rid)["status"] == "rejected"


def _first_figure(at, corpus_db):
    at.sidebar.selectbox(key="keep_review_kind").set_value("figure").run()
    assert_clean(at)
    rid = _shown_rid(at)
    rec = Store(corpus_db).get_record(rid)
    assert rec["type"] == "figure"
    return rid, rec


def test_correct_a_figure_value_and_role(corpus_db):
    at = _on_review()
    rid, rec = _first_figure(at, corpus_db)
    new_role = "target" if rec["role"] != "target" else "actual"
    at.text_input(key=f"edit_{rid}_{rec['version']}_value").input("1.234,5")
    at.selectbox(key=f"edit_{rid}_{rec['version']}_role").set_value(new_role)
    _click(at, "Save correction")
    after = Store(corpus_db).get_record(rid)
    assert after["status"] == "corrected"
    assert after["value"] == 1234.5 and after["role"] == new_role
    assert after["version"] == rec["version"] + 1


def test_invalid_correction_is_refused_and_nothing_changes(corpus_db):
    at = _on_review()
    rid, rec = _first_figure(at, corpus_db)
    at.text_input(key=f"edit_{rid}_{rec['version']}_value").input("bốn mươi")
    _click(at, "Save correction")
    assert at.error and "value" in at.error[0].value
    assert Store(corpus_db).get_record(rid) == rec
    assert _shown_rid(at) == rid  # still on screen to fix


def test_no_reviewer_name_no_action(corpus_db):
    at = _on_review(reviewer=None)
    assert at.warning and "name" in at.warning[0].value
    rid = _shown_rid(at)
    _click(at, "Accept")
    assert at.error and "name" in at.error[0].value
    assert Store(corpus_db).get_record(rid)["status"] == "pending"


def test_undo_last_action(corpus_db):
    at = _on_review()
    rid = _shown_rid(at)
    _click(at, "Accept")
    _click(at, "Undo")
    assert Store(corpus_db).get_record(rid)["status"] == "pending"
    assert at.success and f"#{rid}" in at.success[0].value


def test_reviewer_name_survives_a_page_switch(corpus_db):
    at = _on_review("Minh")
    at.switch_page("app_pages/overview.py").run()
    at.switch_page(REVIEW).run()
    assert at.sidebar.text_input(key="keep_reviewer").value == "Minh"


def test_filters_by_kind_and_document(corpus_db):
    store = Store(corpus_db)
    at = _on_review()
    at.sidebar.selectbox(key="keep_review_kind").set_value("legal_ref").run()
    assert store.get_record(_shown_rid(at))["type"] == "legal_ref"
    doc = store.list_documents(limit=1)[0]["id"]
    at.sidebar.selectbox(key="keep_review_kind").set_value("all")
    at.sidebar.selectbox(key="keep_review_doc").set_value(doc).run()
    assert_clean(at)
    assert store.get_record(_shown_rid(at))["doc"] == doc
    n = sum(len(store.list_records(kind=k, doc=doc)) for k in ("figure", "legal_ref"))
    assert at.get("progress")[0].proto.text == f"0 of {n} records of {doc} reviewed"


def test_two_sessions_later_save_is_told_and_sees_the_current_value(corpus_db):
    first, second = _on_review("Lan"), _on_review("Huy")
    rid = _shown_rid(first)
    assert _shown_rid(second) == rid  # both look at the same record
    _click(second, "Reject")
    _click(first, "Accept")  # based on the version seen before Huy's save
    rec = Store(corpus_db).get_record(rid)
    assert rec["status"] == "rejected" and rec["reviewer"] == "Huy"  # not overwritten
    assert first.warning and "changed by someone else" in first.warning[0].value
    assert "rejected" in first.warning[0].value and "Huy" in first.warning[0].value
    assert _shown_rid(first) == rid  # the current record stays on screen
    assert any("rejected" in c.value for c in first.caption)


def test_deep_link_to_a_record_shows_its_status(corpus_db):
    store = Store(corpus_db)
    rec = pending_queue(store, limit=1)[0]
    store.review(rec["rid"], "accept", reviewer="Lan", expected_version=rec["version"])
    at = _on_review(query={"rid": str(rec["rid"])})
    assert _shown_rid(at) == rec["rid"]
    assert any("status **accepted** by Lan" in c.value for c in at.caption)


def test_export_buttons(corpus_db):
    at = _on_review()
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Export JSONL", "Export CSV"]


def test_bad_record_link_falls_back_to_the_queue(corpus_db):
    head = pending_queue(Store(corpus_db), limit=1)[0]
    for rid in ("999999", "abc", "<b>1</b>"):
        at = _on_review(query={"rid": rid})
        assert at.error and "no stored record" in at.error[0].value
        assert _shown_rid(at) == head["rid"]


def test_document_filter_accepts_a_typed_id(corpus_db):
    store = Store(corpus_db)
    doc = store.list_documents(limit=1, offset=5)[0]["id"]
    at = _on_review()
    at.sidebar.selectbox(key="keep_review_doc").set_value(doc).run()
    assert_clean(at)
    assert store.get_record(_shown_rid(at))["doc"] == doc


def test_flagged_queue_shows_reviewed_records_whose_document_changed(corpus_db):
    from dataclasses import replace

    from nlp.text import document_from_text

    store = Store(corpus_db)
    rec = pending_queue(store, kind="figure", limit=1)[0]
    store.review(rec["rid"], "accept", reviewer="Lan", expected_version=rec["version"])
    old = store.get_document(rec["doc"])
    changed = old["text"].replace(rec["sentence_text"], "Đoạn này đã được biên tập lại.")
    doc = replace(document_from_text(changed, doc_id=rec["doc"]), title=old["title"])
    assert store.add_document(doc, [])["flagged"] >= 1
    at = _on_review()
    at.sidebar.toggle(key="keep_review_flagged").set_value(True).run()
    assert_clean(at)
    shown = Store(corpus_db).get_record(_shown_rid(at))
    assert shown["flagged"] and shown["status"] == "accepted"
    assert any("flagged" in c.value for c in at.caption)
