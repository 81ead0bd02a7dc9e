"""The PostgreSQL store's own behaviour, on the real server (tests/backends.py): migrations
from v1, a changed fold, newer / foreign / read-only databases, locks, clear one-line
errors (wrong URL, refused connection, no database, missing driver) from the store and
the CLI, and the optimistic version check holding across processes (no lost update).

What both backends share (documents, review, search) runs in test_store.py and
test_search.py on both."""
from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys

import pytest

from nlp.store import ConflictError, StoreError, open_store

from .paths import ROOT
from .store_support import gold_documents, with_text


@pytest.fixture(scope="module")
def docs():
    return gold_documents()


def _raw(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _v1_store(url: str, docs) -> None:
    """A store exactly as the v1 schema wrote it: full text over the raw (unfolded) words."""
    from nlp.store.postgres.schema import migrate

    with _raw(url) as conn:
        migrate(conn, upto=1)
        with conn.transaction():
            for doc, recs in docs:
                docno = conn.execute(
                    "INSERT INTO documents(id, path, title, date, source, sha256, text, ingested_at, updated_at, fts) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', "
                    "to_tsvector('simple', coalesce(%s, '') || ' ' || %s)) RETURNING docno",
                    (doc.id, doc.path, doc.title, doc.date, doc.source, doc.sha256, doc.text, doc.title,
                     doc.text)).fetchone()[0]
                for r in recs:
                    d = r.to_dict()
                    conn.execute('INSERT INTO records(docno, type, start, "end", text, value, unit, role, indicator, '
                                 "year, doc_type, number, legal_id, refers_to) "
                                 "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                                 (docno, d["type"], d["start"], d["end"], d["text"], d.get("value"), d.get("unit"),
                                  d.get("role"), d.get("indicator"), d.get("year"), d.get("doc_type"),
                                  d.get("number"), d.get("id") if d["type"] == "legal_ref" else None,
                                  d.get("refers_to")))


def _version(url: str) -> int:
    from nlp.store.postgres.schema import version

    with _raw(url) as conn:
        return version(conn)


# ---------------------------------------------------------------- schema
def test_migration_from_v1_keeps_data_and_folds_the_index(pg_schemas, docs):
    from nlp.search import search_documents, search_figures
    from nlp.store.postgres.schema import LATEST

    url = pg_schemas.new("v1")
    _v1_store(url, docs)
    assert _version(url) == 1
    with _raw(url) as conn:  # v1's index does not fold: `dinh` is not found
        assert conn.execute("SELECT count(*) FROM documents WHERE fts @@ 'dinh'::tsquery").fetchone()[0] == 0
    with open_store(url) as s:
        assert _version(url) == LATEST >= 3
        assert s.count_documents() == len(docs) and s.count_records() == sum(len(r) for _, r in docs)
        assert search_documents(s, "nghi dinh")  # folded now
        assert any(f["text"] == "42%" for f in search_figures(s, "ty le ho so truc tuyen"))
        assert any(f["unit"] == "%" for f in search_figures(s, "", unit="%"))  # units folded for the filter
        assert s.add_document(*docs[0])["status"] == "unchanged"


def test_a_v5_store_gets_its_search_table_in_place(pg_schemas, docs):
    """v5 -> v6: every indexed document gets its `doc_search` row (words, word pairs, whether
    it is listed), nothing else changes, and search reads the new table from then on."""
    from nlp.search import count_documents, search_documents
    from nlp.store.postgres.schema import migrate

    url = pg_schemas.new("v5")
    _v1_store(url, docs)
    phrase_query = "'du' <-> 'lieu' <-> 'dan'"
    with _raw(url) as conn:
        migrate(conn, upto=5)
        assert conn.execute("SELECT to_regclass('doc_search')").fetchone()[0] is None
        before = conn.execute("SELECT docno, id, sha256, fts::text FROM documents ORDER BY docno").fetchall()
        n_records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        # what the v5 index says holds the phrase, to compare with what v6 finds
        phrase = {r[0] for r in conn.execute("SELECT id FROM documents WHERE fts @@ %s::tsquery", (phrase_query,))}
    with open_store(url) as s:
        assert _version(url) == 6
        assert s.count_records() == n_records
        with _raw(url) as conn:
            assert conn.execute("SELECT docno, id, sha256, fts::text FROM documents ORDER BY docno").fetchall() == before
            rows = conn.execute("SELECT s.docno, s.live, length(s.terms), position('_' in s.terms::text) FROM doc_search s "
                                "ORDER BY s.docno").fetchall()
        assert [r[0] for r in rows] == [b[0] for b in before] and all(r[1] and r[2] and r[3] for r in rows)
        assert phrase and {d["id"] for d in search_documents(s, '"du lieu dan"')} == phrase
        assert count_documents(s, '"du lieu dan"')["total"] == len(phrase)
        # a copy stored afterwards is linked to its original: the trigger takes it off the list
        doc, _ = docs[1]
        s.add_document(with_text(doc, "Nguồn: Chính phủ\n" + doc.text, doc_id="copy"), [])
        with _raw(url) as conn:
            assert conn.execute("SELECT s.live FROM doc_search s JOIN documents d ON d.docno = s.docno "
                                "WHERE d.id = 'copy'").fetchone() == (False,)
        assert "copy" not in {d["id"] for d in search_documents(s, doc.title or "chính phủ")}


