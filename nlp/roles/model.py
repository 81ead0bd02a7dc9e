"""The trained role model at extraction time: loading it with its provenance, applying it.

`solieu train` (nlp.training) writes models/role/: model.joblib (the scikit-learn
pipelines), weights.npz (the same weights for numpy-only inference, nlp.linear_model) and
meta.json (task, feature version, library versions, training data, cross-validated
metrics, calibration). Extraction reads weights.npz and never imports scikit-learn.

The model has two passes (nlp.roles.joint): the first scores each figure from its own
features; the second rescores it with its own and its neighbours' first-pass
probabilities (sentence, list or section, paragraph, the figures before and after it,
the document). Its scores are divided by the temperature fitted on out-of-sample scores
(calibration): the probability of the chosen role is the figure's `confidence`.
`assign_roles` applies the model to the figures of one document; without a model it takes
the rule vote (`role:rules`).
"""
from __future__ import annotations

import json
import logging
import platform
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis import Analysis
from ..linear_model import LinearScorer, file_sha256, load_scorers
from ..records import ROLES, Figure
from .context import sentence_for
from .cues import cue_groups
from .features import FEATURE_VERSION, features
from .joint import Place, place_of, scores, softmax, stacked_features
from .links import joint_choice, link_groups
from .vote import rule_role

log = logging.getLogger(__name__)

TASK = "figure-role"
MODEL_NAME = "logreg-joint-v2"
REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "role"
WEIGHTS_FILE = "weights.npz"


class ModelError(RuntimeError):
    """A role model that cannot be loaded (missing or corrupt file, incompatible features)."""


@dataclass
class RoleModel:
    pipeline: Any  # first pass: DictVectorizer + LogisticRegression (or its LinearScorer)
    meta: dict = field(default_factory=dict)
    second: Any = None  # second pass, over the features + the neighbours' first-pass probabilities
    temperature: float = 1.0  # calibration: scores are divided by it before the softmax

    @property
    def name(self) -> str:
        return self.meta.get("model_name", MODEL_NAME)

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    def predict_proba(self, feats: list[dict]) -> list[dict[str, float]]:
        """First-pass probabilities of each figure alone (uncalibrated)."""
        if not feats:
            return []
        probs = self.pipeline.predict_proba(feats)
        return [{c: float(p) for c, p in zip(self.classes, row)} for row in probs]

    def predict(self, feats: list[dict]) -> list[str]:
        return [max(p, key=p.get) for p in self.predict_proba(feats)]

    def decide(self, feats: list[dict], places: list[Place]) -> tuple[list[str], np.ndarray]:
        """(classes, calibrated probabilities n x classes) of the figures of ONE document,
        decided together: the second pass reads the neighbours' first-pass probabilities."""
        classes = self.classes
        if not feats:
            return classes, np.zeros((0, len(classes)))
        first = np.asarray(self.pipeline.predict_proba(feats), dtype=np.float64)
        if self.second is None:
            return classes, softmax(scores(self.pipeline, feats), self.temperature)
        rows = [{**f, **j} for f, j in zip(feats, stacked_features(places, first, classes))]
        second = [str(c) for c in self.second.classes_]
        z = scores(self.second, rows)
        if second != classes:
            z = z[:, [second.index(c) for c in classes]]
        return classes, softmax(z, self.temperature)


# Three rules of corpus/GUIDELINES.md that decoding enforces over the model's scores; the
# confidence stays the model's probability of the role taken, so review still sees its doubt.
# A figure that a goal noun heads with nothing between ("đạt 50.350 doanh nghiệp/mục tiêu
# 48.000 doanh nghiệp", "chỉ tiêu 6,7%") is the goal itself (`target`, "chỉ tiêu tăng trưởng
# GDP 6,7%"); in the training gold 13 of 13 such figures are targets. The model sees this
# feature, but a result verb earlier in the clause can outweigh it.
_HEADED_BY_GOAL = ("nearest_left_adjacent", "goal_head")
# A count of a plan's parts ("53 chỉ tiêu", "05 nhóm nhiệm vụ", "2 mục tiêu") describes the
# plan (`other`, "05 nhóm nhiệm vụ"), or reports progress when it is a ratio or achieved
# ("đạt 15/19 tiêu chí"); it is never itself the goal: in the training gold none of 31 such
# figures is a target. Decoding takes the likelier of the allowed roles.
_NEVER_TARGET = "unit:unit_plan"


