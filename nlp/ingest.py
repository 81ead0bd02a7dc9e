"""Batch ingest: files, folders and .jsonl(.gz) collections -> records -> the store.

    ingest(store_path, paths, *, workers=None, progress=True, progress_cb=None, scheduler=None) -> dict
        report {"new", "updated", "unchanged", "duplicates", "records", "flagged",
                "failed": [(name, reason)], "retried" (documents of a worker that died),
                "versions": [{"doc", "version", "previous", "carried", "flagged"}] (a changed
                document is stored as a new version; the one before stays as `previous`),
                "seconds", "extract_cpu_seconds", "store_seconds"}
    ensure_bundled_corpus(store, progress_cb=None) -> int     # docs added on first start
    progress_cb(done, total, name) is called after each input.

How it runs. The main process walks the inputs, skips what the store already holds
(same id and sha256: nothing is extracted again, which is also how a killed ingest
resumes), and hands documents in small batches to worker processes (`workers`,
default all cores; 1 = in this process). Workers read the file, extract the records
and compute the folded text and near-duplicate signature; the main process alone
writes, one transaction per document, so a kill leaves no half-written document.
A bad file or line is reported and skipped. A worker that dies (crash, OOM, kill) is
replaced; the documents it held are retried one at a time, and one that takes a worker
down again is reported as failed, so one poisonous input cannot stop a corpus.
"""
from __future__ import annotations

import gzip
import io
import json
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterator

from .store import Store, StoreError, ValidationError, open_store, prepare
from .store.prepared import with_catalogue_aliases
from .readers import (SUPPORTED_EXTENSIONS, TEXT_EXTENSIONS, Document, DocumentError, document_from_text,
                      find_date_line, mark_ocr_records, read_document)

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ("corpus/seeds", "corpus/extra")
COLLECTIONS = (".jsonl", ".jsonl.gz")
BATCH = 8  # documents per worker call: amortises pickling/IPC, small enough to keep workers busy
WINDOW = 4  # batches in flight per worker

ProgressCb = Callable[..., Any]


@dataclass(frozen=True)
class Task:
    name: str  # what a report names: the path, or `collection.jsonl.gz:LINE`
    path: str | None = None  # a file to read in the worker
    doc: Document | None = None  # a document already read (collection lines)
    known_sha: str | None = None  # sha256 stored for this id, if any


# ---------------------------------------------------------------- inputs
def _is_collection(p: Path) -> bool:
    return p.name.lower().endswith(COLLECTIONS)


def _files(paths: list[str | Path]) -> Iterator[Path]:
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts) and (
                        f.suffix.lower() in SUPPORTED_EXTENSIONS or _is_collection(f)):
                    yield f
        else:
            yield p  # a missing or unsupported file is reported by the reader


