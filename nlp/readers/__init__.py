"""Read .txt/.md/.html/.pdf/.docx/.doc (or pasted text) into a Document with one canonical NFC text.

CONTRACT:
- `Document.text` is the canonical text: NFC; for .txt/.md the decoded file, nothing
  stripped (a UTF-8 BOM is not text and is dropped); for other formats the extracted
  text. Record offsets index this string; nothing rewrites it after reading.
- Tables (.docx, .doc, HTML, ruled tables of text-layer PDF pages) are written as one line
  per row, cells separated by ` | `, header rows first (readers.grid; PDFs: readers.pdf_tables);
  `nlp.tables` recovers their structure from the text.
- A scanned PDF page (no text layer) is read by OCR (readers.ocr); `meta["ocr"]` says so.
- Every failure is a `DocumentError` with a one-line, user-readable `reason`
  (no traceback) and a short `kind`: empty/blank, binary, undecodable, unsupported type,
  too large, PDF without text and no OCR, broken PDF/DOCX/DOC, converter missing, OCR bounds.

Size limit: MAX_BYTES = 20 MiB = 20,971,520 bytes, inclusive. A "20 MB" text
(20,000,000 bytes) and even an exactly-20-MiB file pass; one byte more fails. The UI
passes a smaller `max_bytes` for uploads.

The format is chosen by the file extension, but content wins when it carries an
unmistakable signature (a `%PDF-` header, a DOCX zip, an `<html` start, an OLE2 Word
file): uploads are often misnamed.

Modules: base (Document, DocumentError), plain, html, pdf, pdf_tables (ruled tables of
text-layer PDF pages), ocr, docx, doc, grid (tables as text), titles (title and dateline).
"""
from __future__ import annotations

import io
import sys
import unicodedata
import zipfile
from dataclasses import replace
from pathlib import Path

from .base import (HTML_EXTENSIONS, MAX_BYTES, STDIN, SUPPORTED_EXTENSIONS, TEXT_EXTENSIONS, Document,
                   DocumentError, finish, is_blank)
from .ocr import is_ocr_record, mark_records as mark_ocr_records
from .titles import find_date_line, first_line_title

__all__ = [
    "MAX_BYTES", "TEXT_EXTENSIONS", "HTML_EXTENSIONS", "SUPPORTED_EXTENSIONS", "STDIN", "Document",
    "DocumentError", "document_from_text", "document_from_bytes", "read_document", "find_date_line",
    "mark_ocr_records", "is_ocr_record",
]


def document_from_text(text: str, *, doc_id: str = "pasted", title: str | None = None,
                       source: str | None = None) -> Document:
    """Pasted text as a Document (NFC). Never raises on a str; blank text gives a blank Document
    (refusing it is the caller's choice). Title and date as for a .txt file when not given."""
    text = unicodedata.normalize("NFC", text if isinstance(text, str) else str(text))
    return finish(doc_id, text, title=title or first_line_title(text), date_=find_date_line(text),
                  source=source, meta={"format": "text"})


def document_from_bytes(data: bytes, filename: str, *, doc_id: str | None = None,
                        max_bytes: int = MAX_BYTES, progress: bool | None = None) -> Document:
    """Uploaded bytes + their file name as a Document (dispatch by extension, then content).
    `progress`: show OCR progress on stderr (None: when stderr is a terminal)."""
    name = _display_name(filename)
    data = bytes(data)  # bytearray / memoryview from upload widgets
    if len(data) > max_bytes:
        raise DocumentError(name, _too_large(len(data), max_bytes), "too large")
    if not data:
        raise DocumentError(name, "empty file (0 bytes)", "empty file")
    kind = _kind(name, filename, data)
    doc_id = doc_id or _stem(filename)
    try:
        text, info = _read(kind, data, name, progress)
    except DocumentError as exc:  # readers raise with a placeholder name
        raise DocumentError(name, exc.reason, exc.kind) from None
    if is_blank(text):
        what = "blank file (only whitespace)" if kind == "text" else f"no text found in the {kind.upper()}"
        raise DocumentError(name, what, "blank file" if kind == "text" else "no text")
    text = unicodedata.normalize("NFC", text)
    title = info.pop("title", None) or first_line_title(text)
    when = info.pop("date", None) or find_date_line(text)
    source = info.pop("source", None)
    meta = {"format": kind, "bytes": len(data), "filename": filename, **info}
    return finish(doc_id, text, title=title, date_=when, source=source, meta=meta)


