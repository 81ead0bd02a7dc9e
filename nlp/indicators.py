"""What a figure measures (`indicator`) and the year it refers to (`year`).

The indicator is the shortest phrase naming what is measured, as written; it is read from
the sentence's grammar (POS chunks and clause boundaries: nlp.indicator_grammar; cue
words are data: rules/indicator_cues.yml), in this order:

1. a table row: its header cell (`1 | Dịch vụ công ... | 30% | 100% |`);
2. the noun phrase the figure quantifies, after it: the counted noun with its modifiers
   and relative clause (`63 nhiệm vụ trọng tâm ưu tiên triển khai`), the noun after a
   percentage (`70% người dân trưởng thành có tài khoản công dân số`) unless it is the
   whole of a share (`chiếm 19,32% tổng số dự án`, `66,4% kế hoạch`), the material after a
   measuring unit (`13 nghìn tấn gạo dự trữ quốc gia`, `86 tỷ đồng lợi nhuận`); up to the
   clause boundary, never into another figure or a legal reference;
3. the subject of the predicate the figure completes (`Tỷ lệ hồ sơ trực tuyến toàn trình
   cả nước đạt 42%` -> `Tỷ lệ hồ sơ trực tuyến toàn trình`): from the clause start, reaching
   over a coordination (`khu vực nông, lâm nghiệp và thủy sản tăng 2,65%`), from its first
   measure noun (`tỷ lệ`, `kim ngạch`), without link verbs, scope modifiers or time
   phrases; a change verb right before the number is kept (`xuất khẩu tăng`). A clause
   with no subject of its own shares the one before it in the sentence (`đạt kim ngạch
   3,1 tỉ USD, tăng 6,7%` -> `kim ngạch tăng`); a figure in brackets with none names what
   stands before the bracket (`giá thức ăn (chiếm 65%)`);
4. a counted noun alone (`61 doanh nghiệp`) is never the whole indicator when the
   sentence says more: after a link verb (`đạt`, `giảm`) its subject names the measure
   (`số vận động viên cao cấp ước đạt 6.143 người`); after an action verb the noun goes
   with its verb phrase (`EVN đưa vào phát điện 5 tổ máy` -> `tổ máy đưa vào phát điện`);
   after `có` (it exists) the noun stays, or takes its fuller earlier mention, unless the
   subject is a total or a count (`Tổng số lao động ... có 59.020 người`). A multiple
   or a rank (`gấp 2 lần`, `12 bậc`) is read like a measure: its subject.

The year comes from the document context (nlp.figure_year).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .analysis import Analysis
from .figure_year import figure_year
from .figures import ELLIPTICAL_UNIT, SHARED_UNIT, slash_continued
from .indicator_grammar import (NOMINAL_TAGS, NOUN_TAGS, TIME_NOUNS, VERB_TAGS, Sentence, cues,
                                measuring_units, number_end)
from .records import Figure
from .rules import alternation

_MAX_WORDS = 24  # an indicator longer than this is a clause, not a name for a measure
_DIGIT = re.compile(r"\d")
_RANGE_JOINT = re.compile(r"\s*(?:[-–—]|đến|tới)\s*$", re.IGNORECASE)
_PER = re.compile(r"\s?/\s?(?=[^\W\d_])")
_PAIR_JOINT = re.compile(r"\s*(?:và|hoặc)\s*$", re.IGNORECASE)  # the pair links of figures._BARE_BEFORE
_DANGLING_TIME = re.compile(r"(?:^|\s)(?:(?:trong|vào|đến|tới|của|hết|cuối|đầu|tính)\s+)*(?:năm|thời\s+điểm)$", re.IGNORECASE)
_COMPARED = re.compile(r"so(?:\s+với)?", re.IGNORECASE)
_OPEN_BRACKET = re.compile(r"[(\[]")
_FROM_CHANGE = re.compile(r"(?<![^\W_])(?P<g>tăng|giảm)(?P<mid>(?:\s+\S+){0,2}?)\s+từ(?:\s+\S+){0,3}\s*$", re.IGNORECASE)


# --- cleaning ---------------------------------------------------------------------------

def _clean(phrase: str, *, tail_links: bool, head_links: bool = True, subject: bool = True) -> str:
    """Trim determiners, link verbs (head/tail), function words at the end, punctuation;
    for a subject (`subject`) also scope modifiers and time phrases."""
    return _cleaned(" ".join(phrase.split()), tail_links, head_links, subject)


@lru_cache(maxsize=8192)
def _cleaned(p: str, tail_links: bool, head_links: bool, subject: bool) -> str:
    c = cues()
    for _ in range(8):
        before = p
        p = p.strip(" -–—/:;,.\"“”'")
        p = c.determiner_head.sub("", p).strip()
        if subject:
            p = c.opener_head.sub("", p).strip()
        if head_links and not c.measure.match(p):
            p = c.link_head.sub("", p).strip()
        if tail_links and not c.compound_tail.search(p):  # `khởi công mới` keeps its `mới`
            p = c.link_tail.sub("", p).strip()
        if subject:
            p = c.scope_tail.sub("", p).strip()
            p = c.time_tail.sub("", p).strip()
            p = c.time_head.sub("", p).strip()
        p = c.edge_tail.sub("", p).strip() if len(p.split()) > 1 else p
        p = _DANGLING_TIME.sub("", p).strip()
        if p == before:
            break
    return p.strip(" -–—/:;,.\"“”'")


def _limit(p: str) -> str:
    return " ".join(p.split()[:_MAX_WORDS])


def _unit_kind(text: str, fig: Figure) -> str | None:
    unit = (fig.unit or "").lower()
    if not unit or ELLIPTICAL_UNIT in fig.source:
        return None  # no unit written after the number: nothing there names the measure
    if unit == "%":
        return "%"
    if unit.split()[0] in cues().ratio_units and _multiple(text, fig):
        return "ratio"
    if unit in measuring_units() or unit.split("/")[0] in measuring_units():
        return "measure"
    return "counted"


_COMPARED_AFTER = re.compile(r"\s*(?:so\s+với|so|cùng\s+kỳ)(?![^\W_])", re.IGNORECASE)


def _multiple(text: str, fig: Figure) -> bool:
    """`gấp 2 lần`, `tăng 12 bậc`, `1,34 lần so với`: a multiple or a rank; `đã 3 lần kiến
    nghị`, `10 lần giao` count occasions."""
    return bool(cues().multiple_before.search(text[max(0, fig.start - 30):fig.start]) or _COMPARED_AFTER.match(text, fig.end))


# --- 2. the noun phrase after the figure ------------------------------------------------

def _after_np(sent: Sentence, fig: Figure, kind: str | None, after: int) -> tuple[str, bool] | None:
    """(phrase, bare) of the noun phrase the figure quantifies, read after it; `bare` when
    it is only the counted noun. `after`: where the figure's unit ends (a range's upper
    bound's end for its lower bound)."""
    text, c = sent.text, cues()
    if kind == "counted":
        # a range's lower bound ("từ 1 đến 3 trường"): its counted noun follows the upper bound
        upper = _DIGIT.search(text, fig.end, after) if after > fig.end else None
        start = number_end(text, upper.start() if upper else fig.start)
        while start < sent.end and text[start].isspace():
            start += 1
        if slash_continued(fig.unit) or re.match(r"\s*/\s*[^\W\d_]", text[after:after + 4]):
            return None  # `13,47 tiêu chí/xã`, `64 người/xã`: a rate, its subject names the measure
    elif kind in ("%", "measure"):
        if ((kind == "%" and c.reference_head.match(text, after)) or re.match(r"\s*/", text[after:after + 3])
                or slash_continued(fig.unit)):
            return None  # `66,4% kế hoạch`, `tấn/năm`: a base or a rate, the subject names the measure
        if kind == "%" and _share_verb_before(sent, fig.start):
            return None  # `chiếm 19,32% tổng số dự án`: the whole the share is of
        w = sent.word_at(after)
        start = w.start if w is not None else after
        if w is None:  # `1.680 tỷ đồng tiền bồi thường`, segmented `đồng tiền`: the rest of the word
            w = sent.word_covering(after)
            while start < sent.end and sent.text[start] == " ":
                start += 1
        if w is None or not text[start:start + 1].isalpha():
            return None
        if w.pos not in NOUN_TAGS and w.text.lower() not in ("các", "những"):
            return None
        head = text[start:w.end].lower()
        if sent.next_period(after - 1) == start:
            return None  # `72% cuối năm 2018`: a time, not a noun the figure counts
        if kind == "measure" and (w.pos == "Np" or head in TIME_NOUNS or not head[:1].islower()
                                  and not w.text.isupper()):
            return None  # `100 MW trong tháng 8`, a name after a measure: not the material measured
    else:
        return None
    end = _np_end(sent, start, max(start + 1, after))
    phrase = _np_phrase(sent, start, after, end)
    if not phrase:
        return None
    bare = kind == "counted" and phrase.lower() == (fig.unit or "").lower()
    if bare:
        # `82/97 xã (chiếm 84,5% tổng số xã) đạt tiêu chí thủy lợi`: an aside in brackets
        # between the counted noun and its relative clause; the clause still names the measure
        aside = re.match(r"\s*\([^()]*\)\s*", text[end:sent.end])
        cont = end + aside.end() if aside else None
        w = sent.word_at(cont) if cont is not None else None
        if w is not None and w.pos in VERB_TAGS:
            rest = _np_phrase(sent, cont, cont, _np_end(sent, cont, cont + 1))
            if rest:
                phrase, bare = _limit(f"{phrase} {rest}"), False
    return phrase, bare


