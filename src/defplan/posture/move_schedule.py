"""The move schedule: from today's deployment to a plan, day by day, within the lift.

:func:`schedule` takes the move orders of :func:`defplan.posture.moves` (today's
deployment to a target plan), splits them into one move per unit, gives each its
teardown, transit and emplacement days (:mod:`defplan.posture.transit`) and orders
them with the exact time-indexed model of :mod:`defplan.posture.sequencing`:

- every day's risk comes from that day's actual defence (a unit in teardown, transit
  or emplacement defends nothing), scored as the plan is (summed residual under the
  ``expected`` objective);
- at most ``lift_units`` units are in transit on any day;
- *worth moving* (the default): over ``planning_horizon_days`` a move is made only
  when what it removes over the days left outweighs the risk accepted while it is
  down; the final posture still keeps every rule (a move a rule forces is made);
- ``every_move=True``: every order is made, as early as the risk allows.

Costs are casualty-equivalents: risk per year × days / 365.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from defplan.errors import InfeasibleError, SolverError
from defplan.model import Objective
from defplan.model.backends import backend_names
from defplan.plan import Plan, build_arrays, plan
from defplan.plan.arrays import deployed_matrix
from defplan.posture.distance import MoveDistances
from defplan.posture.move_orders import (
    POOL,
    MoveOrder,
    MoveOrders,
    _with_risk_table,
    deployed_units,
    flow_orders,
    least_moves_plan,
    plan_inventory,
    planned_units,
)
from defplan.posture.sequencing import (
    DAYS_PER_YEAR,
    SequencingProblem,
    Timetable,
    UnitMove,
    hosted_on_day,
    in_progress_on_day,
    sequence,
)
from defplan.posture.transit import Phases, move_phases
from defplan.risk import RiskTable
from defplan.scenario import Scenario


@dataclass(frozen=True)
class ScheduledMove:
    """One unit's move: its order, phases, and when it starts and ends (None: not made)."""

    order: MoveOrder
    phases: Phases
    start_day: int | None
    gain: float  # casualty-equivalents its arrival removes over the planning horizon
    exposure: float  # casualty-equivalents its being down adds (both against the schedule
    # without this move; see _worth)

    @property
    def made(self) -> bool:
        """Whether the move is made within the horizon (it has a start day)."""
        return self.start_day is not None

    @property
    def end_day(self) -> int | None:
        """The first day the unit defends its destination."""
        return None if self.start_day is None else self.start_day + self.phases.days


MOVE_COLUMNS = [
    "system_id",
    "units",
    "from_base",
    "to_base",
    "km",
    "hours",
    "basis",
    "by",
    "teardown_days",
    "transit_days",
    "emplace_days",
    "start_day",
    "end_day",
    "start_date",
    "end_date",
    "made",
    "gain",
    "exposure",
]
DAY_COLUMNS = ["day", "date", "risk", "teardown", "transit", "emplacement", "in_position"]
BASE_COLUMNS = ["base_id", "defended_today", "defended_after", "ready_day", "ready_date"]


