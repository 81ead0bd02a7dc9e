"""Batch ingest with the real extractor and real worker processes: folders, files and .jsonl.gz
collections, bad inputs, idempotence, updates, resume after the ingest is killed, a killed
worker, the first-start bundled corpus."""
from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nlp.ingest import count_inputs, ensure_bundled_corpus, ingest
from nlp.store import open_store
from nlp.readers import read_document

from .paths import EXTRA, ROOT, SEEDS


def _articles() -> list[tuple[str, str]]:
    """(id, text) pieces of the bundled articles: paragraphs grouped three by three."""
    out = []
    for f in sorted([*SEEDS.glob("*.txt"), *EXTRA.glob("*.txt")]):
        paras = [p for p in read_document(f).text.split("\n") if p.strip()]
        for i in range(0, len(paras), 3):
            out.append((f"{f.stem}-p{i // 3}", "\n".join(paras[i:i + 3])))
    return out


def _collection(path: Path, items: list[tuple[str, str]], extra_lines: list[str] = ()) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for doc_id, text in items:
            fh.write(json.dumps({"id": doc_id, "text": text, "title": text.split("\n")[0][:80],
                                 "date": "2024-07-10", "source": "test"}, ensure_ascii=False) + "\n")
        for line in extra_lines:
            fh.write(line + "\n")
    return path


def _check_consistent(db: Path) -> int:
    """Integrity, and every stored record slicing its document: no half-written document."""
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    bad = conn.execute('SELECT count(*) FROM records r JOIN documents d ON d.docno = r.docno '
                       'WHERE substr(d.text, r.start + 1, r."end" - r.start) != r.text').fetchone()[0]
    n = conn.execute("SELECT count(*) FROM documents WHERE version_of IS NULL").fetchone()[0]  # earlier versions apart
    fts = conn.execute("SELECT count(*) FROM documents_fts_docsize").fetchone()[0]
    conn.close()
    assert bad == 0 and fts == n
    return n