def read_document(path: str | Path, *, max_bytes: int = MAX_BYTES, doc_id: str | None = None,
                  progress: bool | None = None) -> Document:
    """A file (or `-` for stdin) as a Document; any failure is one DocumentError line."""
    if str(path) == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)  # one byte more tells "too large" without reading it all
        if len(data) > max_bytes:
            raise DocumentError(_display_name(STDIN), f"input too large (more than {max_bytes:,} bytes)", "too large")
        doc = document_from_bytes(data, STDIN, doc_id=doc_id or "stdin", max_bytes=max_bytes, progress=progress)
        return replace(doc, path=STDIN)
    p = Path(path)
    name = str(path)
    if p.is_dir():
        raise DocumentError(name, "is a directory, not a file", "directory")
    _check_extension(name, p.name)
    try:
        size = p.stat().st_size
        if size > max_bytes:  # before reading: never load a huge file to refuse it
            raise DocumentError(name, _too_large(size, max_bytes), "too large")
        data = p.read_bytes()
    except FileNotFoundError:
        raise DocumentError(name, "file not found", "file not found") from None
    except PermissionError:
        raise DocumentError(name, "cannot read the file: permission denied", "cannot read") from None
    except OSError as exc:
        raise DocumentError(name, f"cannot read the file: {exc.strerror or exc}", "cannot read") from None
    try:
        doc = document_from_bytes(data, p.name, doc_id=doc_id or p.stem, max_bytes=max_bytes, progress=progress)
    except DocumentError as exc:
        raise DocumentError(name, exc.reason, exc.kind) from None
    return replace(doc, path=name)


# ---------------------------------------------------------------------------- dispatch


def _read(kind: str, data: bytes, name: str, progress: bool | None) -> tuple[str, dict]:
    if kind == "text":
        from .plain import decode_text

        return decode_text(data)
    if kind == "html":
        from .html import read_html

        return read_html(data)
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, name=Path(name).name, progress=progress)
    if kind == "docx":
        from .docx import read_docx

        return read_docx(data)
    if kind == "doc":
        from .doc import read_doc

        return read_doc(data)
    raise DocumentError("", f"unsupported file type {kind!r}", "unsupported type")


def _display_name(filename: str) -> str:
    return "<stdin>" if filename == STDIN else (filename or "<upload>")


def _stem(filename: str) -> str:
    return "stdin" if filename == STDIN else (Path(filename).stem or "upload")


def _too_large(size: int, limit: int) -> str:
    return f"file too large ({size:,} bytes; the limit is {limit:,} bytes = {limit / 2**20:.1f} MiB)"


def _check_extension(name: str, filename: str) -> None:
    ext = Path(filename).suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        what = f"unsupported file type {ext!r}" if ext else "no file extension"
        raise DocumentError(name, f"{what}; supported: {', '.join(SUPPORTED_EXTENSIONS)}", "unsupported type")


def _sniff(data: bytes) -> str | None:
    """The format a file's first bytes prove, whatever its name says."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"%PDF-":
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except (zipfile.BadZipFile, ValueError, OSError):
            pass
        return None
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def _kind(name: str, filename: str, data: bytes) -> str:
    sniffed = _sniff(data)
    if filename == STDIN or not Path(filename).suffix:
        if sniffed is None and data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            return "doc"  # a Word 97-2003 file on stdin
        return sniffed or "text"  # stdin and nameless pastes: trust content, default text
    _check_extension(name, filename)
    ext = Path(filename).suffix.lower()
    by_ext = "text" if ext in TEXT_EXTENSIONS else "html" if ext in HTML_EXTENSIONS else ext[1:]
    return sniffed or by_ext
