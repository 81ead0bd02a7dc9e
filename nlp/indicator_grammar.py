"""The grammar an indicator is read with: cue words (rules/indicator_cues.yml) and one
sentence's words, POS chunks and clause boundaries.

POS-pattern chunking. underthesea 9 ships a chunker (`underthesea.chunk`), but it re-runs
POS tagging and then a CRF with Python feature extraction, about twice the cost of the
segmentation + tagging it would follow, and on these sentences it tags nearly every word
`B-` (a chunk of one word). Indicators therefore read chunks from the POS tags the
document already has (`Analysis.words`, segmented once per candidate sentence):

- a nominal word: a noun (N, Nc, Nu, Ny, Nb, Np), an adjective or numeral inside a noun
  phrase, a determiner (`các`, `những`);
- a clause boundary: punctuation (`;`, `:`, brackets, quotes, a comma that is not a decimal
  mark, a dash between spaces, a period that is not a decimal point) and the boundary words
  of the rules (`và`, `nhưng`, `so với` ...). A comma or `và` between two nominal words
  joins a coordination (`khu vực nông, lâm nghiệp và thủy sản`, `DN nhỏ và vừa`): the
  clause reaches over it when the part before is a short nominal run, not an adjunct.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from .lang.numbers import expression_re
from .rules import WORD_END, WORD_START, RuleError, alternation, load
from .rules.lexicon import lexicon
from .segment import CLAUSE_BREAK, NOUN_TAGS, Word

# A noun phrase also ends at a table cell and at a period that is not a decimal point
# (`TP. Hồ Chí Minh` is cut there: an indicator names a measure, not a place).
PUNCT_BOUNDARY = re.compile(CLAUSE_BREAK + r"|\||\.(?!\d)")
NOMINAL_TAGS = NOUN_TAGS | {"A", "M", "L"}
# brackets around a short aside with no number are no boundary: an abbreviation or a gloss
# inside a noun phrase (`thu ngân sách Nhà nước (NSNN) ước đạt`, `quý I (sau điều chỉnh) tăng`)
_IN_RANGE = re.compile(r"\d\s[-–—]\s\d")  # `giai đoạn 2016 - 2020`, `5,5 - 5,7%`: a range, no clause break
# `mức độ 3, 4`, `quý 3, 4`: a comma between two small numbers lists them inside one noun phrase
_SMALL_BEFORE = re.compile(r"(?<![\d.,])\d{1,2}$")
_SMALL_AFTER = re.compile(r" \d{1,2}(?![\d.,%])")
# `tiếp theo là Nhật Bản`: a copula after a verb opens a new predicate, no coordination
_COPULA_NEXT = re.compile(r"\s+(?:là|bằng|chiếm)(?![^\W_])", re.IGNORECASE)
_ASIDE = re.compile(r"\((?:[^()\d\n;:,]\s*){1,40}\)")
VERB_TAGS = frozenset({"V", "Vb", "Vy"})
TIME_NOUNS = frozenset({"năm", "tháng", "quý", "ngày", "giai đoạn", "thời kỳ", "tuần", "kỳ"})
COORDINATION_REACH = 6  # words: a coordinated item before a comma or `và` is short (`khu vực nông`)


@dataclass(frozen=True)
class Cues:
    places: frozenset[str]
    bare_totals: frozenset[str]
    level_head: re.Pattern[str]
    measure: re.Pattern[str]
    link_tail: re.Pattern[str]
    link_head: re.Pattern[str]
    boundary: re.Pattern[str]
    scope_tail: re.Pattern[str]
    determiner_head: re.Pattern[str]
    reference_head: re.Pattern[str]
    growth_tail: re.Pattern[str]
    rate_head: re.Pattern[str]
    bare_rate: re.Pattern[str]
    comparison_tail: re.Pattern[str]
    adjunct_head: re.Pattern[str]
    edge_tail: re.Pattern[str]
    opener_head: re.Pattern[str]
    intent: re.Pattern[str]
    possessive: re.Pattern[str]
    np_stop: re.Pattern[str]
    agent_head: re.Pattern[str]
    compound_tail: re.Pattern[str]
    time_tail: re.Pattern[str]
    time_head: re.Pattern[str]
    measure_prefix: re.Pattern[str]
    modifier_only: re.Pattern[str]
    plan_base: re.Pattern[str]
    plan_tail: re.Pattern[str]
    to_value: re.Pattern[str]
    multiple_before: re.Pattern[str]
    sectors: frozenset[str]
    coordinated_units: frozenset[str]
    aspect_rx: re.Pattern[str]
    ratio_units: frozenset[str]
    share_verbs: frozenset[str]
    existential: frozenset[str]
    link_verbs: frozenset[str]
    aspect: frozenset[str]
    years: tuple[tuple[str, int, re.Pattern[str]], ...]


KINDS = ("measure", "link", "boundary", "scope", "determiner", "reference", "growth", "rate",
         "comparison_base", "adjunct", "edge", "ratio_unit", "share", "existential", "aspect", "opener",
         "intent", "possessive", "np_stop", "agent", "compound", "time_tail", "time_head", "measure_prefix",
         "modifier", "plan_base", "to_value", "multiple", "sector", "coordinated_unit", "place", "bare_total", "level",
         "year")
PATTERN_KINDS = ("year", "time_tail", "time_head")


@lru_cache(maxsize=1)
def cues() -> Cues:
    """Indicator and year cues, compiled once per process."""
    words: dict[str, list[str]] = {}
    patterns: dict[str, list[str]] = {}
    years = []
    for r in load("indicator_cues", required=("kind",), kinds=KINDS):
        kind = r["kind"]
        key = "pattern" if kind in PATTERN_KINDS else "words"
        if key not in r:
            raise RuleError(f"indicator_cues.yml rule {r['id']!r}: kind {kind!r} needs {key!r}")
        if kind == "year":
            years.append((r["id"], int(r.get("weight", 1)), re.compile(r["pattern"], re.IGNORECASE)))
        elif kind in PATTERN_KINDS:
            try:
                re.compile(r["pattern"])
            except re.error as exc:
                raise RuleError(f"indicator_cues.yml rule {r['id']!r}: bad pattern: {exc}") from exc
            patterns.setdefault(kind, []).append(r["pattern"])
        else:
            words.setdefault(kind, []).extend(r["words"])

    def alt(kind: str) -> str:
        return alternation(words.get(kind, ()))

    def low(kind: str) -> frozenset[str]:
        return frozenset(" ".join(w.lower().split()) for w in words.get(kind, ()))

    def pat(kind: str) -> str:
        return "(?:" + "|".join(patterns.get(kind, ())) + ")" if patterns.get(kind) else "(?!)"

    i = re.IGNORECASE
    return Cues(
        time_tail=re.compile(rf"(?:^|\s){pat('time_tail')}\s*$", i),
        time_head=re.compile(rf"^{pat('time_head')}\s+(?=\S)", i),
        measure_prefix=re.compile(rf"{WORD_START}{alt('measure_prefix')}\s+$", i),
        modifier_only=re.compile(alt("modifier"), i),
        plan_base=re.compile(rf"\s*({alt('plan_base')}){WORD_END}", i),
        plan_tail=re.compile(rf"\s+{alt('plan_base')}$", i),
        to_value=re.compile(rf"{WORD_START}{alt('to_value')}{WORD_END}", i),
        multiple_before=re.compile(rf"{WORD_START}{alt('multiple')}(?:\s+(?:khoảng|gần|hơn|trên|tới|đến))*\s*$", i),
        sectors=low("sector"),
        places=low("place"),
        bare_totals=low("bare_total"),
        level_head=re.compile(rf"^{alt('level')}{WORD_END}", i),
        coordinated_units=low("coordinated_unit"),
        measure=re.compile(rf"{WORD_START}{alt('measure')}{WORD_END}", i),
        link_tail=re.compile(rf"(?:^|\s){alt('link')}\s*$", i),
        link_head=re.compile(rf"^{alt('link')}{WORD_END}\s*", i),
        boundary=re.compile(rf"{WORD_START}{alt('boundary')}{WORD_END}", i),
        scope_tail=re.compile(rf"(?:^|\s){alt('scope')}\s*$", i),
        determiner_head=re.compile(rf"^{alt('determiner')}{WORD_END}\s*", i),
        reference_head=re.compile(rf"\s*{alt('reference')}{WORD_END}", i),  # used with .match(text, pos)
        growth_tail=re.compile(rf"(?:^|\s)(?P<g>{alt('growth')})\s*$", i),
        rate_head=re.compile(rf"^{alt('rate')}{WORD_END}", i),
        bare_rate=re.compile(rf"^{alt('rate')}$", i),
        comparison_tail=re.compile(rf"{WORD_START}{alt('comparison_base')}(?:\s+\S+){{0,3}}\s*$", i),
        np_stop=re.compile(rf"{WORD_START}{alt('np_stop')}{WORD_END}", i),
        agent_head=re.compile(rf"^{alt('agent')}{WORD_END}"),
        compound_tail=re.compile(rf"(?:^|\s){alt('compound')}\s*$", i),
        aspect_rx=re.compile(rf"{WORD_START}{alt('aspect')}{WORD_END}", i),
        adjunct_head=re.compile(rf"^{alt('adjunct')}{WORD_END}", i),
        edge_tail=re.compile(rf"(?:^|\s){alt('edge')}\s*$", i),
        opener_head=re.compile(rf"^{alt('opener')}{WORD_END}[\s,]*", i),
        intent=re.compile(rf"{WORD_START}{alt('intent')}{WORD_END}", i),
        possessive=re.compile(rf"{WORD_START}{alt('possessive')}{WORD_END}(?!\s+(?:thể|khả\s+năng)(?![^\W_]))", i),
        ratio_units=low("ratio_unit"),
        share_verbs=low("share"),
        existential=low("existential"),
        link_verbs=low("link"),
        aspect=low("aspect"),
        years=tuple(sorted(years, key=lambda y: -y[1])),
    )


@lru_cache(maxsize=1)
def measuring_units() -> frozenset[str]:
    """Units that measure (money, %, km ...) rather than count a noun: the subject, or the
    noun after the unit (`13 nghìn tấn gạo`), names the indicator."""
    return lexicon().measuring_units


def number_end(text: str, start: int) -> int:
    """End of the numeric part (number, range/ratio, multipliers) starting at `start`."""
    m = expression_re().match(text, start)
    return m.end() if m else start


def _in_number_list(text: str, pos: int) -> bool:
    """Whether the comma at `pos` separates two small numbers (`mức độ 3, 4`)."""
    return text[pos] == "," and bool(_SMALL_BEFORE.search(text, max(0, pos - 3), pos)) \
        and bool(_SMALL_AFTER.match(text, pos + 1))


class Sentence:
    """One sentence's words (with POS) and clause boundaries, shared by its figures."""

    def __init__(self, text: str, span: tuple[int, int], words: list[Word], claimed: list[tuple[int, int]]):
        self.text = text
        self.start, self.end = span
        self.words = sorted(words, key=lambda w: w.start)
        self.starts = [w.start for w in self.words]
        self.claimed = [(s, e) for s, e in claimed if s < self.end and self.start < e]
        self.bounds = self._boundaries()
        self.figure_starts: list[int] = []  # the starts of the sentence's figures, set by the caller
        self.period_starts: list[int] = []  # the starts of its time expressions (nlp.context), likewise

    def next_period(self, pos: int) -> int | None:
        """Start of the first time expression of the sentence starting after `pos`."""
        i = bisect.bisect_right(self.period_starts, pos)
        return self.period_starts[i] if i < len(self.period_starts) else None

    def next_figure(self, pos: int) -> int | None:
        """Start of the first figure of the sentence starting after `pos`."""
        i = bisect.bisect_right(self.figure_starts, pos)
        return self.figure_starts[i] if i < len(self.figure_starts) else None

    # --- words -----------------------------------------------------------------------
    def word_at(self, pos: int) -> Word | None:
        """The word starting at `pos` (after spaces), if one does."""
        while pos < self.end and self.text[pos] in " \t\n":
            pos += 1
        i = bisect.bisect_left(self.starts, pos)
        return self.words[i] if i < len(self.words) and self.words[i].start == pos else None

    def word_covering(self, pos: int) -> Word | None:
        """The word that starts before `pos` and runs past it (`đồng tiền` read as one word
        across a unit and the noun after it), if any."""
        i = bisect.bisect_right(self.starts, pos) - 1
        w = self.words[i] if i >= 0 else None
        return w if w is not None and w.start < pos < w.end else None

    def index_at(self, pos: int) -> int:
        """Index of the first word starting at or after `pos`."""
        return bisect.bisect_left(self.starts, pos)

    def words_between(self, a: int, b: int) -> list[Word]:
        return self.words[bisect.bisect_left(self.starts, a):bisect.bisect_left(self.starts, b)]

    def word_before(self, pos: int) -> Word | None:
        i = bisect.bisect_left(self.starts, pos) - 1
        return self.words[i] if i >= 0 else None

    def legal_at(self, a: int, b: int) -> int | None:
        """Start of the first legal reference (a claimed span) inside [a, b), if any."""
        hits = [s for s, e in self.claimed if a <= s < b]
        return min(hits) if hits else None

    # --- boundaries --------------------------------------------------------------------
    def _boundaries(self) -> list[tuple[int, int]]:
        s, e, text = self.start, self.end, self.text
        c = cues()
        asides = [m.span() for m in _ASIDE.finditer(text, s, e)]
        spans = [m.span() for m in PUNCT_BOUNDARY.finditer(text, s, e)
                 if not any(a <= m.start() < b for a, b in asides) and not _IN_RANGE.match(text, max(s, m.start() - 1))
                 and not _in_number_list(text, m.start())]
        # `đối với` is a preposition, not the `với` that joins a clause; a boundary word inside
        # a longer word of the segmentation is part of that word (`song` of `song phương`),
        # no boundary
        spans += [m.span() for m in c.boundary.finditer(text, s, e)
                  if not (m.group().lower() == "với" and text[max(s, m.start() - 4):m.start()].lower().endswith("đối "))
                  and self.word_covering(m.start()) is None and self.word_covering(m.end()) is None]
        # `50.350 doanh nghiệp/mục tiêu 48.000`: a slash before a base word splits two figures
        spans += [(m.start(), m.start() + 1) for m in re.finditer(r"/", text[s:e])
                  if c.reference_head.match(text, s + m.start() + 1)]
        return sorted(spans)

    def left_start(self, pos: int, floor: int = 0, bounds: list[tuple[int, int]] | None = None) -> int:
        """Start of the clause holding `pos`: after the last boundary before it."""
        bounds = self.bounds if bounds is None else bounds
        ends = [b[1] for b in bounds if b[1] <= pos]
        return max([self.start, floor, *ends])

    def right_end(self, pos: int, bounds: list[tuple[int, int]] | None = None) -> int:
        bounds = self.bounds if bounds is None else bounds
        starts = [b[0] for b in bounds if b[0] >= pos]
        return min(starts) if starts else self.end

    def boundary_ending_at(self, pos: int) -> tuple[int, int] | None:
        return next((b for b in self.bounds if b[1] == pos), None)

    def coordinated_start(self, left: int, floor: int) -> int:
        """Reach left over commas and `và` that join a coordination of nominal words
        (`khu vực nông, lâm nghiệp và thủy sản`): while the boundary ending at `left` is
        one of those and the short run before it is nominal and no adjunct."""
        text = self.text
        for _ in range(6):
            b = self.boundary_ending_at(left)
            if b is None or b[0] < floor:
                return left
            joint = text[b[0]:b[1]].strip().lower()
            if joint in ("-", "–", "—"):
                joint = "và"  # `khu vực công nghiệp – xây dựng`: a dash between nouns joins them as `và` does
            if joint not in (",", "và"):
                return left
            before_w, after_w = self.word_before(b[0]), self.word_at(b[1])
            if joint == "và" and before_w is not None and after_w is not None and before_w.pos == after_w.pos == "A":
                left = self.left_start(b[0], floor)  # `DN nhỏ và vừa`: two adjectives of one noun
                continue
            joinable = NOUN_TAGS if joint == "," else NOUN_TAGS | {"A"}  # `DN nhỏ và vừa`
            after = self.word_at(b[1])
            prev_left = self.left_start(b[0], floor)
            run = self.words_between(prev_left, b[0])
            if after is not None and run and after.pos in VERB_TAGS and run[-1].pos in VERB_TAGS \
                    and after.text.lower() not in cues().link_verbs and not _COPULA_NEXT.match(text, after.end):
                # `Tổng số chi phí tiết kiệm được từ việc cắt giảm, đơn giản hóa TTHC`, `hạ tầng
                # ... được đầu tư, nâng cấp`: coordinated verbs of one phrase (`tiếp theo là X`
                # opens a new predicate)
                left = prev_left
                continue
            headed = bool(run) and (bool(cues().measure.match(text, run[0].start)) or run[0].text.lower() in cues().sectors)
            if joint == "và" and headed:
                joinable = joinable | VERB_TAGS  # `khu vực công nghiệp và xây dựng`: sectors named by verbs
            if after is None or after.pos not in joinable:
                return left
            if not run or len(run) > COORDINATION_REACH or run[-1].pos not in joinable:
                return left
            if any((w.pos in VERB_TAGS and not (joint == "và" and headed)) or w.pos in ("M", "E")
                   or w.text.lower() in TIME_NOUNS for w in run):
                return left  # (a measure or a sector named with a verb: `tổng mức bán lẻ hàng hóa và dịch vụ`)
            if cues().adjunct_head.match(text[run[0].start:b[0]]) or prev_left <= floor < b[0] and floor > self.start:
                return left  # an adjunct (`Về ...`, `Đầu năm`), or the noun of the figure before
            left = prev_left
        return left
