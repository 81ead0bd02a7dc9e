"""The article's own time: its dateline, the year, and the latest period it reports on.

1. Dateline: the date near the top that dates the article or its event ("Chiều 17/1,",
   "Hà Nội, ngày 16/9/2024", "(17/1/2025)", "Ngày 25/12,"), ranked by form and position;
   a date that bounds something ("đến hết ngày 31/12") or dates a document
   ("Quyết định số 146/QĐ-TTg ngày 28/01/2022") or a photo is not a dateline.
2. Year: the dateline's own; else the caller's source date; else the text's; else, when
   nothing is reported with a year, the earliest year the text plans for (months planned
   twice, or a whole year: "kế hoạch cả năm 2017"), never a horizon ("đến năm 2030");
   last, for an undated text, the year of a single piece of reported evidence ("text-weak").
3. The latest reported period: among the time expressions that the text reports on (not a
   deadline, not a base of comparison, not in a clause that plans or forecasts, not a
   name's or a law's year, never a decade), the latest one. When the year has to come
   from the text, it is that period's year.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Union

from .cues import TriggerIndex, compiled, cue_spans
from .structure import Sentence
from .timex import Period, TimeExpr, month_span, not_time_spans, resolve

SourceDate = Union[_dt.date, _dt.datetime, tuple, int, str, None]

DATELINE_WINDOW = 1200  # characters from the top where a dateline may stand
LOWER_WINDOW = 700  # a lower-case "ngày 6/2" counts only this near the top
REPORTED_KINDS = ("year", "months", "quarter", "month", "date")
SUB_YEAR_KINDS = ("months", "quarter", "month")
SUB_YEAR_WEIGHT = 3  # months, a quarter, a month of a year: reports on part of a year are written in it
EARLY_MONTHS = 2  # a January or February article whose latest period is a whole year reviews that year
MIN_EVIDENCE = 2  # below this an undated text does not show its year: better unknown than guessed
_CAPTION = re.compile(r"(?:Trong\s+)?Ảnh\s*:|\(Ảnh|Trong\s+ảnh")
_BOUND_BEFORE = ("đến", "tới", "trước", "từ", "sau", "hết", "kể từ")
_EARLIER = re.compile(r"(?<![^\W_])(?:trước\s+đó|trước\s+đây|hồi)[\s,]*$")


@dataclass(frozen=True)
class Anchor:
    """The article's time. `how`: dateline, dateline+source, dateline+text, source, text,
    dateline+plan, plan, text-weak, none.
    `evidence`: (start, end) offsets of the dateline and of the expression that gave the year.
    `reported`: the latest period the article reports on (resolved), if any."""
    year: int | None
    month: int | None
    day: int | None
    how: str
    evidence: tuple[tuple[int, int], ...]
    reported: Period | None

    @property
    def current_year(self) -> int | None:
        """The year a figure about "now" refers to: the anchor's year."""
        return self.year


def parse_source_date(src: SourceDate) -> tuple[int | None, int | None, int | None]:
    if src is None:
        return None, None, None
    if isinstance(src, int):
        return src, None, None
    if isinstance(src, (_dt.date, _dt.datetime)):
        return src.year, src.month, src.day
    if isinstance(src, tuple):
        vals = list(src) + [None, None, None]
        return vals[0], vals[1], vals[2]
    if isinstance(src, str):
        parts = [int(p) for p in src.replace("/", "-").split("-") if p.strip().isdigit()]
        if parts and parts[0] > 31:
            return tuple((parts + [None, None])[:3])  # ISO yyyy-mm-dd
        if len(parts) == 3:
            return parts[2], parts[1], parts[0]  # dd/mm/yyyy
    raise ValueError(f"unreadable source date: {src!r}")


def find_dateline(text: str, sentences: list[Sentence]) -> tuple[int | None, int | None, int | None, tuple[int, int]] | None:
    """(day, month, year or None, span) of the dateline, or None."""
    c = compiled()
    top = text[:DATELINE_WINDOW]
    banned = not_time_spans(top)
    best = None
    for rid, score, rx in c.datelines:
        for m in rx.finditer(top):
            if score <= 1 and m.start() > LOWER_WINDOW:
                continue
            d, mo = int(m.group("d")), int(m.group("m"))
            y = int(m.group("y")) if m.groupdict().get("y") else None
            ds = m.span("d")
            if any(a <= ds[0] < b for a, b in banned):
                continue
            lead = text[max(0, m.start() - 14):m.start()].lower()
            before = lead.split()
            if before and before[-1] in _BOUND_BEFORE or lead.rstrip().endswith("kể từ") or _EARLIER.search(lead):
                continue  # a bound ("đến hết ngày 31/12"), or an earlier event ("Trước đó, ngày 11/5")
            sent = next((s for s in sentences if s.start <= m.start() < s.end), None)
            lo = sent.start if sent is not None else max(0, m.start() - 200)
            if _CAPTION.search(text, lo, min(len(text), m.end() + 40)):
                continue  # a photo's date, not the article's
            rank = score - m.start() / DATELINE_WINDOW
            if best is None or rank > best[0]:
                best = (rank, d, mo, y, m.span())
    if best is None:
        return None
    return best[1], best[2], best[3], best[4]


