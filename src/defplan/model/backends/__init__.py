"""Solver backends by name, each one registered :class:`Backend`: those of the one
LinearModel (highs, scip, cbc) and CP-SAT on its own per-base profile model."""

from defplan.model.backends import cbc as _cbc  # noqa: F401  (registers itself)
from defplan.model.backends import cpsat as _cpsat  # noqa: F401  (registers itself)
from defplan.model.backends import highs as _highs  # noqa: F401  (registers itself)
from defplan.model.backends import scip as _scip  # noqa: F401  (registers itself)
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
