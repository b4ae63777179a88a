"""Rotation: a randomised posture of one point system, and a schedule that realises it.

Where units can move every day, a posture the attacker cannot predict is worth more
than the best fixed one. The defender commits to *coverage*: the expected units of
the rotating system at each base; the attacker sees the coverage (not the day's
draw) and strikes the base where its expected damage is largest. This is the strong
Stackelberg equilibrium of a security game (ARMOR, PROTECT), solved as one LP with
HiGHS in the compact form of Kiekintveld et al. (2009): the damage is zero-sum, so
the equilibrium is the defender's minimax coverage.

With ``R_b(k)`` the residual of base ``b`` when ``k`` units of the system stand there
(the other systems as deployed today), a base with expected units ``e_b`` between
``k`` and ``k + 1`` holds ``k`` or ``k + 1`` of them, with the extra one present with
probability ``e_b − k``: mixing the two nearest counts is the least damage for that
expectation, because ``R_b`` is convex. The attacker's expected damage is then the
linear interpolation of ``R_b`` at ``e_b``, the maximum of its chords::

    min z   s.t.  z ≥ R_b(k) + (R_b(k+1) − R_b(k)) (e_b − k)   for every b, k
                  Σ_b e_b ≤ m,   lower_b ≤ e_b ≤ upper_b

With at most one unit a base this is the textbook game: ``z ≥ c_b D_cov + (1 − c_b)
D_unc``. A second LP keeps ``z`` and spends the units left over on the other bases
(least total damage), so no unit idles. :func:`rotation_schedule` draws daily
postures by systematic sampling of the fractional parts, with evenly spaced offsets
over the period: every base's frequency is within ``1/days`` of its coverage and no
day uses more than ``m`` units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from defplan.errors import (
    InfeasibleError,
    InputError,
    Problem,
    SolverError,
    backend_missing_as_solver_error,
)
from defplan.model.backends.base import RunOptions, runner
from defplan.model.instance import FloatArray, IntArray
from defplan.model.linear import INF, LinearModel
from defplan.risk import RiskTable
from defplan.scenario import Scenario

if TYPE_CHECKING:
    from defplan.plan.arrays import Bounds

#: relative tolerance (of the theater's largest residual) under which two damages tie
TIE = 1e-6
#: how far (relative, as TIE) the second LP may let the game value rise: HiGHS's own
#: feasibility tolerance, so the value reported is the first LP's to that precision
SLACK = 1e-9
#: what the units a base could take beyond the LP's offer may remove together at most
#: (relative, as TIE): the game value is exact to this
FLAT = 1e-12
#: shifts of the schedule's comb tried at most (where its schedule changes)
SHIFTS = 256
#: seconds HiGHS may take over either LP (an LP of 1,000 bases takes well under one)
LP_SECONDS = 60.0


@dataclass(frozen=True)
class GameCoverage:
    """The defender's Stackelberg coverage: expected units per base and the game value."""

    units: FloatArray  # (B,) expected units of the rotating system per base
    damage: FloatArray  # (B,) the attacker's expected damage at each base
    value: float  # the attacker's best response: max of damage

    def indifferent(self, scale: float) -> IntArray:
        """Bases where the attacker's damage ties the game value (its indifference set)."""
        return np.flatnonzero(self.damage >= self.value - TIE * max(scale, 1e-300))


