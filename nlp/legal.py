"""Legal-document references in Vietnamese text -> LegalRef records (corpus/GUIDELINES.md §1).

Matching runs on characters (underthesea splits `82/2024/NĐ-CP` into pieces), with
regular expressions built once from the rules data:
- nlp/rules/doc_types.yml: type words (`Nghị định`, ASCII `Nghi dinh`), code prefixes (NĐ,
  QĐ, CT ...), which types take a bare number (`Đề án 06`), count words (`5 năm`);
- nlp/rules/issuers.yml: issuer phrases and codes, id completion (`của Thủ tướng Chính
  phủ` -> `N/QĐ-TTg`; every Nghị định is the Chính phủ's -> `N/YYYY/NĐ-CP`);
- nlp/rules/legal_relations.yml: relation cues (sửa đổi, thay thế, hướng dẫn, bãi bỏ,
  triển khai) and alias cues (`Quyết định ... phê duyệt Đề án ... (Đề án 06)`).

Numbering forms follow the official rules: `số/năm/KÝ HIỆU` for normative documents
(Luật ban hành VBQPPL: `82/2024/NĐ-CP`, `20/2023/QH15`), `số/KÝ HIỆU` for administrative
ones (Nghị định 30/2020/NĐ-CP: `06/QĐ-TTg`, `1234/BTTTT-CĐSQG` for a Công văn), and
`số-KÝ HIỆU` for Party documents (Hướng dẫn 36-HD/VPTW: `02-NQ/TU`).
"""
from __future__ import annotations

import bisect
import datetime as _dt
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from .legal_query import canonical_code, fold, type_of_code
from .records import LegalRef, Relation
from .rules import RuleError, load
from .segment import sentence_of

log = logging.getLogger(__name__)

_DASH = r"\-‐‑–—"  # hyphen escaped: this string goes inside [...] classes
_YEAR = r"(?:19[4-9]\d|20\d\d)"
# A document number: digits, a rare sub-number (`66.4/2025/NQ-CP`), a letter suffix (`36a/NQ-CP`).
_NUM = r"\d{1,5}(?:\.\d{1,2}(?=\s?/))?(?:[a-zA-Z](?![^\W\d_]))?"
# One segment of a code: upper-case led, letters/digits (`NĐ`, `TTg`, `QH15`, `BCĐTW`, `QĐi`).
_SEG = r"[A-ZĐÐƯ][A-Za-zĐđÐƯư0-9]*"  # Ð (U+00D0) stands in for Đ in some legacy texts
_CODE = rf"{_SEG}(?:(?:[{_DASH}]|/)\s?{_SEG})*"
# The number block after a type word or standing alone; alternatives most specific first.
_BLOCK = rf"""
(?P<num>{_NUM})
(?:
    [{_DASH}]\s?(?P<y1>{_YEAR})/\s?(?P<c1>{_CODE})        # 19-2017/NQ-CP
  | /\s?(?P<y2>{_YEAR})/\s?(?P<c2>{_CODE})                 # 82/2024/NĐ-CP
  | \s?[{_DASH}]\s?(?P<party>{_SEG}/\s?{_CODE})            # 02-NQ/TU, 40 – CT/TW (Party)
  | /\s?(?P<c3>{_CODE})                                    # 93/KH-UBND
  | /\s?(?P<y3>{_YEAR})(?![\w/])                           # 119/2018
)?
(?!\w)
"""


def _loose(phrase: str) -> str:
    """Regex for a phrase: any whitespace between words, each letter also unaccented.

    Case is left to re.IGNORECASE; `Nghị định` then also matches `NGHỊ ĐỊNH`, `Nghi dinh`
    and `Nghị\\nđịnh` (a hard line-wrap), but not a different accent (`tổ` is not `tờ`).
    """
    out = []
    for word in phrase.split():
        chars = []
        for ch in word:
            base = fold(ch)
            if ch in "đĐ":
                chars.append("[đĐdDðÐ]")
            elif ch.isalpha() and base != ch.lower():
                chars.append(f"[{re.escape(ch)}{re.escape(base)}]")
            else:
                chars.append(re.escape(ch))
        out.append("".join(chars))
    return r"\s+".join(out)