# A goal noun stated as the subject of "là", ":", "(" or a change verb right before the figure
# ("kế hoạch là 60.000 ha", "(kế hoạch tăng 6,2%)", "chỉ tiêu đề ra (90% trở lên)", "đặt mục
# tiêu giảm 15%") names the goal's value: `target` (15 of 15 such figures in all the gold).
# Not with "đạt": "chỉ tiêu kế hoạch giao đạt 140.929 tỷ đồng" reports a result against it.
_GOAL_GROUPS = ("goal", "goal_head")
_GOAL_STATED_TAIL = (r"(?:\s+(?:năm\s+\d{4}|cả\s+năm|(?:Quốc\s+hội\s+|Chính\s+phủ\s+)?(?:được\s+)?giao|đề\s+ra|đặt\s+ra))?"
                     r"\s*(?:tăng|giảm|là|:|\()\s*(?:khoảng|trên|dưới|từ|tối\s+thiểu|ít\s+nhất|tối\s+đa|gần|hơn)?\s*$")


@lru_cache(maxsize=1)
def _goal_stated() -> re.Pattern[str]:
    heads = r"\s+".join  # syllables of a phrase, any spacing between
    alternatives = "|".join(heads(re.escape(syl) for syl in p) for g in cue_groups() if g.group in _GOAL_GROUPS
                            for p in g.phrases)
    return re.compile(r"(?<![^\W_])(?:" + alternatives + ")" + _GOAL_STATED_TAIL, re.IGNORECASE)


def _allowed(feats: dict, fig: Figure, text: str = "") -> set[str] | None:
    """The roles decoding may give this figure (None: any)."""
    key, group = _HEADED_BY_GOAL
    if feats.get(key) == group or (text and _goal_stated().search(text, max(0, fig.start - 70), fig.start)):
        return {"target"}
    if feats.get(_NEVER_TARGET) and fig.total is None:
        return {"actual", "other"}
    return None


def _append_source(source: str, tag: str) -> str:
    return f"{source}+{tag}" if source else tag


def assign_roles(doc: Analysis, figures: list[Figure], model: RoleModel | None) -> list[Figure]:
    """The figures (of one document) with `role`, `confidence` and `source` set.

    With a model: the roles are decided together (`RoleModel.decide`); role = the most
    probable class, confidence = its calibrated probability, source += "+role:<model
    name>". Without one: the cue rules, confidence *= the rule's strength, source +=
    "+role:rules".
    """
    out = []
    if model is not None:
        feats = [features(doc, fig, sentence_for(doc.flat, fig)) for fig in figures]
        classes, probs = model.decide(feats, [place_of(doc, fig) for fig in figures])
        allowed = [_allowed(f, fig, doc.text) for f, fig in zip(feats, figures)]
        chosen: list[int | None] = [None] * len(figures)
        for members in link_groups(doc.text, figures):
            k = joint_choice(probs, members, allowed, classes)
            for i in members:
                chosen[i] = k
        for i, (fig, row) in enumerate(zip(figures, probs)):
            k = chosen[i]
            if k is None:
                order = np.argsort(-row, kind="stable")
                k = next((int(j) for j in order if allowed[i] is None or classes[j] in allowed[i]), int(order[0]))
            out.append(fig.with_(role=classes[k], confidence=round(float(row[k]), 4),
                                 source=_append_source(fig.source, f"role:{model.name}")))
        return out
    for fig in figures:
        role, conf = rule_role(doc, fig, sentence_for(doc.flat, fig))
        out.append(fig.with_(role=role, confidence=fig.confidence * conf,
                             source=_append_source(fig.source, "role:rules")))
    return out


