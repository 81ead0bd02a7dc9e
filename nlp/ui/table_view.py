"""Tables of a text as HTML tables, their figure cells highlighted (the Upload page).

The structure is the one `nlp.tables` recovers from the text (rows written `| a | b |`);
a cell holding a figure gets the colour of its role (as in the highlighted article) and
the record's fields as a tooltip. Every piece of text is HTML-escaped.
"""
from __future__ import annotations

import html
from typing import Any, Iterable

from ..tables import find_tables, is_value
from .highlight import KINDS, kind_of, tooltip

_STYLE = ("border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em;")
_CELL = "border: 1px solid #ccc; padding: 0.25em 0.5em; vertical-align: top;"


def as_dict(record: Any) -> dict[str, Any]:
    return record if isinstance(record, dict) else record.to_dict()


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def tables_html(text: str, records: Iterable[Any]) -> list[str]:
    """One `<table>` per table of `text` that holds a figure, cells of figures highlighted."""
    figures = [d for d in (as_dict(r) for r in records) if d.get("type") == "figure"]
    out = []
    for table in find_tables(text):
        inside = [f for f in figures if table.start <= f["start"] and f["end"] <= table.end]
        if not inside:
            continue
        head_rows = 0
        for row in table.rows:  # rows before the first row holding a value are the header
            if any(is_value(c.text) for c in row.cells[1:]):
                break
            head_rows += 1
        width = table.width
        parts = [f'<table class="solieu-table" style="{_STYLE}">']
        if table.caption:
            parts.append(f"<caption style=\"text-align: left; font-weight: bold;\">"
                         f"{_esc(text[table.caption[0]:table.caption[1]])}</caption>")
        for i, row in enumerate(table.rows):
            tag = "th" if i < head_rows else "td"
            cells = []
            for cell in row.cells:
                recs = [f for f in inside if cell.start <= f["start"] and f["end"] <= cell.end and cell.text]
                span = f' colspan="{width - len(row.cells) + 1}"' if cell is row.cells[-1] and len(row.cells) < width else ""
                if recs:
                    kind = kind_of(recs[0])
                    tip = " | ".join(tooltip(r) for r in recs)
                    cells.append(f'<{tag}{span} class="solieu-cell" data-kind="{_esc(kind)}" '
                                 f'data-source="{_esc(recs[0].get("source"))}" title="{_esc(tip)}" '
                                 f'style="{_CELL} background: {KINDS[kind].color}; font-weight: bold;">'
                                 f"{_esc(cell.text)}</{tag}>")
                else:
                    cells.append(f'<{tag}{span} style="{_CELL}">{_esc(cell.text)}</{tag}>')
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
        out.append("".join(parts))
    return out


def ocr_note(doc: Any) -> str | None:
    """One line for a document whose text was read by OCR (which pages, which engine)."""
    ocr = (getattr(doc, "meta", None) or {}).get("ocr")
    if not ocr:
        return None
    pages = ocr.get("pages") or []
    which = f"page {pages[0]}" if len(pages) == 1 else f"{len(pages)} pages"
    return (f"Text read by OCR ({which}, {ocr.get('engine') or 'tesseract'}, language {ocr.get('lang')}): "
            "records from it are marked `ocr:`; check figures against the scan.")


def render(st: Any, doc: Any, records: list) -> None:
    """The Upload page's extras under the highlighted article: the OCR note and the tables."""
    note = ocr_note(doc)
    if note:
        st.warning(note)
    tables = tables_html(doc.text, records)
    if tables:
        with st.expander(f"Tables ({len(tables)})", expanded=True):
            for table in tables:
                st.html(table)
