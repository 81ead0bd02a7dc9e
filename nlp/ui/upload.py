"""Uploaded bytes or pasted text -> Document, with one clear message for every bad input.

The Upload page calls `load_upload` / `load_pasted`; they never raise. The size limit is
set twice on purpose: `.streamlit/config.toml` (`server.maxUploadSize`) stops the browser
from sending a huge file, and `MAX_UPLOAD_MB` here is passed as `max_bytes` to the reader,
which refuses anything larger with a sentence (tests, a server started from another
folder without that config, pastes).
Which types are read, and every refusal reason, belong to `nlp.text`.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from ..text import SUPPORTED_EXTENSIONS, Document, DocumentError, document_from_bytes, document_from_text

log = logging.getLogger(__name__)

ACCEPTED_TYPES = tuple(e.lstrip(".") for e in SUPPORTED_EXTENSIONS)
# The limit in code, whatever config the server was started with (a test pins
# .streamlit/config.toml's server.maxUploadSize to the same number).
MAX_UPLOAD_MB = 10
MB = 1024 * 1024  # Streamlit's unit for server.maxUploadSize


def load_upload(data: bytes, filename: str, *, max_bytes: int = MAX_UPLOAD_MB * MB) -> tuple[Document | None, str | None]:
    """(document, None) or (None, one-line reason naming the file). Never raises."""
    try:
        return document_from_bytes(data, filename, max_bytes=max_bytes), None
    except DocumentError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not show a traceback to the user
        log.exception("solieu: reading %s failed", filename)
        return None, f"{filename}: could not be read ({type(exc).__name__})"


def load_pasted(text: str, *, max_bytes: int = MAX_UPLOAD_MB * MB) -> tuple[Document | None, str | None]:
    """Pasted text as a Document (id "pasted-<content hash>"), or a reason. Never raises."""
    if not isinstance(text, str) or not text.strip():
        return None, "pasted text: nothing to read (the box is empty)"
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        return None, f"pasted text: too large ({size:,} bytes; the limit is {max_bytes:,} bytes)"
    try:
        doc = document_from_text(text)
        # Each pasted text is its own document when saved: an id from its content, so a
        # second paste never replaces the first (files keep their stem, as in the CLI).
        return replace(doc, id=f"pasted-{doc.sha256[:10]}"), None
    except Exception as exc:  # noqa: BLE001
        log.exception("solieu: reading pasted text failed")
        return None, f"pasted text: could not be read ({type(exc).__name__})"
