"""What a numeric table cell means: its row header, and the year/role/unit its column says.

`cell_frames(text)` reads every table of the text (parse.find_tables): header rows are the
rows before the first row holding a value (a row of cues further down starts a new header
block: `| | | Mục tiêu | Tiềm năng |`); the row-header column is the first text column that
is not a row number (`STT`) or a unit column (`ĐVT`); every column right of it holding
values is a value column. A table without a header row has no frame: nothing says what its
columns are, and its records are left as the sentence-level annotators made them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import cues
from .parse import Cell, Row, Table, find_tables

NUM = r"\d+(?:[.,]\d+)*"
_CMP = r"≥|≤|>=|<=|=<|=>|>|<|~|≈|(?i:tối\s+thiểu|tối\s+đa|ít\s+nhất|khoảng|trên|dưới|hơn|gần|xấp\s+xỉ)"
VALUE = re.compile(
    rf"(?:(?P<cmp>{_CMP})\s*)?(?P<sign>[-−+](?=\d))?(?P<a>{NUM})\s*(?P<pa>%)?"
    rf"(?:\s*(?P<dash>[-–—~÷])\s*(?P<b>{NUM})\s*(?P<pb>%)?|\s*/\s*(?P<d>{NUM}))?\s*(?P<tail>%)?"
)
COMPARATORS = {"≥": ">=", ">=": ">=", "=>": ">=", "tối thiểu": ">=", "ít nhất": ">=", "≤": "<=", "<=": "<=",
               "=<": "<=", "tối đa": "<=", ">": ">", "trên": ">", "hơn": ">", "<": "<", "dưới": "<",
               "~": "~", "≈": "~", "khoảng": "~", "gần": "~", "xấp xỉ": "~"}
_YEAR_ONLY = re.compile(r"(?:19|20)\d\d")
_ORDINAL = re.compile(r"(?:[IVXLC]{1,6}|\d{1,3}(?:\.\d{1,3})*\.?|[a-zđ]\)?|\(?\d{1,3}\))", re.IGNORECASE)
_NUMBERING = re.compile(r"\(?(?:\d{1,2}|[A-Z])\)?(?:\s*=\s*.{1,30})?")


@dataclass(frozen=True)
class CellFrame:
    """A value cell of a table and what its row and column say about it."""

    cell: Cell
    row: Row
    label: Cell | None  # the row header (possibly of a row above: a cell merged down)
    indicator: str | None
    header: str  # the column header lines, top to bottom, joined by " / "
    year: int | None
    role: str | None
    unit: str | None  # normalised (lowercase, without multiplier), `%`
    factor: float  # multiplier the unit carries (`tỷ đồng` -> 1e9)
    rules: tuple[str, ...]  # rule ids that gave year/role/unit


def is_value(text: str) -> bool:
    return bool(text) and VALUE.fullmatch(text) is not None and not _YEAR_ONLY.fullmatch(text)


def _ordinal_like(text: str) -> bool:
    return bool(_ORDINAL.fullmatch(text))


def _has_value(row: Row) -> bool:
    return any(is_value(c.text) for c in row.cells if not (c.col == 0 and _ordinal_like(c.text)))


def _is_numbering(row: Row) -> bool:
    filled = row.filled
    return len(filled) >= 3 and all(_NUMBERING.fullmatch(c.text) for c in filled)


_HEADER_CELL_MAX = 60  # a header row further down holds short labels, not sentences


def _has_cue(row: Row) -> bool:
    """A row of short cells with a role or year cue right of the first column (a header
    block inside a table: `| | | Mục tiêu cơ bản | Tiềm năng |`)."""
    if any(len(c.text) > _HEADER_CELL_MAX for c in row.filled):
        return False
    return any(cues.role_of(c.text) or cues.year_of(c.text) for c in row.filled if c.col > 0 and not is_value(c.text))


@lru_cache(maxsize=1)
def _currency() -> dict[str, str]:
    """{header word: unit} of the currencies and the percentage, as the figures read them: a
    rule's fixed unit, else the word as written, lower-cased (`euro`, `eur`)."""
    from ..rules.lexicon import lexicon

    return {w: u.unit or w for u in lexicon().units if u.kind in ("currency", "percent")
            for w in (" ".join(str(x).lower().split()) for x in u.words)}


def normalize_unit(raw: str | None) -> tuple[str | None, float]:
    """(unit, factor) of a unit as a header writes it: `Nghìn ha` -> (`ha`, 1000),
    `tỷ đồng` -> (`đồng`, 1e9), `Triệu USD` -> (`usd`, 1e6), `%` -> (`%`, 1)."""
    from ..lang.numbers import multiplier_of, multiplier_pattern

    if not raw:
        return None, 1.0
    low = " ".join(raw.lower().split()).strip(" .:;,")
    m = re.match(rf"(?:{multiplier_pattern()}\s*)+", low, re.IGNORECASE)
    factor = multiplier_of(m.group()) if m else 1.0
    rest = low[m.end():].strip() if m else low
    rest = _currency().get(rest, rest)
    return (rest or None), factor


