"""What a solve returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from defplan.model.instance import IntArray

Status = Literal["optimal", "gap_limit", "time_limit", "infeasible"]

#: Relative gap under which a result counts as proven optimal (floating-point noise).
OPTIMALITY_TOLERANCE = 1e-6
#: Differences in objective below this (casualty-equivalents a year) are noise: the
#: backends' feasibility tolerance lets an epigraph variable sit about this far low.
ABSOLUTE_TOLERANCE = 1e-8


@dataclass(frozen=True, eq=False)
class Solution:
    """An allocation and how sure the solver is of it.

    ``objective`` is the true (nonlinear) objective of ``x``; ``bound`` a proven lower
    bound on the optimum; ``gap`` = (objective − bound) / max(objective, tiny).
    ``x`` is None when the instance is infeasible, or when the time ran out before
    any feasible allocation was found (status ``time_limit``).
    """

    status: Status
    x: IntArray | None
    objective: float
    bound: float
    backend: str
    seconds: float
    iterations: int  # outer-approximation rounds
    greedy_x: IntArray | None
    greedy_objective: float
    message: str = ""

    @property
    def gap(self) -> float:
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float, bound: float) -> float:
    if not np.isfinite(objective):
        return float("inf")
    if not np.isfinite(bound):
        return float("inf")
    difference = max(objective - bound, 0.0)
    if difference <= ABSOLUTE_TOLERANCE:
        return 0.0
    return difference / max(abs(objective), ABSOLUTE_TOLERANCE)
