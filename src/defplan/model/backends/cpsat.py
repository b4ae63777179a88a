"""CP-SAT on a per-base defense-profile formulation, where it fits.

CP-SAT takes integer variables and integer coefficients only, so it cannot take the
tangent model. Instead, for every base b the units defending it, n[b, s], take one
*profile* k out of all the count vectors they can reach (over the systems whose count
changes b's residual), and the residual of each profile is a constant:

    Σ_k z[b, k] = 1,   Σ_k k_s · z[b, k] = n[b, s] = Σ_{(h, b) ∈ coverage s} x[h, s]
    expected:  min Σ_b Σ_k ⌊S · cost[b, k]⌉ z[b, k]
    worst:     min W,  W ≥ Σ_k ⌊S · cost[b, k]⌉ z[b, k]  for every b
    blend:     both, the weights (1 − λ) and λ folded into the rounded coefficients

The scale S puts the largest possible objective at 2^48, so every sum CP-SAT forms fits
its 64-bit integers. Rounding moves each base's term by at most 1/(2S); the bound
reported is lowered by the most all those terms can move, so it stays a proven lower
bound on the true optimum, and the objective reported is the true one of the
allocation found. A base whose profiles number more than PROFILE_LIMIT makes the
instance not fit: use a backend of the tangent model instead.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from defplan.model.backends.base import InstanceSolver, RunStatus, register, run_interruptibly
from defplan.model.heuristic import polish, starting_point
from defplan.model.instance import FloatArray, Instance, IntArray
from defplan.model.solution import OPTIMALITY_TOLERANCE, Solution, relative_gap
from defplan.model.ties import CAP_SLACKS, TIE_UNPROVEN, capped_instance

#: Most defense profiles one base may have before the instance does not fit.
PROFILE_LIMIT = 256
#: The largest scaled objective: far inside int64 whatever the number of terms.
SCALED_MAX = float(2**48)
#: CP-SAT is asked to close its own gap to this (as the tangent backends are).
INNER_GAP = 1e-7
#: Backend name, as the registry lists it.
NAME = "cp_sat"


class CpSatOutcome(NamedTuple):
    status: RunStatus
    x: IntArray | None
    objective: float  # the true objective of x (inf without x)
    bound: float  # a proven lower bound on the true optimum (−inf if none)


@dataclass(frozen=True)
class BaseProfiles:
    """The count vectors one base's defenders can take, and the residual of each."""

    systems: tuple[int, ...]  # systems whose count changes the base's residual
    counts: IntArray  # (K, len(systems))
    cost: FloatArray  # (K,) residual of the base under each profile


def base_profiles(instance: Instance, limit: int = PROFILE_LIMIT) -> list[BaseProfiles]:
    """Every base's profiles; ValueError naming the first base with more than limit."""
    inst = instance
    most = inst.max_defending()
    least = np.zeros_like(most)
    for s, cover in enumerate(inst.coverage):
        least[:, s] = np.rint(cover.counts(inst.lower[:, s], inst.n_bases)).astype(np.int64)
    reduces = inst.log_leak < 0.0  # (S, C)
    result: list[BaseProfiles] = []
    for b in range(inst.n_bases):
        valued = inst.value[b] > 0.0
        systems = tuple(
            s
            for s in range(inst.n_systems)
            if most[b, s] > least[b, s] and bool((reduces[s] & valued).any())
        )
        ranges = [range(int(least[b, s]), int(most[b, s]) + 1) for s in systems]
        size = math.prod(len(r) for r in ranges)
        if size > limit:
            raise ValueError(
                f"cp_sat does not fit this instance: base {b} has {size} defense profiles "
                f"(limit {limit}); use highs, scip or cbc"
            )
        # Systems not in the profile stand at a fixed count (or do not matter here).
        fixed = np.where(most[b] == least[b], least[b], 0).astype(np.float64)
        for s in systems:
            fixed[s] = 0.0
        if (least[b] > most[b]).any():
            counts = np.zeros((0, len(systems)), dtype=np.int64)  # no profile: infeasible
        else:
            counts = np.array(list(itertools.product(*ranges)), dtype=np.int64).reshape(
                size, len(systems)
            )
        exponent = fixed @ inst.log_leak + counts @ inst.log_leak[list(systems), :]
        cost = (inst.value[b] * np.exp(exponent)).sum(axis=1)
        if inst.residual_cap is not None:  # profiles that leave too much are not allowed
            allowed = cost <= inst.residual_cap
            counts, cost = counts[allowed], cost[allowed]
        result.append(BaseProfiles(systems, counts, np.asarray(cost, dtype=np.float64)))
    return result