def _planned(text: str, x: TimeExpr, sentences: list[Sentence], index: TriggerIndex | None = None) -> bool:
    """Whether x is a plan's or a forecast's time rather than a reported one: a goal noun
    heads it ("kế hoạch vốn năm 2016"), or a plan cue ("sẽ", "phấn đấu", "dự kiến") stands
    before it in its sentence or in its own clause ("phấn đấu năm 2020 đạt 45%, năm 2025 đạt 47%")."""
    c = compiled()
    lo = max(0, x.start - 40)
    low = index.low if index is not None else None
    if (low is None or c.plan_head_trigger.search(low, lo, x.start)) and c.plan_head.search(text, lo, x.start):
        return True
    sent = next((s for s in sentences if s.start <= x.start < s.end), None)
    if sent is None:
        return False
    ends = [i for i in (text.find(ch, x.end, sent.end) for ch in ",;:)") if i >= 0]
    b = min(ends) if ends else sent.end
    return bool(cue_spans(c.plan_clause, text, sent.start, b, index))


def _milestone(text: str, x: TimeExpr) -> bool:
    """Whether the year x is a milestone a plan reaches (rules/context_cues.yml kind milestone)."""
    rx = compiled().milestone
    own = text[x.start:x.end].lower().split(str(x.y))[0]  # "đầu năm " of "đầu năm 2018"
    return bool(rx.search(text[max(0, x.start - 30):x.start]) or rx.search(own))


@dataclass(frozen=True)
class YearEvidence:
    """What the text reports on, scored per year (`text_year`); read at several thresholds."""
    score: dict[int, int]
    reporting: tuple[TimeExpr, ...]

    def pick(self, min_evidence: int) -> tuple[int | None, TimeExpr | None]:
        """(year, latest reported period up to it): the best-scored year with at least
        `min_evidence`, ties to the later year; (None, None) when none has that much."""
        score = {y: v for y, v in self.score.items() if v >= min_evidence}
        if not score:
            return None, None
        best = max(score, key=lambda y: (score[y], y))
        upto = [x for x in self.reporting if x.y is not None and x.y <= best]

        def key(x: TimeExpr) -> tuple[int, int]:
            ms = month_span(x)
            return (x.y or 0, ms[1] if ms else 12)

        return best, (max(upto, key=key) if upto else None)


def text_year(text: str, exprs: list[TimeExpr], sentences: list[Sentence],
              index: TriggerIndex | None = None) -> YearEvidence:
    """The evidence for the year the text reports on as current, and its reported periods.

    A reporting period of months, a quarter or a month counts most (reports on part of a
    year are written in that year), a whole year or a date once, "cùng kỳ năm 2016" once for the
    year after it; a clause that plans or forecasts, a deadline, a range, a year the article
    uses as a horizon ("đến năm 2030"), a name's or a law's year not at all; a base at a
    year's end ("so với cuối năm 2016") once for the year after it, "từ đầu năm 2017 đến
    nay" as a part of 2017. `YearEvidence.pick` takes the year with enough of it and the
    latest reporting expression up to that year."""
    score: dict[int, int] = {}
    reporting: list[TimeExpr] = []
    # the same part of an earlier year beside it is the base of a year-on-year comparison
    # ("nửa đầu tháng 1/2017 ... gấp 3 lần mức của nửa đầu tháng 1/2016"), not a report
    parts = {(x.kind, x.m, x.q, x.months, x.y) for x in exprs if x.y is not None and x.kind in SUB_YEAR_KINDS}
    # a year the article uses as a horizon ("đến năm 2035", "giai đoạn 2021-2025") is a plan's
    # year: only a month, quarter or date of it reported shows it to be current
    horizons = {x.y for x in exprs if x.y is not None and x.kind == "deadline" and x.part is None
                and (x.rule == "deadline-year" and text[x.start:x.end].lower().startswith("tầm")
                     or _planned(text, x, sentences, index))}
    for x in exprs:
        if x.kind == "since" and x.part == "đầu" and x.y1 is not None and not x.comparison:
            # "Từ đầu năm 2017 đến nay": months of that year, reported up to now
            score[x.y1] = score.get(x.y1, 0) + SUB_YEAR_WEIGHT
            continue
        if x.y is None:
            continue
        if x.rule == "same-period-last-year" or x.comparison and month_span(x) == (12, 12):
            # "cùng kỳ năm 2016", and a base at a year's end ("tăng 5,8% so với cuối năm
            # 2016", "so với 31/12/2016"): the text reports on the year after it
            score[x.y + 1] = score.get(x.y + 1, 0) + 1
            continue
        if x.comparison or x.kind not in REPORTED_KINDS or _planned(text, x, sentences, index):
            continue
        if x.kind in SUB_YEAR_KINDS and (x.kind, x.m, x.q, x.months, x.y + 1) in parts:
            continue
        if x.kind == "year" and x.y in horizons:
            continue
        reporting.append(x)
        score[x.y] = score.get(x.y, 0) + (SUB_YEAR_WEIGHT if x.kind in SUB_YEAR_KINDS else 1)
    return YearEvidence(score, tuple(reporting))


