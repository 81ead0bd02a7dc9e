"""Read .txt/.md/.html/.pdf/.docx (or pasted text) into a Document with one canonical NFC text.

CONTRACT:
- `Document.text` is the canonical text: NFC; for .txt/.md the decoded file, nothing
  stripped (a UTF-8 BOM is not text and is dropped); for other formats the extracted
  text. Record offsets index this string.
- Every failure is a `DocumentError` with a one-line, user-readable `reason`
  (no traceback): empty/blank, binary, undecodable, unsupported type, too large,
  PDF without a text layer, broken PDF/DOCX.

Size limit: MAX_BYTES = 20 MiB = 20,971,520 bytes, inclusive. A "20 MB" text
(20,000,000 bytes) and even an exactly-20-MiB file pass; one byte more fails. The UI
passes a smaller `max_bytes` for uploads.

The format is chosen by the file extension, but content wins when it carries an
unmistakable signature (a `%PDF-` header, a DOCX zip, an `<html` start): uploads are
often misnamed.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Callable

MAX_BYTES = 20 * 1024 * 1024  # inclusive; see module docstring
TEXT_EXTENSIONS = (".txt", ".md", ".markdown", ".text")
HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
SUPPORTED_EXTENSIONS = (*TEXT_EXTENSIONS, *HTML_EXTENSIONS, ".pdf", ".docx")
STDIN = "-"


class DocumentError(Exception):
    """A file that cannot be turned into a Document; str(exc) is the clear reason."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class Document:
    id: str  # file stem, or a caller-given id
    text: str  # canonical NFC text; offsets index it
    path: str | None = None
    title: str | None = None
    date: str | None = None  # ISO date when the source states one
    source: str | None = None
    sha256: str = ""  # of the canonical text (UTF-8)
    meta: dict = field(default_factory=dict)

    def header(self) -> dict:
        return {"id": self.id, "path": self.path, "title": self.title, "date": self.date, "sha256": self.sha256}


# ---------------------------------------------------------------------------- public API


def document_from_text(text: str, *, doc_id: str = "pasted", title: str | None = None,
                       source: str | None = None) -> Document:
    """Pasted text as a Document (NFC). Never raises on a str; blank text gives a blank Document
    (refusing it is the caller's choice). Title and date as for a .txt file when not given."""
    text = unicodedata.normalize("NFC", text if isinstance(text, str) else str(text))
    return _finish(doc_id, text, title=title or _first_line_title(text), date_=find_date_line(text),
                   source=source, meta={"format": "text"})


def document_from_bytes(data: bytes, filename: str, *, doc_id: str | None = None,
                        max_bytes: int = MAX_BYTES) -> Document:
    """Uploaded bytes + their file name as a Document (dispatch by extension, then content)."""
    name = _display_name(filename)
    data = bytes(data)  # bytearray / memoryview from upload widgets
    if len(data) > max_bytes:
        raise DocumentError(name, _too_large(len(data), max_bytes))
    if not data:
        raise DocumentError(name, "empty file (0 bytes)")
    kind = _kind(name, filename, data)
    doc_id = doc_id or _stem(filename)
    try:
        text, info = _READERS[kind](data)
    except DocumentError as exc:  # readers raise with a placeholder name
        raise DocumentError(name, exc.reason) from None
    if _is_blank(text):
        what = "blank file (only whitespace)" if kind == "text" else f"no text found in the {kind.upper()}"
        raise DocumentError(name, what)
    text = unicodedata.normalize("NFC", text)
    title = info.pop("title", None) or _first_line_title(text)
    when = info.pop("date", None) or find_date_line(text)
    source = info.pop("source", None)
    meta = {"format": kind, "bytes": len(data), "filename": filename, **info}
    return _finish(doc_id, text, title=title, date_=when, source=source, meta=meta)


