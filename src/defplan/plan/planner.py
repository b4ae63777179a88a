"""plan and evaluate: the bridge from a theater to the solver core and back."""

from __future__ import annotations

import numpy as np

from defplan.errors import SolverError
from defplan.model import Instance, Objective, solve
from defplan.plan.arrays import PlanArrays, build_arrays
from defplan.plan.conflicts import explain_infeasible
from defplan.plan.result import Plan
from defplan.profiles import load_profile
from defplan.risk import RiskTable
from defplan.risk import risk as compute_risk
from defplan.scenario import Scenario


def plan(
    scenario: Scenario,
    *,
    objective: Objective | None = None,
    solver: str | None = None,
    backend: str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    max_moves: int | None = None,
    inventory: dict[str, int] | None = None,
    table: RiskTable | None = None,
) -> Plan:
    """The optimal allocation of every system on hand, proven, with greedy beside it.

    ``solver`` names a profile from ``solvers/`` (default: the settings sheet's);
    ``backend``, ``time_limit`` and ``gap`` override it. Raises SolverError naming
    the conflicting rules when no allocation satisfies them.
    """
    settings = scenario.settings
    profile = load_profile(solver or settings.solver)
    chosen_backend = backend or profile.backend
    limit = next(
        v for v in (time_limit, profile.time_limit_s, settings.time_limit_s) if v is not None
    )
    chosen_gap = gap if gap is not None else profile.mip_gap
    if chosen_gap is None:
        chosen_gap = settings.mip_gap
    if not limit > 0:
        raise ValueError(f"time limit {limit!r} s is not positive")
    if not 0 <= chosen_gap < 1:
        raise ValueError(f"gap {chosen_gap!r} is not in [0, 1)")
    if threads is not None and threads < 1:
        raise ValueError(f"threads {threads!r} is below 1")
    table = table or compute_risk(scenario)
    arrays = build_arrays(
        scenario, table, objective=objective, max_moves=max_moves, inventory=inventory
    )
    solution = solve(
        arrays.instance,
        backend=chosen_backend,
        time_limit=limit,
        gap=chosen_gap,
        threads=threads if threads is not None else profile.threads,
        seed=settings.seed,
    )
    if solution.x is None and solution.status == "time_limit":
        raise SolverError(
            f"{chosen_backend} found no allocation within {limit:g} s; "
            "give it more time (--time-limit) or try another backend"
        )
    if solution.x is None:
        conflicts = explain_infeasible(arrays)
        detail = "; ".join(conflicts) if conflicts else solution.message
        raise SolverError(f"no allocation satisfies the rules: {detail}")
    return assemble(
        scenario,
        arrays,
        solution.x,
        status=solution.status,
        objective=solution.objective,
        bound=solution.bound,
        greedy_x=solution.greedy_x,
        backend=chosen_backend,
        profile=profile.name,
        time_limit=limit,
        gap=chosen_gap,
        seconds=solution.seconds,
        iterations=solution.iterations,
        message=solution.message,
    )


def evaluate(
    scenario: Scenario,
    allocation: dict[tuple[str, str], int] | None = None,
    *,
    objective: Objective | None = None,
    table: RiskTable | None = None,
) -> Plan:
    """Score an allocation ({(base_id, system_id): units}; default: the deployed sheet)
    with the same model. The result's status says whether it breaks a rule."""
    table = table or compute_risk(scenario)
    arrays = build_arrays(scenario, table, objective=objective)
    inst = arrays.instance
    assert inst.current is not None
    if allocation is None:
        x = inst.current.copy()
    else:
        x = np.zeros_like(inst.lower)
        bases = {b: i for i, b in enumerate(arrays.base_ids)}
        systems = {s: j for j, s in enumerate(arrays.system_ids)}
        for (base_id, system_id), units in allocation.items():
            x[bases[base_id], systems[system_id]] += units
    broken = inst.violations(x)
    value = inst.objective_of(x)
    return assemble(
        scenario,
        arrays,
        x,
        status="evaluated" if not broken else "breaks_rules",
        objective=value,
        bound=float("nan"),
        greedy_x=None,
        backend="none",
        profile="none",
        time_limit=0.0,
        gap=0.0,
        seconds=0.0,
        iterations=0,
        message="; ".join(broken),
    )


def last_unit_values(inst: Instance, x: np.ndarray) -> np.ndarray:
    """Risk the last unit at each (site, system) removes: the rise in summed residual
    (casualty-equivalents a year, over every base it defends) were it taken away.

    Summed residual, not the objective: under ``worst_case`` most units do not move
    the worst base, yet each still removes risk, and risk acceptance compares this
    figure with what one more unit would remove at a base left short.
    """
    base_total = float(inst.residual(x).sum())
    values = np.zeros(x.shape, dtype=np.float64)
    for b, s in zip(*np.nonzero(x > 0), strict=True):
        fewer = x.copy()
        fewer[b, s] -= 1
        values[b, s] = float(inst.residual(fewer).sum()) - base_total
    return values


def assemble(
    scenario: Scenario,
    arrays: PlanArrays,
    x: np.ndarray,
    *,
    status: str,
    objective: float,
    bound: float,
    greedy_x: np.ndarray | None,
    backend: str,
    profile: str,
    time_limit: float,
    gap: float,
    seconds: float,
    iterations: int,
    message: str,
) -> Plan:
    inst = arrays.instance
    assert inst.current is not None
    none = np.zeros_like(x)
    residual = inst.residual(x)
    greedy_residual = inst.residual(greedy_x) if greedy_x is not None else None
    from defplan.model.solution import relative_gap

    return Plan(
        source=scenario.provenance.source,
        input_hashes=tuple((f.path, f.sha256) for f in scenario.provenance.files),
        objective_kind=inst.objective,
        blend_weight=inst.blend_weight,
        base_ids=arrays.base_ids,
        base_names=tuple(scenario.base_by_id[b].name for b in arrays.base_ids),
        system_ids=arrays.system_ids,
        weapons=arrays.weapons,
        allocation=x,
        defending=inst.defending(x),
        current=inst.current,
        greedy_allocation=greedy_x,
        risk_undefended=inst.residual(none),
        risk_current=inst.residual(inst.current),
        residual=residual,
        residual_greedy=greedy_residual,
        residual_by_class=inst.residual_by_class(x),
        last_unit_value=last_unit_values(inst, x),
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound) if np.isfinite(bound) else float("nan"),
        greedy_objective=inst.score(greedy_residual)
        if greedy_residual is not None
        else float("nan"),
        current_objective=inst.objective_of(inst.current),
        undefended_objective=inst.objective_of(none),
        backend=backend,
        profile=profile,
        time_limit_s=time_limit,
        mip_gap=gap,
        seconds=seconds,
        iterations=iterations,
        moves=inst.moves(x),
        max_moves=inst.max_moves,
        inventory=tuple(int(v) for v in inst.inventory),
        message=message,
    )
