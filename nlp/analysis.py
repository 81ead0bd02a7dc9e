"""One document as the extraction stages share it: built once by `pipeline.extract` and
handed from stage to stage, so that nothing is split, segmented or looked up twice.

- `text`: the canonical text every offset indexes (never rewritten);
- `flat`: the same text with its soft line breaks (wraps inside a sentence) read as
  spaces (`segment.unwrap`, same length, so every offset holds): sentences, words and the
  document context are read from it, so a line break inside a sentence changes none of
  them (the .txt and the .pdf of one article read alike);
- `sentences`, split on first use, and `sentence_of(start, end)`: the one lookup of the
  sentence a span belongs to;
- `words(sentence)`: underthesea's words and POS tags of a sentence, segmented on first
  use and then shared by figures, indicators, roles and the spaCy Doc (the heavy step of
  the pipeline runs at most once per sentence, and only for sentences that ask for it,
  and stops `TAIL_SYLLABLES` syllables after the sentence's last digit);
  a word's `text` is its slice of `flat` (a wrapped word reads with a space);
- `context`: the document context (nlp.context.DocumentContext: time anchor, periods,
  lead-in frames), built on first use from `flat` (characters only, a few milliseconds);
- `leftovers`: the page-leftover regions, found once;
- `claimed`: spans already taken by an earlier stage (leftovers, legal references),
  closed to later ones;
- `remember(key, compute)`: a memo for what the stages look up repeatedly inside one
  document (the cue matches of a window, the years of a paragraph). It lives and dies
  with the document: no process-wide cache holds whole texts.
"""
from __future__ import annotations

import bisect
import re
from typing import Any, Callable, Hashable, Iterable, TypeVar

from .leftovers import find_leftovers
from .records import Ignored
from .segment import Word, analyze, split_sentences, unwrap

Span = tuple[int, int]
T = TypeVar("T")

# Every figure starts with a digit, and what the stages read after a figure (its counted
# noun, the noun phrase it quantifies, the role model's near-right words) lies a few words
# after it: the tail of a sentence past its last number is not read for words. Segmenting
# and tagging are linear in a sentence's length and the pipeline's heaviest step.
TAIL_SYLLABLES = 12
_LAST_DIGIT = re.compile(r"\d\D*$")
_TAIL = re.compile(r"\S*(?:\s+\S+){0,%d}" % TAIL_SYLLABLES)


def analysis_end(text: str, start: int, end: int) -> int:
    """Where the words of text[start:end] are read up to: `TAIL_SYLLABLES` syllables after
    its last digit, or its end (no digit, or a shorter tail)."""
    last = _LAST_DIGIT.search(text, start, end)
    if last is None:
        return end
    return _TAIL.match(text, last.start(), end).end()


class Analysis:
    def __init__(self, text: str, sentences: Iterable[Span] | None = None, source_date: Any = None):
        """`sentences`, when given, replace underthesea's split (tests, a caller that knows them);
        `source_date`: what the caller knows of the article's date (nlp.context's SourceDate)."""
        self.text = text
        self.source_date = source_date
        self._flat: str | None = None
        self._context: Any = None
        self._sentences: list[Span] | None = None
        self._starts: list[int] = []
        if sentences is not None:
            self._set_sentences(list(sentences))
        self._words: dict[Span, list[Word]] = {}
        self._leftovers: list[Ignored] | None = None
        self.claimed: list[Span] = []
        self._memo: dict[Hashable, Any] = {}

    # ------------------------------------------------------------------ sentences
    def _set_sentences(self, sentences: list[Span]) -> None:
        # A text that yields no sentence is one sentence: every span has a context.
        self._sentences = sorted(sentences) or [(0, len(self.text))]
        self._starts = [s for s, _ in self._sentences]

    @property
    def flat(self) -> str:
        if self._flat is None:
            self._flat = unwrap(self.text)
        return self._flat

    @property
    def context(self):
        """The DocumentContext of the text (nlp.context), built once, on first use."""
        if self._context is None:
            from .context import DocumentContext

            self._context = DocumentContext.build(self.flat, self.source_date)
        return self._context

    @property
    def sentences(self) -> list[Span]:
        if self._sentences is None:
            self._set_sentences(split_sentences(self.flat))
        return self._sentences  # type: ignore[return-value]

    def sentence_of(self, start: int, end: int) -> Span:
        """The sentence of the span [start, end): the last one starting at or before `start`;
        for a span before every sentence, the first one it overlaps, else the span itself."""
        sentences = self.sentences
        i = bisect.bisect_right(self._starts, start) - 1
        if i >= 0:
            return sentences[i]
        for s, e in sentences:
            if s < end and start < e:
                return (s, e)
        return (start, end)

    # ------------------------------------------------------------------ words
    def words(self, sentence: Span) -> list[Word]:
        """Words with POS tags of text[sentence], segmented once per document, up to
        `TAIL_SYLLABLES` syllables after the sentence's last digit (`analysis_end`)."""
        words = self._words.get(sentence)
        if words is None:
            s, e = sentence
            words = self._words[sentence] = analyze(self.flat, s, analysis_end(self.flat, s, e))
        return words

    # ------------------------------------------------------------------ regions
    @property
    def leftovers(self) -> list[Ignored]:
        if self._leftovers is None:
            self._leftovers = find_leftovers(self.text)
        return self._leftovers

    def claim(self, spans: Iterable[Span]) -> None:
        """Close these (start, end) spans to later stages."""
        self.claimed.extend((int(s), int(e)) for s, e in spans)

    # ------------------------------------------------------------------ memo
    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per key for this document (keys start with the stage's name)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value
