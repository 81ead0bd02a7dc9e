"""Copy a store into another one through the Store interface (any backend to any backend):
every current document with its records, in the order they were stored. No extraction runs.

    python bench/copy_store.py --from bench/results/scale.db --to postgresql://... [--empty]
    python bench/copy_store.py --bulk --from bench/results/scale.db --to postgresql://...

Used to put the 35,150 articles an ingest stored in SQLite into PostgreSQL for
bench/search_latency.py, so both engines answer over the same records. `--empty` drops
the tables of the target URL's schema first. Reviews are not copied.

`--bulk` (SQLite -> PostgreSQL only): the tables are streamed with COPY, row for row
(docnos, rids, near-duplicate links, catalogue, indicator keys, what citing sentences
state), and PostgreSQL's own derived columns are computed from them as its store does
(the folded words of the full text and the search table, the figure index, the folded
units and keys' words):
minutes instead of one transaction per document. The target schema is emptied first.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="src", required=True)
    ap.add_argument("--to", dest="dst", required=True)
    ap.add_argument("--empty", action="store_true", help="empty the target (a postgresql:// URL's schema) first")
    ap.add_argument("--bulk", action="store_true", help="SQLite -> PostgreSQL with COPY (see above)")
    args = ap.parse_args()
    if args.bulk:
        bulk(args.src, args.dst)
        return

    from tqdm import tqdm

    from nlp.readers import Document
    from nlp.store import is_postgres, open_store

    if args.empty and is_postgres(args.dst):
        from bench.ingest_scale import _empty_postgres

        _empty_postgres(args.dst)
    t0 = time.perf_counter()
    n = 0
    with open_store(args.src, readonly=True) as a, open_store(args.dst) as b:
        total = a.count_documents()
        ids = [d["id"] for d in sorted(a.list_documents(limit=total + 1), key=lambda d: (d["ingested_at"] or "", d["id"]))]
        for doc_id in tqdm(ids, desc="copy", unit="doc", file=sys.stderr):
            full = a.get_document(doc_id)
            doc = Document(id=full["id"], text=full["text"], path=full["path"], title=full["title"],
                           date=full["date"], source=full["source"], sha256=full["sha256"])
            b.add_document(doc, a.list_records(doc=doc_id, order="position"))
            n += 1
        stats = b.stats()
    print(json.dumps({"copied": n, "seconds": round(time.perf_counter() - t0, 1), "documents": stats["documents"],
                      "duplicates": stats["duplicates"],
                      "records": {k: sum(v.values()) for k, v in stats["records"].items()}}, ensure_ascii=False))


def _columns_sqlite(conn, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _columns_pg(conn, table: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s ORDER BY ordinal_position", (table,))]


def bulk(src: str, dst: str) -> None:
    import sqlite3

    import psycopg

    from bench.ingest_scale import _empty_postgres
    from nlp.lang.fold import fold
    from nlp.legal_facts import facts_version
    from nlp.store import open_store
    from nlp.store.postgres import fulltext
    from nlp.store.postgres.indicators import META_KEY as KEYS_META, current_version
    from nlp.store.postgres.legal_facts import META_KEY as FACTS_META

    t0 = time.perf_counter()
    _empty_postgres(dst)
    open_store(dst).close()  # the schema at its latest version, empty
    a = sqlite3.connect(f"file:{Path(src).resolve()}?mode=ro", uri=True)
    counts = {}
    with psycopg.connect(dst) as b:  # one transaction
        plain = ("documents", "records", "legal_documents", "legal_aliases", "legal_relations", "doc_lsh",
                 "legal_facts", "review_batches", "review_log", "review_leases")
        for table in plain:
            cols = [c for c in _columns_sqlite(a, table) if c in set(_columns_pg(b, table))]
            quoted = ", ".join(f'"{c}"' for c in cols)
            n = 0
            with b.cursor().copy(f"COPY {table}({quoted}) FROM STDIN") as cp:
                for row in a.execute(f"SELECT {quoted} FROM {table} ORDER BY 1"):
                    cp.write_row(row)
                    n += 1
            counts[table] = n
        # PostgreSQL's derived columns, as its store computes them.
        b.execute("CREATE TEMP TABLE words_tmp(k BIGINT, a TEXT, b TEXT)")
        with b.cursor().copy("COPY words_tmp(k, a, b) FROM STDIN") as cp:
            for docno, title, text in a.execute("SELECT docno, title, text FROM documents WHERE version_of IS NULL"):
                cp.write_row((docno, fulltext.words(fold(title)), fulltext.words(fold(text))))
        b.execute(f"UPDATE documents d SET fts = {fulltext.TSVECTOR.replace('%s', 'w.a', 1).replace('%s', 'w.b', 1)} "
                  "FROM words_tmp w WHERE d.docno = w.k")
        fulltext.fill_search_table(b)  # the search table's rows (v6), from the texts and fts just made
        b.execute("TRUNCATE words_tmp")
        with b.cursor().copy("COPY words_tmp(k, a, b) FROM STDIN") as cp:
            for rid, ind in a.execute("SELECT r.rid, r.indicator FROM records r JOIN documents d ON d.docno = r.docno "
                                      "WHERE r.type = 'figure' AND r.indicator IS NOT NULL AND d.version_of IS NULL"):
                cp.write_row((rid, fold(ind), fulltext.words(fold(ind))))
        b.execute("INSERT INTO figure_index(rid, indicator, tsv) SELECT k, a, to_tsvector('simple', b) FROM words_tmp")
        units = [u for (u,) in a.execute("SELECT DISTINCT unit FROM records WHERE unit IS NOT NULL")]
        b.execute("UPDATE records r SET unit_key = t.k FROM unnest(%s::text[], %s::text[]) AS t(u, k) "
                  "WHERE r.unit = t.u", (units, [fold(u) for u in units]))  # one join, not a scan per unit
        b.execute("TRUNCATE words_tmp")
        with b.cursor().copy("COPY words_tmp(k, a, b) FROM STDIN") as cp:
            for kid, key in a.execute("SELECT kid, key FROM indicator_keys"):
                cp.write_row((kid, key, fulltext.words(fold(key))))
        b.execute("INSERT INTO indicator_keys(kid, key, tsv) SELECT k, a, to_tsvector('simple', b) FROM words_tmp")
        fulltext.remember_fold(b)
        for key, value in ((KEYS_META, current_version()), (FACTS_META, facts_version())):
            b.execute("INSERT INTO meta(key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                      (key, value))
        for table, col in (("documents", "docno"), ("records", "rid"), ("indicator_keys", "kid"),
                           ("review_log", "id"), ("review_batches", "id")):
            b.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{col}'), "
                      f"COALESCE((SELECT max({col}) FROM {table}), 0) + 1, false)")
    with psycopg.connect(dst, autocommit=True) as b:
        b.execute("ANALYZE")
    with open_store(dst, readonly=True) as s:
        stats = s.stats()
    print(json.dumps({"bulk": counts, "seconds": round(time.perf_counter() - t0, 1), "documents": stats["documents"],
                      "duplicates": stats["duplicates"],
                      "records": {k: sum(v.values()) for k, v in stats["records"].items()}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
