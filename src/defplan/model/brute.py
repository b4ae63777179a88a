"""Exhaustive enumeration of every feasible allocation: the proof of exactness on
small instances, used by the tests and available to anyone who doubts a result."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import numpy as np

from defplan.model.instance import Instance, IntArray

#: Refuse instances with more allocations than this to try.
MAX_ALLOCATIONS = 2_000_000


def count_allocations(instance: Instance) -> int:
    """An upper bound on the allocations brute force would try."""
    sizes = (instance.upper - instance.lower + 1).clip(min=1)
    return math.prod(int(v) for v in sizes.ravel())


def feasible_allocations(instance: Instance) -> Iterator[IntArray]:
    """Every allocation within the bounds, the inventory and the move budget."""
    if count_allocations(instance) > MAX_ALLOCATIONS:
        raise ValueError("instance too large for brute force")
    shape = instance.lower.shape
    ranges = [
        range(int(lo), int(hi) + 1)
        for lo, hi in zip(instance.lower.ravel(), instance.upper.ravel(), strict=True)
    ]
    for values in itertools.product(*ranges):
        x = np.asarray(values, dtype=np.int64).reshape(shape)
        if (x.sum(axis=0) > instance.inventory).any():
            continue
        if instance.max_moves is not None and instance.moves(x) > instance.max_moves:
            continue
        if instance.residual_cap is not None and instance.violations(x):
            continue
        yield x


def brute_force(instance: Instance) -> tuple[float, IntArray | None]:
    """The optimal objective and one optimal allocation (None if infeasible)."""
    best_value, best_x = math.inf, None
    for x in feasible_allocations(instance):
        value = instance.objective_of(x)
        if value < best_value:
            best_value, best_x = value, x
    return best_value, best_x


def least_total_among_optima(instance: Instance, slack: float = 1e-9) -> float:
    """The least summed residual of the allocations whose objective is within
    ``slack`` (relative) of the optimum: the tie-break a worst-case plan promises."""
    best, _ = brute_force(instance)
    limit = best + slack * max(abs(best), 1e-12)
    return min(
        (
            float(instance.residual(x).sum())
            for x in feasible_allocations(instance)
            if instance.objective_of(x) <= limit
        ),
        default=math.inf,
    )
