"""The Lagrangian dual of :mod:`defplan.model.lagrangian`, solved by column generation.

Subgradient steps on the prices oscillate where a site's area units answer a price
all or nothing. The same dual is the linear program over each base's convex hull of
counts (Dantzig & Wolfe 1960): a master LP picks a mix of known count vectors
("columns") per base and the area units at each site, within the inventory and the
links; its row duals are prices, and the bases' problems at those prices (exact, as
in :func:`~defplan.model.lagrangian.lagrangian_bound`) both give the bound L at those
prices and the columns that could lower the master's value. Every round's bound is
valid, and the rounds end when no column prices out or the time is up.

The master leaves the move budget and a move cost at area sites out (both only
lower it), so its prices never price the budget: the bound holds, if weaker, there.

References
----------
Dantzig, G.B. & Wolfe, P. (1960). Decomposition principle for linear programs.
Operations Research 8, 101-111.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
from numpy.typing import NDArray

from defplan.model.exchange import cyclic_exchange
from defplan.model.heuristic import State, fill
from defplan.model.instance import FloatArray, Instance, IntArray
from defplan.model.lagrangian import Prices, _Pricing, lagrangian_bound, priceable

#: Column-generation rounds at most (each one master LP and one pricing of every base).
ROUNDS = 60
#: Weight of the best prices so far in the prices each round evaluates.
SMOOTHING = 0.5
#: Subgradient steps whose counts start the master when a relaxed allocation is given.
FIRST_STEPS = 30
#: The master's mixed cells are re-solved exactly when there are at most this many
#: (with at most this many branch-and-bound nodes).
MOST_FREED = 2_000
RESOLVE_NODES = 10_000
#: Passes of cyclic and path exchanges for the master's allocation, at most.
EXCHANGE_PASSES = 100
#: A column joins the master when its reduced cost is below −this × the risk size.
ENTERING = 1e-9


def column_bound(
    instance: Instance,
    start: IntArray,
    deadline: float,
    rounds: int = ROUNDS,
    relaxed: FloatArray | None = None,
) -> Prices | None:
    """The best Lagrangian bound of the column-generation rounds (None when the
    instance is not priceable, HiGHS is missing, or the clock has passed ``deadline``
    before a round ended: setting up the master takes seconds on 5,000 bases);
    ``start`` a feasible allocation
    (its counts are the master's first columns, so the master is feasible). With
    ``relaxed``, a fractional allocation (the continuous relaxation's), the counts of
    :data:`FIRST_STEPS` subgradient steps from its prices join the first columns: the
    first masters then price near the answer, not at the extremes of a few columns.

    Examples
    --------
    >>> from defplan.model import make_instance
    >>> inst = make_instance([[4.0], [4.0]], [[0.5]], [1])
    >>> round(column_bound(inst, np.array([[1], [0]]), float("inf")).bound, 6)
    6.0
    """
    if not priceable(instance) or time.perf_counter() >= deadline:
        return None
    try:
        import highspy
    except ImportError:  # pragma: no cover - HiGHS is a dependency
        return None
    master = _Master(instance, highspy)
    pricing = master.pricing
    counts = instance.defending(start).round().astype(np.int64)
    counts[:, pricing.point] = start[:, pricing.point]
    master.add(counts)
    master.add(np.clip(pricing.low, pricing.low, pricing.high))
    if relaxed is not None:
        value = instance.objective_of(start)
        lagrangian_bound(instance, relaxed, value, FIRST_STEPS, deadline, seen=master.add)
    best = Prices(-math.inf, np.zeros(instance.n_systems), np.zeros(instance.lower.shape), 0.0)
    for _ in range(rounds):
        if time.perf_counter() >= deadline:
            break
        prices = master.solve(deadline)
        if prices is None:
            break
        for smoothing in (SMOOTHING, 0.0) if math.isfinite(best.bound) else (0.0,):
            # priced between the best prices and the master's (Wentges): the master's
            # own duals swing from one extreme to another while its columns are few
            lam = smoothing * best.inventory + (1.0 - smoothing) * prices[0]
            mu = smoothing * best.links + (1.0 - smoothing) * prices[1]
            value, _, _, _ = pricing.evaluate(lam, mu, 0.0)
            if value > best.bound:
                best = Prices(value, lam, mu, 0.0)
            if master.add(pricing.last_counts, only_entering=True) > 0:
                break
        else:
            break  # no column prices out at the master's duals: the bound is the dual's
    if not math.isfinite(best.bound):
        return None
    return dataclasses.replace(best, allocation=master.allocation(), mixed=master.mixed)


def lagrangian_start(instance: Instance, priced: Prices, deadline: float) -> IntArray | None:
    """The master's allocation completed greedily and exchanged (:func:`fill`,
    :func:`cyclic_exchange`), then re-solved exactly where the master mixed (the
    cells of :attr:`Prices.mixed` and those the completion changed, the rest fixed;
    :func:`~defplan.model.lns.restrict`), or None when it breaks a rule the master
    leaves out; None too when entered past ``deadline``."""
    if priced.allocation is None or time.perf_counter() >= deadline:
        return None
    state = State.of(instance, priced.allocation)
    fill(state, deadline)
    cyclic_exchange(state, max_passes=EXCHANGE_PASSES, deadline=deadline)
    if instance.violations(state.x):
        return None
    free = priced.mixed | (state.x != priced.allocation)
    if free.any() and free.sum() <= MOST_FREED and time.perf_counter() < deadline:
        found = _resolved(instance, state.x, free, deadline)
        if found is not None and instance.objective_of(found) < state.score:
            return found
    return state.x


def _resolved(
    instance: Instance, x: IntArray, free: NDArray[np.bool_], deadline: float
) -> IntArray | None:
    """x with its free cells (B, S bool) re-solved exactly, the others fixed (None
    when the re-solve found nothing or broke a rule)."""
    from defplan.model.lns import restrict
    from defplan.model.outer_approximation import solve  # solve uses this module

    sub, keep = restrict(instance, x, free)
    found = solve(
        sub,
        time_limit=max(deadline - time.perf_counter(), 0.05),
        start=np.where(free[keep], x[keep], 0),
        neighbourhoods=False,
        max_nodes=RESOLVE_NODES,
    )
    if found.x is None:
        return None
    trial = np.where(free, 0, x)
    trial[keep] += found.x
    return None if instance.violations(trial) else trial


class _Master:
    """The restricted master LP, grown column by column in one HiGHS instance."""

    def __init__(self, instance: Instance, highspy: object) -> None:
        self.instance = instance
        self.pricing = _Pricing(instance)
        self.highs = highspy.Highs()  # type: ignore[attr-defined]
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("threads", 1)
        self.highs.setOptionValue("simplex_strategy", 4)
        n, systems = instance.lower.shape
        self.area = [s for s in range(systems) if not self.pricing.point[s]]
        # rows: one convexity row per base, a link per base and area system, inventory
        self.link_row = {s: n + i * n + np.arange(n) for i, s in enumerate(self.area)}
        self.inventory_row = n + len(self.area) * n + np.arange(systems)
        rows = n + len(self.area) * n + systems
        lower = np.concatenate([np.ones(n), np.full(rows - n, -np.inf)])
        upper = np.concatenate(
            [np.ones(n), np.zeros(len(self.area) * n), instance.inventory.astype(np.float64)]
        )
        self.rows = rows
        self.highs.addRows(
            rows, lower, upper, 0, np.zeros(rows, dtype=np.int32), np.zeros(0, np.int32), []
        )
        for s in self.area:
            self._add_sites(s)
        self.seen: set[tuple[int, bytes]] = set()
        self.column_base: list[int] = []
        self.column_counts: list[IntArray] = []
        self.solved = False
        #: (B, S) cells where the last master solution mixes columns or splits units
        self.mixed = np.zeros(instance.lower.shape, dtype=bool)
        self.moved = instance.move_cost if instance.current is not None else 0.0

    def _add_sites(self, s: int) -> None:
        """x[h, s] for every site h: −1 in the links of the bases it covers, 1 in the
        inventory row of s."""
        inst = self.instance
        n = inst.n_bases
        cover = inst.coverage[s]
        starts: list[int] = []
        index: list[int] = []
        value: list[float] = []
        for h in range(n):
            bases = cover.covered_by(h)
            starts.append(len(index))
            index.extend(self.link_row[s][bases].tolist())
            value.extend([-1.0] * len(bases))
            index.append(int(self.inventory_row[s]))
            value.append(1.0)
        self.highs.addCols(
            n,
            np.zeros(n),
            inst.lower[:, s].astype(np.float64),
            inst.upper[:, s].astype(np.float64),
            len(index),
            np.asarray(starts, dtype=np.int32),
            np.asarray(index, dtype=np.int32),
            np.asarray(value, dtype=np.float64),
        )

    def add(self, counts: IntArray, *, only_entering: bool = False) -> int:
        """Add each base's count vector as a column (unless known); returns how many
        were added. ``only_entering``: only those whose reduced cost is negative at
        the last prices."""
        inst = self.instance
        point = self.pricing.point
        residual = (inst.value * np.exp(counts @ inst.log_leak)).sum(axis=1)
        cost = residual.copy()
        if self.moved:
            taken = np.maximum(self.pricing.current - counts, 0)[:, point]
            cost += self.moved * taken.sum(axis=1)
        if only_entering:
            priced = cost + (counts * self.price).sum(axis=1) - self.convexity
            keep = priced < -ENTERING * inst.risk_size
        else:
            keep = np.ones(inst.n_bases, dtype=bool)
        starts: list[int] = []
        index: list[int] = []
        value: list[float] = []
        costs: list[float] = []
        for b in np.flatnonzero(keep).tolist():
            key = (b, counts[b].tobytes())
            if key in self.seen:
                continue
            self.seen.add(key)
            self.column_base.append(b)
            self.column_counts.append(counts[b].copy())
            starts.append(len(index))
            index.append(b)
            value.append(1.0)
            for s in range(inst.n_systems):
                if counts[b, s] == 0:
                    continue
                row = self.link_row[s][b] if s in self.link_row else self.inventory_row[s]
                index.append(int(row))
                value.append(float(counts[b, s]))
            costs.append(cost[b])
        if costs:
            self.highs.addCols(
                len(costs),
                np.asarray(costs),
                np.zeros(len(costs)),
                np.full(len(costs), np.inf),
                len(index),
                np.asarray(starts, dtype=np.int32),
                np.asarray(index, dtype=np.int32),
                np.asarray(value, dtype=np.float64),
            )
        return len(costs)

    def solve(self, deadline: float) -> tuple[FloatArray, FloatArray] | None:
        """Solve the master; the prices (λ, μ) its duals give, None when it did not end."""
        left = deadline - time.perf_counter()
        if left <= 0.0:
            return None
        # HiGHS's time limit is on its clock since the instance began, not this run's
        self.highs.setOptionValue("time_limit", self.highs.getRunTime() + left)
        self.highs.run()
        if str(self.highs.getModelStatus()) != "HighsModelStatus.kOptimal":
            return None
        self.solved = True
        dual = np.asarray(self.highs.getSolution().row_dual, dtype=np.float64)
        inst = self.instance
        lam = np.maximum(-dual[self.inventory_row], 0.0)
        mu = np.zeros(inst.lower.shape)
        for s in self.area:
            mu[:, s] = np.maximum(-dual[self.link_row[s]], 0.0)
        self.convexity = dual[: inst.n_bases]
        self.price = np.where(self.pricing.point[None, :], lam[None, :], mu)
        return lam, mu

    def allocation(self) -> IntArray | None:
        """The last master solution rounded down: each base's point units the least
        over the columns it mixes, each site's area units their floor. Within the
        bounds and the inventory (a convex mix is at least its least column), not
        always within a move budget or a cap. None before a solve."""
        if not self.solved:
            return None
        inst = self.instance
        values = np.asarray(self.highs.getSolution().col_value, dtype=np.float64)
        x = inst.lower.copy()
        n = inst.n_bases
        for i, s in enumerate(self.area):
            x[:, s] = np.floor(values[i * n : (i + 1) * n] + 1e-6).astype(np.int64)
        weights = values[len(self.area) * n :]
        point = self.pricing.point
        least = np.full((n, inst.n_systems), np.iinfo(np.int64).max)
        for w, b, counts in zip(weights, self.column_base, self.column_counts, strict=True):
            if w > 1e-6:
                least[b] = np.minimum(least[b], counts)
        chosen = least[:, point]
        x[:, point] = np.where(chosen == np.iinfo(np.int64).max, x[:, point], chosen)
        # where the master mixes: the cells of bases it mixes columns for, the area
        # sites that cover them, and the area sites it splits units at
        mixed = np.zeros(n, dtype=bool)
        for w, b in zip(weights, self.column_base, strict=True):
            if 1e-6 < w < 1.0 - 1e-6:
                mixed[b] = True
        self.mixed = np.zeros(x.shape, dtype=bool)
        self.mixed[:, point] = mixed[:, None]
        for i, s in enumerate(self.area):
            cover = inst.coverage[s]
            split = values[i * n : (i + 1) * n]
            self.mixed[:, s] = np.abs(split - np.round(split)) > 1e-6
            self.mixed[np.unique(cover.hosts[mixed[cover.bases]]), s] = True
        return np.clip(x, inst.lower, inst.upper)
