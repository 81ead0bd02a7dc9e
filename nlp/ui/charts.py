"""One indicator over time: targets and actual results as separate marks, each point a figure.

A chart shows the points of one indicator group (nlp.tracking: one key, one unit), plus
groups a user chose to add (each its own series, never averaged with another) or merge
(their points join the series). Every point sits at its figure's value in its year
(results just left of the year, targets just right, so neither hides the other):
targets ◆, results ●. A line joins, per series and role, one value per year: the one
reported last (the newest document), so a revised figure shows where it was revised to
and the earlier report stays a point off the line, on purpose. Points carry their record
id: a click selects it (Streamlit's selection), and the page shows its sentence.
"""
from __future__ import annotations

from typing import Any, Iterable

import altair as alt
import pandas as pd

COLUMNS = ["series", "year", "x", "value", "role", "role_name", "comparator", "doc", "date", "rid", "text", "sentence",
           "on_line"]
# Within a year, results sit a little left of the year and targets a little right, so a
# target and a result of one year never hide each other (lines go through the same x).
X_OFFSET = {"actual": -0.12, "target": 0.12, "other": 0.0}
ROLE_ORDER = ["target", "actual", "other"]
ROLE_NAMES = {"target": "target (plan)", "actual": "actual (result)", "other": "other"}
_COLORS = {"target": "#d08c00", "actual": "#1a8f3a", "other": "#4a64c8"}
_SHAPES = {"target": "diamond", "actual": "circle", "other": "square"}
_SERIES_COLORS = ["#1f77b4", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]
SELECTION = "point"  # the name of the chart's point selection (st.altair_chart's event.selection)
SENTENCE_CHARS = 160


def _short(s: Any, n: int = SENTENCE_CHARS) -> str:
    s = " ".join(str(s or "").split())
    return s if len(s) <= n else s[: n - 1].rsplit(" ", 1)[0] + "…"


def points_frame(series: Iterable[tuple[str, Iterable[dict[str, Any]]]]) -> pd.DataFrame:
    """Rows of the chart: one per point with a year and a value, of each (series label, points).

    `on_line` marks, per series, role and year, the point reported last (newest document,
    then the later record): the one the series' line goes through."""
    rows = []
    for label, points in series:
        for p in points:
            if p.get("year") is None or p.get("value") is None:
                continue
            role = p.get("role") if p.get("role") in ROLE_NAMES else "other"
            rows.append({"series": label, "year": int(p["year"]), "x": int(p["year"]) + X_OFFSET[role],
                         "value": float(p["value"]), "role": role,
                         "role_name": ROLE_NAMES[role], "comparator": p.get("comparator") or "=",
                         "doc": p.get("doc") or "", "date": p.get("date") or "", "rid": int(p["rid"]),
                         "text": p.get("text") or "", "sentence": _short(p.get("sentence")), "on_line": False})
    df = pd.DataFrame(rows, columns=COLUMNS)
    if len(df):
        df = df.sort_values(["series", "role", "year", "date", "rid"], kind="stable").reset_index(drop=True)
        last = df.groupby(["series", "role", "year"], sort=False).tail(1).index
        df.loc[last, "on_line"] = True
    return df


def indicator_chart(df: pd.DataFrame, unit: str | None = None) -> alt.LayerChart:
    """Points (targets ◆, results ●) at their exact value in their year (results just left of
    the year's tick, targets just right), lines through each series' and role's last-reported
    value per year (dashed for targets); clicking a point selects it."""
    several = df["series"].nunique() > 1 if len(df) else False
    roles = [r for r in ROLE_ORDER if r in set(df["role"])] or ROLE_ORDER[:2]
    names = [ROLE_NAMES[r] for r in roles]
    years = (int(df["year"].min()), int(df["year"].max())) if len(df) else (2000, 2030)
    x = alt.X("x:Q", title="year", axis=alt.Axis(format="d", tickMinStep=1),
              scale=alt.Scale(domain=[years[0] - 0.5, years[1] + 0.5], nice=False))
    lo = min(0.0, float(df["value"].min())) if len(df) else 0.0
    hi = float(df["value"].max()) * 1.12 if len(df) else 1.0
    y = alt.Y("value:Q", title=unit or "value", scale=alt.Scale(domain=[lo, hi or 1.0], nice=True))
    # One legend for role (colour and shape together) when one series is drawn; with several,
    # colour tells the series and shape the role, each with its legend.
    role_shape = alt.Shape("role_name:N", title=None, sort=names,
                           scale=alt.Scale(domain=names, range=[_SHAPES[r] for r in roles]),
                           legend=alt.Legend(orient="top", title=None))
    dash = alt.StrokeDash("role_name:N", sort=names, legend=None,
                          scale=alt.Scale(domain=names, range=[[6, 4] if r == "target" else [1, 0] for r in roles]))
    if several:
        labels = list(dict.fromkeys(df["series"]))
        color = alt.Color("series:N", title=None, sort=labels, legend=alt.Legend(orient="top", labelLimit=400),
                          scale=alt.Scale(domain=labels, range=_SERIES_COLORS[: len(labels)] or _SERIES_COLORS))
    else:
        color = alt.Color("role_name:N", title=None, sort=names, legend=alt.Legend(orient="top", title=None),
                          scale=alt.Scale(domain=names, range=[_COLORS[r] for r in roles]))
    selection = alt.selection_point(name=SELECTION, fields=["rid"], on="click", clear="dblclick")
    line_data = df[df["on_line"]] if len(df) else df
    lines = alt.Chart(line_data).mark_line(strokeWidth=2, opacity=0.6).encode(
        x=x, y=y, color=color, strokeDash=dash, detail="series:N")
    points = alt.Chart(df).mark_point(size=110, filled=True, opacity=0.95, strokeWidth=1.5).encode(
        x=x, y=y, color=color, shape=role_shape,
        stroke=alt.condition(selection, alt.value("#000000"), alt.value("transparent"), empty=False),
        tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("value:Q", format=",.6~g"), "comparator:N",
                 alt.Tooltip("role_name:N", title="role"), "series:N", "doc:N", "date:N", "text:N",
                 alt.Tooltip("sentence:N", title="sentence"), "rid:Q"],
    ).add_params(selection)
    # SVG: each point is an element of the page (it can be clicked and found by browser tests)
    return (lines + points).properties(height=340, usermeta={"embedOptions": {"renderer": "svg"}})


def selected_rid(event: Any) -> int | None:
    """The record id of the point a chart selection event holds (st.altair_chart on_select), or None."""
    try:
        sel = event.selection[SELECTION] if hasattr(event, "selection") else event["selection"][SELECTION]
    except (KeyError, TypeError, AttributeError):
        return None
    if isinstance(sel, list) and sel and isinstance(sel[0], dict) and sel[0].get("rid") is not None:
        try:
            return int(sel[0]["rid"])
        except (TypeError, ValueError):
            return None
    return None