def _np_phrase(sent: Sentence, start: int, after: int, end: int) -> str:
    """The cleaned phrase from `start` to the noun phrase's `end`, cut before another number,
    a time, a legal reference or a stop word met after `after`."""
    text = sent.text
    nxt = re.search(r"\d", text[after:end]) if end > after else None
    if nxt:
        end = after + nxt.start()  # another number opens another figure, or names something else
    when = sent.next_period(after)
    if when is not None and when < end:
        end = when  # nor does a time: `tỷ trọng ... 38,9% năm 2011`, `người vào năm 2030`
    legal = sent.legal_at(start, end)
    if legal is not None:
        end = legal  # never into a legal reference (`... theo Nghị định số`)
    stop = cues().np_stop.search(text, max(start, after) + 1, end)
    if stop:
        end = stop.start()  # `5 mục tiêu này vẫn mang ...`, `19 tiêu chí NTM theo nhiệm vụ`
    phrase = _clean(text[start:end], tail_links=True, head_links=False, subject=False)
    return _limit(cues().time_tail.sub("", phrase).strip() or phrase)  # `người vào năm 2030`


def _np_end(sent: Sentence, start: int, pos: int) -> int:
    """End of the noun phrase from `start`: the clause boundary after `pos`, going on past
    `,`/`và` over coordinated nouns (`63 tỉnh, thành phố trực thuộc Trung ương`, `cán bộ,
    công chức, viên chức và người lao động`)."""
    text, c = sent.text, cues()
    end = sent.right_end(pos)
    for _ in range(4):
        joint = re.match(r",|\s*và(?![^\W_])", text[end:end + 4])
        if not joint:
            break
        w = sent.word_at(end + joint.end())
        if w is None or c.reference_head.match(w.text):
            break
        if w.text.lower() not in c.coordinated_units and (w.pos not in NOUN_TAGS or not w.text[:1].islower()):
            break
        further = sent.right_end(w.end)
        nxt = sent.next_figure(w.start)
        if nxt is not None and nxt < further:
            break  # the next noun phrase is the subject of another figure
        end = further
    return end


