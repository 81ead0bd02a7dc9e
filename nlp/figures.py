"""Figure candidates on characters -> Figure records (value, total, unit, comparator).

The scan is a regex over characters (nlp.numbers.expression_re); every rule it uses is
data in rules/units.yml, rules/comparators.yml and rules/figure_exclusions.yml. The one
heavy step, word segmentation + POS (nlp.segment.analyze), runs only for a sentence in
which a candidate has survived the character rules and its counted noun is not in the
unit lexicon: the counted noun is then the noun word right after the number, extended
by one noun after a classifier (`05 nhóm nhiệm vụ`, `30 bộ dữ liệu`). Vietnamese
counts put the number before the noun, so a number that follows a noun and carries no
unit of measure is a name or an ordinal (`giai đoạn 1`, `Điều 5`): see name_before.

Roles, indicators and years are filled later (roles.py, indicators.py).
"""
from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from .numbers import Quantity, expression_re, glued_units, parse_number, quantities
from .records import Figure
from .rules import WORD_END, WORD_START, load
from .rules import alternation as _alternation
from .segment import Word, analyze, sentence_of, split_sentences

log = logging.getLogger(__name__)

# POS tags (VLSP) of words that can be counted: common, classifier, unit, abbreviation nouns.
_NOUN_TAGS = {"N", "Nc", "Nu", "Ny", "Nb"}
_PREFIX_WINDOW = 60  # characters before a number inspected for cues; a cue is a few words away


@dataclass(frozen=True)
class _UnitRule:
    id: str
    kind: str
    regex: re.Pattern[str]  # matched at the position right after the number
    unit: str | None  # fixed unit, or None: the matched words lowercased


@dataclass(frozen=True)
class _Rules:
    closed: tuple[tuple[str, re.Pattern[str]], ...]
    time_after: re.Pattern[str]
    name_before: re.Pattern[str]
    name_compound: re.Pattern[str]
    address_before: re.Pattern[str]
    bare_cue: re.Pattern[str]
    not_noun_after: re.Pattern[str]
    per_capita: re.Pattern[str]
    year_min: int
    year_max: int
    units: tuple[_UnitRule, ...]
    classifiers: frozenset[str]
    cmp_before: tuple[tuple[str, str, re.Pattern[str]], ...]
    cmp_after: tuple[tuple[str, str, re.Pattern[str]], ...]


