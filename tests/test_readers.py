"""Legacy .doc, scanned PDFs (OCR) and tables from .docx/HTML/text-layer PDFs, on small files made by
scripts/make_fixtures.py (committed under tests/fixtures/readers/): text, offsets, and each
table figure's indicator, year and role."""
from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest

from nlp.pipeline import extract
from nlp.readers import DocumentError, document_from_bytes, mark_ocr_records, read_document
from nlp.readers import ocr as ocr_mod
from nlp.tables import is_table_record

FIX = Path(__file__).parent / "fixtures" / "readers"


def error_of(fn, *args, **kw) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        fn(*args, **kw)
    exc = info.value
    assert "\n" not in str(exc) and "Traceback" not in str(exc) and exc.kind
    return exc


def check_offsets(text, records):
    for r in records:
        assert text[r.start:r.end] == r.text, r
        assert r.sentence[0] <= r.start and r.end <= r.sentence[1]


def table_figures(text):
    recs = extract(text)
    check_offsets(text, recs)
    return {(r.indicator, r.text, r.value): r for r in recs if r.type == "figure" and is_table_record(r)}


def cer(truth: str, got: str) -> float:
    from rapidfuzz.distance import Levenshtein

    t, g = (re.sub(r"\s+", " ", unicodedata.normalize("NFC", x)).strip() for x in (truth, got))
    return Levenshtein.distance(t, g) / len(t)


# ------------------------------------------------------------------ .doc

def test_doc_saved_by_libreoffice_gives_its_articles_and_refs():
    doc = read_document(FIX / "law.doc")
    assert doc.meta["format"] == "doc" and doc.meta["converter"] in ("antiword", "catdoc")
    assert unicodedata.is_normalized("NFC", doc.text)
    assert "Điều 1. Sửa đổi, bổ sung một số điều của Luật Các tổ chức tín dụng" in doc.text
    assert "Điều 2. Hiệu lực thi hành" in doc.text
    assert doc.title == "LUẬT SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA LUẬT CÁC TỔ CHỨC TÍN DỤNG"
    recs = extract(doc.text)
    check_offsets(doc.text, recs)
    assert "32/2024/QH15" in {r.id for r in recs if r.type == "legal_ref"}


def test_doc_table_rows_become_table_figures():
    doc = read_document(FIX / "law.doc")
    assert "| Chỉ tiêu | Kế hoạch 2025 | Thực hiện 2024 |" in doc.text
    figs = table_figures(doc.text)
    plan = figs[("Tăng trưởng tín dụng", "15", 15.0)]
    done = figs[("Tăng trưởng tín dụng", "13,8", 13.8)]
    assert (plan.role, plan.year, plan.unit) == ("target", 2025, "%")
    assert (done.role, done.year, done.unit) == ("actual", 2024, "%")


def test_doc_misnamed_docx_and_html_are_read_by_content():
    from tests.test_text import make_docx

    assert document_from_bytes(make_docx(), "x.doc").meta["format"] == "docx"
    html = "<!DOCTYPE html><html><body><p>Điều 1. Tỷ lệ đạt 42%.</p></body></html>".encode()
    assert document_from_bytes(html, "web.doc").meta["format"] == "html"


@pytest.mark.parametrize("data,needle", [
    (b"\xd0\xcf\x11\xe0 old word", "broken .doc"),
    (b"plain words named .doc", "broken .doc"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "broken .doc"),
])
def test_broken_doc_one_line(data, needle, monkeypatch):
    monkeypatch.setattr("nlp.readers.doc._libreoffice", lambda: None)
    assert needle in error_of(document_from_bytes, data, "b.doc").reason


def test_doc_without_any_converter_says_what_to_install(monkeypatch):
    monkeypatch.setattr("nlp.readers.doc.shutil.which", lambda name: None)
    exc = error_of(read_document, FIX / "law.doc")
    assert "antiword" in exc.reason and exc.kind == "DOC converter missing" and exc.name.endswith("law.doc")


# ------------------------------------------------------------------ scanned PDF (OCR)

def test_scanned_page_is_read_by_ocr_with_low_error_rate():
    doc = read_document(FIX / "scan.pdf", progress=False)
    truth = (FIX / "scan.txt").read_text(encoding="utf-8")
    ocr = doc.meta["ocr"]
    assert ocr["pages"] == [1] and ocr["lang"] == "vie" and ocr["engine"].startswith("tesseract")
    assert ocr["spans"] == [[0, len(doc.text)]]
    assert unicodedata.is_normalized("NFC", doc.text)
    assert cer(truth, doc.text) <= 0.02
    assert doc.header()["ocr"]["pages"] == [1]  # the CLI's doc header says so too


