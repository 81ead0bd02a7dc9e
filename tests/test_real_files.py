"""The issue's sample files as published (../shared/corpus/files): .doc drafts, a scanned
draft law, a .docx with tables. Skipped where shared/ is not beside the repository."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from nlp.pipeline import extract
from nlp.readers import mark_ocr_records, read_document
from nlp.tables import is_table_record
from tests.paths import ROOT

FILES = Path(os.environ.get("SOLIEU_FILES", ROOT.parent / "shared" / "corpus" / "files"))
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not FILES.is_dir(), reason=f"{FILES} not found")]
ARTICLE = re.compile(r"(?m)^\s*Điều \d+[a-z]?\.\s+\S")


@pytest.mark.parametrize("name,articles", [
    ("0953aaa9d472492d8ec4327482fc2bcd.doc", 8), ("16f68e0793627c6233560fa084a91926ed0a4aca.doc", 2),
    ("5058145361894317ad88cdcdbc3b22ce.doc", 39),
    ("4e3d956a342143a09412977fc6dd0009.doc", 0),  # an annex listing decrees: no articles, 15 references
])
def test_doc_drafts_give_their_articles(name, articles):
    doc = read_document(FILES / name)
    assert len(ARTICLE.findall(doc.text)) >= articles
    recs = extract(doc.text)
    assert all(doc.text[r.start:r.end] == r.text for r in recs)
    if not articles:
        assert len({r.id for r in recs if r.type == "legal_ref"}) >= 10


def test_scanned_draft_law_cites_the_credit_institutions_laws():
    doc = read_document(FILES / "b7516be2362f44b090bdf27a287908c3.pdf", progress=False)
    assert doc.meta["ocr"]["pages"] == [1, 2, 3, 4, 5]
    recs = mark_ocr_records(doc, extract(doc.text))
    assert {"32/2024/QH15", "43/2024/QH15"} <= {r.id for r in recs if r.type == "legal_ref"}
    assert all(r.source.startswith("ocr:") and doc.text[r.start:r.end] == r.text for r in recs)


def test_docx_table_cell_figure_has_its_row_header():
    doc = read_document(FILES / "6ef4a8b535c93b42fc26b97eab39843e9c601b7e.docx")
    figs = [r for r in extract(doc.text) if r.type == "figure" and is_table_record(r)]
    f = next(r for r in figs if r.text == "663,79")
    assert f.indicator == "Tổng diện tích đất xây dựng đô thị" and f.unit == "ha" and f.value == 663790
    assert f.year == 2020  # from the caption "Bảng 1. … năm 2020"
