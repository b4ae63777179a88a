"""plan and evaluate: the bridge from a theater to the solver core and back."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from defplan.errors import (
    InfeasibleError,
    InputError,
    Problem,
    SolverError,
    backend_missing_as_solver_error,
)
from defplan.model import Instance, Objective, solve
from defplan.plan.arrays import PlanArrays, build_arrays, intercept_matrix
from defplan.plan.conflicts import explain_infeasible
from defplan.plan.leakers import leaker_table
from defplan.plan.profiles import load_profile
from defplan.plan.result import Plan
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

    Minimises the residual risk of :func:`~defplan.risk.risk` (or the objective asked
    for) over where each unit goes, exactly: a MILP solved to the gap asked for, with
    the greedy allocation and today's deployment evaluated beside it.

    Parameters
    ----------
    scenario : Scenario
        A validated theater (:func:`defplan.workbook.load_scenario`).
    objective : Objective, optional
        What to minimise (total residual risk, the worst base, a blend, an attacker's
        raids); default: the settings sheet's ``objective``.
    solver : str, optional
        A profile from ``solvers/`` (default: the settings sheet's ``solver``).
    backend, time_limit, gap, threads : optional
        Override the profile: backend name (``highs``, ``scip``, ``cbc``, ``cp_sat``),
        seconds, relative MIP gap in [0, 1), solver threads.
    max_moves : int, optional
        At most this many units moved from where they are deployed today.
    inventory : dict of str to int, optional
        Units on hand per system_id, instead of the systems sheet's ``inventory``.
    table : RiskTable, optional
        The scenario's risk, when already computed.

    Returns
    -------
    Plan
        The allocation (bases x systems), the residual risk per base and class, the
        solver's status, objective, bound and gap, and the input files' hashes.

    Raises
    ------
    SolverError
        The backend's library is not installed (naming its pip extra), or no
        allocation was found within the time limit; ``InfeasibleError`` (a
        SolverError) names the conflicting rules when no allocation satisfies them.
    ValueError
        A time limit that is not positive, a gap outside [0, 1) or threads below 1.

    Examples
    --------
    The example theater, from the repository's root:

    >>> from defplan.plan import plan
    >>> from defplan.workbook import load_scenario
    >>> result = plan(load_scenario("inputs/iraq_syria.xlsx"))
    >>> result.status, result.gap  # proven optimal
    ('optimal', 0.0)
    >>> round(result.risk_before, 2), round(result.risk_after, 2)  # today, planned
    (4.3, 2.95)
    >>> table = result.allocation_table()  # one row per base and system
    >>> table[table.base_id == "al_asad"][["system_id", "units"]].values.tolist()
    [['cram', 1], ['patriot', 1], ['cuas', 2]]
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
    with backend_missing_as_solver_error():
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
        raise InfeasibleError(f"no allocation satisfies the rules: {detail}")
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
    source: str = "allocation",
    simulate: int = 0,
) -> Plan:
    """Score an allocation ({(base_id, system_id): units}; default: the deployed sheet)
    with the same model. The result's status says whether it breaks a rule
    (``breaks_rules``, each broken rule named in its message) or not (``evaluated``).

    With ``simulate`` > 0 the engagement simulator plays that many raids at every
    attacked base (seeded by the settings' ``seed``) and ``Plan.leakers`` holds each
    base's leakers a raid: the analytic mean beside the simulated mean, its 99%
    interval, P5, P50 and P95 (:func:`defplan.plan.leakers.leaker_table`).

    An allocation that names an unknown base or system, or uses more units of a system
    than the inventory, cannot be scored: InputError naming ``source``.
    """
    if simulate < 0:
        raise ValueError(f"simulate {simulate!r} raids is below 0")
    table = table or compute_risk(scenario)
    arrays = build_arrays(scenario, table, objective=objective)
    inst = arrays.instance
    assert inst.current is not None
    if allocation is None:
        x = inst.current.copy()
    else:
        problems = allocation_problems(scenario, allocation, source=source)
        if problems:
            raise InputError(problems)
        x = np.zeros_like(inst.lower)
        bases = {b: i for i, b in enumerate(arrays.base_ids)}
        systems = {s: j for j, s in enumerate(arrays.system_ids)}
        for (base_id, system_id), units in allocation.items():
            x[bases[base_id], systems[system_id]] += units
    broken = rule_breaches(arrays, x)
    value = inst.objective_of(x)
    leakers = None
    if simulate:
        p = intercept_matrix(scenario, arrays.system_ids, arrays.weapons)
        leakers = leaker_table(arrays, table, p, x, simulate, scenario.settings.seed)
    scored = assemble(
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
        message=BREACH_SEPARATOR.join(broken),
    )
    return dataclasses.replace(scored, leakers=leakers) if leakers is not None else scored


def allocation_problems(
    scenario: Scenario,
    allocation: Mapping[tuple[str, str], int],
    *,
    source: str = "allocation",
) -> list[Problem]:
    """Why an allocation cannot be scored at all: an unknown base or system, negative
    units, or more units of a system than its inventory."""
    problems: list[Problem] = []
    for (base_id, system_id), units in allocation.items():
        if base_id not in scenario.base_by_id:
            problems.append(Problem(source, column="base_id", message=f"{base_id!r} is not a base"))
        if system_id not in scenario.system_by_id:
            problems.append(
                Problem(source, column="system_id", message=f"{system_id!r} is not a system")
            )
        if units < 0:
            problems.append(
                Problem(
                    source, column="units", message=f"{base_id}, {system_id}: {units} is below 0"
                )
            )
    return problems + inventory_problems(scenario, allocation, source=source)


def inventory_problems(
    scenario: Scenario,
    allocation: Mapping[tuple[str, str], int],
    *,
    source: str = "allocation",
    rows: Mapping[tuple[str, str], Sequence[int]] | None = None,
) -> list[Problem]:
    """One problem per system the allocation uses more units of than the inventory.

    ``rows`` gives the rows (as the user sees them) each (base_id, system_id) came
    from, to name them. A row with an unknown base or system is left out of the
    totals: the caller reports it, and counting it would blame the inventory for it.
    """
    totals: dict[str, int] = {}
    where: dict[str, list[int]] = {}
    for (base_id, system_id), units in allocation.items():
        known = system_id in scenario.system_by_id and base_id in scenario.base_by_id
        if not known or units <= 0:
            continue
        totals[system_id] = totals.get(system_id, 0) + units
        where.setdefault(system_id, []).extend((rows or {}).get((base_id, system_id), ()))
    problems: list[Problem] = []
    for system in scenario.systems:
        used = totals.get(system.system_id, 0)
        if used <= system.inventory:
            continue
        lines = sorted(set(where.get(system.system_id, [])))
        named = f" (rows {_listed(lines)})" if len(lines) > 1 else ""
        problems.append(
            Problem(
                source,
                None,
                lines[0] if len(lines) == 1 else None,
                "units",
                f"{used} {system.system_id} in all{named}, but the inventory is "
                f"{system.inventory}: an allocation cannot use more units than are on hand",
            )
        )
    return problems


def _listed(numbers: Sequence[int]) -> str:
    """1 → "1"; 1, 2 → "1 and 2"; 1, 2, 3 → "1, 2 and 3"."""
    text = [str(n) for n in numbers]
    return text[0] if len(text) == 1 else f"{', '.join(text[:-1])} and {text[-1]}"


#: Separates the rules an evaluated allocation breaks in ``Plan.message``.
BREACH_SEPARATOR = "; "


def rule_breaches(arrays: PlanArrays, x: np.ndarray) -> list[str]:
    """Each rule an allocation breaks, in words: base, units of which system, and the
    rule (closed base, max_per_base, min_units, max_units, lock, forbid, max_moves).

    No sentence contains :data:`BREACH_SEPARATOR`, so a message splits back into them.
    """
    inst, bounds = arrays.instance, arrays.bounds
    sites: list[tuple[int, int, str]] = []  # (base, system, sentence), in theater order
    for b, s in np.argwhere(x < inst.lower).tolist():
        why = " and ".join(bounds.why_lower(b, s)) or "a lower bound"
        needed = f"at least {int(inst.lower[b, s])} needed ({why})"
        sites.append((b, s, f"{int(x[b, s])} {arrays.system_ids[s]}, but {needed}"))
    for b, s in np.argwhere(x > inst.upper).tolist():
        set_by_rule = inst.upper[b, s] == bounds.upper[b, s]
        why = (" and ".join(bounds.why_upper(b, s)) if set_by_rule else "") or (
            f"the inventory of {int(inst.inventory[s])}"
        )
        allowed = f"at most {int(inst.upper[b, s])} allowed ({why})"
        sites.append((b, s, f"{int(x[b, s])} {arrays.system_ids[s]}, but {allowed}"))
    found = [f"{arrays.base_ids[b]}: {text}" for b, _, text in sorted(sites)]
    for s, system in enumerate(arrays.system_ids):
        used = int(x[:, s].sum())
        if used > inst.inventory[s]:
            found.append(f"{system}: {used} placed, but the inventory is {int(inst.inventory[s])}")
    moves = inst.moves(x)
    if inst.max_moves is not None and moves > inst.max_moves:
        found.append(
            f"{moves} units moved from today's deployment, but max_moves is {inst.max_moves}"
        )
    return found


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
    """The :class:`Plan` of allocation ``x``: its risks per base and class, the greedy and
    today's figures beside it, and how the solver got there."""
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
        residual_by_class=inst.residual_by_threat(x),
        last_unit_value=last_unit_values(inst, x),
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound, inst.risk_size) if np.isfinite(bound) else float("nan"),
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
        illustrative_inputs=len(scenario.illustrative),
    )