@lru_cache(maxsize=1)
def _share_rx() -> re.Pattern[str]:
    return re.compile(rf"(?:^|\s){alternation(cues().share_verbs)}"
                      r"(?:\s+(?:khoảng|gần|hơn|trên|tới|chưa\s+tới|chưa\s+đến|xấp\s+xỉ))?\s*$", re.IGNORECASE)


def _share_verb_before(sent: Sentence, pos: int) -> bool:
    return bool(_share_rx().search(sent.text[max(sent.start, pos - 24):pos]))


# --- 3. the subject ---------------------------------------------------------------------

def _subject(sent: Sentence, pos: int, floor: int, has_prev: bool = False, depth: int = 0) -> tuple[str, str | None]:
    """(subject, change verb) of the clause ending at `pos` (the figure's start): the
    subject phrase (may be empty) and the change verb standing right before the number."""
    text, c = sent.text, cues()
    left = sent.left_start(pos, floor)
    left = sent.coordinated_start(left, floor)
    b = sent.boundary_ending_at(left)
    if b and _COMPARED.fullmatch(text[b[0]:b[1]].strip()) and left > floor:
        # `Giải ngân vốn ... so với kế hoạch ... chỉ đạt 41,97%`: the subject is before `so với`
        outer = sent.coordinated_start(sent.left_start(b[0], floor), floor)
        base, raw = outer, text[outer:b[0]]
    else:
        base, raw = left, text[left:pos]
    if left == floor > sent.start and c.to_value.search(raw):
        return "", None  # `giảm từ 63,7% GDP năm 2016 xuống còn 55%`: the subject of the figure before
    m = c.reference_head.match(raw) if left == floor > sent.start else None
    if m:
        raw = raw[m.end():]  # `63,7% GDP ...`: the base of the figure before is not this one's subject
    chg = _FROM_CHANGE.search(raw)
    if chg:
        obj = sent.word_at(base + chg.start("mid") + len(chg.group("mid")) - len(chg.group("mid").lstrip()))
        if chg.group("mid").strip() and obj is not None and obj.pos in NOUN_TAGS:
            # `giúp tăng năng suất từ 45 tấn/ha`: the noun the change verb takes is what changes
            return _clean(chg.group("mid"), tail_links=True), None
        raw = raw[:chg.end("g")]  # `dư nợ công giảm từ mức đỉnh 63,7%`: the change and its subject
    growth = c.growth_tail.search(_strip_comparators(raw))  # `GDP phải tăng ít nhất 7,4%`
    if growth:
        raw = raw[:growth.start()]
    phrase = _clean(raw, tail_links=True)
    phrase = _after_last(c.intent, phrase, empty_ok=True)  # `ngân hàng sẽ phấn đấu thu nợ` -> `thu nợ`
    phrase = _after_last(c.possessive, phrase, keep_rate=True)  # `... có vốn điều lệ` -> `vốn điều lệ`
    m = c.measure.search(phrase)
    if m and m.start() > 0 and m.end() == len(phrase.rstrip()) and c.reference_head.fullmatch(m.group()):
        # `thuế suất … được điều chỉnh tăng lên mức 70%`: a level after the verb is not the
        # measure; the noun phrase before the verb is
        phrase = _before_verb_chain(sent, phrase, m.start(), left, pos) or phrase
        m = None
    if m and _share_rx().search(phrase[:m.start()]) and m.start() > 0:
        pass  # `khu vực nông, lâm nghiệp và thủy sản chiếm tỷ trọng 15,06%`: the share's subject
    elif m:
        head = c.measure_prefix.search(phrase, 0, m.start())  # `Tổng doanh thu`, `lũy kế vốn đầu tư`
        phrase = phrase[head.start() if head else m.start():]
    else:
        phrase = _actor_object(sent, phrase, left, pos)
    g = " ".join(growth.group("g").split()) if growth else None
    if not re.search(r"[^\W\d_]", phrase):
        phrase = ""  # `quý 3, 4 là 7%`: a number is no subject
    if not phrase and b and _OPEN_BRACKET.fullmatch(text[b[0]:b[1]]) and depth < 2 \
            and not (has_prev and re.search(r"\d", text[sent.left_start(b[0], floor):b[0]])):
        # `giá thức ăn (chiếm 65%)`: a bracket with no subject of its own names what precedes it
        outer, _ = _subject(sent, b[0], floor, False, depth + 1)
        return outer, g
    return phrase, g


