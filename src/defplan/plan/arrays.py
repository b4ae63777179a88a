"""From a scenario and its risk table to the solver's arrays, keeping the reasons.

Every bound on a site records why it is there (closed base, max per base, a rule),
so an infeasible set of rules can be reported by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from defplan.geo import distance_matrix_km
from defplan.model import Coverage, Instance, Objective, make_instance
from defplan.model.instance import ATTACKER, FloatArray, attacker_objective
from defplan.model.raids import Raids
from defplan.plan.salvos import limits_raids, raid_model, raid_rates
from defplan.risk import RiskTable
from defplan.scenario import RuleRow, Scenario

#: Rows of the distance matrix computed at a time (keeps memory flat for big theaters).
DISTANCE_BLOCK = 512


@dataclass(frozen=True)
class Bounds:
    """Per-site bounds on units, and the reason for each bound that is not the default."""

    lower: np.ndarray
    upper: np.ndarray
    lower_why: dict[tuple[int, int], list[tuple[int, str]]] = field(default_factory=dict)
    upper_why: dict[tuple[int, int], list[tuple[int, str]]] = field(default_factory=dict)

    def why_lower(self, b: int, s: int) -> list[str]:
        """The reasons that set this site's lower bound (those at its value)."""
        return [why for value, why in self.lower_why.get((b, s), []) if value == self.lower[b, s]]

    def why_upper(self, b: int, s: int) -> list[str]:
        """The reasons that set this site's upper bound (those at its value)."""
        return [why for value, why in self.upper_why.get((b, s), []) if value == self.upper[b, s]]


@dataclass(frozen=True)
class PlanArrays:
    """The instance plus the names that map its indices back to the theater."""

    instance: Instance
    base_ids: tuple[str, ...]
    system_ids: tuple[str, ...]
    weapons: tuple[str, ...]
    bounds: Bounds
    distance_kind: str
    #: salvos per weapon class and engagements per raid per system (the instance's
    #: pseudo-classes come from it; the engagement simulator plays it); None when
    #: built without raids
    raids: Raids | None = None


def rule_label(rule: RuleRow) -> str:
    """A rule named by what it says, e.g. "min_units 1 of cram at embassy"."""
    system = rule.system_id or "every system"
    if rule.kind in ("min_units", "max_units"):
        return f"rule {rule.kind} {rule.value} of {system} at {rule.base_id}"
    if rule.kind == "lock":
        held = "as deployed" if rule.value is None else f"at {rule.value}"
        return f"rule lock {system} at {rule.base_id} {held}"
    return f"rule forbid {system} at {rule.base_id}"


def deployed_matrix(scenario: Scenario, base_ids: tuple[str, ...]) -> np.ndarray:
    """Units standing today per (base, system), from the deployed sheet."""
    base_index = {b: i for i, b in enumerate(base_ids)}
    system_index = {s.system_id: j for j, s in enumerate(scenario.systems)}
    current = np.zeros((len(base_ids), len(system_index)), dtype=np.int64)
    for row in scenario.deployed:
        current[base_index[row.base_id], system_index[row.system_id]] += row.units
    return current


def site_bounds(scenario: Scenario, base_ids: tuple[str, ...]) -> Bounds:
    """Lower and upper units per site from base status, max per base and the rules."""
    n_bases, n_systems = len(base_ids), len(scenario.systems)
    base_index = {b: i for i, b in enumerate(base_ids)}
    system_index = {s.system_id: j for j, s in enumerate(scenario.systems)}
    lower = np.zeros((n_bases, n_systems), dtype=np.int64)
    upper = np.zeros((n_bases, n_systems), dtype=np.int64)
    lower_why: dict[tuple[int, int], list[tuple[int, str]]] = {}
    upper_why: dict[tuple[int, int], list[tuple[int, str]]] = {}
    current = deployed_matrix(scenario, base_ids)

    def cap(b: int, s: int, value: int, why: str) -> None:
        if value < upper[b, s]:
            upper[b, s] = value
        upper_why.setdefault((b, s), []).append((value, why))

    def floor(b: int, s: int, value: int, why: str) -> None:
        if value > lower[b, s]:
            lower[b, s] = value
        lower_why.setdefault((b, s), []).append((value, why))

    for j, system in enumerate(scenario.systems):
        most = system.inventory if system.max_per_base is None else system.max_per_base
        upper[:, j] = min(most, system.inventory)
        for b, base_id in enumerate(base_ids):
            if scenario.base_by_id[base_id].status == "closed":
                cap(b, j, 0, f"{base_id} is closed")
            elif system.max_per_base is not None:
                cap(b, j, system.max_per_base, f"{system.system_id} max_per_base")
    for rule in scenario.rules:
        b = base_index[rule.base_id]
        systems = [system_index[rule.system_id]] if rule.system_id is not None else range(n_systems)
        label = rule_label(rule)
        for s in systems:
            if rule.kind == "forbid":
                cap(b, s, 0, label)
            elif rule.kind == "max_units":
                assert rule.value is not None
                cap(b, s, rule.value, label)
            elif rule.kind == "min_units":
                assert rule.value is not None
                floor(b, s, rule.value, label)
            else:  # lock
                held = int(current[b, s]) if rule.value is None else rule.value
                floor(b, s, held, label)
                cap(b, s, held, label)
    return Bounds(lower, upper, lower_why, upper_why)