def test_ocr_records_are_marked_and_cite_the_laws():
    doc = read_document(FIX / "scan.pdf", progress=False)
    recs = mark_ocr_records(doc, extract(doc.text))
    check_offsets(doc.text, recs)
    assert recs and all(r.source.startswith("ocr:") for r in recs)
    assert {"32/2024/QH15", "43/2024/QH15"} <= {r.id for r in recs if r.type == "legal_ref"}
    assert any(r.type == "figure" and r.text == "42,5%" for r in recs)
    # dicts too, and marking twice does not stack prefixes
    again = mark_ocr_records(doc, [r.to_dict() for r in recs])
    assert all(d["source"].startswith("ocr:") and not d["source"].startswith("ocr:ocr:") for d in again)


def test_ocr_progress_bar_on_stderr(capfd):
    read_document(FIX / "scan.pdf", progress=True)
    assert "OCR scan.pdf" in capfd.readouterr().err


def test_missing_tesseract_is_one_clear_line(monkeypatch):
    monkeypatch.setattr(ocr_mod, "engine", lambda: (None, f"tesseract is not installed ({ocr_mod.INSTALL_HINT})"))
    exc = error_of(read_document, FIX / "scan.pdf")
    assert "tesseract is not installed" in exc.reason and "apt-get install" in exc.reason
    assert exc.kind == "OCR not available"


def test_ocr_off(monkeypatch):
    monkeypatch.setenv("SOLIEU_OCR", "0")
    assert "OCR is off" in error_of(read_document, FIX / "scan.pdf").reason


def two_page_scan() -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for _ in range(2):
        w.add_page(PdfReader(FIX / "scan.pdf").pages[0])
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_ocr_page_bound(monkeypatch):
    monkeypatch.setenv("SOLIEU_OCR_MAX_PAGES", "1")
    exc = error_of(document_from_bytes, two_page_scan(), "big.pdf")
    assert "2 pages need OCR, more than the limit of 1" in exc.reason and "SOLIEU_OCR_MAX_PAGES" in exc.reason


def test_ocr_time_bound(monkeypatch):
    import time

    def slow(png, timeout):
        time.sleep(min(max(1.0, timeout), 1.5))  # as ocr._tesseract: never less than 1 s (nor negative)
        return "chậm"

    monkeypatch.setenv("SOLIEU_OCR_MAX_SECONDS", "1")
    monkeypatch.setenv("SOLIEU_OCR_WORKERS", "1")
    monkeypatch.setattr(ocr_mod, "_tesseract", slow)
    exc = error_of(document_from_bytes, two_page_scan(), "slow.pdf")
    assert exc.reason.startswith("OCR stopped") and "SOLIEU_OCR_MAX_SECONDS" in exc.reason


# ------------------------------------------------------------------ tables from .docx and HTML

def test_docx_table_plan_and_result_columns():
    doc = read_document(FIX / "plan.docx")
    lines = doc.text.split("\n")
    assert "| TT | Chỉ tiêu | Đơn vị tính | Năm 2024 | Năm 2024 | Kế hoạch 2025 |" in lines  # span written per column
    assert "|  |  |  | Kế hoạch | Thực hiện |  |" in lines
    figs = table_figures(doc.text)
    expect = {
        ("Tỷ lệ hồ sơ trực tuyến toàn trình", "50", 50.0): ("target", 2024, "%"),
        ("Tỷ lệ hồ sơ trực tuyến toàn trình", "52,3", 52.3): ("actual", 2024, "%"),
        ("Tỷ lệ hồ sơ trực tuyến toàn trình", "60", 60.0): ("target", 2025, "%"),
        ("Doanh thu dịch vụ số", "1.200", 1.2e12): ("target", 2024, "đồng"),
        ("Doanh thu dịch vụ số", "1.350,5", 1.3505e12): ("actual", 2024, "đồng"),
        ("Số doanh nghiệp công nghệ số", "350", 350.0): ("target", 2025, "doanh nghiệp"),
    }
    for key, (role, year, unit) in expect.items():
        f = figs[key]
        assert (f.role, f.year, f.unit) == (role, year, unit), key
        assert f.source.startswith("table:")
    assert len(figs) == 9
    assert "82/2024/NĐ-CP" in {r.id for r in extract(doc.text) if r.type == "legal_ref"}


