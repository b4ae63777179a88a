"""SCIP through OR-tools' linear solver wrapper (pywraplp)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from defplan.model.backends.base import (
    Runner,
    RunOptions,
    RunResult,
    register,
    run_interruptibly,
)
from defplan.model.linear import LinearModel


@register("scip", "ortools", extra="scip")
def load() -> Runner:
    from ortools.linear_solver import pywraplp

    def run(model: LinearModel, options: RunOptions) -> RunResult:
        solver = pywraplp.Solver.CreateSolver("SCIP")
        if solver is None:  # pragma: no cover - an OR-tools build without SCIP
            return RunResult("error", None, math.nan, -math.inf, "OR-tools has no SCIP")
        solver.SuppressOutput()
        columns = _columns(solver, model)
        _rows(solver, model, columns)
        objective = solver.Objective()
        for j, cost in enumerate(model.col_cost):
            if cost != 0.0:
                objective.SetCoefficient(columns[j], cost)
        objective.SetOffset(model.offset)
        objective.SetMinimization()

        solver.SetTimeLimit(max(math.ceil(options.time_limit * 1000.0), 1))
        if options.threads is not None:
            solver.SetNumThreads(options.threads)  # SCIP may ignore it: it is sequential
        # SCIP-specific parameters (a build that rejects them keeps its defaults): the
        # seed, and Ctrl-C left to defplan (SCIP's own catch ends the solve as if its
        # time were up, and the command would go on to the next)
        solver.SetSolverSpecificParametersAsString(
            f"randomization/randomseedshift = {int(options.seed)}\nmisc/catchctrlc = FALSE\n"
        )
        if options.start is not None:
            solver.SetHint(columns, [float(v) for v in options.start])
        parameters = pywraplp.MPSolverParameters()
        parameters.SetDoubleParam(parameters.RELATIVE_MIP_GAP, options.rel_gap)

        status = run_interruptibly(lambda: solver.Solve(parameters), solver.InterruptSolve)
        has_solution = status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
        values = (
            np.array([v.solution_value() for v in columns], dtype=np.float64)
            if has_solution
            else None
        )
        value = model.objective(values) if values is not None else math.nan
        bound = float(objective.BestBound()) if any(model.col_integer) else -math.inf
        if not math.isfinite(bound):
            bound = -math.inf
        if status == pywraplp.Solver.OPTIMAL:
            proven = value - max(options.rel_gap * abs(value), 1e-10)
            return RunResult("optimal", values, value, max(min(bound, value), proven))
        if status == pywraplp.Solver.INFEASIBLE:
            return RunResult("infeasible", None, math.nan, math.inf)
        if status in (pywraplp.Solver.FEASIBLE, pywraplp.Solver.NOT_SOLVED):
            # FEASIBLE: stopped by the time limit with a solution; NOT_SOLVED: with none.
            return RunResult("time_limit", values, value, bound)
        names = {
            pywraplp.Solver.ABNORMAL: "ABNORMAL",
            pywraplp.Solver.MODEL_INVALID: "MODEL_INVALID",
            pywraplp.Solver.UNBOUNDED: "UNBOUNDED",
        }
        return RunResult(
            "error", values, value, bound, f"SCIP ended with {names.get(status, str(status))}"
        )

    return run


def _columns(solver: Any, model: LinearModel) -> list[Any]:
    infinity = solver.infinity()
    columns: list[Any] = []
    for lower, upper, integer in zip(
        model.col_lower, model.col_upper, model.col_integer, strict=True
    ):
        lo = max(lower, -infinity)
        hi = min(upper, infinity)
        columns.append(solver.IntVar(lo, hi, "") if integer else solver.NumVar(lo, hi, ""))
    return columns


def _rows(solver: Any, model: LinearModel, columns: list[Any]) -> None:
    infinity = solver.infinity()
    starts = model.row_starts
    index = model.row_index
    value = model.row_value
    for r in range(model.n_rows):
        constraint = solver.RowConstraint(
            max(model.row_lower[r], -infinity), min(model.row_upper[r], infinity), ""
        )
        start, end = starts[r], starts[r + 1]
        row_index = index[start:end]
        row_value = value[start:end]
        if len(set(row_index)) != len(row_index):
            # SetCoefficient replaces: sum repeated columns first.
            summed: dict[int, float] = {}
            for j, a in zip(row_index, row_value, strict=True):
                summed[j] = summed.get(j, 0.0) + a
            row_index, row_value = list(summed), list(summed.values())
        for j, a in zip(row_index, row_value, strict=True):
            constraint.SetCoefficient(columns[j], a)