def read_document(path: str | Path, *, max_bytes: int = MAX_BYTES, doc_id: str | None = None) -> Document:
    """A file (or `-` for stdin) as a Document; any failure is one DocumentError line."""
    if str(path) == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)  # one byte more tells "too large" without reading it all
        if len(data) > max_bytes:
            raise DocumentError(_display_name(STDIN), f"input too large (more than {max_bytes:,} bytes)")
        return replace(document_from_bytes(data, STDIN, doc_id=doc_id or "stdin", max_bytes=max_bytes), path=STDIN)
    p = Path(path)
    name = str(path)
    if p.is_dir():
        raise DocumentError(name, "is a directory, not a file")
    _check_extension(name, p.name)
    try:
        size = p.stat().st_size
        if size > max_bytes:  # before reading: never load a huge file to refuse it
            raise DocumentError(name, _too_large(size, max_bytes))
        data = p.read_bytes()
    except FileNotFoundError:
        raise DocumentError(name, "file not found") from None
    except PermissionError:
        raise DocumentError(name, "cannot read the file: permission denied") from None
    except OSError as exc:
        raise DocumentError(name, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        doc = document_from_bytes(data, p.name, doc_id=doc_id or p.stem, max_bytes=max_bytes)
    except DocumentError as exc:
        raise DocumentError(name, exc.reason) from None
    return replace(doc, path=name)


# ---------------------------------------------------------------------------- dispatch


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
        hint = "; save .doc as .docx" if ext == ".doc" else ""
        raise DocumentError(name, f"{what}; supported: {', '.join(SUPPORTED_EXTENSIONS)}{hint}")


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
        return sniffed or "text"  # stdin and nameless pastes: trust content, default text
    _check_extension(name, filename)
    ext = Path(filename).suffix.lower()
    by_ext = "text" if ext in TEXT_EXTENSIONS else "html" if ext in HTML_EXTENSIONS else ext[1:]
    return sniffed or by_ext


# ---------------------------------------------------------------------------- plain text

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _decode_text(data: bytes) -> tuple[str, dict]:
    """UTF-8 (BOM tolerated), or UTF-16 when a BOM says so; nothing else is guessed."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DocumentError("", f"invalid UTF-16 at byte offset {exc.start}") from None
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise DocumentError("", f"binary data, not text (NUL byte at byte offset {nul})")
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as exc:
            bad = data[exc.start:exc.start + 1].hex()
            line = data.count(b"\n", 0, exc.start) + 1
            raise DocumentError("", f"invalid UTF-8 at byte offset {exc.start} (line {line}, byte 0x{bad}); "
                                    "save the file as UTF-8") from None
    sample = text[:4096]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 20):
        raise DocumentError("", "binary data, not text (many control characters)")
    return text, {"encoding": encoding}


# ---------------------------------------------------------------------------- HTML

# Elements that never hold article text.
# (Not <form>: ASP.NET/SharePoint portals wrap the whole page in one.)
_HTML_DROP = ("script", "style", "noscript", "template", "nav", "aside", "iframe",
              "svg", "canvas", "button", "select", "textarea", "input", "object", "embed", "head")
# Invisible on the page, so not part of what a reader sees as the article.
_HTML_HIDDEN = ("[hidden]", '[style*="display:none"]', '[style*="display: none"]', '[aria-hidden="true"]')
# Elements whose start and end break a line: paragraphs, headings, list items, table cells.
_HTML_BLOCK = frozenset((
    "p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5",
    "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td",
    "th", "caption", "blockquote", "pre", "figure", "figcaption", "address", "hr", "br",
    "center", "details", "summary", "body", "html",
))
_WS = re.compile(r"\s+")
_ARTICLE_SHARE = 0.25  # below this share of the page's text an <article> is a teaser
_ISO_DATE = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)


def _decode_html(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        declared = _CHARSET.search(data[:4096])
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
        raise DocumentError("", f"invalid UTF-8 at byte offset {exc.start} and no usable charset declared") from None


def _html_lines(root) -> list[str]:
    """Visible text of `root`, one line per block element (iterative: deep pages can't overflow)."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = _WS.sub(" ", "".join(buf)).strip()
        if line:
            lines.append(line)
        buf.clear()

    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            flush()
            continue
        tag = node.tag
        if tag == "-text":
            buf.append(node.text(deep=False) or "")
            continue
        if tag in _HTML_DROP or tag.startswith(("_", "!")):  # dropped elements, comments, doctype
            continue
        block = tag in _HTML_BLOCK
        if block:
            flush()
            stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    flush()
    return lines


def _meta(tree, *selectors: str) -> str | None:
    for sel in selectors:
        node = tree.css_first(sel)
        if node is not None:
            value = (node.attributes.get("content") or node.attributes.get("datetime") or node.text() or "").strip()
            if value:
                return value
    return None


def _read_html(data: bytes) -> tuple[str, dict]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_decode_html(data))
    title = _meta(tree, 'meta[property="og:title"]', "h1", "title")
    raw_date = _meta(tree, 'meta[property="article:published_time"]', 'meta[itemprop="datePublished"]',
                     'meta[name="pubdate"]', 'meta[name="date"]', "time[datetime]", "time")
    source = _meta(tree, 'meta[property="og:site_name"]', 'meta[property="og:url"]')
    # The article when the page marks it; else the body without the page's header/footer.
    # Several <article>s (teasers of related news) → the one holding the most text; an
    # <article> holding a small part of the page is a teaser, and the story is elsewhere.
    body = tree.body or tree.root
    if body is None:
        return "", {}
    candidates = tree.css("article") or tree.css("main")
    root = max(candidates, key=lambda n: len(n.text() or "")) if candidates else body
    if root is not body and len(root.text() or "") < _ARTICLE_SHARE * len(body.text() or ""):
        root = body
    droppable = ["header", "footer"] if root.tag in ("body", "html") else ["footer"]
    for sel in (*_HTML_DROP, *_HTML_HIDDEN, *droppable):
        for node in root.css(sel):
            node.decompose()
    text = "\n".join(_html_lines(root))
    info: dict = {"title": _WS.sub(" ", title).strip() if title else None}
    if raw_date:
        info["date"] = _iso_date(raw_date) or find_date_line(raw_date)
    if source:
        info["source"] = source
    return text, info


def _iso_date(value: str) -> str | None:
    m = _ISO_DATE.search(value)
    return _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


# ---------------------------------------------------------------------------- PDF

_PDF_NO_TEXT = "PDF has no text layer (scanned?); OCR it first"


def _read_pdf(data: bytes) -> tuple[str, dict]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable files warn loudly
    if b"%PDF-" not in data[:1024]:
        raise DocumentError("", "broken PDF: not a PDF file (no %PDF- header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")  # many PDFs are "encrypted" with an empty user password
            except (DependencyError, NotImplementedError):
                ok = 0
            if not ok:
                raise DocumentError("", "encrypted PDF (password-protected); save an unprotected copy first")
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
        raise DocumentError("", "encrypted PDF (password-protected); save an unprotected copy first") from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on malformed files
        raise DocumentError("", f"broken PDF, cannot be parsed ({_short(exc)})") from None
    if not pages:
        raise DocumentError("", "broken PDF: it has no pages")
    text = _clean_extracted("\n\n".join(pages))
    if _is_blank(text):
        raise DocumentError("", _PDF_NO_TEXT)
    info: dict = {"pages": len(pages)}
    if failed:
        info["unreadable_pages"] = failed
    try:
        md = reader.metadata
        if md and md.title and md.title.strip():
            info["title"] = md.title.strip()
    except Exception:  # noqa: BLE001 - metadata is optional
        pass
    return text, info


# ---------------------------------------------------------------------------- DOCX


def _read_docx(data: bytes) -> tuple[str, dict]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        _docx_blocks(document, lines, depth=0)
        title = (document.core_properties.title or "").strip() or None
    except (zipfile.BadZipFile, PackageNotFoundError):
        raise DocumentError("", "broken DOCX: not a valid Word (zip) document") from None
    except Exception as exc:  # noqa: BLE001 - missing parts, lxml XMLSyntaxError and friends
        raise DocumentError("", f"broken DOCX, cannot be parsed ({_short(exc)})") from None
    return _clean_extracted("\n".join(lines)), {"title": title}


def _docx_blocks(container, lines: list[str], depth: int) -> None:
    """Paragraphs and table cells in document order; a merged cell is read once."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            if depth > 5:  # tables nested deeper than this are layout, not content
                continue
            # A merged cell appears once per grid column it spans; read it once. The
            # elements are kept alive in `cells` so that their ids cannot be reused.
            cells, seen = [], set()
            for row in block.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    cells.append(cell._tc)
                    seen.add(id(cell._tc))
                    _docx_blocks(cell, lines, depth + 1)
        else:
            lines.append(block.text)


# ---------------------------------------------------------------------------- shared helpers

_READERS: dict[str, Callable[[bytes], tuple[str, dict]]] = {
    "text": _decode_text, "html": _read_html, "pdf": _read_pdf, "docx": _read_docx,
}
_EXTRACT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")


def _clean_extracted(text: str) -> str:
    # Extracted text is ours to define (offsets index it after this): unify line ends and
    # drop control characters that PDF/DOCX producers leak.
    return _EXTRACT_CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _is_blank(text: str) -> bool:
    return _BLANK.fullmatch(text) is not None


def _short(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg[:120]


def _finish(doc_id: str, text: str, *, title=None, date_=None, source=None, meta=None) -> Document:
    return Document(
        id=doc_id, text=text, title=title, date=date_, source=source,
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), meta=meta or {},
    )


# ---------------------------------------------------------------------------- title and date of a text

_TITLE_MAX = 300
# A date standing as a page's dateline: "Ngày 09/08/2022-13:12:00 PM", "8:42, Thứ Tư, 1-12-2021",
# "Hà Nội, ngày 22 tháng 11 năm 2025". The year is required: "Chiều 12/7" is not a dateline.
_DATE_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)(?!\d)")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)(?!\d)", re.I)
_DATELINE_MAX = 80  # a longer line is a sentence that mentions a date, not a dateline
_DATELINE_SCAN = 12  # non-empty lines at the top of a text where a dateline may stand


def _valid_date(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _top_lines(text: str, limit: int) -> list[tuple[int, str]]:
    """(offset, stripped line) of the first `limit` non-empty lines."""
    out = []
    pos = 0
    for raw in text.split("\n", 400)[:400]:
        line = raw.strip()
        if line:
            out.append((pos + raw.index(line[0]), line))
            if len(out) >= limit:
                break
        pos += len(raw) + 1
    return out


def _dateline(text: str, pos: int, line: str) -> str | None:
    """The date of a short line that is a dateline; a worded date may wrap onto the next line."""
    if len(line) > _DATELINE_MAX:
        return None
    window = text[pos:pos + len(line) + 40]
    m = _DATE_WORDS.search(window)
    if m and m.start() < len(line):
        return _valid_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = _DATE_DMY.search(line)
    return _valid_date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None


def find_date_line(text: str) -> str | None:
    """ISO date of the dateline near the top of `text` ("Ngày 09/08/2022-13:12", "Hà Nội, ngày 22
    tháng 11 năm 2025"), or None. Only short lines count: a sentence mentioning a date is not one."""
    for pos, line in _top_lines(text, _DATELINE_SCAN):
        found = _dateline(text, pos, line)
        if found:
            return found
    return None


@lru_cache(maxsize=1)
def _doc_type_headings() -> frozenset[str]:
    """Document-type words as an official document's heading writes them ("THÔNG BÁO"),
    from rules/doc_types.yml (owned by the legal-reference work; read, not redefined)."""
    from . import rules

    try:
        types = [r for r in rules.load("doc_types") if r.get("kind") == "type"]
        return frozenset(" ".join(str(w).split()).upper() for r in types for w in r.get("words") or ())
    except Exception:  # noqa: BLE001 - a title is a nicety; never fail reading for it
        return frozenset()


def _official_title(lines: list[tuple[int, str]]) -> str | None:
    """"THÔNG BÁO KẾT LUẬN CỦA …": an official document's upper-case type line and the
    upper-case subject lines under it (hard-wrapped), when the text has that layout."""
    headings = _doc_type_headings()
    for k, (_, line) in enumerate(lines):
        if line.isupper() and " ".join(line.split()) in headings:
            subject = []
            for _, nxt in lines[k + 1:k + 8]:
                if not nxt.isupper() or _dateline(nxt, 0, nxt):
                    break
                subject.append(nxt)
            return " ".join([line, *subject]) if subject else None
    return None


def _first_line_title(text: str) -> str | None:
    """The official heading if the text is an official document; else the first non-empty
    line that is neither a page leftover nor a dateline."""
    from .leftovers import find_leftovers

    head = text[:20000]
    official = _official_title(_top_lines(head, 25))
    if official:
        return official if len(official) <= _TITLE_MAX else official[:_TITLE_MAX].rsplit(" ", 1)[0] + "…"
    leftover = [(r.start, r.end) for r in find_leftovers(head)]
    for pos, line in _top_lines(head, _DATELINE_SCAN):
        if any(s <= pos < e for s, e in leftover) or _dateline(head, pos, line):
            continue
        title = line.lstrip("#* ").rstrip("*").strip()
        if title:
            return title if len(title) <= _TITLE_MAX else title[:_TITLE_MAX].rsplit(" ", 1)[0] + "…"
    return None
