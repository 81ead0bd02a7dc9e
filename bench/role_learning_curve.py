"""How role accuracy grows with the gold it is trained on: the learning curve of issue 8.

The documents labelled before the annotation rounds (corpus/gold/extra and the articles of
corpus/gold/train whose corpus/train/SOURCES.json entry has no `labelled` round) are the
base. For each k = 0, 1, 2, ... the out-of-sample evaluation of `solieu eval --grouped` (10
folds grouped by document: the role model retrained without each fold, the whole
extractor run on it) is run on the base plus the articles of rounds 1..k, and scored on the
base documents only, so that every row scores the same figures, each by a model that never
saw its article.

    python bench/role_learning_curve.py             (~1.5 min per row on 2 cores)
    python bench/role_learning_curve.py --rows 8 10 (only those rows: does round 10 help?)
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, save  # noqa: E402
from nlp.training.grouped import grouped_eval  # noqa: E402

GOLD = ROOT / "corpus" / "gold"
TEXTS = [ROOT / "corpus" / "extra", ROOT / "corpus" / "train", ROOT / "corpus" / "seeds"]
_ROUND = re.compile(r"round (\d+)")


def rounds() -> dict[str, int]:
    """doc -> its annotation round (documents of the base have none)."""
    sources = json.loads((ROOT / "corpus" / "train" / "SOURCES.json").read_text(encoding="utf-8"))
    out = {}
    for doc, entry in sources.items():
        m = _ROUND.search(entry.get("labelled") or "")
        if m:
            out[doc] = int(m.group(1))
    return out


def _link(files: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True)
    for f in files:
        shutil.copyfile(f, folder / f.name)
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", help="only these k (rounds 1..k added)")
    only = ap.parse_args().rows
    of = rounds()
    train_files = sorted((GOLD / "train").glob("*.jsonl"))
    base = sorted((GOLD / "extra").glob("*.jsonl")) + [f for f in train_files if f.stem not in of]
    rows = []
    for k in range(0, max(of.values(), default=0) + 1):
        if k and k not in of.values():
            continue  # a round kept out of training (round 6, the held-out set) adds nothing
        if only and k not in only:
            continue
        added = [f for f in train_files if 0 < of.get(f.stem, 0) <= k]
        with tempfile.TemporaryDirectory() as tmp:
            dirs = [_link(base, Path(tmp) / "base")]
            if added:
                dirs.append(_link(added, Path(tmp) / "added"))
            reports = grouped_eval(dirs, TEXTS)
        s = reports["base"].scores["figure"]
        row = {"rounds": k, "documents_trained": len(base) + len(added),
               "base_documents": len(base), "base_figures_matched": len(s.fields.get("role", [])),
               "role": round(s.field("role"), 4), "target_recall": round(s.field("target_recall"), 4),
               "target_precision": round(s.field("target_precision"), 4)}
        rows.append(row)
        print(row, flush=True)
    print(save("role_learning_curve" if not only else "role_learning_curve_rows", {"rows": rows}))


if __name__ == "__main__":
    main()
