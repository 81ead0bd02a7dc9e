"""The two small custom components of the app (streamlit.components.v1, hand-written HTML/JS in
nlp/ui/components/, served by Streamlit: no build step, nothing downloaded).

    select_text(text, records, offset=, focus=, height=, key=) -> {"start", "end", "text", "nonce"} | None
        an article (or a window of one) with its records marked, whose selection comes back
        as character offsets into the document (see nlp.ui.spans.read_selection)
    remember(name, key=) -> str | None
        keeps the reviewer's name in this browser (cookie + localStorage) and returns it

The pure parts (which marks a window shows, reading a selection back) are nlp.ui.spans.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

from . import spans

_HERE = Path(__file__).parent / "components"
_select_text = components.declare_component("solieu_select_text", path=str(_HERE / "select_text"))
_remember = components.declare_component("solieu_remember", path=str(_HERE / "remember"))


def select_text(text: str, records: list[Any], *, offset: int = 0, focus: Any = None, height: int = 520,
                key: str | None = None) -> dict | None:
    """`text` (the document's characters from `offset`) with `records` marked; the user's last
    selection as {"start", "end", "text", "nonce"} in document offsets, or None."""
    marks = spans.window_marks(records, offset, offset + len(text))
    sig = hashlib.sha1((str(offset) + "\0" + text + "\0" + json.dumps(marks, ensure_ascii=False)
                        + "\0" + str(focus)).encode("utf-8", "surrogatepass")).hexdigest()
    return _select_text(text=text, records=marks, offset=offset, focus=focus, height=height, sig=sig,
                        key=key, default=None)


def remember(name: str | None, *, key: str = "_solieu_remember") -> str | None:
    """Store `name` in this browser (None: leave what is stored); the name the browser keeps."""
    value = _remember(name=name, key=key, default=None)
    return value if isinstance(value, str) else None