@dataclass(frozen=True)
class Rotation:
    """A rotation of one system: coverage, its schedule, and the postures beside it."""

    system_id: str
    units: int  # m: units of the system that rotate
    base_ids: tuple[str, ...]
    lower: IntArray  # (B,) fewest units a base must keep (rules)
    upper: IntArray  # (B,) most units a base may take (closed, max_per_base, rules)
    levels: FloatArray  # (B, K + 1) residual of each base with k = 0 … K units
    coverage: GameCoverage
    pure: IntArray  # (B,) the best deterministic posture of the m units
    pure_value: float  # its worst base's residual
    today: IntArray  # (B,) units of the system deployed today
    today_value: float  # today's worst base's residual (with the units deployed)
    days: int
    seed: int
    schedule: IntArray  # (days, B) units at each base on each day

    @property
    def value(self) -> float:
        """The game value: the attacker's best expected damage against the coverage."""
        return self.coverage.value

    @property
    def indifferent(self) -> tuple[str, ...]:
        """Bases among which the attacker is indifferent (each pays the game value)."""
        scale = float(self.levels[:, 0].max(initial=0.0))
        return tuple(self.base_ids[b] for b in self.coverage.indifferent(scale))

    @property
    def frequency(self) -> FloatArray:
        """Mean units per base over the schedule (its coverage, to within 1/days)."""
        return np.asarray(self.schedule.mean(axis=0), dtype=np.float64)

    @property
    def schedule_value(self) -> float:
        """The attacker's best expected damage against the schedule itself: each base's
        residual averaged over the days (above the game value by what the rounding of
        its frequencies to whole days costs)."""
        if not self.base_ids:
            return 0.0
        rows = np.arange(len(self.base_ids))[None, :]
        width = self.levels.shape[1] - 1
        daily = self.levels[rows, np.minimum(self.schedule, width)]
        return float(daily.mean(axis=0).max())


def interpolate(levels: FloatArray, units: FloatArray) -> FloatArray:
    """Each base's residual at a fractional count: the chord between the two nearest
    whole counts (the expected residual when the count is one of them at random).

    >>> interpolate(np.array([[4.0, 2.0, 1.0]]), np.array([0.5])).tolist()
    [3.0]
    """
    k_max = levels.shape[1] - 1
    low = np.clip(np.floor(units).astype(np.int64), 0, max(k_max - 1, 0))
    high = np.minimum(low + 1, k_max)
    rows = np.arange(levels.shape[0])
    share = np.clip(units - low, 0.0, 1.0)
    return np.asarray(
        levels[rows, low] + share * (levels[rows, high] - levels[rows, low]), dtype=np.float64
    )


def _check_levels(levels: FloatArray, lower: IntArray, upper: IntArray, units: int) -> None:
    if int(lower.sum()) > units:
        raise InfeasibleError(
            f"the rules keep {int(lower.sum())} units in place, more than the {units} that rotate"
        )
    if bool((lower > upper).any()):
        b = int(np.flatnonzero(lower > upper)[0])
        raise InfeasibleError(f"base {b} must keep {lower[b]} units but may take {upper[b]}")
    if int(upper.max(initial=0)) >= levels.shape[1]:
        raise ValueError("levels must give the residual up to every base's upper bound")


