"""`solieu extract` / `eval` as a user runs them: real files, real process, stderr lines."""
import json
import subprocess
import sys
import unicodedata

import pytest

from tests.paths import GOLD_DEV, SEEDS

SEED = SEEDS / "004_1f71ccbc9811faa5.txt"


def solieu(*args, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "nlp", *args], input=stdin, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def seed_output():
    p = solieu("extract", str(SEED), "--with-text")
    assert p.returncode == 0, p.stderr.decode()
    return json.loads(p.stdout.decode().splitlines()[0])


def test_extract_jsonl_has_header_text_and_records(seed_output):
    doc = seed_output["doc"]
    assert doc["id"] == SEED.stem and doc["path"].endswith(SEED.name) and len(doc["sha256"]) == 64
    text = seed_output["text"]
    assert text == unicodedata.normalize("NFC", SEED.read_text(encoding="utf-8"))
    recs = seed_output["records"]
    assert any(r["type"] == "legal_ref" and r["id"] == "82/2024/NĐ-CP" for r in recs)
    for r in recs:
        assert text[r["start"]:r["end"]] == r["text"]
        s, e = r["sentence"]
        assert s <= r["start"] and r["end"] <= e
        assert 0 <= r["confidence"] <= 1 and r["source"]


REQUIRED = {
    "figure": {"value", "total", "unit", "role", "comparator", "indicator", "year"},
    "legal_ref": {"doc_type", "number", "year", "code", "issued", "id", "refers_to", "relations"},
}


def test_every_record_carries_every_guideline_field(seed_output):
    for r in seed_output["records"]:
        if r["type"] in REQUIRED:
            assert REQUIRED[r["type"]] | {"start", "end", "text", "sentence", "confidence", "source"} <= set(r)


