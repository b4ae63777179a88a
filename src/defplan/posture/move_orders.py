"""Move orders from today's deployment to a plan, and risk against a move budget.

Per system type, a minimum-cost flow (networkx ``network_simplex``):

- a *surplus* site (units today − units planned > 0) supplies its extra units;
- a *deficit* site (planned − today > 0) needs its missing units;
- the *pool* (inventory not deployed today) supplies any unit, at no cost: where the
  depot is, the workbook does not say;
- a surplus unit no site needs goes back to the pool.

Costs are integer metres (km × 1000, rounded) along the move distance of
:mod:`defplan.posture.distance` (a listed route, else a path over the routes sheet,
else great-circle). A unit sent back to the pool costs more than any possible saving
in metres, so the flow first sends as few deployed units home as it can (a unit
already in theater is reused before one is taken from the pool), then minimizes the
unit-kilometres moved. Units moved (taken away from where they stand) are fixed by
the plan; the flow only decides where each goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from defplan.errors import InfeasibleError, SolverError
from defplan.plan import Plan, build_arrays, plan
from defplan.plan.conflicts import minimum_moves
from defplan.posture.distance import MoveDistances
from defplan.risk import risk as compute_risk
from defplan.scenario import Scenario

#: where undeployed units come from and go back to
POOL = "(pool)"

Sites = Mapping[tuple[str, str], int]  # (base_id, system_id) → units


@dataclass(frozen=True)
class MoveOrder:
    """``units`` of ``system_id`` from ``from_base`` to ``to_base`` (either may be POOL)."""

    system_id: str
    units: int
    from_base: str
    to_base: str
    km: float | None  # per unit; None to or from the pool
    hours: float | None  # None when not known
    basis: str  # route, routes_path, great_circle or pool

    @property
    def unit_km(self) -> float:
        """Units × km of this order (0 for the pool, which has no place)."""
        return self.units * (self.km or 0.0)


ORDER_COLUMNS = ["system_id", "units", "from_base", "to_base", "km", "hours", "basis"]


@dataclass(frozen=True)
class MoveOrders:
    """The orders that turn today's deployment into a plan."""

    orders: tuple[MoveOrder, ...]
    target: Plan | None = None

    @property
    def units_moved(self) -> int:
        """Units taken away from a base (to another base or back to the pool)."""
        return sum(o.units for o in self.orders if o.from_base != POOL)

    @property
    def units_between_bases(self) -> int:
        """Units moved from one base to another."""
        return sum(o.units for o in self.orders if POOL not in (o.from_base, o.to_base))

    @property
    def units_from_pool(self) -> int:
        """Units taken from the pool (on hand, not deployed) to a base."""
        return sum(o.units for o in self.orders if o.from_base == POOL)

    @property
    def units_to_pool(self) -> int:
        """Units withdrawn from a base to the pool."""
        return sum(o.units for o in self.orders if o.to_base == POOL)

    @property
    def unit_km(self) -> float:
        """Σ units × km over moves between bases."""
        return float(sum(o.unit_km for o in self.orders))

    def frame(self) -> pd.DataFrame:
        """One row per order, in the columns of :data:`ORDER_COLUMNS`."""
        rows: list[dict[str, Any]] = [
            {
                "system_id": o.system_id,
                "units": o.units,
                "from_base": o.from_base,
                "to_base": o.to_base,
                "km": o.km,
                "hours": o.hours,
                "basis": o.basis,
            }
            for o in self.orders
        ]
        return pd.DataFrame(rows, columns=ORDER_COLUMNS)


def metres(km: float) -> int:
    """The flow's integer cost of one unit moved ``km``."""
    return round(km * 1000.0)


