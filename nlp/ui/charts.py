"""An indicator over time from figure search results: targets and results drawn apart.

The x axis is the year a figure refers to (its `year`: reporting year of a result,
deadline of a target), falling back to the year of the document's date. Figures of
different units cannot share an axis, so the chart shows one unit at a time.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping

import altair as alt
import pandas as pd

from ..export import as_dict

TIMELINE_COLUMNS = ["year", "value", "unit", "role", "indicator", "doc", "date", "text"]
_ROLE_ORDER = ["target", "actual", "other"]


def _year_of(d: dict[str, Any], doc_dates: Mapping[str, str | None]) -> int | None:
    if isinstance(d.get("year"), int):
        return d["year"]
    date = d.get("date") or doc_dates.get(d.get("doc") or "")
    if isinstance(date, str) and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def timeline_frame(figures: Iterable[Any], doc_dates: Mapping[str, str | None] | None = None) -> pd.DataFrame:
    """One row per figure that has a year and a value, sorted by year."""
    doc_dates = doc_dates or {}
    rows = []
    for d in map(as_dict, figures):
        if d.get("type", "figure") != "figure" or d.get("value") is None:
            continue
        year = _year_of(d, doc_dates)
        if year is None:
            continue
        rows.append({
            "year": year, "value": float(d["value"]), "unit": d.get("unit") or "(none)",
            "role": d.get("role") or "other", "indicator": d.get("indicator") or "",
            "doc": d.get("doc") or "", "date": d.get("date") or doc_dates.get(d.get("doc") or "") or "",
            "text": d.get("text") or "",
        })
    df = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    return df.sort_values(["year", "role"], kind="stable").reset_index(drop=True)


def units_by_frequency(df: pd.DataFrame) -> list[str]:
    return [u for u, _ in Counter(df["unit"]).most_common()]


# Targets and results of one year sit side by side, not on top of each other.
_X_OFFSET = {"target": 0.12, "actual": -0.12, "other": 0.0}
_COLORS = {"target": "#d08c00", "actual": "#1a8f3a", "other": "#4a64c8"}
_SHAPES = {"target": "diamond", "actual": "circle", "other": "square"}
_NAMES = {"target": "target (plan)", "actual": "actual (result)", "other": "other"}


def timeline_chart(df: pd.DataFrame, unit: str | None = None) -> alt.LayerChart:
    """Points per figure (targets ◆, results ●) and a line through each role's yearly mean,
    dashed for targets, for one unit."""
    if unit is None and len(df):
        unit = units_by_frequency(df)[0]
    data = df[df["unit"] == unit] if unit is not None else df
    data = data.assign(x=data["year"] + data["role"].map(_X_OFFSET).fillna(0.0),
                       role_name=data["role"].map(_NAMES).fillna(data["role"]))
    roles = [r for r in _ROLE_ORDER if r in set(data["role"])] or _ROLE_ORDER
    names = [_NAMES[r] for r in roles]
    color = alt.Color("role_name:N", title=None, sort=names, legend=alt.Legend(orient="top"),
                      scale=alt.Scale(domain=names, range=[_COLORS[r] for r in roles]))
    x_axis = alt.Axis(format="d", tickMinStep=1, title="year")
    years = (int(data["year"].min()) - 1, int(data["year"].max()) + 1) if len(data) else (2000, 2030)
    x_scale = alt.Scale(domain=list(years), nice=False)
    # Headroom above the highest point so it never sits on the frame; zero kept for scale.
    top = float(data["value"].max()) * 1.12 if len(data) else 1.0
    bottom = min(0.0, float(data["value"].min()) * 1.12) if len(data) else 0.0
    y_scale = alt.Scale(domain=[bottom, top or 1.0], nice=True)
    y = alt.Y("value:Q", title=unit or "value", scale=y_scale)
    lines = alt.Chart(data).mark_line(strokeWidth=2, opacity=0.7).encode(
        x=alt.X("year:Q", axis=x_axis, scale=x_scale),
        y=alt.Y("mean(value):Q", title=unit or "value", scale=y_scale),
        color=color,
        strokeDash=alt.StrokeDash("role_name:N", legend=None, sort=names,
                                  scale=alt.Scale(domain=names, range=[[6, 4] if r == "target" else [1, 0] for r in roles])),
    )
    points = alt.Chart(data).mark_point(size=90, filled=True, opacity=0.9).encode(
        x=alt.X("x:Q", axis=x_axis, scale=x_scale),
        y=y,
        color=color,
        shape=alt.Shape("role_name:N", sort=names, legend=None,
                        scale=alt.Scale(domain=names, range=[_SHAPES[r] for r in roles])),
        tooltip=[alt.Tooltip("year:Q", format="d"), "value:Q", "unit:N", "role:N", "indicator:N", "doc:N",
                 "date:N", "text:N"],
    )
    return (lines + points).properties(height=320)
