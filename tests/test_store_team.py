"""Reviewing as a team, in the store (both backends: tests/backends.py): document versions,
review leases, bulk steps (atomic under kill -9), records added by a reviewer, span fixes,
per-reviewer counts, exports with document, offsets and sentence; and the migration of a
real schema-v3 file."""
from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from nlp.store import ConflictError, ValidationError, open_store
from nlp.store.interface import ADDED_SOURCE, SPAN_SOURCE

from .paths import ROOT
from .store_support import gold_documents, shifted, with_text

V3_FILE = ROOT / "tests" / "fixtures" / "store" / "v3.db"


@pytest.fixture(scope="module")
def docs():
    return gold_documents()


@pytest.fixture
def store(new_location, docs):
    s = open_store(new_location("team"))
    for doc, recs in docs:
        s.add_document(doc, recs)
    yield s
    s.close()


def _doc_with(docs, needle):
    return next((d, r) for d, r in docs if needle in d.text)


# ---------------------------------------------------------------- versions
def test_a_changed_document_is_a_new_version_and_reviews_carry_over(store, docs):
    from nlp.search import search_documents

    doc, recs = next((d, r) for d, r in docs if sum(x.type == "figure" for x in r) >= 4)
    figs = store.list_records(doc=doc.id, kind="figure", order="position")
    keep, corr, rej, gone = figs[0], figs[1], figs[2], figs[-1]
    store.review(keep["rid"], "accept", reviewer="lan", expected_version=1)
    store.review(corr["rid"], "correct", reviewer="lan", expected_version=1, changes={"role": "target"})
    store.review(rej["rid"], "reject", reviewer="lan", expected_version=1)
    store.review(gone["rid"], "accept", reviewer="lan", expected_version=1)
    n_current = store.count_records()
    # New content: a line added on top, and the sentence holding `gone` removed.
    prefix = "Cập nhật: bài viết đã được chỉnh sửa.\n"
    cut = (gone["start"] - 5, gone["end"] + 1)
    new_text = prefix + doc.text[:cut[0]] + doc.text[cut[1]:]
    new_recs = shifted(recs, len(prefix), drop=cut)
    out = store.add_document(with_text(doc, new_text), new_recs)
    assert (out["status"], out["version"], out["previous"]) == ("updated", 2, f"{doc.id}@v1")
    assert out["carried"] == 3 and out["flagged"] == 1 and out["records"] == len(new_recs)

    # The earlier version is kept whole: its text, its records (same rids), their history.
    old = store.get_document(f"{doc.id}@v1")
    assert old["text"] == doc.text and old["version"] == 1 and old["version_of"] == doc.id
    assert old["records"] == len(recs)
    for before, status in ((keep, "accepted"), (corr, "corrected"), (rej, "rejected"), (gone, "accepted")):
        then = store.get_record(before["rid"])
        assert (then["doc"], then["status"], then["start"]) == (f"{doc.id}@v1", status, before["start"])
        assert store.review_log(before["rid"])[0]["reviewer"] == "lan"
    assert store.get_record(gone["rid"])["flagged"]  # its review did not carry over
    assert [r["rid"] for r in store.list_records(flagged=True)] == [gone["rid"]]

    # The current version: the new text, reviews carried where the record still matches.
    cur = store.get_document(doc.id)
    assert cur["text"] == new_text and cur["version"] == 2 and cur["version_of"] is None
    now = {(r["start"], r["text"]): r for r in store.list_records(doc=doc.id)}
    for before, status in ((keep, "accepted"), (corr, "corrected"), (rej, "rejected")):
        after = now[(before["start"] + len(prefix), before["text"])]
        assert (after["status"], after["reviewer"], after["flagged"]) == (status, "lan", False)
        assert after["rid"] != before["rid"] and new_text[after["start"]:after["end"]] == after["text"]
        carry = store.review_log(after["rid"])
        assert [e["action"] for e in carry] == ["carry"] and carry[0]["old"]["rid"] == before["rid"]
    assert now[(corr["start"] + len(prefix), corr["text"])]["role"] == "target"
    assert len(now) == len(store.list_records(doc=doc.id))  # no duplicate of a carried record

    # The corpus is the current versions: counts, listing, queue, search.
    assert store.count_documents() == len(docs) and store.stats()["versions"] == 1
    assert store.count_records() == n_current - len(recs) + len(new_recs)
    # the Overview's counts leave the earlier version's records out too
    assert sum(n for by in store.stats()["records"].values() for n in by.values()) == store.count_records()
    assert f"{doc.id}@v1" not in {d["id"] for d in store.list_documents()}
    assert all(not r["doc"].endswith("@v1") for r in store.list_records(status="pending"))
    assert store.known_hashes()[doc.id] == cur["sha256"]
    assert [d["id"] for d in search_documents(store, "Cập nhật: bài viết đã được chỉnh sửa")] == [doc.id]
    assert [(v["id"], v["version"], v["current"]) for v in store.document_versions(f"{doc.id}@v1")] == \
        [(f"{doc.id}@v1", 1, False), (doc.id, 2, True)]


