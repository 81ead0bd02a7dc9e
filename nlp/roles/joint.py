"""Roles decided together: the second pass over the figures of one document.

Figures of one sentence, one list or one paragraph mostly share a frame ("Tỉnh đặt ra 10
chỉ tiêu, trong đó: GRDP tăng 8%; thu ngân sách ..."). The first pass scores each figure
alone; the second reads, besides the figure's own features, its own first-pass
probabilities and those of its neighbours: the other figures of its sentence, of the
frame it stands in (a list, a section, a ":"-lead), of its paragraph, the figures right
before and after it, and the document's mean (how plan-like the whole article is).

The second pass is trained on out-of-fold first-pass probabilities, grouped by document
(nlp.training.crossval), so it learns how far a neighbour's first-pass guess can be
trusted on a document the first pass never saw. Everything here is numpy and the
document context: extraction and training compute the same features.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..analysis import Analysis
from ..records import Figure


@dataclass(frozen=True)
class Place:
    """Where a figure stands, for finding its neighbours (all spans index the text)."""
    start: int
    sentence: tuple[int, int]
    frame: tuple[int, int, int] | None  # (lead start, start, end) of its list/section/lead; None: none
    unit: int  # the paragraph (DocumentContext unit) of its sentence, -1 unknown


def place_of(doc: Analysis, fig: Figure) -> Place:
    ctx = doc.context
    fr = ctx.frame_at(fig.start)
    frame = (fr.lead_start, fr.start, fr.end) if fr.shape in ("section", "list", "inline", "chain", "continued") else None
    si = ctx.sentence_index(fig.start)
    unit = ctx.sentences[si].unit if si is not None and ctx.sentences else -1
    return Place(fig.start, tuple(fig.sentence), frame, unit)


_FLOOR = 1e-4


def stacked_features(places: Sequence[Place], probs: np.ndarray, classes: Sequence[str]) -> list[dict[str, float]]:
    """The second pass's extra features of each figure of ONE document, from the first-pass
    probabilities `probs` (n x len(classes), rows in the order of `places`)."""
    n = len(places)
    order = sorted(range(n), key=lambda i: places[i].start)
    rank = {i: k for k, i in enumerate(order)}
    by_sentence: dict[tuple[int, int], list[int]] = {}
    by_frame: dict[tuple[int, int, int], list[int]] = {}
    by_unit: dict[int, list[int]] = {}
    for i, p in enumerate(places):
        by_sentence.setdefault(p.sentence, []).append(i)
        if p.frame is not None:
            by_frame.setdefault(p.frame, []).append(i)
        if p.unit >= 0:
            by_unit.setdefault(p.unit, []).append(i)
    total = probs.sum(axis=0) if n else np.zeros(len(classes))
    out: list[dict[str, float]] = []
    for i, p in enumerate(places):
        f: dict[str, float] = {}
        for c, name in enumerate(classes):
            f[f"j_own:{name}"] = math.log(max(float(probs[i, c]), _FLOOR))

        def mean_of(tag: str, idx: list[int]) -> None:
            idx = [j for j in idx if j != i]
            if not idx:
                f[f"{tag}:none"] = 1.0
                return
            m = probs[idx].mean(axis=0)
            for c, name in enumerate(classes):
                f[f"{tag}:{name}"] = float(m[c])

        mean_of("j_sent", by_sentence.get(p.sentence, []))
        mean_of("j_frame", by_frame.get(p.frame, []) if p.frame is not None else [])
        mean_of("j_unit", by_unit.get(p.unit, []) if p.unit >= 0 else [])
        k = rank[i]
        for tag, j in (("j_prev", order[k - 1] if k > 0 else None), ("j_next", order[k + 1] if k + 1 < n else None)):
            if j is None:
                f[f"{tag}:none"] = 1.0
                continue
            near = places[j].sentence == p.sentence or (p.frame is not None and places[j].frame == p.frame)
            for c, name in enumerate(classes):
                f[f"{tag}:{name}"] = float(probs[j, c])
            f[f"{tag}_near"] = 1.0 if near else 0.0
        if n > 1:
            rest = (total - probs[i]) / (n - 1)
            for c, name in enumerate(classes):
                f[f"j_doc:{name}"] = float(rest[c])
        else:
            f["j_doc:none"] = 1.0
        out.append(f)
    return out


def softmax(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of scores `z` divided by `temperature` (the calibration)."""
    z = np.asarray(z, dtype=np.float64) / max(float(temperature), 1e-6)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def scores(scorer, rows: list[dict]) -> np.ndarray:
    """Multinomial scores (n x classes) of a LinearScorer or a scikit-learn pipeline."""
    z = np.asarray(scorer.decision_function(rows), dtype=np.float64)
    if z.ndim == 1:  # binary: one score, the second class's log-odds
        z = np.column_stack([np.zeros_like(z), z])
    return z
