"""Reading files into Documents (nlp.readers): every format, the canonical NFC text, and one
clear DocumentError line for every kind of bad input. PDFs and DOCX are generated here;
.doc, OCR and tables: tests/test_readers.py."""
from __future__ import annotations

import hashlib
import io
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from nlp.training.gold import read_text
from nlp.readers import (
    MAX_BYTES, SUPPORTED_EXTENSIONS, Document, DocumentError, document_from_bytes, document_from_text,
    find_date_line, read_document,
)
from tests.paths import TEXT_DIRS

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = "Tỷ lệ hồ sơ trực tuyến toàn trình đạt 42% theo Nghị định số 82/2024/NĐ-CP.\n"


# ------------------------------------------------------------------ generators of test files

def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds `lines` (Helvetica, so ASCII only), xref exact."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    w, buf = PdfWriter(), io.BytesIO()
    w.add_blank_page(612, 792)
    w.write(buf)
    return buf.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    w, buf = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf(["Ty le dat 42%"])))), io.BytesIO()
    w.encrypt(user_password, owner_password="owner", algorithm="RC4-128")
    w.write(buf)
    return buf.getvalue()


def make_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("Báo cáo chuyển đổi số", 1)
    d.add_paragraph("Tỷ lệ hồ sơ trực tuyến đạt 42%.")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Chỉ tiêu", "Kết quả"
    t.cell(1, 0).merge(t.cell(1, 1)).text = "43/53 dịch vụ"
    d.add_paragraph("Sau bảng: Đề án 06.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as old Vietnamese sites wrote it: vowel letters precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
        out += (base + "".join(c for c in d if c in tones)).encode("cp1258")
    return out


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def error_of(fn, *args, **kw) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        fn(*args, **kw)
    exc = info.value
    assert "\n" not in str(exc) and "Traceback" not in str(exc)  # one readable line
    assert exc.reason and str(exc) == f"{exc.name}: {exc.reason}"
    return exc


# ------------------------------------------------------------------ plain text

def test_corpus_texts_read_exactly_as_the_gold_indexes_them():
    paths = [p for d in TEXT_DIRS for p in sorted(d.glob("*.txt"))]
    assert paths
    for p in paths:
        doc = read_document(p)
        assert doc.text == read_text(p)
        assert doc.id == p.stem and doc.path == str(p) and doc.meta["format"] == "text"
        assert doc.sha256 == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        assert doc.title


def test_txt_nothing_stripped_bom_dropped_nfd_normalised(tmp_path):
    raw = "\ufeff  \r\n" + unicodedata.normalize("NFD", ARTICLE) + "\n\n  "
    doc = read_document(write(tmp_path, "a.txt", raw.encode("utf-8")))
    assert doc.text == unicodedata.normalize("NFC", raw[1:])  # only the BOM goes
    assert doc.text.startswith("  \r\n") and doc.text.endswith("\n\n  ")
    assert unicodedata.is_normalized("NFC", doc.text)
    assert doc.title == ARTICLE.strip()


def test_utf16_with_bom_is_read(tmp_path):
    doc = read_document(write(tmp_path, "w.txt", ARTICLE.encode("utf-16")))
    assert doc.text == ARTICLE


def test_title_skips_leftovers_and_dateline_and_date_is_found():
    text = "Skip Ribbon Commands\nSkip to main content\nNgày 09/08/2022-13:12:00 PM\nHội nghị sơ kết\n\nNội dung."
    doc = document_from_bytes(text.encode(), "p.txt")
    assert doc.title == "Hội nghị sơ kết" and doc.date == "2022-08-09"


def test_official_document_title_is_its_type_and_subject():
    text = ("VĂN PHÒNG CHÍNH\nPHỦ\nCỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM\nSố: 634/TB-VPCP\n"
            "*Hà Nội, ngày 22\ntháng 11 năm 2025*\n\nTHÔNG BÁO\n\nKẾT\nLUẬN CỦA THỦ TƯỚNG CHÍNH PHỦ\n"
            "TẠI BUỔI LÀM VIỆC\n\nTừ ngày 08 đến ngày 09 tháng 11 năm 2025 tại Thanh Hóa, ...")
    doc = document_from_text(text)
    assert doc.title == "THÔNG BÁO KẾT LUẬN CỦA THỦ TƯỚNG CHÍNH PHỦ TẠI BUỔI LÀM VIỆC"
    assert doc.date == "2025-11-22"


def test_markdown_title_without_hashes(tmp_path):
    doc = read_document(write(tmp_path, "n.md", "# Gen AI là gì?\n\nNội dung.".encode()))
    assert doc.title == "Gen AI là gì?" and doc.text.startswith("# Gen AI")


@pytest.mark.parametrize("text,expected", [
    ("8:42, Thứ Tư, 1-12-2021\n\nNội dung", "2021-12-01"),
    ("VĂN PHÒNG CHÍNH PHỦ\nSố: 634/TB-VPCP\n*Hà Nội, ngày 22\ntháng 11 năm 2025*\nTHÔNG BÁO", "2025-11-22"),
    ("Tiêu đề\nChiều 12/7, Văn phòng Chính phủ tổ chức hội nghị.", None),  # no year: not a dateline
    ("Tiêu đề\n" + "Ngày 10/7/2024, " + "Thủ tướng chủ trì phiên họp về chuyển đổi số quốc gia " * 3, None),  # a sentence
    ("Ngày 31/02/2024", None),  # not a real date
])
def test_dateline(text, expected):
    assert find_date_line(text) == expected


# ------------------------------------------------------------------ HTML

def test_html_main_text_structure_title_date():
    doc = read_document(FIXTURES / "gov_article.html")
    lines = doc.text.split("\n")
    assert lines[0] == "Hội nghị sơ kết chuyển đổi số 6 tháng đầu năm 2023"
    assert "Phát triển cơ sở dữ liệu;" in lines and "Đẩy mạnh dịch vụ công trực tuyến." in lines  # list items
    assert "| Dịch vụ công | 43/53 dịch vụ |" in lines  # a table row is one line, cells by ` | `
    assert "đạt 42%" in doc.text  # &nbsp; is a space
    for leak in ("SCRIPT-LEAK", "STYLE-LEAK", "alert(1)", "ASIDE-LEAK", "FOOTER-LEAK", "Trang chủ", "color: red"):
        assert leak not in doc.text, leak
    assert "<script>alert(2)</script> là văn bản" in doc.text  # escaped text stays text
    assert doc.title == "Hội nghị sơ kết chuyển đổi số 6 tháng đầu năm 2023"  # og:title
    assert doc.date == "2023-07-12" and doc.source == "Cổng thông tin điện tử tỉnh"
    assert doc.meta["format"] == "html" and unicodedata.is_normalized("NFC", doc.text)


def test_html_scripts_never_appear_and_title_falls_back():
    page = ("<html><head><title>Tiêu đề trang</title><script>alert(1)</script></head><body>"
            "<div><script type='text/javascript'>alert(1)</script>Nội dung <i>chính</i> "
            "<style>x{}</style><noscript>NOSCRIPT</noscript><span style='display: none'>HIDDEN</span>đạt 42%</div><time datetime='2024-03-05'>5/3</time>"
            "</body></html>").encode()
    doc = document_from_bytes(page, "x.htm")
    assert "alert" not in doc.text and "NOSCRIPT" not in doc.text and "x{}" not in doc.text and "HIDDEN" not in doc.text
    assert doc.text.split("\n")[0] == "Nội dung chính đạt 42%"
    assert doc.title == "Tiêu đề trang" and doc.date == "2024-03-05"


def test_html_picks_the_largest_article():
    page = ("<html><body><article><p>Tin ngắn</p></article><article><h1>Bài chính</h1>"
            "<p>" + "Nội dung dài đạt 42%. " * 20 + "</p></article></body></html>").encode()
    doc = document_from_bytes(page, "a.html")
    assert doc.text.startswith("Bài chính") and "Tin ngắn" not in doc.text


def test_html_teaser_article_does_not_hide_the_story():
    page = ("<html><body><div><h1>Bài chính</h1><p>" + "Nội dung dài đạt 42%. " * 20 + "</p></div>"
            "<article><p>Tin ngắn</p></article></body></html>").encode()
    assert document_from_bytes(page, "t.html").text.startswith("Bài chính")


def test_html_declared_legacy_charset_is_decoded_and_nfc():
    page = '<html><head><meta charset="windows-1258"></head><body><p>Tỷ lệ đạt 42%</p></body></html>'
    data = to_cp1258(page)
    doc = document_from_bytes(data, "old.html")
    assert doc.text == "Tỷ lệ đạt 42%"


def test_html_without_text_is_an_error():
    exc = error_of(document_from_bytes, b"<html><body><script>alert(1)</script></body></html>", "e.html")
    assert "no text" in exc.reason


# ------------------------------------------------------------------ PDF

def test_pdf_text_layer(tmp_path):
    doc = read_document(write(tmp_path, "r.pdf", minimal_pdf(["Nghi dinh so 82/2024/ND-CP", "Ty le dat 42%"])))
    assert "Nghi dinh so 82/2024/ND-CP" in doc.text and "Ty le dat 42%" in doc.text
    assert doc.meta["format"] == "pdf" and doc.meta["pages"] == 1 and doc.id == "r"


def test_pdf_pages_joined_by_blank_line():
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for words in (["Trang mot"], ["Trang hai"]):
        w.add_page(PdfReader(io.BytesIO(minimal_pdf(words))).pages[0])
    buf = io.BytesIO()
    w.write(buf)
    doc = document_from_bytes(buf.getvalue(), "two.pdf")
    first, second = doc.text.split("\n\n", 1)
    assert "Trang mot" in first and "Trang hai" in second and doc.meta["pages"] == 2


def test_pdf_without_text_layer(tmp_path):
    exc = error_of(read_document, write(tmp_path, "scan.pdf", blank_pdf()))
    # no text layer and no image to OCR (a scan has one: tests/test_readers.py)
    assert exc.reason.startswith("PDF has no text layer (scanned?)") and exc.name.endswith("scan.pdf")


@pytest.mark.parametrize("data,needle", [
    (minimal_pdf(["x"])[:150], "broken PDF"),
    (b"%PDF-1.4\n%garbage without objects", "broken PDF"),
    (b"just some text named .pdf", "not a PDF"),
])
def test_broken_pdf(data, needle):
    assert needle in error_of(document_from_bytes, data, "b.pdf").reason


def test_encrypted_pdf_clear_reason_and_empty_password_opens():
    assert "encrypted PDF" in error_of(document_from_bytes, encrypted_pdf("secret"), "e.pdf").reason
    assert "Ty le dat 42%" in document_from_bytes(encrypted_pdf(""), "open.pdf").text


# ------------------------------------------------------------------ DOCX

def test_docx_paragraphs_and_table_rows_in_order(tmp_path):
    doc = read_document(write(tmp_path, "bc.docx", make_docx()))
    assert doc.text.split("\n") == [
        "Báo cáo chuyển đổi số", "Tỷ lệ hồ sơ trực tuyến đạt 42%.", "| Chỉ tiêu | Kết quả |",
        "| 43/53 dịch vụ |", "Sau bảng: Đề án 06.",  # one line per row; the merged cell is read once
    ]
    assert doc.title == "Báo cáo chuyển đổi số" and doc.meta["format"] == "docx"


@pytest.mark.parametrize("data", [b"PK\x03\x04 truncated zip", b"not a zip at all", make_docx()[:400]])
def test_broken_docx(data):
    assert "broken DOCX" in error_of(document_from_bytes, data, "b.docx").reason


def test_docx_zip_without_word_parts():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<not xml")
    assert "broken DOCX" in error_of(document_from_bytes, buf.getvalue(), "z.docx").reason


# ------------------------------------------------------------------ content sniffing

@pytest.mark.parametrize("data,name,fmt", [
    (minimal_pdf(["Ty le 42%"]), "misnamed.txt", "pdf"),
    (make_docx(), "misnamed.pdf", "docx"),
    (b"<!DOCTYPE html><html><body><p>42%</p></body></html>", "misnamed.txt", "html"),
    ("Tỷ lệ 42%".encode(), "upload", "text"),  # no extension: content decides, default text
])
def test_content_wins_over_a_lying_extension(data, name, fmt):
    assert document_from_bytes(data, name).meta["format"] == fmt


# ------------------------------------------------------------------ bad input, one line each

@pytest.mark.parametrize("data,needle", [
    (b"", "empty file"),
    (b" \n\t\r\n  ", "blank file"),
    ("\u00a0\u200b\ufeff\n".encode(), "blank file"),
    (b"abc\x00\x01\x02def", "binary data"),
    (bytes(range(1, 32)) * 40, "binary data"),
    ("Tỷ lệ đạt 42%\nx".encode() + b"\xff\xfe tail", "invalid UTF-8 at byte offset 22 (line 2, byte 0xff)"),
    (to_cp1258("Tỷ lệ"), "invalid UTF-8 at byte offset"),
])
def test_bad_text_files(tmp_path, data, needle):
    exc = error_of(read_document, write(tmp_path, "bad.txt", data))
    assert needle in exc.reason and exc.name.endswith("bad.txt")


@pytest.mark.parametrize("name", ["photo.jpg", "noext"])
def test_unsupported_extension_lists_supported(tmp_path, name):
    exc = error_of(read_document, write(tmp_path, name, b"Noi dung"))
    assert "supported:" in exc.reason and all(e in exc.reason for e in (".txt", ".html", ".pdf", ".docx", ".doc"))


def test_missing_file_and_directory(tmp_path):
    assert error_of(read_document, tmp_path / "nope.txt").reason == "file not found"
    assert "directory" in error_of(read_document, tmp_path).reason


def test_size_limit_is_inclusive(tmp_path):
    p = write(tmp_path, "s.txt", b"a" * 100)
    assert read_document(p, max_bytes=100).text == "a" * 100
    exc = error_of(read_document, p, max_bytes=99)
    assert "too large" in exc.reason and "100" in exc.reason and "99" in exc.reason
    assert "too large" in error_of(document_from_bytes, b"a" * 100, "u.txt", max_bytes=10).reason


def test_a_20_mb_text_is_read_with_the_default_limit(tmp_path):
    assert MAX_BYTES == 20 * 1024 * 1024 and MAX_BYTES > 20_000_000
    line = ARTICLE.encode("utf-8")
    data = line * (20_000_000 // len(line))
    data += b"a" * (20_000_000 - len(data))  # exactly 20,000,000 bytes
    doc = read_document(write(tmp_path, "big.txt", data))
    assert len(doc.text.encode("utf-8")) == 20_000_000
    exc = error_of(read_document, write(tmp_path, "huge.txt", b"a" * (MAX_BYTES + 1)))
    assert "too large" in exc.reason


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode("utf-8"))))
    doc = read_document("-")
    assert doc.text == ARTICLE and doc.id == "stdin" and doc.path == "-"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert error_of(read_document, "-").name == "<stdin>"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a" * 11)))
    assert "too large" in error_of(read_document, "-", max_bytes=10).reason


