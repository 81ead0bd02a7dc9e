"""OCR of scanned PDF pages: pdfium renders a page, Tesseract's Vietnamese model reads it.

Only pages without a text layer are read this way (readers.pdf decides which). Pages are
rendered one at a time in this thread (pdfium is not thread-safe) and read by up to
`workers` `tesseract` processes at once, each on one thread (OMP_THREAD_LIMIT=1: on a
small machine Tesseract's own threads fight each other and run several times slower).

Bounds, each with a one-line DocumentError past it:
- pages: more than SOLIEU_OCR_MAX_PAGES pages to OCR (default 100) -> refused before any work;
- time: more than SOLIEU_OCR_MAX_SECONDS seconds for the document (default 900) -> stopped.
SOLIEU_OCR=0 turns OCR off (a scanned PDF is then refused as before).

A Document read this way has `meta["ocr"]`: engine, language, dpi, the 1-based page
numbers read by OCR, seconds, and `spans` ((start, end) of each OCR'd page in the text);
`mark_records` gives every record inside those spans a source starting with `ocr:`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from functools import lru_cache
from typing import Iterable

from .base import DocumentError

LANG = "vie"
DPI = 300
OCR_PREFIX = "ocr:"
INSTALL_HINT = "Debian: apt-get install tesseract-ocr tesseract-ocr-vie"


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


def max_pages() -> int:
    return _env_int("SOLIEU_OCR_MAX_PAGES", 100)


def max_seconds() -> int:
    return _env_int("SOLIEU_OCR_MAX_SECONDS", 900)


def workers() -> int:
    return _env_int("SOLIEU_OCR_WORKERS", min(os.cpu_count() or 1, 4))


def enabled() -> bool:
    return os.environ.get("SOLIEU_OCR", "1").strip().lower() not in ("0", "false", "no", "off")


@lru_cache(maxsize=1)
def engine() -> tuple[str | None, str | None]:
    """(tesseract version line, None) when OCR can run, else (None, the reason it cannot)."""
    exe = shutil.which("tesseract")
    if exe is None:
        return None, f"tesseract is not installed ({INSTALL_HINT})"
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
        version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"tesseract cannot run ({exc})"
    if LANG not in (langs.stdout + langs.stderr).split():
        return None, f"Tesseract's Vietnamese model is not installed ({INSTALL_HINT})"
    first = (version.stdout or version.stderr).strip().splitlines()
    return (first[0] if first else "tesseract"), None


def _progress(total: int, name: str, progress: bool | None):
    from tqdm import tqdm

    disable = (not sys.stderr.isatty()) if progress is None else not progress
    return tqdm(total=total, desc=f"OCR {name}"[:40], unit="page", file=sys.stderr, leave=False,
                disable=disable, dynamic_ncols=True)


def _tesseract(png: bytes, timeout: float) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    p = subprocess.run(["tesseract", "stdin", "stdout", "-l", LANG, "--psm", "3"], input=png,
                       capture_output=True, timeout=max(1.0, timeout), env=env)
    if p.returncode != 0:
        err = " ".join(p.stderr.decode("utf-8", "replace").split())[:120]
        raise RuntimeError(f"tesseract failed ({err or p.returncode})")
    return p.stdout.decode("utf-8", "replace")


def render_png(pdf, index: int, dpi: int = DPI) -> bytes:
    """Page `index` of a pypdfium2 document as a grayscale PNG."""
    import io

    page = pdf[index]
    try:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        page.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def ocr_pdf_pages(pdf, pages: list[int], *, name: str = "", progress: bool | None = None) -> tuple[dict[int, str], dict]:
    """{page index: text} for `pages` (0-based) of the pypdfium2 document `pdf`, and the
    OCR metadata. Raises DocumentError when OCR is off, missing, or past a bound."""
    if not enabled():
        raise DocumentError("", "PDF has no text layer (scanned?) and OCR is off (SOLIEU_OCR=0)", "no text layer")
    version, why = engine()
    if version is None:
        raise DocumentError("", f"PDF has no text layer (scanned?) and OCR is not available: {why}",
                            "OCR not available")
    limit, budget = max_pages(), max_seconds()
    if len(pages) > limit:
        raise DocumentError("", f"scanned PDF: {len(pages)} pages need OCR, more than the limit of {limit} "
                                "(set SOLIEU_OCR_MAX_PAGES to raise it)", "OCR page limit")
    t0 = time.monotonic()
    texts: dict[int, str] = {}
    todo = list(pages)
    with _progress(len(pages), name, progress) as bar, ThreadPoolExecutor(max_workers=workers()) as pool:
        running: dict = {}
        try:
            while todo or running:
                while todo and len(running) < workers():
                    i = todo.pop(0)
                    try:
                        png = render_png(pdf, i)
                    except Exception as exc:  # noqa: BLE001 - pdfium raises its own errors on broken pages
                        raise RuntimeError(f"page {i + 1} cannot be rendered ({exc})") from None
                    left = budget - (time.monotonic() - t0)
                    running[pool.submit(_tesseract, png, left)] = i
                done, _ = wait(running, timeout=max(0.1, budget - (time.monotonic() - t0)),
                               return_when=FIRST_COMPLETED)
                for fut in done:
                    texts[running.pop(fut)] = fut.result()
                    bar.update(1)
                if not done and time.monotonic() - t0 >= budget:
                    raise subprocess.TimeoutExpired("tesseract", budget)
        except subprocess.TimeoutExpired:
            for fut in running:
                fut.cancel()
            raise DocumentError("", f"OCR stopped: {len(texts)} of {len(pages)} scanned pages read in "
                                    f"{budget} s, the limit (set SOLIEU_OCR_MAX_SECONDS to raise it)",
                                "OCR time limit") from None
        except RuntimeError as exc:
            raise DocumentError("", f"OCR failed: {exc}", "OCR failed") from None
    meta = {"engine": version, "lang": LANG, "dpi": DPI, "pages": [i + 1 for i in sorted(pages)],
            "seconds": round(time.monotonic() - t0, 2)}
    return texts, meta


def is_ocr_record(record) -> bool:
    source = record.get("source") if isinstance(record, dict) else getattr(record, "source", "")
    return str(source or "").startswith(OCR_PREFIX)


def mark_records(doc, records: Iterable) -> list:
    """`records` of `doc` with `source` prefixed `ocr:` where they lie in text read by OCR
    (records are Record objects or their dicts; other records are returned unchanged)."""
    spans = [tuple(s) for s in ((doc.meta or {}).get("ocr") or {}).get("spans") or ()]
    out = []
    for r in records:
        is_dict = isinstance(r, dict)
        start, end = (r.get("start"), r.get("end")) if is_dict else (r.start, r.end)
        inside = start is not None and any(s <= start and end <= e for s, e in spans)
        if inside and not is_ocr_record(r):
            source = OCR_PREFIX + str((r.get("source") if is_dict else r.source) or "")
            r = {**r, "source": source} if is_dict else r.with_(source=source)
        out.append(r)
    return out
