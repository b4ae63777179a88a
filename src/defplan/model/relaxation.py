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
    deadline = time.perf_counter() + time_limit
    x = np.asarray(start, dtype=np.float64).copy()
    point = all(
        cover.hosts.size == instance.n_bases and bool((cover.hosts == cover.bases).all())
        for cover in instance.coverage
    )

    def defending(units: FloatArray) -> FloatArray:
        return units if point else instance.defending(units)

    for _ in range(iterations):
        if time.perf_counter() >= deadline:
            break
        exponent = defending(x) @ instance.log_leak  # (B, C)
        residual = instance.value * np.exp(exponent)
        per_base = residual @ instance.log_leak.T  # (B, S): per unit defending the base
        gradient = per_base if point else _spread(instance, per_base)
        direction = _linear_step(instance, gradient) - x
        if float((gradient * direction).sum()) >= -1e-12 * max(residual.sum(), 1e-300):
            break
        along = defending(direction) @ instance.log_leak
        x = x + _step_length(instance.value, exponent, along) * direction
    return x


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