# ------------------------------------------------------------------ pasted text, properties

def test_document_from_text():
    doc = document_from_text(unicodedata.normalize("NFD", ARTICLE), title="T", source="dán")
    assert isinstance(doc, Document) and doc.text == ARTICLE and doc.id == "pasted"
    assert doc.title == "T" and doc.source == "dán" and doc.header()["sha256"] == doc.sha256
    assert document_from_text("\n  Tiêu đề dán\nNội dung").title == "Tiêu đề dán"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_document_from_text_never_raises(text):
    doc = document_from_text(text)
    assert doc.text == unicodedata.normalize("NFC", text) and len(doc.sha256) == 64


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    st.binary(max_size=400),
    st.binary(max_size=400).map(lambda b: b"%PDF-1.4\n" + b),  # looks like a PDF, is not
    st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b),  # looks like a zip, is not
    st.text(max_size=200).map(lambda t: ("<html><body>" + t).encode("utf-8", "surrogatepass")),
), st.sampled_from(SUPPORTED_EXTENSIONS + (".bin", "")))
def test_any_bytes_give_a_document_or_a_document_error(data, ext):
    try:
        doc = document_from_bytes(data, "f" + ext)
    except DocumentError as exc:
        assert exc.reason and "\n" not in str(exc)
    else:
        assert unicodedata.is_normalized("NFC", doc.text) and doc.text.strip()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_utf8_text_file_reads_back_as_its_nfc_text(text):
    data = text.encode("utf-8", "surrogatepass")
    try:
        doc = document_from_bytes(data, "t.txt")
    except DocumentError as exc:  # blank, control-heavy or surrogate-bearing input
        assert exc.reason
    else:
        assert doc.text in (unicodedata.normalize("NFC", text), unicodedata.normalize("NFC", text.removeprefix("\ufeff")))