def find_anchor(text: str, exprs: list[TimeExpr], sentences: list[Sentence],
                source_date: SourceDate = None, index: TriggerIndex | None = None) -> Anchor:
    sy, sm, sd = parse_source_date(source_date)
    dl = find_dateline(text, sentences)
    evidence_for = text_year(text, exprs, sentences, index)
    # a dated article (a dateline) needs less evidence than an undated text
    year_from_text, latest = evidence_for.pick(1 if dl else MIN_EVIDENCE)
    if dl and dl[2] is not None and text[dl[3][0]].islower() and year_from_text is not None \
            and year_from_text > dl[2]:
        # a dated "ngày 26/11/2013" inside the lead, earlier than a period the text reports
        # on ("Tính đến tháng 4/2017"), dates a document or a past event, not the article
        dl = None
        year_from_text, latest = evidence_for.pick(MIN_EVIDENCE)
    evidence: list[tuple[int, int]] = []
    year = month = day = None
    how = "none"
    if dl:
        day, month, year, span = dl
        evidence.append(span)
        how = "dateline"
    if year is None and sy is not None:
        year = sy
        if month is None:
            month, day = sm, sd
        how = "dateline+source" if dl else "source"

    if year is None and dl and month is not None:
        # the dateline's own month dated in the text ("Ngày 26/5, ..." and "ngay trong ngày
        # 24/5/2017"): news reports the days just before it, so that is the article's year
        own = [x for x in exprs if x.y is not None and x.m == month and x.kind in ("date", "month")
               and not x.comparison and (day is None or x.d is None or x.d <= day)
               and not _planned(text, x, sentences, index)]
        if own:
            latest_own = max(own, key=lambda x: x.y)
            year = latest_own.y
            evidence.append((latest_own.start, latest_own.end))
            how = "dateline+text"
    if year is None and year_from_text is not None:
        year = year_from_text
        if dl and month is not None and month <= EARLY_MONTHS and latest is not None \
                and latest.kind == "year" and latest.y == year \
                and not any(x.y == year and x.kind in SUB_YEAR_KINDS and not x.comparison
                            and (month_span(x) or (13, 13))[1] <= month
                            and not _planned(text, x, sentences, index) for x in exprs):
            # a January-February article whose latest period is a whole year reviews last
            # year, unless it reports on a month of that year already past ("tháng 1-2017" in
            # February; "quý IV/2016" is last year's): then it is in it
            year += 1
        if latest is not None:
            evidence.append((latest.start, latest.end))
        how = "dateline+text" if dl else "text"
    if year is None:
        # nothing reported with a year: plans dated to the month ("dự kiến phát điện trong
        # tháng 12/2017", "khởi công trong tháng 9/2017") lie in the coming months, so the
        # earliest year of such months, when it is planned twice or more, is the article's
        near = [x.y for x in exprs if x.y is not None and x.kind in ("month", "quarter") and not x.comparison
                and _planned(text, x, sentences, index)]
        if near and near.count(min(near)) >= 2:  # twice at least: one date may be a past event's
            year = min(near)
            how = "dateline+plan" if dl else "plan"
        else:
            # nor a month: a year the text plans for as a whole ("Kế hoạch cho cả năm 2017 vẫn
            # chưa được công bố", "chỉ tiêu năm 2017") is this year's or the next's; the
            # earliest such year. A horizon ("đến năm 2030", "tầm nhìn 2035") is not one, nor a
            # milestone the plan reaches ("vào năm 2022", "từ năm 2030", "vào đầu năm 2018"):
            # that lies after the article's time, whose year it does not say.
            planned = [x.y for x in exprs if x.y is not None and x.kind == "year" and not x.comparison
                       and not _milestone(text, x) and _planned(text, x, sentences, index)]
            if planned:
                year = min(planned)
                how = "dateline+plan" if dl else "plan"
    if year is None and not dl:
        # last: one piece of reported evidence (an undated text needs two to be sure; with
        # nothing else to go on, the one year the text reports on is the likeliest)
        year, weak = evidence_for.pick(1)
        if year is not None:
            latest = weak
            if weak is not None:
                evidence.append((weak.start, weak.end))
            how = "text-weak"
    rep = resolve(latest, text, year, month, day) if latest is not None else None
    return Anchor(year, month, day, how, tuple(evidence), rep)
