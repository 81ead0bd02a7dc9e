"""DOCX: paragraphs in document order; data tables as `| a | b |` rows (see readers.grid)."""
from __future__ import annotations

import io
import zipfile

from .base import DocumentError, clean_extracted, short
from .grid import LAYOUT_CELL_CHARS, GridCell, cell_text, render_rows


def read_docx(data: bytes) -> tuple[str, dict]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        info = {"tables": 0}
        _blocks(document, lines, depth=0, info=info)
        title = (document.core_properties.title or "").strip() or None
    except (zipfile.BadZipFile, PackageNotFoundError):
        raise DocumentError("", "broken DOCX: not a valid Word (zip) document", "broken DOCX") from None
    except Exception as exc:  # noqa: BLE001 - missing parts, lxml XMLSyntaxError and friends
        raise DocumentError("", f"broken DOCX, cannot be parsed ({short(exc)})", "broken DOCX") from None
    out = {"title": title}
    if info["tables"]:
        out["tables"] = info["tables"]
    return clean_extracted("\n".join(lines)), out


def _blocks(container, lines: list[str], depth: int, info: dict) -> None:
    """Paragraphs and tables in document order; a merged cell is read once."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            if depth > 5:  # tables nested deeper than this are layout, not content
                continue
            grid = _grid(block)
            if grid is not None:
                rows = render_rows(grid)
                lines.extend(rows)
                info["tables"] += 1 if rows else 0
            else:
                _layout_table(block, lines, depth, info)
        else:
            lines.append(block.text)


def _layout_table(table, lines: list[str], depth: int, info: dict) -> None:
    # A merged cell appears once per grid column it spans; read it once. The elements are
    # kept alive in `cells` so that their ids cannot be reused.
    cells, seen = [], set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            cells.append(cell._tc)
            seen.add(id(cell._tc))
            _blocks(cell, lines, depth + 1, info)


def _grid(table) -> list[list[GridCell]] | None:
    """The table as a grid of cell texts, or None when it is page layout (one column, a
    nested table, a very long cell)."""
    rows = []
    keep = []  # keep the _tc elements alive while their ids are compared
    for row in table.rows:
        cells = row.cells
        tcs = [cell._tc for cell in cells]
        keep.append(tcs)
        rows.append((cells, tcs))
    width = max((len(t) for _, t in rows), default=0)
    if width < 2 or not rows:
        return None
    grid: list[list[GridCell]] = []
    above: list = []
    texts: dict[int, str] = {}
    for cells, tcs in rows:
        out: list[GridCell] = []
        for c, tc in enumerate(tcs):
            if c > 0 and tcs[c - 1] is tc:
                out.append(GridCell("", "left"))
            elif c < len(above) and above[c] is tc:
                out.append(GridCell("", "up"))
            else:
                if id(tc) not in texts:
                    if tc.xpath(".//w:tbl"):
                        return None
                    texts[id(tc)] = cell_text(" ".join(p.text for p in cells[c].paragraphs))
                text = texts[id(tc)]
                if len(text) > LAYOUT_CELL_CHARS:
                    return None
                out.append(GridCell(text))
        out += [GridCell("")] * (width - len(out))
        grid.append(out)
        above = tcs
    return grid
