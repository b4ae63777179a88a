"""Risk acceptance: for every base a plan leaves at risk, why, how much, and what else helps.

A plan accepts risk wherever a base keeps a residual risk. For each such base
:func:`risk_acceptance` says

- how much risk is accepted (casualty-equivalents per year) and what drives it: the
  weapon class behind most of the residual and the risk factor (exposure, history
  or proximity) from the risk table;
- why no more defence went there, in one of these kinds:

  ``better_use``   every unit of the system that would help and is free to move
                   stands where the last unit at its site removes more, and moving
                   one here would not lower the total; units rules hold are named
                   apart with their rule;
  ``site_limit``   no more units may stand where they would defend it (closed base,
                   forbid or max_units rule, max_per_base);
  ``held_by_rule`` every unit that could be moved here is held by a rule;
  ``no_inventory`` none of the system that would help is on hand;
  ``no_system``    no system on hand engages the threats it faces;
  ``moves_budget`` every move of a unit here that would lower the risk exceeds the
                   budget on moves from today's deployment;
  ``objective``    the objective (worst case, blend) or the solver's gap puts the
                   unit elsewhere;
  ``allocation``   the allocation was scored, not solved for (``evaluate``): it puts
                   the unit elsewhere or leaves it unplaced;

  each sentence is built from a :class:`~defplan.plan.reasons.Reason`, the facts
  read off the solved model (:func:`acceptance_reasons`);
- compensating measures to consider, chosen by the threat class and the factor from
  :data:`MEASURES_BY_WEAPON` and :data:`MEASURES_BY_FACTOR`. They are suggestions
  for the planner, not computed: the model does not score them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from defplan.plan.arrays import build_arrays
from defplan.plan.reasons import TOLERANCE, Reason, read_facts, reason_for
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
    "one_more",
    "one_more_by_base",
    "held_by_rules",
    "measures",
)


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
    step, a sweep point). See the module docstring for the columns' meaning; the
    ``reason`` column is the sentence of :func:`acceptance_reasons`' record.
    """
    table = table or compute_risk(scenario)
    factors = dict(zip(table.bases["base_id"], table.bases["dominant_factor"], strict=True))
    rows = [
        _row(plan, why, factors)
        for why in acceptance_reasons(plan, scenario, table=table, min_risk=min_risk)
    ]
    return pd.DataFrame(rows, columns=list(ACCEPTANCE_COLUMNS))


def acceptance_reasons(
    plan: Plan,
    scenario: Scenario,
    *,
    table: RiskTable | None = None,
    min_risk: float = TOLERANCE,
) -> list[Reason]:
    """The facts behind each row of :func:`risk_acceptance`, in its order: for every
    base left with a residual above ``min_risk``, a :class:`~defplan.plan.reasons.Reason`
    read off the solved model."""
    table = table or compute_risk(scenario)
    inventory = dict(zip(plan.system_ids, plan.inventory, strict=True))
    arrays = build_arrays(
        scenario,
        table,
        objective=plan.objective_kind,
        blend_weight=plan.blend_weight,
        max_moves=plan.max_moves,
        inventory=inventory,
    )
    if arrays.base_ids != plan.base_ids or arrays.system_ids != plan.system_ids:
        raise ValueError("the plan is not a plan of this scenario (bases or systems differ)")
    facts = read_facts(
        arrays.instance,
        arrays.bounds,
        plan.allocation.astype(np.int64),
        last_unit_value=plan.last_unit_value,
        base_ids=plan.base_ids,
        system_ids=plan.system_ids,
        inventory=plan.inventory,
        objective=plan.objective_kind,
        status=plan.status,
        max_moves=plan.max_moves,
        evaluated=plan.evaluated,
    )
    by_class = facts.by_class
    by_threat = arrays.instance.fold(by_class)  # a raid class's pseudo-classes summed
    residual = by_class.sum(axis=1)
    found: list[Reason] = []
    for b in np.argsort(-residual, kind="stable"):
        if residual[b] <= max(min_risk, TOLERANCE):
            continue
        threat = plan.weapons[int(np.argmax(by_threat[b]))] if by_threat.shape[1] else ""
        found.append(reason_for(facts, int(b), threat))
    return found


def _row(plan: Plan, why: Reason, factors: dict[str, Any]) -> dict[str, Any]:
    b = plan.base_ids.index(why.base_id)
    factor = str(factors.get(why.base_id) or "")
    defended = [
        f"{plan.system_ids[s]} {_units(plan.defending[b, s])}"
        for s in range(len(plan.system_ids))
        if plan.defending[b, s] > 0
    ]
    extra = why.extra
    return {
        "base_id": why.base_id,
        "name": plan.base_names[b],
        "status": "under-defended" if defended else "undefended",
        "risk_undefended": float(plan.risk_undefended[b]),
        "risk_accepted": float(plan.residual[b]),
        "threat": why.threat,
        "factor": factor,
        "defended_by": ", ".join(defended) if defended else "none",
        "reason_kind": why.kind,
        "reason": why.sentence(),
        "better_use": why.better_sites(),
        "one_more_removes": why.one_more_removes,
        "one_more": f"{extra.system_id} at {extra.site}" if extra is not None else "",
        "one_more_by_base": "; ".join(f"{s.base_id} {s.removes:.6g}" for s in extra.shares)
        if extra is not None
        else "",
        "held_by_rules": "; ".join(
            f"{h.units} {why.system_id} at {h.site} ({h.rule})" for h in why.held
        ),
        "measures": "; ".join(measures_for(why.threat, factor)),
    }


def _units(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