def test_versions_survive_re_ingest(store, docs):
    doc, recs = docs[2]
    assert store.add_document(doc, recs)["status"] == "unchanged"
    v2 = with_text(doc, "Bản 2.\n" + doc.text)
    assert store.add_document(v2, shifted(recs, len("Bản 2.\n")))["version"] == 2
    assert store.add_document(v2, shifted(recs, len("Bản 2.\n")))["status"] == "unchanged"  # same again
    v3 = store.add_document(doc, recs)  # back to the first content: a third version, the others kept
    assert (v3["version"], v3["previous"]) == (3, f"{doc.id}@v2")
    vs = store.document_versions(doc.id)
    assert [(v["id"], v["version"]) for v in vs] == [(f"{doc.id}@v1", 1), (f"{doc.id}@v2", 2), (doc.id, 3)]
    assert [store.get_document(v["id"])["text"] for v in vs] == [doc.text, v2.text, doc.text]
    assert all(v["records"] == len([r for r in recs if r.type != "ignore"]) for v in vs)
    with pytest.raises(ValidationError, match="earlier version"):
        store.add_document(with_text(doc, "khác", doc_id=f"{doc.id}@v1"), [])
    assert store.count_documents() == len(docs)


def test_legal_catalogue_counts_current_versions_only(store, docs):
    before = store.legal_mention_counts("06/QĐ-TTg")
    doc, recs = _doc_with(docs, "Đề án 06")
    store.add_document(with_text(doc, "Bản sửa.\n" + doc.text), shifted(recs, len("Bản sửa.\n")))
    assert store.legal_mention_counts("06/QĐ-TTg") == before  # the earlier version is not counted again


# ---------------------------------------------------------------- leases
def test_two_reviewers_get_different_records_and_keep_theirs(store):
    a, b = store.claim_next("lan"), store.claim_next("huy")
    assert a and b and a["rid"] != b["rid"]
    assert a["lease_expires"] > time.time() + 500  # 10 minutes by default
    assert store.claim_next("lan")["rid"] == a["rid"]  # asking again: the same record
    held = store.leases()
    assert held[a["rid"]]["reviewer"] == "lan" and held[b["rid"]]["reviewer"] == "huy"
    # a review ends the lease; the next claim hands out another record
    store.review(a["rid"], "accept", reviewer="lan", expected_version=a["version"])
    assert a["rid"] not in store.leases()
    nxt = store.claim_next("lan")
    assert nxt["rid"] not in (a["rid"], b["rid"])
    # filters: a reviewer's lease follows them
    fig = store.claim_next("lan", kind="figure")
    assert fig["type"] == "figure" and list(store.leases()).count(fig["rid"]) == 1
    assert sum(1 for v in store.leases().values() if v["reviewer"] == "lan") == 1
    assert store.claim_next("lan", kind="figure", exclude=(fig["rid"],))["rid"] != fig["rid"]
    assert store.release_lease("lan") == 1 and all(v["reviewer"] != "lan" for v in store.leases().values())
    with pytest.raises(ValidationError, match="reviewer"):
        store.claim_next("  ")


def test_an_expired_lease_frees_the_record(store):
    a = store.claim_next("lan", ttl=0.3)
    assert store.claim_next("huy")["rid"] != a["rid"]
    store.release_lease("huy")
    time.sleep(0.5)
    assert store.claim_next("huy")["rid"] == a["rid"]  # lan's lease ran out


def test_the_queue_runs_dry_per_document(store, docs):
    doc = docs[0][0]
    pending = [r for r in store.list_records(doc=doc.id, status="pending") if r["type"] != "ignore"]
    got = []
    while (r := store.claim_next("lan", doc=doc.id)) is not None:
        got.append(r["rid"])
        store.review(r["rid"], "accept", reviewer="lan", expected_version=r["version"])
    assert sorted(got) == sorted(r["rid"] for r in pending)


