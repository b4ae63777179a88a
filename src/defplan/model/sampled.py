"""One allocation over many samples of an uncertain theater, solved exactly.

Sample k has its own risks ``values[k]`` (B, C) and intercept probabilities ``p[k]``
(S, C); the units, coverage, bounds, inventory and move budget are the instance's
and the same in every sample. Each sample's residual is convex in the same summed
exponents as the point model,

    residual_k[b] = Σ_c values[k, b, c] × exp(Σ_s ln(1 − p[k, s, c]) · n[b, s]),

so the point model's epigraphs and chords extend sample by sample (samples whose
p[·, c] agree share one exponent y[b, c]), and an aggregator
(:mod:`defplan.model.aggregate`) joins the samples' totals into the objective. The
outer approximation of :mod:`defplan.model.outer_approximation` runs unchanged on it.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np

from defplan.model.aggregate import Aggregator, SampleTotal
from defplan.model.backends import backend as chosen_backend
from defplan.model.backends import runner
from defplan.model.formulation import (
    Formulation,
    PairSet,
    add_allocation,
    add_residual_pairs,
    model_scale,
)
from defplan.model.instance import MIN_LEAK, FloatArray, Instance, IntArray
from defplan.model.linear import LinearModel
from defplan.model.outer_approximation import (
    _infeasible,
    _Loop,
    _outer_approximation,
    _Settings,
    bounds_conflict,
)
from defplan.model.solution import OPTIMALITY_TOLERANCE, Solution, relative_gap


@dataclass(frozen=True, eq=False)
class SampledInstance:
    """K samples of one theater and how their residuals are judged together.

    ``instance`` carries everything the samples share (coverage, bounds, inventory,
    today's deployment, move budget); ``values`` (K, B, C) and ``p`` (K, S, C) are the
    samples' risks and intercept probabilities.
    """

    instance: Instance
    values: FloatArray
    p: FloatArray
    aggregator: Aggregator
    log_leak: FloatArray = field(init=False, repr=False)  # (K, S, C)
    risk_size: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        inst = self.instance
        if self.values.ndim != 3 or self.values.shape[1:] != inst.value.shape:
            raise ValueError(f"values {self.values.shape} must be (K, {inst.value.shape})")
        if self.p.shape != (self.values.shape[0], *inst.p.shape):
            raise ValueError(f"p {self.p.shape} must be (K, {inst.p.shape})")
        if (self.values < 0).any() or not np.isfinite(self.values).all():
            raise ValueError("values must be finite and ≥ 0")
        if ((self.p < 0) | (self.p > 1)).any():
            raise ValueError("p must lie in [0, 1]")
        object.__setattr__(self, "log_leak", np.log(np.maximum(1.0 - self.p, MIN_LEAK)))
        largest = float(self.values.sum(axis=2).mean(axis=0).max(initial=0.0))
        object.__setattr__(self, "risk_size", largest if 1e-300 <= largest < np.inf else 1.0)

    @property
    def n_samples(self) -> int:
        return int(self.values.shape[0])

    def sample(self, k: int) -> Instance:
        """Sample k as a point instance (its own risks and intercept probabilities)."""
        return dataclasses.replace(self.instance, value=self.values[k], p=self.p[k])

    def residuals(self, x: IntArray) -> FloatArray:
        """Residual per sample and base (K, B) under allocation x."""
        defending = self.instance.defending(x)  # (B, S)
        exponent = np.einsum("bs,ksc->kbc", defending, self.log_leak)
        return np.asarray((self.values * np.exp(exponent)).sum(axis=2), dtype=np.float64)

    def totals(self, x: IntArray) -> FloatArray:
        """The theater's summed residual in each sample (K,)."""
        return np.asarray(self.residuals(x).sum(axis=1), dtype=np.float64)

    def objective_of(self, x: IntArray) -> float:
        """The aggregate of the samples' totals, plus the instance's move cost."""
        value = self.aggregator.score(self.totals(x))
        if self.instance.move_cost > 0.0:
            value += self.instance.move_cost * self.instance.moves(x)
        return value

    def violations(self, x: IntArray) -> list[str]:
        return self.instance.violations(x)

    def residual_floor_score(self) -> float:
        """A bound no allocation beats: the aggregate of each sample's floor (every unit
        that could defend a base defending it); aggregators are monotone."""
        floors = [float(self.sample(k).residual_floor().sum()) for k in range(self.n_samples)]
        return self.aggregator.score(np.asarray(floors))


@dataclass
class SampledFormulation(Formulation):
    """The point formulation's pairs for every sample, plus the aggregator's columns."""

    sample_totals: list[SampleTotal] = field(default_factory=list)
    aggregator_cols: list[int] = field(default_factory=list)
    aggregator: Aggregator | None = None

    def values_for(self, x: IntArray) -> FloatArray:
        values = super().values_for(x)
        if self.aggregator is not None and self.aggregator_cols:
            totals = np.array(
                [float(values[t.t_cols].sum()) + t.constant for t in self.sample_totals]
            )
            start = self.aggregator.start_values(totals, self.scale)
            values[self.aggregator_cols] = start
        return values


def formulate_sampled(sampled: SampledInstance) -> SampledFormulation:
    """The MILP of one allocation judged over every sample, with its initial cuts."""
    inst = sampled.instance
    model = LinearModel()
    mean_values = sampled.values.mean(axis=0)
    scale = model_scale(dataclasses.replace(inst, value=mean_values))
    x_col, move_col = add_allocation(model, inst, scale)
    pairs = PairSet(n_systems=inst.n_systems)
    n_samples = sampled.n_samples
    weight = 1.0 / n_samples
    linear = sampled.aggregator.linear
    constant = np.zeros((n_samples, inst.n_bases))
    offset = 0.0  # the mean's residual no system can touch, already weighted
    for c, groups in _groups_by_class(sampled.log_leak).items():
        for members in groups:
            leak = sampled.log_leak[members[0]]
            masked = [_only_class(sampled.values[k], c) * scale for k in members]
            if linear:
                merged = [np.sum(masked, axis=0) * weight]
                found = add_residual_pairs(model, inst, x_col, leak, merged, [1.0], pairs)
                offset += float(found[0].sum())
            else:
                first = len(pairs.t)
                found = add_residual_pairs(
                    model, inst, x_col, leak, masked, [0.0] * len(members), pairs
                )
                for i in range(first, len(pairs.t)):
                    pairs.owner[i] = members[pairs.owner[i]]
                for i, k in enumerate(members):
                    constant[k] += found[i]
    totals = [
        SampleTotal(t_cols=pairs.t_of(k) if not linear else [], constant=float(constant[k].sum()))
        for k in range(n_samples)
    ]
    model.offset = offset
    aggregator_cols = sampled.aggregator.add_rows(model, totals, scale)
    built = pairs.formulation(
        model,
        inst,
        x_col,
        move_col,
        -1,
        constant.mean(axis=0),
        scale,
        kind=SampledFormulation,
        sample_totals=totals,
        aggregator_cols=aggregator_cols,
        aggregator=sampled.aggregator,
    )
    assert isinstance(built, SampledFormulation)
    return built


def _groups_by_class(log_leak: FloatArray) -> dict[int, list[list[int]]]:
    """Per class, the samples grouped by equal ln(1 − p[·, c]) (first-seen order)."""
    groups: dict[int, list[list[int]]] = {}
    for c in range(log_leak.shape[2]):
        seen: dict[bytes, list[int]] = {}
        for k in range(log_leak.shape[0]):
            seen.setdefault(log_leak[k, :, c].tobytes(), []).append(k)
        groups[c] = list(seen.values())
    return groups


def _only_class(value: FloatArray, c: int) -> FloatArray:
    masked = np.zeros_like(value)
    masked[:, c] = value[:, c]
    return masked


def solve_sampled(
    sampled: SampledInstance,
    *,
    backend: str = "highs",
    time_limit: float = 60.0,
    gap: float = 0.0,
    threads: int | None = None,
    seed: int = 0,
    starts: list[IntArray] | None = None,
) -> Solution:
    """The allocation that minimises the aggregator over all samples, and its proof.

    ``starts`` are candidate allocations (the samples' own optima, the point plan);
    the best feasible one starts the search and is reported as the ``greedy`` plan.
    Status, bound and gap mean what they mean for :func:`defplan.model.solve`.

    Examples
    --------
    >>> from defplan.model import make_instance
    >>> from defplan.model.aggregate import Mean
    >>> inst = make_instance([[1.0], [2.0]], [[0.5]], [1])
    >>> values = np.array([[[1.0], [2.0]], [[3.0], [1.0]]])
    >>> found = solve_sampled(SampledInstance(inst, values, np.full((2, 1, 1), 0.5), Mean()))
    >>> found.status, found.x.ravel().tolist(), round(found.objective, 6)
    ('optimal', [1, 0], 2.5)
    """
    if chosen_backend(backend).solves != "linear":
        raise ValueError(
            f"backend {backend!r} solves a model of its own, which has no samples; "
            "use highs, scip or cbc for a robust plan"
        )
    began = time.perf_counter()
    run = runner(backend)
    best_x, best_value = _best_start(sampled, starts or [])
    if bounds_conflict(sampled.instance):
        return _infeasible(sampled.instance, backend, began, 0, best_value, None)
    formulation = formulate_sampled(sampled)
    if best_x is not None:
        formulation.cut_at(best_x)
    lower = sampled.residual_floor_score()
    settings = _Settings(run, began + time_limit, gap, threads, seed)
    loop = _Loop(best_x, best_value, lower, 0, "", None)
    if formulation.model.n_cols > 0:
        loop = _outer_approximation(sampled, formulation, settings, best_x, best_value, lower)
    elif best_x is None:
        best_x = np.zeros_like(sampled.instance.lower)
        loop = _Loop(best_x, sampled.objective_of(best_x), lower, 0, "", None)
    seconds = time.perf_counter() - began
    if loop.best_x is None:
        status = "infeasible" if loop.failed is not None else "time_limit"
        return Solution(
            status=status,  # type: ignore[arg-type]
            x=None,
            objective=math.inf,
            bound=math.inf if status == "infeasible" else loop.lower,
            backend=backend,
            seconds=seconds,
            iterations=loop.rounds,
            greedy_x=None,
            greedy_objective=best_value,
            message=loop.message or "no feasible allocation",
            risk_size=sampled.risk_size,
        )
    final_gap = relative_gap(loop.best_value, loop.lower, sampled.risk_size)
    status = "optimal" if final_gap <= OPTIMALITY_TOLERANCE else "time_limit"
    if status != "optimal" and final_gap <= max(gap, OPTIMALITY_TOLERANCE):
        status = "gap_limit"
    return Solution(
        status=status,  # type: ignore[arg-type]
        x=loop.best_x,
        objective=loop.best_value,
        bound=min(loop.lower, loop.best_value) if status == "optimal" else loop.lower,
        backend=backend,
        seconds=seconds,
        iterations=loop.rounds,
        greedy_x=best_x,
        greedy_objective=best_value,
        message=loop.message,
        risk_size=sampled.risk_size,
    )


def _best_start(sampled: SampledInstance, starts: list[IntArray]) -> tuple[IntArray | None, float]:
    """The feasible candidate with the least objective (first among equals)."""
    best_x: IntArray | None = None
    best_value = math.inf
    for x in starts:
        if sampled.violations(x):
            continue
        value = sampled.objective_of(x)
        if value < best_value:
            best_x, best_value = x, value
    return best_x, best_value
