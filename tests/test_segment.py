from hypothesis import given, settings, strategies as st

from nlp.segment import analyze, split_sentences


def test_sentences_are_exact_slices_in_order():
    text = "Tỷ lệ đạt 42%. Năm 2025 phấn đấu 70%!\n\nCác tin khác"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["Tỷ lệ đạt 42%.", "Năm 2025 phấn đấu 70%!", "Các tin khác"]


def test_hard_line_wrap_inside_a_sentence_is_joined():
    text = "Theo Nghị định số 82/2024/NĐ-\nCP của Chính phủ, tỷ lệ hồ sơ\nđạt 42%.\nMột câu mới."
    spans = split_sentences(text)
    assert text[spans[0][0]:spans[0][1]] == "Theo Nghị định số 82/2024/NĐ-\nCP của Chính phủ, tỷ lệ hồ sơ\nđạt 42%."
    assert len(spans) == 2


def test_words_align_to_characters_and_carry_pos():
    text = "Mở đầu. Tỷ lệ hồ sơ trực tuyến đạt 14.727/15.981 cửa hàng."
    s, e = split_sentences(text)[1]
    words = analyze(text, s, e)
    assert all(text[w.start:w.end] == w.text for w in words)
    assert any(w.text == "cửa hàng" and w.pos == "N" for w in words)
    assert any(w.text == "14.727" and w.pos == "M" for w in words)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_sentences_never_raise_and_slice(text):
    spans = split_sentences(text)
    prev = 0
    for s, e in spans:
        assert prev <= s < e <= len(text)
        prev = e


def test_light_underthesea_import_completes_on_use():
    """Extraction imports only underthesea's tokenizers (nlp.segment._tokenizers); a later
    `import underthesea` by other code still gets the whole package."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from nlp.pipeline import extract\n"
        "assert extract('Năm 2024 đạt 50% kế hoạch, tăng 12 xã.')\n"
        "assert 'underthesea.pipeline.ner' not in sys.modules\n"
        "import underthesea\n"
        "from underthesea import pos_tag, word_tokenize\n"
        "assert word_tokenize('Bác sĩ bây giờ') == ['Bác sĩ', 'bây giờ']\n"
        "assert pos_tag('Tôi đi học')[0] == ('Tôi', 'P')\n"
        "assert callable(underthesea.ner) and underthesea.__version__\n"
        "try:\n"
        "    underthesea.no_such_name\n"
        "except AttributeError:\n"
        "    print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
