"""`solieu train`: fit the figure-role model on the training gold (and reviewed records), save it.

Training data, by default under the repository's `corpus/`:
- gold:  corpus/gold/extra, corpus/gold/train, corpus/gold/reviewed (when present) --
  never corpus/gold/dev (the evaluation gate) and never corpus/gold/agreement (a second
  annotator's labels of train documents: for measuring agreement only);
- texts: corpus/extra, corpus/train, corpus/seeds, corpus/reviewed_texts (when present);
- reviewed records exported from the review UI (JSONL with doc, start, end, role and
  status accepted/corrected).
The model goes to models/role/: model.joblib, weights.npz (numpy inference at extraction
time, both passes) and meta.json (task, feature version, library versions, a hash of the
training data, grouped cross-validated metrics, calibration), which nlp.roles.model
checks when it loads the model.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from ..analysis import Analysis
from ..confidence import load_table
from ..linear_model import LinearScorer, save_scorers
from ..roles.cues import group_names
from ..roles.features import FEATURE_VERSION
from ..roles.joint import Place
from ..roles.model import (DEFAULT_MODEL_DIR, MODEL_NAME, REPO_ROOT, TASK, WEIGHTS_FILE, RoleModel,
                           default_model, library_versions)
from ..roles.vote import rule_role
from .crossval import C_GRID, CLASS_WEIGHT, Joint, cross_validate, fit_joint, metrics
from .examples import Example, examples_from_gold, examples_from_reviewed, featurize, texts_of
from .legal_calibration import calibrate as calibrate_legal
from .legal_calibration import save as save_legal

# Gold that is never training data: the gate, and the second annotator's labels.
HELD_OUT_GOLD = ("dev", "agreement")


def default_gold_dirs(root: Path = REPO_ROOT) -> list[Path]:
    """corpus/gold/extra, corpus/gold/train (and corpus/gold/reviewed): exactly the training gold."""
    names = ["extra", "train", "reviewed"]
    return [root / "corpus" / "gold" / n for n in names if (root / "corpus" / "gold" / n).is_dir()]


def default_text_dirs(root: Path = REPO_ROOT) -> list[Path]:
    dirs = [root / "corpus" / n for n in ("extra", "train", "seeds", "reviewed_texts")]
    return [d for d in dirs if d.is_dir()]


def data_hash(paths: Iterable[Path]) -> str:
    """sha256 over the sorted (relative name, content) of the files used for training."""
    h = hashlib.sha256()
    for p in sorted({Path(p) for p in paths}, key=lambda p: (p.name, str(p))):
        h.update(p.name.encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _display_path(p: Path) -> str:
    """Repo-relative when inside the repo, so meta.json does not depend on the checkout path."""
    try:
        return Path(p).resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(p)


def _training_files(gold_dirs: list[Path], text_dirs: list[Path], extra_files: Iterable[Path]) -> list[Path]:
    """The gold files and the texts they index (what the data hash covers)."""
    files: list[Path] = list(extra_files)
    for gd in gold_dirs:
        if gd.exists():
            for gf in sorted(gd.rglob("*.jsonl")) if gd.is_dir() else [gd]:
                files.append(gf)
                tp = next((d / f"{gf.stem}.txt" for d in text_dirs if (d / f"{gf.stem}.txt").exists()), None)
                if tp is not None:
                    files.append(tp)
    return files


def train(gold_dirs: list[Path], text_dirs: list[Path], out_dir: Path = DEFAULT_MODEL_DIR, seed: int = 0,
          extra_examples: tuple[list[Example], dict[str, str]] | None = None,
          extra_files: Iterable[Path] = ()) -> dict:
    """Train on every gold figure (plus `extra_examples`, e.g. reviewed records), save, return meta.

    `extra_examples` replace gold examples of the same (doc, start, end): a reviewer's
    correction is newer knowledge than the gold line it overlaps.
    """
    from threadpoolctl import threadpool_limits

    gold_dirs = [Path(d) for d in gold_dirs]
    text_dirs = [Path(d) for d in text_dirs]
    examples, texts = examples_from_gold(gold_dirs, text_dirs)
    if extra_examples:
        more, more_texts = extra_examples
        texts.update(more_texts)
        keys = {(ex.doc, ex.fig.start, ex.fig.end) for ex in more}
        examples = [ex for ex in examples if (ex.doc, ex.fig.start, ex.fig.end) not in keys] + list(more)
    if len({ex.role for ex in examples}) < 2:
        raise ValueError(f"need gold figures of at least two roles to train, found {Counter(ex.role for ex in examples)}")
    examples.sort(key=lambda ex: (ex.doc, ex.fig.start, ex.fig.end))

    places: list[Place] = []
    X = featurize(examples, texts, places)
    y = [ex.role for ex in examples]
    groups = [ex.doc for ex in examples]
    # Tiny problems: BLAS threads only contend with each other (and other processes).
    with threadpool_limits(limits=1):
        cv = cross_validate(X, y, groups, places, seed)
        joint = fit_joint(X, y, groups, places, seed)

    meta = {
        "task": TASK,
        "model_name": MODEL_NAME,
        "feature_version": FEATURE_VERSION,
        "cue_groups": group_names(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": library_versions(),
        "training_data": {
            "sha256": data_hash(_training_files(gold_dirs, text_dirs, extra_files)),
            "gold_dirs": [_display_path(d) for d in gold_dirs],
            "documents": len(set(groups)),
            "examples": len(y),
        },
        "n_examples": dict(sorted(Counter(y).items())),
        "params": {"C": joint.C_first, "C_second": joint.C_second, "class_weight": CLASS_WEIGHT, "seed": seed,
                   "C_grid": list(C_GRID), "passes": ["first", "second"]},
        # out of sample: folds grouped by document, everything fitted inside each training fold
        "metrics": {k: v for k, v in cv.items() if k != "calibration"},
        "calibration": {"temperature": joint.temperature, **cv["calibration"]},
    }
    # Legal references' confidence per form of mention, on the same gold (nlp.confidence).
    legal = calibrate_legal(gold_dirs, text_dirs)
    meta["legal_confidence"] = legal
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    save_legal(legal, out_dir)
    save_model(joint, out_dir, meta)
    default_model.cache_clear()  # a process that trains then extracts sees the new model
    load_table.cache_clear()
    return meta


def save_model(joint: Joint, out_dir: Path, meta: dict) -> None:
    """model.joblib (both scikit-learn pipelines), weights.npz (the same weights for numpy
    inference, nlp/linear_model.py) and meta.json (which names the weights' sha256)."""
    import joblib

    joblib.dump({"first": joint.first, "second": joint.second, "temperature": joint.temperature},
                out_dir / "model.joblib")
    meta["weights"] = {"file": WEIGHTS_FILE, "sha256": save_scorers(out_dir / WEIGHTS_FILE, {
        "first": LinearScorer.from_pipeline(joint.first), "second": LinearScorer.from_pipeline(joint.second)})}
    (out_dir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def in_memory_model(joint: Joint, meta: dict | None = None) -> RoleModel:
    """The model extraction would load from `save_model`'s files (numpy weights), without files."""
    return RoleModel(LinearScorer.from_pipeline(joint.first), dict(meta or {"model_name": MODEL_NAME}),
                     LinearScorer.from_pipeline(joint.second), joint.temperature)


def train_role(gold_dirs: list[Path] | None = None, text_dirs: list[Path] | None = None,
               out_dir: Path | None = None, seed: int = 0,
               reviewed: Iterable[Path] = ()) -> dict:
    """Train and save the role model with the default corpus where none is given; returns its meta."""
    gold_dirs = [Path(d) for d in gold_dirs] if gold_dirs is not None else default_gold_dirs()
    text_dirs = [Path(d) for d in text_dirs] if text_dirs is not None else default_text_dirs()
    out_dir = Path(out_dir) if out_dir is not None else DEFAULT_MODEL_DIR
    reviewed = [Path(p) for p in reviewed]
    extra = None
    if reviewed:
        texts = texts_of(text_dirs)
        examples = [ex for p in reviewed for ex in examples_from_reviewed(p, texts)]
        extra = (examples, {ex.doc: texts[ex.doc] for ex in examples})
    return train(gold_dirs, text_dirs, out_dir, seed=seed, extra_examples=extra, extra_files=reviewed)


def evaluate_roles(model: RoleModel | None, gold_dirs: list[Path], text_dirs: list[Path]) -> dict:
    """Role accuracy of `model` (or of the rule vote, when None) on the gold figure spans,
    the roles of each document decided together as at extraction time."""
    examples, texts = examples_from_gold([Path(d) for d in gold_dirs], [Path(d) for d in text_dirs])
    y = [ex.role for ex in examples]
    if model is not None:
        places: list[Place] = []
        feats = featurize(examples, texts, places)
        pred = [""] * len(examples)
        by_doc: dict[str, list[int]] = {}
        for i, ex in enumerate(examples):
            by_doc.setdefault(ex.doc, []).append(i)
        for idx in by_doc.values():
            classes, probs = model.decide([feats[i] for i in idx], [places[i] for i in idx])
            for i, row in zip(idx, probs):
                pred[i] = classes[int(row.argmax())]
    else:
        docs = {doc: Analysis(text) for doc, text in texts.items()}
        pred = [rule_role(docs[ex.doc], ex.fig, ex.fig.sentence)[0] for ex in examples]
    return metrics(y, pred)


def summary(meta: dict) -> str:
    """What `solieu train` prints: the data, the out-of-sample scores per role, calibration."""
    cv, data = meta["metrics"], meta["training_data"]
    lines = [
        f"trained {meta['model_name']} on {data['examples']} figures from {data['documents']} documents "
        f"{meta['n_examples']}",
        f"cross-validation ({cv['scheme']}): accuracy {cv['accuracy']:.3f} (first pass alone "
        f"{cv.get('first_pass_accuracy', float('nan')):.3f}), macro-F1 {cv['macro_f1']:.3f}",
    ]
    for role, m in cv["per_class"].items():
        lines.append(f"  {role:7s} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  n={m['support']}")
    cal = meta.get("calibration") or {}
    if cal:
        lines.append(f"calibration: temperature {cal['temperature']:.3f}, expected calibration error "
                     f"{cal['uncalibrated']['ece']:.3f} -> {cal['calibrated']['ece']:.3f} (out of sample, {len(cal['calibrated']['table'])} bins)")
    return "\n".join(lines)
