"""The Overview page's data: records by kind and review status, most-cited documents."""
from __future__ import annotations

from typing import Any, Mapping

import altair as alt
import pandas as pd

from .review import STATUSES

KIND_NAMES = {"figure": "figures", "legal_ref": "legal references", "ignore": "ignored regions"}
STATUS_COLORS = {"pending": "#b8c0cc", "accepted": "#1a8f3a", "corrected": "#d08c00", "rejected": "#c0392b"}


def status_frame(stats: Mapping[str, Any]) -> pd.DataFrame:
    """(kind, status, n) rows from `Store.stats()["records"]`, ignored regions left out."""
    rows = []
    for kind, by_status in (stats.get("records") or {}).items():
        if kind == "ignore":
            continue  # page leftovers are not reviewed
        for status in STATUSES:
            rows.append({"kind": KIND_NAMES.get(kind, kind), "status": status, "n": int(by_status.get(status, 0)),
                         "stack": STATUSES.index(status)})
    return pd.DataFrame(rows, columns=["kind", "status", "n", "stack"])


def totals(stats: Mapping[str, Any]) -> dict[str, int]:
    """records, reviewed (not pending) over figures and legal references."""
    df = status_frame(stats)
    total = int(df["n"].sum())
    reviewed = int(df.loc[df["status"] != "pending", "n"].sum())
    return {"records": total, "reviewed": reviewed}


def status_chart(df: pd.DataFrame) -> alt.Chart:
    """One horizontal bar per kind, stacked by review status (pending first)."""
    return alt.Chart(df).mark_bar().encode(
        y=alt.Y("kind:N", title=None),
        x=alt.X("n:Q", title="records"),
        color=alt.Color("status:N", title="status",
                        scale=alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values()))),
        order=alt.Order("stack:Q"),
        tooltip=["kind:N", "status:N", "n:Q"],
    ).properties(height=140)


def top_cited_rows(stats: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"id": lid, "mentions": n, "documents": d} for lid, n, d in stats.get("top_cited") or ()]
