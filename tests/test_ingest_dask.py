"""Ingest on a real Dask cluster (nlp/ingest_dask.py): a `dask scheduler` with 2 `dask worker`
processes, and `--scheduler local` (a LocalCluster of 2 worker processes); into SQLite and
PostgreSQL; a worker killed mid-ingest (every document stored exactly once); resume; an
unreachable scheduler (one line, exit code 1). No mock: real processes, real extraction."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nlp.ingest import ingest
from nlp.store import open_store

from .paths import ROOT
from .test_ingest import _articles, _collection

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask_cli() -> list[str]:
    exe = Path(sys.executable).with_name("dask")
    return [str(exe)] if exe.exists() else [shutil.which("dask") or "dask"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """`dask scheduler` + 2 `dask worker` (1 thread each, with their nannies) on loopback."""
    log_dir = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = []

    def start(args: list[str], name: str) -> subprocess.Popen:
        log = open(log_dir / f"{name}.log", "wb")
        p = subprocess.Popen(_dask_cli() + args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
        procs.append(p)
        return p

    start(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], "scheduler")
    for i in range(2):
        start(["worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
               "--host", "127.0.0.1", "--name", f"w{i}"], f"worker{i}")
    from distributed import Client

    deadline = time.time() + 120
    while True:
        try:
            with Client(address, timeout="5s") as c:
                c.wait_for_workers(2, timeout=max(1, deadline - time.time()))
            break
        except (OSError, TimeoutError):
            if time.time() > deadline:
                logs = "\n".join(f.read_text(errors="replace")[-1500:] for f in log_dir.glob("*.log"))
                pytest.fail(f"the Dask cluster did not start:\n{logs}")
            time.sleep(0.5)
    yield address
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def _check_exactly_once(location: str, ids: list[str]) -> None:
    with open_store(location, readonly=True) as s:
        stored = s.known_hashes()
        assert sorted(stored) == sorted(ids)  # every document, once (ids are unique in the store)
        for doc_id in ids:
            d = s.get_document(doc_id)
            recs = s.list_records(doc=doc_id)
            assert d["records"] == len(recs)
            assert all(d["text"][r["start"]:r["end"]] == r["text"] for r in recs)  # no half-written document


def test_ingest_on_a_dask_cluster_matches_the_local_pool(cluster, tmp_path, new_location):
    items = _articles()[:40]
    coll = _collection(tmp_path / "c.jsonl.gz", items)
    pool_db, dask_db = str(tmp_path / "pool.db"), new_location("dask")
    expected = ingest(pool_db, [coll], workers=1, progress=False)
    calls = []
    report = ingest(dask_db, [coll], scheduler=cluster, progress=False,
                    progress_cb=lambda done, total, name: calls.append((done, total)))
    assert report["failed"] == [] and report["new"] == len(items) == expected["new"]
    assert report["records"] == expected["records"] and report["duplicates"] == expected["duplicates"]
    assert calls[-1] == (len(items), len(items))  # progress for every document
    _check_exactly_once(dask_db, [i for i, _ in items])
    with open_store(pool_db, readonly=True) as a, open_store(dask_db, readonly=True) as b:
        assert a.stats()["records"] == b.stats()["records"]
    # Resume: everything is stored, so nothing is sent to the cluster.
    again = ingest(dask_db, [coll], scheduler=cluster, progress=False)
    assert again["unchanged"] == len(items) and again["new"] == 0


def _worker_pids(scheduler: str) -> list[int]:
    from distributed import Client

    with Client(scheduler, timeout="10s") as c:
        return sorted(c.run(os.getpid).values())


def test_a_worker_killed_mid_ingest_every_document_once(cluster, tmp_path, new_location):
    items = _articles()[:80]
    coll = _collection(tmp_path / "c.jsonl.gz", items)
    db = new_location("kill")
    killed: list[int] = []
    victims = _worker_pids(cluster)

    def kill_when_writing() -> None:
        deadline = time.time() + 180
        with open_store(db, timeout=1.0) as watch:
            while time.time() < deadline:
                if watch.count_documents() >= 5:  # mid-ingest: documents are being written
                    os.kill(victims[0], signal.SIGKILL)  # the worker process (its nanny starts another)
                    killed.append(victims[0])
                    return
                time.sleep(0.05)

    open_store(db).close()
    t = threading.Thread(target=kill_when_writing)
    t.start()
    report = ingest(db, [coll], scheduler=cluster, progress=False)
    t.join()
    assert killed, "no worker was killed"
    assert report["failed"] == [] and report["new"] == len(items)
    _check_exactly_once(db, [i for i, _ in items])


def test_local_cluster_retries_the_documents_of_a_killed_worker(tmp_path):
    """--scheduler local: a LocalCluster with 2 worker processes; killing one sends its
    documents back one at a time (reported as retried), none lost, none twice."""
    from distributed import default_client

    items = _articles()[:60]
    coll = _collection(tmp_path / "c.jsonl.gz", items)
    db = str(tmp_path / "s.db")
    killed: list[int] = []

    def kill_a_worker() -> None:
        deadline = time.time() + 180
        with open_store(db, timeout=1.0) as watch:
            while time.time() < deadline:
                if watch.count_documents() >= 3:
                    # the ingest's client (the default one while it runs) names its workers' pids
                    pids = sorted(default_client().run(os.getpid).values())
                    os.kill(pids[0], signal.SIGKILL)
                    killed.append(pids[0])
                    return
                time.sleep(0.05)

    open_store(db).close()
    t = threading.Thread(target=kill_a_worker)
    t.start()
    report = ingest(db, [coll], scheduler="local", workers=2, progress=False)
    t.join()
    assert killed, "no worker was killed"
    assert report["retried"] > 0 and report["failed"] == [] and report["new"] == len(items)
    _check_exactly_once(db, [i for i, _ in items])


def test_unreachable_scheduler_is_one_line_exit_1(tmp_path):
    (tmp_path / "a.txt").write_text("Năm 2024, tỷ lệ đạt 42%.", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "nlp", "--db", str(tmp_path / "s.db"), "ingest", str(tmp_path / "a.txt"),
                          "--scheduler", f"tcp://127.0.0.1:{_free_port()}", "--no-progress"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 1, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("solieu: scheduler: ") and "cannot reach" in lines[0], out.stderr
