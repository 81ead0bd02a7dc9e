"""Training examples of the role model: gold figures and reviewed records, and their features.

An example is a figure with the role a person gave it; the figure carries its sentence
(the span its features are read in), found the way extraction finds it.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..analysis import Analysis
from ..records import ROLES, Figure
from ..roles.features import features
from ..roles.joint import Place, place_of
from .gold import load_gold, read_text

# Review statuses that make a record a person's judgement.
REVIEWED_STATUSES = ("accepted", "corrected")


@dataclass(frozen=True)
class Example:
    doc: str
    fig: Figure  # with its sentence
    role: str


def figure_from_gold(line: dict, sentence: tuple[int, int]) -> Figure:
    return Figure(start=line["start"], end=line["end"], text=line["text"], sentence=sentence,
                  value=float(line.get("value") or 0.0), total=line.get("total"),
                  unit=line.get("unit"), role=line.get("role") or "other",
                  comparator=line.get("comparator") or "=", year=line.get("year"))


def examples_from_gold(gold_dirs: list[Path], text_dirs: list[Path]) -> tuple[list[Example], dict[str, str]]:
    """Every gold figure with a role, and the texts they index ({doc: text})."""
    examples: list[Example] = []
    texts: dict[str, str] = {}
    for gd in gold_dirs:
        gd = Path(gd)
        if not gd.exists():
            continue
        for doc, (text, lines) in load_gold(gd, text_dirs).items():
            texts[doc] = text
            figs = [ln for ln in lines if ln.get("type") == "figure" and ln.get("role") in ROLES]
            if not figs:
                continue
            analysis = Analysis(text)
            for ln in figs:
                sentence = analysis.sentence_of(ln["start"], ln["end"])
                examples.append(Example(doc, figure_from_gold(ln, sentence), ln["role"]))
    return examples, texts


def examples_from_reviewed(jsonl_path: Path | str, texts: dict[str, str]) -> list[Example]:
    """Training examples from a review export: figures a reviewer accepted or corrected.

    A line is used when it is a figure (`type` absent or "figure"), its `status` is
    accepted/corrected, its `role` is one of target/actual/other, its document text is in
    `texts` and `start`/`end` slice to its `text` (when given) in that text. Other lines
    are skipped: a review export also holds rejected and pending records.
    """
    analyses: dict[str, Analysis] = {}
    out: list[Example] = []
    for raw in Path(jsonl_path).read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(rec, dict) or rec.get("type", "figure") != "figure":
            continue
        if rec.get("status") not in REVIEWED_STATUSES or rec.get("role") not in ROLES or rec.get("flagged"):
            continue  # flagged: the document changed and the record no longer matches it
        doc = rec.get("doc")
        text = texts.get(doc) if isinstance(doc, str) else None
        try:
            start, end = int(rec["start"]), int(rec["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if text is None or not (0 <= start < end <= len(text)):
            continue
        span = text[start:end]
        if rec.get("text") is not None and unicodedata.normalize("NFC", rec["text"]) != span:
            continue  # the document changed since the review: offsets no longer hold
        sent = rec.get("sentence")
        if not (isinstance(sent, (list, tuple)) and len(sent) == 2 and all(isinstance(v, int) for v in sent)
                and sent[0] <= start and end <= sent[1] <= len(text)):
            if doc not in analyses:
                analyses[doc] = Analysis(text)
            sent = analyses[doc].sentence_of(start, end)
        try:
            value = float(rec.get("value") or 0.0)
        except (TypeError, ValueError):
            value = 0.0
        fig = Figure(start=start, end=end, text=span, value=value, unit=rec.get("unit"), role=rec["role"],
                     sentence=(int(sent[0]), int(sent[1])))
        out.append(Example(doc, fig, rec["role"]))
    return out


def texts_of(text_dirs: Iterable[Path]) -> dict[str, str]:
    """{doc id: NFC text} of the *.txt files in `text_dirs` (the first directory wins)."""
    texts: dict[str, str] = {}
    for d in text_dirs:
        for p in sorted(Path(d).glob("*.txt")):
            texts.setdefault(p.stem, read_text(p))
    return texts


def featurize(examples: list[Example], texts: dict[str, str], places: list[Place] | None = None) -> list[dict]:
    """The feature dict of every example, read as extraction reads it (one Analysis per
    document); when `places` is a list, each example's Place (nlp.roles.joint) is appended."""
    docs: dict[str, Analysis] = {}
    out = []
    for ex in examples:
        doc = docs.get(ex.doc)
        if doc is None:
            doc = docs[ex.doc] = Analysis(texts[ex.doc])
        out.append(features(doc, ex.fig, ex.fig.sentence))
        if places is not None:
            places.append(place_of(doc, ex.fig))
    return out
