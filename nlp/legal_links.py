"""What ties the legal references of one text together: short forms, aliases, relations.

nlp.legal finds each mention and its canonical id; this module reads the mentions of a
text together (corpus/GUIDELINES.md §1, `refers_to` and `relations`):
- a short form (`Công điện 159`, `Công điện số 159 ngày 5/10/2025`) points to the one full
  id of the same type and number the text cites (`159/CĐ-TTg`), whichever way the type is
  spelled (`Cong dien`, `CÔNG ĐIỆN`, the type a code names: `159/CĐ-TTg` is a Công điện;
  `Văn bản số 878` is any type);
- an alias the text states (`Quyết định số 06/QĐ-TTg phê duyệt Đề án ... (Đề án 06)`);
- a known alias (rules/legal_relations.yml kind known_alias: `Đề án 06` -> `06/QĐ-TTg`)
  when the text neither resolves the short form nor cites another document of that type
  and number;
- relations from cue words between two mentions (`A sửa đổi B`, `B được hướng dẫn tại A`).
Pure functions over the mentions of one text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .lang.codes import type_of_code
from .records import Relation


@dataclass
class Mention:
    """A candidate with its context read; `id` may still be resolved against other mentions."""

    start: int
    end: int
    doc_type: str
    number: str
    year: int | None
    code: str | None
    issued: str | None
    source: str
    confidence: float
    sentence: tuple[int, int]
    id: str
    same_as: str | None = None  # a short form's full id cited elsewhere in the text
    generic: bool = False  # the type word names no kind (`Văn bản số 878`)
    year_span: tuple[int, int] | None = None  # a year written after the code (`159/CĐ-TTg 2025`)


def number_int(number: str) -> int:
    digits = re.match(r"\d+", number)
    return int(digits.group()) if digits else -1


def is_short(m: Mention) -> bool:
    """No code and an id that is only `type number[/year]` (no issuer made it certain)."""
    return m.code is None and m.id.startswith(f"{m.doc_type} ")


def _types_of(m: Mention) -> set[str]:
    """The type a full mention's word names and the type its code names (`Văn bản số
    878/BC-UBND`: Báo cáo; `159/CĐ-TTg` standing alone: Công điện)."""
    types = {m.doc_type}
    kind = type_of_code(m.code) if m.code else None
    if kind:
        types.add(kind)
    return types


def _full_index(mentions: list[Mention]) -> dict[tuple[str, int], dict[str, set[int | None]]]:
    """(type, number) -> {full id: the years its mentions give} over the text's full mentions."""
    full: dict[tuple[str, int], dict[str, set[int | None]]] = {}
    for m in mentions:
        if not is_short(m):
            for t in _types_of(m):
                full.setdefault((t, number_int(m.number)), {}).setdefault(m.id, set()).add(m.year)
    return full


def _year_fits(year: int | None, years: set[int | None]) -> bool:
    return year is None or None in years or year in years


def resolve_short_forms(mentions: list[Mention]) -> None:
    """`Công điện 159` in a text that also cites `Công điện số 159/CĐ-TTg`: the same document.

    A short form keeps its own id (`Công điện 159`, as the guidelines write it) and points
    to the full one (`same_as`, reported as refers_to) when exactly one full id of the same
    type and number, with no conflicting year, is cited in the same text; a short form of
    a generic type word (`Văn bản số 878`) takes the one full id of that number, any type.
    """
    full = _full_index(mentions)
    by_number: dict[int, dict[str, set[int | None]]] = {}
    for (_, n), ids in full.items():
        for fid, years in ids.items():
            by_number.setdefault(n, {}).setdefault(fid, set()).update(years)
    for m in mentions:
        if not is_short(m):
            continue
        n = number_int(m.number)
        ids = by_number.get(n, {}) if m.generic else full.get((m.doc_type, n), {})
        fits = {fid for fid, years in ids.items() if _year_fits(m.year, years)}
        if len(fits) == 1:
            m.same_as = fits.pop()


def known_aliases(mentions: list[Mention], known: dict[tuple[str, int], tuple[str, int | None]]) -> dict[int, str]:
    """{mention index: target} for the short mentions a known alias names, where certain:
    the text does not resolve them itself, cites no full document of that type and number,
    and states no other year for them."""
    if not known:
        return {}
    full = _full_index(mentions)
    out = {}
    for k, m in enumerate(mentions):
        key = (m.doc_type, number_int(m.number))
        if not is_short(m) or m.same_as or key not in known or key in full:
            continue
        target, year = known[key]
        if m.year is None or year is None or m.year == year:
            out[k] = target
    return out


def aliases(text: str, mentions: list[Mention], links: Any) -> dict[str, str]:
    """{alias id: document id} where one sentence ties a short name to a coded document."""
    found: dict[str, str] = {}
    for first, second in zip(mentions, mentions[1:]):
        if first.sentence != second.sentence or is_short(first) == is_short(second):
            continue
        gap = text[first.end:second.start]
        if is_short(second):  # document first, then its short name
            cue = links.alias_re.search(gap)
            if cue and len(gap) <= 400 and cue.start() <= 120 and ";" not in gap[:cue.start()]:
                tail = gap[cue.end():]
                if not tail.strip() or links.alias_intro.search(tail):
                    found.setdefault(second.id, first.id)  # `A phê duyệt Đề án ... (Đề án 06)`
        elif re.fullmatch(r"\s*\(\s*[^()\d;]{0,40}", gap):
            found.setdefault(first.id, second.id)  # `Đề án 06 (Quyết định số 06/QĐ-TTg)`
        elif re.fullmatch(rf"\s*(?:đã\s+)?được\s+(?:{links.alias_re.pattern})\s+(?:tại|theo|bởi|kèm\s+theo)\s+",
                          gap, re.IGNORECASE):
            found.setdefault(first.id, second.id)  # `Đề án 06 được phê duyệt tại Quyết định ...`
    return found


def relations(text: str, mentions: list[Mention], links: Any, key) -> dict[int, list[Relation]]:
    """{mention index: relations} from `A <cue> [một số điều của] B` in one sentence;
    `key` folds a cue to look up its relation type."""
    rels: dict[int, list[Relation]] = {}
    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        if a.sentence != b.sentence:
            continue
        gap = text[a.end:b.start]
        if len(gap) > 160 or ";" in gap:
            continue
        cue = links.relation_re.search(gap)
        if not cue:
            continue
        pre, post = gap[:cue.start()], gap[cue.end():]
        if re.search(r"(?<!\w)(?:và|cùng|đồng thời)(?!\w)|[,;]|[.:]\s", pre) or len(pre) > 100:
            continue  # a new clause or a coordination: the cue's subject is not A
        rtype = links.relation_type.get(key(cue.group()))
        if rtype is None:
            continue
        passive = bool(links.passive_before.search(pre))
        if passive:
            pm = links.passive_after.match(post)
            if not pm:
                continue
            post = post[pm.end():]
        if not links.bridge.fullmatch(post.strip()):
            continue
        obj, k = (a, i + 1) if passive else (b, i)
        rels.setdefault(k, []).append(Relation(rtype, obj.same_as or obj.id))
        # `bãi bỏ Quyết định X và Quyết định Y`: a list continues the same relation
        if not passive:
            for n in range(i + 2, len(mentions)):
                prev, nxt = mentions[n - 1], mentions[n]
                if nxt.sentence != a.sentence or not re.fullmatch(r"\s*,?\s*(?:và\s+)?", text[prev.end:nxt.start]):
                    break
                rels[k].append(Relation(rtype, nxt.same_as or nxt.id))
    return rels
