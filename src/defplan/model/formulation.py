"""The exact MILP: integer units, one summed exponent per base and class, cuts of exp.

For every base b and class c that some system can reach,

    y[b, c] = Σ_s ln(1 − p[s, c]) · n[b, s]          (linear in the integer x)
    t[b, c] ≥ a cut of v·e^y                          (residual of the pair)

y can only take the values Σ_s ln(1 − p[s, c]) · k_s ("reachable exponents").
Where those are known (they usually are), the cuts are chords of v·e^y between
consecutive reachable exponents: valid at every integer allocation, exact at each
reachable point, and the convex envelope in between, so the LP relaxation is tight.
Pairs with few reachable exponents get every chord up front and are exact from the
first solve; the others get chords near likely points and, at each solution, the
chords beside its exponent (outer approximation) until the true residual of the
model's solution meets its bound. Pairs whose reachable set is too large to list
fall back to tangents of v·e^y, which are valid everywhere.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from defplan.model.aggregate import SampleTotal, TopSum
from defplan.model.instance import FloatArray, Instance, IntArray
from defplan.model.linear import INF, LinearModel

#: A pair whose reachable exponents number at most this many gets them all as tangents.
ENUMERATE_LIMIT = 40
#: Pairs with at most this many reachable exponents get chords on demand (else tangents).
REACHABLE_LIMIT = 100_000
#: ... but only this many when the model has more than LARGE_MODEL_PAIRS pairs: listing
#: huge reachable sets for tens of thousands of pairs would take minutes.
REACHABLE_LIMIT_LARGE = 2_000
LARGE_MODEL_PAIRS = 10_000
#: Otherwise cuts near this many points, spread over the exponent's range, start the model.
INITIAL_TANGENTS = 12
#: A risk below this is never scaled up to 1 (its inverse would not be a float).
MIN_SCALED = 1e-300
#: A largest base risk in this range is modelled as it is (see :func:`model_scale`).
SANE_RISK = (1e-3, 1e4)
#: (ln(1 − p), most units) of one system defending a pair.
Step = tuple[float, int]
#: Chords of the residual in the count of defending units, n = 1 … this, for pairs with
#: too many reachable exponents to list (see :func:`add_count_chords`).
COUNT_CHORDS = 3
#: Single-system tangent points are rounded to this grid in y: many systems with nearly
#: equal ln(1 − p), as in WTA, would otherwise give hundreds of rows per pair.
TANGENT_GRID = 0.1


class OutOfTimeError(Exception):
    """The model's build passed its deadline (a :func:`time.perf_counter` time): the
    solve reports its time limit with the heuristic's allocation instead."""


def check_deadline(deadline: float | None) -> None:
    """Raise :class:`OutOfTimeError` once the clock passes ``deadline`` (None: never)."""
    if deadline is not None and time.perf_counter() >= deadline:
        raise OutOfTimeError


