"""Document context: the article's time anchor, each position's period, and the frames that
lead-ins open (headings, lists, ";"-chains, "Trong đó"/"Cụ thể" continuations).

Pure functions over the NFC text, on characters and lines only (no word segmentation), so
it is cheap on every document (about 2-3 ms of CPU for a news article; frames are judged
only where asked). Cue words and time expressions are data (nlp/rules/context_cues.yml),
compiled once per process at first use.

    ctx = DocumentContext.build(text, source_date=None)   # or build_context(text, ...)
    ctx.anchor                  # Anchor(year, month, day, how, evidence, reported); .current_year
    ctx.period_at(start, end)   # Period governing text[start:end] (own or inherited), or None
    ctx.frame_at(pos)           # Frame(kind target/actual/none, year, start, end, lead_start,
                                #       lead_end, shape, cue, strength, depth)
    ctx.year_at(start, end)     # (year, source): source period / frame / inherited / anchor / None
    ctx.role_hint(start, end)   # "target" / "actual" / None from frames and the period
    ctx.implies_current(start, end), ctx.states_present(pos)
    ctx.units, ctx.sentences, ctx.periods, ctx.scopes, ctx.frames

`source_date` (optional) is what the caller knows of the article's date: a datetime.date,
"2017-07-03", "03/07/2017", a (year, month, day) tuple or a year. A dateline's own year
wins over it; it fills a dateline without a year and stands in for a missing dateline.

Nothing is cached across documents: a DocumentContext holds its own analysis (including
the frames it has judged), and is built once per document.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from .anchor import Anchor, SourceDate, find_anchor, parse_source_date
from .cues import TriggerIndex, compiled, cue_spans, lowered
from .frames import Frame, judge_scope, resolve_at
from .structure import Scope, Sentence, Unit, find_scopes, find_sentences, find_units
from .timex import Period, TimeExpr, comparison_marker, find_time_exprs, relation, resolve

__all__ = ["Anchor", "DocumentContext", "Frame", "Period", "Scope", "Sentence", "TimeExpr", "Unit",
           "build_context", "find_anchor", "find_time_exprs", "parse_source_date"]

STRONG_ACTUAL = 3  # an actual frame this strong (a forecast, a result against a goal) outranks a future period
LEAD_UNITS = 1  # units 0 and 1: the title and the lead, which report the article's news
AFTER_GAP = 30  # characters between a figure and a time expression that still belongs to it
INHERIT = True


@dataclass
class DocumentContext:
    """One document's context; build it with DocumentContext.build(text, source_date)."""

    text: str
    anchor: Anchor
    units: list[Unit]
    sentences: list[Sentence]
    periods: list[Period]  # every time expression, resolved, in text order
    scopes: list[Scope]  # what each lead-in governs; judged into frames on first need
    _index: TriggerIndex | None = field(default=None, repr=False)
    _sent_starts: list[int] = field(default_factory=list, repr=False)
    _period_starts: list[int] = field(default_factory=list, repr=False)
    _judged: dict[int, Frame] = field(default_factory=dict, repr=False)  # this document's frames, by scope
    _by_sentence: list[list[int]] = field(default_factory=list, repr=False)  # scopes overlapping each sentence
    _frame_at: dict[int, Frame] = field(default_factory=dict, repr=False)
    _back: dict[int, object] = field(default_factory=dict, repr=False)  # sentence -> what earlier ones set

    @classmethod
    def build(cls, text: str, source_date: SourceDate = None) -> "DocumentContext":
        low = lowered(text)
        exprs = find_time_exprs(text, low)
        units = find_units(text)
        sentences = find_sentences(text, units)
        index = TriggerIndex(low)
        anchor = find_anchor(text, exprs, sentences, source_date, index)
        periods = _resolve_all(text, exprs, anchor, sentences)
        blocked = [(p.start, p.end) for p in periods]
        scopes = find_scopes(text, units, sentences, blocked)
        starts = [s.start for s in sentences]
        by_sentence: list[list[int]] = [[] for _ in range(len(sentences) + 1)]
        for i, sc in enumerate(scopes):
            a = max(0, bisect.bisect_right(starts, sc.start) - 1)
            b = max(a, bisect.bisect_left(starts, sc.end))
            for k in range(a, min(b, len(sentences) - 1) + 1):
                by_sentence[k].append(i)
        return cls(text, anchor, units, sentences, periods, scopes, index, starts,
                   [p.start for p in periods], _by_sentence=by_sentence)

    @property
    def frames(self) -> list[Frame]:
        """Every lead-in's frame (judged now if not yet)."""
        return [self._frame(i) for i in range(len(self.scopes))]

    def _frame(self, i: int) -> Frame:
        f = self._judged.get(i)
        if f is None:
            f = self._judged[i] = judge_scope(self.text, self.scopes[i], self.periods, self._index)
        return f

    # --- lookups -------------------------------------------------------------------------
    def sentence_index(self, pos: int) -> int | None:
        i = bisect.bisect_right(self._sent_starts, pos) - 1
        if i >= 0 and pos < max(self.sentences[i].end, self.sentences[i].start + 1):
            return i
        return i if i >= 0 else None

    def sentence_at(self, pos: int) -> Sentence | None:
        i = self.sentence_index(pos)
        return self.sentences[i] if i is not None else None

    def periods_in(self, start: int, end: int) -> list[Period]:
        i = bisect.bisect_left(self._period_starts, start)
        out = []
        while i < len(self.periods) and self.periods[i].start < end:
            out.append(self.periods[i])
            i += 1
        return out

    def unit_at(self, pos: int) -> Unit | None:
        return next((u for u in self.units if u.start <= pos <= u.end), None)

    # --- the period of a figure ----------------------------------------------------------
    def period_at(self, start: int, end: int, inherit: bool = INHERIT) -> Period | None:
        """The explicit time expression governing text[start:end], else (inherit=True) the
        one an earlier sentence set for it (marked `inherited`; see `_inherited`).

        In its sentence: a period right after the figure ("60,1% năm 2016", "5,52% cùng kỳ
        năm ngoái"); the base of a comparison only for a figure inside that comparison
        ("so với mức 63,7% GDP cuối năm 2016"); else the nearest period before it; else one
        after it with no other number in between."""
        si = self.sentence_index(start)
        if si is None:
            return None
        sent = self.sentences[si]
        cands = [p for p in self.periods_in(sent.start, sent.end) if p.kind != "rate"
                 and not (p.start < end and start < p.end)]
        text = self.text
        after = [p for p in cands if p.start >= end]
        if after:
            p = after[0]
            gap = _RANGE_TAIL.sub("", text[end:p.start], count=1)
            if p.start - end <= AFTER_GAP and not _has_number(gap) and not any(ch in gap for ch in ",;:(") \
                    and not p.comparison and not _heads_next(text, gap, p) and not _OF_OTHER.search(gap) \
                    and not _NEXT_PREDICATE.search(gap):
                return p
        for p in cands:
            if p.comparison and p.start >= end:
                mark = comparison_marker(text, p.start)
                if mark is not None and mark <= start and not _MULTIPLE.match(text, mark):
                    return p  # the figure is the base: "so với mức 63,7% GDP cuối năm 2016"
                    # (not the multiple in "gấp 2 lần so với cuối năm 2015")
        before = [p for p in cands if p.end <= start]
        if before and before[-1].comparison and _BASE_VALUE.match(text[before[-1].end:start]):
            return before[-1]  # "thấp hơn cùng kỳ (5,48%)": the base's own value
        before = [p for p in before if not p.comparison]
        if before:
            return before[-1]
        for p in after:
            if p.comparison:
                continue
            gap = _RANGE_TAIL.sub("", text[end:p.start], count=1)
            if _has_number(gap) or ";" in gap:
                break  # another figure, or another clause of a ";"-chain, holds that period
            return p
        if not inherit:
            return None
        return self._inherited(si, start)

    def _inherited(self, si: int, start: int) -> Period | None:
        """The period an earlier sentence set for this one (in its unit, or in the plain
        paragraphs before it up to a heading or a list item).

        A sentence that states the present ("hiện", "đang", "vẫn") takes none. A plan's period
        (a deadline, a range, "thời gian tới", a year after the anchor) carries over only into
        a sentence that continues its sentence ("Trong đó", "Cụ thể") or into a target frame;
        a report's period (the year, the months reported) carries over into what follows."""
        sent = self.sentences[si]
        if cue_spans(compiled().present, self.text, sent.start, start, self._index):
            return None
        found = self._back.get(si, False)
        if found is False:
            found = self._back[si] = self._earlier_period(si)
        if found is None:
            return None
        p, plan = found
        if plan and not (sent.continues or self.frame_at(start).kind == "target"):
            return None
        return p.with_inherited()

    def _earlier_period(self, si: int) -> tuple[Period, bool] | None:
        """(period, is a plan's) that the sentences before sentence si set for it, or None;
        what `_inherited` checks against the figure's own position is left to it."""
        sent = self.sentences[si]
        k = si - 1
        while k >= 0 and self._continues_into(self.sentences[k].unit, sent.unit):
            # "cùng kỳ" (the same period a year before) is the base its own clause contrasts
            # with ("quý I tăng 2,03%, trong khi cùng kỳ giảm 1,31%"), not the text's period
            prev = [p for p in self.periods_in(self.sentences[k].start, self.sentences[k].end)
                    if not p.comparison and p.kind != "rate" and p.rule != "same-period-last-year"]
            if prev:
                p = prev[-1]
                if p.kind == "date" and not sent.continues:
                    return None  # an event's date ("thành lập ngày 27/4/2010") times that event only
                dated = {q.year for q in prev if q.year is not None and q.kind != "date"
                         and _FIGURE_BEFORE.search(self.text, max(0, q.start - 24), q.start)}
                if len(dated) > 1:
                    return None  # a series ("từ 44% năm 2011 lên 60% năm 2016") sets no one period
                src = self.sentences[k]
                if cue_spans(compiled().generic, self.text, src.start, src.end, self._index):
                    return None  # a hypothesis ("nếu trong 20 năm từ 2016 đến 2035 ...") sets none
                plan = p.relation == "future" or (p.kind in ("deadline", "range", "future") and p.relation != "past")
                return p, plan
            k -= 1
        return None

    def _continues_into(self, ui: int, uj: int) -> bool:
        """Whether unit ui's period carries on into unit uj (ui <= uj): the same unit, or plain
        paragraphs with no heading or list item from ui on (a body continues its lead)."""
        if ui == uj:
            return True
        return all(not self.units[k].heading and self.units[k].marker is None for k in range(ui, uj + 1))

    # --- frames --------------------------------------------------------------------------
    def frame_at(self, pos: int) -> Frame:
        """The frame position `pos` lies in (kind target/actual/none; a `document` frame when
        nothing frames it)."""
        f = self._frame_at.get(pos)
        if f is None:
            si = self.sentence_index(pos)
            cands = self._by_sentence[si] if si is not None and self._by_sentence else range(len(self.scopes))
            holding = [self._frame(i) for i in cands
                       if self.scopes[i].start <= pos < self.scopes[i].end or self.scopes[i].start == self.scopes[i].end == pos]
            f = self._frame_at[pos] = resolve_at(holding, pos, len(self.text))
        return f

    # --- decisions built on both ---------------------------------------------------------
    def states_present(self, start: int) -> bool:
        """Whether the figure's sentence states how things are now ("hiện", "đang", "vẫn")
        before the figure."""
        sent = self.sentence_at(start)
        return sent is not None and bool(cue_spans(compiled().present, self.text, sent.start, start, self._index))

    def implies_current(self, start: int, end: int) -> bool:
        """Whether a figure with no time of its own is about the article's current period:
        its sentence is not general or hypothetical (a `generic` cue: "nếu", "mỗi năm", "một
        trong") and it reports, states the present or plans (a `current` or `present` cue),
        stands in the title or the lead, or lies in a target or actual frame."""
        sent = self.sentence_at(start)
        if sent is None:
            return False
        c = compiled()
        if cue_spans(c.generic, self.text, sent.start, sent.end, self._index):
            return False
        if sent.unit <= LEAD_UNITS or self.states_present(start):
            return True
        if cue_spans(c.current, self.text, sent.start, sent.end, self._index):
            return True
        return self.frame_at(start).kind in ("target", "actual")

    def year_at(self, start: int, end: int) -> tuple[int | None, str | None]:
        """(year, source) for a figure, source one of period / frame / inherited / anchor:
        its own period's year (a yearless period of its own, such as a decade, "những năm
        qua" or "thời gian tới", means no year); else the year of the list or section it
        stands in; else, in a sentence stating the present, the anchor's current year; else
        the period an earlier sentence set; else its sentence frame's year; else the anchor's
        current year when the figure is about the current period (`implies_current`)."""
        p = self.period_at(start, end, inherit=False)
        if p is not None:
            return (p.year, "period") if p.year is not None else (None, None)
        f = self.frame_at(start)
        if f.year is not None and f.shape not in ("sentence", "chain"):
            return f.year, "frame"
        current = self.anchor.current_year
        if current is not None and self.states_present(start):
            return current, "anchor"
        si = self.sentence_index(start)
        p = self._inherited(si, start) if si is not None else None
        if p is not None and p.year is not None:
            return p.year, "inherited"
        if f.year is not None:
            return f.year, "frame"
        if current is not None and self.implies_current(start, end):
            return current, "anchor"
        return None, None

    def role_hint(self, start: int, end: int) -> str | None:
        """"target" when the figure is in a target frame, or its own period lies after the
        article's time and no forecast or result frames it ("có thể đạt ... trước năm 2030" is
        an estimate); "actual" when in an actual frame; else None."""
        f = self.frame_at(start)
        p = self.period_at(start, end, inherit=False)
        if f.kind == "target":
            return "target"
        if p is not None and p.relation == "future" and not (f.kind == "actual" and f.strength >= STRONG_ACTUAL):
            return "target"  # a plan's period, unless a forecast or a result frames it
        if f.kind == "actual":
            return "actual"
        return None


