"""Vietnamese numerals on characters: `50.350`, `22,4`, `1.234,5`, `48 nghìn`, `13-15 triệu`, `43/53`.

Vietnamese writes `.` between thousands and `,` before decimals. Some texts use the
English convention, so a separator is read by what follows it:
- `,` followed by digits is a decimal mark (`22,4`, `7,061 nghìn tỷ` = 7.061e12), unless
  the number has several `,` groups of exactly three digits (`1,234,567`: English thousands);
- `.` is a thousands separator when every group after it has exactly three digits
  (`50.350`, `1.234.567`); otherwise it is a decimal point (`66.4`, `4.0`);
- with both, the last separator is the decimal mark (`1.234,5` Vietnamese, `1,234.5` English).
Leading zeros are kept out of the value (`07` -> 7). Multipliers are data
(rules/units.yml, kind multiplier) and multiply together (`nghìn tỷ` = 10^12).

`parse_expression` reads a whole numeric expression as written: one number, a range
`34-35` (two bounds, `>=` and `<=`) or a ratio `43/53`, `256/tổng số 896`, each with the
multipliers that follow (`13-15 triệu`). Pure functions; they return None / [] rather
than raise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .rules import load

# A numeral: digits with `.`/`,` groups; never ends on a separator (`42.` ends a sentence).
NUMERAL = r"\d+(?:[.,]\d+)*"
_RANGE_DASH = r"[-–—]"


@lru_cache(maxsize=1)
def multipliers() -> dict[str, float]:
    """Multiplier word (lowercase) -> factor, from rules/units.yml."""
    out: dict[str, float] = {}
    for rule in load("units", required=("kind", "words")):
        if rule["kind"] == "multiplier":
            for w in rule["words"]:
                out[w.lower()] = float(rule["factor"])
    return out


@lru_cache(maxsize=1)
def multiplier_pattern() -> str:
    """Regex alternation of the multiplier words, longest first, each with its `not_before`."""
    alts = []
    for rule in load("units", required=("kind", "words")):
        if rule["kind"] != "multiplier":
            continue
        guard = ""
        if rule.get("not_before"):
            guard = r"(?!\s+(?:" + "|".join(re.escape(w) for w in rule["not_before"]) + r")(?![^\W\d_]))"
        for w in sorted(rule["words"], key=len, reverse=True):
            alts.append((len(w), re.escape(w) + r"(?![^\W\d_])" + guard))
    return "(?:" + "|".join(a for _, a in sorted(alts, key=lambda x: -x[0])) + ")"


def parse_number(s: str) -> float | None:
    """The value of one numeral as written (`50.350` -> 50350.0, `22,4` -> 22.4), else None."""
    if not isinstance(s, str):
        return None
    s = s.strip()
    if not re.fullmatch(NUMERAL, s):
        return None
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        if s.rfind(",") > s.rfind("."):  # 1.234,5
            return float(s.replace(".", "").replace(",", "."))
        return float(s.replace(",", ""))  # 1,234.5
    if commas:
        groups = s.split(",")
        if commas > 1 and all(len(g) == 3 for g in groups[1:]):
            return float("".join(groups))  # 1,234,567
        if commas > 1:
            return None  # 1,2,3 is a list, not a number
        return float(s.replace(",", "."))
    if dots:
        groups = s.split(".")
        if all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3:
            return float("".join(groups))
        if dots == 1:
            return float(s)  # English-style decimal point: 66.4
        return None  # 1.2.3 is a section number or a version, not a value
    return float(s)


def multiplier_of(words: str) -> float:
    """Product of the multiplier words in `words` (`nghìn tỷ` -> 1e12); 1.0 when none."""
    table = multipliers()
    factor = 1.0
    for w in re.findall(r"[^\W\d_]+", words.lower()):
        factor *= table.get(w, 1.0)
    return factor


@dataclass(frozen=True)
class Quantity:
    """One value of a numeric expression; offsets are relative to the parsed string."""

    start: int
    end: int
    value: float  # multiplier applied
    total: float | None = None
    comparator: str = "="  # range bounds: ">=" lower, "<=" upper
    multiplier: float = 1.0


# The numeral is matched whole (possessive): `1.038,5ha` must not shrink to `1.038`.
_ATOMIC = r"\d++(?:[.,]\d++)*+"


@lru_cache(maxsize=1)
def glued_units() -> tuple[str, ...]:
    """Units that may touch the number (`5ha`, `8inch`): units.yml rules with `glued: true`."""
    return tuple(w for r in load("units", required=("kind", "words")) if r.get("glued") for w in r["words"])


def _no_letter_after() -> str:
    glued = sorted(glued_units(), key=len, reverse=True)
    ok = "|".join(re.escape(w) for w in glued) or "(?!)"
    # a letter may follow only as the start of a glued unit (`5G`, `QH14` are codes)
    return rf"(?!(?!(?:{ok})(?![^\W\d_]))[^\W\d_])"


@lru_cache(maxsize=1)
def expression_re() -> re.Pattern[str]:
    """A numeric expression: number, range or ratio, then multipliers.

    Groups: a (first numeral), b (range upper bound), d (ratio denominator),
    tot (the `tổng số` of `a/tổng số b`), mult (the multiplier words).
    The start may not touch a word, a separator or a slash (`QH14`, `CT.03`, `/100`),
    and the numeral may not run into letters (`5G`). A range or ratio never spans a
    line break (`Năm 2026\n- 100%` is a heading and a list item).
    """
    mult = multiplier_pattern()
    _NO_LETTER = _no_letter_after()
    return re.compile(
        rf"(?<![\w.,/])(?<!\w[-–])(?P<a>{_ATOMIC}){_NO_LETTER}"
        rf"(?:(?P<pa>[ \t]?%)?[ \t]*{_RANGE_DASH}[ \t]*(?P<b>{_ATOMIC}){_NO_LETTER}"
        rf"|[ \t]*/[ \t]*(?:(?P<tot>tổng\s+số|tổng)\s+)?(?P<d>{_ATOMIC}){_NO_LETTER})?"
        rf"(?P<mult>(?:\s+{mult})*)",
        re.IGNORECASE,
    )


def parse_expression(s: str) -> list[Quantity]:
    """The values of the first numeric expression in `s` (1 for a number or ratio, 2 for a range)."""
    if not isinstance(s, str):
        return []
    m = expression_re().search(s)
    return quantities(m) if m else []


def quantities(m: re.Match[str]) -> list[Quantity]:
    """Quantities of a match of `expression_re()` (offsets as in the matched string)."""
    a = parse_number(m.group("a"))
    if a is None:
        return []
    factor = multiplier_of(m.group("mult") or "")
    end = m.end()
    if m.group("b") is not None:
        b = parse_number(m.group("b"))
        if b is None or b < a:  # `20-5` is not a range (a code, a score, a date)
            return []
        return [
            Quantity(m.start(), end, a * factor, None, ">=", factor),
            Quantity(m.start(), end, b * factor, None, "<=", factor),
        ]
    if m.group("d") is not None:
        d = parse_number(m.group("d"))
        if d is None:
            return []
        return [Quantity(m.start(), end, a * factor, d * factor, "=", factor)]
    return [Quantity(m.start(), end, a * factor, None, "=", factor)]
