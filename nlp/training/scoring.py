"""Scoring predictions against gold, with the matching rule of corpus/GUIDELINES.md.

- A predicted figure matches a gold one when the spans overlap and `value` agrees
  (relative difference <= 1e-6), and `total` too where gold has one.
- A predicted legal_ref matches when the spans overlap, `doc_type` agrees
  (case-insensitive) and `number` agrees as an integer (`06` = `6`).
- Each gold record matches at most one prediction, in text order.
- Predictions inside gold `ignore` regions are not counted.
- Field accuracy over matched pairs: unit (`%` exact, else lowercase syllables equal or
  one a prefix of the other), role, comparator, year (where gold has one), id (ignoring
  case and spaces), indicator as the F1 of lowercase syllable multisets; target recall
  (matched gold targets labelled target) and target precision (matched figures labelled
  target that are gold targets).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

TYPES = ("figure", "legal_ref")


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _num_eq(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    if a == b:
        return True
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b))


def _int_eq(a: Any, b: Any) -> bool:
    try:
        return int(str(a).strip()) == int(str(b).strip())
    except (TypeError, ValueError):
        return str(a).strip().lower() == str(b).strip().lower()


def figure_match(gold: dict, pred: dict) -> bool:
    if not _overlap(gold, pred) or not _num_eq(gold.get("value"), pred.get("value")):
        return False
    return gold.get("total") is None or _num_eq(gold.get("total"), pred.get("total"))


def legal_match(gold: dict, pred: dict) -> bool:
    return (
        _overlap(gold, pred)
        and str(gold.get("doc_type", "")).lower() == str(pred.get("doc_type", "")).lower()
        and _int_eq(gold.get("number"), pred.get("number"))
    )


MATCHERS: dict[str, Callable[[dict, dict], bool]] = {"figure": figure_match, "legal_ref": legal_match}


def unit_eq(gold: Any, pred: Any) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    if gold == "%" or pred == "%":
        return gold == pred
    g, p = str(gold).lower().split(), str(pred).lower().split()
    n = min(len(g), len(p))
    return n > 0 and g[:n] == p[:n]


def token_f1(gold: Any, pred: Any) -> float:
    g, p = Counter(str(gold or "").lower().split()), Counter(str(pred or "").lower().split())
    if not g and not p:
        return 1.0
    common = sum((g & p).values())
    if not common:
        return 0.0
    prec, rec = common / sum(p.values()), common / sum(g.values())
    return 2 * prec * rec / (prec + rec)


def _id_norm(x: Any) -> str:
    return "".join(str(x or "").lower().split())


@dataclass
class TypeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    fields: dict[str, list[float]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def field(self, name: str) -> float | None:
        vals = self.fields.get(name)
        return sum(vals) / len(vals) if vals else None

    def add_field(self, name: str, value: float) -> None:
        self.fields.setdefault(name, []).append(float(value))


@dataclass
class Report:
    scores: dict[str, TypeScore] = field(default_factory=lambda: {t: TypeScore() for t in TYPES})
    errors: list[dict[str, Any]] = field(default_factory=list)  # misses and false alarms, for reading

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for t, s in self.scores.items():
            out[t] = {
                "tp": s.tp, "fp": s.fp, "fn": s.fn,
                "precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                "fields": {k: round(s.field(k), 4) for k in sorted(s.fields)},
                "field_counts": {k: len(v) for k, v in sorted(s.fields.items())},
            }
        return out


def _score_fields(score: TypeScore, gold: dict, pred: dict) -> None:
    if gold["type"] == "figure":
        score.add_field("unit", unit_eq(gold.get("unit"), pred.get("unit")))
        score.add_field("role", gold.get("role") == pred.get("role"))
        # target recall: gold targets labelled target; target precision: figures labelled
        # target that are targets (both over matched figures)
        if gold.get("role") == "target":
            score.add_field("target_recall", pred.get("role") == "target")
        if pred.get("role") == "target":
            score.add_field("target_precision", gold.get("role") == "target")
        score.add_field("comparator", gold.get("comparator") == pred.get("comparator"))
        score.add_field("indicator", token_f1(gold.get("indicator"), pred.get("indicator")))
        if gold.get("year") is not None:
            score.add_field("year", gold.get("year") == pred.get("year"))
    else:
        score.add_field("id", _id_norm(gold.get("id")) == _id_norm(pred.get("id")))
        if gold.get("year") is not None:
            score.add_field("year", gold.get("year") == pred.get("year"))
        if gold.get("refers_to"):
            score.add_field("refers_to", _id_norm(gold.get("refers_to")) == _id_norm(pred.get("refers_to")))


def score_document(gold_lines: list[dict], predictions: list[dict], report: Report, doc: str = "",
                   pairs: list[tuple[dict, dict]] | None = None) -> None:
    """Match and score one document; `pairs`, when a list, receives every matched (gold, prediction)."""
    ignore = [g for g in gold_lines if g["type"] == "ignore"]
    preds = [
        p for p in predictions
        if p.get("type") in TYPES and not any(_overlap(p, ig) for ig in ignore)
    ]
    preds.sort(key=lambda p: (p["start"], p["end"]))
    for t in TYPES:
        golds = sorted((g for g in gold_lines if g["type"] == t), key=lambda g: (g["start"], g["end"]))
        cands = [p for p in preds if p["type"] == t]
        used = [False] * len(cands)
        score = report.scores[t]
        for g in golds:
            hit = next((i for i, p in enumerate(cands) if not used[i] and MATCHERS[t](g, p)), None)
            if hit is None:
                score.fn += 1
                report.errors.append({"doc": doc, "kind": "miss", **{k: g.get(k) for k in ("type", "text", "start", "value", "number")}})
                continue
            used[hit] = True
            score.tp += 1
            _score_fields(score, g, cands[hit])
            if pairs is not None:
                pairs.append((g, cands[hit]))
        for i, p in enumerate(cands):
            if not used[i]:
                score.fp += 1
                report.errors.append({"doc": doc, "kind": "false_alarm", **{k: p.get(k) for k in ("type", "text", "start", "value", "number")}})


def evaluate(gold: dict[str, tuple[str, list[dict]]], predict: Callable[[str], list[dict]],
             pairs: list[tuple[str, dict, dict]] | None = None) -> Report:
    """Score `predict(text) -> list of record dicts` over every gold document; `pairs`, when a
    list, receives every matched (doc, gold, prediction)."""
    report = Report()
    for doc, (text, lines) in sorted(gold.items()):
        matched: list[tuple[dict, dict]] = []
        score_document(lines, predict(text), report, doc, matched)
        if pairs is not None:
            pairs.extend((doc, g, p) for g, p in matched)
    return report


FIELD_CHECKS: dict[str, Callable[[dict, dict], bool]] = {
    "role": lambda g, p: g.get("role") == p.get("role"),
    "year": lambda g, p: g.get("year") is None or g.get("year") == p.get("year"),
    "unit": lambda g, p: unit_eq(g.get("unit"), p.get("unit")),
    "comparator": lambda g, p: g.get("comparator") == p.get("comparator"),
    "indicator": lambda g, p: token_f1(g.get("indicator"), p.get("indicator")) >= 0.5,
    "id": lambda g, p: _id_norm(g.get("id")) == _id_norm(p.get("id")),
}


def field_disagreements(pairs: list[tuple[str, dict, dict]]) -> list[dict[str, Any]]:
    """One line per matched record whose fields disagree with gold (indicator: token F1 < 0.5),
    for reading: doc, text, start, and gold -> predicted per field."""
    out = []
    for doc, g, p in pairs:
        checks = [k for k, ok in FIELD_CHECKS.items()
                  if (k == "id") == (g["type"] == "legal_ref") and not ok(g, p)]
        if checks:
            out.append({"doc": doc, "kind": "field", "type": g["type"], "text": g["text"], "start": g["start"],
                        **{k: {"gold": g.get(k), "pred": p.get(k)} for k in checks}})
    return out


def format_report(report: Report) -> str:
    rows = ["type        P       R       F1      tp   fp   fn   fields"]
    for t, s in report.scores.items():
        fields = "  ".join(f"{k}={s.field(k):.3f}" for k in sorted(s.fields))
        rows.append(f"{t:<10} {s.precision:6.3f}  {s.recall:6.3f}  {s.f1:6.3f}  {s.tp:4d} {s.fp:4d} {s.fn:4d}   {fields}")
    return "\n".join(rows)
