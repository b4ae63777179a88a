"""One allocation over many samples: exact against brute force for every aggregator."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from defplan.model import Instance, solve
from defplan.model.aggregate import Aggregator, CVaR, Mean, Regret, TopSum
from defplan.model.brute import brute_force, feasible_allocations
from defplan.model.sampled import SampledInstance, solve_sampled
from model_instances import instances


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-8)


def _samples(inst: Instance, seed: int, count: int, vary_p: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    values = inst.value[None] * rng.gamma(2.0, 0.5, (count, *inst.value.shape))
    p = np.broadcast_to(inst.p, (count, *inst.p.shape)).copy()
    if vary_p:
        p = np.clip(p + rng.uniform(-0.2, 0.2, p.shape), 0.0, 1.0)
    return values, p


def _optima(inst: Instance, values: np.ndarray, p: np.ndarray) -> tuple[float, ...]:
    found = []
    for k in range(len(values)):
        best, _ = brute_force(dataclasses.replace(inst, value=values[k], p=p[k]))
        found.append(best)
    return tuple(found)


@settings(max_examples=25, deadline=None)
@given(
    instances(budgets=True),
    st.integers(0, 2**16),
    st.integers(1, 4),
    st.booleans(),
    st.sampled_from(["mean", "cvar", "regret", "top_sum"]),
)
def test_sampled_optimum_equals_brute_force(
    inst: Instance, seed: int, count: int, vary_p: bool, kind: str
) -> None:
    inst = dataclasses.replace(inst, objective="expected")
    values, p = _samples(inst, seed, count, vary_p)
    if (inst.lower > inst.upper).any() or (inst.lower.sum(axis=0) > inst.inventory).any():
        return
    if kind == "regret":
        optima = _optima(inst, values, p)
        if not all(math.isfinite(v) for v in optima):
            return
        aggregator: Aggregator = Regret(optima)
    elif kind == "top_sum":  # the two worst samples: an attacker's two raids over samples
        aggregator = TopSum(2)
    else:
        aggregator = Mean() if kind == "mean" else CVaR(0.6)
    sampled = SampledInstance(inst, values, p, aggregator)
    best = min(
        (sampled.objective_of(x) for x in feasible_allocations(inst)),
        default=math.inf,
    )
    found = solve_sampled(sampled, time_limit=30)
    if not math.isfinite(best):
        assert found.x is None
        return
    assert found.status == "optimal" and found.x is not None, found.message
    assert not inst.violations(found.x)
    assert close(found.objective, best), (found.objective, best)
    assert found.bound <= best + 1e-8 * max(1.0, abs(best))


@settings(max_examples=15, deadline=None)
@given(instances(budgets=True), st.integers(1, 4))
def test_samples_without_spread_give_the_point_plan(inst: Instance, count: int) -> None:
    inst = dataclasses.replace(inst, objective="expected")
    values = np.broadcast_to(inst.value, (count, *inst.value.shape)).copy()
    p = np.broadcast_to(inst.p, (count, *inst.p.shape)).copy()
    point = solve(inst, time_limit=30)
    for aggregator in (Mean(), CVaR(0.9)):
        found = solve_sampled(SampledInstance(inst, values, p, aggregator), time_limit=30)
        assert found.status == point.status or point.x is None
        if point.x is None:
            continue
        assert found.x is not None
        assert close(found.objective, point.objective)


@settings(max_examples=15, deadline=None)
@given(instances(budgets=False), st.integers(0, 2**16), st.integers(2, 4))
def test_cvar_at_level_zero_is_the_mean(inst: Instance, seed: int, count: int) -> None:
    inst = dataclasses.replace(inst, objective="expected")
    values, p = _samples(inst, seed, count, True)
    mean = solve_sampled(SampledInstance(inst, values, p, Mean()), time_limit=30)
    cvar = solve_sampled(SampledInstance(inst, values, p, CVaR(0.0)), time_limit=30)
    assert mean.status == cvar.status
    if mean.x is not None:
        assert close(mean.objective, cvar.objective)
        assert close(Mean().score(np.array([1.0])), CVaR(0.0).score(np.array([1.0])))


def test_cvar_score_is_the_mean_of_the_worst_share() -> None:
    totals = np.array([4.0, 1.0, 3.0, 2.0])
    assert CVaR(0.5).score(totals) == 3.5  # mean of 4 and 3
    assert CVaR(0.75).score(totals) == 4.0
    assert math.isclose(CVaR(0.0).score(totals), 2.5)


@settings(max_examples=25, deadline=None)
@given(instances(budgets=True), st.floats(0.0, 2.0))
def test_a_move_cost_is_solved_exactly(inst: Instance, cost: float) -> None:
    """min_move_gain: the objective adds a cost per unit taken from where it stands."""
    inst = dataclasses.replace(inst, move_cost=cost if inst.current is not None else 0.0)
    best, best_x = brute_force(inst)
    found = solve(inst, time_limit=30)
    if best_x is None:
        assert found.x is None
        return
    assert found.status == "optimal" and found.x is not None
    assert close(found.objective, best), (found.objective, best)
    assert close(inst.objective_of(found.x), found.objective)


def test_bounds_no_allocation_meets_are_infeasible_for_every_aggregator() -> None:
    """Lower bounds above the inventory: infeasible before any model is built, as the
    point solve says it, whatever the aggregator (HiGHS's presolve had answered Mean
    and CVaR differently on such a draw)."""
    from defplan.model import make_instance

    inst = make_instance([[1.0], [2.0]], [[0.5]], [1], lower=np.array([[1], [1]]))
    values, p = np.array([[[1.0], [2.0]], [[3.0], [1.0]]]), np.full((2, 1, 1), 0.5)
    for aggregator in (Mean(), CVaR(0.0), CVaR(0.5)):
        found = solve_sampled(SampledInstance(inst, values, p, aggregator), time_limit=30)
        assert found.status == "infeasible" and found.x is None
    assert solve(inst, time_limit=30).status == "infeasible"
