"""CBC through PuLP's bundled binary.

PuLP writes the model to an MPS file, runs CBC as a process and reads its solution
file back. Everything lands in a private temporary directory that is removed after
the run, so nothing leaks into the working directory. CBC's proven bound is read
from its log ("Lower bound:" after a stopped search); an optimal run's bound follows
the HiGHS convention (objective less the relative gap).
"""

from __future__ import annotations

import math
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from defplan.model.backends.base import Runner, RunOptions, RunResult, register
from defplan.model.linear import LinearModel

_LOWER_BOUND = re.compile(r"^Lower bound:\s*(\S+)", re.MULTILINE)
_RESULT = re.compile(r"^Result - (.*)$", re.MULTILINE)


@register("cbc", "pulp", extra="cbc")
def load() -> Runner:
    import pulp

    def run(model: LinearModel, options: RunOptions) -> RunResult:
        problem, columns = _problem(pulp, model)
        if options.start is not None:
            for column, start in zip(columns, options.start.tolist(), strict=True):
                column.setInitialValue(float(start), check=False)
        with tempfile.TemporaryDirectory(prefix="defplan-cbc-") as folder:
            log_path = Path(folder) / "cbc.log"
            with warnings.catch_warnings():
                # PuLP 3.3 flags its bundled CBC as deprecated for PuLP 4.0.
                warnings.simplefilter("ignore", DeprecationWarning)
                solver = pulp.PULP_CBC_CMD(
                    msg=False,
                    timeLimit=max(options.time_limit, 0.01),
                    gapRel=options.rel_gap,
                    gapAbs=1e-10,
                    threads=options.threads,
                    warmStart=options.start is not None,
                    keepFiles=False,
                    logPath=str(log_path),
                    options=[f"randomCbcSeed {int(options.seed) + 1}"],
                )
            solver.tmpDir = folder
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    problem.solve(solver)
            except pulp.PulpSolverError as exc:
                return RunResult("error", None, math.nan, -math.inf, f"CBC failed: {exc}")
            log = log_path.read_text(errors="replace") if log_path.exists() else ""
        return _result(pulp, model, options, problem, columns, log)

    return run


def _problem(pulp: Any, model: LinearModel) -> tuple[Any, list[Any]]:
    """The LinearModel as a PuLP problem, without the objective's constant (added back
    from the values so that it never depends on how the MPS file carries it)."""
    problem = pulp.LpProblem("defplan", pulp.LpMinimize)
    columns = []
    for j, (lower, upper, integer) in enumerate(
        zip(model.col_lower, model.col_upper, model.col_integer, strict=True)
    ):
        columns.append(
            problem.add_variable(
                f"c{j}",
                lower if math.isfinite(lower) else None,
                upper if math.isfinite(upper) else None,
                pulp.LpInteger if integer else pulp.LpContinuous,
            )
        )
    problem.setObjective(
        pulp.LpAffineExpression(
            [(columns[j], cost) for j, cost in enumerate(model.col_cost) if cost != 0.0]
        )
    )
    constraints: dict[str, Any] = {}
    starts = model.row_starts
    for r in range(model.n_rows):
        start, end = starts[r], starts[r + 1]
        terms: dict[Any, float] = {}
        for j, a in zip(model.row_index[start:end], model.row_value[start:end], strict=True):
            column = columns[j]
            terms[column] = terms.get(column, 0.0) + a
        lower, upper = model.row_lower[r], model.row_upper[r]
        if math.isfinite(lower) and lower == upper:
            constraints[f"r{r}"] = _constraint(pulp, terms, pulp.LpConstraintEQ, lower)
            continue
        if math.isfinite(lower):
            constraints[f"r{r}"] = _constraint(pulp, terms, pulp.LpConstraintGE, lower)
        if math.isfinite(upper):
            constraints[f"r{r}u"] = _constraint(pulp, terms, pulp.LpConstraintLE, upper)
    problem.extend(constraints)
    return problem, columns


def _constraint(pulp: Any, terms: dict[Any, float], sense: int, rhs: float) -> Any:
    return pulp.LpConstraint(pulp.LpAffineExpression(terms), sense=sense, rhs=rhs)


def _result(
    pulp: Any,
    model: LinearModel,
    options: RunOptions,
    problem: Any,
    columns: list[Any],
    log: str,
) -> RunResult:
    status = problem.status
    solution = problem.sol_status
    if status == pulp.LpStatusInfeasible:
        return RunResult("infeasible", None, math.nan, math.inf)
    has_solution = solution in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    values = _values(model, columns) if has_solution else None
    value = model.objective(values) if values is not None else math.nan
    bound = _logged_bound(log) + model.offset if any(model.col_integer) else -math.inf
    if status == pulp.LpStatusOptimal and solution == pulp.LpSolutionOptimal:
        proven = value - max(options.rel_gap * abs(value), 1e-10)
        return RunResult("optimal", values, value, max(min(bound, value), proven))
    if status in (pulp.LpStatusOptimal, pulp.LpStatusNotSolved):
        # Stopped (time limit) with an integer-feasible solution, or with none.
        return RunResult("time_limit", values, value, bound, _stopped(log))
    return RunResult(
        "error",
        values,
        value,
        bound,
        f"CBC ended with {pulp.LpStatus.get(status, status)}: {_stopped(log)}",
    )


def _values(model: LinearModel, columns: list[Any]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The solution; a column in no row and not in the objective never reaches CBC
    and may take any value within its bounds: the one nearest zero."""
    values = np.zeros(len(columns))
    for j, column in enumerate(columns):
        value = column.value()
        if value is None:
            value = min(max(0.0, model.col_lower[j]), model.col_upper[j])
        values[j] = float(value)
    return values


def _logged_bound(log: str) -> float:
    """The best bound CBC printed after a stopped search, or −inf."""
    found = _LOWER_BOUND.findall(log)
    if not found:
        return -math.inf
    try:
        bound = float(found[-1])
    except ValueError:
        return -math.inf
    return bound if math.isfinite(bound) else -math.inf


def _stopped(log: str) -> str:
    found = _RESULT.findall(log)
    return f"CBC: {found[-1].strip()}" if found else ""
