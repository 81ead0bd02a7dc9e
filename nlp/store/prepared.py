"""What the ingest workers compute besides the records, so the single writer does not have
to (`prepare`), and what the writer adds from the store before storing (`with_catalogue_aliases`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..lang.fold import fold
from .minhash import signature


@dataclass(frozen=True)
class Prepared:
    folded: str  # the text as the full-text index holds it
    signature: bytes | None  # MinHash signature for near-duplicate links


def prepare(text: str) -> Prepared:
    folded = fold(text)
    return Prepared(folded, signature(folded))


def with_catalogue_aliases(store: Any, records: list[Any]) -> list[Any]:
    """`records` of one document with `refers_to` filled from the store's alias catalogue,
    backend-neutral (through `Store.resolve_legal_id` and `Store.legal_documents_numbered`),
    called by whoever stores a document, right before `add_document`.

    A short legal mention (`Đề án 06`, `Nghị quyết 19`: no code, an id that is only `type
    number[/year]`) that extraction left without `refers_to` takes the catalogue's document
    for that spelling (`06/QĐ-TTg`, because other texts stated it) when that is certain: the
    document itself cites no full document of that type and number (its own citation
    decides, nlp.legal_links), and the catalogue knows one such full document at most
    (`19/NQ-CP` and `19-NQ/TW` both known: `Nghị quyết 19` stays as written). Never raises:
    a lookup that fails leaves the records as they are.
    """
    try:
        return _with_catalogue_aliases(store, records)
    except Exception:  # noqa: BLE001 - an alias lookup must never stop a document from being stored
        return list(records)


def _field(r: Any, name: str) -> Any:
    return r.get(name) if isinstance(r, dict) else getattr(r, name, None)


def _is_short(r: Any) -> bool:
    lid, doc_type = _field(r, "id") or "", _field(r, "doc_type") or ""
    return not _field(r, "code") and bool(doc_type) and lid.startswith(f"{doc_type} ")


def _types_of(doc_type: str | None, code: str | None) -> set[str]:
    from ..lang.codes import type_of_code

    return {t for t in (doc_type, type_of_code(code) if code else None) if t}


def _with_catalogue_aliases(store: Any, records: list[Any]) -> list[Any]:
    from .legal_ids import key, number_int

    refs = [r for r in records if _field(r, "type") == "legal_ref"]
    cited = {(t, number_int(_field(r, "number"))) for r in refs if not _is_short(r)
             for t in _types_of(_field(r, "doc_type"), _field(r, "code"))}
    found: dict[str, str | None] = {}
    out = []
    for r in records:
        lid = _field(r, "id") or ""
        n = number_int(_field(r, "number"))
        if (_field(r, "type") != "legal_ref" or _field(r, "refers_to") or not _is_short(r)
                or (_field(r, "doc_type"), n) in cited):
            out.append(r)
            continue
        if lid not in found:
            found[lid] = _certain_target(store, lid, _field(r, "doc_type"), n, key)
        target = found[lid]
        if target is None:
            out.append(r)
        elif isinstance(r, dict):
            out.append({**r, "refers_to": target})
        else:
            out.append(r.with_(refers_to=target))
    return out


def _certain_target(store: Any, lid: str, doc_type: str, number: int | None, key: Any) -> str | None:
    target = store.resolve_legal_id(lid)
    if not target or key(target) == key(lid):
        return None  # unknown, or known only as itself: no alias
    same = {e["id"] for e in store.legal_documents_numbered(number) if number is not None
            and doc_type in _types_of(e.get("doc_type"), e.get("code")) and e.get("code")}
    return target if not (same - {target}) else None