_WORD_END, _WORD_START = WORD_END, WORD_START


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """All figure rules, compiled once per process."""
    excl = load("figure_exclusions", required=("kind",))
    closed, time_after, name_before, name_compound, bare_cue, address_before = [], [], [], [], [], []
    not_noun: list[str] = []
    per_capita = r"(?!)"
    year_min, year_max = 1945, 2100
    for r in excl:
        k = r["kind"]
        if k == "pattern":
            glued = "|".join(re.escape(w) for w in sorted(glued_units(), key=len, reverse=True)) or "(?!)"
            closed.append((r["id"], re.compile(r["pattern"].replace("{GLUED}", glued), re.IGNORECASE)))
        elif k == "time_after":
            time_after += r["words"]
        elif k == "name_before":
            name_before += r["words"]
        elif k == "name_compound":
            name_compound += r["words"]
        elif k == "address_before":
            address_before += r["words"]
        elif k == "bare_cue":
            bare_cue += r["words"]
        elif k == "not_noun_after":
            not_noun += r["words"]
        elif k == "per_capita":
            per_capita = r["pattern"]
        elif k == "bare_year":
            year_min, year_max = int(r["min"]), int(r["max"])

    # Document type words (legal.py's data): a number before one counts documents
    # (`04 Nghị quyết`), a number after one is the document's number (`Nghị quyết 36`).
    doc_words = [w for d in load("doc_types") if d.get("kind") == "type" for w in d.get("words", [])]
    # only the capitalised type word names a document (`Quy định 4`); `quy định 4 chỉ tiêu`
    # is the verb "stipulates"
    doc_names = [w[:1].upper() + w[1:] for w in doc_words]

    units: list[_UnitRule] = [
        _UnitRule("doc-type-count", "counted", re.compile(r"\s+" + _alternation(doc_words) + _WORD_END, re.IGNORECASE), None)
    ] if doc_words else []
    classifiers: set[str] = set()
    for r in load("units", required=("kind", "words")):
        k = r["kind"]
        if k == "multiplier":
            continue
        if k == "classifier":
            classifiers.update(w.lower() for w in r["words"])
            continue
        if k == "percent":  # `%` may touch the number; `phần trăm` is a word
            rx = r"\s?%|\s+phần\s+trăm" + _WORD_END
        elif r.get("glued"):
            rx = r"\s*" + _alternation(r["words"]) + _WORD_END
        else:
            rx = r"\s+" + _alternation(r["words"]) + _WORD_END
        units.append(_UnitRule(r["id"], k, re.compile(rx, re.IGNORECASE), r.get("unit")))
    # Order: percent before anything, then longer lexicon entries before shorter.
    order = {"percent": 0, "point": 1, "counted": 2, "currency": 3, "measure": 4}
    units.sort(key=lambda u: order.get(u.kind, 9))

    cmp_before, cmp_after, fillers = [], [], []
    for r in load("comparators", required=("kind", "words")):
        if r["kind"] == "filler":
            fillers += r["words"]
    filler_rx = _alternation(fillers) if fillers else "(?!)"
    for r in load("comparators", required=("kind", "words")):
        if r["kind"] == "before":
            rx = rf"{_WORD_START}{_alternation(r['words'])}(?:\s+{filler_rx}){{0,3}}\s*$"
            cmp_before.append((r["id"], r["comparator"], re.compile(rx, re.IGNORECASE)))
        elif r["kind"] == "after":
            # at most two words (the base noun) between the figure and the cue
            rx = rf"^(?:\s+[^\W\d_]+){{0,2}}?\s*{_alternation(r['words'])}{_WORD_END}"
            cmp_after.append((r["id"], r["comparator"], re.compile(rx, re.IGNORECASE)))

    return _Rules(
        closed=tuple(closed),
        time_after=re.compile(r"\s+" + _alternation(time_after) + _WORD_END, re.IGNORECASE),
        name_before=re.compile(
            rf"{_WORD_START}(?:(?i:{_alternation(name_before)})|{_alternation(doc_names or ['(?!)'])})\s*:?\s*$"
        ),
        address_before=re.compile(rf"(?:{_WORD_START}|(?<=,)){_alternation(address_before or ['(?!)'])}\s*$", re.IGNORECASE),
        name_compound=re.compile(rf"{_WORD_START}{_alternation(name_compound) if name_compound else '(?!)'}\s*:?\s*$", re.IGNORECASE),
        bare_cue=re.compile(rf"{_WORD_START}{_alternation(bare_cue)}\s*:?\s*$", re.IGNORECASE),
        not_noun_after=re.compile(r"[ \t]+" + _alternation(not_noun or ["(?!)"]) + _WORD_END, re.IGNORECASE),
        per_capita=re.compile(per_capita, re.IGNORECASE),
        year_min=year_min,
        year_max=year_max,
        units=tuple(units),
        classifiers=frozenset(classifiers),
        cmp_before=tuple(cmp_before),
        cmp_after=tuple(cmp_after),
    )


class _Closed:
    """Sorted closed spans with an overlap test (bisect; spans may nest)."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self.spans = sorted((s, e) for s, e in spans if e > s)
        self.starts = [s for s, _ in self.spans]
        # max end over the prefix, so that one bisect answers "does anything before overlap?"
        self.max_end: list[int] = []
        m = -1
        for _, e in self.spans:
            m = max(m, e)
            self.max_end.append(m)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end) - 1
        return i >= 0 and self.max_end[i] > start


def closed_spans(text: str, exclude: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Spans closed to figures: `exclude` plus every match of the pattern exclusions."""
    spans = [(int(s), int(e)) for s, e in exclude]
    for _, rx in rules().closed:
        spans.extend(m.span() for m in rx.finditer(text))
    return spans