def coverage_of(scenario: Scenario, base_ids: tuple[str, ...]) -> tuple[list[Coverage], str]:
    """Which sites' units defend which bases, per system.

    Point systems defend their host. Area systems defend every base within range:
    great-circle distance, or with ``coverage_distance = routes`` the routes sheet's
    distance where a route is listed (great-circle elsewhere).
    """
    n = len(base_ids)
    rows = [scenario.base_by_id[b] for b in base_ids]
    lats = np.array([r.lat for r in rows], dtype=np.float64)
    lons = np.array([r.lon for r in rows], dtype=np.float64)
    use_routes = scenario.settings.coverage_distance == "routes"
    index = {b: i for i, b in enumerate(base_ids)}
    routes: dict[tuple[int, int], float] = {}
    if use_routes:
        for route in scenario.routes:
            i, j = index[route.from_base], index[route.to_base]
            for key in ((i, j), (j, i)):
                routes[key] = min(routes.get(key, np.inf), route.distance_km)
    coverages = [
        Coverage.point(n)
        if system.mode == "point"
        else Coverage.within(_distance_blocks(lats, lons, routes), system.range_km)
        for system in scenario.systems
    ]
    return coverages, "routes" if use_routes else "great_circle"


def _distance_blocks(
    lats: FloatArray, lons: FloatArray, routes: dict[tuple[int, int], float]
) -> Iterator[FloatArray]:
    """The host-by-base distance matrix in blocks of DISTANCE_BLOCK rows: great-circle,
    replaced by a route's distance where ``routes`` (host, base) lists one."""
    n = len(lats)
    for start in range(0, n, DISTANCE_BLOCK):
        block = distance_matrix_km(
            lats[start : start + DISTANCE_BLOCK], lons[start : start + DISTANCE_BLOCK], lats, lons
        )
        for (i, j), km in routes.items():
            if start <= i < start + DISTANCE_BLOCK:
                block[i - start, j] = km
        yield block


def build_arrays(
    scenario: Scenario,
    table: RiskTable,
    *,
    objective: Objective | None = None,
    blend_weight: float | None = None,
    max_moves: int | None = None,
    inventory: dict[str, int] | None = None,
    raids: bool = True,
) -> PlanArrays:
    """The solver instance for a scenario, with overrides for what-if questions.

    With ``raids`` (the default) salvos and the systems' channels and magazines enter
    the residual (:mod:`defplan.plan.salvos`); with no channels or magazine anywhere
    the instance is the one built without them, exactly.
    """
    settings = scenario.settings
    base_ids = table.base_ids
    system_ids = tuple(s.system_id for s in scenario.systems)
    weapons = table.weapons
    p = intercept_matrix(scenario, system_ids, weapons)
    stock = np.array(
        [(inventory or {}).get(s.system_id, s.inventory) for s in scenario.systems], np.int64
    )
    bounds = site_bounds(scenario, base_ids)
    coverage, kind = coverage_of(scenario, base_ids)
    budget = max_moves if max_moves is not None else settings.max_moves
    raid = raid_model(scenario, weapons, raid_rates(table).sum(axis=1)) if raids else None
    instance = make_instance(
        table.risk_matrix(),
        p,
        stock,
        coverage=coverage,
        lower=bounds.lower,
        upper=np.minimum(bounds.upper, stock),
        current=deployed_matrix(scenario, base_ids),
        max_moves=budget,
        objective=settings_objective(objective or settings.objective, settings.attacker_raids),
        blend_weight=settings.blend_weight if blend_weight is None else blend_weight,
        move_cost=settings.min_move_gain,
        raids=raid if raid is not None and limits_raids(scenario) else None,
    )
    return PlanArrays(instance, base_ids, system_ids, weapons, bounds, kind, raid)


def intercept_matrix(
    scenario: Scenario, system_ids: tuple[str, ...], weapons: tuple[str, ...]
) -> FloatArray:
    """p[s, w] from the effectiveness sheet (0 where a pair is missing), (S, W)."""
    return np.array(
        [[scenario.p_intercept.get((s, w), 0.0) for w in weapons] for s in system_ids],
        dtype=np.float64,
    ).reshape(len(system_ids), len(weapons))


def settings_objective(name: str, raids: int) -> Objective:
    """The instance's objective for a name from the settings sheet or the command line:
    a bare ``attacker`` spends the settings' ``attacker_raids``.

    >>> settings_objective("attacker", 3), settings_objective("attacker:2", 3)
    ('attacker:3', 'attacker:2')
    """
    return attacker_objective(raids) if name == ATTACKER else name
