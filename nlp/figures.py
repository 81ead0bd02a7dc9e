"""Figure candidates on characters -> Figure records (value, total, unit, comparator).

The scan is a regex over characters (nlp.lang.numbers.expression_re); every rule it uses
is data in rules/units.yml (through the shared lexicon), rules/comparators.yml and
rules/figure_exclusions.yml. The one heavy step, word segmentation + POS (the document's
`Analysis.words`, shared with the later stages), runs only for a sentence in
which a candidate has survived the character rules and its counted noun is not in the
unit lexicon: the counted noun is then the noun word right after the number, extended
by one noun after a classifier (`05 nhóm nhiệm vụ`, `30 bộ dữ liệu`). Vietnamese
counts put the number before the noun, so a number that follows a noun and carries no
unit of measure is a name or an ordinal (`giai đoạn 1`, `Điều 5`): see name_before.

Roles, indicators and years are filled later (roles.py, indicators.py).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Iterable

from .analysis import Analysis
from .lang.numbers import (Quantity, expression_re, multiplier_of, multiplier_pattern, parse_decimal, parse_number,
                           quantities, scale)
from .records import Figure
from .rules import NEVER, WORD_END, WORD_START, alternation, load
from .rules.lexicon import lexicon
from .segment import COUNTED_NOUN_TAGS, Word, analyze

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
    compound_heads: frozenset[str]
    cmp_before: tuple[tuple[str, str, re.Pattern[str]], ...]
    cmp_after: tuple[tuple[str, str, re.Pattern[str]], ...]
    implied: tuple[tuple[float, str, str, str], ...] = ()  # (multiplier, rule id, unit, kind), largest first
    priced: tuple[tuple[float, str, str, str, re.Pattern[str]], ...] = ()  # the same, after a price word
    closed_anywhere: frozenset[str] = frozenset()  # pattern rules that may match with no digit
    measure_words: frozenset[str] = frozenset()  # lower-case words of the measure units (`m2`, `km2`)
    # units.yml kind slash_unit: (`/word` after a unit, the units it may follow or empty: any)
    slash_units: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = ()


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """All figure rules, compiled once per process."""
    excl = load("figure_exclusions", required=("kind",))
    lex = lexicon()
    closed, time_after, name_before, name_compound, bare_cue, address_before = [], [], [], [], [], []
    anywhere: set[str] = set()
    not_noun: list[str] = []
    per_capita = NEVER
    year_min, year_max = 1945, 2100
    glued = alternation(w for u in lex.units if u.glued for w in u.words)
    digit_units = alternation(w for u in lex.units for w in u.words if any(c.isdigit() for c in w))
    for r in excl:
        k = r["kind"]
        if k == "pattern":
            pattern = r["pattern"].replace("{GLUED}", glued).replace("{DIGIT_UNITS}", digit_units)
            closed.append((r["id"], re.compile(pattern, re.IGNORECASE)))
            if r.get("digitless"):
                anywhere.add(r["id"])
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

    # Document type words (legal references' data): a number before one counts documents
    # (`04 Nghị quyết`), a number after one is the document's number (`Nghị quyết 36`).
    doc_words = lex.doc_type_words
    # only the capitalised type word names a document (`Quy định 4`); `quy định 4 chỉ tiêu`
    # is the verb "stipulates"
    doc_names = [w[:1].upper() + w[1:] for w in doc_words]

    units: list[_UnitRule] = [
        _UnitRule("doc-type-count", "counted", re.compile(r"\s+" + alternation(doc_words) + WORD_END, re.IGNORECASE), None)
    ] if doc_words else []
    for u in lex.units:
        if u.kind == "slash_unit":
            continue  # not a unit of its own: it continues one (`_slash_unit`)
        if u.kind == "percent":  # `%` may touch the number; `phần trăm` is a word
            rx = r"\s?%|\s+phần\s+trăm" + WORD_END
        elif u.glued:
            rx = r"\s*" + alternation(u.words) + WORD_END
        else:
            rx = r"\s+" + alternation(u.words) + WORD_END
        units.append(_UnitRule(u.id, u.kind, re.compile(rx, re.IGNORECASE), u.unit))
    # Order: percent before anything, then longer lexicon entries before shorter.
    order = {"percent": 0, "point": 1, "counted": 2, "currency": 3, "measure": 4}
    units.sort(key=lambda u: order.get(u.kind, 9))

    cmp_before, cmp_after, fillers = [], [], []
    for r in load("comparators", required=("kind", "words")):
        if r["kind"] == "filler":
            fillers += r["words"]
    filler_rx = alternation(fillers)
    for r in load("comparators", required=("kind", "words")):
        if r["kind"] == "before":
            rx = rf"{WORD_START}(?P<cue>{alternation(r['words'])})(?:\s+{filler_rx}){{0,3}}\s*$"
            cmp_before.append((r["id"], r["comparator"], re.compile(rx, re.IGNORECASE)))
        elif r["kind"] == "after":
            # at most two words (the base noun) between the figure and the cue
            # (a rate's `/năm` may stand first: `tăng từ 20%/năm trở lên`)
            rx = rf"^(?:/[^\W_]+)?(?:\s+[^\W\d_]+){{0,2}}?\s*{alternation(r['words'])}{WORD_END}"
            cmp_after.append((r["id"], r["comparator"], re.compile(rx, re.IGNORECASE)))

    return _Rules(
        closed=tuple(closed),
        closed_anywhere=frozenset(anywhere),
        time_after=re.compile(r"\s+" + alternation(time_after) + WORD_END, re.IGNORECASE),
        name_before=re.compile(rf"{WORD_START}(?:(?i:{alternation(name_before)})|{alternation(doc_names)})\s*:?\s*$"),
        address_before=re.compile(rf"(?:{WORD_START}|(?<=,)){alternation(address_before)}\s*$", re.IGNORECASE),
        name_compound=re.compile(rf"{WORD_START}{alternation(name_compound)}\s*:?\s*$", re.IGNORECASE),
        bare_cue=re.compile(rf"{WORD_START}{alternation(bare_cue)}\s*:?\s*$", re.IGNORECASE),
        not_noun_after=re.compile(r"[ \t]+" + alternation(not_noun) + WORD_END, re.IGNORECASE),
        per_capita=re.compile(per_capita, re.IGNORECASE),
        year_min=year_min,
        year_max=year_max,
        units=tuple(units),
        classifiers=lex.classifiers,
        compound_heads=lex.compound_heads,
        cmp_before=tuple(cmp_before),
        cmp_after=tuple(cmp_after),
        implied=tuple(sorted(((u.implied_from, u.id, u.unit, u.kind) for u in lex.units if u.implied_from),
                             reverse=True)),
        measure_words=frozenset(w.lower() for u in lex.units if u.kind == "measure" for w in u.words),
        priced=tuple((u.priced_from, u.id, u.unit, u.kind,
                      re.compile(rf"{WORD_START}{alternation(u.priced_by)}(?:\s+[^\W\d_]+){{0,2}}\s*$", re.IGNORECASE))
                     for u in lex.units if u.priced_by and u.priced_from),
        slash_units=tuple((re.compile(r"[ \t]?/[ \t]?" + alternation(u.words) + WORD_END, re.IGNORECASE),
                           frozenset(u.after)) for u in lex.units if u.kind == "slash_unit"),
    )


def _slash_unit(text: str, end: int, unit: str, r: _Rules) -> tuple[int, str] | None:
    """(end, unit) of a measure or counted noun that a slash continues (units.yml slash_unit:
    `5,8 tấn/ha` -> tấn/ha, `63 tỉnh/thành phố`), else None."""
    if "/" in unit:
        return None  # already a compound unit (`km/h`, `đ/c`)
    for rx, after in r.slash_units:
        if after and unit not in after:
            continue
        m = rx.match(text, end)
        if m:
            return m.end(), f"{unit}/{' '.join(m.group().split('/', 1)[1].lower().split())}"
    return None


def slash_continued(unit: str | None) -> bool:
    """Whether `unit` is one that a slash continued (`tấn/ha`, `tỉnh/thành phố`): a rate or a
    pair whose measure the figure's subject names, as for `13,47 tiêu chí/xã`."""
    head, slash, tail = (unit or "").partition("/")
    return bool(slash) and _slash_unit("/" + tail, 0, head, rules()) is not None


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


