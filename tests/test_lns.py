"""The large-neighbourhood search and the cyclic exchanges: never worse than their
start, always within the rules and budgets, deterministic for a seed."""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from defplan.model import Coverage, Instance, greedy, make_instance
from defplan.model.exchange import cyclic_exchange
from defplan.model.heuristic import State
from defplan.model.lns import improved_starts, large_neighbourhood_search, restrict
from defplan.model.relaxation import relaxed_allocation
from defplan.model.wta_format import WtaInstance, generate_wta, to_instance
from model_instances import greedy_start, instances

SEARCH = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SEARCH
@given(instances(most_bases=6))
def test_search_is_never_worse_than_its_start_and_keeps_every_rule(inst: Instance) -> None:
    start = greedy_start(inst)
    found = large_neighbourhood_search(inst, start, time_limit=30, seed=3, max_steps=6)
    assert inst.violations(found.x) == []
    assert found.objective <= inst.objective_of(start) + 1e-12 * max(1.0, inst.risk_size)
    assert found.objective == inst.objective_of(found.x)


@SEARCH
@given(instances(most_bases=6))
def test_search_is_deterministic_for_a_seed(inst: Instance) -> None:
    start = greedy_start(inst)
    first = large_neighbourhood_search(inst, start, time_limit=30, seed=11, max_steps=4)
    again = large_neighbourhood_search(inst, start, time_limit=30, seed=11, max_steps=4)
    assert np.array_equal(first.x, again.x)
    assert first.objective == again.objective


@SEARCH
@given(instances(most_bases=6))
def test_exchanges_never_raise_the_objective_nor_break_a_rule(inst: Instance) -> None:
    start = greedy_start(inst)
    state = State.of(inst, start)
    cyclic_exchange(state)
    assert inst.violations(state.x) == []
    assert state.score <= inst.objective_of(start) + 1e-12 * max(1.0, inst.risk_size)
    assert np.isclose(state.score, inst.objective_of(state.x), rtol=1e-9, atol=1e-12)


@SEARCH
@given(instances(most_bases=6))
def test_restricted_instance_scores_what_the_freed_cells_change(inst: Instance) -> None:
    """For the summed objective: the restricted objective of the freed cells plus what
    the untouched bases keep is the whole allocation's objective."""
    assume(inst.objective == "expected")
    x = greedy_start(inst)
    rng = np.random.default_rng(inst.n_bases)
    free = rng.random(x.shape) < 0.5
    sub, keep = restrict(inst, x, free)
    outside = np.setdiff1d(np.arange(inst.n_bases), keep)
    rest = float(inst.residual(x)[outside].sum())
    inside = np.where(free[keep] & (inst.upper[keep] > 0), x[keep], 0)
    assert sub.violations(inside) == []
    assert np.isclose(sub.objective_of(inside) + rest, inst.objective_of(x), rtol=1e-9, atol=1e-12)


def test_a_cyclic_exchange_of_three_weapons_is_found() -> None:
    """Each weapon is placed on the target the next one kills best: greedy's order
    leaves every weapon one target off, and only moving all three at once helps."""
    p = np.array([[0.5, 0.9, 0.1], [0.1, 0.5, 0.9], [0.9, 0.1, 0.5]])
    inst = to_instance(WtaInstance(values=np.array([10.0, 10.0, 10.0]), p=p, mu=1))
    start = np.eye(3, dtype=np.int64)  # weapon w on target w: each kills with 0.5
    state = State.of(inst, start)
    made = cyclic_exchange(state)
    assert made >= 1
    assert np.isclose(state.score, 3.0)  # every target now gets its 0.9 weapon


def test_a_path_exchange_uses_a_spare_unit_through_the_pool() -> None:
    """One area unit stands where it covers little; a path exchange moves it to the
    site covering the most risk."""
    cover = Coverage.from_pairs([(0, 0), (1, 1), (1, 2), (1, 3)])
    inst = make_instance(
        [[1.0], [1.0], [1.0], [1.0]],
        [[0.5]],
        [1],
        coverage=[cover],
        upper=np.ones((4, 1), dtype=np.int64),
    )
    state = State.of(inst, np.array([[1], [0], [0], [0]]))
    assert cyclic_exchange(state) >= 1
    assert state.x[:, 0].tolist() == [0, 1, 0, 0]