def stackelberg_coverage(
    levels: FloatArray, lower: IntArray, upper: IntArray, units: int, *, backend: str = "highs"
) -> GameCoverage:
    """The defender's minimax coverage of ``units`` interchangeable point units, exact.

    Parameters
    ----------
    levels : ndarray of shape (B, K + 1)
        ``levels[b, k]``: residual of base b with k units there; convex and
        non-increasing in k (as every residual of the model is).
    lower, upper : ndarray of shape (B,)
        Fewest and most units each base may hold (upper ≤ K).
    units : int
        Units that rotate (at most this many stand on any day).

    Returns
    -------
    GameCoverage
        Expected units per base, the attacker's damage per base and the game value.

    Examples
    --------
    Two bases, one unit that brings either down to 1: it stands at the larger three
    days in five, and the attacker is indifferent (the best fixed posture leaves 3).

    >>> cover = stackelberg_coverage(
    ...     np.array([[4.0, 1.0], [3.0, 1.0]]), np.array([0, 0]), np.array([1, 1]), 1
    ... )
    >>> np.round(cover.units, 6).tolist(), round(cover.value, 6)
    ([0.6, 0.4], 2.2)
    """
    levels = np.asarray(levels, dtype=np.float64)
    lower = np.asarray(lower, dtype=np.int64)
    upper = np.asarray(upper, dtype=np.int64)
    _check_levels(levels, lower, upper, units)
    n = levels.shape[0]
    if n == 0:
        return GameCoverage(np.zeros(0), np.zeros(0), 0.0)
    with backend_missing_as_solver_error():
        run = runner(backend)
    options = RunOptions(time_limit=LP_SECONDS, rel_gap=0.0)
    scale = float(levels[:, 0].max(initial=0.0))
    useful = _useful_units(levels, lower, upper, FLAT * scale)

    def model(cap: float | None) -> LinearModel:
        lp = LinearModel()
        for b in range(n):
            lp.add_col(f"e[{b}]", float(lower[b]), float(useful[b]))
        for b in range(n):  # t_b: base b's damage (its epigraph)
            lp.add_col(f"t[{b}]", 0.0, INF, 0.0 if cap is None else 1.0)
        z = lp.add_col("z", 0.0, INF if cap is None else cap, 1.0 if cap is None else 0.0)
        for b in range(n):
            lp.add_row(f"z>=t[{b}]", [z, n + b], [1.0, -1.0], 0.0, INF)
            top = max(int(useful[b]), int(lower[b]) + 1)
            for k in range(int(lower[b]), top):
                slope = float(levels[b, k + 1] - levels[b, k]) if k < levels.shape[1] - 1 else 0.0
                # t_b − slope·e_b ≥ R_b(k) − slope·k
                rhs = float(levels[b, k]) - slope * k
                lp.add_row(f"chord[{b},{k}]", [n + b, b], [1.0, -slope], rhs, INF)
        lp.add_row("units", list(range(n)), [1.0] * n, -INF, float(units))
        return lp

    first = run(model(None), options)
    if first.status != "optimal" or first.values is None:
        raise SolverError(f"the coverage LP ended {first.status}: {first.message}")
    # the second LP keeps the game value (to HiGHS's tolerance) and spends the rest
    second = run(model(first.objective + SLACK * max(scale, 1e-300)), options)
    chosen = second if second.status == "optimal" and second.values is not None else first
    assert chosen.values is not None
    expected = np.clip(chosen.values[:n], lower, upper)
    damage = interpolate(levels, expected)
    return GameCoverage(expected, damage, float(damage.max()))


def _useful_units(levels: FloatArray, lower: IntArray, upper: IntArray, flat: float) -> IntArray:
    """Per base, the fewest units (at least ``lower``) beyond which the rest up to
    ``upper`` remove no more than ``flat`` together: the LP offers no more (a base of
    200 possible counter-drone units has a few dozen that matter)."""
    rows = np.arange(levels.shape[0])
    floor = levels[rows, upper] + flat
    counts = np.arange(levels.shape[1])
    enough = (levels <= floor[:, None]) & (counts[None, :] >= lower[:, None])
    return np.asarray(np.minimum(enough.argmax(axis=1), upper), dtype=np.int64)


def best_pure_posture(
    levels: FloatArray, lower: IntArray, upper: IntArray, units: int
) -> tuple[IntArray, float]:
    """The deterministic posture of ``units`` whose worst base is least, exact.

    The optimum is one of the residuals ``levels[b, k]``: for a threshold ``t`` each
    base needs the fewest units bringing it to ``t`` or below, and ``t`` is feasible
    when those fit in ``units``; bisection over the sorted candidates.

    >>> best_pure_posture(np.array([[4.0, 1.0], [3.0, 1.0]]), [0, 0], [1, 1], 1)
    (array([1, 0]), 3.0)
    """
    levels = np.asarray(levels, dtype=np.float64)
    lower = np.asarray(lower, dtype=np.int64)
    upper = np.asarray(upper, dtype=np.int64)
    _check_levels(levels, lower, upper, units)
    n, width = levels.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64), 0.0
    counts = np.arange(width)
    allowed = (counts[None, :] >= lower[:, None]) & (counts[None, :] <= upper[:, None])
    masked = np.where(allowed, levels, np.inf)

    def need(t: float) -> IntArray | None:
        fits = masked <= t
        if not bool(fits.any(axis=1).all()):
            return None
        return np.asarray(fits.argmax(axis=1), dtype=np.int64)  # fewest units reaching t

    candidates = np.unique(levels[allowed])
    low, high = 0, len(candidates) - 1  # the largest candidate is always feasible at lower
    best = need(float(candidates[high]))
    assert best is not None
    while low < high:
        mid = (low + high) // 2
        posture = need(float(candidates[mid]))
        if posture is not None and int(posture.sum()) <= units:
            high, best = mid, posture
        else:
            low = mid + 1
    return best, float(levels[np.arange(n), best].max())


