"""The indicator key (nlp.indicator_key): pairs of phrases that must, or must not, share a key
(tests/cases/indicator_keys.jsonl), determinism, and the version stores compare."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.indicator_key import KEY_VERSION, indicator_key, key_version

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "indicator_keys.jsonl")
         .read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['a']}|{c['b']}" for c in CASES])
def test_pairs(case):
    a, b = indicator_key(case["a"], case["unit"]), indicator_key(case["b"], case["unit"])
    assert a and b
    assert (a == b) == case["same"], (a, b, case["why"])


def test_both_kinds_of_pairs_are_covered():
    assert sum(c["same"] for c in CASES) >= 5 and sum(not c["same"] for c in CASES) >= 5


def test_deterministic_and_pure():
    phrase = "tỉ lệ hồ sơ được giải quyết đúng hạn của tỉnh năm 2024"
    assert len({indicator_key(phrase, "%") for _ in range(3)}) == 1
    assert indicator_key(phrase, "%") == "ty le ho so giai quyet dung han"


@pytest.mark.parametrize("value", [None, "", "   ", 42])
def test_no_phrase_no_key(value):
    assert indicator_key(value, "%") == ""


def test_unit_is_optional_and_may_be_anything():
    assert indicator_key("số hộ dân được hỗ trợ") == "so ho dan ho tro"
    assert indicator_key("số hộ dân được hỗ trợ", "hộ") == "ho dan ho tro"  # the unit's own noun after `số`
    assert indicator_key("kim ngạch xuất khẩu", "tấn") == "kim ngach xuat khau"


def test_version_names_the_function_and_its_rules():
    assert KEY_VERSION >= 2 and key_version().startswith(f"{KEY_VERSION}:")
