"""Catalogue facts about a legal document id, the same for every backend.

Lookup keys are folded ids without spaces and without leading zeros in numbers, so
`Đề án 06`, `de an 6` and `ĐỀ ÁN 06` share one key.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..lang.fold import fold

_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+")

# Inverse names of the relation types of nlp.records.RELATION_TYPES, as seen from the target.
INVERSE = {"amends": "amended_by", "replaces": "replaced_by", "guides": "guided_by",
           "repeals": "repealed_by", "implements": "implemented_by"}


def key(legal_id: str | None) -> str:
    return _LEADING_ZEROS.sub("", _SPACE.sub("", fold(legal_id or "")))


def number_int(number: str | None) -> int | None:
    m = _NUMBER.search(number or "")
    return int(m.group()) if m else None


@lru_cache(maxsize=1)
def _issuer_names() -> dict[str, str]:
    """Folded issuer code -> the body's name, from nlp/rules/issuers.yml (`TTg` -> Thủ tướng Chính phủ)."""
    from ..rules import load

    names: dict[str, str] = {}
    for rule in load("issuers"):
        if rule.get("phrases"):
            for code in rule.get("codes") or []:
                names.setdefault(fold(code), rule["phrases"][0])
    return names


def issuer_of(code: str | None) -> str | None:
    """The issuing body of a type-issuer code: `NĐ-CP` → Chính phủ, `QĐ-TTg` → Thủ tướng Chính
    phủ; a body without a name in the rules keeps its code (`KH-UBND` → UBND, `NQ/TU` → TU)."""
    if not code:
        return None
    parts = re.split(r"[-/]", code, maxsplit=1)
    body = parts[1] if len(parts) == 2 else parts[0]  # `QH14`: the code is the body alone
    if not body:
        return None
    try:
        names = _issuer_names()
    except Exception:  # noqa: BLE001 - a broken rules file must not stop storing documents
        names = {}
    return names.get(fold(body), names.get(fold(re.sub(r"\d+$", "", body)), body))


def parts_of_id(legal_id: str) -> tuple[str | None, int | None, str | None]:
    """(number, year, code) read off a canonical id `N/YYYY/CODE` or `N/CODE` (else Nones)."""
    m = re.fullmatch(r"(\d+)(?:/(\d{4}))?/([^\s/][^\s]*)", legal_id.strip())
    if not m:
        return None, None, None
    return m.group(1), (int(m.group(2)) if m.group(2) else None), m.group(3)