# "năm 2020 đạt 45%, năm 2025 đạt 47% và năm 2035 đạt 55%": a period after a coordinator
# that is followed by its own number opens the next figure's clause
_COORDINATOR = re.compile(r"(?<![^\W_])(?:và|còn|rồi)(?![^\W_])", re.IGNORECASE)
_NEXT_NUMBER = re.compile(r"\s*(?:[^\W\d_]+\s+){0,3}\d")


def _heads_next(text: str, gap: str, p: Period) -> bool:
    return bool(_COORDINATOR.search(gap)) and bool(_NEXT_NUMBER.match(text, p.end))


# kinds of a time expression that can leave its year to the text around it ("6 tháng đầu năm",
# "cả năm", "quý II", "tháng 7"); a whole year written out ("Năm 2016 ...", not a plan's,
# not a base of comparison) sets it for the rest of its sentence and the next TOPIC_REACH ones
_TOPIC_TAKERS = ("months", "quarter", "month", "relative")
_TOPIC_REACH = 2
_NOW = re.compile(r"(?<![^\W_])nay(?![^\W_])", re.IGNORECASE)
# a year in topic position: at the start of a sentence or clause ("Năm 2016 là năm ...",
# "Trong năm 2016, ..."), not inside a noun phrase or after a comparison
_OPENS_CLAUSE = re.compile(r"(?:^|[.!?;:,\n“\"(]\s*|[.!?;:,\n“\"(]\s*(?:trong|riêng|cả|tính\s+chung)\s+)$", re.IGNORECASE)


