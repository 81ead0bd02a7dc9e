"""A long article on the Upload page: extracted a part at a time and shown as it comes.

`extract` runs over a whole text at once: for a 5 MB article that is minutes of work and
most of the app's memory before anything is on screen. Above LARGE_CHARS the text is cut
into parts of about PART_CHARS characters at line breaks (`nlp.ui.spans.pages`) and each
part is extracted on its own (records shifted back to document offsets), so the first
screen needs only the first part, memory holds one part's analysis at a time, and the
work resumes where it stopped when the page reruns. The page then draws one page of the
text at a time (nlp.ui.spans), never the whole article.

A part boundary is a line break: a sentence, a table row and a list never span two parts,
so what is found in a part is what the whole text gives there, save for context the
extractor reads from elsewhere in the document (the article's own date, a target frame
opened in an earlier paragraph).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .spans import pages

LARGE_CHARS = 100_000  # longer texts are extracted part by part
PART_CHARS = 20_000


def is_large(text: str) -> bool:
    return len(text) > LARGE_CHARS


def shifted(records: list[Any], by: int) -> list[Any]:
    """Records of a part, their offsets moved by `by` (where the part starts in the document)."""
    if not by:
        return list(records)
    out = []
    for r in records:
        s0, s1 = r.sentence
        out.append(r.with_(start=r.start + by, end=r.end + by, sentence=(s0 + by, s1 + by) if s1 else (0, 0)))
    return out


@dataclass
class Progress:
    """Where the extraction of one text stands: its parts, how many are done, the records so far."""

    parts: list[tuple[int, int]]
    done: int = 0
    records: list[Any] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> "Progress":
        return cls(parts=pages(text, PART_CHARS) if is_large(text) else [(0, len(text))])

    @property
    def finished(self) -> bool:
        return self.done >= len(self.parts)

    @property
    def fraction(self) -> float:
        return self.done / len(self.parts) if self.parts else 1.0

    def step(self, text: str, extract: Callable[[str], list[Any]]) -> None:
        """Extract the next part and add its records (document offsets)."""
        if self.finished:
            return
        s, e = self.parts[self.done]
        self.records.extend(shifted(extract(text[s:e]), s))
        self.done += 1
