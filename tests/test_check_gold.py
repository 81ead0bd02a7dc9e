"""scripts/check_gold.py, the annotators' checker: a hand-typed value off by a power of a
thousand from what its text writes is an error, and every bundled gold file passes."""
import json

import pytest

from scripts.check_gold import check, scale_slip
from tests.paths import CORPUS

ALL_GOLD = [CORPUS / "gold" / n for n in ("dev", "extra", "train", "heldout", "agreement")]
ALL_TEXTS = [CORPUS / n for n in ("seeds", "extra", "train", "heldout")]


@pytest.mark.parametrize("text, value, slip", [
    ("2.500 tỷ đồng", 2.5e12, None),
    ("2.500 tỷ đồng", 2.5e15, "1.000 times"),
    ("1,176 triệu Euro", 1.176e9, "1.000 times"),
    ("1,176 triệu Euro", 1.176e6, None),
    ("1 triệu tỉ đồng", 1e15, None),
    ("1 triệu tỉ đồng", 1e18, "1.000 times"),
    ("64,4 nghìn tỷ", 64.4e12, None),
    ("300 triệu", 300e3, "1/1.000 of"),
    ("24", 24e9, None),  # a range's lower bound takes its upper bound's scale: not checked
    ("42%", 42, None),
])
def test_scale_slip(text, value, slip):
    assert scale_slip(text, value) == slip


def test_a_slip_is_an_error_and_the_right_value_is_not(tmp_path):
    (tmp_path / "d.txt").write_text("Doanh thu đạt 2.500 tỷ đồng.", encoding="utf-8")
    line = {"doc": "d", "type": "figure", "text": "2.500 tỷ đồng", "n": 1, "value": 2.5e15, "total": None,
            "unit": "đồng", "role": "actual", "comparator": "=", "indicator": "Doanh thu", "year": None}
    gold = tmp_path / "d.jsonl"
    gold.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    errors = check(gold, [tmp_path], show=False)
    assert len(errors) == 1 and "1.000 times" in errors[0]
    gold.write_text(json.dumps({**line, "value": 2.5e12}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert check(gold, [tmp_path], show=False) == []


@pytest.mark.parametrize("gold_dir", ALL_GOLD, ids=lambda d: d.name)
def test_every_bundled_gold_file_passes_the_checker(gold_dir):
    assert any(gold_dir.glob("*.jsonl"))
    errors = [e for f in sorted(gold_dir.glob("*.jsonl")) for e in check(f, ALL_TEXTS, show=False)]
    assert errors == []
