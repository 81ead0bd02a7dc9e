"""Who is reviewing: the name kept across reloads and new tabs, in the URL and in the browser.

A name comes from, in order: the session (typed in the sidebar), the page's address
(`?reviewer=Lan`: a reload or a shared link keeps it), the `solieu_reviewer` cookie the
browser sends when a session starts, or the browser's localStorage (both written by the
`remember` component, nlp/ui/components/remember). Every review action is signed with it.
"""
from __future__ import annotations

import re
from typing import Any, Mapping
from urllib.parse import unquote

PARAM = "reviewer"  # the query parameter
COOKIE = "solieu_reviewer"
MAX_CHARS = 80


def clean_name(raw: Any) -> str:
    """A name as it is stored: spaces collapsed, control characters dropped, at most MAX_CHARS."""
    if not isinstance(raw, str):
        return ""
    name = re.sub(r"[\x00-\x1f\x7f]", "", raw)
    return " ".join(name.split())[:MAX_CHARS]


def _first(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        v = v[0] if v else ""
    return v if isinstance(v, str) else ""


def initial_name(query_params: Mapping[str, Any] | None, cookies: Mapping[str, Any] | None) -> str:
    """The name a new session starts with: the address's `reviewer`, else the cookie's; "" if none."""
    name = clean_name(_first((query_params or {}).get(PARAM)))
    if name:
        return name
    try:
        raw = _first((cookies or {}).get(COOKIE))
    except Exception:  # noqa: BLE001 - no cookies in this context (tests, bare mode)
        raw = ""
    return clean_name(unquote(raw))
