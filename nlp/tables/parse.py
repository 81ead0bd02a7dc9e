"""Tables recovered from text: consecutive `| a | b |` lines -> rows, cells with offsets.

Pure functions of the text. A row is a line holding cells separated by `|` (leading and
trailing `|` optional when the line has at least two cells); two or more consecutive rows
make a table; Markdown rules (`|---|:--:|`) are skipped. Nothing here knows what a
header means: frames.py reads the rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_RULE_CELL = re.compile(r"\s*:?-{2,}:?\s*")


@dataclass(frozen=True)
class Cell:
    start: int  # offsets of the cell's stripped content in the text (start == end: empty)
    end: int
    text: str
    col: int


@dataclass(frozen=True)
class Row:
    start: int  # the line, without its newline
    end: int
    cells: tuple[Cell, ...]

    def cell(self, col: int) -> Cell | None:
        return self.cells[col] if 0 <= col < len(self.cells) else None

    def text(self, col: int) -> str:
        c = self.cell(col)
        return c.text if c is not None else ""

    @property
    def filled(self) -> list[Cell]:
        return [c for c in self.cells if c.text]


@dataclass(frozen=True)
class Table:
    start: int
    end: int
    rows: tuple[Row, ...]
    caption: tuple[int, int] | None = None  # the short line just above the table, if any

    @property
    def width(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)


def _row(text: str, start: int, end: int) -> Row | None:
    line = text[start:end]
    stripped = line.strip()
    if "|" not in stripped:
        return None
    lead = line.index(stripped[0]) if stripped else 0
    body_start = start + lead
    body = stripped
    if body.startswith("|"):
        body, body_start = body[1:], body_start + 1
    closed = stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1
    if body.endswith("|"):
        body = body[:-1]
    parts = body.split("|")
    if len(parts) < 2 and not closed:
        return None
    cells, pos = [], body_start
    for col, part in enumerate(parts):
        content = part.strip()
        s = pos + (part.index(content[0]) if content else len(part) // 2)
        cells.append(Cell(s, s + len(content), content, col))
        pos += len(part) + 1
    return Row(start, end, tuple(cells))


def _is_rule(row: Row) -> bool:
    return all(_RULE_CELL.fullmatch(c.text) or not c.text for c in row.cells) and any(c.text for c in row.cells)


def find_tables(text: str) -> list[Table]:
    """The tables of `text`, in order (offsets index `text`)."""
    if not isinstance(text, str) or "|" not in text:
        return []
    tables: list[Table] = []
    run: list[Row] = []
    prev_lines: list[tuple[int, int]] = []  # recent non-row lines: (start, end)

    def close() -> None:
        rows = [r for r in run if not _is_rule(r)]
        if len(rows) >= 2:
            tables.append(Table(rows[0].start, rows[-1].end, tuple(rows), _caption(text, prev_lines, rows[0].start)))
        run.clear()

    pos, n = 0, len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        row = _row(text, pos, end) if "|" in text[pos:end] else None
        if row is not None:
            run.append(row)
        else:
            if run:
                close()
                prev_lines = []
            if text[pos:end].strip():
                prev_lines = [*prev_lines[-2:], (pos, end)]
            elif prev_lines:
                prev_lines = [*prev_lines[-2:], (pos, pos)]
        if nl < 0:
            break
        pos = nl + 1
    if run:
        close()
    return tables


def _caption(text: str, prev: list[tuple[int, int]], table_start: int) -> tuple[int, int] | None:
    """The nearest non-empty line above the table (at most one blank line between), when short."""
    for s, e in reversed(prev[-2:]):
        if s == e:
            continue
        line = text[s:e].strip()
        if not line or len(line) > 250:
            return None
        lead = text[s:e].index(line[0])
        return (s + lead, s + lead + len(line))
    return None