def test_opening_an_old_store_read_only_upgrades_it(pg_schemas, docs):
    from nlp.store.postgres.schema import LATEST

    url = pg_schemas.new("v1ro")
    _v1_store(url, docs[:2])
    with open_store(url, readonly=True) as s:
        assert _version(url) == LATEST and s.count_documents() == 2
        with pytest.raises(StoreError, match="read-only"):
            s.add_document(*docs[2])


def test_a_changed_fold_rebuilds_the_indexes(pg_schemas, docs):
    from nlp.search import search_documents

    url = pg_schemas.new("fold")
    with open_store(url) as s:
        s.add_document(*docs[4])
        s.conn.execute("UPDATE meta SET value = 'folded by an older rule' WHERE key = 'fold_probe'")
        s.conn.execute("UPDATE documents SET fts = NULL")  # a stale index (both parts of it)
        s.conn.execute("DELETE FROM doc_search")
        assert search_documents(s, "nghi dinh") == []
    with open_store(url) as s:
        assert [d["id"] for d in search_documents(s, "nghi dinh")] == [docs[4][0].id]


def test_two_processes_opening_a_new_store_migrate_it_once(pg_schemas):
    from nlp.store.postgres.schema import LATEST

    url = pg_schemas.new("race")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_open_and_close, args=(url,)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert _version(url) == LATEST


def _open_and_close(url: str) -> None:
    open_store(url).close()


def test_newer_schema_is_refused(pg_schemas):
    url = pg_schemas.new("future")
    open_store(url).close()
    with _raw(url) as conn:
        conn.execute("UPDATE solieu_schema SET version = 99")
    with pytest.raises(StoreError, match="newer solieu"):
        open_store(url)


def test_foreign_database_is_refused(pg_schemas):
    url = pg_schemas.new("other")
    with _raw(url) as conn:
        conn.execute("CREATE TABLE t(x int)")
    for ro in (False, True):
        with pytest.raises(StoreError, match="not a solieu database"):
            open_store(url, readonly=ro)


def test_readonly(pg_schemas, docs):
    url = pg_schemas.new("ro")
    with pytest.raises(StoreError, match="no solieu database here yet"):
        open_store(url, readonly=True)
    open_store(url).close()
    ro = open_store(url, readonly=True)
    with pytest.raises(StoreError, match="read-only"):
        ro.add_document(*docs[0])
    from psycopg import errors

    from nlp.store.postgres.errors import explain

    with pytest.raises(errors.ReadOnlySqlTransaction) as exc:  # the session itself refuses writes
        ro.conn.execute("INSERT INTO meta VALUES ('k', 'v')")
    assert "read-only" in str(explain(exc.value, url))
    ro.close()


def test_a_lock_held_elsewhere_gives_a_clear_error(pg_schemas, docs):
    url = pg_schemas.new("locked")
    open_store(url).close()
    holder = _raw(url)
    try:
        with holder.transaction():
            holder.execute("LOCK TABLE documents IN ACCESS EXCLUSIVE MODE")
            s = open_store(url, timeout=0.3)
            with pytest.raises(StoreError, match="locked"):
                s.add_document(*docs[0])
            s.close()
    finally:
        holder.close()


def test_search_path_without_a_schema_is_explained(pg_url):
    from tests.backends import schema_url

    with pytest.raises(StoreError, match="no existing schema"):
        open_store(schema_url(pg_url, "no_such_schema_here"))


# ---------------------------------------------------------------- clear errors
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # free, and nothing will listen on it


