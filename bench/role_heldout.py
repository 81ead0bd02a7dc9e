"""Role accuracy on documents the model never saw: train on one gold set, score the other.

The shipped model is trained on all gold (dev + extra), so its role accuracy on either set
is in-sample. This trains a fresh model on one set, runs the full pipeline with it on the
other set's texts, and scores with the guideline matching rule (nlp.training.scoring).

    python bench/role_heldout.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, save  # noqa: E402
from nlp.pipeline import extract  # noqa: E402
from nlp.roles.model import load  # noqa: E402
from nlp.training.gold import load_gold  # noqa: E402
from nlp.training.scoring import evaluate  # noqa: E402
from nlp.training.train import train  # noqa: E402

SETS = {"dev": ROOT / "corpus/gold/dev", "extra": ROOT / "corpus/gold/extra"}
TEXTS = [ROOT / "corpus/seeds", ROOT / "corpus/extra"]


def main() -> None:
    out = {}
    for train_on, test_on in (("extra", "dev"), ("dev", "extra")):
        with tempfile.TemporaryDirectory() as tmp:
            train([SETS[train_on]], TEXTS, Path(tmp))
            model = load(Path(tmp))
            report = evaluate(load_gold(SETS[test_on], TEXTS), lambda t: [r.to_dict() for r in extract(t, role_model=model)])
        s = report.scores["figure"]
        out[f"train_{train_on}_test_{test_on}"] = {"role_accuracy": round(s.field("role"), 4),
                                                   "matched_figures": len(s.fields.get("role", []))}
    print(save("role_heldout", out))
    for k, v in out.items():
        print(k, v)


if __name__ == "__main__":
    main()
