"""The record contract of corpus/GUIDELINES.md: one frozen dataclass per record type, the
field list of each type, and the checks a changed field must pass.

Every record carries the guideline fields of its type plus `start`/`end` (offsets into
the NFC text as stored), `text` (== text[start:end]), `sentence` (the enclosing
sentence's offsets), `confidence` (0-1) and `source` (rule id or model name).

The store's columns, the CSV export and the review form derive their field lists from
`FIELDS` here, and the store and the review form both check a correction with
`check_changes` / `check_field`, so there is one contract, not one per consumer.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from typing import Any, Union

ROLES = ("target", "actual", "other")
COMPARATORS = (">=", ">", "<=", "<", "~", "=")
RELATION_TYPES = ("amends", "replaces", "guides", "repeals", "implements")


@dataclass(frozen=True)
class Relation:
    """A relation stated in the sentence: this mention `type` the document `target`.

    `type` is one of RELATION_TYPES ("sửa đổi, bổ sung" -> amends, "thay thế" ->
    replaces, "hướng dẫn" -> guides, "bãi bỏ" -> repeals, "triển khai/thực hiện" ->
    implements); `target` is the canonical id of the other document.
    """

    type: str
    target: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "target": self.target}


_SCALARS = frozenset({int, float, str, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


@dataclass(frozen=True)
class _Base:
    start: int
    end: int
    text: str
    sentence: tuple[int, int] = (0, 0)
    confidence: float = 1.0
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        # What asdict gives, built directly when every field holds an immutable scalar
        # (asdict deep-copies field by field: the slowest step of writing records out).
        d: dict[str, Any] = {}
        for name in _field_names(type(self)):
            v = getattr(self, name)
            if name == "sentence":
                v = list(v)
            elif type(v) not in _SCALARS:
                d = asdict(self)
                d["sentence"] = list(self.sentence)
                break
            d[name] = v
        return {"type": self.type, **d}

    def with_(self, **changes: Any):
        return replace(self, **changes)


@dataclass(frozen=True)
class Figure(_Base):
    value: float = 0.0
    total: float | None = None
    unit: str | None = None
    role: str = "other"
    comparator: str = "="
    indicator: str | None = None
    year: int | None = None

    type = "figure"


@dataclass(frozen=True)
class LegalRef(_Base):
    doc_type: str = ""
    number: str = ""
    year: int | None = None
    code: str | None = None
    issued: str | None = None
    id: str = ""
    refers_to: str | None = None
    relations: tuple[Relation, ...] = field(default_factory=tuple)

    type = "legal_ref"

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["relations"] = [r.to_dict() for r in self.relations]
        return d


@dataclass(frozen=True)
class Ignored(_Base):
    """A page-leftover region (view counter, rating widget, related-article list).

    Nothing found inside it is reported; the text itself is kept unchanged.
    """

    reason: str = ""

    type = "ignore"


Record = Union[Figure, LegalRef, Ignored]
_BY_TYPE = {"figure": Figure, "legal_ref": LegalRef, "ignore": Ignored}

# ---------------------------------------------------------------- field lists
# Offsets and provenance every record has (`sentence` is a (start, end) pair).
COMMON_FIELDS = tuple(f.name for f in fields(_Base))
# The guideline fields of each type, in declaration order (`type` -> fields).
FIELDS: dict[str, tuple[str, ...]] = {
    kind: tuple(f.name for f in fields(cls) if f.name not in COMMON_FIELDS) for kind, cls in _BY_TYPE.items()
}
# The guideline's records; `ignore` only marks page-leftover regions: it is neither
# reviewed nor given columns of its own in a CSV export.
REPORTED_KINDS = ("figure", "legal_ref")


def unique_fields(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The fields of `kinds`, each once, in order of first appearance (`year` is in both types)."""
    return tuple(dict.fromkeys(f for k in kinds for f in FIELDS[k]))


def as_dict(record: Any) -> dict[str, Any]:
    """A record or an already-converted record dict (e.g. a stored one) as a dict."""
    return record if isinstance(record, dict) else record.to_dict()


def record_from_dict(d: dict[str, Any]) -> Record:
    """Inverse of `to_dict`; unknown keys (e.g. gold's `doc`, `n`) are ignored."""
    try:
        cls = _BY_TYPE[d["type"]]
    except KeyError as exc:
        raise ValueError(f"unknown record type: {d.get('type')!r}") from exc
    names = {f.name for f in fields(cls)}
    kw = {k: v for k, v in d.items() if k in names}
    if "sentence" in kw and kw["sentence"] is not None:
        kw["sentence"] = tuple(kw["sentence"])
    else:
        kw.pop("sentence", None)
    if cls is LegalRef:
        kw["relations"] = tuple(
            r if isinstance(r, Relation) else Relation(**r) for r in kw.get("relations") or ()
        )
    return cls(**kw)


