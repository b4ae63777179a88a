"""Solver backends by name, each one registered :class:`Backend`: those of the one
LinearModel (highs, scip, cbc) and CP-SAT on its own per-base profile model.

Each backend's module (its wrapper) is imported when that backend is first asked for
(:func:`backend`), so a solve on HiGHS loads neither the CP-SAT nor the PuLP wrapper.
"""

from defplan.model.backends.base import (
    Backend,
    InstanceSolver,
    MissingBackendError,
    Runner,
    RunOptions,
    RunResult,
    backend,
    backend_names,
    loaded,
    register,
    runner,
)

__all__ = [
    "Backend",
    "InstanceSolver",
    "MissingBackendError",
    "RunOptions",
    "RunResult",
    "Runner",
    "backend",
    "backend_names",
    "loaded",
    "register",
    "runner",
]
