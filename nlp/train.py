"""`solieu train`: fit the figure-role model on every gold figure in the corpus (and reviewed records).

Training data, by default under the repository's `corpus/`:
- gold:  corpus/gold/dev, corpus/gold/extra, corpus/gold/reviewed (when present);
- texts: corpus/seeds, corpus/extra, corpus/reviewed_texts (when present);
- reviewed records exported from the review UI (JSONL with doc, start, end, role and
  status accepted/corrected), passed with `--reviewed FILE`.
The model and its meta.json go to models/role/ (see nlp/roles.py for what meta holds).
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import Iterable

from .records import ROLES, Figure
from .roles import DEFAULT_MODEL_DIR, Example, evaluate, load, train

REPO_ROOT = Path(__file__).resolve().parent.parent
REVIEWED_STATUSES = ("accepted", "corrected")


def default_gold_dirs(root: Path = REPO_ROOT) -> list[Path]:
    dirs = [root / "corpus" / "gold" / "dev", root / "corpus" / "gold" / "extra"]
    if (root / "corpus" / "gold" / "reviewed").is_dir():
        dirs.append(root / "corpus" / "gold" / "reviewed")
    return [d for d in dirs if d.is_dir()]


def default_text_dirs(root: Path = REPO_ROOT) -> list[Path]:
    dirs = [root / "corpus" / "seeds", root / "corpus" / "extra"]
    if (root / "corpus" / "reviewed_texts").is_dir():
        dirs.append(root / "corpus" / "reviewed_texts")
    return [d for d in dirs if d.is_dir()]


def examples_from_reviewed(jsonl_path: Path | str, texts: dict[str, str]) -> list[Example]:
    """Training examples from a review export: figures a reviewer accepted or corrected.

    A line is used when it is a figure (`type` absent or "figure"), its `status` is
    accepted/corrected, its `role` is one of target/actual/other, its document text is in
    `texts` and `start`/`end` slice to its `text` (when given) in that text. Other lines
    are skipped: a review export also holds rejected and pending records.
    """
    from .segment import sentence_of, split_sentences

    sentences: dict[str, list[tuple[int, int]]] = {}
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
            if doc not in sentences:
                sentences[doc] = split_sentences(text)
            sent = sentence_of(sentences[doc], start, end)
        try:
            value = float(rec.get("value") or 0.0)
        except (TypeError, ValueError):
            value = 0.0
        fig = Figure(start=start, end=end, text=span, value=value, unit=rec.get("unit"), role=rec["role"])
        out.append(Example(doc, fig, (int(sent[0]), int(sent[1])), rec["role"]))
    return out


def _texts_of(text_dirs: Iterable[Path]) -> dict[str, str]:
    from .gold import read_text

    texts: dict[str, str] = {}
    for d in text_dirs:
        for p in sorted(Path(d).glob("*.txt")):
            texts.setdefault(p.stem, read_text(p))
    return texts


def train_role(gold_dirs: list[Path] | None = None, text_dirs: list[Path] | None = None,
               out_dir: Path | None = None, seed: int = 0,
               reviewed: Iterable[Path] = ()) -> dict:
    """Train and save the role model; returns its meta (also written to out_dir/meta.json)."""
    gold_dirs = [Path(d) for d in gold_dirs] if gold_dirs is not None else default_gold_dirs()
    text_dirs = [Path(d) for d in text_dirs] if text_dirs is not None else default_text_dirs()
    out_dir = Path(out_dir) if out_dir is not None else DEFAULT_MODEL_DIR
    reviewed = [Path(p) for p in reviewed]
    extra = None
    if reviewed:
        texts = _texts_of(text_dirs)
        examples = [ex for p in reviewed for ex in examples_from_reviewed(p, texts)]
        extra = (examples, {ex.doc: texts[ex.doc] for ex in examples})
    return train(gold_dirs, text_dirs, out_dir, seed=seed, extra_examples=extra, extra_files=reviewed)


def _summary(meta: dict) -> str:
    cv, data = meta["metrics"], meta["training_data"]
    lines = [
        f"trained {meta['model_name']} on {data['examples']} figures from {data['documents']} documents "
        f"{meta['n_examples']}",
        f"cross-validation ({cv['scheme']}): accuracy {cv['accuracy']:.3f}, macro-F1 {cv['macro_f1']:.3f}",
    ]
    for role, m in cv["per_class"].items():
        lines.append(f"  {role:7s} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  n={m['support']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="solieu train", description="Train the figure-role model on gold figures.")
    ap.add_argument("--gold", action="append", type=Path, help="gold directory (repeatable; default corpus/gold/*)")
    ap.add_argument("--texts", action="append", type=Path, help="text directory (repeatable; default corpus texts)")
    ap.add_argument("--reviewed", action="append", type=Path, default=[], help="review export JSONL (repeatable)")
    ap.add_argument("--out", type=Path, default=None, help=f"model directory (default {DEFAULT_MODEL_DIR})")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval", dest="eval_gold", action="append", type=Path, default=[],
                    help="after training, report role accuracy on this held-out gold directory")
    ap.add_argument("--json", action="store_true", help="print the meta as JSON")
    args = ap.parse_args(argv)
    try:
        meta = train_role(args.gold, args.texts, args.out, args.seed, args.reviewed)
    except (ValueError, OSError) as exc:
        print(f"solieu train: {exc}", file=sys.stderr)
        return 1
    if args.eval_gold:
        model = load(args.out or DEFAULT_MODEL_DIR)
        meta["holdout"] = evaluate(model, args.eval_gold, args.texts or default_text_dirs())
    print(json.dumps(meta, ensure_ascii=False, indent=2) if args.json else _summary(meta))
    if args.eval_gold and not args.json:
        h = meta["holdout"]
        print(f"held-out {[str(p) for p in args.eval_gold]}: accuracy {h['accuracy']:.3f}, "
              f"macro-F1 {h['macro_f1']:.3f} (n={h['n']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
