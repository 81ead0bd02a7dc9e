"""The legal-document catalogue: one row per canonical id, with aliases and relations.

Built from the legal_ref records as documents are stored. A catalogue entry is never
removed (a document once cited stays known); aliases (`Đề án 06` → `06/QĐ-TTg`, from
a record's `refers_to`) and relations (`amends`, `replaces`, ... from a record's
`relations`) are kept per source document, so re-ingesting a document replaces what
it asserted.

Lookup keys are folded ids without spaces and without leading zeros in numbers, so
`Đề án 06`, `de an 6` and `ĐỀ ÁN 06` share one key.
"""
from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from typing import Any

from .fulltext import fold
from .rows import SELECT, row_to_dict

_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+")

# Inverse names of the relation types of nlp.records.RELATION_TYPES, as seen from the target.
INVERSE = {"amends": "amended_by", "replaces": "replaced_by", "guides": "guided_by",
           "repeals": "repealed_by", "implements": "implemented_by"}


def key(legal_id: str | None) -> str:
    return _LEADING_ZEROS.sub("", _SPACE.sub("", fold(legal_id or "")))


def number_int(number: str | None) -> int | None:
    m = _NUMBER.search(number or "")
    return int(m.group()) if m else None


@lru_cache(maxsize=1)
def _issuer_names() -> dict[str, str]:
    """Folded issuer code -> the body's name, from nlp/rules/issuers.yml (`TTg` -> Thủ tướng Chính phủ)."""
    from ..rules import load

    names: dict[str, str] = {}
    for rule in load("issuers"):
        if rule.get("phrases"):
            for code in rule.get("codes") or []:
                names.setdefault(fold(code), rule["phrases"][0])
    return names


def issuer_of(code: str | None) -> str | None:
    """The issuing body of a type-issuer code: `NĐ-CP` → Chính phủ, `QĐ-TTg` → Thủ tướng Chính
    phủ; a body without a name in the rules keeps its code (`KH-UBND` → UBND, `NQ/TU` → TU)."""
    if not code:
        return None
    parts = re.split(r"[-/]", code, maxsplit=1)
    body = parts[1] if len(parts) == 2 else parts[0]  # `QH14`: the code is the body alone
    if not body:
        return None
    try:
        names = _issuer_names()
    except Exception:  # noqa: BLE001 - a broken rules file must not stop storing documents
        names = {}
    return names.get(fold(body), names.get(fold(re.sub(r"\d+$", "", body)), body))


def _upsert(conn: sqlite3.Connection, legal_id: str, doc_type: str | None, number: str | None,
            year: int | None, code: str | None) -> None:
    # What one mention leaves unknown another may give: fill gaps, never overwrite.
    conn.execute(
        "INSERT INTO legal_documents(id, key, doc_type, number, number_int, year, code, issuer) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
        "doc_type = COALESCE(doc_type, excluded.doc_type), number = COALESCE(number, excluded.number), "
        "number_int = COALESCE(number_int, excluded.number_int), year = COALESCE(year, excluded.year), "
        "code = COALESCE(code, excluded.code), issuer = COALESCE(issuer, excluded.issuer)",
        (legal_id, key(legal_id), doc_type or None, number or None, number_int(number), year, code, issuer_of(code)),
    )


def _parts_of_id(legal_id: str) -> tuple[str | None, int | None, str | None]:
    """(number, year, code) read off a canonical id `N/YYYY/CODE` or `N/CODE` (else Nones)."""
    m = re.fullmatch(r"(\d+)(?:/(\d{4}))?/([^\s/][^\s]*)", legal_id.strip())
    if not m:
        return None, None, None
    return m.group(1), (int(m.group(2)) if m.group(2) else None), m.group(3)


def update_for_document(conn: sqlite3.Connection, docno: int, refs: list[dict[str, Any]]) -> None:
    """Replace what document `docno` asserts (aliases, relations); add ids to the catalogue."""
    conn.execute("DELETE FROM legal_aliases WHERE docno = ?", (docno,))
    conn.execute("DELETE FROM legal_relations WHERE docno = ?", (docno,))
    for r in refs:
        lid = (r.get("id") or "").strip()
        if not lid or r.get("status") == "rejected":
            continue
        _upsert(conn, lid, r.get("doc_type"), r.get("number"), r.get("year"), r.get("code"))
        target = (r.get("refers_to") or "").strip()
        if target and target != lid:
            num, year, code = _parts_of_id(target)
            _upsert(conn, target, None, num, year, code)
            conn.execute("INSERT OR IGNORE INTO legal_aliases(alias, key, target, docno) VALUES (?, ?, ?, ?)",
                         (lid, key(lid), target, docno))
        for rel in r.get("relations") or []:
            rel = rel if isinstance(rel, dict) else rel.to_dict()
            if rel.get("target") and rel.get("type"):
                num, year, code = _parts_of_id(rel["target"])
                _upsert(conn, rel["target"], None, num, year, code)
                conn.execute("INSERT OR IGNORE INTO legal_relations(src, type, dst, docno) VALUES (?, ?, ?, ?)",
                             (lid, rel["type"], rel["target"], docno))


