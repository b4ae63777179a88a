"""The move schedule on plain arrays: which unit moves start on which day.

A unit move has three phases, each a whole number of days: teardown (the unit is
still at its origin but defends nothing), transit (it rides the theater's lift) and
emplacement (it is at its destination but not ready). It defends its origin on the
days before it starts and its destination from the day it ends. Each day's risk is
the theater's summed residual under that day's actual defence; the schedule minimises
the risk accepted over ``horizon_days`` days (risk × days), with at most
``lift_units`` units in transit on any day.

The model is time-indexed (Pritsker, Watters & Wolfe 1969; Sousa & Wolsey 1992):
``started[m, t] = 1`` when move m has started by day t, non-decreasing in t. Units at
a base are linear in these, and so is each base and class's exponent
``y = Σ_s ln(1 − p[s, c]) · n[b, s]``; the residual ``value · e^y`` is convex in y and y
only takes values on a known lattice, so chords of ``e^y`` between neighbouring
lattice values give an epigraph that is exact at every schedule (the argument of
docs/allocation.md). :func:`brute_force_schedule` enumerates every schedule of a
small problem; the tests prove the two agree.

With ``every_move=False`` a move may be left out: the schedule then also chooses
which moves are worth their exposure over the horizon, subject to the rules on the
final posture (``lower``/``upper``).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from defplan.errors import backend_missing_as_solver_error
from defplan.model import Instance
from defplan.model.aggregate import SampleTotal, TopSum
from defplan.model.backends import RunOptions, runner
from defplan.model.linear import INF, LinearModel

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: risk is per year; a schedule's cost is risk × days / DAYS_PER_YEAR
DAYS_PER_YEAR = 365.0
#: most lattice points of one base and class's exponent (beyond it: too many to chord)
LATTICE_LIMIT = 20_000


@dataclass(frozen=True)
class UnitMove:
    """One unit of ``system`` from ``origin`` to ``destination`` (None = the pool)."""

    system: int
    origin: int | None
    destination: int | None
    teardown_days: int = 0
    transit_days: int = 0
    emplace_days: int = 0

    @property
    def days(self) -> int:
        """Whole days from the start of teardown until the unit defends its destination."""
        return self.teardown_days + self.transit_days + self.emplace_days

    @property
    def uses_lift(self) -> bool:
        """Whether the move takes transport (a transit of at least a day)."""
        return self.transit_days > 0


@dataclass(frozen=True)
class SequencingProblem:
    """Today's units, the unit moves to schedule, and the limits on them.

    ``horizon_days`` (None = as long as the moves take one after another) is the
    window the risk is summed over; every move that is made ends within it and
    within the serial span (any schedule can be compressed to it).
    """

    instance: Instance
    start: IntArray  # (B, S) units standing today
    moves: tuple[UnitMove, ...]
    lift_units: int | None = None
    horizon_days: int | None = None
    every_move: bool = True
    lower: IntArray | None = None  # (B, S) bounds on the final posture
    upper: IntArray | None = None

    @property
    def serial_days(self) -> int:
        """Days the moves take one after another, with the pool's draws (which start on
        day 0, see :func:`sequence`) alongside."""
        serial = sum(m.days for m in self.moves if not _from_pool_without_lift(m))
        return max([serial, *(m.days for m in self.moves if _from_pool_without_lift(m))])

    @property
    def deadline(self) -> int:
        """Every move that is made ends by this day."""
        if self.horizon_days is None:
            return self.serial_days
        return min(self.serial_days, self.horizon_days)

    @property
    def horizon(self) -> int:
        """Days over which exposure is counted: ``horizon_days``, else the deadline."""
        return self.deadline if self.horizon_days is None else self.horizon_days

    def latest_start(self, m: int) -> int:
        """The last day move m may start (negative: it cannot be made)."""
        return self.deadline - self.moves[m].days


@dataclass(frozen=True)
class Timetable:
    """A schedule: each move's start day (None = not made) and what it costs."""

    starts: tuple[int | None, ...]
    cost: float  # casualty-equivalents accepted over the horizon (risk × days / 365)
    status: str  # optimal, time_limit, infeasible
    bound: float = -math.inf
    risk_by_day: FloatArray = field(default_factory=lambda: np.zeros(0))  # /yr, days 0..deadline


def _from_pool_without_lift(move: UnitMove) -> bool:
    return move.origin is None and not move.uses_lift


