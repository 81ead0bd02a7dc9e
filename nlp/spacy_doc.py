"""A spaCy `Doc` over the canonical text, aligned to its characters, carrying the records.

- Tokens reproduce the text exactly (`doc.text == text`, `token.idx` = character offset):
  numbers keep their separators (`14.727/15.981` is one token up to the `/`), every
  record boundary is a token boundary, and whitespace other than one space after a token
  is a whitespace token, as spaCy does itself.
- Sentence starts come from the document's `Analysis` (underthesea's split).
- Sentences that hold a figure get underthesea's word segmentation and POS: `token.tag_`
  is the VLSP tag of the word the token belongs to, `token._.vi_word` its position
  ("B" first syllable, "I" inside). Given the `Analysis` extraction used, its sentences
  and words are reused, not computed again.
- Records are spans: `doc.spans["figure" | "legal_ref" | "ignore"]` with the record dict
  in `span._.record`, and `doc.ents` for displaCy (labels ACTUAL/TARGET/FIGURE/LEGAL).

`to_docbin(pairs)` packs documents into a spaCy DocBin (`solieu extract --format docbin`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable

from .analysis import Analysis
from .records import as_dict

_TOKEN = re.compile(r"\d+(?:[.,/]\d+)*|[^\W\d_]+|\S", re.UNICODE)
LABELS = {"actual": "ACTUAL", "target": "TARGET", "other": "FIGURE", "legal_ref": "LEGAL", "ignore": "IGNORED"}


@lru_cache(maxsize=1)
def _vocab_nlp():
    import spacy
    from spacy.tokens import Span, Token

    if not Token.has_extension("vi_word"):
        Token.set_extension("vi_word", default=None)
    if not Span.has_extension("record"):
        Span.set_extension("record", default=None)
    # A blank Vietnamese pipeline without pyvi: tokens come from us, aligned to characters.
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


def _pieces(text: str, cuts: set[int]) -> list[tuple[int, int]]:
    """Non-whitespace token spans, split at every offset in `cuts`."""
    out: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        inner = sorted(c for c in cuts if s < c < e)
        for c in inner:
            out.append((s, c))
            s = c
        out.append((s, e))
    return out


def _words_and_spaces(text: str, spans: list[tuple[int, int]]) -> tuple[list[str], list[bool], list[int]]:
    words: list[str] = []
    spaces: list[bool] = []
    starts: list[int] = []

    def gap(pos: int, upto: int) -> None:
        # One space after a token is its trailing whitespace; anything else is a token.
        if words and text.startswith(" ", pos) and pos < upto and not spaces[-1]:
            spaces[-1] = True
            pos += 1
        if pos < upto:
            words.append(text[pos:upto])
            spaces.append(False)
            starts.append(pos)

    pos = 0
    for s, e in spans:
        gap(pos, s)
        words.append(text[s:e])
        spaces.append(False)
        starts.append(s)
        pos = e
    gap(pos, len(text))
    return words, spaces, starts


def make_doc(text: str, records: Iterable[Any] = (), *, analysis: Analysis | None = None, with_pos: bool = True):
    """The spaCy Doc of `text` with `records` (Record objects or dicts) as spans and ents.

    `analysis`: the document's Analysis when the caller has it (its sentences and words are
    reused); else one is made here.
    """
    from spacy.tokens import Doc

    nlp = _vocab_nlp()
    recs = [as_dict(r) for r in records]
    cuts = {int(r["start"]) for r in recs} | {int(r["end"]) for r in recs}
    if analysis is None:
        analysis = Analysis(text)
    sentences = analysis.sentences if text.strip() else []
    cuts |= {s for s, _ in sentences} | {e for _, e in sentences}
    words, spaces, starts = _words_and_spaces(text, _pieces(text, cuts))
    sent_starts = {s for s, _ in sentences}
    is_start = [None] * len(words)
    seen_first = False
    for i, (w, st) in enumerate(zip(words, starts)):
        if w.isspace():
            continue
        is_start[i] = (st in sent_starts) or not seen_first
        seen_first = True
    doc = Doc(nlp.vocab, words=words, spaces=spaces, sent_starts=[bool(x) if x is not None else False for x in is_start])

    if with_pos:
        fig_sentences = {tuple(r["sentence"]) for r in recs if r.get("type") == "figure" and r.get("sentence")}
        for s, e in sorted(fig_sentences):
            for w in analysis.words((s, e)):
                span = doc.char_span(w.start, w.end, alignment_mode="expand")
                if span is None:
                    continue
                for k, tok in enumerate(span):
                    tok.tag_ = w.pos
                    tok._.vi_word = "B" if k == 0 else "I"

    groups: dict[str, list] = {"figure": [], "legal_ref": [], "ignore": []}
    ents = []
    for r in sorted(recs, key=lambda r: (r["start"], r["end"])):
        kind = r["role"] if r.get("type") == "figure" and r.get("role") in LABELS else r.get("type")
        label = LABELS.get(kind, "FIGURE")
        span = doc.char_span(int(r["start"]), int(r["end"]), label=label, alignment_mode="strict")
        if span is None:
            continue
        span._.record = r
        groups.setdefault(r.get("type", "figure"), []).append(span)
        if not ents or span.start >= ents[-1].end:
            ents.append(span)
    for name, spans in groups.items():
        doc.spans[name] = spans
    doc.ents = ents
    return doc


def to_docbin(items: Iterable[tuple[str, Iterable[Any]]]) -> bytes:
    """Serialised spaCy DocBin of (text, records) pairs (records in spans, user data kept)."""
    from spacy.tokens import DocBin

    db = DocBin(store_user_data=True)
    for text, records in items:
        db.add(make_doc(text, records, with_pos=True))
    return db.to_bytes()
