"""Reviewing as a team in a real browser (issue 10): two reviewers at once never handed the same
record; a refused save keeps the typed correction; the reviewer's name survives a reload and a
new tab; a bulk accept and its undo; select-to-add a missed figure, found in the export and
counted by `solieu train --from-store`; a same-name upload of another article keeps both;
a file over the limit gets its size and the limit. Screenshots: tests/artifacts/team_*.png."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, settle, shot
from tests.paths import EXTRA, GOLD_DEV, ROOT, SEEDS

pytestmark = pytest.mark.e2e

LONG = 180_000  # ms: the first page load ingests the bundled corpus
SELECT_FRAME = 'iframe[title*="solieu_select_text"]'


def _open(page, url):
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=LONG)
    page.wait_for_selector("h1", timeout=LONG)


def _as_reviewer(page, url: str, name: str) -> int:
    """Open `url` (a review page) as `name`; the record on screen (its id)."""
    _open(page, url)
    box = page.get_by_label("Reviewer name")
    box.fill(name)
    box.press("Enter")
    page.get_by_text("Enter your name in the sidebar").wait_for(state="detached", timeout=LONG)
    return _shown(page)


def _shown(page) -> int:
    heading = page.locator("h3", has_text=re.compile(r"^Record #\d+")).first
    heading.wait_for(timeout=LONG)
    return int(re.search(r"#(\d+)", heading.inner_text()).group(1))


def _db(app_db):
    """The app's database, read-only (open a page first: the app's first start creates it)."""
    conn = sqlite3.connect(f"file:{app_db}?mode=ro", uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def _new_page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1700}, locale="vi-VN")
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    return ctx, pg


# ---------------------------------------------------------------- leases
def test_two_reviewers_at_once_never_get_the_same_record(app_url, app_db, browser, page):
    ctx, other = _new_page(browser)
    try:
        seen_lan, seen_huy = [], []
        seen_lan.append(_as_reviewer(page, f"{app_url}/review", "Lan"))
        seen_huy.append(_as_reviewer(other, f"{app_url}/review", "Huy"))
        assert seen_lan[0] != seen_huy[0]
        page.get_by_text("reserved for you").first.wait_for()
        shot(page, "team_two_reviewers_lan")
        shot(other, "team_two_reviewers_huy")
        for _ in range(3):  # both keep working: each is always handed a record the other does not hold
            for pg, seen, name in ((page, seen_lan, "Lan"), (other, seen_huy, "Huy")):
                before = seen[-1]
                pg.get_by_role("button", name=re.compile("^Accept")).click()
                pg.get_by_text(f"Record #{before} accepted").wait_for(timeout=LONG)
                seen.append(_shown(pg))
                assert seen[-1] != before
        assert not set(seen_lan) & set(seen_huy), (seen_lan, seen_huy)
        with _db(app_db) as conn:
            by = {r["rid"]: r["reviewer"] for r in conn.execute("SELECT rid, reviewer FROM records WHERE status = 'accepted'")}
        assert {by[r] for r in seen_lan[:-1]} == {"Lan"} and {by[r] for r in seen_huy[:-1]} == {"Huy"}
    finally:
        ctx.close()


def test_a_refused_save_keeps_the_typed_correction(app_url, app_db, browser, page):
    _open(page, f"{app_url}/review")  # the app's first start fills the database
    with _db(app_db) as conn:
        rid = conn.execute("SELECT rid FROM records WHERE type = 'figure' AND status = 'pending' "
                           "ORDER BY rid DESC LIMIT 1").fetchone()[0]
    ctx, other = _new_page(browser)
    try:
        assert _as_reviewer(page, f"{app_url}/review?rid={rid}", "Lan") == rid
        assert _as_reviewer(other, f"{app_url}/review?rid={rid}", "Huy") == rid
        other.get_by_role("button", name=re.compile("^Reject")).click()
        other.get_by_text(f"Record #{rid} rejected").wait_for(timeout=LONG)
        value = page.get_by_label("value", exact=True)
        value.fill("1.234,5")
        page.get_by_role("button", name="Save correction").click()
        warning = page.get_by_text(re.compile("changed by someone else"))
        warning.wait_for(timeout=LONG)
        assert "rejected by Huy" in warning.inner_text()
        page.get_by_text("Your correction is not saved yet").wait_for()
        assert page.get_by_label("value", exact=True).input_value() == "1.234,5"  # still on screen
        shot(page, "team_conflict_kept")
        page.get_by_role("button", name="Save correction").click()  # re-applied on the current version
        page.get_by_text(f"Record #{rid} corrected").wait_for(timeout=LONG)
        with _db(app_db) as conn:
            row = conn.execute("SELECT status, value, reviewer FROM records WHERE rid = ?", (rid,)).fetchone()
        assert (row["status"], row["value"], row["reviewer"]) == ("corrected", 1234.5, "Lan")
    finally:
        ctx.close()


# ---------------------------------------------------------------- identity
def test_the_reviewer_name_survives_a_reload_and_a_new_tab(app_url, page):
    _as_reviewer(page, f"{app_url}/review", "Nguyễn Thị Lan")
    page.wait_for_url(re.compile(r"reviewer=Nguy"), timeout=LONG)
    page.reload()
    page.wait_for_selector("h1", timeout=LONG)
    expect(page.get_by_label("Reviewer name")).to_have_value("Nguyễn Thị Lan", timeout=LONG)
    # a new tab of the same browser, without the name in its address: the cookie brings it
    tab = page.context.new_page()
    _open(tab, f"{app_url}/review")
    expect(tab.get_by_label("Reviewer name")).to_have_value("Nguyễn Thị Lan", timeout=LONG)
    assert tab.get_by_text("Enter your name in the sidebar").count() == 0
    shot(tab, "team_name_new_tab")
    tab.close()


# ---------------------------------------------------------------- bulk
def test_a_bulk_accept_and_its_undo(app_url, app_db, page):
    _open(page, f"{app_url}/review")  # the app's first start fills the database
    with _db(app_db) as conn:
        rid = conn.execute("SELECT rid FROM records WHERE type = 'legal_ref' AND legal_id = 'Đề án 06' "
                           "AND status = 'pending' ORDER BY rid LIMIT 1").fetchone()[0]
    _as_reviewer(page, f"{app_url}/review?rid={rid}", "Minh")
    page.get_by_text("Bulk: accept or reject many at once").click()
    page.get_by_text("every pending mention of 06/QĐ-TTg").click()
    caption = page.get_by_text(re.compile(r"^\d+ pending mentions of 06/QĐ-TTg"))
    caption.wait_for(timeout=LONG)
    n = int(caption.inner_text().split()[0])
    assert n >= 10
    page.get_by_role("button", name=f"Accept all {n}").click()
    page.get_by_text(f"Accept {n} pending mentions of 06/QĐ-TTg").wait_for(timeout=LONG)
    shot(page, "team_bulk_confirm")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text(f"{n} records accepted in one step").wait_for(timeout=LONG)
    with _db(app_db) as conn:
        batch = conn.execute("SELECT id, action, n, reviewer FROM review_batches ORDER BY id DESC LIMIT 1").fetchone()
        assert (batch["action"], batch["n"], batch["reviewer"]) == ("accept", n, "Minh")
        assert conn.execute("SELECT count(*) FROM review_log WHERE batch = ?", (batch["id"],)).fetchone()[0] == n
    shot(page, "team_bulk_done")
    page.get_by_role("button", name="Undo").click()
    page.get_by_text(f"Undone: a bulk step of {n} records").wait_for(timeout=LONG)
    with _db(app_db) as conn:
        statuses = {r[0] for r in conn.execute(
            "SELECT r.status FROM review_log l JOIN records r ON r.rid = l.rid WHERE l.batch = ?", (batch["id"],))}
    assert statuses == {"pending"}


# ---------------------------------------------------------------- select to add
def _uncovered_number(conn) -> tuple[int, str, int, int, str]:
    """(a record on a document, its document, start, end, text) of a number no record covers."""
    for doc, docno, text in conn.execute("SELECT id, docno, text FROM documents WHERE version_of IS NULL "
                                         "AND id NOT LIKE 'pasted-%' ORDER BY id"):
        spans = [(r[0], r[1]) for r in conn.execute('SELECT start, "end" FROM records WHERE docno = ?', (docno,))]
        for m in re.finditer(r"(?<![\w./,-])\d{2,}(?![\w/])", text):
            if not any(s < m.end() and m.start() < e for s, e in spans) and text.count(m.group()) == 1:
                rid = conn.execute("SELECT rid FROM records WHERE docno = ? AND type != 'ignore' "
                                   "ORDER BY abs(start - ?) LIMIT 1", (docno, m.start())).fetchone()[0]
                return rid, doc, m.start(), m.end(), m.group()
    raise AssertionError("no uncovered number in the corpus")


def _select_in_frame(page, target: str) -> None:
    """Select `target` in the article with the mouse: press before its first character, release after its last."""
    frame_el = page.locator(SELECT_FRAME).first
    frame_el.wait_for(timeout=LONG)
    frame = frame_el.content_frame
    frame.locator("#box [data-o]").first.wait_for(timeout=LONG)
    rects = frame.locator("#box").evaluate(
        """(box, target) => {
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            let n;
            while ((n = walker.nextNode())) {
                const i = n.data.indexOf(target);
                if (i < 0 || !n.parentElement.hasAttribute('data-o')) continue;
                const r = document.createRange();
                r.setStart(n, i); r.setEnd(n, i + target.length);
                // the words in the middle of the article's scroll box, where the mouse can reach them
                const at = r.getBoundingClientRect(), frame = box.getBoundingClientRect();
                box.scrollTop += at.top - frame.top - box.clientHeight / 2;
                const first = document.createRange(); first.setStart(n, i); first.setEnd(n, i + 1);
                const last = document.createRange(); last.setStart(n, i + target.length - 1); last.setEnd(n, i + target.length);
                const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
                return {x1: a.left + 0.5, y1: a.top + a.height / 2, x2: b.right - 0.5, y2: b.top + b.height / 2};
            }
            return null;
        }""", target)
    assert rects, f"{target!r} is not in the article"
    box = frame_el.bounding_box()
    page.mouse.move(box["x"] + rects["x1"], box["y"] + rects["y1"])
    page.mouse.down()
    page.mouse.move(box["x"] + (rects["x1"] + rects["x2"]) / 2, box["y"] + rects["y1"], steps=4)
    page.mouse.move(box["x"] + rects["x2"], box["y"] + rects["y2"], steps=4)
    page.mouse.up()


def test_select_to_add_a_figure_then_export_and_train_count_it(app_url, app_db, page, tmp_path):
    _open(page, f"{app_url}/review")  # the app's first start fills the database
    with _db(app_db) as conn:
        rid, doc, start, end, number = _uncovered_number(conn)
        before = conn.execute("SELECT count(*) FROM records WHERE source = 'review:added'").fetchone()[0]
    _as_reviewer(page, f"{app_url}/review?rid={rid}", "Lan")
    _select_in_frame(page, number)
    page.get_by_text(f"Selected: «{number}» (characters {start:,}–{end:,})").wait_for(timeout=LONG)
    page.get_by_role("button", name="Add as a figure").click()
    page.get_by_text(re.compile("New figure: «")).wait_for(timeout=LONG)
    form = page.locator('[data-testid="stForm"]').filter(has_text="New figure:")
    form.get_by_label("role", exact=True).click()
    page.get_by_role("option", name="target", exact=True).click()
    shot(page, "team_select_to_add")
    page.get_by_role("button", name="Add this figure").click()
    page.get_by_text(re.compile(r"Added figure #\d+ «" + re.escape(number) + "»")).wait_for(timeout=LONG)
    with _db(app_db) as conn:
        added = conn.execute("SELECT rid, start, \"end\", text, status, reviewer, role FROM records "
                             "WHERE source = 'review:added' ORDER BY rid DESC LIMIT 1").fetchone()
        assert conn.execute("SELECT count(*) FROM records WHERE source = 'review:added'").fetchone()[0] == before + 1
    assert (added["start"], added["end"], added["text"]) == (start, end, number)  # offsets index the stored text
    assert (added["status"], added["reviewer"], added["role"]) == ("corrected", "Lan", "target")
    shot(page, "team_added")
    # the export holds it, with its document, offsets and sentence
    with page.expect_download() as dl:
        page.get_by_role("button", name="Export JSONL").click()
    lines = [json.loads(x) for x in open(dl.value.path(), encoding="utf-8") if x.strip()]
    mine = [x for x in lines if x["rid"] == added["rid"]]
    assert mine and mine[0]["source"] == "review:added" and mine[0]["doc"] == doc
    assert (mine[0]["start"], mine[0]["end"]) == (start, end) and number in mine[0]["sentence_text"]
    # and training from the store counts it
    out = subprocess.run([sys.executable, "-m", "nlp", "--db", str(app_db), "train", "--from-store",
                          "--gold", str(GOLD_DEV), "--texts", str(SEEDS), "--texts", str(EXTRA),
                          "--out", str(tmp_path / "model")], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=900)
    assert out.returncode == 0, out.stderr
    m = re.search(r"from the store: (\d+) reviewed figures?, (\d+) of them added by a reviewer", out.stderr)
    assert m and int(m.group(2)) >= 1, out.stderr


# ---------------------------------------------------------------- uploads
def _upload(page, name: str, data: bytes) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": name, "mimeType": "text/plain", "buffer": data})


def test_a_same_name_upload_of_another_article_keeps_both(app_url, page):
    first = "Báo cáo quý I: tỉnh Quảng Ngãi đã cấp 3.517 chữ ký số theo Kế hoạch số 71/KH-UBND.\n".encode()
    second = "Báo cáo quý II: tỉnh Kon Tum đạt 64% hồ sơ trực tuyến, theo Nghị định số 45/2020/NĐ-CP.\n".encode()
    _open(page, f"{app_url}/upload")
    _upload(page, "baocao-e2e.txt", first)
    page.get_by_text("Extracted in").wait_for(timeout=LONG)
    page.get_by_role("button", name="Save to corpus").click()
    page.get_by_text("Saved to the corpus as baocao-e2e").wait_for(timeout=LONG)
    _open(page, f"{app_url}/upload")
    _upload(page, "baocao-e2e.txt", second)
    page.get_by_text("Extracted in").wait_for(timeout=LONG)
    page.get_by_role("button", name="Save to corpus").click()
    page.get_by_text("already holds another article named").wait_for(timeout=LONG)
    shot(page, "team_same_name_question")
    page.get_by_text("a new document, baocao-e2e-2").click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved to the corpus as baocao-e2e-2").wait_for(timeout=LONG)
    shot(page, "team_same_name_saved")
    # both are found by search, and both open
    for doc, words in (("baocao-e2e", "Quảng Ngãi 3.517"), ("baocao-e2e-2", "Kon Tum hồ sơ trực tuyến")):
        _open(page, f"{app_url}/search?q={words}&tab=documents")
        page.get_by_text(doc, exact=False).first.wait_for(timeout=LONG)
        _open(page, f"{app_url}/document?id={doc}")
        page.get_by_text(words.split()[0]).first.wait_for(timeout=LONG)
        # the article renders progressively: its text can show before its highlights
        page.locator('mark.entity').first.wait_for(timeout=LONG)
        assert page.locator('mark.entity').count() >= 1
    shot(page, "team_same_name_opened")


def test_a_file_over_the_limit_gets_its_size_and_the_limit(app_url, page):
    _open(page, f"{app_url}/upload")
    _upload(page, "qua-lon.txt", b"Ti le 42%.\n" * (20 * 2**20 // 11 + 1))
    msg = page.get_by_text(re.compile(r"qua-lon\.txt: file too large: 20,971,5\d\d bytes \(20\.0 MiB\)"))
    msg.wait_for(timeout=LONG)
    assert "upload limit of 10 MiB" in msg.inner_text()
    expect(page.get_by_text("qua-lon.txt", exact=True)).to_have_count(0)  # the refused file is let go
    assert page.get_by_text("Upload a file or paste a text").count() == 0
    settle(page)
    shot(page, "team_too_large")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