def hosted_on_day(problem: SequencingProblem, starts: Sequence[int | None], day: int) -> IntArray:
    """Units standing ready at each site on ``day`` (not in teardown, transit or emplacement)."""
    x = problem.start.copy()
    for move, begin in zip(problem.moves, starts, strict=True):
        if begin is None or begin > day:
            continue
        if move.origin is not None:
            x[move.origin, move.system] -= 1
        if move.destination is not None and begin + move.days <= day:
            x[move.destination, move.system] += 1
    return x


def in_progress_on_day(
    problem: SequencingProblem, starts: Sequence[int | None], day: int
) -> dict[str, list[int]]:
    """The moves in each phase on ``day``: teardown, transit, emplacement."""
    phases: dict[str, list[int]] = {"teardown": [], "transit": [], "emplacement": []}
    for m, (move, begin) in enumerate(zip(problem.moves, starts, strict=True)):
        if begin is None or not begin <= day < begin + move.days:
            continue
        elapsed = day - begin
        if elapsed < move.teardown_days:
            phases["teardown"].append(m)
        elif elapsed < move.teardown_days + move.transit_days:
            phases["transit"].append(m)
        else:
            phases["emplacement"].append(m)
    return phases


def risk_by_day(problem: SequencingProblem, starts: Sequence[int | None]) -> FloatArray:
    """Each day's score (/yr) on days 0 … deadline (the last is the end state): the summed
    residual under the ``expected`` objective, the worst base's under ``worst_case`` (the
    k worst bases' under an attacker with k raids)."""
    return np.array(
        [
            problem.instance.score(problem.instance.residual(hosted_on_day(problem, starts, t)))
            for t in range(problem.deadline + 1)
        ]
    )


def schedule_cost(problem: SequencingProblem, risks: FloatArray) -> float:
    """Casualty-equivalents accepted over the horizon, from the risk of each day."""
    tail = problem.horizon - problem.deadline
    return float((risks[:-1].sum() + tail * risks[-1]) / DAYS_PER_YEAR)


def schedule_problems(problem: SequencingProblem, starts: Sequence[int | None]) -> list[str]:
    """Why ``starts`` is not a schedule of the problem (empty when it is)."""
    found = []
    for m, begin in enumerate(starts):
        if begin is None:
            if problem.every_move:
                found.append(f"move {m} is not made")
        elif not 0 <= begin <= problem.latest_start(m):
            found.append(f"move {m} starts on day {begin}, outside 0..{problem.latest_start(m)}")
    if problem.lift_units is not None:
        for t in range(problem.deadline):
            riding = len(in_progress_on_day(problem, starts, t)["transit"])
            if riding > problem.lift_units:
                found.append(f"day {t}: {riding} units in transit, lift {problem.lift_units}")
    final = hosted_on_day(problem, starts, problem.deadline)
    if problem.lower is not None and (final < problem.lower).any():
        found.append("the final posture is below a site's lower bound")
    if problem.upper is not None and (final > problem.upper).any():
        found.append("the final posture is above a site's upper bound")
    return found


def brute_force_schedule(problem: SequencingProblem) -> Timetable:
    """The best schedule by enumerating every start day of every move (small cases only)."""
    choices = [
        ([] if problem.every_move else [None]) + list(range(problem.latest_start(m) + 1))
        for m in range(len(problem.moves))
    ]
    best: Timetable | None = None
    for starts in itertools.product(*choices):
        if schedule_problems(problem, starts):
            continue
        risks = risk_by_day(problem, starts)
        cost = schedule_cost(problem, risks)
        if best is None or cost < best.cost - 1e-12:
            best = Timetable(tuple(starts), cost, "optimal", cost, risks)
    if best is None:
        return Timetable(tuple(None for _ in problem.moves), math.inf, "infeasible")
    return best


# --- the time-indexed MILP ---------------------------------------------------------------


@dataclass
class _Columns:
    """started[m][t] for t = 0 … latest start of m (later days repeat the last)."""

    started: list[list[int]]

    def at(self, m: int, day: int) -> int | None:
        """The column saying move m has started by ``day``; None before day 0."""
        if day < 0 or not self.started[m]:
            return None
        return self.started[m][min(day, len(self.started[m]) - 1)]


