"""Sentences and words from underthesea, aligned to the characters of the original text.

underthesea returns strings, not offsets, and splits `82/2024/NĐ-CP` into pieces; this
module maps its output back onto the text so that every sentence and word is an exact
(start, end) slice. Reference and number matching run on characters elsewhere; the
words and POS tags here are features.

Word segmentation + POS tagging is the heaviest step of the pipeline, so callers run
`analyze` only on sentences that hold a candidate (see pipeline.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from os.path import dirname, join

_TERMINAL = set(".!?…:;\"”»)")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str
    pos: str  # VLSP POS tag (N, Np, V, A, M, E, CH, ...)


def _align(text: str, pieces: list[str], offset: int = 0, limit: int | None = None) -> list[tuple[int, int]]:
    """Find each piece in `text` in order, tolerant of whitespace differences.

    underthesea may normalise spaces inside a piece; we match the non-space characters
    one by one. A piece that cannot be aligned is skipped (never a wrong offset).
    """
    spans: list[tuple[int, int]] = []
    limit = len(text) if limit is None else limit
    pos = offset
    for piece in pieces:
        # Fast path: the piece is verbatim at the next non-space position (the usual case).
        i = pos
        while i < limit and text[i].isspace():
            i += 1
        if text.startswith(piece, i) and i + len(piece) <= limit and piece and not piece[0].isspace():
            spans.append((i, i + len(piece)))
            pos = i + len(piece)
            continue
        chars = [c for c in piece if not c.isspace()]
        if not chars:
            continue
        i = pos
        while i < limit and text[i].isspace():
            i += 1
        j, k = i, 0
        while j < limit and k < len(chars):
            if text[j] == chars[k]:
                k += 1
                j += 1
            elif text[j].isspace():
                j += 1
            else:
                break
        if k == len(chars):
            spans.append((i, j))
            pos = j
        else:  # resynchronise: look for the piece further on
            found = text.find(piece.strip(), pos, limit)
            if found >= 0:
                spans.append((found, found + len(piece.strip())))
                pos = found + len(piece.strip())
    return spans


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph-like blocks: lines joined across hard line-wraps.

    A line break ends a block unless the line has no terminal punctuation and the next
    line starts in lower case or with a digit: that is a wrap inside a sentence (common
    in reposted press texts and PDF text layers).
    """
    blocks: list[tuple[int, int]] = []
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    cur_start: int | None = None
    cur_end = 0
    for idx, (s, e) in enumerate(lines):
        seg = text[s:e]
        stripped = seg.strip()
        if not stripped:
            if cur_start is not None:
                blocks.append((cur_start, cur_end))
                cur_start = None
            continue
        ls = s + (len(seg) - len(seg.lstrip()))
        le = s + len(seg.rstrip())
        if cur_start is None:
            cur_start = ls
        cur_end = le
        nxt = lines[idx + 1] if idx + 1 < len(lines) else None
        wrap = False
        if nxt is not None:
            nseg = text[nxt[0]:nxt[1]].lstrip()
            if nseg and stripped[-1] in "-/,(":
                wrap = True  # a reference or list cut by the line end: `NĐ-` / `CP`
            elif nseg and stripped[-1] not in _TERMINAL and (nseg[0].islower() or nseg[0].isdigit()):
                wrap = True
        if not wrap:
            blocks.append((cur_start, cur_end))
            cur_start = None
    if cur_start is not None:
        blocks.append((cur_start, cur_end))
    return blocks


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over `text`, in order, non-overlapping, never empty."""
    from underthesea import sent_tokenize

    out: list[tuple[int, int]] = []
    for bs, be in _blocks(text):
        block = text[bs:be]
        # Same length as the block: a wrapped line becomes one line for the tokenizer.
        flat = block.replace("\n", " ").replace("\r", " ")
        try:
            pieces = sent_tokenize(flat)
        except Exception:  # the tokenizer must never take the document down
            pieces = [flat]
        spans = _align(flat, pieces)
        if not spans:
            spans = [(0, len(block))]
        # Cover the whole block: gaps between aligned sentences join the previous one.
        fixed: list[tuple[int, int]] = []
        prev_end = 0
        for i, (s, e) in enumerate(spans):
            s = min(s, prev_end) if i == 0 else prev_end
            while s < e and flat[s].isspace():
                s += 1
            fixed.append((s, e))
            prev_end = e
        if fixed and prev_end < len(block):
            s, _ = fixed[-1]
            fixed[-1] = (s, len(block.rstrip()))
        out.extend((bs + s, bs + e) for s, e in fixed if e > s)
    return out


def sentence_of(sentences: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The sentence that contains [start, end) (or the first one it overlaps)."""
    import bisect

    # Bisect on the (start, end) tuples themselves: no per-call list of starts.
    i = bisect.bisect_right(sentences, (start, float("inf"))) - 1
    if i >= 0 and sentences[i][0] <= start < max(sentences[i][1], start + 1):
        return sentences[i]
    for s, e in sentences:
        if s < end and start < e:
            return (s, e)
    return (start, end)


@lru_cache(maxsize=1)
def _pos_model():
    import underthesea.pipeline.pos_tag as pos_pkg
    from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger

    # The Rust CRF tagger shipped inside underthesea (no download); underthesea's own
    # `pos_tag(model="v2.0")` only returns on its first call, so we call the model directly.
    model = FastCRFSequenceTagger()
    model.load(join(dirname(pos_pkg.__file__), "models", "pos_crf_vlsp2013_20230303"))
    return model


@lru_cache(maxsize=4096)
def _analyze_cached(sentence: str) -> tuple[tuple[str, str], ...]:
    from underthesea import word_tokenize

    words = word_tokenize(sentence)
    if not words:
        return ()
    tags = _pos_model().predict([[w] for w in words])
    return tuple((w, t[2:] if t.startswith(("B-", "I-")) else t) for w, t in zip(words, tags))


def analyze(text: str, start: int, end: int) -> list[Word]:
    """Words with POS tags for text[start:end], each an exact slice of `text`."""
    sentence = text[start:end]
    if not sentence.strip():
        return []
    try:
        tagged = _analyze_cached(sentence)
    except Exception:
        return []
    spans = _align(text, [w for w, _ in tagged], start, end)
    # _align skips pieces it cannot place; keep words and tags paired by re-aligning one by one.
    if len(spans) != len(tagged):
        words: list[Word] = []
        pos = start
        for w, t in tagged:
            sp = _align(text, [w], pos, end)
            if sp:
                words.append(Word(sp[0][0], sp[0][1], text[sp[0][0]:sp[0][1]], t))
                pos = sp[0][1]
        return words
    return [Word(s, e, text[s:e], t) for (s, e), (_, t) in zip(spans, tagged)]