def library_versions() -> dict[str, str]:
    # From package metadata, not imports: checking a model's provenance must not import
    # scikit-learn (a second of start-up) when extraction does not need it.
    from importlib.metadata import PackageNotFoundError, version

    from .. import __version__

    def v(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "unknown"

    return {"python": platform.python_version(), "scikit-learn": v("scikit-learn"),
            "numpy": v("numpy"), "joblib": v("joblib"),
            "underthesea": v("underthesea"), "solieu": __version__}


_CHECKED_VERSIONS = ("python", "scikit-learn", "numpy", "joblib", "underthesea", "solieu")
# The pickle itself depends on these exactly; the others matter from a minor release on
# (tokenisation and POS tags feed the features).
_EXACT_VERSIONS = ("scikit-learn", "numpy", "joblib")


def _differs(lib: str, saved: str, installed: str) -> bool:
    if lib in _EXACT_VERSIONS:
        return saved != installed
    return saved.split(".")[:2] != installed.split(".")[:2]


def load(model_dir: Path, engine: str = "numpy") -> RoleModel:
    """Load the model + meta.json; warn when they were saved by other library versions.

    engine "numpy" (default) applies weights.npz with numpy alone when meta.json vouches
    for it; "sklearn" (or an older model without weights.npz) unpickles model.joblib.
    """
    model_dir = Path(model_dir)
    meta_path, model_path = model_dir / "meta.json", model_dir / "model.joblib"
    if not meta_path.is_file() or not model_path.is_file():
        raise ModelError(f"role model not found in {model_dir}: need model.joblib and meta.json (run `solieu train`)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{meta_path}: unreadable meta.json ({exc})") from exc
    if not isinstance(meta, dict) or meta.get("task") != TASK:
        raise ModelError(f"{meta_path}: not a {TASK} model (task={meta.get('task') if isinstance(meta, dict) else None!r})")
    if meta.get("feature_version") != FEATURE_VERSION:
        raise ModelError(f"{model_dir}: model built for features {meta.get('feature_version')!r}, "
                         f"this code computes {FEATURE_VERSION!r}: retrain with `solieu train`")
    saved = meta.get("versions") or {}
    now = library_versions()
    diff = [f"{k} {saved[k]} (installed {now[k]})" for k in _CHECKED_VERSIONS
            if saved.get(k) is not None and _differs(k, str(saved[k]), now[k])]
    if diff:
        warnings.warn(f"role model in {model_dir} was saved with other library versions: {', '.join(diff)}; "
                      "predictions may differ, retrain with `solieu train`", UserWarning, stacklevel=2)
    weights = model_dir / WEIGHTS_FILE
    expected = (meta.get("weights") or {}).get("sha256")
    temperature = float((meta.get("calibration") or {}).get("temperature", 1.0))
    if engine == "numpy" and expected and weights.is_file():
        # The trained weights without importing scikit-learn; the hash ties them to this meta.
        if file_sha256(weights) != expected:
            raise ModelError(f"{weights}: does not match meta.json (sha256 differs): retrain with `solieu train`")
        try:
            stages = load_scorers(weights)
        except Exception as exc:  # noqa: BLE001 - any read failure is a corrupt weights file
            raise ModelError(f"{weights}: corrupt weights file ({type(exc).__name__}: {exc})") from exc
        first = stages.get("first")
        if first is None or not set(first.classes_) <= set(ROLES):
            raise ModelError(f"{weights}: does not hold a role classifier")
        return RoleModel(first, meta, stages.get("second"), temperature)
    import joblib

    try:
        with warnings.catch_warnings():
            if diff:  # already reported in one clear message above
                warnings.simplefilter("ignore")
            saved_model = joblib.load(model_path)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure is a corrupt model file
        raise ModelError(f"{model_path}: corrupt or incompatible model file ({type(exc).__name__}: {exc})") from exc
    first = saved_model.get("first") if isinstance(saved_model, dict) else saved_model
    if not hasattr(first, "predict_proba") or not set(map(str, getattr(first, "classes_", ()))) <= set(ROLES):
        raise ModelError(f"{model_path}: does not hold a role classifier")
    second = saved_model.get("second") if isinstance(saved_model, dict) else None
    return RoleModel(first, meta, second, temperature)


@lru_cache(maxsize=1)
def default_model() -> RoleModel | None:
    """The shipped model in <repo>/models/role, loaded once; None (logged) when absent or broken."""
    try:
        return load(DEFAULT_MODEL_DIR)
    except ModelError as exc:
        log.warning("solieu: no usable role model (%s); roles come from rules", exc)
        return None
