"""A Lagrangian bound on the summed residual: the rows that join bases, priced.

Price each system's inventory row (λ[s] ≥ 0), the move budget (β ≥ 0) and, for an
area system, the link between the units defending a base and the units at the sites
that cover it, n[b, s] ≤ Σ_{h covers b} x[h, s] (μ[b, s] ≥ 0). With those rows in
the objective the problem falls apart:

* per base, the integer counts n[b, ·] of its defenders (a point system's count is
  its own units there), minimising the residual plus the priced units;
* per site and area system, its units at their price λ[s] − Σ_{b it covers} μ[b, s].

Each base's counts are found exactly: bounds that some optimum keeps to are read
from the marginal gain of a unit (it falls with every unit added, of any system)
against its price, and the few counts left are enumerated. L(λ, μ, β) is then a lower
bound on every integer allocation's objective for every price; it is at least the
continuous relaxation's optimum at the relaxation's own prices, and the prices are
improved by projected subgradient steps (Polyak's step towards the incumbent's
value; Held, Wolfe & Crowder 1974). Residual caps are left out (they only enlarge
the problem relaxed), so the bound holds with them too.

References
----------
Held, M., Wolfe, P. & Crowder, H.P. (1974). Validation of subgradient optimization.
Mathematical Programming 6, 62-88.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from defplan.model.instance import FloatArray, Instance, IntArray

#: A base whose counts left to try number more than this gets a weaker bound of its
#: own (the residual at the most units plus the least price) instead of enumeration.
ENUMERATION_LIMIT = 4_096
#: Numbers held at once while enumerating (bases x counts x classes).
CHUNK = 2_000_000
#: Instances with more systems or classes than this are not priced (a weapon-target
#: instance has a system per weapon type: no base's counts could be enumerated). The
#: raid model's pseudo-classes count as classes: the generated 1,000-base theater with
#: examples/raids.py's capacities has 171, and priced it is proven in 22 s (load 10)
#: where it ended at a 24% gap.
MOST_SYSTEMS = 8
MOST_CLASSES = 256
#: Subgradient steps: the step's factor starts here and halves after this many steps
#: without a better bound.
FIRST_FACTOR = 1.0
STALL = 8
SMALLEST_FACTOR = 1e-4


@dataclass(frozen=True)
class Prices:
    """The prices of the relaxed rows and the bound they give."""

    bound: float
    inventory: FloatArray  # λ (S,)
    links: FloatArray  # μ (B, S), zero in point systems' columns
    budget: float  # β
    #: an allocation the prices suggest (the master's, rounded down), if any, and
    #: the (B, S) cells where the master left it undecided
    allocation: IntArray | None = None
    mixed: NDArray[np.bool_] | None = None


def priceable(instance: Instance) -> bool:
    """Whether :func:`lagrangian_bound` prices this instance (the summed residual, few
    systems and classes)."""
    return (
        instance.objective == "expected"
        and instance.n_bases > 0
        and 0 < instance.n_systems <= MOST_SYSTEMS
        and instance.n_classes <= MOST_CLASSES
    )


def lagrangian_bound(
    instance: Instance,
    relaxed: FloatArray,
    incumbent: float,
    iterations: int,
    deadline: float,
    seen: Callable[[IntArray], object] | None = None,
) -> Prices | None:
    """The best Lagrangian bound of ``iterations`` subgradient steps at most (stopped
    at ``deadline``, a :func:`time.perf_counter` time), from the prices of a
    fractional allocation ``relaxed`` (B, S; the continuous relaxation's, say) and
    stepping towards ``incumbent`` (an allocation's objective). None when the
    instance is not :func:`priceable`. ``seen`` is given the bases' counts of every
    step (column generation starts from them).

    Examples
    --------
    Four units of risk at each of two bases, one unit that halves one base's risk: the
    optimum is 6, the continuous relaxation's 4·√2 ≈ 5.66.

    >>> from defplan.model import make_instance
    >>> inst = make_instance([[4.0], [4.0]], [[0.5]], [1])
    >>> found = lagrangian_bound(inst, np.array([[0.5], [0.5]]), 6.0, 50, float("inf"))
    >>> round(found.bound, 6)
    6.0
    """
    if not priceable(instance):
        return None
    pricing = _Pricing(instance)
    lam, mu, rho = pricing.first_prices(np.asarray(relaxed, dtype=np.float64))
    best = Prices(-math.inf, lam, mu, rho)
    factor = FIRST_FACTOR
    since = 0
    for _ in range(iterations):
        if time.perf_counter() >= deadline:
            break
        value, g_lam, g_mu, g_rho = pricing.evaluate(lam, mu, rho)
        if seen is not None:
            seen(pricing.last_counts)
        if value > best.bound:
            if value > best.bound + 1e-9 * max(abs(value), 1.0):
                since = 0
            best = Prices(value, lam, mu, rho)
        else:
            since += 1
        if since >= STALL:
            factor /= 2.0
            since = 0
            lam, mu, rho = best.inventory, best.links, best.budget
            if factor < SMALLEST_FACTOR:
                break
        # projected: a price at zero that its row would push below zero stays there
        g_lam = np.where((lam <= 0.0) & (g_lam < 0.0), 0.0, g_lam)
        g_mu = np.where((mu <= 0.0) & (g_mu < 0.0), 0.0, g_mu)
        g_rho = 0.0 if rho <= 0.0 and g_rho < 0.0 else g_rho
        norm = float((g_lam**2).sum() + (g_mu**2).sum() + g_rho**2)
        if norm <= 0.0:
            break  # the counts meet every relaxed row: the bound is the optimum
        step = factor * max(incumbent - value, 1e-9 * max(abs(value), 1.0)) / norm
        lam = np.maximum(lam + step * g_lam, 0.0)
        mu = np.maximum(mu + step * g_mu, 0.0)
        rho = max(rho + step * g_rho, 0.0)
    return best


class _Pricing:
    """The instance split into its bases' and area sites' problems."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        n = instance.n_bases
        sites = np.arange(n)
        self.point = np.array(
            [
                c.hosts.size == n and bool((c.hosts == sites).all() and (c.bases == sites).all())
                for c in instance.coverage
            ]
        )
        self.leak = instance.log_leak  # (S, C)
        self.kill = 1.0 - np.exp(self.leak)  # (S, C)
        low = np.zeros(instance.lower.shape, dtype=np.int64)
        high = np.zeros(instance.lower.shape, dtype=np.int64)
        for s, cover in enumerate(instance.coverage):
            if self.point[s]:
                low[:, s], high[:, s] = instance.lower[:, s], instance.upper[:, s]
            else:
                low[:, s] = cover.counts(instance.lower[:, s], n).astype(np.int64)
                reach = cover.counts(instance.upper[:, s], n)
                high[:, s] = np.minimum(reach, instance.inventory[s]).astype(np.int64)
        self.low, self.high = low, np.maximum(high, low)
        self.current = (
            instance.current.astype(np.int64)
            if instance.current is not None
            else np.zeros_like(instance.lower)
        )
        self.moving = instance.current is not None and (
            instance.move_cost > 0.0 or instance.max_moves is not None
        )
        self.budget = instance.max_moves if instance.current is not None else None

    # -- prices ---------------------------------------------------------------------

    def first_prices(self, relaxed: FloatArray) -> tuple[FloatArray, FloatArray, float]:
        """The prices a fractional allocation implies: μ the marginal value of a unit
        defending each base, λ the value of a unit at the sites where the allocation
        holds a fraction of one (the median there)."""
        inst = self.instance
        defending = inst.defending(np.clip(relaxed, inst.lower, inst.upper))
        terms = inst.value * np.exp(defending @ self.leak)  # (B, C)
        worth = -(terms @ self.leak.T)  # (B, S): residual removed per unit defending
        mu = np.where(self.point[None, :], 0.0, worth)
        lam = np.zeros(inst.n_systems)
        for s, cover in enumerate(inst.coverage):
            if inst.upper[:, s].sum() <= inst.inventory[s]:
                continue  # the row cannot bind
            at_site = worth[:, s] if self.point[s] else cover.spread(worth[:, s], inst.n_bases)
            x = relaxed[:, s]
            between = (x > inst.lower[:, s] + 1e-6) & (x < inst.upper[:, s] - 1e-6)
            if not between.any():
                between = x > inst.lower[:, s] + 1e-6
            if between.any():
                lam[s] = float(np.median(at_site[between]))
        return lam, mu, 0.0

    def evaluate(
        self, lam: FloatArray, mu: FloatArray, rho: float
    ) -> tuple[float, FloatArray, FloatArray, float]:
        """L(λ, μ, β) and a subgradient of it in each price."""
        inst = self.instance
        moved = inst.move_cost + rho if self.moving else 0.0
        price = np.where(self.point[None, :], lam[None, :], mu)
        value, counts = self.bases(price, moved)
        self.last_counts = counts
        used = counts.sum(axis=0).astype(np.float64)
        g_mu = np.zeros_like(mu)
        moves = float(np.maximum(self.current - counts, 0)[:, self.point].sum())
        for s, cover in enumerate(inst.coverage):
            if self.point[s]:
                continue
            unit = lam[s] - cover.spread(mu[:, s], inst.n_bases)
            x, cost = _cheapest(unit, inst.lower[:, s], inst.upper[:, s], self.current[:, s], moved)
            value += cost
            used[s] = float(x.sum())
            g_mu[:, s] = counts[:, s] - cover.counts(x, inst.n_bases)
            moves += float(np.maximum(self.current[:, s] - x, 0).sum())
        value -= float(lam @ inst.inventory)
        g_rho = 0.0
        if self.budget is not None:
            value -= rho * self.budget
            g_rho = moves - self.budget
        return value, used - inst.inventory, g_mu, g_rho

    # -- the bases' problems --------------------------------------------------------

    def bases(self, price: FloatArray, moved: float) -> tuple[float, IntArray]:
        """Σ_b min over counts of residual + priced counts, and the counts (B, S)."""
        values, counts = self.each_base(price, moved, self.low, self.high)
        return float(values.sum()), counts

    def each_base(
        self, price: FloatArray, moved: float, low: IntArray, high: IntArray
    ) -> tuple[FloatArray, IntArray]:
        """Per base, the least residual + priced counts with counts in [low, high]
        (a lower bound of it where there are too many counts to try), and the counts."""
        low, high = self.narrowed(price, moved, low, high)
        sizes = high - low + 1
        work = np.prod(sizes.astype(np.float64), axis=1)
        counts = high.copy()
        values = np.zeros(self.instance.n_bases)
        wide = work > ENUMERATION_LIMIT
        if wide.any():
            # a bound of its own: the residual no counts go below, plus the least price
            idx = np.flatnonzero(wide)
            floor = (self.instance.value[idx] * np.exp(high[idx] @ self.leak)).sum(axis=1)
            kept = np.clip(self.current[idx], low[idx], high[idx])
            least = np.minimum(
                np.minimum(
                    self.cost(price[idx], low[idx], moved, idx),
                    self.cost(price[idx], high[idx], moved, idx),
                ),
                self.cost(price[idx], kept, moved, idx),
            )
            values[idx] = floor + least.sum(axis=1)
        shape = 1 << np.ceil(np.log2(sizes)).astype(np.int64)  # sizes to powers of 2
        shape[wide] = 0
        keys, group = np.unique(shape, axis=0, return_inverse=True)
        for key, grid in enumerate(keys):
            if not grid.any():
                continue
            idx = np.flatnonzero(group.ravel() == key)
            found, best = self.enumerate(idx, grid, low[idx], high[idx], price[idx], moved)
            values[idx] = found
            counts[idx] = best
        return values, counts

    def cost(self, price: FloatArray, n: IntArray, moved: float, idx: IntArray) -> FloatArray:
        """The priced counts of some bases, per base and system: units at their
        price, plus the move price of a point system's units taken away."""
        paid = price * n
        if moved:
            taken = np.maximum(self.current[idx] - n, 0) * self.point[None, :]
            paid = paid + moved * taken
        return np.asarray(paid, dtype=np.float64)

    def narrowed(
        self, price: FloatArray, moved: float, low: IntArray, high: IntArray
    ) -> tuple[IntArray, IntArray]:
        """Per base and system, counts some optimum of the base's problem keeps to:
        a unit beyond ``high`` gains less than its price with the other systems at
        their fewest, a unit up to ``low`` more with the others at their most."""
        low, high = low.copy(), high.copy()
        for s in range(self.instance.n_systems):
            high[:, s] = self._last(s, low, low[:, s], high[:, s], price[:, s], moved, gains=False)
        for s in range(self.instance.n_systems):
            low[:, s] = self._last(s, high, low[:, s], high[:, s], price[:, s], moved, gains=True)
        return low, high

    def _last(
        self,
        s: int,
        context: IntArray,
        low: IntArray,
        high: IntArray,
        price: FloatArray,
        moved: float,
        *,
        gains: bool,
    ) -> IntArray:
        """Binary search per base for the last count k in [low, high] whose unit
        (the k-th) is worth its price (``gains``: strictly, with the others at
        ``context``; else: not worth at most, the others at ``context``): counts
        past the returned one are no better (``gains`` False) or counts up to it are
        no worse (``gains`` True)."""
        others = context @ self.leak - np.outer(context[:, s], self.leak[s])
        weight = self.instance.value * np.exp(others) * self.kill[s]  # (B, C)
        start, stop = low + 1, high + 1  # first k failing lies in [start, stop]
        while True:
            open_ = start < stop
            if not open_.any():
                break
            mid = (start + stop) // 2
            k = np.where(open_, mid, start)
            gain = (weight * np.exp(np.outer(k - 1, self.leak[s]))).sum(axis=1)
            unit = price - moved * (k <= self.current[:, s]) if moved and self.point[s] else price
            fails = gain <= unit
            stop = np.where(open_ & fails, mid, stop)
            start = np.where(open_ & ~fails, mid + 1, start)
        return np.asarray(np.minimum(start - 1, high), dtype=np.int64)

    def enumerate(
        self,
        idx: IntArray,
        grid: IntArray,
        low: IntArray,
        high: IntArray,
        price: FloatArray,
        moved: float,
    ) -> tuple[FloatArray, IntArray]:
        """Every count combination of these bases (``grid`` counts per system, the
        narrowed ranges repeated to fill it): each base's least value and its counts."""
        inst = self.instance
        free = [s for s in range(inst.n_systems) if grid[s] > 1]
        classes = np.flatnonzero(inst.value[idx].max(axis=0, initial=0.0) > 0.0)
        combos = int(np.prod(grid[free])) if free else 1
        per = max(1, CHUNK // max(combos * max(classes.size, 1), 1))
        counts = low.copy()
        values = np.zeros(idx.size)
        for first in range(0, idx.size, per):
            part = slice(first, first + per)
            rows = idx[part]
            lo, hi, pr = low[part], high[part], price[part]
            fixed = np.ones(inst.n_systems, dtype=bool)
            fixed[free] = False
            base = lo[:, fixed] @ self.leak[fixed][:, classes]  # (b, C')
            exponent = base.reshape(base.shape[0], *([1] * len(free)), classes.size)
            paid = self.cost(pr, lo, moved, rows)[:, fixed].sum(axis=1)
            paid = paid.reshape(-1, *([1] * len(free)))
            options = []
            for axis, s in enumerate(free):
                n = np.minimum(lo[:, s : s + 1] + np.arange(grid[s]), hi[:, s : s + 1])
                options.append(n)
                shape = [n.shape[0]] + [1] * len(free)
                shape[axis + 1] = int(grid[s])
                step = n[:, :, None] * self.leak[s, classes][None, None, :]
                exponent = exponent + step.reshape(*shape, classes.size)
                unit = pr[:, s : s + 1] * n
                if moved and self.point[s]:
                    unit = unit + moved * np.maximum(self.current[rows, s : s + 1] - n, 0)
                paid = paid + unit.reshape(shape)
            value = inst.value[rows][:, classes].reshape(rows.size, *([1] * len(free)), -1)
            residual = (value * np.exp(exponent)).sum(axis=-1)
            objective = (residual + paid).reshape(rows.size, -1)
            best = np.argmin(objective, axis=1)
            values[part] = objective[np.arange(rows.size), best]
            if free:
                where = np.unravel_index(best, tuple(int(grid[s]) for s in free))
                for axis, s in enumerate(free):
                    counts[part, s] = options[axis][np.arange(rows.size), where[axis]]
        return values, counts


def _cheapest(
    unit: FloatArray, low: IntArray, high: IntArray, current: IntArray, moved: float
) -> tuple[IntArray, float]:
    """Units per site within its bounds minimising unit · x + moved · (units taken
    away): at a bound, or where they stand today (the cost is convex, piecewise
    linear, with its kinks there)."""
    options = [low, high, np.clip(current, low, high)] if moved else [low, high]
    costs = [unit * x + moved * np.maximum(current - x, 0) for x in options]
    choice = np.argmin(np.stack(costs), axis=0)
    x = np.choose(choice, options)
    return np.asarray(x, dtype=np.int64), float(np.min(np.stack(costs), axis=0).sum())