@dataclass(frozen=True)
class MoveSchedule:
    """The schedule of every unit's move, each day's risk, and what the transition costs."""

    moves: tuple[ScheduledMove, ...]
    target: Plan | None  # None when scheduled to an allocation without its Plan
    orders: MoveOrders  # the flow's orders to the target, every one (made or not)
    risk_by_day: np.ndarray  # score (/yr) on days 0 … last day any move could end
    cost: float  # casualty-equivalents over the window
    window_days: int  # days the cost is counted over
    risk_today: float  # /yr, today's deployment
    risk_end: float  # /yr, once the schedule is done
    status: str  # optimal or time_limit
    bound: float
    every_move: bool
    lift_units: int | None
    start_date: dt.date | None
    bases: pd.DataFrame  # BASE_COLUMNS: when each base reaches its new defence
    days: pd.DataFrame  # DAY_COLUMNS

    @property
    def made(self) -> tuple[ScheduledMove, ...]:
        """The moves made, in schedule order."""
        return tuple(m for m in self.moves if m.made)

    @property
    def dropped(self) -> tuple[ScheduledMove, ...]:
        """Moves of the target plan not made: not worth their exposure over the horizon."""
        return tuple(m for m in self.moves if not m.made)

    @property
    def finish_day(self) -> int:
        """The day the last move ends (0 when nothing moves)."""
        return max((m.end_day or 0 for m in self.made), default=0)

    @property
    def transition_cost(self) -> float:
        """Casualty-equivalents accepted beyond the end state while the moves are made."""
        return self.cost - self.window_days * self.risk_end / DAYS_PER_YEAR

    @property
    def saving(self) -> float:
        """Casualty-equivalents the schedule saves over the window against staying put."""
        return self.window_days * self.risk_today / DAYS_PER_YEAR - self.cost

    def date(self, day: int | None) -> dt.date | None:
        """The calendar day of schedule day ``day``; None without a start date or a day."""
        if day is None or self.start_date is None:
            return None
        return self.start_date + dt.timedelta(days=day)

    def frame(self) -> pd.DataFrame:
        """One row per order and start day (units moving together), made moves first."""
        rows: dict[tuple[Any, ...], dict[str, Any]] = {}
        for move in sorted(self.moves, key=_move_key):
            o, p = move.order, move.phases
            key = (o.system_id, o.from_base, o.to_base, move.start_day)
            if key in rows:
                rows[key]["units"] += 1
                rows[key]["gain"] += move.gain
                rows[key]["exposure"] += move.exposure
                continue
            rows[key] = {
                "system_id": o.system_id,
                "units": 1,
                "from_base": o.from_base,
                "to_base": o.to_base,
                "km": o.km,
                "hours": o.hours,
                "basis": o.basis,
                "by": p.by,
                "teardown_days": p.teardown_days,
                "transit_days": p.transit_days,
                "emplace_days": p.emplace_days,
                "start_day": move.start_day,
                "end_day": move.end_day,
                "start_date": self.date(move.start_day),
                "end_date": self.date(move.end_day),
                "made": "yes" if move.made else "no",
                "gain": move.gain,
                "exposure": move.exposure,
            }
        frame = pd.DataFrame(list(rows.values()), columns=MOVE_COLUMNS)
        for column in ("start_day", "end_day", "start_date", "end_date"):
            # whole days, blank for a move not made (not NaN floats nor pandas' NA)
            frame[column] = pd.Series([row[column] for row in rows.values()], dtype=object)
        return frame


def _move_key(move: ScheduledMove) -> tuple[Any, ...]:
    o = move.order
    start = move.start_day if move.start_day is not None else 10**9
    return (start, o.system_id, o.from_base, o.to_base)


def schedule(
    scenario: Scenario,
    target: Plan | None = None,
    *,
    budget: int | None = None,
    every_move: bool = False,
    horizon_days: int | None = None,
    lift_units: int | None = None,
    **plan_options: Any,
) -> MoveSchedule:
    """The move schedule from today's deployment to ``target``, proven optimal.

    Parameters
    ----------
    scenario : the theater (its systems' and bases' movement columns, its settings).
    target : the plan to move to; default the least-moves optimal plan, or with
        ``budget`` the optimal plan that moves at most that many units.
    every_move : make every move of the target (default: only those worth their
        exposure over the planning horizon).
    horizon_days, lift_units : override ``settings.planning_horizon_days`` and
        ``settings.lift_units``.
    plan_options : passed to :func:`defplan.plan.plan` (``table``, ``backend``,
        ``time_limit``, ``objective`` …); ``backend``, ``time_limit`` and ``threads``
        also solve the schedule.

    Raises
    ------
    InfeasibleError when the moves a rule forces cannot all end within the horizon.

    Examples
    --------
    >>> from defplan.workbook import load_scenario
    >>> result = schedule(load_scenario("inputs/iraq_syria.xlsx"))
    >>> [(m.order.to_base, m.start_day, m.end_day) for m in result.made]  # days from today
    [('union_iii', 0, 5), ('al_asad', 0, 1), ('al_asad', 0, 1), ('erbil', 0, 1), ('tower_22', 0, 1)]
    """
    plan_options = _with_risk_table(scenario, plan_options)
    if target is None:
        if budget is None:
            target = least_moves_plan(scenario, **plan_options)
        else:
            target = plan(scenario, max_moves=budget, **plan_options)
    goal = Target(
        planned_units(target),
        plan_inventory(scenario, target),
        target.objective_kind,
        target.blend_weight,
        target,
    )
    return schedule_to(
        scenario,
        goal,
        plan_options["table"],
        every_move=every_move,
        horizon_days=horizon_days,
        lift_units=lift_units,
        solver=_solver_options(scenario, target, plan_options),
    )


@dataclass(frozen=True)
class Target:
    """Where the units go (an allocation by base and system id) and how it is scored."""

    units: Mapping[tuple[str, str], int]  # (base_id, system_id) → units
    inventory: Mapping[str, int]
    objective: Objective = "expected"
    blend_weight: float = 0.5
    plan: Plan | None = None


