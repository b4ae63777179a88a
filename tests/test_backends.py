"""Every backend returns the proven optimum that brute force finds.

HiGHS, SCIP and CBC solve the one tangent formulation; CP-SAT solves the per-base
profile formulation. On small random instances (every objective, point and area
coverage, bounds, move budgets) each must report ``optimal`` with the brute-force
objective, and ``infeasible`` exactly when brute force finds no allocation.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from defplan.model import Coverage, Instance, Solution, make_instance, solve
from defplan.model.backends import backend_names
from defplan.model.backends.cpsat import PROFILE_LIMIT, solve_profiles
from defplan.model.brute import brute_force
from defplan.model.instance import OBJECTIVES

BACKENDS = backend_names()
# Generous: these instances solve in seconds on an idle machine; the limit only has to
# outlast a loaded one (CBC took 25 s at load 13 on 2 cores), never to stop a solve early.
TIME_LIMIT = 300.0


def run(instance: Instance, backend: str) -> Solution:
    return solve(instance, backend=backend, time_limit=TIME_LIMIT)


@st.composite
def matrix(
    draw: st.DrawFn, rows: int, cols: int, cell: st.SearchStrategy[float]
) -> list[list[float]]:
    return [[draw(cell) for _ in range(cols)] for _ in range(rows)]


@st.composite
def risk_value(draw: st.DrawFn) -> float:
    return draw(st.floats(0.01, 100.0)) if draw(st.integers(0, 5)) else 0.0


@st.composite
def probability(draw: st.DrawFn) -> float:
    edge = draw(st.integers(0, 7))
    return 0.0 if edge == 0 else 1.0 if edge == 1 else draw(st.floats(0.0, 1.0))


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    """A tiny instance: at most 3^8 allocations, so brute force is instant."""
    n_bases = draw(st.integers(1, 4))
    n_classes = draw(st.integers(1, 3))
    n_systems = draw(st.integers(1, 2))
    value = draw(matrix(n_bases, n_classes, risk_value()))
    p = draw(matrix(n_systems, n_classes, probability()))
    inventory = [draw(st.integers(1, 3)) if draw(st.integers(0, 5)) else 0 for _ in p]
    covers = []
    for _ in range(n_systems):
        if draw(st.booleans()):
            covers.append(Coverage.point(n_bases))
        else:
            site = st.integers(0, n_bases - 1)
            pairs = draw(st.lists(st.tuples(site, site), max_size=2 * n_bases))
            covers.append(Coverage.from_pairs(pairs))
    shape = (n_bases, n_systems)
    cells = n_bases * n_systems
    upper = np.array(draw(st.lists(st.integers(0, 2), min_size=cells, max_size=cells)))
    lower = np.zeros(cells, dtype=np.int64)
    if draw(st.integers(0, 3)) == 0:
        # Lower bounds within the upper ones; the inventory may still fall short.
        floor = draw(st.lists(st.integers(0, 1), min_size=cells, max_size=cells))
        lower = np.minimum(np.array(floor), upper)
    current = None
    max_moves = None
    if draw(st.booleans()):
        standing = draw(st.lists(st.integers(0, 2), min_size=cells, max_size=cells))
        current = np.array(standing).reshape(shape)
        max_moves = draw(st.integers(0, 3))
    return make_instance(
        value,
        p,
        inventory,
        coverage=covers,
        lower=lower.reshape(shape),
        upper=upper.reshape(shape),
        current=current,
        max_moves=max_moves,
        objective=draw(st.sampled_from(OBJECTIVES)),
        blend_weight=draw(st.floats(0.0, 1.0)),
    )


def check_against_brute_force(instance: Instance, backend: str) -> None:
    best, _ = brute_force(instance)
    solution = run(instance, backend)
    if math.isinf(best):
        assert solution.status == "infeasible", solution
        assert solution.x is None
        return
    assert solution.status == "optimal", solution
    assert solution.x is not None
    assert not instance.violations(solution.x)
    assert solution.objective == pytest.approx(instance.objective_of(solution.x), rel=1e-12)
    assert solution.objective == pytest.approx(best, rel=1e-6, abs=1e-9)
    assert solution.bound <= best + 1e-6 * abs(best) + 1e-9


def property_test(backend: str) -> Callable[[Instance], None]:
    # Examples per the loaded profile (tests/conftest.py): each one takes milliseconds,
    # CBC's included (one process per outer-approximation round).
    @given(instances())
    def test(instance: Instance) -> None:
        check_against_brute_force(instance, backend)

    return test


test_highs_matches_brute_force = property_test("highs")
test_scip_matches_brute_force = property_test("scip")
test_cbc_matches_brute_force = property_test("cbc")
test_cp_sat_matches_brute_force = property_test("cp_sat")


INFEASIBLE = {
    "lower above inventory": make_instance(
        [[5.0], [3.0]], [[0.5]], [2], lower=np.array([[3], [0]])
    ),
    "lower bounds sum above inventory": make_instance(
        [[5.0], [3.0]], [[0.5]], [3], lower=np.array([[2], [2]])
    ),
    "move budget too small": make_instance(
        [[5.0], [3.0]],
        [[0.5]],
        [2],
        lower=np.array([[0], [2]]),
        current=np.array([[2], [0]]),
        max_moves=1,
    ),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", sorted(INFEASIBLE))
def test_infeasible_everywhere(backend: str, case: str) -> None:
    solution = run(INFEASIBLE[case], backend)
    assert solution.status == "infeasible"
    assert solution.x is None
    assert solution.objective == math.inf


@pytest.mark.parametrize("backend", BACKENDS)
def test_area_worst_case_example(backend: str) -> None:
    """A hand-checked case: one unit of an area system covering both bases of a pair."""
    area = Coverage.from_pairs([(0, 0), (0, 1), (1, 1), (2, 2)])
    inst = make_instance(
        [[10.0, 1.0], [8.0, 0.0], [9.0, 2.0]],
        [[0.5, 0.9], [0.7, 0.0]],
        [2, 1],
        coverage=[area, Coverage.point(3)],
        objective="worst_case",
    )
    best, _ = brute_force(inst)
    solution = run(inst, backend)
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(best, rel=1e-9)


def test_unknown_backend_lists_the_known_ones() -> None:
    inst = make_instance([[1.0]], [[0.5]], [1])
    with pytest.raises(ValueError, match="unknown backend 'gurobi'") as raised:
        solve(inst, backend="gurobi")
    for name in ("cbc", "highs", "scip"):
        assert name in str(raised.value)
    assert {"cbc", "highs", "scip"} <= set(backend_names())


def test_cp_sat_refuses_an_instance_that_does_not_fit() -> None:
    # Two point systems of 20 units: 21 × 21 = 441 profiles at each base.
    inst = make_instance([[5.0, 4.0], [3.0, 2.0]], [[0.5, 0.1], [0.2, 0.6]], [20, 20])
    assert PROFILE_LIMIT < 21 * 21
    with pytest.raises(ValueError, match=r"cp_sat does not fit.*base 0 has 441.*highs"):
        solve_profiles(inst, time_limit=TIME_LIMIT)


def test_cp_sat_honours_a_start_and_gap() -> None:
    rng = np.random.default_rng(3)
    inst = make_instance(
        rng.uniform(0, 10, (12, 3)),
        rng.uniform(0.2, 0.9, (2, 3)),
        [6, 4],
        upper=np.full((12, 2), 2),
        objective="blend",
        blend_weight=0.3,
    )
    reference = solve(inst, time_limit=TIME_LIMIT)
    assert reference.x is not None
    solution = solve_profiles(inst, time_limit=TIME_LIMIT, start=reference.x, threads=1)
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(reference.objective, rel=1e-6)
    assert solution.bound <= reference.objective * (1 + 1e-9)


def test_cbc_leaves_no_files_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work, scratch = tmp_path / "work", tmp_path / "scratch"
    work.mkdir()
    scratch.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    inst = make_instance([[5.0], [3.0]], [[0.5]], [2])
    assert run(inst, "cbc").status == "optimal"
    assert list(work.iterdir()) == []
    assert list(scratch.iterdir()) == []


def _area_theater(seed: int, n: int = 30) -> Instance:
    """Bases scattered over 3°×3°, a point system and an area system reaching 0.9°."""
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(0, 3, n), rng.uniform(0, 3, n)
    distance = np.hypot(lat[:, None] - lat[None, :], lon[:, None] - lon[None, :])
    pairs = [(h, b) for h in range(n) for b in range(n) if distance[h, b] <= 0.9]
    value = rng.uniform(0.0, 1.0, (n, 2)) * rng.uniform(0.2, 3, (n, 1))
    return make_instance(
        value,
        [[0.7, 0.2], [0.5, 0.6]],
        [6, 3],
        coverage=[Coverage.point(n), Coverage.from_pairs(pairs)],
        upper=np.full((n, 2), 2),
        objective="worst_case",
    )


@pytest.mark.parametrize("seed", [3])
def test_every_backend_breaks_worst_case_ties_by_the_same_least_total(seed: int) -> None:
    """Many plans share the optimal worst base; every backend must return the one
    with the least summed risk (a second, capped solve), not whichever it met first."""
    inst = _area_theater(seed)
    worst = run(inst, "highs").objective
    totals = {}
    for backend in backend_names():
        solution = run(inst, backend)
        assert solution.status == "optimal" and solution.x is not None, backend
        totals[backend] = float(inst.residual(solution.x).sum())
        assert math.isclose(solution.objective, worst, rel_tol=1e-6), backend
    least = min(totals.values())
    for backend, total in totals.items():
        assert math.isclose(total, least, rel_tol=1e-6), (backend, totals)


def test_cp_sat_builds_and_solves_nothing_past_its_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The profile model of 40 bases of 256 profiles took 0.83 s to build at a 0.01 s
    limit: the build now looks at the clock per base, and no solve starts late."""
    pytest.importorskip("ortools")
    import time

    from ortools.sat.python import cp_model

    from defplan.model.backends.cpsat import solve_cpsat

    def no_solver() -> None:
        raise AssertionError("a solve started past the deadline")

    monkeypatch.setattr(cp_model, "CpSolver", no_solver)
    rng = np.random.default_rng(0)
    inst = make_instance(
        rng.uniform(0.1, 5.0, (40, 3)),
        rng.uniform(0.2, 0.8, (4, 3)),
        [25, 20, 15, 10],
        upper=np.full((40, 4), 3),
    )
    found = solve_cpsat(inst, time_limit=10.0, rel_gap=0.0, deadline=time.perf_counter())
    assert found.status == "time_limit" and found.x is None and found.bound == -math.inf