def test_search_improves_a_poor_start_on_a_weapon_target_instance() -> None:
    rng = np.random.default_rng(5)
    wta = WtaInstance(
        values=rng.integers(25, 101, 12).astype(float), p=rng.uniform(0.3, 0.9, (6, 12)), mu=2
    )
    inst = to_instance(wta)
    poor = np.zeros((12, 6), dtype=np.int64)
    poor[0] = 2  # every weapon on the first target
    found = large_neighbourhood_search(inst, poor, time_limit=30, seed=0)
    assert found.objective < 0.5 * inst.objective_of(poor)
    assert found.improvements + found.exchanges >= 1
    assert inst.violations(found.x) == []


@SEARCH
@given(instances(most_bases=6, budgets=False))
def test_relaxation_stays_in_the_polytope_and_never_raises_the_relaxed_sum(
    inst: Instance,
) -> None:
    start = greedy_start(inst).astype(np.float64)
    relaxed = relaxed_allocation(inst, start, iterations=50)
    tolerance = 1e-9
    assert (relaxed >= inst.lower - tolerance).all()
    assert (relaxed <= inst.upper + tolerance).all()
    assert (relaxed.sum(axis=0) <= inst.inventory + tolerance).all()

    def summed(x: np.ndarray) -> float:
        return float((inst.value * np.exp(inst.defending(x) @ inst.log_leak)).sum())

    assert summed(relaxed) <= summed(start) * (1 + 1e-12) + 1e-15


@SEARCH
@given(instances(most_bases=6))
def test_improved_starts_are_feasible_and_no_worse_than_the_start(inst: Instance) -> None:
    start = greedy_start(inst)
    for x in improved_starts(inst, start):
        assert inst.violations(x) == []
        assert inst.objective_of(x) <= inst.objective_of(start) + 1e-12 * max(1.0, inst.risk_size)


def test_search_never_returns_an_allocation_that_costs_more_with_its_moves() -> None:
    """A move cost (min_move_gain) is part of the objective: moving the unit to the
    riskier base gains 0.45 in risk but costs 1 in moves, so the search keeps it."""
    inst = make_instance(
        [[1.0], [0.1]],
        [[0.5]],
        [1],
        current=np.array([[0], [1]]),
        move_cost=1.0,
    )
    start = np.array([[0], [1]], dtype=np.int64)
    found = large_neighbourhood_search(inst, start, time_limit=30, seed=0)
    assert found.objective <= inst.objective_of(start)
    assert found.x.tolist() == [[0], [1]]


def _capped_at_start(seed: int) -> tuple[Instance, np.ndarray]:
    """Four weapons on six targets, each at a random target, and every target's
    residual capped at the start's worst: the exchanges that lower the sum most leave
    a target undefended above the cap."""
    rng = np.random.default_rng(seed)
    wta = WtaInstance(
        values=rng.integers(25, 101, 6).astype(float), p=rng.uniform(0.3, 0.9, (4, 6)), mu=1
    )
    inst = to_instance(wta)
    x = np.zeros((6, 4), dtype=np.int64)
    for s in range(4):
        x[rng.integers(6), s] = 1
    cap = float(inst.residual(x).max()) * (1 + 1e-9)
    return dataclasses.replace(inst, residual_cap=cap), x


@pytest.mark.parametrize("seed", [69, 140])
def test_exchanges_and_the_search_keep_the_residual_cap(seed: int) -> None:
    inst, start = _capped_at_start(seed)
    state = State.of(inst, start)
    cyclic_exchange(state)
    assert inst.violations(state.x) == []
    found = large_neighbourhood_search(inst, start, time_limit=30, seed=0, max_steps=4)
    assert inst.violations(found.x) == []
    assert found.objective <= inst.objective_of(start)


def test_exchanges_weigh_the_move_cost() -> None:
    """Moving the unit to the riskier base removes 0.45 of risk and costs 1.0."""
    inst = make_instance([[1.0], [0.1]], [[0.5]], [1], current=np.array([[0], [1]]), move_cost=1.0)
    state = State.of(inst, np.array([[0], [1]], dtype=np.int64))
    cyclic_exchange(state)
    assert state.x.tolist() == [[0], [1]]


