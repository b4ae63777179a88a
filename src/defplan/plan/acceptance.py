"""Risk acceptance: for every base a plan leaves at risk, why, how much, and what else helps.

A plan accepts risk wherever a base keeps a residual risk. For each such base
:func:`risk_acceptance` says

- how much risk is accepted (casualty-equivalents per year) and what drives it: the
  weapon class behind most of the residual and the risk factor (exposure, history
  or proximity) from the risk table;
- why no more defence went there, in one of these kinds:

  ``better_use``   every unit of the system that would help is placed where it
                   removes more: "the last cram at al_asad removes 0.151/yr; one at
                   tower_22 would remove 0.021/yr";
  ``site_limit``   no more units may stand where they would defend it (closed base,
                   forbid or max_units rule, max_per_base);
  ``held_by_rule`` the units that would help are all held elsewhere by rules;
  ``no_inventory`` none of the system that would help is on hand;
  ``no_system``    no system on hand engages the threats it faces;
  ``moves_budget`` the budget on moves from today's deployment stops it;
  ``objective``    the objective (worst case, blend) or the solver's gap puts the
                   unit elsewhere;
  ``allocation``   the allocation was scored, not solved for (``evaluate``): it puts
                   the unit elsewhere or leaves it unplaced;

- compensating measures to consider, chosen by the threat class and the factor from
  :data:`MEASURES_BY_WEAPON` and :data:`MEASURES_BY_FACTOR`. They are suggestions
  for the planner, not computed: the model does not score them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from defplan.plan.arrays import build_arrays
from defplan.plan.result import Plan
from defplan.risk import RiskTable
from defplan.risk import risk as compute_risk
from defplan.scenario import Scenario

#: Compensating measures by weapon class (matched as a part of the class name).
MEASURES_BY_WEAPON: dict[str, tuple[str, ...]] = {
    "rocket": ("counter-battery radar and fires", "bunkers and overhead cover", "dispersal"),
    "mortar": ("counter-battery radar and fires", "bunkers and overhead cover", "patrols"),
    "drone": ("early warning (radar, acoustic, observers)", "shelters and dispersal", "EW jamming"),
    "ballistic_missile": ("early warning and alert drills", "hardened shelters", "dispersal"),
    "cruise_missile": ("early warning (radar pickets)", "hardened shelters", "dispersal"),
}
#: Measures for a class the table does not know.
DEFAULT_MEASURES: tuple[str, ...] = ("early warning", "bunkers and shelters", "dispersal")
#: One more measure by the factor that puts the base at risk.
MEASURES_BY_FACTOR: dict[str, str] = {
    "exposure": "fewer troops on the site",
    "history": "intelligence and patrols against the attacking cells",
    "proximity": "keep activity out of the threat zone's reach",
}

#: Columns of :func:`risk_acceptance`'s frame, in order.
ACCEPTANCE_COLUMNS: tuple[str, ...] = (
    "base_id",
    "name",
    "status",
    "risk_undefended",
    "risk_accepted",
    "threat",
    "factor",
    "defended_by",
    "reason_kind",
    "reason",
    "better_use",
    "one_more_removes",
    "measures",
)

#: Risk below this (casualty-equivalents a year) is noise, not accepted risk.
TOLERANCE = 1e-12


def measures_for(weapon: str | None, factor: str | None) -> tuple[str, ...]:
    """Compensating measures to consider against a weapon class and a risk factor."""
    chosen: tuple[str, ...] = DEFAULT_MEASURES
    if weapon:
        for key, measures in MEASURES_BY_WEAPON.items():
            if key in weapon:
                chosen = measures
                break
    extra = MEASURES_BY_FACTOR.get(factor or "")
    return (*chosen, extra) if extra else chosen


def risk_acceptance(
    plan: Plan,
    scenario: Scenario,
    *,
    table: RiskTable | None = None,
    min_risk: float = TOLERANCE,
) -> pd.DataFrame:
    """One row per base the plan leaves with a residual risk above ``min_risk`` a year.

    Rows are ranked by the risk accepted. ``plan`` must be a plan of ``scenario``
    (same bases and systems); its inventory may differ from the scenario's (a ladder
    step, a sweep point). See the module docstring for the columns' meaning.
    """
    table = table or compute_risk(scenario)
    inventory = dict(zip(plan.system_ids, plan.inventory, strict=True))
    arrays = build_arrays(
        scenario,
        table,
        objective=plan.objective_kind,  # type: ignore[arg-type]
        blend_weight=plan.blend_weight,
        max_moves=plan.max_moves,
        inventory=inventory,
    )
    if arrays.base_ids != plan.base_ids or arrays.system_ids != plan.system_ids:
        raise ValueError("the plan is not a plan of this scenario (bases or systems differ)")
    inst = arrays.instance
    x = plan.allocation.astype(np.int64)
    n_bases, n_systems = x.shape
    by_class = inst.residual_by_class(x)
    residual = by_class.sum(axis=1)
    # risk one more defending unit of each system removes at each base
    stop = 1.0 - np.exp(inst.log_leak)  # (S, C)
    gain_here = by_class @ stop.T  # (B, S)
    # risk one more unit hosted at each site removes, over every base it defends
    gain_host = np.stack(
        [inst.coverage[s].spread(gain_here[:, s], n_bases) for s in range(n_systems)], axis=1
    ).reshape(n_bases, n_systems)
    site_upper = arrays.bounds.upper
    room = x < site_upper
    placed = x.sum(axis=0)
    movable = x > inst.lower
    hosts_of = [
        _hosts_by_base(inst.coverage[s].hosts, inst.coverage[s].bases, n_bases)
        for s in range(n_systems)
    ]
    factors = dict(zip(table.bases["base_id"], table.bases["dominant_factor"], strict=True))
    budget_spent = plan.max_moves is not None and plan.moves >= plan.max_moves
    rows: list[dict[str, Any]] = []
    for b in np.argsort(-residual, kind="stable"):
        if residual[b] <= max(min_risk, TOLERANCE):
            continue
        base_id = plan.base_ids[b]
        threat = plan.weapons[int(np.argmax(by_class[b]))] if by_class.shape[1] else None
        factor = str(factors.get(base_id) or "")
        defended = [
            f"{plan.system_ids[s]} {_units(plan.defending[b, s])}"
            for s in range(n_systems)
            if plan.defending[b, s] > 0
        ]
        helpful = [s for s in range(n_systems) if gain_here[b, s] > TOLERANCE]
        kind, reason, better, one_more = _why(
            b,
            helpful,
            hosts_of,
            room=room,
            gain_host=gain_host,
            placed=placed,
            movable=movable,
            x=x,
            plan=plan,
            bounds=arrays.bounds,
            budget_spent=budget_spent,
            threat=threat,
        )
        rows.append(
            {
                "base_id": base_id,
                "name": plan.base_names[b],
                "status": "under-defended" if defended else "undefended",
                "risk_undefended": float(plan.risk_undefended[b]),
                "risk_accepted": float(residual[b]),
                "threat": threat or "",
                "factor": factor,
                "defended_by": ", ".join(defended) if defended else "none",
                "reason_kind": kind,
                "reason": reason,
                "better_use": better,
                "one_more_removes": one_more,
                "measures": "; ".join(measures_for(threat, factor)),
            }
        )
    return pd.DataFrame(rows, columns=list(ACCEPTANCE_COLUMNS))


def _units(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _hosts_by_base(hosts: np.ndarray, bases: np.ndarray, n_bases: int) -> list[np.ndarray]:
    """For each base, the sites whose units defend it."""
    order = np.argsort(bases, kind="stable")
    ptr = np.searchsorted(bases[order], np.arange(n_bases + 1), side="left")
    ordered = hosts[order]
    return [ordered[ptr[b] : ptr[b + 1]] for b in range(n_bases)]


def _why(
    b: int,
    helpful: list[int],
    hosts_of: list[list[np.ndarray]],
    *,
    room: np.ndarray,
    gain_host: np.ndarray,
    placed: np.ndarray,
    movable: np.ndarray,
    x: np.ndarray,
    plan: Plan,
    bounds: Any,
    budget_spent: bool,
    threat: str | None,
) -> tuple[str, str, str, float]:
    """(reason kind, reason, better use, risk one more unit would remove) for base b."""
    if not helpful:
        return "no_system", f"no system on hand engages {threat or 'its threats'}", "", 0.0
    # the best extra unit that would defend b: (gain, system, site)
    options = [
        (float(gain_host[h, s]), s, int(h))
        for s in helpful
        for h in hosts_of[s][b]
        if room[h, s] and plan.inventory[s] > 0
    ]
    if not options:
        if all(plan.inventory[s] == 0 for s in helpful):
            names = " or ".join(plan.system_ids[s] for s in helpful)
            return "no_inventory", f"no {names} on hand", "", 0.0
        # each limit once, with the units it already holds (a forbid on every system
        # is one rule, however many systems it stops)
        limits: dict[str, list[str]] = {}
        for s in helpful:
            for h in hosts_of[s][b]:
                why = "; ".join(bounds.why_upper(int(h), s)) or "its most units"
                held = int(x[h, s])
                holding = limits.setdefault(why, [])
                if held:
                    holding.append(f"{held} {plan.system_ids[s]} at {plan.base_ids[h]}")
        texts = [f"{why} ({', '.join(held)})" if held else why for why, held in limits.items()]
        return "site_limit", "no more units may defend it: " + "; ".join(texts[:3]), "", 0.0
    gain, s, h = max(options, key=lambda o: (o[0], -o[1], -o[2]))
    system_id = plan.system_ids[s]
    where = "here" if h == b else f"at {plan.base_ids[h]}"
    one_more = f"one more {system_id} {where} would remove {gain:.3g}/yr"
    spare = int(plan.inventory[s] - placed[s])
    if spare > 0:
        if plan.evaluated:
            return (
                "allocation",
                f"{spare} {system_id} left unplaced in the evaluated allocation; {one_more}",
                "",
                gain,
            )
        if budget_spent:
            return (
                "moves_budget",
                f"{spare} {system_id} left unplaced: the budget of {plan.max_moves} moves is spent",
                "",
                gain,
            )
        return (
            "objective",
            f"{spare} {system_id} left unplaced by the {plan.objective_kind} objective "
            f"({plan.status}); {one_more}",
            "",
            gain,
        )
    sites = [int(i) for i in np.flatnonzero(movable[:, s])]
    if not sites:
        return (
            "held_by_rule",
            f"every {system_id} unit is held where it is by a rule (min_units or lock)",
            "",
            gain,
        )
    # units standing elsewhere: where one taken from would have to come from
    elsewhere = [i for i in sites if i not in (b, h)] or sites
    ranked = sorted(elsewhere, key=lambda i: (-float(plan.last_unit_value[i, s]), i))
    better = [i for i in ranked if float(plan.last_unit_value[i, s]) >= gain]
    better_text = ", ".join(
        f"{plan.base_ids[i]} ({float(plan.last_unit_value[i, s]):.3g}/yr)" for i in better[:3]
    )
    cheapest = ranked[-1]
    last = float(plan.last_unit_value[cheapest, s])
    if last + TOLERANCE >= gain:
        return (
            "better_use",
            f"{_all_placed(int(plan.inventory[s]), system_id)}: "
            f"the last at {plan.base_ids[cheapest]} removes {last:.3g}/yr; {one_more}",
            better_text,
            gain,
        )
    if plan.evaluated:
        return (
            "allocation",
            f"the evaluated allocation keeps the {system_id} elsewhere; "
            f"{one_more}, the last at {plan.base_ids[cheapest]} removes {last:.3g}/yr",
            better_text,
            gain,
        )
    if budget_spent:
        return (
            "moves_budget",
            f"the budget of {plan.max_moves} moves is spent; {one_more}, more than the last "
            f"{system_id} at {plan.base_ids[cheapest]} ({last:.3g}/yr)",
            better_text,
            gain,
        )
    return (
        "objective",
        f"the {plan.objective_kind} objective ({plan.status}) keeps the {system_id} elsewhere; "
        f"{one_more}, the last at {plan.base_ids[cheapest]} removes {last:.3g}/yr",
        better_text,
        gain,
    )


def _all_placed(inventory: int, system_id: str) -> str:
    """'the only patriot is placed where it removes more' or 'all 3 patriot are …'."""
    if inventory == 1:
        return f"the only {system_id} is placed where it removes more"
    return f"all {inventory} {system_id} are placed where each removes more"
