"""Ruin and recreate by assignment, and the linear assignment under it: the assignment
is optimal (against brute force), the rounds never raise the objective nor break a
rule or budget, and are deterministic for a seed."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from defplan.model import Instance, greedy
from defplan.model.assignment import linear_assignment
from defplan.model.heuristic import State
from defplan.model.reassign import Reassigner, reassign_rounds
from defplan.model.wta_format import generate_wta, to_instance
from model_instances import greedy_start, instances

ROUNDS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.integers(n, n + 2).flatmap(
            lambda m: st.lists(
                st.lists(
                    st.one_of(st.just(np.inf), st.integers(-6, 6).map(float), st.floats(-5, 5)),
                    min_size=m,
                    max_size=m,
                ),
                min_size=n,
                max_size=n,
            )
        )
    )
)
def test_linear_assignment_is_optimal(rows: list[list[float]]) -> None:
    cost = np.array(rows)
    n, m = cost.shape
    best = min(
        sum(cost[i, j] for i, j in enumerate(columns))
        for columns in itertools.permutations(range(m), n)
    )
    found = linear_assignment(cost)
    if found is None:
        assert not np.isfinite(best)
        return
    assert len(set(found.tolist())) == n
    assert np.isclose(cost[np.arange(n), found].sum(), best, rtol=0, atol=1e-9)


@ROUNDS
@given(instances(most_bases=6), st.integers(0, 3), st.booleans())
def test_rounds_never_raise_the_objective_nor_break_a_rule(
    inst: Instance, seed: int, capped: bool
) -> None:
    """On any instance (point and area coverage, bounds, a move budget, every
    objective), with a cap at the start's worst residual and a move cost or without."""
    start = greedy_start(inst)
    if capped:
        inst = dataclasses.replace(
            inst,
            residual_cap=float(inst.residual(start).max(initial=0.0)) * (1 + 1e-9),
            move_cost=0.3 if inst.current is not None else 0.0,
        )
    state = State.of(inst, start)
    reassign_rounds(state, np.random.default_rng(seed), 12)
    assert inst.violations(state.x) == []
    assert inst.objective_of(state.x) <= inst.objective_of(start) + 1e-12 * inst.risk_size
    assert np.isclose(state.score, inst.score(inst.residual(state.x)), rtol=1e-9, atol=1e-12)


@ROUNDS
@given(instances(most_bases=6), st.integers(0, 3))
def test_rounds_are_deterministic_for_a_seed(inst: Instance, seed: int) -> None:
    start = greedy_start(inst)
    first, again = State.of(inst, start), State.of(inst, start)
    reassign_rounds(first, np.random.default_rng(seed), 8)
    reassign_rounds(again, np.random.default_rng(seed), 8)
    assert np.array_equal(first.x, again.x)


def test_rounds_improve_a_greedy_weapon_target_allocation() -> None:
    inst = to_instance(generate_wta(12, 24, 2, seed=5))
    start = greedy(inst)
    assert start is not None
    state = State.of(inst, start)
    assert reassign_rounds(state, np.random.default_rng(0), 30) > 0
    assert inst.violations(state.x) == []
    assert inst.objective_of(state.x) < inst.objective_of(start)


@ROUNDS
@given(instances(most_bases=6), st.integers(0, 3))
def test_the_search_keeps_its_best_across_runs_and_is_deterministic(
    inst: Instance, seed: int
) -> None:
    """Kicks make the allocation worse for a while: a run still ends at the best one."""
    start = greedy_start(inst)
    ends = []
    for _ in range(2):
        state = State.of(inst, start)
        search = Reassigner(state, np.random.default_rng(seed))
        values = [search.run(5) for _ in range(3)]
        assert inst.violations(state.x) == []
        assert inst.objective_of(state.x) <= inst.objective_of(start) + 1e-12 * inst.risk_size
        ends.append((state.x.copy(), values, search.rounds))
    assert np.array_equal(ends[0][0], ends[1][0])
    assert ends[0][1:] == ends[1][1:]
