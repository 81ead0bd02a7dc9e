"""Roles from the whole document: line breaks inside sentences change nothing (the .txt and
the .pdf of one article), the joint second pass, calibrated confidence, legal confidence."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nlp.analysis import Analysis
from nlp.confidence import FORMS, PRIOR, legal_form, with_confidence
from nlp.records import LegalRef
from nlp.roles import model as roles_model
from nlp.roles.context import sentence_for
from nlp.roles.features import features
from nlp.roles.joint import Place, place_of, softmax, stacked_features
from nlp.segment import WRAP_MIN, unwrap
from nlp.training.crossval import fit_temperature, reliability
from nlp.training.gold import read_text
from tests.paths import EXTRA, SEEDS

WIDTH = 70
# A line of a list or a sentence end is structure: a wrap is never put there (see unwrap).
_NO_BREAK_BEFORE = re.compile(r"(?:[-–—+•●▪■◦*|]|\(?\d{1,2}[.)](?!\d)|\([a-zđ]\)|[a-zđ]\))(?:\s|$)")


def wrap_sentences(text: str, width: int = WIDTH) -> str:
    """`text` with every line broken at the last space before `width` characters, as a PDF
    text layer breaks it, inside sentences (not right after `.!?…:;`, not before an item
    marker). Spaces become line breaks, so the length and every offset stay the same."""
    out = list(text)
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        col = 0
        while len(line) - col > width:
            cut = next((j for j in range(col + width, col, -1) if line[j] == " " and line[j - 1] not in ".!?…:;"
                        and not _NO_BREAK_BEFORE.match(line, j + 1)), None)
            if cut is None:
                break
            out[start + cut] = "\n"
            col = cut + 1
    return "".join(out)


ARTICLES = [SEEDS / "001_a294af9af7ee6214.txt", SEEDS / "003_a75044eff64f9c59.txt", EXTRA / "x20.txt",
            EXTRA / "x03.txt"]


@pytest.fixture(scope="module")
def shipped():
    roles_model.default_model.cache_clear()
    model = roles_model.default_model()
    assert model is not None, "models/role is missing: run `solieu train`"
    return model


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_line_breaks_inside_sentences_change_no_role_feature(path, shipped):
    from nlp.pipeline import extract

    text = read_text(path)
    wrapped = wrap_sentences(text)
    assert len(wrapped) == len(text) and wrapped.count("\n") > text.count("\n") + 10
    plain, broken = Analysis(text), Analysis(wrapped)
    assert broken.flat == plain.flat and broken.sentences == plain.sentences
    figures = [r for r in extract(text) if r.type == "figure"]
    assert len(figures) >= 5
    moved = [f.with_(sentence=broken.sentence_of(f.start, f.end)) for f in figures]
    for a, b in zip(figures, moved):
        assert features(plain, a, sentence_for(plain.flat, a)) == features(broken, b, sentence_for(broken.flat, b))
        assert place_of(plain, a) == place_of(broken, b)
    got_plain = roles_model.assign_roles(plain, figures, shipped)
    got_broken = roles_model.assign_roles(broken, moved, shipped)
    assert [(f.role, f.confidence) for f in got_plain] == [(f.role, f.confidence) for f in got_broken]


def test_unwrap_keeps_structure_and_joins_wraps():
    text = ("MỤC TIÊU CHUNG\nTiêu đề ngắn\nTỉnh phấn đấu đến năm 2025 tỷ lệ hộ gia đình có cáp quang đạt\n"
            "80% và số doanh nghiệp công nghệ số của tỉnh Quảng Ninh lên tới 1.000 doanh nghiệp,\n"
            "bảo đảm chất lượng.\nCác chỉ tiêu chủ yếu:\n- GRDP tăng 8%;\n- thu ngân sách 5.000 tỷ đồng.\n\nĐoạn mới.")
    flat = unwrap(text)
    assert len(flat) == len(text)
    assert flat.split("\n") == ["MỤC TIÊU CHUNG", "Tiêu đề ngắn",
                                "Tỉnh phấn đấu đến năm 2025 tỷ lệ hộ gia đình có cáp quang đạt 80% và số doanh nghiệp "
                                "công nghệ số của tỉnh Quảng Ninh lên tới 1.000 doanh nghiệp, bảo đảm chất lượng.",
                                "Các chỉ tiêu chủ yếu:", "- GRDP tăng 8%;", "- thu ngân sách 5.000 tỷ đồng.", "", "Đoạn mới."]
    # after the title, a long line that runs on before a capital is a wrap (a proper noun
    # cut by the line end); a short one ends there (a heading)
    run = "Tiêu đề\nBáo " + "a" * WRAP_MIN + " của\nChính phủ."
    assert unwrap(run) == "Tiêu đề\nBáo " + "a" * WRAP_MIN + " của Chính phủ."
    assert unwrap("Tiêu đề\nMột tiêu đề nhỏ\nChính phủ họp.") == "Tiêu đề\nMột tiêu đề nhỏ\nChính phủ họp."
    # the title is a line of its own, however long
    assert unwrap("a" * 80 + "\nChính phủ họp.") == "a" * 80 + "\nChính phủ họp."


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab A.:;-,|1\n\r ")), max_size=200))
def test_unwrap_is_same_length_and_idempotent(text):
    flat = unwrap(text)
    assert len(flat) == len(text) and unwrap(flat) == flat
    assert all(a == b or (a in "\r\n" and b == " ") for a, b in zip(text, flat))


# --- the joint pass ---------------------------------------------------------------------------


def test_stacked_features_read_the_neighbours():
    places = [Place(0, (0, 50), (0, 0, 100), 0), Place(10, (0, 50), (0, 0, 100), 0), Place(60, (55, 90), None, 1)]
    probs = np.array([[0.1, 0.1, 0.8], [0.2, 0.2, 0.6], [0.9, 0.05, 0.05]])
    got = stacked_features(places, probs, ["actual", "other", "target"])
    assert got[0]["j_sent:target"] == pytest.approx(0.6) and got[0]["j_frame:target"] == pytest.approx(0.6)
    assert got[0]["j_prev:none"] == 1.0 and got[0]["j_next:target"] == pytest.approx(0.6)
    assert got[2]["j_sent:none"] == 1.0 and got[2]["j_frame:none"] == 1.0 and got[2]["j_next:none"] == 1.0
    assert got[2]["j_doc:target"] == pytest.approx(0.7)
    assert got[1]["j_own:target"] == pytest.approx(np.log(0.6))


def test_shipped_model_decides_a_list_together(shipped):
    text = ("Năm 2026, tỉnh đặt ra 10 chỉ tiêu chủ yếu, trong đó:\n- Tốc độ tăng trưởng GRDP khoảng 8%;\n"
            "- Thu ngân sách nhà nước trên địa bàn 5.000 tỷ đồng;\n- Tỷ lệ hộ nghèo giảm 1,5%.")
    from nlp.pipeline import extract

    figs = [r for r in extract(text) if r.type == "figure" and r.unit != "chỉ tiêu"]
    assert [f.role for f in figs] == ["target"] * 3, [(f.text, f.role) for f in figs]
    assert all(0.0 < f.confidence <= 1.0 for f in figs)


# --- calibration -------------------------------------------------------------------------------


def test_temperature_and_reliability():
    rng = np.random.default_rng(0)
    labels = ["a", "b", "c"]
    truth = rng.integers(0, 3, 2000)
    z = rng.normal(0, 1, (2000, 3))
    z[np.arange(2000), truth] += 1.5
    # the true posterior is softmax(1.5 z): scores 3 z are overconfident by a factor 2
    over = 3.0 * z
    t = fit_temperature(over, [labels[i] for i in truth], labels)
    assert 1.7 < t < 2.3
    p = softmax(over, t)
    correct = p.argmax(axis=1) == truth
    before = reliability(softmax(over).max(axis=1), correct)
    after = reliability(p.max(axis=1), correct)
    assert after["ece"] < before["ece"] and after["ece"] < 0.05
    assert len(after["table"]) == 10 and sum(r["n"] for r in after["table"]) == 2000


def test_shipped_meta_reports_calibration(shipped):
    meta = shipped.meta
    cal = meta["calibration"]
    assert cal["temperature"] > 0 and len(cal["calibrated"]["table"]) == 10
    assert 0 <= cal["calibrated"]["ece"] < 0.1
    assert meta["training_data"]["gold_dirs"] == ["corpus/gold/extra", "corpus/gold/train"]
    assert set(meta["legal_confidence"]["forms"]) == set(FORMS)


# --- legal references ----------------------------------------------------------------------------


@pytest.mark.parametrize("text,kw,form", [
    ("Nghị định số 82/2024/NĐ-CP", {"code": "NĐ-CP", "id": "82/2024/NĐ-CP"}, "code+year"),
    ("Quyết định số 06/QĐ-TTg", {"code": "QĐ-TTg", "id": "06/QĐ-TTg"}, "code"),
    ("Nghị định số 82 năm 2024", {"id": "82/2024/NĐ-CP"}, "inferred"),
    ("Đề án 06", {"id": "Đề án 06", "refers_to": "06/QĐ-TTg"}, "alias"),
    ("Chỉ thị số 34", {"id": "Chỉ thị 34"}, "short"),
    ("Số: 636/TB-VPCP", {"code": "TB-VPCP", "id": "636/TB-VPCP", "source": "legal:bare-code"}, "bare-code"),
])
def test_legal_confidence_follows_the_form_of_the_mention(text, kw, form):
    ref = LegalRef(start=0, end=len(text), text=text, **{"source": "legal:type", **kw})
    assert legal_form(ref) == form
    (got,) = with_confidence([ref], dict(PRIOR))
    assert got.confidence == PRIOR[form]


def test_shipped_legal_confidence_is_calibrated_not_constant():
    from nlp.confidence import load_table
    from nlp.roles.model import DEFAULT_MODEL_DIR

    saved = json.loads((DEFAULT_MODEL_DIR / "legal_confidence.json").read_text(encoding="utf-8"))
    table = load_table()
    assert {f: r["confidence"] for f, r in saved["forms"].items()} == table
    assert saved["overall"]["found"] >= 50 and len(set(table.values())) > 1
