"""What a figure measures (`indicator`) and the year it refers to (`year`).

Vietnamese reports state a measure in two shapes, and the indicator is read from the
sentence's structure accordingly (cue words are data: rules/indicator_cues.yml):

1. number + counted noun + modifiers: `63 nhiệm vụ trọng tâm ưu tiên triển khai (...)`,
   `70% người dân trưởng thành có tài khoản công dân số, ...` -> the noun phrase after
   the number, up to the clause boundary (punctuation, `và`, `gồm`, `so với`, ...). When
   that phrase is only the counted noun and the clause before names the same noun with
   its modifiers (`triển khai dịch vụ công thiết yếu: 43/53 dịch vụ`), the earlier,
   fuller mention is used.
2. subject + link verb + number: `Tỷ lệ hồ sơ trực tuyến toàn trình cả nước đạt 42%` ->
   the clause's subject: from the clause start (or its first measure noun such as `tỷ lệ`)
   to the link verb, without scope modifiers (`cả nước`) or time phrases; a growth noun
   right before the number is kept (`Doanh thu ... tăng trưởng 26%`). A subject that is
   only a measure noun (`đạt tỷ lệ 28,6%`) takes the previous figure's indicator.

Year: the year expression closest to the figure in its sentence, a year right after the
figure first (`60,1% năm 2016`), then the strongest before it (a deadline `đến năm 2025`
over a period `6 tháng đầu năm 2024` over a date), then after it; a year that is a
comparison base (`so cùng kỳ năm 2023`) or part of a document number is skipped. A
sentence without a year inherits the last year stated earlier in the same paragraph
(reports set the period once: `Trong 6 tháng đầu năm 2024, ...` then the figures), else
the last period (`năm 2025`, `6 tháng đầu năm 2024`, `giai đoạn 2021-2025`, not a bare
date) stated in the 800 characters before the paragraph: list items under a heading
`(1) Năm 2025:`. The title year is not inherited beyond that window: a wrong year
misleads a year search more than a missing one.

POS tags come from the words given (nlp.segment.analyze of the sentence); underthesea's
chunker is not used (it would double the cost of the heavy step for a small gain).
"""
from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from .numbers import expression_re
from .records import Figure
from .rules import WORD_END, WORD_START, load
from .rules import alternation as _alternation
from .segment import Word

log = logging.getLogger(__name__)

_NOUN_TAGS = {"N", "Nc", "Nu", "Ny", "Nb", "Np"}
_PUNCT_BOUNDARY = re.compile(r"[;:()\[\]“”\"«»…!?|]|[.,](?!\d)|\s[-–—]\s")
_MAX_WORDS = 24
_INHERIT_WINDOW = 800  # characters back (across paragraphs) for a heading's period: `(1) Năm 2025:`  # an indicator longer than this is a clause, not a name for a measure
_AFTER_GAP = 45  # characters between a figure and a year that still belongs to it (`60,1% năm 2016`)


_WS, _WE = WORD_START, WORD_END


@dataclass(frozen=True)
class _Cues:
    measure: re.Pattern[str]
    link_tail: re.Pattern[str]
    link_head: re.Pattern[str]
    boundary: re.Pattern[str]
    scope_tail: re.Pattern[str]
    determiner_head: re.Pattern[str]
    reference_head: re.Pattern[str]
    growth_tail: re.Pattern[str]
    rate_head: re.Pattern[str]
    comparison_tail: re.Pattern[str]
    years: tuple[tuple[str, int, re.Pattern[str]], ...]


@lru_cache(maxsize=1)
def cues() -> _Cues:
    """Indicator and year cues, compiled once per process."""
    words: dict[str, list[str]] = {}
    years = []
    for r in load("indicator_cues", required=("kind",)):
        if r["kind"] == "year":
            years.append((r["id"], int(r.get("weight", 1)), re.compile(r["pattern"], re.IGNORECASE)))
        else:
            words.setdefault(r["kind"], []).extend(r["words"])

    def alt(kind: str) -> str:
        return _alternation(words[kind]) if words.get(kind) else "(?!)"

    i = re.IGNORECASE
    return _Cues(
        measure=re.compile(rf"{_WS}{alt('measure')}{_WE}", i),
        link_tail=re.compile(rf"(?:^|\s){alt('link')}\s*$", i),
        link_head=re.compile(rf"^{alt('link')}{_WE}\s*", i),
        boundary=re.compile(rf"{_WS}{alt('boundary')}{_WE}", i),
        scope_tail=re.compile(rf"(?:^|\s){alt('scope')}\s*$", i),
        determiner_head=re.compile(rf"^{alt('determiner')}{_WE}\s*", i),
        reference_head=re.compile(rf"\s*{alt('reference')}{_WE}", i),  # used with .match(text, pos)
        growth_tail=re.compile(rf"(?:^|\s)(?P<g>{alt('growth')})\s*$", i),
        rate_head=re.compile(rf"^{alt('rate')}{_WE}", i),
        comparison_tail=re.compile(rf"{_WS}{alt('comparison_base')}(?:\s+\S+){{0,3}}\s*$", i),
        years=tuple(sorted(years, key=lambda y: -y[1])),
    )


