"""The ruthless-priority ladder: the optimal plan for 0, 1, 2, … N units.

Two kinds of ladder (docs/whatif.md):

- per system type (``system="cram"``): step k is the optimal plan with k units of
  that system; the other systems keep their whole inventory (``others="full"``, the
  default: the priority of C-RAMs given the Patriots on hand) or have none
  (``others="none"``: the system on its own);
- combined (``system=None``): step k is the optimal plan with k units in total, of
  any mix of the systems on hand. The model has no constraint on the total, so the
  ladder solves every mix (k_1, …, k_S) with 0 ≤ k_s ≤ inventory_s once — each an
  independent solve, run through :func:`defplan.executor.run_all` — and takes the
  best mix of at most k units. That is exact, and affordable while the product of
  (inventory_s + 1) is small (:data:`MAX_SOLVES`); beyond it, use per-type ladders.

Every step keeps the best plan among the steps with fewer units too (a plan with
fewer units is a plan the larger step may use), so the risk never rises with k,
even by solver noise; such a step is marked ``kept``. The step at the inventory on
hand is the cut line: what is defended there is the defended list; the critical
list ranks every base at risk by its undefended risk, and the bases on it the cut
plan leaves undefended are below the line. ``beyond`` adds steps past the
inventory (the next units a planner would ask for).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from defplan.executor import Executor, run_all
from defplan.model import Objective
from defplan.model.instance import raids_of
from defplan.plan import Plan, build_arrays
from defplan.plan.acceptance import risk_acceptance
from defplan.risk import RiskTable
from defplan.risk import risk as compute_risk
from defplan.scenario import Scenario
from defplan.suggest import expected_one_of
from defplan.whatif.jobs import (
    Job,
    Outcome,
    SolveOptions,
    allocation_changes,
    defended_bases,
    solve_job,
    with_inventory,
)

#: Most solves one ladder may ask for (a combined ladder solves every mix).
MAX_SOLVES = 5000
#: Objectives closer than this (relative) count as equal when choosing a step's plan.
TIE_TOLERANCE = 1e-9

Others = Literal["full", "none"]


@dataclass(frozen=True, eq=False)
class LadderStep:
    """The optimal plan with ``units`` units (of the ladder's system, or in total)."""

    units: int
    mix: Mapping[str, int]  # units of each system on hand at this step
    status: str
    objective: float
    risk_after: float
    removed: float  # objective this step's unit removes against the step before
    added: tuple[str, ...]  # "+1 cram at al_asad"
    taken: tuple[str, ...]  # units the step moves away: the optimum reshuffles
    #: of ``added``, the units a rule (min_units, lock) requires where they go, with it
    required: tuple[RuleHold, ...]
    defended: tuple[str, ...]  # bases at least one unit defends
    beyond_inventory: bool
    kept: bool  # no better plan with this many units: the previous step's plan is kept
    message: str
    plan: Plan | None

    @property
    def feasible(self) -> bool:
        """Whether this step has a plan (the rules allow this many units)."""
        return self.plan is not None

    @property
    def reshuffled(self) -> bool:
        """Whether reaching this step moves units placed at the step before."""
        return bool(self.taken)


@dataclass(frozen=True, eq=False)
class Ladder:
    """Steps 0..N(+beyond), the cut line at the inventory, the critical list."""

    system: str | None  # None: combined
    others: Others
    on_hand: int  # units on hand: the cut line
    steps: tuple[LadderStep, ...]
    critical: pd.DataFrame  # bases at risk ranked by undefended risk, against the cut
    acceptance: pd.DataFrame  # risk_acceptance of the cut plan
    solves: int
    #: units of the ladder's systems the rules require wherever they stand, with the rule
    #: ("1 cram at embassy (rule min_units 1 of cram at embassy)"): every plan holds them
    rules_require: tuple[RuleHold, ...] = ()
    objective_kind: str = "expected"

    @property
    def title(self) -> str:
        """What the ladder counts: one system (alone or with the others) or every system."""
        if self.system is None:
            return "combined (every system)"
        alone = " alone" if self.others == "none" else ", other systems as on hand"
        return f"{self.system}{alone}"

    @property
    def cut(self) -> LadderStep | None:
        """The step at the inventory on hand."""
        for step in self.steps:
            if step.units == self.on_hand:
                return step
        return None

    def table(self) -> pd.DataFrame:
        """One row per step."""
        rows = [
            {
                "units": step.units,
                "mix": ", ".join(f"{s} {n}" for s, n in step.mix.items()),
                "status": step.status,
                "objective": step.objective,
                "risk_after": step.risk_after,
                "removed": step.removed,
                "added": "; ".join(step.added),
                "required_by_rule": "; ".join(map(str, step.required)),
                "taken": "; ".join(step.taken),
                "reshuffled": step.reshuffled,
                "kept": step.kept,
                "bases_defended": len(step.defended),
                "defended": "; ".join(step.defended),
                "beyond_inventory": step.beyond_inventory,
                "message": step.message,
            }
            for step in self.steps
        ]
        return pd.DataFrame(rows)

    def below_line(self) -> list[str]:
        """Bases on the critical list the cut plan leaves undefended, most at risk first."""
        frame = self.critical
        return [str(b) for b in frame.loc[~frame["defended_at_cut"], "base_id"]]

    def reading(self) -> list[str]:
        """How to read the ladder, sentence by sentence, from its own steps: which units
        the rules place first, where the optimum reshuffles, what "risk left" measures."""
        lines = ["Each step is the optimal plan with that many units."]
        first_step = next((step for step in self.steps if step.feasible), None)
        required = first_step.required if first_step is not None else ()
        if required:
            count = sum(hold.units for hold in required)
            which = "; ".join(map(str, required))
            first = "unit is the one" if count == 1 else f"{count} units are the ones"
            they = "it" if count == 1 else "they"
            lines.append(
                f"The first {first} the rules require: {which}. {they.capitalize()} "
                f"come{'s' if count == 1 else ''} first whatever {they} remove"
                f"{'s' if count == 1 else ''}, not because {they} remove"
                f"{'s' if count == 1 else ''} most."
            )
        lines.append(
            "A step that only adds a unit adds the one that lowers the objective most, "
            "given the units before it."
        )
        shuffled = [str(s.units) for s in self.steps if s.feasible and s.reshuffled]
        if shuffled:
            lines.append(
                f"Step{'s' if len(shuffled) > 1 else ''} {', '.join(shuffled)} also "
                f"move{'' if len(shuffled) > 1 else 's'} units placed before (reshuffles): "
                "there the order is not a queue."
            )
        else:
            lines.append("No step moves a unit placed before: read it as the order of priority.")
        if self.objective_kind != "expected":
            lines.append(
                f"Under the {self.objective_kind} objective, what a unit removes is its fall in "
                f"the objective ({_objective_words(self.objective_kind)}), not in the total risk."
            )
        return lines

    def brief(self) -> list[str]:
        """Lines a planner can paste into a brief."""
        cut = self.cut
        left = _objective_words(self.objective_kind)
        lines = [f"Priority ladder, {self.title}: {_units(self.on_hand)} on hand."]
        first = next((s for s in self.steps if s.feasible), None)
        if first is not None and first.units > 0:
            lines.append(
                f"Fewer than {first.units} unit{'s' if first.units != 1 else ''} cannot meet the "
                f"rules: {self.steps[0].message}"
            )
        for step in self.steps:
            if not step.feasible:
                continue
            rule = (
                f"; the rules require {'; '.join(map(str, step.required))}" if step.required else ""
            )
            if step is first:
                placed = "; ".join(step.added) or "none placed"
                lines.append(
                    f"With {_units(step.units)} ({placed}{rule}): {step.objective:.3f}/yr {left}."
                )
                continue
            what = "; ".join(step.added) or "no change"
            if step.taken:
                what += f" (reshuffles: {'; '.join(step.taken)})"
            lines.append(
                f"Unit {step.units}: {what}{rule}, removes {step.removed:.3f}/yr "
                f"→ {step.objective:.3f}/yr {left}"
            )
        if cut is not None and cut.plan is not None:
            defended = ", ".join(cut.defended) or "none"
            lines.append(
                f"Cut line at {_units(self.on_hand)}: {cut.objective:.3f}/yr {left}; "
                f"defended: {defended}."
            )
            below = self.below_line()
            if below:
                lines.append(f"Below the line (critical, not defended): {', '.join(below)}.")
        return lines


def _objective_words(kind: str) -> str:
    """What a step's objective measures: 'left' (total risk), or the worst base's."""
    if kind == "worst_case":
        return "at the worst base"
    if raids_of(kind):
        return f"at the {raids_of(kind)} bases an attacker's raids would strike"
    if kind == "blend":
        return "of blended objective (total and worst base)"
    return "left"


def _units(count: int) -> str:
    """'1 unit', '3 units'."""
    return f"{count} unit{'' if count == 1 else 's'}"


def ladder(
    scenario: Scenario,
    *,
    system: str | None = None,
    others: Others = "full",
    beyond: int = 0,
    objective: Objective | None = None,
    solver: str | None = None,
    backend: str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    max_moves: int | None = None,
    table: RiskTable | None = None,
    workers: int | None = None,
    progress: bool = False,
    executor: Executor | None = None,
) -> Ladder:
    """The optimal plan for 0, 1, … units: per system type, or combined (``system=None``).

    Raises ValueError for an unknown system, a negative ``beyond`` or a combined
    ladder that would need more than :data:`MAX_SOLVES` solves.
    """
    ids = [s.system_id for s in scenario.systems]
    if system is not None and system not in ids:
        raise ValueError(
            f"{system!r} is not a system of the theater ({expected_one_of(system, ids)})"
        )
    if others not in ("full", "none"):
        raise ValueError(f"others must be 'full' or 'none' (got {others!r})")
    if beyond < 0:
        raise ValueError(f"beyond must be 0 or more (got {beyond})")
    varied = ids if system is None else [system]
    on_hand = {s.system_id: s.inventory for s in scenario.systems}
    fixed = {} if system is None or others == "full" else {s: 0 for s in ids if s != system}
    ranges = [range(on_hand[s] + beyond + 1) for s in varied]
    solves = math.prod(len(r) for r in ranges)
    if solves > MAX_SOLVES:
        raise ValueError(
            f"a combined ladder of {' × '.join(str(len(r)) for r in ranges)} mixes needs "
            f"{solves} solves (at most {MAX_SOLVES}); ask for one system with --system"
        )
    table = table or compute_risk(scenario)
    options = SolveOptions(objective, solver, backend, time_limit, gap, threads, max_moves)
    mixes = [dict(zip(varied, point, strict=True)) for point in itertools.product(*ranges)]
    jobs = [Job(with_inventory(scenario, {**fixed, **mix}), options, table) for mix in mixes]
    outcomes = run_all(
        solve_job, jobs, workers=workers, description="ladder", progress=progress, executor=executor
    )
    total_on_hand = sum(on_hand[s] for s in varied)
    holds = rule_holds(scenario, table, varied)
    steps = _steps(mixes, outcomes, varied, on_hand, total_on_hand, beyond, holds)
    cut = next((s for s in steps if s.units == total_on_hand), None)
    cut_plan = cut.plan if cut is not None else None
    cut_scenario = with_inventory(scenario, fixed) if fixed else scenario
    acceptance = (
        risk_acceptance(cut_plan, cut_scenario, table=table)
        if cut_plan is not None
        else pd.DataFrame()
    )
    return Ladder(
        system=system,
        others=others,
        on_hand=total_on_hand,
        steps=tuple(steps),
        critical=_critical(steps, table, total_on_hand, holds),
        acceptance=acceptance,
        solves=solves,
        rules_require=tuple(holds.values()),
        objective_kind=next((s.plan.objective_kind for s in steps if s.plan is not None), ""),
    )


@dataclass(frozen=True)
class RuleHold:
    """Units of a system a rule (min_units, lock) requires at a base."""

    base_id: str
    system_id: str
    units: int
    rule: str

    def __str__(self) -> str:
        return f"{self.units} {self.system_id} at {self.base_id} by {self.rule}"


def ladder_systems(system: str | None, system_ids: Sequence[str]) -> list[str | None]:
    """The ladders ``system`` asks for: that one (None: every system combined), or for
    ``"all"`` each of ``system_ids`` on its own, then the combined one.

    >>> ladder_systems("all", ["cram", "patriot"]), ladder_systems("cram", ["cram"])
    (['cram', 'patriot', None], ['cram'])
    """
    if system == "all":
        return [*system_ids, None]
    return [system]


def rule_holds(
    scenario: Scenario, table: RiskTable, systems: list[str]
) -> dict[tuple[str, str], RuleHold]:
    """The units of ``systems`` the rules require at each site, by (base_id, system_id)."""
    arrays = build_arrays(scenario, table)
    holds: dict[tuple[str, str], RuleHold] = {}
    for b, s in np.argwhere(arrays.bounds.lower > 0).tolist():
        system_id = arrays.system_ids[s]
        if system_id in systems:
            rule = "; ".join(arrays.bounds.why_lower(b, s)) or "a lower bound"
            base_id = arrays.base_ids[b]
            units = int(arrays.bounds.lower[b, s])
            holds[(base_id, system_id)] = RuleHold(base_id, system_id, units, rule)
    return holds


def _required(
    before: Plan | None, after: Plan, holds: dict[tuple[str, str], RuleHold]
) -> tuple[RuleHold, ...]:
    """The units ``after`` adds that a rule requires where they go, with the rule."""
    found = []
    for hold in holds.values():
        b = after.base_ids.index(hold.base_id)
        s = after.system_ids.index(hold.system_id)
        old = int(before.allocation[b, s]) if before is not None else 0
        added = min(int(after.allocation[b, s]), hold.units) - min(old, hold.units)
        if added > 0:
            found.append(RuleHold(hold.base_id, hold.system_id, added, hold.rule))
    return tuple(found)


def _steps(
    mixes: list[dict[str, int]],
    outcomes: list[Outcome],
    varied: list[str],
    on_hand: Mapping[str, int],
    total_on_hand: int,
    beyond: int,
    holds: dict[tuple[str, str], RuleHold],
) -> list[LadderStep]:
    """Step k: the best plan among the mixes of at most k units (within inventory up to
    the cut line), ties to the mix with more units, then the first in order."""
    top = sum(on_hand[s] + beyond for s in varied)
    steps: list[LadderStep] = []
    previous: LadderStep | None = None
    chosen_before: int | None = None
    for k in range(top + 1):
        within = [
            i
            for i, mix in enumerate(mixes)
            if sum(mix.values()) <= k
            and (k > total_on_hand or all(mix[s] <= on_hand[s] for s in varied))
        ]
        feasible = [i for i in within if outcomes[i].plan is not None]
        exact = [i for i in within if sum(mixes[i].values()) == k]
        if not feasible:
            message = outcomes[exact[0]].message if exact else "no mix of this size"
            step = LadderStep(
                units=k,
                mix=mixes[exact[0]] if exact else {},
                status="infeasible",
                objective=math.nan,
                risk_after=math.nan,
                removed=math.nan,
                added=(),
                taken=(),
                required=(),
                defended=(),
                beyond_inventory=k > total_on_hand,
                kept=False,
                message=message,
                plan=None,
            )
            steps.append(step)
            continue
        best = min(outcomes[i].objective for i in feasible)
        close = [
            i
            for i in feasible
            if outcomes[i].objective <= best + TIE_TOLERANCE * max(abs(best), 1e-12)
        ]
        # ties: keep the previous step's plan if it is among them, else the mix with most units
        if chosen_before is not None and chosen_before in close:
            pick = chosen_before
        else:
            pick = max(close, key=lambda i: (sum(mixes[i].values()), -i))
        kept = pick == chosen_before
        result = outcomes[pick].plan
        assert result is not None
        before = previous.plan if previous is not None else None
        # the first plan: only the ladder's own systems are news (the others stand as planned)
        added, taken = allocation_changes(before, result, None if before else varied)
        removed = (
            previous.objective - result.objective
            if previous is not None and previous.plan is not None
            else math.nan
        )
        step = LadderStep(
            units=k,
            mix=mixes[pick],
            status=result.status,
            objective=result.objective,
            risk_after=result.risk_after,
            removed=removed,
            added=added,
            taken=taken,
            required=_required(before, result, holds),
            defended=defended_bases(result),
            beyond_inventory=k > total_on_hand,
            kept=kept and k > 0,
            message=outcomes[pick].message,
            plan=result,
        )
        steps.append(step)
        previous, chosen_before = step, pick
    return steps


def _critical(
    steps: list[LadderStep],
    table: RiskTable,
    on_hand: int,
    holds: Mapping[tuple[str, str], RuleHold],
) -> pd.DataFrame:
    """Bases at risk ranked by undefended risk: defended at the cut or below the line
    (``required_by_rule``: the units rules require there, whatever the ranking)."""
    columns = [
        "rank",
        "base_id",
        "risk_undefended",
        "dominant_weapon",
        "defended_at_cut",
        "defended_from",
        "required_by_rule",
        "risk_at_cut",
    ]
    cut = next((s for s in steps if s.units == on_hand and s.plan is not None), None)
    # only bases the plan defends: a partner's or a watched site is listed apart
    weight = dict(zip(table.base_ids, table.plan_weight, strict=True))
    frame = table.bases[(table.bases["risk"] > 0) & (table.bases["base_id"].map(weight) > 0)]
    rows: list[dict[str, Any]] = []
    upto = [s for s in steps if s.units <= on_hand]
    for rank, row in enumerate(frame.itertuples(index=False), start=1):
        base_id = str(row.base_id)
        defended_at_cut = cut is not None and base_id in cut.defended
        since: int | None = None
        for step in reversed(upto):
            if base_id not in step.defended:
                break
            since = step.units
        risk_at_cut = math.nan
        if cut is not None and cut.plan is not None:
            risk_at_cut = float(cut.plan.residual[cut.plan.base_ids.index(base_id)])
        rows.append(
            {
                "rank": rank,
                "base_id": base_id,
                "risk_undefended": float(row.risk),  # type: ignore[arg-type]
                "dominant_weapon": str(row.dominant_weapon or ""),
                "defended_at_cut": bool(defended_at_cut),
                "defended_from": since if defended_at_cut else None,
                "required_by_rule": "; ".join(
                    str(hold) for (held_at, _), hold in holds.items() if held_at == base_id
                ),
                "risk_at_cut": risk_at_cut,
            }
        )
    frame_out = pd.DataFrame(rows, columns=columns)
    frame_out["defended_at_cut"] = frame_out["defended_at_cut"].astype(bool)
    return frame_out


def objectives(result: Ladder) -> np.ndarray:
    """The steps' objectives (NaN where infeasible), for tests and plots."""
    return np.array([s.objective for s in result.steps], dtype=np.float64)