def _alt(phrases) -> str:
    return "|".join(_loose(p) for p in sorted(set(phrases), key=len, reverse=True))


@dataclass(frozen=True)
class _TypeRule:
    id: str
    name: str
    bare_number: str  # strong | capitalised | never
    generic: bool  # `Văn bản`: the code's type prefix says which kind
    named: bool  # `Luật <Tên> số ...`
    year_phrase: bool  # `N năm YYYY` after a bare number names the issue year


@dataclass(frozen=True)
class _Types:
    by_word: dict[str, _TypeRule]  # folded type word -> rule
    typed_re: re.Pattern  # type word [số] number block
    named_re: re.Pattern  # type word, proper name, số, number block
    bare_re: re.Pattern  # a number block standing alone
    followers: frozenset[str]  # words that make a bare number a quantity


@dataclass(frozen=True)
class _Issuers:
    by_phrase: dict[str, dict]  # folded phrase -> issuer rule
    codes: frozenset[str]  # folded issuer codes (Công văn numbers)
    phrase_re: re.Pattern
    subject_re: re.Pattern  # an issuer as the subject right before `(đã) (ký) ban hành`
    complete: dict[tuple[str, str], str]  # (issuer rule id, doc_type) -> id template
    implied: dict[str, str]  # doc_type -> id template, no issuer phrase needed


@dataclass(frozen=True)
class _Links:
    relation_re: re.Pattern
    relation_type: dict[str, str]  # folded cue -> relation type
    passive_before: re.Pattern
    passive_after: re.Pattern
    alias_re: re.Pattern
    alias_intro: re.Pattern
    bridge: re.Pattern


@dataclass(frozen=True)
class _Rules:
    types: _Types
    issuers: _Issuers
    links: _Links


_SO = r"(?i:s[ốo])"  # `số`, also ASCII `so`
_DATE = rf"""(?P<d>\d{{1,2}})\s?(?P<sep>[/.{_DASH}])\s?(?P<m>\d{{1,2}})\s?(?P=sep)\s?(?P<y>{_YEAR})
           |(?P<d2>\d{{1,2}})\s+th[áa]ng\s+(?P<m2>\d{{1,2}})\s+n[ăa]m\s+(?P<y2>{_YEAR})"""
_NGAY = r"[nN]g[àa]y"


def _key(phrase: str) -> str:
    return " ".join(fold(phrase).split())


def _compile_types() -> _Types:
    by_word: dict[str, _TypeRule] = {}
    words: list[str] = []
    followers: set[str] = set()
    for r in load("doc_types"):
        if r.get("kind") == "number-followers":
            followers.update(" ".join(w.split()) for w in r["words"])
            continue
        if r.get("kind") != "type" or not r.get("words") or not r.get("name"):
            raise RuleError(f"doc_types.yml rule {r['id']!r}: needs kind type (with name, words) or number-followers")
        rule = _TypeRule(id=r["id"], name=r["name"], bare_number=r.get("bare_number", "never"),
                         generic=bool(r.get("generic")), named=bool(r.get("named")),
                         year_phrase=bool(r.get("year_phrase")))
        for w in r["words"]:
            by_word[_key(w)] = rule
            words.append(w)
    # Type words in any case; codes stay case-sensitive (upper-case led segments).
    typed_re = re.compile(
        rf"(?<!\w)(?P<type>(?i:{_alt(words)}))(?:\s+(?P<so>{_SO})(?:\s?:)?\s*|\s+){_BLOCK}", re.VERBOSE)
    named = [w for w in words if by_word[_key(w)].named]
    named_re = re.compile(
        rf"(?<!\w)(?P<type>(?i:{_alt(named)}))\s+(?P<name>[A-ZĐ][^\W\d_]*(?:\s+[^\W\d_]+){{0,7}}?)"
        rf"\s+(?P<so>{_SO})\s?:?\s*{_BLOCK}", re.VERBOSE)
    bare_re = re.compile(rf"(?<![\w/.,{_DASH}]){_BLOCK}", re.VERBOSE)
    return _Types(by_word, typed_re, named_re, bare_re, frozenset(followers))


