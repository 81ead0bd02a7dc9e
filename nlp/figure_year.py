"""The year a figure refers to, from the document context (nlp.context).

    figure_year(ctx, start, end) -> int | None

In order: the figure's own period (`60,1% năm 2016`, `đến năm 2025`), the year of the
list or section it stands in, the period an earlier sentence set for it, its frame's year
(all `DocumentContext.year_at`); else, when nothing in the text times it, the article's
own year (the anchor: its dateline, or the year the text reports on): a news report states
its figures as of its own time, "trong thời gian tới" and "3 năm qua" included. A figure
whose own or inherited period is a decade ("những năm 1960") keeps no year: a decade is
never an anchor and never the year of later figures.

The same amount written again (`10 tỷ USD`, not a bare percentage) with no time of its own
takes the year its other mentions agree on (`10 tỷ USD vào năm 2025` elsewhere).

The start value of a change over a span of years is of the span's first year: in "Trong
giai đoạn từ năm 2016 đến nay, lãi suất đã giảm từ mức 6,5-8%/năm xuống còn 4%", 6,5-8% is
of 2016 and 4% of now.
"""
from __future__ import annotations

import re

from .context import DocumentContext

_FROM_VALUE = re.compile(r"(?<![^\W_])từ(?:\s+(?:mức|khoảng|gần|hơn|trên|dưới))*\s*$", re.IGNORECASE)
_RANGE_START = re.compile(r"\s*[-–—]\s*$")


def figure_year(ctx: DocumentContext, start: int, end: int) -> int | None:
    respective = _respectively(ctx, start)
    if respective is not None:
        return respective
    year, source = ctx.year_at(start, end)
    if source in (None, "anchor", "inherited"):
        again = _same_figure_elsewhere(ctx, start, end)
        if again is not None:
            return again
    if year is not None:
        if source == "period" and _starts_change(ctx.text, start):
            p = ctx.period_at(start, end, inherit=False)
            if p is not None and p.kind in ("since", "range") and p.first_year and p.end <= start:
                return p.first_year
        return year
    if source is None and _under_decade(ctx, start, end):
        return None  # "những năm 1960": a decade is no year, and makes none of the anchor
    return ctx.anchor.current_year


def _under_decade(ctx: DocumentContext, start: int, end: int) -> bool:
    p = ctx.period_at(start, end, inherit=True)
    return p is not None and p.kind == "decade"


def _starts_change(text: str, start: int) -> bool:
    """Whether the figure at `start` is the `từ` value of a change (`giảm từ mức 6,5-8%`),
    also as the upper bound of a range whose lower bound follows `từ`."""
    before = text[max(0, start - 40):start]
    m = _RANGE_START.search(before)
    if m:  # `6,5-8%`: look before the range's lower bound
        head = re.search(r"[\d.,]+\s*$", before[:m.start()])
        before = before[:head.start()] if head else before
    return bool(_FROM_VALUE.search(before))


_RESPECTIVELY = re.compile(r"(?<![^\W_])lần\s+lượt(?![^\W_])", re.IGNORECASE)
_ITEM_BREAK = re.compile(r";|,(?!\d)|(?<![^\W_])và(?![^\W_])")
_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d/])")  # `tháng 4/2015 và 2016`


def _respectively(ctx: DocumentContext, start: int) -> int | None:
    """`tháng 4/2015 và 2016 lần lượt đạt 8,3% và 7,8%`, `năm 2020 ...; năm 2025 ... và năm
    2035 ... . Tốc độ tăng trưởng ... lần lượt là 10-11%/năm; 8-9%/năm và 4-5%/năm`: the
    k-th item after "lần lượt" is of the k-th year listed before it (in its sentence, else in
    the sentence before), when the two lists have the same length."""
    sent = ctx.sentence_at(start)
    if sent is None or "lượt" not in ctx.text[sent.start:start]:
        return None
    text = ctx.text
    m = None
    for m in _RESPECTIVELY.finditer(text, sent.start, start):
        pass
    if m is None:
        return None
    items = [seg for seg in _segments(text, m.end(), sent.end) if any(ch.isdigit() for ch in text[seg[0]:seg[1]])]
    k = next((i for i, (a, b) in enumerate(items) if a <= start < b), None)
    if k is None or len(items) < 2:
        return None
    years = _distinct(int(y.group()) for y in _YEAR.finditer(text, sent.start, m.start()))
    if len(years) < 2:
        i = ctx.sentence_index(sent.start)
        if not i:
            return None
        prev = ctx.sentences[i - 1]
        years = _distinct(p.year for p in ctx.periods_in(prev.start, prev.end)
                          if p.year is not None and not p.comparison and p.kind != "rate")
    return years[k] if len(years) == len(items) else None


def _segments(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, pos = [], s
    for b in _ITEM_BREAK.finditer(text, s, e):
        out.append((pos, b.start()))
        pos = b.end()
    out.append((pos, e))
    return out


def _distinct(years) -> list[int]:
    out: list[int] = []
    for y in years:
        if not out or out[-1] != y:
            out.append(y)
    return out


_SPECIFIC = re.compile(r"\d[\d.,]*\s*(?:nghìn|ngàn|triệu|tỷ|tỉ)?\s*[^\W\d_]{2,}", re.IGNORECASE)


def _same_figure_elsewhere(ctx: DocumentContext, start: int, end: int) -> int | None:
    """`mục tiêu kim ngạch xuất khẩu tôm đạt 10 tỷ USD` with no time of its own, where the
    article says elsewhere `10 tỷ USD vào năm 2025`: the same amount (number and unit as
    written, not a bare percentage) is the same figure, of the year its other mentions
    agree on."""
    text = ctx.text
    written = " ".join(text[start:end].split())
    if "%" in written or not _SPECIFIC.match(written):
        return None
    years = set()
    pos = text.find(written)
    while pos >= 0:
        if pos != start:
            p = ctx.period_at(pos, pos + len(written), inherit=False)
            if p is not None and p.year is not None and not p.comparison:
                years.add(p.year)
        pos = text.find(written, pos + 1)
    return years.pop() if len(years) == 1 else None