_TOPIC = re.compile(r"\s*(?:Về|Đối\s+với|Riêng)\s+([^,;:.]{2,60}?)\s*,", re.IGNORECASE)


def _topic(sent: Sentence) -> str:
    """`Về đất phi nông nghiệp, điều chỉnh đến năm 2020 có 105.188 ha`: a sentence opened by
    `Về X,` is about X; X names what its subjectless figures measure."""
    m = _TOPIC.match(sent.text, sent.start, sent.end)
    return _clean(m.group(1), tail_links=True) if m and not re.search(r"\d", m.group(1)) else ""


def _opened_by_with(sent: Sentence, pos: int, floor: int) -> bool:
    b = sent.boundary_ending_at(sent.left_start(pos, floor))
    return b is not None and sent.text[b[0]:b[1]].strip().lower() == "với"


def _earlier_clause_subject(sent: Sentence, pos: int, floor: int) -> str:
    """`Tỷ lệ cung cấp dịch vụ công ... tăng dần qua các năm, năm 2017 đạt 80%`: a clause
    with no subject of its own, first in its sentence to hold a figure, continues the
    clause before it; that clause's subject is read up to its last link or change verb."""
    c = cues()
    for _ in range(3):
        left = sent.left_start(pos, floor)
        b = sent.boundary_ending_at(left)
        if b is None or b[0] <= max(floor, sent.start):
            return ""
        if floor > sent.start and sent.left_start(b[0], sent.start) < floor:
            return ""  # the clause before holds the figure before: its subject came with it
        clause_start = sent.left_start(b[0], floor)
        m = c.measure.search(sent.text, clause_start, b[0])
        if m:  # `cần phải đẩy nhanh tốc độ giải ngân vốn đầu tư, nếu đạt khoảng 15%`
            phrase = _clean(sent.text[m.start():b[0]], tail_links=True)
            if phrase:
                return _limit(phrase)
        words = sent.words_between(clause_start, b[0])
        verbs = [w for w in words if w.text.lower() in c.link_verbs or c.growth_tail.search(w.text)]
        end = verbs[-1].start if verbs else b[0]
        phrase, _ = _subject(sent, end, floor)
        if phrase:
            return phrase
        pos = b[0]
    return ""


