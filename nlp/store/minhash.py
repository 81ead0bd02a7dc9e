"""Near-duplicate articles (syndicated copies): MinHash over word shingles, LSH bands.

Cheap at corpus scale: a document's signature is 64 minimum hashes of its 5-word
shingles (computed in the ingest workers from the folded text); 16 bands of 4 values
each are stored as integer keys. A new document is compared only with the documents
that share a band key (a pair at Jaccard 0.8 shares one with probability > 0.999, a
pair at 0.3 with < 0.13), by the fraction of equal signature values.

Pure functions, the same for every backend; the lookup of candidates is the backend's
(nlp/store/sqlite/neardup.py).
"""
from __future__ import annotations

import hashlib
import re
import zlib

import numpy as np

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
MIN_WORDS = 12  # shorter texts are too small to call near-duplicates (exact copies still are)
THRESHOLD = 0.8  # estimated Jaccard similarity of shingle sets

_PRIME = np.uint64(4294967311)  # smallest prime above 2**32
_rng = np.random.RandomState(20240917)  # fixed: signatures must agree across processes and runs
_A = _rng.randint(1, 2**31 - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
_B = _rng.randint(0, 2**31 - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
_WORD = re.compile(r"\w+")


def signature(folded: str) -> bytes | None:
    """MinHash signature of a folded text (bytes of NUM_PERM uint32), None when too short."""
    words = _WORD.findall(folded or "")
    if len(words) < MIN_WORDS:
        return None
    shingles = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    x = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64, count=len(shingles))
    # (a*x + b) mod p with a < 2^31, x < 2^32: no uint64 overflow.
    h = (_A[:, None] * x[None, :] + _B[:, None]) % _PRIME
    return (h.min(axis=1) & np.uint64(0xFFFFFFFF)).astype("<u4").tobytes()


def band_keys(sig: bytes) -> list[int]:
    keys = []
    width = ROWS * 4
    for b in range(BANDS):
        digest = hashlib.blake2b(sig[b * width:(b + 1) * width] + bytes([b]), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def similarity(a: bytes, b: bytes) -> float:
    va, vb = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    return float(np.mean(va == vb)) if len(va) == len(vb) and len(va) else 0.0
