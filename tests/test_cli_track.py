"""`solieu indicators`, `solieu search` (every kind, decree facts, long queries) and `ingest --limit`
as a user runs them: a real process on a real store."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest

from nlp.ingest import ingest
from nlp.search import MAX_QUERY_CHARS
from tests.paths import ROOT

TRACKING = ROOT / "tests" / "fixtures" / "tracking"


def solieu(*args):
    return subprocess.run([sys.executable, "-m", "nlp", *args], capture_output=True, timeout=300)


@pytest.fixture
def db(corpus_db):
    assert ingest(str(corpus_db), [TRACKING], workers=1, progress=False)["new"] == 2
    return str(corpus_db)


def test_indicators_json_groups_one_unit_with_points(db):
    p = solieu("--db", db, "indicators", "ty le ho so truc tuyen toan trinh", "--json")
    assert p.returncode == 0, p.stderr.decode()
    out = json.loads(p.stdout)
    assert out["query"] == "ty le ho so truc tuyen toan trinh" and out["indicators"]
    for g in out["indicators"]:
        assert set(g) >= {"key", "label", "unit", "points"}
        for pt in g["points"]:
            assert set(pt) == {"year", "role", "value", "comparator", "doc", "rid", "sentence"}
    top = out["indicators"][0]
    assert top["key"] == "ty le ho so truc tuyen toan trinh" and top["unit"] == "%"
    assert len(top["points"]) >= 3 and len({pt["doc"] for pt in top["points"]}) >= 2
    assert {pt["role"] for pt in top["points"]} >= {"target", "actual"}
    text = solieu("--db", db, "indicators", "ty le ho so truc tuyen toan trinh")
    assert text.returncode == 0 and "[%]" in text.stdout.decode() and "#" in text.stdout.decode()


def test_search_json_carries_decree_facts_and_every_kind(db):
    p = solieu("--db", db, "search", "nd 82/2024", "--json")
    assert p.returncode == 0, p.stderr.decode()
    out = json.loads(p.stdout)
    d = out["decrees"][0]
    assert d["id"] == "82/2024/NĐ-CP" and d["issued"] == "2024-07-15" and d["issuer"] == "Chính phủ"
    assert d["title"].startswith("sửa đổi, bổ sung một số điều của Nghị định số 73/2019/NĐ-CP")
    assert out["first"] == "decree" and set(out["counts"]) >= {"decree", "document", "indicator", "figure"}
    ind = solieu("--db", db, "search", "ho so truc tuyen", "--type", "indicator", "--json")
    assert json.loads(ind.stdout)["indicators"]


def test_a_long_query_is_cut_and_said_once(db):
    long = "chuyển đổi số " * 500
    p = solieu("--db", db, "search", long, "--json")
    assert p.returncode == 0
    err = p.stderr.decode().strip().splitlines()
    assert err == [f"solieu: query cut to its first {MAX_QUERY_CHARS} characters"]
    assert len(json.loads(p.stdout)["query"]) <= MAX_QUERY_CHARS


def test_indicators_on_a_missing_store_is_one_line(tmp_path):
    p = solieu("--db", str(tmp_path / "none.db"), "indicators", "cpi")
    assert p.returncode == 1 and len(p.stderr.decode().strip().splitlines()) == 1
    assert b"Traceback" not in p.stderr


def test_ingest_limit_takes_the_first_documents_of_a_collection(tmp_path):
    coll = tmp_path / "c.jsonl.gz"
    with gzip.open(coll, "wt", encoding="utf-8") as fh:
        for i in range(5):
            fh.write(json.dumps({"id": f"d{i}", "text": f"Năm 2024, tỷ lệ đạt {40 + i}%."}) + "\n")
    db = str(tmp_path / "s.db")
    p = solieu("--db", db, "ingest", str(coll), "--limit", "2", "--workers", "1", "--no-progress")
    assert p.returncode == 0, p.stderr.decode()
    assert json.loads(p.stdout.decode().strip().splitlines()[-1])["new"] == 2
    bad = solieu("--db", db, "ingest", str(coll), "--limit", "0")
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr
