"""Inference of a trained DictVectorizer + LogisticRegression pipeline with numpy alone.

scikit-learn trains the role model (`solieu train`); at extraction time the same weights
are applied here. Importing scikit-learn (and through it SciPy) costs about a second per
process and a predict_proba call ~1.7 ms of validation overhead, which is more than the
whole arithmetic of a linear model over a handful of figures: the extractor has to be no
slower than underthesea's word segmentation over the whole text, so it uses this.

`LinearScorer.from_pipeline(pipe)` reads the fitted weights; `save`/`load` keep them in
`weights.npz` next to `model.joblib`. `tests/test_linear_model.py` checks that the
probabilities equal scikit-learn's own.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from numbers import Number
from pathlib import Path
from typing import Any, Mapping

import numpy as np


@dataclass(frozen=True)
class LinearScorer:
    index: Mapping[str, int]  # DictVectorizer feature name -> column
    coef: np.ndarray  # (n_classes, n_features) for multinomial; (1, n_features) for binary
    intercept: np.ndarray
    classes_: tuple[str, ...]
    separator: str = "="

    @classmethod
    def from_pipeline(cls, pipe: Any) -> "LinearScorer":
        vec, clf = pipe.steps[0][1], pipe.steps[-1][1]
        return cls(
            index=dict(vec.vocabulary_),
            coef=np.asarray(clf.coef_, dtype=np.float64),
            intercept=np.asarray(clf.intercept_, dtype=np.float64),
            classes_=tuple(str(c) for c in clf.classes_),
            separator=vec.separator,
        )

    def _row(self, feats: Mapping[str, Any]) -> list[tuple[int, float]]:
        # DictVectorizer's rules: a string value is a one-hot "name=value"; a number is the
        # value of "name"; an iterable of strings is several one-hots; unknown names vanish.
        out: list[tuple[int, float]] = []
        for k, v in feats.items():
            if isinstance(v, str):
                j, x = self.index.get(f"{k}{self.separator}{v}"), 1.0
            elif isinstance(v, Number):
                j, x = self.index.get(k), float(v)
            elif v is None:
                continue
            else:
                for item in v:
                    j = self.index.get(f"{k}{self.separator}{item}")
                    if j is not None:
                        out.append((j, 1.0))
                continue
            if j is not None and x:
                out.append((j, x))
        return out

    def decision_function(self, rows: list[Mapping[str, Any]]) -> np.ndarray:
        z = np.tile(self.intercept, (len(rows), 1))
        for i, feats in enumerate(rows):
            for j, x in self._row(feats):
                z[i] += x * self.coef[:, j]
        return z

    def predict_proba(self, rows: list[Mapping[str, Any]]) -> np.ndarray:
        z = self.decision_function(rows)
        if z.shape[1] == 1:  # binary logistic regression: sigmoid of the one score
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p1, p1])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> str:
        """Write weights.npz; return its sha256 (recorded in meta.json)."""
        names = np.array(sorted(self.index, key=self.index.__getitem__), dtype=object)
        with open(path, "wb") as fh:
            np.savez(fh, names=names.astype(str), coef=self.coef, intercept=self.intercept,
                     classes=np.array(self.classes_, dtype=str), separator=np.array(self.separator))
        return file_sha256(path)

    @classmethod
    def load(cls, path: Path) -> "LinearScorer":
        with np.load(path, allow_pickle=False) as z:
            names = [str(n) for n in z["names"]]
            return cls(index={n: i for i, n in enumerate(names)}, coef=z["coef"], intercept=z["intercept"],
                       classes_=tuple(str(c) for c in z["classes"]), separator=str(z["separator"]))


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