def flow_orders(
    current: Sites,
    target: Sites,
    inventory: Mapping[str, int],
    distances: MoveDistances,
) -> tuple[MoveOrder, ...]:
    """The cheapest move orders from ``current`` to ``target``, system by system.

    Raises ValueError when a system's target or deployment exceeds its inventory.
    """
    orders: list[MoveOrder] = []
    for system_id in sorted(inventory):
        now = {b: u for (b, s), u in current.items() if s == system_id and u > 0}
        want = {b: u for (b, s), u in target.items() if s == system_id and u > 0}
        stock = inventory[system_id]
        for label, units in (("deployed today", now), ("planned", want)):
            if sum(units.values()) > stock:
                raise ValueError(
                    f"{sum(units.values())} {system_id} units {label}, but the inventory is {stock}"
                )
        surplus = {b: now.get(b, 0) - want.get(b, 0) for b in now}
        surplus = {b: u for b, u in sorted(surplus.items()) if u > 0}
        deficit = {b: want.get(b, 0) - now.get(b, 0) for b in want}
        deficit = {b: u for b, u in sorted(deficit.items()) if u > 0}
        orders.extend(
            _one_system(system_id, surplus, deficit, stock - sum(now.values()), distances)
        )
    return tuple(orders)


def _one_system(
    system_id: str,
    surplus: dict[str, int],
    deficit: dict[str, int],
    spare: int,
    distances: MoveDistances,
) -> list[MoveOrder]:
    if not surplus and not deficit:
        return []
    flow = _forced_flow(surplus, deficit, spare)
    if flow is None:
        cost = {(a, b): metres(distances.km(a, b)) for a in surplus for b in deficit}
        flow = _cheapest_flow(system_id, surplus, deficit, spare, cost)
    orders: list[MoveOrder] = []
    for a in surplus:
        for b in deficit:
            n = int(flow[("from", a)][("to", b)])
            if n:
                leg = distances.leg(a, b)
                orders.append(MoveOrder(system_id, n, a, b, leg.km, leg.hours, leg.source))
        n = int(flow[("from", a)]["pool_in"])
        if n:
            orders.append(MoveOrder(system_id, n, a, POOL, None, None, "pool"))
    for b in deficit:
        n = int(flow["pool_out"][("to", b)])
        if n:
            orders.append(MoveOrder(system_id, n, POOL, b, None, None, "pool"))
    return orders


Flow = dict[Any, dict[Any, int]]


def _forced_flow(surplus: Mapping[str, int], deficit: Mapping[str, int], spare: int) -> Flow | None:
    """The flow :func:`_cheapest_flow` finds, when it is the only optimal one; None otherwise.

    Sending a unit home costs more than any move (``send_home``), so a flow moves as many
    units site to site as it can. That forces it when one side is empty (every surplus
    goes home; every deficit comes from the pool) and when one site has a surplus and
    one a deficit (min of the two moves, the rest home or from the pool). The pool must
    hold what is asked of it; when it does not, None (the flow solver says why).
    """
    if (len(surplus) > 1 and deficit) or (len(deficit) > 1 and surplus):
        return None
    moved = min(sum(surplus.values()), sum(deficit.values())) if surplus and deficit else 0
    from_pool = sum(deficit.values()) - moved
    if from_pool > spare:
        return None
    flow: Flow = {("from", a): {("to", b): moved for b in deficit} for a in surplus}
    for a, units in surplus.items():
        flow[("from", a)]["pool_in"] = units - moved
    flow["pool_out"] = {"pool_in": spare - from_pool}
    flow["pool_out"].update({("to", b): units - moved for b, units in deficit.items()})
    flow.update({("to", b): {} for b in deficit})
    flow["pool_in"] = {}
    return flow