@dataclass
class Formulation:
    """The linear model plus where each part of the allocation lives in it."""

    model: LinearModel
    instance: Instance
    x_col: IntArray  # (B, S) column of x[b, s], −1 where the site can host none
    move_col: IntArray  # (B, S) column of units moved away, −1 where none stand
    pair_base: IntArray  # per (b, c) pair with a y column
    pair_class: IntArray
    pair_value: FloatArray  # v of the pair's residual v·e^y (a merged pair's: Σ w_i)
    y_col: IntArray
    t_col: IntArray
    worst_col: int  # −1 with the expected objective
    constant: FloatArray  # (B,) residual no system can touch (in model units)
    tangents: list[set[float]]  # exponents already cut by a tangent, per pair
    reachable: list[FloatArray | None] = field(default_factory=list)  # sorted, per pair
    chords: list[set[int]] = field(default_factory=list)  # chord i joins reachable[i], [i+1]
    #: (P, S) ln(1 − p[s, c]) of each pair's class: in a sampled model every sample has
    #: its own intercept probabilities, so the exponent's steps belong to the pair
    pair_leak: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    #: model units per unit of risk (see :func:`model_scale`): a worst-case model reads
    #: about 1, a theater of huge or tiny risks is brought to where the backends'
    #: absolute tolerances (1e-7 and so on) are small against it
    scale: float = 1.0
    #: the sum of the k largest base residuals (an attacker's k raids, in the objective
    #: or under a cap) when there is one: its aggregator, the bases' totals and columns
    top_sum: TopSum | None = None
    top_totals: list[SampleTotal] = field(default_factory=list)
    top_cols: list[int] = field(default_factory=list)
    #: per pair, None for v·e^y, or the (weights, rates) of a merged pair's residual
    #: Σ_i w_i·e^{r_i·y}: the pseudo-classes of one raid class that a single system
    #: kills share one exponent (see :func:`merged_groups`)
    pair_terms: list[tuple[FloatArray, FloatArray] | None] = field(default_factory=list)

    def residual_at(self, y: FloatArray) -> FloatArray:
        """The true residual of every pair at its exponent y (model units)."""
        found = self.pair_value * np.exp(y)
        for k, terms in enumerate(self.pair_terms):
            if terms is not None:
                found[k] = float(terms[0] @ np.exp(terms[1] * y[k]))
        return np.asarray(found, dtype=np.float64)

    def _value_slope(self, k: int, point: float) -> tuple[float, float]:
        """The residual of pair k at exponent ``point`` and its derivative there."""
        terms = self.pair_terms[k] if k < len(self.pair_terms) else None
        if terms is None:
            value = float(self.pair_value[k] * np.exp(point))
            return value, value
        grown = terms[0] * np.exp(terms[1] * point)
        return float(grown.sum()), float(grown @ terms[1])

    #: units defending a pair, for its chords in the count (:func:`add_count_chords`):
    #: the count's column and the x columns it sums
    counts: list[tuple[int, list[int]]] = field(default_factory=list)

    def values_for(self, x: IntArray) -> FloatArray:
        """A full, feasible column vector for an integer allocation (a warm start)."""
        inst = self.instance
        values = np.zeros(self.model.n_cols)
        has_x = self.x_col >= 0
        values[self.x_col[has_x]] = x[has_x]
        if inst.current is not None:
            moved = np.maximum(inst.current - x, 0)
            has_move = self.move_col >= 0
            values[self.move_col[has_move]] = moved[has_move]
        y = self.pair_exponents(x)
        values[self.y_col] = y
        values[self.t_col] = self.residual_at(y)
        for n, columns in self.counts:
            values[n] = values[columns].sum()
        if self.top_sum is not None:
            totals = np.array([float(values[t.t_cols].sum()) + t.constant for t in self.top_totals])
            values[self.top_cols] = self.top_sum.start_values(totals, self.scale)
        if self.worst_col >= 0:
            worst = float(inst.residual(x).max()) if inst.n_bases else 0.0
            values[self.worst_col] = worst * self.scale
        return values

    def pair_exponents(self, x: IntArray) -> FloatArray:
        """y of every pair under allocation x: Σ_s ln(1 − p[s, c]) · n[b, s]."""
        defending = self.instance.defending(x)[self.pair_base]
        return np.asarray((defending * self.pair_leak).sum(axis=1), dtype=np.float64)

    def risk_of(self, model_value: float) -> float:
        """A model objective or bound in risk units (casualty-equivalents a year)."""
        return model_value / self.scale

    def allocation(self, values: NDArray[np.float64]) -> IntArray:
        """The integer allocation inside a column vector."""
        x = np.zeros(self.x_col.shape, dtype=np.int64)
        has_x = self.x_col >= 0
        x[has_x] = np.rint(values[self.x_col[has_x]]).astype(np.int64)
        return x

    def add_tangents_at(self, values: NDArray[np.float64], tolerance: float) -> int:
        """Cut off a model solution whose t under-reads v e^y; returns cuts added."""
        y = values[self.y_col]
        t = values[self.t_col]
        true = self.residual_at(y)
        short = np.flatnonzero(true - t > tolerance * np.maximum(1.0, true))
        rows = self.model.n_rows
        for k in short.tolist():
            self.cut_near(k, float(y[k]))
        return self.model.n_rows - rows

    def cut_at(self, x: IntArray, deadline: float | None = None) -> None:
        """Make the model exact at an allocation and one unit of any system either side
        of it: an incumbent is close to the optimum, which usually differs from it by a
        unit here and there. Pairs with every chord in place need nothing. Raises
        :class:`OutOfTimeError` past ``deadline`` (the cuts made stay valid)."""
        defending = self.instance.defending(x)[self.pair_base]
        for k, point in enumerate(self.pair_exponents(x).tolist()):
            check_deadline(deadline)
            self.cut_near(k, point)
            known = self.reachable[k]
            if known is not None and len(self.chords[k]) >= len(known) - 1:
                continue
            low = float(self.model.col_lower[int(self.y_col[k])])
            for near in self._neighbours(k, point, defending[k]):
                if low <= near <= 0.0:
                    self.cut_near(k, near)

    def _neighbours(self, k: int, point: float, defending: FloatArray) -> set[float]:
        """The exponents of pair k one unit of any system away from ``point``.

        Where the pair's reachable exponents are not listed (tangent pairs) a unit
        added is cut near the point on the :data:`TANGENT_GRID`: a weapon-target pair
        has hundreds of systems, and an exact tangent for each unit any of them could
        add made the model 4-7 times its size (200x400 μ1: 20,000 rows to 187,000,
        past :data:`~defplan.model.backends.highs.IPM_ROWS`, so its root LP no longer
        ended in 60 s). Units taken away, from the systems defending it, stay exact."""
        steps = self.pair_leak[k]
        if self.reachable[k] is not None:
            chosen = steps[steps < 0.0]
            return {*(point + chosen).tolist(), *(point - chosen).tolist()}
        added = np.round((point + steps[steps < 0.0]) / TANGENT_GRID) * TANGENT_GRID
        removed = point - steps[(steps < 0.0) & (defending > 0.0)]
        return {*added.tolist(), *removed.tolist()}

    def cut_near(self, k: int, point: float) -> None:
        """Make the model exact at this exponent: the two chords beside the nearest
        reachable exponent when the pair's reachable set is known, else a tangent."""
        known = self.reachable[k] if k < len(self.reachable) else None
        if known is None:
            if point not in self.tangents[k]:
                self._tangent(k, point)
            return
        if len(known) == 1:
            if 0 not in self.chords[k]:
                self.chords[k].add(0)
                value = self._value_slope(k, float(known[0]))[0]
                self.model.add_row(f"chord[{k}]", [int(self.t_col[k])], [1.0], value, INF)
            return
        j = int(np.argmin(np.abs(known - point)))
        for i in (j - 1, j):
            if 0 <= i < len(known) - 1:
                self._chord(k, i)

    def _chord(self, k: int, i: int) -> None:
        """t ≥ the chord of v·e^y between reachable exponents i and i + 1.

        No reachable exponent lies strictly between the two, and by convexity every
        other one lies on or above the chord, so the row is valid wherever x is
        integer, exact at both ends, and between them the convex envelope (tighter
        than any tangent).
        """
        if i in self.chords[k]:
            return
        self.chords[k].add(i)
        known = self.reachable[k]
        assert known is not None
        low, high = float(known[i]), float(known[i + 1])
        f_low, f_high = self._value_slope(k, low)[0], self._value_slope(k, high)[0]
        slope = (f_high - f_low) / (high - low)
        self.model.add_row(
            f"chord[{k}]",
            [int(self.t_col[k]), int(self.y_col[k])],
            [1.0, -slope],
            f_low - slope * low,
            INF,
        )

    def _tangent(self, k: int, point: float) -> None:
        value, slope = self._value_slope(k, point)
        plain = k >= len(self.pair_terms) or self.pair_terms[k] is None
        self.model.add_row(
            f"tan[{k}]",
            [int(self.t_col[k]), int(self.y_col[k])],
            [1.0, -slope],
            slope * (1.0 - point) if plain else value - slope * point,
            INF,
        )
        self.tangents[k].add(point)