def test_bad_files_get_one_line_each_and_others_still_run(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\xff" * 100)
    bad_utf8 = tmp_path / "latin.txt"
    bad_utf8.write_bytes("Nghị định số 82".encode("utf-8") + b"\xff\xfe abc")
    unsupported = tmp_path / "x.xyz"
    unsupported.write_text("hello", encoding="utf-8")
    missing = tmp_path / "nope.txt"
    p = solieu("extract", str(empty), str(SEED), str(binary), str(bad_utf8), str(unsupported), str(missing))
    assert p.returncode == 1
    err = p.stderr.decode().strip().splitlines()
    assert len(err) == 5, err
    assert "Traceback" not in p.stderr.decode()
    for path, line in zip([empty, binary, bad_utf8, unsupported, missing], err):
        assert str(path) in line
    out = [json.loads(x) for x in p.stdout.decode().splitlines()]
    assert [o["doc"]["id"] for o in out] == [SEED.stem]


def test_stdin_and_csv(tmp_path):
    p = solieu("extract", "-", "--format", "csv", stdin="Năm 2024, tỷ lệ đạt 42% theo Nghị định 82/2024/NĐ-CP.".encode())
    assert p.returncode == 0, p.stderr.decode()
    lines = p.stdout.decode().splitlines()
    assert lines[0].startswith("doc,type,start,end,text")
    assert any(",figure," in x and "42%" in x for x in lines[1:])
    assert any(",legal_ref," in x and "82/2024/NĐ-CP" in x for x in lines[1:])


def test_json_format_to_file(tmp_path):
    out = tmp_path / "o.json"
    p = solieu("extract", str(SEED), "--format", "json", "--out", str(out))
    assert p.returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data[0]["doc"]["id"] == SEED.stem


def test_out_in_a_missing_folder_is_one_clear_line(tmp_path):
    out = tmp_path / "no" / "such" / "o.jsonl"
    p = solieu("extract", str(SEED), "--out", str(out))
    err = p.stderr.decode()
    assert p.returncode == 2 and "Traceback" not in err
    assert err.strip() == f"solieu: extract: --out {out}: folder {out.parent} does not exist"
    assert not out.parent.exists()


def test_eval_of_a_folder_without_gold_is_an_error_not_perfect_scores(tmp_path):
    p = solieu("eval", str(tmp_path), str(SEEDS))
    err = p.stderr.decode()
    assert p.returncode == 1 and "Traceback" not in err and "1.000" not in p.stdout.decode()
    assert err.strip() == f"solieu: eval: {tmp_path}: no gold files (*.jsonl) found"


def test_eval_prints_scores_per_type():
    p = solieu("eval", str(GOLD_DEV), str(SEEDS), "--json")
    assert p.returncode == 0, p.stderr.decode()
    data = json.loads(p.stdout)
    assert data["documents"] == 5
    for t in ("figure", "legal_ref"):
        assert set(data[t]) >= {"precision", "recall", "f1", "fields"}
    assert {"unit", "role", "comparator", "indicator", "year"} <= set(data["figure"]["fields"])
    assert "id" in data["legal_ref"]["fields"]


def test_train_from_store_learns_from_reviews(tmp_path):
    """A record accepted in the store becomes a training example of `solieu train --from-store`."""
    from nlp.store import open_store

    db = tmp_path / "s.db"
    assert solieu("--db", str(db), "ingest", str(SEED), "--no-progress", "--workers", "1").returncode == 0
    store = open_store(db)
    rec = store.list_records(kind="figure")[0]
    store.review(rec["rid"], "correct", reviewer="t", expected_version=rec["version"], changes={"role": "other"})
    store.close()
    out = tmp_path / "model"
    p = solieu("--db", str(db), "train", "--from-store", "--out", str(out))
    assert p.returncode == 0, p.stderr.decode()
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    base = json.loads((SEEDS.parent.parent / "models" / "role" / "meta.json").read_text(encoding="utf-8"))
    # The training gold is extra + train (never the dev gate): the reviewed record, a dev
    # document's figure the reviewer corrected from target to other, is one more example.
    assert rec["role"] == "target" and rec["text"] == "48 nghìn doanh nghiệp"
    assert meta["training_data"]["gold_dirs"] == base["training_data"]["gold_dirs"] == [
        "corpus/gold/extra", "corpus/gold/train"]
    assert meta["n_examples"]["other"] == base["n_examples"]["other"] + 1
    assert meta["n_examples"]["target"] == base["n_examples"]["target"]
    assert meta["training_data"]["examples"] == base["training_data"]["examples"] + 1
    assert meta["training_data"]["sha256"] != base["training_data"]["sha256"]


def test_docbin_output_loads_in_spacy(tmp_path):
    from spacy.tokens import DocBin

    from nlp.spacy_doc import _vocab_nlp

    out = tmp_path / "o.spacy"
    assert solieu("extract", str(SEED), "--format", "docbin").returncode == 2
    p = solieu("extract", str(SEED), "--format", "docbin", "--out", str(out))
    assert p.returncode == 0, p.stderr.decode()
    (doc,) = DocBin().from_bytes(out.read_bytes()).get_docs(_vocab_nlp().vocab)
    assert any(s._.record["id"] == "82/2024/NĐ-CP" for s in doc.spans["legal_ref"])


def test_train_from_store_counts_a_figure_added_by_review(tmp_path):
    """A figure the extractor missed, added by a reviewer, is a training example too."""
    from nlp.store import open_store

    db = tmp_path / "s.db"
    assert solieu("--db", str(db), "ingest", str(SEED), "--no-progress", "--workers", "1").returncode == 0
    store = open_store(db)
    doc = store.list_documents()[0]
    text = store.get_document(doc["id"])["text"]
    taken = {(r["start"], r["end"]) for r in store.list_records(doc=doc["id"])}
    i = next(i for i in range(len(text) - 2) if text[i].isdigit() and not text[i - 1].isalnum()
             and all(not (s <= i < e) for s, e in taken))  # a number no record covers
    j = i
    while j < len(text) and (text[j].isdigit() or text[j] in ".,"):
        j += 1
    j -= text[j - 1] in ".,"
    rec = store.add_record(doc["id"], {"type": "figure", "start": i, "end": j, "value": 1, "role": "target"},
                           reviewer="t")
    assert rec["source"] == "review:added"
    store.close()
    out = tmp_path / "model"
    # the dev gold alone keeps the training short; the store's reviews come on top of it
    p = solieu("--db", str(db), "train", "--from-store", "--gold", str(GOLD_DEV), "--texts", str(SEEDS),
               "--out", str(out))
    assert p.returncode == 0, p.stderr.decode()
    assert "1 reviewed figure, 1 of them added by a reviewer" in p.stderr.decode()
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    from nlp.training.examples import examples_from_gold

    gold, _ = examples_from_gold([GOLD_DEV], [SEEDS])
    replaced = any((ex.doc, ex.fig.start, ex.fig.end) == (doc["id"], i, j) for ex in gold)
    assert meta["training_data"]["examples"] == len(gold) + 1 - replaced
