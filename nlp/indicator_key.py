"""The indicator key: what groups figures of one measure across reports, so it can be tracked.

    indicator_key(indicator, unit=None) -> str     # "" when the phrase names no measure
    key_version() -> str                           # KEY_VERSION + a hash of the rules it reads

The key is the indicator phrase with what changes from one report of a measure to the next
taken out, folded (nlp.lang.fold), by the rules of `nlp/rules/indicator_keys.yml`, in order:

1. spelling variants and abbreviations written out (`tỉ lệ` -> `tỷ lệ`, `DN` -> `doanh
   nghiệp`, `TTHC` -> `thủ tục hành chính`);
2. the period a figure refers to dropped (it is the x axis of the tracking chart, not part
   of the measure), and an abbreviation in parentheses;
3. verbs or fillers left at the phrase's edges (`CPI tháng 01/2017 tăng` -> `chi so gia tieu dung`, CPI written out), and
   words that change nothing of the measure wherever they stand: determiners, aspect and
   voice, the scope of the whole country or province (`các thủ tục hành chính đã được cắt
   giảm của tỉnh` -> `thu tuc hanh chinh cat giam`);
4. a count word before the unit's own noun (`số doanh nghiệp thành lập mới` counted in
   `doanh nghiệp` -> `doanh nghiep thanh lap moi`; `số lượng`, `tổng số` in any unit);
5. folded; then, when the result is near-identical (rapidfuzz ratio >= min_ratio) to one
   of the canonical measures listed for the unit's kind (%, money, a count), that measure's
   key (`tổng thu ngân sách nhà nước` -> `thu ngan sach nha nuoc`). Only canonical keys
   attract others: two phrases that differ by a word (`hộ nghèo`, `hộ cận nghèo`) never merge.

Deterministic and cheap: word lists and regexes compiled once; at most a few dozen
rapidfuzz comparisons, in C, per phrase. Figures are grouped by (key, unit): a group has one
unit, so nothing is ever averaged or drawn across different measures or units.

The store keeps each figure's key. Bump KEY_VERSION whenever this function's output may
change (a rules edit changes `key_version()` by itself): a store whose keys were made by
another version recomputes them all when it is next opened.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .lang.fold import fold
from .rules import RULES_DIR, RuleError, load

KEY_VERSION = 2
RULES = "indicator_keys"
_TOKEN = re.compile(r"[^\W_]+(?:_[^\W_]+)*")  # `_` joins the syllables of a kept compound
_WORD = re.compile(r"[^\W_]+")
_KINDS = ("drop", "edge", "synonym", "stopword", "count_prefix", "compound", "canonical")
UNIT_KINDS = ("percent", "currency", "counted", "measure")


@dataclass(frozen=True)
class _Compiled:
    synonyms: tuple[tuple[re.Pattern, str], ...]
    drops: tuple[re.Pattern, ...]
    start: frozenset[tuple[str, ...]]
    end: frozenset[tuple[str, ...]]
    longest: int
    stopwords: re.Pattern | None
    count_words: tuple[tuple[str, ...], ...]  # longest first
    canonical: tuple[tuple[str, frozenset[str]], ...]
    min_ratio: float
    compounds: re.Pattern | None


def _words_rx(words) -> re.Pattern | None:
    alts = sorted({" ".join(_lower(w).split()) for w in words if w.strip()}, key=len, reverse=True)
    if not alts:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(r"\s+".join(map(re.escape, a.split())) for a in alts) + r")(?![^\W_])")


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    drops, start, end, synonyms, stop, count, canonical, compounds = [], set(), set(), [], [], [], [], []
    min_ratio = 100.0
    for rule in load(RULES, kinds=_KINDS):
        kind = rule.get("kind")
        if kind == "drop":
            drops.append(re.compile(rule["pattern"]))
        elif kind == "edge":
            words = {tuple(_lower(w).split()) for w in rule.get("words") or () if w.strip()}
            (start if rule.get("where") == "start" else end).update(words)
        elif kind == "synonym":
            for src, dst in (rule.get("pairs") or {}).items():
                rx = _words_rx([str(src)])
                if rx is not None:
                    synonyms.append((rx, _lower(str(dst))))
        elif kind == "stopword":
            stop.extend(rule.get("words") or ())
        elif kind == "compound":
            compounds.extend(rule.get("words") or ())
        elif kind == "count_prefix":
            count.extend(tuple(_lower(w).split()) for w in rule.get("words") or () if w.strip())
        else:
            min_ratio = float(rule.get("min_ratio", 90))
            for m in rule.get("measures") or ():
                units = frozenset(m.get("units") or ())
                if not units <= set(UNIT_KINDS):
                    raise RuleError(f"{RULES}.yml rule {rule['id']!r}: units must be among {UNIT_KINDS}")
                canonical.append((" ".join(_WORD.findall(fold(m["key"]))), units))
    # longer source phrases first, so that `dvctt` is rewritten before `dvc` could be
    synonyms.sort(key=lambda p: -len(p[0].pattern))
    longest = max((len(w) for w in start | end), default=1)
    return _Compiled(tuple(synonyms), tuple(drops), frozenset(start), frozenset(end), longest, _words_rx(stop),
                     tuple(sorted(set(count), key=len, reverse=True)), tuple(canonical), min_ratio,
                     _words_rx(compounds))


def _strip_edges(toks: list[str], c: _Compiled) -> list[str]:
    changed = True
    while changed and toks:
        changed = False
        for n in range(min(c.longest, len(toks) - 1), 0, -1):  # never strip the whole phrase
            if tuple(toks[-n:]) in c.end:
                toks, changed = toks[:-n], True
                break
            if tuple(toks[:n]) in c.start:
                toks, changed = toks[n:], True
                break
    return toks


def _strip_count(toks: list[str], unit: str | None, c: _Compiled) -> list[str]:
    """`số doanh nghiệp ...` counted in `doanh nghiệp` -> `doanh nghiệp ...`; `số lượng`,
    `tổng số` before anything (a single `số` only before the unit's noun: `số hóa`, `số thu`
    are measures of their own)."""
    u = _lower(unit or "")
    for rx, dst in c.synonyms:  # a unit `tthc` counts `thủ tục hành chính`
        u = rx.sub(dst, u)
    noun = _WORD.findall(u)
    for words in c.count_words:
        n = len(words)
        if len(toks) > n and tuple(toks[:n]) == words:
            rest = toks[n:]
            if n > 1 or (noun and rest[:len(noun)] == noun):
                return rest
    return toks


def _unit_kind(unit: str | None) -> str | None:
    if not unit:
        return None
    u = _lower(unit)
    if u in ("%", "điểm phần trăm", "phần trăm"):
        return "percent"
    from .rules.lexicon import lexicon  # the unit vocabulary is shared with figures

    for uw in lexicon().units:
        if u in {w.lower() for w in uw.words} | ({uw.unit.lower()} if uw.unit else set()):
            return {"percent": "percent", "point": "percent", "currency": "currency"}.get(uw.kind, "measure")
    return "counted"


def _canonical(key: str, unit: str | None, c: _Compiled) -> str:
    kind = _unit_kind(unit)
    best, best_score = key, c.min_ratio
    for canon, kinds in c.canonical:
        if kind is not None and kind not in kinds:
            continue
        if canon == key:
            return canon
        score = fuzz.ratio(key, canon)
        if score >= best_score:
            best, best_score = canon, score
    return best


def _lower(s: str) -> str:
    return unicodedata.normalize("NFC", s).lower()


def indicator_key(indicator: str | None, unit: str | None = None) -> str:
    """The key of an indicator phrase measured in `unit` (see the module docstring)."""
    if not isinstance(indicator, str) or not indicator.strip():
        return ""
    return _key(" ".join(indicator.split()), unit if isinstance(unit, str) else None)


@lru_cache(maxsize=65536)
def _key(indicator: str, unit: str | None) -> str:
    c = _compiled()
    text = _lower(indicator)
    for rx, dst in c.synonyms:
        text = rx.sub(dst, text)
    for rx in c.drops:
        text = rx.sub(" ", text)
    if c.compounds is not None:  # `cắt giảm` is one word to the edge rules
        text = c.compounds.sub(lambda m: "_".join(m.group().split()), text)
    toks = _strip_edges(_TOKEN.findall(text), c)
    if not toks:  # everything was period or filler: keep the whole phrase rather than nothing
        return " ".join(_WORD.findall(fold(_lower(indicator))))
    kept = " ".join(toks)
    if c.stopwords is not None:
        reduced = _TOKEN.findall(c.stopwords.sub(" ", kept.replace("_", "\x00")).replace("\x00", "_"))
        toks = _strip_edges(reduced, c) if reduced else toks
    toks = _strip_count(toks, unit, c)
    key = " ".join(_TOKEN.findall(fold(" ".join(toks).replace("_", " "))))
    return _canonical(key, unit, c) if c.canonical else key


@lru_cache(maxsize=1)
def key_version() -> str:
    """KEY_VERSION and a hash of the rules file: what a store compares to know its keys are current."""
    digest = hashlib.sha256((RULES_DIR / f"{RULES}.yml").read_bytes()).hexdigest()[:12]
    return f"{KEY_VERSION}:{digest}"
