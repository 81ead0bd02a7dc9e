"""Records highlighted in their text, as HTML, with spaCy displaCy (manual "ent" style).

Every piece of article text reaches the page through displaCy, which HTML-escapes the
text between and inside the marks; the tooltip and data attributes we add are escaped
here. Nothing an article contains (`<script>`, `<img onerror=...>`) can become markup.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Iterable

from spacy import displacy

from ..records import as_dict


@dataclass(frozen=True)
class Kind:
    label: str  # the tag shown after the span, and displaCy's colour key
    color: str
    meaning: str  # legend text


# Figure roles are told apart because that is what a reader scans for: what was planned
# against what was achieved. Ignored page leftovers are shown muted so a reviewer sees
# why numbers there were not reported.
KINDS: dict[str, Kind] = {
    "actual": Kind("ACTUAL", "#9be7a5", "figure: reported result"),
    "target": Kind("TARGET", "#ffd166", "figure: target / plan"),
    "other": Kind("FIGURE", "#c6d4ff", "figure: other count"),
    "legal_ref": Kind("LEGAL", "#f4a6c6", "legal document reference"),
    "ignore": Kind("IGNORED", "#e4e4e4", "page leftover, not read"),
}

# displaCy's default template plus a tooltip and data attributes (for the details on
# hover and for browser tests). {text} is escaped by displaCy, the rest by `_attr`.
# `{open}`/`{close}` wrap a legal reference in a link to its decree page (`links=True`);
# `{focus}` outlines the record a link pointed at.
_TEMPLATE = (
    '{open}<mark class="entity" data-kind="{kind}" data-ref="{ref}" data-rid="{rid}" title="{tip}" '
    'style="background: {bg}; padding: 0.2em 0.4em; margin: 0 0.15em; line-height: 1; '
    'border-radius: 0.35em;{focus}">{text}<span style="font-size: 0.7em; font-weight: bold; '
    'line-height: 1; border-radius: 0.35em; vertical-align: middle; margin-left: 0.4rem">'
    "{label}</span></mark>{close}"
)
_FOCUS = " outline: 3px solid #c0392b; outline-offset: 1px;"
_LINK_STYLE = "color: inherit; text-decoration: none;"


def kind_of(record: Any) -> str:
    """The highlight kind of a record: a figure's role, or its type."""
    d = as_dict(record)
    if d.get("type") == "figure":
        return d.get("role") if d.get("role") in ("actual", "target") else "other"
    return d.get("type") if d.get("type") in KINDS else "other"


def _attr(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _fmt_number(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return f"{int(v):,}"
    return f"{v:,}" if isinstance(v, (int, float)) else str(v)


def tooltip(record: Any) -> str:
    """One line of the record's fields, for the hover text (unescaped)."""
    d = as_dict(record)
    t = d.get("type")
    if t == "figure":
        parts = [_fmt_number(d.get("value"))]
        if d.get("total") is not None:
            parts[0] += f"/{_fmt_number(d['total'])}"
        if d.get("unit"):
            parts.append(str(d["unit"]))
        parts.append(f"role {d.get('role')}")
        if d.get("comparator") not in (None, "="):
            parts.append(f"comparator {d['comparator']}")
        if d.get("indicator"):
            parts.append(f"indicator: {d['indicator']}")
        if d.get("year"):
            parts.append(f"year {d['year']}")
        return " · ".join(parts)
    if t == "legal_ref":
        parts = [str(d.get("id") or "")]
        if d.get("issued"):
            parts.append(f"issued {d['issued']}")
        if d.get("refers_to"):
            parts.append(f"alias of {d['refers_to']}")
        for rel in d.get("relations") or ():
            parts.append(f"{rel.get('type')} {rel.get('target')}")
        return " · ".join(p for p in parts if p)
    if t == "ignore":
        return str(d.get("reason") or "page leftover")
    return ""


def _non_overlapping(records: Iterable[Any], length: int, offset: int, links: bool = False,
                     focus: Any = None) -> list[dict[str, Any]]:
    """Spans that displaCy can draw: inside the text, sorted, no overlaps.

    displaCy's ent style cannot nest marks; on overlap the earlier (then longer) span
    wins, the other stays in the records table.
    """
    from .links import decree_href

    spans = []
    for rec in records:
        d = as_dict(rec)
        try:
            s, e = int(d["start"]) - offset, int(d["end"]) - offset
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= s < e <= length:
            spans.append((s, -e, d))
    spans.sort(key=lambda x: (x[0], x[1]))
    kept, last_end = [], 0
    for s, neg_e, d in spans:
        if s >= last_end:
            kept.append((s, -neg_e, d))
            last_end = -neg_e
    out = []
    for s, e, d in kept:
        kind = kind_of(d)
        ref = d.get("id") if d.get("type") == "legal_ref" else ""
        link = bool(links and ref)
        out.append({
            "start": s,
            "end": e,
            "label": KINDS[kind].label,
            "params": {
                "kind": kind,
                "ref": _attr(ref),
                "rid": _attr(d.get("rid", "")),
                "tip": _attr(tooltip(d) + (" · open its page" if link else "")),
                "open": (f'<a class="solieu-ref" href="{_attr(decree_href(ref))}" target="_self" '
                         f'style="{_LINK_STYLE}">') if link else "",
                "close": "</a>" if link else "",
                "focus": _FOCUS if focus is not None and str(d.get("rid")) == str(focus) else "",
            },
        })
    return out


def highlight_html(text: str, records: Iterable[Any], *, offset: int = 0, links: bool = False,
                   focus: Any = None) -> str:
    """`text` as escaped HTML with every record marked by kind.

    `offset` is where `text` starts in the document the records index (0 for a whole
    document, the sentence start for one sentence). `links`: every legal reference with
    an id is a link to its decree page; `focus`: the rid of a record to outline.
    """
    text = text if isinstance(text, str) else ""
    ents = _non_overlapping(records, len(text), offset, links, focus)
    options = {
        "colors": {k.label: k.color for k in KINDS.values()},
        "template": _TEMPLATE,
    }
    doc = {"text": text, "ents": ents, "title": None}
    return displacy.render(doc, style="ent", manual=True, options=options, jupyter=False)


def sentence_html(record: dict[str, Any], sentence_text: str | None = None, document_text: str | None = None) -> str:
    """The record's sentence with its span marked (review queue, search mentions).

    The sentence comes from `sentence_text` (as the store returns it) or is cut from
    `document_text` by the record's `sentence` offsets.
    """
    d = as_dict(record)
    sent = d.get("sentence") or (0, 0)
    s0 = int(sent[0]) if sent and len(sent) == 2 else 0
    if sentence_text is None:
        if document_text is None:
            sentence_text, s0 = d.get("text") or "", int(d.get("start") or 0)
        else:
            s1 = int(sent[1]) if sent and len(sent) == 2 and sent[1] else len(document_text)
            sentence_text = document_text[s0:s1]
    return highlight_html(sentence_text, [d], offset=s0)


def legend_html() -> str:
    """The colour legend, one chip per kind."""
    chips = "".join(
        f'<span style="background:{k.color};padding:0.15em 0.5em;margin-right:0.8em;'
        f'border-radius:0.35em;font-size:0.85em;white-space:nowrap">'
        f'<b style="font-size:0.8em">{_attr(k.label)}</b> {_attr(k.meaning)}</span>'
        for k in KINDS.values()
    )
    return f'<div class="solieu-legend" style="line-height:2">{chips}</div>'
