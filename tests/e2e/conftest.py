"""End-to-end harness: `streamlit run app.py` on a free port + Debian's Chromium via Playwright.

The server runs with SOLIEU_DB in a temporary folder, so its first start ingests the
bundled corpus exactly as a user's first start does. Screenshots go to tests/artifacts/.
A missing /usr/bin/chromium is a failure, not a skip: `scripts/install_browser.sh`
(called by the test command) installs it.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.paths import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = ROOT / "tests" / "artifacts"
SERVER_START_TIMEOUT = 90  # seconds until /_stcore/health answers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer within {SERVER_START_TIMEOUT}s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="session")
def app_db(tmp_path_factory) -> Path:
    """The database file of the app under test (empty until the app's first start fills it)."""
    return tmp_path_factory.mktemp("e2e") / "solieu.db"


@pytest.fixture(scope="session")
def app_url(tmp_path_factory, app_db):
    """A running app on an empty database; stopped at the end of the session."""
    tmp = app_db.parent
    port = _free_port()
    env = {**os.environ, "SOLIEU_DB": str(app_db), "PYTHONPATH": str(ROOT)}
    log = tmp / "streamlit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "streamlit.log").write_bytes(log.read_bytes())


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `sh scripts/install_browser.sh` (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    for old in ARTIFACTS.glob("FAILED_*.png"):  # only this run's failures stay visible
        old.unlink()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        item.rep_call = rep  # the page fixture screenshots a failed test


@pytest.fixture
def page(browser, request):
    """A fresh browser session (own cookies, own Streamlit session) per test."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1700}, locale="vi-VN")
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # an alert() from article text would land here
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        shot(pg, f"FAILED_{request.node.name}")
    ctx.close()


def settle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has drawn everything: no skeletons, no stale elements."""
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')""",
        timeout=timeout,
    )
    page.wait_for_timeout(300)  # fonts and canvas charts paint after the DOM settles


def shot(page, name: str) -> Path:
    try:
        settle(page)
    except Exception:  # noqa: BLE001 - a screenshot of an unsettled page beats none
        pass
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