def _cheapest_flow(
    system_id: str,
    surplus: Mapping[str, int],
    deficit: Mapping[str, int],
    spare: int,
    cost: Mapping[tuple[str, str], int],
) -> Flow:
    """The minimum-cost flow (networkx ``network_simplex``): surplus sites and the pool
    supply, deficit sites and the pool take; a unit sent home costs more than any move."""
    import networkx as nx  # a solve only when the flow is not forced (_forced_flow)

    most = max(cost.values(), default=0)
    units = sum(surplus.values()) + sum(deficit.values())
    send_home = (most + 1) * (units + 1)  # above any saving in metres
    graph = nx.DiGraph()
    for b, u in surplus.items():
        graph.add_node(("from", b), demand=-u)
    for b, u in deficit.items():
        graph.add_node(("to", b), demand=u)
    graph.add_node("pool_out", demand=-spare)
    graph.add_node("pool_in", demand=spare + sum(surplus.values()) - sum(deficit.values()))
    graph.add_edge("pool_out", "pool_in", weight=0)
    for (a, b), weight in cost.items():
        graph.add_edge(("from", a), ("to", b), weight=weight)
    for a in surplus:
        graph.add_edge(("from", a), "pool_in", weight=send_home)
    for b in deficit:
        graph.add_edge("pool_out", ("to", b), weight=0)
    try:
        _, flow = nx.network_simplex(graph)
    except nx.NetworkXUnfeasible as exc:  # pragma: no cover - guarded by the inventory check
        raise SolverError(f"no move orders reach the plan for {system_id}: {exc}") from exc
    return {node: {to: int(n) for to, n in edges.items()} for node, edges in flow.items()}


def deployed_units(scenario: Scenario) -> dict[tuple[str, str], int]:
    """Today's deployment as {(base_id, system_id): units}."""
    units: dict[tuple[str, str], int] = {}
    for d in scenario.deployed:
        units[(d.base_id, d.system_id)] = units.get((d.base_id, d.system_id), 0) + d.units
    return units


def planned_units(result: Plan) -> dict[tuple[str, str], int]:
    """A plan's allocation as {(base_id, system_id): units}."""
    return {
        (result.base_ids[b], result.system_ids[s]): int(n)
        for (b, s), n in np.ndenumerate(result.allocation)
        if n > 0
    }


def plan_inventory(scenario: Scenario, result: Plan | None = None) -> dict[str, int]:
    """Units on hand per system: the plan's (it may override the sheet), else the sheet's."""
    if result is not None:
        return dict(zip(result.system_ids, result.inventory, strict=True))
    return {s.system_id: s.inventory for s in scenario.systems}


def _same_value(value: float, best: float) -> bool:
    return value <= best + 1e-9 * max(1.0, abs(best))


def _with_risk_table(scenario: Scenario, plan_options: dict[str, Any]) -> dict[str, Any]:
    """``plan_options`` with the scenario's risk table, computed once for many solves."""
    if plan_options.get("table") is not None:
        return plan_options
    return {**plan_options, "table": compute_risk(scenario)}


def forced_moves(scenario: Scenario, **plan_options: Any) -> int:
    """At least how many units the rules force away from where they stand today.

    A lower bound from the site bounds alone (a forbid or max_units rule on deployed
    units, a min_units rule the pool cannot fill): no plan moves fewer, so a move
    budget below it has no allocation.
    """
    plan_options = _with_risk_table(scenario, plan_options)
    arrays = build_arrays(scenario, plan_options["table"], inventory=plan_options.get("inventory"))
    return minimum_moves(arrays)


def least_moves_plan(scenario: Scenario, full: Plan | None = None, **plan_options: Any) -> Plan:
    """An optimal plan that moves as few units as any optimal plan can.

    A solver may return an optimum that moves units for no gain (two sites of equal
    value swapped); a planner wants the one that moves least. The objective never
    rises as the move budget grows, so a bisection over the budget (log2 of the
    unconstrained plan's moves, in solves) finds the smallest budget reaching the
    optimum.
    """
    plan_options = _with_risk_table(scenario, plan_options)
    full = full if full is not None else plan(scenario, **plan_options)
    low, high, best = min(forced_moves(scenario, **plan_options), full.moves), full.moves, full
    while low < high:
        middle = (low + high) // 2
        try:
            trial = plan(scenario, max_moves=middle, **plan_options)
        except SolverError:
            low = middle + 1
            continue
        if _same_value(trial.objective, full.objective):
            high, best = middle, trial
        else:
            low = middle + 1
    return best


