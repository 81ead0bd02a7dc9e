"""The calibration of legal references' confidence (nlp.confidence) on gold.

For each form of mention, the references the extractor finds in the gold documents are
matched against the gold (the rule of corpus/GUIDELINES.md): a mention is right when it
matches a gold reference and its id is the gold id. The confidence of a form is that
share, shrunk towards the share over all forms by PRIOR_WEIGHT pseudo-mentions (a form
seen twice does not get 1.0 or 0.5 from two mentions alone).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ..analysis import Analysis
from ..confidence import FORMS, TABLE_FILE, legal_form
from ..legal import find_legal_refs
from .gold import load_gold
from .scoring import _id_norm, legal_match

PRIOR_WEIGHT = 4.0


def calibrate(gold_dirs: list[Path], text_dirs: list[Path]) -> dict:
    found: Counter = Counter()
    right: Counter = Counter()
    matched: Counter = Counter()
    for gd in gold_dirs:
        if not Path(gd).exists():
            continue
        for _doc, (text, lines) in sorted(load_gold(gd, text_dirs).items()):
            gold = [ln for ln in lines if ln["type"] == "legal_ref"]
            ignore = [ln for ln in lines if ln["type"] == "ignore"]
            used = [False] * len(gold)
            for ref in find_legal_refs(Analysis(text)):
                if any(ref.start < ig["end"] and ig["start"] < ref.end for ig in ignore):
                    continue
                form = legal_form(ref)
                found[form] += 1
                pred = ref.to_dict()
                hit = next((i for i, g in enumerate(gold) if not used[i] and legal_match(g, pred)), None)
                if hit is not None:
                    used[hit] = True
                    matched[form] += 1
                    right[form] += _id_norm(gold[hit].get("id")) == _id_norm(pred.get("id"))
    n, k = sum(found.values()), sum(right.values())
    overall = (k + 1.0) / (n + 2.0)
    forms = {}
    for form in FORMS:
        conf = (right[form] + PRIOR_WEIGHT * overall) / (found[form] + PRIOR_WEIGHT)
        forms[form] = {"found": found[form], "matched": matched[form], "right": right[form],
                       "precision": round(matched[form] / found[form], 4) if found[form] else None,
                       "right_share": round(right[form] / found[form], 4) if found[form] else None,
                       "confidence": round(conf, 4)}
    return {"method": f"share of mentions matching gold with the right id, per form, shrunk towards the "
                      f"overall share by {PRIOR_WEIGHT:g} pseudo-mentions",
            "overall": {"found": n, "right": k, "share": round(k / n, 4) if n else None},
            "forms": forms}


def save(table: dict, out_dir: Path) -> None:
    (Path(out_dir) / TABLE_FILE).write_text(json.dumps(table, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def format_table(table: dict) -> str:
    lines = ["legal references: confidence per form (found / matched / id right -> confidence)"]
    for form, row in table["forms"].items():
        lines.append(f"  {form:10s} {row['found']:4d} {row['matched']:4d} {row['right']:4d}  -> {row['confidence']:.3f}")
    return "\n".join(lines)