def reachable_exponents(steps: list[tuple[float, int]], limit: int) -> list[float] | None:
    """All values Σ step·n with 0 ≤ n ≤ count, or None when there are more than limit."""
    found = reachable_array(steps, limit)
    return None if found is None else found.tolist()


def reachable_array(steps: list[tuple[float, int]], limit: int) -> FloatArray | None:
    """Sorted distinct Σ step·n (0 ≤ n ≤ count); values closer than 1e-12 are one."""
    values = np.zeros(1)
    for step, count in steps:
        if len(values) * (count + 1) > 20 * limit:
            return None  # would sort a huge grid only to find it too big
        grid = values[:, None] + step * np.arange(count + 1)[None, :]
        values = np.unique(grid.ravel())
        if len(values) > 1:
            keep = np.concatenate([[True], np.diff(values) > 1e-12])
            values = values[keep]
        if len(values) > limit:
            return None
    return np.asarray(values, dtype=np.float64)


def spread_points(low: float, steps: list[tuple[float, int]], count: int) -> list[float]:
    """Tangent points for a pair with many reachable exponents: single-system counts
    first (the likely optima), then an even spread of the exponential between them."""
    points = {0.0, low}
    for step, most in steps:
        for n in range(1, min(most, 4) + 1):
            points.add(round(step * n / TANGENT_GRID) * TANGENT_GRID)
    grid = np.log(np.linspace(1.0, float(np.exp(max(low, -700.0))), count))
    points.update(float(g) for g in grid)
    return sorted(p for p in points if low <= p <= 0.0)