def _add_start_columns(model: LinearModel, problem: SequencingProblem) -> _Columns:
    started: list[list[int]] = []
    for m in range(len(problem.moves)):
        last = problem.latest_start(m)
        if last < 0 and problem.every_move:
            raise ValueError(f"move {m} takes longer than the horizon")
        columns = [model.add_col(f"started_{m}_{t}", 0, 1, integer=True) for t in range(last + 1)]
        for earlier, later in itertools.pairwise(columns):
            model.add_row(f"order_{m}", [earlier, later], [1.0, -1.0], -INF, 0.0)
        if columns and problem.every_move:
            model.col_lower[columns[-1]] = 1.0
        if columns and _from_pool_without_lift(problem.moves[m]):
            model.col_lower[columns[0]] = 1.0  # it starts on day 0 (see sequence)
        started.append(columns)
    _break_symmetry(model, problem, started)
    return _Columns(started)


def _break_symmetry(
    model: LinearModel, problem: SequencingProblem, started: list[list[int]]
) -> None:
    """Units of one order are interchangeable: the first starts no later than the next
    (every schedule has a copy in this order, so no optimum is lost)."""
    for m in range(1, len(problem.moves)):
        if problem.moves[m] != problem.moves[m - 1]:
            continue
        for earlier, later in zip(started[m - 1], started[m], strict=True):
            model.add_row(f"same_{m}", [later, earlier], [1.0, -1.0], -INF, 0.0)


def _add_lift_limits(model: LinearModel, problem: SequencingProblem, cols: _Columns) -> None:
    if problem.lift_units is None:
        return
    for t in range(problem.deadline):
        riding: dict[int, float] = {}
        for m, move in enumerate(problem.moves):
            if not move.uses_lift:
                continue
            boarded = cols.at(m, t - move.teardown_days)
            landed = cols.at(m, t - move.teardown_days - move.transit_days)
            for col, sign in ((boarded, 1.0), (landed, -1.0)):
                if col is not None:
                    riding[col] = riding.get(col, 0.0) + sign
        riding = {col: v for col, v in riding.items() if v}
        if riding:
            model.add_row(
                f"lift_{t}", list(riding), list(riding.values()), -INF, float(problem.lift_units)
            )


def _site_terms(
    problem: SequencingProblem, cols: _Columns, site: tuple[int, int], day: int
) -> dict[int, float]:
    """Units ready at ``site`` on ``day``, less today's, as column → coefficient."""
    terms: dict[int, float] = {}
    for m, move in enumerate(problem.moves):
        if (move.origin, move.system) == site:
            col = cols.at(m, day)
            if col is not None:
                terms[col] = terms.get(col, 0.0) - 1.0
        if (move.destination, move.system) == site:
            col = cols.at(m, day - move.days)
            if col is not None:
                terms[col] = terms.get(col, 0.0) + 1.0
    return {col: v for col, v in terms.items() if v}


def _add_final_bounds(model: LinearModel, problem: SequencingProblem, cols: _Columns) -> bool:
    """The rules on the final posture; False when a site breaks one whatever is made."""
    if problem.every_move:
        return True
    sites = {(m.origin, m.system) for m in problem.moves if m.origin is not None}
    sites |= {(m.destination, m.system) for m in problem.moves if m.destination is not None}
    for b, s in sorted(sites):
        terms = _site_terms(problem, cols, (b, s), problem.deadline)
        today = float(problem.start[b, s])
        low = -INF if problem.lower is None else float(problem.lower[b, s]) - today
        high = INF if problem.upper is None else float(problem.upper[b, s]) - today
        if not terms and not low <= 0.0 <= high:
            return False
        if terms and (low > -INF or high < INF):
            model.add_row(f"final_{b}_{s}", list(terms), list(terms.values()), low, high)
    return True


def _touched(problem: SequencingProblem) -> dict[int, list[tuple[int, int, float]]]:
    """Per base, the moves that change its defence: (move, system, ±1 at origin/destination)."""
    inst = problem.instance
    found: dict[int, list[tuple[int, int, float]]] = {}
    for m, move in enumerate(problem.moves):
        for site, sign in ((move.origin, -1.0), (move.destination, 1.0)):
            if site is None:
                continue
            for b in inst.coverage[move.system].covered_by(site).tolist():
                found.setdefault(int(b), []).append((m, move.system, sign))
    return found


def _lattice(
    base_log_leak: FloatArray, y0: float, ranges: dict[int, tuple[int, int]]
) -> FloatArray:
    """Every exponent a base and class can reach: y0 + Σ_s ln(1 − p_s) · k_s."""
    systems = sorted(ranges)
    size = math.prod(ranges[s][1] - ranges[s][0] + 1 for s in systems)
    if size > LATTICE_LIMIT:
        raise ValueError(f"{size} defence states at one base: too many moves to schedule exactly")
    values = {
        round(y0 + sum(base_log_leak[s] * k for s, k in zip(systems, combo, strict=True)), 12)
        for combo in itertools.product(*(range(ranges[s][0], ranges[s][1] + 1) for s in systems))
    }
    return np.array(sorted(values))


