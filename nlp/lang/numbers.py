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

Values are exact: a numeral is read as a decimal.Decimal, multiplied by its multipliers in
decimal arithmetic, and only the product becomes a float (`8,030 tỷ` -> 8030000000.0, never
8029999999.999999). `scale(value, factor)` does the same for a caller that holds a float
already read from a numeral (a table cell times its header's `tỷ đồng`).

`parse_expression` reads a whole numeric expression as written: one number, a range
`34-35` (two bounds, `>=` and `<=`) or a ratio `43/53`, `256/tổng số 896`, each with the
multipliers that follow (`13-15 triệu`). Pure functions; they return None / [] rather
than raise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ..rules import alternation, load

# A numeral: digits with `.`/`,` groups; never ends on a separator (`42.` ends a sentence).
NUMERAL = r"\d+(?:[.,]\d+)*"
_RANGE_DASH = r"[-–—]"


@lru_cache(maxsize=1)
def multipliers() -> dict[str, Decimal]:
    """Multiplier word (lowercase) -> exact factor, from rules/units.yml."""
    out: dict[str, Decimal] = {}
    for rule in load("units", required=("kind", "words")):
        if rule["kind"] == "multiplier":
            for w in rule["words"]:
                out[w.lower()] = _decimal(rule["factor"])
    return out


def _decimal(x: Decimal | float | int | str) -> Decimal:
    """An exact decimal for a number: a float is taken as its shortest repr (`8.03`, not
    8.0299999999999993605...), which is the numeral it was read from."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float):
        return Decimal(repr(x))
    return Decimal(str(x).strip())


def scale(value: Decimal | float | int | str, factor: Decimal | float | int | str = 1) -> float:
    """`value * factor` computed in decimal arithmetic, then made a float:
    scale(8.03, 1e9) == 8030000000.0 (the float product is 8029999999.999999)."""
    try:
        return float(_decimal(value) * _decimal(factor))
    except (InvalidOperation, ValueError):
        return float(value) * float(factor)  # inf/nan: nothing exact to keep


@lru_cache(maxsize=1)
def multiplier_pattern() -> str:
    """Regex alternation of the multiplier words, longest first, each with its `not_before`."""
    alts = []
    for rule in load("units", required=("kind", "words")):
        if rule["kind"] != "multiplier":
            continue
        guard = ""
        if rule.get("not_before"):
            guard = r"(?!\s+" + alternation(rule["not_before"]) + r"(?![^\W\d_]))"
        for w in sorted(rule["words"], key=len, reverse=True):
            alts.append((len(w), re.escape(w) + r"(?![^\W\d_])" + guard))
    return "(?:" + "|".join(a for _, a in sorted(alts, key=lambda x: -x[0])) + ")"


def parse_decimal(s: str) -> Decimal | None:
    """The exact value of one numeral as written (`50.350` -> 50350, `22,4` -> 22.4), else None."""
    if not isinstance(s, str):
        return None
    s = s.strip()
    if not re.fullmatch(NUMERAL, s):
        return None
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        if s.rfind(",") > s.rfind("."):  # 1.234,5
            return Decimal(s.replace(".", "").replace(",", "."))
        return Decimal(s.replace(",", ""))  # 1,234.5
    if commas:
        groups = s.split(",")
        if commas > 1 and all(len(g) == 3 for g in groups[1:]):
            return Decimal("".join(groups))  # 1,234,567
        if commas > 1:
            return None  # 1,2,3 is a list, not a number
        return Decimal(s.replace(",", "."))
    if dots:
        groups = s.split(".")
        if all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3:
            return Decimal("".join(groups))
        if dots == 1:
            return Decimal(s)  # English-style decimal point: 66.4
        return None  # 1.2.3 is a section number or a version, not a value
    return Decimal(s)


def parse_number(s: str) -> float | None:
    """The value of one numeral as written, as a float (`50.350` -> 50350.0, `22,4` -> 22.4), else None."""
    d = parse_decimal(s)
    return None if d is None else float(d)


def _factor(words: str) -> Decimal:
    table = multipliers()
    factor = Decimal(1)
    for w in re.findall(r"[^\W\d_]+", words.lower()):
        factor *= table.get(w, Decimal(1))
    return factor


def multiplier_of(words: str) -> float:
    """Product of the multiplier words in `words` (`nghìn tỷ` -> 1e12); 1.0 when none."""
    return float(_factor(words))


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
    ok = alternation(glued_units())
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
    a = parse_decimal(m.group("a"))
    if a is None:
        return []
    factor = _factor(m.group("mult") or "")
    mult, end = float(factor), m.end()
    if m.group("b") is not None:
        b = parse_decimal(m.group("b"))
        if b is None or b < a:  # `20-5` is not a range (a code, a score, a date)
            return []
        return [
            Quantity(m.start(), end, float(a * factor), None, ">=", mult),
            Quantity(m.start(), end, float(b * factor), None, "<=", mult),
        ]
    if m.group("d") is not None:
        d = parse_decimal(m.group("d"))
        if d is None:
            return []
        return [Quantity(m.start(), end, float(a * factor), float(d * factor), "=", mult)]
    return [Quantity(m.start(), end, float(a * factor), None, "=", mult)]