def model_scale(inst: Instance, typical: float | None = None) -> float:
    """Model units per unit of risk.

    With ``typical`` (a worst-case objective the optimum is near, a heuristic's) the
    model is scaled so it reads 1: the worst base's residual is then far above the
    backends' absolute tolerances (1e-7), which would otherwise blur a small optimum.
    Otherwise risks are left as they are while the largest base's lies within
    :data:`SANE_RISK` (each pair's residual then stays well above those tolerances, and
    summed objectives do not gather their error), and scaled so that base's reads 1
    outside it (a troop_weight of 100 gives risks of 1e40).
    """
    if typical is not None and MIN_SCALED <= typical < math.inf:
        return 1.0 / typical
    largest = float(inst.value.sum(axis=1).max(initial=0.0)) if inst.value.size else 0.0
    if SANE_RISK[0] <= largest <= SANE_RISK[1] or not MIN_SCALED <= largest < math.inf:
        return 1.0
    return 1.0 / largest


def formulate(
    instance: Instance, typical: float | None = None, deadline: float | None = None
) -> Formulation:
    """Build the MILP for an instance, with its initial cuts: the units and their
    inventory and move rows, one exponent and epigraph per base and class, then the
    objective's rows (the worst base, or an attacker's k raids) and any residual cap.

    ``typical`` is a worst-case objective value the optimum is near (a heuristic's):
    the model is then scaled so it reads 1 (see :func:`model_scale`). Past
    ``deadline`` (a :func:`time.perf_counter` time) the build stops with
    :class:`OutOfTimeError`: a large model takes longer than a short time limit.
    """
    check_deadline(deadline)
    inst = instance
    model = LinearModel()
    expected_weight, worst_weight = inst.weights
    scale = model_scale(inst, typical)
    x_col, move_col = add_allocation(model, inst, scale, deadline)
    pairs = PairSet(n_systems=inst.n_systems)
    constant = add_residual_pairs(
        model,
        inst,
        x_col,
        inst.log_leak,
        [inst.value * scale],
        [expected_weight],
        pairs,
        deadline=deadline,
    )[0]
    model.offset = expected_weight * float(constant.sum())
    by_base = pairs.t_by_base(0)
    worst_col, top = -1, None
    if worst_weight > 0.0 and inst.raids > 1:
        top = add_attacker_raids(model, TopSum(inst.raids, worst_weight), by_base, constant)
    elif worst_weight > 0.0:
        worst_col = add_worst_base(model, worst_weight, by_base, constant)
    if inst.residual_cap is not None:
        top = add_residual_cap(model, inst, inst.residual_cap * scale, by_base, constant) or top
    built = pairs.formulation(
        model, inst, x_col, move_col, worst_col, constant, scale, deadline=deadline
    )
    if top is not None:
        built.top_sum, built.top_totals, built.top_cols = top
    return built


#: The sum of an attacker's k largest base residuals: the aggregator, the bases'
#: totals and the aggregator's columns.
TopRows = tuple[TopSum, list[SampleTotal], list[int]]


def add_worst_base(
    model: LinearModel, weight: float, by_base: dict[int, list[int]], constant: FloatArray
) -> int:
    """worst ≥ Σ_c t[b, c] + constant[b] for every base; returns the worst column,
    costing ``weight`` in the objective."""
    worst_col = model.add_col("worst", float(constant.max(initial=0.0)), INF, weight)
    for b, ts in by_base.items():
        model.add_row(
            f"worst_def[{b}]", [worst_col, *ts], [1.0] + [-1.0] * len(ts), constant[b], INF
        )
    return worst_col


def add_attacker_raids(
    model: LinearModel, top: TopSum, by_base: dict[int, list[int]], constant: FloatArray
) -> TopRows:
    """The sum of the ``top.k`` largest base residuals over the bases' epigraphs (bases
    with no risk at all left out: they never raise the sum)."""
    totals = [
        SampleTotal(t_cols=by_base.get(b, []), constant=float(constant[b]))
        for b in range(len(constant))
        if by_base.get(b) or constant[b] > 0.0
    ]
    return top, totals, top.add_rows(model, totals, 1.0)


def add_residual_cap(
    model: LinearModel,
    inst: Instance,
    cap: float,
    by_base: dict[int, list[int]],
    constant: FloatArray,
) -> TopRows | None:
    """Every base's residual at most ``cap`` (model units), or under an attacker with
    several raids the sum of the largest ``inst.cap_raids`` (returning its rows)."""
    if inst.cap_raids > 1:
        top = add_attacker_raids(model, TopSum(inst.cap_raids, 0.0), by_base, constant)
        top[0].cap_row(model, top[2], cap)
        return top
    for b, ts in by_base.items():
        model.add_row(f"cap[{b}]", ts, [1.0] * len(ts), -INF, cap - float(constant[b]))
    return None


