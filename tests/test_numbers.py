"""Vietnamese numerals: golden cases in tests/cases/numbers.jsonl."""
import json
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from decimal import Decimal

from nlp.lang.numbers import multiplier_of, parse_expression, parse_number, scale

CASES = [json.loads(l) for l in (Path(__file__).parent / "cases" / "numbers.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
NUMERALS = [c for c in CASES if "numeral" in c]
EXPRESSIONS = [c for c in CASES if "expression" in c]


def _close(a, b):
    return a == b or (a is not None and b is not None and abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1))


@pytest.mark.parametrize("case", NUMERALS, ids=[c["numeral"] or "<empty>" for c in NUMERALS])
def test_parse_number(case):
    assert _close(parse_number(case["numeral"]), case["value"])


@pytest.mark.parametrize("case", EXPRESSIONS, ids=[c["expression"] for c in EXPRESSIONS])
def test_parse_expression(case):
    """Values are exact: the float nearest the written decimal × multipliers, as the JSON
    literal of the case is (`8,030 tỷ` == 8030000000, never 8029999999.999999)."""
    got = [[q.value, q.total, q.comparator] for q in parse_expression(case["expression"])]
    assert len(got) == len(case["values"])
    for (v, t, c), (ev, et, ec) in zip(got, case["values"]):
        assert v == ev and t == et and c == ec, (v, t, c)


def test_multipliers_multiply_together():
    assert multiplier_of("nghìn tỷ") == 1e12
    assert multiplier_of("triệu") == 1e6
    assert multiplier_of("doanh nghiệp") == 1.0


@given(st.text())
def test_parsers_never_raise(s):
    parse_number(s)
    parse_expression(s)


@given(st.integers(min_value=0, max_value=10**12))
def test_vietnamese_thousands_round_trip(n):
    written = f"{n:,}".replace(",", ".")  # 1234567 -> 1.234.567
    assert parse_number(written) == n


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=99))
def test_decimal_comma_round_trip(whole, frac):
    written = f"{whole:,}".replace(",", ".") + f",{frac:02d}"
    assert _close(parse_number(written), whole + frac / 100)


@given(st.integers(min_value=0, max_value=999_999), st.integers(min_value=1, max_value=999),
       st.sampled_from([("nghìn", 3), ("triệu", 6), ("tỷ", 9), ("nghìn tỷ", 12)]))
def test_multiplied_decimals_are_exact(whole, frac, mult):
    """`a,bcd <multiplier>` is the float nearest the exact decimal product, whatever the digits."""
    words, power = mult
    written = f"{whole:,}".replace(",", ".") + f",{frac:03d}"
    exact = float(Decimal(f"{whole}.{frac:03d}") * 10 ** power)
    (q,) = parse_expression(f"{written} {words} đồng")
    assert q.value == exact


def test_scale_is_exact_for_a_value_already_read():
    """A caller holding a float read from a numeral (a table cell under `tỷ đồng`) scales it exactly."""
    assert 8.03 * 1e9 != 8030000000  # the float product is not
    assert scale(8.03, 1e9) == 8030000000 and scale(parse_number("4,35"), multiplier_of("nghìn tỷ")) == 4.35e12