def rotation_schedule(
    units: FloatArray, total: int, days: int, seed: int, levels: FloatArray | None = None
) -> IntArray:
    """Daily postures (days × bases, whole units) whose mean is ``units``.

    Each base keeps the whole part of its expected units every day; the fractional
    parts are laid end to end (in an order shuffled by ``seed``) and a comb of unit
    spacing picks the bases for the extra units. The comb's offsets are evenly spaced
    over the period (one shift, days in random order): each base's frequency is
    within ``1/days`` of its fraction, and no day holds more than ``total`` units.
    The shift is random; given ``levels`` (as :func:`stackelberg_coverage` takes),
    it is the one whose schedule leaves the attacker's best base least, among the
    random one and those where the schedule changes (at most :data:`SHIFTS`).

    >>> rotation_schedule(np.array([0.5, 0.5]), 1, 4, seed=1).sum(axis=0).tolist()
    [2, 2]
    """
    if days < 1:
        raise ValueError(f"days {days!r} is below 1")
    expected = np.asarray(units, dtype=np.float64)
    n = expected.size
    whole = np.floor(expected + 1e-9).astype(np.int64)
    fraction = np.clip(expected - whole, 0.0, 1.0)
    fraction[fraction < 1e-9] = 0.0
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    ends = np.cumsum(fraction[order])
    room = max(total - int(whole.sum()), 0)
    if n and ends[-1] > room:  # the LP's rounding: never more than `total` units a day
        ends *= room / ends[-1] if ends[-1] > 0 else 0.0
    starts = np.concatenate([[0.0], ends[:-1]])

    def comb(shift: float) -> IntArray:
        offsets = (np.arange(days) + shift) / days
        # base i takes the extra unit on a day when a tooth u + j falls in [start, end)
        extra = np.ceil(ends[None, :] - offsets[:, None]) - np.ceil(
            starts[None, :] - offsets[:, None]
        )
        schedule = np.empty((days, n), dtype=np.int64)
        schedule[:, order] = whole[order][None, :] + extra.astype(np.int64)
        return schedule

    shift = rng.random()
    days_order = rng.permutation(days)
    best = comb(shift)
    if levels is not None and n:
        rows = np.arange(n)[None, :]
        width = levels.shape[1] - 1

        def pays(schedule: IntArray) -> float:
            return float(levels[rows, np.minimum(schedule, width)].mean(axis=0).max())

        least = pays(best)
        for candidate in _shifts(np.concatenate([starts, ends]), days):
            schedule = comb(candidate)
            value = pays(schedule)
            if value < least:
                best, least = schedule, value
    return np.asarray(best[days_order], dtype=np.int64)


def _shifts(points: FloatArray, days: int) -> FloatArray:
    """One shift of the comb inside each stretch where its schedule stays the same: a
    tooth (d + shift) / days crosses a point where ``shift`` passes days × point, mod 1.
    At most :data:`SHIFTS`, evenly chosen."""
    cuts = np.unique(np.concatenate([np.mod(points * days, 1.0), [0.0, 1.0]]))
    middles = (cuts[:-1] + cuts[1:]) / 2
    if middles.size > SHIFTS:
        middles = middles[np.linspace(0, middles.size - 1, SHIFTS).astype(np.int64)]
    return np.asarray(middles, dtype=np.float64)


