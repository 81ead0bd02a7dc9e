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
from functools import cached_property
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

    @cached_property
    def _pairs(self) -> dict[tuple[str, str], int]:
        """(name, value) -> column of the one-hot "name=value" columns, every split of a
        column name at a separator registered (exact even when a name holds one)."""
        out: dict[tuple[str, str], int] = {}
        sep = self.separator
        for full, j in self.index.items():
            p = full.find(sep)
            while p >= 0:
                out[(full[:p], full[p + len(sep):])] = j
                p = full.find(sep, p + 1)
        return out

    def _row(self, feats: Mapping[str, Any]) -> list[tuple[int, float]]:
        # DictVectorizer's rules: a string value is a one-hot "name=value"; a number is the
        # value of "name"; an iterable of strings is several one-hots; unknown names vanish.
        out: list[tuple[int, float]] = []
        pairs = self._pairs
        for k, v in feats.items():
            t = type(v)
            if t is str:
                j, x = pairs.get((k, v)), 1.0
            elif t is float or t is int:  # the common cases, without the ABC check below
                j, x = self.index.get(k), float(v)
            elif isinstance(v, str):
                j, x = pairs.get((k, v)), 1.0
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
        cols: list[int] = []
        vals: list[float] = []
        which: list[int] = []
        for i, feats in enumerate(rows):
            for j, x in self._row(feats):
                cols.append(j)
                vals.append(x)
                which.append(i)
        if cols:  # one gather, then a weighted bincount per class (np.add.at is several times slower)
            contrib = self.coef[:, cols] * np.asarray(vals)  # (classes, nnz)
            rows_of = np.asarray(which)
            for c in range(z.shape[1]):
                z[:, c] += np.bincount(rows_of, weights=contrib[c], minlength=len(rows))
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
        with open(path, "wb") as fh:
            np.savez(fh, **self.arrays())
        return file_sha256(path)

    def arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        names = np.array(sorted(self.index, key=self.index.__getitem__), dtype=object)
        return {f"{prefix}names": names.astype(str), f"{prefix}coef": self.coef, f"{prefix}intercept": self.intercept,
                f"{prefix}classes": np.array(self.classes_, dtype=str), f"{prefix}separator": np.array(self.separator)}

    @classmethod
    def from_arrays(cls, z: Mapping[str, Any], prefix: str = "") -> "LinearScorer":
        names = [str(n) for n in z[f"{prefix}names"]]
        return cls(index={n: i for i, n in enumerate(names)}, coef=z[f"{prefix}coef"], intercept=z[f"{prefix}intercept"],
                   classes_=tuple(str(c) for c in z[f"{prefix}classes"]), separator=str(z[f"{prefix}separator"]))

    @classmethod
    def load(cls, path: Path) -> "LinearScorer":
        with np.load(path, allow_pickle=False) as z:
            return cls.from_arrays(z)


def save_scorers(path: Path, scorers: Mapping[str, LinearScorer]) -> str:
    """Several named scorers (a model's passes) in one weights.npz; returns its sha256."""
    arrays: dict[str, np.ndarray] = {"stages": np.array(list(scorers), dtype=str)}
    for name, scorer in scorers.items():
        arrays.update(scorer.arrays(f"{name}__"))
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    return file_sha256(path)


def load_scorers(path: Path) -> dict[str, LinearScorer]:
    """The named scorers of a weights.npz written by `save_scorers` (a single scorer's file,
    from `LinearScorer.save`, loads as {"first": it})."""
    with np.load(path, allow_pickle=False) as z:
        if "stages" not in z.files:
            return {"first": LinearScorer.from_arrays(z)}
        return {str(name): LinearScorer.from_arrays(z, f"{name}__") for name in z["stages"]}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