def test_html_table_plan_and_estimate_columns():
    doc = read_document(FIX / "plan.html")
    assert "| STT | Chỉ tiêu | ĐVT | Năm 2024 | Năm 2024 | Mục tiêu 2025 |" in doc.text.split("\n")
    figs = table_figures(doc.text)
    assert (figs[("Tỷ lệ dịch vụ công trực tuyến", "80", 80.0)].role, figs[("Tỷ lệ dịch vụ công trực tuyến", "80", 80.0)].year) == ("target", 2024)
    est = figs[("Tỷ lệ dịch vụ công trực tuyến", "85,5", 85.5)]
    assert (est.role, est.year, est.unit) == ("actual", 2024, "%")  # `Ước thực hiện`: an estimate is actual
    goal = figs[("Tỷ lệ dịch vụ công trực tuyến", "90", 90.0)]
    assert (goal.role, goal.year) == ("target", 2025)
    users = figs[("Số người dùng ứng dụng công dân số", "620", 620000.0)]
    assert (users.role, users.year, users.unit) == ("actual", 2024, "người")


def test_html_layout_table_is_read_as_paragraphs():
    long = "Nội dung bài viết rất dài. " * 80
    html = f"<html><body><table><tr><td>Menu</td><td><p>{long}</p><p>Đoạn hai đạt 42%.</p></td></tr></table></body></html>"
    doc = document_from_bytes(html.encode(), "layout.html")
    assert "|" not in doc.text and "Đoạn hai đạt 42%." in doc.text.split("\n")


def test_title_detection_reads_only_the_top_lines(monkeypatch):
    import nlp.leftovers as leftovers
    from nlp.readers import document_from_text

    seen = []
    real = leftovers.find_leftovers
    monkeypatch.setattr(leftovers, "find_leftovers", lambda text: seen.append(len(text)) or real(text))
    body = "Tiêu đề bài viết\n" + "Một câu dài của bài viết đạt 42%.\n" * 2000
    assert document_from_text(body).title == "Tiêu đề bài viết"
    assert seen and max(seen) < 1000  # never the whole document (the pipeline's pass)


def test_letterhead_table_title_is_a_cell():
    from nlp.readers import document_from_text

    text = "| BỘ Y TẾ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n|  | Hà Nội, ngày 5 tháng 3 năm 2025 |\n\nBáo cáo"
    doc = document_from_text(text)
    assert doc.title == "BỘ Y TẾ" and doc.date == "2025-03-05"


# ------------------------------------------------------------------ ruled tables in text-layer PDFs

PLAN_PDF_TEXT = """BÁO CÁO KẾT QUẢ CHUYỂN ĐỔI SỐ NĂM 2024
Năm 2024, tỉnh đã triển khai đồng bộ các nhiệm vụ theo Nghị định số
82/2024/NĐ-CP.
Bảng 1. Các chỉ tiêu chủ yếu
| Chỉ tiêu | Kế hoạch 2025 | Thực hiện 2024 |
| Tỷ lệ hồ sơ trực tuyến toàn trình (%) | 60 | 52,3 |
| Số doanh nghiệp công nghệ số | 350 | 320 |
| Doanh thu dịch vụ số (tỷ đồng) | 1.500 | 1.350,5 |
Sau bảng: tiếp tục thực hiện Đề án 06 của Chính phủ.

Bảng 2. Người dùng và chữ ký số
| TT | Chỉ tiêu | Năm 2024 | Năm 2024 | Mục tiêu 2025 |
|  |  | Kế hoạch | Thực hiện |  |
| 1 | Số người dùng ứng dụng công dân số (nghìn người) | 500 | 620 | 800 |
| 2 | Tỷ lệ dân số trưởng thành có chữ ký số (%) | 40 | 45,5 | 50 |
| 3 | Số giao dịch không dùng tiền mặt (triệu giao dịch) | 150 | 162,5 | 200 |
Tỉnh phấn đấu đến năm 2025 có 1.000 nghìn người dùng ứng dụng."""


def test_pdf_ruled_tables_are_rows_with_the_text_around_them():
    doc = read_document(FIX / "plan.pdf")
    # page 1: text, caption, table, text; page 2's table goes on over the page break (one line
    # break, not a blank line, joins pages 2 and 3); merged header cells as in .docx/HTML
    assert doc.text == PLAN_PDF_TEXT
    assert doc.meta["pages"] == 3 and doc.meta["tables"] == 3 and "ocr" not in doc.meta
    assert doc.text.count("Tỷ lệ hồ sơ trực tuyến toàn trình") == 1  # table text is not repeated