def test_a_highs_run_yields_past_its_handover_only_while_its_gap_is_wide() -> None:
    """RunOptions.yield_after: a run still above yield_gap then stops (its time goes
    to the search), one within it runs on to its answer."""
    pytest.importorskip("highspy")
    from defplan.model.backends import RunOptions, runner
    from defplan.model.formulation import formulate

    rng = np.random.default_rng(0)
    inst = make_instance(
        rng.uniform(0.1, 5.0, (12, 3)),
        rng.uniform(0.2, 0.8, (3, 3)),
        [6, 5, 4],
        objective="blend",
        upper=np.full((12, 3), 3),
    )
    model = formulate(inst).model
    run = runner("highs")
    settled = run(model, RunOptions(time_limit=60, rel_gap=1e-7, threads=1))
    assert settled.status == "optimal"
    wide = run(model, RunOptions(60, 1e-7, threads=1, yield_after=0.0, yield_gap=0.0))
    assert wide.status == "time_limit"
    near = run(model, RunOptions(60, 1e-7, threads=1, yield_after=0.0, yield_gap=math.inf))
    assert near.status == "optimal"


def test_a_run_yields_at_its_handover_only_with_a_bound_of_its_own() -> None:
    """Past the handover a run with a wide gap stops; one within the gap, or still
    in its root LP (no bound: gap 100%), runs on."""
    from types import SimpleNamespace

    from defplan.model.backends.highs import _Handover

    def stops(gap: float, at: float) -> bool:
        stopped: list[bool] = []
        event = SimpleNamespace(
            data_out=SimpleNamespace(mip_gap=gap), interrupt=lambda: stopped.append(True)
        )
        _Handover(at=at, gap=1e-3).check(event)
        return bool(stopped)

    assert stops(0.02, at=0.0)
    assert not stops(0.02, at=math.inf)  # before the handover
    assert not stops(1e-4, at=0.0)
    assert not stops(1.0, at=0.0)
    assert not stops(math.inf, at=0.0)
    assert not stops(math.nan, at=0.0)