@SEARCH
@given(instances(most_bases=6), st.integers(0, 3))
def test_capped_search_keeps_the_cap_and_the_whole_objective(inst: Instance, seed: int) -> None:
    """Under a cap at the start's worst residual, with any move cost, the search never
    returns an allocation above the cap or worse, move cost included."""
    start = greedy_start(inst)
    capped = dataclasses.replace(
        inst,
        residual_cap=float(inst.residual(start).max(initial=0.0)) * (1 + 1e-9),
        move_cost=0.3 if inst.current is not None else 0.0,
    )
    state = State.of(capped, start)
    cyclic_exchange(state)
    assert capped.violations(state.x) == []
    assert capped.objective_of(state.x) <= capped.objective_of(start) + 1e-12 * capped.risk_size
    found = large_neighbourhood_search(capped, start, time_limit=30, seed=seed, max_steps=4)
    assert capped.violations(found.x) == []
    assert found.objective <= capped.objective_of(start) + 1e-12 * capped.risk_size


def test_a_residual_that_underflowed_comes_back_when_its_units_leave() -> None:
    """70 units of a certain intercept (leak 1e-12) leave 1e-840 of the base's risk,
    which is 0 in floating point; once they leave, its whole risk is back."""
    inst = make_instance([[1.0], [0.5]], [[1.0]], [70])
    state = State.of(inst, np.array([[70], [0]], dtype=np.int64))
    assert state.residual[0] == 0.0
    for _ in range(69):
        state.apply([(0, 0, -1), (1, 0, 1)])
    assert np.allclose(state.residual, inst.residual(state.x), rtol=1e-9, atol=0.0)
    state.apply([(0, 0, -1)])
    assert state.residual.tolist() == pytest.approx(inst.residual(state.x).tolist(), rel=1e-9)
    assert state.residual[0] == pytest.approx(1.0)


def test_every_restricted_re_solve_is_warm_started_by_a_feasible_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The start handed to a neighbourhood's re-solve holds the free cells' units only:
    with the fixed cells' units as well it broke their zero bounds and was dropped."""
    from defplan.model import outer_approximation

    solve = outer_approximation.solve
    starts: list[bool] = []

    def spy(instance: Instance, **kwargs: object) -> object:
        start = kwargs["start"]
        assert isinstance(start, np.ndarray)
        starts.append(instance.violations(start) == [])
        return solve(instance, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outer_approximation, "solve", spy)
    rng = np.random.default_rng(5)
    wta = WtaInstance(
        values=rng.integers(25, 101, 12).astype(float), p=rng.uniform(0.3, 0.9, (6, 12)), mu=2
    )
    inst = to_instance(wta)
    start = greedy(inst)
    assert start is not None
    large_neighbourhood_search(inst, start, time_limit=30, seed=0, max_steps=4)
    assert starts and all(starts)


def test_a_solve_ended_by_proof_gives_one_allocation_on_a_fast_or_a_slow_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The improved starts stop by counts of work, not by the clock: on a machine where
    each pass of exchanges takes 5,000 s of a 100,000 s limit (the starts' old 20% share
    ran out after four passes), the proven plan is the one a fast machine finds. Three
    kinds of weapon give many tied optima, so the start decides which is returned."""
    from defplan.model import exchange, solve

    rng = np.random.default_rng(4)
    kinds = rng.uniform(0.3, 0.9, (3, 40))
    p = kinds[rng.integers(3, size=30)]
    inst = to_instance(WtaInstance(values=rng.integers(25, 101, 40).astype(float), p=p, mu=2))
    real_clock, graph = time.perf_counter, exchange.improvement_graph
    lag, pass_seconds = [0.0], [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: real_clock() + lag[0])

    def slow_graph(state: State, deadline: float = math.inf) -> object:
        lag[0] += pass_seconds[0]
        return graph(state, deadline)

    monkeypatch.setattr(exchange, "improvement_graph", slow_graph)
    found = []
    for seconds in (0.0, 5_000.0):
        pass_seconds[0] = seconds
        solution = solve(inst, time_limit=100_000)
        assert solution.status == "optimal" and solution.x is not None
        found.append(solution.x)
    assert lag[0] > 0.0
    assert np.array_equal(found[0], found[1])


def test_the_search_says_whether_the_clock_stopped_it() -> None:
    """Stopped by its counts, the search is the same for the seed on any machine; stopped
    by the clock it may not be, and says so."""
    inst = to_instance(generate_wta(10, 20, 3, seed=4))
    start = greedy(inst)
    assert start is not None
    assert large_neighbourhood_search(inst, start, time_limit=0.0).timed_out
    counted = large_neighbourhood_search(inst, start, time_limit=60, max_steps=1, max_rounds=0)
    assert not counted.timed_out