def rotate(
    scenario: Scenario,
    system: str,
    *,
    units: int | None = None,
    days: int = 30,
    seed: int = 1,
    table: RiskTable | None = None,
) -> Rotation:
    """A randomised posture of one point system: Stackelberg coverage and its schedule.

    Parameters
    ----------
    scenario : Scenario
        A validated theater.
    system : str
        The system_id that rotates; a point system (one unit defends its own base).
    units : int, optional
        Units that rotate (default: the system's inventory).
    days, seed : int
        Length of the schedule and its seed (same seed, same schedule).
    table : RiskTable, optional
        The scenario's risk, when already computed.

    Every other system stays as deployed today; the closed bases, ``max_per_base``
    and the rules on the rotating system bound each base's units.
    """
    from defplan.plan.arrays import build_arrays, deployed_matrix
    from defplan.risk import risk as compute_risk

    by_id = {s.system_id: s for s in scenario.systems}
    if system not in by_id:
        raise InputError(
            [
                Problem(
                    "--system",
                    message=f"{system!r} is not a system of the theater "
                    f"(expected one of {', '.join(by_id)})",
                )
            ]
        )
    if by_id[system].mode != "point":
        raise InputError(
            [
                Problem(
                    "--system",
                    message=f"{system!r} is an area system; rotation holds for point "
                    "systems (one unit defends the base it stands on)",
                )
            ]
        )
    m = by_id[system].inventory if units is None else units
    if m < 0:
        raise InputError([Problem("--units", message=f"{m} is below 0")])
    table = table or compute_risk(scenario)
    arrays = build_arrays(scenario, table)
    s = arrays.system_ids.index(system)
    base_ids = arrays.base_ids
    today = deployed_matrix(scenario, base_ids)
    upper = np.minimum(arrays.bounds.upper[:, s], m).astype(np.int64)
    lower = arrays.bounds.lower[:, s].astype(np.int64)
    _check_rules(arrays.bounds, s, base_ids, lower, upper, m)
    width = max(int(upper.max(initial=0)), 1) + 1
    levels = np.empty((len(base_ids), width))
    x = today.copy()
    for k in range(width):
        x[:, s] = k
        levels[:, k] = arrays.instance.residual(x)
    coverage = stackelberg_coverage(levels, lower, upper, m)
    pure, pure_value = best_pure_posture(levels, lower, upper, m)
    today_units = today[:, s].astype(np.int64)
    today_levels = levels[np.arange(len(base_ids)), np.minimum(today_units, width - 1)]
    if len(base_ids) and int(today_units.max()) >= width:  # more today than the bounds allow
        x[:, s] = today_units
        today_levels = arrays.instance.residual(x)
    return Rotation(
        system_id=system,
        units=m,
        base_ids=base_ids,
        lower=lower,
        upper=upper,
        levels=levels,
        coverage=coverage,
        pure=pure,
        pure_value=pure_value,
        today=today_units,
        today_value=float(today_levels.max(initial=0.0)),
        days=days,
        seed=seed,
        schedule=rotation_schedule(coverage.units, m, days, seed, levels),
    )


def _check_rules(
    bounds: Bounds, s: int, base_ids: tuple[str, ...], lower: IntArray, upper: IntArray, m: int
) -> None:
    """InfeasibleError naming the bases and rules that keep more units than rotate."""
    for b in np.flatnonzero(lower > upper).tolist():
        why = "; ".join(bounds.why_lower(b, s)) or "its lower bound"
        raise InfeasibleError(
            f"{base_ids[b]} must keep {lower[b]} units ({why}) but at most {upper[b]} of the "
            f"{m} that rotate may stand there"
        )
    if int(lower.sum()) > m:
        kept = ", ".join(
            f"{base_ids[b]} {lower[b]} ({'; '.join(bounds.why_lower(b, s))})"
            for b in np.flatnonzero(lower).tolist()
        )
        raise InfeasibleError(
            f"the rules keep {int(lower.sum())} units in place ({kept}), more "
            f"than the {m} that rotate"
        )


def saving(rotation: Rotation) -> float:
    """The share of the best fixed posture's worst damage that rotation removes.

    Zero when the pure posture leaves no damage at all.
    """
    if not rotation.pure_value > 0 or not math.isfinite(rotation.pure_value):
        return 0.0
    return 1.0 - rotation.value / rotation.pure_value
