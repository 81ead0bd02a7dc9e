"""The legal-document catalogue in SQLite: one row per canonical id, with aliases and relations.

Built from the legal_ref records as documents are stored. A catalogue entry is never
removed (a document once cited stays known); aliases (`Đề án 06` → `06/QĐ-TTg`, from
a record's `refers_to`) and relations (`amends`, `replaces`, ... from a record's
`relations`) are kept per source document, so re-ingesting a document replaces what
it asserted. Keys, issuers and id parts: nlp/store/legal_ids.py.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from ..legal_ids import INVERSE, issuer_of, key, number_int, parts_of_id
from . import legal_facts
from .rows import JOINED, SELECT, SENTENCE, row_to_dict

# A mention counts unless rejected, in a copy of another article or in an earlier version of a document.
_MENTIONS_OF = (f"FROM {JOINED} WHERE r.type = 'legal_ref' AND (r.legal_id IN ({{marks}}) OR r.refers_to = ?) "
                "AND r.status != 'rejected' AND d.duplicate_of IS NULL AND d.version_of IS NULL")


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
            num, year, code = parts_of_id(target)
            _upsert(conn, target, None, num, year, code)
            conn.execute("INSERT OR IGNORE INTO legal_aliases(alias, key, target, docno) VALUES (?, ?, ?, ?)",
                         (lid, key(lid), target, docno))
        for rel in r.get("relations") or []:
            rel = rel if isinstance(rel, dict) else rel.to_dict()
            if rel.get("target") and rel.get("type"):
                num, year, code = parts_of_id(rel["target"])
                _upsert(conn, rel["target"], None, num, year, code)
                conn.execute("INSERT OR IGNORE INTO legal_relations(src, type, dst, docno) VALUES (?, ?, ?, ?)",
                             (lid, rel["type"], rel["target"], docno))


def refresh_document(conn: sqlite3.Connection, docno: int) -> None:
    """Re-derive the catalog entries of one document from its stored legal_ref records."""
    refs = [row_to_dict(r) for r in conn.execute(
        f"SELECT {SELECT} FROM {JOINED} WHERE r.docno = ? AND r.type = 'legal_ref'", (docno,))]
    update_for_document(conn, docno, refs)
    legal_facts.refresh_document(conn, docno, refs)  # what the citing sentences state (v5)


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


def _aliases(conn: sqlite3.Connection, legal_id: str) -> list[str]:
    return [a for (a,) in conn.execute(
        "SELECT DISTINCT alias FROM legal_aliases WHERE target = ? ORDER BY alias", (legal_id,))]


aliases = _aliases  # the spellings that stand for `legal_id` (bulk review of its mentions)


def entry(conn: sqlite3.Connection, legal_id: str, mentions_limit: int | None = None) -> dict[str, Any] | None:
    """A catalogue entry with aliases, relations (both directions) and every mention."""
    row = conn.execute(
        "SELECT id, doc_type, number, year, code, issuer, title FROM legal_documents WHERE id = ?", (legal_id,)
    ).fetchone()
    if row is None:
        return None
    out = dict(zip(("id", "doc_type", "number", "year", "code", "issuer", "title"), row))
    aliases = _aliases(conn, legal_id)
    out["aliases"] = aliases
    rels = [{"type": t, "target": d} for t, d in conn.execute(
        "SELECT DISTINCT type, dst FROM legal_relations WHERE src = ? ORDER BY type, dst", (legal_id,))]
    rels += [{"type": INVERSE.get(t, f"{t}_by"), "target": s} for t, s in conn.execute(
        "SELECT DISTINCT type, src FROM legal_relations WHERE dst = ? ORDER BY type, src", (legal_id,))]
    out["relations"] = rels
    ids = [legal_id, *aliases]
    # The mentions are ordered first (cheap columns only), then the sentences of the
    # page are cut: a much-cited law has thousands of mentions.
    page_sql = (f"SELECT r.rid {_MENTIONS_OF.format(marks=','.join('?' * len(ids)))} "
                "ORDER BY d.date IS NULL, d.date, d.id, r.start")
    params: list[Any] = [*ids, legal_id]
    if mentions_limit is not None:
        page_sql += " LIMIT ?"
        params.append(mentions_limit)
    rids = [rid for (rid,) in conn.execute(page_sql, params)]
    rows = {}
    for i in range(0, len(rids), 500):
        chunk = rids[i:i + 500]
        for m in conn.execute(
            f"SELECT r.rid, d.id, r.start, r.\"end\", r.text, {SENTENCE}, d.date, d.title "
            f"FROM {JOINED} WHERE r.rid IN ({','.join('?' * len(chunk))})", chunk):
            rows[m[0]] = dict(zip(("rid", "doc", "start", "end", "text", "sentence", "date", "title"), m))
    out["mentions"] = [rows[rid] for rid in rids if rid in rows]
    # What the citing sentences state (v5): their title, issue date and issuer win over the
    # catalogue's (the issuer read off the code, `NĐ-CP` -> Chính phủ, stays the fallback).
    facts = legal_facts.stated(conn, legal_id, aliases)
    alias = facts["alias"]
    out["issuer_from_code"] = out["issuer"]
    out["title"] = facts["title"] or alias["title"] or out["title"]
    out["title_from"] = facts["title_from"] if facts["title"] else alias["title_from"]
    out["issued"] = facts["issued"] or alias["issued"]
    out["issuer"] = facts["issuer"] or out["issuer"] or alias["issuer"]
    out["first_seen"], out["last_seen"] = conn.execute(
        f"SELECT min(d.date), max(d.date) {_MENTIONS_OF.format(marks=','.join('?' * len(ids)))}",
        (*ids, legal_id)).fetchone()
    return out


def mention_counts(conn: sqlite3.Connection, legal_id: str) -> tuple[int, int]:
    """(mentions, documents) of `legal_id` and its aliases."""
    ids = [legal_id, *_aliases(conn, legal_id)]
    n, nd = conn.execute(f"SELECT count(*), count(DISTINCT r.docno) {_MENTIONS_OF.format(marks=','.join('?' * len(ids)))}",
                         (*ids, legal_id)).fetchone()
    return n, nd


def numbered(conn: sqlite3.Connection, number: int) -> list[dict[str, Any]]:
    names = ("id", "doc_type", "number", "year", "code")
    return [dict(zip(names, r)) for r in conn.execute(
        "SELECT id, doc_type, number, year, code FROM legal_documents WHERE number_int = ?", (number,))]


def doc_types(conn: sqlite3.Connection) -> list[str]:
    return [t for (t,) in conn.execute("SELECT DISTINCT doc_type FROM legal_documents WHERE doc_type IS NOT NULL")]


def top_cited(conn: sqlite3.Connection, top: int) -> list[tuple[str, int, int]]:
    """(id, mentions, documents) of the most cited documents, aliases counted with their target."""
    return [tuple(r) for r in conn.execute(
        "SELECT COALESCE(a.target, r.legal_id) AS lid, count(*), count(DISTINCT r.docno) "
        "FROM records r JOIN documents d ON d.docno = r.docno AND d.duplicate_of IS NULL AND d.version_of IS NULL "
        "LEFT JOIN (SELECT alias, min(target) AS target FROM legal_aliases GROUP BY alias) a ON a.alias = r.legal_id "
        "WHERE r.type = 'legal_ref' AND r.legal_id IS NOT NULL AND r.status != 'rejected' "
        "GROUP BY lid ORDER BY 3 DESC, 2 DESC, lid LIMIT ?", (top,))]


def co_cited(conn: sqlite3.Connection, legal_id: str, limit: int) -> list[dict[str, Any]]:
    """The documents cited by the documents citing `legal_id` (or an alias of it), most shared
    first: {"id", "documents" (citing both), "sentences" (naming both in one sentence)}."""
    ids = [legal_id, *_aliases(conn, legal_id)]
    marks = ",".join("?" * len(ids))
    alias_map = "(SELECT alias, min(target) AS target FROM legal_aliases GROUP BY alias)"
    return [dict(zip(("id", "documents", "sentences"), r)) for r in conn.execute(
        f"WITH m AS (SELECT r.docno, r.sent_start {_MENTIONS_OF.format(marks=marks)}) "
        "SELECT COALESCE(a.target, r.legal_id) AS lid, count(DISTINCT r.docno), "
        "count(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM m WHERE m.docno = r.docno AND m.sent_start = r.sent_start) "
        "THEN r.docno || ':' || r.sent_start END) "
        f"FROM records r JOIN (SELECT DISTINCT docno FROM m) md ON md.docno = r.docno LEFT JOIN {alias_map} a "
        "ON a.alias = r.legal_id WHERE r.type = 'legal_ref' AND r.legal_id IS NOT NULL AND r.status != 'rejected' "
        f"AND COALESCE(a.target, r.legal_id) NOT IN ({marks}) "
        "GROUP BY lid ORDER BY 2 DESC, 3 DESC, lid LIMIT ?", (*ids, legal_id, *ids, limit))]


def sentence_records(conn: sqlite3.Connection, rids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """{rid: the records (not rejected, not ignored) inside the sentence of record rid, itself
    included}, for marking and linking every reference of a shown sentence. Offsets index the
    document; a flagged record (its sentence is of an earlier text) gets only itself."""
    out: dict[int, list[dict[str, Any]]] = {}
    rids = list(dict.fromkeys(int(r) for r in rids))
    for i in range(0, len(rids), 300):
        chunk = rids[i:i + 300]
        for row in conn.execute(
                f"SELECT m.rid, {SELECT} FROM records m JOIN records r ON r.docno = m.docno "
                "AND r.start >= m.sent_start AND r.\"end\" <= m.sent_end AND m.flagged = 0 "
                "JOIN documents d ON d.docno = r.docno "
                f"WHERE m.rid IN ({','.join('?' * len(chunk))}) AND r.type != 'ignore' "
                "AND (r.status != 'rejected' OR r.rid = m.rid) ORDER BY m.rid, r.start", chunk):
            out.setdefault(row[0], []).append(row_to_dict(row[1:]))
    return out
