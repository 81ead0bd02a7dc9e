"""Near-duplicate links in PostgreSQL: band keys in `doc_lsh`, `documents.duplicate_of`.

The same rule as the SQLite backend (nlp/store/sqlite/neardup.py): a duplicate points to
the first-stored copy of its group, never to another duplicate. Signatures and
similarity: nlp/store/minhash.py.
"""
from __future__ import annotations

import psycopg

from ..minhash import THRESHOLD, band_keys, similarity


def find_original(conn: psycopg.Connection, docno: int, sha256: str, sig: bytes | None,
                  versioned: bool = True) -> int | None:
    """The docno of the stored article this one copies (exactly or nearly), else None.
    An earlier version of a document is nobody's original (`versioned` False: a schema
    before v4, which has no versions)."""
    row = conn.execute(
        "SELECT COALESCE(duplicate_of, docno) FROM documents WHERE sha256 = %s AND docno != %s "
        + ("AND version_of IS NULL " if versioned else "") + "ORDER BY docno LIMIT 1",
        (sha256, docno)).fetchone()
    if row:
        return row[0]
    if sig is None:
        return None
    cands = conn.execute(
        "SELECT DISTINCT d.docno, d.duplicate_of, d.minhash FROM doc_lsh l JOIN documents d ON d.docno = l.docno "
        "WHERE l.key = ANY(%s) AND l.docno != %s", (band_keys(sig), docno)).fetchall()
    best: tuple[float, int] | None = None  # (similarity, -root): most similar, then the oldest root
    for cand, dup_of, csig in cands:
        if csig is None:
            continue
        sim = similarity(sig, bytes(csig))
        root = dup_of or cand
        if sim >= THRESHOLD and (best is None or (sim, -root) > best):
            best = (sim, -root)
    return -best[1] if best else None


def link(conn: psycopg.Connection, docno: int, sha256: str, sig: bytes | None, versioned: bool = True) -> int | None:
    """Store the signature and band keys of `docno` and set its duplicate_of; returns it."""
    conn.execute("DELETE FROM doc_lsh WHERE docno = %s", (docno,))
    original = find_original(conn, docno, sha256, sig, versioned)
    conn.execute("UPDATE documents SET minhash = %s, duplicate_of = %s WHERE docno = %s", (sig, original, docno))
    if sig is not None:
        conn.execute("INSERT INTO doc_lsh(key, docno) SELECT k, %s FROM unnest(%s::bigint[]) AS k "
                     "ON CONFLICT DO NOTHING", (docno, sorted(set(band_keys(sig)))))
    return original
