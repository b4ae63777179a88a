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

    Examples
    --------
    >>> from defplan.model import make_instance, solve
    >>> found = solve(make_instance([[4.0]], [[0.5]], [1]))
    >>> found.status, found.objective, found.bound, found.greedy_objective
    ('optimal', 2.0, 2.0, 2.0)
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
    risk_size: float = 1.0  # the instance's scale of risk, for the gap's noise floor

    @property
    def gap(self) -> float:
        return relative_gap(self.objective, self.bound, self.risk_size)


def relative_gap(objective: float, bound: float, size: float = 1.0) -> float:
    """(objective − bound) / objective, 0 for a difference that is noise.

    ``size`` is the theater's scale of risk (:attr:`Instance.risk_size`): differences
    below ABSOLUTE_TOLERANCE × size are noise, so a theater of tiny risks is judged as
    strictly as one of ordinary risks.
    """
    if not np.isfinite(objective):
        return float("inf")
    if not np.isfinite(bound):
        return float("inf")
    floor = ABSOLUTE_TOLERANCE * size
    difference = max(objective - bound, 0.0)
    if difference <= floor:
        return 0.0
    return difference / max(abs(objective), floor)