class _Sentences:
    """Sentence lookup and lazily analysed words (analyze() only when a candidate needs it)."""

    def __init__(self, text: str, sentences: list[tuple[int, int]] | None):
        self.text = text
        self._given = sentences
        self._sentences: list[tuple[int, int]] | None = None
        self._words: dict[tuple[int, int], list[Word]] = {}

    def of(self, start: int, end: int) -> tuple[int, int]:
        if self._sentences is None:  # split only once a candidate needs its sentence
            sentences = self._given
            if sentences is None:
                try:
                    sentences = split_sentences(self.text)
                except Exception:  # noqa: BLE001 - sentence splitting must not stop figure finding
                    log.exception("solieu: sentence split failed")
                    sentences = []
            self._sentences = sorted(sentences) or [(0, len(self.text))]
            self._starts = [a for a, _ in self._sentences]
        # bisect on precomputed starts: segment.sentence_of rebuilds them on every call
        i = bisect.bisect_right(self._starts, start) - 1
        if i >= 0 and start < self._sentences[i][1]:
            return self._sentences[i]
        return sentence_of(self._sentences, start, end)

    def words(self, sent: tuple[int, int]) -> list[Word]:
        if sent not in self._words:
            try:
                self._words[sent] = analyze(self.text, sent[0], sent[1])
            except Exception:  # noqa: BLE001
                self._words[sent] = []
        return self._words[sent]


