"""The spaCy Doc is aligned to the characters and carries the records as spans."""
import unicodedata

from hypothesis import given, settings, strategies as st

from nlp.pipeline import extract
from nlp.spacy_doc import make_doc, to_docbin
from tests.paths import SEEDS

TEXT = ("Theo Nghị định số 82/2024/NĐ-CP, năm 2024 tỷ lệ hồ sơ trực tuyến toàn trình đạt 42%,\n"
        "  có 14.727/15.981 cửa hàng.  Mục tiêu năm 2025 là 70%.")


def test_tokens_reproduce_the_text_and_offsets():
    doc = make_doc(TEXT, extract(TEXT))
    assert doc.text == TEXT
    for tok in doc:
        assert TEXT[tok.idx:tok.idx + len(tok.text)] == tok.text


def test_records_are_spans_with_their_fields():
    recs = extract(TEXT)
    doc = make_doc(TEXT, recs)
    legal = doc.spans["legal_ref"]
    assert [s.text for s in legal] == ["Nghị định số 82/2024/NĐ-CP"]
    assert legal[0]._.record["id"] == "82/2024/NĐ-CP" and legal[0].label_ == "LEGAL"
    figs = {s.text: s for s in doc.spans["figure"]}
    assert figs["14.727/15.981 cửa hàng"]._.record["total"] == 15981
    assert {s.label_ for s in doc.ents} >= {"LEGAL"}
    assert len(doc.ents) == len(recs)


def test_sentences_and_pos_from_underthesea():
    doc = make_doc(TEXT, extract(TEXT))
    assert len(list(doc.sents)) == 2
    tagged = [t for t in doc if t.tag_]
    assert any(t.text == "cửa" and t.tag_ == "N" and t._.vi_word == "B" for t in tagged)
    assert any(t.text == "hàng" and t._.vi_word == "I" for t in tagged)


def test_docbin_roundtrip():
    from spacy.tokens import DocBin

    from nlp.spacy_doc import _vocab_nlp

    text = unicodedata.normalize("NFC", (SEEDS / "004_1f71ccbc9811faa5.txt").read_text(encoding="utf-8"))
    data = to_docbin([(text, extract(text))])
    (doc,) = DocBin().from_bytes(data).get_docs(_vocab_nlp().vocab)
    assert doc.text == text
    assert "82/2024/NĐ-CP" in {s._.record["id"] for s in doc.spans["legal_ref"]}


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="aăđê 0123456789.,/%\n\t-NĐCPghịnđịnhsố", max_size=120))
def test_alignment_holds_on_any_text(text):
    doc = make_doc(text, extract(text), with_pos=False)
    assert doc.text == text
