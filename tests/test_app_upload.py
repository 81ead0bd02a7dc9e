"""Upload page (AppTest): a file through the uploader, pasted text, bad input, save to corpus."""
from __future__ import annotations

import pytest

from nlp.ui.upload import MAX_UPLOAD_MB, MB, load_pasted, load_upload
from tests.app_support import assert_clean, blank_pdf, html_of, marks, run_app
from tests.paths import SEEDS

SEED_004 = next(SEEDS.glob("004_*.txt"))


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _upload(at, name, data, mime="text/plain"):
    at.file_uploader[0].upload(name, data, mime)
    at.run()
    assert_clean(at)
    return at


def test_start_page_is_upload(corpus_db):
    at = run_app()
    assert at.title[0].value == "Upload an article"
    assert len(at.file_uploader) == 1 and len(at.text_area) == 1
    assert not at.error


def test_uploaded_seed_is_highlighted_with_tables_and_downloads(corpus_db):
    at = _upload(run_app(), SEED_004.name, SEED_004.read_bytes())
    assert not at.error
    found = marks(html_of(at))
    assert ("legal_ref", "82/2024/NĐ-CP") in found
    assert {"actual", "target", "other"} & {k for k, _ in found}  # figures too
    # legend with every kind
    assert "TARGET" in html_of(at) and "LEGAL" in html_of(at)
    figures, legal = at.dataframe[0].value, at.dataframe[1].value
    assert {"value", "unit", "role", "indicator", "year"} <= set(figures.columns)
    assert {"id", "doc_type", "issued"} <= set(legal.columns)
    assert "82/2024/NĐ-CP" in set(legal["id"])
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download JSON", "Download JSONL", "Download CSV"]


def test_article_markup_is_escaped(corpus_db):
    text = ("Theo Nghị định số 82/2024/NĐ-CP, tỷ lệ đạt 42%. <script>alert(1)</script>\n"
            "<img src=x onerror=alert(1)>\n").encode()
    html = html_of(_upload(run_app(), "xss.txt", text))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script" not in html and "<img" not in html


