"""Where work runs: in this process, on ``--jobs`` processes, or on a Dask cluster.

An ``Executor`` maps a module-level function over items and returns the results in
input order, so the output is identical whatever runs it. It holds no results of
its own: callers get them back and keep what they need.

Two kinds of work use it: batches of independent items that can be sent anywhere
(the per-article stage, story summaries: ``map``), and work on data this process
already holds, which forked children inherit instead of being sent it
(``fork_map``: story highlights and pages).
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from threadpoolctl import threadpool_limits

from .errors import NewsdigestError


def one_blas_thread():
    """OpenBLAS (numpy's matrix products) at one thread in this process.

    The per-article ranker multiplies matrices of a few dozen sentences; OpenBLAS
    still hands them to its thread pool, whose threads spin while they wait. With
    ``--jobs 2`` on 2 cores each worker's BLAS threads fought the other worker for
    the cores: one thread each took the 10,000-article per-article stage from 16.5 s
    (31.6 s of CPU) to 10.8 s (20.7 s of CPU), the same output. Dask's workers are
    started with one BLAS thread already. As a context manager it restores the limit.
    """
    return threadpool_limits(limits=1, user_api="blas")


class SchedulerError(NewsdigestError):
    """The Dask scheduler cannot be used (not installed, not reachable)."""


@dataclass(frozen=True)
class Executor:
    """``jobs``: worker processes (1 = in this process). ``scheduler``: a Dask scheduler
    address (``tcp://host:8786``), which takes precedence over ``jobs``."""

    jobs: int = 1
    scheduler: str | None = None

    def map_batches(
        self, function: Callable[..., list], batches: Sequence[Sequence], *arguments: Any
    ) -> Iterator[Any]:
        """Every result of ``function(batch, *arguments)`` (a list per batch), in order, each
        batch as soon as it is done: the caller can store results while the next batches run."""
        if self.scheduler:
            for batch in _run_dask(self.scheduler, function, batches, arguments):
                yield from batch
        elif self.jobs <= 1 or len(batches) <= 1:
            with one_blas_thread():
                for batch in batches:
                    yield from function(batch, *arguments)
        else:
            with _pool(min(self.jobs, len(batches)), one_blas_thread) as pool:
                for batch in pool.map(function, batches, *[[a] * len(batches) for a in arguments]):
                    yield from batch

    def map(self, function: Callable, items: Sequence, *arguments: Any) -> list:
        """``[function(item, *arguments) for item in items]``, spread over the workers when
        there are enough items to pay for it."""
        if not items:
            return []
        if self.scheduler:
            return _run_dask(self.scheduler, function, items, arguments)
        if self.jobs <= 1 or len(items) < 2 * self.jobs:
            with one_blas_thread():
                return [function(item, *arguments) for item in items]
        with _pool(self.jobs, one_blas_thread) as pool:
            chunk = max(1, len(items) // (8 * self.jobs))
            return list(
                pool.map(function, items, *[[a] * len(items) for a in arguments], chunksize=chunk)
            )

    def fork_map(
        self,
        function: Callable[[int], Any],
        count: int,
        per_task: int,
        meanwhile: Callable[[], None] = lambda: None,
    ) -> list:
        """``[function(i) for i in range(count)]`` on forked processes, which inherit
        whatever ``function`` reads (nothing is pickled but positions and results),
        while this process runs ``meanwhile``.

        Where processes cannot be forked (Windows), with one job, or for fewer than two
        tasks' worth, everything runs here. Dask is not used: its workers do not hold
        this process's data.
        """
        global _FORKED
        if self.jobs <= 1 or count < 2 * per_task or "fork" not in mp.get_all_start_methods():
            meanwhile()
            return [function(i) for i in range(count)]
        _FORKED = function
        try:
            with _pool(self.jobs, context=mp.get_context("fork")) as pool:
                tasks = [
                    pool.submit(_run_forked, start, min(count, start + per_task))
                    for start in range(0, count, per_task)
                ]
                meanwhile()
                return [result for task in tasks for result in task.result()]
        finally:
            _FORKED = None


@contextmanager
def _pool(
    workers: int, initializer: Callable[[], Any] | None = None, context: Any = None
) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers never outlive this process.

    Each worker dies with its parent (``_start_worker``); and when the work here is
    interrupted (SIGTERM, Ctrl-C, an error, a caller that stops reading), the workers are
    stopped at once instead of finishing the batches queued for them.
    """
    context = context or mp.get_context()
    # A forkserver's workers are its children, not this process's.
    parent = os.getpid() if context.get_start_method() in ("fork", "spawn") else None
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(parent, initializer),
    )
    try:
        yield pool
    except BaseException:
        processes = list((pool._processes or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)
        raise
    pool.shutdown(wait=True)


# prctl(PR_SET_PDEATHSIG, signal): the signal Linux sends a process when its parent exits.
_PR_SET_PDEATHSIG = 1


def _start_worker(parent: int | None, initializer: Callable[[], Any] | None) -> None:
    """A worker's first step: it dies with ``parent``, even one killed with SIGKILL.

    On Linux the kernel sends it SIGKILL when the parent exits (PR_SET_PDEATHSIG); elsewhere
    a thread checks every second that the parent is still there. A forked worker starts with
    the parent's signal handlers: SIGTERM goes back to ending it, and Ctrl-C (sent to the
    whole process group) is left to the parent, which stops its workers.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _kernel_kills_orphans() and parent is not None:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if parent is not None and os.getppid() != parent:  # it died before the kernel was told
        os._exit(1)
    if initializer is not None:
        initializer()


def _kernel_kills_orphans() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


_FORKED: Callable[[int], Any] | None = None  # what forked workers run (inherited, never pickled)


def _run_forked(start: int, stop: int) -> list:
    assert _FORKED is not None
    return [_FORKED(i) for i in range(start, stop)]


def _client(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError("--scheduler needs Dask: pip install 'newsdigest[dask]'") from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as error:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {error}") from None


def _run_dask(address: str, function: Callable, items: Sequence, arguments: tuple) -> list:
    with _client(address) as client:
        return client.gather(
            client.map(function, items, *[[a] * len(items) for a in arguments], pure=False)
        )
