"""nlp.records: the one field list (store columns, CSV, review form derive from it) and the one
set of checks for a changed field (the store and the review form both use it)."""
from __future__ import annotations

import pytest

from nlp.export import CSV_COLUMNS
from nlp.records import (COMMON_FIELDS, FIELDS, REPORTED_KINDS, YEAR_RANGE, FieldError, Figure, LegalRef, as_dict,
                         check_changes, check_field, unique_fields)
from nlp.store import ValidationError, open_store
from nlp.store.sqlite.rows import CONTRACT
from nlp.ui.review import editable_fields, validate_edit

from .store_support import gold_documents


def test_field_lists_follow_the_dataclasses():
    assert COMMON_FIELDS == ("start", "end", "text", "sentence", "confidence", "source")
    assert FIELDS["figure"] == ("value", "total", "unit", "role", "comparator", "indicator", "year")
    assert FIELDS["legal_ref"] == ("doc_type", "number", "year", "code", "issued", "id", "refers_to", "relations")
    assert FIELDS["ignore"] == ("reason",)
    fig = Figure(start=0, end=3, text="42%", value=42.0).to_dict()
    assert set(fig) == {"type", *COMMON_FIELDS, *FIELDS["figure"]}


def test_consumers_derive_their_fields_from_the_record_contract():
    assert set(CONTRACT) == {f for k in FIELDS for f in FIELDS[k]}  # one store column per field
    assert [c for c in CSV_COLUMNS if c in CONTRACT] == list(unique_fields(REPORTED_KINDS))
    for kind in REPORTED_KINDS:
        assert set(editable_fields({"type": kind})) == set(FIELDS[kind]) - {"relations"}


def test_every_field_has_a_check():
    for f in unique_fields(tuple(FIELDS)):
        sample = {"relations": [], "role": "actual", "comparator": "=", "issued": "2024-09-16", "year": 2024}
        check_field(f, sample.get(f, "1"))


@pytest.mark.parametrize("kind,changes,error", [
    ("figure", {"value": "x"}, "value must be a number"),
    ("figure", {"total": 0}, "total must be positive"),
    ("figure", {"role": "goal"}, "role must be one of"),
    ("figure", {"year": YEAR_RANGE[0] - 1}, "year must be a year between"),
    ("figure", {"id": "1/QĐ-TTg"}, "cannot change id of a figure"),
    ("legal_ref", {"issued": "16/9/2024"}, "issued must be an ISO date"),
    ("legal_ref", {"relations": [{"type": "cites", "target": "x"}]}, "relation type must be one of"),
    ("figure", {}, "at least one changed field"),
])
def test_check_changes_says_why(kind, changes, error):
    with pytest.raises(FieldError, match=error):
        check_changes(kind, changes)


def test_check_changes_normalises():
    assert check_changes("figure", {"unit": " Doanh Nghiệp ", "year": "2025", "total": "53"}) == \
        {"unit": "doanh nghiệp", "year": 2025, "total": 53.0}
    rel = check_changes("legal_ref", {"relations": [{"type": "amends", "target": " 73/2019/NĐ-CP "}]})
    assert rel == {"relations": [{"type": "amends", "target": "73/2019/NĐ-CP"}]}


def test_as_dict_takes_records_and_dicts():
    r = LegalRef(start=0, end=4, text="Đề án 06", id="Đề án 06")
    assert as_dict(r) == r.to_dict() and as_dict(as_dict(r)) == r.to_dict()


def test_the_store_and_the_review_form_accept_the_same_years(tmp_path):
    lo, hi = YEAR_RANGE
    with open_store(tmp_path / "y.db") as store:
        store.add_document(*next((d, r) for d, r in gold_documents() if any(x.type == "figure" for x in r)))
        fig = store.list_records(kind="figure", order="position")[0]
        for year, ok in ((lo - 1, False), (lo, True), (hi, True), (hi + 1, False)):
            changes, errors = validate_edit(fig, {"year": str(year)})
            assert (not errors) == ok, (year, errors)
            try:
                fig = store.review(fig["rid"], "correct", reviewer="lan", expected_version=fig["version"],
                                   changes={"year": year})
                stored = True
            except ValidationError:
                stored = False
            assert stored == ok, year
