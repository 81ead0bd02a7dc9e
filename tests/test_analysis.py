"""The per-document Analysis: one sentence lookup, words segmented once, claimed spans, a memo."""
from hypothesis import given, settings, strategies as st

from nlp import segment
from nlp.analysis import Analysis


def test_sentence_of_finds_the_enclosing_sentence():
    doc = Analysis("x" * 30, sentences=[(0, 10), (11, 20), (22, 30)])
    assert doc.sentence_of(12, 14) == (11, 20)
    assert doc.sentence_of(0, 1) == (0, 10)
    assert doc.sentence_of(20, 21) == (11, 20)  # a gap belongs to the sentence before it


def test_a_span_before_every_sentence_takes_the_first_it_overlaps():
    doc = Analysis("x" * 30, sentences=[(5, 10), (11, 20)])
    assert doc.sentence_of(2, 7) == (5, 10)
    assert doc.sentence_of(0, 3) == (0, 3)


def test_sentences_are_split_once_on_first_use_and_never_empty(monkeypatch):
    calls = []
    real = segment.split_sentences

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr("nlp.analysis.split_sentences", counting)
    doc = Analysis("Tỷ lệ đạt 42%. Năm 2025 phấn đấu 70%!")
    assert calls == []
    assert doc.sentences == [(0, 14), (15, 37)] and doc.sentence_of(20, 22) == (15, 37)
    assert len(calls) == 1
    assert Analysis("   ").sentences == [(0, 3)]


def test_words_are_segmented_once_per_sentence(monkeypatch):
    calls = []
    real = segment.analyze

    def counting(text, start, end):
        calls.append((start, end))
        return real(text, start, end)

    monkeypatch.setattr("nlp.analysis.analyze", counting)
    doc = Analysis("Mở đầu. Tỷ lệ hồ sơ đạt 42%.")
    sent = doc.sentence_of(10, 12)
    first = doc.words(sent)
    assert doc.words(sent) is first and calls == [sent]
    assert all(doc.text[w.start:w.end] == w.text for w in first)


def test_claimed_spans_and_memo():
    doc = Analysis("Lượt xem: 35\nTỷ lệ đạt 42%.")
    assert [r.reason for r in doc.leftovers] == ["view-counter"]
    doc.claim((r.start, r.end) for r in doc.leftovers)
    assert doc.claimed == [(0, 12)]
    seen = []
    assert doc.remember(("t", 1), lambda: seen.append(1) or "v") == "v"
    assert doc.remember(("t", 1), lambda: seen.append(2) or "w") == "v" and seen == [1]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120), st.integers(0, 130), st.integers(0, 10))
def test_every_span_has_a_sentence(text, start, length):
    doc = Analysis(text)
    start = min(start, len(text))
    s, e = doc.sentence_of(start, min(len(text), start + length))
    assert (s, e) in doc.sentences or (s, e) == (start, min(len(text), start + length))


def test_words_stop_a_fixed_number_of_syllables_after_the_last_digit():
    from nlp.analysis import TAIL_SYLLABLES, analysis_end

    tail = " ".join(["công việc"] * 20)
    text = f"Tỷ lệ hồ sơ trực tuyến đạt 42% trong năm qua {tail}."
    end = analysis_end(text, 0, len(text))
    after = text[text.index("42%"):end].split()
    assert len(after) == TAIL_SYLLABLES + 1  # the number's own token, then the margin
    doc = Analysis(text, sentences=[(0, len(text))])
    words = doc.words((0, len(text)))
    assert words and words[-1].end <= end
    assert any(w.text == "42" or w.text.startswith("42") for w in words)
    # no digit, or a tail shorter than the margin: the whole sentence
    plain = "Không có con số nào trong câu này."
    assert analysis_end(plain, 0, len(plain)) == len(plain)
    short = "Đạt 42% kế hoạch năm."
    assert analysis_end(short, 0, len(short)) == len(short)
    # offsets are the sentence's own: a later sentence is cut from its own last digit
    two = plain + " " + text
    s = len(plain) + 1
    assert analysis_end(two, s, len(two)) == s + end