def moves(scenario: Scenario, target: Plan | None = None, **plan_options: Any) -> MoveOrders:
    """Move orders from the deployed sheet to ``target``.

    The default target is :func:`least_moves_plan`: the optimal plan that moves
    fewest units. ``plan_options`` go to :func:`defplan.plan.plan` when the target is
    computed here.
    """
    target = target if target is not None else least_moves_plan(scenario, **plan_options)
    orders = flow_orders(
        deployed_units(scenario),
        planned_units(target),
        plan_inventory(scenario, target),
        MoveDistances(scenario),
    )
    return MoveOrders(orders, target)


CURVE_COLUMNS = [
    "budget",
    "units_moved",
    "objective",
    "risk",
    "worst_residual",
    "worst_base",
    "risk_removed",
    "status",
]


def move_budget_curve(
    scenario: Scenario,
    max_budget: int | None = None,
    *,
    full: Plan | None = None,
    **plan_options: Any,
) -> pd.DataFrame:
    """Residual risk when at most 0, 1, 2, … units may be moved from today's deployment.

    The budget runs up to ``max_budget`` (default: the units ``full`` moves — by
    default :func:`least_moves_plan`, where the curve reaches the full re-plan).
    Spare units placed from the pool are not moves, so budget 0 already places them.
    When the rules force units to move (a forbid or max_units rule on deployed units),
    no smaller budget has an allocation: the curve starts at the smallest budget that
    has one (see :func:`curve_note`), and reaches at least that budget whatever
    ``max_budget`` says.
    The objective never rises as the budget grows (the feasible set only grows);
    ``risk`` is the total residual, which is the objective under the default
    ``expected`` objective. ``risk_removed`` is what the budget's last unit buys.
    """
    if "max_moves" in plan_options:
        raise TypeError("move_budget_curve sets max_moves itself")
    plan_options = _with_risk_table(scenario, plan_options)
    full = full if full is not None else least_moves_plan(scenario, **plan_options)
    start, first = _first_feasible_budget(scenario, full, plan_options)
    top = full.moves if max_budget is None else max(max_budget, start)
    rows: list[dict[str, Any]] = []
    previous: float | None = None
    for budget in range(start, top + 1):
        if budget == start:
            result = first
        elif budget >= full.moves:
            result = full
        else:
            result = plan(scenario, max_moves=budget, **plan_options)
        risk = result.risk_after
        rows.append(
            {
                "budget": budget,
                "units_moved": result.moves,
                "objective": result.objective,
                "risk": risk,
                "worst_residual": float(result.residual.max()) if len(result.residual) else 0.0,
                "worst_base": result.worst_base,
                "risk_removed": 0.0 if previous is None else previous - risk,
                "status": result.status,
            }
        )
        previous = risk
    return pd.DataFrame(rows, columns=CURVE_COLUMNS)


def _first_feasible_budget(
    scenario: Scenario, full: Plan, plan_options: dict[str, Any]
) -> tuple[int, Plan]:
    """The smallest move budget with an allocation, and the plan at that budget.

    Starts at :func:`forced_moves` (a lower bound) and steps up while a budget has no
    allocation; ``full`` (which moves ``full.moves`` units) always has one.
    """
    budget = min(forced_moves(scenario, **plan_options), full.moves)
    while budget < full.moves:
        try:
            return budget, plan(scenario, max_moves=budget, **plan_options)
        except InfeasibleError:  # a time limit is not a budget the rules forbid
            budget += 1
    return full.moves, full


def curve_note(curve: pd.DataFrame) -> str | None:
    """Why the curve does not start at budget 0, or None when it does."""
    if curve.empty or int(curve["budget"].iloc[0]) == 0:
        return None
    forced = int(curve["budget"].iloc[0])
    return (
        f"the rules force {forced} move(s) from today's deployment: the curve starts there "
        "(a forbid or max_units rule on deployed units, or a min_units rule the spare "
        "units cannot fill)"
    )
