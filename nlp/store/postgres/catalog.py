"""The legal-document catalogue in PostgreSQL: one row per canonical id, with aliases and relations.

The rules are the SQLite backend's (nlp/store/sqlite/catalog.py): built from the
legal_ref records as documents are stored, never removed, aliases and relations kept
per source document. Entries are written in id order, so two sessions writing the
catalogue at once (an ingest and a reviewer's correction) cannot deadlock on it.
"""
from __future__ import annotations

from typing import Any

import psycopg

from ..legal_ids import INVERSE, issuer_of, key, number_int, parts_of_id
from . import legal_facts
from . import rows as R
from .rows import JOINED, SENTENCE

_MENTIONS_OF = (f"FROM {JOINED} WHERE r.type = 'legal_ref' AND (r.legal_id = ANY(%s) OR r.refers_to = %s) "
                "AND r.status != 'rejected' AND d.duplicate_of IS NULL AND d.version_of IS NULL")
_FIELDS = ("doc_type", "number", "number_int", "year", "code", "issuer")


def _merge(entries: dict[str, dict], legal_id: str, doc_type: str | None, number: str | None,
           year: int | None, code: str | None) -> None:
    # What one mention leaves unknown another may give: fill gaps, never overwrite.
    new = {"doc_type": doc_type or None, "number": number or None, "number_int": number_int(number),
           "year": year, "code": code, "issuer": issuer_of(code)}
    cur = entries.setdefault(legal_id, dict.fromkeys(_FIELDS))
    for k, v in new.items():
        if cur[k] is None:
            cur[k] = v


def _upsert_all(conn: psycopg.Connection, entries: dict[str, dict]) -> None:
    if not entries:
        return
    sets = ", ".join(f"{f} = COALESCE(legal_documents.{f}, excluded.{f})" for f in _FIELDS)
    with conn.cursor() as cur:
        cur.executemany(
            f"INSERT INTO legal_documents(id, key, {', '.join(_FIELDS)}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT (id) DO UPDATE SET {sets}",
            [(lid, key(lid), *(e[f] for f in _FIELDS)) for lid, e in sorted(entries.items())])


def update_for_document(conn: psycopg.Connection, docno: int, refs: list[dict[str, Any]]) -> None:
    """Replace what document `docno` asserts (aliases, relations); add ids to the catalogue."""
    conn.execute("DELETE FROM legal_aliases WHERE docno = %s", (docno,))
    conn.execute("DELETE FROM legal_relations WHERE docno = %s", (docno,))
    entries: dict[str, dict] = {}
    aliases: set[tuple[str, str, str]] = set()
    relations: set[tuple[str, str, str]] = set()
    for r in refs:
        lid = (r.get("id") or "").strip()
        if not lid or r.get("status") == "rejected":
            continue
        _merge(entries, lid, r.get("doc_type"), r.get("number"), r.get("year"), r.get("code"))
        target = (r.get("refers_to") or "").strip()
        if target and target != lid:
            _merge(entries, target, None, *parts_of_id(target))
            aliases.add((lid, key(lid), target))
        for rel in r.get("relations") or []:
            rel = rel if isinstance(rel, dict) else rel.to_dict()
            if rel.get("target") and rel.get("type"):
                _merge(entries, rel["target"], None, *parts_of_id(rel["target"]))
                relations.add((lid, rel["type"], rel["target"]))
    _upsert_all(conn, entries)
    with conn.cursor() as cur:
        if aliases:
            cur.executemany("INSERT INTO legal_aliases(alias, key, target, docno) VALUES (%s, %s, %s, %s) "
                            "ON CONFLICT DO NOTHING", [(*a, docno) for a in sorted(aliases)])
        if relations:
            cur.executemany("INSERT INTO legal_relations(src, type, dst, docno) VALUES (%s, %s, %s, %s) "
                            "ON CONFLICT DO NOTHING", [(*x, docno) for x in sorted(relations)])


