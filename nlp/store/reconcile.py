"""Carrying reviews over to a new version of a document: which fresh record a reviewed one
of the previous version still stands for. Pure (record dicts in, decisions out), the same
for every backend.

A reviewed record that the new extraction still finds (same type and span text, same
value/id unless it was corrected, and the same place: similar text around it, so
another `42%` elsewhere does not stand in for it) carries its status and fields over to
the new version at the new offsets; the fresh duplicate is dropped. A record whose span a
reviewer set (added by review, or its span fixed: `source` "review:…") is looked for by
its text and surroundings, since the extractor does not find it; fresh records of its type
overlapping it are dropped (the reviewer's span stands for them). A record that no longer
matches stays with the earlier version, flagged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_REL_TOL = 1e-6
_CONTEXT = 60  # characters each side of a span that identify its occurrence
_SAME_PLACE = 60.0  # rapidfuzz ratio of the contexts above which an occurrence is the same one


REVIEW_SOURCE = "review:"  # `source` prefix of a record whose span a reviewer set


@dataclass
class Reconciled:
    fresh: list[dict[str, Any]]  # new records to insert (those no reviewed record stands for)
    moved: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)  # (reviewed, its new self)
    lost: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (reviewed, sentence to keep): flag it


def _same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) <= _REL_TOL * max(abs(float(a)), abs(float(b)), 1.0)


def _norm_id(s: str | None) -> str:
    return re.sub(r"\s+", "", (s or "")).lower()


def still_matches(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A reviewed record still stands for `new` (a fresh extraction) of the changed text."""
    if old["type"] != new.get("type") or old["text"] != new.get("text"):
        return False
    if old["status"] == "corrected":
        return True  # the reviewer's fields win; the span is what must still be there
    if old["type"] == "figure":
        return _same_value(old.get("value"), new.get("value"))
    if old["type"] == "legal_ref":
        return _norm_id(old.get("id")) == _norm_id(new.get("id"))
    return True


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - _CONTEXT):start] + "\x00" + text[end:end + _CONTEXT]


def relocate(old: dict[str, Any], old_text: str, new_text: str) -> tuple[int, int] | None:
    """Where the span of `old` (of `old_text`) is in `new_text`: the occurrence of its text
    with the most similar surroundings, if similar enough; else None."""
    from rapidfuzz import fuzz

    ctx = _context(old_text, old["start"], old["end"])
    best, best_key = None, None
    for m in re.finditer(re.escape(old["text"]), new_text):
        sim = fuzz.ratio(ctx, _context(new_text, m.start(), m.end()))
        key = (sim, -abs(m.start() - old["start"]))
        if sim >= _SAME_PLACE and (best_key is None or key > best_key):
            best, best_key = (m.start(), m.end()), key
    return best


def reconcile(kept: list[dict[str, Any]], new: list[dict[str, Any]], old_text: str, new_text: str) -> Reconciled:
    """Match the reviewed records `kept` (stored, of `old_text`) to the fresh extraction `new`
    of `new_text`. A record already flagged and still not found is left as it is."""
    from rapidfuzz import fuzz

    from ..spans import sentence_around

    used: set[int] = set()
    out = Reconciled(fresh=[])
    by_reviewer = [d for d in kept if str(d.get("source") or "").startswith(REVIEW_SOURCE)]
    theirs = {id(d) for d in by_reviewer}
    for old in sorted(by_reviewer, key=lambda d: d["start"]):
        at = relocate(old, old_text, new_text)
        if at is None:
            if not old["flagged"]:
                out.lost.append((old, old.get("sentence_text") or old["text"]))
            continue
        s, e = at
        for i, cand in enumerate(new):
            if cand.get("type") == old["type"] and cand["start"] < e and s < cand["end"]:
                used.add(i)
        out.moved.append((old, {"type": old["type"], "start": s, "end": e, "text": new_text[s:e],
                                "sentence": list(sentence_around(new_text, s, e))}))
    for old in sorted((d for d in kept if id(d) not in theirs), key=lambda d: d["start"]):
        ctx = _context(old_text, old["start"], old["end"])
        best, best_key = None, None
        for i, cand in enumerate(new):
            if i in used or not still_matches(old, cand):
                continue
            sim = fuzz.ratio(ctx, _context(new_text, cand["start"], cand["end"]))
            key = (sim, -abs(cand["start"] - old["start"]))
            if sim >= _SAME_PLACE and (best_key is None or key > best_key):
                best, best_key = i, key
        if best is not None:
            used.add(best)
            out.moved.append((old, new[best]))
        elif not old["flagged"]:
            stale = old.get("sentence_text") or ctx.replace("\x00", old["text"])
            out.lost.append((old, stale))
    out.fresh = [d for i, d in enumerate(new) if i not in used]
    return out
