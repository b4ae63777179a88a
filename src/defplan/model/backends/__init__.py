"""Solver backends by name; each translates the one LinearModel."""

from defplan.model.backends import cbc as _cbc  # noqa: F401  (registers itself)
from defplan.model.backends import highs as _highs  # noqa: F401  (registers itself)
from defplan.model.backends import scip as _scip  # noqa: F401  (registers itself)
from defplan.model.backends.base import (
    REQUIRES,
    Runner,
    RunOptions,
    RunResult,
    backend_names,
    register,
    runner,
)

__all__ = [
    "REQUIRES",
    "RunOptions",
    "RunResult",
    "Runner",
    "backend_names",
    "register",
    "runner",
]