def refresh_document(conn: psycopg.Connection, docno: int) -> None:
    """Re-derive the catalog entries of one document from its stored legal_ref records."""
    refs = [R.row_to_dict(r) for r in conn.execute(
        f"SELECT {R.SELECT} FROM {JOINED} WHERE r.docno = %s AND r.type = 'legal_ref'", (docno,))]
    update_for_document(conn, docno, refs)
    legal_facts.refresh_document(conn, docno, refs)  # what the citing sentences state (v5)


def resolve(conn: psycopg.Connection, legal_id: str) -> str | None:
    """The catalogue id a spelling stands for: itself, or the target it is an alias of."""
    k = key(legal_id)
    row = conn.execute("SELECT target, count(*) AS n FROM legal_aliases WHERE key = %s GROUP BY target "
                       "ORDER BY n DESC, target LIMIT 1", (k,)).fetchone()
    if row:
        return row[0]
    row = conn.execute("SELECT id FROM legal_documents WHERE key = %s ORDER BY id LIMIT 1", (k,)).fetchone()
    return row[0] if row else None


def _aliases(conn: psycopg.Connection, legal_id: str) -> list[str]:
    return [a for (a,) in conn.execute(
        "SELECT DISTINCT alias FROM legal_aliases WHERE target = %s ORDER BY alias", (legal_id,))]


aliases = _aliases  # the spellings that stand for `legal_id` (bulk review of its mentions)


def entry(conn: psycopg.Connection, legal_id: str, mentions_limit: int | None = None) -> dict[str, Any] | None:
    """A catalogue entry with aliases, relations (both directions) and every mention."""
    row = conn.execute("SELECT id, doc_type, number, year, code, issuer, title FROM legal_documents WHERE id = %s",
                       (legal_id,)).fetchone()
    if row is None:
        return None
    out = dict(zip(("id", "doc_type", "number", "year", "code", "issuer", "title"), row))
    aliases = _aliases(conn, legal_id)
    out["aliases"] = aliases
    rels = [{"type": t, "target": d} for t, d in conn.execute(
        "SELECT DISTINCT type, dst FROM legal_relations WHERE src = %s ORDER BY type, dst", (legal_id,))]
    rels += [{"type": INVERSE.get(t, f"{t}_by"), "target": s} for t, s in conn.execute(
        "SELECT DISTINCT type, src FROM legal_relations WHERE dst = %s ORDER BY type, src", (legal_id,))]
    out["relations"] = rels
    ids = [legal_id, *aliases]
    # The mentions are ordered first (cheap columns only), then the sentences of the page are cut.
    rids = [rid for (rid,) in conn.execute(
        f"SELECT r.rid {_MENTIONS_OF} ORDER BY d.date IS NULL, d.date, d.id, r.start LIMIT %s",
        (ids, legal_id, mentions_limit))]
    rows = {}
    if rids:
        for m in conn.execute(
                f"SELECT r.rid, d.id, r.start, r.\"end\", r.text, {SENTENCE}, d.date, d.title "
                f"FROM {JOINED} WHERE r.rid = ANY(%s)", (rids,)):
            rows[m[0]] = dict(zip(("rid", "doc", "start", "end", "text", "sentence", "date", "title"), m))
    out["mentions"] = [rows[rid] for rid in rids if rid in rows]
    # What the citing sentences state (v5): their title, issue date and issuer win over the
    # catalogue's (the issuer read off the code stays the fallback), as in SQLite.
    facts = legal_facts.stated(conn, legal_id, aliases)
    alias = facts["alias"]
    out["issuer_from_code"] = out["issuer"]
    out["title"] = facts["title"] or alias["title"] or out["title"]
    out["title_from"] = facts["title_from"] if facts["title"] else alias["title_from"]
    out["issued"] = facts["issued"] or alias["issued"]
    out["issuer"] = facts["issuer"] or out["issuer"] or alias["issuer"]
    out["first_seen"], out["last_seen"] = conn.execute(
        f"SELECT min(d.date), max(d.date) {_MENTIONS_OF}", (ids, legal_id)).fetchone()
    return out