def add_allocation(
    model: LinearModel, inst: Instance, scale: float = 1.0, deadline: float | None = None
) -> tuple[IntArray, IntArray]:
    """The integer units x[b, s] with their inventory rows and, with a move budget or a
    move cost (``scale`` model units per unit of risk), the units moved away from
    today's deployment. Returns the columns of x and of moves (−1 where none).
    Raises :class:`OutOfTimeError` past ``deadline``."""
    x_col = add_units(model, inst, deadline)
    add_inventory_limits(model, inst, x_col)
    move_col = np.full((inst.n_bases, inst.n_systems), -1, dtype=np.int64)
    if inst.current is not None and (inst.max_moves is not None or inst.move_cost > 0.0):
        move_col = add_moves(model, inst, inst.current, x_col, scale)
    return x_col, move_col


def add_units(model: LinearModel, inst: Instance, deadline: float | None = None) -> IntArray:
    """x[b, s] within its bounds, where a site may host any unit; the (B, S) columns,
    −1 where it may host none (:class:`OutOfTimeError` past ``deadline``)."""
    x_col = np.full((inst.n_bases, inst.n_systems), -1, dtype=np.int64)
    for b in range(inst.n_bases):
        check_deadline(deadline)
        for s in range(inst.n_systems):
            if inst.upper[b, s] > 0:
                x_col[b, s] = model.add_col(
                    f"x[{b},{s}]", float(inst.lower[b, s]), float(inst.upper[b, s]), integer=True
                )
    return x_col


def add_inventory_limits(model: LinearModel, inst: Instance, x_col: IntArray) -> None:
    """Σ_b x[b, s] ≤ inventory[s]."""
    for s in range(inst.n_systems):
        columns = x_col[:, s][x_col[:, s] >= 0].tolist()
        if columns:
            model.add_row(
                f"inventory[{s}]", columns, [1.0] * len(columns), -INF, float(inst.inventory[s])
            )


def add_moves(
    model: LinearModel, inst: Instance, current: IntArray, x_col: IntArray, scale: float
) -> IntArray:
    """moved[b, s] ≥ current[b, s] − x[b, s] where units stand today, each costing the
    move cost, and Σ moved ≤ the move budget when there is one; the (B, S) columns."""
    move_col = np.full((inst.n_bases, inst.n_systems), -1, dtype=np.int64)
    for b, s in zip(*np.nonzero(current > 0), strict=True):
        standing = float(current[b, s])
        move_col[b, s] = model.add_col(
            f"moved[{b},{s}]", 0.0, standing, cost=inst.move_cost * scale
        )
        index, coef = [int(move_col[b, s])], [1.0]
        if x_col[b, s] >= 0:
            index.append(int(x_col[b, s]))
            coef.append(1.0)
        model.add_row(f"moved_def[{b},{s}]", index, coef, standing, INF)
    moved = move_col[move_col >= 0].tolist()
    if moved and inst.max_moves is not None:
        model.add_row("move_budget", moved, [1.0] * len(moved), -INF, float(inst.max_moves))
    return move_col


def reach_of(inst: Instance, x_col: IntArray) -> list[list[list[int]]]:
    """Per base and system, the x columns of the hosts whose units defend the base."""
    reach: list[list[list[int]]] = [
        [[] for _ in range(inst.n_systems)] for _ in range(inst.n_bases)
    ]
    for s, cover in enumerate(inst.coverage):
        for h, b in zip(cover.hosts.tolist(), cover.bases.tolist(), strict=True):
            if x_col[h, s] >= 0:
                reach[b][s].append(int(x_col[h, s]))
    return reach


