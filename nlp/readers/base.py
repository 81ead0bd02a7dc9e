"""The Document type, the one error every reader raises, and helpers shared by the readers."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

MAX_BYTES = 20 * 1024 * 1024  # inclusive; see the package docstring
TEXT_EXTENSIONS = (".txt", ".md", ".markdown", ".text")
HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
SUPPORTED_EXTENSIONS = (*TEXT_EXTENSIONS, *HTML_EXTENSIONS, ".pdf", ".docx", ".doc")
STDIN = "-"


class DocumentError(Exception):
    """A file that cannot be turned into a Document; str(exc) is the clear reason.

    `kind` is a short, stable category of the reason ("unsupported type", "broken PDF" …)
    for summaries that count refusals by reason; by default the reason's first words.
    """

    def __init__(self, name: str, reason: str, kind: str | None = None):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason
        self.kind = kind or _kind_of(reason)


def _kind_of(reason: str) -> str:
    head = re.split(r"[(:;,]", reason, maxsplit=1)[0].strip()
    return " ".join(head.split()[:5]) or "error"


@dataclass(frozen=True)
class Document:
    id: str  # file stem, or a caller-given id
    text: str  # canonical NFC text; offsets index it
    path: str | None = None
    title: str | None = None
    date: str | None = None  # ISO date when the source states one
    source: str | None = None
    sha256: str = ""  # of the canonical text (UTF-8)
    # format, bytes, filename, pages …; an OCR'd PDF has meta["ocr"] (see readers.ocr)
    meta: dict = field(default_factory=dict)

    def header(self) -> dict:
        out = {"id": self.id, "path": self.path, "title": self.title, "date": self.date, "sha256": self.sha256}
        if self.meta.get("ocr"):
            out["ocr"] = {k: v for k, v in self.meta["ocr"].items() if k != "spans"}
        return out


_EXTRACT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")


def clean_extracted(text: str) -> str:
    """Extracted text is ours to define (offsets index it after this): unify line ends and
    drop control characters that PDF/DOC/DOCX producers leak."""
    return _EXTRACT_CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def is_blank(text: str) -> bool:
    return _BLANK.fullmatch(text) is not None


def short(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg[:120]


def finish(doc_id: str, text: str, *, title=None, date_=None, source=None, meta=None) -> Document:
    return Document(
        id=doc_id, text=text, title=title, date=date_, source=source,
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), meta=meta or {},
    )
