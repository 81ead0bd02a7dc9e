"""Ingest into PostgreSQL when the server goes away (issue 11's faults), on a private server.

A throwaway PostgreSQL server of the installed version (initdb in a temporary folder,
its own port, run as the `postgres` user) so that stopping and restarting it disturbs
nothing else. A restart mid-ingest: the ingest reconnects, stores the document it was
writing again and finishes, every document exactly once. A stop mid-ingest (the server
does not come back within SOLIEU_PG_RECONNECT_S): one clear line, exit code 1, nothing
half-written; the same command resumes once the server is back."""
from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from nlp.store import open_store

from .paths import ROOT
from .test_ingest import _articles, _collection

pytestmark = pytest.mark.slow


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"the PostgreSQL fault tests need a server binary and root: {reason}", pytrace=False)
    pytest.skip(reason)


class PrivateServer:
    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
        if not bins:
            _unavailable("no PostgreSQL server installed (/usr/lib/postgresql/*/bin)")
        if os.geteuid() != 0 or not shutil.which("runuser"):
            _unavailable("starting a private server needs root (it runs as the postgres user)")
        self.bin = os.path.dirname(bins[-1])
        self.dir = tempfile.mkdtemp(prefix="solieu-pgfault-")
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._as_postgres([f"{self.bin}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync",
                           "-E", "UTF8", "--locale", "C.UTF-8"])
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.start()

    def _as_postgres(self, cmd: list[str]) -> None:
        out = subprocess.run(["runuser", "-u", "postgres", "--", *cmd], capture_output=True, text=True, timeout=120)
        if out.returncode:
            log = open(self.log).read()[-2000:] if os.path.exists(self.log) else ""
            raise RuntimeError(f"{cmd[0]} failed: {out.stderr[-2000:]}\n{log}")

    def _ctl(self, *args: str) -> None:
        self._as_postgres([f"{self.bin}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", *args])

    def start(self) -> None:
        self._ctl("-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def restart(self) -> None:
        self._ctl("-m", "fast", "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                  "restart")

    def close(self) -> None:
        try:
            self._ctl("-m", "immediate", "stop")
        except Exception:  # noqa: BLE001 - already stopped
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    s = PrivateServer()
    yield s
    s.close()


@pytest.fixture
def store_url(server):
    from tests.backends import PgSchemas

    schemas = PgSchemas(server.url)
    yield schemas.new("fault")
    schemas.drop()


def _count(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except psycopg.Error:
        return -1  # the server is away


def _consistent(url: str) -> int:
    """No half-written document: each one whole (its records slice its text, its full-text
    entry there, its figures indexed), each id once. Returns the number of documents."""
    import psycopg

    with psycopg.connect(url) as conn:
        n, ids = conn.execute("SELECT count(*), count(DISTINCT id) FROM documents").fetchone()
        bad = conn.execute('SELECT count(*) FROM records r JOIN documents d ON d.docno = r.docno '
                           'WHERE substr(d.text, r.start + 1, r."end" - r.start) != r.text').fetchone()[0]
        no_fts = conn.execute("SELECT count(*) FROM documents WHERE fts IS NULL").fetchone()[0]
        unindexed = conn.execute("SELECT count(*) FROM records r WHERE r.type = 'figure' AND r.indicator IS NOT NULL "
                                 "AND NOT EXISTS (SELECT 1 FROM figure_index f WHERE f.rid = r.rid)").fetchone()[0]
    assert n == ids and bad == 0 and no_fts == 0 and unindexed == 0, (n, ids, bad, no_fts, unindexed)
    return n


def _ingest_cli(url: str, coll, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nlp", "--db", url, "ingest", str(coll), "--workers", "1",
                             "--no-progress"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def _wait_for_documents(url: str, n: int, proc: subprocess.Popen, timeout: float = 180) -> int:
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        c = _count(url)
        if c >= n:
            return c
        time.sleep(0.05)
    raise AssertionError(f"the ingest did not store {n} documents (exit {proc.poll()})")


def test_server_restarted_mid_ingest_the_ingest_resumes(server, store_url, tmp_path):
    items = _articles()[:30]
    coll = _collection(tmp_path / "c.jsonl.gz", items)
    open_store(store_url).close()
    proc = _ingest_cli(store_url, coll)
    try:
        _wait_for_documents(store_url, 5, proc)
        server.restart()  # every connection is cut; the server is back after a moment
        assert _count(store_url) < len(items), "the ingest was not mid-way"
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    # The document being written when the server went away was stored again after the
    # reconnect ("unchanged" if its commit had gone through before the cut).
    assert report["failed"] == 0 and report["new"] + report["unchanged"] == len(items), report
    assert _consistent(store_url) == len(items)


def test_server_stopped_mid_ingest_one_clear_line_then_resume(server, store_url, tmp_path):
    items = _articles()[:30]
    coll = _collection(tmp_path / "c.jsonl.gz", items)
    open_store(store_url).close()
    proc = _ingest_cli(store_url, coll, env={"SOLIEU_PG_RECONNECT_S": "2"})
    try:
        _wait_for_documents(store_url, 5, proc)
        server.stop()
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
        server.start()
    assert proc.returncode == 1, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("solieu: store: ") and "Traceback" not in err, err
    assert "connection to the PostgreSQL server was lost" in lines[0]
    stored = _consistent(store_url)
    assert 5 <= stored < len(items)
    again = _ingest_cli(store_url, coll)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["unchanged"] == stored and report["new"] == len(items) - stored and report["failed"] == 0
    assert _consistent(store_url) == len(items)
