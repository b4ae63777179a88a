"""One interface for many independent solves: a process pool here, Dask (or Ray) elsewhere.

Sweeps, ladders and (later) option searches and robustness samples are lists of
independent jobs. They all go through :func:`run_all`, which returns the results in
the order of the jobs, whoever ran them:

- ``workers=1`` or a single job: in this process, one after the other;
- otherwise a :class:`concurrent.futures.ProcessPoolExecutor` with ``workers``
  processes, started with ``spawn`` so that no solver thread pool is copied
  half-initialised into a child. By default (``workers=None``) every core, once the
  first job, run here, shows the rest to be worth starting the pool for;
- or any object with the :class:`Executor` protocol passed as ``executor=``: the
  ``submit`` method of :mod:`concurrent.futures` executors (a
  :class:`~concurrent.futures.ProcessPoolExecutor` must not fork: one whose
  ``mp_context`` is ``fork`` is refused with a :class:`ValueError`). That is how a study
  outgrows one machine without cluster code of our own:

  * Dask: ``executor = distributed.Client(address).get_executor()``, or
    :func:`scheduler_engine` with an address (``--scheduler`` on the command line,
    or the :data:`SCHEDULER_ENV` environment variable);
  * Ray: a three-line adapter whose ``submit(fn, item)`` returns
    ``ray.remote(fn).remote(item).future()`` (a Ray object reference turned into a
    :class:`concurrent.futures.Future`).

The job function must be defined at module level (so a child process, or a remote
worker, can import it by name) and the jobs must pickle. Every job is independent
and carries all it needs, so the results are the same whatever ran them and however
many workers there were.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from typing import Any, Protocol, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

T = TypeVar("T")
R = TypeVar("R")

#: Start method of the default pool: a fresh interpreter per worker (no forked threads).
START_METHOD = "spawn"
#: With the default workers, a pool starts only for work longer than this (seconds,
#: estimated from the first job): starting spawned workers costs a second or two.
MIN_POOL_SECONDS = 4.0
#: Environment variable naming a Dask scheduler (``tcp://host:8786``) when no
#: ``scheduler`` is given; blank or unset means the local process pool.
SCHEDULER_ENV = "DEFPLAN_SCHEDULER"


class Executor(Protocol):
    """What :func:`run_all` needs from an engine: concurrent.futures' ``submit``."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Start ``fn(*args, **kwargs)`` on the engine and return its future."""
        ...


