"""Document structure on characters: units (lines or paragraphs), sentences, headings, list
items and their scope, and the frames that lead-ins open.

Units. A unit is a line, except in hard-wrapped text (PDF extractions), where lines that
run on (no final punctuation, next line not a list item) are one unit. Offsets always
index the original text; nothing is rewritten.

Headings and items. A unit is an item when it opens with a marker ("-", "+", "•", "1.",
"1)", "(1)", "a)", "I.", "Điều 3.") or is a table row; a heading when it is short, has no
final period and is not followed by more of the same sentence, or is a numbered/roman
heading or in capitals. Levels nest: roman < number < sub-number < letter < bullet < plus.

Frames. A lead-in opens a frame over what it introduces:
- a heading or numbered unit: its section, up to the next unit of the same or an outer level;
- a unit ending in ":" : the items after it (or, if none, the next unit);
- a ":" inside a sentence: the rest of the sentence (to the closing bracket when opened
  inside one), continued by following sentences that open with an item marker;
- a sentence with ";" (a chain) or any sentence: the sentence; its lead-in is the part
  before its first figure-like number. A sentence that opens with "Trong đó", "Cụ thể",
  "Theo đó" ... continues the frame of the sentence before it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import compiled

BODY = 100  # level of a plain paragraph

_MARKERS: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("markdown", 0, re.compile(r"#{1,6}\s+")),
    ("article", 2, re.compile(r"(?:Điều|Mục|Phần|Chương)\s+(?:\d+|[IVXL]+)\s*[.:]\s*")),
    ("roman", 2, re.compile(r"(?:[IVX]{1,5})\s*[.)]\s+")),
    ("subnumber", 4, re.compile(r"\d{1,2}\.\d{1,2}\.?(?:\d{1,2}\.?)?\s+")),
    ("number", 3, re.compile(r"(?:\d{1,2}\s*[.)](?!\d)|\(\d{1,2}\))\s*")),
    ("letter", 5, re.compile(r"(?:[a-zđ]\s*\)|\([a-zđ]\)|\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\))\s*")),
    ("bullet", 6, re.compile(r"[-–—•●▪■◦*]\s*")),
    ("plus", 7, re.compile(r"\+\s*")),
)
# the same markers inside a running paragraph (baomoi bodies are one line): ". - ", "; + "
_INLINE_ITEM = re.compile(r"(?:[-–•+]\s|[a-zđ]\)\s|\(\d{1,2}\)\s|\d{1,2}\)\s)")
_SENT_END = re.compile(r"([.!?…]+)([\"”’»)\]]*)(\s+)([\"“‘«(\[]?)(\S)")
_FIGURE_NUMBER = re.compile(r"(?<![\w/.,])\d+(?:[.,]\d+)*")
_LEGAL_NUMBER = re.compile(r"\d+\s*[/-]\s*(?:\d{4}\s*/\s*)?[A-ZĐ]|(?:số|thứ|lần|khóa|khoá|Điều|khoản|điểm|mục|Mục|Chương)\s+$")


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    marker: str | None
    level: int
    heading: bool
    lead: bool  # ends with ":"
    body_start: int  # after the marker


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    unit: int  # index of its unit
    continues: bool  # opens with "Trong đó", "Cụ thể", ...


@dataclass(frozen=True)
class Scope:
    """Something a lead-in introduces: the lead-in span and the span it governs."""
    lead_start: int
    lead_end: int
    start: int
    end: int
    shape: str  # section / list / inline / chain / sentence
    depth: int  # nesting order for ties: larger = inner


# --- units ------------------------------------------------------------------------------

def _raw_lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append((s, e))
    return out


def _marker(text: str, s: int, e: int) -> tuple[str | None, int, int]:
    line = text[s:e]
    if line.count("|") >= 2:
        return "row", 6, s
    for name, level, rx in _MARKERS:
        m = rx.match(line)
        if m and m.end() < len(line):
            if name == "roman" and not re.match(r"[IVX]+\s*[.)]\s+\S", line):
                continue
            if name == "number" and re.match(r"\d{1,2}\s*\.\s*\d", line):
                continue
            return name, level, s + m.end()
    return None, BODY, s


def _wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    """Hard-wrapped text: many lines run on into a next line that starts in lower case."""
    runs = total = 0
    for (s, e), (s2, e2) in zip(lines, lines[1:]):
        if e <= s:
            continue
        total += 1
        if e2 > s2 and text[e - 1] not in ".:;!?" and text[s2].islower():
            runs += 1
    return total >= 6 and runs >= 3 and runs >= 0.2 * total


def find_units(text: str) -> list[Unit]:
    lines = _raw_lines(text)
    wrapped = _wrapped(text, lines)
    spans: list[tuple[int, int]] = []
    cur: list[int] | None = None
    for s, e in lines:
        if e <= s:
            if cur:
                spans.append((cur[0], cur[1]))
            cur = None
            continue
        if cur and wrapped and text[cur[1] - 1] not in ".:;!?" and _marker(text, s, e)[0] is None:
            cur[1] = e
            continue
        if cur:
            spans.append((cur[0], cur[1]))
        cur = [s, e]
    if cur:
        spans.append((cur[0], cur[1]))
    units = []
    for i, (s, e) in enumerate(spans):
        marker, level, body = _marker(text, s, e)
        line = text[s:e]
        last = line.rstrip("*_ ")[-1:] if line.rstrip("*_ ") else ""
        words = len(line.split())
        caps = words <= 25 and sum(ch.isupper() for ch in line) > 0.6 * sum(ch.isalpha() for ch in line) > 0
        heading = (marker == "markdown" or (marker in ("roman", "article") and words <= 25)
                   or (last not in ".;," and words <= 20 and not text[s].islower()
                       and marker in (None, "number", "subnumber", "letter", "roman"))
                   or (caps and words <= 25))
        if heading and marker is None:
            level = 1 if caps else 2
        units.append(Unit(s, e, marker, level, heading, last == ":", body))
    return units


# --- sentences --------------------------------------------------------------------------

def find_sentences(text: str, units: list[Unit]) -> list[Sentence]:
    c = compiled()
    out = []
    for ui, u in enumerate(units):
        s = u.start
        for m in _SENT_END.finditer(text, u.start, u.end):
            nxt = m.group(5)
            if not (nxt.isupper() or nxt.isdigit() or nxt in "•-–+"):
                continue
            if m.group(1) == ".":
                word = re.search(r"(\w+)$", text[max(u.start, m.start() - 8):m.start()])
                if word and word.group(1) in c.abbreviations:
                    continue
            e = m.start() + len(m.group(1)) + len(m.group(2))
            out.append(_sentence(text, s, e, ui))
            s = m.start(4)
        if s < u.end:
            out.append(_sentence(text, s, u.end, ui))
    return out


def _sentence(text: str, s: int, e: int, ui: int) -> Sentence:
    return Sentence(s, e, ui, bool(compiled().continuation.match(text, s, e)))


def lead_end(text: str, s: int, e: int, blocked: list[tuple[int, int]]) -> int:
    """Where a sentence's lead-in ends: at its first figure-like number (not a year, a date,
    a legal number or an ordinal), else at its end."""
    for m in _FIGURE_NUMBER.finditer(text, s, e):
        if any(a <= m.start() < b for a, b in blocked):
            continue
        if _LEGAL_NUMBER.match(text, m.start()) or _LEGAL_NUMBER.search(text[max(s, m.start() - 8):m.start()]):
            continue
        return m.start()
    return e


# --- scopes -----------------------------------------------------------------------------

def _close_bracket(text: str, s: int, e: int) -> int | None:
    """If position s is inside an open "(", the position of its ")" before e."""
    depth = 0
    for i in range(s, e):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return i
            depth -= 1
    return None


def find_scopes(text: str, units: list[Unit], sentences: list[Sentence],
                blocked: list[tuple[int, int]]) -> list[Scope]:
    c = compiled()
    scopes: list[Scope] = []
    n = len(units)
    # sections: a heading or numbered unit governs what follows up to the next unit of its level
    for i, u in enumerate(units):
        if i == 0 and u.heading and u.marker is None:
            continue  # the title frames nothing but itself
        if u.heading or u.marker in ("roman", "number", "subnumber", "letter", "article"):
            j = i + 1
            while j < n:
                v = units[j]
                if v.level <= u.level and (v.heading or v.marker is not None):
                    break
                if u.marker in (None, "markdown") and v.heading and v.level <= u.level:
                    break
                j += 1
            if j > i + 1:
                scopes.append(Scope(u.body_start, u.end, units[i + 1].start, units[j - 1].end, "section", u.level))
        elif u.marker in ("bullet", "plus", "row") and i + 1 < n and units[i + 1].level > u.level \
                and units[i + 1].marker is not None:
            j = i + 1
            while j < n and units[j].marker is not None and units[j].level > u.level:
                j += 1
            scopes.append(Scope(u.start, u.end, units[i + 1].start, units[j - 1].end, "list", u.level))
    # units ending in ":" introduce the items after them
    for i, u in enumerate(units):
        if not u.lead or i + 1 >= n:
            continue
        if c.not_lead.search(text[u.start:u.end - 1]):
            continue
        j = i + 1
        if units[j].marker is None or units[j].heading and units[j].marker in (None, "markdown"):
            j += 1  # one paragraph, or one heading-like line
        else:
            # the items up to a sibling or an outer unit of a numbered lead ("(1) Năm 2025:" ... "(2)")
            while j < n and units[j].marker is not None and not (
                    units[j].level <= u.level if u.marker is not None
                    else units[j].heading and units[j].level < u.level):
                j += 1
        ls = _lead_start(text, sentences, u.end - 1, u.start)
        scopes.append(Scope(ls, u.end, units[i + 1].start, units[j - 1].end, "list", 50 + min(u.level, 49)))
    # inline colons: the rest of the sentence (or bracket), and inline items after it
    for k, sent in enumerate(sentences):
        for m in re.finditer(r":\s+(?=\S)", text[sent.start:sent.end]):
            pos = sent.start + m.start()
            if pos + 1 >= units[sent.unit].end:
                continue
            label = text[max(sent.start, pos - 40):pos]
            if c.not_lead.search(label):
                continue
            end = sent.end
            close = _close_bracket(text, pos, sent.end)
            if close is not None:
                end = close
            else:
                # inline items after the sentence: marked ("- ", "+ ") or parallel, opening with
                # the same words as the first item ("Khu vực nông nghiệp ... . Khu vực công nghiệp ...")
                first = _opening(text, sent.start + m.end(), sent.end)
                kk = k + 1
                while kk < len(sentences) and sentences[kk].unit == sent.unit and (
                        _INLINE_ITEM.match(text, sentences[kk].start)
                        or (first and _opening(text, sentences[kk].start, sentences[kk].end) == first)):
                    end = sentences[kk].end
                    kk += 1
            ls = _lead_start(text, sentences, pos, units[sent.unit].start)
            scopes.append(Scope(ls, pos + 1, sent.start + m.end(), end, "inline", 200))
    # sentences (chains included): the lead-in is the part before the first figure-like number;
    # a sentence opening with "Trong đó", "Cụ thể" ... continues the one before it
    prev: Scope | None = None
    for k, sent in enumerate(sentences):
        le = lead_end(text, sent.start, sent.end, blocked)
        shape = "chain" if ";" in text[sent.start:sent.end] else "sentence"
        if sent.continues and prev is not None and k > 0 and sentences[k - 1].unit == sent.unit:
            # the continuing sentence keeps its own lead-in (inner) and extends the previous frame
            scopes.append(Scope(prev.lead_start, prev.lead_end, prev.start, sent.end, "continued", 299))
        cur = Scope(sent.start, le, sent.start, sent.end, shape, 300)
        scopes.append(cur)
        scopes.extend(_clauses(text, sent, blocked))
        if not sent.continues or prev is None:
            prev = cur
        else:
            prev = Scope(prev.lead_start, prev.lead_end, prev.start, sent.end, prev.shape, 300)
    return scopes


def _opening(text: str, s: int, e: int, n: int = 2) -> tuple[str, ...] | None:
    """The first n words of text[s:e], lower-cased (None when shorter)."""
    words = re.findall(r"[^\W\d_]+", text[s:min(e, s + 60)])[:n]
    return tuple(w.lower() for w in words) if len(words) == n else None


# a coordinator followed by a word opens a clause with its own predicate: in "tỷ lệ bao phủ đã
# đạt 79% và sẽ phấn đấu đến năm 2020 đạt trên 90%" the second figure is led by "sẽ phấn
# đấu ...", not by the first figure's "đã đạt" ("5% và 7%" stays one clause)
_DIGIT = re.compile(r"\d")
_CLAUSE_BREAK = re.compile(r"[,;]\s+|\s*[()]\s*|\s[-–]\s|\s(?:và|còn|nhưng|song|đồng\s+thời)\s(?=[^\W\d_]+\s)")


def _clauses(text: str, sent: Sentence, blocked: list[tuple[int, int]]) -> list[Scope]:
    """The clauses of a sentence (between ", ", "; ", brackets, " - " and a coordinator before
    a new predicate), each led by the part before its first figure-like number: a strong cue
    there governs its own clause. A bracketed aside is a clause of its own, and the words after
    it continue the clause it interrupts: in "sẽ chào bán cổ phần (IPO) hơn 1,5 triệu cổ phần"
    the figure is led by "sẽ chào bán cổ phần (IPO) hơn"."""
    out, s = [], sent.start
    interrupted: list[int] = []  # starts of the clauses that an open bracket interrupts
    resume: int | None = None
    for m in [*_CLAUSE_BREAK.finditer(text, sent.start, sent.end), None]:
        e = m.start() if m is not None else sent.end
        if e > s and _DIGIT.search(text, s, e):  # a clause with no digit holds no figure to frame
            out.append(Scope(s if resume is None else resume, lead_end(text, s, e, blocked), s, e, "clause", 400))
        resume = None
        if m is not None:
            mark = m.group().strip()
            if mark == "(":
                interrupted.append(s)
            elif mark == ")" and interrupted:
                resume = interrupted.pop()
            s = m.end()
    return out


def _lead_start(text: str, sentences: list[Sentence], pos: int, floor: int) -> int:
    """The start of the sentence that holds `pos` (the lead-in of a colon is its sentence)."""
    best = floor
    for sent in sentences:
        if sent.start <= pos:
            best = max(best, sent.start)
        else:
            break
    return best