BAD = [
    ("setup.exe", b"MZ\x90\x00\x03", "unsupported file type"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n", "blank"),
    ("cp1258.txt", "Nghị định số 82".encode("utf-8")[:-3] + b"\xe0\xe1 tr\xf4i", "UTF-8"),
    ("binary.txt", bytes(range(256)) * 20, "binary"),
    ("too-big.txt", b"a" * (MAX_UPLOAD_MB * MB + 1), "too large"),
    ("notes.doc", b"\xd0\xcf\x11\xe0 old word", "broken .doc"),
    ("scan.pdf", None, "no text"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "broken"),
]


@pytest.mark.parametrize("name,data,words", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gives_a_clear_error_and_the_app_keeps_working(corpus_db, name, data, words):
    data = blank_pdf() if data is None else data
    at = _upload(run_app(), name, data)
    assert len(at.error) == 1, "one st.error naming the problem"
    msg = at.error[0].value
    assert name in msg and "Traceback" not in msg
    if words:
        assert words in msg
    assert not marks(html_of(at))
    # the app keeps working: a good file afterwards is read normally
    at.file_uploader[0].clear()
    at.run()
    at = _upload(at, SEED_004.name, SEED_004.read_bytes())
    assert not at.error
    assert ("legal_ref", "82/2024/NĐ-CP") in marks(html_of(at))


def test_bad_input_reasons_from_the_handler():
    # the function the page calls, for every reason, without a browser
    assert load_upload(b"x", "a.exe")[1].startswith("a.exe: unsupported file type")
    assert "too large" in load_upload(b"x" * 11, "a.txt", max_bytes=10)[1]
    assert load_upload(b"", "a.txt")[1].startswith("a.txt: empty")
    doc, err = load_upload(SEED_004.read_bytes(), SEED_004.name)
    assert err is None and "82/2024/NĐ-CP" in doc.text


def test_pasted_text(corpus_db):
    at = run_app()
    at.text_area[0].input("Phấn đấu đến năm 2025, tỷ lệ hồ sơ trực tuyến đạt tối thiểu 80%, "
                          "theo Quyết định số 1012/QĐ-TTg ngày 20/9/2024.")
    _button(at, "Extract pasted text").click()
    at.run()
    assert_clean(at)
    assert not at.error
    found = marks(html_of(at))
    assert ("legal_ref", "1012/QĐ-TTg") in found
    assert "target" in {k for k, _ in found}


def test_two_pastes_are_two_documents():
    a, _ = load_pasted("Năm 2024 đạt 42%.")
    b, _ = load_pasted("Năm 2025 phấn đấu 80%.")
    assert a.id.startswith("pasted-") and a.id != b.id
    assert load_pasted("Năm 2024 đạt 42%.")[0].id == a.id  # same text, same document


def test_empty_paste_is_an_error(corpus_db):
    at = run_app()
    at.text_area[0].input("   ")
    _button(at, "Extract pasted text").click()
    at.run()
    assert_clean(at)
    assert "empty" in at.error[0].value


def test_save_to_corpus_adds_the_document(corpus_db):
    from nlp.store import open_store

    before = open_store(corpus_db).count_documents()
    text = ("Năm 2024, tỉnh đã cấp 1.250 chữ ký số theo Kế hoạch số 93/KH-UBND; "
            "mục tiêu năm 2025 là 100% hồ sơ trực tuyến.").encode()
    at = _upload(run_app(), "bao-cao-moi.txt", text)
    _button(at, "Save to corpus").click()
    at.run()
    assert_clean(at)
    assert at.success and "bao-cao-moi" in at.success[0].value
    store = open_store(corpus_db)
    assert store.count_documents() == before + 1
    assert store.get_document("bao-cao-moi") is not None
    assert "added" in at.success[0].value
    # straight on to reviewing what was saved
    _button(at, "Review its records").click()
    at.run()
    assert_clean(at)
    assert at.title[0].value == "Review"
    assert store.get_record(int(at.subheader[0].value.split("#")[1]))["doc"] == "bao-cao-moi"


def test_upload_limit_in_config_lets_a_large_file_reach_the_app():
    import tomllib

    from nlp.ui.upload import SEND_LIMIT_MB
    from tests.paths import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # the browser sends more than the app reads, so a 20 MB file gets the app's sentence, not a chip
    assert config["server"]["maxUploadSize"] == SEND_LIMIT_MB > 20 > MAX_UPLOAD_MB


def test_paste_replaces_an_uploaded_file_and_stays_on_rerun(corpus_db):
    at = _upload(run_app(), SEED_004.name, SEED_004.read_bytes())
    at.text_area[0].input("Năm 2025 phấn đấu 100% hồ sơ trực tuyến theo Kế hoạch số 93/KH-UBND.")
    _button(at, "Extract pasted text").click()
    at.run()
    assert ("legal_ref", "93/KH-UBND") in marks(html_of(at))
    assert ("legal_ref", "82/2024/NĐ-CP") not in marks(html_of(at))
    _button(at, "Save to corpus").click()
    at.run()  # a rerun with the file still in the uploader keeps the pasted text
    assert_clean(at)
    assert ("legal_ref", "93/KH-UBND") in marks(html_of(at))
    assert at.success and "pasted-" in at.success[0].value


def test_an_extraction_failure_is_an_error_not_a_traceback(corpus_db, monkeypatch):
    import nlp.pipeline

    def broken(text, **kw):
        raise RuntimeError("model file missing")

    monkeypatch.setattr(nlp.pipeline, "extract", broken)
    at = _upload(run_app(), "report.txt", "Một văn bản chưa từng thấy, số 4242.".encode())
    assert at.error and "report.txt" in at.error[0].value and "analysis failed" in at.error[0].value


def test_a_20_mb_file_gets_its_size_and_the_limit(corpus_db):
    data = b"Ti le dat 42%.\n" * (20 * MB // 15 + 1)
    at = _upload(run_app(), "bao-cao-lon.txt", data)
    assert len(at.error) == 1
    msg = at.error[0].value
    assert "bao-cao-lon.txt" in msg and f"{len(data):,} bytes" in msg and "20.0 MiB" in msg
    assert f"upload limit of {MAX_UPLOAD_MB} MiB" in msg
    assert not any("Upload a file" in i.value for i in at.info)  # the page says what happened
    assert at.file_uploader[0].value is None  # the refused bytes are dropped (a fresh uploader)
    at.run()  # the message stays
    assert at.error and "upload limit" in at.error[0].value


def _save_as(at, choice=None):
    _button(at, "Save to corpus").click()
    at.run()
    assert_clean(at)
    if choice is not None:
        at.radio(key="upload_save_as").set_value(choice)
        _button(at, "Save").click()
        at.run()
        assert_clean(at)
    return at


def test_a_same_name_upload_of_another_article_asks_and_keeps_both(corpus_db):
    from nlp.store import open_store

    first = "Năm 2024, tỉnh đã cấp 1.250 chữ ký số theo Kế hoạch số 93/KH-UBND.".encode()
    second = "Mục tiêu năm 2025: 100% hồ sơ trực tuyến theo Nghị định số 82/2024/NĐ-CP.".encode()
    at = _save_as(_upload(run_app(), "baocao.txt", first))
    assert "added" in at.success[0].value
    at = _save_as(_upload(run_app(), "baocao.txt", second))
    assert not at.success and at.warning and "already holds another article named **baocao**" in at.warning[0].value
    store = open_store(corpus_db)
    assert "1.250" in store.get_document("baocao")["text"]  # nothing replaced while it asks
    at.radio(key="upload_save_as").set_value("new")
    _button(at, "Save").click()
    at.run()
    assert_clean(at)
    assert "**baocao-2**" in at.success[0].value
    assert "1.250" in store.get_document("baocao")["text"] and "82/2024" in store.get_document("baocao-2")["text"]
    # the same again, as a new version this time: the earlier one is kept and can be opened
    at = _save_as(_upload(run_app(), "baocao.txt", second), "version")
    assert "version 2 of **baocao**" in at.success[0].value and "baocao@v1" in at.success[0].value
    assert "82/2024" in store.get_document("baocao")["text"]
    assert "1.250" in store.get_document("baocao@v1")["text"]
    assert [p.label for p in at.page_link][:2] == ["Open baocao", "Open baocao@v1"]


def test_a_long_article_is_read_part_by_part_and_shown_a_page_at_a_time(corpus_db, monkeypatch):
    import nlp.ui.progressive as progressive

    monkeypatch.setattr(progressive, "LARGE_CHARS", 5_000)  # a long article, made of the seed articles
    monkeypatch.setattr(progressive, "PART_CHARS", 4_000)
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    at = _upload(run_app(), "dai.txt", text.encode())
    assert not at.error
    assert any(n.label.startswith("Page of the article") for n in at.number_input)  # drawn a page at a time
    found = marks(html_of(at))
    assert found and len(html_of(at)) < len(text) * 3  # the first page, highlighted, not the whole text
    figures = at.dataframe[0].value
    assert len(figures) > 30  # every part was read
    assert any("Extracted in" in c.value for c in at.caption)
