"""What a citing sentence states about the legal document it cites: issue date, issuer, title.

    read_facts(sentence, start, end, *, year=None) -> Facts
        `start`/`end`: the mention's span inside `sentence`; `year`: the document's year when
        its id gives one (a stated date of another year is not its issue date).
    facts_version() -> str     # FACTS_VERSION + a hash of the rules: stores recompute on change

`Nghị định số 82/2024/NĐ-CP ngày 15/7/2024 của Chính phủ sửa đổi, bổ sung một số điều …`
gives issued 2024-07-15, issuer `Chính phủ`, title `sửa đổi, bổ sung một số điều …`.
The text right after the mention is read as date and issuer (either order, each optional,
`ban hành` allowed after the issuer), then a title that must open with a title word
(`về`, `quy định`, `sửa đổi` …) and ends at a stop (`;`, a new clause, the next reference,
the sentence's end). An issuer or date not stated after the mention may stand right before
it (`Ngày 15/7/2024, Chính phủ ban hành Nghị định số 82/2024/NĐ-CP`). Everything that
decides is data: `nlp/rules/legal_facts.yml`.

This reads stored text for the store's legal catalogue (where many citing sentences vote
on a document's title); it is not part of record extraction.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .rules import RULES_DIR, alternation, load

FACTS_VERSION = 1
RULES = "legal_facts"

_UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_CAP_WORD = rf"[{_UPPER}][^\W_]*\.?"  # a capitalised word (a proper name's syllable, `TP.`)
_SEP = re.compile(r"[\s,]*")


@dataclass(frozen=True)
class Facts:
    title: str | None = None
    issued: str | None = None  # ISO date
    issuer: str | None = None
    rules: tuple[str, ...] = field(default=())  # ids of the rules that read them

    def any(self) -> bool:
        return bool(self.title or self.issued or self.issuer)


@dataclass(frozen=True)
class _Rules:
    dates: tuple[tuple[str, re.Pattern], ...]
    issuer_id: str
    issuer: re.Pattern  # an issuer at the current position
    lead_id: str
    lead: re.Pattern  # `của ` / `do ` then an issuer
    lead_after: re.Pattern  # `ban hành` after it
    before_id: str
    before: re.Pattern  # `[Ngày D/M/Y, ]ISSUER ban hành ` at the end of the text before a mention
    title_id: str
    opener: re.Pattern
    min_words: int
    max_chars: int
    stop_id: str
    stop: re.Pattern


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    by_kind: dict[str, list[dict]] = {}
    for r in load(RULES):
        by_kind.setdefault(r.get("kind", ""), []).append(r)
    dates = tuple((r["id"], re.compile(r["pattern"], re.IGNORECASE)) for r in by_kind.get("date", ()))

    iss = by_kind["issuer"][0]
    places = alternation(iss.get("places") or (), bounded=False)
    # A proper name: capitalised words, `và` or a dash between two of them (`Thông tin và Truyền thông`,
    # `Lao động - Thương binh và Xã hội`, `Bà Rịa – Vũng Tàu`).
    name = rf"{_CAP_WORD}(?:(?:\s+|\s*[-–]\s*|\s+và\s+){_CAP_WORD})*"
    named = rf"{alternation(iss.get('named') or (), bounded=True)}\s+(?:{places}\s+)?{name}"
    fields = alternation(iss.get("ministries") or (), bounded=False)
    ministry = (rf"(?:Bộ\s+trưởng\s+)?Bộ\s+{fields}(?![^\W_&])"
                rf"|(?:Giám\s+đốc\s+)?Sở\s+{fields}(?:\s+{places}\s+{name})?(?![^\W_&])")
    bodies = alternation(iss.get("bodies") or (), bounded=True)
    issuer = re.compile(rf"(?:{ministry}|{named}|{bodies})(?![^\W_])")

    lead = by_kind["issuer-lead"][0]
    lead_rx = re.compile(rf"{alternation(lead['words'], bounded=True)}\s+(?=\S)")
    lead_after = re.compile(rf"\s*{alternation(lead.get('after') or (), bounded=True)}")

    before = by_kind["issuer-before"][0]
    # the date patterns without their group names (they repeat), for one optional date in front
    date_any = "|".join("(?:" + re.sub(r"\(\?P<\w+>", "(?:", p.pattern) + ")" for _, p in dates)
    before_rx = re.compile(
        rf"(?:(?P<date>(?i:{date_any}))\s*,\s*)?(?P<issuer>{issuer.pattern})(?:\s+{name})?\s+"
        rf"{alternation(before['words'], bounded=True)}\s+$")

    title = by_kind["title"][0]
    opener = re.compile(alternation(title["openers"], bounded=True), re.IGNORECASE)
    stop = by_kind["title-stop"][0]
    doc_types = [w for r in load("doc_types") if r.get("kind") == "type"
                 for w in [r["name"], *(r.get("words") or ())]]
    chars = "".join(re.escape(c) for c in stop.get("chars") or ())
    stop_rx = re.compile(
        "|".join([
            rf"[{chars}]" if chars else r"(?!)",
            r"\.(?=\s|$)",  # a full stop (not `82/2024/NĐ-CP.` inside a number)
            rf",\s*{alternation(stop.get('after_comma') or (), bounded=True)}",
            rf"\s+{alternation(stop.get('anywhere') or (), bounded=True)}",
            # the next reference of a list: `, Nghị định số 73`, `và Quyết định 1012`
            rf"(?:,|\s+và|\s+cùng)\s+(?:các\s+)?{alternation(doc_types, bounded=True)}\s+(?:số\s*)?\d",
        ]), re.IGNORECASE)
    return _Rules(dates=dates, issuer_id=iss["id"], issuer=issuer, lead_id=lead["id"], lead=lead_rx,
                  lead_after=lead_after, before_id=before["id"], before=before_rx, title_id=title["id"],
                  opener=opener, min_words=int(title.get("min_words", 3)), max_chars=int(title.get("max_chars", 240)),
                  stop_id=stop["id"], stop=stop_rx)


def _iso(d: str, m: str, y: str, year: int | None) -> str | None:
    try:
        date = dt.date(int(y), int(m), int(d))
    except ValueError:
        return None
    if year is not None and date.year != year:
        return None  # `Nghị định 82/2024/NĐ-CP ngày 1/1/2025 …`: another date, not the issue date
    return date.isoformat()


def _date_at(text: str, pos: int, year: int | None, r: _Rules) -> tuple[str, int, str] | None:
    for rid, rx in r.dates:
        m = rx.match(text, pos)
        if m:
            iso = _iso(m.group("d"), m.group("m"), m.group("y"), year)
            return (iso, m.end(), rid) if iso else None
    return None


def _date_in(text: str, year: int | None, r: _Rules) -> tuple[str, str] | None:
    for rid, rx in r.dates:
        m = rx.search(text)
        if m:
            iso = _iso(m.group("d"), m.group("m"), m.group("y"), year)
            if iso:
                return iso, rid
    return None


def _title_at(text: str, pos: int, r: _Rules) -> str | None:
    if not r.opener.match(text, pos):
        return None
    stop = r.stop.search(text, pos)
    end = stop.start() if stop else len(text)
    title = " ".join(text[pos:end].split()).rstrip(" ,.-–")
    if len(title.split()) < r.min_words:
        return None
    if len(title) > r.max_chars:
        cut = title[: r.max_chars - 1].rsplit(" ", 1)[0]
        title = cut.rstrip(" ,;:") + "…"
    return title


def read_facts(sentence: str, start: int, end: int, *, year: int | None = None) -> Facts:
    """The facts `sentence` states about the document cited at [start, end)."""
    if not isinstance(sentence, str) or not (0 <= start <= end <= len(sentence)):
        return Facts()
    try:
        return _read(sentence, start, end, year)
    except re.error:  # a broken pattern is a rules-file bug; the store must still write documents
        return Facts()


def _read(sentence: str, start: int, end: int, year: int | None) -> Facts:
    r = _rules()
    after = sentence[end:]
    issued = issuer = None
    used: list[str] = []
    pos = 0
    for _ in range(4):  # date and issuer in either order, `ban hành` after the issuer
        p = _SEP.match(after, pos).end()
        if issued is None and (d := _date_at(after, p, year, r)):
            issued, pos = d[0], d[1]
            used.append(d[2])
            continue
        lead = r.lead.match(after, p)
        if issuer is None and lead and (m := r.issuer.match(after, lead.end())):
            issuer, pos = " ".join(m.group().split()), m.end()
            used += [r.lead_id, r.issuer_id]
            if (a := r.lead_after.match(after, pos)):
                pos = a.end()
            continue
        break
    title = _title_at(after, _SEP.match(after, pos).end(), r)
    if title:
        used.append(r.title_id)
    if issuer is None or issued is None:
        m = r.before.search(sentence[max(0, start - 300):start])
        if m:
            if issuer is None:
                issuer = " ".join(m.group("issuer").split())
                used += [r.before_id, r.issuer_id]
            if issued is None and m.group("date") and (d := _date_in(m.group("date"), year, r)):
                issued = d[0]
                used.append(d[1])
    return Facts(title=title, issued=issued, issuer=issuer, rules=tuple(dict.fromkeys(used)))


@lru_cache(maxsize=1)
def facts_version() -> str:
    """FACTS_VERSION and a hash of the rules files it reads (a store recomputes facts when it changes)."""
    h = hashlib.sha256()
    for name in (RULES, "doc_types"):
        h.update((RULES_DIR / f"{name}.yml").read_bytes())
    return f"{FACTS_VERSION}:{h.hexdigest()[:12]}"
