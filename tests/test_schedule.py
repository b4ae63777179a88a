"""The move schedule: exact against enumeration, within the lift, every unit accounted for."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import base, planning_theater, with_settings
from defplan.cli import app as cli
from defplan.errors import InfeasibleError
from defplan.model import Coverage, Objective, make_instance
from defplan.plan import plan
from defplan.posture import compare_schedules, move_phases, moves, schedule
from defplan.posture.distance import Leg
from defplan.posture.move_orders import planned_units
from defplan.posture.sequencing import (
    SequencingProblem,
    UnitMove,
    brute_force_schedule,
    hosted_on_day,
    in_progress_on_day,
    schedule_problems,
    sequence,
)
from defplan.report import build_report
from defplan.scenario import RouteRow, RuleRow, SystemRow
from defplan.workbook import load_scenario, validate
from defplan.workbook.write import write_xlsx

# --- the model on plain arrays --------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn) -> SequencingProblem:
    """Up to three bases, two systems, two classes and three unit moves."""
    n_bases = draw(st.integers(2, 3))
    n_systems = draw(st.integers(1, 2))
    n_classes = draw(st.integers(1, 2))
    value = np.array(
        draw(
            st.lists(
                st.floats(0.0, 2.0), min_size=n_bases * n_classes, max_size=n_bases * n_classes
            )
        )
    ).reshape(n_bases, n_classes)
    p = np.array(
        draw(
            st.lists(
                st.floats(0.0, 0.9), min_size=n_systems * n_classes, max_size=n_systems * n_classes
            )
        )
    ).reshape(n_systems, n_classes)
    coverage = []
    for _ in range(n_systems):
        if draw(st.booleans()):
            coverage.append(Coverage.point(n_bases))
        else:  # an area system: each base defends itself and maybe its neighbour
            pairs = [(b, b) for b in range(n_bases)]
            pairs += [(b, b + 1) for b in range(n_bases - 1) if draw(st.booleans())]
            coverage.append(Coverage.from_pairs(pairs))
    start = np.array(
        draw(
            st.lists(st.integers(0, 2), min_size=n_bases * n_systems, max_size=n_bases * n_systems)
        ),
        dtype=np.int64,
    ).reshape(n_bases, n_systems)
    objective: Objective = draw(st.sampled_from(["expected", "worst_case", "blend", "attacker:2"]))
    instance = make_instance(
        value, p, np.full(n_systems, 9), coverage=coverage, objective=objective
    )
    moves = []
    left = start.copy()
    for _ in range(draw(st.integers(1, 3))):
        system = draw(st.integers(0, n_systems - 1))
        holders = [b for b in range(n_bases) if left[b, system] > 0]
        origin = draw(st.sampled_from([None, *holders]))
        if origin is not None:
            left[origin, system] -= 1
        destination = draw(st.sampled_from([None, *[b for b in range(n_bases) if b != origin]]))
        if origin is None and destination is None:
            destination = 0
        days = draw(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)))
        moves.append(UnitMove(system, origin, destination, *days))
    every_move = draw(st.booleans())
    lower = None
    if not every_move and draw(st.booleans()):  # a rule on the final posture: all moves done
        lower = hosted_on_day(
            SequencingProblem(instance, start, tuple(moves)), [0] * len(moves), 10**6
        )
        lower = np.minimum(lower, start)
    return SequencingProblem(
        instance,
        start,
        tuple(moves),
        lift_units=draw(st.one_of(st.none(), st.integers(1, 2))),
        horizon_days=draw(st.one_of(st.none(), st.integers(1, 9))),
        every_move=every_move,
        lower=lower,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_schedule_accepts_as_little_risk_as_enumeration_finds(
    problem: SequencingProblem,
) -> None:
    best = brute_force_schedule(problem)
    try:
        found = sequence(problem)
    except ValueError:  # a move longer than the horizon that must be made
        assert problem.every_move and best.status == "infeasible"
        return
    if best.status == "infeasible":
        assert found.status == "infeasible"
        return
    assert found.status == "optimal"
    assert not schedule_problems(problem, found.starts)
    assert math.isclose(found.cost, best.cost, rel_tol=1e-7, abs_tol=1e-12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_lift_is_never_exceeded_and_every_unit_is_somewhere_every_day(
    problem: SequencingProblem,
) -> None:
    problem = dataclasses.replace(problem, every_move=True, horizon_days=None, lower=None)
    found = sequence(problem)
    assert found.status == "optimal"
    for day in range(problem.deadline + 1):
        phases = in_progress_on_day(problem, found.starts, day)
        if problem.lift_units is not None:
            assert len(phases["transit"]) <= problem.lift_units
        hosted = hosted_on_day(problem, found.starts, day)
        assert (hosted >= 0).all()
        for s in range(problem.start.shape[1]):
            moving = sum(1 for ms in phases.values() for m in ms if problem.moves[m].system == s)
            drawn = returned = 0
            for move, begin in zip(problem.moves, found.starts, strict=True):
                assert begin is not None
                if move.system != s:
                    continue
                drawn += move.origin is None and begin <= day
                returned += move.destination is None and begin + move.days <= day
            # at a base, or on the move, or back in the pool: nothing appears or vanishes
            assert hosted[:, s].sum() + moving + returned == problem.start[:, s].sum() + drawn


def test_backends_agree_on_a_schedule() -> None:
    instance = make_instance([[1.0], [0.6], [0.3]], [[0.5]], [3])
    start = np.array([[2], [0], [1]], dtype=np.int64)
    problem = SequencingProblem(
        instance,
        start,
        (UnitMove(0, 0, 1, 1, 2, 1), UnitMove(0, 2, 1, 1, 1, 1), UnitMove(0, None, 1, 0, 0, 2)),
        lift_units=1,
    )
    costs = {name: sequence(problem, backend=name).cost for name in ("highs", "scip", "cbc")}
    assert max(costs.values()) - min(costs.values()) <= 1e-9 * max(costs.values())
    assert math.isclose(costs["highs"], brute_force_schedule(problem).cost, rel_tol=1e-9)


# --- the scenario's schedule ----------------------------------------------------------------


def slow(scenario, **fields: float):  # type: ignore[no-untyped-def]
    """The scenario with every system given the same movement figures."""
    systems = tuple(s.model_copy(update=fields) for s in scenario.systems)
    return dataclasses.replace(scenario, systems=systems)


def test_with_no_movement_time_the_schedule_ends_at_the_moves_plan_at_no_cost() -> None:
    scenario = planning_theater()
    result = schedule(scenario)
    orders = moves(scenario)
    assert orders.target is not None
    assert not result.dropped and len(result.moves) == orders.units_moved + orders.units_from_pool
    assert all(m.start_day == 0 and m.end_day == 0 for m in result.moves)
    assert result.transition_cost == 0.0 and result.finish_day == 0
    assert math.isclose(result.risk_end, orders.target.risk_after, rel_tol=1e-12)
    problem_end = {
        (m.order.to_base, m.order.system_id) for m in result.moves if m.order.to_base != "(pool)"
    }
    assert problem_end <= set(planned_units(orders.target))
    every = schedule(scenario, every_move=True)
    assert every.transition_cost == 0.0 and every.cost == 0.0  # no days to count


def test_a_unit_down_defends_nothing_and_the_transition_costs_risk() -> None:
    scenario = slow(planning_theater(), teardown_days=1, road_km_per_day=30, emplace_days=1)
    result = schedule(scenario, every_move=True)
    move = next(m for m in result.moves if m.order.from_base == "bravo")
    assert (move.phases.teardown_days, move.phases.transit_days, move.phases.emplace_days) == (
        1,
        3,  # 66.9 km at 30 km a day: three whole days
        1,
    )
    assert move.start_day is not None and move.end_day == move.start_day + 5
    days = result.days.set_index("day")
    # while bravo's C-RAM is down, the day's risk is above the end state's
    assert (days["risk"].iloc[: result.finish_day] > result.risk_end).all()
    assert result.transition_cost > 0
    assert set(result.bases["base_id"]) >= {"alpha", "bravo", "delta"}
    ready = result.bases.set_index("base_id")["ready_day"]
    assert ready["alpha"] == result.finish_day


def test_a_move_whose_exposure_exceeds_its_gain_over_the_horizon_is_not_made() -> None:
    scenario = slow(planning_theater(), teardown_days=20, emplace_days=20)
    short = schedule(with_settings(scenario, planning_horizon_days=60))
    dropped = [(m.order.from_base, m.order.to_base) for m in short.dropped]
    assert ("bravo", "alpha") in dropped
    worst = next(m for m in short.dropped if m.order.from_base == "bravo")
    assert worst.exposure > worst.gain
    long = schedule(with_settings(scenario, planning_horizon_days=3650))
    assert not long.dropped
    made = next(m for m in long.moves if m.order.from_base == "bravo")
    assert made.gain > made.exposure
    # the horizon's choice is never worse over that horizon than making every move
    every = schedule(with_settings(scenario, planning_horizon_days=60), every_move=True)
    assert short.cost <= every.cost + 60 * every.risk_end / 365 + 1e-12


def test_phases_prefer_a_route_s_hours_and_fly_when_quicker() -> None:
    system = SystemRow(
        system_id="patriot",
        name="Patriot",
        mode="area",
        inventory=1,
        range_km=40,
        teardown_days=1.5,
        emplace_days=0.2,
        road_km_per_day=100,
        air_days=2,
    )
    airfield = base("delta", receives_air="yes")
    road_only = base("echo")
    by_hours = move_phases(system, Leg(500.0, 30.0, "route"), road_only)
    assert (by_hours.teardown_days, by_hours.transit_days, by_hours.emplace_days) == (2, 2, 1)
    assert by_hours.by == "road"
    assert move_phases(system, Leg(500.0, None, "great_circle"), airfield).by == "air"
    assert move_phases(system, Leg(500.0, None, "great_circle"), road_only).transit_days == 5
    assert move_phases(system, Leg(150.0, None, "great_circle"), airfield).by == "road"
    assert move_phases(system, None, airfield, from_pool=True).days == 1  # emplacement only
    assert move_phases(system, None, None).days == 2  # back to the pool: teardown only


def test_routes_travel_hours_set_the_transit_days() -> None:
    scenario = planning_theater(
        routes=(RouteRow(from_base="bravo", to_base="alpha", distance_km=80, travel_hours=50),)
    )
    result = schedule(slow(scenario, road_km_per_day=1000), every_move=True)
    move = next(m for m in result.moves if m.order.from_base == "bravo")
    assert move.phases.transit_days == 3


def test_forced_moves_longer_than_the_horizon_are_refused_with_the_fix() -> None:
    forbid = RuleRow(kind="forbid", base_id="bravo", system_id="cram")
    scenario = slow(planning_theater(rules=(forbid,)), teardown_days=30, emplace_days=30)
    with pytest.raises(InfeasibleError, match="planning_horizon_days"):
        schedule(with_settings(scenario, planning_horizon_days=10))
    kept = schedule(with_settings(scenario, planning_horizon_days=100))
    assert any(m.order.from_base == "bravo" and m.made for m in kept.moves)


# --- outputs: moves.csv, plan.xlsx and the report -------------------------------------------


def test_moves_command_writes_start_and_end_day_and_names_the_moves_left_out(
    tmp_path: Path,
) -> None:
    scenario = with_settings(
        slow(planning_theater(), teardown_days=20, emplace_days=20), planning_horizon_days=60
    )
    workbook = write_xlsx(scenario, tmp_path / "theater.xlsx")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["moves", str(workbook), "--no-curve", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "not made: cram bravo → alpha" in result.output
    frame = pd.read_csv(out / "moves.csv")
    assert {"start_day", "end_day", "made", "gain", "exposure"} <= set(frame.columns)
    dropped = frame[frame["from_base"] == "bravo"].iloc[0]
    assert dropped["made"] == "no" and pd.isna(dropped["start_day"])
    made = frame[frame["made"] == "yes"]
    assert (made["end_day"] == made["start_day"] + made["emplace_days"]).all()  # pool units
    days = pd.read_csv(out / "move_days.csv")
    assert days["risk"].iloc[-1] <= days["risk"].iloc[0]
    every = CliRunner().invoke(cli, ["moves", str(workbook), "--no-curve", "--every-move"])
    assert every.exit_code == 0 and "not made" not in every.output


def test_plan_xlsx_has_the_move_schedule_and_the_report_its_charts(tmp_path: Path) -> None:
    scenario = slow(planning_theater(), teardown_days=1, road_km_per_day=30, emplace_days=1)
    workbook = write_xlsx(scenario, tmp_path / "theater.xlsx")
    out = tmp_path / "plan"
    result = CliRunner().invoke(cli, ["plan", str(workbook), "--out", str(out), "--report"])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out / "plan.xlsx")["Move schedule"]
    header = [c.value for c in sheet[1]]
    assert {"start_day", "end_day", "from_base", "to_base"} <= set(header)
    starts = [row[header.index("start_day")] for row in sheet.iter_rows(2, values_only=True)]
    assert starts and all(isinstance(day, int) for day in starts)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Move schedule" in html and "beyond the end state" in html
    for png in ("schedule.png", "risk_by_day.png"):
        assert (out / png).read_bytes().startswith(b"\x89PNG")


def test_a_report_with_a_move_not_worth_it_says_so() -> None:
    scenario = with_settings(
        slow(planning_theater(), teardown_days=20, emplace_days=20), planning_horizon_days=60
    )
    report = build_report(plan(scenario), scenario, with_ladder=False)
    assert report.data.schedule is not None and report.data.schedule.dropped
    assert "not made" in report.html and {"schedule", "risk_by_day"} <= set(report.images)


def test_compare_shows_two_schedules_side_by_side(tmp_path: Path) -> None:
    scenario = slow(planning_theater(), teardown_days=1, road_km_per_day=30, emplace_days=1)
    first = write_xlsx(scenario, tmp_path / "quick.xlsx")
    second = write_xlsx(slow(scenario, teardown_days=10), tmp_path / "slow.xlsx")
    result = compare_schedules(first, second, every_move=True)
    delta = {row["metric"]: row["delta"] for row in result.summary.to_dict(orient="records")}
    assert delta["last ready day"] == 9  # nine more days of teardown
    assert delta["transition cost beyond the end state"] > 0
    bravo = result.moves.set_index("from_base").loc["bravo"]
    assert bravo["a_ready_day"] == 5 and bravo["b_ready_day"] == 14
    same = compare_schedules(first, first)
    assert same.summary["delta"].abs().max() == 0.0 and same.labels[0] != same.labels[1]
    out = tmp_path / "out"
    args = ["compare", str(first), str(second), "--schedule", "--out", str(out)]
    shown = CliRunner().invoke(cli, args)
    assert shown.exit_code == 0, shown.output
    assert "Move schedules" in shown.output and (out / "compare_schedule.csv").exists()
    plan_dir = tmp_path / "plan"
    assert CliRunner().invoke(cli, ["plan", str(first), "--out", str(plan_dir)]).exit_code == 0
    refused = CliRunner().invoke(cli, ["compare", str(plan_dir), str(second), "--schedule"])
    assert refused.exit_code == 2 and "is a plan, not a theater" in refused.output


def test_movement_columns_are_checked_like_every_other_cell(tmp_path: Path) -> None:
    scenario = planning_theater()
    workbook = write_xlsx(scenario, tmp_path / "theater.xlsx")
    book = openpyxl.load_workbook(workbook)
    systems, bases = book["systems"], book["bases"]
    header = [c.value for c in systems[1]]
    systems.cell(2, header.index("teardown_days") + 1, -1)
    systems.cell(3, header.index("road_km_per_day") + 1, 0)
    bases.cell(2, [c.value for c in bases[1]].index("receives_air") + 1, "maybe")
    settings = book.create_sheet("settings") if "settings" not in book else book["settings"]
    settings.append(["lift_units", 0])
    book.save(workbook)
    errors = [p for p in validate(workbook).problems if p.severity == "error"]
    columns = {p.column for p in errors}
    assert {"teardown_days", "road_km_per_day", "receives_air"} <= columns, errors
    assert any("lift_units" in str(p) for p in errors), errors


def test_the_example_theater_schedule_keeps_its_lift_and_reaches_the_moves_plan() -> None:
    example = load_scenario(Path(__file__).resolve().parents[1] / "inputs" / "iraq_syria.xlsx")
    lift = example.settings.lift_units
    assert lift is not None and any(s.teardown_days for s in example.systems)
    result = schedule(example)
    assert result.status == "optimal" and result.days["transit"].max() <= lift
    every = schedule(example, every_move=True)
    assert not every.dropped and every.days["transit"].max() <= lift
    target = moves(example).target
    assert target is not None
    assert math.isclose(every.risk_end, target.risk_after, rel_tol=1e-12)
    assert every.transition_cost > 0  # units are down for days: the move costs risk
