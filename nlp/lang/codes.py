"""Document codes of Vietnamese legal references: `NĐ-CP`, `QĐ-TTg`, `NQ/TW`, `QH15`.

`canonical_code` writes a code in its canonical spelling whatever the case or ASCII
form it was typed or printed in (`nd-cp` -> `NĐ-CP`), and `type_of_code` names the
document type its prefix stands for (`NĐ-CP` -> Nghị định). The extractor (nlp.legal)
canonicalises the codes it finds with them, the query parser (nlp.legal_query) the
codes a user types, so both sides spell a code the same way. Spellings and prefixes
are data: the `codes` of nlp/rules/doc_types.yml and issuers.yml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..rules import load
from .fold import fold


@dataclass(frozen=True)
class CodeVocab:
    type_by_prefix: dict[str, str]  # code type prefix, as written and folded -> canonical type name
    prefix_of_type: dict[str, str]  # type name -> canonical code prefix (`Nghị định` -> `NĐ`)
    code_spelling: dict[str, str]  # folded code segment -> canonical spelling


@lru_cache(maxsize=1)
def code_vocab() -> CodeVocab:
    type_by_prefix: dict[str, str] = {}
    prefix_of_type: dict[str, str] = {}
    spelling: dict[str, str] = {}
    for r in load("doc_types"):
        if r.get("kind") != "type":
            continue
        codes = r.get("codes") or []
        if codes:
            prefix_of_type[r["name"]] = codes[0]
        for c in codes:  # ASCII variants follow their canonical form: first spelling wins
            type_by_prefix.setdefault(c, r["name"])
            type_by_prefix.setdefault(fold(c), r["name"])
            spelling.setdefault(fold(c), c)
    for r in load("issuers"):
        for c in r.get("codes") or []:
            spelling.setdefault(fold(c), c)
    return CodeVocab(type_by_prefix, prefix_of_type, spelling)


def _folded_lookup(seg: str) -> bool:
    """May `seg` be looked up by its folded form? Not when it holds Đ: `ND` is an ASCII
    spelling of `NĐ`, but `HĐ` (Hợp đồng) is not `HD` (Hướng dẫn). An accented vowel in a
    code is a typo (`ƯBND`) and folds."""
    return not any(ch in "đĐðÐ" for ch in seg)


def _spell_segment(seg: str, spelling: dict[str, str]) -> str:
    """One code segment in its canonical spelling: `nd` -> `NĐ`, `qh15` -> `QH15`, `ttg` -> `TTg`."""
    seg = seg.replace("Ð", "Đ").replace("ð", "đ")
    if not _folded_lookup(seg):
        return seg
    f = fold(seg)
    if f in spelling:
        return spelling[f]
    m = re.fullmatch(r"([a-z]+)(\d+)", f)
    if m and m.group(1) in spelling:
        return spelling[m.group(1)] + m.group(2)
    return seg.upper()


def canonical_code(code: str) -> str:
    """A document code in canonical spelling whatever its case/ASCII form (`nd-cp` -> `NĐ-CP`)."""
    spelling = code_vocab().code_spelling
    code = re.sub(r"\s+", "", code)
    code = re.sub(r"[‐‑–—]", "-", code)
    parts = re.split(r"([-/])", code)
    return "".join(p if p in "-/" else _spell_segment(p, spelling) for p in parts)


def type_of_code(code: str) -> str | None:
    """The doc_type a code's type prefix names (`NĐ-CP` -> Nghị định, `QH15` -> Luật), or None."""
    first = re.split(r"[-/‐‑–—]", code.replace("Ð", "Đ"), maxsplit=1)[0]
    prefixes = code_vocab().type_by_prefix
    for seg in (first, re.sub(r"\d+$", "", first)):  # `QH15` -> `QH`
        if seg in prefixes:
            return prefixes[seg]
        if _folded_lookup(seg) and fold(seg) in prefixes:
            return prefixes[fold(seg)]
    return None
