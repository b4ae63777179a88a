"""The continuous relaxation of the summed residual, solved by Frank-Wolfe, as a guide.

With units allowed to be fractional, the summed residual Σ_b Σ_c v[b, c] e^{y[b, c]}
(y linear in x) is a smooth convex function over the box of bounds and the
inventory rows. Frank & Wolfe's (1956) method needs only its gradient and a linear
step over that polytope, which is a sort per system (fill the sites of most negative
gradient up to their upper bounds until the inventory is used). Its solution says
where units belong in bulk; rounded down and completed greedily, it starts the
exchanges of :mod:`defplan.model.exchange` in another basin than greedy's (on the
public WTA set at mu = 3 that basin is several percent better).

Move budgets and residual caps are left out of the relaxation: a start built from it
is checked against the whole instance by its caller.
"""

from __future__ import annotations

import math
import time

import numpy as np

from defplan.model.instance import FloatArray, Instance

#: Newton steps of the exact line search along each Frank-Wolfe direction.
LINE_STEPS = 12


def relaxed_allocation(
    instance: Instance, start: FloatArray, iterations: int = 100, time_limit: float = 10.0
) -> FloatArray:
    """A fractional allocation of lower summed residual than ``start`` (B, S floats
    within the bounds and inventory): ``iterations`` Frank-Wolfe steps at most.

    References
    ----------
    Frank, M. & Wolfe, P. (1956). An algorithm for quadratic programming. Naval
    Research Logistics Quarterly 3, 95-110.
    """
    return frank_wolfe(instance, start, iterations, time.perf_counter() + time_limit)[0]


def relaxation_bound(
    instance: Instance, start: FloatArray, iterations: int, deadline: float
) -> float:
    """A valid lower bound on the summed residual of every integer allocation (−inf
    when the objective is not the summed residual): the best Frank-Wolfe dual bound
    f(x) + min over the polytope of ∇f(x)·(v − x) of ``iterations`` steps from
    ``start``, stopped at ``deadline`` (a :func:`time.perf_counter` time).

    Every integer allocation lies in the relaxed polytope (move budgets and residual
    caps left out only enlarge it) and f is convex, so the bound holds; a move cost
    only adds to the objective. It is weak where units are split finely (on the public
    weapon-target set at mu = 2, 3 it is 40-50% below the best known), but it is a
    bound where the MILP's root LP does not end in time.

    Examples
    --------
    >>> from defplan.model import make_instance
    >>> inst = make_instance([[4.0], [4.0]], [[0.5]], [1])
    >>> bound = relaxation_bound(inst, np.zeros((2, 1)), 50, float("inf"))
    >>> 5.65 < bound <= 4 * 2**0.5  # the integer optimum is 6, the relaxed one 5.657
    True
    """
    if instance.objective != "expected":
        return -math.inf
    return frank_wolfe(instance, start, iterations, deadline)[1]


def frank_wolfe(
    instance: Instance, start: FloatArray, iterations: int, deadline: float
) -> tuple[FloatArray, float]:
    """Frank-Wolfe steps on the summed residual from ``start``: the allocation reached
    and the best dual bound seen (−inf before the first step).

    The residual is read only on the (base, class) pairs that carry risk: a
    weapon-target instance has one class per target, so a dense (B, C) product did
    T times the work (300x600: 0.2 s a step, now a few milliseconds)."""
    x = np.asarray(start, dtype=np.float64).copy()
    pairs = _Pairs(instance)
    bound = -math.inf
    for _ in range(iterations):
        if time.perf_counter() >= deadline:
            break
        exponent = pairs.exponents(x)
        terms = pairs.value * np.exp(exponent)
        gradient = pairs.gradient(terms)
        vertex = _linear_step(instance, gradient)
        direction = vertex - x
        slope = float((gradient * direction).sum())
        bound = max(bound, float(terms.sum()) + slope)
        if slope >= -1e-12 * max(float(terms.sum()), 1e-300):
            break
        along = pairs.exponents(direction)
        x = x + _step_length(pairs.value, exponent, along) * direction
    return x, bound


class _Pairs:
    """The summed residual Σ v[b, c] e^{y[b, c]} over the pairs with v > 0, and its
    gradient in x."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.base, cls = np.nonzero(instance.value > 0.0)
        self.value = instance.value[self.base, cls]
        self.leak = instance.log_leak.T[cls]  # (P, S)
        # np.nonzero lists pairs base by base: each base's pairs are one run
        self.bases, self.runs = np.unique(self.base, return_index=True)
        self.point = all(
            cover.hosts.size == instance.n_bases and bool((cover.hosts == cover.bases).all())
            for cover in instance.coverage
        )

    def defending(self, units: FloatArray) -> FloatArray:
        return units if self.point else self.instance.defending(units)

    def exponents(self, units: FloatArray) -> FloatArray:
        """y of every pair under a (fractional) allocation."""
        return np.asarray((self.defending(units)[self.base] * self.leak).sum(axis=1))

    def gradient(self, terms: FloatArray) -> FloatArray:
        """∂(Σ terms)/∂x (B, S), ``terms`` the pairs' residuals."""
        inst = self.instance
        per_base = np.zeros((inst.n_bases, inst.n_systems))
        if self.base.size:
            per_base[self.bases] = np.add.reduceat(terms[:, None] * self.leak, self.runs, axis=0)
        return per_base if self.point else _spread(inst, per_base)


def _spread(instance: Instance, per_base: FloatArray) -> FloatArray:
    """∂(summed residual)/∂x[h, s], (B, S), from the derivative per unit defending."""
    columns = [
        cover.spread(per_base[:, s], instance.n_bases) for s, cover in enumerate(instance.coverage)
    ]
    if not columns:
        return np.zeros((instance.n_bases, 0))
    return np.stack(columns, axis=1)


def _linear_step(instance: Instance, gradient: FloatArray) -> FloatArray:
    """The vertex of the relaxed polytope minimising gradient · x: per system, the
    lower bounds, then the sites of most negative gradient up to their upper bounds
    while inventory lasts."""
    order = np.argsort(gradient, axis=0, kind="stable")
    room = (instance.upper - instance.lower).astype(np.float64)
    capacity = np.take_along_axis(room, order, axis=0)
    capacity[np.take_along_axis(gradient, order, axis=0) >= 0.0] = 0.0
    left = (instance.inventory - instance.lower.sum(axis=0)).astype(np.float64)
    before = np.cumsum(capacity, axis=0) - capacity
    filled = np.clip(left[None, :] - before, 0.0, capacity)
    vertex = instance.lower.astype(np.float64)
    np.put_along_axis(vertex, order, np.take_along_axis(vertex, order, axis=0) + filled, axis=0)
    return vertex


def _step_length(value: FloatArray, exponent: FloatArray, along: FloatArray) -> float:
    """argmin over a in [0, 1] of Σ value · e^(exponent + a · along), by Newton steps."""
    step = 0.0
    for _ in range(LINE_STEPS):
        terms = value * np.exp(exponent + step * along)
        slope = float((terms * along).sum())
        curve = float((terms * along * along).sum())
        if curve <= 0.0:
            break
        step = min(max(step - slope / curve, 0.0), 1.0)
    return step
