"""Exhaustive enumeration of every feasible allocation: the proof of exactness on
small instances, used by the tests and available to anyone who doubts a result."""

from __future__ import annotations

import itertools
import math

import numpy as np

from defplan.model.instance import Instance, IntArray

#: Refuse instances with more allocations than this to try.
MAX_ALLOCATIONS = 2_000_000


def count_allocations(instance: Instance) -> int:
    """An upper bound on the allocations brute force would try."""
    sizes = (instance.upper - instance.lower + 1).clip(min=1)
    return math.prod(int(v) for v in sizes.ravel())


def brute_force(instance: Instance) -> tuple[float, IntArray | None]:
    """The optimal objective and one optimal allocation (None if infeasible)."""
    if count_allocations(instance) > MAX_ALLOCATIONS:
        raise ValueError("instance too large for brute force")
    shape = instance.lower.shape
    ranges = [
        range(int(lo), int(hi) + 1)
        for lo, hi in zip(instance.lower.ravel(), instance.upper.ravel(), strict=True)
    ]
    best_value, best_x = math.inf, None
    for values in itertools.product(*ranges):
        x = np.asarray(values, dtype=np.int64).reshape(shape)
        if (x.sum(axis=0) > instance.inventory).any():
            continue
        if instance.max_moves is not None and instance.moves(x) > instance.max_moves:
            continue
        value = instance.objective_of(x)
        if value < best_value:
            best_value, best_x = value, x
    return best_value, best_x
