"""Ruled tables of text-layer PDF pages (pdfplumber), written as the readers write tables.

pypdf's text of a page flattens a table (one cell a line: a number loses its row and its
column). A page whose drawing holds rules is read again by pdfplumber: its ruled tables
become `| a | b |` rows (readers.grid: header rows first, a header cell merged across
columns written in each column, a cell merged down left empty below), and the page's other
text is written around them in reading order (top to bottom; text beside a table comes
before it), never repeating a table's text.

Cheap first: `ruled_pages` asks pdfium for each page's path objects (a few milliseconds a
page) and keeps the pages with at least two horizontal and two vertical rules; pdfplumber
(pdfminer parses the page in Python: 0.1-0.2 s a page) runs only on those, and a page
where it finds no table of at least 2 columns keeps pypdf's text unchanged. Rules are
stroked paths and filled shapes thinner than THIN points (Word draws borders as thin
filled rectangles); wider filled shapes (cell shading, a paragraph's background, a
highlight) are not rules, for pdfplumber either. Any failure here keeps pypdf's text: a
table is a nicety, never a reason to refuse a file.
"""
from __future__ import annotations

import ctypes
import io
import logging
import re
import threading

from .grid import LAYOUT_CELL_CHARS, GridCell, cell_text, render_rows

log = logging.getLogger(__name__)

THIN = 3.0  # points: a filled shape thinner than this is a rule; a wider one is shading or a highlight
_LETTER = re.compile(r"[^\W\d_]")
_KEEP_SHARE = 0.9  # pdfplumber's page text must keep this share of pypdf's letters, else pypdf's stays
_UPRIGHT_SHARE = 0.9  # fewer upright characters than this: a rotated page, left to pypdf
SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_PDFIUM = threading.Lock()  # pdfium is not thread-safe (the app reads uploads on several threads)


# ------------------------------------------------------------------ the cheap check (pdfium)

def ruled_pages(data: bytes, candidates: list[int]) -> list[int]:
    """The candidate pages (0-based) whose drawing could rule a table: at least two horizontal
    and two vertical rules (stroked paths, or filled shapes thinner than THIN points).
    pdfium lists a page's path objects in a few milliseconds; a paragraph's background or a
    highlight (wide filled shapes) and a letterhead's underlines (horizontal only) do not count.
    A page turned sideways (/Rotate) is left to pypdf, which reads its lines the right way."""
    if not candidates:
        return []
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
    except ImportError:
        return list(candidates)  # no cheap check: let pdfplumber look
    out = []
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(data)
        except Exception:  # noqa: BLE001 - pdfium cannot open what pypdf could: no tables
            return []
        try:
            for i in candidates:
                try:
                    page = pdf[i]
                except Exception:  # noqa: BLE001
                    continue
                try:
                    if page.get_rotation() == 0 and _rules(page, pdfium_c) >= (2, 2):
                        out.append(i)
                except Exception:  # noqa: BLE001 - a page pdfium cannot walk: no tables on it
                    pass
                finally:
                    page.close()
        finally:
            pdf.close()
    return out


