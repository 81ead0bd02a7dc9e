"""Two app servers on one PostgreSQL store (issue 11): `streamlit run app.py` twice, on two
ports, both with SOLIEU_DB set to the same postgresql:// URL; a reviewer on each, in
Chromium. Work saved on one server is seen on the other; two reviewers saving the same
record from the two servers: the later save is told and nothing is overwritten (the
optimistic version check holds across processes: tests/test_store_postgres.py drives it
with six processes at once)."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from nlp.store import open_store
from tests.e2e.conftest import ARTIFACTS, _free_port, _wait_healthy, shot
from tests.e2e.test_browser import LONG, _open, _reviewer
from tests.paths import ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shared_store(pg_url, corpus_db_template):
    """The bundled corpus in a PostgreSQL schema of its own (dropped at the end)."""
    from tests.backends import PgSchemas, copy_store

    schemas = PgSchemas(pg_url)
    url = schemas.new("two_servers")
    copy_store(str(corpus_db_template), url)
    yield url
    schemas.drop()


@pytest.fixture(scope="module")
def two_servers(shared_store, tmp_path_factory):
    """Two Streamlit servers (two processes) on the one store; their base URLs."""
    tmp = tmp_path_factory.mktemp("two-servers")
    env = {**os.environ, "SOLIEU_DB": shared_store, "PYTHONPATH": str(ROOT)}
    procs, urls, logs = [], [], []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = tmp / f"streamlit-{name}.log"
            with open(log, "wb") as out:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                     "--server.address", "127.0.0.1", "--server.headless", "true",
                     "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}")
            logs.append(log)
        for url, proc, log in zip(urls, procs, logs):
            _wait_healthy(url, proc, log)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for log in logs:
            if log.exists():
                (ARTIFACTS / log.name).write_bytes(log.read_bytes())


def test_reviewers_on_two_servers_no_lost_update(two_servers, shared_store, browser, page):
    url_a, url_b = two_servers
    other_ctx = browser.new_context(viewport={"width": 1400, "height": 1700})
    other = other_ctx.new_page()
    other.set_default_timeout(60_000)
    try:
        # Lan on server A, Huy on server B, on the same record (a shared link).
        rid = _reviewer(page, f"{url_a}/review", "Lan")
        assert _reviewer(other, f"{url_b}/review?rid={rid}", "Huy") == rid
        _reviewer(page, f"{url_a}/review?rid={rid}", "Lan")
        other.get_by_role("button", name=re.compile("^Reject")).click()
        other.get_by_text(f"Record #{rid} rejected").wait_for(timeout=LONG)
        # Lan saves on the other server, based on the version she saw before Huy's save.
        page.get_by_role("button", name=re.compile("^Accept")).click()
        warning = page.get_by_text(re.compile("changed by someone else"))
        warning.wait_for(timeout=LONG)
        assert "rejected by Huy" in warning.inner_text()
        shot(page, "two_servers_conflict")
        with open_store(shared_store, readonly=True) as s:
            rec = s.get_record(int(rid))
            assert (rec["status"], rec["reviewer"], rec["version"]) == ("rejected", "Huy", 2)
            assert [(e["action"], e["reviewer"]) for e in s.review_log(int(rid))] == [("reject", "Huy")]
        # What one server saved, the other shows.
        _open(page, f"{url_a}/review?rid={rid}")
        page.get_by_text(re.compile(r"status rejected by Huy")).wait_for(timeout=LONG)
    finally:
        other_ctx.close()
