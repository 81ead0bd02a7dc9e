"""Storing a document the store has never seen (an ingest's usual case) in few round trips.

The result is the one `documents.add` gives (same rows, same indexes, same catalogue and
near-duplicate links); only the way there is shorter: the records come back with their
rids from the insert, so the figure index, the indicator keys and (when the document
cites none) the legal catalogue are written from what is in hand, in single statements,
inside the caller's pipeline, instead of being read back row by row. A document with
legal references still goes through `catalog.refresh_document` (aliases, relations,
what the citing sentences state).
"""
from __future__ import annotations

from typing import Any

import psycopg

from ...indicator_key import indicator_key
from ...lang.fold import fold
from ..prepared import Prepared
from . import catalog, fulltext, neardup
from . import rows as R


def add(c: psycopg.Connection, doc: Any, records: list[dict[str, Any]], prepared: Prepared, stamp: str) -> dict:
    docno = c.execute(
        "INSERT INTO documents(id, path, title, date, source, sha256, text, ingested_at, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING docno",
        (doc.id, doc.path, doc.title, doc.date, doc.source, doc.sha256, doc.text, stamp, stamp)).fetchone()[0]
    fulltext.index_document(c, docno, doc.title, doc.text, prepared.folded)
    rids: list[int] = []
    if records:
        with c.cursor() as cur:
            cur.executemany(R.INSERT_SQL + " RETURNING rid", [R.insert_values(docno, d) for d in records],
                            returning=True)
            while True:
                rids.append(cur.fetchone()[0])
                if not cur.nextset():
                    break
    figures = [(rid, d) for rid, d in zip(rids, records) if d.get("type") == "figure"]
    indexed = [(rid, fold(d["indicator"])) for rid, d in figures if d.get("indicator")]
    if indexed:
        c.execute("INSERT INTO figure_index(rid, indicator, tsv) "
                  "SELECT r, i, to_tsvector('simple', w) FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS t(r, i, w)",
                  ([r for r, _ in indexed], [i for _, i in indexed], [fulltext.words(i) for _, i in indexed]))
    keyed = [(rid, indicator_key(d.get("indicator"), d.get("unit")) or None) for rid, d in figures]
    keyed = [(rid, k) for rid, k in keyed if k]
    if keyed:
        c.execute("UPDATE records SET indicator_key = t.k FROM unnest(%s::bigint[], %s::text[]) AS t(r, k) "
                  "WHERE records.rid = t.r", ([r for r, _ in keyed], [k for _, k in keyed]))
        keys = sorted({k for _, k in keyed})
        c.execute("INSERT INTO indicator_keys(key, tsv) SELECT k, to_tsvector('simple', w) "
                  "FROM unnest(%s::text[], %s::text[]) AS t(k, w) ON CONFLICT (key) DO NOTHING",
                  (keys, [fulltext.words(fold(k)) for k in keys]))
    if any(d.get("type") == "legal_ref" for d in records):
        catalog.refresh_document(c, docno)
    original = neardup.link(c, docno, doc.sha256, prepared.signature)
    dup = c.execute("SELECT id FROM documents WHERE docno = %s", (original,)).fetchone()[0] if original else None
    return {"doc": doc.id, "status": "new", "records": len(records), "flagged": 0, "duplicate_of": dup,
            "version": 1, "previous": None, "carried": 0}
