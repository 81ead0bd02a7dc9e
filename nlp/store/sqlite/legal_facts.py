"""Facts about legal documents read from the sentences citing them: title, issue date, issuer.

`legal_facts` holds, per mention (a legal_ref record, not rejected, of a current document),
what its sentence states (nlp.legal_facts.read_facts), replaced whenever the document's
catalogue entries are (catalog.refresh_document). A catalogue entry shows, per field, the
value most mentions state (`stated`): a title written in many reports wins over one
sentence's variant. The facts depend on the reading rules; `meta.legal_facts_version`
records their version and a store opened with other rules reads every mention again
(`facts_changed` / `refresh_all`).
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Any

from ...lang.fold import fold
from ...legal_facts import Facts, facts_version, read_facts
from .rows import JOINED, SELECT, row_to_dict

META_KEY = "legal_facts_version"


def facts_of(ref: dict[str, Any]) -> Facts:
    """What the sentence of a stored legal_ref record states about the document it cites."""
    sentence = ref.get("sentence_text") or ""
    sent = ref.get("sentence") or [None, None]
    if ref.get("flagged") or not sentence or sent[0] is None:
        return Facts()
    start, end = int(ref["start"]) - int(sent[0]), int(ref["end"]) - int(sent[0])
    if not (0 <= start <= end <= len(sentence)) or sentence[start:end] != ref.get("text"):
        return Facts()
    year = ref.get("year") if isinstance(ref.get("year"), int) else None
    f = read_facts(sentence, start, end, year=year)
    if f.issued is None and ref.get("issued"):  # the extractor read `ngày …` right after the mention
        f = Facts(title=f.title, issued=str(ref["issued"]), issuer=f.issuer, rules=(*f.rules, "extractor-issued"))
    return f


def refresh_document(conn: sqlite3.Connection, docno: int, refs: list[dict[str, Any]]) -> None:
    """Replace the facts of document `docno` by those of its legal_ref records `refs` (stored dicts)."""
    conn.execute("DELETE FROM legal_facts WHERE docno = ?", (docno,))
    rows = []
    for r in refs:
        lid = (r.get("id") or "").strip()
        if not lid or r.get("status") == "rejected" or r.get("rid") is None:
            continue
        f = facts_of(r)
        if f.any():
            rows.append((docno, r["rid"], lid, f.title, f.issued, f.issuer, ",".join(f.rules)))
    conn.executemany("INSERT INTO legal_facts(docno, rid, legal_id, title, issued, issuer, rules) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def facts_changed(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    return row is None or row[0] != facts_version()


def refresh_all(conn: sqlite3.Connection) -> None:
    """Read the facts of every current document's mentions again (inside the caller's transaction)."""
    conn.execute("DELETE FROM legal_facts")
    docnos = [d for (d,) in conn.execute(
        "SELECT DISTINCT r.docno FROM records r JOIN documents d ON d.docno = r.docno "
        "WHERE r.type = 'legal_ref' AND d.version_of IS NULL")]
    for docno in docnos:
        refs = [row_to_dict(r) for r in conn.execute(
            f"SELECT {SELECT} FROM {JOINED} WHERE r.docno = ? AND r.type = 'legal_ref'", (docno,))]
        refresh_document(conn, docno, refs)
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (META_KEY, facts_version()))


def _vote(rows: list[tuple[str, str, int]]) -> tuple[str, str, int] | None:
    """(value, doc, rid) most often stated; values compared folded, ties to the longer, then
    the earliest statement. The value returned is its most frequent spelling."""
    if not rows:
        return None
    groups: dict[str, list[tuple[str, str, int]]] = {}
    for row in rows:
        groups.setdefault(" ".join(fold(row[0]).split()), []).append(row)
    best = max(groups.values(), key=lambda g: (len(g), len(g[0][0])))
    spelling = Counter(r[0] for r in best).most_common(1)[0][0]
    return next(r for r in best if r[0] == spelling)


def stated(conn: sqlite3.Connection, legal_id: str, aliases: list[str]) -> dict[str, Any]:
    """{"title", "issued", "issuer", "title_from": {"doc", "rid"} | None} as the sentences citing
    the id itself state them, and under "alias" the same from the sentences citing an alias
    (`Đề án 06 của Chính phủ` speaks of the Đề án, not of the Quyết định approving it: the
    caller decides what an alias may fill in)."""
    ids = [legal_id, *aliases]
    rows = conn.execute(
        f"SELECT f.legal_id, f.title, f.issued, f.issuer, d.id, f.rid FROM legal_facts f "
        f"JOIN documents d ON d.docno = f.docno JOIN records r ON r.rid = f.rid "
        f"WHERE f.legal_id IN ({','.join('?' * len(ids))}) AND d.duplicate_of IS NULL AND d.version_of IS NULL "
        "AND r.status != 'rejected' ORDER BY d.date IS NULL, d.date, d.id, f.rid", ids).fetchall()

    def fields(rows: list[tuple]) -> dict[str, Any]:
        out: dict[str, Any] = {"title": None, "issued": None, "issuer": None, "title_from": None}
        for i, name in ((1, "title"), (2, "issued"), (3, "issuer")):
            vote = _vote([(r[i], r[4], r[5]) for r in rows if r[i]])
            if vote:
                out[name] = vote[0]
                if name == "title":
                    out["title_from"] = {"doc": vote[1], "rid": vote[2]}
        return out

    return {**fields([r for r in rows if r[0] == legal_id]), "alias": fields([r for r in rows if r[0] != legal_id])}
