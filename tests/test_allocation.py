"""The solver core: exact against brute force, greedy as a baseline, bounds honest."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from defplan.model import Coverage, greedy, improve, make_instance, solve
from defplan.model.brute import brute_force, least_total_among_optima
from defplan.model.formulation import formulate, reachable_exponents
from defplan.model.heuristic import polish
from defplan.model.instance import Instance
from model_instances import instances


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-8)


@given(instances())
def test_optimum_equals_brute_force(inst: Instance) -> None:
    best, best_x = brute_force(inst)
    solution = solve(inst, time_limit=30)
    if best_x is None:
        assert solution.status == "infeasible" and solution.x is None
        return
    assert solution.status == "optimal"
    assert solution.x is not None and not inst.violations(solution.x)
    assert close(solution.objective, best), (solution.objective, best)
    assert close(inst.objective_of(solution.x), solution.objective)
    # the bound is a true lower bound and meets the optimum
    assert solution.bound <= best + 1e-9 * max(1.0, best)
    assert solution.gap <= 1e-6


@given(instances())
def test_greedy_is_feasible_and_never_beats_the_optimum(inst: Instance) -> None:
    best, _ = brute_force(inst)
    x = greedy(inst)
    if x is None:
        return
    assert not inst.violations(x)
    assert inst.objective_of(x) >= best - 1e-9 * max(1.0, best)
    polished = improve(inst, x)
    assert not inst.violations(polished)
    assert inst.objective_of(polished) <= inst.objective_of(x) + 1e-12


@given(instances(budgets=False), st.integers(0, 2**32 - 1))
def test_model_is_exact_at_every_integer_point_with_its_tangents(inst: Instance, seed: int) -> None:
    """Jensen: with a tangent at an allocation's exponents the model reads its residual."""
    assume(not (inst.lower > inst.upper).any())
    rng = np.random.default_rng(seed)
    x = rng.integers(inst.lower, inst.upper + 1)
    form = formulate(inst)
    values = form.values_for(x)
    form.add_tangents_at(values, 0.0)
    lower, upper = np.array(form.model.row_lower), np.array(form.model.row_upper)
    activity = form.model.activity(values)
    inventory_rows = [i for i, n in enumerate(form.model.row_name) if n.startswith("inventory")]
    tangent_rows = [i for i, n in enumerate(form.model.row_name) if n.startswith("tan")]
    assert (activity[tangent_rows] >= lower[tangent_rows] - 1e-9).all()
    if not inventory_rows or (activity[inventory_rows] <= upper[inventory_rows] + 1e-9).all():
        assert close(form.risk_of(form.model.objective(values)), inst.objective_of(x))


def test_more_units_never_raise_the_expected_optimum() -> None:
    rng = np.random.default_rng(7)
    value = rng.random((6, 3))
    p = rng.random((2, 3)) * 0.9
    previous = math.inf
    for stock in range(0, 6):
        inst = make_instance(value, p, [stock, stock])
        solution = solve(inst, time_limit=20)
        assert solution.status == "optimal"
        assert solution.objective <= previous + 1e-12
        previous = solution.objective


def test_an_area_unit_defends_every_base_in_range() -> None:
    # one area unit covering bases 0-2 from site 1; point units defend their host only
    cover = Coverage.from_pairs([(1, 0), (1, 1), (1, 2), (0, 0), (2, 2)])
    inst = make_instance([[1.0], [1.0], [1.0]], [[0.5]], [1], coverage=[cover])
    solution = solve(inst)
    assert solution.x is not None
    assert solution.x[:, 0].tolist() == [0, 1, 0]
    assert close(solution.objective, 1.5)


def test_worst_case_protects_the_weakest_base_and_still_places_spare_units() -> None:
    inst = make_instance([[4.0], [1.0], [0.5]], [[0.5]], [3], objective="worst_case")
    solution = solve(inst)
    assert solution.x is not None
    assert close(solution.objective, 1.0)  # 4 × 0.5² = 1 = base 1's residual
    assert solution.x.sum() == 3  # the spare unit still goes where it helps


def test_blend_weighs_worst_against_sum() -> None:
    value = [[3.0], [2.9]]
    for weight in (0.0, 0.5, 1.0):
        inst = make_instance(value, [[0.9]], [1], objective="blend", blend_weight=weight)
        solution = solve(inst)
        assert close(solution.objective, brute_force(inst)[0])


