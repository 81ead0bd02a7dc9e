"""Rules are data: YAML files beside this module, validated on load, loaded once.

Every file has the shape::

    description: what the file holds
    rules:
      - id: unique-id            # stable, used as a record's `source`
        examples: [ ... ]        # at least one example of text the rule is about
        ...                      # keys that the file's consumer requires

`load(name, required=(...))` returns the list of rule dicts, after checking that
every rule has a unique `id`, a non-empty `examples` list and the required keys.
A broken file raises RuleError naming the file and the rule, at import time of
the consumer, never in the middle of an extraction.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

RULES_DIR = Path(__file__).resolve().parent
# libyaml's safe loader when PyYAML was built with it: the same documents, ~10x faster to
# parse, and rules are read at every process start (the CLI, each ingest worker).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleError(ValueError):
    """A rules file is malformed."""


def _validate(name: str, data: Any, required: tuple[str, ...],
              kinds: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{name}.yml: top level must be a mapping with a 'rules' list")
    seen: set[str] = set()
    rules = data["rules"]
    for i, rule in enumerate(rules):
        where = f"{name}.yml rule #{i}"
        if not isinstance(rule, dict):
            raise RuleError(f"{where}: must be a mapping")
        rid = rule.get("id")
        if not isinstance(rid, str) or not rid:
            raise RuleError(f"{where}: missing 'id'")
        where = f"{name}.yml rule {rid!r}"
        if rid in seen:
            raise RuleError(f"{where}: duplicate id")
        seen.add(rid)
        ex = rule.get("examples")
        if not isinstance(ex, list) or not ex:
            raise RuleError(f"{where}: 'examples' must be a non-empty list")
        missing = [k for k in required if k not in rule]
        if missing:
            raise RuleError(f"{where}: missing keys {missing}")
        if kinds is not None and rule.get("kind") not in kinds:
            raise RuleError(f"{where}: kind must be one of {kinds}")
    return rules


@lru_cache(maxsize=None)
def _load(name: str, required: tuple[str, ...], kinds: tuple[str, ...] | None) -> tuple[dict[str, Any], ...]:
    path = RULES_DIR / f"{name}.yml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError as exc:
        raise RuleError(f"rules file not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise RuleError(f"{name}.yml: invalid YAML: {exc}") from exc
    rules = _validate(name, data, required, kinds)
    return tuple(rules) if name == PHRASE_LISTS else tuple(_with_phrase_lists(name, rules))


PHRASE_LISTS = "phrase_lists"


@lru_cache(maxsize=1)
def phrase_lists() -> dict[str, tuple[str, ...]]:
    """id -> phrases of nlp/rules/phrase_lists.yml: `words`, or every head + word."""
    out = {}
    for r in load(PHRASE_LISTS, required=("words",)):
        words = [" ".join(str(w).split()) for w in r["words"]]
        heads = r.get("heads") or []
        out[r["id"]] = tuple(f"{h} {w}" for h in heads for w in words) if heads else tuple(words)
    return out


def _with_phrase_lists(name: str, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rules with each "@<id>" item of a word list replaced by that phrase list."""
    def expand(rule: dict[str, Any], value: list) -> list:
        items: list[Any] = []
        for x in value:
            if not (isinstance(x, str) and x.startswith("@")):
                items.append(x)
            elif x[1:] in phrase_lists():
                items.extend(phrase_lists()[x[1:]])
            else:
                raise RuleError(f"{name}.yml rule {rule['id']!r}: no phrase list {x!r} in {PHRASE_LISTS}.yml")
        return items

    return [{k: expand(r, v) if isinstance(v, list) and k != "examples" else v for k, v in r.items()} for r in rules]


def load(name: str, required: Iterable[str] = (), kinds: Iterable[str] | None = None) -> tuple[dict[str, Any], ...]:
    """The validated rules of `nlp/rules/<name>.yml` (cached: compiled once per process);
    `kinds`: the values a rule's `kind` may take (a rules file of kinds names them here)."""
    return _load(name, tuple(required), tuple(kinds) if kinds is not None else None)


def available() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.yml"))


# --- the one builder of word-list regexes (shared by every rule consumer) ----------------

WORD_START = r"(?<![^\W_])"  # not preceded by a letter or digit
WORD_END = r"(?![^\W_])"  # not followed by a letter or digit
NEVER = r"(?!)"  # a pattern that matches nothing: the regex of an empty word list


def alternation(words: Iterable[str], *, bounded: bool = False, unaccented: Callable[[str], str] | None = None) -> str:
    """One regex group `(?:w1|w2|...)` for a list of cue words or phrases.

    Longest first, so that the most specific cue wins ("ước đạt" over "ước"); the spaces
    between syllables match any whitespace run (a hard line-wrap included). Case is left
    to the caller's flags. Options:
    - bounded: whole syllables only, neither preceded nor followed by a letter or digit
      (WORD_START / WORD_END);
    - unaccented: the folding function (nlp.lang.fold.fold; rules sit below lang, so the
      caller hands it in): each accented letter also matches its folded form and đ/Đ also
      d/D (ASCII spellings: `Nghi dinh` for `Nghị định`), never another accent (`tổ` is
      not `tờ`).
    An empty list gives NEVER.
    """
    uniq = sorted({" ".join(w.split()) for w in words if w and w.strip()}, key=lambda w: (-len(w), w))
    if not uniq:
        return NEVER
    body = "(?:" + "|".join(r"\s+".join(_syllable(s, unaccented) for s in w.split()) for w in uniq) + ")"
    return f"{WORD_START}{body}{WORD_END}" if bounded else body


def _syllable(syllable: str, fold: Callable[[str], str] | None) -> str:
    if fold is None:
        return re.escape(syllable)
    out = []
    for ch in syllable:
        base = fold(ch)
        if ch in "đĐ":
            out.append("[đĐdDðÐ]")  # Ð/ð stand in for Đ/đ in legacy-encoded texts
        elif ch.isalpha() and base != ch.lower():
            out.append(f"[{re.escape(ch)}{re.escape(base)}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)
