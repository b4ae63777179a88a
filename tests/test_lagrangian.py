"""The Lagrangian bound and its column generation never pass the optimum, the prices'
narrowed bounds keep one, and the priced solve proves what brute force finds."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import defplan.model.lagrangian as lagrangian
import defplan.model.outer_approximation as oa
from defplan.model import Instance, greedy, solve
from defplan.model.brute import brute_force
from defplan.model.columns import column_bound
from defplan.model.fixing import narrowed_bounds
from defplan.model.lagrangian import Prices, lagrangian_bound
from model_instances import instances

PRICED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def summed(draw: st.DrawFn) -> Instance:
    """An instance of the summed residual, sometimes with a move cost."""
    inst = draw(instances(most_bases=4))
    cost = draw(st.sampled_from([0.0, 0.0, 0.3, 2.0])) if inst.current is not None else 0.0
    return dataclasses.replace(inst, objective="expected", move_cost=cost)


def _optimum(inst: Instance) -> tuple[float, np.ndarray]:
    best, best_x = brute_force(inst)
    assume(best_x is not None)
    assert best_x is not None
    return best, best_x


def _priced(inst: Instance) -> tuple[np.ndarray, Prices]:
    """A feasible incumbent (greedy's) and the column generation's prices from it."""
    incumbent = greedy(inst)
    assume(incumbent is not None and not inst.violations(incumbent))
    assert incumbent is not None
    priced = column_bound(inst, incumbent, math.inf)
    assume(priced is not None)
    assert priced is not None
    return incumbent, priced


def _tolerance(value: float) -> float:
    return 1e-9 * max(1.0, abs(value))


@PRICED
@given(summed())
def test_the_lagrangian_bounds_are_below_the_optimum(inst: Instance) -> None:
    best, best_x = _optimum(inst)
    _bounds_below(inst, best, best_x)


def _bounds_below(inst: Instance, best: float, best_x: np.ndarray) -> Prices | None:
    """The stepped and the column generation's bounds, checked below the optimum
    ``best``; the column generation's prices."""
    start = greedy(inst)
    relaxed = (start if start is not None else inst.lower).astype(np.float64)
    stepped = lagrangian_bound(inst, relaxed, best, 40, math.inf)
    assert stepped is not None
    assert stepped.bound <= best + _tolerance(best)
    priced = column_bound(inst, best_x, math.inf, relaxed=relaxed)
    if priced is not None:
        assert priced.bound <= best + _tolerance(best)
    return priced


def test_other_objectives_are_not_priced() -> None:
    from defplan.model import make_instance

    inst = make_instance([[4.0], [1.0]], [[0.5]], [1], objective="worst_case")
    assert lagrangian_bound(inst, np.zeros((2, 1)), 4.0, 10, math.inf) is None
    assert column_bound(inst, np.array([[1], [0]]), math.inf) is None


@PRICED
@given(summed())
def test_narrowed_bounds_keep_the_incumbent_and_an_optimum(inst: Instance) -> None:
    best, _ = _optimum(inst)
    incumbent, priced = _priced(inst)
    low, high = narrowed_bounds(inst, priced, incumbent)
    assert (inst.lower <= low).all() and (high <= inst.upper).all()
    assert (low <= incumbent).all() and (incumbent <= high).all()
    narrowed_best, _ = brute_force(dataclasses.replace(inst, lower=low, upper=high))
    assert narrowed_best <= best + _tolerance(best)


@PRICED
@given(summed())
def test_the_priced_solve_proves_the_brute_force_optimum(
    inst: Instance,
) -> None:
    best, _ = _optimum(inst)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(oa, "SEARCH_CELLS", 1)
        found = solve(inst, time_limit=60)
    assert found.x is not None
    assert inst.violations(found.x) == []
    assert found.status == "optimal"
    assert abs(found.objective - best) <= 1e-6 * max(1.0, inst.risk_size)
    assert found.bound <= best + _tolerance(best)


@PRICED
@given(summed())
def test_the_priced_start_keeps_every_rule(inst: Instance) -> None:
    from defplan.model.columns import lagrangian_start

    best, _ = _optimum(inst)
    _, priced = _priced(inst)
    found = lagrangian_start(inst, priced, math.inf)
    if inst.max_moves is None and inst.residual_cap is None:
        # the master keeps to every other rule: completed, its allocation is a start
        assert found is not None
    if found is not None:
        # an allocation of the instance: no better than the optimum, nor the bound
        value = inst.objective_of(found)
        assert value >= best - _tolerance(best)
        assert value >= priced.bound - _tolerance(value)


@PRICED
@given(summed())
def test_bases_too_wide_to_enumerate_keep_the_bounds_below_the_optimum(inst: Instance) -> None:
    """With every base past the enumeration limit, each base's problem is bounded by
    its floor and its least price, not solved: the bounds and the narrowing still hold."""
    best, best_x = _optimum(inst)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lagrangian, "ENUMERATION_LIMIT", 1)
        priced = _bounds_below(inst, best, best_x)
        if priced is None:
            return
        low, high = narrowed_bounds(inst, priced, best_x)
    assert (low <= best_x).all() and (best_x <= high).all()
    narrowed_best, _ = brute_force(dataclasses.replace(inst, lower=low, upper=high))
    assert narrowed_best <= best + _tolerance(best)