def mention_counts(conn: psycopg.Connection, legal_id: str) -> tuple[int, int]:
    """(mentions, documents) of `legal_id` and its aliases."""
    ids = [legal_id, *_aliases(conn, legal_id)]
    n, nd = conn.execute(f"SELECT count(*), count(DISTINCT r.docno) {_MENTIONS_OF}", (ids, legal_id)).fetchone()
    return n, nd


def numbered(conn: psycopg.Connection, number: int) -> list[dict[str, Any]]:
    names = ("id", "doc_type", "number", "year", "code")
    return [dict(zip(names, r)) for r in conn.execute(
        "SELECT id, doc_type, number, year, code FROM legal_documents WHERE number_int = %s", (number,))]


def doc_types(conn: psycopg.Connection) -> list[str]:
    return [t for (t,) in conn.execute("SELECT DISTINCT doc_type FROM legal_documents WHERE doc_type IS NOT NULL")]


def top_cited(conn: psycopg.Connection, top: int) -> list[tuple[str, int, int]]:
    """(id, mentions, documents) of the most cited documents, aliases counted with their target."""
    return [tuple(r) for r in conn.execute(
        "SELECT COALESCE(a.target, r.legal_id) AS lid, count(*), count(DISTINCT r.docno) "
        "FROM records r JOIN documents d ON d.docno = r.docno AND d.duplicate_of IS NULL AND d.version_of IS NULL "
        "LEFT JOIN (SELECT alias, min(target) AS target FROM legal_aliases GROUP BY alias) a ON a.alias = r.legal_id "
        "WHERE r.type = 'legal_ref' AND r.legal_id IS NOT NULL AND r.status != 'rejected' "
        "GROUP BY 1 ORDER BY 3 DESC, 2 DESC, 1 LIMIT %s", (top,))]


def co_cited(conn: psycopg.Connection, legal_id: str, limit: int) -> list[dict[str, Any]]:
    """The documents cited by the documents citing `legal_id` (or an alias of it), most shared
    first: {"id", "documents" (citing both), "sentences" (naming both in one sentence)}."""
    ids = [legal_id, *_aliases(conn, legal_id)]
    alias_map = "(SELECT alias, min(target) AS target FROM legal_aliases GROUP BY alias)"
    return [dict(zip(("id", "documents", "sentences"), r)) for r in conn.execute(
        f"WITH m AS (SELECT r.docno, r.sent_start {_MENTIONS_OF}) "
        "SELECT COALESCE(a.target, r.legal_id) AS lid, count(DISTINCT r.docno), "
        "count(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM m WHERE m.docno = r.docno AND m.sent_start = r.sent_start) "
        "THEN r.docno || ':' || r.sent_start END) "
        f"FROM records r JOIN (SELECT DISTINCT docno FROM m) md ON md.docno = r.docno LEFT JOIN {alias_map} a "
        "ON a.alias = r.legal_id WHERE r.type = 'legal_ref' AND r.legal_id IS NOT NULL AND r.status != 'rejected' "
        "AND NOT (COALESCE(a.target, r.legal_id) = ANY(%s)) "
        "GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT %s", (ids, legal_id, ids, limit))]


def sentence_records(conn: psycopg.Connection, rids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """{rid: the records (not rejected, not ignored) inside the sentence of record rid, itself
    included}; a flagged record (its sentence is of an earlier text) gets only itself."""
    out: dict[int, list[dict[str, Any]]] = {}
    rids = list(dict.fromkeys(int(r) for r in rids))
    if not rids:
        return out
    for row in conn.execute(
            f"SELECT m.rid, {R.SELECT} FROM records m JOIN records r ON r.docno = m.docno "
            "AND r.start >= m.sent_start AND r.\"end\" <= m.sent_end AND m.flagged = 0 "
            "JOIN documents d ON d.docno = r.docno "
            "WHERE m.rid = ANY(%s) AND r.type != 'ignore' "
            "AND (r.status != 'rejected' OR r.rid = m.rid) ORDER BY m.rid, r.start", (rids,)):
        out.setdefault(row[0], []).append(R.row_to_dict(row[1:]))
    return out
