"""Overview page and app start (AppTest): corpus numbers, first-start ingest, a broken database."""
from __future__ import annotations

from nlp.store import open_store
from nlp.ui.overview import status_frame, top_cited_rows, totals
from tests.app_support import assert_clean, run_app
from tests.paths import TEXT_DIRS

OVERVIEW = "app_pages/overview.py"


def test_overview_shows_the_corpus(corpus_db):
    at = run_app(OVERVIEW)
    stats = open_store(corpus_db).stats(top=10)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == f"{stats['documents']:,}"
    assert metrics["Records"] == f"{totals(stats)['records']:,}"
    assert metrics["Legal documents"] == f"{stats['legal_documents']:,}"
    links = [p.value for p in at.page_link]
    assert [l.split(" — ")[0] for l in links] == [r["id"] for r in top_cited_rows(stats)]
    assert len(at.get("vega_lite_chart")) == 1
    table = next(h.value for h in at.html if "solieu-documents" in h.value)
    assert table.count('class="solieu-doc-link"') >= stats["documents"]  # each row opens its document


def test_overview_follows_reviews(corpus_db):
    store = open_store(corpus_db)
    rec = store.list_records(status="pending", kind="figure", limit=1)[0]
    store.review(rec["rid"], "accept", reviewer="Lan", expected_version=rec["version"])
    at = run_app(OVERVIEW)
    assert {m.label: m.value for m in at.metric}["Reviewed"] == "1"
    df = status_frame(store.stats())
    assert int(df[(df.kind == "figures") & (df.status == "accepted")]["n"].iloc[0]) == 1


def test_first_start_ingests_the_bundled_corpus(empty_db):
    assert not empty_db.exists()
    at = run_app()
    assert at.title[0].value == "Upload an article"  # and opens on the start page
    bundled = sum(len(list(d.glob("*.txt"))) for d in TEXT_DIRS)
    assert open_store(empty_db).count_documents() == bundled
    assert not at.error and not at.sidebar.error
    # a second session does not ingest again
    run_app()
    assert open_store(empty_db).count_documents() == bundled


def test_unusable_database_keeps_the_app_working(tmp_path, monkeypatch):
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not an SQLite file at all" * 100)
    monkeypatch.setenv("SOLIEU_DB", str(bad))
    at = run_app()
    assert at.sidebar.error and "database" in at.sidebar.error[0].value.lower()
    assert at.title[0].value == "Upload an article"
    for page in ("app_pages/search.py", "app_pages/review.py", OVERVIEW):
        at.switch_page(page).run()
        assert_clean(at)
        assert at.error and "cannot be opened" in at.error[0].value


def test_overview_counts_per_reviewer(corpus_db):
    store = open_store(corpus_db)
    a, b, c = store.list_records(status="pending", kind="figure", limit=3)
    store.review(a["rid"], "accept", reviewer="Lan", expected_version=a["version"])
    store.review(b["rid"], "reject", reviewer="Lan", expected_version=b["version"])
    store.review(c["rid"], "accept", reviewer="Huy", expected_version=c["version"])
    at = run_app(OVERVIEW)
    assert_clean(at)
    table = next(d.value for d in at.dataframe if "reviewer" in d.value.columns)
    rows = {r["reviewer"]: r for r in table.to_dict("records")}
    assert (rows["Lan"]["reviewed"], rows["Lan"]["accepted"], rows["Lan"]["rejected"]) == (2, 1, 1)
    assert rows["Huy"]["accepted"] == 1
