"""The store on real databases: idempotence, review with conflicts and undo, re-ingest of a
changed document, near-duplicates (both backends: an SQLite file and a PostgreSQL schema,
tests/backends.py); migration from schema v1, clear errors, read-while-write (SQLite files;
PostgreSQL's own: tests/test_store_postgres.py)."""
from __future__ import annotations

import json
import multiprocessing
import sqlite3
import time

import pytest

from nlp.store import ConflictError, Store, StoreError, ValidationError, open_store
from nlp.store.sqlite.errors import explain
from nlp.store.sqlite.schema import LATEST, migrate

from .store_support import gold_documents, shifted, with_text


@pytest.fixture(scope="module")
def docs():
    return gold_documents()


@pytest.fixture
def store(new_location, docs):
    s = open_store(new_location("t"))
    for doc, recs in docs:
        s.add_document(doc, recs)
    yield s
    s.close()


def _pg_error():
    import psycopg

    return psycopg.Error


def _first(store, **kw):
    return store.list_records(order="position", **kw)[0]


# ---------------------------------------------------------------- the interface
def test_open_store_gives_the_interface(new_location):
    loc = new_location("i")
    with open_store(loc) as s:
        assert isinstance(s, Store) and s.location == loc
    assert Store.__abstractmethods__  # a backend that misses a method cannot be instantiated


# ---------------------------------------------------------------- documents
def test_add_is_idempotent_and_counts(new_location, docs):
    s = open_store(new_location("a"))
    first = [s.add_document(d, r) for d, r in docs]
    assert {o["status"] for o in first} == {"new"}
    n_records = s.count_records()
    assert n_records == sum(len(r) for _, r in docs)
    again = [s.add_document(d, r) for d, r in docs]
    assert {o["status"] for o in again} == {"unchanged"}
    assert s.count_documents() == len(docs) and s.count_records() == n_records
    assert s.known_hashes() == {d.id: d.sha256 for d, _ in docs}
    s.close()


def test_records_keep_offsets_and_fields(store, docs):
    doc, recs = next((d, r) for d, r in docs if any(x.type == "figure" and x.text == "42%" for x in r))
    stored = store.get_document(doc.id)
    assert stored["text"] == doc.text and stored["records"] == len(recs)
    for r in store.list_records(doc=doc.id, order="position"):
        assert stored["text"][r["start"]:r["end"]] == r["text"]
    fig = next(r for r in store.list_records(doc=doc.id, kind="figure") if r["text"] == "42%")
    assert (fig["value"], fig["unit"], fig["role"], fig["year"], fig["status"], fig["version"]) == (42.0, "%", "actual", 2024, "pending", 1)
    assert store.get_record(fig["rid"]) == fig


def test_list_documents_and_stats(store, docs):
    listed = store.list_documents(limit=100)
    assert sorted(d["id"] for d in listed) == sorted(d.id for d, _ in docs)
    st = store.stats()
    assert st["documents"] == len(docs)
    assert sum(sum(v.values()) for v in st["records"].values()) == store.count_records()
    top_id, n_mentions, n_docs = st["top_cited"][0]
    assert top_id == "06/QĐ-TTg" and n_docs >= 3 and n_mentions >= n_docs  # Đề án 06 mentions resolve to it


def test_legal_document_aliases_and_mentions(store):
    entry = store.legal_document("Đề án 06")  # an alias resolves to the document it stands for
    assert entry["id"] == "06/QĐ-TTg" and "Đề án 06" in entry["aliases"]
    assert all(m["text"] for m in entry["mentions"])
    nd = store.legal_document("82/2024/NĐ-CP")
    assert nd["doc_type"] == "Nghị định" and nd["year"] == 2024 and nd["code"] == "NĐ-CP" and nd["issuer"] == "Chính phủ"
    assert store.legal_document("06/QĐ-TTg")["issuer"] == "Thủ tướng Chính phủ"
    assert {m["text"] for m in nd["mentions"]} == {"Nghị định số 82 năm 2024", "Nghị định số 82/2024/NĐ-CP"}
    assert store.legal_document("999/2099/NĐ-CP") is None


