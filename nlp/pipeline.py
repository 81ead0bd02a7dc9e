"""extract(text) -> records: the one path from a text to its figures, legal refs and ignored regions.

Order matters and is cheap-first:
1. page leftovers (regex over lines) -> Ignored regions, nothing inside them is reported;
2. sentences (underthesea sent_tokenize, aligned to characters);
3. legal references on characters -> LegalRef (their spans are closed to figures);
4. figure candidates on characters -> Figure (value, total, unit, comparator);
5. only for sentences that hold a figure: word segmentation + POS (the heavy step),
   then indicator/year and the trained role classifier.

Each stage has its own error boundary: a failure in one stage is logged and the others
still return what they found, so `extract` never raises on any input string.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from .records import Figure, Ignored, LegalRef, Record
from .segment import Word, analyze, sentence_of, split_sentences

log = logging.getLogger(__name__)


def _stage(name: str, fn, *args, default: Any = None, **kw):
    try:
        return fn(*args, **kw)
    except Exception:  # noqa: BLE001 - boundary: one stage must not take the document down
        log.exception("solieu: stage %s failed", name)
        return [] if default is None else default


def extract(text: str, *, role_model: Any = None) -> list[Record]:
    """All records of `text`, sorted by start; offsets index `text` exactly as given."""
    from . import figures as figures_mod
    from . import indicators, legal, leftovers, roles

    if not isinstance(text, str) or not text.strip():
        return []
    ignored: list[Ignored] = _stage("leftovers", leftovers.find_leftovers, text)
    sentences = _stage("sentences", split_sentences, text) or [(0, len(text))]
    refs: list[LegalRef] = _stage("legal", legal.find_legal_refs, text, sentences)
    refs = [r for r in refs if not any(r.start < ig.end and ig.start < r.end for ig in ignored)]
    closed = [(r.start, r.end) for r in (*ignored, *refs)]
    figs: list[Figure] = _stage("figures", figures_mod.find_figures, text, sentences, exclude=closed)

    by_sentence: dict[tuple[int, int], list[Figure]] = defaultdict(list)
    for f in figs:
        by_sentence[f.sentence if f.sentence != (0, 0) else sentence_of(sentences, f.start, f.end)].append(f)

    model = role_model if role_model is not None else _stage("role-model", roles.default_model, default=False)
    enriched: list[Figure] = []
    for sent, group in by_sentence.items():
        words: list[Word] = _stage("analyze", analyze, text, sent[0], sent[1])
        group = [f.with_(sentence=sent) for f in group]
        group = _stage("indicators", indicators.annotate, text, group, words, default=group)
        group = _stage("roles", roles.assign_roles, text, group, words, model or None, default=group)
        enriched.extend(group)

    records: list[Record] = [*ignored, *refs, *enriched]
    records.sort(key=lambda r: (r.start, r.end))
    return records
