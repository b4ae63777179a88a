"""The robust study: sample the theater, solve every sample, judge, and plan for all.

:func:`robust` is ``defplan robust``: N seeded samples of the uncertain inputs
(:mod:`defplan.robust.sampling`), each sample's own optimum (many independent solves
through :func:`defplan.executor.run_all`: a process pool here, a Dask cluster with
``scheduler``), the point plan and the robust plan judged across all samples
(:mod:`defplan.robust.judge`), and the robust plan itself: one allocation minimising
the mean, the CVaR or the largest regret of the theater's residual over the samples,
solved exactly (:func:`defplan.model.sampled.solve_sampled`).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from defplan.errors import backend_missing_as_solver_error
from defplan.executor import Executor, run_all, scheduler_engine
from defplan.model import Instance, Objective, solve
from defplan.model.aggregate import Aggregator, CVaR, Mean, Regret
from defplan.model.instance import FloatArray, IntArray
from defplan.model.sampled import SampledInstance, solve_sampled
from defplan.model.solution import Solution
from defplan.plan import Plan
from defplan.plan.arrays import PlanArrays, build_arrays
from defplan.plan.planner import plan as point_plan
from defplan.plan.profiles import load_profile
from defplan.risk import RiskTable
from defplan.risk import risk as compute_risk
from defplan.robust.judge import Judgement, stability
from defplan.robust.sampling import Samples, check_sources, plan_samples
from defplan.robust.sources import SOURCES
from defplan.scenario import Scenario


@dataclass(frozen=True)
class SampleJob:
    """A chunk of samples to solve, each on its own: everything travels with it (it
    pickles). The instance is shared; sample ``first + i`` has ``values[i]``, ``p[i]``."""

    first: int
    instance: Instance
    values: FloatArray  # (n, B, C)
    p: FloatArray  # (n, S, C)
    backend: str
    time_limit: float
    gap: float
    seed: int
    threads: int | None


@dataclass(frozen=True)
class SampleOptimum:
    """What one sample's own solve found (x None when it found no allocation)."""

    index: int
    x: IntArray | None
    objective: float
    bound: float
    status: str


#: Chunks per worker the samples are cut into: few enough that sending the instance and
#: starting each job costs little against the solves, enough to keep every worker busy.
CHUNKS_PER_WORKER = 4


@backend_missing_as_solver_error()
def solve_samples(job: SampleJob) -> list[SampleOptimum]:
    """The optimum of every sample in a chunk, each solved on its own.

    ``threads`` is the study's, the same as the point plan's: HiGHS fixes its thread
    count at its first solve in a process and fails later solves that ask for another.
    """
    found = []
    for i in range(len(job.values)):
        instance = dataclasses.replace(job.instance, value=job.values[i], p=job.p[i])
        solution = solve(
            instance,
            backend=job.backend,
            time_limit=job.time_limit,
            gap=job.gap,
            threads=job.threads,
            seed=job.seed,
        )
        found.append(
            SampleOptimum(
                job.first + i, solution.x, solution.objective, solution.bound, solution.status
            )
        )
    return found


def parse_objective(text: str) -> tuple[str, float]:
    """``mean``, ``cvar:ALPHA`` (0 ≤ α < 1) or ``regret`` as (name, α).

    >>> parse_objective("cvar:0.9"), parse_objective("mean")
    (('cvar', 0.9), ('mean', 0.0))
    """
    name, _, level = text.strip().lower().partition(":")
    if name in ("mean", "regret") and not level:
        return name, 0.0
    if name == "cvar":
        try:
            alpha = float(level) if level else 0.9
        except ValueError:
            alpha = math.nan
        if 0.0 <= alpha < 1.0:
            return name, alpha
        raise ValueError(f"objective {text!r}: the CVaR level must be a number in [0, 1)")
    raise ValueError(f"objective {text!r} is not one of mean, cvar:ALPHA (e.g. cvar:0.9), regret")


@dataclass(frozen=True, eq=False)
class RobustResult:
    """A robust study: the samples, their optima, both plans and how they hold up.

    ``robust_x`` and ``point.allocation`` are (B, S) units per base and system;
    ``robust_judged`` and ``point_judged`` judge them across the samples; stability
    tables say how often each placement is a sample's own optimum.
    """

    scenario_source: str
    input_hashes: tuple[tuple[str, str], ...]
    objective: str  # as asked: mean, cvar:0.9, regret
    samples: Samples
    base_ids: tuple[str, ...]
    system_ids: tuple[str, ...]
    point: Plan
    optima: tuple[SampleOptimum, ...]
    solution: Solution  # the robust plan's solve: status, bound, gap
    robust_x: IntArray
    robust_judged: Judgement
    point_judged: Judgement
    robust_stability: pd.DataFrame
    point_stability: pd.DataFrame
    point_residual_robust_x: FloatArray  # (B,) the robust plan on the point inputs
    seconds_samples: float
    seconds_robust: float
    workers: str  # what ran the samples: "this process", "process pool of N workers",
    # "dask distributed at ADDRESS" (robust.json's timing.ran_on)

    @property
    def optima_found(self) -> int:
        """Samples whose own optimum was found (proven or not)."""
        return sum(1 for o in self.optima if o.x is not None)

    @property
    def optima_unproven(self) -> int:
        """Samples whose own optimum the solver did not prove (time limit or none found)."""
        return sum(1 for o in self.optima if o.status != "optimal")


