"""Page leftovers: regions of a scraped page that are not part of the article.

View counters, rating widgets, related-article lists, share/print bars, comment boxes,
site footers. They are found line by line with the patterns of `rules/leftovers.yml`
and returned as `Ignored` regions; the text is never changed (we mark, never strip),
so every offset stays valid and the pipeline simply closes these spans to figures.

Matching is on whole lines only (a counter is a line of its own on every portal we
saw), which keeps a pattern like "Lượt xem: 35" from firing inside an article sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import rules
from .records import Ignored

# Bullets, list dashes, quote/markdown marks that scrapers leave before a widget's text.
_LEAD = re.compile(r"[\s•·‣◦▪▫■□●○◆◇►▸\-–—*+>#|]*")
# Widgets often share one line: "Ngày đăng: 12/7/2023 | Lượt xem: 35 | In bài".
_SEGMENT_SEP = re.compile(r"\s*[|•·]\s*")
# A line that ends a sentence (single '.', not '..'/'…') or introduces something (':')
# is article prose, not a title in a list.
_PROSE_END = re.compile(r"(?:(?<!\.)\.|:)\s*$")
# Lines longer than this are never widgets; skipping them keeps 20 MB texts fast.
_MAX_WIDGET_LINE = 400


@dataclass(frozen=True)
class _Rule:
    id: str
    kind: str  # "line" or "list"
    regex: re.Pattern
    confidence: float
    max_item_chars: int
    max_items: int


def _compile() -> tuple[_Rule, ...]:
    """The rules of leftovers.yml, compiled; a broken file fails at import, not mid-extraction."""
    out = []
    for r in rules.load("leftovers", required=("pattern", "kind")):
        if r["kind"] not in ("line", "list"):
            raise rules.RuleError(f"leftovers.yml rule {r['id']!r}: kind must be 'line' or 'list'")
        try:
            regex = re.compile(r["pattern"], re.IGNORECASE)
        except re.error as exc:
            raise rules.RuleError(f"leftovers.yml rule {r['id']!r}: bad pattern: {exc}") from exc
        out.append(_Rule(
            id=r["id"], kind=r["kind"], regex=regex,
            confidence=float(r.get("confidence", 0.9)),
            max_item_chars=int(r.get("max_item_chars", 200)),
            max_items=int(r.get("max_items", 30)),
        ))
    return tuple(out)


RULES: tuple[_Rule, ...] = _compile()


def _combine(kind: str) -> tuple[re.Pattern | None, dict[str, _Rule]]:
    """All rules of one kind as one alternation (one regex call per line, not one per rule);
    the named group that matched says which rule it was, first rule in file order winning."""
    by_group = {f"r{i}": r for i, r in enumerate(RULES) if r.kind == kind}
    if not by_group:
        return None, {}
    alternation = "|".join(f"(?P<{g}>{r.regex.pattern})" for g, r in by_group.items())
    return re.compile(alternation, re.IGNORECASE), by_group


_COMBINED = {kind: _combine(kind) for kind in ("line", "list")}


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content: leading bullets and trailing spaces excluded."""
    spans = []
    pos, n = 0, len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        start = _LEAD.match(text, pos, end).end()
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.append((start, end))
        if nl < 0:
            break
        pos = nl + 1
    return spans


def _match(kind: str, line: str) -> _Rule | None:
    regex, by_group = _COMBINED[kind]
    m = regex.fullmatch(line) if regex is not None else None
    return by_group[m.lastgroup] if m else None


def _line_regions(text: str, start: int, end: int) -> list[Ignored]:
    """Leftovers on one line: the whole line, else each `|`/`•`-separated segment."""
    line = text[start:end]
    rule = _match("line", line)
    if rule:
        return [_ignored(text, start, end, rule)]
    found = []
    if _SEGMENT_SEP.search(line):
        pos = 0
        for sep in [*_SEGMENT_SEP.finditer(line), None]:
            seg_end = sep.start() if sep else len(line)
            seg = line[pos:seg_end]
            rule = _match("line", seg) if seg else None
            if rule:
                found.append(_ignored(text, start + pos, start + seg_end, rule))
            pos = sep.end() if sep else pos
    return found


def _is_list_item(line: str, max_chars: int) -> bool:
    """A title-like line under a list heading (or another leftover line)."""
    if _match("line", line):
        return True
    return len(line) <= max_chars and not _PROSE_END.search(line)


def _ignored(text: str, start: int, end: int, rule: _Rule) -> Ignored:
    return Ignored(start=start, end=end, text=text[start:end], confidence=rule.confidence,
                   source=f"leftovers:{rule.id}", reason=rule.id)


def _find(text: str) -> list[Ignored]:
    spans = _lines(text)
    found: list[Ignored] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        i += 1
        if start == end or end - start > _MAX_WIDGET_LINE:
            continue
        line = text[start:end]
        heading = _match("list", line)
        if heading is None:
            found.extend(_line_regions(text, start, end))
            continue
        # A list heading takes the title-like lines under it, blank lines between them
        # allowed, up to the first article-like paragraph or another kind of list heading.
        block_end, items = end, 0
        while i < len(spans) and items < heading.max_items:
            s, e = spans[i]
            item = text[s:e]
            if s == e:
                i += 1
                continue
            other = _match("list", item)
            if (other is not None and other is not heading) or not _is_list_item(item, heading.max_item_chars):
                break
            block_end, items, i = e, items + 1, i + 1
        found.append(_ignored(text, start, block_end, heading))
    return found


def find_leftovers(text: str) -> list[Ignored]:
    """Page-leftover regions of `text`, sorted, non-overlapping; `text[r.start:r.end] == r.text`.

    Pure and total: any string gives a list (possibly empty); a non-string gives [].
    (The reader's title finder calls it too; inside extraction, the pipeline's boundary
    per document is the only error handler.)
    """
    if not isinstance(text, str) or not text:
        return []
    return _find(text)