def _bad_urls(pg_url: str) -> dict[str, tuple[str, str]]:
    """name -> (URL, what the one line must say)."""
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(pg_url)
    host, port, user = info.get("host", "127.0.0.1"), info.get("port", "5432"), info.get("user", "solieu")
    password = info.get("password", "")
    return {
        "refused": (f"postgresql://{user}:{password}@127.0.0.1:{_closed_port()}/solieu_test", "connection refused"),
        "no database": (f"postgresql://{user}:{password}@{host}:{port}/no_such_db_here", "does not exist"),
        "bad password": (f"postgresql://{user}:wrong-{password}@{host}:{port}/{info.get('dbname')}", "refused the login"),
        "bad URL": ("postgresql://u@h:notaport/db", "not a valid PostgreSQL URL"),
    }


@pytest.mark.parametrize("name", ["refused", "no database", "bad password", "bad URL"])
def test_wrong_url_or_refused_connection_is_one_clear_line(pg_url, name):
    url, says = _bad_urls(pg_url)[name]
    with pytest.raises(StoreError, match=says) as exc:
        open_store(url)
    assert "\n" not in str(exc.value) and "wrong-" not in str(exc.value)  # one line, no password shown


def _cli(*args: str, env: dict | None = None, code: str | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "nlp", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


@pytest.mark.parametrize("name", ["refused", "bad URL"])
def test_cli_wrong_url_or_refused_connection_exit_1_one_line(pg_url, name, tmp_path):
    url, says = _bad_urls(pg_url)[name]
    (tmp_path / "a.txt").write_text("Năm 2024, tỷ lệ đạt 42%.", encoding="utf-8")
    for args in (("--db", url, "search", "nd 82"), ("--db", url, "ingest", str(tmp_path / "a.txt"), "--workers", "1")):
        out = _cli(*args)
        assert out.returncode == 1, out
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("solieu: store: ") and says in lines[0], out.stderr
        assert "Traceback" not in out.stderr


def test_cli_unknown_url_scheme_is_one_line():
    out = _cli("--db", "mysql://u:p@localhost/db", "search", "x")
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "unknown kind of store URL" in out.stderr


def test_missing_driver_is_one_clear_line():
    # The driver made unimportable in this process (as if `solieu[scale]` were not installed).
    code = "import sys; sys.modules['psycopg'] = None; sys.argv[0] = 'solieu'; from nlp.cli import main; main()"
    out = _cli("--db", "postgresql:///solieu_test", "search", "x", code=code)
    assert out.returncode == 1, out
    assert out.stderr.count("\n") == 1 and "psycopg driver" in out.stderr and 'solieu[scale]' in out.stderr


# ---------------------------------------------------------------- no lost update across processes
def _review_at_once(url: str, rid: int, version: int, who: str, barrier, results) -> None:
    with open_store(url) as s:
        barrier.wait(30)
        try:
            s.review(rid, "correct", reviewer=who, expected_version=version, changes={"value": len(who)})
            results.put((who, "saved"))
        except ConflictError as exc:
            results.put((who, f"conflict:{exc.current['reviewer']}"))


def test_same_version_saved_by_several_processes_at_once_one_wins(pg_schemas, docs):
    url = pg_schemas.new("race")
    with open_store(url) as s:
        for d, r in docs:
            s.add_document(d, r)
        rec = s.list_records(kind="figure", order="position")[0]
    ctx = multiprocessing.get_context("spawn")
    n = 6
    barrier, results = ctx.Barrier(n), ctx.Queue()
    names = [f"reviewer-{'x' * i}" for i in range(1, n + 1)]
    procs = [ctx.Process(target=_review_at_once, args=(url, rec["rid"], rec["version"], who, barrier, results))
             for who in names]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * n
    outcomes = dict(results.get(timeout=5) for _ in range(n))
    winners = [w for w, o in outcomes.items() if o == "saved"]
    assert len(winners) == 1, outcomes
    assert all(o == f"conflict:{winners[0]}" for w, o in outcomes.items() if w != winners[0])
    with open_store(url) as s:
        after = s.get_record(rec["rid"])
        assert after["version"] == rec["version"] + 1 and after["reviewer"] == winners[0]
        assert after["value"] == len(winners[0])
        assert [(e["reviewer"], e["action"]) for e in s.review_log(rec["rid"])] == [(winners[0], "correct")]


def test_psycopg_echo_of_an_earlier_error_is_not_a_second_line(caplog):
    # A pipeline broken by a lost server makes psycopg log "error ignored terminating …" on
    # top of the error the store reports: the CLI's one clear line must stay one line.
    import logging

    import nlp.store.postgres.store  # noqa: F401 - installs the filter

    with caplog.at_level(logging.WARNING, logger="psycopg"):
        logging.getLogger("psycopg").warning("error ignored terminating %r: %s", "<Pipeline [BAD]>", "closed")
        logging.getLogger("psycopg").warning("something else")
    assert [r.getMessage() for r in caplog.records] == ["something else"]