def _compile_issuers() -> _Issuers:
    by_phrase: dict[str, dict] = {}
    phrases: list[str] = []
    codes: set[str] = set()
    complete: dict[tuple[str, str], str] = {}
    implied: dict[str, str] = {}
    for r in load("issuers"):
        codes.update(fold(c) for c in r.get("codes") or ())
        for p in r.get("phrases") or ():
            by_phrase[_key(p)] = r
            phrases.append(p)
        for doc_type, tpl in (r.get("complete") or {}).items():
            complete[(r["id"], doc_type)] = tpl
        implied.update(r.get("implied") or {})
    alt = _alt(phrases)
    return _Issuers(
        by_phrase=by_phrase, codes=frozenset(codes),
        phrase_re=re.compile(rf"(?<!\w)(?P<issuer>{alt})(?!\w)"),
        # `Thủ tướng Chính phủ Phạm Minh Chính đã ký`: the issuer, a personal name, a verb.
        subject_re=re.compile(
            rf"(?<!\w)(?P<issuer>{alt})(?:\s+[A-ZĐ][^\W\d_]*){{0,4}}(?:\s+(?:đã|vừa|mới))?(?:\s+k[ýy])?\s*$"),
        complete=complete, implied=implied,
    )


def _compile_links() -> _Links:
    relation_type: dict[str, str] = {}
    found: dict[str, re.Pattern] = {}
    for r in load("legal_relations"):
        kind = r.get("kind")
        if kind == "relation":
            relation_type.update({_key(c): r["type"] for c in r["cues"]})
        elif kind == "passive":
            found["passive_before"] = re.compile(rf"(?<!\w)(?:{_alt(r['before'])})\s*$", re.IGNORECASE)
            found["passive_after"] = re.compile(rf"^\s*(?:{_alt(r['after'])})(?!\w)", re.IGNORECASE)
        elif kind == "alias":
            found["alias_re"] = re.compile(rf"(?<!\w)(?:{_alt(r['cues'])})(?!\w)", re.IGNORECASE)
            found["alias_intro"] = re.compile(rf"\(\s*(?:(?:{_alt(r['intro'])})\s*:?\s*)?$", re.IGNORECASE)
        elif kind == "bridge":
            found["bridge"] = re.compile(r["pattern"], re.IGNORECASE)
        else:
            raise RuleError(f"legal_relations.yml rule {r['id']!r}: unknown kind {kind!r}")
    missing = {"passive_before", "alias_re", "bridge"} - set(found)
    if missing or not relation_type:
        raise RuleError("legal_relations.yml: needs relation rules and one rule each of kind passive, alias, bridge")
    cues = [c for r in load("legal_relations") if r.get("kind") == "relation" for c in r["cues"]]
    relation_re = re.compile(rf"(?<!\w)(?:{_alt(cues)})(?!\w)", re.IGNORECASE)
    return _Links(relation_re=relation_re, relation_type=relation_type, **found)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """Compile the rules files once per process (a broken file fails here, loudly)."""
    return _Rules(_compile_types(), _compile_issuers(), _compile_links())


# ---------------------------------------------------------------- helpers on the context


# The issue date right after a mention. No comma before `ngày`: in `Thực hiện Chỉ thị số
# 02/CT-BTC của Bộ trưởng, ngày 24/5/2019 Tổng cục đã ban hành Quyết định 1500` the date
# after the comma opens the next clause and belongs to the next document.
_AFTER_DATE_RE = re.compile(
    rf"\s*\(?\s*(?:(?:được\s+)?(?:k[ýy]\s+)?ban\s+h[àa]nh\s+)?{_NGAY}\s+(?:{_DATE})", re.VERBOSE)