def _open_text(p: Path) -> io.TextIOBase:
    raw = gzip.open(p, "rb") if p.name.lower().endswith(".gz") else open(p, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8", errors="strict")


def count_inputs(paths: list[str | Path], limit: int | None = None) -> int:
    """Number of documents the inputs hold (collection lines counted, at most `limit` of
    each): the progress total."""
    n = 0
    for f in _files(paths):
        if _is_collection(f):
            try:
                with (gzip.open(f, "rb") if f.name.lower().endswith(".gz") else open(f, "rb")) as fh:
                    lines = 0
                    for line in fh:
                        if line.strip():
                            lines += 1
                            if limit is not None and lines >= limit:
                                break
                    n += lines
            except (OSError, EOFError):
                n += 1
        else:
            n += 1
    return n


def _collection_docs(p: Path, limit: int | None = None) -> Iterator[tuple[str, Document | None, str | None]]:
    """(name, document, None) per line of a .jsonl(.gz) collection, or (name, None, reason);
    `limit`: only its first `limit` (non-blank) lines."""
    try:
        with _open_text(p) as fh:
            seen = 0
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                if limit is not None and seen >= limit:
                    break
                seen += 1
                name = f"{p}:{lineno}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield name, None, f"invalid JSON ({exc.msg})"
                    continue
                if not isinstance(obj, dict) or obj.get("id") in (None, "") or not isinstance(obj.get("text"), str):
                    yield name, None, "a collection line needs an `id` and a `text`"
                    continue
                if not obj["text"].strip():
                    yield name, None, "empty text"
                    continue
                title = obj.get("title") if isinstance(obj.get("title"), str) else None
                source = obj.get("source") if isinstance(obj.get("source"), str) else None
                doc = document_from_text(obj["text"], doc_id=str(obj["id"]), title=title, source=source)
                date = obj.get("date") if isinstance(obj.get("date"), str) and obj.get("date") else None
                yield name, replace(doc, path=str(p), date=date or find_date_line(doc.text)), None
    except FileNotFoundError:
        yield str(p), None, "file not found"
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        yield str(p), None, f"cannot read the collection ({type(exc).__name__}: {exc})"


def iter_tasks(paths: list[str | Path], known: dict[str, str],
               on_skip: Callable[[str, str, str | None], None], limit: int | None = None) -> Iterator[Task]:
    """Tasks for the workers; what needs no worker (unchanged lines, bad lines) goes to on_skip.
    `limit`: at most the first `limit` documents of each collection."""
    for f in _files(paths):
        if f.suffix.lower() in TEXT_EXTENSIONS and f.is_file():
            # Plain text is cheap to read here: an unchanged file then costs no worker at all
            # (a resumed ingest only starts workers for what is left to do).
            try:
                doc = read_document(f)
            except DocumentError as exc:
                on_skip("failed", str(f), exc.reason)
                continue
            if known.get(doc.id) == doc.sha256:
                on_skip("unchanged", doc.id, None)
            else:
                yield Task(name=str(f), doc=doc, known_sha=known.get(doc.id))
            continue
        if not _is_collection(f):
            yield Task(name=str(f), path=str(f), known_sha=known.get(f.stem))
            continue
        for name, doc, reason in _collection_docs(f, limit):
            if doc is None:
                on_skip("failed", name, reason)
            elif known.get(doc.id) == doc.sha256:
                on_skip("unchanged", doc.id, None)
            else:
                yield Task(name=name, doc=doc, known_sha=known.get(doc.id))


# ---------------------------------------------------------------- worker side
def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


def process(task: Task) -> tuple:
    """Read + extract one document (runs in a worker). Never raises."""
    from .pipeline import extract

    try:
        doc = task.doc if task.doc is not None else read_document(task.path)  # type: ignore[arg-type]
    except DocumentError as exc:
        return ("failed", task.name, exc.reason)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not take the batch down
        return ("failed", task.name, f"cannot read: {_one_line(exc)}")
    if task.known_sha is not None and task.known_sha == doc.sha256:
        return ("unchanged", task.name, doc.id)
    cpu = time.process_time()
    try:
        records = [r.to_dict() for r in mark_ocr_records(doc, extract(doc.text, source_date=doc.date))]
    except Exception as exc:  # noqa: BLE001 - extract promises not to raise; if it does, report it
        return ("failed", task.name, f"extraction failed: {_one_line(exc)}")
    prepared = prepare(doc.text)
    return ("ok", task.name, doc, records, prepared, time.process_time() - cpu)


def process_batch(tasks: list[Task]) -> list[tuple]:
    return [process(t) for t in tasks]


def _init_worker() -> None:
    # Ctrl-C is the main process's to handle (it stops the pool); workers just end with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Pay the model loading once per worker, before the first document.
    from .pipeline import warm_up

    warm_up()


# ---------------------------------------------------------------- main side
class _Run:
    """Counters of one ingest, and the one place results are written to the store."""

    def __init__(self, store: Store, total: int, progress: bool, progress_cb: ProgressCb | None):
        from tqdm import tqdm

        self.store = store
        self.report: dict[str, Any] = {"new": 0, "updated": 0, "unchanged": 0, "duplicates": 0,
                                       "records": 0, "flagged": 0, "failed": [], "retried": 0, "versions": [],
                                       # where the time goes: CPU of extraction (all workers), writing
                                       "extract_cpu_seconds": 0.0, "store_seconds": 0.0}
        self.total, self.done = total, 0
        self.cb = progress_cb
        self.bar = tqdm(total=total or None, unit="doc", desc="ingest", disable=not progress,
                        file=sys.stderr, dynamic_ncols=True)

    def tick(self, name: str) -> None:
        self.done += 1
        self.bar.update(1)
        if self.cb is not None:
            try:
                self.cb(self.done, max(self.total, self.done), name)
            except Exception:  # noqa: BLE001 - a broken progress display must not stop the ingest
                pass

    def skip(self, status: str, name: str, reason: str | None) -> None:
        if status == "failed":
            self.report["failed"].append((name, reason))
        else:
            self.report[status] += 1
        self.tick(name)

    def result(self, res: tuple) -> None:
        kind, name = res[0], res[1]
        if kind == "failed":
            self.report["failed"].append((name, res[2]))
        elif kind == "unchanged":
            self.report["unchanged"] += 1
        else:
            _, _, doc, records, prepared, cpu = res
            self.report["extract_cpu_seconds"] += cpu
            t0 = time.perf_counter()
            try:
                records = with_catalogue_aliases(self.store, records)  # `Đề án 06` -> the id other texts gave
                out = self.store.add_document(doc, records, prepared=prepared)
            except ValidationError as exc:  # this document cannot be stored so (an earlier version's id)
                self.report["failed"].append((name, f"cannot store: {exc}"))
            except StoreError:
                raise  # the store itself is unusable (locked, read-only, full): stop, say why
            except Exception as exc:  # noqa: BLE001 - malformed records of one document
                self.report["failed"].append((name, f"cannot store: {_one_line(exc)}"))
            else:
                self.report["store_seconds"] += time.perf_counter() - t0
                self.report[out["status"]] += 1
                if out["status"] == "updated":
                    self.report["versions"].append({k: out.get(k) for k in
                                                    ("doc", "version", "previous", "carried", "flagged")})
                if out["status"] != "unchanged":
                    self.report["records"] += out["records"]
                    self.report["flagged"] += out["flagged"]
                    self.report["duplicates"] += bool(out["duplicate_of"])
        self.tick(name)

    def close(self) -> None:
        self.bar.close()


def _batches(tasks: Iterator[Task], size: int) -> Iterator[list[Task]]:
    batch: list[Task] = []
    for t in tasks:
        batch.append(t)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: workers start from a clean process (no inherited SQLite handle, no threads
    # of a host such as Streamlit), with the pipeline modules preloaded once.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["nlp.pipeline", "nlp.store", "nlp.segment", "nlp.legal", "nlp.figures",
                                "nlp.indicators", "nlp.roles", "nlp.leftovers", "underthesea"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker)


def _run_parallel(run: _Run, tasks: Iterator[Task], workers: int) -> None:
    # Small inputs get small batches, so that every worker has a share.
    batches = _batches(tasks, min(BATCH, max(1, run.total // (workers * WINDOW))))
    retry: deque[Task] = deque()  # documents of a crashed worker: retried alone, one at a time
    pending: dict[Future, tuple[list[Task], bool]] = {}
    pool: ProcessPoolExecutor | None = None  # started on the first document that needs a worker

    def submit(batch: list[Task], is_retry: bool) -> None:
        nonlocal pool
        pool = pool or _pool(workers)
        try:
            pending[pool.submit(process_batch, batch)] = (batch, is_retry)
        except BrokenProcessPool:
            # A worker died between two waits: the pool refuses new work before any of its
            # futures reports the crash. The batch waits for the fresh pool like the others.
            retry.append(batch[0]) if is_retry else retry.extend(batch)
            if not is_retry:
                run.report["retried"] += len(batch)

    try:
        exhausted = False
        while True:
            if retry and not pending:
                submit([retry.popleft()], True)
            in_retry = any(is_retry for _, is_retry in pending.values())
            while not retry and not in_retry and not exhausted and len(pending) < workers * WINDOW:
                batch = next(batches, None)
                if batch is None:
                    exhausted = True
                    break
                submit(batch, False)
            if not pending:
                if retry and pool is not None and getattr(pool, "_broken", False):
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = None
                    continue
                if retry:
                    continue
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                batch, is_retry = pending.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    broken = True
                    if is_retry:
                        run.result(("failed", batch[0].name, "a worker process died on this document (crash or out of memory)"))
                    else:
                        retry.extend(batch)
                        run.report["retried"] += len(batch)
                    continue
                for res in results:
                    run.result(res)
            if broken:
                for batch, is_retry in pending.values():
                    retry.extend(batch)  # innocent bystanders of the crash: retried too
                    run.report["retried"] += len(batch)
                pending.clear()
                if pool is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
                pool = None
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _ingest_into(store: Store, paths: list[str | Path], *, workers: int | None, progress: bool,
                 progress_cb: ProgressCb | None, scheduler: str | None = None, limit: int | None = None) -> dict:
    t0 = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    run = _Run(store, count_inputs(paths, limit), progress, progress_cb)
    try:
        tasks = iter_tasks(paths, store.known_hashes(), run.skip, limit)
        if scheduler:  # the same process() on a Dask cluster (nlp/ingest_dask.py)
            from .ingest_dask import run_on_dask

            run_on_dask(run, tasks, scheduler, workers)
        elif workers == 1:
            for t in tasks:
                run.result(process(t))
        else:
            _run_parallel(run, tasks, workers)
    finally:
        run.close()
    run.report["seconds"] = round(time.perf_counter() - t0, 3)
    for k in ("extract_cpu_seconds", "store_seconds"):
        run.report[k] = round(run.report[k], 3)
    return run.report


def ingest(store_path: str | Path | None, paths: list[str | Path], *, workers: int | None = None,
           progress: bool = True, progress_cb: ProgressCb | None = None, scheduler: str | None = None,
           limit: int | None = None) -> dict:
    """Ingest files, folders and .jsonl(.gz) collections into the store at `store_path`
    (a file or a postgresql:// URL); `scheduler` ("local" or tcp://HOST:PORT) runs the
    extraction on a Dask cluster instead of the local pool (nlp/ingest_dask.py); `limit`
    takes only the first `limit` documents of each .jsonl(.gz) collection."""
    store = open_store(store_path)
    try:
        return _ingest_into(store, paths, workers=workers, progress=progress, progress_cb=progress_cb,
                            scheduler=scheduler, limit=limit)
    finally:
        store.close()


def ensure_bundled_corpus(store: Store, progress_cb: ProgressCb | None = None) -> int:
    """First start: an empty store gets corpus/seeds + corpus/extra (in this process); returns docs added."""
    if store.count_documents() > 0:
        return 0
    dirs = [REPO_ROOT / d for d in BUNDLED if (REPO_ROOT / d).is_dir()]
    if not dirs:
        return 0
    report = _ingest_into(store, dirs, workers=1, progress=False, progress_cb=progress_cb)
    return report["new"] + report["updated"]