def _rules(page, pdfium_c) -> tuple[int, int]:
    """(horizontal, vertical) rules of a page, stopping as soon as there are two of each."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    h = v = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        w, ht = right - left, top - bottom
        thin = min(w, ht) <= THIN
        if not pdfium_c.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke)):
            continue
        if thin and (stroke.value or fill.value):
            if w >= ht:
                h += 1
            else:
                v += 1
        elif stroke.value:  # a stroked box or grid
            k = max(1, (pdfium_c.FPDFPath_CountSegments(obj.raw) - 1) // 2)
            h, v = h + k, v + k
        if h >= 2 and v >= 2:
            break
    return h, v


# ------------------------------------------------------------------ tables (pdfplumber)

def read_table_pages(data: bytes, candidates: list[int], pypdf_texts: list[str]) -> dict[int, tuple[str, int]]:
    """{page index: (its text with tables as rows, number of tables)} for the candidate
    pages (0-based) where pdfplumber finds a ruled data table; other pages are left out."""
    if not candidates:
        return {}
    try:
        import pdfplumber
    except ImportError:
        return {}
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    out: dict[int, tuple[str, int]] = {}
    try:
        pdf = pdfplumber.open(io.BytesIO(data), pages=[i + 1 for i in candidates])
    except Exception:  # noqa: BLE001 - pdfminer cannot read what pypdf could: keep pypdf's text
        return {}
    try:
        for page in pdf.pages:
            i = page.page_number - 1
            try:
                found = page_with_tables(page)
            except Exception:  # noqa: BLE001 - one page's tables must not lose the others
                log.debug("solieu: tables of page %d not read", i + 1, exc_info=True)
                found = None
            finally:
                page.close()
            if found is not None and _keeps_text(found[0], pypdf_texts[i]):
                out[i] = found
    except Exception:  # noqa: BLE001 - pdfminer's page tree walk on a malformed file
        log.debug("solieu: pdfplumber failed", exc_info=True)
    finally:
        pdf.close()
    return out


def _keeps_text(text: str, pypdf_text: str) -> bool:
    """pdfplumber's page text is as complete as pypdf's (no `(cid:…)` glyphs, no letters lost)."""
    if "(cid:" in text:
        return False
    return len(_LETTER.findall(text)) >= _KEEP_SHARE * len(_LETTER.findall(pypdf_text))


def page_with_tables(page) -> tuple[str, int] | None:
    """The page's text with its ruled data tables as `| a | b |` rows, or None (no such table,
    or a page turned sideways: pdfplumber reads its lines across, pypdf reads them right)."""
    chars = page.chars
    if not chars or sum(1 for c in chars if c.get("upright", True)) < _UPRIGHT_SHARE * len(chars):
        return None
    tables = []
    for t in page.filter(_not_shading).find_tables(SETTINGS):
        grid = table_grid(t)
        lines = render_rows(grid) if grid is not None else []
        if lines:
            tables.append((t.bbox, lines))
    if not tables:
        return None
    tables.sort(key=lambda t: (t[0][1], t[0][0]))
    boxes = [b for b, _ in tables]
    free = [c for c in chars if not any(_inside(c, b) for b in boxes)]
    parts: list[str] = []
    upper = float("-inf")
    for bbox, lines in tables:
        band = [c for c in free if upper <= _mid_y(c) < bbox[3]]
        parts.append(_text(band))
        parts.extend(lines)
        upper = bbox[3]
    parts.append(_text([c for c in free if _mid_y(c) >= upper]))
    return "\n".join(p for p in parts if p.strip()), len(tables)


def _not_shading(obj) -> bool:
    """pdfplumber objects that may rule a table: lines, stroked shapes, thin filled shapes."""
    if obj.get("object_type") not in ("rect", "curve"):
        return True
    return bool(obj.get("stroke")) or min(obj.get("width", 0), obj.get("height", 0)) <= THIN


def _mid_y(char) -> float:
    return (char["top"] + char["bottom"]) / 2


def _inside(char, bbox) -> bool:
    """As pdfplumber assigns a character to a cell: its centre lies in the box."""
    x = (char["x0"] + char["x1"]) / 2
    y = _mid_y(char)
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


def _text(chars) -> str:
    if not chars:
        return ""
    from pdfplumber.utils import extract_text

    return "\n".join(line.strip() for line in extract_text(chars).split("\n"))


def table_grid(table) -> list[list[GridCell]] | None:
    """A pdfplumber table as a grid (readers.grid), or None when it is not a data table
    (one column: a framed paragraph; a cell long enough to be page layout), as for .docx."""
    cells = table.cells
    rows = table.rows
    xs = sorted({c[0] for c in cells})
    if len(xs) < 2 or not rows:
        return None
    texts = table.extract()
    _, _, x1, bottom = table.bbox
    tops = [r.bbox[1] for r in rows]
    grid: list[list[GridCell]] = []
    for r, (row, values) in enumerate(zip(rows, texts)):
        y = (tops[r] + (tops[r + 1] if r + 1 < len(rows) else bottom)) / 2
        out: list[GridCell] = []
        for j, (cell, value) in enumerate(zip(row.cells, values)):
            if cell is not None:
                text = cell_text(value or "")
                if len(text) > LAYOUT_CELL_CHARS:
                    return None
                out.append(GridCell(text))
                continue
            # no cell starts here: a cell merged from the left (same top) or from above
            x = (xs[j] + (xs[j + 1] if j + 1 < len(xs) else x1)) / 2
            cover = next((c for c in cells if c[0] <= x < c[2] and c[1] <= y < c[3]), None)
            if cover is None:
                out.append(GridCell(""))  # a hole in the ruling
            else:
                out.append(GridCell("", "left" if abs(cover[1] - tops[r]) < 0.5 else "up"))
        grid.append(out)
    return grid