def schedule_to(
    scenario: Scenario,
    target: Target,
    table: RiskTable,
    *,
    every_move: bool = False,
    horizon_days: int | None = None,
    lift_units: int | None = None,
    solver: Mapping[str, Any] | None = None,
) -> MoveSchedule:
    """The schedule to an allocation given by ids (what :func:`schedule` does once it
    has its target plan; a report uses it with plan.json's allocation).

    ``solver``: ``backend``, ``time_limit``, ``threads``, ``seed`` for the schedule's MILP.
    """
    settings = scenario.settings
    orders = MoveOrders(
        flow_orders(
            deployed_units(scenario), target.units, target.inventory, MoveDistances(scenario)
        ),
        target.plan,
    )
    base_ids = table.base_ids
    system_ids = tuple(s.system_id for s in scenario.systems)
    unit_moves, phases = _unit_moves(scenario, orders, (base_ids, system_ids))
    horizon = horizon_days or settings.planning_horizon_days
    arrays = build_arrays(
        scenario,
        table,
        objective=target.objective,
        blend_weight=target.blend_weight,
        inventory=dict(target.inventory),
    )
    problem = SequencingProblem(
        arrays.instance,
        deployed_matrix(scenario, base_ids),
        tuple(unit_moves),
        lift_units=lift_units if lift_units is not None else settings.lift_units,
        horizon_days=None if every_move else horizon,
        every_move=every_move,
        lower=arrays.bounds.lower,
        upper=arrays.bounds.upper,
    )
    solved = sequence(problem, **dict(solver or {"seed": settings.seed}))
    if solved.status == "infeasible":
        raise InfeasibleError(_infeasible_message(problem))
    if solved.status not in ("optimal", "time_limit"):
        raise SolverError(f"the move schedule could not be solved ({solved.status})")
    ids = (base_ids, system_ids)
    return _result(scenario, (target.plan, orders), problem, phases, solved, (horizon, ids))


def _unit_moves(
    scenario: Scenario, orders: MoveOrders, ids: tuple[tuple[str, ...], tuple[str, ...]]
) -> tuple[list[UnitMove], list[Phases]]:
    """One move per unit of every order, with its phases."""
    base_index = {b: i for i, b in enumerate(ids[0])}
    system_index = {s: j for j, s in enumerate(ids[1])}
    distances = MoveDistances(scenario)
    found: list[UnitMove] = []
    phases: list[Phases] = []
    for order in orders.orders:
        system = scenario.system_by_id[order.system_id]
        between = POOL not in (order.from_base, order.to_base)
        leg = distances.leg(order.from_base, order.to_base) if between else None
        destination = scenario.base_by_id.get(order.to_base)
        p = move_phases(system, leg, destination, from_pool=order.from_base == POOL)
        unit = UnitMove(
            system_index[order.system_id],
            base_index.get(order.from_base),
            base_index.get(order.to_base),
            p.teardown_days,
            p.transit_days,
            p.emplace_days,
        )
        for _ in range(order.units):
            found.append(unit)
            phases.append(p)
    return found, phases


def _solver_options(
    scenario: Scenario, target: Plan, plan_options: dict[str, Any]
) -> dict[str, Any]:
    """The schedule is solved as the plan was: its backend (HiGHS for one that solves
    a model of its own, as CP-SAT does: the schedule is a linear model),
    time limit and threads."""
    backend = plan_options.get("backend") or target.backend
    if backend not in backend_names("linear"):
        backend = "highs"
    time_limit = plan_options.get("time_limit") or target.time_limit_s
    return {
        "backend": backend,
        "time_limit": float(time_limit),
        "threads": plan_options.get("threads"),
        "seed": scenario.settings.seed,
    }


def _infeasible_message(problem: SequencingProblem) -> str:
    longest = max((m.days for m in problem.moves), default=0)
    return (
        f"the moves the rules force cannot all end within {problem.deadline} day(s) "
        f"(the longest takes {longest}; lift {problem.lift_units or 'unlimited'}): "
        "lengthen planning_horizon_days or raise lift_units"
    )


