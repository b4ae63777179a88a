"""Reduced-cost fixing by Lagrangian prices: bounds no better allocation leaves.

At prices (λ, μ, β) the Lagrangian value L is a lower bound on every allocation's
objective; forcing a point system's count at a base past k, or an area site's units
past k, raises it by what the base's or the site's own problem loses. Where that
raises L above an incumbent's value, no allocation past k is better than the
incumbent, so the exact solve may keep to k: the site's bound is narrowed. The
narrowed instance holds an optimum (the incumbent or a better one), its models are
smaller and their reachable exponents fewer, and its proof is the whole instance's.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from defplan.model.formulation import OutOfTimeError, check_deadline
from defplan.model.instance import FloatArray, Instance, IntArray
from defplan.model.lagrangian import Prices, _cheapest, _Pricing

#: Narrowing keeps a unit when it raises L by no more than the slack plus this share
#: of the risk size (rounding in the bound never cuts the incumbent off).
MARGIN = 1e-9


def narrowed_bounds(
    instance: Instance, prices: Prices, incumbent: IntArray, deadline: float = math.inf
) -> tuple[IntArray, IntArray]:
    """(lower, upper) within the instance's that every allocation better than
    ``incumbent`` keeps to, by the prices' reduced costs; the incumbent within them.
    The instance's own bounds when the clock (:func:`time.perf_counter`) passes
    ``deadline`` first (on 5,000 bases the search for them takes a second or more).

    Examples
    --------
    Two units at two bases worth 4 and 1: the second base's site may take none, the
    first's at most one (a second there would remove 1, the price of a unit is 2).

    >>> from defplan.model import make_instance
    >>> from defplan.model.lagrangian import lagrangian_bound
    >>> inst = make_instance([[4.0], [1.0]], [[0.5]], [1])
    >>> x = np.array([[1], [0]])
    >>> prices = lagrangian_bound(inst, x.astype(float), 2.5, 50, float("inf"))
    >>> low, high = narrowed_bounds(inst, prices, x)
    >>> high.ravel().tolist()
    [1, 0]
    """
    try:
        return _narrowed(instance, prices, incumbent, deadline)
    except OutOfTimeError:
        return instance.lower.copy(), instance.upper.copy()


def _narrowed(
    instance: Instance, prices: Prices, incumbent: IntArray, deadline: float
) -> tuple[IntArray, IntArray]:
    """:func:`narrowed_bounds`, raising
    :class:`~defplan.model.formulation.OutOfTimeError` past ``deadline``."""
    check_deadline(deadline)
    pricing = _Pricing(instance)
    lam, mu, rho = prices.inventory, prices.links, prices.budget
    moved = instance.move_cost + rho if pricing.moving else 0.0
    price = np.where(pricing.point[None, :], lam[None, :], mu)
    values, counts = pricing.each_base(price, moved, pricing.low, pricing.high)
    bound = float(values.sum()) - float(lam @ instance.inventory)
    if pricing.budget is not None:
        bound -= rho * pricing.budget
    sites: dict[int, tuple[FloatArray, IntArray]] = {}
    for s, cover in enumerate(instance.coverage):
        if pricing.point[s]:
            continue
        unit = lam[s] - cover.spread(mu[:, s], instance.n_bases)
        x, cost = _cheapest(
            unit, instance.lower[:, s], instance.upper[:, s], pricing.current[:, s], moved
        )
        sites[s] = (unit, x)
        bound += cost
    objective = instance.objective_of(incumbent)
    slack = objective - bound + MARGIN * instance.risk_size
    lower, upper = instance.lower.copy(), instance.upper.copy()
    if slack < 0.0:
        return lower, upper  # prices off the instance's own bound: leave it
    for s in range(instance.n_systems):
        if pricing.point[s]:
            upper[:, s] = _farthest(
                _base_rise(pricing, price, moved, values, s, +1),
                counts[:, s],
                upper[:, s],
                slack,
                +1,
                deadline,
            )
            lower[:, s] = _farthest(
                _base_rise(pricing, price, moved, values, s, -1),
                counts[:, s],
                lower[:, s],
                slack,
                -1,
                deadline,
            )
        else:
            unit, x = sites[s]
            rise = _site_rise(unit, x, pricing.current[:, s], moved)
            upper[:, s] = _farthest(rise, x, upper[:, s], slack, +1, deadline)
            lower[:, s] = _farthest(rise, x, lower[:, s], slack, -1, deadline)
    lower = np.minimum(lower, incumbent)
    upper = np.maximum(np.maximum(upper, incumbent), lower)
    return lower, upper


def _base_rise(
    pricing: _Pricing,
    price: FloatArray,
    moved: float,
    values: FloatArray,
    s: int,
    direction: int,
) -> Callable[[IntArray], FloatArray]:
    """What each base's own problem loses with point system s held to k units or
    more (``direction`` +1) or k or fewer (−1)."""

    def rise(k: IntArray) -> FloatArray:
        low, high = pricing.low.copy(), pricing.high.copy()
        if direction > 0:
            low[:, s] = np.minimum(np.maximum(low[:, s], k), high[:, s])
        else:
            high[:, s] = np.maximum(np.minimum(high[:, s], k), low[:, s])
        return pricing.each_base(price, moved, low, high)[0] - values

    return rise


def _site_rise(
    unit: FloatArray, at: IntArray, current: IntArray, moved: float
) -> Callable[[IntArray], FloatArray]:
    """What an area site's own problem loses with k units instead of ``at``."""

    def cost(k: IntArray) -> FloatArray:
        return np.asarray(unit * k + moved * np.maximum(current - k, 0), dtype=np.float64)

    least = cost(at)
    return lambda k: cost(k) - least


def _farthest(
    rise: Callable[[IntArray], FloatArray],
    start: IntArray,
    end: IntArray,
    slack: float,
    direction: int,
    deadline: float,
) -> IntArray:
    """Per entry, the count farthest from ``start`` towards ``end`` (``direction`` +1
    up, −1 down) whose rise stays within ``slack`` (the rise grows away from the
    start, where it is zero), by binary search."""
    near = start.astype(np.int64).copy()
    far = end.astype(np.int64).copy()
    far = np.maximum(far, near) if direction > 0 else np.minimum(far, near)
    while True:
        check_deadline(deadline)
        open_ = near != far
        if not open_.any():
            return near
        step = (np.abs(far - near) + 1) // 2
        mid = np.where(open_, near + direction * step, near)
        fits = rise(mid) <= slack
        near = np.where(open_ & fits, mid, near)
        far = np.where(open_ & ~fits, mid - direction, far)