def _noun_after(words: list[Word], pos: int, text: str) -> tuple[int, str] | None:
    """(end, unit) of the counted noun starting at `pos` (after spaces), from POS tags."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    starts = [w.start for w in words]
    i = bisect.bisect_left(starts, pos)
    if i < len(words) and words[i].start == pos:
        w = words[i]
    elif i > 0 and words[i - 1].start < pos < words[i - 1].end and words[i - 1].pos in _NOUN_TAGS:
        # the segmenter glued number and noun into one word (`37/45 xã`): keep the noun part
        i -= 1
        g = words[i]
        w = Word(pos, g.end, text[pos:g.end], g.pos)
    else:
        return None
    lexical = w.text.lower() in rules().classifiers
    abbreviation = w.pos == "Np" and w.text.isupper() and len(w.text) <= 6  # `202 TTHC`, `500 DN`
    if not w.text[:1].isalpha() or (w.pos not in _NOUN_TAGS and not lexical and not abbreviation):
        return None
    end, unit = w.end, w.text
    slash = re.match(r"/[A-Z]{1,3}(?![^\W_])", text[end:end + 5])
    if w.text.isupper() and slash:  # an abbreviation cut at its slash by the segmenter: `C/O`
        end, unit = end + slash.end(), w.text + slash.group()
    # A classifier or collective noun takes the noun it classifies (`nhóm nhiệm vụ`).
    if (w.text.lower() in rules().classifiers or w.pos == "Nc") and i + 1 < len(words):
        nxt = words[i + 1]
        if nxt.pos in _NOUN_TAGS and nxt.text[:1].islower() and text[end:nxt.start].strip() == "":
            end, unit = nxt.end, text[w.start:nxt.end]
    return end, " ".join(unit.lower().split())


def _comparator(prefix: str, suffix: str) -> tuple[str, str | None]:
    """(comparator, rule id) from the cue words before or right after the figure."""
    r = rules()
    best: tuple[int, str, str] | None = None
    for rid, cmp, rx in r.cmp_before:
        m = rx.search(prefix)
        if m and (best is None or m.start() > best[0]):  # the cue nearest the number wins
            best = (m.start(), cmp, rid)
    if best:
        return best[1], best[2]
    for rid, cmp, rx in r.cmp_after:
        if rx.search(suffix):
            return cmp, rid
    return "=", None


def _is_name(prefix: str, r: _Rules) -> bool:
    """A number after a name word (`Điều 5`), or continuing a list of them (`Điều 15, 16`)."""
    nb = r.name_before.search(prefix)
    if nb is None:
        lst = re.search(r"(\d+)\s*(?:,|và|hoặc|-|–)\s*$", prefix)
        if lst:  # `mức độ 3, 4`: the previous number of the list is a name
            return bool(r.name_before.search(prefix[:lst.start()]))
        return False
    if r.name_compound.search(prefix):
        return False  # `danh mục 25 thủ tục`: the name word is the end of a common noun
    bc = r.bare_cue.search(prefix)
    return not (bc and bc.start() < nb.start())


def _is_proper_name(text: str, unit_start: int, unit_end: int) -> bool:
    """A capitalised `unit` followed by another capitalised syllable is a proper name."""
    head = text[unit_start:unit_end].strip()
    nxt = re.match(r"[ \t]+([^\W\d_])", text[unit_end:unit_end + 3])
    return bool(head[:1].isupper() and nxt and nxt.group(1).isupper())


def _is_plain_year(numeral: str, value: float) -> bool:
    r = rules()
    return numeral.isdigit() and len(numeral) == 4 and r.year_min <= value <= r.year_max


def find_figures(
    text: str,
    sentences: list[tuple[int, int]] | None = None,
    exclude: Iterable[tuple[int, int]] = (),
) -> list[Figure]:
    """Figures of `text` in text order; never raises (an internal error gives [] and a log line)."""
    if not isinstance(text, str) or not text:
        return []
    try:
        return _find(text, sentences, exclude)
    except Exception:  # noqa: BLE001 - extractors are pure and never raise
        log.exception("solieu: find_figures failed")
        return []


def _find(text: str, sentences, exclude) -> list[Figure]:
    r = rules()
    closed = _Closed(closed_spans(text, exclude))
    sents = _Sentences(text, sentences)
    out: list[Figure] = []
    for m in expression_re().finditer(text):
        if closed.overlaps(m.start(), m.end()):
            continue
        fig = _figure(text, m, sents, closed, r)
        out.extend(fig)
    return _spelled_ranges(text, out)


_FROM = re.compile(r"(?:^|\s)từ(?:\s+mức)?\s*$", re.IGNORECASE)
_TO = re.compile(r"\s*(?:đến|tới)\s*$", re.IGNORECASE)


def _spelled_ranges(text: str, figs: list[Figure]) -> list[Figure]:
    """`từ 96% đến 100%`, `từ 5 triệu đồng đến 10 triệu đồng`: a range written in words.

    Lower bound `>=`, upper `<=`, when both bounds have the same unit and nothing but
    `đến`/`tới` stands between them (`từ 72% ... lên 83%` is a change, not a range).
    """
    out = list(figs)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if (a.unit == b.unit and a.comparator == "=" and b.comparator == "=" and a.value < b.value
                and _FROM.search(text[max(0, a.start - 12):a.start])
                and _TO.fullmatch(text[a.end:b.start])):
            out[i] = a.with_(comparator=">=", source=a.source + ":range")
            out[i + 1] = b.with_(comparator="<=", source=b.source + ":range")
    return out


def _figure(text: str, m: re.Match[str], sents: _Sentences, closed: _Closed, r: _Rules) -> list[Figure]:
    start = m.start()
    sent = sents.of(start, m.end())
    numeral = m.group("a")
    end = m.end()
    qs: list[Quantity] = quantities(m)
    if not qs:
        return []
    is_ratio = m.group("d") is not None
    # `85/100 dân` is a per-capita rate: the figure is 85, `/100 dân` is not a total.
    if is_ratio and r.per_capita.match(text, m.end("a")):
        end = m.end("a")
        qs = [Quantity(start, end, parse_number(numeral) or 0.0, None)]
        is_ratio = False
    factor = qs[0].multiplier

    # --- unit --------------------------------------------------------------------
    unit: str | None = None
    unit_rule = "bare"
    unit_kind = None
    if m.group("pa"):
        unit, unit_rule, unit_kind = "%", "unit-percent", "percent"
    for u in r.units:
        if unit is not None:
            break
        um = u.regex.match(text, end)
        if um:
            unit = u.unit or " ".join(um.group().lower().split())
            unit_rule, unit_kind, end = u.id, u.kind, um.end()
    if unit is None and r.time_after.match(text, end):
        return []  # a duration, a period or a date part: `4 năm`, `6 tháng đầu năm`

    # --- names and ordinals, decided before the costly POS step --------------------------
    prefix = text[max(sent[0], start - _PREFIX_WINDOW, 0):start]
    strong_unit = unit_kind in ("percent", "point", "currency") or factor != 1.0
    if not strong_unit and _is_name(prefix, r):
        return []  # `Điều 5`, `giai đoạn 1`, `lần thứ 9`, `năm 2024`, `Đề án 06`, `Điều 15, 16`

    if (unit is None and re.match(r"[ \t]*[^\W\d_]", text[end:end + 4])
            and not r.not_noun_after.match(text, end) and not _is_plain_year(numeral, qs[0].value)):
        # only here, with a word after the number that may begin a noun (not a function
        # word, not after a bare year), the sentence is segmented and tagged
        noun = _noun_after(sents.words(sent), end, text)
        if noun:
            end, unit = noun
            unit_rule, unit_kind = "pos-noun", "counted"
    if unit is not None and closed.overlaps(m.end(), end):
        return []  # the "unit" is a closed span (`04 Nghị quyết 02-NQ/TU`?): no figure
    if (unit_kind == "counted" and unit_rule != "doc-type-count" and _is_proper_name(text, m.end(), end)
            and (r.address_before.search(prefix) or text[m.end():end].strip().isupper())):
        # `tại 270 Trường Chinh`, `, 209 Xã Đàn`: a house number before a street name;
        # `Nhi đồng 1 TP Hồ Chí Minh`: a name's number before an abbreviated place
        return []

    # --- what is not a figure --------------------------------------------------------
    if unit is None:
        if _is_plain_year(numeral, qs[0].value):
            return []  # `cuối 2019`, `2020 sang 2021`
        if not r.bare_cue.search(prefix):
            return []  # a number with no unit and no quantity verb: a name or a code
        unit_rule = "bare-number-cues"
    if is_ratio and not m.group("tot"):
        a, d = parse_number(numeral), parse_number(m.group("d"))
        if a is None or d is None or a > d:
            return []  # `24/7`, `12/7`: a ratio never exceeds its whole; a date does
        if d <= 12 and unit_kind != "counted":
            return []  # `3/7` without a counted noun is a date
    if m.group("b") is not None and unit is None and factor == 1.0:
        return []  # a bare `1-3` is a list, a date or a score, not a quantity

    comparator, cmp_rule = _comparator(prefix, text[end:min(end + 40, sent[1])])
    confidence = {"percent": 0.95, "point": 0.95, "currency": 0.95, "measure": 0.9}.get(
        unit_kind or "", 0.85 if unit_kind == "counted" else 0.6
    )
    source = f"figures:{unit_rule}" + (f"+{cmp_rule}" if cmp_rule else "")
    figs = []
    for q in qs:
        figs.append(
            Figure(
                start=start,
                end=end,
                text=text[start:end],
                sentence=sent,
                confidence=confidence,
                source=source + (":range" if q.comparator != "=" else ""),
                value=q.value,
                total=q.total,
                unit=unit,
                comparator=q.comparator if q.comparator != "=" else comparator,
                role="other",
            )
        )
    return figs
