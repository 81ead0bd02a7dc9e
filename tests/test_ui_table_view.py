"""The Upload page's table view: a recovered table as an HTML table, figure cells highlighted."""
from nlp.tables import apply_table_frames
from nlp.ui.table_view import tables_html

TEXT = ("Bảng 1. Kết quả <b>2024</b>\n| Chỉ tiêu | Kế hoạch 2024 | Thực hiện 2024 |\n"
        "| Tỷ lệ <script>x</script> | 50 | 52,3 |\n\nKết thúc.")


def test_table_html_highlights_figure_cells_and_escapes_text():
    recs = apply_table_frames(TEXT, [])
    [html] = tables_html(TEXT, recs)
    assert html.startswith('<table class="solieu-table"') and html.endswith("</table>")
    assert "<th" in html and html.count("<tr>") == 2
    assert 'data-kind="target"' in html and 'data-kind="actual"' in html
    assert 'data-source="table:' in html and ">52,3</td>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html and "&lt;b&gt;2024&lt;/b&gt;" in html
    assert "role target" in html  # the record's fields as the cell's tooltip


def test_no_table_no_html():
    assert tables_html("Không có bảng. Đạt 42%.", []) == []
    assert tables_html(TEXT, []) == []  # a table without figures is not shown again


def test_ocr_note_names_the_pages():
    from types import SimpleNamespace

    from nlp.ui.table_view import ocr_note

    doc = SimpleNamespace(meta={"ocr": {"pages": [1, 2, 3], "engine": "tesseract 5.3.0", "lang": "vie"}})
    assert "OCR (3 pages, tesseract 5.3.0, language vie)" in ocr_note(doc)
    assert ocr_note(SimpleNamespace(meta={"format": "pdf"})) is None


def test_upload_page_shows_ocr_note_and_highlighted_table(corpus_db):
    from pathlib import Path

    from tests.app_support import assert_clean, run_app

    fix = Path(__file__).parent / "fixtures" / "readers"
    at = run_app()
    at.file_uploader[0].upload("plan.docx", (fix / "plan.docx").read_bytes(),
                               "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    at.run()
    assert_clean(at)
    assert not at.error
    shown = "\n".join(h.value for h in at.html)
    assert '<table class="solieu-table"' in shown and 'data-kind="actual"' in shown
    at.file_uploader[0].upload("scan.pdf", (fix / "scan.pdf").read_bytes(), "application/pdf")
    at.run()
    assert_clean(at)
    assert not at.error
    assert any("Text read by OCR (page 1" in w.value for w in at.warning)
