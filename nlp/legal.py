"""Legal-document references in Vietnamese text -> LegalRef records (corpus/GUIDELINES.md §1).

Matching runs on characters (underthesea splits `82/2024/NĐ-CP` into pieces), with
regular expressions built once from the rules data (the shared files through
nlp.rules.lexicon, dates with nlp.lang.dates):
- nlp/rules/doc_types.yml: type words (`Nghị định`, ASCII `Nghi dinh`), code prefixes (NĐ,
  QĐ, CT ...), which types take a bare number (`Đề án 06`), count words (`5 năm`);
- nlp/rules/issuers.yml: issuer phrases and codes, id completion (`của Thủ tướng Chính
  phủ` -> `N/QĐ-TTg`; every Nghị định is the Chính phủ's -> `N/YYYY/NĐ-CP`);
- nlp/rules/legal_relations.yml: relation cues (sửa đổi, thay thế, hướng dẫn, bãi bỏ,
  triển khai), alias cues (`Quyết định ... phê duyệt Đề án ... (Đề án 06)`) and known
  aliases (`Đề án 06` -> `06/QĐ-TTg`), applied by nlp/legal_links.py with the short forms.

Numbering forms follow the official rules: `số/năm/KÝ HIỆU` for normative documents
(Luật ban hành VBQPPL: `82/2024/NĐ-CP`, `20/2023/QH15`), `số/KÝ HIỆU` for administrative
ones (Nghị định 30/2020/NĐ-CP: `06/QĐ-TTg`, `1234/BTTTT-CĐSQG` for a Công văn), and
`số-KÝ HIỆU` for Party documents (Hướng dẫn 36-HD/VPTW: `02-NQ/TU`). A year written right
after a code (`159/CĐ-TTg 2025`, `57-NQ/TW 2024`) is the issue year (see _YEAR_AFTER_CODE_RE);
it enters the id only where the numbering carries it (`82/NĐ-CP 2024` -> `82/2024/NĐ-CP`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .analysis import Analysis
from .lang.codes import canonical_code, type_of_code
from .lang.dates import DASHES, DATE, NGAY, YEAR, iso_date
from .lang.fold import fold
from .lang.numbers import multiplier_pattern
from .legal_links import Mention as _Mention
from .legal_links import aliases, known_aliases, relations, resolve_short_forms
from .records import LegalRef
from .rules import WORD_END, WORD_START, RuleError, alternation, load
from .rules.lexicon import DocType, Issuer, lexicon

# A document number: digits, a rare sub-number (`66.4/2025/NQ-CP`), a letter suffix (`36a/NQ-CP`).
_NUM = r"\d{1,5}(?:\.\d{1,2}(?=\s?/))?(?:[a-zA-Z](?![^\W\d_]))?"
# One segment of a code: upper-case led, letters/digits (`NĐ`, `TTg`, `QH15`, `BCĐTW`, `QĐi`).
_SEG = r"[A-ZĐÐƯ][A-Za-zĐđÐƯư0-9]*"  # Ð (U+00D0) stands in for Đ in some legacy texts
# (`19/NQ - CP`: a dash spaced on both sides still joins the code's segments)
_CODE = rf"{_SEG}(?:(?:\s?[{DASHES}]|/)\s?{_SEG})*"
# The number block after a type word or standing alone; alternatives most specific first.
_BLOCK = rf"""
(?P<num>{_NUM})
(?:
    [{DASHES}]\s?(?P<y1>{YEAR})/\s?(?P<c1>{_CODE})        # 19-2017/NQ-CP
  | /\s?(?P<y2>{YEAR})/\s?(?P<c2>{_CODE})                 # 82/2024/NĐ-CP
  | \s?[{DASHES}]\s?(?P<party>{_SEG}/\s?{_CODE})            # 02-NQ/TU, 40 – CT/TW (Party)
  | /\s?(?P<c3>{_CODE})                                    # 93/KH-UBND
  | /\s?(?P<y3>{YEAR})(?![\w/])                           # 119/2018
)?
(?!\w)
"""


def _alt(phrases, *, bounded: bool = False) -> str:
    """Type words, issuer phrases, cues: in any case (the caller's flag), with any whitespace
    between syllables (`Nghị\\nđịnh`, a hard line-wrap), each letter also unaccented
    (`Nghi dinh`), never another accent (`tổ` is not `tờ`)."""
    return alternation(phrases, bounded=bounded, unaccented=fold)


@dataclass(frozen=True)
class _Types:
    by_word: dict[str, DocType]  # folded type word -> rule
    by_name: dict[str, DocType]  # doc_type -> rule
    typed_re: re.Pattern  # type word [số] number block
    named_re: re.Pattern  # type word, proper name, số, number block
    bare_re: re.Pattern  # a number block standing alone
    followers: frozenset[str]  # words that make a bare number a quantity


@dataclass(frozen=True)
class _Issuers:
    by_phrase: dict[str, Issuer]  # folded phrase -> issuer
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
    known: dict[tuple[str, int], tuple[str, int | None]]  # (doc_type, number) -> (target id, its year)
    citing: re.Pattern  # a clause opening with a citing phrase (`Theo`, `Thực hiện`) up to the mention


@dataclass(frozen=True)
class _Rules:
    types: _Types
    issuers: _Issuers
    links: _Links


_SO = r"(?i:s[ốo])"  # `số`, also ASCII `so`


def _key(phrase: str) -> str:
    return " ".join(fold(phrase).split())


def _compile_types() -> _Types:
    lex = lexicon()
    by_word = {_key(w): t for t in lex.doc_types for w in t.words}
    words = lex.doc_type_words
    # Type words in any case; codes stay case-sensitive (upper-case led segments).
    typed_re = re.compile(
        rf"(?P<type>(?i:{_alt(words, bounded=True)}))(?:\s+(?P<so>{_SO})(?:\s?:)?\s*|\s+){_BLOCK}", re.VERBOSE)
    named = [w for w in words if by_word[_key(w)].named]
    named_re = re.compile(
        rf"(?P<type>(?i:{_alt(named, bounded=True)}))\s+(?P<name>[A-ZĐ][^\W\d_]*(?:\s+[^\W\d_]+){{0,7}}?)"
        rf"\s+(?P<so>{_SO})\s?:?\s*{_BLOCK}", re.VERBOSE)
    bare_re = re.compile(rf"(?<![\w/.,{DASHES}]){_BLOCK}", re.VERBOSE)
    by_name = {t.name: t for t in lex.doc_types}
    return _Types(by_word, by_name, typed_re, named_re, bare_re, lex.number_followers)


def _compile_issuers() -> _Issuers:
    issuers = lexicon().issuers
    by_phrase = {_key(p): i for i in issuers for p in i.phrases}
    alt = _alt(p for i in issuers for p in i.phrases)
    return _Issuers(
        by_phrase=by_phrase, codes=frozenset(fold(c) for i in issuers for c in i.codes),
        phrase_re=re.compile(rf"{WORD_START}(?P<issuer>{alt}){WORD_END}"),
        # `Thủ tướng Chính phủ Phạm Minh Chính đã ký`: the issuer, a personal name, a verb.
        subject_re=re.compile(
            rf"{WORD_START}(?P<issuer>{alt})(?:\s+[A-ZĐ][^\W\d_]*){{0,4}}(?:\s+(?:đã|vừa|mới))?(?:\s+k[ýy])?\s*$"),
        complete={(i.id, doc_type): tpl for i in issuers for doc_type, tpl in i.complete.items()},
        implied={doc_type: tpl for i in issuers for doc_type, tpl in i.implied.items()},
    )


def _compile_links() -> _Links:
    relation_type: dict[str, str] = {}
    found: dict[str, re.Pattern] = {}
    known: dict[tuple[str, int], tuple[str, int | None]] = {}
    names = {t.name for t in lexicon().doc_types}
    for r in load("legal_relations"):
        kind = r.get("kind")
        if kind == "relation":
            relation_type.update({_key(c): r["type"] for c in r["cues"]})
        elif kind == "passive":
            found["passive_before"] = re.compile(rf"{WORD_START}{_alt(r['before'])}\s*$", re.IGNORECASE)
            found["passive_after"] = re.compile(rf"^\s*{_alt(r['after'])}{WORD_END}", re.IGNORECASE)
        elif kind == "alias":
            found["alias_re"] = re.compile(_alt(r["cues"], bounded=True), re.IGNORECASE)
            found["alias_intro"] = re.compile(rf"\(\s*(?:{_alt(r['intro'])}\s*:?\s*)?$", re.IGNORECASE)
        elif kind == "bridge":
            found["bridge"] = re.compile(r["pattern"], re.IGNORECASE)
        elif kind == "citing_phrase":
            # the opener at the clause's start (the sentence's, or after a comma: `Ngày 5/10, thực hiện …`)
            found["citing"] = re.compile(
                rf"(?:^|[,;:(])[\s\-–—+•*\"“]*{_alt(r['words'], bounded=True)}[^.;:!?\n]*$", re.IGNORECASE)
        elif kind == "known_alias":
            if r.get("doc_type") not in names or not re.fullmatch(r"\d+", str(r.get("number", ""))) or not r.get("target"):
                raise RuleError(f"legal_relations.yml rule {r['id']!r}: known_alias needs a doc_type of "
                                "doc_types.yml, a number and a target")
            year = int(r["year"]) if r.get("year") else None
            known[(r["doc_type"], int(r["number"]))] = (str(r["target"]), year)
        else:
            raise RuleError(f"legal_relations.yml rule {r['id']!r}: unknown kind {kind!r}")
    missing = {"passive_before", "alias_re", "bridge", "citing"} - set(found)
    if missing or not relation_type:
        raise RuleError("legal_relations.yml: needs relation rules and one rule each of kind passive, alias, bridge, "
                        "citing_phrase")
    cues = [c for r in load("legal_relations") if r.get("kind") == "relation" for c in r["cues"]]
    relation_re = re.compile(_alt(cues, bounded=True), re.IGNORECASE)
    return _Links(relation_re=relation_re, relation_type=relation_type, known=known, **found)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """Compile the rules files once per process (a broken file fails here, loudly)."""
    return _Rules(_compile_types(), _compile_issuers(), _compile_links())


# ---------------------------------------------------------------- helpers on the context


# The issue date right after a mention. No comma before `ngày`: in `Thực hiện Chỉ thị số
# 02/CT-BTC của Bộ trưởng, ngày 24/5/2019 Tổng cục đã ban hành Quyết định 1500` the date
# after the comma opens the next clause and belongs to the next document.
_AFTER_DATE_RE = re.compile(
    rf"\s*\(?\s*(?:(?:được\s+)?(?:k[ýy]\s+)?ban\s+h[àa]nh\s+)?{NGAY}\s+(?:{DATE})", re.VERBOSE)
_AFTER_ISSUER_DATE_RE = re.compile(
    rf"\s*(?:của|do)\s+(?P<iss>[^\d;:()\n.,]{{1,70}}?)\s+(?:(?:được\s+)?ban\s+h[àa]nh\s+)?{NGAY}\s+(?:{DATE})",
    re.VERBOSE)
_OF_RE = re.compile(r"[\s,)]*(?:của|do)\s+")
# `... ban hành <mention>` or `Thủ tướng Chính phủ đã ký <mention>`: the subject before is its issuer
_BAN_HANH_END_RE = re.compile(r"(?:\s*ban\s+h[àa]nh|\s+(?:đã|vừa|mới)\s+k[ýy])\s+$")
_YEAR_PHRASE_RE = re.compile(rf"\s+n[ăa]m\s+(?P<y>{YEAR})(?!\d)(?!\s?[{DASHES}]\s?\d)")
# A year written right after a code (`159/CĐ-TTg 2025`, `57-NQ/TW 2024`) is its issue year:
# one space or tab away (a line break starts a heading or an item), itself a whole number
# (not `2025-2030`, `2025/…`, `2025,5`, `2025%`, `2025 tỷ đồng`), and not the start of a new phrase: not
# followed by a copula (`… 2025 là năm …`: the year is the next clause's subject), and
# followed by a comma only when the clause opened with a citing phrase (legal_relations.yml
# kind citing_phrase: `Thực hiện Công điện 159/CĐ-TTg 2025, …`); otherwise `… Kế hoạch
# 12/KH-UBND 2025, tỉnh …` is a time adverbial opening the next phrase.
_YEAR_AFTER_CODE_RE = re.compile(
    rf"[ \t\u00a0]+(?P<y>{YEAR})(?![\w%‰]|[.,]\d|\s?[{DASHES}/]\s?\d)"
    rf"(?!\s+(?:{multiplier_pattern()}|đồng|USD)(?![^\W\d_]))"  # `… 2025 tỷ đồng`: an amount, not a year
    rf"(?!\s+(?:(?:cũng|vẫn|tiếp\s+tục|sẽ)\s+)?(?:là|sẽ)(?![^\W\d_]))(?P<comma>\s*,)?", re.IGNORECASE)


def _year_after_code(text: str, start: int, after: str, sentence: tuple[int, int], rules: _Rules) -> re.Match | None:
    """The year written right after a code (see _YEAR_AFTER_CODE_RE), or None."""
    ya = _YEAR_AFTER_CODE_RE.match(after)
    if ya is None or not ya.group("comma"):
        return ya
    clause = text[max(sentence[0], start - _CONTEXT, 0):start]  # `^`: the sentence's start (or 300 chars back)
    return ya if rules.links.citing.search(clause) else None
# `Ngày 06/01/2022, Thủ tướng Chính phủ đã ký ban hành <mention>`: a date before the
# mention, with only the issuer and the verb between; `tháng 8/2016` / `năm 2016` give the year.
_DATE_BEFORE_RE = re.compile(
    rf"""(?<!\w)(?:{NGAY}\s+(?:{DATE})
                 |th[áa]ng\s+(?P<pm>\d{{1,2}})\s?(?:/|\s+n[ăa]m\s+)(?P<py>{YEAR})
                 |n[ăa]m\s+(?P<py2>{YEAR}))
        [\s,]+(?P<mid>[^\d;]{{0,120}}?)(?:ban\s+h[àa]nh|k[ýy])\s+$""", re.VERBOSE)
# The place-and-date line under a `Số: 634/TB-VPCP` heading: `Hà Nội, ngày 22 tháng 11 năm 2025`.
_HEADING_NUMBER_RE = re.compile(r"(?:^|\n)[ \t*_#>|]*(?P<so>S[ốo]\s*:?\s*)$")
_HEADING_DATE_RE = re.compile(rf"[ \t*_]*\n[^\d\n]{{0,60}}?,\s*{NGAY}\s+(?:{DATE})", re.VERBOSE)


def _issuer(m: re.Match | None, rules: _Rules) -> Issuer | None:
    return rules.issuers.by_phrase.get(_key(m.group("issuer"))) if m else None


def _issuer_right_after(text: str, rules: _Rules) -> Issuer | None:
    """The issuer of `... của Thủ tướng Chính phủ` right after a mention (or its date)."""
    m = _OF_RE.match(text)
    return _issuer(rules.issuers.phrase_re.match(text, m.end()), rules) if m else None


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
    rule: DocType | None  # None for a bare code
    source: str
    confidence: float

    @property
    def year_in_code(self) -> bool:
        return self.year is not None and self.code is not None


# ---------------------------------------------------------------- candidates


def _block_fields(m: re.Match) -> tuple[str, int | None, str | None, bool]:
    """(number, year from the number block, code as written without whitespace, party?)"""
    year = m.group("y1") or m.group("y2") or m.group("y3")
    code = m.group("c1") or m.group("c2") or m.group("c3") or m.group("party")
    if code:
        code = re.sub(r"\s+", "", code)
    return m.group("num"), int(year) if year else None, code, bool(m.group("party"))


def _bare_number_ok(text: str, m: re.Match, rule: DocType, has_so: bool, rules: _Rules) -> bool:
    """A type word + bare number: a reference, or a count/duration/year (`Kế hoạch 5 năm`)?"""
    num = m.group("num")
    after = text[m.end():m.end() + 40]
    if re.match(r"\s?[%‰]|[.,]\d|[/" + DASHES + r"]\d", after):
        return False  # part of a bigger number, a percentage or a ratio
    if not has_so:
        if rule.bare_number == "never":
            return False
        if rule.bare_number == "capitalised" and (not m.group("type")[0].isupper() or len(num) < 2):
            return False  # `kế hoạch 2`, `KẾ HOẠCH 2`: a label or count; `Kế hoạch 93` is a document
        if re.fullmatch(YEAR, num):
            return False  # `Chương trình 2030`: a year, not a number
    if _YEAR_PHRASE_RE.match(after) or re.match(rf"\s+{NGAY}\s+\d", after):
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
            first = re.split(rf"[{DASHES}/]", code)[0]
            if party or len(first) < 3 or fold(first) not in rules.issuers.codes or not re.search(rf"[{DASHES}]", code):
                continue
            doc_type, conf = "Công văn", 0.7
        out.append(_Candidate(m.start(), m.end(), doc_type, number, year, code, party, False, None,
                              "legal:bare-code", conf))
    return out


# ---------------------------------------------------------------- fields from the context


def _canonical_id(c: _Candidate, year: int | None, issuer: Issuer | None, rules: _Rules) -> str:
    """`number/year/code`, `number/code`, Party `number-code`, a completion, else `type number[/year]`.

    `year` is the year known from the context; it enters a coded id when written in the
    code itself, or when the type's number always carries it (doc_types.yml
    year_in_number: `Nghị định 82/NĐ-CP năm 2024` -> `82/2024/NĐ-CP`); `06/QĐ-TTg` issued in
    2022 stays `06/QĐ-TTg`, `57-NQ/TW 2024` stays `57-NQ/TW`.
    """
    number, doc_type = c.number, c.doc_type
    if c.code:
        canon = canonical_code(c.code)
        if c.party:
            return f"{number}-{canon}"
        if c.year_in_code:
            return f"{number}/{c.year}/{canon}"
        rule = rules.types.by_name.get(doc_type)
        if year is not None and rule is not None and rule.year_in_number:
            return f"{number}/{year}/{canon}"  # a normative number always carries its year: `82/NĐ-CP 2024`
        return f"{number}/{canon}"
    templates = [tpl for tpl in (rules.issuers.complete.get((issuer.id, doc_type)) if issuer else None,
                                 rules.issuers.implied.get(doc_type))
                 if tpl and ("{year}" not in tpl or year is not None)]
    if templates:
        # one that writes the known year is the fuller id: `82/2024/NĐ-CP` before `82/NĐ-CP`
        return min(templates, key=lambda tpl: "{year}" not in tpl).format(number=number, year=year)
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
    year_span = None
    if year is None and c.code and not ym:
        ya = _year_after_code(text, start, after, sentence, rules)
        if ya:  # `159/CĐ-TTg 2025 của Thủ tướng`: the year, then the date or issuer as usual
            year = int(ya.group("y"))
            year_span = (end + ya.start("y"), end + ya.end("y"))
            after = after[ya.end("y"):]
    issued = None
    issuer = None
    rest = after
    if heading:  # the document's own number heading it: its date is on the next line
        start = heading.start("so")
        hm = _HEADING_DATE_RE.match(text, end, min(len(text), end + 150))
        issued = iso_date(hm) if hm else None
    dm = None if issued else _AFTER_DATE_RE.match(after)
    if dm:
        issued = iso_date(dm)
        rest = after[dm.end():]
    elif not issued:
        dm = _AFTER_ISSUER_DATE_RE.match(after)
        if dm:
            issued = iso_date(dm)
            issuer = _issuer(rules.issuers.phrase_re.match(dm.group("iss")), rules)
            rest = after[dm.end():]
    if issuer is None:
        issuer = _issuer_right_after(rest, rules) or _issuer_right_after(after, rules)
    before = text[max(sentence[0], start - _CONTEXT):start] if sentence[0] <= start else ""
    if issued is None:
        bm = _DATE_BEFORE_RE.search(before)
        if bm:  # `Ngày 06/01/2022, Thủ tướng Chính phủ đã ký ban hành Quyết định số 06/QĐ-TTg`
            issued = iso_date(bm) if (bm.group("d") or bm.group("d2")) else None
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
                    id=_canonical_id(c, year, issuer, rules), generic=bool(c.rule and c.rule.generic),
                    year_span=year_span)


# ---------------------------------------------------------------- entry point


def _sentence_around(doc: Analysis, start: int, end: int) -> tuple[int, int]:
    """The mention's sentence, stretched to hold a mention that straddles two (a wrapped code)."""
    s, e = doc.sentence_of(start, end)
    if s <= start and end <= e:
        return s, e
    return max(0, min(s, start)), min(len(doc.text), max(e, end))


