"""An attacker with k raids: the sum of the k largest residuals, solved exactly."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from defplan.model import attacker_objective, best_response, make_instance, solve
from defplan.model.brute import brute_force, least_total_among_optima
from defplan.model.instance import Instance, raids_of
from model_instances import instances


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-8)


@settings(max_examples=40, deadline=None)
@given(instances(), st.integers(1, 5))
def test_the_attackers_optimum_equals_brute_force(inst: Instance, raids: int) -> None:
    """Brute force over every allocation and every choice of k bases the attacker makes."""
    attacked = dataclasses.replace(inst, objective=attacker_objective(raids))
    best, best_x = brute_force(attacked)
    assume(best_x is not None)
    solution = solve(attacked, time_limit=30)
    assert solution.status == "optimal" and solution.x is not None
    assert not attacked.violations(solution.x)
    assert close(solution.objective, best), (solution.objective, best)
    residual = attacked.residual(solution.x)
    strikes = min(raids, attacked.n_bases)
    response = max(
        sum(float(residual[b]) for b in chosen)
        for chosen in itertools.combinations(range(attacked.n_bases), strikes)
    )
    assert close(response, solution.objective)
    assert solution.bound <= best + 1e-9 * max(1.0, best)
    # ties among the attacker's optima go to the least total, as under worst_case
    least = least_total_among_optima(attacked)
    assert float(residual.sum()) <= least + 1e-6 * max(1.0, least)


@settings(max_examples=30, deadline=None)
@given(instances())
def test_one_raid_is_the_worst_case_plan_exactly(inst: Instance) -> None:
    worst = dataclasses.replace(inst, objective="worst_case")
    one = dataclasses.replace(inst, objective=attacker_objective(1))
    a, b = solve(worst, time_limit=30), solve(one, time_limit=30)
    assert a.status == b.status
    if a.x is None or b.x is None:
        assert a.x is None and b.x is None
        return
    assert np.array_equal(a.x, b.x)
    assert a.objective == b.objective


def test_as_many_raids_as_bases_is_the_expected_plan() -> None:
    rng = np.random.default_rng(3)
    value = rng.uniform(0.1, 2.0, (6, 2))
    p = [[0.6, 0.2], [0.3, 0.7]]
    expected = solve(make_instance(value, p, [3, 2]))
    everything = solve(make_instance(value, p, [3, 2], objective=attacker_objective(9)))
    assert everything.status == "optimal" and everything.x is not None
    assert close(everything.objective, expected.objective)


def test_two_raids_split_the_units_between_the_two_bases_the_attacker_would_take() -> None:
    """Bases worth 4, 3 and 3; two units of p = 0.5, point systems. Both units at the
    4 leave 1, 3, 3 (two raids take 6); one at the 4 and one at a 3 leave 2, 1.5, 3
    (two raids take 5), the optimum."""
    two = make_instance([[4.0], [3.0], [3.0]], [[0.5]], [2], objective=attacker_objective(2))
    found = solve(two)
    assert found.status == "optimal" and found.x is not None
    assert found.x[0, 0] == 1 and found.x[1:, 0].sum() == 1
    assert close(found.objective, 5.0)


def test_the_best_response_names_the_k_largest_bases_largest_first() -> None:
    residual = np.array([0.5, 2.0, 0.0, 1.0, 2.0])
    assert best_response(residual, 3) == [1, 4, 3]
    assert best_response(residual, 9) == [1, 4, 3, 0]  # nothing to gain at base 2


@pytest.mark.parametrize("name", ["attacker", "attacker:0", "attacker:x", "attacker:-1"])
def test_a_malformed_attacker_objective_is_refused(name: str) -> None:
    assert raids_of(name) is None
    with pytest.raises(ValueError, match="attacker:k"):
        make_instance([[1.0]], [[0.5]], [1], objective=name)


def test_cp_sat_refuses_more_than_one_raid_with_the_backends_that_can() -> None:
    inst = make_instance([[1.0], [2.0]], [[0.5]], [1], objective=attacker_objective(2))
    with pytest.raises(ValueError, match="highs, scip or cbc"):
        solve(inst, backend="cp_sat")


@pytest.mark.parametrize("backend", ["scip", "cbc"])
def test_the_backends_agree_on_an_attackers_plan(backend: str) -> None:
    rng = np.random.default_rng(11)
    inst = make_instance(
        rng.uniform(0.1, 2.0, (10, 2)),
        [[0.6, 0.2], [0.3, 0.7]],
        [4, 3],
        objective=attacker_objective(3),
    )
    reference = solve(inst)
    other = solve(inst, backend=backend, time_limit=60)
    assert reference.status == other.status == "optimal"
    assert close(reference.objective, other.objective)
