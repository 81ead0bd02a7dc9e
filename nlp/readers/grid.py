"""Tables as text: one line per row, cells separated by ` | ` (`| a | b |`), header rows first.

This is how every reader writes a table into the canonical text, so that `nlp.tables` can
recover the structure from the text alone (a pasted or .txt table works the same way).

Spans: a cell merged across columns is written in each column it covers when it reads
like a header (no figure in it: `Năm 2024` over `KH | TH`), else once followed by empty
cells; a cell spanning the whole row is written once (a section row); a cell merged down
is written in its first row and left empty below (`nlp.tables` fills a row header down).
A `|` inside a cell becomes `¦`, and a cell's lines are joined by spaces.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LAYOUT_CELL_CHARS = 1500  # a table with a longer cell is page layout, not data: read as paragraphs
_WS = re.compile(r"\s+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass
class GridCell:
    text: str
    origin: str = "own"  # own | left (continues the cell on its left) | up (continues the cell above)


def cell_text(text: str) -> str:
    return _WS.sub(" ", text.replace("|", "¦")).strip()


def _header_like(text: str) -> bool:
    """No digit other than a year's: `Năm 2024`, `Kế hoạch`, `Đơn vị tính`."""
    return not any(ch.isdigit() for ch in _YEAR.sub("", text))


def render_rows(grid: list[list[GridCell]]) -> list[str]:
    """The lines of a table given as a grid (every row as wide as the table)."""
    width = max((len(r) for r in grid), default=0)
    lines = []
    for row in grid:
        if not row:
            continue
        own = [c for c in row if c.origin == "own"]
        if len(own) == 1 and row[0].origin == "own" and len(row) == width and width > 1 \
                and all(c.origin == "left" for c in row[1:]):
            lines.append(f"| {row[0].text} |")  # one cell across the whole row: a section row
            continue
        cells: list[str] = []
        for c in row:
            if c.origin == "own":
                cells.append(c.text)
            elif c.origin == "left":
                prev = _left_text(row, len(cells))
                cells.append(prev if prev and _header_like(prev) else "")
            else:
                cells.append("")
        if any(cells):
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def _left_text(row: list[GridCell], i: int) -> str:
    j = i - 1
    while j >= 0 and row[j].origin == "left":
        j -= 1
    return row[j].text if j >= 0 and row[j].origin == "own" else ""


def grid_from_spans(rows: list[list[tuple[str, int, int]]]) -> list[list[GridCell]]:
    """A grid from rows of (text, colspan, rowspan), as HTML writes a table."""
    grid: list[list[GridCell | None]] = []
    for r, row in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for text, colspan, rowspan in row:
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1
            colspan, rowspan = max(1, min(colspan, 50)), max(1, min(rowspan, 500))
            for dr in range(rowspan):
                rr = r + dr
                while len(grid) <= rr:
                    grid.append([])
                for dc in range(colspan):
                    cc = c + dc
                    while len(grid[rr]) <= cc:
                        grid[rr].append(None)
                    origin = "own" if dr == 0 and dc == 0 else ("left" if dr == 0 else "up")
                    grid[rr][cc] = GridCell(text if origin == "own" else "", origin)
            c += colspan
    width = max((len(r) for r in grid), default=0)
    return [[c if c is not None else GridCell("") for c in row] + [GridCell("")] * (width - len(row)) for row in grid]