def test_infeasible_bounds_are_reported_not_raised() -> None:
    inst = make_instance([[1.0], [1.0]], [[0.5]], [1], lower=np.array([[1], [1]]))
    solution = solve(inst)
    assert solution.status == "infeasible" and solution.x is None
    assert math.isinf(solution.objective)


def test_move_budget_limits_units_taken_from_today() -> None:
    current = np.array([[1], [0], [0]])
    inst = make_instance([[0.1], [5.0], [4.0]], [[0.8]], [1], current=current, max_moves=0)
    stay = solve(inst)
    assert stay.x is not None and stay.x[:, 0].tolist() == [1, 0, 0]
    moved = solve(make_instance([[0.1], [5.0], [4.0]], [[0.8]], [1], current=current, max_moves=1))
    assert moved.x is not None and moved.x[:, 0].tolist() == [0, 1, 0]


def test_a_certain_intercept_stays_finite() -> None:
    inst = make_instance([[2.0]], [[1.0]], [1])
    solution = solve(inst)
    assert solution.status == "optimal" and solution.objective < 1e-9


def test_reachable_exponents_stop_at_the_limit() -> None:
    assert reachable_exponents([(-1.0, 2)], 10) == [-2.0, -1.0, 0.0]
    assert reachable_exponents([(-1.0, 50), (-0.3, 50)], 40) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value": [[1.0]], "p": [[1.5]], "inventory": [1]}, "p must lie"),
        ({"value": [[-1.0]], "p": [[0.5]], "inventory": [1]}, "value must be"),
        ({"value": [[1.0]], "p": [[0.5]], "inventory": [1, 2]}, "inventory has shape"),
        ({"value": [[1.0]], "p": [[0.5, 0.5]], "inventory": [1]}, "must be (B, C)"),
    ],
)
def test_bad_arrays_are_refused_with_a_reason(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make_instance(**kwargs)  # type: ignore[arg-type]


@settings(max_examples=10)
@given(st.integers(0, 1000))
def test_time_limit_returns_the_best_plan_with_its_gap(seed: int) -> None:
    rng = np.random.default_rng(seed)
    inst = make_instance(rng.random((40, 4)), rng.random((3, 4)) * 0.9, [15, 15, 15])
    solution = solve(inst, time_limit=0.01)
    assert solution.x is not None and not inst.violations(solution.x)
    assert solution.status in ("optimal", "time_limit")
    assert solution.bound <= solution.objective + 1e-9
    if solution.status == "time_limit":
        assert solution.gap > 1e-6


def test_among_equal_optima_the_plan_moves_nothing_for_nothing() -> None:
    # one area unit covering both bases from either site: every placement is optimal,
    # so the unit stays where it stands today
    umbrella = Coverage.from_pairs([(0, 0), (0, 1), (1, 0), (1, 1)])
    for standing in (0, 1):
        current = np.zeros((2, 1), dtype=np.int64)
        current[standing, 0] = 1
        inst = make_instance([[1.0], [2.0]], [[0.5]], [1], coverage=[umbrella], current=current)
        solution = solve(inst)
        assert solution.x is not None and solution.status == "optimal"
        assert inst.moves(solution.x) == 0
        assert close(solution.objective, 1.5)


def test_a_unit_that_removes_nothing_stays_where_it_stands_not_in_the_pool() -> None:
    # no system engages the threat (p = 0): leaving today's units unplaced is as good
    # as any plan, but a planner must not be told to pull them for nothing
    current = np.array([[1], [0], [2]])
    inst = make_instance([[1.0], [2.0], [3.0]], [[0.0]], [3], current=current)
    solution = solve(inst)
    assert solution.x is not None and solution.status == "optimal"
    assert inst.moves(solution.x) == 0
    assert close(solution.objective, 6.0)


@given(instances())
def test_polishing_never_raises_the_objective_or_the_summed_risk(inst: Instance) -> None:
    start = greedy(inst)
    assume(start is not None)
    assert start is not None
    polished = polish(inst, start)
    assert not inst.violations(polished)
    before, after = inst.objective_of(start), inst.objective_of(polished)
    assert after <= before + 1e-9 * max(1.0, before)
    total_before, total_after = inst.residual(start).sum(), inst.residual(polished).sum()
    assert total_after <= total_before + 1e-9 * max(1.0, total_before)
    if inst.current is not None and inst.objective != "worst_case":
        assert inst.moves(polished) <= inst.moves(start)


def test_a_worst_case_plan_moves_no_unit_back_that_raises_the_total() -> None:
    # at most one unit a base: base 0 is the worst (2.0) either way; a unit at base 1
    # removes more than one at base 2, where it stands today, so moving it back would
    # raise the summed risk
    current = np.array([[1], [0], [1]])
    inst = make_instance(
        [[4.0], [1.5], [1.0]],
        [[0.5]],
        [2],
        upper=np.ones((3, 1), dtype=np.int64),
        current=current,
        objective="worst_case",
    )
    solution = solve(inst)
    assert solution.x is not None and solution.status == "optimal"
    assert close(solution.objective, 2.0)
    assert solution.x[:, 0].tolist() == [1, 1, 0]
    assert close(float(inst.residual(solution.x).sum()), 2.0 + 0.75 + 1.0)


def test_violations_name_each_site_and_system_with_the_units_and_the_bound() -> None:
    inst = make_instance(
        [[1.0], [2.0]], [[0.5], [0.4]], [2, 1], lower=np.array([[1, 0], [0, 0]], dtype=np.int64)
    )
    assert inst.violations(np.array([[1, 0], [1, 1]], dtype=np.int64)) == []
    assert inst.violations(np.array([[0, 2], [3, 0]], dtype=np.int64)) == [
        "site 0, system 0: 0 units, below the lower bound 1",
        "site 0, system 1: 2 units, above the upper bound 1",
        "site 1, system 0: 3 units, above the upper bound 2",
        "system 0: 3 units, more than the inventory 2",
        "system 1: 2 units, more than the inventory 1",
    ]
    crowded = make_instance(np.ones((8, 1)), [[0.5]], [1])
    found = crowded.violations(np.full((8, 1), 2, dtype=np.int64))
    assert found[5] == "3 more site(s) above the upper bound"
    assert found[-1] == "system 0: 16 units, more than the inventory 1"


@given(instances())
def test_the_residual_floor_is_below_every_allocation(inst: Instance) -> None:
    """The bound a run stopped in its first round reports must hold for every plan."""
    assume(not (inst.lower > inst.upper).any())
    best, best_x = brute_force(inst)
    assume(best_x is not None)
    floor = inst.residual_floor()
    assert inst.score(floor) <= best + 1e-9 * max(1.0, best)


def test_a_worst_case_run_stopped_at_once_still_reports_a_finite_bound() -> None:
    rng = np.random.default_rng(3)
    inst = make_instance(rng.uniform(0.1, 1.0, (60, 2)), [[0.6, 0.3]], [25], objective="worst_case")
    solution = solve(inst, time_limit=1e-6)
    assert solution.x is not None
    assert math.isfinite(solution.bound) and solution.bound <= solution.objective
    assert math.isfinite(solution.gap)


@given(instances())
def test_a_worst_case_plan_has_the_least_total_among_worst_case_optima(inst: Instance) -> None:
    """Ties under worst_case are broken by the summed residual, exactly (brute force)."""
    worst_case = dataclasses.replace(inst, objective="worst_case")
    best, best_x = brute_force(worst_case)
    assume(best_x is not None)
    solution = solve(worst_case, time_limit=30)
    assert solution.status == "optimal" and solution.x is not None
    assert solution.objective <= best * (1 + 1e-6) + 1e-12
    least = least_total_among_optima(worst_case)
    total = float(worst_case.residual(solution.x).sum())
    assert total <= least + 1e-9 * max(1.0, least), (total, least)


@pytest.mark.parametrize("magnitude", [1e-30, 1.0, 1e40])
def test_huge_or_tiny_risks_solve_as_their_scaled_copy(magnitude: float) -> None:
    """troop_weight 100 gives risks of 1e40; the plan must be the same as at 1."""
    rng = np.random.default_rng(5)
    value = rng.uniform(0.1, 1.0, (12, 2))
    inst = make_instance(value * magnitude, [[0.6, 0.3], [0.2, 0.7]], [4, 3])
    reference = solve(make_instance(value, [[0.6, 0.3], [0.2, 0.7]], [4, 3]))
    solution = solve(inst)
    assert solution.status == "optimal" and math.isfinite(solution.bound)
    assert math.isclose(solution.objective, reference.objective * magnitude, rel_tol=1e-6)


@pytest.mark.parametrize("magnitude", [1.0, 1e-6, 1e-13])
@pytest.mark.parametrize("objective", ["expected", "worst_case"])
def test_tiny_risks_are_judged_as_strictly_as_ordinary_ones(
    magnitude: float, objective: str
) -> None:
    """Tolerances scale with the theater's risk: at 1e-13 no unit moves back at a loss."""
    inst = make_instance(
        np.array([[1.0], [0.5]]) * magnitude,
        [[0.99]],
        [1],
        current=np.array([[0], [1]]),
        objective=objective,
    )
    best, _ = brute_force(inst)
    solution = solve(inst)
    assert solution.status == "optimal"
    assert solution.objective <= best * (1 + 1e-6)


def test_cp_sat_tie_break_keeps_a_base_with_one_profile_left_tied_to_its_units() -> None:
    # under the cap base 0 keeps one profile (its unit); CP-SAT must not drop the link
    inst = make_instance(
        np.array([[1.0], [0.3], [0.2]]),
        [[0.5]],
        [2],
        upper=np.ones((3, 1), dtype=np.int64),
        objective="worst_case",
    )
    solution = solve(inst, backend="cp_sat")
    assert solution.status == "optimal" and solution.x is not None
    assert solution.message == ""  # the tie-break is proven, not left unproven
    assert math.isclose(float(inst.residual(solution.x).sum()), least_total_among_optima(inst))


def test_worst_case_with_a_move_cost_keeps_the_unit_where_moving_it_only_lowers_the_total() -> None:
    """The worst base (100) cannot be defended, so every plan ties on the worst; the
    local search that breaks ties by the total must not buy a 1.0 move cost with it."""
    current = np.array([[0], [0], [1]])
    inst = make_instance(
        [[100.0], [10.0], [1.0]],
        [[0.5]],
        [1],
        upper=np.array([[0], [1], [1]]),
        current=current,
        objective="worst_case",
        move_cost=1.0,
    )
    solution = solve(inst, time_limit=10)
    assert solution.status == "optimal" and solution.x is not None
    assert solution.objective == pytest.approx(100.0)
    assert (solution.x == current).all()
    assert inst.objective_of(polish(inst, current)) == pytest.approx(100.0)


@pytest.mark.parametrize("seed", [5, 25])
def test_worst_case_tie_break_with_a_move_cost_is_proven_and_costs_nothing(seed: int) -> None:
    """The tie-break caps the worst residual alone and holds the moves to the optimum's:
    a cap that counted the move cost let it buy a lower sum with a worse worst base,
    which was then rejected, leaving the tie-break 'not proven'."""
    rng = np.random.default_rng(seed)
    value, p = rng.uniform(0.5, 3.0, (5, 1)), rng.uniform(0.3, 0.8, (2, 1))
    current = np.zeros((5, 2), dtype=np.int64)
    for s, units in enumerate((3, 2)):
        for _ in range(units):
            current[rng.integers(5), s] += 1
    inst = make_instance(
        value,
        p,
        [3, 2],
        current=current,
        move_cost=0.05,
        objective="worst_case",
    )
    best, _ = brute_force(inst)
    solution = solve(inst, time_limit=30)
    assert solution.status == "optimal" and solution.x is not None
    assert solution.message == ""
    assert close(solution.objective, best)


def test_a_model_too_slow_to_build_stops_at_the_time_limit_with_the_heuristic_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each base and class's reachable exponents take 1 s here (a clock that jumps):
    the 120 of them would take the whole of a 5 s limit 24 times over. The build stops
    at the limit and the solve reports it, with the greedy plan and a valid bound."""
    import time

    from defplan.model import formulation, solution

    rng = np.random.default_rng(3)
    inst = make_instance(rng.uniform(0, 5, (30, 4)), rng.uniform(0.2, 0.9, (5, 4)), [8] * 5)
    real_clock, reachable = time.perf_counter, formulation.reachable_array
    lag = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: real_clock() + lag[0])

    def slow(*args: object, **kwargs: object) -> object:
        lag[0] += 1.0
        return reachable(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(formulation, "reachable_array", slow)
    found = solve(inst, time_limit=5.0)
    assert found.seconds < 5.0 + 1.5  # on the jumping clock, not the wall's
    assert found.status == "time_limit" and found.x is not None
    assert inst.violations(found.x) == []
    assert found.message.startswith("the time limit ran out while the model was built")
    assert math.isfinite(found.bound) and found.bound <= found.objective
    assert found.objective <= found.greedy_objective
    assert solution.relative_gap(found.objective, found.bound, inst.risk_size) == found.gap


def test_greedy_stops_placing_units_at_its_deadline_with_a_feasible_plan() -> None:
    import time

    rng = np.random.default_rng(4)
    inst = make_instance(rng.uniform(0, 5, (40, 2)), [[0.5, 0.6], [0.7, 0.2]], [20, 20])
    cut = greedy(inst, deadline=time.perf_counter())
    full = greedy(inst)
    assert cut is not None and full is not None
    assert inst.violations(cut) == []
    assert cut.sum() == 1 < full.sum()  # one unit placed, then the clock looked at


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_chords_in_the_count_of_units_hold_at_every_integer_allocation(seed: int) -> None:
    """Four systems of three units each reach 256 exponents per base, too many to give
    chords in y: the model gets chords in the count of units instead, and every
    integer allocation within the inventory satisfies them (and every row)."""
    rng = np.random.default_rng(seed)
    inst = make_instance(rng.uniform(0.1, 5.0, (3, 1)), rng.uniform(0.2, 0.95, (4, 1)), [3] * 4)
    form = formulate(inst)
    chords = [i for i, name in enumerate(form.model.row_name) if name.startswith("count_chord")]
    assert chords
    x = np.zeros((3, 4), dtype=np.int64)
    for s in range(4):
        np.add.at(x[:, s], rng.integers(0, 3, size=int(rng.integers(0, 4))), 1)
    values = form.values_for(x)
    activity = form.model.activity(values)
    lower, upper = np.array(form.model.row_lower), np.array(form.model.row_upper)
    tolerance = 1e-9 * (1.0 + np.abs(activity))
    assert (activity >= lower - tolerance).all() and (activity <= upper + tolerance).all()
    assert close(form.risk_of(form.model.objective(values)), inst.objective_of(x))


def test_an_incumbent_is_cut_exactly_and_units_added_on_the_tangent_grid() -> None:
    """Twenty systems of one unit reach 2^20 exponents per base: too many to list, so
    the pairs are cut by tangents. The incumbent's exponent and every exponent one of
    its units away get an exact tangent; a unit added is cut on the grid, a few rows a
    pair rather than one per system."""
    from defplan.model.formulation import TANGENT_GRID

    rng = np.random.default_rng(8)
    inst = make_instance(
        np.diag(rng.uniform(1.0, 5.0, 5)), rng.uniform(0.2, 0.9, (20, 5)), [1] * 20
    )
    form = formulate(inst)
    assert all(known is None for known in form.reachable)
    x = greedy(inst)
    assert x is not None
    rows = form.model.n_rows
    form.cut_at(x)
    y = form.pair_exponents(x)
    for k in range(len(y)):
        assert float(y[k]) in form.tangents[k]
        for s in np.flatnonzero(x[form.pair_base[k]]).tolist():
            assert float(y[k] - form.pair_leak[k, s]) in form.tangents[k]
    added = form.model.n_rows - rows
    grid = (-form.pair_leak.min() - -form.pair_leak.max()) / TANGENT_GRID + 2
    assert added <= len(y) * (1 + x.sum() + grid)


@given(instances())
def test_the_relaxation_bound_is_below_the_optimum(inst: Instance) -> None:
    """The continuous relaxation's Frank-Wolfe bound holds for every objective it
    speaks for (the summed residual, a move cost only adding to it) and is -inf for
    the others."""
    from defplan.model.relaxation import relaxation_bound

    best, best_x = brute_force(inst)
    start = greedy(inst)
    assume(best_x is not None)
    assert start is not None
    bound = relaxation_bound(inst, start.astype(np.float64), 30, math.inf)
    if inst.objective != "expected":
        assert bound == -math.inf
        return
    assert math.isfinite(bound)
    assert bound <= best + 1e-9 * max(1.0, best)


def test_a_large_allocation_whose_milp_gives_no_bound_still_has_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every HiGHS run abandoned past its limit (as a root LP deaf to its time limit
    would be): the continuous relaxation's bound is still reported, above the floor
    of every unit defending every base."""
    from defplan.model.backends import base, highs

    def overrun(*args: object, **kwargs: object) -> None:
        raise base.SolverOverrunError

    monkeypatch.setattr(highs, "run_interruptibly", overrun)
    rng = np.random.default_rng(6)
    inst = make_instance(
        np.diag(rng.uniform(25, 100, 40)), rng.uniform(0.3, 0.9, (30, 40)), [2] * 30
    )
    found = solve(inst, time_limit=30)
    assert found.status == "time_limit" and found.x is not None
    floor = inst.score(inst.residual_floor())
    assert floor < found.bound <= found.objective
