"""Score consolidation and repositioning options by re-optimizing the defenses.

Two references come first:

- the **status quo**: today's deployment (the deployed sheet) as it stands, scored
  with the plan's model (``evaluate``): nothing moved, nothing re-optimised;
- **re-optimised, same posture**: today's posture with its defenses re-placed
  optimally, moving the fewest units (``least_moves_plan``).

Every option of the options sheet is applied (:mod:`defplan.posture.apply`) and the
systems are placed again, optimally, for the posture it leaves: the figures are
those of ``plan(new posture)``, set against the status quo (``delta_total``: the
whole change a planner would see) and against the re-optimised same posture
(``delta_reoptimised``: what the posture change itself buys, beyond re-placing the
systems). An option is proposed as better only when it beats the re-optimised same
posture: re-placing the systems alone would otherwise pass for a consolidation.
When the re-optimised allocation is still feasible and still optimal for the new
posture it is kept, so an option that changes nothing that matters (closing a base
that has no troops and hosts nothing) scores exactly the re-optimised same posture,
instead of another optimum of equal value.

``suggest=K`` searches every closure of 1 … K open bases (troops spread by the
nearest-open rule), re-optimizes each, and proposes the best: an exact search, one
plan per closure (C(n, 1) + … + C(n, K) of them), run through
:func:`defplan.executor.run_all` (every core by default).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from defplan.errors import SolverError
from defplan.executor import run_all
from defplan.plan import Plan, evaluate, plan
from defplan.posture.apply import OptionError, Posture, apply_posture, close_bases, option_ids
from defplan.posture.distance import MoveDistances
from defplan.posture.move_orders import (
    deployed_units,
    flow_orders,
    least_moves_plan,
    plan_inventory,
    planned_units,
)
from defplan.risk import risk as compute_risk
from defplan.scenario import Scenario

#: most closures ``suggest`` will enumerate before asking for a smaller K
MAX_CLOSURES = 5000
STATUS_QUO = "status quo"
#: today's posture with its defenses re-placed optimally (the fewest units moved)
REOPTIMISED = "re-optimised, same posture"
#: searches smaller than this run in this process unless workers is given
POOL_MIN_JOBS = 100

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class OptionScore:
    """One posture's figures after re-optimizing, and their change against the status quo.

    Risks are casualty-equivalents per year. ``troops_undefended`` counts troops at
    bases no unit defends; ``regions_lost`` the regions with troops today and none
    after; ``system_units_moved`` / ``system_unit_km`` the units taken from where they
    stand today (by the move-order flow, back to the pool included) and the
    unit-kilometres between bases.
    """

    option_id: str
    description: str
    feasible: bool
    reason: str = ""
    risk_total: float = math.nan
    risk_worst: float = math.nan
    worst_base: str | None = None
    troops_undefended: int = 0
    troops_moved: int = 0
    troop_km: float = 0.0
    troops_unplaced: int = 0
    system_units_moved: int = 0
    system_unit_km: float = 0.0
    regions_lost: tuple[str, ...] = ()
    closed: tuple[str, ...] = ()
    delta_total: float = math.nan
    delta_worst: float = math.nan
    delta_undefended: int = 0
    #: change in total residual against the re-optimised same posture
    delta_reoptimised: float = math.nan
    why: str = ""
    posture: Posture | None = None
    plan: Plan | None = None

    def sort_key(self) -> tuple[Any, ...]:
        """Feasible first, then least total residual, then least worst, then by id."""
        if not self.feasible:
            return (1, 0.0, 0.0, self.option_id)
        return (0, round(self.risk_total, 9), round(self.risk_worst, 9), self.option_id)

    def record(self) -> dict[str, Any]:
        """This option's figures as one row (feasibility, risks, moves), by column name."""
        return {
            "option_id": self.option_id,
            "feasible": self.feasible,
            "risk_total": self.risk_total,
            "delta_total": self.delta_total,
            "delta_reoptimised": self.delta_reoptimised,
            "risk_worst": self.risk_worst,
            "delta_worst": self.delta_worst,
            "worst_base": self.worst_base,
            "troops_undefended": self.troops_undefended,
            "delta_undefended": self.delta_undefended,
            "troops_moved": self.troops_moved,
            "troop_km": self.troop_km,
            "troops_unplaced": self.troops_unplaced,
            "system_units_moved": self.system_units_moved,
            "system_unit_km": self.system_unit_km,
            "regions_lost": "; ".join(self.regions_lost),
            "closed": "; ".join(self.closed),
            "description": self.description,
            "why": self.why,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class OptionsReport:
    """The status quo (today's deployment as it stands), the re-optimised same posture,
    the options of the sheet ranked, and (with suggest) the best closures."""

    status_quo: OptionScore
    reoptimised: OptionScore
    options: tuple[OptionScore, ...]
    suggestions: tuple[OptionScore, ...] = ()
    closures_searched: int = 0
    suggest: int = 0
    parallel: bool = False

    def table(self) -> pd.DataFrame:
        """The status quo and the re-optimised same posture (rank 0), then the options
        ranked, one row each."""
        rows = [{"rank": 0, **self.status_quo.record()}, {"rank": 0, **self.reoptimised.record()}]
        rows += [{"rank": i, **o.record()} for i, o in enumerate(self.options, start=1)]
        return pd.DataFrame(rows)

    def suggestion_table(self) -> pd.DataFrame:
        """The suggested options ranked best first, one row each (the status quo's columns)."""
        rows = [{"rank": i, **o.record()} for i, o in enumerate(self.suggestions, start=1)]
        return pd.DataFrame(rows, columns=["rank", *self.status_quo.record()])

    @property
    def best(self) -> OptionScore | None:
        """The best option of the sheet or of the search, when it beats the re-optimised
        same posture (re-placing the systems alone is no consolidation)."""
        found = [o for o in (*self.options, *self.suggestions) if o.feasible]
        if not found:
            return None
        top = min(found, key=OptionScore.sort_key)
        return top if beats(top, self.reoptimised) else None


def beats(score: OptionScore, other: OptionScore) -> bool:
    """Strictly less total residual, or as much and a lower worst base (both feasible)."""
    return score.feasible and other.feasible and score.sort_key()[:3] < other.sort_key()[:3]


# --- scoring ---------------------------------------------------------------------------


def _allocation(result: Plan) -> dict[tuple[str, str], int]:
    return planned_units(result)


def _reoptimize(
    posture: Posture, keep: dict[tuple[str, str], int] | None, plan_options: dict[str, Any]
) -> Plan:
    """plan() for the posture, keeping ``keep`` when it is still feasible and optimal."""
    scenario = posture.scenario
    table = compute_risk(scenario)
    result = plan(scenario, table=table, **plan_options)
    if keep is None:
        return result
    kept = evaluate(scenario, keep, objective=plan_options.get("objective"), table=table)
    if kept.status != "evaluated":
        return result
    tolerance = 1e-9 * max(1.0, abs(result.objective))
    if kept.objective <= result.objective + tolerance:
        return dataclasses.replace(
            kept,
            status=result.status,
            bound=result.bound,
            gap=result.gap,
            backend=result.backend,
            profile=result.profile,
            seconds=result.seconds,
            message="the status-quo allocation is still optimal for this posture",
        )
    return result


def score_posture(
    original: Scenario,
    posture: Posture,
    *,
    keep: dict[tuple[str, str], int] | None = None,
    plan_options: dict[str, Any] | None = None,
    result: Plan | None = None,
) -> OptionScore:
    """Re-optimize the defenses for ``posture`` and measure it (deltas left unset).

    ``result`` is the plan for the posture when already known (no solve then).
    """
    try:
        if result is None:
            result = _reoptimize(posture, keep, dict(plan_options or {}))
    except SolverError as exc:
        return OptionScore(
            posture.option_id, posture.describe(), False, reason=str(exc), posture=posture
        )
    after = posture.scenario
    troops = np.array([after.base_by_id[b].troops for b in result.base_ids], dtype=np.int64)
    undefended = int(troops[(result.defending.sum(axis=1) <= 0) & (troops > 0)].sum())
    orders = flow_orders(
        deployed_units(original),
        planned_units(result),
        plan_inventory(original, result),
        MoveDistances(original),
    )
    return OptionScore(
        option_id=posture.option_id,
        description=posture.describe(),
        feasible=True,
        risk_total=result.risk_after,
        risk_worst=float(result.residual.max()) if len(result.residual) else 0.0,
        worst_base=result.worst_base,
        troops_undefended=undefended,
        troops_moved=posture.troops_moved,
        troop_km=posture.troop_km,
        troops_unplaced=posture.troops_unplaced,
        system_units_moved=sum(o.units for o in orders if o.from_base != "(pool)"),
        system_unit_km=float(sum(o.unit_km for o in orders)),
        regions_lost=regions_lost(original, after),
        closed=posture.closed,
        posture=posture,
        plan=result,
    )


def regions_lost(before: Scenario, after: Scenario) -> tuple[str, ...]:
    """Regions with troops before and none after (bases without a region are skipped)."""

    def present(scenario: Scenario) -> set[str]:
        return {b.region for b in scenario.bases if b.region and b.troops > 0}

    return tuple(sorted(present(before) - present(after)))


def _against(score: OptionScore, base: OptionScore, reoptimised: OptionScore) -> OptionScore:
    """``score`` with its changes against the status quo and the re-optimised posture."""
    if not score.feasible:
        return score
    return dataclasses.replace(
        score,
        delta_total=score.risk_total - base.risk_total,
        delta_worst=score.risk_worst - base.risk_worst,
        delta_undefended=score.troops_undefended - base.troops_undefended,
        delta_reoptimised=score.risk_total - reoptimised.risk_total,
    )


def why(score: OptionScore, base: OptionScore) -> str:
    """Why a closure is proposed: risk removed beyond re-optimising today's posture
    (``base``), against today's deployment too, troops consolidated, freed systems' use."""
    if not score.feasible or score.plan is None or base.plan is None:
        return score.reason
    parts = []
    beyond = -score.delta_reoptimised
    today = f" ({-score.delta_total:.3f}/yr against today's deployment as it stands)"
    if base.risk_total > 0:
        share = beyond / base.risk_total
        parts.append(
            f"removes {beyond:.3f}/yr ({share:.0%}) of the residual risk left by re-optimising "
            f"today's posture{today}"
        )
    else:
        parts.append(f"changes residual risk by {-beyond:+.3f}/yr{today}")
    posture = score.posture
    if posture is not None and posture.troop_moves:
        moved = ", ".join(
            f"{m.troops:,} {m.from_base}→{m.to_base} ({m.km:.0f} km)" for m in posture.troop_moves
        )
        parts.append(f"consolidates troops {moved}, {posture.troop_km:,.0f} troop-km")
    if posture is not None and posture.unplaced:
        parts.append(f"{posture.troops_unplaced:,} troops fit nowhere")
    parts.append(_freed(score.plan, base.plan, score.closed))
    return "; ".join(p for p in parts if p)


def _freed(after: Plan, before: Plan, closed: Sequence[str]) -> str:
    """What the systems the re-optimised same posture placed at closed bases now defend."""
    freed = []
    for s, system_id in enumerate(before.system_ids):
        units = sum(int(before.allocation[before.base_ids.index(b), s]) for b in closed)
        if units:
            freed.append(f"{units} {system_id}")
    if not freed:
        return "frees no system"
    gains = []
    for (b, s), change in np.ndenumerate(after.allocation - before.allocation):
        if change > 0:
            base_id = after.base_ids[b]
            gains.append(
                f"+{change} {after.system_ids[s]} at {base_id} "
                f"(residual {after.residual[b]:.3f}/yr)"
            )
    where = ", ".join(gains) if gains else "nowhere (kept in the pool)"
    return f"frees {', '.join(freed)}, now: {where}"


# --- the search ------------------------------------------------------------------------


def _run(
    fn: Callable[[T], R], items: list[T], *, workers: int | None, progress: bool, what: str
) -> tuple[list[R], bool]:
    """Through the shared executor: (results in order, whether a pool ran them).

    With ``workers`` unset, fewer than :data:`POOL_MIN_JOBS` jobs run in this process:
    a spawned worker first imports pandas and the solvers (seconds), more than a
    small search takes.
    """
    if workers is None and len(items) < POOL_MIN_JOBS:
        workers = 1
    parallel = len(items) > 1 and workers != 1
    results = run_all(fn, items, workers=workers, description=what, progress=progress)
    return results, parallel


def _score_closure(
    job: tuple[Scenario, tuple[str, ...], dict[tuple[str, str], int], dict[str, Any]],
) -> OptionScore:
    scenario, closed, keep, plan_options = job
    posture = close_bases(scenario, closed)
    return score_posture(scenario, posture, keep=keep, plan_options=plan_options)


def closures(scenario: Scenario, most: int) -> list[tuple[str, ...]]:
    """Every set of 1 … ``most`` open bases of ours, smallest sets first, ids in sheet
    order (closing a partner's base or a watched site is not ours to propose)."""
    open_ids = [b.base_id for b in scenario.bases if b.status == "open" and b.ours]
    found: list[tuple[str, ...]] = []
    for k in range(1, min(most, len(open_ids)) + 1):
        found.extend(itertools.combinations(open_ids, k))
    return found


def options(
    scenario: Scenario,
    *,
    suggest: int = 0,
    only: Sequence[str] | None = None,
    top: int = 5,
    workers: int | None = None,
    progress: bool = False,
    **plan_options: Any,
) -> OptionsReport:
    """Score every option of the options sheet (or ``only`` those ids), ranked.

    ``suggest=K`` also searches every closure of up to K open bases and keeps the
    ``top`` best that beat the re-optimised same posture (each with why). ``plan_options`` go to
    :func:`defplan.plan.plan`. An option that cannot be applied (capacity, more
    troops than there are) or whose rules no allocation meets is listed as
    infeasible with the reason; an id the theater does not know raises OptionError.
    """
    if suggest < 0:
        raise ValueError("suggest must be 0 or more")
    status_quo, reoptimised = _references(scenario, plan_options)
    assert reoptimised.plan is not None  # a plan was given: nothing to fail
    keep = _allocation(reoptimised.plan)
    wanted = list(option_ids(scenario)) if only is None else list(dict.fromkeys(only))
    known = set(option_ids(scenario))
    unknown = [o for o in wanted if o not in known]
    if unknown:
        raise OptionError(
            f"option(s) {', '.join(map(repr, unknown))} not on the options sheet "
            f"(options: {', '.join(sorted(known)) or 'none'})",
            kind="unknown",
        )
    scored = []
    for option_id in wanted:
        try:
            posture = apply_posture(scenario, option_id)
        except OptionError as exc:
            if exc.kind == "unknown":
                raise
            scored.append(OptionScore(option_id, "", False, reason=str(exc)))
            continue
        score = score_posture(scenario, posture, keep=keep, plan_options=plan_options)
        scored.append(_against(score, status_quo, reoptimised))
    scored.sort(key=OptionScore.sort_key)
    suggestions: list[OptionScore] = []
    searched = 0
    parallel = False
    if suggest:
        sets = closures(scenario, suggest)
        if len(sets) > MAX_CLOSURES:
            raise ValueError(
                f"--suggest {suggest} means {len(sets):,} closures to re-optimize "
                f"(at most {MAX_CLOSURES:,}); ask for fewer bases at once"
            )
        jobs = [(scenario, c, keep, dict(plan_options)) for c in sets]
        results, parallel = _run(
            _score_closure, jobs, workers=workers, progress=progress, what="closures"
        )
        searched = len(results)
        ranked = sorted(
            (_against(r, status_quo, reoptimised) for r in results), key=OptionScore.sort_key
        )
        better = [r for r in ranked if beats(r, reoptimised)]
        suggestions = [dataclasses.replace(r, why=why(r, reoptimised)) for r in better[:top]]
    return OptionsReport(
        status_quo=status_quo,
        reoptimised=reoptimised,
        options=tuple(scored),
        suggestions=tuple(suggestions),
        closures_searched=searched,
        suggest=suggest,
        parallel=parallel,
    )


def _references(
    scenario: Scenario, plan_options: dict[str, Any]
) -> tuple[OptionScore, OptionScore]:
    """(status quo, re-optimised same posture): today's deployment scored as it stands,
    and today's posture with its defenses re-placed optimally, the fewest units moved."""
    today = evaluate(scenario, objective=plan_options.get("objective"))
    described = "today's deployment as it stands: nothing moved, not re-optimised"
    if today.status == "breaks_rules":
        described += f"; it breaks rules: {today.message}"
    status_quo = score_posture(scenario, Posture(STATUS_QUO, scenario), result=today)
    status_quo = dataclasses.replace(status_quo, description=described)
    reoptimised_plan = least_moves_plan(scenario, **plan_options)
    reoptimised = score_posture(scenario, Posture(REOPTIMISED, scenario), result=reoptimised_plan)
    reoptimised = dataclasses.replace(
        reoptimised, description="today's posture with its defenses re-placed optimally"
    )
    return (
        _against(status_quo, status_quo, reoptimised),
        _against(reoptimised, status_quo, reoptimised),
    )