def solve_cpsat(
    instance: Instance,
    *,
    time_limit: float,
    rel_gap: float,
    threads: int | None = None,
    seed: int = 0,
    start_x: IntArray | None = None,
    profiles: list[BaseProfiles] | None = None,
    deadline: float | None = None,
) -> CpSatOutcome:
    """Solve the profile model with CP-SAT; ValueError when the instance does not fit.

    ``profiles`` are :func:`base_profiles` of the instance when already at hand. Past
    ``deadline`` (a :func:`time.perf_counter` time; default: ``time_limit`` from now)
    the build stops and no solve starts: a model of 10,000 profile choices takes a
    good part of a second to build, longer than a short limit.
    """
    deadline = time.perf_counter() + time_limit if deadline is None else deadline
    out_of_time = CpSatOutcome("time_limit", None, math.inf, -math.inf)
    from ortools.sat.python import cp_model

    inst = instance
    profiles = profiles if profiles is not None else base_profiles(inst)
    if (inst.lower > inst.upper).any():
        return CpSatOutcome("infeasible", None, math.inf, math.inf)
    expected_weight, worst_weight = inst.weights
    n_bases, n_systems = inst.n_bases, inst.n_systems

    model = cp_model.CpModel()
    x = [
        [
            model.new_int_var(int(inst.lower[h, s]), int(inst.upper[h, s]), "")
            for s in range(n_systems)
        ]
        for h in range(n_bases)
    ]
    for s in range(n_systems):
        model.add(
            cp_model.LinearExpr.sum([x[h][s] for h in range(n_bases)]) <= int(inst.inventory[s])
        )
    moved: dict[tuple[int, int], Any] = {}
    if inst.current is not None and inst.max_moves is not None:
        for h, s in zip(*np.nonzero(inst.current > 0), strict=True):
            standing = int(inst.current[h, s])
            moved[h, s] = model.new_int_var(0, standing, "")
            model.add(moved[h, s] + x[h][s] >= standing)
        model.add(cp_model.LinearExpr.sum(list(moved.values())) <= int(inst.max_moves))

    defenders: list[list[list[Any]]] = [[[] for _ in range(n_systems)] for _ in range(n_bases)]
    for s, cover in enumerate(inst.coverage):
        for h, b in zip(cover.hosts.tolist(), cover.bases.tolist(), strict=True):
            defenders[b][s].append(x[h][s])

    top = [float(p.cost.max()) if p.cost.size else 0.0 for p in profiles]
    largest = expected_weight * sum(top) + worst_weight * max(top, default=0.0)
    # subnormal risks would scale past any float: below 1e-300 they count as nothing
    scale = SCALED_MAX / largest if largest > 1e-300 else 1.0
    offset = 0.0  # exact (unscaled) part of the objective
    rounded_terms = 0
    objective_vars: list[Any] = []
    objective_coefs: list[int] = []
    worst_floor = 0
    worst_rows: list[tuple[list[Any], list[int]]] = []
    choice: list[list[Any]] = []
    for b, prof in enumerate(profiles):
        if time.perf_counter() >= deadline:
            return out_of_time
        count = len(prof.cost)
        if count == 0:
            model.add_bool_or([])  # the base has no reachable profile
            choice.append([])
            continue
        if count == 1 and not prof.systems:  # nothing at this base can change
            choice.append([])
            offset += expected_weight * float(prof.cost[0])
            worst_floor = max(worst_floor, round(worst_weight * float(prof.cost[0]) * scale))
        else:
            z = [model.new_bool_var("") for _ in range(count)]
            choice.append(z)
            model.add_exactly_one(z)
            for i, s in enumerate(prof.systems):
                model.add(
                    cp_model.LinearExpr.weighted_sum(z, prof.counts[:, i].tolist())
                    == cp_model.LinearExpr.sum(defenders[b][s])
                )
            if expected_weight > 0.0:
                least = float(prof.cost.min())
                offset += expected_weight * least
                scaled = np.rint(expected_weight * (prof.cost - least) * scale)
                objective_vars.extend(z)
                objective_coefs.extend(scaled.astype(np.int64).tolist())
                rounded_terms += 1
            if worst_weight > 0.0:
                scaled = np.rint(worst_weight * prof.cost * scale)
                worst_rows.append((z, scaled.astype(np.int64).tolist()))
    worst = None
    if worst_weight > 0.0:
        ceiling = math.ceil(SCALED_MAX) + 1
        worst = model.new_int_var(int(worst_floor), max(int(worst_floor), ceiling), "worst")
        for z, row in worst_rows:
            model.add(worst >= cp_model.LinearExpr.weighted_sum(z, row))
        objective_vars.append(worst)
        objective_coefs.append(1)
        rounded_terms += 1
    model.minimize(cp_model.LinearExpr.weighted_sum(objective_vars, objective_coefs))

    if start_x is not None and not inst.violations(start_x):
        _hint(model, inst, profiles, start_x, x, moved, choice, worst, worst_weight, scale)

    if time.perf_counter() >= deadline:
        return out_of_time
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(deadline - time.perf_counter(), 0.01)
    solver.parameters.relative_gap_limit = float(rel_gap)
    solver.parameters.random_seed = int(seed)
    if threads is not None:
        solver.parameters.num_workers = int(threads)
    # Ctrl-C is defplan's: CP-SAT's own catch would end the search as if its time were
    # up, and the command would go on to write a plan
    solver.parameters.catch_sigint_signal = False
    status = run_interruptibly(lambda: solver.solve(model), solver.stop_search)

    if status == cp_model.INFEASIBLE:
        return CpSatOutcome("infeasible", None, math.inf, math.inf)
    # Rounding moves each rounded term by at most 1/(2S); float noise in the profile
    # residuals is far smaller than the last allowance.
    slack = ((0.5 * rounded_terms + 1.0) / SCALED_MAX + 1e-14) * largest
    bound = solver.best_objective_bound / scale + offset - slack
    if not math.isfinite(bound):
        bound = -math.inf
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        run_status: RunStatus = "time_limit" if status == cp_model.UNKNOWN else "error"
        return CpSatOutcome(run_status, None, math.inf, bound)
    found = np.array(
        [[solver.value(x[h][s]) for s in range(n_systems)] for h in range(n_bases)],
        dtype=np.int64,
    ).reshape(n_bases, n_systems)
    value = inst.objective_of(found)
    return CpSatOutcome(
        "optimal" if status == cp_model.OPTIMAL else "time_limit", found, value, bound
    )


