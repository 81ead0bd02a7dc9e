"""HTML: the article's visible text, one line per block element; data tables as `| a | b |` rows."""
from __future__ import annotations

import re

from .base import DocumentError
from .grid import LAYOUT_CELL_CHARS, cell_text, grid_from_spans, render_rows
from .titles import find_date_line, valid_date

# Elements that never hold article text.
# (Not <form>: ASP.NET/SharePoint portals wrap the whole page in one.)
_HTML_DROP = ("script", "style", "noscript", "template", "nav", "aside", "iframe",
              "svg", "canvas", "button", "select", "textarea", "input", "object", "embed", "head")
# Invisible on the page, so not part of what a reader sees as the article.
_HTML_HIDDEN = ("[hidden]", '[style*="display:none"]', '[style*="display: none"]', '[aria-hidden="true"]')
# Elements whose start and end break a line: paragraphs, headings, list items, table cells.
_HTML_BLOCK = frozenset((
    "p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5",
    "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td",
    "th", "caption", "blockquote", "pre", "figure", "figcaption", "address", "hr", "br",
    "center", "details", "summary", "body", "html",
))
_WS = re.compile(r"\s+")
_ARTICLE_SHARE = 0.25  # below this share of the page's text an <article> is a teaser
_ISO_DATE = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)


def _decode_html(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        declared = _CHARSET.search(data[:4096])
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
        raise DocumentError("", f"invalid UTF-8 at byte offset {exc.start} and no usable charset declared",
                            "invalid UTF-8") from None


def _span(node, name: str) -> int:
    try:
        return int(str(node.attributes.get(name) or "1").strip() or 1)
    except ValueError:
        return 1


def _table_lines(table) -> list[str] | None:
    """A data table's rows as text lines, or None when it is page layout (a nested table,
    one column, a very long cell): then it is read block by block like the rest."""
    if len(table.css("table")) > 1 or table.css_first("table table") is not None:  # css() includes the node
        return None
    rows = []
    for tr in table.css("tr"):
        cells = []
        for td in tr.iter():
            if td.tag in ("td", "th"):
                text = cell_text(" ".join(_html_lines(td)))
                if len(text) > LAYOUT_CELL_CHARS:
                    return None
                cells.append((text, _span(td, "colspan"), _span(td, "rowspan")))
        if cells:
            rows.append(cells)
    grid = grid_from_spans(rows)
    if not grid or max(len(r) for r in grid) < 2:
        return None
    caption = table.css_first("caption")
    head = [cell_text(caption.text() or "")] if caption is not None and (caption.text() or "").strip() else []
    return head + render_rows(grid)


def _html_lines(root) -> list[str]:
    """Visible text of `root`, one line per block element (iterative: deep pages can't overflow)."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = _WS.sub(" ", "".join(buf)).strip()
        if line:
            lines.append(line)
        buf.clear()

    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            flush()
            continue
        tag = node.tag
        if tag == "-text":
            buf.append(node.text(deep=False) or "")
            continue
        if tag in _HTML_DROP or tag.startswith(("_", "!")):  # dropped elements, comments, doctype
            continue
        if tag == "table" and node is not root:
            rows = _table_lines(node)
            if rows is not None:
                flush()
                lines.extend(rows)
                continue
        block = tag in _HTML_BLOCK
        if block:
            flush()
            stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    flush()
    return lines


def _meta(tree, *selectors: str) -> str | None:
    for sel in selectors:
        node = tree.css_first(sel)
        if node is not None:
            value = (node.attributes.get("content") or node.attributes.get("datetime") or node.text() or "").strip()
            if value:
                return value
    return None


def read_html(data: bytes) -> tuple[str, dict]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_decode_html(data))
    title = _meta(tree, 'meta[property="og:title"]', "h1", "title")
    raw_date = _meta(tree, 'meta[property="article:published_time"]', 'meta[itemprop="datePublished"]',
                     'meta[name="pubdate"]', 'meta[name="date"]', "time[datetime]", "time")
    source = _meta(tree, 'meta[property="og:site_name"]', 'meta[property="og:url"]')
    # The article when the page marks it; else the body without the page's header/footer.
    # Several <article>s (teasers of related news) → the one holding the most text; an
    # <article> holding a small part of the page is a teaser, and the story is elsewhere.
    body = tree.body or tree.root
    if body is None:
        return "", {}
    candidates = tree.css("article") or tree.css("main")
    root = max(candidates, key=lambda n: len(n.text() or "")) if candidates else body
    if root is not body and len(root.text() or "") < _ARTICLE_SHARE * len(body.text() or ""):
        root = body
    droppable = ["header", "footer"] if root.tag in ("body", "html") else ["footer"]
    for sel in (*_HTML_DROP, *_HTML_HIDDEN, *droppable):
        for node in root.css(sel):
            node.decompose()
    text = "\n".join(_html_lines(root))
    info: dict = {"title": _WS.sub(" ", title).strip() if title else None}
    if raw_date:
        info["date"] = _iso_date(raw_date) or find_date_line(raw_date)
    if source:
        info["source"] = source
    return text, info


def _iso_date(value: str) -> str | None:
    m = _ISO_DATE.search(value)
    return valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