def _before_verb_chain(sent: Sentence, phrase: str, level: int, left: int, pos: int) -> str | None:
    """`phrase` (found in text[left:pos]) up to the chain of verbs and adverbs that stands
    right before offset `level` in it (`… thuốc lá | tiếp tục được điều chỉnh tăng lên | mức`),
    or None when no verb stands there or nothing is left before it."""
    base = sent.text.find(phrase, left, pos)
    if base < 0:
        return None
    words = sent.words_between(base, base + level)
    k = len(words)
    while k > 0 and (words[k - 1].pos in VERB_TAGS or words[k - 1].pos == "R"):
        k -= 1
    if k == len(words) or k == 0:
        return None
    return _clean(sent.text[base:words[k].start], tail_links=True) or None


def _actor_object(sent: Sentence, phrase: str, left: int, pos: int) -> str:
    """`Bộ KH&ĐT đã bố trí kế hoạch vốn 575,4 tỷ đồng` -> `kế hoạch vốn`: a subject made of an
    actor, an aspect word and a verb phrase names the measure by the verb's object (or, with
    no object, by the verb: `ngành đã sản xuất tăng thêm` -> `sản xuất`)."""
    c = cues()
    asp = c.aspect_rx.search(phrase)
    if asp is None or asp.start() == 0 or not c.agent_head.match(phrase):
        return phrase
    rest = phrase[asp.end():].strip()
    k = phrase.find(rest, asp.end()) if rest else -1
    if not rest or k < 0:
        return phrase
    base = sent.text.find(rest, left, pos)
    words = sent.words_between(base, base + len(rest)) if base >= 0 else []
    verb = next((i for i, w in enumerate(words) if w.pos in VERB_TAGS), None)
    if verb is None:
        return rest
    obj = [w for w in words[verb + 1:]]
    if obj and obj[0].pos in NOMINAL_TAGS and obj[0].pos != "M":
        tail = _clean(sent.text[obj[0].start:base + len(rest)], tail_links=True)
        return tail or rest
    return _clean(rest, tail_links=True) or phrase


def _strip_comparators(raw: str) -> str:
    """`raw` without the link words at its end that are not change verbs (`tăng ít nhất` ->
    `tăng`)."""
    c = cues()
    for _ in range(4):
        m = c.link_tail.search(raw)
        if not m or c.growth_tail.search(raw[m.start():]):
            break
        raw = raw[:m.start()]
    return raw


def _after_last(rx: re.Pattern[str], phrase: str, keep_rate: bool = False, empty_ok: bool = False) -> str:
    """The phrase after the last match of `rx`, cleaned, when something is left (and, with
    `keep_rate`, more than a rate noun: `CPI bình quân có mức tăng là` stays `CPI bình quân`)."""
    last = None
    for last in rx.finditer(phrase):
        pass
    if last is None:
        return phrase
    rest = _clean(phrase[last.end():], tail_links=True)
    if keep_rate and rest and cues().rate_head.match(rest) and not cues().measure.search(rest, 1):
        head = _clean(phrase[:last.start()], tail_links=True)
        return head or rest
    if not rest and empty_ok:  # `Tỷ lệ nội địa hóa ... phấn đấu năm 2020 đạt 45%`: who intends names it
        return _clean(phrase[:last.start()], tail_links=True)
    return rest if rest else phrase


def _with_growth(phrase: str, growth: str | None) -> str:
    if not growth or not phrase:
        return phrase
    c = cues()
    if c.rate_head.match(phrase) or phrase.lower().endswith(growth.lower()):
        return phrase  # `tốc độ tăng trưởng ... tăng 80%`: a rate takes no change verb
    return f"{phrase} {growth}"


def _strip_growth(phrase: str) -> str:
    """The previous figure's indicator as a subject to share: without its change verb and
    without the plan it was read against (`Tổng lợi nhuận kế hoạch` -> `Tổng lợi nhuận`)."""
    phrase = cues().plan_tail.sub("", phrase).strip() or phrase
    m = cues().growth_tail.search(phrase)
    return phrase[:m.start()].strip() if m and m.start() > 0 else phrase


# --- 4. what a bare counted noun is counted by -------------------------------------------

