"""The store interface: everything search, ingest, review, the app and the CLI may ask of a
corpus database. `nlp.store.sqlite.SQLiteStore` implements it; a server backend
(PostgreSQL, issue 11) implements the same methods, so no caller changes.

Callers open a store with `nlp.store.open_store(location)` and code against `Store`
only: no SQL, no connection outside the backend. Every method raises `StoreError`
(one clear line: locked, read-only, corrupt, newer schema, ...) for a database that
cannot be used as asked, never a driver's own exception.

Query values arrive parsed: words are folded (`nlp.lang.fold`) by the caller (nlp.search),
so every backend matches on the same tokens; ranking *policy* (phrase first, coverage
fallback, order of figures) stays in the caller, ranking *scores* come from the backend's
full-text engine, higher is better.

A stored record is the record dict of nlp.records (`to_dict()`) plus its store state:
`rid`, `doc`, `status`, `version`, `reviewer`, `reviewed_at`, `flagged` and
`sentence_text` (the sentence its `sentence` offsets cut from its document).

Documents keep versions. Storing a document under an id that holds other content makes
a new version: the stored one is kept, whole, as `<id>@v<n>` (its text, its records with
their rids, and so their review history), and `<id>` names the new content. Only the
current versions make the corpus: listings, counts, search, the catalogue, the queue and
the exports; an earlier version is opened by its own id (`get_document`,
`list_records(doc=...)`) and listed by `document_versions`. Reviews carry over to the new
version where the record still matches (nlp/store/reconcile.py: new rids, each logged as
'carry'); a reviewed record that does not match stays with its version, `flagged`.

Team review: `claim_next` hands each reviewer the next pending record under a lease
(LEASE_SECONDS by default) that no other reviewer is handed until it expires or the
record is reviewed; bulk steps accept or reject many records as one undoable step; a
reviewer may add a record the extractor missed (`add_record`, source "review:added") or
fix a record's span (`review(..., "correct", changes={"start", "end"})`, source
"review:span"). Every action names its reviewer in the append-only log.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from .. import export
from .errors import ValidationError

# Around each match in a document snippet; never in stored text (the readers strip control
# characters), so a caller can find the marks without escaping.
SNIPPET_OPEN, SNIPPET_CLOSE = "\x02", "\x03"

RECORD_ORDERS = ("confidence", "position", "reviewed", "rid")
BUSY_TIMEOUT_S = 10.0  # seconds a store waits for another writer before "locked"
LEASE_SECONDS = 600.0  # how long a record handed to a reviewer stays theirs (10 minutes)
ADDED_SOURCE = "review:added"  # `source` of a record a reviewer added
SPAN_SOURCE = "review:span"  # `source` of a record whose span a reviewer fixed


def version_id(doc_id: str, version: int) -> str:
    """The id an earlier version of `doc_id` is kept under: `baocao@v1`."""
    return f"{doc_id}@v{version}"


@dataclass(frozen=True)
class Term:
    """Folded words that must occur together, in order (one word, or a phrase)."""

    words: tuple[str, ...]
    prefix: bool = False  # the last word may be the start of a longer one (`điện*`)


@dataclass(frozen=True)
class TextQuery:
    """Documents holding every term of `all_of` and, when given, not the phrase `none_of`."""

    all_of: tuple[Term, ...]
    none_of: Term | None = None


@dataclass(frozen=True)
class DocumentFilters:
    date_from: str | None = None  # ISO dates, inclusive
    date_to: str | None = None
    source: str | None = None
    cited_types: tuple[str, ...] | None = None  # stored doc_type spellings a cited reference has
    cited_year: int | None = None  # ... and its year

    def any(self) -> bool:
        return bool(self.date_from or self.date_to or self.source or self.cited_types is not None
                    or self.cited_year)


@dataclass(frozen=True)
class FigureFilters:
    unit: str | None = None  # folded, single-spaced; `doanh nghiệp` also takes `doanh nghiệp số`
    role: str | None = None
    year_from: int | None = None
    year_to: int | None = None

    def any(self) -> bool:
        return self.unit is not None or bool(self.role) or self.year_from is not None or self.year_to is not None


class Store(ABC):
    """A solieu corpus database. Not shared between threads: open one per session/thread."""

    location: str  # what `open_store` was given (a file path or a URL): open it again with it
    readonly: bool

    # ------------------------------------------------------------------ lifecycle
    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @abstractmethod
    def checkpoint(self) -> None:
        """Make everything committed durable in the main database (before measuring its size)."""

    # ------------------------------------------------------------------ documents
    @abstractmethod
    def add_document(self, doc: Any, records: list[Any], *, prepared: Any = None) -> dict:
        """Store a Document (nlp.readers) with its records (Record objects or dicts), atomically.

        -> {"doc", "status": new|unchanged|updated, "records", "flagged", "duplicate_of",
        "version", "previous", "carried"}. Same id and sha256: "unchanged", nothing written.
        Same id, new content: "updated", a new version (`version` its number): the stored
        one is kept as `previous` ("<id>@v<n>") with its records; reviewed records the new
        extraction still matches are carried over (`carried`), the others are flagged in
        the previous version (`flagged`). An id that names an earlier version is refused
        (ValidationError). `prepared` (nlp.store.prepare, computed by ingest workers) saves
        the writer that work.
        """

    @abstractmethod
    def get_document(self, doc_id: str) -> dict | None:
        """id, path, title, date, source, sha256, ingested_at, updated_at, text, duplicate_of,
        records (count), duplicates (ids of the copies of this document), version (its
        number) and version_of (for an earlier version: the id of the current one, else None)."""

    @abstractmethod
    def document_versions(self, doc_id: str) -> list[dict]:
        """Every version of the document `doc_id` names (the current id or an earlier
        version's), oldest first: id, version, sha256, title, stored_at, records, current."""

    @abstractmethod
    def count_documents(self) -> int:
        """Documents (current versions)."""

    @abstractmethod
    def list_documents(self, limit: int = 100, offset: int = 0) -> list[dict]:
        """Current versions, newest first (undated last): the fields of get_document without
        text, duplicates and version_of."""

    @abstractmethod
    def known_hashes(self) -> dict[str, str]:
        """{document id: sha256 of its current version}: what an ingest can skip."""

    # ------------------------------------------------------------------ records
    @abstractmethod
    def list_records(self, *, status: str | list[str] | tuple[str, ...] | None = None, kind: str | None = None,
                     role: str | None = None, doc: str | None = None, order: str = "confidence",
                     limit: int | None = None, offset: int = 0, flagged: bool | None = None) -> list[dict]:
        """Stored records; `status` one or several; `order` one of RECORD_ORDERS:
        confidence (least first, unknown first) | position (document, offset) | reviewed
        (latest first) | rid. Without `doc`, the records of current versions (with
        `flagged=True`, the flagged ones wherever they are); `doc` any version's id."""

    @abstractmethod
    def count_records(self, *, status: str | None = None, kind: str | None = None) -> int:
        """Records of the current versions."""

    @abstractmethod
    def get_record(self, rid: int) -> dict | None: ...

    # ------------------------------------------------------------------ review
    @abstractmethod
    def review(self, rid: int, action: str, *, reviewer: str, expected_version: int,
               changes: dict | None = None) -> dict:
        """accept | reject | correct one record (changes checked by nlp.records.check_changes);
        -> the record as stored now. ConflictError (with `.current`) when its version is no
        longer `expected_version`; ValidationError for a bad action or change. Every action
        appends one entry to the review log, which is never updated or deleted."""

    @abstractmethod
    def undo(self, reviewer: str) -> dict | None:
        """Undo `reviewer`'s last step not yet undone (one action, or a whole bulk step; each
        record logged as an 'undo'); None if none. -> the record restored (of a bulk step,
        the first) with `undone`, the number of records restored. An added record is
        withdrawn (kept, rejected). ConflictError when a record changed since."""

    @abstractmethod
    def review_log(self, rid: int | None = None, limit: int | None = None) -> list[dict]:
        """Oldest first: id, rid, doc, action (accept, reject, correct, add, undo, carry), old,
        new, reviewer, at, undoes (the entry an undo takes back), batch (its bulk step).
        `limit`: only the latest entries."""

    @abstractmethod
    def add_record(self, doc_id: str, record: dict, *, reviewer: str) -> dict:
        """A figure or legal_ref the extractor missed, marked by a reviewer in the current
        version of `doc_id`: {"type", "start", "end", [text, sentence], fields...}; the span is
        checked against the stored text (nlp.spans.check_span), the fields by the record
        contract. Stored "corrected", source ADDED_SOURCE, logged as 'add'. -> the record."""

    # ------------------------------------------------------------------ the review queue
    @abstractmethod
    def claim_next(self, reviewer: str, *, kind: str | None = None, role: str | None = None,
                   doc: str | None = None, exclude: tuple[int, ...] = (),
                   ttl: float = LEASE_SECONDS) -> dict | None:
        """The next pending record for `reviewer` (least confident first, current versions,
        figures and legal references; `role` narrows the figures), leased to them for `ttl`
        seconds: no other reviewer is handed it meanwhile. Asking again returns the same
        record (lease renewed) while it is pending and fits; else the old lease is let go.
        -> the record with `lease_expires` (Unix seconds), or None."""

    @abstractmethod
    def release_lease(self, reviewer: str, rid: int | None = None) -> int:
        """Let go of `reviewer`'s lease (on `rid`, or all); -> how many."""

    @abstractmethod
    def leases(self) -> dict[int, dict]:
        """Live leases: {rid: {"rid", "reviewer", "expires_at"}}."""

    # ------------------------------------------------------------------ bulk steps
    @abstractmethod
    def bulk_scope(self, *, legal_id: str | None = None, doc: str | None = None) -> list[dict]:
        """What a bulk step would cover: the pending records (figures, legal references) of
        the document `doc`, or the pending mentions of the legal document `legal_id` (an
        alias resolved, its aliases included); current versions, in document order."""

    @abstractmethod
    def bulk_review(self, action: str, targets: dict[int, int], *, reviewer: str, scope: str) -> dict:
        """accept | reject every record of `targets` ({rid: version seen}) that is still
        pending at that version, atomically, as one undoable step (`scope` describes it).
        -> {"batch", "action", "scope", "done": [rid], "skipped": [rid]}."""

    @abstractmethod
    def review_batches(self, limit: int = 20) -> list[dict]:
        """The latest bulk steps, newest first: id, action (accept, reject, undo), scope,
        reviewer, n, at, undoes."""

    @abstractmethod
    def reviewer_counts(self) -> list[dict]:
        """Per reviewer, most active first: reviewer, accepted, rejected, corrected, added
        (actions that stand), reviewed (their sum), undone, bulk_steps, last (time)."""

    def export_reviewed(self, fmt: str = "jsonl") -> str:
        """Reviewed records (accepted, corrected, rejected) of the current versions as JSONL,
        JSON or CSV (nlp.export): each with its document id, offsets and sentence."""
        if fmt not in ("jsonl", "csv", "json"):
            raise ValidationError(f"unknown export format {fmt!r} (jsonl, csv or json)")
        recs = self.list_records(status=("accepted", "corrected", "rejected"), order="position")
        return {"jsonl": export.to_jsonl, "csv": export.to_csv, "json": export.to_json}[fmt](recs)

    # ------------------------------------------------------------------ overview
    @abstractmethod
    def stats(self, top: int = 10) -> dict:
        """{"documents", "duplicates", "versions" (earlier versions kept), "records": {kind:
        {status: n}}, "flagged", "legal_documents", "top_cited": [(id, n_mentions, n_docs)]}
        (current versions; copies not counted in top_cited)."""

    # ------------------------------------------------------------------ legal catalogue
    @abstractmethod
    def legal_document(self, canonical_id: str, mentions_limit: int | None = None, *,
                       exact: bool = False) -> dict | None:
        """A catalogue entry: id, doc_type, number, year, code, issuer, title, aliases,
        relations (both directions: amends / amended_by ...), mentions (doc, rid, start,
        end, text, sentence, date, title; oldest first, copies left out). An alias is
        resolved first (`Đề án 06` gives `06/QĐ-TTg` when a text says so) unless `exact`.

        `title`, `issued` (ISO date) and `issuer` are what the citing sentences state
        (nlp.legal_facts, the value most mentions give; the id's own mentions before an
        alias's), `title_from` {"doc", "rid"} the mention the title was read from;
        `issuer` falls back to the body of the id's code (`issuer_from_code`).
        `first_seen`/`last_seen`: the dates of the earliest and latest citing documents."""

    @abstractmethod
    def resolve_legal_id(self, spelling: str) -> str | None:
        """The catalogue id a spelling stands for (any case, spaces, leading zeros): itself,
        or the document it is an alias of; None when unknown."""

    @abstractmethod
    def legal_mention_counts(self, canonical_id: str) -> tuple[int, int]:
        """(mentions, documents) of a catalogue id and its aliases (rejected and copies not counted)."""

    @abstractmethod
    def legal_documents_numbered(self, number: int) -> list[dict]:
        """Catalogue entries whose number is `number` (`06` = 6): id, doc_type, number, year, code."""

    @abstractmethod
    def legal_doc_types(self) -> list[str]:
        """The doc_type spellings in the catalogue."""

    # ------------------------------------------------------------------ full text
    @abstractmethod
    def find_documents(self, text: TextQuery | None, filters: DocumentFilters, limit: int, *,
                       title_weight: float = 1.0, window: int | None = None) -> list[dict]:
        """Original documents (not copies) matching `text` and `filters`, best first, each
        {"id", "title", "date", "source", "score", "snippet", "duplicates" (count of copies)}.

        The snippet is some 24 words around the matches, each match between SNIPPET_OPEN
        and SNIPPET_CLOSE; a title word counts `title_weight` body words. `text` None: the
        filtered documents, newest first, score 0.0, the snippet the text's first 160
        characters. `window` (no filters given): when more documents match, rank only the
        `window` most recently stored of them (a bound on the ranking's cost)."""

    # ------------------------------------------------------------------ figures
    @abstractmethod
    def match_figures(self, words: list[str], filters: FigureFilters, limit: int, *,
                      any_word: bool = False) -> list[tuple[int, str, float]]:
        """(rid, folded indicator, score) of figures (not rejected, not in copies) whose
        indicator holds every folded word (or, `any_word`, at least one), best first."""

    @abstractmethod
    def filter_figures(self, filters: FigureFilters, limit: int) -> list[int]:
        """rids of the figures passing `filters`, newest document first."""

    @abstractmethod
    def figure_sentences(self, rids: list[int]) -> dict[int, str]:
        """{rid: the sentence of the record} (see `sentence_text`)."""

    @abstractmethod
    def figure_records(self, rids: list[int]) -> list[dict]:
        """The stored records `rids` (any order), each with its document's "date" and "title"."""

    # ------------------------------------------------------------------ search, tracking (v5)
    @abstractmethod
    def count_matching_documents(self, text: TextQuery, filters: DocumentFilters, cap: int) -> int:
        """How many documents `find_documents(text, filters, …)` would find, counting at most `cap`."""

    @abstractmethod
    def find_indicators(self, words: list[str], limit: int, *, any_word: bool = False) -> list[dict]:
        """Indicator groups (figures sharing an indicator key and a unit, not rejected, not in
        copies or earlier versions) whose key holds every folded word (`any_word`: one of
        them), best key first: {"key", "unit", "label" (the indicator as most often written),
        "n", "n_docs", "n_target", "n_actual", "year_min", "year_max", "score"}."""

    @abstractmethod
    def indicator_group(self, key: str, unit: str | None) -> dict | None:
        """One group, as find_indicators gives it (score 0.0); None when it has no figure."""

    @abstractmethod
    def indicator_points(self, key: str, unit: str | None, limit: int | None = None) -> list[dict]:
        """The figures of one group, oldest document first: stored records with their
        document's "date" and "title" and "indicator_key"."""

    @abstractmethod
    def co_cited(self, canonical_id: str, limit: int = 20) -> list[dict]:
        """Legal documents cited by the documents citing `canonical_id` (aliases included),
        most shared first: {"id", "documents", "sentences" (named in one sentence with it)}."""

    @abstractmethod
    def sentence_records(self, rids: list[int]) -> dict[int, list[dict]]:
        """{rid: the stored records inside the sentence of record `rid`, itself included}
        (not rejected, no ignored regions; offsets index the document)."""