@backend_missing_as_solver_error()
def robust(
    scenario: Scenario,
    *,
    samples: int = 200,
    seed: int = 1,
    objective: str = "mean",
    sources: tuple[str, ...] = SOURCES,
    solver: str | None = None,
    backend: str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
    table: RiskTable | None = None,
) -> RobustResult:
    """A plan that holds up across ``samples`` draws of the uncertain inputs.

    ``objective`` is ``mean`` (the expected residual over the draws), ``cvar:ALPHA``
    (the mean of the worst 1 − α share of draws) or ``regret`` (the least worst
    regret against each draw's own optimum); every figure is the theater's summed
    residual, casualty-equivalents a year. ``sources`` picks what is drawn (see
    :data:`~defplan.robust.sources.SOURCES`). The draws' own solves run through
    :func:`~defplan.executor.run_all`: on the Dask scheduler at ``scheduler`` (or
    the ``DEFPLAN_SCHEDULER`` environment variable), on ``executor`` when given, else
    on a local process pool of ``workers``. ``time_limit`` applies to each solve.

    Examples
    --------
    >>> from defplan.scenario import (BaseRow, EffectivenessRow, Scenario, SystemRow,
    ...     ThreatZoneRow, WeaponRow)
    >>> scenario = Scenario(
    ...     bases=(BaseRow(base_id="a", name="A", lat=33.0, lon=44.0, troops=1000),
    ...            BaseRow(base_id="b", name="B", lat=33.0, lon=45.0, troops=500)),
    ...     systems=(SystemRow(system_id="cram", name="C-RAM", mode="point", inventory=1),),
    ...     effectiveness=(EffectivenessRow(system_id="cram", weapon="rocket",
    ...         p_intercept=0.6, p_low=0.4, p_high=0.8),),
    ...     weapons=(WeaponRow(weapon="rocket", reach_km=40.0, severity_prior=2.0),),
    ...     threat_zones=(ThreatZoneRow(zone_id="z", actor="x", lat=33.0, lon=44.5,
    ...         radius_km=60.0, weapons=("rocket",), intensity=3.0),),
    ... )
    >>> study = robust(scenario, samples=20, seed=1, workers=1)
    >>> study.solution.status, study.robust_x.ravel().tolist()
    ('optimal', [1, 0])
    """
    began = time.perf_counter()
    parse_objective(objective)  # a wrong name fails before any solve
    sources = check_sources(sources)
    table = table or compute_risk(scenario)
    options = _SolveOptions.of(scenario, solver, backend, time_limit, gap, threads)
    point = point_plan(
        scenario,
        objective="expected",
        backend=options.backend,
        time_limit=options.time_limit,
        gap=options.gap,
        threads=threads,
        table=table,
    )
    arrays, drawn = plan_samples(
        scenario, table, build_arrays(scenario, table, objective="expected"), samples, seed, sources
    )
    engine = _Engine(scheduler, executor, workers, progress)
    optima, ran = sample_optima(arrays, drawn, options, scenario.settings.seed, threads, engine)
    sampled_at = time.perf_counter()
    aggregator = _aggregator(objective, optima)
    sampled = SampledInstance(arrays.instance, drawn.values, drawn.p, aggregator)
    starts = [np.asarray(point.allocation, dtype=np.int64)]
    starts += [o.x for o in optima if o.x is not None]
    solution = solve_sampled(
        sampled,
        backend=options.backend,
        time_limit=options.time_limit,
        gap=options.gap,
        threads=threads,
        seed=scenario.settings.seed,
        starts=starts,
    )
    if solution.x is None:
        raise ValueError(f"no robust allocation found: {solution.message}")
    best = np.asarray(optima_values(optima))
    optima_x = [o.x for o in optima]
    return RobustResult(
        scenario_source=point.source,
        input_hashes=point.input_hashes,
        objective=objective,
        samples=drawn,
        base_ids=arrays.base_ids,
        system_ids=arrays.system_ids,
        point=point,
        optima=tuple(optima),
        solution=solution,
        robust_x=solution.x,
        robust_judged=_judged(sampled, solution.x, best),
        point_judged=_judged(sampled, starts[0], best),
        robust_stability=stability(solution.x, optima_x, arrays.base_ids, arrays.system_ids),
        point_stability=stability(starts[0], optima_x, arrays.base_ids, arrays.system_ids),
        point_residual_robust_x=arrays.instance.residual(solution.x),
        seconds_samples=sampled_at - began,
        seconds_robust=time.perf_counter() - sampled_at,
        workers=ran,
    )


@dataclass(frozen=True)
class _Engine:
    """What runs the samples' solves (see :func:`defplan.executor.run_all`)."""

    scheduler: str | None = None
    executor: Executor | None = None
    workers: int | None = None
    progress: bool = False


