"""extract(text) -> records: the one path from a text to its figures, legal refs and ignored regions.

One `Analysis` of the text is built and handed from stage to stage, cheap first:
1. page leftovers (regex over lines) -> Ignored regions, claimed: nothing inside is reported;
2. legal references on characters -> LegalRef (confidence from the form of the mention,
   calibrated on gold: nlp.confidence), claimed: closed to figures;
3. figure candidates on characters -> Figure (value, total, unit, comparator, sentence);
4. per sentence that holds a figure: indicator/year; then the roles of all the figures
   together (trained model in two passes, or the rule vote); the words of a sentence
   (underthesea, the heavy step) are segmented once, the first time a stage asks for
   them; the document context (time anchor, periods, frames) is built once, on
   characters, when a stage first asks for it.

One error boundary per document: `extract` never raises. A failure is logged and the
records of the stages that finished are returned (the leftover regions, the legal
references); figures are returned only when all of them are complete. Table framing
(nlp.tables) is the last stage, inside the same boundary: if it fails, the records found
so far come back unframed.
"""
from __future__ import annotations

import logging

from .analysis import Analysis
from .context.anchor import SourceDate
from .confidence import with_confidence
from .figures import find_figures
from .indicators import annotate
from .legal import find_legal_refs
from .records import Figure, Record
from .tables import apply_table_frames
from .roles.model import RoleModel, assign_roles, default_model

log = logging.getLogger(__name__)


def extract(text: str, *, role_model: RoleModel | None = None, source_date: SourceDate = None) -> list[Record]:
    """All records of `text`, sorted by start; offsets index `text` exactly as given.

    `role_model`: the role classifier to apply; None takes the shipped one (rules when
    there is none). `source_date`: the article's date where its source states one
    (a collection's metadata, a page's date; ISO "2024-05-01", a date, a year): the time
    anchor when the text has no dateline, so that "hiện nay … 42%" gets that year.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    records: list[Record] = []
    try:
        _run(Analysis(text, source_date=source_date), role_model, records)
        records.sort(key=lambda r: (r.start, r.end))
        # figures in table cells: row/column headers (nlp.tables); sorted by (start, end)
        records = apply_table_frames(text, records)
    except Exception:  # noqa: BLE001 - the document's boundary: extraction never raises
        log.exception("solieu: extraction failed; returning the %d records of the finished stages", len(records))
        records.sort(key=lambda r: (r.start, r.end))
    return records


def warm_up() -> None:
    """Load the models and compile the rules once, before a worker's first real document
    (process pool and Dask workers, the app's background thread)."""
    try:
        extract("Năm 2024, tỷ lệ hồ sơ trực tuyến đạt 42% theo Nghị định số 82/2024/NĐ-CP.")
    except Exception:  # noqa: BLE001 - a failing warm-up shows up again on the first real document
        log.exception("solieu: warm-up failed")


def _run(doc: Analysis, role_model: RoleModel | None, records: list[Record]) -> None:
    """The stages over one document; each appends its finished records to `records`."""
    ignored = doc.leftovers
    records.extend(ignored)
    doc.claim((r.start, r.end) for r in ignored)
    # A reference that touches a leftover region is part of the page furniture.
    refs = [r for r in find_legal_refs(doc) if not any(r.start < ig.end and ig.start < r.end for ig in ignored)]
    refs = with_confidence(refs)  # calibrated per form of mention (nlp.confidence)
    records.extend(refs)
    doc.claim((r.start, r.end) for r in refs)

    by_sentence: dict[tuple[int, int], list[Figure]] = {}
    for f in find_figures(doc):
        by_sentence.setdefault(f.sentence, []).append(f)
    model = role_model if role_model is not None else default_model()
    annotated: list[Figure] = []
    for group in by_sentence.values():
        annotated.extend(annotate(doc, group))
    # Roles are decided together over the document's figures (a list, a sentence, a
    # paragraph share a frame: nlp.roles.joint).
    records.extend(assign_roles(doc, annotated, model))