def _claimer(location: str, name: str, n: int, out) -> None:
    s = open_store(location, timeout=30)
    mine = []
    for _ in range(n):
        r = s.claim_next(name)
        if r is None:
            break
        mine.append(r["rid"])
        time.sleep(0.005)  # a reviewer reads
        s.review(r["rid"], "accept", reviewer=name, expected_version=r["version"])
    s.close()
    out.put((name, mine))


def test_reviewers_in_parallel_processes_never_share_a_record(store):
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_claimer, args=(store.location, name, 15, out)) for name in ("lan", "huy", "minh")]
    for p in procs:
        p.start()
    got = dict(out.get(timeout=180) for _ in procs)
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    every = [rid for rids in got.values() for rid in rids]
    assert len(every) == 45 and len(set(every)) == 45, got  # nobody was handed another's record
    assert {store.get_record(r)["reviewer"] for r in got["huy"]} == {"huy"}


# ---------------------------------------------------------------- bulk steps
def test_bulk_accept_of_a_decree_is_one_undoable_step(store):
    scope = store.bulk_scope(legal_id="Đề án 06")  # an alias: its document's mentions, aliases too
    assert len(scope) >= 5 and {r["type"] for r in scope} == {"legal_ref"}
    assert {r["id"] for r in scope} >= {"Đề án 06", "06/QĐ-TTg"}
    other = store.list_records(kind="figure", order="position")[0]
    store.review(other["rid"], "accept", reviewer="lan", expected_version=1)
    out = store.bulk_review("accept", {r["rid"]: r["version"] for r in scope}, reviewer="lan",
                            scope="pending mentions of 06/QĐ-TTg")
    assert len(out["done"]) == len(scope) and out["skipped"] == []
    assert {store.get_record(r)["status"] for r in out["done"]} == {"accepted"}
    assert store.bulk_scope(legal_id="06/QĐ-TTg") == []
    batch = store.review_batches()[0]
    assert (batch["action"], batch["n"], batch["reviewer"]) == ("accept", len(scope), "lan")
    log = [e for e in store.review_log() if e["batch"] == out["batch"]]
    assert len(log) == len(scope) and {e["action"] for e in log} == {"accept"}
    # one undo takes the whole step back, not one record of it
    back = store.undo("lan")
    assert back["undone"] == len(scope)
    assert {store.get_record(r)["status"] for r in out["done"]} == {"pending"}
    assert store.get_record(other["rid"])["status"] == "accepted"  # the step before stays
    assert store.review_batches()[0]["action"] == "undo" and store.review_batches()[0]["undoes"] == out["batch"]
    assert store.undo("lan")["rid"] == other["rid"]  # then the single action before it


def test_bulk_on_a_document_skips_what_changed_meanwhile(store, docs):
    doc = docs[1][0]
    scope = store.bulk_scope(doc=doc.id)
    assert {r["doc"] for r in scope} == {doc.id} and {r["type"] for r in scope} <= {"figure", "legal_ref"}
    first = scope[0]
    store.review(first["rid"], "correct", reviewer="huy", expected_version=first["version"], changes={"year": 2020})
    out = store.bulk_review("reject", {r["rid"]: r["version"] for r in scope}, reviewer="lan", scope=f"document {doc.id}")
    assert out["skipped"] == [first["rid"]] and len(out["done"]) == len(scope) - 1
    assert store.get_record(first["rid"])["status"] == "corrected"  # huy's work was not overwritten
    # undo refuses the whole step when a record of it changed since, and changes nothing
    store.review(out["done"][0], "accept", reviewer="huy", expected_version=store.get_record(out["done"][0])["version"])
    with pytest.raises(ConflictError):
        store.undo("lan")
    assert sum(store.get_record(r)["status"] == "rejected" for r in out["done"]) == len(out["done"]) - 1
    with pytest.raises(ValidationError):
        store.bulk_review("correct", {first["rid"]: 1}, reviewer="lan", scope="x")
    with pytest.raises(ValidationError, match="exactly one"):
        store.bulk_scope()
    assert store.bulk_review("accept", {first["rid"]: 1}, reviewer="lan", scope="x")["batch"] is None


