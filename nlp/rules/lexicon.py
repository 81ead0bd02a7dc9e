"""The shared vocabulary: the rule files that more than one module reads, compiled once.

- doc_types.yml: document types (legal references; a number before a type word counts
  documents in figures) and the words that make a number after a type word a quantity;
- units.yml: the units a figure can carry and the classifiers that take the next noun
  (figures; measuring units also tell indicators to read the subject);
- issuers.yml: issuing bodies, their phrases, codes and id completions (legal references).

Each consumer builds its own regexes from these entries with `nlp.rules.alternation`;
what it reads is the same validated data, not its own parse of the file. A broken file
raises RuleError here, at the consumer's import, never mid-extraction.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from . import RuleError, load

BARE_NUMBER = ("strong", "capitalised", "never")
# Units that measure (money, %, km ...) rather than count a noun.
MEASURING_KINDS = ("percent", "point", "currency", "measure")


@dataclass(frozen=True)
class DocType:
    id: str
    name: str  # the canonical doc_type of a record
    words: tuple[str, ...]  # surface forms of the type word
    codes: tuple[str, ...]  # code type prefixes, canonical first
    bare_number: str  # strong | capitalised | never
    generic: bool  # `Văn bản`: the code's prefix names the kind
    named: bool  # `Luật <Tên> số ...`
    year_phrase: bool  # `N năm YYYY` names the issue year
    year_in_number: bool = False  # normative: the id always carries the issue year (`82/2024/NĐ-CP`)


@dataclass(frozen=True)
class UnitWords:
    id: str
    kind: str  # percent | point | currency | measure | counted | slash_unit
    words: tuple[str, ...]
    unit: str | None  # the fixed unit written into records, or None: the words as matched
    glued: bool  # may touch the number (`5ha`)
    implied_from: float | None = None  # a multiplier this large with no unit after it is in this unit
    after: tuple[str, ...] = ()  # slash_unit: the units it may follow (empty: any measure or counted noun)
    priced_by: tuple[str, ...] = ()  # words before an amount of at least `priced_from` with no unit: this unit
    priced_from: float | None = None


@dataclass(frozen=True)
class Issuer:
    id: str
    phrases: tuple[str, ...]
    codes: tuple[str, ...]
    complete: Mapping[str, str]  # doc_type -> id template when the issuer phrase follows
    implied: Mapping[str, str]  # doc_type -> id template without any issuer phrase


@dataclass(frozen=True)
class Lexicon:
    doc_types: tuple[DocType, ...]
    number_followers: frozenset[str]  # `Kế hoạch 5 năm`: a count, not a document number
    units: tuple[UnitWords, ...]  # in file order (multipliers are numerals: nlp.lang.numbers)
    classifiers: frozenset[str]  # lower case: `nhóm`, `bộ`, `lượt` take the noun after them
    issuers: tuple[Issuer, ...]
    compound_heads: frozenset[str] = frozenset()  # lower case: `chủ` takes the word after it (`chủ đầu tư`)

    @property
    def doc_type_words(self) -> tuple[str, ...]:
        return tuple(w for t in self.doc_types for w in t.words)

    @property
    def measuring_units(self) -> frozenset[str]:
        """Lower-case words and units of the measuring kinds, and `%`."""
        out = {"%"}
        for u in self.units:
            if u.kind in MEASURING_KINDS:
                out.update(w.lower() for w in u.words)
                if u.unit:
                    out.add(u.unit.lower())
        return frozenset(out)


def _words(rule: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(w) for w in rule.get(key) or ())


def _doc_types() -> tuple[tuple[DocType, ...], frozenset[str]]:
    types, followers = [], set()
    for r in load("doc_types"):
        if r.get("kind") == "number-followers":
            followers.update(" ".join(w.split()) for w in _words(r, "words"))
            continue
        if r.get("kind") != "type" or not r.get("words") or not r.get("name"):
            raise RuleError(f"doc_types.yml rule {r['id']!r}: needs kind type (with name, words) or number-followers")
        bare = r.get("bare_number", "never")
        if bare not in BARE_NUMBER:
            raise RuleError(f"doc_types.yml rule {r['id']!r}: bare_number must be one of {BARE_NUMBER}")
        types.append(DocType(r["id"], r["name"], _words(r, "words"), _words(r, "codes"), bare,
                             bool(r.get("generic")), bool(r.get("named")), bool(r.get("year_phrase")),
                             bool(r.get("year_in_number"))))
    return tuple(types), frozenset(followers)


def _units() -> tuple[tuple[UnitWords, ...], frozenset[str], frozenset[str]]:
    units, classifiers, heads = [], set(), set()
    for r in load("units", required=("kind", "words")):
        if r["kind"] == "multiplier":
            continue
        if r["kind"] in ("classifier", "compound_head"):
            (classifiers if r["kind"] == "classifier" else heads).update(w.lower() for w in _words(r, "words"))
            continue
        implied = r.get("implied_from")
        units.append(UnitWords(r["id"], r["kind"], _words(r, "words"), r.get("unit"), bool(r.get("glued")),
                               float(implied) if implied is not None else None,
                               tuple(w.lower() for w in _words(r, "after")), _words(r, "priced_by"),
                               float(r["priced_from"]) if r.get("priced_from") is not None else None))
    return tuple(units), frozenset(classifiers), frozenset(heads)


def _issuers() -> tuple[Issuer, ...]:
    return tuple(Issuer(r["id"], _words(r, "phrases"), _words(r, "codes"), dict(r.get("complete") or {}),
                        dict(r.get("implied") or {})) for r in load("issuers"))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shared vocabulary, compiled once per process."""
    doc_types, followers = _doc_types()
    units, classifiers, heads = _units()
    return Lexicon(doc_types, followers, units, classifiers, _issuers(), heads)