def _hint(
    model: Any,
    inst: Instance,
    profiles: list[BaseProfiles],
    start: IntArray,
    x: list[list[Any]],
    moved: dict[tuple[int, int], Any],
    choice: list[list[Any]],
    worst: Any,
    worst_weight: float,
    scale: float,
) -> None:
    """A complete solution hint from a feasible allocation."""
    for h, row in enumerate(x):
        for s, var in enumerate(row):
            model.add_hint(var, int(start[h, s]))
    if inst.current is not None:
        for (h, s), var in moved.items():
            model.add_hint(var, max(int(inst.current[h, s]) - int(start[h, s]), 0))
    n = np.rint(inst.defending(start)).astype(np.int64)
    worst_value = 0
    for b, (prof, z) in enumerate(zip(profiles, choice, strict=True)):
        if not z:
            continue
        target = n[b, list(prof.systems)]
        matches = np.flatnonzero((prof.counts == target).all(axis=1))
        if not matches.size:
            continue
        k = int(matches[0])
        for i, var in enumerate(z):
            model.add_hint(var, i == k)
        worst_value = max(worst_value, round(worst_weight * float(prof.cost[k]) * scale))
    if worst is not None:
        model.add_hint(worst, worst_value)


def solve_profiles(
    instance: Instance,
    *,
    time_limit: float = 60.0,
    gap: float = 0.0,
    threads: int | None = None,
    seed: int = 0,
    start: IntArray | None = None,
) -> Solution:
    """What solve() returns, with CP-SAT on the profile model (one round, no cuts).

    ValueError when a base has more than PROFILE_LIMIT defense profiles, or when moves
    cost something (the profile model has no move cost).
    """
    if instance.move_cost > 0.0:
        raise ValueError(
            "backend 'cp_sat' has no move cost: with min_move_gain above 0 use highs, scip or cbc"
        )
    began = time.perf_counter()
    profiles = base_profiles(instance)  # fails fast on an instance that does not fit
    first = starting_point(instance, start, began + time_limit)
    greedy_x, greedy_value = first.greedy_x, first.greedy_value
    best_x, best_value = first.best_x, first.best_value
    left = time_limit - (time.perf_counter() - began)
    outcome = solve_cpsat(
        instance,
        time_limit=max(left, 0.01),
        rel_gap=max(gap, INNER_GAP),
        threads=threads,
        seed=seed,
        start_x=best_x,
        profiles=profiles,
        deadline=began + time_limit,
    )
    message = ""
    if outcome.status == "infeasible" and best_x is None:
        return Solution(
            status="infeasible",
            x=None,
            objective=math.inf,
            bound=math.inf,
            backend=NAME,
            seconds=time.perf_counter() - began,
            iterations=1,
            greedy_x=None,
            greedy_objective=greedy_value,
            message="no allocation satisfies the bounds, inventory and budget",
            risk_size=instance.risk_size,
        )
    floor = instance.score(instance.residual_floor()) if instance.n_bases else -math.inf
    lower = max(outcome.bound, floor)
    if outcome.status == "infeasible":  # pragma: no cover - contradicts a feasible x
        lower = floor
        message = "CP-SAT reported infeasible for a feasible allocation"
    if outcome.x is not None and not instance.violations(outcome.x):
        if outcome.objective < best_value:
            best_x, best_value = outcome.x, outcome.objective
    elif outcome.status == "error":  # pragma: no cover - a model CP-SAT rejects
        message = "CP-SAT rejected the model"
    target = max(gap, OPTIMALITY_TOLERANCE)
    final_gap = relative_gap(best_value, lower, instance.risk_size)
    if final_gap <= OPTIMALITY_TOLERANCE:
        status: str = "optimal"
        lower = min(lower, best_value)
    elif final_gap <= target:
        status = "gap_limit"
    else:
        status = "time_limit"
        if not message and outcome.status == "time_limit":
            message = "CP-SAT stopped at the time limit"
    return Solution(
        status=status,  # type: ignore[arg-type]
        x=best_x,
        objective=best_value,
        bound=lower,
        backend=NAME,
        seconds=time.perf_counter() - began,
        iterations=1,
        greedy_x=greedy_x,
        greedy_objective=greedy_value,
        message=message,
        risk_size=instance.risk_size,
    )


