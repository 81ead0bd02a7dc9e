"""The corpus store: one embedded SQLite file (WAL), no server.

API (the CLI and the app code against exactly this)::

    class StoreError(Exception)         # one-line message: locked, read-only, corrupt, newer schema, ...
    class ConflictError(StoreError)     # .current: the record as stored now
    class ValidationError(StoreError)

    Store(path=None, *, readonly=False, timeout=10.0)  # None -> default_path(); creates/upgrades; WAL
                                        # timeout: seconds to wait for another writer
    Store.default_path() -> Path        # $SOLIEU_DB, else platformdirs user_data_dir("solieu")/solieu.db
    .close()                            # also a context manager: `with Store(p) as s: ...`
    .add_document(doc, records, *, prepared=None) -> {"doc", "status": new|unchanged|updated,
                                                      "records", "flagged", "duplicate_of"}
    .get_document(doc_id) -> dict | None          # + "text", "duplicate_of", "duplicates", "records"
    .count_documents() -> int
    .list_documents(limit=100, offset=0) -> list[dict]
    .known_hashes() -> {doc id: sha256}
    .list_records(*, status=None, kind=None, role=None, doc=None, order="confidence",
                  limit=None, offset=0, flagged=None) -> list[dict]     # status: one or a list
        # each: the record's fields + rid, doc, status, version, reviewer, reviewed_at,
        #       sentence_text, flagged; order: confidence (least first) | position | reviewed | rid
    .count_records(*, status=None, kind=None) -> int
    .get_record(rid) -> dict | None
    .review(rid, action, *, reviewer, expected_version, changes=None) -> dict   # accept|reject|correct
    .undo(reviewer) -> dict | None
    .review_log(rid=None) -> list[dict]    # id, rid, doc, action, old, new, reviewer, at, undoes
    .export_reviewed(fmt="jsonl") -> str   # jsonl | csv | json, via nlp.export
    .stats(top=10) -> {"documents", "duplicates", "records": {kind: {status: n}}, "flagged",
                       "legal_documents", "top_cited": [(id, n_mentions, n_docs)]}
    .legal_document(canonical_id, mentions_limit=None) -> dict | None
        # id, doc_type, number, year, code, issuer, title (None: the extractor gives no titles
        # yet), aliases, relations (both directions: amends / amended_by ...), mentions

A flagged record is a reviewed one whose document changed so that the new extraction no
longer finds it: its offsets and `sentence_text` are those of the version it was
reviewed on (do not slice the current text with them).

The default path: `$SOLIEU_DB`, else `solieu.db` in platformdirs' user data directory
(`~/.local/share/solieu/solieu.db` on Linux). A Store object is one connection: open one
per thread / Streamlit session; any number of readers work while one process writes.
"""
from __future__ import annotations

from .db import Prepared, Store, prepare
from .errors import ConflictError, StoreError, ValidationError

__all__ = ["Store", "StoreError", "ConflictError", "ValidationError", "Prepared", "prepare"]
