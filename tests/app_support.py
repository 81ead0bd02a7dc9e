"""Helpers for the AppTest suites (tests/test_app_*.py): run the real app.py in-process."""
from __future__ import annotations

import io
import re

from streamlit.testing.v1 import AppTest

from tests.paths import ROOT

APP = str(ROOT / "app.py")
TIMEOUT = 180  # seconds: the first extraction in a process loads underthesea's models


def run_app(page: str | None = None, query: dict | None = None) -> AppTest:
    """app.py run once (optionally on `page`, e.g. "app_pages/search.py", with query params)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(page).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    """No exception element (a traceback shown to the user) anywhere on the page."""
    assert not at.exception, [e.value for e in at.exception]


def html_of(at: AppTest) -> str:
    return "\n".join(h.value for h in at.html)


def marks(html: str) -> list[tuple[str, str]]:
    """(data-kind, data-ref) of every highlighted span in rendered HTML."""
    return re.findall(r'<mark class="entity" data-kind="([^"]*)" data-ref="([^"]*)"', html)


def blank_pdf() -> bytes:
    """A valid PDF whose only page has no text layer (a scan, for the reader)."""
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()
