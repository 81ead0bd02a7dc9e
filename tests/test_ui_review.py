"""nlp.ui.review: typed numbers and corrections validated before they reach the store."""
from __future__ import annotations

import json

import pytest

from nlp.records import COMPARATORS, ROLES
from nlp.ui.review import CHOICES, editable_fields, form_value, format_number, parse_number, validate_edit
from tests.paths import ROOT

CASES = ROOT / "tests" / "cases"


def _load(name):
    return [json.loads(x) for x in (CASES / name).read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.mark.parametrize("case", _load("ui_numbers.jsonl"), ids=lambda c: c["input"] or "blank")
def test_parse_number(case):
    if case.get("error"):
        with pytest.raises(ValueError):
            parse_number(case["input"])
    else:
        assert parse_number(case["input"]) == case["value"]


@pytest.mark.parametrize("case", _load("ui_edits.jsonl"), ids=lambda c: c["why"])
def test_validate_edit(case):
    changes, errors = validate_edit(case["record"], case["form"])
    assert changes == case["changes"]
    assert sorted(errors) == sorted(case["errors"])
    assert all(errors.values())  # each error says why


@pytest.mark.parametrize("v", [0.0, 42.0, 22.4, 50350.0, 1e-05, 16e12, 1234.5678, -3.25, -1234567.5, 999.0, 1000.0])
def test_format_number_reads_back(v):
    assert parse_number(format_number(v)) == v


def test_form_values_roundtrip_to_no_changes():
    fig = {"type": "figure", "value": 22.4, "total": None, "unit": "%", "role": "target", "comparator": ">=",
           "indicator": "tỷ trọng kinh tế số", "year": 2025}
    legal = {"type": "legal_ref", "id": "82/2024/NĐ-CP", "doc_type": "Nghị định", "number": "82", "year": 2024,
             "code": "NĐ-CP", "issued": None, "refers_to": None}
    for rec in (fig, legal):
        form = {f: form_value(rec, f) for f in editable_fields(rec)}
        assert validate_edit(rec, form) == ({}, {})


def test_choices_are_the_record_contract():
    assert CHOICES["role"] == ROLES and CHOICES["comparator"] == COMPARATORS
    assert editable_fields({"type": "ignore"}) == ()


def test_format_number_groups_the_vietnamese_way():
    assert format_number(7065e9) == "7.065.000.000.000"
    assert format_number(22.4) == "22,4"
    assert format_number(None) == ""
