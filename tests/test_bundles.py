"""The bundle re-solve of every site: exact where it applies (against brute force, with
every system promising), never worse than its start nor breaking a rule or budget
elsewhere, deterministic, and the promising cells always hold the allocation's."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from defplan.model import Coverage, Instance, greedy
from defplan.model.brute import brute_force
from defplan.model.bundles import MAX_UNITS, applies, bundle_resolve
from defplan.model.candidates import promising_cells
from defplan.model.heuristic import State
from defplan.model.wta_format import generate_wta, to_instance
from model_instances import greedy_start, instances

CASES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CASES
@given(instances(most_bases=5), st.integers(0, 3), st.booleans(), st.integers(0, 3))
def test_never_worse_nor_breaking_a_rule(
    inst: Instance, cells: int, costly: bool, seed: int
) -> None:
    """Any instance (point and area coverage, bounds, a move budget, every objective);
    where the model does not apply the start comes back."""
    if costly and inst.current is not None:
        inst = dataclasses.replace(inst, move_cost=0.3)
    start = greedy_start(inst)
    found = bundle_resolve(inst, start, per_site=cells, per_system=cells, seed=seed)
    assert inst.violations(found) == []
    assert inst.objective_of(found) <= inst.objective_of(start)
    if not applies(inst):
        assert found is start
    again = bundle_resolve(inst, start, per_site=cells, per_system=cells, seed=seed)
    assert np.array_equal(found, again)


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
    found = bundle_resolve(inst, start, per_site=inst.n_systems, per_system=0)
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
    found = bundle_resolve(inst, start)
    assert inst.violations(found) == []
    assert inst.objective_of(found) < inst.objective_of(start)