def _resolve_all(text: str, exprs: list[TimeExpr], anchor: Anchor, sentences: list[Sentence]) -> list[Period]:
    """Every expression resolved against the anchor, except a yearless part of a year ("cả
    năm", "6 tháng đầu năm", "quý II") written shortly after an explicit past year in the same
    unit ("Năm 2016 là năm khó khăn, 6 tháng đầu năm ..."): it is a part of that year. "năm
    nay", "6 tháng đầu năm nay" say now: the anchor's year."""
    out: list[Period] = []
    starts = [s.start for s in sentences]
    topic: tuple[int, int, int] | None = None  # (year, sentence index, unit)
    for x in exprs:
        p = resolve(x, text, anchor.year, anchor.month, anchor.day)
        i = bisect.bisect_right(starts, x.start) - 1
        unit = sentences[i].unit if i >= 0 else -1
        if x.y is not None:
            if x.comparison:
                pass
            elif x.kind == "year" and p.relation != "future" and _OPENS_CLAUSE.search(text, max(0, x.start - 16), x.start):
                topic = (x.y, i, unit)
            elif topic is not None and x.y != topic[0]:
                topic = None  # another year written out: the topic is no longer certain
        elif (topic is not None and x.kind in _TOPIC_TAKERS and x.offset in (None, 0)
              and topic[2] == unit and i - topic[1] <= _TOPIC_REACH
              and not _NOW.search(text, x.start, x.end) and topic[0] != p.year):
            y = topic[0]
            p = replace(p, year=y, relation=relation(x.kind, y, p.first_year, p.months, x.d,
                                                     anchor.year, anchor.month, anchor.day))
        out.append(p)
    return out