# --- clause boundaries ------------------------------------------------------------------

def _boundaries(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Spans in text[s:e] that separate clauses: punctuation and boundary words."""
    seg = text[s:e]
    spans = [(s + m.start(), s + m.end()) for m in _PUNCT_BOUNDARY.finditer(seg)]
    spans += [(s + m.start(), s + m.end()) for m in cues().boundary.finditer(seg)]
    # `50.350 doanh nghiệp/mục tiêu 48.000`: a slash before a base word splits two figures
    spans += [(s + m.start(), s + m.start() + 1) for m in re.finditer(r"/", seg)
              if cues().reference_head.match(seg, m.start() + 1)]
    return sorted(spans)


def _left_start(bounds: list[tuple[int, int]], sent_start: int, pos: int) -> int:
    ends = [b[1] for b in bounds if b[1] <= pos]
    return max(ends) if ends else sent_start


def _right_end(bounds: list[tuple[int, int]], sent_end: int, pos: int) -> int:
    starts = [b[0] for b in bounds if b[0] >= pos]
    return min(starts) if starts else sent_end


def _clean(phrase: str, *, tail_links: bool, head_links: bool = True, subject: bool = True) -> str:
    """Trim determiners, link verbs (head/tail), punctuation; for a subject (`subject`)
    also scope modifiers and time phrases (`Tỷ lệ ... cả nước năm 2024 đạt`)."""
    c = cues()
    p = " ".join(phrase.split())
    for _ in range(6):
        before = p
        p = p.strip(" -–—/:;,.")
        p = c.determiner_head.sub("", p).strip()
        if head_links and not c.measure.match(p):
            p = c.link_head.sub("", p).strip()
        if tail_links:
            p = c.link_tail.sub("", p).strip()
        if subject:
            p = c.scope_tail.sub("", p).strip()
            p = _strip_time_tail(p)
        p = _DANGLING_TIME.sub("", p).strip()  # `chỉ tiêu quan trọng trong năm` cut before its year
        if p == before:
            break
    return p.strip(" -–—/:;,.")


_TIME_TAIL = re.compile(
    r"(?:^|\s)(?:(?:trong|vào|của|tại|đến|tới|sau)\s+)?"
    r"(?:\d{1,2}\s+tháng(?:\s+(?:đầu|cuối))?(?:\s+năm(?:\s+(?:19|20)\d{2})?)?"
    r"|(?:(?:cuối|đầu|hết|giữa)\s+)?năm(?:\s+(?:19|20)\d{2})?"
    r"|quý\s+[IV1-4]+(?:\s+năm(?:\s+(?:19|20)\d{2})?)?)\s*$",
    re.IGNORECASE,
)


_COMPARED = re.compile(r"so(?:\s+với)?", re.IGNORECASE)
_DANGLING_TIME = re.compile(r"(?:^|\s)(?:(?:trong|vào|đến|tới|của|hết|cuối|đầu)\s+)*năm$", re.IGNORECASE)


def _strip_time_tail(p: str) -> str:
    return _TIME_TAIL.sub("", p).strip()


def _limit(p: str) -> str:
    parts = p.split()
    return " ".join(parts[:_MAX_WORDS])


# --- the two shapes ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def _measure_units() -> frozenset[str]:
    """Units that measure (money, %, km...) rather than count a noun: the subject names the indicator."""
    out = {"%"}
    for r in load("units", required=("kind", "words")):
        if r["kind"] in ("percent", "point", "currency", "measure"):
            out.update(w.lower() for w in r["words"])
            if r.get("unit"):
                out.add(r["unit"].lower())
    return frozenset(out)


def _number_end(text: str, fig: Figure) -> int:
    """End of the numeric part (number, range/ratio, multipliers) of the figure."""
    m = expression_re().match(text, fig.start)
    return m.end() if m else fig.start


def _word_at(words: list[Word], starts: list[int], pos: int, text: str) -> Word | None:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    i = bisect.bisect_left(starts, pos)
    return words[i] if i < len(words) and words[i].start == pos else None


def _after_phrase(text: str, fig: Figure, words: list[Word], starts: list[int],
                  bounds: list[tuple[int, int]], sent: tuple[int, int]) -> tuple[str, int] | None:
    """(phrase, start) of the noun phrase the figure counts, when it has one."""
    c = cues()
    if fig.unit == "%":
        pos = fig.end
        if c.reference_head.match(text, pos):
            return None  # `66,4% kế hoạch`: a share of a base, the subject names the measure
        w = _word_at(words, starts, pos, text)
        if w is None or not w.text[:1].isalpha() or (w.pos not in _NOUN_TAGS and w.text.lower() not in ("các", "những")):
            return None
        start = w.start
    elif fig.unit and fig.unit not in _measure_units():
        start = _number_end(text, fig)
        while start < len(text) and text[start].isspace():
            start += 1
    else:
        return None
    end = _right_end(bounds, sent[1], max(start + 1, fig.end))
    for _ in range(4):
        # coordinated nouns go on past `,` / `và` (`63 tỉnh, thành phố trực thuộc Trung ương`,
        # `bộ dữ liệu mở tạo ra giá trị, sản phẩm mới`, `cán bộ, công chức, viên chức và người lao động`)
        joint = re.match(r",|\s*và(?![^\W_])", text[end:end + 4])
        if not joint:
            break
        w = _word_at(words, starts, end + joint.end(), text)
        if w is None or w.pos not in _NOUN_TAGS or not w.text[:1].islower() or c.reference_head.match(w.text):
            break
        further = _right_end(bounds, sent[1], w.end)
        if re.search(r"\d", text[w.start:further]):
            break  # the next noun phrase is the subject of another figure
        end = further
    nxt = re.search(r"\d", text[fig.end:end])  # another number opens another figure
    if nxt:
        end = fig.end + nxt.start()
    phrase = _clean(text[start:end], tail_links=True, head_links=False, subject=False)
    return (_limit(phrase), start) if phrase else None


def _before_phrase(text: str, fig: Figure, bounds: list[tuple[int, int]], sent: tuple[int, int],
                   floor: int) -> str:
    """The subject before the link verb: `Tỷ lệ hồ sơ trực tuyến toàn trình` of `... đạt 42%`.

    `floor` is the end of the previous figure of the sentence: its words are not this one's.
    """
    c = cues()
    left = max(_left_start(bounds, sent[0], fig.start), floor)
    before_left = [b for b in bounds if b[1] == left]
    if before_left and _COMPARED.fullmatch(text[before_left[0][0]:before_left[0][1]]) and left > floor:
        # `Giải ngân vốn ... so với kế hoạch ... chỉ đạt 41,97%`: the subject is before `so với`
        outer = max(_left_start(bounds, sent[0], before_left[0][0]), floor)
        left, raw = outer, text[outer:before_left[0][0]]
    else:
        raw = text[left:fig.start]
    growth = c.growth_tail.search(raw)
    if growth:
        raw = raw[:growth.start()]
    phrase = _clean(raw, tail_links=True)
    m = c.measure.search(phrase)
    if m:
        phrase = phrase[m.start():]
    if growth and phrase and not c.rate_head.match(phrase) and not phrase.lower().endswith(growth.group("g").lower()):
        phrase = f"{phrase} {' '.join(growth.group('g').split())}"
    return _limit(phrase)


def _is_bare_measure(phrase: str) -> bool:
    m = cues().measure.fullmatch(phrase)
    return bool(m)


def _table_row_label(text: str, fig: Figure) -> str | None:
    """In a table row (`1 | Dịch vụ công ... | 30% | 100% |`), the first text cell before
    the figure's cell names what the row measures."""
    ls = text.rfind("\n", 0, fig.start) + 1
    le = text.find("\n", fig.end)
    le = len(text) if le < 0 else le
    line = text[ls:le]
    if line.count("|") < 2:
        return None
    before = text[ls:fig.start].split("|")[:-1]  # cells left of the figure's cell
    for cell in before:
        label = cell.strip().rstrip(".:;")
        if re.search(r"[^\W\d_]", label) and not re.fullmatch(r"[\d\W]+", label):
            return _limit(" ".join(label.split()))
    return None


def _indicator(text: str, fig: Figure, words: list[Word], starts: list[int],
               bounds: list[tuple[int, int]], prev: str | None, floor: int) -> str | None:
    sent = fig.sentence
    row = _table_row_label(text, fig)
    if row:
        return row
    after = _after_phrase(text, fig, words, starts, bounds, sent)
    if after:
        phrase, a_start = after
        unit = (fig.unit or "").lower()
        if fig.unit != "%" and phrase.lower() == unit:
            # `đạt 50.350 doanh nghiệp`: look for the fuller mention of the noun before
            left = _left_start([b for b in bounds if b[1] <= fig.start and text[b[0]:b[1]].strip() in ",;"],
                               sent[0], fig.start)
            m = re.search(_WS + _alternation([unit]) + _WE, text[left:fig.start], re.IGNORECASE)
            if m:
                span = text[left + m.start():fig.start]
                span = span[:re.search(r"\d|$", span).start()]  # up to the first number
                fuller = _clean(span, tail_links=True, head_links=False, subject=False)
                if fuller and len(fuller.split()) > len(phrase.split()):
                    return _limit(fuller)
        return phrase
    phrase = _before_phrase(text, fig, bounds, sent, floor)
    if not phrase or _is_bare_measure(phrase):
        return prev or (phrase or None)
    return phrase


# --- year -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Year:
    start: int
    end: int
    year: int
    weight: int


_YEAR_DIGITS = re.compile(r"(?:19|20)\d{2}")


def _years(text: str, s: int, e: int) -> list[_Year]:
    """Year expressions in text[s:e] that can date a figure."""
    return list(_years_cached(text, s, e))


@lru_cache(maxsize=512)
def _years_cached(text: str, s: int, e: int) -> tuple[_Year, ...]:
    # Cached: every figure of a paragraph looks back over the same window (a str caches
    # its hash, so the key is cheap).
    if not _YEAR_DIGITS.search(text, s, e):
        return ()  # cheap pre-filter: most windows hold no 4-digit year at all
    c = cues()
    found: dict[int, _Year] = {}
    for _, weight, rx in c.years:
        for m in rx.finditer(text, s, e):
            ys, ye = m.span("y")
            if re.match(r"\s*[/-]\s*[^\W\d_]", text[ye:ye + 4]) or re.match(r"\s*/\s*\d", text[ye:ye + 4]):
                continue  # `82/2024/NĐ-CP`: a document number, not a period
            if c.comparison_tail.search(text[max(s, m.start() - 30):m.start()]):
                continue  # `so cùng kỳ năm 2023`: a comparison base
            y = _Year(m.start(), m.end(), int(m.group("y")), weight)
            if ys not in found or found[ys].weight < weight:
                found[ys] = y
    return tuple(sorted(found.values(), key=lambda y: y.start))


def _paragraph_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _year(text: str, fig: Figure, sentence_years: list[_Year]) -> int | None:
    after = [y for y in sentence_years if y.start >= fig.end]
    if after and after[0].start - fig.end <= _AFTER_GAP and not _PUNCT_BOUNDARY.search(text[fig.end:after[0].start]):
        return after[0].year
    before = [y for y in sentence_years if y.end <= fig.start]
    if before:
        best = max(before, key=lambda y: (y.weight, y.start))
        return best.year
    if after:
        return after[0].year
    # inherit the period stated earlier in the same paragraph ...
    ps = _paragraph_start(text, fig.sentence[0])
    earlier = _years(text, ps, fig.sentence[0])
    if earlier:
        return earlier[-1].year
    # ... or by a nearby heading or lead sentence that sets a period (`(1) Năm 2025:`,
    # `Về tình hình kinh tế - xã hội 10 tháng năm 2025`); dates do not set a period.
    window = [y for y in _years(text, max(0, ps - _INHERIT_WINDOW), ps) if y.weight >= 2]
    return window[-1].year if window else None


# --- entry point ------------------------------------------------------------------------

def annotate(text: str, figures: list[Figure], words: list[Word]) -> list[Figure]:
    """Figures of one sentence with `indicator` and `year` filled; never raises."""
    try:
        return _annotate(text, figures, words)
    except Exception:  # noqa: BLE001 - an annotation failure keeps the figures as they are
        log.exception("solieu: indicators.annotate failed")
        return list(figures)


def _annotate(text: str, figures: list[Figure], words: list[Word]) -> list[Figure]:
    if not figures:
        return []
    out: list[Figure] = []
    words = sorted(words or [], key=lambda w: w.start)
    starts = [w.start for w in words]
    prev: str | None = None
    floor = 0
    cache: dict[tuple[int, int], tuple[list[tuple[int, int]], list[_Year]]] = {}
    for fig in sorted(figures, key=lambda f: (f.start, f.end)):
        sent = fig.sentence if fig.sentence != (0, 0) else (0, len(text))
        fig = fig if fig.sentence == sent else fig.with_(sentence=sent)
        if sent not in cache:
            cache[sent] = (_boundaries(text, sent[0], sent[1]), _years(text, sent[0], sent[1]))
        bounds, years = cache[sent]
        # the figure's own text is not a boundary (`14.727/15.981`, `thôn/bản`)
        bounds = [b for b in bounds if not (fig.start <= b[0] < fig.end)]
        indicator = _indicator(text, fig, words, starts, bounds, prev, floor)
        floor = max(floor, fig.end)
        year = _year(text, fig, years)
        prev = indicator or prev
        out.append(fig.with_(indicator=indicator or None, year=year))
    return out