def _add_risk_epigraphs(
    model: LinearModel, problem: SequencingProblem, cols: _Columns, scale: float
) -> float:
    """Each day's score (summed and/or worst residual, as the instance's objective) × days.

    z[b, c, t] ≥ chords of value·e^y for every base and class a move touches; the
    worst base's residual, when the objective weighs it, is an epigraph w[t] over the
    bases' z. Returns the (scaled) risk-days that no move changes.
    """
    inst = problem.instance
    total_weight, worst_weight = inst.weights
    weights = [1.0] * problem.deadline + [float(problem.horizon - problem.deadline)]
    days = [t for t, weight in enumerate(weights) if weight]
    base_exponent = inst.defending(problem.start) @ inst.log_leak  # (B, C)
    touched = _touched(problem)
    constant = 0.0
    worst_rows: dict[int, list[tuple[list[int], float]]] = {t: [] for t in days}
    for b in range(inst.n_bases):
        fixed = 0.0  # this base's residual no move changes, per day
        z_by_day: dict[int, list[int]] = {t: [] for t in days}
        for c in range(inst.n_classes):
            value = float(inst.value[b, c]) / scale
            here = [(m, s, sign) for m, s, sign in touched.get(b, []) if inst.log_leak[s, c]]
            if value <= 0:
                continue
            y0 = float(base_exponent[b, c])
            if not here:
                fixed += value * math.exp(y0)
                continue
            lattice = _lattice(inst.log_leak[:, c], y0, _ranges(here))
            for t in days:
                terms = _exponent_terms(problem, cols, here, c, t)
                z = _add_chords(model, f"risk_{b}_{c}_{t}", value, y0, lattice, terms)
                model.col_cost[z] = total_weight * weights[t]
                z_by_day[t].append(z)
        constant += total_weight * fixed * sum(weights)
        for t in days:
            worst_rows[t].append((z_by_day[t], fixed))
    if worst_weight:
        for t in days:
            _add_worst_day(model, t, worst_weight * weights[t], worst_rows[t], inst.raids)
    return constant


def _ranges(here: list[tuple[int, int, float]]) -> dict[int, tuple[int, int]]:
    """Per system, how far the moves can lower or raise a base's defending units."""
    ranges: dict[int, tuple[int, int]] = {}
    for _, s, sign in here:
        low, high = ranges.get(s, (0, 0))
        ranges[s] = (low - 1, high) if sign < 0 else (low, high + 1)
    return ranges


def _exponent_terms(
    problem: SequencingProblem,
    cols: _Columns,
    here: list[tuple[int, int, float]],
    c: int,
    t: int,
) -> dict[int, float]:
    """y − y0 on day t as columns: a departure counts from its start, an arrival from its end."""
    log_leak = problem.instance.log_leak
    terms: dict[int, float] = {}
    for m, s, sign in here:
        col = cols.at(m, t if sign < 0 else t - problem.moves[m].days)
        if col is not None:
            terms[col] = terms.get(col, 0.0) + sign * float(log_leak[s, c])
    return {col: v for col, v in terms.items() if v}


def _add_worst_day(
    model: LinearModel, t: int, cost: float, bases: list[tuple[list[int], float]], raids: int
) -> None:
    """w[t] ≥ every base's residual on day t (its z columns plus what no move changes);
    under an attacker with k > 1 raids, the sum of the k largest
    (:class:`defplan.model.aggregate.TopSum`)."""
    if raids > 1:
        totals = [SampleTotal(t_cols=zs, constant=fixed) for zs, fixed in bases]
        TopSum(raids, cost).add_rows(model, totals, 1.0)
        return
    fixed_worst = max((fixed for zs, fixed in bases if not zs), default=0.0)
    w = model.add_col(f"worst_{t}", fixed_worst, INF, cost=cost)
    for zs, fixed in bases:
        if zs:
            model.add_row(f"worst_{t}", [w, *zs], [1.0, *[-1.0] * len(zs)], fixed, INF)


