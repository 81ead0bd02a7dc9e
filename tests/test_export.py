import csv
import io
import json

from nlp.export import CSV_COLUMNS, to_csv, to_json, to_jsonl
from nlp.records import Figure, LegalRef, Relation, record_from_dict

F = Figure(start=3, end=6, text="42%", sentence=(0, 20), confidence=0.9, source="t", value=42.0, unit="%", role="actual", year=2024)
L = LegalRef(start=0, end=10, text="Nghị định 82", doc_type="Nghị định", number="82", id="Nghị định 82",
             relations=(Relation("amends", "73/2019/NĐ-CP"),))


def test_roundtrip_dict():
    for r in (F, L):
        assert record_from_dict(json.loads(json.dumps(r.to_dict()))) == r


def test_jsonl_and_json():
    assert [json.loads(x)["type"] for x in to_jsonl([F, L]).splitlines()] == ["figure", "legal_ref"]
    assert json.loads(to_json([F]))[0]["sentence"] == [0, 20]


def test_csv_columns_and_escaping():
    tricky = F.with_(indicator='tỷ lệ "hồ sơ", trực tuyến\nmới')
    rows = list(csv.DictReader(io.StringIO(to_csv([tricky, L]))))
    assert list(rows[0]) == CSV_COLUMNS
    assert rows[0]["indicator"] == 'tỷ lệ "hồ sơ", trực tuyến\nmới'
    assert rows[1]["relations"] == "amends 73/2019/NĐ-CP"
    assert rows[0]["sentence_end"] == "20"
