from hypothesis import given, settings, strategies as st

from nlp.segment import analyze, sentence_of, split_sentences


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


def test_sentence_of_finds_the_enclosing_sentence():
    spans = [(0, 10), (11, 20), (22, 30)]
    assert sentence_of(spans, 12, 14) == (11, 20)
    assert sentence_of(spans, 0, 1) == (0, 10)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_sentences_never_raise_and_slice(text):
    spans = split_sentences(text)
    prev = 0
    for s, e in spans:
        assert prev <= s < e <= len(text)
        prev = e
