"""OCR speed and accuracy: seconds per page on this machine, character error rate on pages
rendered from known Vietnamese text.

    python bench/ocr_quality.py [--pages 6] [--real]

1. Known text: paragraphs of the bundled articles (corpus/seeds, corpus/extra), wrapped at
   ~75 characters, drawn with DejaVu Sans (Debian fonts-dejavu-core) at 300 dpi (12 pt
   ≈ 50 px) on A4 pages, saved as a PDF of images only (no text layer) — then read through
   `nlp.readers.read_document`, the same path as a user's scanned PDF (pdfium render,
   tesseract -l vie, SOLIEU_OCR_WORKERS processes, default: all cores).
   CER = Levenshtein distance / length of the known text, both NFC with whitespace runs
   collapsed to one space (line breaks are layout, not characters).
2. With --real: seconds per page on the scanned PDFs of ../shared/corpus/files (no ground truth).

Writes bench/results/ocr_quality.json.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import textwrap
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, save  # noqa: E402
from scripts.make_fixtures import image_pdf, render_page  # noqa: E402

REAL = ROOT.parent / "shared" / "corpus" / "files"
LINES_PER_PAGE = 48


def known_pages(n: int) -> list[str]:
    paras: list[str] = []
    for folder in ("corpus/seeds", "corpus/extra"):
        for p in sorted((ROOT / folder).glob("*.txt")):
            for para in p.read_text(encoding="utf-8").split("\n"):
                para = " ".join(para.split())
                if len(para) > 120 and "|" not in para:
                    paras.append(para)
    lines: list[str] = []
    for para in paras:
        lines.extend(textwrap.wrap(para, 75))
        if len(lines) >= n * LINES_PER_PAGE:
            break
    return ["\n".join(lines[i:i + LINES_PER_PAGE]) for i in range(0, n * LINES_PER_PAGE, LINES_PER_PAGE)]


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def cer(truth: str, got: str) -> float:
    from rapidfuzz.distance import Levenshtein

    t, g = norm(truth), norm(got)
    return Levenshtein.distance(t, g) / max(1, len(t))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=6)
    ap.add_argument("--real", action="store_true", help="also time the real scans in ../shared/corpus/files")
    a = ap.parse_args()
    from nlp.readers import read_document
    from nlp.readers.ocr import engine, workers

    pages = known_pages(a.pages)
    images = [render_page(p, size=50, margin=200).convert("1") for p in pages]
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "known.pdf"
        pdf.write_bytes(image_pdf(images))
        t0 = time.perf_counter()
        doc = read_document(pdf)
        seconds = time.perf_counter() - t0
    spans = doc.meta["ocr"]["spans"]  # each OCR'd page's text in the document
    per_page = [cer(t, doc.text[s:e]) for t, (s, e) in zip(pages, spans)]
    total_cer = cer("\n".join(pages), doc.text)
    result = {
        "engine": engine()[0], "lang": "vie", "dpi": 300, "workers": workers(), "cores": os.cpu_count(),
        "known_text": {"pages": len(pages), "characters": len(norm("\n".join(pages))),
                       "seconds": round(seconds, 2), "seconds_per_page": round(seconds / len(pages), 2),
                       "cer": round(total_cer, 4), "cer_per_page": [round(c, 4) for c in per_page],
                       "font": "DejaVu Sans 50 px (12 pt at 300 dpi), 1-bit", "target_cer": 0.02,
                       "pages_read": len(spans)},
    }
    print(f"known text: {len(pages)} pages, {seconds:.1f} s ({seconds / len(pages):.2f} s/page), CER {total_cer:.2%}")
    if a.real and REAL.exists():
        real = {}
        for pdf in sorted(REAL.glob("*.pdf")):
            t0 = time.perf_counter()
            doc = read_document(pdf)
            s = time.perf_counter() - t0
            n = len(doc.meta.get("ocr", {}).get("pages", []))
            real[pdf.name] = {"ocr_pages": n, "seconds": round(s, 2), "seconds_per_page": round(s / max(1, n), 2),
                              "characters": len(doc.text)}
            print(f"{pdf.name}: {n} pages by OCR, {s:.1f} s ({s / max(1, n):.2f} s/page)")
        result["real_scans"] = real
    print(f"wrote {save('ocr_quality', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
