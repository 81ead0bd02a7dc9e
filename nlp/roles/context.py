"""Where a figure stands: its own unit words, its clause, the window of its sentence that
is read, the lead-in of the list or table it is in, and the sentence before it.

Everything here works on characters (the words only refine "just before / just after"),
so the rule vote and the features read the same context.
"""
from __future__ import annotations

import re

from ..figures import slash_continued
from ..records import Figure
from ..segment import CLAUSE_BREAK, Word

# How far "just before / just after" reaches, in words (characters when no words).
NEAR_WORDS_LEFT = 4
NEAR_WORDS_RIGHT = 3
NEAR_CHARS = 25
_CLAUSE_BREAK = re.compile(CLAUSE_BREAK)
_NUMBER_HEAD = re.compile(r"^[\d.,\s/–-]+")
_MULTIPLIERS = ("nghìn", "ngàn", "triệu", "tỷ", "tỉ")
_MONEY = ("đồng", "usd", "vnd", "vnđ", "euro", "eur", "đô la", "usd/năm")


def clause(text: str, sent: tuple[int, int], fig: Figure) -> tuple[int, int]:
    """The clause around the figure: from the last break before it to the first after it.

    A figure alone in parentheses ("... Chính phủ giao (8%)") belongs to the clause it
    glosses, so the clause then reaches back past the "(".
    """
    s, e = sent
    breaks = [m for m in _CLAUSE_BREAK.finditer(text, s, fig.start)]
    left = breaks[-1].end() if breaks else s
    if breaks and breaks[-1].group() == "(" and not text[left:fig.start].strip():
        left = breaks[-2].end() if len(breaks) > 1 else s
    m = _CLAUSE_BREAK.search(text, fig.end, e)
    right = m.start() if m else e
    return left, right


def counted_noun(fig: Figure) -> str:
    """The unit words written after the number (lowercase, multipliers dropped), '' if none."""
    if fig.unit and fig.unit != "%":
        # a unit that a slash continues (`tấn/ha`, `tỉnh/thành phố`) counts what its head counts
        return fig.unit.partition("/")[0].lower() if slash_continued(fig.unit) else fig.unit.lower()
    tail = _NUMBER_HEAD.sub("", fig.text or "").strip().lower()
    if "/" in tail and tail.split("/")[0].strip() in ("tổng số", "mục tiêu", ""):
        tail = _NUMBER_HEAD.sub("", tail.split("/", 1)[-1]).strip()
    tail = re.sub(r"^(?:tổng số|mục tiêu)\s*[\d.,]+\s*", "", tail)
    words = [w for w in tail.split() if w not in _MULTIPLIERS]
    return " ".join(words)


def unit_kind(fig: Figure) -> str:
    t = (fig.text or "").lower()
    unit = (fig.unit or "").lower()
    if "%" in t or unit == "%" or "phần trăm" in t:
        return "pct"
    if any(m in t for m in _MONEY) or unit in _MONEY:
        return "money"
    if re.search(r"\d\s*/\s*(?:tổng số\s*)?\d", t):
        return "ratio"
    if counted_noun(fig):
        return "counted"
    return "bare"


_ITEM = re.compile(r"^\s*(?:[-+•*–—▪◦·]\s|\(?\d{1,2}[.)]\s|\(?[a-zđ][.)]\s|\(?[ivxIVX]{1,4}[.)]\s|\|)")
_LEAD_LOOKBACK_LINES = 40
_LINE_CHARS = 2000
# Context considered around a figure inside its sentence: real sentences are shorter; a
# text without punctuation must not make the cost per figure grow with its length.
_WINDOW_LEFT = 600
_WINDOW_RIGHT = 300
# The end of a sentence: terminal punctuation followed by space ("50.350" has none).
_SENT_END = re.compile(r"[.!?…][”\"»)]?(?=\s)")
_PREV_SENT_CHARS = 400


