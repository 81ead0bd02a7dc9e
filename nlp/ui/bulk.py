"""Bulk review, the page-free part: what the record on screen offers (every pending record of
its document; every pending mention of its legal document), what a step would cover (asked
once, confirmed once), and running it as one undoable step in the store."""
from __future__ import annotations

from typing import Any

from .review import Outcome

ACTION_WORDS = {"accept": "Accept", "reject": "Reject"}


def scopes(store: Any, record: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The bulk scopes the record on screen offers: its document's pending records, and for a
    legal reference every pending mention of the document it cites (an alias resolved:
    `Đề án 06` stands for 06/QĐ-TTg)."""
    from ..store import StoreError

    if not record or record.get("doc") is None or "@v" in str(record.get("doc")):
        return []  # an earlier version's records are history, not reviewed in bulk
    out = [{"key": f"doc:{record['doc']}", "doc": record["doc"], "legal_id": None,
            "label": f"every pending record of the document {record['doc']}"}]
    target = (record.get("refers_to") or record.get("id")) if record.get("type") == "legal_ref" else None
    if target:
        try:
            target = store.resolve_legal_id(target) or target
        except StoreError:
            pass
        out.append({"key": f"decree:{target}", "doc": None, "legal_id": target,
                    "label": f"every pending mention of {target}"})
    return out


def preview(store: Any, scope: dict[str, Any]) -> tuple[dict[int, int], str]:
    """({rid: version} the step would act on, a sentence saying what that is)."""
    recs = store.bulk_scope(legal_id=scope.get("legal_id"), doc=scope.get("doc"))
    targets = {int(r["rid"]): int(r["version"]) for r in recs}
    docs = {r["doc"] for r in recs}
    if scope.get("legal_id"):
        spellings = sorted({r["text"] for r in recs})
        shown = ", ".join(f"«{t}»" for t in spellings[:4]) + (" …" if len(spellings) > 4 else "")
        what = (f"{len(recs)} pending mention{'s' * (len(recs) != 1)} of {scope['legal_id']} in "
                f"{len(docs)} document{'s' * (len(docs) != 1)}" + (f" ({shown})" if recs else ""))
    else:
        figs = sum(r["type"] == "figure" for r in recs)
        what = (f"{len(recs)} pending record{'s' * (len(recs) != 1)} of {scope['doc']} "
                f"({figs} figures, {len(recs) - figs} legal references)")
    return targets, what


def run(store: Any, scope: dict[str, Any], action: str, targets: dict[int, int], reviewer: str) -> Outcome:
    """accept / reject `targets` as one step (the store's bulk_review). Never raises."""
    from ..store import StoreError

    reviewer = (reviewer or "").strip()
    if not reviewer:
        return Outcome("error", "Enter your name as reviewer first (sidebar): every action is signed.")
    if action not in ACTION_WORDS:
        return Outcome("error", f"a bulk step accepts or rejects, not {action!r}")
    if not targets:
        return Outcome("info", "Nothing pending there any more.")
    try:
        out = store.bulk_review(action, targets, reviewer=reviewer, scope=scope["label"].replace("every ", "", 1))
    except StoreError as exc:
        return Outcome("error", f"Nothing changed: {exc}")
    done, skipped = len(out["done"]), len(out["skipped"])
    past = {"accept": "accepted", "reject": "rejected"}[action]
    msg = f"{done} record{'s' * (done != 1)} {past} in one step (Undo takes all of them back)."
    if skipped:
        msg += f" {skipped} left as they were: someone reviewed them meanwhile."
    return Outcome("success" if done else "info", msg)