# a period right after a figure ("từ 44% năm 2011 lên 60% năm 2016", "20 tỷ năm 2017") dates
# that figure only: it sets no period for the sentences after it
_FIGURE_BEFORE = re.compile(r"\d(?:\s*%|\s+[^\W\d_]+){0,3}\s+(?:vào\s+|trong\s+)?$")
# "bổ sung 30.000 tỷ đồng cho các dự án của năm 2015": a period after "của"/"cho" that follows
# another noun dates that noun, not the figure ("5,5% của cùng kỳ năm ngoái" is the figure's)
_OF_OTHER = re.compile(r"[^\W\d_]\s+(?:của|cho)\s*$", re.IGNORECASE)
# a coordinated predicate between a figure and a later time: "đạt tối thiểu 50% và tăng dần vào
# các năm tiếp theo" times the second predicate, not the figure
_NEXT_PREDICATE = re.compile(r"(?<![^\W_])(?:và|hoặc|nhưng|rồi)\s+(?:sẽ\s+|đã\s+|tiếp\s+tục\s+)?"
                             r"(?:tăng|giảm|đạt|lên|xuống|vượt|duy\s+trì|hoàn\s+thành)(?![^\W_])", re.IGNORECASE)
_MULTIPLE = re.compile(r"gấp(?![^\W_])", re.IGNORECASE)
_RANGE_TAIL = re.compile(r"^\s*(?:[-–—]|đến|tới)\s*[\d.,]+")  # the rest of a range: "35 - 38 tỷ USD"
_BASE_VALUE = re.compile(r"^\s*(?:\(|:|là|ở\s+mức|mức|đạt)?\s*$")


def _has_number(s: str) -> bool:
    return any(ch.isdigit() for ch in s)


def build_context(text: str, source_date: SourceDate = None) -> DocumentContext:
    return DocumentContext.build(text, source_date)
