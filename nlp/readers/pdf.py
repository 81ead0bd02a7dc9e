"""PDF: the text layer page by page (pypdf); pages without one but with an image are read
by OCR (readers.ocr). Pages are joined by a blank line.

A text-layer page whose drawing holds ruling (lines, rectangles) is read again by
pdfplumber (readers.pdf_tables): its ruled tables become `| a | b |` rows (readers.grid)
with the page's other text around them; pages without such a table keep pypdf's text.
A table going on over a page break is joined by one line break instead of a blank line."""
from __future__ import annotations

import io
import logging
import re
import unicodedata

from .base import DocumentError, clean_extracted, is_blank, short

NO_TEXT = "PDF has no text layer (scanned?) and no page holds an image to OCR"
_LETTER = re.compile(r"[^\W\d_]")
_MIN_LETTERS = 10  # fewer letters than this on a page with an image: a scan (a page number is no text layer)


def read_pdf(data: bytes, *, name: str = "", progress: bool | None = None) -> tuple[str, dict]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable files warn loudly
    if b"%PDF-" not in data[:1024]:
        raise DocumentError("", "broken PDF: not a PDF file (no %PDF- header)", "broken PDF")
    encrypted = "encrypted PDF (password-protected); save an unprotected copy first"
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")  # many PDFs are "encrypted" with an empty user password
            except (DependencyError, NotImplementedError):
                ok = 0
            if not ok:
                raise DocumentError("", encrypted, "encrypted PDF")
        pages = []
        failed = 0
        for page in reader.pages:
            try:
                pages.append(page.extract_text() or "")
            except Exception:  # noqa: BLE001 - one unreadable page must not lose the others
                pages.append("")
                failed += 1
    except DocumentError:
        raise
    except FileNotDecryptedError:
        raise DocumentError("", encrypted, "encrypted PDF") from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on malformed files
        raise DocumentError("", f"broken PDF, cannot be parsed ({short(exc)})", "broken PDF") from None
    if not pages:
        raise DocumentError("", "broken PDF: it has no pages", "broken PDF")
    pages = [unicodedata.normalize("NFC", clean_extracted(p)) for p in pages]
    info: dict = {"pages": len(pages)}
    scanned = [i for i, p in enumerate(pages) if len(_LETTER.findall(p)) < _MIN_LETTERS]
    tabled = _tables(data, pages, set(scanned), info)
    if scanned:
        ocr_meta = _ocr(data, pages, scanned, name, progress)
        if ocr_meta:
            info["ocr"] = ocr_meta
    seps = _separators(pages, tabled)
    text = pages[0] + "".join(sep + p for sep, p in zip(seps, pages[1:]))
    if info.get("ocr"):
        info["ocr"]["spans"] = _spans(pages, seps, set(p - 1 for p in info["ocr"]["pages"]))
    if is_blank(text):
        if info.get("ocr"):
            n = len(info["ocr"]["pages"])
            raise DocumentError("", f"scanned PDF: OCR found no text on its {n} page{'s' if n > 1 else ''}",
                                "no text")
        raise DocumentError("", NO_TEXT, "no text layer")
    if failed:
        info["unreadable_pages"] = failed
    try:
        md = reader.metadata
        if md and md.title and md.title.strip():
            info["title"] = md.title.strip()
    except Exception:  # noqa: BLE001 - metadata is optional
        pass
    return text, info


def _tables(data: bytes, pages: list[str], scanned: set[int], info: dict) -> set[int]:
    """Pages with ruled tables rewritten with their tables as rows (in place; their indexes
    are returned); the other pages are untouched."""
    from .pdf_tables import read_table_pages, ruled_pages

    ruled = ruled_pages(data, [i for i in range(len(pages)) if i not in scanned])
    found = read_table_pages(data, ruled, pages)
    for i, (text, _) in found.items():
        pages[i] = unicodedata.normalize("NFC", clean_extracted(text))
    if found:
        info["tables"] = sum(n for _, n in found.values())
    return set(found)


def _row_width(line: str) -> int:
    """Cells of a table row as the readers write it (`| a | b |`), else 0."""
    if len(line) < 4 or not (line.startswith("| ") and line.endswith(" |")):
        return 0
    return line[2:-2].count(" | ") + 1


def _separators(pages: list[str], tabled: set[int]) -> list[str]:
    """What joins each page to the next: a blank line, or one line break where a table goes
    on over the page break (a page ending with a row, the next starting with a row as wide),
    so that the continued rows stay under their header rows."""
    seps = []
    for i in range(1, len(pages)):
        joined = False
        if i - 1 in tabled and i in tabled and pages[i - 1] and pages[i]:
            last = pages[i - 1].rsplit("\n", 1)[-1]
            first = pages[i].split("\n", 1)[0]
            joined = _row_width(last) >= 2 and _row_width(last) == _row_width(first)
        seps.append("\n" if joined else "\n\n")
    return seps


def _spans(pages: list[str], seps: list[str], ocred: set[int]) -> list[list[int]]:
    spans, pos = [], 0
    for i, p in enumerate(pages):
        if i in ocred and p:
            spans.append([pos, pos + len(p)])
        pos += len(p) + (len(seps[i]) if i < len(seps) else 0)
    return spans


def _ocr(data: bytes, pages: list[str], candidates: list[int], name: str, progress: bool | None) -> dict | None:
    """OCR the candidate pages that hold an image; their text replaces the (near) empty
    text layer in `pages`. None when no candidate holds an image (blank pages)."""
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
    except ImportError:
        if all(is_blank(p) for p in pages):
            raise DocumentError("", "PDF has no text layer (scanned?) and OCR is not available: "
                                    "pypdfium2 is not installed", "OCR not available") from None
        return None
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # noqa: BLE001 - pdfium cannot open what pypdf could: keep the text layer
        if all(is_blank(p) for p in pages):
            raise DocumentError("", f"broken PDF, its pages cannot be rendered ({short(exc)})", "broken PDF") from None
        return None
    try:
        with_image = []
        for i in candidates:
            page = pdf[i]
            try:
                if any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)):
                    with_image.append(i)
            finally:
                page.close()
        if not with_image:
            return None
        from .ocr import ocr_pdf_pages

        texts, meta = ocr_pdf_pages(pdf, with_image, name=name, progress=progress)
    finally:
        pdf.close()
    for i, t in texts.items():
        pages[i] = unicodedata.normalize("NFC", clean_extracted(t)).strip("\n ")
    return meta