# ---------------------------------------------------------------- review
def test_review_actions_versions_and_log(store):
    a, b, c = store.list_records(kind="figure", order="position")[:3]
    acc = store.review(a["rid"], "accept", reviewer="lan", expected_version=1)
    assert (acc["status"], acc["version"], acc["reviewer"]) == ("accepted", 2, "lan") and acc["reviewed_at"]
    rej = store.review(b["rid"], "reject", reviewer="lan", expected_version=1)
    assert rej["status"] == "rejected"
    cor = store.review(c["rid"], "correct", reviewer="minh", expected_version=1,
                       changes={"value": "12.5", "role": "target", "year": "2025", "indicator": "số hộ"})
    assert (cor["status"], cor["value"], cor["role"], cor["year"], cor["indicator"]) == ("corrected", 12.5, "target", 2025, "số hộ")
    log = store.review_log()
    assert [e["action"] for e in log] == ["accept", "reject", "correct"]
    assert log[2]["old"]["value"] == c["value"] and log[2]["new"]["value"] == 12.5 and log[2]["reviewer"] == "minh"
    assert store.review_log(a["rid"])[0]["new"]["status"] == "accepted"


def test_stale_version_is_a_conflict_with_the_current_record(store):
    r = _first(store, kind="figure")
    store.review(r["rid"], "accept", reviewer="session-1", expected_version=r["version"])
    with pytest.raises(ConflictError) as exc:
        store.review(r["rid"], "correct", reviewer="session-2", expected_version=r["version"], changes={"value": 1})
    assert exc.value.current["status"] == "accepted" and exc.value.current["version"] == r["version"] + 1
    assert store.get_record(r["rid"])["value"] == r["value"]  # the earlier save was not overwritten


@pytest.mark.parametrize("changes, needle", [
    ({"value": "abc"}, "number"),
    ({"value": None}, "number"),
    ({"role": "goal"}, "role"),
    ({"comparator": "=>"}, "comparator"),
    ({"year": "20x4"}, "year"),
    ({"year": 1066}, "year"),
    ({"doc_type": "Nghị định"}, "cannot change"),
    ({}, "at least one"),
])
def test_invalid_corrections_are_refused(store, changes, needle):
    r = _first(store, kind="figure")
    with pytest.raises(ValidationError, match=needle):
        store.review(r["rid"], "correct", reviewer="lan", expected_version=r["version"], changes=changes)
    assert store.get_record(r["rid"]) == r and store.review_log() == []


def test_legal_ref_correction_is_validated_and_updates_the_catalogue(store):
    ref = next(r for r in store.list_records(kind="legal_ref", order="position") if r["id"] == "34/CT-TTg")
    with pytest.raises(ValidationError, match="issued"):
        store.review(ref["rid"], "correct", reviewer="lan", expected_version=1, changes={"issued": "16/9/2024"})
    with pytest.raises(ValidationError, match="relation type"):
        store.review(ref["rid"], "correct", reviewer="lan", expected_version=1,
                     changes={"relations": [{"type": "likes", "target": "x"}]})
    store.review(ref["rid"], "correct", reviewer="lan", expected_version=1,
                 changes={"issued": "2024-09-16", "relations": [{"type": "replaces", "target": "01/CT-TTg"}]})
    old = store.legal_document("01/CT-TTg")
    assert {"type": "replaced_by", "target": "34/CT-TTg"} in old["relations"]


def test_other_bad_review_calls(store):
    r = _first(store, kind="figure")
    with pytest.raises(ValidationError, match="action"):
        store.review(r["rid"], "approve", reviewer="lan", expected_version=1)
    with pytest.raises(ValidationError, match="reviewer"):
        store.review(r["rid"], "accept", reviewer=" ", expected_version=1)
    with pytest.raises(ValidationError, match="no changes|takes no"):
        store.review(r["rid"], "accept", reviewer="lan", expected_version=1, changes={"value": 3})
    with pytest.raises(ValidationError, match="no record"):
        store.review(10**9, "accept", reviewer="lan", expected_version=1)


def test_undo_restores_and_is_logged(store):
    a, b = store.list_records(kind="figure", order="position")[:2]
    store.review(a["rid"], "correct", reviewer="lan", expected_version=1, changes={"value": 7})
    store.review(b["rid"], "reject", reviewer="lan", expected_version=1)
    store.review(b["rid"], "accept", reviewer="minh", expected_version=2)
    # lan's last action (reject b) was overtaken by minh: undoing it would lose minh's work
    with pytest.raises(ConflictError):
        store.undo("lan")
    back = store.undo("minh")
    assert back["rid"] == b["rid"] and back["status"] == "rejected" and back["version"] == 4
    store.undo("lan")  # now lan's reject of b can be undone, then the correction of a
    assert store.get_record(b["rid"])["status"] == "pending"
    restored = store.undo("lan")
    assert restored["rid"] == a["rid"] and restored["value"] == a["value"] and restored["status"] == "pending"
    assert store.undo("lan") is None
    actions = [e["action"] for e in store.review_log()]
    assert actions == ["correct", "reject", "accept", "undo", "undo", "undo"]