def _predicate(sent: Sentence, pos: int, floor: int) -> tuple[str, int] | None:
    """(head verb, start of its verb phrase) of the predicate the number at `pos` completes:
    the verb nearest before it in its clause, and the verb phrase from the first verb of the
    chain (`đề nghị trao tặng Huy hiệu Đảng cho`), after aspect words and the subject."""
    c = cues()
    left = sent.left_start(pos, floor)
    words = sent.words_between(left, pos)
    head = next((i for i in range(len(words) - 1, -1, -1) if words[i].pos in VERB_TAGS), None)
    if head is None:
        return None
    i = head
    while i > 0:
        w = words[i - 1]
        low = w.text.lower()
        if low in c.aspect or w.pos in ("Cc", "CH", "P") or w.text in (",", ";"):
            break
        if w.pos in NOMINAL_TAGS and words[i].pos in VERB_TAGS:
            break  # the subject before its verb
        i -= 1
    # a two-word cue (`ước đạt`, `chỉ chiếm`) read as one
    return words[head].text.lower(), words[i].start


def _measure_before(sent: Sentence, pos: int, floor: int, listed_only: bool = False) -> str | None:
    """The measure noun standing right before the number at `pos`, past comparator and link
    words only (`quy mô 4-6 làn xe`, `số lượng từ 180.000`, `tổng số 4.723`), or None;
    unless `listed_only`, also a common noun in apposition (`_head_noun_before`)."""
    left = sent.left_start(pos, floor)
    raw = _strip_comparators(sent.text[left:pos]).rstrip()
    last = None
    for last in cues().measure.finditer(raw):
        pass
    if last is not None and last.end() == len(raw):
        return " ".join(last.group().split())
    return None if listed_only else _head_noun_before(sent, left, left + len(raw), pos)


def _head_noun_before(sent: Sentence, left: int, end: int, pos: int) -> str | None:
    """The common noun (with the nouns compounded before it) that ends exactly at `end`, only
    comparators between it and the number at `pos`, and no verb in the clause: the measure
    the number stands in apposition to (`dân số gần 39 triệu người`, `với tần suất 4
    chuyến`); after a verb (`... đạt 1,5 triệu lượt`) the number is the verb's object."""
    clause = sent.words_between(left, pos)
    if any(w.pos in VERB_TAGS for w in clause):
        return None
    words = [w for w in clause if w.end <= end]
    if not words or words[-1].end != end:
        return None
    i = len(words)
    while i > 0 and words[i - 1].pos == "N" and words[i - 1].text.lower() not in TIME_NOUNS \
            and (words[i - 1].text[:1].islower() or words[i - 1].text.isupper() or words[i - 1].start == sent.start):
        i -= 1  # common nouns; an abbreviation (`DN`) or the sentence's first word may be capitalised
    run = words[i:]
    places = cues().places
    if not run or run[0].text.lower() in places or run[-1].text.lower() in places:
        return None
    phrase = " ".join(w.text for w in run)
    # `mục tiêu 48.000 doanh nghiệp`: a goal or a total before the number is its frame
    return None if cues().reference_head.fullmatch(phrase) else phrase


def _counted_by(sent: Sentence, fig: Figure, noun: str, floor: int, subject: str) -> str:
    """The indicator of a bare counted noun (`noun`), from the predicate before the figure."""
    c = cues()
    pred = _predicate(sent, fig.start, floor)
    if pred is None:
        return _fuller_mention(sent, fig, noun) or noun
    verb, vp_start = pred
    two = " ".join(sent.text[max(sent.start, vp_start - 6):fig.start].lower().split()[-3:])
    if verb in c.existential or any(two.startswith(e) or f" {e} " in f" {two} " for e in c.existential if " " in e):
        if subject and c.measure.match(subject):
            return subject  # `Tổng số lao động ... có trên 59.020 người`: a total's subject names it
        return _fuller_mention(sent, fig, noun) or noun
    if verb in c.link_verbs or verb in c.share_verbs:
        return subject or _fuller_mention(sent, fig, noun) or noun
    vp = _clean(sent.text[vp_start:fig.start], tail_links=True, head_links=False, subject=False)
    return _limit(f"{noun} {vp}") if vp and vp.lower() != noun.lower() else noun


@lru_cache(maxsize=512)
def _noun_rx(noun: str) -> re.Pattern[str]:
    return re.compile(alternation([noun], bounded=True), re.IGNORECASE)


def _fuller_mention(sent: Sentence, fig: Figure, noun: str) -> str | None:
    """`triển khai dịch vụ công thiết yếu: 43/53 dịch vụ`: the same noun with its modifiers
    earlier in the clause (up to a `,`/`;` before the figure)."""
    text = sent.text
    bounds = [b for b in sent.bounds if b[1] <= fig.start and text[b[0]:b[1]].strip() in ",;"]
    left = sent.left_start(fig.start, 0, bounds)
    m = _noun_rx(noun).search(text, left, fig.start)
    if not m:
        return None
    span = text[m.start():fig.start]
    span = span[:re.search(r"\d|$", span).start()]
    fuller = _clean(span, tail_links=True, head_links=False, subject=False)
    return _limit(fuller) if fuller and len(fuller.split()) > len(noun.split()) else None