def find_legal_refs(doc: Analysis) -> list[LegalRef]:
    """Every reference to a numbered legal/policy document in the text, in text order;
    `text[r.start:r.end] == r.text` always."""
    text = doc.text
    rules = _rules()

    # Earliest first, then longest: a typed reference starts at its type word, before the
    # bare code inside it, so the code alone is never a second mention.
    cands = sorted(_typed_candidates(text, rules) + _bare_candidates(text, rules),
                   key=lambda c: (c.start, -(c.end - c.start)))
    mentions: list[_Mention] = []
    for c in cands:
        if mentions and c.start < mentions[-1].end:
            continue  # overlaps the previous mention (or its `năm 2024` extension)
        m = _enrich(text, c, _sentence_around(doc, c.start, c.end), rules)
        if not mentions or m.start >= mentions[-1].end:
            mentions.append(m)
    doc.claim(m.year_span for m in mentions if m.year_span)  # `159/CĐ-TTg 2025`: the year is no figure
    resolve_short_forms(mentions)
    stated = aliases(text, mentions, rules.links)
    known = known_aliases(mentions, rules.links.known)
    rels = relations(text, mentions, rules.links, _key)
    out = []
    for k, m in enumerate(mentions):
        out.append(LegalRef(
            start=m.start, end=m.end, text=text[m.start:m.end], sentence=m.sentence,
            confidence=m.confidence, source=m.source, doc_type=m.doc_type, number=m.number,
            year=m.year, code=m.code, issued=m.issued, id=m.id,
            refers_to=stated.get(m.id) or m.same_as or known.get(k),
            relations=tuple(dict.fromkeys(rels.get(k, ()))),
        ))
    return out


# Compile at import: a broken rules file fails when the module loads (nlp.rules' contract),
# never in the middle of an extraction.
_rules()