def test_pdf_table_figures_plan_and_result_columns():
    doc = read_document(FIX / "plan.pdf")
    figs = table_figures(doc.text)  # checks text[start:end] == text for every record
    expect = {
        ("Tỷ lệ hồ sơ trực tuyến toàn trình", "60", 60.0): ("target", 2025, "%"),
        ("Tỷ lệ hồ sơ trực tuyến toàn trình", "52,3", 52.3): ("actual", 2024, "%"),
        ("Số doanh nghiệp công nghệ số", "350", 350.0): ("target", 2025, None),
        ("Số doanh nghiệp công nghệ số", "320", 320.0): ("actual", 2024, None),
        ("Doanh thu dịch vụ số", "1.500", 1.5e12): ("target", 2025, "đồng"),
        ("Doanh thu dịch vụ số", "1.350,5", 1.3505e12): ("actual", 2024, "đồng"),
        # `Năm 2024` merged over `Kế hoạch | Thực hiện`; `Mục tiêu 2025` merged down
        ("Số người dùng ứng dụng công dân số", "500", 5e5): ("target", 2024, "người"),
        ("Số người dùng ứng dụng công dân số", "620", 6.2e5): ("actual", 2024, "người"),
        ("Số người dùng ứng dụng công dân số", "800", 8e5): ("target", 2025, "người"),
        ("Tỷ lệ dân số trưởng thành có chữ ký số", "45,5", 45.5): ("actual", 2024, "%"),
        # the row on the next page keeps the header of page 2
        ("Số giao dịch không dùng tiền mặt", "162,5", 162.5e6): ("actual", 2024, "giao dịch"),
        ("Số giao dịch không dùng tiền mặt", "200", 200e6): ("target", 2025, "giao dịch"),
    }
    for key, (role, year, unit) in expect.items():
        f = figs[key]
        assert (f.role, f.year, f.unit) == (role, year, unit), key
        assert f.source.startswith("table:")
    assert len(figs) == 6 + 9
    recs = extract(doc.text)
    assert "82/2024/NĐ-CP" in {r.id for r in recs if r.type == "legal_ref"}
    # the sentence after the tables is prose, not a table cell
    prose = next(r for r in recs if r.type == "figure" and r.text.startswith("1.000"))
    assert not is_table_record(prose)


