"""The app in a real browser (Debian Chromium via Playwright) against `streamlit run app.py`.

Scenarios of issue 4: upload a seed article and see 82/2024/NĐ-CP highlighted; search
`nd 82` and open the decree; accept a record, reload, and see it still accepted. Plus
escaping in the browser (no alert fires) and the upload-to-rendered time of a 10 KB
article, written to tests/artifacts/upload_timing.json. Screenshots: tests/artifacts/.
"""
from __future__ import annotations

import json
import re
import time

import pytest

from tests.e2e.conftest import ARTIFACTS, shot
from tests.paths import EXTRA, SEEDS

pytestmark = pytest.mark.e2e

LONG = 180_000  # ms: the first page load ingests the bundled corpus


def _open(page, url):
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=LONG)
    # the page's title is drawn once app.py (and a first-start ingest) has run
    page.wait_for_selector("h1", timeout=LONG)


def _upload(page, path_or_payload):
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(path_or_payload)


def test_upload_seed_article_highlights_the_decree(app_url, page):
    _open(page, app_url)
    assert page.locator("h1").first.inner_text() == "Upload an article"
    seed = next(SEEDS.glob("004_*.txt"))
    _upload(page, str(seed))
    mark = page.locator("mark.entity", has_text="82/2024/NĐ-CP").first
    mark.wait_for(timeout=LONG)
    assert mark.get_attribute("data-kind") == "legal_ref"
    assert "LEGAL" in mark.inner_text()
    assert page.locator('mark.entity[data-kind="legal_ref"]').count() >= 4
    page.get_by_role("button", name="Download JSON", exact=True).wait_for()
    page.get_by_role("button", name="Download JSONL").wait_for()
    page.get_by_role("button", name="Download CSV").wait_for()
    page.get_by_role("tab", name=re.compile("Legal references")).click()
    shot(page, "upload_seed_004")
    assert not page.dialogs


def test_article_markup_shows_as_text(app_url, page):
    _open(page, app_url)
    text = ("Theo Nghị định số 82/2024/NĐ-CP, tỷ lệ hồ sơ trực tuyến đạt 42%.\n"
            "<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n").encode()
    _upload(page, {"name": "xss.txt", "mimeType": "text/plain", "buffer": text})
    page.locator("mark.entity").first.wait_for(timeout=LONG)
    assert page.get_by_text("<script>alert(1)</script>").is_visible()
    assert page.get_by_text("<img src=x onerror=alert(1)>").is_visible()
    assert page.locator('[data-testid="stHtml"] img, [data-testid="stHtml"] script').count() == 0
    page.wait_for_timeout(500)
    assert not page.dialogs, f"article text ran as code: {page.dialogs}"
    shot(page, "upload_escaped")


def _time_upload(page, name: str, data: bytes) -> float:
    t0 = time.perf_counter()
    _upload(page, {"name": name, "mimeType": "text/plain", "buffer": data})
    page.get_by_text("Extracted in").wait_for(timeout=LONG)
    page.locator("mark.entity").first.wait_for(timeout=LONG)
    return time.perf_counter() - t0


def test_upload_to_rendered_time_of_a_10kb_article(app_url, page):
    article = (EXTRA / "x20.txt").read_bytes()  # 10,123 bytes of a real report
    _open(page, app_url)
    first = _time_upload(page, "x20.txt", article)
    shot(page, "upload_10kb")
    _open(page, app_url)
    # same size, different content: no cache hit, models already loaded
    again = _time_upload(page, "x20-copy.txt", article.replace(b"2017", b"2018", 1))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    timing = {"bytes": len(article), "first_upload_s": round(first, 2), "warm_upload_s": round(again, 2)}
    (ARTIFACTS / "upload_timing.json").write_text(json.dumps(timing, indent=2))
    print("upload-to-rendered:", timing)
    assert again < 30, timing  # a 10 KB article must not keep a user waiting; typical is ~1-3 s


