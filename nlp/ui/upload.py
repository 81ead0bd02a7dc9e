"""Uploaded bytes or pasted text -> Document, with one clear message for every bad input.

The Upload page calls `load_upload` / `load_pasted`; they never raise. The size limit:
`MAX_UPLOAD_MB` is what the app reads; a larger file is refused here with one sentence that
gives the file's size and the limit. So that the file reaches this check (and the user
gets that sentence, not a small red chip by the widget), the uploader lets the browser
send up to `SEND_LIMIT_MB` (`.streamlit/config.toml` server.maxUploadSize, and the
widget's max_upload_size); only beyond that does the browser refuse by itself.
Which types are read, and every other refusal reason, belong to `nlp.readers`.

Saving: a document whose name (id) the corpus already holds with other content is not
replaced silently: `same_name` finds it, and the page asks whether this is a new document
(`free_id`: `baocao-2`) or a new version of that one (the store keeps the earlier version).
"""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from ..readers import SUPPORTED_EXTENSIONS, Document, DocumentError, document_from_bytes, document_from_text

log = logging.getLogger(__name__)

ACCEPTED_TYPES = tuple(e.lstrip(".") for e in SUPPORTED_EXTENSIONS)
# The limit in code, whatever config the server was started with (a test pins
# .streamlit/config.toml's server.maxUploadSize to the same number).
MAX_UPLOAD_MB = 10
SEND_LIMIT_MB = 200  # what the browser may send (config.toml server.maxUploadSize): larger is refused there
MB = 1024 * 1024  # Streamlit's unit for server.maxUploadSize


def size_text(n: int) -> str:
    """`20,971,520 bytes (20.0 MiB)`."""
    return f"{n:,} bytes ({n / MB:.1f} MiB)"


def too_large(filename: str, size: int, max_bytes: int) -> str:
    """The sentence for a file over the limit: its size, the limit, what to do instead."""
    return (f"{filename}: file too large: {size_text(size)}, over the upload limit of {max_bytes / MB:g} MiB "
            f"({max_bytes:,} bytes). Split it, or add it with `solieu ingest`, which reads files up to 20 MiB.")


def load_upload(data: bytes, filename: str, *, max_bytes: int = MAX_UPLOAD_MB * MB) -> tuple[Document | None, str | None]:
    """(document, None) or (None, one-line reason naming the file). Never raises."""
    if len(data) > max_bytes:
        return None, too_large(filename, len(data), max_bytes)
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


# ---------------------------------------------------------------- saving under a name already taken
def same_name(store: Any, doc: Document) -> dict | None:
    """The stored document `doc` would replace: same id, other content (None: no question)."""
    stored = store.get_document(doc.id)
    if stored is None or stored.get("sha256") == doc.sha256:
        return None
    return {k: stored.get(k) for k in ("id", "title", "updated_at", "version", "records", "sha256", "version_of")}


def free_id(store: Any, base: str) -> str:
    """`base-2`, `base-3`, ...: the first id the corpus does not hold."""
    n = 2
    while store.get_document(f"{base}-{n}") is not None:
        n += 1
    return f"{base}-{n}"


def save(store: Any, doc: Document, records: list, *, as_new: bool = False) -> tuple[dict | None, str | None]:
    """Store `doc` (as_new: under `free_id` instead of its own id, which holds another article);
    (result of add_document with "doc" the id used, None) or (None, why not). Never raises."""
    try:
        target = replace(doc, id=free_id(store, doc.id)) if as_new else doc
        from ..store.prepared import with_catalogue_aliases  # `Đề án 06` -> the id other texts gave

        return store.add_document(target, with_catalogue_aliases(store, records)), None
    except Exception as exc:  # noqa: BLE001 - StoreError etc.: tell the user, keep the page
        return None, f"Could not save {doc.id}: {exc}"


def saved_message(result: dict) -> str:
    """What the page says after a save (nothing was replaced: an earlier version is named)."""
    from .tables import count_label

    n = count_label(result.get("records", 0), "record")
    dup = f"; a copy of {result['duplicate_of']}" if result.get("duplicate_of") else ""
    if result.get("status") == "updated":
        carried = result.get("carried") or 0
        return (f"Saved as version {result['version']} of **{result['doc']}** ({n}); version "
                f"{result['version'] - 1} is kept as **{result['previous']}** with its records and reviews"
                + (f" ({carried} review{'s' * (carried != 1)} carried over)" if carried else "") + f"{dup}.")
    what = {"new": "added", "unchanged": "already there, unchanged"}.get(result.get("status"), "saved")
    return f"Saved to the corpus as **{result['doc']}** ({what}, {n}{dup})."
