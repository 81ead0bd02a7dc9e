"""Uploaded bytes or pasted text -> Document, with one clear message for every bad input.

The Upload page calls `load_upload` / `load_pasted`; they never raise. The size check
happens here as well as in `.streamlit/config.toml` (`server.maxUploadSize`): the
config stops the browser from sending huge files, this check covers every other way in
(tests, a changed config) and gives the user a sentence instead of a 413.
"""
from __future__ import annotations

import logging
from pathlib import PurePath

from ..text import Document, DocumentError, document_from_bytes, document_from_text

log = logging.getLogger(__name__)

ACCEPTED_TYPES = ("txt", "md", "html", "htm", "pdf", "docx")
DEFAULT_MAX_MB = 10  # keep equal to server.maxUploadSize in .streamlit/config.toml
MB = 1024 * 1024  # Streamlit's unit for server.maxUploadSize


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB // 10 else f"{n / 1024:.0f} KB"


def check_upload(data: bytes, filename: str, max_bytes: int) -> str | None:
    """The reason an upload is refused before reading it, or None."""
    ext = PurePath(filename or "").suffix.lower().lstrip(".")
    if ext not in ACCEPTED_TYPES:
        shown = f".{ext}" if ext else "no extension"
        return f"{filename}: unsupported file type ({shown}); use " + ", ".join(f".{t}" for t in ACCEPTED_TYPES)
    if len(data) > max_bytes:
        return f"{filename}: file is too large ({_mb(len(data))}; the limit is {_mb(max_bytes)})"
    if not data:
        return f"{filename}: the file is empty"
    return None


def load_upload(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_MB * MB) -> tuple[Document | None, str | None]:
    """(document, None) or (None, one-line reason). Never raises."""
    reason = check_upload(data, filename, max_bytes)
    if reason:
        return None, reason
    try:
        return document_from_bytes(data, filename, max_bytes=max_bytes), None
    except DocumentError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not show a traceback to the user
        log.exception("solieu: reading %s failed", filename)
        return None, f"{filename}: could not be read ({type(exc).__name__})"


def load_pasted(text: str, *, max_bytes: int = DEFAULT_MAX_MB * MB) -> tuple[Document | None, str | None]:
    """Pasted text as a Document (id "pasted"), or a reason. Never raises."""
    if not isinstance(text, str) or not text.strip():
        return None, "pasted text: nothing to read (the box is empty)"
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        return None, f"pasted text: too large ({_mb(size)}; the limit is {_mb(max_bytes)})"
    try:
        return document_from_text(text, doc_id="pasted"), None
    except DocumentError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001
        log.exception("solieu: reading pasted text failed")
        return None, f"pasted text: could not be read ({type(exc).__name__})"