# A pattern exclusion holds a digit (but those marked `digitless`), so it is looked for only
# in windows around the text's digits: this many characters before a digit run (back to the
# start of that word) and after it, the window ending at the next whitespace (so that a
# lookahead at the window's end sees what the whole text has there). Same matches as over
# the whole text (checked on 12,274 articles), in half the time.
_WINDOW_BEFORE = _WINDOW_AFTER = 60
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s")


def _digit_windows(text: str) -> list[tuple[int, int]]:
    n = len(text)
    out: list[tuple[int, int]] = []
    for m in _DIGITS.finditer(text):
        a, b = max(0, m.start() - _WINDOW_BEFORE), m.end() + _WINDOW_AFTER
        if a > 0:  # from the start of the word it falls in (a code glued to its digits)
            a = max(text.rfind(" ", 0, a), text.rfind("\n", 0, a), text.rfind("\t", 0, a)) + 1
        w = _SPACE.search(text, b) if b < n else None
        b = w.start() if w else n
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def closed_spans(text: str, exclude: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Spans closed to figures: `exclude` plus every match of the pattern exclusions."""
    spans = [(int(s), int(e)) for s, e in exclude]
    r = rules()
    windows = _digit_windows(text)
    for rid, rx in r.closed:
        if rid in r.closed_anywhere:
            spans.extend(m.span() for m in rx.finditer(text))
            continue
        for a, b in windows:  # disjoint: no match is found twice
            spans.extend(m.span() for m in rx.finditer(text, a, b))
    return spans


def _noun_after(doc: Analysis, sent: tuple[int, int], pos: int, text: str) -> tuple[int, str] | None:
    """(end, unit) of the counted noun starting at `pos` (after spaces), from POS tags.

    The head noun, then what Vietnamese grammar makes part of the counted noun: the noun a
    classifier classifies (`05 nhóm nhiệm vụ`, `Bà mẹ`) and the word a bound head takes (`19
    chủ đầu tư`: units.yml kind compound_head). Titles and terms the tagger splits are
    units.yml data, matched before this (`Bà mẹ Việt Nam anh hùng`, `hộ kinh doanh`)."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    words = doc.words(sent)
    starts = [w.start for w in words]
    i = bisect.bisect_left(starts, pos)
    if i < len(words) and words[i].start == pos:
        w = words[i]
    elif i > 0 and words[i - 1].start < pos < words[i - 1].end:
        g = words[i - 1]
        if g.pos in COUNTED_NOUN_TAGS:
            # the segmenter glued number and noun into one word (`37/45 xã`): keep the noun part
            i -= 1
            w = Word(pos, g.end, text[pos:g.end], g.pos)
        else:
            # glued and tagged as one numeral (`6.672 Bà`): tag the sentence from the syllable on
            flat = getattr(doc, "flat", text)
            words = doc.remember(("figures:retag", pos, sent[1]), lambda: analyze(flat, pos, max(pos, sent[1])))
            i = 0
            if not words or words[0].start != pos:
                return None
            w = words[0]
    else:
        return None
    lexical = w.text.lower() in rules().classifiers
    abbreviation = w.pos == "Np" and w.text.isupper() and len(w.text) <= 6  # `202 TTHC`, `500 DN`
    if not w.text[:1].isalpha() or (w.pos not in COUNTED_NOUN_TAGS and not lexical and not abbreviation):
        return None
    end, unit = w.end, w.text
    slash = re.match(r"/[A-Z]{1,3}(?![^\W_])", text[end:end + 5])
    if w.text.isupper() and slash:  # an abbreviation cut at its slash by the segmenter: `C/O`
        return end + slash.end(), " ".join((w.text + slash.group()).lower().split())
    last = i

    def adjacent(k: int, ok) -> bool:  # word k follows word k-1 with nothing but spaces and passes `ok`
        return (k < len(words) and words[k].text[:1].isalpha() and ok(words[k])
                and text[words[k - 1].end:words[k].start].strip() == "")

    def common_noun(x: Word) -> bool:
        return x.pos in COUNTED_NOUN_TAGS and x.text[:1].islower()

    head = w.text.lower()
    if head in rules().classifiers or w.pos == "Nc":
        # A classifier or collective noun takes the noun it classifies (`nhóm nhiệm vụ`).
        last += adjacent(i + 1, common_noun)
    elif head in rules().compound_heads:  # `chủ đầu tư`: the bound head and its complement
        last += adjacent(i + 1, lambda x: common_noun(x) or (x.pos == "V" and x.text[:1].islower()))
    end = words[last].end if last > i else end
    return end, " ".join(text[w.start:end].lower().split())


def _comparator(prefix: str, suffix: str) -> tuple[str, str | None]:
    """(comparator, rule id) from the cue words before or right after the figure."""
    r = rules()
    best: tuple[tuple[int, int], str, str] | None = None
    for rid, cmp, rx in r.cmp_before:
        m = rx.search(prefix)
        # the cue nearest the number wins; of two ending together the longer, which holds the
        # other: "trên dưới" (~) over "dưới", "không vượt quá" (<=) and "nhỏ hơn" (<) over "hơn"
        key = (m.end("cue"), -m.start("cue")) if m else None
        if key and (best is None or key > best[0]):
            best = (key, cmp, rid)
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


def find_figures(doc: Analysis) -> list[Figure]:
    """Figures of the document in text order, outside the spans already claimed, each with
    its sentence (`doc.sentence_of`)."""
    text = doc.text
    r = rules()
    closed = _Closed(closed_spans(text, doc.claimed))
    out: list[Figure] = []
    for m in expression_re().finditer(text):
        if closed.overlaps(m.start(), m.end()):
            continue
        out.extend(_figure(doc, m, closed, r))
    figs = _elliptical_units(text, _shared_unit_bounds(text, _compound_amounts(text, out), closed, r))
    return _spelled_ranges(text, [_counted_by_subject(doc, f) for f in figs])


def _named_after(text: str, end: int) -> bool:
    """Whether a capitalised word follows the number: a unit the lexicon does not know (`3
    triệu Bảng`, `72 triệu Rupiah`), so no unit is lent to it."""
    m = re.match(r"[ \t]*([^\W\d_])", text[end:end + 4])
    return bool(m and m.group(1).isupper())


# between an amount and the next one of a range or a pair: "300 triệu đến 500 triệu đồng"
_LINK_TO_NEXT = re.compile(r"[ \t]*(?:-|–|đến|tới|và|hoặc)[ \t]*(?:mức[ \t]+)?$", re.IGNORECASE)


def _elliptical_units(text: str, figs: list[Figure]) -> list[Figure]:
    """An amount written with its multiplier and no unit leaves out a unit the sentence gives
    another amount: the next one when the two make a range or a pair ("từ 300 triệu đến 500
    triệu đồng"), else the last amount before it with a multiplier and a unit ("đạt gần 100
    triệu thuê bao, thuê bao trong nước đạt hơn 61 triệu"; "từ 4 triệu đồng lên 9 triệu"), not
    across a `;`. It takes that unit; an amount with no such neighbour keeps none."""
    def multiplied(f: Figure) -> bool:
        m = expression_re().match(f.text)
        return bool(m and m.group("mult") and m.group("mult").strip())

    out = list(figs)
    last: dict[tuple[int, int], Figure] = {}  # sentence -> its last multiplied amount with a unit
    for i, f in enumerate(out):
        if f.unit is None and f.total is None and _bare_multiplied().fullmatch(f.text) and not _named_after(text, f.end):
            nxt = out[i + 1] if i + 1 < len(out) else None
            donor = None
            if (nxt is not None and nxt.unit not in (None, "%") and multiplied(nxt)
                    and _LINK_TO_NEXT.match(text[f.end:nxt.start])):
                donor = nxt
            elif f.sentence in last and ";" not in text[last[f.sentence].end:f.start]:
                donor = last[f.sentence]  # not across `;`: list items name measures of their own
            if donor is not None:
                out[i] = f.with_(unit=donor.unit, source=f.source + ELLIPTICAL_UNIT)
        elif f.unit not in (None, "%") and multiplied(f):
            last[f.sentence] = f
    return out


# "số hồ sơ đang xử lý là 717", "lượng khách quốc tế đạt 27 triệu": a count's head noun, then
# a short predicate ending in a link verb right before the number
_COUNT_HEAD = re.compile(r"(?<![^\W_])(?:số\s+lượng|tổng\s+số|số|lượng|tổng)\s+(?=[^\W\d_])", re.IGNORECASE)
_COUNT_LINK = re.compile(r"(?<![^\W_])(?:đạt|là|lên|còn|có)(?:\s+(?:khoảng|gần|hơn|trên|xấp\s+xỉ|tới|đến))?\s*$",
                         re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:()]")
_NOT_COUNTED = frozenset({"tiền", "vốn", "lượng", "lần", "liệu"})


def _counted_by_subject(doc: Analysis, f: Figure) -> Figure:
    """A number with no unit whose clause counts a noun before it ("số hồ sơ đang xử lý là
    717", "lượng khách quốc tế đạt 27 triệu") counts that noun: it is the unit (GUIDELINES:
    the counted noun). Only when the head noun opens a short predicate ending in a link verb
    right before the number, with no other number or clause break between."""
    if f.unit is not None or f.total is not None or _named_after(doc.text, f.end):
        return f
    text = doc.text
    lo = max(f.sentence[0], f.start - 80)
    brk = [m.end() for m in _CLAUSE_BREAK.finditer(text, lo, f.start)]
    lo = brk[-1] if brk else lo
    heads = list(_COUNT_HEAD.finditer(text, lo, f.start))
    if not heads or not _COUNT_LINK.search(text, heads[-1].end(), f.start):
        return f
    pos = heads[-1].end()
    words = doc.words(f.sentence)
    if any(w.start < heads[-1].start() < w.end for w in words):
        return f  # `Dân số thành phố`: the head is the end of another word
    w = next((w for w in words if w.start <= pos < w.end), None)
    if w is None or w.pos not in COUNTED_NOUN_TAGS or re.search(r"\d", text[pos:f.start]) \
            or len(text[w.end:f.start].split()) > 8:
        return f
    noun = " ".join(text[pos:w.end].lower().split())
    if not noun or noun in _NOT_COUNTED:
        return f
    return f.with_(unit=noun, source=f.source + ELLIPTICAL_UNIT)


def _compound_amounts(text: str, figs: list[Figure]) -> list[Figure]:
    """"41 tỷ 737 triệu đồng": an amount written in two parts, the larger multiplier first
    with nothing after it, is one figure (the sum, in the second part's unit)."""
    out: list[Figure] = []
    for f in figs:
        prev = out[-1] if out else None
        if prev is not None and prev.total is None and f.total is None and text[prev.end:f.start] == " ":
            head = _bare_multiplied().fullmatch(prev.text)
            tail = expression_re().match(f.text)
            if head and tail and tail.group("mult").strip() and tail.group("b") is None \
                    and multiplier_of(head.group("mult")) > multiplier_of(tail.group("mult")):
                out[-1] = f.with_(start=prev.start, text=text[prev.start:f.end],
                                  value=scale(Decimal(repr(prev.value)) + Decimal(repr(f.value))), unit=f.unit or prev.unit,
                                  comparator=prev.comparator, source=prev.source + ":compound")
                continue
        out.append(f)
    return out


_FROM = re.compile(r"(?:^|\s)từ(?:\s+mức)?\s*$", re.IGNORECASE)
_TO = re.compile(r"\s*(?:đến|tới)(?:\s+dưới)?\s*$", re.IGNORECASE)
_DASH = re.compile(r"[ \t]*[-–][ \t]*")
# a bare number written before another figure's number, which shares its multiplier and unit:
# "từ 3,5 đến 5 triệu đồng/tháng", "sẽ là 45 và 49 triệu khách", "từ 2 lên 4 làn xe"
_SPACES_AFTER = re.compile(r"[ \t]{0,2}")
SHARED_UNIT = ":shared-unit"  # the source tag of a bound that shares the next figure's unit (read by indicators)
ELLIPTICAL_UNIT = ":elliptical-unit"  # the source tag of an amount whose unit is not written after it


@lru_cache(maxsize=1)
def _bare_multiplied() -> re.Pattern[str]:
    """A number and its multiplier words and nothing else ("41 tỷ"; the words of units.yml)."""
    return re.compile(rf"\d++(?:[.,]\d++)*+(?P<mult>(?:\s+{multiplier_pattern()})+)", re.IGNORECASE)


_NAME_BEFORE = re.compile(r"(?<![^\W_])[^\W\d_a-zđ][^\W\d_]*\s+[^\W\d_a-zđ][^\W\d_]*\s*$")  # "Thủ Thiêm "
_BARE_BEFORE = re.compile(r"(?<![\w.,/])(?P<a>\d++(?:[.,]\d++)*+)[ \t]+(?P<link>đến|tới|lên|và|hoặc)[ \t]+$", re.IGNORECASE)
# an exponent set apart after a measure unit (`40 triệu m 2`): read into the unit; the digit
# itself is closed by figure_exclusions.yml's unit-exponent (the same look-ahead)
_SPACED_EXPONENT = re.compile(r"[ \t]([23])(?![\w%]|[.,]\d)")


def _shared_unit_bounds(text: str, figs: list[Figure], closed: _Closed, r: _Rules) -> list[Figure]:
    """A bare number linked by "đến"/"tới"/"lên"/"và"/"hoặc" to the figure right after it
    is a figure in that figure's multiplier and unit (corpus/GUIDELINES.md: each bound of a
    range carries the range's unit and multiplier): "3,5" of "từ 3,5 đến 5 triệu đồng" is
    3.500.000 đồng. It replaces a unitless figure read from the same number ("là 45 và 49
    triệu khách" read 45 alone). Not a year, a name's number ("Điều 5 và 6"), a number in a
    closed span, nor a bound larger than the figure's own number in a range."""
    by_start = {f.start: i for i, f in enumerate(figs)}
    # right after a figure (spaces between at most): a number there continues it (an exponent)
    just_after = {f.end + len(_SPACES_AFTER.match(text, f.end).group()) for f in figs}
    out = list(figs)
    for f in figs:
        if f.total is not None or f.unit is None and f.value == parse_number(f.text):
            continue  # a ratio, or a bare number itself: nothing to share
        m = _BARE_BEFORE.search(text, max(0, f.start - 30), f.start)
        if m is None or closed.overlaps(m.start("a"), m.end("a")):
            continue
        e = expression_re().match(text, f.start)
        own = parse_decimal(e.group("a")) if e else None
        a = parse_decimal(m.group("a"))
        if own is None or a is None or own == 0 or _is_plain_year(m.group("a"), float(a)):
            continue
        if m.group("link").lower() in ("đến", "tới") and a >= own:
            continue
        before = text[max(0, m.start() - _PREFIX_WINDOW):m.start()]
        if _is_name(before, r) or _NAME_BEFORE.search(before) or m.start() in just_after:
            continue  # "Điều 5 và 6", "Cầu Thủ Thiêm 2 và 9 lô đất", "1.500 m 3 đến 2.000 m 3"
        i = by_start.get(m.start("a"))
        if i is not None and out[i].unit is not None:
            continue  # already a figure of its own unit ("từ 5% lên 7%")
        # "=": a range ("3,5 đến 5 triệu", "gấp 3 đến 5 lần") is marked by _spelled_ranges
        fig = f.with_(start=m.start("a"), end=m.end("a"), text=m.group("a"), value=scale(a, Decimal(repr(f.value)) / own),
                      comparator="=", total=None, source=f.source + SHARED_UNIT)
        if i is not None:
            out[i] = fig
        else:
            out.append(fig)
    return sorted(out, key=lambda x: x.start)


def _spelled_ranges(text: str, figs: list[Figure]) -> list[Figure]:
    """`từ 96% đến 100%`, `từ 5 triệu đồng đến 10 triệu đồng`, `3,5 đến 5 triệu đồng`: a range
    written in words.

    Lower bound `>=`, upper `<=`, when both bounds have the same unit and nothing but
    `đến`/`tới` stands between them (`từ 72% ... lên 83%` is a change, not a range), and "từ"
    opens it or the lower bound is a bare number sharing the upper one's unit (`_shared_unit_bounds`).
    """
    out = list(figs)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if not (a.unit == b.unit and a.comparator == "=" and b.comparator in ("=", "<") and a.value < b.value):
            continue
        between = text[a.end:b.start]
        opened = a.source.endswith(SHARED_UNIT) or _FROM.search(text[max(0, a.start - 12):a.start])
        if (opened and _TO.fullmatch(between)) or (a.unit is not None and _DASH.fullmatch(between)):
            # `từ 2.300 tỷ đồng đến dưới 5.000 tỷ đồng`: the upper bound keeps its own `<`;
            # a dash between two whole amounts (`300 triệu – 500 triệu đồng`) is a range too
            out[i] = a.with_(comparator=">=", source=a.source + ":range")
            if b.comparator == "=":
                out[i + 1] = b.with_(comparator="<=", source=b.source + ":range")
    return out


def _figure(doc: Analysis, m: re.Match[str], closed: _Closed, r: _Rules) -> list[Figure]:
    text = doc.text
    start = m.start()
    sent = doc.sentence_of(start, m.end())
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
            x = _SPACED_EXPONENT.match(text, um.end()) if u.kind == "measure" else None
            if x and unit + x.group(1) in r.measure_words:
                unit = unit + x.group(1)  # `40 triệu m 2`: m2 (the 2 is closed: unit-exponent)
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
        noun = _noun_after(doc, sent, end, text)
        if noun:
            end, unit = noun
            unit_rule, unit_kind = "pos-noun", "counted"
    if unit is None:
        # an amount with a large multiplier and nothing after it: the unit the genre leaves out
        # (units.yml `implied_from`: "lãi 280 tỷ" is in đồng)
        for least, rid, implied_unit, kind in r.implied:
            if factor >= least:
                unit, unit_rule, unit_kind = implied_unit, f"{rid}:implied", kind
                break
        for least, rid, implied_unit, kind, priced_by in r.priced:
            if unit is None and factor >= least and priced_by.search(prefix) and not _named_after(text, end):
                unit, unit_rule, unit_kind = implied_unit, f"{rid}:priced", kind
                break
    if unit is not None and unit_kind in ("measure", "counted"):
        slashed = _slash_unit(text, end, unit, r)
        if slashed:
            end, unit = slashed
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
        # a number with no unit and no quantity verb is a name or a code; a multiplier makes
        # it an amount whatever stands before it (`lương 5 triệu`)
        if factor == 1.0 and not r.bare_cue.search(prefix):
            return []
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
