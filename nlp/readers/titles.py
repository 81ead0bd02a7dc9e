"""Title and dateline of a canonical text (both read from its top lines only).

A table row (`| BỘ Y TẾ | CỘNG HÒA XÃ HỘI … |`, how the readers write tables) counts
cell by cell: an official letterhead is a two-cell table in most .doc/.docx files.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

_TITLE_MAX = 300
# A date standing as a page's dateline: "Ngày 09/08/2022-13:12:00 PM", "8:42, Thứ Tư, 1-12-2021",
# "Hà Nội, ngày 22 tháng 11 năm 2025". The year is required: "Chiều 12/7" is not a dateline.
_DATE_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)(?!\d)")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)(?!\d)", re.I)
_DATELINE_MAX = 80  # a longer line is a sentence that mentions a date, not a dateline
_DATELINE_SCAN = 12  # non-empty lines at the top of a text where a dateline may stand
_CELL = re.compile(r"[^|]+")


def valid_date(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _is_row(line: str) -> bool:
    return line.startswith("|") and line.endswith("|") and len(line) > 1


def _top_lines(text: str, limit: int) -> list[tuple[int, str]]:
    """(offset, stripped line) of the first `limit` non-empty lines; a table row gives its cells."""
    out: list[tuple[int, str]] = []
    pos = 0
    for raw in text.split("\n", 400)[:400]:
        line = raw.strip()
        if line:
            at = pos + raw.index(line[0])
            if _is_row(line):
                for m in _CELL.finditer(line):
                    cell = m.group().strip()
                    if cell:
                        out.append((at + m.start() + m.group().index(cell[0]), cell))
            else:
                out.append((at, line))
            if len(out) >= limit:
                return out[:limit]
        pos += len(raw) + 1
    return out


def _dateline(text: str, pos: int, line: str) -> str | None:
    """The date of a short line that is a dateline; a worded date may wrap onto the next line."""
    if len(line) > _DATELINE_MAX:
        return None
    window = text[pos:pos + len(line) + 40]
    m = _DATE_WORDS.search(window)
    if m and m.start() < len(line):
        return valid_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = _DATE_DMY.search(line)
    return valid_date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None


def find_date_line(text: str) -> str | None:
    """ISO date of the dateline near the top of `text` ("Ngày 09/08/2022-13:12", "Hà Nội, ngày 22
    tháng 11 năm 2025"), or None. Only short lines count: a sentence mentioning a date is not one."""
    for pos, line in _top_lines(text, _DATELINE_SCAN):
        found = _dateline(text, pos, line)
        if found:
            return found
    return None


@lru_cache(maxsize=1)
def _doc_type_headings() -> frozenset[str]:
    """Document-type words as an official document's heading writes them ("THÔNG BÁO"),
    from rules/doc_types.yml (owned by the legal-reference work; read, not redefined)."""
    from .. import rules

    try:
        types = [r for r in rules.load("doc_types") if r.get("kind") == "type"]
        return frozenset(" ".join(str(w).split()).upper() for r in types for w in r.get("words") or ())
    except Exception:  # noqa: BLE001 - a title is a nicety; never fail reading for it
        return frozenset()


def _official_title(lines: list[tuple[int, str]]) -> str | None:
    """"THÔNG BÁO KẾT LUẬN CỦA …": an official document's upper-case type line and the
    upper-case subject lines under it (hard-wrapped), when the text has that layout."""
    headings = _doc_type_headings()
    for k, (_, line) in enumerate(lines):
        if line.isupper() and " ".join(line.split()) in headings:
            subject = []
            for _, nxt in lines[k + 1:k + 8]:
                if not nxt.isupper() or _dateline(nxt, 0, nxt):
                    break
                subject.append(nxt)
            return " ".join([line, *subject]) if subject else None
    return None


def _clip(title: str) -> str:
    return title if len(title) <= _TITLE_MAX else title[:_TITLE_MAX].rsplit(" ", 1)[0] + "…"


def first_line_title(text: str) -> str | None:
    """The official heading if the text is an official document; else the first non-empty
    line that is neither a page leftover nor a dateline.

    Only the top lines are looked at: the leftover rules run over the text up to the last
    candidate line, never over the whole document (the pipeline does that pass once).
    """
    from ..leftovers import find_leftovers

    head = text[:20000]
    official = _official_title(_top_lines(head, 25))
    if official:
        return _clip(official)
    top = _top_lines(head, _DATELINE_SCAN)
    if not top:
        return None
    last_pos, last_line = top[-1]
    line_end = head.find("\n", last_pos + len(last_line))
    window = head if line_end < 0 else head[:line_end]
    leftover = [(r.start, r.end) for r in find_leftovers(window)]
    for pos, line in top:
        if any(s <= pos < e for s, e in leftover) or _dateline(head, pos, line):
            continue
        title = line.lstrip("#* ").rstrip("*").strip()
        if title:
            return _clip(title)
    return None