def test_ingest_files_folders_collections_and_bad_inputs(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    seeds = sorted(SEEDS.glob("*.txt"))[:2]
    for f in seeds:
        (folder / "sub" / f.name).write_bytes(f.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (folder / "notes.json").write_text("{}")  # not an input type: ignored inside a folder
    items = _articles()[:6]
    coll = _collection(tmp_path / "c.jsonl.gz", items, ['{"id": "x"', '{"id": "no-text"}', '{"id": "blank", "text": "  "}'])
    db = tmp_path / "s.db"
    paths = [folder, coll, tmp_path / "missing.txt"]
    assert count_inputs(paths) == 2 + 2 + 6 + 3 + 1
    seen = []
    report = ingest(db, paths, workers=2, progress=False, progress_cb=lambda done, total, name: seen.append((done, total)))
    assert report["new"] == 2 + 6 and report["unchanged"] == 0 and report["records"] > 0
    failed = dict(report["failed"])
    assert len(failed) == 6, failed
    assert "empty" in failed[str(folder / "empty.txt")]
    assert "PDF" in failed[str(folder / "broken.pdf")]
    assert failed[str(tmp_path / "missing.txt")] == "file not found"
    assert "invalid JSON" in failed[f"{coll}:{len(items) + 1}"] and "`text`" in failed[f"{coll}:{len(items) + 2}"]
    assert seen[-1] == (14, 14) and [d for d, _ in seen] == list(range(1, 15))
    with open_store(db, readonly=True) as s:
        doc = s.get_document(items[0][0])
        assert doc["date"] == "2024-07-10" and doc["source"] == "test" and doc["path"] == str(coll)
        assert s.get_document(seeds[0].stem)["path"] == str(folder / "sub" / seeds[0].name)
        n_records = s.count_records()
    assert _check_consistent(db) == 8
    # Idempotent: same content, nothing new, nothing extracted again.
    again = ingest(db, paths, workers=1, progress=False)
    assert (again["new"], again["updated"], again["unchanged"], len(again["failed"])) == (0, 0, 8, 6)
    with open_store(db, readonly=True) as s:
        assert s.count_records() == n_records


def test_changed_file_is_a_new_version_and_reviews_carry_over(tmp_path):
    src = sorted(SEEDS.glob("*.txt"))[1]
    f = tmp_path / src.name
    f.write_bytes(src.read_bytes())
    db = tmp_path / "s.db"
    assert ingest(db, [f], workers=1, progress=False)["new"] == 1
    with open_store(db) as s:
        rec = s.list_records(doc=f.stem, kind="figure", order="position")[0]
        s.review(rec["rid"], "accept", reviewer="lan", expected_version=rec["version"])
    f.write_text("Bản cập nhật.\n" + src.read_text(encoding="utf-8"), encoding="utf-8")
    report = ingest(db, [f], workers=1, progress=False)
    assert report["updated"] == 1 and report["flagged"] == 0
    assert report["versions"] == [{"doc": f.stem, "version": 2, "previous": f"{f.stem}@v1", "carried": 1,
                                   "flagged": 0}]
    with open_store(db, readonly=True) as s:
        then = s.get_record(rec["rid"])  # the record as reviewed stays with the first version
        assert then["doc"] == f"{f.stem}@v1" and then["start"] == rec["start"]
        assert s.get_document(f"{f.stem}@v1")["text"] == src.read_text(encoding="utf-8")
        now = [r for r in s.list_records(doc=f.stem) if r["start"] == rec["start"] + len("Bản cập nhật.\n")
               and r["type"] == "figure"]
        assert len(now) == 1 and now[0]["status"] == "accepted"
    assert _check_consistent(db) == 1
    assert ingest(db, [f], workers=1, progress=False)["unchanged"] == 1  # resumes: nothing new


def test_the_command_line_says_when_a_file_became_a_new_version(tmp_path):
    src = sorted(SEEDS.glob("*.txt"))[0]
    f = tmp_path / "baocao.txt"
    f.write_bytes(src.read_bytes())
    db = tmp_path / "s.db"
    cmd = [sys.executable, "-m", "nlp", "--db", str(db), "ingest", str(f), "--workers", "1", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True).returncode == 0
    f.write_text("Một bài khác hẳn, cùng tên tệp: đạt 42% theo Nghị định số 82/2024/NĐ-CP.\n", encoding="utf-8")
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "baocao: content changed, stored as version 2; version 1 is kept as baocao@v1" in p.stderr
    assert json.loads(p.stdout)["updated"] == 1
    with open_store(db, readonly=True) as s:
        assert s.get_document("baocao@v1")["text"] == src.read_text(encoding="utf-8")
        assert "42%" in s.get_document("baocao")["text"]


def test_syndicated_copies_in_a_collection_are_linked(tmp_path):
    items = _articles()[:4]
    longest = max(items, key=lambda it: len(it[1]))
    copies = [("copy-1", "Theo Báo Chính phủ:\n" + longest[1]), ("copy-2", longest[1])]
    db = tmp_path / "s.db"
    report = ingest(db, [_collection(tmp_path / "c.jsonl.gz", items + copies)], workers=1, progress=False)
    assert report["new"] == 6 and report["duplicates"] == 2
    with open_store(db, readonly=True) as s:
        assert sorted(s.get_document(longest[0])["duplicates"]) == ["copy-1", "copy-2"]


_INGEST = "import sys; from nlp.ingest import ingest; ingest(sys.argv[1], [sys.argv[2]], workers=2, progress=False)"


def test_resume_after_the_ingest_is_killed(tmp_path):
    items = _articles()
    coll = _collection(tmp_path / "c.jsonl.gz", items)
    db = tmp_path / "s.db"
    open_store(db).close()
    proc = subprocess.Popen([sys.executable, "-c", _INGEST, str(db), str(coll)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
    try:
        deadline = time.time() + 120
        with open_store(db, readonly=True) as reader:
            while reader.count_documents() < 5 and time.time() < deadline and proc.poll() is None:
                time.sleep(0.05)
            stored_at_kill = reader.count_documents()
        os.killpg(proc.pid, signal.SIGKILL)  # the ingest and its workers, mid-write
        proc.wait(30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert 5 <= stored_at_kill < len(items), "the ingest was not killed mid-way"
    before = _check_consistent(db)
    report = ingest(db, [coll], workers=1, progress=False)
    assert report["unchanged"] == before and report["new"] == len(items) - before and not report["failed"]
    assert _check_consistent(db) == len(items)


def _pool_workers() -> list[int]:
    """The ingest pool's worker processes: the children of multiprocessing's forkserver.

    Other grandchildren of the test process (a browser left by the e2e tests, say) are
    not workers, so the forkserver's pid is what identifies them.
    """
    from multiprocessing import forkserver

    server = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if not server:
        return []
    workers = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == server:
                workers.append(int(p.name))
    return workers


def test_a_killed_worker_is_replaced_and_nothing_is_lost(tmp_path):
    items = _articles()[:80]
    coll = _collection(tmp_path / "c.jsonl.gz", items)
    db = tmp_path / "s.db"
    killed: list[int] = []

    def kill_a_worker() -> None:
        deadline = time.time() + 120
        with open_store(db, timeout=1.0) as watch:
            while time.time() < deadline:
                workers = _pool_workers()
                # Workers exist only once batches are submitted, so killing one now always
                # hits a worker that holds pending documents (waiting for a first written
                # document made this race the end of the run).
                if workers:
                    os.kill(workers[0], signal.SIGKILL)
                    killed.append(workers[0])
                    return
                time.sleep(0.02)

    open_store(db).close()
    t = threading.Thread(target=kill_a_worker)
    t.start()
    report = ingest(db, [coll], workers=2, progress=False)
    t.join()
    assert killed, "no worker was killed"
    assert report["retried"] > 0  # the documents the dead worker held were done again
    assert report["failed"] == [] and report["new"] == len(items)
    assert _check_consistent(db) == len(items)


def test_first_start_ingests_the_bundled_corpus(tmp_path):
    s = open_store(tmp_path / "first.db")
    calls = []
    n_files = len(list(SEEDS.glob("*.txt"))) + len(list(EXTRA.glob("*.txt")))
    added = ensure_bundled_corpus(s, progress_cb=lambda done, total, name: calls.append((done, total)))
    assert added == s.count_documents() == n_files
    assert calls[-1] == (n_files, n_files)
    assert ensure_bundled_corpus(s) == 0  # not an empty store any more
    assert s.legal_document("82/2024/NĐ-CP")["mentions"]
    s.close()


def test_locked_store_stops_the_ingest_with_a_clear_error(tmp_path):
    from nlp.store import StoreError

    db = tmp_path / "s.db"
    open_store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            from nlp.ingest import _ingest_into

            s = open_store(db, timeout=0.2)
            try:
                _ingest_into(s, [sorted(SEEDS.glob("*.txt"))[0]], workers=1, progress=False, progress_cb=None)
            finally:
                s.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_collection_date_anchors_its_articles(tmp_path):
    # The collection's `date` (2024-07-10) is the time of an article that states none.
    db = tmp_path / "s.db"
    text = "Tỉnh chuyển đổi số\nHiện nay, tỷ lệ hồ sơ được xử lý trực tuyến toàn trình của tỉnh đạt 42%."
    ingest(db, [_collection(tmp_path / "c.jsonl.gz", [("undated", text)])], workers=1, progress=False)
    with open_store(db, readonly=True) as s:
        rec = next(r for r in s.list_records(doc="undated", kind="figure") if r["text"] == "42%")
    assert rec["year"] == 2024
