"""Review page (AppTest): queue order, accept / reject / correct change the store, undo, conflicts."""
from __future__ import annotations

import re

import pytest

from nlp.store import open_store
from nlp.ui.review import pending_queue
from tests.app_support import assert_clean, html_of, run_app
from tests.backends import BACKENDS

REVIEW = "app_pages/review.py"


@pytest.fixture(params=BACKENDS)
def corpus_db(request):
    """The bundled corpus in an SQLite file, then in a PostgreSQL schema ($SOLIEU_DB either way)."""
    return request.getfixturevalue(f"corpus_db_{request.param}")


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
    head = pending_queue(open_store(corpus_db), limit=1)[0]
    assert _shown_rid(at) == head["rid"]
    assert 'data-kind="' in html_of(at)  # its sentence with the span marked
    assert head["text"] in html_of(at)


def test_accept_is_stored_with_reviewer_and_time(corpus_db):
    at = _on_review("Lan")
    rid = _shown_rid(at)
    _click(at, "Accept")
    rec = open_store(corpus_db).get_record(rid)
    assert rec["status"] == "accepted" and rec["reviewer"] == "Lan" and rec["reviewed_at"]
    assert at.success and f"#{rid} accepted" in at.success[0].value
    assert _shown_rid(at) != rid  # the next record comes up
    assert "1 of" in at.get("progress")[0].proto.text
    log = open_store(corpus_db).review_log(rid)
    assert [e["action"] for e in log] == ["accept"] and log[0]["reviewer"] == "Lan"


def test_reject(corpus_db):
    at = _on_review()
    rid = _shown_rid(at)
    _click(at, "Reject")
    assert open_store(corpus_db).get_record(rid)["status"] == "rejected"


def _first_figure(at, corpus_db):
    at.sidebar.selectbox(key="keep_review_kind").set_value("figure").run()
    assert_clean(at)
    rid = _shown_rid(at)
    rec = open_store(corpus_db).get_record(rid)
    assert rec["type"] == "figure"
    return rid, rec


def test_correct_a_figure_value_and_role(corpus_db):
    at = _on_review()
    rid, rec = _first_figure(at, corpus_db)
    new_role = "target" if rec["role"] != "target" else "actual"
    at.text_input(key=f"edit_{rid}_{rec['version']}_value").input("1.234,5")
    at.selectbox(key=f"edit_{rid}_{rec['version']}_role").set_value(new_role)
    _click(at, "Save correction")
    after = open_store(corpus_db).get_record(rid)
    assert after["status"] == "corrected"
    assert after["value"] == 1234.5 and after["role"] == new_role
    assert after["version"] == rec["version"] + 1


def test_invalid_correction_is_refused_and_nothing_changes(corpus_db):
    at = _on_review()
    rid, rec = _first_figure(at, corpus_db)
    at.text_input(key=f"edit_{rid}_{rec['version']}_value").input("bốn mươi")
    _click(at, "Save correction")
    assert at.error and "value" in at.error[0].value
    assert open_store(corpus_db).get_record(rid) == rec
    assert _shown_rid(at) == rid  # still on screen to fix


def test_no_reviewer_name_no_action(corpus_db):
    at = _on_review(reviewer=None)
    assert at.warning and "name" in at.warning[0].value
    rid = _shown_rid(at)
    _click(at, "Accept")
    assert at.error and "name" in at.error[0].value
    assert open_store(corpus_db).get_record(rid)["status"] == "pending"


def test_undo_last_action(corpus_db):
    at = _on_review()
    rid = _shown_rid(at)
    _click(at, "Accept")
    _click(at, "Undo")
    assert open_store(corpus_db).get_record(rid)["status"] == "pending"
    assert at.success and f"#{rid}" in at.success[0].value


def test_reviewer_name_survives_a_page_switch(corpus_db):
    at = _on_review("Minh")
    at.switch_page("app_pages/overview.py").run()
    at.switch_page(REVIEW).run()
    assert at.sidebar.text_input(key="keep_reviewer").value == "Minh"


def test_filters_by_kind_and_document(corpus_db):
    store = open_store(corpus_db)
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


def test_two_sessions_are_handed_different_records(corpus_db):
    first, second = _on_review("Lan"), _on_review("Huy")
    a, b = _shown_rid(first), _shown_rid(second)
    assert a != b  # the queue reserved Lan's record for her
    leases = open_store(corpus_db).leases()
    assert leases[a]["reviewer"] == "Lan" and leases[b]["reviewer"] == "Huy"
    assert any("reserved for you" in c.value for c in first.caption)
    first.run()
    assert _shown_rid(first) == a  # a rerun keeps her record
    _click(first, "Accept")
    assert _shown_rid(first) not in (a, b)  # the next one, still not Huy's


