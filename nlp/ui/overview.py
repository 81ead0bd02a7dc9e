"""The Overview page's data: records by kind and review status, most-cited documents."""
from __future__ import annotations

import html
from typing import Any, Iterable, Mapping

import altair as alt
import pandas as pd

from ..records import STATUSES
from .links import document_href

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


def _doc_link(doc_id: str, label: str | None = None) -> str:
    return (f'<a href="{html.escape(document_href(doc_id))}" target="_self" class="solieu-doc-link" '
            f'data-doc="{html.escape(doc_id)}">{html.escape(label or doc_id)}</a>')


def documents_table_html(docs: Iterable[Mapping[str, Any]]) -> str:
    """The Overview's documents as a table whose titles and copy-of ids open the document page."""
    rows = []
    for d in docs:
        title = " ".join(str(d.get("title") or d["id"]).split())
        title = title if len(title) <= 140 else title[:139].rsplit(" ", 1)[0] + "…"
        copy = _doc_link(d["duplicate_of"]) if d.get("duplicate_of") else ""
        rows.append(f"<tr><td style='white-space:nowrap'>{html.escape(str(d.get('date') or ''))}</td>"
                    f"<td>{_doc_link(d['id'], title)}<br><small>{html.escape(d['id'])}</small></td>"
                    f"<td style='text-align:right'>{int(d.get('records') or 0):,}</td><td>{copy}</td></tr>")
    return ('<table class="solieu-documents" style="width:100%;border-collapse:collapse">'
            "<thead><tr><th>date</th><th>document</th><th>records</th><th>copy of</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


REVIEWER_COLUMNS = ["reviewer", "reviewed", "accepted", "corrected", "rejected", "added", "bulk_steps", "undone", "last"]


def reviewer_rows(counts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`Store.reviewer_counts()` as table rows, most active first (actions that stand; undos apart)."""
    return [{c: r.get(c) for c in REVIEWER_COLUMNS} for r in counts]
