"""The record contract of corpus/GUIDELINES.md, one frozen dataclass per record type.

Every record carries the guideline fields of its type plus `start`/`end` (offsets into
the NFC text as stored), `text` (== text[start:end]), `sentence` (the enclosing
sentence's offsets), `confidence` (0-1) and `source` (rule id or model name).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
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


@dataclass(frozen=True)
class _Base:
    start: int
    end: int
    text: str
    sentence: tuple[int, int] = (0, 0)
    confidence: float = 1.0
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sentence"] = list(self.sentence)
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
