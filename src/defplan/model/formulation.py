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
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

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
#: Single-system tangent points are rounded to this grid in y: many systems with nearly
#: equal ln(1 − p), as in WTA, would otherwise give hundreds of rows per pair.
TANGENT_GRID = 0.1


@dataclass
class Formulation:
    """The linear model plus where each part of the allocation lives in it."""

    model: LinearModel
    instance: Instance
    x_col: IntArray  # (B, S) column of x[b, s], −1 where the site can host none
    move_col: IntArray  # (B, S) column of units moved away, −1 where none stand
    pair_base: IntArray  # per (b, c) pair with a y column
    pair_class: IntArray
    pair_value: FloatArray
    y_col: IntArray
    t_col: IntArray
    worst_col: int  # −1 with the expected objective
    constant: FloatArray  # (B,) residual no system can touch (in model units)
    tangents: list[set[float]]  # exponents already cut by a tangent, per pair
    reachable: list[FloatArray | None] = field(default_factory=list)  # sorted, per pair
    chords: list[set[int]] = field(default_factory=list)  # chord i joins reachable[i], [i+1]
    #: model units per unit of risk (see :func:`model_scale`): a worst-case model reads
    #: about 1, a theater of huge or tiny risks is brought to where the backends'
    #: absolute tolerances (1e-7 and so on) are small against it
    scale: float = 1.0

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
        exponent = inst.defending(x) @ inst.log_leak
        y = exponent[self.pair_base, self.pair_class]
        values[self.y_col] = y
        values[self.t_col] = self.pair_value * np.exp(y)
        if self.worst_col >= 0:
            worst = float(inst.residual(x).max()) if inst.n_bases else 0.0
            values[self.worst_col] = worst * self.scale
        return values

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
        true = self.pair_value * np.exp(y)
        short = np.flatnonzero(true - t > tolerance * np.maximum(1.0, true))
        rows = self.model.n_rows
        for k in short.tolist():
            self.cut_near(k, float(y[k]))
        return self.model.n_rows - rows

    def cut_at(self, x: IntArray) -> None:
        """Make the model exact at an allocation and one unit of any system either side
        of it: an incumbent is close to the optimum, which usually differs from it by a
        unit here and there. Pairs with every chord in place need nothing."""
        inst = self.instance
        exponent = inst.defending(x) @ inst.log_leak
        for k, point in enumerate(exponent[self.pair_base, self.pair_class].tolist()):
            self.cut_near(k, point)
            known = self.reachable[k]
            if known is not None and len(self.chords[k]) >= len(known) - 1:
                continue
            for step in inst.log_leak[:, int(self.pair_class[k])].tolist():
                if step < 0.0:
                    for near in (point + step, point - step):
                        if float(self.model.col_lower[int(self.y_col[k])]) <= near <= 0.0:
                            self.cut_near(k, near)

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
                value = float(self.pair_value[k] * np.exp(known[0]))
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
        value = float(self.pair_value[k])
        low, high = float(known[i]), float(known[i + 1])
        f_low, f_high = value * float(np.exp(low)), value * float(np.exp(high))
        slope = (f_high - f_low) / (high - low)
        self.model.add_row(
            f"chord[{k}]",
            [int(self.t_col[k]), int(self.y_col[k])],
            [1.0, -slope],
            f_low - slope * low,
            INF,
        )

    def _tangent(self, k: int, point: float) -> None:
        slope = float(self.pair_value[k] * np.exp(point))
        self.model.add_row(
            f"tan[{k}]",
            [int(self.t_col[k]), int(self.y_col[k])],
            [1.0, -slope],
            slope * (1.0 - point),
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


def formulate(instance: Instance, typical: float | None = None) -> Formulation:
    """Build the MILP for an instance, with its initial cuts.

    ``typical`` is a worst-case objective value the optimum is near (a heuristic's):
    the model is then scaled so it reads 1 (see :func:`model_scale`).
    """
    inst = instance
    n_bases, n_systems = inst.n_bases, inst.n_systems
    model = LinearModel()
    x_col = np.full((n_bases, n_systems), -1, dtype=np.int64)
    for b in range(n_bases):
        for s in range(n_systems):
            if inst.upper[b, s] > 0:
                x_col[b, s] = model.add_col(
                    f"x[{b},{s}]", float(inst.lower[b, s]), float(inst.upper[b, s]), integer=True
                )
    for s in range(n_systems):
        columns = x_col[:, s][x_col[:, s] >= 0].tolist()
        if columns:
            model.add_row(
                f"inventory[{s}]", columns, [1.0] * len(columns), -INF, float(inst.inventory[s])
            )
    move_col = np.full((n_bases, n_systems), -1, dtype=np.int64)
    if inst.current is not None and inst.max_moves is not None:
        for b, s in zip(*np.nonzero(inst.current > 0), strict=True):
            standing = float(inst.current[b, s])
            move_col[b, s] = model.add_col(f"moved[{b},{s}]", 0.0, standing)
            index, coef = [int(move_col[b, s])], [1.0]
            if x_col[b, s] >= 0:
                index.append(int(x_col[b, s]))
                coef.append(1.0)
            model.add_row(f"moved_def[{b},{s}]", index, coef, standing, INF)
        moved = move_col[move_col >= 0].tolist()
        if moved:
            model.add_row("move_budget", moved, [1.0] * len(moved), -INF, float(inst.max_moves))

    most = inst.max_defending()
    # Which host columns reach each base, per system.
    reach: list[list[list[int]]] = [[[] for _ in range(n_systems)] for _ in range(n_bases)]
    for s, cover in enumerate(inst.coverage):
        for h, b in zip(cover.hosts.tolist(), cover.bases.tolist(), strict=True):
            if x_col[h, s] >= 0:
                reach[b][s].append(int(x_col[h, s]))

    expected_weight, worst_weight = inst.weights
    scale = model_scale(inst, typical)
    pairs = int((inst.value > 0.0).sum())
    limit = REACHABLE_LIMIT if pairs <= LARGE_MODEL_PAIRS else REACHABLE_LIMIT_LARGE
    constant = np.zeros(n_bases)
    pair_base: list[int] = []
    pair_class: list[int] = []
    pair_value: list[float] = []
    y_cols: list[int] = []
    t_cols: list[int] = []
    tangent_points: list[list[float]] = []
    reachable: list[FloatArray | None] = []
    every: list[bool] = []
    for b in range(n_bases):
        for c in range(inst.n_classes):
            value = float(inst.value[b, c]) * scale
            if value <= 0.0:
                continue
            steps = [
                (float(inst.log_leak[s, c]), int(most[b, s]))
                for s in range(n_systems)
                if inst.log_leak[s, c] < 0.0 and most[b, s] > 0 and reach[b][s]
            ]
            if not steps:
                constant[b] += value
                continue
            low = sum(step * count for step, count in steps)
            y = model.add_col(f"y[{b},{c}]", low, 0.0)
            t = model.add_col(f"t[{b},{c}]", 0.0, INF, cost=expected_weight)
            index, coef = [y], [1.0]
            for s in range(n_systems):
                step = float(inst.log_leak[s, c])
                if step < 0.0:
                    index.extend(reach[b][s])
                    coef.extend([-step] * len(reach[b][s]))
            model.add_row(f"exponent[{b},{c}]", index, coef, 0.0, 0.0)
            _union_row(model, inst, b, c, value, t, reach[b])
            known = reachable_array(steps, limit)
            reachable.append(known)
            if known is not None and len(known) <= ENUMERATE_LIMIT:
                points = known.tolist()
                every.append(True)
            else:
                points = spread_points(low, steps, INITIAL_TANGENTS)
                every.append(False)
            pair_base.append(b)
            pair_class.append(c)
            pair_value.append(value)
            y_cols.append(y)
            t_cols.append(t)
            tangent_points.append(points)
    model.offset = expected_weight * float(constant.sum())

    worst_col = -1
    if worst_weight > 0.0:
        worst_col = model.add_col("worst", float(constant.max(initial=0.0)), INF, worst_weight)
        by_base: dict[int, list[int]] = {}
        for b, t in zip(pair_base, t_cols, strict=True):
            by_base.setdefault(b, []).append(t)
        for b, ts in sorted(by_base.items()):
            model.add_row(
                f"worst_def[{b}]", [worst_col, *ts], [1.0] + [-1.0] * len(ts), constant[b], INF
            )

    if inst.residual_cap is not None:
        cap = inst.residual_cap * scale
        by_base_cap: dict[int, list[int]] = {}
        for b, t in zip(pair_base, t_cols, strict=True):
            by_base_cap.setdefault(b, []).append(t)
        for b, ts in sorted(by_base_cap.items()):
            model.add_row(f"cap[{b}]", ts, [1.0] * len(ts), -INF, cap - float(constant[b]))

    formulation = Formulation(
        model=model,
        instance=inst,
        x_col=x_col,
        move_col=move_col,
        pair_base=np.asarray(pair_base, dtype=np.int64),
        pair_class=np.asarray(pair_class, dtype=np.int64),
        pair_value=np.asarray(pair_value, dtype=np.float64),
        y_col=np.asarray(y_cols, dtype=np.int64),
        t_col=np.asarray(t_cols, dtype=np.int64),
        worst_col=worst_col,
        constant=constant,
        tangents=[set() for _ in pair_base],
        reachable=reachable,
        chords=[set() for _ in pair_base],
        scale=scale,
    )
    for k, points in enumerate(tangent_points):
        known = reachable[k]
        if every[k] and known is not None:
            for i in range(len(known) - 1):
                formulation._chord(k, i)
            if len(known) == 1:
                formulation.cut_near(k, float(known[0]))
        else:
            for point in points:
                formulation.cut_near(k, point)
    return formulation


def _union_row(
    model: LinearModel, inst: Instance, b: int, c: int, value: float, t: int, reach: list[list[int]]
) -> None:
    """t[b, c] ≥ v (1 − Σ_s (1 − q[s, c]) n[b, s]), q = 1 − p: the union bound.

    Valid at every integer n ≥ 0 (q^n ≥ 1 − n(1 − q), and Π(1 + e_s) ≥ 1 + Σ e_s for
    e_s in [−1, 0]; a right side below 0 is trivially met), but it cuts off the
    fractional n that tangents of v e^y allow: at half a unit of p = 0.75 the tangents
    admit 0.50 v, this row 0.625 v. Strongest where a base gets 0 or 1 unit.
    """
    index, coef = [t], [1.0]
    for s in range(inst.n_systems):
        kill = 1.0 - float(np.exp(inst.log_leak[s, c]))
        if kill > 0.0:
            index.extend(reach[s])
            coef.extend([value * kill] * len(reach[s]))
    if len(index) > 1:
        model.add_row(f"union[{b},{c}]", index, coef, value, INF)