def _lines_before(text: str, pos: int):
    """(start, end) of the non-empty lines before the line holding `pos`, nearest first.

    Lines longer than _LINE_CHARS end the walk (a heading is short; this also keeps the
    cost per figure bounded on a text with no line breaks).
    """
    end = text.rfind("\n", max(0, pos - _LINE_CHARS), pos)
    n = 0
    while end > 0 and n < _LEAD_LOOKBACK_LINES:
        start = text.rfind("\n", max(0, end - _LINE_CHARS), end) + 1
        if start == 0 and end > _LINE_CHARS:
            return
        if text[start:end].strip():
            n += 1
            yield start, end
        end = start - 1


def previous_sentence(text: str, start: int) -> tuple[int, int] | None:
    """The sentence before `start` in the same paragraph (plans run over several sentences)."""
    lo = max(0, start - _PREV_SENT_CHARS)
    para = text.rfind("\n\n", lo, start)
    lo = para + 2 if para >= 0 else lo
    head = text[lo:start].rstrip()
    if not head:
        return None
    ends = [m.end() for m in _SENT_END.finditer(head, 0, max(0, len(head) - 1))]
    a = lo + (ends[-1] if ends else 0)
    while a < start and text[a].isspace():
        a += 1
    return (a, lo + len(head)) if a < lo + len(head) else None


def lead_in(text: str, sentence: tuple[int, int]) -> tuple[str, list[tuple[int, int]]]:
    """The lines that introduce a list item or table row (or a paragraph after "...:").

    Goals are often written as a heading ("Mục tiêu đến năm 2025:", "... như sau:")
    followed by bare items ("- 80% người dân ..."): the item's own sentence has no cue,
    its lead-in has. Returns (kind, spans) with kind "list", "table", "colon" or "".
    """
    s = sentence[0]
    line_start = text.rfind("\n", max(0, s - _LINE_CHARS), s) + 1
    if line_start == 0 and s > _LINE_CHARS:
        return "", []  # inside a very long line: no list item, no heading
    line_end = text.find("\n", s, s + _LINE_CHARS)
    line = text[line_start:line_end if line_end >= 0 else min(len(text), s + _LINE_CHARS)]
    if "|" in line and line.count("|") >= 2:
        kind = "table"
    elif _ITEM.match(line):
        kind = "list"
    else:
        prev = next(_lines_before(text, line_start + 1), None)
        if prev is None or not text[prev[0]:prev[1]].rstrip().endswith(":"):
            return "", []
        return "colon", [prev]
    spans: list[tuple[int, int]] = []
    for a, b in _lines_before(text, line_start + 1):
        ln = text[a:b].strip()
        if _ITEM.match(ln) or ln.count("|") >= 2:
            if ln.endswith(":") or len(ln) < 50:  # a sub-heading such as "(1) Năm 2025:"
                spans.append((a, b))
            continue
        spans.append((a, b))  # the paragraph that opens the list
        break
    return kind, spans


def window(text: str, fig: Figure, sentence: tuple[int, int]) -> tuple[int, int]:
    """The sentence, widened to hold the figure and clipped to a window around it."""
    s, e = min(sentence[0], fig.start), max(sentence[1], fig.end)
    s, e = max(s, fig.start - _WINDOW_LEFT, 0), min(e, fig.end + _WINDOW_RIGHT, len(text))
    return s, max(e, fig.end)



def near_left_start(words: list[Word], fig: Figure, lo: int) -> int:
    before = [w for w in words if w.end <= fig.start and w.start >= lo]
    if not before:
        return max(lo, fig.start - NEAR_CHARS)
    return before[-min(NEAR_WORDS_LEFT, len(before))].start


def near_right_end(words: list[Word], fig: Figure, hi: int) -> int:
    after = [w for w in words if w.start >= fig.end and w.end <= hi]
    if not after:
        return min(hi, fig.end + NEAR_CHARS)
    return after[min(NEAR_WORDS_RIGHT, len(after)) - 1].end



def sentence_for(text: str, fig: Figure) -> tuple[int, int]:
    """The span whose context decides the figure's role: its sentence, or the line holding
    it when the figure runs past its sentence (a split inside `14.727/15.981 cửa hàng`)."""
    s, e = fig.sentence
    if s <= fig.start and fig.end <= e:
        return fig.sentence
    start = text.rfind("\n", 0, fig.start) + 1
    end = text.find("\n", fig.end)
    return (start, len(text) if end < 0 else end)
