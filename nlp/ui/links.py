"""Deep links between the app's pages: one place that knows every page's address and parameters.

    /upload                                   the start page
    /search?q=…[&tab=documents|indicators|figures|decrees]
    /document?id=DOC[&rid=N]                  a stored article, record N's sentence shown first
    /decree?id=82/2024/NĐ-CP                  a legal document of the catalogue
    /indicator?key=K[&unit=U][&add=K2|U2]…[&merge=K3|U3]…   one indicator over time

`*_href` give relative addresses for HTML anchors (they resolve against the page shown,
all pages sit at the app's root, so a base path prefix is kept); `*_params` the query
parameters for st.page_link / st.switch_page. Reading goes through `read_*`, which never
raise: a missing or malformed parameter reads as absent.
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote, urlencode

PAGES = {"upload": "app_pages/upload.py", "search": "app_pages/search.py", "review": "app_pages/review.py",
         "overview": "app_pages/overview.py", "document": "app_pages/document.py",
         "decree": "app_pages/decree.py", "indicator": "app_pages/indicator.py"}
MAX_PARAM = 300  # characters of a parameter kept (an id, a key): longer is not ours


def _first(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        v = v[0] if v else ""
    return "" if v is None else str(v)[:MAX_PARAM].strip()


def _all(params: Mapping[str, Any], name: str) -> list[str]:
    getter = getattr(params, "get_all", None)
    vals = getter(name) if callable(getter) else params.get(name)
    if vals is None:
        return []
    if not isinstance(vals, (list, tuple)):
        vals = [vals]
    return [str(v)[:MAX_PARAM].strip() for v in vals if str(v).strip()]


def href(page: str, params: Mapping[str, Any]) -> str:
    """`page?a=1&b=2` (relative to the app's root), empty values left out, lists repeated."""
    pairs = []
    for k, v in params.items():
        for item in (v if isinstance(v, (list, tuple)) else [v]):
            if item not in (None, ""):
                pairs.append((k, str(item)))
    return page + ("?" + urlencode(pairs, quote_via=quote, safe="/") if pairs else "")


# ---------------------------------------------------------------- documents
def document_params(doc: str, rid: int | None = None) -> dict[str, str]:
    return {"id": doc, **({"rid": str(rid)} if rid is not None else {})}


def document_href(doc: str, rid: int | None = None) -> str:
    return href("document", document_params(doc, rid))


def read_document(params: Mapping[str, Any]) -> tuple[str, int | None]:
    rid = _first(params.get("rid"))
    return _first(params.get("id")), int(rid) if rid.isdigit() else None


# ---------------------------------------------------------------- decrees
def decree_params(legal_id: str) -> dict[str, str]:
    return {"id": legal_id}


def decree_href(legal_id: str) -> str:
    return href("decree", decree_params(legal_id))


def read_decree(params: Mapping[str, Any]) -> str:
    return _first(params.get("id"))


# ---------------------------------------------------------------- indicators
def group_ref(key: str, unit: str | None) -> str:
    """One group in a parameter: `key|unit` (a key is folded words: never a `|`)."""
    return f"{key}|{unit or ''}"


def read_group_ref(v: str) -> tuple[str, str | None]:
    key, _, unit = v.partition("|")
    return key.strip(), (unit.strip() or None)


def indicator_params(key: str, unit: str | None, add: list[tuple[str, str | None]] | tuple = (),
                     merge: list[tuple[str, str | None]] | tuple = ()) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key}
    if unit:
        out["unit"] = unit
    if add:
        out["add"] = [group_ref(k, u) for k, u in add]
    if merge:
        out["merge"] = [group_ref(k, u) for k, u in merge]
    return out


def indicator_href(key: str, unit: str | None, **kw: Any) -> str:
    return href("indicator", indicator_params(key, unit, **kw))


def read_indicator(params: Mapping[str, Any]) -> dict[str, Any]:
    """{"key", "unit", "add": [(key, unit)], "merge": [(key, unit)]} (no key: "")."""
    return {"key": _first(params.get("key")), "unit": _first(params.get("unit")) or None,
            "add": [read_group_ref(v) for v in _all(params, "add")][:8],
            "merge": [read_group_ref(v) for v in _all(params, "merge")][:8]}


# ---------------------------------------------------------------- search
def search_params(q: str, tab: str | None = None) -> dict[str, str]:
    return {k: v for k, v in {"q": q, "tab": tab}.items() if v}


def search_href(q: str, tab: str | None = None) -> str:
    return href("search", search_params(q, tab))
