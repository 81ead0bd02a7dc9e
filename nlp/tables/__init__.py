"""Tables as tables: structure recovered from the text, figures framed by their headers.

The readers write every table row as one line of cells separated by ` | ` (header rows
first); this package reads that back from the text alone, so a pasted or .txt table works
the same way, and `extract(text)` stays a pure `str -> list[Record]`:

- `find_tables(text)`: consecutive pipe rows -> Table (rows, cells with offsets, caption);
- `cell_frames(text)`: each value cell with its row header (indicator), and the year,
  role and unit its column header (or unit column) gives — cues from rules/table_headers.yml;
- `apply_table_frames(text, records)`: figures lying in value cells take indicator/year/
  role/unit from their frame; value cells no figure covers (a bare `52,3` under `Thực hiện
  2024 (%)`) become figures. Such records have a `source` starting with `table:`.
"""
from __future__ import annotations

import bisect
import logging
from typing import Iterable

from .frames import VALUE, COMPARATORS, CellFrame, cell_frames, is_value, normalize_unit
from .parse import Cell, Row, Table, find_tables

__all__ = ["find_tables", "cell_frames", "apply_table_frames", "is_table_record", "Table", "Row", "Cell",
           "CellFrame", "normalize_unit", "is_value", "TABLE_PREFIX"]

log = logging.getLogger(__name__)
TABLE_PREFIX = "table:"
_CONFIDENT, _UNSURE = 0.9, 0.6  # a created figure whose role a header gave / did not give


def is_table_record(record) -> bool:
    """True for a record made or framed by a table (its source starts with `table:`, after
    an optional `ocr:`)."""
    source = record.get("source") if isinstance(record, dict) else getattr(record, "source", "")
    source = str(source or "")
    return source.removeprefix("ocr:").startswith(TABLE_PREFIX)


def apply_table_frames(text: str, records: Iterable) -> list:
    """`records` with the figures of table cells framed by their table, plus figures for value
    cells that no record covered; sorted by (start, end). Pure; errors are the caller's
    (nlp.pipeline.extract runs it inside the document's one error boundary)."""
    records = list(records)
    if not isinstance(text, str) or "|" not in text:
        return records
    frames = cell_frames(text)
    if not frames:
        return records
    return _apply(text, records, frames)


def _apply(text: str, records: list, frames: list[CellFrame]) -> list:
    starts = [f.cell.start for f in frames]
    covered: set[int] = set()
    out = []
    for r in records:
        if getattr(r, "type", None) == "figure":
            k = bisect.bisect_right(starts, r.start) - 1
            if k >= 0 and frames[k].cell.start <= r.start and r.end <= frames[k].cell.end:
                r = _frame_figure(r, frames[k])
                covered.add(k)
        out.append(r)
    closed = sorted((r.start, r.end) for r in records if getattr(r, "type", None) != "figure")
    for k, f in enumerate(frames):
        if k in covered or any(s < f.cell.end and f.cell.start < e for s, e in closed):
            continue
        out.extend(_new_figures(text, f))
    out.sort(key=lambda r: (r.start, r.end))
    return out


def _source(f: CellFrame, old: str = "") -> str:
    return TABLE_PREFIX + "+".join(f.rules) + (f"+{old}" if old else "")


def _frame_figure(r, f: CellFrame):
    from ..lang.numbers import scale

    changes: dict = {"source": _source(f, r.source)}
    if f.indicator:
        changes["indicator"] = f.indicator
    if f.year is not None:
        changes["year"] = f.year
    if f.role is not None:
        changes["role"] = f.role
    if r.unit is None and f.unit:  # a bare number: the header's unit and multiplier
        changes["unit"] = f.unit
        changes["value"] = scale(r.value, f.factor)  # exact: 8,03 × tỷ is 8030000000
        if r.total is not None:
            changes["total"] = scale(r.total, f.factor)
    return r.with_(**changes)


def _new_figures(text: str, f: CellFrame) -> list:
    from ..lang.numbers import parse_decimal, scale
    from ..records import Figure

    m = VALUE.fullmatch(f.cell.text)
    if m is None:
        return []
    a = parse_decimal(m.group("a"))
    if a is None:
        return []
    if m.group("sign") in ("-", "−"):
        a = -a
    percent = bool(m.group("pa") or m.group("pb") or m.group("tail"))
    unit, factor = ("%", 1.0) if percent else (f.unit, f.factor)
    cmp_word = " ".join((m.group("cmp") or "").lower().split())
    comparator = COMPARATORS.get(cmp_word, "=")
    start = f.cell.start + m.start("sign" if m.group("sign") else "a")
    end = f.cell.start + len(f.cell.text.rstrip())
    base = dict(start=start, end=end, text=text[start:end], sentence=(f.row.start, f.row.end),
                confidence=_CONFIDENT if f.role else _UNSURE, source=_source(f), unit=unit,
                role=f.role or "actual", indicator=f.indicator, year=f.year)
    if m.group("b") is not None:
        b = parse_decimal(m.group("b"))
        if b is None or b < a:
            return []
        return [Figure(**base, value=scale(a, factor), comparator=">="),
                Figure(**base, value=scale(b, factor), comparator="<=")]
    total = None
    if m.group("d") is not None:
        d = parse_decimal(m.group("d"))
        total = scale(d, factor) if d is not None else None
    return [Figure(**base, value=scale(a, factor), total=total, comparator=comparator)]
