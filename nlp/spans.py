"""Spans a person marks in a stored text: checked against that text, given a sentence.

A reviewer selects characters in the highlighted article to add a record the extractor
missed or to fix a record's span. The selection arrives as `start`/`end` offsets into the
document's NFC text as stored (Python `str` indices, the same ones every record uses);
`check_span` is the one check of such a span, for the store and for the page, and
`sentence_around` gives it the sentence the record's `sentence` offsets hold.
"""
from __future__ import annotations

import re
from typing import Any

from .records import FieldError

# The end of a sentence: ., !, ?, … or ; followed by a space, or a line break. A decimal
# comma or a thousands dot inside a number (`22,4`, `50.350`) is not followed by a space.
_SENTENCE_END = re.compile(r"[.!?…;](?=\s)|\n")
_WINDOW = 2000  # characters searched each side for the sentence's bounds (a 5 MB text stays cheap)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the sentence holding text[start:end]: from after the last sentence end
    before `start` to the first one at or after `end` (its mark included), trimmed of spaces."""
    lo = max(0, start - _WINDOW)
    s0 = lo
    for m in _SENTENCE_END.finditer(text, lo, start):
        s0 = m.end()
    m = _SENTENCE_END.search(text, end, min(len(text), end + _WINDOW))
    s1 = (m.end() if m.group() != "\n" else m.start()) if m else min(len(text), end + _WINDOW)
    while s0 < start and text[s0].isspace():
        s0 += 1
    while s1 > end and text[s1 - 1].isspace():
        s1 -= 1
    return s0, max(s1, end)


def _int(name: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        raise FieldError(f"{name} must be a character offset (a whole number), not {v!r}")
    try:
        return int(v)
    except ValueError:
        raise FieldError(f"{name} must be a character offset (a whole number), not {v!r}") from None


def check_span(text: str, start: Any, end: Any, sentence: Any = None) -> dict[str, Any]:
    """{"start", "end", "text", "sentence"} of a span of `text`; FieldError says why not.

    The span must lie inside the text, hold something other than spaces and neither start
    nor end with a space (a selection is trimmed before it is sent). `sentence` (start, end)
    must hold the span; None: `sentence_around`.
    """
    s, e = _int("start", start), _int("end", end)
    if not 0 <= s < e <= len(text):
        raise FieldError(f"the span {s}–{e} is not inside the document (0–{len(text)})")
    span = text[s:e]
    if not span.strip():
        raise FieldError("the span holds only spaces; select the words of the record")
    if span != span.strip():
        raise FieldError("the span must not start or end with a space")
    if sentence is None:
        sent = sentence_around(text, s, e)
    else:
        if not isinstance(sentence, (list, tuple)) or len(sentence) != 2:
            raise FieldError("sentence must be a pair of offsets (start, end)")
        sent = (_int("sentence start", sentence[0]), _int("sentence end", sentence[1]))
        if not (0 <= sent[0] <= s and e <= sent[1] <= len(text)):
            raise FieldError(f"the sentence {sent[0]}–{sent[1]} does not hold the span {s}–{e}")
    return {"start": s, "end": e, "text": span, "sentence": [sent[0], sent[1]]}


def trim_selection(text: str, start: int, end: int) -> tuple[int, int]:
    """A selection without the spaces at its ends (what a double click or a drag often takes)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
