"""Real documents with real records for the store and search tests: the dev seeds and their gold.

The gold records are what a perfect extractor returns, so store and search behaviour is
tested independently of the extractor's current quality (and of its speed).
"""
from __future__ import annotations

from dataclasses import replace

from nlp.training.gold import load_gold
from nlp.records import record_from_dict
from nlp.readers import Document, document_from_text, read_document

from .paths import GOLD_DEV, SEEDS


def gold_documents() -> list[tuple[Document, list]]:
    out = []
    for doc_id, (_text, lines) in sorted(load_gold(GOLD_DEV, SEEDS).items()):
        doc = read_document(SEEDS / f"{doc_id}.txt")
        out.append((doc, [record_from_dict(line) for line in lines]))
    return out


def with_text(doc: Document, text: str, doc_id: str | None = None) -> Document:
    """`doc` with another text (sha256 recomputed), keeping its metadata."""
    new = document_from_text(text, doc_id=doc_id or doc.id, title=doc.title, source=doc.source)
    return replace(new, path=doc.path, date=doc.date)


def shifted(records: list, by: int, drop: tuple[int, int] | None = None) -> list:
    """Records as a re-extraction of the text with `by` characters inserted at 0 would give,
    minus those inside `drop` (a removed span of the old text)."""
    out = []
    for r in records:
        if drop and drop[0] <= r.start < drop[1]:
            continue
        cut = (drop[1] - drop[0]) if drop and r.start >= drop[1] else 0
        s0, s1 = r.sentence
        out.append(r.with_(start=r.start + by - cut, end=r.end + by - cut,
                           sentence=(s0 + by - cut, s1 + by - cut) if s1 else (0, 0)))
    return out