@contextlib.contextmanager
def scheduler_engine(address: str | None = None) -> Iterator[Executor | None]:
    """The executor of a Dask distributed scheduler for :func:`run_all`, or None.

    ``address`` (else the :data:`SCHEDULER_ENV` environment variable) names a running
    scheduler; with neither, yields None and :func:`run_all` uses its process pool.
    The client is closed on leaving; the cluster is not ours to stop.
    """
    chosen = address or os.environ.get(SCHEDULER_ENV, "").strip() or None
    if chosen is None:
        yield None
        return
    from distributed import Client

    with Client(chosen, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        yield client.get_executor(pure=False)


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _progress(enabled: bool) -> Progress | None:
    if not enabled:
        return None
    return Progress(
        TextColumn("{task.description}", markup=False),  # a label may hold an input id
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )


def run_all(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int | None = None,
    description: str = "",
    progress: bool = True,
    executor: Executor | None = None,
) -> Ran[R]:
    """``[fn(item) for item in items]``, run on every core, in the order of ``items``;
    the list's ``ran_on`` says what ran them (:class:`Ran`).

    ``workers`` None means every core when the work is worth it: the first job runs
    here, and the pool starts only if the others would take more than
    :data:`MIN_POOL_SECONDS` one after the other. An explicit ``workers`` above 1
    always uses a pool; 1 (or a single item) runs in this process.
    ``executor`` hands the jobs to another engine (see the module docstring); it is
    not shut down here. ``progress`` shows a rich progress bar on stderr. An
    exception raised by a job is raised here, after the jobs not yet started are
    cancelled.
    """
    jobs = list(items)
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be 1 or more (got {workers})")
    count = workers if workers is not None else default_workers()
    bar = _progress(progress and bool(jobs))
    with bar if bar is not None else nullcontext():
        task = bar.add_task(description or "solving", total=len(jobs)) if bar else None
        results: list[R] = []
        if executor is not None:
            _refuse_forking_pool(executor)
            return Ran(_collect(executor, fn, jobs, bar, task), engine_name(executor))
        if count == 1 or len(jobs) <= 1:
            return Ran(_run_here(fn, jobs, results, bar, task), HERE)
        if workers is None:
            # every core by default, but only when the work outweighs starting the pool:
            # the first job runs here and times the rest
            began = time.perf_counter()
            _run_here(fn, jobs[:1], results, bar, task)
            if (time.perf_counter() - began) * (len(jobs) - 1) < MIN_POOL_SECONDS:
                return Ran(_run_here(fn, jobs[1:], results, bar, task), HERE)
        rest = jobs[len(results) :]
        context = multiprocessing.get_context(START_METHOD)
        size = min(count, len(rest))
        with ProcessPoolExecutor(max_workers=size, mp_context=context) as pool:
            try:
                return Ran(results + _collect(pool, fn, rest, bar, task), _pool_name(size))
            except KeyboardInterrupt:
                _stop_now(pool)
                raise


#: What :attr:`Ran.ran_on` says when the jobs ran in this process.
HERE = "this process"


class Ran(list[R]):
    """:func:`run_all`'s results, in the order of the jobs, and ``ran_on``: what ran
    them (``this process``, ``process pool of N workers`` or :func:`engine_name`)."""

    def __init__(self, results: list[R], ran_on: str) -> None:
        super().__init__(results)
        self.ran_on = ran_on


def _pool_name(size: int) -> str:
    return f"process pool of {size} worker{'s' if size != 1 else ''}"


def engine_name(executor: Executor) -> str:
    """What an executor is, for the record of what ran a study: ``dask distributed at
    ADDRESS`` for a Dask client's executor, ``process pool of N workers``, else its
    class name."""
    if type(executor).__module__.split(".")[0] == "distributed":
        client = getattr(executor, "_client", None)
        address = getattr(getattr(client, "scheduler", None), "address", None)
        return f"dask distributed at {address}" if address else "dask distributed"
    if isinstance(executor, ProcessPoolExecutor):
        return _pool_name(int(getattr(executor, "_max_workers", 0)))
    return type(executor).__qualname__


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Stop the workers at once (Ctrl-C), rather than wait for the solves they run.

    The pool's own shutdown waits for every running job; its worker processes are
    only reachable through a private attribute, read defensively.
    """
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _refuse_forking_pool(executor: Executor) -> None:
    """Refuse a process pool that forks: a forked child hangs on the solver's threads.

    HiGHS starts a thread pool on the first solve; ``fork`` copies it half-initialised
    into the child, whose first solve then waits forever. A ``spawn`` (or
    ``forkserver``) pool starts clean interpreters and is accepted.
    """
    if not isinstance(executor, ProcessPoolExecutor):
        return
    context = getattr(executor, "_mp_context", None)
    method = (context or multiprocessing.get_context()).get_start_method()
    if method == "fork":
        raise ValueError(
            "executor= is a ProcessPoolExecutor that forks its workers, which hang on "
            "the solver's threads once anything was solved here; start it with "
            'ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"))'
        )


def _run_here(
    fn: Callable[[T], R], jobs: list[T], results: list[R], bar: Progress | None, task: Any
) -> list[R]:
    """Run jobs in this process, appending to ``results``; returns ``results``."""
    for item in jobs:
        results.append(fn(item))
        if bar is not None:
            bar.advance(task)
    return results


def _collect(
    engine: Executor,
    fn: Callable[[T], R],
    jobs: list[T],
    bar: Progress | None,
    task: Any,
) -> list[R]:
    futures: dict[Future[Any], int] = {engine.submit(fn, item): i for i, item in enumerate(jobs)}
    results: list[Any] = [None] * len(jobs)
    try:
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if bar is not None:
                bar.advance(task)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return results
