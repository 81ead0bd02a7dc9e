"""Near-duplicate links in SQLite: band keys in `doc_lsh`, `documents.duplicate_of`.

A duplicate points to the first-stored copy of its group, never to another duplicate,
so search can show each article once. Signatures and similarity: nlp/store/minhash.py.
"""
from __future__ import annotations

import sqlite3

from ..minhash import THRESHOLD, band_keys, similarity


def find_original(conn: sqlite3.Connection, docno: int, sha256: str, sig: bytes | None,
                  versioned: bool = True) -> int | None:
    """The docno of the stored article this one copies (exactly or nearly), else None.
    An earlier version of a document is nobody's original (`versioned` False: a schema
    before v4, which has no versions)."""
    row = conn.execute(
        "SELECT COALESCE(duplicate_of, docno) FROM documents WHERE sha256 = ? AND docno != ? "
        + ("AND version_of IS NULL " if versioned else "") + "ORDER BY docno LIMIT 1",
        (sha256, docno),
    ).fetchone()
    if row:
        return row[0]
    if sig is None:
        return None
    keys = band_keys(sig)
    marks = ",".join("?" * len(keys))
    cands = conn.execute(
        f"SELECT DISTINCT d.docno, d.duplicate_of, d.minhash FROM doc_lsh l JOIN documents d ON d.docno = l.docno "
        f"WHERE l.key IN ({marks}) AND l.docno != ?",
        (*keys, docno),
    ).fetchall()
    best: tuple[float, int] | None = None  # (similarity, -root): most similar, then the oldest root
    for cand, dup_of, csig in cands:
        if csig is None:
            continue
        sim = similarity(sig, csig)
        root = dup_of or cand
        if sim >= THRESHOLD and (best is None or (sim, -root) > best):
            best = (sim, -root)
    return -best[1] if best else None


def link(conn: sqlite3.Connection, docno: int, sha256: str, sig: bytes | None, versioned: bool = True) -> int | None:
    """Store the signature and band keys of `docno` and set its duplicate_of; returns it."""
    conn.execute("DELETE FROM doc_lsh WHERE docno = ?", (docno,))
    original = find_original(conn, docno, sha256, sig, versioned)
    conn.execute("UPDATE documents SET minhash = ?, duplicate_of = ? WHERE docno = ?", (sig, original, docno))
    if sig is not None:
        conn.executemany("INSERT OR IGNORE INTO doc_lsh(key, docno) VALUES (?, ?)", [(k, docno) for k in band_keys(sig)])
    return original
