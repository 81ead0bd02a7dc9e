"""Select-to-add and span fixes, the page-free part: which marks a window of an article
shows, reading a browser selection back as offsets into the stored text, and the draft of
a record a reviewer adds (its fields guessed from the selection, then edited in a form).

Long articles are shown a page at a time (`pages`): a 5 MB text is never drawn whole.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable

from ..records import FIELDS, as_dict
from ..spans import sentence_around, trim_selection
from .highlight import KINDS, kind_of, tooltip

PAGE_CHARS = 20_000  # characters of an article drawn at once (a page ends at a line break)


# ---------------------------------------------------------------- pages of a long text
def pages(text: str, size: int = PAGE_CHARS) -> list[tuple[int, int]]:
    """(start, end) of consecutive pages of at most about `size` characters, each ending
    after a line break where there is one in its last half (else at `size`)."""
    n = len(text)
    if n <= size:
        return [(0, n)]
    out, start = [], 0
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.rfind("\n", start + size // 2, end)
            if cut != -1:
                end = cut + 1
        out.append((start, end))
        start = end
    return out


def page_of(bounds: list[tuple[int, int]], offset: int) -> int:
    """The index of the page holding `offset` (the last page for an offset past the end)."""
    for i, (s, e) in enumerate(bounds):
        if s <= offset < e:
            return i
    return max(0, len(bounds) - 1)


def window_marks(records: Iterable[Any], start: int, end: int) -> list[dict[str, Any]]:
    """The marks of the records inside [start, end), relative to `start`, sorted, without
    overlaps (an overlapping later or shorter one stays in the tables): for select_text."""
    spans = []
    for r in records:
        d = as_dict(r)
        try:
            s, e = int(d["start"]), int(d["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if start <= s < e <= end:
            spans.append((s, -e, d))
    spans.sort(key=lambda x: (x[0], x[1]))
    out, last = [], start
    for s, neg_e, d in spans:
        if s < last:
            continue
        kind = kind_of(d)
        out.append({"s": s - start, "e": -neg_e - start, "kind": kind, "label": KINDS[kind].label,
                    "color": KINDS[kind].color, "tip": tooltip(d), "rid": d.get("rid")})
        last = -neg_e
    return out


# ---------------------------------------------------------------- a selection
def read_selection(text: str, value: Any) -> tuple[int, int] | str:
    """(start, end) of a selection sent by select_text, trimmed of spaces at its ends; or why
    it cannot be used (a str). The text it says it selected must be what `text` holds there."""
    if not isinstance(value, dict):
        return "nothing selected"
    try:
        start, end = int(value["start"]), int(value["end"])
    except (KeyError, TypeError, ValueError):
        return "the selection came back without offsets; select the words again"
    if not 0 <= start < end <= len(text):
        return f"the selection {start}–{end} is outside the article (0–{len(text)}); select the words again"
    said = value.get("text")
    if isinstance(said, str) and unicodedata.normalize("NFC", said) != text[start:end]:
        return "the selection does not match the stored text (the page is out of date); reload and select again"
    start, end = trim_selection(text, start, end)
    if start >= end:
        return "the selection holds only spaces; select the words of the record"
    return start, end


# ---------------------------------------------------------------- the draft of an added record
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _overlapping(records: list[Any], kind: str, s: int, e: int) -> dict[str, Any] | None:
    best, best_len = None, -1
    for r in records:
        d = as_dict(r)
        if d.get("type") != kind or d["end"] <= s or e <= d["start"]:
            continue
        common = min(e, d["end"]) - max(s, d["start"])
        if common > best_len:
            best, best_len = d, common
    return best


def draft_record(text: str, kind: str, start: int, end: int, extract: Any = None) -> dict[str, Any]:
    """A record of type `kind` for text[start:end] with its fields guessed: the extractor run on
    the sentence around the selection (its record overlapping the selection), else what the
    selection itself says (its number; for a reference, the words before the number)."""
    sent = sentence_around(text, start, end)
    span = text[start:end]
    fields: dict[str, Any] = {}
    if extract is not None:
        try:
            found = _overlapping(list(extract(text[sent[0]:sent[1]])), kind, start - sent[0], end - sent[0])
        except Exception:  # noqa: BLE001 - a guess only: the reviewer types the fields
            found = None
        if found:
            fields = {k: found.get(k) for k in FIELDS[kind] if k != "relations"}
    if not fields:
        from ..lang.numbers import parse_number

        m = _NUMBER.search(span)
        if kind == "figure":
            fields = {"value": parse_number(m.group()) if m else None, "role": "other", "comparator": "=",
                      "unit": ("%" if "%" in span[m.end():] else span[m.end():].strip().lower() or None) if m else None}
        else:
            head = span[:m.start()].replace(" số", "").strip() if m else span
            number = m.group() if m else ""
            fields = {"doc_type": head or None, "number": number or None, "id": f"{head} {number}".strip() or span}
    return {"type": kind, "start": start, "end": end, "text": span, "sentence": list(sent), **fields}