# --- tables -----------------------------------------------------------------------------

def _table_row_label(text: str, fig: Figure) -> str | None:
    """In a table row (`1 | Dịch vụ công ... | 30% | 100% |`), the first text cell before
    the figure's cell names what the row measures."""
    ls = text.rfind("\n", 0, fig.start) + 1
    le = text.find("\n", fig.end)
    le = len(text) if le < 0 else le
    if text.count("|", ls, le) < 2:
        return None
    for cell in text[ls:fig.start].split("|")[:-1]:  # cells left of the figure's cell
        label = cell.strip().rstrip(".:;")
        if re.search(r"[^\W\d_]", label) and not re.fullmatch(r"[\d\W]+", label):
            return _limit(" ".join(label.split()))
    return None


# --- one figure, one sentence -----------------------------------------------------------

TRACE: dict[int, str] | None = None  # figure start -> the reading that named it (for diagnostics)


def _trace(fig: Figure, how: str) -> None:
    if TRACE is not None:
        TRACE[fig.start] = how


def _indicator(sent: Sentence, fig: Figure, prev: str | None, floor: int, after: int) -> str | None:
    row = _table_row_label(sent.text, fig)
    if row:
        _trace(fig, "row")
        return row
    kind = _unit_kind(sent.text, fig)
    np = _after_np(sent, fig, kind, after)
    if np and not np[1] and kind == "counted":
        listed = _measure_before(sent, fig.start, floor, listed_only=True)
        # (a total frames the count; growth of a count, `tăng trưởng 2 vùng`, names no size)
        if listed and not cues().reference_head.fullmatch(listed) and not cues().growth_tail.match(listed):
            _trace(fig, "measure-before-counted")  # `quy mô 4 làn xe cao tốc`: the measure named
            return listed
    if np and not np[1] and kind != "%":
        _trace(fig, f"after-{kind}")
        return np[0]
    own, growth = _subject(sent, fig.start, floor, bool(prev))
    if np and not np[1]:
        if not (own and cues().rate_head.match(own) and not cues().level_head.match(own)):
            _trace(fig, f"after-{kind}")
            return np[0]
        if cues().bare_rate.match(own):
            _trace(fig, "rate-after-%")  # `tỷ lệ 82% số dân tham gia BHYT`: the rate of that
            return _limit(f"{own} {np[0]}")
        # `mức đóng năm 2019 là 4,8% lương cơ sở`: a rate named before the number is what is
        # measured; the noun phrase after the percentage is its base
        np = None
    if own and cues().modifier_only.fullmatch(own):
        # `(bình quân 260.000 tỷ đồng/năm)`: a modifier names no measure; whose it is comes before
        whose = _strip_growth(prev) if prev else _earlier_clause_subject(sent, fig.start, floor)
        own = f"{whose} {own}" if whose else own
    if own and cues().rate_head.match(own) and _opened_by_with(sent, fig.start, floor):
        # `Lạm phát cơ bản tăng thấp với mức tăng bình quân 1,52%`: whose rate it is
        whose = prev and _strip_growth(prev) or _earlier_clause_subject(sent, fig.start, floor)
        own = f"{own} {whose}" if whose and whose.lower() not in own.lower() else own
    if own and _names_nothing(sent, own, fig.start, floor):
        own = ""  # `còn lại 1.448 tỷ`, `với tổng là 5,03 tỷ đồng`: the measure is named elsewhere
    subject = own
    _trace(fig, f"subject-{kind}")
    if not subject and growth and growth.lower() == "tăng trưởng":
        _trace(fig, "growth-only")
        return growth
    if not subject and prev:
        _trace(fig, f"prev-{kind}")
        subject = _strip_growth(prev)  # a clause without a subject shares the one before it
    if not subject:
        _trace(fig, f"earlier-{kind}")
        subject = _earlier_clause_subject(sent, fig.start, floor) or _topic(sent)
    if not subject and growth:
        _trace(fig, "growth-only")
        return growth  # `Tăng trưởng 6,7%`
    if subject and cues().bare_rate.match(subject) and prev:
        subject = _strip_growth(prev)  # `đạt tỷ lệ 28,6%`: the measure of the figure before
    subject = _with_growth(_limit(subject), growth)
    if kind == "%" and subject:
        base = cues().plan_base.match(sent.text, after)
        if base:  # `đạt 111,7% kế hoạch`: a share of the plan is read against it
            subject = f"{subject} {' '.join(base.group(1).split())}"
    if np:  # a bare counted noun
        before = _measure_before(sent, fig.start, floor)
        if before and cues().reference_head.fullmatch(before):
            _trace(fig, "total-before-bare")  # `trong tổng số 15.000 phiếu khảo sát`: what is counted
            return np[0]
        if before:  # `quy mô 4 làn xe`, `với số lượng từ 180.000 con`: the measure noun names it
            _trace(fig, "measure-before-bare")
            return before
        if prev and not own:
            shared = _strip_growth(prev)
            if shared.lower().split()[:len(np[0].split())] == np[0].lower().split():
                # `82/97 xã đạt tiêu chí thủy lợi, tăng 74 xã`: the clause without a subject
                # counts the same noun as the figure before: the same measure
                _trace(fig, "prev-same-noun")
                return _with_growth(shared, growth)
        _trace(fig, "bare")
        return _counted_by(sent, fig, np[0], floor, _with_growth(_limit(own), growth))
    return subject or None


