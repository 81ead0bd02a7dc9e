"""Upload in a real browser: time to the first screen, time to the whole article, the app's memory.

Starts `streamlit run app.py` on a fresh database (its first start ingests the bundled
corpus, which is waited for and not timed), then in Debian's Chromium (Playwright) uploads

- a 10 KB article (corpus/extra/x20.txt, 10,123 bytes), and
- a 5 MB article: articles of the scale corpus joined (or the bundled ones repeated when
  the scale corpus is absent) up to 5,000,000 bytes,

each in a fresh browser session of a server that has already read one article (its models
loaded, as on a server in use), and measures from handing the file to the page:
- first_screen_s: the first highlighted record of the article visible;
- complete_s: every part extracted (the "Extracted in" line, tables and downloads drawn);
and the Streamlit server's memory: resident set size at rest, and its peak (VmHWM, reset
before each upload through /proc/PID/clear_refs) while the upload is processed.

    python bench/upload_timing.py [--skip-5mb] [--out bench/results/upload_timing.json]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, SCALE, save, scale_articles  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TARGET_BYTES = 5_000_000
LONG_MS = 1_800_000  # the whole 5 MB article: up to 30 minutes on a busy machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        return True
    except OSError:
        return False


def five_mb_article(folder: Path) -> Path:
    parts, n = [], 0
    if SCALE.exists():
        for art in scale_articles():
            text = (art.get("text") or "").strip()
            if text:
                parts.append(text)
                n += len(text.encode("utf-8")) + 2
            if n >= TARGET_BYTES:
                break
    else:  # the bundled articles, repeated
        bundled = [p.read_text(encoding="utf-8").strip() for d in ("corpus/seeds", "corpus/extra")
                   for p in sorted((ROOT / d).glob("*.txt"))]
        while n < TARGET_BYTES:
            for t in bundled:
                parts.append(t)
                n += len(t.encode("utf-8")) + 2
    data = "\n\n".join(parts).encode("utf-8")[:TARGET_BYTES].decode("utf-8", "ignore")
    path = folder / "bao-cao-5mb.txt"
    path.write_text(data, encoding="utf-8")
    return path


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("h1", timeout=LONG_MS)


def measure(browser, url: str, pid: int, path: Path) -> dict:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1700})
    page = ctx.new_page()
    page.set_default_timeout(LONG_MS)
    _open(page, f"{url}/upload")
    page.wait_for_timeout(500)
    rest_kb = _kb(pid, "VmRSS")
    peak_reset = _reset_peak(pid)
    data = path.read_bytes()
    t0 = time.perf_counter()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": path.name, "mimeType": "text/plain", "buffer": data})
    page.locator("mark.entity").first.wait_for(timeout=LONG_MS)
    first = time.perf_counter() - t0
    page.get_by_text("Extracted in").wait_for(timeout=LONG_MS)
    page.get_by_role("button", name="Download JSON", exact=True).wait_for(timeout=LONG_MS)
    complete = time.perf_counter() - t0
    marks = page.locator("mark.entity").count()
    records = page.get_by_role("tab").first.inner_text()
    out = {"file": path.name, "bytes": len(data), "first_screen_s": round(first, 2), "complete_s": round(complete, 2),
           "marks_on_first_page": marks, "figures_tab": records,
           "server_rss_at_rest_mb": round(rest_kb / 1024, 1),
           "server_rss_after_mb": round(_kb(pid, "VmRSS") / 1024, 1),
           ("server_peak_rss_mb" if peak_reset else "server_peak_rss_since_start_mb"): round(_kb(pid, "VmHWM") / 1024, 1)}
    ctx.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-5mb", action="store_true", help="Only the 10 KB article.")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        port = _free_port()
        env = {**os.environ, "SOLIEU_DB": str(tmp / "solieu.db"), "PYTHONPATH": str(ROOT)}
        log = open(tmp / "streamlit.log", "wb")
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                 "--server.address", "127.0.0.1", "--server.headless", "true",
                                 "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                        break
                except OSError:
                    time.sleep(0.3)
            articles = [ROOT / "corpus" / "extra" / "x20.txt"] + ([] if args.skip_5mb else [five_mb_article(tmp)])
            results = []
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                warm = browser.new_context().new_page()
                _open(warm, url)  # the first start: the bundled corpus is ingested (not timed)
                # a running server: the word segmenter and role model are loaded by a first upload
                warm.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
                    {"name": "warm-up.txt", "mimeType": "text/plain",
                     "buffer": "Năm 2024, tỷ lệ hồ sơ trực tuyến đạt 42% theo Nghị định 82/2024/NĐ-CP.".encode()})
                warm.get_by_text("Extracted in").wait_for(timeout=LONG_MS)
                warm.context.close()
                for path in articles:
                    r = measure(browser, url, proc.pid, path)
                    print(r, flush=True)
                    results.append(r)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(30)
            log.close()
    path = save("upload_timing", {
        "method": "streamlit run app.py + Debian Chromium (Playwright); time from handing the file to the page; "
                  "server memory from /proc (VmRSS; VmHWM reset before each upload)",
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),  # other work on the machine slows every number
        "articles": results})
    print(path)


if __name__ == "__main__":
    main()