def boxes_pdf() -> bytes:
    """Two pages drawn with rules that are no data table (reportlab, Helvetica: no font
    file needed): page 1 a letterhead underline and highlighted lines (wide filled shapes),
    page 2 a paragraph in a frame (a one-cell table)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    c.drawString(72, 790, "UY BAN NHAN DAN TINH")
    c.line(72, 786, 200, 786)
    for k, line in enumerate(["Ty le ho so truc tuyen dat 42%.", "Doanh thu dich vu so dat 1.350 ty dong.",
                              "Nghi dinh so 82/2024/ND-CP."]):
        y = 700 - 18 * k
        c.setFillColorRGB(1, 1, 0.6)
        c.rect(70, y - 4, 300, 16, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.drawString(72, y, line)
    c.showPage()
    c.setFont("Helvetica", 11)
    c.rect(60, 600, 450, 80, stroke=1, fill=0)
    c.drawString(72, 650, "Khung: ty le dat 85% trong nam 2024.")
    c.drawString(72, 630, "Dong thu hai cua khung.")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def plumber_calls(monkeypatch):
    import pdfplumber

    calls = []
    real = pdfplumber.open
    monkeypatch.setattr(pdfplumber, "open", lambda *a, **kw: calls.append(kw.get("pages")) or real(*a, **kw))
    return calls


def test_pdf_without_ruling_is_never_read_by_pdfplumber(plumber_calls):
    from tests.test_text import minimal_pdf

    doc = document_from_bytes(minimal_pdf(["Nghi dinh so 82/2024/ND-CP", "Ty le dat 42%"]), "r.pdf")
    assert doc.text.split("\n")[:2] == ["Nghi dinh so 82/2024/ND-CP", "Ty le dat 42%"] and "tables" not in doc.meta
    assert plumber_calls == []


def test_rules_that_are_no_table_keep_pypdfs_text(plumber_calls, monkeypatch):
    from nlp.readers import pdf_tables

    data = boxes_pdf()
    # highlights are wide filled shapes, the underline is horizontal only: page 1 is not even
    # looked at; the framed paragraph (page 2) is, and pdfplumber finds no 2-column table there
    assert pdf_tables.ruled_pages(data, [0, 1]) == [1]
    doc = document_from_bytes(data, "boxes.pdf")
    assert plumber_calls == [[2]] and "tables" not in doc.meta and "|" not in doc.text
    monkeypatch.setattr(pdf_tables, "read_table_pages", lambda *a: {})
    assert document_from_bytes(data, "boxes.pdf").text == doc.text  # exactly pypdf's text


def test_pdfplumber_failure_keeps_the_flat_text(monkeypatch):
    import pdfplumber

    def broken(*a, **kw):
        raise ValueError("pdfminer cannot parse this")

    monkeypatch.setattr(pdfplumber, "open", broken)
    doc = read_document(FIX / "plan.pdf")
    assert "|" not in doc.text and "Kế hoạch 2025\nThực hiện 2024" in doc.text and "tables" not in doc.meta


def test_pdf_page_turned_sideways_keeps_pypdfs_text(plumber_calls):
    from pypdf import PdfReader, PdfWriter

    w, buf = PdfWriter(), io.BytesIO()
    w.add_page(PdfReader(FIX / "plan.pdf").pages[0])
    w.pages[0].rotate(90)
    w.write(buf)
    doc = document_from_bytes(buf.getvalue(), "landscape.pdf")
    assert "|" not in doc.text and doc.text.startswith(PLAN_PDF_TEXT.split("\n", 1)[0]) and plumber_calls == []


def test_pdf_page_joins_and_ocr_spans():
    from nlp.readers.pdf import _separators, _spans

    pages = ["Bảng 1\n| a | b |\n| x | 1 |", "| y | 2 |\nSau bảng", "văn bản quét", "| z | 3 |"]
    seps = _separators(pages, tabled={0, 1, 3})
    assert seps == ["\n", "\n\n", "\n\n"]  # only a row going on over the break joins with one \n
    text = pages[0] + "".join(sep + p for sep, p in zip(seps, pages[1:]))
    [(s, e)] = _spans(pages, seps, {2})
    assert text[s:e] == "văn bản quét"
    assert _separators(["| a | b |", "| a | b | c |"], tabled={0, 1}) == ["\n\n"]  # not as wide: two tables
    assert _separators(["| a | b |", "| c | d |"], tabled={0}) == ["\n\n"]  # pypdf's page: never joined


class _FakeTable:
    """What table_grid reads of a pdfplumber Table: cells, rows (cells aligned to the column
    starts, None where no cell starts), extract() and bbox."""

    def __init__(self, cells):
        from types import SimpleNamespace

        self.cells = [c for c, _ in cells]
        xs = sorted({c[0] for c in self.cells})
        tops = sorted({c[1] for c in self.cells})
        by_pos = {(c[0], c[1]): (c, t) for c, t in cells}
        self.rows = [SimpleNamespace(cells=[by_pos.get((x, y), (None,))[0] for x in xs],
                                     bbox=(0, y, 0, 0)) for y in tops]
        self._texts = [[by_pos[(x, y)][1] if (x, y) in by_pos else None for x in xs] for y in tops]
        self.bbox = (xs[0], tops[0], max(c[2] for c in self.cells), max(c[3] for c in self.cells))

    def extract(self):
        return self._texts


def test_table_grid_merged_cells():
    from nlp.readers.grid import render_rows
    from nlp.readers.pdf_tables import table_grid

    # | Chỉ tiêu (merged down) | Năm 2024 (merged across) |
    # |                        | KH | TH |
    # | Tỷ lệ | 50 | 52,3 |
    cells = [((0, 0, 100, 40), "Chỉ tiêu"), ((100, 0, 200, 20), "Năm\n2024"),
             ((100, 20, 150, 40), "Kế hoạch"), ((150, 20, 200, 40), "Thực hiện"),
             ((0, 40, 100, 60), "Tỷ lệ | %"), ((100, 40, 150, 60), "50"), ((150, 40, 200, 60), "52,3")]
    grid = table_grid(_FakeTable(cells))
    assert [[c.origin for c in row] for row in grid] == [["own", "own", "left"], ["up", "own", "own"],
                                                         ["own", "own", "own"]]
    assert render_rows(grid) == ["| Chỉ tiêu | Năm 2024 | Năm 2024 |", "|  | Kế hoạch | Thực hiện |",
                                 "| Tỷ lệ ¦ % | 50 | 52,3 |"]
    one_column = [((0, 0, 100, 20), "a"), ((0, 20, 100, 40), "b")]
    assert table_grid(_FakeTable(one_column)) is None  # a framed paragraph, not a data table
