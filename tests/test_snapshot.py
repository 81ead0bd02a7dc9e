"""Extraction output is pinned: the refactored code must reproduce tests/snapshots/extract.jsonl.gz
byte for byte. A difference is reported per document and field, so a deliberate change can be
checked before the snapshot is rewritten (python -m tests.snapshot --write, in a commit saying why)."""
from __future__ import annotations

import json

from tests import snapshot


def _by_doc(data: bytes) -> dict[str, list]:
    return {d["doc"]: d["records"] for d in map(json.loads, data.decode("utf-8").splitlines())}


def test_extraction_reproduces_the_snapshot():
    now, then = snapshot.build(), snapshot.stored()
    if now == then:
        return
    a, b = _by_doc(then), _by_doc(now)
    diffs = [f"{doc}: document {'added' if doc not in a else 'missing'}" for doc in set(a) ^ set(b)]
    for doc in sorted(set(a) & set(b)):
        if a[doc] != b[doc]:
            old = {json.dumps(r, sort_keys=True, ensure_ascii=False) for r in a[doc]}
            new = {json.dumps(r, sort_keys=True, ensure_ascii=False) for r in b[doc]}
            diffs += [f"{doc}: - {r}" for r in sorted(old - new)[:3]]
            diffs += [f"{doc}: + {r}" for r in sorted(new - old)[:3]]
    assert not diffs, f"{len(diffs)} differences, first ones:\n" + "\n".join(diffs[:40])