def test_review_log_is_append_only(store):
    r = _first(store, kind="figure")
    store.review(r["rid"], "accept", reviewer="lan", expected_version=1)
    refused = sqlite3.DatabaseError if isinstance(store.conn, sqlite3.Connection) else _pg_error()
    with pytest.raises(refused, match="append-only"):
        store.conn.execute("UPDATE review_log SET reviewer = 'mallory'")
    with pytest.raises(refused, match="append-only"):
        store.conn.execute("DELETE FROM review_log")


def test_export_reviewed(store):
    figs = store.list_records(kind="figure", order="position")
    store.review(figs[0]["rid"], "accept", reviewer="lan", expected_version=1)
    store.review(figs[1]["rid"], "correct", reviewer="lan", expected_version=1, changes={"unit": "hộ"})
    lines = [json.loads(x) for x in store.export_reviewed("jsonl").splitlines()]
    assert [(x["rid"], x["status"]) for x in lines] == [(figs[0]["rid"], "accepted"), (figs[1]["rid"], "corrected")]
    assert lines[1]["unit"] == "hộ" and lines[1]["reviewer"] == "lan"
    csv_lines = store.export_reviewed("csv").splitlines()
    assert csv_lines[0].startswith("doc,type,start") and len(csv_lines) == 3
    with pytest.raises(ValidationError):
        store.export_reviewed("xml")


# ---------------------------------------------------------------- re-ingest of a changed document
def test_reviewed_records_survive_a_changed_document(store, docs):
    """A changed document is a new version (issue 10): the earlier one is kept with its
    records; reviews carry over where the record still matches. The whole behaviour:
    tests/test_store_team.py::test_a_changed_document_is_a_new_version_and_reviews_carry_over."""
    doc, recs = next((d, r) for d, r in docs if sum(x.type == "figure" for x in r) >= 4)
    keep = store.list_records(doc=doc.id, kind="figure", order="position")[0]
    store.review(keep["rid"], "accept", reviewer="lan", expected_version=1)
    prefix = "Cập nhật: bài viết đã được chỉnh sửa.\n"
    new_text = prefix + doc.text
    out = store.add_document(with_text(doc, new_text), shifted(recs, len(prefix)))
    assert (out["status"], out["version"], out["carried"], out["flagged"]) == ("updated", 2, 1, 0)
    assert store.get_record(keep["rid"])["doc"] == f"{doc.id}@v1"  # the record as reviewed, kept
    now = next(r for r in store.list_records(doc=doc.id) if r["start"] == keep["start"] + len(prefix)
               and r["type"] == "figure")
    assert now["status"] == "accepted" and new_text[now["start"]:now["end"]] == now["text"]
    assert store.add_document(with_text(doc, new_text), shifted(recs, len(prefix)))["status"] == "unchanged"


# ---------------------------------------------------------------- near-duplicates
def test_syndicated_copy_is_linked_not_counted_twice(store, docs):
    doc, recs = docs[1]
    copy_text = "(Theo báo Điện tử Chính phủ)\n" + doc.text
    out = store.add_document(with_text(doc, copy_text, doc_id="copy-of-" + doc.id),
                             shifted(recs, len("(Theo báo Điện tử Chính phủ)\n")))
    assert out["duplicate_of"] == doc.id
    exact = store.add_document(with_text(doc, doc.text, doc_id="exact-" + doc.id), recs)
    assert exact["duplicate_of"] == doc.id
    other = docs[2][0]
    assert store.get_document(other.id)["duplicate_of"] is None
    assert store.get_document(doc.id)["duplicates"] == ["copy-of-" + doc.id, "exact-" + doc.id]
    st = store.stats()
    assert st["duplicates"] == 2
    top = dict((i, (n, d)) for i, n, d in st["top_cited"])
    assert top["06/QĐ-TTg"][1] == len([1 for _, r in docs if any(x.type == "legal_ref" and "06" in x.id for x in r)])


