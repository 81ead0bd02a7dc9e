"""Several processes on one PostgreSQL store at once: writers adding documents, reviewers
reviewing the same few records, for a fixed time; then the check that no update was lost.

    python bench/pg_concurrency.py --db postgresql://... [--processes 8] [--writers 2] [--seconds 60]

Set-up: the bundled corpus is stored in the URL's schema (emptied first). Then
`--processes` processes start together (spawned, each with its own connection, as two
app servers' sessions and an ingest would be): `--writers` of them add documents (the
bundled articles again under new ids, with their records); the others are reviewers
that, in a loop, read one of a small set of HOT records and save a correction with the
version they read (accept / reject / correct at random). Many of those saves race: the
loser must get ConflictError, never overwrite.

A lost update would show as two saves accepted on the same version of a record, as a
version that skipped or repeated, as a log entry without a save, or as a final record
that is not what its last accepted save wrote. The checks below count each of those;
errors are any exception other than a ConflictError. -> bench/results/pg_concurrency.json
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import save  # noqa: E402

HOT = 40  # records every reviewer fights over
STATUS = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}


def _reset(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        schema = conn.execute("SELECT current_schema()").fetchone()[0]
        if schema is None:
            raise SystemExit(f"{url}: the search_path names no existing schema")
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')


def _setup(url: str) -> list[int]:
    from nlp.ingest import ensure_bundled_corpus
    from nlp.store import open_store

    _reset(url)
    with open_store(url) as s:
        ensure_bundled_corpus(s)
        recs = s.list_records(kind="figure", order="rid")
    random.Random(0).shuffle(recs)
    return sorted(r["rid"] for r in recs[:HOT])


def _source_documents(url: str) -> list[tuple]:
    from nlp.readers import Document
    from nlp.store import open_store

    out = []
    with open_store(url, readonly=True) as s:
        for d in s.list_documents(limit=1000):
            full = s.get_document(d["id"])
            doc = Document(id=full["id"], text=full["text"], path=full["path"], title=full["title"],
                           date=full["date"], source=full["source"], sha256=full["sha256"])
            out.append((doc, s.list_records(doc=d["id"], order="position")))
    return out


def writer(url: str, me: int, start_at: float, seconds: float, out) -> None:
    from dataclasses import replace

    from nlp.store import open_store

    docs = _source_documents(url)
    stats = {"role": "writer", "id": me, "written": 0, "errors": [], "latency_ms": []}
    with open_store(url) as s:
        time.sleep(max(0.0, start_at - time.time()))
        n = 0
        while time.time() < start_at + seconds:
            doc, recs = docs[n % len(docs)]
            t0 = time.perf_counter()
            try:
                s.add_document(replace(doc, id=f"w{me}-{n}-{doc.id}"), recs)
                stats["written"] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                stats["errors"].append(f"{type(exc).__name__}: {exc}")
            stats["latency_ms"].append((time.perf_counter() - t0) * 1000)
            n += 1
    out.put(stats)


def reviewer(url: str, me: int, hot: list[int], start_at: float, seconds: float, out) -> None:
    from nlp.store import ConflictError, open_store

    rng = random.Random(me)
    who = f"reviewer-{me}"
    saves: list[dict] = []  # every save the store accepted: what it was based on and what it wrote
    stats = {"role": "reviewer", "id": me, "saved": 0, "conflicts": 0, "errors": [], "latency_ms": []}
    with open_store(url) as s:
        time.sleep(max(0.0, start_at - time.time()))
        while time.time() < start_at + seconds:
            rid = rng.choice(hot)
            t0 = time.perf_counter()
            try:
                seen = s.get_record(rid)
                action = rng.choice(("accept", "reject", "correct", "correct"))
                changes = {"value": rng.randint(1, 10**6)} if action == "correct" else None
                s.review(rid, action, reviewer=who, expected_version=seen["version"], changes=changes)
                # What this save wrote (what the store returns afterwards may already be a later save).
                saves.append({"rid": rid, "based_on": seen["version"], "version": seen["version"] + 1,
                              "status": STATUS[action], "reviewer": who,
                              "value": float(changes["value"]) if changes else seen["value"]})
                stats["saved"] += 1
            except ConflictError:
                stats["conflicts"] += 1
            except Exception as exc:  # noqa: BLE001
                stats["errors"].append(f"{type(exc).__name__}: {exc}")
            stats["latency_ms"].append((time.perf_counter() - t0) * 1000)
    stats["saves"] = saves
    out.put(stats)


def _check(url: str, hot: list[int], saves: list[dict]) -> dict:
    """Lost updates, counted four ways (all must be 0)."""
    from nlp.store import open_store

    by_rid: dict[int, list[dict]] = {}
    for sv in saves:
        by_rid.setdefault(sv["rid"], []).append(sv)
    same_base = skipped = not_last = log_mismatch = 0
    with open_store(url, readonly=True) as s:
        for rid in hot:
            mine = sorted(by_rid.get(rid, []), key=lambda x: x["version"])
            bases = [x["based_on"] for x in mine]
            same_base += len(bases) - len(set(bases))  # two saves accepted on one version
            versions = [x["version"] for x in mine]
            skipped += sum(1 for a, b in zip(versions, versions[1:]) if b != a + 1)  # a save lost in between
            rec = s.get_record(rid)
            if mine:
                last = mine[-1]
                if (rec["version"], rec["status"], rec["reviewer"], rec["value"]) != (
                        last["version"], last["status"], last["reviewer"], last["value"]):
                    not_last += 1  # the stored record is not what its last accepted save wrote
            log = [e for e in s.review_log(rid) if e["action"] != "carry"]
            if len(log) != len(mine) or rec["version"] != 1 + len(mine):
                log_mismatch += 1
    return {"saves_on_the_same_version": same_base, "version_gaps": skipped,
            "final_record_not_the_last_save": not_last, "log_or_version_count_mismatch": log_mismatch}


def _pct(xs: list[float], q: int) -> float | None:
    if not xs:
        return None
    return round(statistics.quantiles(xs, n=100, method="inclusive")[q - 1] if len(xs) > 1 else xs[0], 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="postgresql:// URL (its schema is emptied)")
    ap.add_argument("--processes", type=int, default=8)
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=60.0)
    args = ap.parse_args()

    hot = _setup(args.db)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start_at = time.time() + 15  # every process connected and warm before the clock starts
    procs = []
    for i in range(args.processes):
        if i < args.writers:
            p = ctx.Process(target=writer, args=(args.db, i, start_at, args.seconds, out))
        else:
            p = ctx.Process(target=reviewer, args=(args.db, i, hot, start_at, args.seconds, out))
        p.start()
        procs.append(p)
    results = [out.get(timeout=args.seconds + 300) for _ in procs]
    for p in procs:
        p.join(60)
    saves = [sv for r in results for sv in r.get("saves", [])]
    lost = _check(args.db, hot, saves)
    writers = [r for r in results if r["role"] == "writer"]
    reviewers = [r for r in results if r["role"] == "reviewer"]
    review_lat = [x for r in reviewers for x in r["latency_ms"]]
    write_lat = [x for r in writers for x in r["latency_ms"]]
    errors = [e for r in results for e in r["errors"]]
    result = {
        "processes": args.processes, "writers": args.writers, "reviewers": len(reviewers), "seconds": args.seconds,
        "hot_records": len(hot),
        "documents_written": sum(r["written"] for r in writers),
        "documents_per_second": round(sum(r["written"] for r in writers) / args.seconds, 1),
        "reviews_saved": sum(r["saved"] for r in reviewers),
        "reviews_per_second": round(sum(r["saved"] for r in reviewers) / args.seconds, 1),
        "conflicts_told": sum(r["conflicts"] for r in reviewers),
        "review_ms_p50": _pct(review_lat, 50), "review_ms_p95": _pct(review_lat, 95),
        "write_ms_p50": _pct(write_lat, 50), "write_ms_p95": _pct(write_lat, 95),
        "errors": len(errors), "error_examples": errors[:5],
        "lost_updates": sum(lost.values()), "lost_update_checks": lost,
        "exit_codes": [p.exitcode for p in procs],
        "load_average": os.getloadavg(),
        "target": "8 writers/reviewers for 60 s: 0 lost updates, 0 errors",
    }
    print(json.dumps(result, indent=2))
    print("saved", save("pg_concurrency", result))
    if result["lost_updates"] or result["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