def _names_nothing(sent: Sentence, phrase: str, pos: int, floor: int) -> bool:
    """Whether a subject phrase read before the number at `pos` names no measure: a bare
    total (`với tổng là 5,03 tỷ đồng`), or words none of which is a noun, a verb or an
    adjective (`rộng`, `dài` name a dimension): an adverb left of `còn lại`, a pronoun
    (`ta có trên 10.000 tỷ`), a conjunction such as `tức`."""
    if " ".join(phrase.lower().split()) in cues().bare_totals:
        return True
    toks = phrase.lower().split()
    words = sent.words_between(sent.left_start(pos, floor), pos)
    own = [w for w in words if all(t in toks for t in w.text.lower().split())]
    return bool(own) and not any(w.pos in _NAMING_TAGS for w in own)


_NAMING_TAGS = NOUN_TAGS | VERB_TAGS | {"A"}


def _denominator_end(sent: Sentence, end: int) -> int:
    """Where the `/denominator` words right after a figure ending at `end` end (each a word of
    the segmenter: `/hành khách` is one), else `end`."""
    while True:
        m = _PER.match(sent.text, end)
        w = sent.word_at(m.end()) if m else None
        if w is None:
            return end
        end = w.end


def _range_partners(text: str, figures: list[Figure]) -> dict[int, Figure]:
    """Lower bound -> upper bound for the two figures of one range (`24 – 30 tỷ USD`), and a
    bare number -> the figure whose unit it shares (`cỡ 30 và 40 con/kg`, figures.py's
    shared-unit bound): both measure one thing, so they read one indicator."""
    out = {}
    for a, b in zip(figures, figures[1:]):
        if b.start - a.end > 6:
            continue
        joint = text[a.end:b.start]
        if _RANGE_JOINT.match(joint) and (a.unit == b.unit or a.end - a.start <= 8):
            out[id(a)] = b
        elif SHARED_UNIT in a.source and _PAIR_JOINT.match(joint):
            out[id(a)] = b
    return out


def annotate(doc: Analysis, figures: list[Figure]) -> list[Figure]:
    """The figures of one sentence, in text order, with `indicator` and `year` filled.

    The figures are read together: the words of one figure are not the next one's, a
    clause without a subject shares the previous figure's, and the two bounds of a range
    share one indicator.
    """
    if not figures:
        return []
    text = doc.text
    span = figures[0].sentence
    sent = Sentence(text, span, doc.words(span), doc.claimed)
    figs = sorted(figures, key=lambda f: (f.start, f.end))
    sent.figure_starts = [f.start for f in figs]
    sent.period_starts = [p.start for p in doc.context.periods_in(span[0], span[1]) if p.kind != "rate"]
    partners = _range_partners(text, figs)
    out: list[Figure] = []
    prev: str | None = None
    floor = span[0]
    lower: dict[int, str | None] = {}
    for fig in figs:
        upper = partners.get(id(fig))
        if id(fig) in lower:
            indicator = lower[id(fig)]
        else:
            indicator = _indicator(sent, fig, prev, floor, upper.end if upper else fig.end)
            if upper is not None:
                lower[id(upper)] = indicator
        # a rate's denominator written after the figure ("40 con/kg", "5 tấn/ha", "đồng/hành
        # khách") is the figure's, never the start of the next figure's subject ("con/kg tăng
        # 20.000 đồng/kg": not "kg tăng")
        floor = max(floor, _denominator_end(sent, (upper or fig).end))
        prev = indicator or prev
        year = figure_year(doc.context, fig.start, fig.end)
        out.append(fig.with_(indicator=indicator or None, year=year))
    return out