# ---------------------------------------------------------------- schema, errors
def _v1_file(path, docs):
    """A database exactly as the v1 schema wrote it: raw-text FTS, no near-duplicate columns."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, upto=1)
    conn.execute("BEGIN")
    for doc, recs in docs:
        docno = conn.execute(
            "INSERT INTO documents(id, path, title, date, source, sha256, text, ingested_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
            (doc.id, doc.path, doc.title, doc.date, doc.source, doc.sha256, doc.text)).lastrowid
        for r in recs:
            d = r.to_dict()
            conn.execute('INSERT INTO records(docno, type, start, "end", text, value, unit, role, indicator, year, '
                         "doc_type, number, legal_id, refers_to) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         (docno, d["type"], d["start"], d["end"], d["text"], d.get("value"), d.get("unit"),
                          d.get("role"), d.get("indicator"), d.get("year"), d.get("doc_type"), d.get("number"),
                          d.get("id") if d["type"] == "legal_ref" else None, d.get("refers_to")))
    conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
    conn.execute("COMMIT")
    conn.close()


def test_migration_from_v1_keeps_data_and_folds_the_index(tmp_path, docs):
    from nlp.search import search_documents, search_figures

    path = tmp_path / "v1.db"
    _v1_file(path, docs)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    # v1's index does not fold đ: `dinh` is not found
    assert raw.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'dinh'").fetchone()[0] == 0
    raw.close()
    s = open_store(path)
    assert s.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST >= 3
    assert s.count_documents() == len(docs) and s.count_records() == sum(len(r) for _, r in docs)
    assert search_documents(s, "nghi dinh")  # folded now
    assert any(f["text"] == "42%" for f in search_figures(s, "ty le ho so truc tuyen"))
    assert s.add_document(*docs[0])["status"] == "unchanged"
    s.close()


def test_opening_an_old_file_read_only_upgrades_it(tmp_path, docs):
    path = tmp_path / "v1.db"
    _v1_file(path, docs[:2])
    with open_store(path, readonly=True) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert s.count_documents() == 2


def test_a_changed_fold_rebuilds_the_indexes(tmp_path, docs):
    from nlp.search import search_documents

    path = tmp_path / "f.db"
    with open_store(path) as s:
        s.add_document(*docs[4])
        s.conn.execute("UPDATE meta SET value = 'folded by an older rule' WHERE key = 'fold_probe'")
        s.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('delete-all')")  # a stale index
        assert search_documents(s, "nghi dinh") == []
    with open_store(path) as s:
        assert [d["id"] for d in search_documents(s, "nghi dinh")] == [docs[4][0].id]


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="newer solieu"):
        open_store(path)


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 5000])
def test_corrupt_file_gives_a_clear_error(tmp_path, content):
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    for ro in (False, True):
        with pytest.raises(StoreError, match="not a valid solieu database"):
            open_store(path, readonly=ro)


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x)")
    conn.close()
    with pytest.raises(StoreError, match="not a solieu database"):
        open_store(path)


def test_readonly(tmp_path, docs):
    path = tmp_path / "ro.db"
    with pytest.raises(StoreError, match="no database here yet"):
        open_store(path, readonly=True)
    open_store(path).close()
    ro = open_store(path, readonly=True)
    with pytest.raises(StoreError, match="read-only"):
        ro.add_document(*docs[0])
    try:  # what SQLite says for a write to a read-only file becomes the same clear message
        ro.conn.execute("INSERT INTO meta VALUES ('k', 'v')")
    except sqlite3.Error as exc:
        assert "read-only" in str(explain(exc, str(path)))
    else:
        pytest.fail("a read-only connection accepted a write")
    ro.close()


def test_locked_database_gives_a_clear_error(tmp_path, docs):
    path = tmp_path / "locked.db"
    open_store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        s = open_store(path, timeout=0.2)
        with pytest.raises(StoreError, match="locked"):
            s.add_document(*docs[0])
        s.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# ---------------------------------------------------------------- readers during writes
def _writer(path: str, n: int) -> None:
    docs = gold_documents()
    s = open_store(path)
    for i in range(n):
        doc, recs = docs[i % len(docs)]
        s.add_document(with_text(doc, f"Bản {i}.\n" + doc.text, doc_id=f"{doc.id}-{i}"), shifted(recs, len(f"Bản {i}.\n")))
    s.close()


def test_readers_work_while_an_ingest_writes(tmp_path):
    from nlp.search import search

    path = tmp_path / "rw.db"
    open_store(path).close()
    n = 40
    proc = multiprocessing.get_context("spawn").Process(target=_writer, args=(str(path), n))
    proc.start()
    reader = open_store(path, readonly=True, timeout=1.0)
    seen, reads = [], 0
    deadline = time.time() + 120
    while proc.is_alive() and time.time() < deadline:
        seen.append(reader.count_documents())
        # a document is visible whole or not at all: its records come with it
        for d in reader.list_documents(limit=5):
            assert reader.get_document(d["id"])["records"] > 0
        search(reader, "chuyen doi so")
        reads += 1
    proc.join(60)
    assert proc.exitcode == 0
    assert reads > 0 and seen == sorted(seen)
    assert reader.count_documents() == n
    reader.close()
