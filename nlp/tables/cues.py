"""Header cues of rules/table_headers.yml, compiled once: role, year, unit of a column header."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..rules import WORD_END, WORD_START, RuleError, alternation, load

KINDS = ("role", "label_column", "unit_column", "ordinal_column", "year", "unit_paren")
ROLES = ("target", "actual")


@dataclass(frozen=True)
class _Compiled:
    role: re.Pattern  # named groups g<i> -> role_groups[g]
    role_groups: dict[str, tuple[str, str]]  # group -> (rule id, role)
    label: list[tuple[str, re.Pattern]]
    unit_column: list[tuple[str, re.Pattern]]
    ordinal: list[tuple[str, re.Pattern]]
    year: tuple[str, re.Pattern]
    paren: tuple[str, re.Pattern]


def _phrase(word: str, case_sensitive: bool) -> str:
    body = alternation([str(word)])
    return body if case_sensitive else f"(?i:{body})"


def _words(rule: dict) -> list[tuple[str, bool]]:
    return [(w, False) for w in rule.get("words") or ()] + [(w, True) for w in rule.get("abbrev") or ()]


@lru_cache(maxsize=1)
def compiled() -> _Compiled:
    rules = load("table_headers", required=("kind",), kinds=KINDS)
    alts: list[tuple[int, str, str, str]] = []  # (length, regex, rule id, role)
    label, unit_col, ordinal = [], [], []
    year = paren = None
    for r in rules:
        kind = r["kind"]
        if kind == "role":
            if r.get("role") not in ROLES:
                raise RuleError(f"table_headers.yml rule {r['id']!r}: role must be one of {ROLES}")
            for w, cs in _words(r):
                alts.append((len(w), _phrase(w, cs), r["id"], r["role"]))
        elif kind in ("label_column", "unit_column", "ordinal_column"):
            words = _words(r)
            if not words:
                raise RuleError(f"table_headers.yml rule {r['id']!r}: needs words or abbrev")
            body = "|".join(_phrase(w, cs) for w, cs in sorted(words, key=lambda x: -len(x[0])))
            if kind == "label_column":
                label.append((r["id"], re.compile(f"{WORD_START}(?:{body}){WORD_END}")))
            else:
                (unit_col if kind == "unit_column" else ordinal).append(
                    (r["id"], re.compile(rf"[\s(]*(?:{body})[\s.:)]*")))
        else:
            try:
                rx = re.compile(r["pattern"], re.IGNORECASE)
            except (KeyError, re.error) as exc:
                raise RuleError(f"table_headers.yml rule {r['id']!r}: bad or missing pattern ({exc})") from exc
            if kind == "year":
                year = (r["id"], rx)
            else:
                paren = (r["id"], rx)
    if year is None or paren is None or not alts:
        raise RuleError("table_headers.yml: needs role rules, a year rule and a unit_paren rule")
    alts.sort(key=lambda a: -a[0])
    groups = {f"g{i}": (rid, role) for i, (_, _, rid, role) in enumerate(alts)}
    role_rx = re.compile(WORD_START + "(?:" + "|".join(f"(?P<g{i}>{rx})" for i, (_, rx, _, _) in enumerate(alts))
                         + ")" + WORD_END)
    return _Compiled(role_rx, groups, label, unit_col, ordinal, year, paren)


def role_of(header: str) -> tuple[str, str] | None:
    """(role, rule id) of the leftmost cue in one header line (longest at a position)."""
    c = compiled()
    m = c.role.search(header or "")
    if not m:
        return None
    rid, role = c.role_groups[m.lastgroup]
    return role, rid


def year_of(header: str) -> tuple[int, str] | None:
    """(year, rule id): the last year of a range (`2021-2025`), else the first year."""
    rid, rx = compiled().year
    found = list(rx.finditer(header or ""))
    if not found:
        return None
    pick = found[0]
    for a, b in zip(found, found[1:]):
        if re.fullmatch(r"\s*[-–—]\s*", header[a.end():b.start()]):
            pick = b
            break
    return int(pick.group(1)), rid


def unit_in_parens(header: str) -> tuple[str, str] | None:
    """(unit as written, rule id) from `(…)` in a header, not a role word or a year."""
    rid, rx = compiled().paren
    for m in reversed(list(rx.finditer(header or ""))):
        unit = " ".join(m.group(1).split())
        if unit and not role_of(unit) and len(unit.split()) <= 4:
            return unit, rid
    return None


def is_label_header(header: str) -> str | None:
    for rid, rx in compiled().label:
        if rx.search(header or ""):
            return rid
    return None


def _full(pairs, header: str) -> str | None:
    for rid, rx in pairs:
        if rx.fullmatch(header or ""):
            return rid
    return None


def is_unit_header(header: str) -> str | None:
    return _full(compiled().unit_column, header)


def is_ordinal_header(header: str) -> str | None:
    return _full(compiled().ordinal, header)


def rule_ids(header: str) -> set[str]:
    """Every rule that fires on one header text (what the rule examples are checked with)."""
    out = set()
    for fn in (role_of, year_of, unit_in_parens):
        found = fn(header)
        if found:
            out.add(found[1])
    for fn in (is_label_header, is_unit_header, is_ordinal_header):
        rid = fn(header)
        if rid:
            out.add(rid)
    return out
