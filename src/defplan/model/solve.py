"""The exact solve: heuristic start, then outer approximation until the bound meets it."""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np

from defplan.model.backends import RunOptions, RunResult, runner
from defplan.model.formulation import formulate
from defplan.model.heuristic import polish, starting_point
from defplan.model.instance import Instance, IntArray
from defplan.model.solution import OPTIMALITY_TOLERANCE, Solution, relative_gap

#: Tangents are added where the model's t under-reads v·e^y by more than this (relative).
CUT_TOLERANCE = 1e-9
#: The backend is asked to close its own gap to this before the true gap is checked.
INNER_GAP = 1e-7


def solve(
    instance: Instance,
    *,
    backend: str = "highs",
    time_limit: float = 60.0,
    gap: float = 0.0,
    threads: int | None = None,
    seed: int = 0,
    start: IntArray | None = None,
) -> Solution:
    """Place every unit where it removes the most risk, and prove it.

    Returns ``optimal`` when the true objective of the allocation is within
    OPTIMALITY_TOLERANCE (or ``gap`` when larger: ``gap_limit``) of a proven bound,
    ``time_limit`` with the best allocation found and its gap when time runs out,
    and ``infeasible`` (x None) when no allocation satisfies the bounds.
    """
    if backend == "cp_sat":
        from defplan.model.backends.cpsat import solve_profiles

        found = solve_profiles(
            instance, time_limit=time_limit, gap=gap, threads=threads, seed=seed, start=start
        )
        if found.x is None:
            return found
        polished = polish(instance, found.x)
        return dataclasses.replace(found, x=polished, objective=instance.objective_of(polished))
    began = time.perf_counter()
    deadline = began + time_limit
    run = runner(backend)
    first = starting_point(instance, start)
    greedy_x, greedy_value = first.greedy_x, first.greedy_value
    best_x, best_value = first.best_x, first.best_value
    if (instance.lower > instance.upper).any() or (
        instance.lower.sum(axis=0) > instance.inventory
    ).any():
        return _infeasible(instance, backend, began, 0, greedy_value, None)
    formulation = formulate(instance, typical=best_value if best_x is not None else None)
    if best_x is not None:
        formulation.cut_at(best_x)
    # valid before any solve, so a run stopped in its first round still has a bound
    lower = instance.score(instance.residual_floor()) if instance.n_bases else -math.inf
    target = max(gap, OPTIMALITY_TOLERANCE)
    rounds = 0
    message = ""
    if formulation.model.n_cols == 0:
        # Nothing to decide: every site is fixed at zero and the residual is constant.
        best_x = np.zeros_like(instance.lower)
        if instance.violations(best_x):
            return _infeasible(instance, backend, began, rounds, greedy_value, None)
        best_value = lower = instance.objective_of(best_x)
    while formulation.model.n_cols:
        rounds += 1
        left = deadline - time.perf_counter()
        options = RunOptions(
            time_limit=max(left, 0.01),
            rel_gap=max(gap, INNER_GAP),
            threads=threads,
            seed=seed,
            start=formulation.values_for(best_x) if best_x is not None else None,
        )
        result = run(formulation.model, options)
        if result.status == "infeasible" or (result.status == "error" and result.values is None):
            if best_x is None:
                return _infeasible(instance, backend, began, rounds, greedy_value, result)
            message = result.message
            break
        lower = max(lower, formulation.risk_of(result.bound))
        added = 0
        if result.values is not None:
            x = formulation.allocation(result.values)
            if not instance.violations(x):
                value = instance.objective_of(x)
                if value < best_value:
                    best_x, best_value = x, value
            added = formulation.add_tangents_at(result.values, CUT_TOLERANCE)
        if relative_gap(best_value, lower) <= target:
            break
        if result.status != "optimal" or time.perf_counter() >= deadline:
            message = result.message
            break
        if added == 0:
            # The model is exact at its own solution yet the gap is open: the backend
            # stopped at its gap tolerance, so the bound cannot improve further here.
            message = "stopped at the backend's gap tolerance"
            break
    if best_x is not None:
        best_x = polish(instance, best_x)
        best_value = instance.objective_of(best_x)
    seconds = time.perf_counter() - began
    final_gap = relative_gap(best_value, lower)
    if final_gap <= OPTIMALITY_TOLERANCE:
        status: str = "optimal"
        lower = min(lower, best_value)
    elif final_gap <= target:
        status = "gap_limit"
    else:
        status = "time_limit"
    if best_x is None:
        return Solution(
            status="time_limit",
            x=None,
            objective=math.inf,
            bound=lower,
            backend=backend,
            seconds=seconds,
            iterations=rounds,
            greedy_x=greedy_x,
            greedy_objective=greedy_value,
            message=message or "no feasible allocation found within the time limit",
        )
    return Solution(
        status=status,  # type: ignore[arg-type]
        x=best_x,
        objective=best_value,
        bound=lower,
        backend=backend,
        seconds=seconds,
        iterations=rounds,
        greedy_x=greedy_x,
        greedy_objective=greedy_value,
        message=message,
    )


def _infeasible(
    instance: Instance,
    backend: str,
    began: float,
    rounds: int,
    greedy_value: float,
    result: RunResult | None,
) -> Solution:
    return Solution(
        status="infeasible",
        x=None,
        objective=math.inf,
        bound=math.inf,
        backend=backend,
        seconds=time.perf_counter() - began,
        iterations=rounds,
        greedy_x=None,
        greedy_objective=greedy_value,
        message=(result.message if result else "")
        or "no allocation satisfies the bounds, inventory and budget",
    )


def evaluate_allocation(instance: Instance, x: IntArray) -> tuple[float, np.ndarray]:
    """The objective and per-base residual of any allocation (no feasibility check)."""
    residual = instance.residual(x)
    return instance.score(residual), residual
