"""numpy inference of the role model equals scikit-learn's, and extraction needs no sklearn."""
import subprocess
import sys

import numpy as np
import pytest

from nlp.linear_model import LinearScorer
from nlp.roles.model import DEFAULT_MODEL_DIR, WEIGHTS_FILE, ModelError, load
from nlp.training.examples import examples_from_gold, featurize
from tests.paths import GOLD_DIRS, TEXT_DIRS


@pytest.fixture(scope="module")
def feats():
    examples, texts = examples_from_gold(GOLD_DIRS, TEXT_DIRS)
    return featurize(examples[:120], texts)


def test_probabilities_equal_sklearn(feats):
    skl = load(DEFAULT_MODEL_DIR, engine="sklearn")
    fast = load(DEFAULT_MODEL_DIR, engine="numpy")
    assert isinstance(fast.pipeline, LinearScorer) and not isinstance(skl.pipeline, LinearScorer)
    a = skl.pipeline.predict_proba(feats)
    b = fast.pipeline.predict_proba(feats)
    assert list(skl.pipeline.classes_) == list(fast.pipeline.classes_)
    assert np.allclose(a, b, atol=1e-9)


def test_both_passes_equal_sklearn(feats):
    """The joint decision (second pass over the neighbours, calibrated) is the same with the
    numpy weights as with the scikit-learn pipelines."""
    from nlp.roles.joint import Place

    skl = load(DEFAULT_MODEL_DIR, engine="sklearn")
    fast = load(DEFAULT_MODEL_DIR, engine="numpy")
    places = [Place(i * 10, (0, 40 * (1 + i // 4)), None, i // 8) for i in range(len(feats))]
    a = skl.decide(feats, places)[1]
    b = fast.decide(feats, places)[1]
    assert np.allclose(a, b, atol=1e-9) and np.allclose(a.sum(axis=1), 1.0)


def test_binary_model_and_roundtrip(tmp_path):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    X = [{"w": "đạt", "n": 1.0}, {"w": "mục tiêu", "n": 2.0, "tags": ["a", "b"]}, {"w": "đạt"}, {"w": "phấn đấu", "n": 0.5}]
    y = ["actual", "target", "actual", "target"]
    pipe = Pipeline([("vec", DictVectorizer()), ("clf", LogisticRegression())]).fit(X, y)
    scorer = LinearScorer.from_pipeline(pipe)
    scorer.save(tmp_path / "w.npz")
    back = LinearScorer.load(tmp_path / "w.npz")
    probe = X + [{"w": "unseen", "other": 3.0}]
    assert np.allclose(back.predict_proba(probe), pipe.predict_proba(probe))


def test_weights_that_do_not_match_meta_are_refused(tmp_path):
    import shutil

    for f in DEFAULT_MODEL_DIR.iterdir():
        shutil.copy(f, tmp_path / f.name)
    with open(tmp_path / WEIGHTS_FILE, "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(ModelError, match="does not match meta.json"):
        load(tmp_path)


def test_extraction_imports_neither_sklearn_nor_the_training_side():
    code = ("import sys; from nlp.pipeline import extract; "
            "r = extract('Năm 2024, tỷ lệ hồ sơ trực tuyến đạt 42%.'); "
            "assert any(x.type == 'figure' and 'role:logreg' in x.source for x in r), r; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn' or m.startswith('nlp.training')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
