"""Ingest on a Dask cluster: the same per-document function as the local pool, on `dask.distributed`.

    solieu ingest --scheduler tcp://HOST:8786 corpus.jsonl.gz   # an existing cluster
    solieu ingest --scheduler local --workers 2 corpus.jsonl.gz # a LocalCluster (processes) here

What stays as in nlp/ingest.py: the inputs are walked here and what the store already
holds (same id and sha256) is skipped before anything is sent, so a rerun resumes;
`nlp.ingest.process_batch` (read, extract, fold, MinHash: plain picklable data, no
database) runs on the workers; results stream back (`as_completed`, a bounded window of
batches in flight) to the one writer, `_Run.result`, which stores each document in its
own transaction and moves the progress bar.

A worker that dies (crash, out of memory, kill): Dask reschedules the tasks it held. A
batch that still fails with KilledWorker (with `--scheduler local` at once: the local
cluster allows no retry of its own, as the local pool) is split, and its documents are
retried one at a time, alone on the cluster; one that takes a worker down again is
reported as failed, the others are stored. Every document is stored exactly once:
storing is idempotent by id and sha256, and only the writer stores.

The workers need solieu installed (its rules and model files ship in the package) and
nothing else; dask[distributed] is in the `scale` extra: pip install "solieu[scale]".
"""
from __future__ import annotations

import logging
from collections import deque
from typing import Any, Iterator

from .ingest import BATCH, WINDOW, Task, _batches, _Run, process_batch

LOCAL = "local"
_DIED = "a worker process died on this document (crash or out of memory)"


class SchedulerError(Exception):
    """The Dask cluster cannot be used (unreachable scheduler, no workers, dask missing): one line."""


def _worker_plugin() -> Any:
    from distributed import WorkerPlugin

    class WarmUp(WorkerPlugin):
        """Load the models once per worker process (also a restarted one), before its first task."""

        name = "solieu-warm-up"

        def setup(self, worker: Any) -> None:
            from .pipeline import warm_up

            warm_up()

    return WarmUp()


def connect(scheduler: str, workers: int) -> tuple[Any, Any]:
    """(client, cluster or None) for `scheduler`: "local" starts a LocalCluster of `workers` processes."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise SchedulerError(f"ingest on Dask needs dask.distributed ({exc}); "
                             "install it with: pip install \"solieu[scale]\"") from None
    if scheduler == LOCAL:
        # No retry of its own: a batch whose worker died comes back as KilledWorker at once
        # and is retried document by document here, as the local pool does.
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            try:
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
            except Exception as exc:  # noqa: BLE001 - ports, /tmp, spawn failures: one line
                raise SchedulerError(f"cannot start a local Dask cluster ({type(exc).__name__}: {exc})") from None
        client = Client(cluster)
    else:
        address = scheduler if "://" in scheduler else f"tcp://{scheduler}"
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(f"{scheduler}: cannot reach the Dask scheduler "
                                 f"({' '.join(str(exc).split())[:200] or type(exc).__name__})") from None
        cluster = None
        try:
            client.wait_for_workers(1, timeout=60)
        except (TimeoutError, OSError):
            client.close()
            raise SchedulerError(f"{scheduler}: no Dask worker joined the scheduler within 60 s") from None
    try:
        client.register_plugin(_worker_plugin())
    except Exception:  # noqa: BLE001 - an old scheduler without plugins: workers warm up on their first task
        pass
    return client, cluster


def run_on_dask(run: _Run, tasks: Iterator[Task], scheduler: str, workers: int) -> None:
    """Map nlp.ingest.process_batch over `tasks` on the cluster; `run` stores every result."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    client, cluster = None, None
    batches: Iterator[list[Task]] | None = None
    retry: deque[Task] = deque()  # documents of a dead worker: retried alone, one at a time
    pending: dict[Any, tuple[list[Task], bool]] = {}
    done_iter: Any = None

    def submit(batch: list[Task], is_retry: bool) -> None:
        fut = client.submit(process_batch, batch, pure=False)
        pending[fut] = (batch, is_retry)
        done_iter.add(fut)

    def fill() -> None:
        nonlocal batches
        if retry:
            if not pending:  # the cluster is idle: the next suspect runs alone
                submit([retry.popleft()], True)
            return
        while len(pending) < slots * WINDOW:
            if batches is None:
                return
            batch = next(batches, None)
            if batch is None:
                batches = None
                return
            submit(batch, False)

    first = next(tasks, None)
    if first is None:
        return  # nothing to extract (all unchanged): no cluster needed
    try:
        client, cluster = connect(scheduler, workers)
        slots = max(1, sum(client.nthreads().values()))
        done_iter = as_completed()

        def all_tasks() -> Iterator[Task]:
            yield first
            yield from tasks

        batches = _batches(all_tasks(), min(BATCH, max(1, run.total // (slots * WINDOW))))
        fill()
        while pending:
            fut = next(done_iter)
            batch, is_retry = pending.pop(fut)
            try:
                results = fut.result()
            except KilledWorker:
                if is_retry:
                    run.result(("failed", batch[0].name, _DIED))
                else:
                    retry.extend(batch)
                    run.report["retried"] += len(batch)
                results = []
            except Exception as exc:  # noqa: BLE001 - the cluster itself failed (scheduler gone, ...)
                raise SchedulerError(f"{scheduler}: the Dask cluster failed "
                                     f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); "
                                     "run the same command again to resume") from None
            finally:
                fut.release()
            for res in results:
                run.result(res)
            fill()
    finally:
        for fut in pending:
            fut.cancel()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
