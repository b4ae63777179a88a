"""Raids: salvos against units with a few engagements each, solved exactly.

The raid model is today's model over pseudo-classes (defplan.model.raids): these
tests check that unlimited capacity gives back today's model bit for bit, that the
pseudo-classes reproduce the formula, and that the solver's optimum equals a brute
force that scores every allocation with the formula itself."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from defplan.model import make_instance, solve
from defplan.model.brute import feasible_allocations
from defplan.model.instance import Instance, IntArray, attacker_objective
from defplan.model.raids import (
    Raids,
    Salvo,
    expand,
    expected_leakers,
    make_raids,
    pooled_salvo_mean,
    salvo_distribution,
)
from model_instances import instances


@st.composite
def raid_specs(
    draw: st.DrawFn, n_classes: int, n_systems: int, reload_bases: int | None = None
) -> Raids:
    """A salvo of 1 to 5 rounds per class (any pmf) and 1 to 3 engagements per unit,
    or unlimited, per system; with ``reload_bases``, reload hours per system (some
    shared, some 0) and raid rates for that many bases."""
    salvos = []
    for _ in range(n_classes):
        weights = np.array([draw(st.integers(0, 4)) for _ in range(draw(st.integers(1, 5)))])
        if weights.sum() == 0:
            weights[-1] = 1
        salvos.append(Salvo(weights / weights.sum()))
    capacity = [draw(st.sampled_from([math.inf, 1.0, 2.0, 3.0])) for _ in range(n_systems)]
    if reload_bases is None:
        return make_raids(salvos, capacity)
    hours = [draw(st.sampled_from([0.0, 500.0, 2_000.0, 8_760.0])) for _ in range(n_systems)]
    rate = [draw(st.sampled_from([0.0, 0.5, 2.0, 10.0])) for _ in range(reload_bases)]
    return make_raids(salvos, capacity, hours, rate)


def formula_residual(inst: Instance, spec: Raids, x: IntArray) -> np.ndarray:
    """Residual per base straight from the raid formula: value × E[leakers] / E[N]."""
    leakers = expected_leakers(inst.defending(x), inst.p, spec)
    means = np.array([s.mean for s in spec.salvo])
    return np.asarray((inst.value * leakers / means).sum(axis=1))


def with_raids(base: Instance, spec: Raids) -> Instance:
    """The same instance (bounds, budget, objective) with raids."""
    return make_instance(
        base.value,
        base.p,
        base.inventory,
        coverage=base.coverage,
        lower=base.lower,
        upper=base.upper,
        current=base.current,
        max_moves=base.max_moves,
        objective=base.objective,
        blend_weight=base.blend_weight,
        raids=spec,
    )


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-8)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_the_raid_optimum_equals_brute_force_over_the_formula(data: st.DataObject) -> None:
    """Every objective (expected, worst_case, blend, an attacker's k raids), area
    coverage, bounds and move budgets: the solver on the pseudo-classes against every
    feasible allocation scored with the formula."""
    base = data.draw(instances(most_bases=3))
    if data.draw(st.booleans()):
        base = dataclasses.replace(base, objective=attacker_objective(data.draw(st.integers(1, 3))))
    spec = data.draw(raid_specs(base.n_classes, base.n_systems))
    assert_brute_force(base, spec)


def assert_brute_force(base: Instance, spec: Raids) -> None:
    """The solver's optimum on the raid instance equals the best feasible allocation
    scored with the formula (skipped when nothing is feasible)."""
    best = min(
        (base.score(formula_residual(base, spec, x)) for x in feasible_allocations(base)),
        default=math.inf,
    )
    assume(math.isfinite(best))
    found = solve(with_raids(base, spec), time_limit=30)
    assert found.status == "optimal" and found.x is not None
    assert not base.violations(found.x)
    assert close(base.score(formula_residual(base, spec, found.x)), best)
    assert close(found.objective, best), (found.objective, best)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_pseudo_classes_reproduce_the_formula(data: st.DataObject) -> None:
    base = data.draw(instances(most_bases=3, budgets=False))
    spec = data.draw(raid_specs(base.n_classes, base.n_systems))
    raided = make_instance(base.value, base.p, base.inventory, coverage=base.coverage, raids=spec)
    x = np.array(
        [[data.draw(st.integers(0, 3)) for _ in range(base.n_systems)] for _ in range(base.n_bases)]
    )
    means = np.array([s.mean for s in spec.salvo])
    by_threat = base.value * expected_leakers(base.defending(x), base.p, spec) / means
    assert np.allclose(raided.residual_by_threat(x), by_threat, rtol=1e-12, atol=1e-300)
    assert raided.n_threats == base.n_classes


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_unlimited_capacity_is_todays_model_exactly(data: st.DataObject) -> None:
    """Any salvo, no capacity: the arrays are today's (the same bits), so is the plan."""
    base = data.draw(instances(most_bases=3))
    spec = data.draw(raid_specs(base.n_classes, base.n_systems))
    spec = make_raids(spec.salvo, [math.inf] * base.n_systems)
    raided = with_raids(base, spec)
    assert raided.class_of is None
    assert np.array_equal(raided.value, base.value) and np.array_equal(raided.p, base.p)
    a, b = solve(base, time_limit=30), solve(raided, time_limit=30)
    assert a.status == b.status and a.objective == b.objective
    if a.x is None or b.x is None:
        assert a.x is None and b.x is None
    else:
        assert np.array_equal(a.x, b.x)


def test_capacity_at_least_the_largest_salvo_never_binds() -> None:
    spec = make_raids([salvo_distribution(1.0), Salvo(np.array([0.2, 0.8]))], [2.0])
    value, p, of = expand(np.array([[1.0, 2.0]]), np.array([[0.5, 0.5]]), spec)
    assert of.tolist() == [0, 1] and value.tolist() == [[1.0, 2.0]] and p.tolist() == [[0.5, 0.5]]


def test_a_saturating_salvo_draws_the_second_unit() -> None:
    """Base A is raided with salvos of 4 rounds (value 1), base B with single rounds
    (value 0.2); two point units of p = 0.9. Unlimited, the units split: both at A
    leave 0.01 + 0.2, one each 0.1 + 0.02. When a unit engages only 2 rounds a raid,
    one unit at A stops 0.9 · 2/4 of each round (0.55 left) and the second takes that
    to 0.3025: worth more than B's 0.18, so both go to A (0.5025)."""
    both = np.array([[1.0, 0.0], [0.0, 0.2]])
    p = np.array([[0.9, 0.9]])
    upper = np.array([[2], [2]])
    unlimited = solve(make_instance(both, p, [2], upper=upper))
    spec = make_raids([Salvo(np.array([0.0, 0.0, 0.0, 1.0])), Salvo.single()], [2.0])
    limited = solve(make_instance(both, p, [2], upper=upper, raids=spec))
    assert unlimited.x is not None and limited.x is not None
    assert unlimited.x.ravel().tolist() == [1, 1] and close(unlimited.objective, 0.12)
    assert limited.x.ravel().tolist() == [2, 0] and close(limited.objective, 0.5025)


@pytest.mark.parametrize(("mean", "dispersion"), [(1.0, None), (2.5, None), (6.0, 1.5), (30.0, 4)])
def test_salvo_distribution_has_its_mean(mean: float, dispersion: float | None) -> None:
    salvo = salvo_distribution(mean, dispersion)
    assert abs(salvo.mean - mean) < 1e-6
    assert salvo.pmf.min() >= 0.0 and abs(salvo.pmf.sum() - 1.0) < 1e-12


@pytest.mark.parametrize("mean", [745.0, 800.0, 1500.0])
def test_a_large_salvo_keeps_its_mean_instead_of_underflowing(mean: float) -> None:
    salvo = salvo_distribution(mean)  # exp(-m) underflows to 0 past m ≈ 745
    assert np.isfinite(salvo.pmf).all() and abs(salvo.mean - mean) < 1e-6


@pytest.mark.parametrize(("mean", "dispersion"), [(100.0, 0.1), (3000.0, None)])
def test_a_salvo_past_the_largest_size_is_refused_not_cut(
    mean: float, dispersion: float | None
) -> None:
    with pytest.raises(ValueError, match="past 2,000 rounds"):
        salvo_distribution(mean, dispersion)


def test_pooled_mean_is_a_credibility_weighted_average() -> None:
    assert pooled_salvo_mean(5.0, 1.0, [1]) == 3.0
    assert pooled_salvo_mean(5.0, 0.0, [2, 4]) == 3.0


def test_bad_raids_are_refused() -> None:
    with pytest.raises(ValueError, match="capacity"):
        make_raids([Salvo.single()], [0.0])
    with pytest.raises(ValueError, match="mean"):
        salvo_distribution(0.5)
    with pytest.raises(ValueError, match="salvos"):
        make_instance([[1.0]], [[0.5]], [1], raids=make_raids([], [1.0]))


@settings(max_examples=15, deadline=None)
@given(st.data(), st.sampled_from(["scip", "cbc", "cp_sat"]))
def test_every_backend_agrees_on_raids(data: st.DataObject, backend: str) -> None:
    """The tangent backends take the merged pairs, CP-SAT its per-base profiles of the
    pseudo-classes: the same optimum as HiGHS."""
    base = data.draw(instances(most_bases=3, budgets=False))
    spec = data.draw(raid_specs(base.n_classes, base.n_systems))
    raided = with_raids(base, spec)
    reference = solve(raided, time_limit=30)
    assume(reference.x is not None)
    try:
        found = solve(raided, backend=backend, time_limit=30)
    except ValueError as exc:  # a backend not installed, or CP-SAT's limits
        pytest.skip(str(exc))
    assert found.status == "optimal" and close(found.objective, reference.objective)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_the_reloading_optimum_equals_brute_force_over_the_formula(data: st.DataObject) -> None:
    """Reload times and raid rates on top of salvos and capacities: the solver on the
    pseudo-classes (salvo groups × reload states) against every feasible allocation
    scored with the formula's expectation over the reload states."""
    base = data.draw(instances(most_bases=3))
    if data.draw(st.booleans()):
        base = dataclasses.replace(base, objective=attacker_objective(data.draw(st.integers(1, 3))))
    spec = data.draw(raid_specs(base.n_classes, base.n_systems, reload_bases=base.n_bases))
    raided = with_raids(base, spec)
    x = np.array(
        [[data.draw(st.integers(0, 3)) for _ in range(base.n_systems)] for _ in range(base.n_bases)]
    )
    assert np.allclose(raided.residual(x), formula_residual(base, spec, x), rtol=1e-12, atol=1e-300)
    assert_brute_force(base, spec)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_no_reload_time_is_the_model_without_reloads_bit_for_bit(data: st.DataObject) -> None:
    base = data.draw(instances(most_bases=3, budgets=False))
    spec = data.draw(raid_specs(base.n_classes, base.n_systems))
    instant = make_raids(spec.salvo, spec.capacity, [0.0] * base.n_systems, [1.0] * base.n_bases)
    a, b = with_raids(base, spec), with_raids(base, instant)
    assert np.array_equal(a.value, b.value) and np.array_equal(a.p, b.p)
    assert (a.class_of is None and b.class_of is None) or np.array_equal(a.class_of, b.class_of)  # type: ignore[arg-type]
    x = np.ones((base.n_bases, base.n_systems), dtype=np.int64)
    d = base.defending(x)
    assert np.array_equal(expected_leakers(d, base.p, spec), expected_leakers(d, base.p, instant))


def test_a_reloading_magazine_engages_nothing_at_every_unit_of_the_base() -> None:
    """Single rounds, p = 0.9, a reload of 876 h (0.1 year) and one raid a year: a raid
    finds the magazines refilling with q = 1 − e^{−0.1}. Both units of the base reload
    together (they fired at the same raid), so two of them leave q + (1 − q) 0.01,
    not (q + (1 − q) 0.1)²; the slower second system only adds a state."""
    q = -math.expm1(-0.1)
    spec = make_raids([Salvo.single()], [math.inf], [876.0], [1.0])
    leak = expected_leakers(np.array([[2.0]]), np.array([[0.9]]), spec)
    assert math.isclose(float(leak[0, 0]), q + (1 - q) * 0.01, rel_tol=1e-12)
    inst = make_instance([[1.0]], [[0.9]], [2], raids=spec)
    assert inst.value.shape == (1, 2) and math.isclose(float(inst.value.sum()), 1.0)
    assert math.isclose(float(inst.residual(np.array([[2]]))[0]), float(leak[0, 0]))
    two = make_raids([Salvo.single()], [math.inf, math.inf], [876.0, 1_752.0], [1.0])
    states = two.states(np.array([True, True]))
    assert [ready.tolist() for _, ready in states] == [[False, False], [True, False], [True, True]]
    assert math.isclose(sum(float(prob[0]) for prob, _ in states), 1.0)
    assert math.isclose(float(states[2][0][0]), math.exp(-0.2))


def test_bad_reloads_are_refused() -> None:
    with pytest.raises(ValueError, match="rates"):
        make_raids([Salvo.single()], [1.0], [10.0])
    with pytest.raises(ValueError, match="reload_hours"):
        make_raids([Salvo.single()], [1.0], [-1.0], [1.0])
    with pytest.raises(ValueError, match="rates"):
        make_instance(
            [[1.0]], [[0.5]], [1], raids=make_raids([Salvo.single()], [1.0], [5.0], [1.0, 2.0])
        )
