"""Out-of-sample evaluation grouped by document (`solieu eval --grouped`) and the
two-annotator agreement table (`solieu eval --agreement`).

Grouped evaluation: the documents of the training gold (never corpus/gold/dev) are dealt
into k folds; for each fold the role model is trained on the other folds' gold with the
code `solieu train` runs (features, both passes, calibration: `fit_joint`), and the whole
extractor runs on the fold's texts with that model. Every document is thus scored by a
model that never saw it; the scores use the matching rule of corpus/GUIDELINES.md.

Agreement: a second annotator's gold of some documents against the first annotator's,
with the same matching rule; role agreement is also given as Cohen's kappa.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable

from ..roles.joint import Place
from .crossval import fit_joint
from .examples import examples_from_gold, featurize
from .gold import load_gold
from .scoring import Report, score_document

COLUMNS = (  # (header, type, metric)
    ("fig P", "figure", "precision"), ("fig R", "figure", "recall"), ("fig F1", "figure", "f1"),
    ("legal P", "legal_ref", "precision"), ("legal R", "legal_ref", "recall"), ("legal F1", "legal_ref", "f1"),
    ("role", "figure", "role"), ("tgt R", "figure", "target_recall"), ("tgt P", "figure", "target_precision"),
    ("indic", "figure", "indicator"), ("year", "figure", "year"), ("unit", "figure", "unit"),
    ("cmp", "figure", "comparator"), ("id", "legal_ref", "id"),
)


def _value(report: Report, kind: str, metric: str) -> float | None:
    s = report.scores[kind]
    if metric in ("precision", "recall", "f1"):
        return getattr(s, metric) if s.tp + s.fp + s.fn else None
    return s.field(metric)


def table(rows: list[tuple[str, Report]]) -> str:
    """One line per (label, report): the columns of COLUMNS, and the counts."""
    head = f"{'':<22}" + "".join(f"{h:>9}" for h, _, _ in COLUMNS) + "   figures  targets  legal"
    lines = [head]
    for label, rep in rows:
        cells = []
        for _, kind, metric in COLUMNS:
            v = _value(rep, kind, metric)
            cells.append(f"{v:9.3f}" if v is not None else f"{'-':>9}")
        fig, leg = rep.scores["figure"], rep.scores["legal_ref"]
        n_tgt = len(fig.fields.get("target_recall", []))
        lines.append(f"{label:<22}" + "".join(cells) + f"   {fig.tp + fig.fn:7d}  {n_tgt:7d}  {leg.tp + leg.fn:5d}")
    return "\n".join(lines)


def report_dict(rep: Report) -> dict:
    d = rep.to_dict()
    return {**d, "summary": {h: (round(v, 4) if (v := _value(rep, k, m)) is not None else None) for h, k, m in COLUMNS}}


def _folds(sizes: dict[str, int], k: int) -> list[list[str]]:
    """Documents dealt into k folds of about equal numbers of figures (largest first, each to
    the lightest fold; ties by name): deterministic, no randomness."""
    folds: list[list[str]] = [[] for _ in range(k)]
    load = [0] * k
    for doc in sorted(sizes, key=lambda d: (-sizes[d], d)):
        j = min(range(k), key=lambda i: (load[i], i))
        folds[j].append(doc)
        load[j] += max(1, sizes[doc])
    return [sorted(f) for f in folds if f]


def grouped_eval(gold_dirs: list[Path], text_dirs: list[Path], k: int = 10, seed: int = 0,
                 progress: Callable[[str], None] | None = None,
                 pairs: list[tuple[str, dict, dict]] | None = None) -> dict[str, Report]:
    """Out-of-sample reports, grouped by document: {"all": ..., <gold dir name>: ...};
    `pairs`, when a list, receives every matched (doc, gold, out-of-sample prediction)."""
    from threadpoolctl import threadpool_limits

    from ..pipeline import extract
    from .train import in_memory_model

    gold_dirs = [Path(d) for d in gold_dirs]
    text_dirs = [Path(d) for d in text_dirs]
    gold: dict[str, tuple[str, list[dict]]] = {}
    set_of: dict[str, str] = {}
    for gd in gold_dirs:
        for doc, item in load_gold(gd, text_dirs).items():
            gold[doc] = item
            set_of[doc] = gd.name
    examples, texts = examples_from_gold(gold_dirs, text_dirs)
    examples.sort(key=lambda ex: (ex.doc, ex.fig.start, ex.fig.end))
    places: list[Place] = []
    X = featurize(examples, texts, places)
    y = [ex.role for ex in examples]
    groups = [ex.doc for ex in examples]
    sizes = Counter(groups)
    folds = _folds({doc: sizes.get(doc, 0) for doc in gold}, min(k, len(gold)))
    reports = {"all": Report(), **{name: Report() for name in dict.fromkeys(set_of.values())}}
    for n, held in enumerate(folds, 1):
        held_set = set(held)
        tr = [i for i, g in enumerate(groups) if g not in held_set]
        with threadpool_limits(limits=1):
            joint = fit_joint([X[i] for i in tr], [y[i] for i in tr], [groups[i] for i in tr],
                              [places[i] for i in tr], seed)
        model = in_memory_model(joint)
        for doc in held:
            text, lines = gold[doc]
            preds = [r.to_dict() for r in extract(text, role_model=model)]
            matched: list[tuple[dict, dict]] = []
            score_document(lines, preds, reports["all"], doc, matched)
            score_document(lines, preds, reports[set_of[doc]], doc)
            if pairs is not None:
                pairs.extend((doc, g, p) for g, p in matched)
        if progress:
            progress(f"fold {n}/{len(folds)}: {len(held)} documents, trained on {len(tr)} figures")
    return reports


def cohen_kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two labelings of the same items."""
    n = len(a)
    if not n:
        return float("nan")
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[c] * cb[c] for c in set(ca) | set(cb)) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def agreement(second_dir: Path, first_dir: Path, text_dirs: list[Path]) -> dict:
    """The second annotator's gold scored against the first's, on the documents both labelled."""
    a = load_gold(second_dir, text_dirs)
    b = load_gold(first_dir, text_dirs)
    rep = Report()
    pairs: list[tuple[dict, dict]] = []
    docs = sorted(set(a) & set(b))
    for doc in docs:
        score_document(b[doc][1], a[doc][1], rep, doc, pairs)
    fig_pairs = [(g, p) for g, p in pairs if g["type"] == "figure"]
    ra, rb = [p.get("role") for _, p in fig_pairs], [g.get("role") for g, _ in fig_pairs]
    years = [(g.get("year"), p.get("year")) for g, p in fig_pairs]
    return {
        "documents": docs,
        "report": rep,
        "figures": {"first": sum(1 for d in docs for ln in b[d][1] if ln["type"] == "figure"),
                    "second": sum(1 for d in docs for ln in a[d][1] if ln["type"] == "figure"),
                    "matched": len(fig_pairs)},
        "role_agreement": sum(x == y for x, y in zip(ra, rb)) / len(ra) if ra else None,
        "role_kappa": cohen_kappa(ra, rb),
        "role_confusion": {f"{x}->{y}": n for (x, y), n in sorted(Counter(zip(rb, ra)).items())},
        # year agreement over all matched figures, both null counted as agreeing
        "year_agreement_incl_null": sum(x == y for x, y in years) / len(years) if years else None,
    }


