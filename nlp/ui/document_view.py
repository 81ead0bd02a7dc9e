"""The Document page's logic: a stored article's facts, review state and linked record."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..records import STATUSES


def review_state(records: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Records of the article (ignored regions left out) by review status, plus "flagged" and "total"."""
    out = {s: 0 for s in STATUSES}
    out["flagged"] = out["total"] = 0
    for r in records:
        if r.get("type") == "ignore":
            continue
        out["total"] += 1
        if r.get("status") in out:
            out[r["status"]] += 1
        out["flagged"] += bool(r.get("flagged"))
    return out


def review_line(state: Mapping[str, int]) -> str:
    """`12 records: 9 pending, 2 accepted, 1 rejected` (statuses with none left out)."""
    parts = [f"{state[s]} {s}" for s in STATUSES if state.get(s)]
    if state.get("flagged"):
        parts.append(f"{state['flagged']} flagged")
    total = state.get("total", 0)
    return f"{total} record{'s' * (total != 1)}" + (": " + ", ".join(parts) if parts else "")


def facts_line(doc: Mapping[str, Any]) -> str:
    """`2017-03-01 · baomoi-123 · Báo Mới` of a stored document."""
    return " · ".join(str(x) for x in (doc.get("date") or "undated", doc.get("id"), doc.get("source")) if x)


def shown_records(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """What the article marks: every record but rejected ones (a rejection says it is not one)."""
    return [r for r in records if r.get("status") != "rejected"]


def linked_record(records: Iterable[Mapping[str, Any]], rid: int | None) -> Mapping[str, Any] | None:
    if rid is None:
        return None
    return next((r for r in records if r.get("rid") == rid), None)