_AFTER_ISSUER_DATE_RE = re.compile(
    rf"\s*(?:của|do)\s+(?P<iss>[^\d;:()\n.,]{{1,70}}?)\s+(?:(?:được\s+)?ban\s+h[àa]nh\s+)?{_NGAY}\s+(?:{_DATE})",
    re.VERBOSE)
_OF_RE = re.compile(r"[\s,)]*(?:của|do)\s+")
_BAN_HANH_END_RE = re.compile(r"\s*ban\s+h[àa]nh\s+$")
_YEAR_PHRASE_RE = re.compile(rf"\s+n[ăa]m\s+(?P<y>{_YEAR})(?!\d)(?!\s?[{_DASH}]\s?\d)")
# `Ngày 06/01/2022, Thủ tướng Chính phủ đã ký ban hành <mention>`: a date before the
# mention, with only the issuer and the verb between; `tháng 8/2016` / `năm 2016` give the year.
_DATE_BEFORE_RE = re.compile(
    rf"""(?<!\w)(?:{_NGAY}\s+(?:{_DATE})
                 |th[áa]ng\s+(?P<pm>\d{{1,2}})\s?(?:/|\s+n[ăa]m\s+)(?P<py>{_YEAR})
                 |n[ăa]m\s+(?P<py2>{_YEAR}))
        [\s,]+(?P<mid>[^\d;]{{0,120}}?)(?:ban\s+h[àa]nh|k[ýy])\s+$""", re.VERBOSE)
# The place-and-date line under a `Số: 634/TB-VPCP` heading: `Hà Nội, ngày 22 tháng 11 năm 2025`.
_HEADING_NUMBER_RE = re.compile(r"(?:^|\n)[ \t*_#>|]*(?P<so>S[ốo]\s*:?\s*)$")
_HEADING_DATE_RE = re.compile(rf"[ \t*_]*\n[^\d\n]{{0,60}}?,\s*{_NGAY}\s+(?:{_DATE})", re.VERBOSE)


def _iso(m: re.Match) -> str | None:
    d, mo, y = (m.group("d"), m.group("m"), m.group("y")) if m.group("d") else (m.group("d2"), m.group("m2"), m.group("y2"))
    if d is None:
        return None
    try:
        return _dt.date(int(y), int(mo), int(d)).isoformat()
    except (TypeError, ValueError):
        return None


def _issuer(m: re.Match | None, rules: _Rules) -> dict | None:
    return rules.issuers.by_phrase.get(_key(m.group("issuer"))) if m else None


def _issuer_right_after(text: str, rules: _Rules) -> dict | None:
    """The issuer of `... của Thủ tướng Chính phủ` right after a mention (or its date)."""
    m = _OF_RE.match(text)
    return _issuer(rules.issuers.phrase_re.match(text, m.end()), rules) if m else None