def test_a_refused_save_keeps_the_typed_correction_to_reapply(corpus_db):
    first = _on_review("Lan")
    first.sidebar.selectbox(key="keep_review_kind").set_value("figure").run()
    rid = _shown_rid(first)
    rec = open_store(corpus_db).get_record(rid)
    second = _on_review("Huy", query={"rid": str(rid)})  # Huy opens the same record by its link
    _click(second, "Reject")
    first.text_input(key=f"edit_{rid}_{rec['version']}_value").input("1.234,5")
    _click(first, "Save correction")  # based on the version seen before Huy's save
    now = open_store(corpus_db).get_record(rid)
    assert now["status"] == "rejected" and now["reviewer"] == "Huy"  # not overwritten
    assert first.warning and "changed by someone else" in first.warning[0].value
    assert "rejected" in first.warning[0].value and "Huy" in first.warning[0].value
    assert _shown_rid(first) == rid  # the current record stays on screen
    assert any("rejected" in c.value for c in first.caption)
    # the typed value is in the form of the current version, ready to save again
    box = first.text_input(key=f"edit_{rid}_{now['version']}_value")
    assert box.value == "1.234,5"
    assert any("not saved yet" in i.value for i in first.info)
    _click(first, "Save correction")
    after = open_store(corpus_db).get_record(rid)
    assert (after["status"], after["value"], after["reviewer"]) == ("corrected", 1234.5, "Lan")


def test_deep_link_to_a_record_shows_its_status(corpus_db):
    store = open_store(corpus_db)
    rec = pending_queue(store, limit=1)[0]
    store.review(rec["rid"], "accept", reviewer="Lan", expected_version=rec["version"])
    at = _on_review(query={"rid": str(rec["rid"])})
    assert _shown_rid(at) == rec["rid"]
    assert any("status **accepted** by Lan" in c.value for c in at.caption)


def test_export_buttons(corpus_db):
    at = _on_review()
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Export JSON", "Export JSONL", "Export CSV"]


def test_bad_record_link_falls_back_to_the_queue(corpus_db):
    head = pending_queue(open_store(corpus_db), limit=1)[0]
    for rid in ("999999", "abc", "<b>1</b>"):
        at = _on_review(query={"rid": rid})
        assert at.error and "no stored record" in at.error[0].value
        assert _shown_rid(at) == head["rid"]


def test_document_filter_accepts_a_typed_id(corpus_db):
    store = open_store(corpus_db)
    doc = store.list_documents(limit=1, offset=5)[0]["id"]
    at = _on_review()
    at.sidebar.selectbox(key="keep_review_doc").set_value(doc).run()
    assert_clean(at)
    assert store.get_record(_shown_rid(at))["doc"] == doc


def test_flagged_queue_shows_reviewed_records_whose_document_changed(corpus_db):
    from dataclasses import replace

    from nlp.readers import document_from_text

    store = open_store(corpus_db)
    rec = pending_queue(store, kind="figure", limit=1)[0]
    store.review(rec["rid"], "accept", reviewer="Lan", expected_version=rec["version"])
    old = store.get_document(rec["doc"])
    changed = old["text"].replace(rec["sentence_text"], "Đoạn này đã được biên tập lại.")
    doc = replace(document_from_text(changed, doc_id=rec["doc"]), title=old["title"])
    assert store.add_document(doc, [])["flagged"] >= 1
    at = _on_review()
    at.sidebar.toggle(key="keep_review_flagged").set_value(True).run()
    assert_clean(at)
    shown = open_store(corpus_db).get_record(_shown_rid(at))
    assert shown["flagged"] and shown["status"] == "accepted"
    assert any("flagged" in c.value for c in at.caption)


def test_the_reviewer_name_comes_from_the_address_and_goes_into_it(corpus_db):
    at = _on_review(reviewer=None, query={"reviewer": "Minh"})
    assert at.sidebar.text_input(key="keep_reviewer").value == "Minh"
    assert not any("Enter your name" in w.value for w in at.warning)
    rid = _shown_rid(at)
    assert open_store(corpus_db).leases()[rid]["reviewer"] == "Minh"
    at = _on_review("Lan")
    assert at.query_params["reviewer"] in ("Lan", ["Lan"])  # a reload of this address keeps her name


def test_bulk_accept_of_a_decree_after_one_confirmation_and_its_undo(corpus_db):
    store = open_store(corpus_db)
    mention = next(r for r in store.list_records(kind="legal_ref", status="pending", order="position")
                   if r["id"] == "Đề án 06")
    n = len(store.bulk_scope(legal_id="06/QĐ-TTg"))
    assert n >= 10
    at = _on_review("Lan", query={"rid": str(mention["rid"])})
    at.toggle(key="keep_review_bulk").set_value(True).run()
    at.radio(key="review_bulk_scope").set_value("decree:06/QĐ-TTg").run()
    assert_clean(at)
    assert any(f"{n} pending mentions of 06/QĐ-TTg" in c.value for c in at.caption)
    _click(at, f"Accept all {n}")
    assert store.bulk_scope(legal_id="06/QĐ-TTg") != []  # nothing yet: a confirmation first
    assert any(f"Accept {n} pending mentions" in w.value for w in at.warning)
    _click(at, "Confirm")
    assert store.bulk_scope(legal_id="06/QĐ-TTg") == []
    assert at.success and f"{n} records accepted in one step" in at.success[0].value
    batch = store.review_batches()[0]
    assert (batch["action"], batch["n"], batch["reviewer"]) == ("accept", n, "Lan")
    _click(at, "Undo")
    assert len(store.bulk_scope(legal_id="06/QĐ-TTg")) == n
    assert at.success and f"bulk step of {n} records" in at.success[0].value
