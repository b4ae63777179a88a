"""HiGHS through highspy: the default backend."""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from defplan.model.backends.base import (
    Runner,
    RunOptions,
    RunResult,
    SolverOverrunError,
    register,
    run_interruptibly,
)
from defplan.model.linear import LinearModel

#: Models with more rows than this solve their MIP's LPs by interior point.
IPM_ROWS = 150_000
#: A run still going this long past its time limit is stopped through HiGHS's
#: interrupt callbacks, and one deaf to those too is left to end in its thread
#: (:class:`SolverOverrunError`) after STOP_GRACE_SECONDS more: HiGHS checks neither
#: its time limit nor the interrupt inside some stages (the interior-point root LP of
#: a 400,000-row model ran 35 s past a 15 s limit), so a run returns within its limit
#: plus about a second.
OVERRUN_SECONDS = 0.5
#: A MIP gap this wide means no bound of its own yet (HiGHS reports 100%).
NO_BOUND = 0.99
#: The note of a run that HiGHS did not end at its time limit.
OVERRAN = "HiGHS did not stop at its time limit: its run was abandoned (no bound from it)"


@register("highs", "highspy")
def load() -> Runner:
    import highspy

    _quiet_first_instance(highspy)

    def run(model: LinearModel, options: RunOptions) -> RunResult:
        deadline = time.perf_counter() + options.time_limit
        result = run_once(model, options, deadline)
        if options.start is not None and _inconsistent(model, result):
            # HiGHS 1.16 can map a MIP start wrongly through presolve and then report
            # the reduced model's objective and bound; solve again without the start,
            # in the time that is left.
            assert result.values is not None
            left = deadline - time.perf_counter()
            if left <= 0.0:
                return RunResult(
                    "time_limit", result.values, model.objective(result.values), -math.inf
                )
            result = run_once(model, replace(options, start=None, time_limit=left), deadline)
        return result

    def run_once(model: LinearModel, options: RunOptions, deadline: float) -> RunResult:
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.silent()
        h.setOptionValue("time_limit", max(options.time_limit, 0.01))
        h.setOptionValue("mip_rel_gap", options.rel_gap)
        h.setOptionValue("mip_abs_gap", 1e-10)
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        h.setOptionValue("mip_feasibility_tolerance", 1e-9)
        h.setOptionValue("random_seed", options.seed)
        if options.threads is not None:
            h.setOptionValue("threads", options.threads)
        if options.max_nodes is not None:
            h.setOptionValue("mip_max_nodes", options.max_nodes)
        if options.yield_after is not None:
            handover = _Handover(time.perf_counter() + options.yield_after, options.yield_gap)
            h.cbMipInterrupt += handover.check
        if model.n_rows > IPM_ROWS and any(model.col_integer):
            # The root LP of a very large model takes dual simplex longer than a typical
            # time limit (5,000 bases: 81 s against 27 s by interior point), leaving no
            # bound at all; interior point gets the root bound and the cuts in time.
            h.setOptionValue("mip_lp_solver", "ipm")
        lp = highspy.HighsLp()
        lp.num_col_ = model.n_cols
        lp.num_row_ = model.n_rows
        lp.col_cost_ = np.asarray(model.col_cost, dtype=np.float64)
        lp.col_lower_ = np.asarray(model.col_lower, dtype=np.float64)
        lp.col_upper_ = np.asarray(model.col_upper, dtype=np.float64)
        lp.row_lower_ = np.asarray(model.row_lower, dtype=np.float64)
        lp.row_upper_ = np.asarray(model.row_upper, dtype=np.float64)
        lp.offset_ = model.offset
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.asarray(model.row_starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.asarray(model.row_index, dtype=np.int32)
        lp.a_matrix_.value_ = np.asarray(model.row_value, dtype=np.float64)
        lp.a_matrix_.num_col_ = model.n_cols
        lp.a_matrix_.num_row_ = model.n_rows
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in model.col_integer
        ]
        h.passModel(lp)
        if options.start is not None:
            index = np.arange(model.n_cols, dtype=np.int32)
            h.setSolution(model.n_cols, index, np.asarray(options.start, dtype=np.float64))
        try:
            _run_interruptibly(h, deadline + OVERRUN_SECONDS)
        except SolverOverrunError:
            return RunResult("time_limit", None, math.nan, -math.inf, OVERRAN)
        status = h.getModelStatus()
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        values = np.asarray(h.getSolution().col_value, dtype=np.float64) if has_solution else None
        objective = float(info.objective_function_value) if has_solution else math.nan
        bound = float(info.mip_dual_bound) if any(model.col_integer) else -math.inf
        if not math.isfinite(bound):
            bound = -math.inf
        if status == highspy.HighsModelStatus.kOptimal:
            # "Optimal" means the gap met its tolerance (an LP has none), whatever
            # mip_dual_bound says for a model without integers.
            proven = objective - max(options.rel_gap * abs(objective), 1e-10)
            return RunResult("optimal", values, objective, max(bound, proven))
        if status == highspy.HighsModelStatus.kInfeasible:
            return RunResult("infeasible", None, math.nan, math.inf)
        if status in (
            highspy.HighsModelStatus.kTimeLimit,
            highspy.HighsModelStatus.kInterrupt,
            highspy.HighsModelStatus.kSolutionLimit,
            highspy.HighsModelStatus.kIterationLimit,
        ):
            return RunResult("time_limit", values, objective, bound)
        return RunResult(
            "error", values, objective, bound, f"HiGHS ended with {h.modelStatusToString(status)}"
        )

    return run


def _run_interruptibly(h: Any, deadline: float) -> None:
    """Solve so that Ctrl-C is seen at once and a run past ``deadline`` is stopped or
    left behind (:func:`run_interruptibly`).

    HiGHS looks for the stop request between the stages of a MIP, not inside the
    simplex of its root LP (35 s on a theater of 2,000 bases); rather than wait, the
    solve is left to end in its thread at its next check or its time limit. highspy's
    own ``startSolve`` is not used: its locks are shared by every solver object, so
    two solves in two threads refuse each other ("Solver is already running").
    """
    h.HandleUserInterrupt = True
    run_interruptibly(h.run, h.cancelSolve, deadline)


class _Handover:
    """RunOptions.yield_after: a MIP interrupt callback that stops the run once the
    handover time has passed with its gap above ``gap`` but a bound of its own (a gap
    of NO_BOUND or more is a root LP not yet ended: its bound may still come, where the
    search rarely gains at that size; the bench at load 6 lost 100x200 mu2's 1.4% gap
    to a 40% one when such a run was stopped at the handover)."""

    def __init__(self, at: float, gap: float) -> None:
        self.at = at  # a perf_counter time
        self.gap = gap

    def check(self, event: Any) -> None:
        found = event.data_out.mip_gap
        if self.gap < found < NO_BOUND and time.perf_counter() >= self.at:
            event.interrupt()


def _inconsistent(model: LinearModel, result: RunResult) -> bool:
    """The reported objective disagrees with the objective of the returned values."""
    if result.values is None:
        return False
    actual = model.objective(result.values)
    return abs(actual - result.objective) > 1e-7 * max(1.0, abs(actual))


_BANNER_SHOWN = False


def _quiet_first_instance(highspy: Any) -> None:
    """HiGHS prints a banner on stdout the first time a solver object is made, before
    any option can silence it; make that first object with stdout closed."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        return
    _BANNER_SHOWN = True
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with Path(os.devnull).open("wb") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