def format_agreement(ag: dict, first: str, second: str) -> str:
    rep = ag["report"]
    fig = rep.scores["figure"]
    f = ag["figures"]
    lines = [f"{len(ag['documents'])} documents labelled by both: {first} (reference) and {second}",
             f"figures: {f['first']} / {f['second']}, matched {f['matched']}",
             f"{'':<34}{'value':>8}",
             f"{'figure F1 between annotators':<34}{fig.f1:8.3f}   (P {fig.precision:.3f}, R {fig.recall:.3f})",
             f"{'role agreement':<34}{ag['role_agreement']:8.3f}",
             f"{'role Cohen kappa':<34}{ag['role_kappa']:8.3f}"]
    for name, label in (("year", "year (where the reference has one)"), ("unit", "unit"),
                        ("comparator", "comparator"), ("indicator", "indicator token-F1")):
        v = fig.field(name)
        lines.append(f"{label:<34}{v:8.3f}" if v is not None else f"{label:<34}{'-':>8}")
    lines.append(f"{'year, null = null counted':<34}{ag['year_agreement_incl_null']:8.3f}")
    leg = rep.scores["legal_ref"]
    if leg.tp + leg.fp + leg.fn:
        lines.append(f"{'legal_ref F1':<34}{leg.f1:8.3f}   (n {leg.tp + leg.fn})")
    lines.append("role confusion (reference->second): " + ", ".join(f"{k} {v}" for k, v in ag["role_confusion"].items()))
    return "\n".join(lines)