def resolve(conn: sqlite3.Connection, legal_id: str) -> str | None:
    """The catalogue id a spelling stands for: itself, or the target it is an alias of."""
    k = key(legal_id)
    row = conn.execute(
        "SELECT target, count(*) AS n FROM legal_aliases WHERE key = ? GROUP BY target ORDER BY n DESC, target LIMIT 1",
        (k,),
    ).fetchone()
    if row:
        return row[0]
    row = conn.execute("SELECT id FROM legal_documents WHERE key = ? ORDER BY id LIMIT 1", (k,)).fetchone()
    return row[0] if row else None


def entry(conn: sqlite3.Connection, legal_id: str, mentions_limit: int | None = None) -> dict[str, Any] | None:
    """A catalogue entry with aliases, relations (both directions) and every mention."""
    row = conn.execute(
        "SELECT id, doc_type, number, year, code, issuer, title FROM legal_documents WHERE id = ?", (legal_id,)
    ).fetchone()
    if row is None:
        return None
    out = dict(zip(("id", "doc_type", "number", "year", "code", "issuer", "title"), row))
    aliases = [a for (a,) in conn.execute(
        "SELECT DISTINCT alias FROM legal_aliases WHERE target = ? ORDER BY alias", (legal_id,))]
    out["aliases"] = aliases
    rels = [{"type": t, "target": d} for t, d in conn.execute(
        "SELECT DISTINCT type, dst FROM legal_relations WHERE src = ? ORDER BY type, dst", (legal_id,))]
    rels += [{"type": INVERSE.get(t, f"{t}_by"), "target": s} for t, s in conn.execute(
        "SELECT DISTINCT type, src FROM legal_relations WHERE dst = ? ORDER BY type, src", (legal_id,))]
    out["relations"] = rels
    ids = [legal_id, *aliases]
    marks = ",".join("?" * len(ids))
    # The mentions are ordered first (cheap columns only), then the sentences of the
    # page are cut: a much-cited law has thousands of mentions.
    page_sql = (
        "SELECT r.rid FROM records r JOIN documents d ON d.docno = r.docno "
        f"WHERE r.type = 'legal_ref' AND (r.legal_id IN ({marks}) OR r.refers_to = ?) "
        "AND r.status != 'rejected' AND d.duplicate_of IS NULL "
        "ORDER BY d.date IS NULL, d.date, d.id, r.start"
    )
    params: list[Any] = [*ids, legal_id]
    if mentions_limit is not None:
        page_sql += " LIMIT ?"
        params.append(mentions_limit)
    rids = [rid for (rid,) in conn.execute(page_sql, params)]
    rows = {}
    for i in range(0, len(rids), 500):
        chunk = rids[i:i + 500]
        for m in conn.execute(
            "SELECT r.rid, d.id, r.start, r.\"end\", r.text, "
            "COALESCE(r.stale_sentence, substr(d.text, r.sent_start + 1, r.sent_end - r.sent_start)), d.date, d.title "
            f"FROM records r JOIN documents d ON d.docno = r.docno WHERE r.rid IN ({','.join('?' * len(chunk))})", chunk):
            rows[m[0]] = dict(zip(("rid", "doc", "start", "end", "text", "sentence", "date", "title"), m))
    out["mentions"] = [rows[rid] for rid in rids if rid in rows]
    return out


def refresh_document(conn: sqlite3.Connection, docno: int) -> None:
    """Re-derive the catalog entries of one document from its stored legal_ref records."""
    refs = [row_to_dict(r) for r in conn.execute(
        f"SELECT {SELECT} FROM records r JOIN documents d ON d.docno = r.docno "
        "WHERE r.docno = ? AND r.type = 'legal_ref'", (docno,))]
    update_for_document(conn, docno, refs)
