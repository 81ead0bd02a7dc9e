"""One indicator over time: targets and actual results by year, each point linked to its sentence.

`/indicator?key=K&unit=U`: the figures of one indicator key in one unit (nlp.tracking),
charted (targets ◆, results ●, never averaged with another indicator) and listed;
similar indicators (rapidfuzz) can be added as their own series or merged into this one.
Without a key, the page finds indicators by their words.
"""
from __future__ import annotations

import streamlit as st

from nlp.tracking import indicator_series, search_indicators, similar_indicators
from nlp.ui import links, session
from nlp.ui.charts import SELECTION, indicator_chart, points_frame, selected_rid
from nlp.ui.indicator_view import build_series, find_point, points_table_html, selected_html
from nlp.ui.search_view import echo, indicator_caption
from nlp.ui.tables import shorten

store = session.require_store()
view = links.read_indicator(st.query_params)

if not view["key"]:
    st.title("Indicators")
    q = st.text_input("Find an indicator", key="keep_indicator_q", placeholder="tăng trưởng kinh tế · chỉ số giá tiêu dùng")
    if q.strip():
        groups = search_indicators(store, q[:200], 30)
        if not groups:
            st.warning(f"No indicator's name holds {echo(q)}.")
        for g in groups:
            st.page_link(links.PAGES["indicator"], label=f"{shorten(g['label'], 120)} [{g['unit'] or 'no unit'}]",
                         query_params=links.indicator_params(g["key"], g["unit"]), icon=":material/monitoring:")
            st.caption(indicator_caption(g))
    st.stop()

key, unit = view["key"], view["unit"]
main = indicator_series(store, key, unit)
if main is None:
    st.title("Indicator")
    st.error(f"No figure has the indicator {shorten(key, 80)!r} in unit {unit or '(none)'}.")
    st.page_link(links.PAGES["search"], label=f"Search for {shorten(key, 60)}", icon=":material/search:",
                 query_params=links.search_params(key, "indicators"))
    st.stop()


def _set(add: list, merge: list) -> None:
    st.query_params.from_dict(links.indicator_params(key, unit, add=add, merge=merge))


def _others(refs: list[tuple[str, str | None]]) -> list[dict]:
    out = []
    for k, u in refs:
        if (k, u) == (key, unit) or u != unit:
            continue  # another unit never shares this chart
        g = indicator_series(store, k, u)
        if g is not None:
            out.append(g)
    return out


merged, added = _others(view["merge"]), _others(view["add"])
series = build_series(main, merged, added)

st.title(shorten(main["label"], 160))
st.caption(f"Indicator key `{key}` · {indicator_caption(main)}"
           + (f" · merged with {len(merged)} similar indicator{'s' * (len(merged) != 1)}" if merged else ""))

frame = points_frame(series)
if len(frame):
    event = st.altair_chart(indicator_chart(frame, unit), on_select="rerun", selection_mode=SELECTION,
                            key="indicator_chart", width="stretch")
    point = find_point(series, selected_rid(event))
    with st.container(border=True, key="selected-point"):
        if point is None:
            st.caption("Click a point to read its sentence (double-click clears). Targets ◆ and results ● of each "
                       "year; the line joins the value reported last.")
        else:
            st.html(selected_html(point))
else:
    st.info("None of these figures states a year, and their documents are undated: nothing to draw over time.")

undated = sum(1 for _, pts in series for p in pts if p.get("year") is None)
st.subheader("Points")
st.caption("Each figure, with the sentence it was read from; the document opens at that record."
           + (" * the year of the document's date (the sentence gives none)." if any(
               p.get("year_from") == "document" for _, pts in series for p in pts) else "")
           + (f" {undated} without a year are listed, not drawn." if undated else ""))
st.html(points_table_html(series))

st.subheader("Similar indicators")
similar = similar_indicators(store, key, unit)
current_add = [(g["key"], g["unit"]) for g in added]
current_merge = [(g["key"], g["unit"]) for g in merged]
if current_add or current_merge:
    for g, kind in [*((g, "added") for g in added), *((g, "merged") for g in merged)]:
        c = st.columns([5, 1])
        c[0].markdown(f"**{kind}:** {shorten(g['label'], 100)} — {indicator_caption(g)}")
        c[1].button("Remove", key=f"remove-{kind}-{g['key']}", on_click=_set,
                    args=([r for r in current_add if r != (g["key"], g["unit"])],
                          [r for r in current_merge if r != (g["key"], g["unit"])]))
offered = [g for g in similar if (g["key"], g["unit"]) not in {*current_add, *current_merge}]
if not offered:
    st.caption("No other indicator reads almost like this one.")
for i, g in enumerate(offered):
    with st.container(border=True, key=f"similar-{i}"):
        c = st.columns([6, 1, 1])
        c[0].page_link(links.PAGES["indicator"], label=f"{shorten(g['label'], 110)} [{g['unit'] or 'no unit'}]",
                       query_params=links.indicator_params(g["key"], g["unit"]), icon=":material/monitoring:")
        c[0].caption(f"similarity {g['similarity']:.0f} · {indicator_caption(g)}")
        if g["same_unit"]:
            c[1].button("Add", key=f"add-{i}", help="draw it as its own series on this chart",
                        on_click=_set, args=([*current_add, (g["key"], g["unit"])], current_merge))
            c[2].button("Merge", key=f"merge-{i}", help="the same measure: its points join this one's series",
                        on_click=_set, args=(current_add, [*current_merge, (g["key"], g["unit"])]))
        else:
            c[1].caption("another unit")