@dataclass
class PairSet:
    """The (base, class) pairs of a model as they are added: each an epigraph t of one
    residual v·e^y over an exponent y that several pairs may share (the samples of an
    uncertain theater whose intercept probabilities agree). ``owner`` says which of the
    value arrays passed to :func:`add_residual_pairs` a pair's t belongs to."""

    n_systems: int
    base: list[int] = field(default_factory=list)
    cls: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    y: list[int] = field(default_factory=list)
    t: list[int] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)
    leak: list[FloatArray] = field(default_factory=list)
    points: list[list[float]] = field(default_factory=list)
    reachable: list[FloatArray | None] = field(default_factory=list)
    every: list[bool] = field(default_factory=list)
    terms: list[tuple[FloatArray, FloatArray] | None] = field(default_factory=list)
    reach: list[list[list[int]]] | None = None
    #: the count columns of :func:`add_count_chords`, each with the x columns it sums
    counts: list[tuple[int, list[int]]] = field(default_factory=list)

    def add(
        self,
        b: int,
        c: int,
        value: float,
        y: int,
        t: int,
        owner: int,
        leak: FloatArray,
        points: list[float],
        reachable: FloatArray | None,
        every: bool,
        terms: tuple[FloatArray, FloatArray] | None = None,
    ) -> None:
        """Record one pair: its base, class, value, columns, owner, exponent steps and
        where its initial cuts go (every chord when ``every``, else ``points``)."""
        self.base.append(b)
        self.cls.append(c)
        self.value.append(value)
        self.y.append(y)
        self.t.append(t)
        self.owner.append(owner)
        self.leak.append(leak)
        self.points.append(points)
        self.reachable.append(reachable)
        self.every.append(every)
        self.terms.append(terms)

    def t_by_base(self, owner: int) -> dict[int, list[int]]:
        """The t columns of one owner, per base, bases in order."""
        by_base: dict[int, list[int]] = {}
        for b, t, o in zip(self.base, self.t, self.owner, strict=True):
            if o == owner:
                by_base.setdefault(b, []).append(t)
        return dict(sorted(by_base.items()))

    def t_of(self, owner: int) -> list[int]:
        """The t columns of one owner (its summed residual is their sum)."""
        return [t for t, o in zip(self.t, self.owner, strict=True) if o == owner]

    def formulation(
        self,
        model: LinearModel,
        inst: Instance,
        x_col: IntArray,
        move_col: IntArray,
        worst_col: int,
        constant: FloatArray,
        scale: float,
        kind: type[Formulation] | None = None,
        deadline: float | None = None,
        **extra: Any,
    ) -> Formulation:
        """The :class:`Formulation` over these pairs, with its initial cuts
        (:class:`OutOfTimeError` past ``deadline``)."""
        built = (kind or Formulation)(
            model=model,
            instance=inst,
            x_col=x_col,
            move_col=move_col,
            pair_base=np.asarray(self.base, dtype=np.int64),
            pair_class=np.asarray(self.cls, dtype=np.int64),
            pair_value=np.asarray(self.value, dtype=np.float64),
            y_col=np.asarray(self.y, dtype=np.int64),
            t_col=np.asarray(self.t, dtype=np.int64),
            worst_col=worst_col,
            constant=constant,
            tangents=[set() for _ in self.base],
            reachable=self.reachable,
            chords=[set() for _ in self.base],
            scale=scale,
            pair_leak=(np.stack(self.leak) if self.leak else np.zeros((0, self.n_systems))),
            pair_terms=list(self.terms),
            counts=self.counts,
            **extra,
        )
        for k, points in enumerate(self.points):
            check_deadline(deadline)
            known = self.reachable[k]
            if self.every[k] and known is not None:
                for i in range(len(known) - 1):
                    built._chord(k, i)
                if len(known) == 1:
                    built.cut_near(k, float(known[0]))
            else:
                for point in points:
                    built.cut_near(k, point)
        return built


def add_residual_pairs(
    model: LinearModel,
    inst: Instance,
    x_col: IntArray,
    log_leak: FloatArray,
    values: list[FloatArray],
    costs: list[float],
    pairs: PairSet,
    deadline: float | None = None,
) -> FloatArray:
    """Add one exponent y[b, c] per reachable base and class, and over it one epigraph
    t per value array (``values[i]`` (B, C) in model units, its t columns costing
    ``costs[i]``). Returns, per value array, the residual no system can touch, per
    base (K, B). Raises :class:`OutOfTimeError` past ``deadline``.

    Only pairs some value array puts risk on are visited (a weapon-target instance has
    one class per target, so all but 1/T of its pairs are empty)."""
    if pairs.reach is None:
        pairs.reach = reach_of(inst, x_col)
    reach = pairs.reach
    most = inst.max_defending()
    count = int(sum((v > 0.0).sum() for v in values))
    limit = REACHABLE_LIMIT if count <= LARGE_MODEL_PAIRS else REACHABLE_LIMIT_LARGE
    constant = np.zeros((len(values), inst.n_bases))
    at_risk = np.stack([v > 0.0 for v in values])  # (K, B, C)
    merged = [g for g in merged_groups(inst, log_leak) if len(g) > 1]
    members = {c for g in merged for c in g}
    for b, c in np.argwhere(at_risk.any(axis=0)).tolist():
        check_deadline(deadline)
        if c in members:
            continue
        owners = np.flatnonzero(at_risk[:, b, c]).tolist()
        leak = log_leak[:, c]
        steps = [
            (float(leak[s]), int(most[b, s]))
            for s in range(inst.n_systems)
            if leak[s] < 0.0 and most[b, s] > 0 and reach[b][s]
        ]
        if not steps:
            for i in owners:
                constant[i, b] += float(values[i][b, c])
            continue
        y = add_exponent(model, leak, b, c, steps, reach[b])
        known, every, points = initial_cuts(model, y, steps, limit)
        for i in owners:
            value = float(values[i][b, c])
            t = add_epigraph(model, leak, b, c, value, costs[i], reach[b])
            if not every and max(most for _, most in steps) > 1:
                defenders = [
                    col for s, cols in enumerate(reach[b]) if leak[s] < 0.0 for col in cols
                ]
                counted = add_count_chords(model, f"{b},{c}", value, t, defenders, steps)
                if counted is not None:
                    pairs.counts.append(counted)
            pairs.add(b, c, value, y, t, i, leak, points, known, every)
    for group in merged:
        for b in np.flatnonzero(at_risk[:, :, group].any(axis=(0, 2))).tolist():
            check_deadline(deadline)
            add_merged_pair(model, most, log_leak, values, costs, pairs, group, b, limit, constant)
    return constant


