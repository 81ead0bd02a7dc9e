"""Ingest throughput at scale: the 35,150 articles of the scale corpus into a fresh store.

Runs the same `nlp.ingest.ingest` code path as `solieu ingest` (worker processes, one
transaction per document) and records: documents/s, total time, records, near-duplicates,
database size, peak memory (the ingest process, and all its processes together, sampled
from /proc every 0.2 s). Target (issue 3): the whole corpus under 5 minutes with 2 workers.

    python bench/ingest_scale.py [--workers 2] [--limit N] [--db bench/results/scale.db | --db postgresql://...]
                                 [--scheduler local | --scheduler tcp://HOST:PORT] [--name NAME]

`--limit N` ingests only the first N articles (written to a temporary collection).
`--db` a PostgreSQL URL: its store (the tables of the URL's schema) is emptied first.
`--scheduler`: extraction on a Dask cluster (`local`: a LocalCluster of `--workers`
processes started here, so its scheduler and workers count in the peak memory) instead
of the local process pool. The result goes to bench/results/NAME.json (default
ingest_scale, or ingest_scale_<backend>_<executor> when --db or --scheduler says so).
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
        self.loads: list[float] = []  # 1-minute load average every 10 s: the machine is shared

    def run(self) -> None:
        n = 0
        while not self.stop.wait(0.2):
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(os.getpid()))
            if n % 50 == 0:
                self.loads.append(os.getloadavg()[0])
            n += 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--db", default=str(RESULTS / "scale.db"), help="an SQLite file or a postgresql:// URL")
    ap.add_argument("--scheduler", default=None, help="local | tcp://HOST:PORT: extract on Dask")
    ap.add_argument("--name", default=None, help="result file name (bench/results/NAME.json)")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args()

    from nlp.ingest import ingest
    from nlp.store import is_postgres, open_store

    postgres = is_postgres(args.db)
    if postgres:
        _empty_postgres(args.db)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        Path(args.db).parent.mkdir(parents=True, exist_ok=True)
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
    report = ingest(args.db, [source], workers=args.workers, progress=not args.no_progress, scheduler=args.scheduler)
    seconds = time.perf_counter() - t0
    mem.stop.set()
    mem.join()
    if tmp is not None:
        os.unlink(tmp.name)

    with open_store(args.db) as s:
        s.checkpoint()  # the WAL into the main file, so db_bytes is the whole database
        stats = s.stats()
        db_bytes = s.size_bytes() if postgres else Path(args.db).stat().st_size  # type: ignore[attr-defined]
    docs = report["new"] + report["updated"] + report["unchanged"]
    backend = "postgresql" if postgres else "sqlite"
    executor = "dask" if args.scheduler else "pool"
    result = {
        "corpus": str(SCALE.name), "limit": args.limit, "workers": args.workers,
        "backend": backend, "executor": executor,
        "scheduler": ("LocalCluster (scheduler + %d worker processes)" % args.workers if args.scheduler == "local"
                      else args.scheduler),
        "documents": docs, "failed": len(report["failed"]), "failed_examples": report["failed"][:5],
        "records": report["records"], "near_duplicates": report["duplicates"],
        "seconds": round(seconds, 1),
        "extract_cpu_seconds": report["extract_cpu_seconds"],
        "extract_cpu_ms_per_doc": round(1000 * report["extract_cpu_seconds"] / max(1, report["new"] + report["updated"]), 1),
        "store_seconds": report["store_seconds"],
        "store_ms_per_doc": round(1000 * report["store_seconds"] / max(1, report["new"] + report["updated"]), 2),
        "load_average_at_end": os.getloadavg(),
        "load_average_1min_during": {"mean": round(sum(mem.loads) / len(mem.loads), 2) if mem.loads else None,
                                     "max": round(max(mem.loads), 2) if mem.loads else None}, "docs_per_second": round(docs / seconds, 1) if seconds else None,
        "db_bytes": db_bytes, "db_mb": round(db_bytes / 2**20, 1),
        "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_all_processes_mb": round(mem.peak_mb, 1),
        "records_by_kind": {k: sum(v.values()) for k, v in stats["records"].items()},
        "legal_documents": stats["legal_documents"], "top_cited": stats["top_cited"][:5],
        "target": "35,150 articles in < 300 s with 2 workers",
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    name = args.name or ("ingest_scale" + ("" if not (postgres or args.scheduler) else f"_{backend}_{executor}")
                         + ("" if args.limit is None else f"_{args.limit}"))
    print("saved", save(name, result))


def _empty_postgres(url: str) -> None:
    """Drop the store's tables in the URL's schema (a fresh store, as a deleted file is for SQLite)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        schema = conn.execute("SELECT current_schema()").fetchone()[0]
        if schema is None:
            raise SystemExit(f"{url}: the search_path names no existing schema")
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')


if __name__ == "__main__":
    main()
