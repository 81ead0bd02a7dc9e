"""The pages reached from links (AppTest): document, decree and indicator pages, each opened the
way a link opens it, and every link on them pointing at a page that exists."""
from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from nlp.ingest import ingest
from nlp.store import open_store
from nlp.tracking import indicator_series, search_indicators
from nlp.ui import links
from tests.app_support import assert_clean, html_of, marks, run_app
from tests.paths import ROOT

TRACKING = ROOT / "tests" / "fixtures" / "tracking"
PAGES = {"document": "app_pages/document.py", "decree": "app_pages/decree.py", "indicator": "app_pages/indicator.py"}


def _open(page: str, params: dict):
    at = run_app()
    at.query_params.update(params)
    at.switch_page(PAGES[page]).run()
    assert_clean(at)
    return at


def _follow(at, link):
    """Open what an st.page_link points at, as a click would."""
    params = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(link.proto.query_string).items()}
    nxt = run_app()
    nxt.query_params.update(params)
    nxt.switch_page(links.PAGES[link.proto.page]).run()
    assert_clean(nxt)
    return nxt


@pytest.fixture
def tracked_db(corpus_db):
    """The bundled corpus and two provincial reports that track one indicator over four years."""
    report = ingest(str(corpus_db), [TRACKING], workers=1, progress=False)
    assert report["new"] == 2 and not report["failed"]
    return corpus_db


def test_decree_page_shows_what_the_citing_text_states(corpus_db):
    at = _open("decree", {"id": "82/2024/NĐ-CP"})
    assert at.title[0].value == "82/2024/NĐ-CP"
    shown = html_of(at)
    assert "sửa đổi, bổ sung một số điều của Nghị định số 73/2019/NĐ-CP" in shown  # the title, read from the text
    assert "Chính phủ" in " ".join(c.value for c in at.caption)
    entry = open_store(corpus_db).legal_document("82/2024/NĐ-CP")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Mentions"] == str(len(entry["mentions"]))
    # relations both ways and co-cited decrees are links to decree pages; mentions to their documents
    decree_links = [p.label for p in at.get("page_link") if p.proto.page.endswith("decree")]
    assert "amends → 73/2019/NĐ-CP" in decree_links and any(l.startswith("73/2019/NĐ-CP — ") for l in decree_links)
    doc_links = [p for p in at.get("page_link") if p.proto.page.endswith("document")]
    assert len(doc_links) == len(entry["mentions"])
    assert all("rid=" in p.proto.query_string for p in doc_links)
    # decree ids inside the shown sentences are links
    assert 'class="solieu-ref" href="decree?id=73/2019/N%C4%90-CP"' in shown
    # a mention opens its document at that record
    doc = _follow(at, doc_links[0])
    assert doc.get("page_link") is not None
    assert any(m[0] == "legal_ref" for m in marks(html_of(doc)))
    assert any("Record #" in m.value for m in doc.markdown)


def test_decree_page_for_an_alias_and_an_unknown_id(corpus_db):
    at = _open("decree", {"id": "Đề án 06"})
    assert at.title[0].value == "06/QĐ-TTg"
    at = _open("decree", {"id": "999/2099/NĐ-CP"})
    assert at.error and "999/2099/NĐ-CP" in at.error[0].value
    at = _open("decree", {})
    assert at.info


def test_document_page_highlights_records_with_facts_and_review_state(corpus_db):
    store = open_store(corpus_db)
    doc_id = "004_1f71ccbc9811faa5"
    rec = store.list_records(doc=doc_id, kind="legal_ref", order="position")[0]
    store.review(rec["rid"], "accept", reviewer="Lan", expected_version=rec["version"])
    at = _open("document", {"id": doc_id, "rid": str(rec["rid"])})
    assert doc_id in at.caption[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Accepted"] == "1" and int(metrics["Records"]) == len(
        [r for r in store.list_records(doc=doc_id) if r["type"] != "ignore"])
    shown = html_of(at)
    assert ("legal_ref", rec["legal_id"] if "legal_id" in rec else rec["id"]) in marks(shown)
    assert "outline:" in shown  # the linked record is outlined
    assert f"Record #{rec['rid']}" in " ".join(m.value for m in at.markdown)
    review = [p for p in at.get("page_link") if p.proto.page.endswith("review")]
    assert review and f"rid={rec['rid']}" in review[0].proto.query_string


def test_document_page_for_an_unknown_or_missing_id(corpus_db):
    at = _open("document", {"id": "no-such-doc"})
    assert at.error and "no-such-doc" in at.error[0].value
    at = _open("document", {"id": "x" * 5000, "rid": "abc"})
    assert at.error and len(at.error[0].value) < 200
    at = _open("document", {})
    assert at.info


def test_indicator_page_charts_one_indicator_and_links_each_point(tracked_db):
    g = search_indicators(open_store(tracked_db), "ty le ho so truc tuyen toan trinh")[0]
    at = _open("indicator", {"key": g["key"], "unit": g["unit"]})
    assert at.title[0].value.lower().startswith("tỷ lệ hồ sơ trực tuyến toàn trình")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    assert {layer["mark"]["type"] for layer in spec["layer"]} == {"line", "point"}
    series = indicator_series(open_store(tracked_db), g["key"], g["unit"])
    points = series["points"]
    assert {p["role"] for p in points} >= {"target", "actual"} and {p["unit"] for p in points} == {g["unit"]}
    assert len({p["year"] for p in points}) >= 3 and len({p["doc"] for p in points}) >= 2
    table = html_of(at)
    for p in points:
        assert f'href="{links.document_href(p["doc"], p["rid"]).replace("&", "&amp;")}"' in table
    assert any("Click a point" in c.value for c in at.caption)


def test_indicator_page_add_and_merge_similar_indicators(tracked_db):
    store = open_store(tracked_db)
    g = search_indicators(store, "ty le ho so truc tuyen toan trinh")[0]
    at = _open("indicator", {"key": g["key"], "unit": g["unit"]})
    adds = [b for b in at.button if b.key and b.key.startswith("add-")]
    if not adds:
        pytest.skip("no similar indicator of the same unit in this corpus")
    adds[0].click().run()
    assert_clean(at)
    assert at.query_params.get("add")
    assert any(b.key and b.key.startswith("remove-added-") for b in at.button)
    other = at.query_params.get("add")
    other = other[0] if isinstance(other, list) else other
    merged = _open("indicator", {"key": g["key"], "unit": g["unit"], "merge": other})
    assert "merged with 1 similar indicator" in merged.caption[0].value
    # another unit is never put on the chart, whatever the link says
    wrong = _open("indicator", {"key": g["key"], "unit": g["unit"], "add": f"{g['key']}|USD"})
    assert "merged" not in wrong.caption[0].value and not any(
        b.key and b.key.startswith("remove-") for b in wrong.button)


def test_indicator_page_without_a_key_finds_indicators(tracked_db):
    at = _open("indicator", {})
    at.text_input[0].input("ho so truc tuyen").run()
    assert_clean(at)
    assert [p for p in at.get("page_link") if p.proto.page.endswith("indicator")]
    at = _open("indicator", {"key": "no such key", "unit": "%"})
    assert at.error


def test_overview_rows_open_their_documents(corpus_db):
    at = run_app("app_pages/overview.py")
    table = next(h.value for h in at.html if "solieu-documents" in h.value)
    first = open_store(corpus_db).list_documents(limit=1)[0]["id"]
    assert f'href="document?id={first}"' in table
    cited = [p for p in at.get("page_link") if p.proto.page.endswith("decree")]
    assert cited and "id=" in cited[0].proto.query_string