def sample_optima(
    arrays: PlanArrays,
    drawn: Samples,
    options: _SolveOptions,
    seed: int,
    threads: int | None,
    engine: _Engine,
) -> tuple[list[SampleOptimum], str]:
    """Every sample's own optimum, in sample order, and what ran them."""
    with scheduler_engine(engine.scheduler) as found_engine:
        chosen = engine.executor or found_engine
        workers = engine.workers
        chunks = 1 if workers == 1 and chosen is None else CHUNKS_PER_WORKER * (workers or 8)
        jobs = _jobs(arrays, drawn, options, seed, threads, chunks)
        ran = run_all(
            solve_samples,
            jobs,
            workers=workers,
            executor=chosen,
            description="samples",
            progress=engine.progress,
        )
    return [found for chunk in ran for found in chunk], ran.ran_on


def plan_stability(
    scenario: Scenario,
    allocation: IntArray,
    *,
    samples: int = 200,
    seed: int = 1,
    sources: tuple[str, ...] = SOURCES,
    solver: str | None = None,
    backend: str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
    table: RiskTable | None = None,
    objective: Objective = "expected",
    max_moves: int | None = None,
    inventory: dict[str, int] | None = None,
) -> pd.DataFrame:
    """How often each placement of ``allocation`` (B, S) is a draw's own optimum.

    Each draw is solved with the plan's own objective, ``max_moves`` and ``inventory``
    (pass the plan's: a plan held to no moves is judged against draws held to none).
    With the defaults the draws and their solves are :func:`robust`'s (same names,
    same seeds, so the shares equal robust.json's ``point_same_share`` for the point
    plan); returns :func:`~defplan.robust.judge.stability`'s frame.
    """
    sources = check_sources(sources)
    table = table or compute_risk(scenario)
    options = _SolveOptions.of(scenario, solver, backend, time_limit, gap, threads)
    arrays, drawn = plan_samples(
        scenario,
        table,
        build_arrays(
            scenario, table, objective=objective, max_moves=max_moves, inventory=inventory
        ),
        samples,
        seed,
        sources,
    )
    engine = _Engine(scheduler, executor, workers, progress)
    optima, _ = sample_optima(arrays, drawn, options, scenario.settings.seed, threads, engine)
    x = np.asarray(allocation, dtype=np.int64)
    return stability(x, [o.x for o in optima], arrays.base_ids, arrays.system_ids)


def _judged(sampled: SampledInstance, x: IntArray, optima: FloatArray) -> Judgement:
    """x across the samples, its move cost counted as the samples' optima count theirs."""
    instance = sampled.instance
    cost = instance.move_cost * instance.moves(x) if instance.move_cost > 0.0 else 0.0
    return Judgement(sampled.residuals(x), optima, cost=float(cost))


def optima_values(optima: list[SampleOptimum] | tuple[SampleOptimum, ...]) -> list[float]:
    """Each sample's optimum, NaN where its solve found no allocation."""
    return [o.objective if o.x is not None else math.nan for o in optima]


@dataclass(frozen=True)
class _SolveOptions:
    backend: str
    time_limit: float
    gap: float

    @classmethod
    def of(
        cls,
        scenario: Scenario,
        solver: str | None,
        backend: str | None,
        time_limit: float | None,
        gap: float | None,
        threads: int | None,
    ) -> _SolveOptions:
        settings = scenario.settings
        profile = load_profile(solver or settings.solver)
        limit = next(
            v for v in (time_limit, profile.time_limit_s, settings.time_limit_s) if v is not None
        )
        chosen_gap = next(v for v in (gap, profile.mip_gap, settings.mip_gap) if v is not None)
        if threads is not None and threads < 1:
            raise ValueError(f"threads {threads!r} is below 1")
        return cls(backend or profile.backend, float(limit), float(chosen_gap))


def _jobs(
    arrays: PlanArrays,
    drawn: Samples,
    options: _SolveOptions,
    seed: int,
    threads: int | None,
    chunks: int,
) -> list[SampleJob]:
    """The samples cut into at most ``chunks`` jobs of consecutive samples."""
    edges = np.linspace(0, drawn.count, min(chunks, drawn.count) + 1).round().astype(int)
    return [
        SampleJob(
            first=int(start),
            instance=arrays.instance,
            values=drawn.values[start:end],
            p=drawn.p[start:end],
            backend=options.backend,
            time_limit=options.time_limit,
            gap=options.gap,
            seed=seed,
            threads=threads,
        )
        for start, end in itertools.pairwise(edges.tolist())
        if end > start
    ]


def _aggregator(objective: str, optima: list[SampleOptimum]) -> Aggregator:
    name, alpha = parse_objective(objective)
    if name == "mean":
        return Mean()
    if name == "cvar":
        return CVaR(alpha)
    missing = [o.index for o in optima if o.x is None]
    if missing:
        raise ValueError(
            f"regret needs every sample's optimum; sample(s) {missing[:5]} found none "
            "(give the solver more time)"
        )
    return Regret(tuple(o.objective for o in optima))