def _caption_year(text: str, table: Table) -> tuple[int, str] | None:
    """The year of the table's caption (`Bảng 1. … năm 2020`). A caption's role words are not
    read: `Một số chỉ tiêu …` names indicators, it sets no target."""
    if table.caption is None:
        return None
    return cues.year_of(text[table.caption[0]:table.caption[1]])


def _blocks(table: Table) -> list[tuple[list[Row], list[Row]]]:
    """(header rows, data rows) blocks; section rows (one cell) and column numbering skipped."""
    blocks: list[tuple[list[Row], list[Row]]] = []
    in_header = False
    for row in table.rows:
        filled = row.filled
        if not filled or len(row.cells) == 1 or _is_numbering(row):
            continue
        if not _has_value(row):
            if in_header:
                blocks[-1][0].append(row)
            elif not blocks or _has_cue(row):
                blocks.append(([row], []))
                in_header = True
            else:
                blocks[-1][1].append(row)
        else:
            if not blocks:
                blocks.append(([], []))
            blocks[-1][1].append(row)
            in_header = False
    return blocks


def _columns(headers: list[Row], data: list[Row]) -> tuple[int | None, int | None, list[int]]:
    """(label column, unit column, value columns) of a block."""
    width = max((len(r.cells) for r in (*headers, *data)), default=0)
    head = [" ".join(r.text(j) for r in headers if r.text(j)) for j in range(width)]
    cells = [[r.text(j) for r in data if r.text(j)] for j in range(width)]
    unit_col = next((j for j in range(width) if cues.is_unit_header(head[j])), None)
    ordinal = {j for j in range(width) if cues.is_ordinal_header(head[j])
               or (j == 0 and cells[j] and all(_ordinal_like(t) for t in cells[j]))}

    def texty(j: int) -> bool:
        vals = cells[j]
        return bool(vals) and sum(not is_value(t) for t in vals) * 2 > len(vals)

    free = [j for j in range(width) if j != unit_col and j not in ordinal]
    label = next((j for j in free if cues.is_label_header(head[j]) and texty(j)), None)
    if label is None:
        label = next((j for j in free if texty(j)), None)
    if label is None:
        return None, unit_col, []
    values = [j for j in free if j > label and any(is_value(t) for t in cells[j])]
    return label, unit_col, values


def _indicator(label: str) -> str | None:
    found = cues.unit_in_parens(label)
    text = label
    if found:
        i = text.rfind("(" if "(" in text else found[0])
        text = text[:i] if i > 0 else text
    text = text.strip(" .:;,-–")
    return text or None


def _bottom_up(lines: list[str], fn):
    for line in reversed(lines):
        found = fn(line)
        if found:
            return found
    return None


def _table_frames(text: str, table: Table) -> list[CellFrame]:
    out: list[CellFrame] = []
    cap_year = _caption_year(text, table)
    for headers, data in _blocks(table):
        if not headers or not data:
            continue
        label_col, unit_col, value_cols = _columns(headers, data)
        if label_col is None or not value_cols:
            continue
        last_label: Cell | None = None
        for row in data:
            lc = row.cell(label_col)
            if lc is not None and lc.text:
                last_label = lc
            label = last_label
            unit_text = row.text(unit_col) if unit_col is not None else ""
            for j in value_cols:
                cell = row.cell(j)
                if cell is None or not is_value(cell.text):
                    continue
                lines = [r.text(j) for r in headers if r.text(j)]
                rules: list[str] = []
                role = _bottom_up(lines, cues.role_of)
                year = _bottom_up(lines, cues.year_of) or cap_year
                unit_raw = None
                if unit_text:
                    unit_raw = unit_text
                    rules.append("unit-column")
                else:
                    paren = _bottom_up(lines, cues.unit_in_parens) or (cues.unit_in_parens(label.text) if label else None)
                    if paren:
                        unit_raw = paren[0]
                        rules.append(paren[1])
                if role:
                    rules.insert(0, role[1])
                if year:
                    rules.insert(1 if role else 0, year[1] if year is not cap_year else f"{year[1]}@caption")
                unit, factor = normalize_unit(unit_raw)
                out.append(CellFrame(
                    cell=cell, row=row, label=label, indicator=_indicator(label.text) if label else None,
                    header=" / ".join(lines), year=year[0] if year else None, role=role[0] if role else None,
                    unit=unit, factor=factor, rules=tuple(rules) or ("cell",),
                ))
    return out


def cell_frames(text: str) -> list[CellFrame]:
    """The value cells of every table of `text` with their frames, in text order."""
    out: list[CellFrame] = []
    for table in find_tables(text):
        out.extend(_table_frames(text, table))
    out.sort(key=lambda f: f.cell.start)
    return out