_BULK_CHILD = r"""
import sys, time
from nlp.store import open_store
location, backend = sys.argv[1], sys.argv[2]
review = __import__(f"nlp.store.{backend}.review", fromlist=["review"])
s = open_store(location)
scope = s.bulk_scope(doc=sys.argv[3])
seen = [0]
original = review._set_state

def slow(*a, **kw):  # the 40th record of the step: say so, and wait to be killed
    seen[0] += 1
    if seen[0] == 40:
        print("MID", flush=True)
        time.sleep(120)
    return original(*a, **kw)

review._set_state = slow
s.bulk_review("accept", {r["rid"]: r["version"] for r in scope}, reviewer="lan", scope="all")
print("DONE", flush=True)
"""


def test_kill_9_during_a_bulk_step_leaves_all_or_none(backend, new_location, docs, tmp_path):
    location = new_location("kill")
    doc, recs = max(docs, key=lambda dr: len(dr[1]))
    big = with_text(doc, "\n".join([doc.text] * 4), doc_id="big")  # ~100 records to accept
    n = len(doc.text) + 1
    with open_store(location) as s:
        s.add_document(big, [r.with_(start=r.start + k * n, end=r.end + k * n,
                                     sentence=(r.sentence[0] + k * n, r.sentence[1] + k * n))
                             for k in range(4) for r in recs if r.type != "ignore"])
        scope = s.bulk_scope(doc="big")
    assert len(scope) > 60
    child = subprocess.Popen([sys.executable, "-c", _BULK_CHILD, location, backend, "big"], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline().strip() == b"MID"
        os.kill(child.pid, signal.SIGKILL)  # mid-step: 39 records changed, none committed
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    with open_store(location) as s:
        statuses = {s.get_record(r["rid"])["status"] for r in scope}
        assert statuses == {"pending"}, "a killed bulk step left part of its work"
        assert s.review_log() == [] and s.review_batches() == []
        # and the same step run to its end is all there
        out = s.bulk_review("accept", {r["rid"]: r["version"] for r in scope}, reviewer="lan", scope="all")
        assert len(out["done"]) == len(scope)
        assert {s.get_record(r["rid"])["status"] for r in scope} == {"accepted"}
    if backend == "sqlite":
        conn = sqlite3.connect(location)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


# ---------------------------------------------------------------- records added by a reviewer, span fixes
def test_a_reviewer_adds_a_missed_figure(store, docs):
    doc, _ = _doc_with(docs, "42%")
    i = doc.text.index("42%")
    s0 = doc.text.rindex("đạt", 0, i)
    rec = store.add_record(doc.id, {"type": "figure", "start": s0, "end": i + 3, "text": doc.text[s0:i + 3],
                                    "value": "42", "unit": "%", "role": "actual", "year": 2024,
                                    "indicator": "tỷ lệ hồ sơ trực tuyến"}, reviewer="lan")
    assert (rec["status"], rec["source"], rec["reviewer"], rec["text"]) == ("corrected", ADDED_SOURCE, "lan", "đạt 42%")
    assert rec["value"] == 42.0 and rec["year"] == 2024
    s, e = rec["sentence"]
    assert s <= rec["start"] and rec["end"] <= e and rec["sentence_text"] == doc.text[s:e]
    assert rec["sentence_text"].endswith("42%.")
    assert store.review_log(rec["rid"])[0]["action"] == "add"
    line = [json.loads(x) for x in store.export_reviewed("jsonl").splitlines()]
    assert any(x["rid"] == rec["rid"] and x["source"] == ADDED_SOURCE and x["doc"] == doc.id for x in line)
    assert store.reviewer_counts()[0]["added"] == 1
    with pytest.raises(ValidationError, match="already marks"):
        store.add_record(doc.id, {"type": "figure", "start": s0, "end": i + 3, "value": 42}, reviewer="lan")
    # undo withdraws it: kept (its rid and history stay), rejected
    assert store.undo("lan")["status"] == "rejected"
    assert store.reviewer_counts()[0]["added"] == 0


@pytest.mark.parametrize("record, needle", [
    ({"type": "figure", "start": 5, "end": 2, "value": 1}, "not inside"),
    ({"type": "figure", "start": 0, "end": 10**7, "value": 1}, "not inside"),
    ({"type": "figure", "start": "a", "end": 3, "value": 1}, "offset"),
    ({"type": "figure", "start": 0, "end": 3, "value": "nhiều"}, "number"),
    ({"type": "figure", "start": 0, "end": 3}, "value"),
    ({"type": "figure", "start": 0, "end": 3, "value": 1, "text": "khác"}, "not what the document holds"),
    ({"type": "figure", "start": 0, "end": 3, "value": 1, "colour": "red"}, "no field colour"),
    ({"type": "legal_ref", "start": 0, "end": 3, "doc_type": "Nghị định"}, "number"),
    ({"type": "ignore", "start": 0, "end": 3}, "figure or a legal_ref"),
])
def test_bad_added_records_are_refused(store, docs, record, needle):
    doc = docs[0][0]
    n = store.count_records()
    with pytest.raises(ValidationError, match=needle):
        store.add_record(doc.id, record, reviewer="lan")
    assert store.count_records() == n and store.review_log() == []


def test_add_refuses_unknown_and_earlier_versions(store, docs):
    doc, recs = docs[0]
    with pytest.raises(ValidationError, match="no document"):
        store.add_record("nope", {"type": "figure", "start": 0, "end": 3, "value": 1}, reviewer="lan")
    store.add_document(with_text(doc, "Mới.\n" + doc.text), shifted(recs, 5))
    with pytest.raises(ValidationError, match="earlier version"):
        store.add_record(f"{doc.id}@v1", {"type": "figure", "start": 0, "end": 3, "value": 1}, reviewer="lan")


def test_a_reviewer_fixes_a_span_and_undo_puts_it_back(store, docs):
    doc, _ = _doc_with(docs, "42%")
    fig = next(r for r in store.list_records(doc=doc.id, kind="figure") if r["text"] == "42%")
    wider = doc.text.rindex("đạt", 0, fig["start"])
    after = store.review(fig["rid"], "correct", reviewer="lan", expected_version=fig["version"],
                         changes={"start": wider, "end": fig["end"]})
    assert (after["text"], after["start"], after["source"], after["status"]) == ("đạt 42%", wider, SPAN_SOURCE, "corrected")
    assert doc.text[after["start"]:after["end"]] == after["text"]
    with pytest.raises(ValidationError, match="space"):
        store.review(fig["rid"], "correct", reviewer="lan", expected_version=after["version"],
                     changes={"start": wider - 1, "end": fig["end"]})
    back = store.undo("lan")
    assert (back["text"], back["start"], back["source"], back["status"]) == ("42%", fig["start"], fig["source"], "pending")


def test_records_set_by_a_reviewer_carry_over_to_a_new_version(store, docs):
    doc, recs = _doc_with(docs, "42%")
    i = doc.text.index("42%")
    s0 = doc.text.rindex("đạt", 0, i)
    added = store.add_record(doc.id, {"type": "figure", "start": s0, "end": i + 3, "value": 42, "unit": "%",
                                      "role": "actual"}, reviewer="lan")
    head = "Tin cập nhật.\n"
    out = store.add_document(with_text(doc, head + doc.text), shifted(recs, len(head)))
    assert out["carried"] == 1
    now = [r for r in store.list_records(doc=doc.id) if r["start"] <= s0 + len(head) < r["end"] or
           r["start"] == s0 + len(head)]
    mine = [r for r in now if r["source"] == ADDED_SOURCE]
    assert len(mine) == 1 and mine[0]["text"] == "đạt 42%" and mine[0]["status"] == "corrected"
    # the extractor's narrower "42%" inside it is not offered for review again
    assert not [r for r in now if r["text"] == "42%" and r["status"] == "pending"]
    assert store.get_record(added["rid"])["doc"] == f"{doc.id}@v1"


# ---------------------------------------------------------------- counts and exports
def test_per_reviewer_counts(store):
    figs = store.list_records(kind="figure", order="position")
    store.review(figs[0]["rid"], "accept", reviewer="lan", expected_version=1)
    store.review(figs[1]["rid"], "reject", reviewer="lan", expected_version=1)
    store.review(figs[2]["rid"], "correct", reviewer="huy", expected_version=1, changes={"year": 2021})
    store.review(figs[3]["rid"], "accept", reviewer="huy", expected_version=1)
    store.undo("huy")
    counts = {c["reviewer"]: c for c in store.reviewer_counts()}
    assert (counts["lan"]["accepted"], counts["lan"]["rejected"], counts["lan"]["reviewed"]) == (1, 1, 2)
    assert (counts["huy"]["corrected"], counts["huy"]["accepted"], counts["huy"]["undone"]) == (1, 0, 1)
    assert counts["lan"]["last"]


def test_exports_carry_document_offsets_and_sentence(store):
    fig = store.list_records(kind="figure", order="position")[0]
    store.review(fig["rid"], "accept", reviewer="lan", expected_version=1)
    for fmt in ("jsonl", "json"):
        body = store.export_reviewed(fmt)
        rows = [json.loads(x) for x in body.splitlines()] if fmt == "jsonl" else json.loads(body)
        (row,) = rows
        assert (row["doc"], row["start"], row["end"], row["sentence_text"]) == \
            (fig["doc"], fig["start"], fig["end"], fig["sentence_text"])
    (row,) = list(csv.DictReader(io.StringIO(store.export_reviewed("csv"))))
    assert (row["doc"], row["start"], row["end"], row["sentence"]) == \
        (fig["doc"], str(fig["start"]), str(fig["end"]), fig["sentence_text"])


# ---------------------------------------------------------------- schema v3 -> v4 (SQLite)
def test_a_real_v3_file_migrates_forward(tmp_path, docs):
    path = tmp_path / "v3.db"
    shutil.copy(V3_FILE, path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
    n_docs, n_recs, n_log = (raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                             for t in ("documents", "records", "review_log"))
    statuses = dict(raw.execute("SELECT rid, status FROM records").fetchall())
    raw.close()
    with open_store(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] >= 4
        assert s.count_documents() == n_docs and s.count_records() == n_recs
        assert len(s.review_log()) == n_log and {e["batch"] for e in s.review_log()} == {None}
        assert {r["rid"]: r["status"] for r in s.list_records()} == statuses
        flagged = s.list_records(flagged=True)
        assert len(flagged) == 1 and flagged[0]["sentence_text"]  # v3's kept sentence still reads
        # the new capabilities work on the migrated data
        a, b = s.claim_next("lan"), s.claim_next("huy")
        assert a["rid"] != b["rid"]
        assert s.undo("lan")["status"] == "pending"  # an action logged by v3 is undone by v4
        doc_id = s.list_documents()[0]["id"]
        full = s.get_document(doc_id)
        out = s.add_document(with_text(_as_doc(full), "Bản mới.\n" + full["text"]), [])
        assert out["version"] == 2 and s.get_document(f"{doc_id}@v1")["text"] == full["text"]
        assert s.reviewer_counts()


def _as_doc(d):
    from nlp.readers import Document

    return Document(id=d["id"], text=d["text"], path=d["path"], title=d["title"], date=d["date"],
                    source=d["source"], sha256=d["sha256"])


def test_a_v3_postgres_store_migrates_forward(pg_schemas, docs):
    """PostgreSQL: a store at schema v3 (made by the v3 migrations, documents and a review
    written as v3 wrote them) is upgraded in place; its data and review history work on."""
    import json as _json

    import psycopg

    from nlp.store.postgres.schema import migrate as pg_migrate
    from nlp.store.postgres.rows import INSERT_SQL, insert_values

    url = pg_schemas.new("v3")
    doc, recs = docs[0]
    with psycopg.connect(url, autocommit=True) as conn:
        pg_migrate(conn, upto=3)
        with conn.transaction():
            docno = conn.execute(
                "INSERT INTO documents(id, path, title, date, source, sha256, text, ingested_at, updated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, 't', 't') RETURNING docno",
                (doc.id, doc.path, doc.title, doc.date, doc.source, doc.sha256, doc.text)).fetchone()[0]
            with conn.cursor() as cur:
                cur.executemany(INSERT_SQL, [insert_values(docno, r.to_dict()) for r in recs])
            rid = conn.execute("SELECT min(rid) FROM records WHERE type != 'ignore'").fetchone()[0]
            conn.execute("UPDATE records SET status = 'accepted', version = 2, reviewer = 'lan', reviewed_at = 't' "
                         "WHERE rid = %s", (rid,))
            old = {"status": "pending", "version": 1, "reviewer": None, "reviewed_at": None}
            new = {"status": "accepted", "version": 2, "reviewer": "lan", "reviewed_at": "t"}
            conn.execute("INSERT INTO review_log(rid, doc, action, old, new, reviewer, at) "
                         "VALUES (%s, %s, 'accept', %s, %s, 'lan', 't')", (rid, doc.id, _json.dumps(old), _json.dumps(new)))
    with open_store(url) as s:
        assert s.count_documents() == 1 and s.count_records() == len(recs)
        assert s.get_record(rid)["status"] == "accepted" and s.review_log()[0]["batch"] is None
        assert s.claim_next("huy")["rid"] != rid
        assert s.undo("lan")["status"] == "pending"  # an action logged by v3 is undone by v4
        assert s.add_document(with_text(doc, "Mới.\n" + doc.text), [])["version"] == 2