def initial_cuts(
    model: LinearModel, y: int, steps: list[tuple[float, int]], limit: int
) -> tuple[FloatArray | None, bool, list[float]]:
    """Where a pair over exponent column y starts cut: its reachable exponents (None
    past ``limit``), whether every chord goes in at once (at most ENUMERATE_LIMIT of
    them), and otherwise the points its first cuts go near."""
    known = reachable_array(steps, limit)
    every = known is not None and len(known) <= ENUMERATE_LIMIT
    points = known.tolist() if every and known is not None else []
    if not every:
        points = spread_points(float(model.col_lower[y]), steps, INITIAL_TANGENTS)
    return known, every, points


def merged_groups(inst: Instance, log_leak: FloatArray) -> list[list[int]]:
    """The model classes that share one exponent per base: the pseudo-classes of one
    raid class (``inst.class_of``) that the same single system kills. Their exponents
    at a base are all multiples of that system's units, so one exponent y and one
    epigraph of Σ_i w_i·e^{r_i·y} (convex in y) stand for all of them. Every other class
    is a group of its own (without raids: every class).

    >>> from defplan.model.instance import make_instance
    >>> from defplan.model.raids import Salvo, make_raids
    >>> salvo = Salvo(np.array([0.5, 0.0, 0.5]))
    >>> inst = make_instance([[2.0]], [[0.5]], [1], raids=make_raids([salvo], [2]))
    >>> merged_groups(inst, inst.log_leak)
    [[0, 1]]
    """
    if inst.class_of is None:
        return [[c] for c in range(log_leak.shape[1])]
    keyed: dict[tuple[int, int], list[int]] = {}
    groups: list[list[int]] = []
    for c in range(log_leak.shape[1]):
        killers = np.flatnonzero(log_leak[:, c] < 0.0)
        if len(killers) != 1:
            groups.append([c])
            continue
        key = (int(inst.class_of[c]), int(killers[0]))
        if key not in keyed:
            keyed[key] = []
            groups.append(keyed[key])
        keyed[key].append(c)
    return groups


def add_merged_pair(
    model: LinearModel,
    most: IntArray,
    log_leak: FloatArray,
    values: list[FloatArray],
    costs: list[float],
    pairs: PairSet,
    group: list[int],
    b: int,
    limit: int,
    constant: FloatArray,
) -> None:
    """One exponent for a :func:`merged_groups` group at base b (its classes' single
    killer s: y = ln(1 − p) · n[b, s] of the class it kills best, the others' exponents
    r_i · y with r_i in (0, 1]) and, per value array with risk there, one epigraph of
    Σ_i w_i·e^{r_i·y}; where no unit of s can reach b (``most`` (B, S): the most units of
    each system that can defend each base) the risk goes to ``constant``."""
    killer = int(np.flatnonzero(log_leak[:, group[0]] < 0.0)[0])
    lead = group[int(np.argmin(log_leak[killer, group]))]
    leak = log_leak[:, lead]
    owners = [i for i, v in enumerate(values) if (v[b, group] > 0.0).any()]
    reachable_units = int(most[b, killer])
    reach = pairs.reach
    assert reach is not None
    if reachable_units <= 0 or not reach[b][killer]:
        for i in owners:
            constant[i, b] += float(values[i][b, group].sum())
        return
    steps = [(float(leak[killer]), reachable_units)]
    y = add_exponent(model, leak, b, lead, steps, reach[b])
    known, every, points = initial_cuts(model, y, steps, limit)
    for i in owners:
        weights = values[i][b, group]
        keep = weights > 0.0
        terms = (
            np.asarray(weights[keep], dtype=np.float64),
            np.asarray(log_leak[killer, group][keep] / leak[killer], dtype=np.float64),
        )
        t = model.add_col(f"t[{b},{lead}]", 0.0, INF, cost=costs[i])
        # the union bound of each class, summed: t ≥ Σ w_i (1 − (1 − e^{ln(1 − p_i)}) n)
        kill = float(terms[0] @ -np.expm1(log_leak[killer, group][keep]))
        cols = reach[b][killer]
        model.add_row(
            f"union[{b},{lead}]", [t, *cols], [1.0] + [kill] * len(cols), float(terms[0].sum()), INF
        )
        pairs.add(b, lead, float(terms[0].sum()), y, t, i, leak, points, known, every, terms)


