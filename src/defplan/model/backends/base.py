"""What every backend takes and returns, and the registry by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from defplan.model.linear import LinearModel

RunStatus = Literal["optimal", "time_limit", "infeasible", "error"]


@dataclass(frozen=True)
class RunOptions:
    time_limit: float  # seconds for this run
    rel_gap: float  # relative gap at which the backend may stop
    threads: int | None = None  # None = the backend's default
    seed: int = 0
    start: NDArray[np.float64] | None = None  # a feasible column vector to start from


@dataclass(frozen=True)
class RunResult:
    status: RunStatus
    values: NDArray[np.float64] | None  # best column vector found, if any
    objective: float  # of values, in the model (nan without values)
    bound: float  # proven lower bound on the model's optimum (−inf if none)
    message: str = ""


Runner = Callable[[LinearModel, RunOptions], RunResult]

_RUNNERS: dict[str, Callable[[], Runner]] = {}
#: Which Python package each backend needs, for the message when it is missing.
REQUIRES: dict[str, str] = {}


def register(name: str, package: str) -> Callable[[Callable[[], Runner]], Callable[[], Runner]]:
    """Register a backend under a name; the loader imports its package lazily."""

    def decorate(loader: Callable[[], Runner]) -> Callable[[], Runner]:
        _RUNNERS[name] = loader
        REQUIRES[name] = package
        return loader

    return decorate


#: Backends that solve their own formulation rather than the LinearModel.
OWN_FORMULATION = ("cp_sat",)


def backend_names() -> tuple[str, ...]:
    return tuple(sorted({*_RUNNERS, *OWN_FORMULATION}))


def runner(name: str) -> Runner:
    """The run function of a backend, or ValueError naming the known ones."""
    if name not in _RUNNERS:
        raise ValueError(f"unknown backend {name!r} (expected one of {', '.join(backend_names())})")
    try:
        return _RUNNERS[name]()
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise ValueError(
            f"backend {name!r} needs the Python package {REQUIRES[name]} ({exc})"
        ) from exc