def _sentence_finder(sentences: list[tuple[int, int]], n: int):
    """start, end -> the sentence span holding them (stretched to cover a span that straddles two)."""
    starts = [s for s, _ in sentences]

    def find(start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(starts, start) - 1
        s = sentences[i] if i >= 0 and sentences[i][0] <= start < sentences[i][1] else sentence_of(sentences, start, end)
        return s if s[0] <= start and s[1] >= end else (max(0, min(s[0], start)), min(n, max(s[1], end)))

    return find


@dataclass(frozen=True)
class _Candidate:
    """A reference as matched, before its context (year phrase, date, issuer) is read."""

    start: int
    end: int
    doc_type: str
    number: str  # as written
    year: int | None  # from the number block (`/2024/`, `/2018`)
    code: str | None  # as written, whitespace (line-wraps) removed
    party: bool  # `02-NQ/TU`
    has_so: bool  # `số` before the number
    rule: _TypeRule | None  # None for a bare code
    source: str
    confidence: float

    @property
    def year_in_code(self) -> bool:
        return self.year is not None and self.code is not None


@dataclass
class _Mention:
    """A candidate with its context read; `id` may still be resolved against other mentions."""

    start: int
    end: int
    doc_type: str
    number: str
    year: int | None
    code: str | None
    issued: str | None
    source: str
    confidence: float
    sentence: tuple[int, int]
    id: str
    same_as: str | None = None  # a short form's full id cited elsewhere in the text


# ---------------------------------------------------------------- candidates


def _block_fields(m: re.Match) -> tuple[str, int | None, str | None, bool]:
    """(number, year from the number block, code as written without whitespace, party?)"""
    year = m.group("y1") or m.group("y2") or m.group("y3")
    code = m.group("c1") or m.group("c2") or m.group("c3") or m.group("party")
    if code:
        code = re.sub(r"\s+", "", code)
    return m.group("num"), int(year) if year else None, code, bool(m.group("party"))


def _bare_number_ok(text: str, m: re.Match, rule: _TypeRule, has_so: bool, rules: _Rules) -> bool:
    """A type word + bare number: a reference, or a count/duration/year (`Kế hoạch 5 năm`)?"""
    num = m.group("num")
    after = text[m.end():m.end() + 40]
    if re.match(r"\s?[%‰]|[.,]\d|[/" + _DASH + r"]\d", after):
        return False  # part of a bigger number, a percentage or a ratio
    if not has_so:
        if rule.bare_number == "never":
            return False
        if rule.bare_number == "capitalised" and (not m.group("type")[0].isupper() or len(num) < 2):
            return False  # `kế hoạch 2`, `KẾ HOẠCH 2`: a label or count; `Kế hoạch 93` is a document
        if re.fullmatch(_YEAR, num):
            return False  # `Chương trình 2030`: a year, not a number
    if _YEAR_PHRASE_RE.match(after) or re.match(rf"\s+{_NGAY}\s+\d", after):
        return True  # `số 82 năm 2024`, `số 34 ngày 16/9/2024`
    w = re.match(r"\s+([^\W\d_]+(?:\s+[^\W\d_]+)?)", after)
    if w:
        two = w.group(1)
        one = two.split()[0]
        if one.lower() in rules.types.followers or two.lower() in rules.types.followers:
            return False  # `5 năm`, `3 nhóm nhiệm vụ`: a quantity
    return True


def _typed_candidates(text: str, rules: _Rules) -> list[_Candidate]:
    out = []
    for regex, kind in ((rules.types.named_re, "named"), (rules.types.typed_re, "typed")):
        for m in regex.finditer(text):
            rule = rules.types.by_word.get(_key(m.group("type")))
            if rule is None:
                continue
            number, year, code, party = _block_fields(m)
            has_so = bool(m.group("so"))
            if kind == "named" and not code:
                continue  # a name then `số N` without a code is too loose to trust
            if not code and year is None and not _bare_number_ok(text, m, rule, has_so, rules):
                continue
            doc_type = rule.name
            if code and rule.generic:
                doc_type = type_of_code(code) or doc_type  # `Văn bản số 878/BC-UBND` is a Báo cáo
            if code:
                conf = 0.97
            elif year is not None:
                conf = 0.92
            elif has_so:
                conf = 0.88
            else:
                conf = 0.8 if rule.bare_number == "strong" else 0.7
            out.append(_Candidate(m.start("type"), m.end(), doc_type, number, year, code, party, has_so,
                                  rule, f"legal:{rule.id}:{'code' if code else 'number'}", conf))
    return out


def _bare_candidates(text: str, rules: _Rules) -> list[_Candidate]:
    """Codes standing without a type word: `số 82/2024/NĐ-CP`, `Số: 636/TB-VPCP`, `36-NQ/TW`."""
    out = []
    for m in rules.types.bare_re.finditer(text):
        number, year, code, party = _block_fields(m)
        if not code:
            continue
        doc_type = type_of_code(code)
        conf = 0.85
        if doc_type == "Luật":
            conf = 0.6  # QH codes also number the Quốc hội's Nghị quyết
        if doc_type is None:
            # A Công văn is numbered `N/ISSUER-UNIT` (no type prefix): needs a known issuer.
            first = re.split(rf"[{_DASH}/]", code)[0]
            if party or len(first) < 3 or fold(first) not in rules.issuers.codes or not re.search(rf"[{_DASH}]", code):
                continue
            doc_type, conf = "Công văn", 0.7
        out.append(_Candidate(m.start(), m.end(), doc_type, number, year, code, party, False, None,
                              "legal:bare-code", conf))
    return out


# ---------------------------------------------------------------- fields from the context


def _canonical_id(c: _Candidate, year: int | None, issuer: dict | None, rules: _Rules) -> str:
    """`number/year/code`, `number/code`, Party `number-code`, a completion, else `type number[/year]`.

    `year` is the year known from the context; it enters a coded id only when written in
    the code itself (`06/QĐ-TTg` issued in 2022 stays `06/QĐ-TTg`).
    """
    number, doc_type = c.number, c.doc_type
    if c.code:
        canon = canonical_code(c.code)
        if c.party:
            return f"{number}-{canon}"
        return f"{number}/{c.year}/{canon}" if c.year_in_code else f"{number}/{canon}"
    templates = [rules.issuers.complete.get((issuer["id"], doc_type)) if issuer else None,
                 rules.issuers.implied.get(doc_type)]
    for tpl in templates:
        if tpl and ("{year}" not in tpl or year is not None):
            return tpl.format(number=number, year=year)
    return f"{doc_type} {number}/{year}" if year is not None else f"{doc_type} {number}"


_CONTEXT = 300  # characters read on either side of a mention: dates, issuers, `ban hành`


def _after(text: str, end: int, sentence: tuple[int, int]) -> str:
    """The text after a mention, to its sentence's end and a little beyond (a date on the
    next line of a heading), bounded so that a huge unpunctuated text stays linear."""
    return text[end:min(max(sentence[1], end) + 120, end + _CONTEXT)]


def _enrich(text: str, c: _Candidate, sentence: tuple[int, int], rules: _Rules) -> _Mention:
    """Year phrase, issue date and issuer around a candidate; its canonical id."""
    start, end = c.start, c.end
    after = _after(text, end, sentence)
    year = c.year
    heading = _HEADING_NUMBER_RE.search(text, max(0, start - 20), start) if c.rule is None else None
    # `Nghị định số 82 năm 2024` / `Quyết định 749/QĐ-TTg năm 2020`: the year phrase.
    ym = _YEAR_PHRASE_RE.match(after)
    if ym and year is None:
        if c.code or c.has_so or (c.rule is not None and c.rule.year_phrase):
            year = int(ym.group("y"))
            if not c.code:
                end = end + ym.end()  # the year is part of the citation: `Nghị định số 82 năm 2024`
                after = _after(text, end, sentence)
    issued = None
    issuer = None
    rest = after
    if heading:  # the document's own number heading it: its date is on the next line
        start = heading.start("so")
        hm = _HEADING_DATE_RE.match(text, end, min(len(text), end + 150))
        issued = _iso(hm) if hm else None
    dm = None if issued else _AFTER_DATE_RE.match(after)
    if dm:
        issued = _iso(dm)
        rest = after[dm.end():]
    elif not issued:
        dm = _AFTER_ISSUER_DATE_RE.match(after)
        if dm:
            issued = _iso(dm)
            issuer = _issuer(rules.issuers.phrase_re.match(dm.group("iss")), rules)
            rest = after[dm.end():]
    if issuer is None:
        issuer = _issuer_right_after(rest, rules) or _issuer_right_after(after, rules)
    before = text[max(sentence[0], start - _CONTEXT):start] if sentence[0] <= start else ""
    if issued is None:
        bm = _DATE_BEFORE_RE.search(before)
        if bm:  # `Ngày 06/01/2022, Thủ tướng Chính phủ đã ký ban hành Quyết định số 06/QĐ-TTg`
            issued = _iso(bm) if (bm.group("d") or bm.group("d2")) else None
            partial = bm.group("py") or bm.group("py2")
            if year is None and partial:
                year = int(partial)
            issuer = issuer or _issuer(rules.issuers.subject_re.search(bm.group("mid")), rules)
    if issuer is None:
        pm = _BAN_HANH_END_RE.search(before[-120:])
        if pm:  # `Thủ tướng Chính phủ (đã ký) ban hành Quyết định số 1012`, not `Thủ tướng giao Bộ ... ban hành`
            issuer = _issuer(rules.issuers.subject_re.search(before[-120:][:pm.start()]), rules)
    if year is None and issued:
        year = int(issued[:4])
    sentence = (min(sentence[0], start), max(sentence[1], end))  # `Số:` or `năm 2024` added
    return _Mention(start=start, end=end, doc_type=c.doc_type, number=c.number, year=year, code=c.code,
                    issued=issued, source=c.source, confidence=c.confidence, sentence=sentence,
                    id=_canonical_id(c, year, issuer, rules))


# ---------------------------------------------------------------- aliases and relations


def _resolve_short_forms(mentions: list[_Mention]) -> None:
    """`Nghị quyết 19` in a text that also cites `Nghị quyết 19/NQ-CP`: the same document.

    A short form keeps its own id (`Nghị quyết 19`, as the guidelines write it) and points
    to the full one (`same_as`, reported as refers_to) when exactly one coded document of
    the same type and number (and no conflicting year) is cited in the same text.
    """
    full: dict[tuple[str, int], set[tuple[str, int | None]]] = {}
    for m in mentions:
        if not _is_short(m):
            key = (m.doc_type, _int(m.number))
            full.setdefault(key, set()).add((m.id, m.year))
    for m in mentions:
        if _is_short(m):
            ids = full.get((m.doc_type, _int(m.number)), set())
            if len({i for i, _ in ids}) == 1:
                fid, fyear = next(iter(ids))
                if m.year is None or fyear is None or m.year == fyear:
                    m.same_as = fid


def _int(number: str) -> int:
    digits = re.match(r"\d+", number)
    return int(digits.group()) if digits else -1


def _is_short(m: _Mention) -> bool:
    return m.code is None and "/" not in m.id and "-" not in m.id


def _aliases(text: str, mentions: list[_Mention], rules: _Rules) -> dict[str, str]:
    """{alias id: document id} where one sentence ties a short name to a coded document."""
    links = rules.links
    found: dict[str, str] = {}
    for first, second in zip(mentions, mentions[1:]):
        if first.sentence != second.sentence or _is_short(first) == _is_short(second):
            continue
        gap = text[first.end:second.start]
        if _is_short(second):  # document first, then its short name
            cue = links.alias_re.search(gap)
            if cue and len(gap) <= 400 and cue.start() <= 120 and ";" not in gap[:cue.start()]:
                tail = gap[cue.end():]
                if not tail.strip() or links.alias_intro.search(tail):
                    found.setdefault(second.id, first.id)  # `A phê duyệt Đề án ... (Đề án 06)`
        elif re.fullmatch(r"\s*\(\s*[^()\d;]{0,40}", gap):
            found.setdefault(first.id, second.id)  # `Đề án 06 (Quyết định số 06/QĐ-TTg)`
        elif re.fullmatch(rf"\s*(?:đã\s+)?được\s+(?:{links.alias_re.pattern})\s+(?:tại|theo|bởi|kèm\s+theo)\s+",
                          gap, re.IGNORECASE):
            found.setdefault(first.id, second.id)  # `Đề án 06 được phê duyệt tại Quyết định ...`
    return found


def _relations(text: str, mentions: list[_Mention], rules: _Rules) -> dict[int, list[Relation]]:
    """{mention index: relations} from `A <cue> [một số điều của] B` in one sentence."""
    rels: dict[int, list[Relation]] = {}
    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        if a.sentence != b.sentence:
            continue
        gap = text[a.end:b.start]
        if len(gap) > 160 or ";" in gap:
            continue
        cue = rules.links.relation_re.search(gap)
        if not cue:
            continue
        pre, post = gap[:cue.start()], gap[cue.end():]
        if re.search(r"(?<!\w)(?:và|cùng|đồng thời)(?!\w)|[,;]|[.:]\s", pre) or len(pre) > 100:
            continue  # a new clause or a coordination: the cue's subject is not A
        rtype = rules.links.relation_type.get(_key(cue.group()))
        if rtype is None:
            continue
        passive = bool(rules.links.passive_before.search(pre))
        if passive:
            pm = rules.links.passive_after.match(post)
            if not pm:
                continue
            post = post[pm.end():]
        if not rules.links.bridge.fullmatch(post.strip()):
            continue
        obj, k = (a, i + 1) if passive else (b, i)
        rels.setdefault(k, []).append(Relation(rtype, obj.same_as or obj.id))
        # `bãi bỏ Quyết định X và Quyết định Y`: a list continues the same relation
        if not passive:
            for n in range(i + 2, len(mentions)):
                prev, nxt = mentions[n - 1], mentions[n]
                if nxt.sentence != a.sentence or not re.fullmatch(r"\s*,?\s*(?:và\s+)?", text[prev.end:nxt.start]):
                    break
                rels[k].append(Relation(rtype, nxt.same_as or nxt.id))
    return rels


# ---------------------------------------------------------------- entry point


def find_legal_refs(text: str, sentences: list[tuple[int, int]] | None = None) -> list[LegalRef]:
    """Every reference to a numbered legal/policy document in `text`, in text order.

    Pure; never raises (returns [] on failure); `text[r.start:r.end] == r.text` always.
    """
    if not isinstance(text, str) or not text:
        return []
    try:
        return _find(text, sentences)
    except Exception:  # noqa: BLE001 - an extractor returns, it does not raise
        log.exception("solieu: legal reference extraction failed")
        return []


def _find(text: str, sentences: list[tuple[int, int]] | None) -> list[LegalRef]:
    rules = _rules()
    if sentences is None:
        try:
            from .segment import split_sentences

            sentences = split_sentences(text)
        except Exception:  # noqa: BLE001 - without sentences, the whole text is the context
            sentences = []
    sentences = sentences or [(0, len(text))]

    # Earliest first, then longest: a typed reference starts at its type word, before the
    # bare code inside it, so the code alone is never a second mention.
    cands = sorted(_typed_candidates(text, rules) + _bare_candidates(text, rules),
                   key=lambda c: (c.start, -(c.end - c.start)))
    sentence_at = _sentence_finder(sentences, len(text))
    mentions: list[_Mention] = []
    for c in cands:
        if mentions and c.start < mentions[-1].end:
            continue  # overlaps the previous mention (or its `năm 2024` extension)
        m = _enrich(text, c, sentence_at(c.start, c.end), rules)
        if not mentions or m.start >= mentions[-1].end:
            mentions.append(m)
    _resolve_short_forms(mentions)
    aliases = _aliases(text, mentions, rules)
    rels = _relations(text, mentions, rules)
    out = []
    for k, m in enumerate(mentions):
        out.append(LegalRef(
            start=m.start, end=m.end, text=text[m.start:m.end], sentence=m.sentence,
            confidence=m.confidence, source=m.source, doc_type=m.doc_type, number=m.number,
            year=m.year, code=m.code, issued=m.issued, id=m.id, refers_to=aliases.get(m.id) or m.same_as,
            relations=tuple(dict.fromkeys(rels.get(k, ()))),
        ))
    return out


# Compile at import: a broken rules file fails when the module loads (nlp.rules' contract),
# never in the middle of an extraction.
_rules()