def test_search_nd82_and_open_the_decree(app_url, page):
    _open(page, f"{app_url}/search")
    box = page.get_by_label("Search documents, indicators, figures and decrees")
    box.fill("nd 82")
    box.press("Enter")
    result = page.locator('[class*="st-key-decree-result-"]', has_text="82/2024/NĐ-CP").first
    result.wait_for(timeout=LONG)
    assert "q=nd+82" in page.url or "q=nd%2082" in page.url
    assert page.locator('[data-testid="stButtonGroup"] button[aria-checked="true"]').inner_text().startswith("Decrees")
    shot(page, "search_nd82")
    result.get_by_role("link", name="82/2024/NĐ-CP").click()
    page.get_by_role("heading", name="82/2024/NĐ-CP").wait_for(timeout=LONG)
    page.get_by_role("heading", name="Mentions").wait_for()
    page.get_by_test_id("stMetricValue").first.wait_for()
    assert "/decree?id=82" in page.url
    assert page.locator('mark.entity[data-kind="legal_ref"]').count() >= 1
    shot(page, "decree_82_2024_from_search")
    # the URL is a deep link: a new session opens the same decree page
    url = page.url
    _open(page, url)
    page.get_by_role("heading", name="82/2024/NĐ-CP").wait_for(timeout=LONG)


def test_accept_a_record_reload_still_accepted(app_url, page):
    _open(page, f"{app_url}/review")
    name = page.get_by_label("Reviewer name")
    name.fill("E2E reviewer")
    name.press("Enter")
    page.get_by_text("Enter your name in the sidebar").wait_for(state="detached", timeout=LONG)
    heading = page.locator("h3", has_text=re.compile(r"^Record #\d+")).first
    heading.wait_for()
    rid = re.search(r"#(\d+)", heading.inner_text()).group(1)
    shot(page, "review_before_accept")
    page.get_by_role("button", name=re.compile("^Accept")).click()
    page.get_by_text(f"Record #{rid} accepted").wait_for(timeout=LONG)
    shot(page, "review_after_accept")
    page.reload()
    _open(page, f"{app_url}/review?rid={rid}")
    page.locator("h3", has_text=f"Record #{rid}").wait_for(timeout=LONG)
    status = page.get_by_text(re.compile(r"status accepted by E2E reviewer"))
    status.wait_for(timeout=LONG)
    shot(page, "review_reloaded")


def _reviewer(page, url: str, name: str) -> str:
    """Open the review page as `name`; the record on screen (its id)."""
    _open(page, url)
    box = page.get_by_label("Reviewer name")
    box.fill(name)
    box.press("Enter")
    page.get_by_text("Enter your name in the sidebar").wait_for(state="detached", timeout=LONG)
    heading = page.locator("h3", has_text=re.compile(r"^Record #\d+")).first
    heading.wait_for()
    _idle(page)
    return re.search(r"#(\d+)", heading.inner_text()).group(1)


def _idle(page) -> None:
    """Wait until the app's script run is over (Streamlit shows its status widget only while
    running): a click during a rerun can land on a button the run then replaces, and be lost
    (seen on a loaded machine in the two-server test)."""
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=LONG)


def test_two_sessions_on_one_record_later_save_is_told(app_url, browser, page):
    other_ctx = browser.new_context(viewport={"width": 1400, "height": 1700})
    other = other_ctx.new_page()
    other.set_default_timeout(60_000)
    try:
        # both open the same record by its link, as two reviewers would from a shared URL
        rid = _reviewer(page, f"{app_url}/review", "Lan")
        assert _reviewer(other, f"{app_url}/review?rid={rid}", "Huy") == rid
        _reviewer(page, f"{app_url}/review?rid={rid}", "Lan")
        other.get_by_role("button", name=re.compile("^Reject")).click()
        other.get_by_text(f"Record #{rid} rejected").wait_for(timeout=LONG)
        page.get_by_role("button", name=re.compile("^Accept")).click()
        warning = page.get_by_text(re.compile("changed by someone else"))
        warning.wait_for(timeout=LONG)
        assert "rejected by Huy" in warning.inner_text()
        page.get_by_test_id("stCaptionContainer").filter(has_text="status rejected by Huy").wait_for()
        shot(page, "review_conflict")
    finally:
        other_ctx.close()


def test_overview_and_figure_chart_render(app_url, page):
    _open(page, f"{app_url}/overview")
    page.get_by_role("heading", name="Most-cited legal documents").wait_for(timeout=LONG)
    page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for()
    cited = page.get_by_role("link").filter(has_text=re.compile(r"mentions? in \d+ documents?"))
    cited.first.wait_for()
    page.locator("table.solieu-documents a.solieu-doc-link").first.wait_for()  # each row opens its document
    shot(page, "overview")
    _open(page, f"{app_url}/search?q=ty+le+ho+so+truc+tuyen&tab=figures")
    page.get_by_test_id("stDataFrame").first.wait_for(timeout=LONG)  # figures listed, not drawn as one line
    shot(page, "search_figures")
