"""The bundle re-solve of every site: exact where it applies (against brute force, with
every system promising), never worse than its start nor breaking a rule or budget
elsewhere, deterministic, and the promising cells always hold the allocation's."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from defplan.model import Coverage, Instance, bundles, greedy
from defplan.model.backends import Runner, RunOptions, RunResult, runner
from defplan.model.brute import brute_force
from defplan.model.bundles import MAX_UNITS, applies, bundle_resolve
from defplan.model.candidates import promising_cells
from defplan.model.heuristic import State
from defplan.model.linear import LinearModel
from defplan.model.lns import improved_starts, large_neighbourhood_search
from defplan.model.wta_format import generate_wta, to_instance
from model_instances import greedy_start, instances

CASES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CASES
@given(instances(most_bases=5), st.integers(0, 3), st.booleans(), st.integers(0, 3), st.booleans())
def test_never_worse_nor_breaking_a_rule(
    inst: Instance, cells: int, costly: bool, seed: int, point: bool
) -> None:
    """Any instance (point and area coverage, bounds, a move budget, every objective);
    where the model does not apply the start comes back. Where it applies, the model's
    own answer, before bundle_resolve compares it with the start, is checked from
    outside: the instance's rules, the objective its costs claim, never below brute
    force, never above the start (one of its answers)."""
    if point:
        inst = dataclasses.replace(
            inst,
            coverage=tuple(Coverage.point(inst.n_bases) for _ in inst.coverage),
            objective="expected",
            residual_cap=None,
        )
    if costly and inst.current is not None:
        inst = dataclasses.replace(inst, move_cost=0.3)
    start = greedy_start(inst)
    run = bundle_resolve(inst, start, per_site=cells, per_system=cells, seed=seed, time_limit=60)
    if not applies(inst):
        assert run.x is start
        return
    assert run.answer is not None and not run.cut
    value = inst.objective_of(run.answer)
    slack = 1e-9 * max(1.0, inst.risk_size)
    assert inst.violations(run.answer) == []
    assert np.isclose(value, run.model_objective, rtol=1e-9, atol=1e-12)
    assert value <= inst.objective_of(start) + slack
    assert value >= brute_force(inst)[0] - slack
    assert run.x is start or np.array_equal(run.x, run.answer)
    again = bundle_resolve(inst, start, per_site=cells, per_system=cells, seed=seed, time_limit=60)
    assert np.array_equal(run.x, again.x)


def test_no_time_left_for_the_build_gives_the_start_back() -> None:
    """The build of every site's bundles stops at the time limit (it took seconds on
    300x600 whatever the limit), and then nothing is solved."""
    inst = to_instance(generate_wta(10, 20, 3, seed=4))
    start = greedy(inst)
    assert start is not None
    run = bundle_resolve(inst, start, time_limit=0.0)
    assert run.answer is None and run.cut and run.x is start


def test_the_runs_are_bounded_by_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every bundle re-solve, of the improved start and of the search, has a node
    limit: its answer does not depend on the clock unless the clock cuts it."""
    seen: list[RunOptions] = []
    real = runner

    def recording(backend: str) -> Runner:
        run = real(backend)

        def record(model: LinearModel, options: RunOptions) -> RunResult:
            seen.append(options)
            return run(model, options)

        return record

    monkeypatch.setattr(bundles, "runner", recording)
    inst = to_instance(generate_wta(10, 20, 3, seed=4))
    start = greedy(inst)
    assert start is not None
    improved_starts(inst, start)
    large_neighbourhood_search(inst, start, time_limit=60, max_steps=1, max_rounds=0)
    assert len(seen) >= 2
    assert all(options.max_nodes == bundles.BUNDLE_NODES for options in seen)


@CASES
@given(instances(most_bases=4), st.booleans())
def test_exact_with_every_system_promising(inst: Instance, costly: bool) -> None:
    """Point systems, the summed residual, every system promising at every site, and no
    site able to hold more than a bundle's units: the brute-force optimum."""
    inst = dataclasses.replace(
        inst,
        coverage=tuple(Coverage.point(inst.n_bases) for _ in inst.coverage),
        objective="expected",
        move_cost=0.3 if costly and inst.current is not None else 0.0,
    )
    inst = dataclasses.replace(inst, upper=np.minimum(inst.upper, MAX_UNITS // inst.n_systems))
    assume(not (inst.lower > inst.upper).any())
    start = greedy_start(inst)
    found = bundle_resolve(inst, start, per_site=inst.n_systems, per_system=0).x
    best, _ = brute_force(inst)
    assert inst.violations(found) == []
    assert np.isclose(inst.objective_of(found), best, rtol=1e-9, atol=1e-12)


@CASES
@given(instances(most_bases=5), st.integers(0, 3), st.integers(0, 3))
def test_promising_cells_hold_the_allocation(
    inst: Instance, per_site: int, per_system: int
) -> None:
    start = greedy_start(inst)
    cells = promising_cells(State.of(inst, start), per_site, per_system)
    assert cells[start > 0].all()
    assert not cells[inst.upper == 0].any()


def test_improves_a_weapon_target_local_optimum() -> None:
    inst = to_instance(generate_wta(10, 20, 3, seed=4))
    start = greedy(inst)
    assert start is not None and applies(inst)
    found = bundle_resolve(inst, start).x
    assert inst.violations(found) == []
    assert inst.objective_of(found) < inst.objective_of(start)
