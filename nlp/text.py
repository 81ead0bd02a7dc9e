"""Read .txt/.md/.html/.pdf/.docx (or pasted text) into a Document with one canonical NFC text.

CONTRACT (implemented by the text-reading work):
- `Document.text` is the canonical text: NFC; for .txt/.md the decoded file, nothing
  stripped; for other formats the extracted text. Record offsets index this string.
- Every failure is a `DocumentError` with a one-line, user-readable `reason`
  (no traceback): empty/blank, binary, undecodable, unsupported type, too large,
  PDF without a text layer, broken PDF/DOCX.
"""
from __future__ import annotations

from dataclasses import dataclass, field


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