# ---------------------------------------------------------------- review vocabulary
# A stored record's review status, and the status each review action leaves.
STATUSES = ("pending", "accepted", "rejected", "corrected")
ACTIONS = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}

# ---------------------------------------------------------------- checks of changed fields
# Documents of the Socialist Republic (1945 on) and deadlines a few decades out; the
# extractor reads years in the same window.
YEAR_RANGE = (1945, 2100)


class FieldError(ValueError):
    """A field value that breaks the record contract; the message says which and why."""


def check_number(name: str, v: Any, *, optional: bool) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        if optional:
            return None
        raise FieldError(f"{name} must be a number")
    if isinstance(v, bool):
        raise FieldError(f"{name} must be a number, not {v!r}")
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise FieldError(f"{name} must be a number (use . for decimals, no thousands separators), not {v!r}") from None
    if not math.isfinite(f):
        raise FieldError(f"{name} must be a finite number")
    return f


def check_text(name: str, v: Any, *, optional: bool) -> str | None:
    """Stripped text; blank is None when `optional`, else an error."""
    if v is None or (isinstance(v, str) and not v.strip()):
        if optional:
            return None
        raise FieldError(f"{name} must not be empty")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = str(v)
    if not isinstance(v, str):
        raise FieldError(f"{name} must be text, not {v!r}")
    return v.strip()


def _total(v: Any) -> float | None:
    t = check_number("total", v, optional=True)
    if t is not None and t <= 0:
        raise FieldError("total must be positive (the b of a/b)")
    return t


def _unit(v: Any) -> str | None:
    u = check_text("unit", v, optional=True)
    return u.lower() if u else None  # the guideline writes units in lower case


def _year(v: Any) -> int | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        y = int(str(v).strip()) if not isinstance(v, bool) else None
    except ValueError:
        y = None
    lo, hi = YEAR_RANGE
    if y is None or isinstance(v, float) and v != int(v) or not lo <= y <= hi:
        raise FieldError(f"year must be a year between {lo} and {hi} or empty, not {v!r}")
    return y


def _choice(name: str, v: Any, allowed: tuple[str, ...]) -> str:
    if v not in allowed:
        raise FieldError(f"{name} must be one of {', '.join(allowed)}, not {v!r}")
    return v


def _issued(v: Any) -> str | None:
    v = check_text("issued", v, optional=True)
    if v is None:
        return None
    try:
        return date.fromisoformat(v).isoformat()
    except ValueError:
        raise FieldError(f"issued must be an ISO date (YYYY-MM-DD), e.g. 2024-09-16, not {v!r}") from None


def _relations(v: Any) -> list[dict[str, str]]:
    if v is None:
        return []
    if not isinstance(v, (list, tuple)):
        raise FieldError("relations must be a list of {type, target}")
    out = []
    for r in v:
        r = r if isinstance(r, dict) else getattr(r, "to_dict", lambda: {})()
        out.append({"type": _choice("relation type", r.get("type"), RELATION_TYPES),
                    "target": check_text("relation target", r.get("target"), optional=False)})
    return out


_CHECKS = {
    "value": lambda v: check_number("value", v, optional=False),
    "total": _total,
    "unit": _unit,
    "role": lambda v: _choice("role", v, ROLES),
    "comparator": lambda v: _choice("comparator", v, COMPARATORS),
    "indicator": lambda v: check_text("indicator", v, optional=True),
    "year": _year,
    "doc_type": lambda v: check_text("doc_type", v, optional=False),
    "number": lambda v: check_text("number", v, optional=False),
    "code": lambda v: check_text("code", v, optional=True),
    "issued": _issued,
    "id": lambda v: check_text("id", v, optional=False),
    "refers_to": lambda v: check_text("refers_to", v, optional=True),
    "relations": _relations,
    "reason": lambda v: check_text("reason", v, optional=True),
}


def check_field(name: str, value: Any) -> Any:
    """`value` checked and normalised for the guideline field `name`; FieldError says why not."""
    return _CHECKS[name](value)


def check_changes(kind: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Checked and normalised field values for a correction of a record of type `kind`."""
    if not isinstance(changes, dict) or not changes:
        raise FieldError("a correction needs at least one changed field")
    allowed = FIELDS.get(kind, ())
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise FieldError(f"cannot change {', '.join(unknown)} of a {kind} (fields: {', '.join(allowed)})")
    return {k: check_field(k, v) for k, v in changes.items()}
