"""Ingest throughput at scale: the 35,150 articles of the scale corpus into a fresh store.

Runs the same `nlp.ingest.ingest` code path as `solieu ingest` (worker processes, one
transaction per document) and records: documents/s, total time, records, near-duplicates,
database size, peak memory (the ingest process, and all its processes together, sampled
from /proc every 0.2 s). Target (issue 3): the whole corpus under 5 minutes with 2 workers.

    python bench/ingest_scale.py [--workers 2] [--limit N] [--db bench/results/scale.db]

`--limit N` ingests only the first N articles (written to a temporary collection).
The database is kept for bench/search_latency.py.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import RESULTS, SCALE, save, scale_articles  # noqa: E402


def _tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and all its descendants (MB), from /proc."""
    parent, rss = {}, {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            status = (p / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parent[int(p.name)] = int(fields.get("PPid", "0").strip() or 0)
        rss[int(p.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    tree, grew = {root}, True
    while grew:
        new = {pid for pid, pp in parent.items() if pp in tree} - tree
        tree |= new
        grew = bool(new)
    return sum(rss.get(pid, 0) for pid in tree) / 1024


class PeakMemory(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb, self.stop = 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(os.getpid()))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--db", type=Path, default=RESULTS / "scale.db")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args()

    from nlp.ingest import ingest
    from nlp.store import Store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    tmp = None
    source = SCALE
    if args.limit is not None:
        tmp = tempfile.NamedTemporaryFile(suffix=".jsonl.gz", delete=False)
        with gzip.open(tmp.name, "wt", encoding="utf-8") as fh:
            for art in scale_articles(args.limit):
                fh.write(json.dumps(art, ensure_ascii=False) + "\n")
        source = Path(tmp.name)

    mem = PeakMemory()
    mem.start()
    t0 = time.perf_counter()
    report = ingest(args.db, [source], workers=args.workers, progress=not args.no_progress)
    seconds = time.perf_counter() - t0
    mem.stop.set()
    mem.join()
    if tmp is not None:
        os.unlink(tmp.name)

    with Store(args.db) as s:
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stats = s.stats()
    docs = report["new"] + report["updated"] + report["unchanged"]
    result = {
        "corpus": str(SCALE.name), "limit": args.limit, "workers": args.workers,
        "documents": docs, "failed": len(report["failed"]), "failed_examples": report["failed"][:5],
        "records": report["records"], "near_duplicates": report["duplicates"],
        "seconds": round(seconds, 1),
        "extract_cpu_seconds": report["extract_cpu_seconds"],
        "extract_cpu_ms_per_doc": round(1000 * report["extract_cpu_seconds"] / max(1, report["new"] + report["updated"]), 1),
        "store_seconds": report["store_seconds"],
        "store_ms_per_doc": round(1000 * report["store_seconds"] / max(1, report["new"] + report["updated"]), 2),
        "load_average_at_end": os.getloadavg(), "docs_per_second": round(docs / seconds, 1) if seconds else None,
        "db_bytes": args.db.stat().st_size, "db_mb": round(args.db.stat().st_size / 2**20, 1),
        "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_all_processes_mb": round(mem.peak_mb, 1),
        "records_by_kind": {k: sum(v.values()) for k, v in stats["records"].items()},
        "legal_documents": stats["legal_documents"], "top_cited": stats["top_cited"][:5],
        "target": "35,150 articles in < 300 s with 2 workers",
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print("saved", save("ingest_scale" if args.limit is None else f"ingest_scale_{args.limit}", result))


if __name__ == "__main__":
    main()