def _worth(
    problem: SequencingProblem, starts: tuple[int | None, ...], m: int, window: int
) -> tuple[float, float]:
    """Move m against the same schedule without it, over ``window`` days: what its
    arrival removes from the day it ends (gain) and what its being down adds before
    (exposure), in casualty-equivalents. A move not made is tried from day 0."""
    inst = problem.instance
    chosen = starts[m]
    begin: int = 0 if chosen is None else chosen
    end = begin + problem.moves[m].days
    with_move = (*starts[:m], begin, *starts[m + 1 :])
    without = (*starts[:m], None, *starts[m + 1 :])
    # once every move of either schedule has ended, the difference stays as it is
    ends = [b + mv.days for b, mv in zip(with_move, problem.moves, strict=True) if b is not None]
    last = max(ends)

    def difference(day: int) -> float:
        def score(chosen: tuple[int | None, ...]) -> float:
            return inst.score(inst.residual(hosted_on_day(problem, chosen, day)))

        return score(without) - score(with_move)

    exposure = 0.0 - sum(difference(t) for t in range(begin, min(end, window)))  # not -0.0
    gain = float(sum(difference(t) for t in range(end, min(last, window))))
    gain += max(window - last, 0) * difference(last)
    return gain / DAYS_PER_YEAR, exposure / DAYS_PER_YEAR


def _result(
    scenario: Scenario,
    target_orders: tuple[Plan | None, MoveOrders],
    problem: SequencingProblem,
    phases: list[Phases],
    solved: Timetable,
    window_ids: tuple[int, tuple[tuple[str, ...], tuple[str, ...]]],
) -> MoveSchedule:
    target, orders = target_orders
    window, ids = window_ids
    unit_orders = [o for o in orders.orders for _ in range(o.units)]
    scheduled = tuple(
        ScheduledMove(
            order, phases[m], solved.starts[m], *_worth(problem, solved.starts, m, window)
        )
        for m, order in enumerate(unit_orders)
    )
    inst = problem.instance
    start_date = scenario.settings.moves_start
    finish = max((m.end_day or 0 for m in scheduled), default=0)
    days = _day_frame(problem, solved, start_date).iloc[: finish + 1]
    return MoveSchedule(
        moves=scheduled,
        target=target,
        orders=orders,
        risk_by_day=solved.risk_by_day,
        cost=solved.cost,
        window_days=problem.horizon,
        risk_today=inst.score(inst.residual(problem.start)),
        risk_end=float(solved.risk_by_day[-1]),
        status=solved.status,
        bound=solved.bound,
        every_move=problem.every_move,
        lift_units=problem.lift_units,
        start_date=start_date,
        bases=_base_frame(problem, solved, ids, start_date),
        days=days,
    )


def _day_frame(
    problem: SequencingProblem, solved: Timetable, start_date: dt.date | None
) -> pd.DataFrame:
    rows = []
    for t in range(len(solved.risk_by_day)):
        phases = in_progress_on_day(problem, solved.starts, t)
        rows.append(
            {
                "day": t,
                "date": None if start_date is None else start_date + dt.timedelta(days=t),
                "risk": float(solved.risk_by_day[t]),
                "teardown": len(phases["teardown"]),
                "transit": len(phases["transit"]),
                "emplacement": len(phases["emplacement"]),
                "in_position": int(hosted_on_day(problem, solved.starts, t).sum()),
            }
        )
    return pd.DataFrame(rows, columns=DAY_COLUMNS)


def _base_frame(
    problem: SequencingProblem,
    solved: Timetable,
    names: tuple[tuple[str, ...], tuple[str, ...]],
    start_date: dt.date | None,
) -> pd.DataFrame:
    """Bases whose defence the schedule changes (for good or for a while), and the first
    day from which each keeps its new (or restored) defence."""
    inst = problem.instance
    base_ids, system_ids = names
    last = len(solved.risk_by_day) - 1
    today = inst.defending(problem.start).round().astype(int)
    defending = [
        inst.defending(hosted_on_day(problem, solved.starts, t)).round().astype(int)
        for t in range(last + 1)
    ]
    rows = []
    for b, base_id in enumerate(base_ids):
        before, after = today[b], defending[last][b]
        if all((d[b] == before).all() for d in defending):
            continue
        ready = last
        while ready > 0 and (defending[ready - 1][b] == after).all():
            ready -= 1
        rows.append(
            {
                "base_id": base_id,
                "defended_today": _units_text(before, system_ids),
                "defended_after": _units_text(after, system_ids),
                "ready_day": ready,
                "ready_date": None if start_date is None else start_date + dt.timedelta(days=ready),
            }
        )
    return pd.DataFrame(rows, columns=BASE_COLUMNS)


def _units_text(units: np.ndarray, system_ids: tuple[str, ...]) -> str:
    """Units defending a base, e.g. "2 cram, 1 patriot" ("none" when no unit does)."""
    parts = [f"{int(n)} {s}" for n, s in zip(units, system_ids, strict=True) if n]
    return ", ".join(parts) or "none"
