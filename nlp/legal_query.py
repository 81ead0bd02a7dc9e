"""A search box's decree query (`nd 82/2024`, `qd 06/ttg`, `de an 06`) -> DecreeQuery.

Users type legal references in any spelling: with or without diacritics, any case,
type abbreviations (`nd`, `qd`, `ct`, `nq`, `tt`, `da` = đề án ...), codes in lower
case (`82/2024/nd-cp`). `parse_decree_query` reads such a query into its parts and the
canonical ids (as `nlp.legal` writes them) to look up exactly, in order; `matches`
decides whether an extracted legal_ref record is that document. Abbreviations, type
prefixes and issuer codes are data (nlp/rules/doc_types.yml, issuers.yml); codes are
spelled by `nlp.lang.codes`, the same functions the extractor uses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .lang.codes import canonical_code, code_vocab, type_of_code
from .lang.fold import fold
from .rules import load

_YEAR = r"(?:19[4-9]\d|20\d\d)"


@dataclass(frozen=True)
class DecreeQuery:
    doc_type: str | None  # canonical type name (`Nghị định`), None when the query gives none
    number: str  # as typed (`06`)
    year: int | None
    code: str | None  # canonical spelling (`NĐ-CP`, `NQ/TW`), None when the query gives none
    candidates: list[str] = field(default_factory=list)  # canonical ids to try exactly, in order


# ---------------------------------------------------------------- vocabularies (data)


@dataclass(frozen=True)
class _Vocab:
    type_by_word: dict[str, str]  # folded word or abbreviation -> canonical type name
    templates: dict[str, list[str]]  # type name -> id templates (issuer completions)
    query_re: re.Pattern


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    type_by_word: dict[str, str] = {}
    for r in load("doc_types"):
        if r.get("kind") != "type":
            continue
        name = r["name"]
        for w in [*r.get("words", []), *r.get("abbreviations", []), name]:
            type_by_word.setdefault(" ".join(fold(w).split()), name)
    templates: dict[str, list[str]] = {}
    for r in load("issuers"):
        for table in ("implied", "complete"):
            for doc_type, tpl in (r.get(table) or {}).items():
                templates.setdefault(doc_type, []).append(tpl)
    words = sorted(type_by_word, key=len, reverse=True)
    type_alt = "|".join(r"\s*".join(map(re.escape, w.split())) for w in words)
    seg = r"[a-z][a-z0-9]*"
    query_re = re.compile(
        rf"""^(?:(?P<type>{type_alt})\s*(?:so\b\s*:?\s*)?)?
        (?P<num>\d{{1,5}}(?:\.\d{{1,2}})?[a-z]?)
        (?:\s*(?P<ysep>[/-])\s*(?P<year>{_YEAR}))?
        (?:\s*(?P<csep>[/-])\s*(?P<code>{seg}(?:\s*[-/]\s*{seg})*))?
        (?:\s+nam\s+(?P<year2>{_YEAR}))?\s*$""",
        re.X,
    )
    return _Vocab(type_by_word, templates, query_re)


def _pad_variants(number: str) -> list[str]:
    """`6` and `06` are the same document number; ids are looked up exactly, so try both."""
    out = [number]
    bare = number.lstrip("0") or "0"
    digits = re.match(r"\d*", bare).group()
    for v in (bare, "0" + bare if len(digits) == 1 else bare):
        if v not in out:
            out.append(v)
    return out


def parse_decree_query(q: str) -> DecreeQuery | None:
    """The legal reference a search query names, or None when it is free text."""
    try:
        return _parse(q)
    except Exception:  # noqa: BLE001 - a query parser must answer, never raise
        return None


def _parse(q: str) -> DecreeQuery | None:
    if not isinstance(q, str):
        return None
    v = _vocab()
    text = " ".join(fold(q).replace("–", "-").replace("—", "-").split())
    m = v.query_re.match(text)
    if not m:
        return None
    type_word, number = m.group("type"), m.group("num")
    doc_type = v.type_by_word.get(" ".join(type_word.split())) if type_word else None
    year_s = m.group("year") or m.group("year2")
    year = int(year_s) if year_s else None
    raw_code = m.group("code")
    code: str | None = None
    party = False
    if raw_code:
        code = canonical_code(raw_code)
        # `57-nq/tw`: the Party form number-TYPE/ISSUER (Hướng dẫn 36-HD/VPTW)
        party = m.group("csep") == "-" and "/" in code and not m.group("year")
        code_type = type_of_code(code)
        prefix_of_type = code_vocab().prefix_of_type
        if code_type is None and doc_type in prefix_of_type and not re.search(r"[-/]", code):
            # `qd 06/ttg`: only the issuer is typed; the type prefix comes from the type word
            # (a Công văn code `BTTTT-CĐSQG` has no type prefix and stays as typed)
            code = f"{prefix_of_type[doc_type]}-{code}"
        elif doc_type is None:
            doc_type = code_type
    if doc_type is None and year is None:
        return None  # a bare number is not a reference
    candidates: list[str] = []
    for n in _pad_variants(number):
        if code and party:
            candidates.append(f"{n}-{code}")
        elif code and m.group("year"):
            candidates.append(f"{n}/{year}/{code}")
        elif code:
            candidates.append(f"{n}/{code}")
        else:
            for tpl in v.templates.get(doc_type or "", []):
                if "{year}" in tpl and year is None:
                    continue
                candidates.append(tpl.format(number=n, year=year))
            if doc_type:
                candidates.append(f"{doc_type} {n}/{year}" if year else f"{doc_type} {n}")
    candidates = list(dict.fromkeys(candidates))
    return DecreeQuery(doc_type=doc_type, number=number, year=year, code=code, candidates=candidates)


# ---------------------------------------------------------------- matching records


def _split_number(n: Any) -> tuple[int, str] | None:
    m = re.match(r"\s*0*(\d+)(.*)", str(n or ""))
    if not m:
        return None
    return int(m.group(1)), fold(m.group(2)).strip()


def _id_parts(ref_id: str) -> tuple[int | None, str | None]:
    """(year, code) read back from a canonical id (`82/2024/NĐ-CP`, `02-NQ/TU`, `06/QĐ-TTg`)."""
    m = re.fullmatch(rf"[\w.]+(?:/({_YEAR}))?[/-]([A-ZĐ][\w/-]*)", ref_id or "")
    if not m:
        return None, None
    return (int(m.group(1)) if m.group(1) else None), m.group(2)


def matches(query: DecreeQuery, ref: dict) -> bool:
    """Is the legal_ref record `ref` (a record dict) a mention of the document `query` names?

    Numbers must agree as integers (`06` = `6`); type, year and code must agree where the
    query gives them (a field the record does not know does not agree). A mention that
    is an alias of a document (`refers_to`) matches when that document does.
    """
    try:
        if _matches_self(query, ref):
            return True
        target = ref.get("refers_to")
        if target:
            alias = parse_decree_query(target)
            if alias is not None:
                return _matches_self(query, {"doc_type": alias.doc_type, "number": alias.number,
                                             "year": alias.year, "code": alias.code, "id": target})
        return False
    except Exception:  # noqa: BLE001 - a bad record is simply not a match
        return False


def _matches_self(query: DecreeQuery, ref: dict) -> bool:
    qn, rn = _split_number(query.number), _split_number(ref.get("number"))
    if qn is None or rn is None or qn != rn:
        return False
    if query.doc_type and fold(query.doc_type) != fold(ref.get("doc_type") or ""):
        return False
    id_year, id_code = _id_parts(ref.get("id") or "")
    if query.year is not None:
        year = ref.get("year") if ref.get("year") is not None else id_year
        if year is None or int(year) != query.year:
            return False
    if query.code:
        code = ref.get("code") or id_code
        if not code or fold(canonical_code(code)) != fold(query.code):
            return False
    return True
