"""What ladders and sweeps hand to the executor: one self-contained solve per job.

A :class:`Job` carries the scenario (already changed for its point), the solver
options and, when the risk does not change between points, the risk table, so a
worker on another core or machine needs nothing else. :func:`solve_job` is the
module-level function the executor runs.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import ValidationError

from defplan.errors import SolverError
from defplan.model import Objective
from defplan.plan import Plan, plan
from defplan.risk import RiskTable
from defplan.scenario import Scenario, SystemRow


@dataclass(frozen=True)
class SolveOptions:
    """The options of :func:`defplan.plan.plan` a what-if passes on to every solve."""

    objective: Objective | None = None
    solver: str | None = None
    backend: str | None = None
    time_limit: float | None = None
    gap: float | None = None
    threads: int | None = None
    max_moves: int | None = None


@dataclass(frozen=True)
class Job:
    """One solve: a scenario, the options, and the risk table when it is shared."""

    scenario: Scenario
    options: SolveOptions = field(default_factory=SolveOptions)
    table: RiskTable | None = None  # None: compute the risk in the worker


@dataclass(frozen=True, eq=False)
class Outcome:
    """A job's plan, or None with the reason when no allocation satisfies the rules."""

    plan: Plan | None
    message: str = ""
    seconds: float = 0.0  # wall time of the job, risk included

    @property
    def status(self) -> str:
        """The solver status, ``infeasible`` when no allocation satisfied the rules."""
        return self.plan.status if self.plan is not None else "infeasible"

    @property
    def objective(self) -> float:
        """The plan's objective, NaN when there is no plan."""
        return self.plan.objective if self.plan is not None else float("nan")


def solve_job(job: Job) -> Outcome:
    """Plan the job's scenario; a set of rules no allocation satisfies is an outcome."""
    began = time.perf_counter()
    o = job.options
    try:
        result = plan(
            job.scenario,
            objective=o.objective,
            solver=o.solver,
            backend=o.backend,
            time_limit=o.time_limit,
            gap=o.gap,
            threads=o.threads,
            max_moves=o.max_moves,
            table=job.table,
        )
    except SolverError as exc:
        return Outcome(None, str(exc), time.perf_counter() - began)
    return Outcome(result, result.message, time.perf_counter() - began)


def with_inventory(scenario: Scenario, inventory: Mapping[str, int]) -> Scenario:
    """The scenario with some systems' inventory replaced (0 or more units each)."""
    known = {s.system_id for s in scenario.systems}
    for system_id, units in inventory.items():
        if system_id not in known:
            raise ValueError(
                f"{system_id!r} is not a system of the theater (expected one of "
                f"{', '.join(sorted(known))})"
            )
        if int(units) != units or units < 0:
            raise ValueError(f"inventory of {system_id} must be a whole number ≥ 0 (got {units})")
    systems = tuple(
        _revalidate(s, {"inventory": int(inventory[s.system_id])})
        if s.system_id in inventory
        else s
        for s in scenario.systems
    )
    return dataclasses.replace(scenario, systems=systems)


def _revalidate(row: SystemRow, changes: dict[str, Any]) -> SystemRow:
    try:
        return SystemRow.model_validate({**row.model_dump(), **changes})
    except ValidationError as exc:  # pragma: no cover - inventory is checked above
        raise ValueError(f"system {row.system_id}: {exc.errors()[0]['msg']}") from None


def allocation_changes(
    before: Plan | None, after: Plan | None, systems: Collection[str] | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What ``after`` adds and takes away against ``before``: "+1 cram at al_asad".

    ``systems`` keeps only the changes of those systems (default: every system)."""
    if after is None:
        return (), ()
    old = (
        before.allocation
        if before is not None and before.allocation.shape == after.allocation.shape
        else np.zeros_like(after.allocation)
    )
    added: list[str] = []
    removed: list[str] = []
    for (b, s), units in np.ndenumerate(after.allocation - old):
        if systems is not None and after.system_ids[s] not in systems:
            continue
        if units > 0:
            added.append(f"+{units} {after.system_ids[s]} at {after.base_ids[b]}")
        elif units < 0:
            removed.append(f"{units} {after.system_ids[s]} at {after.base_ids[b]}")
    return tuple(added), tuple(removed)


def defended_bases(result: Plan) -> tuple[str, ...]:
    """Bases at least one unit defends (hosted there or an area unit in range)."""
    defended = result.defending.sum(axis=1) > 0
    return tuple(b for b, yes in zip(result.base_ids, defended, strict=True) if yes)