def _add_chords(
    model: LinearModel,
    name: str,
    value: float,
    y0: float,
    lattice: FloatArray,
    terms: dict[int, float],
) -> int:
    """A column z ≥ value·chord_k(y0 + Σ terms) for every chord of e^y between lattice
    neighbours (exact at every lattice point: e^y is convex)."""
    z = model.add_col(name, 0.0, INF)
    if len(lattice) == 1 or not terms:
        model.col_lower[z] = value * math.exp(y0)
        return z
    for low, high in itertools.pairwise(lattice.tolist()):
        slope = (math.exp(high) - math.exp(low)) / (high - low)
        index = [z, *terms]
        coefs = [1.0, *(-value * slope * v for v in terms.values())]
        rhs = value * (math.exp(low) + slope * (y0 - low))
        model.add_row(name, index, coefs, rhs, INF)
    return z


def _tie_break(model: LinearModel, problem: SequencingProblem, cols: _Columns) -> list[float]:
    """Second objective: fewest moves made, then the earliest starts."""
    cost = [0.0] * model.n_cols
    for columns in cols.started:
        if not columns:
            continue
        last = columns[-1]
        cost[last] += problem.deadline + 1.0
        for col in columns:  # Σ_t (made − started by t) = the start day of a made move
            cost[last] += 1.0
            cost[col] -= 1.0
    return cost


def sequence(
    problem: SequencingProblem,
    *,
    backend: str = "highs",
    time_limit: float = 60.0,
    threads: int | None = None,
    seed: int = 0,
) -> Timetable:
    """The schedule that accepts the least risk over the horizon, proven optimal.

    Two solves: the least risk-days, then, among schedules within 1e-9 of it, the
    fewest moves made and the earliest starts (so the answer does not depend on the
    backend's choice among ties).

    A unit drawn from the pool (riding no lift, as the scenario's draws never do)
    starts on day 0: it takes no unit from any base, so starting it earlier never
    raises a day's risk (the residual only falls as units are added), and it only
    fills a site the target gives more units than today (the move orders never both
    take from and send to one site), so the final posture's bounds hold with it. No
    optimum is lost; the tests check it against enumeration.
    """
    model = LinearModel()
    cols = _add_start_columns(model, problem)
    _add_lift_limits(model, problem, cols)
    if not _add_final_bounds(model, problem, cols):
        return Timetable(tuple(None for _ in problem.moves), math.inf, "infeasible")
    scale = max(problem.instance.risk_size, 1e-300)
    model.offset = _add_risk_epigraphs(model, problem, cols, scale)
    if not any(cols.started):  # no move fits in the horizon: nothing to decide
        nothing = tuple(None for _ in problem.moves)
        risks = risk_by_day(problem, nothing)
        cost = schedule_cost(problem, risks)
        return Timetable(nothing, cost, "optimal", cost, risks)
    with backend_missing_as_solver_error():
        run = runner(backend)
    options = RunOptions(time_limit=time_limit, rel_gap=0.0, threads=threads, seed=seed)
    clock = time.monotonic()
    first = run(model, options)
    if first.values is None:
        status = "infeasible" if first.status == "infeasible" else first.status
        return Timetable(tuple(None for _ in problem.moves), math.inf, status)
    risk_cost = list(model.col_cost)
    best = model.objective(first.values)
    index = [i for i, v in enumerate(risk_cost) if v]
    model.add_row("risk_cap", index, [risk_cost[i] for i in index], -INF, _cap(best, model.offset))
    model.col_cost = _tie_break(model, problem, cols)
    model.offset = 0.0
    values = first.values
    left = time_limit - (time.monotonic() - clock)
    if first.status == "optimal" and left > 0:  # an unproven first answer is not capped
        second = run(model, RunOptions(left, 0.0, threads, seed, first.values))
        values = second.values if second.values is not None else first.values
    starts = _starts(cols, values)
    risks = risk_by_day(problem, starts)
    status = "optimal" if first.status == "optimal" else first.status
    bound = first.bound * scale / DAYS_PER_YEAR if math.isfinite(first.bound) else -math.inf
    return Timetable(starts, schedule_cost(problem, risks), status, bound, risks)


def _cap(best: float, offset: float) -> float:
    """The tie-break's cap on the risk columns' cost: the optimum, with a little slack."""
    return best - offset + 1e-9 * max(1.0, abs(best))


def _starts(cols: _Columns, values: FloatArray) -> tuple[int | None, ...]:
    starts: list[int | None] = []
    for columns in cols.started:
        flags = [values[c] > 0.5 for c in columns]
        starts.append(flags.index(True) if any(flags) else None)
    return tuple(starts)
