"""The Indicator page's logic: the series to draw, the points table, a point's sentence.

The page shows one group (nlp.tracking: one indicator key, one unit). A user may *add*
another group of the same unit (drawn as its own series) or *merge* one (its points join
this group's series); both live in the page's address (`add=`, `merge=`), so a view can
be shared and Back undoes a step. A group of another unit is never put on this chart.
"""
from __future__ import annotations

import html
from typing import Any, Iterable, Mapping

from .highlight import highlight_html
from .links import document_href

ROLE_WORDS = {"target": "target", "actual": "result", "other": "other"}
MAX_ROWS = 300  # points listed in the table (a group rarely has more)


def fmt_value(p: Mapping[str, Any]) -> str:
    v = p.get("value")
    if v is None:
        return "?"
    num = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.4g}" if abs(v) < 1e6 else f"{v:,.0f}"
    comp = {"=": "", "~": "≈ "}.get(p.get("comparator") or "=", f"{p.get('comparator')} ")
    total = f"/{p['total']:,.0f}" if p.get("total") is not None else ""
    unit = f" {p['unit']}" if p.get("unit") and p.get("unit") != "%" else ("%" if p.get("unit") == "%" else "")
    return f"{comp}{num}{total}{unit}"


def build_series(main: Mapping[str, Any], merged: Iterable[Mapping[str, Any]],
                 added: Iterable[Mapping[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(series label, points) to chart: this group with the merged ones' points, then each added group."""
    label = main["label"]
    points = [*main["points"]]
    for g in merged:
        points += g["points"]
    out = [(label, points)]
    seen = {label}
    for g in added:
        name = g["label"] if g["label"] not in seen else f"{g['label']} ({g['key']})"
        seen.add(name)
        out.append((name, list(g["points"])))
    return out


def point_sentence_html(p: Mapping[str, Any], links: bool = True) -> str:
    """The point's sentence with its figure marked (escaped); the figure's text alone if the
    sentence offsets are unknown."""
    rec = {"type": "figure", "start": p.get("start"), "end": p.get("end"), "role": p.get("role"),
           "value": p.get("value"), "unit": p.get("unit"), "indicator": p.get("indicator"), "year": p.get("year"),
           "rid": p.get("rid"), "comparator": p.get("comparator"), "total": p.get("total")}
    if p.get("sentence") and p.get("sent_start") is not None:
        return highlight_html(str(p["sentence"]), [rec], offset=int(p["sent_start"]), links=links)
    return highlight_html(str(p.get("text") or ""), [{**rec, "start": 0, "end": len(str(p.get("text") or ""))}])


def selected_html(p: Mapping[str, Any]) -> str:
    """The box under the chart for a clicked point: year, role, value, document link, sentence."""
    doc = html.escape(str(p.get("doc") or ""))
    when = html.escape(str(p.get("date") or "undated"))
    head = (f"<b>{html.escape(str(p.get('year') or '—'))}</b> · {ROLE_WORDS.get(p.get('role'), p.get('role'))} · "
            f"<b>{html.escape(fmt_value(p))}</b> · <a href=\"{html.escape(document_href(p['doc'], p['rid']))}\" "
            f"target=\"_self\" class=\"solieu-point-doc\">{doc}</a> ({when})")
    return (f'<div class="solieu-selected-point" data-rid="{int(p["rid"])}">{head}'
            f'<div style="margin-top:0.4em">{point_sentence_html(p)}</div></div>')


def points_table_html(series: list[tuple[str, list[dict[str, Any]]]]) -> str:
    """Every point as a row: year, role, value, series (when several), document (a link to the
    document at this record) and the sentence with the figure marked."""
    several = len(series) > 1
    head = ("<tr><th>year</th><th>role</th><th>value</th>" + ("<th>indicator</th>" if several else "")
            + "<th>document</th><th>sentence</th></tr>")
    rows = []
    n = 0
    for label, points in series:
        for p in points:
            n += 1
            if n > MAX_ROWS:
                break
            year = html.escape(str(p.get("year") or "—")) + ("*" if p.get("year_from") == "document" else "")
            link = (f'<a href="{html.escape(document_href(p["doc"], p["rid"]))}" target="_self" '
                    f'class="solieu-point-link" data-rid="{int(p["rid"])}">{html.escape(str(p["doc"]))}</a>'
                    f'<br><small>{html.escape(str(p.get("date") or "undated"))}</small>')
            rows.append(f'<tr data-rid="{int(p["rid"])}"><td>{year}</td>'
                        f"<td>{ROLE_WORDS.get(p.get('role'), html.escape(str(p.get('role'))))}</td>"
                        f"<td style='white-space:nowrap'>{html.escape(fmt_value(p))}</td>"
                        + (f"<td>{html.escape(label)}</td>" if several else "")
                        + f"<td>{link}</td><td>{point_sentence_html(p, links=True)}</td></tr>")
    return ('<table class="solieu-points" style="width:100%;border-collapse:collapse;font-size:0.9em">'
            f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>")


def find_point(series: list[tuple[str, list[dict[str, Any]]]], rid: int | None) -> Mapping[str, Any] | None:
    if rid is None:
        return None
    return next((p for _, pts in series for p in pts if p.get("rid") == rid), None)