def add_exponent(
    model: LinearModel,
    leak: FloatArray,
    b: int,
    c: int,
    steps: list[tuple[float, int]],
    reach: list[list[int]],
) -> int:
    """y[b, c] = Σ_s ln(1 − p[s, c]) · n[b, s], between the lowest value the defenders
    can reach and 0; returns its column."""
    low = sum(step * n for step, n in steps)
    y = model.add_col(f"y[{b},{c}]", low, 0.0)
    index, coef = [y], [1.0]
    for s in range(len(leak)):
        step = float(leak[s])
        if step < 0.0:
            index.extend(reach[s])
            coef.extend([-step] * len(reach[s]))
    model.add_row(f"exponent[{b},{c}]", index, coef, 0.0, 0.0)
    return y


def add_epigraph(
    model: LinearModel,
    leak: FloatArray,
    b: int,
    c: int,
    value: float,
    cost: float,
    reach: list[list[int]],
) -> int:
    """t[b, c] ≥ 0 costing ``cost``, the residual v·e^y of the pair once cut, with
    its union-bound row; returns its column."""
    t = model.add_col(f"t[{b},{c}]", 0.0, INF, cost=cost)
    add_union_bound(model, leak, b, c, value, t, reach)
    return t


def add_count_chords(
    model: LinearModel, pair: str, value: float, t: int, defenders: list[int], steps: list[Step]
) -> tuple[int, list[int]] | None:
    """t[b, c] ≥ the chords of v·q^n between n = k and k + 1 (k = 1 … COUNT_CHORDS),
    n the units defending the pair and q the least leak among them.

    Every unit leaks at least q, so the residual is at least v·q^n, and a chord of a
    convex function between consecutive integers lies below it at every integer: the
    rows are valid wherever x is integer. Where the reachable exponents are too many to
    give chords in y (weapon-target instances at μ ≥ 2), the tangents of v·e^y let
    the relaxation spread fractions of units over many targets; these rows do not (on
    wta_100x200x3 the root LP bound goes from 7.34 to 13.75, the best known being
    14.58). The union bound (:func:`add_union_bound`) is the k = 0 row, sharper.
    They are added only where one system can put several units on the pair: at μ = 1
    they only slow the LP (wta_100x200x1 proven in 33 s without them, not in 52 s with).
    ``defenders`` are the x columns of the units that defend the pair, ``steps`` its
    (ln(1 − p), most units) per system and ``pair`` names its rows. Returns n's column
    and the x columns it counts (None when no chord applies).
    """
    units = sum(most for _, most in steps)
    q = float(np.exp(min(step for step, _ in steps)))
    chords = min(COUNT_CHORDS, units - 1)
    if chords < 1:
        return None
    n = model.add_col(f"n[{pair}]", 0.0, float(units))
    model.add_row(f"count[{pair}]", [n, *defenders], [1.0] + [-1.0] * len(defenders), 0.0, 0.0)
    for k in range(1, chords + 1):
        low, high = value * q**k, value * q ** (k + 1)
        slope = high - low
        model.add_row(f"count_chord[{pair},{k}]", [t, n], [1.0, -slope], low - slope * k, INF)
    return n, defenders


def add_union_bound(
    model: LinearModel,
    leak: FloatArray,
    b: int,
    c: int,
    value: float,
    t: int,
    reach: list[list[int]],
) -> None:
    """t[b, c] ≥ v (1 − Σ_s (1 − q[s, c]) n[b, s]), q = 1 − p: the union bound.

    Valid at every integer n ≥ 0 (q^n ≥ 1 − n(1 − q), and Π(1 + e_s) ≥ 1 + Σ e_s for
    e_s in [−1, 0]; a right side below 0 is trivially met), but it cuts off the
    fractional n that tangents of v e^y allow: at half a unit of p = 0.75 the tangents
    admit 0.50 v, this row 0.625 v. Strongest where a base gets 0 or 1 unit.
    """
    index, coef = [t], [1.0]
    for s in range(len(leak)):
        kill = 1.0 - float(np.exp(leak[s]))
        if kill > 0.0:
            index.extend(reach[s])
            coef.extend([value * kill] * len(reach[s]))
    if len(index) > 1:
        model.add_row(f"union[{b},{c}]", index, coef, value, INF)
