"""What every backend takes and returns, and the registry by name.

A backend is one small module that registers a :class:`Backend`: its name, the
Python package it needs (imported only when a solve asks for it), the pip extra that
installs that package, and what it solves: the one :class:`LinearModel` of the outer
approximation (``linear``: a :data:`Runner`), or an exact model of its own built from
the :class:`Instance` (``instance``: an :class:`InstanceSolver`, as CP-SAT's per-base
profile model is).
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from defplan.model.linear import LinearModel

if TYPE_CHECKING:
    from defplan.model.instance import Instance, IntArray
    from defplan.model.solution import Solution

RunStatus = Literal["optimal", "time_limit", "infeasible", "error"]
Solves = Literal["linear", "instance"]
T = TypeVar("T")

#: how often (seconds) the waiting thread looks for Ctrl-C while a solver runs
WAKE_SECONDS = 0.1
#: how long Ctrl-C waits for the solver to stop before leaving it to stop on its own
STOP_GRACE_SECONDS = 0.3


class SolverOverrunError(Exception):
    """A solver ran past its deadline and did not stop when asked: it was left to
    end in its (daemon) thread, and the caller goes on without its answer."""


def run_interruptibly(
    solve: Callable[[], T],
    stop: Callable[[], object],
    deadline: float | None = None,
) -> T:
    """``solve()`` in a thread of its own while this one waits, so that Ctrl-C is seen
    at once: a solver's call holds Python until it returns, however long.

    On Ctrl-C, ``stop()`` asks the solver to stop and KeyboardInterrupt goes on up; a
    solver that does not stop within :data:`STOP_GRACE_SECONDS` is left to end in its
    (daemon) thread, and the command line leaves the process at once
    (``defplan.cli.main``). The solver must release Python's lock while it works
    (HiGHS, SCIP through OR-tools and CP-SAT do) and must not catch Ctrl-C itself
    (SCIP and CP-SAT would, ending the solve as if its time were up while the command
    went on: their backends turn that off). Only the main thread receives Ctrl-C:
    elsewhere (a worker's thread) ``solve()`` runs here unless there is a deadline.

    With ``deadline`` (a :func:`time.perf_counter` time), a solver still running then
    is asked to stop, and one that does not stop within :data:`STOP_GRACE_SECONDS`
    either raises :class:`SolverOverrunError` (HiGHS can spend half a minute past its
    time limit in the root LP of a large model, deaf to its time limit and to
    ``stop()`` alike).
    """
    if deadline is None and threading.current_thread() is not threading.main_thread():
        return solve()
    result: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(solve())
        except BaseException as exc:  # handed to the waiting thread
            failure.append(exc)

    worker = threading.Thread(target=target, name="solver", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(WAKE_SECONDS)
            if worker.is_alive() and deadline is not None and time.perf_counter() >= deadline:
                stop()
                worker.join(STOP_GRACE_SECONDS)
                if worker.is_alive():
                    raise SolverOverrunError
    except KeyboardInterrupt:
        stop()
        worker.join(STOP_GRACE_SECONDS)
        raise
    if failure:
        raise failure[0]
    return result[0]


@dataclass(frozen=True)
class RunOptions:
    time_limit: float  # seconds for this run
    rel_gap: float  # relative gap at which the backend may stop
    threads: int | None = None  # None = the backend's default
    seed: int = 0
    start: NDArray[np.float64] | None = None  # a feasible column vector to start from
    #: branch-and-bound nodes at most (a work limit: unlike seconds, the same on any
    #: machine); None = no limit. HiGHS honours it, the others ignore it.
    max_nodes: int | None = None
    #: seconds into the run after which it stops if its own relative gap is still above
    #: ``yield_gap`` (its time then goes to other work); None = never. HiGHS honours
    #: it, the others run on to their time limit.
    yield_after: float | None = None
    yield_gap: float = 0.0


@dataclass(frozen=True)
class RunResult:
    status: RunStatus
    values: NDArray[np.float64] | None  # best column vector found, if any
    objective: float  # of values, in the model (nan without values)
    bound: float  # proven lower bound on the model's optimum (−inf if none)
    message: str = ""


Runner = Callable[[LinearModel, RunOptions], RunResult]


class InstanceSolver(Protocol):
    """A backend that solves the instance in a model of its own; the same keywords and
    result as :func:`defplan.model.solve`."""

    def __call__(
        self,
        instance: Instance,
        *,
        time_limit: float,
        gap: float,
        threads: int | None,
        seed: int,
        start: IntArray | None,
    ) -> Solution: ...


@dataclass(frozen=True)
class Backend:
    """One registered backend."""

    name: str
    package: str  # the Python package it imports to run
    extra: str | None  # ``pip install 'defplan[extra]'`` installs it; None: always installed
    solves: Solves
    load: Callable[[], Any]  # imports the package; returns a Runner or an InstanceSolver

    def install_hint(self) -> str:
        if self.extra is None:
            return f"pip install {self.package} (a dependency of defplan: reinstall it)"
        return f"pip install 'defplan[{self.extra}]'"


class MissingBackendError(ValueError):
    """The backend asked for needs a Python package that is not installed."""


_BACKENDS: dict[str, Backend] = {}
#: Every backend defplan ships: what it solves and the module that registers it,
#: imported when the backend is first asked for (a plan on HiGHS loads no other).
SHIPPED: dict[str, tuple[Solves, str]] = {
    "highs": ("linear", "defplan.model.backends.highs"),
    "scip": ("linear", "defplan.model.backends.scip"),
    "cbc": ("linear", "defplan.model.backends.cbc"),
    "cp_sat": ("instance", "defplan.model.backends.cpsat"),
}


def register(
    name: str, package: str, *, extra: str | None = None, solves: Solves = "linear"
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register a backend under a name; its loader imports the package lazily."""

    def decorate(loader: Callable[[], Any]) -> Callable[[], Any]:
        _BACKENDS[name] = Backend(name, package, extra, solves, loader)
        return loader

    return decorate


def backend_names(solves: Solves | None = None) -> tuple[str, ...]:
    """The registered backends (those solving ``solves`` only, when given), by name.

    Parameters
    ----------
    solves : {"linear", "instance"}, optional
        Only the backends of the linear model, or only those with a model of their own.

    Returns
    -------
    tuple of str
        Sorted names, whether or not each one's package is installed.

    Examples
    --------
    >>> from defplan.model import backend_names
    >>> backend_names()
    ('cbc', 'cp_sat', 'highs', 'scip')
    >>> backend_names("instance")
    ('cp_sat',)
    """
    kinds = {name: kind for name, (kind, _) in SHIPPED.items()}
    kinds |= {b.name: b.solves for b in _BACKENDS.values()}
    return tuple(sorted(name for name, kind in kinds.items() if solves in (None, kind)))


def backend(name: str) -> Backend:
    """The registered backend of that name, or ValueError naming the known ones."""
    if name not in _BACKENDS and name in SHIPPED:
        importlib.import_module(SHIPPED[name][1])  # registers itself
    if name not in _BACKENDS:
        raise ValueError(f"unknown backend {name!r} (expected one of {', '.join(backend_names())})")
    return _BACKENDS[name]


def loaded(name: str) -> Any:
    """What the backend's loader returns; MissingBackendError naming the pip extra when
    its package is not installed."""
    chosen = backend(name)
    try:
        return chosen.load()
    except ImportError as exc:
        raise MissingBackendError(
            f"backend {name!r} needs the Python package {chosen.package}, which is not "
            f"installed: {chosen.install_hint()}"
        ) from exc


def runner(name: str) -> Runner:
    """The run function of a backend of the linear model."""
    if backend(name).solves != "linear":
        raise ValueError(
            f"backend {name!r} solves a model of its own, not the linear model; "
            f"use one of {', '.join(backend_names('linear'))}"
        )
    run: Runner = loaded(name)
    return run