@register(NAME, "ortools", extra="cpsat", solves="instance")
def load() -> InstanceSolver:
    from ortools.sat.python import cp_model  # noqa: F401  (fails here when it is missing)

    return solve_instance


def solve_instance(
    instance: Instance,
    *,
    time_limit: float,
    gap: float,
    threads: int | None,
    seed: int,
    start: IntArray | None,
) -> Solution:
    """What :func:`defplan.model.solve` returns, from the profile model: the optimum,
    its worst-case ties broken by the least sum, polished as the other backends' are.

    ValueError for an attacker with several raids (the profile model has no top-k sum).
    """
    if instance.raids > 1:
        raise ValueError(
            f"backend {NAME!r} minimises the worst base, not an attacker's "
            f"{instance.raids} raids; use highs, scip or cbc for {instance.objective}"
        )
    found = solve_profiles(
        instance, time_limit=time_limit, gap=gap, threads=threads, seed=seed, start=start
    )
    if found.x is None:
        return found
    x = found.x
    if instance.weights[0] == 0.0 and found.status == "optimal":
        x, message = _least_total_profiles(instance, found, time_limit, threads, seed)
        found = dataclasses.replace(
            found, message="; ".join(m for m in (found.message, message) if m)
        )
    polished = polish(instance, x)
    return dataclasses.replace(found, x=polished, objective=instance.objective_of(polished))


def _least_total_profiles(
    instance: Instance, found: Solution, time_limit: float, threads: int | None, seed: int
) -> tuple[IntArray, str]:
    """The worst-case tie-break (:mod:`defplan.model.ties`) on the profile model: the
    least sum with every base's profiles capped at the proven worst."""
    assert found.x is not None
    left = time_limit - found.seconds
    if left <= 0.0:
        return found.x, "ties among worst-case optima not broken: no time left"
    capped = capped_instance(instance, found.x, CAP_SLACKS[0])
    second = solve_profiles(capped, time_limit=left, threads=threads, seed=seed, start=found.x)
    if second.x is None or relative_gap(
        instance.objective_of(second.x), found.bound, instance.risk_size
    ) > (OPTIMALITY_TOLERANCE):
        return found.x, TIE_UNPROVEN
    if second.status != "optimal":
        return second.x, TIE_UNPROVEN
    return second.x, ""
