"""Posture: applying options, scoring them, the closure search, move orders, the CLI."""

from __future__ import annotations

import dataclasses
import importlib
import itertools
import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import base, small_scenario, with_settings
from defplan.cli.posture import moves_command, options_command
from defplan.errors import SolverError
from defplan.geo import great_circle_km
from defplan.model.brute import brute_force
from defplan.plan import Plan, build_arrays, evaluate, plan
from defplan.posture import (
    POOL,
    MoveDistances,
    OptionError,
    apply_option,
    apply_posture,
    close_bases,
    flow_orders,
    least_moves_plan,
    move_budget_curve,
    moves,
    options,
)
from defplan.posture.move_orders import (
    curve_note,
    deployed_units,
    forced_moves,
    metres,
    planned_units,
)
from defplan.posture.option_scoring import REOPTIMISED, STATUS_QUO, beats, closures
from defplan.risk import risk
from defplan.scenario import DeployedRow, OptionRow, RouteRow, RuleRow, Scenario, SystemRow
from defplan.workbook import write_xlsx

runner = CliRunner()
cli = typer.Typer()
cli.command("options")(options_command)
cli.command("moves")(moves_command)


def option(option_id: str, action: str, base_id: str, **fields: object) -> OptionRow:
    return OptionRow(option_id=option_id, action=action, base_id=base_id, **fields)


def theater(**overrides: object) -> Scenario:
    """Five bases: alpha, bravo, delta near the southern zone, charlie closed, echo empty
    and far away; three C-RAM and a Patriot, two C-RAM deployed; five options."""
    scenario = small_scenario()
    alpha, bravo, charlie = scenario.bases
    fields: dict[str, object] = {
        "bases": (
            alpha.model_copy(update={"capacity": 2600, "region": "Baghdad"}),
            bravo.model_copy(update={"capacity": 600, "region": "Diyala"}),
            charlie.model_copy(update={"region": "Nineveh"}),
            base("delta", lat=33.2, lon=44.2, troops=800, capacity=1000, region="Baghdad"),
            base("echo", lat=36.5, lon=40.0, troops=0, region="Anbar"),
        ),
        "systems": (
            SystemRow(system_id="cram", name="C-RAM", mode="point", inventory=3, max_per_base=2),
            SystemRow(system_id="patriot", name="Patriot", mode="area", inventory=1, range_km=40),
        ),
        "deployed": (
            DeployedRow(base_id="bravo", system_id="cram", units=1),
            DeployedRow(base_id="delta", system_id="cram", units=1),
        ),
        "options": (
            option("close_echo", "close", "echo"),
            option("bravo_to_delta", "close", "bravo", to_base_id="delta"),
            option("close_bravo", "close", "bravo"),
            option(
                "cram_to_alpha",
                "move_system",
                "delta",
                to_base_id="alpha",
                system_id="cram",
                units=1,
            ),
            option("thin_alpha", "move_troops", "alpha", to_base_id="echo", units=400),
        ),
    }
    fields.update(overrides)
    return dataclasses.replace(scenario, **fields)  # type: ignore[arg-type]


def troops(scenario: Scenario) -> dict[str, int]:
    return {b.base_id: b.troops for b in scenario.bases}


# --- applying options ----------------------------------------------------------------------


def test_close_spreads_troops_to_the_nearest_open_bases_within_capacity() -> None:
    scenario = theater()
    posture = apply_posture(scenario, "close_bravo")
    after = posture.scenario
    b = scenario.base_by_id
    km_delta = great_circle_km(b["bravo"].lat, b["bravo"].lon, b["delta"].lat, b["delta"].lon)
    km_alpha = great_circle_km(b["bravo"].lat, b["bravo"].lon, b["alpha"].lat, b["alpha"].lon)
    assert km_delta < km_alpha  # delta is nearer: it fills first, to its capacity
    assert troops(after) == {"alpha": 2300, "bravo": 0, "charlie": 0, "delta": 1000, "echo": 0}
    assert sum(troops(after).values()) == sum(troops(scenario).values())
    assert after.base_by_id["bravo"].status == "closed"
    assert posture.troop_km == pytest.approx(200 * km_delta + 300 * km_alpha)
    assert posture.returned == (("bravo", "cram", 1),)
    assert all(d.base_id != "bravo" for d in after.deployed)
    assert scenario == theater()  # the input is untouched


def test_close_never_spreads_our_troops_to_a_partners_base_nor_proposes_closing_it() -> None:
    scenario = theater()
    partner = tuple(
        b.model_copy(update={"owner": "partner"}) if b.base_id == "delta" else b
        for b in scenario.bases
    )
    scenario = dataclasses.replace(scenario, bases=partner)
    after = apply_posture(scenario, "close_bravo").scenario
    # delta is nearer but a partner's: alpha, the next base of ours, takes them all
    assert troops(after)["delta"] == troops(scenario)["delta"]
    assert troops(after)["alpha"] == troops(scenario)["alpha"] + troops(scenario)["bravo"]
    assert all("delta" not in closed for closed in closures(scenario, 2))


def test_close_to_a_base_without_room_is_a_clear_error() -> None:
    with pytest.raises(OptionError, match=r"delta can take 200 more troops.*not 500") as caught:
        apply_option(theater(), "bravo_to_delta")
    assert caught.value.kind == "capacity"


def test_troops_that_fit_nowhere_stay_and_are_reported() -> None:
    full = tuple(
        b.model_copy(update={"capacity": b.troops}) if b.base_id != "bravo" else b
        for b in theater().bases
    )
    posture = apply_posture(theater(bases=full), "close_bravo")
    assert posture.unplaced == (("bravo", 500),)
    assert troops(posture.scenario)["bravo"] == 500 and posture.troop_moves == ()


def test_move_system_pins_the_units_and_unknown_ids_are_named() -> None:
    after = apply_option(theater(), "cram_to_alpha")
    assert deployed_units(after) == {("bravo", "cram"): 1, ("alpha", "cram"): 1}
    assert any(r.kind == "min_units" and r.base_id == "alpha" and r.value == 1 for r in after.rules)
    result = plan(after)
    assert planned_units(result).get(("alpha", "cram"), 0) >= 1
    with pytest.raises(OptionError, match="'nope' is not on the options sheet"):
        apply_option(theater(), "nope")
    bad = theater(options=(option("x", "close", "ghost"),))
    with pytest.raises(OptionError, match="'ghost' is not a base"):
        apply_option(bad, "x")
    with pytest.raises(OptionError, match="has 1 deployed"):
        apply_option(
            theater(
                options=(
                    option(
                        "y", "move_system", "delta", to_base_id="alpha", system_id="cram", units=2
                    ),
                )
            ),
            "y",
        )


# --- scoring options -----------------------------------------------------------------------


def test_closing_an_empty_base_with_no_systems_changes_nothing() -> None:
    report = options(theater(), only=["close_echo"])
    sq, (score,) = report.reoptimised, report.options
    assert sq.plan is not None and planned_units(sq.plan).keys().isdisjoint(
        {("echo", "cram"), ("echo", "patriot")}
    )
    assert score.feasible
    assert score.risk_total == sq.risk_total and score.risk_worst == sq.risk_worst
    assert score.troops_undefended == sq.troops_undefended
    assert score.system_units_moved == sq.system_units_moved
    assert score.delta_reoptimised == 0.0
    assert score.troop_km == 0.0 and score.regions_lost == ()


def test_options_are_scored_ranked_and_deterministic() -> None:
    scenario = theater()
    first, second = options(scenario), options(scenario)
    table = first.table()
    assert table.drop(columns="why").equals(second.table().drop(columns="why"))
    ranked = [o for o in first.options if o.feasible]
    keys = [(o.risk_total, o.risk_worst) for o in ranked]
    assert keys == sorted(keys)
    by_id = {o.option_id: o for o in first.options}
    assert not by_id["bravo_to_delta"].feasible and "capacity" in by_id["bravo_to_delta"].reason
    assert first.options[-1].option_id == "bravo_to_delta"  # infeasible last
    close = by_id["close_bravo"]
    assert close.regions_lost == ("Diyala",) and close.troops_moved == 500
    assert close.plan is not None
    assert close.risk_total == pytest.approx(plan(apply_option(scenario, "close_bravo")).risk_after)
    assert close.delta_total == pytest.approx(close.risk_total - first.status_quo.risk_total)


def test_suggest_finds_the_brute_force_best_closure() -> None:
    scenario = theater(options=())
    report = options(scenario, suggest=2, top=50, workers=1)
    sets = closures(scenario, 2)
    assert report.closures_searched == len(sets) == 4 + 6  # alpha, bravo, delta, echo
    best_value, best_sets = math.inf, []
    for closed in sets:
        after = close_bases(scenario, closed).scenario
        value, _ = brute_force(build_arrays(after, risk(after)).instance)
        if value < best_value - 1e-9:
            best_value, best_sets = value, [closed]
        elif value <= best_value + 1e-9:
            best_sets.append(closed)
    top = report.suggestions[0]
    assert top.closed in best_sets
    assert top.risk_total == pytest.approx(best_value, rel=1e-6)
    assert top.why and "removes" in top.why
    for suggestion in report.suggestions:  # the why's figures are the score's
        assert f"removes {-suggestion.delta_reoptimised:.3f}/yr" in suggestion.why
        assert f"({-suggestion.delta_total:.3f}/yr against today's deployment" in suggestion.why
        share = -suggestion.delta_reoptimised / report.reoptimised.risk_total
        assert f"({share:.0%}) of the residual risk left by re-optimising" in suggestion.why
    totals = [s.risk_total for s in report.suggestions]
    assert totals == sorted(totals) and all(t < report.reoptimised.risk_total for t in totals)


# --- move orders ---------------------------------------------------------------------------

SITES = ("s0", "s1", "s2", "s3")


@st.composite
def transfers(
    draw: st.DrawFn,
) -> tuple[Scenario, dict[tuple[str, str], int], dict[tuple[str, str], int], dict[str, int]]:
    """≤ 4 sites, ≤ 3 units per system, today's and a target placement, maybe routes."""
    n = draw(st.integers(2, 4))
    sites = SITES[:n]
    bases = tuple(
        base(s, lat=draw(st.floats(30.0, 37.0)), lon=draw(st.floats(38.0, 48.0))) for s in sites
    )
    routes = []
    for a, b in itertools.combinations(sites, 2):
        if draw(st.integers(0, 3)) == 0:
            routes.append(RouteRow(from_base=a, to_base=b, distance_km=draw(st.floats(1.0, 900.0))))
    inventory: dict[str, int] = {}
    current: dict[tuple[str, str], int] = {}
    target: dict[tuple[str, str], int] = {}
    for system in draw(st.sampled_from([("cram",), ("cram", "patriot")])):
        inventory[system] = draw(st.integers(0, 3))
        for placement in (current, target):
            left = inventory[system]
            for s in sites:
                units = draw(st.integers(0, left))
                left -= units
                if units:
                    placement[(s, system)] = units
    scenario = small_scenario(bases=bases, routes=tuple(routes))
    return scenario, current, target, inventory


def brute_best(
    current: dict[tuple[str, str], int],
    target: dict[tuple[str, str], int],
    spare: int,
    system: str,
    distances: MoveDistances,
) -> tuple[int, float]:
    """(fewest units sent back to the pool, then least metres) over every assignment of
    each movable unit (a surplus unit or a spare one) to a destination."""
    surplus = Counter(
        {b: u - target.get((b, s), 0) for (b, s), u in current.items() if s == system}
    )
    deficit = Counter(
        {b: u - current.get((b, s), 0) for (b, s), u in target.items() if s == system}
    )
    tokens = [b for b, u in sorted(surplus.items()) if u > 0 for _ in range(u)] + [POOL] * spare
    needs = [b for b, u in sorted(deficit.items()) if u > 0]
    best: tuple[int, float] = (10**9, math.inf)
    for choice in itertools.product([*needs, POOL], repeat=len(tokens)):
        got = Counter(c for c in choice if c != POOL)
        if any(got[b] != deficit[b] for b in needs):
            continue
        returns = sum(1 for t, c in zip(tokens, choice, strict=True) if t != POOL and c == POOL)
        cost = sum(
            metres(distances.km(t, c))
            for t, c in zip(tokens, choice, strict=True)
            if POOL not in (t, c)
        )
        best = min(best, (returns, cost))
    return best


@settings(max_examples=40)
@given(transfers())
def test_move_orders_conserve_units_and_cost_no_more_than_brute_force(
    case: tuple[Scenario, dict[tuple[str, str], int], dict[tuple[str, str], int], dict[str, int]],
) -> None:
    scenario, current, target, inventory = case
    distances = MoveDistances(scenario)
    orders = flow_orders(current, target, inventory, distances)
    for system, stock in inventory.items():
        mine = [o for o in orders if o.system_id == system]
        for site in SITES:
            moved_in = sum(o.units for o in mine if o.to_base == site)
            moved_out = sum(o.units for o in mine if o.from_base == site)
            assert current.get((site, system), 0) - moved_out + moved_in == target.get(
                (site, system), 0
            )
        spare = stock - sum(u for (_, s), u in current.items() if s == system)
        from_pool = sum(o.units for o in mine if o.from_base == POOL)
        assert 0 <= from_pool <= spare
        assert all(o.units > 0 for o in mine)
        returns = sum(o.units for o in mine if o.to_base == POOL)
        cost = sum(
            metres(o.km or 0.0) * o.units for o in mine if POOL not in (o.from_base, o.to_base)
        )
        assert (returns, cost) <= brute_best(current, target, spare, system, distances)


def test_move_orders_use_routes_and_their_hours() -> None:
    scenario = theater(
        routes=(
            RouteRow(from_base="delta", to_base="echo", distance_km=50.0, travel_hours=2.0),
            RouteRow(from_base="echo", to_base="alpha", distance_km=70.0, travel_hours=3.5),
        )
    )
    distances = MoveDistances(scenario)
    assert distances.leg("echo", "delta").km == 50.0 and distances.leg("echo", "delta").hours == 2.0
    path = distances.leg("delta", "alpha")
    assert (path.km, path.hours, path.source) == (120.0, 5.5, "routes_path")
    assert distances.leg("bravo", "alpha").source == "great_circle"
    assert distances.leg("bravo", "alpha").hours is None


def test_moves_reach_the_least_moves_optimal_plan() -> None:
    scenario = theater(deployed=(DeployedRow(base_id="echo", system_id="cram", units=2),))
    result = moves(scenario)
    target = result.target
    assert target is not None and target.status == "optimal"
    assert math.isclose(target.objective, plan(scenario).objective, rel_tol=1e-9)
    placed = Counter(deployed_units(scenario))
    for o in result.orders:
        placed[(o.from_base, o.system_id)] -= o.units
        placed[(o.to_base, o.system_id)] += o.units
    assert {k: v for k, v in placed.items() if v and POOL not in k} == planned_units(target)
    assert result.units_moved == target.moves == 2
    assert result.frame().columns.tolist()[:6] == [
        "system_id",
        "units",
        "from_base",
        "to_base",
        "km",
        "hours",
    ]


@pytest.mark.parametrize("objective", ["expected", "worst_case"])
def test_move_budget_curve_never_rises(objective: str) -> None:
    deployed = (
        DeployedRow(base_id="echo", system_id="cram", units=2),
        DeployedRow(base_id="echo", system_id="patriot", units=1),
    )
    scenario = with_settings(theater(deployed=deployed), objective=objective)
    curve = move_budget_curve(scenario)
    values = curve["objective"].tolist()
    assert curve["budget"].tolist() == list(range(len(values)))
    assert len(values) == least_moves_plan(scenario).moves + 1 >= 3
    assert all(b <= a + 1e-9 * max(1.0, abs(a)) for a, b in itertools.pairwise(values))
    assert (curve["units_moved"] <= curve["budget"]).all()
    assert values[-1] == pytest.approx(plan(scenario).objective, rel=1e-9)
    if objective == "expected":
        assert curve["risk"].tolist() == values


def assert_never_rises(curve: pd.DataFrame) -> None:
    values = curve["objective"].tolist()
    assert all(b <= a + 1e-9 * max(1.0, abs(a)) for a, b in itertools.pairwise(values))
    assert (curve["units_moved"] <= curve["budget"]).all()


def test_move_budget_curve_starts_at_the_moves_a_forbid_rule_forces() -> None:
    # bravo holds one C-RAM today and a rule forbids it there: every plan moves it.
    rules = (RuleRow(kind="forbid", base_id="bravo", system_id="cram"),)
    scenario = theater(rules=rules)
    with pytest.raises(SolverError):
        plan(scenario, max_moves=0)
    curve = move_budget_curve(scenario)
    assert curve["budget"].tolist()[0] == 1
    assert curve["budget"].tolist() == list(range(1, 1 + len(curve)))
    assert curve["risk_removed"].iloc[0] == 0.0
    assert_never_rises(curve)
    note = curve_note(curve)
    assert note is not None and note.startswith("the rules force 1 move(s)")
    assert "curve starts there" in note
    # a --max-budget below the forced moves still gets the first feasible row
    short = move_budget_curve(scenario, 0)
    assert short["budget"].tolist() == [1]
    assert curve_note(move_budget_curve(theater())) is None


def test_move_budget_curve_steps_past_a_low_estimate_of_the_forced_moves() -> None:
    # alpha must give up one of its two C-RAM (max_units 1) and delta needs two more
    # than it has, but only one unit is spare (the one alpha gives up): two moves.
    systems = (
        SystemRow(system_id="cram", name="C-RAM", mode="point", inventory=3, max_per_base=2),
        SystemRow(system_id="patriot", name="Patriot", mode="area", inventory=1, range_km=40),
    )
    scenario = theater(
        systems=systems,
        deployed=(
            DeployedRow(base_id="alpha", system_id="cram", units=2),
            DeployedRow(base_id="bravo", system_id="cram", units=1),
        ),
        rules=(
            RuleRow(kind="max_units", base_id="alpha", system_id="cram", value=1),
            RuleRow(kind="min_units", base_id="delta", system_id="cram", value=2),
        ),
    )
    with pytest.raises(SolverError):
        plan(scenario, max_moves=1)
    assert forced_moves(scenario) == 2  # one must leave alpha, one more must leave bravo
    curve = move_budget_curve(scenario)
    assert curve["budget"].tolist()[0] == 2
    assert_never_rises(curve)
    assert moves(scenario).units_moved == least_moves_plan(scenario).moves == 2
    # a solve that runs out of time is not a budget the rules forbid: it is reported
    full = least_moves_plan(scenario)

    def out_of_time(*args: object, **kwargs: object) -> Plan:
        raise SolverError("highs found no allocation within 1 s")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importlib.import_module("defplan.posture.move_orders"), "plan", out_of_time)
        with pytest.raises(SolverError, match="within 1 s"):
            # a full re-plan moving more than the rules force: the budgets between get solved
            move_budget_curve(scenario, full=dataclasses.replace(full, moves=full.moves + 2))


# --- the commands --------------------------------------------------------------------------


def test_commands_run_on_a_small_theater_and_write_under_out(tmp_path: Path) -> None:
    workbook = write_xlsx(theater(), tmp_path / "theater.xlsx")
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["options", str(workbook), "--suggest", "1", "--workers", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "close_bravo" in result.output and "best consolidation" in result.output
    assert {p.name for p in out.iterdir()} == {"options.csv", "suggestions.csv", "options.xlsx"}
    result = runner.invoke(cli, ["moves", str(workbook), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Move orders" in result.output and "move budget" in result.output
    assert (out / "moves.csv").exists() and (out / "move_budget.csv").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["options", "{wb}", "--option", "nope"],
        ["options", "{wb}", "--out", "{wb}"],
        ["moves", "{wb}", "--out", "{wb}"],
        ["moves", "{wb}", "--objective", "best"],
    ],
)
def test_commands_exit_2_on_bad_input(tmp_path: Path, args: list[str]) -> None:
    workbook = write_xlsx(theater(), tmp_path / "theater.xlsx")
    result = runner.invoke(cli, [a.format(wb=workbook) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_an_option_receiving_at_a_closed_base_is_scored_infeasible_not_refused(
    tmp_path: Path,
) -> None:
    scenario = theater()
    to_charlie = option("to_charlie", "move_troops", "alpha", to_base_id="charlie", units=100)
    workbook = write_xlsx(
        dataclasses.replace(scenario, options=(*scenario.options, to_charlie)),
        tmp_path / "theater.xlsx",
    )
    result = runner.invoke(cli, ["options", str(workbook), "--option", "to_charlie"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "to_charlie: infeasible — option to_charlie (move_troops alpha): charlie is closed" in (
        text
    )
    assert "ERROR" not in result.output


def test_moves_command_runs_when_the_rules_force_moves(tmp_path: Path) -> None:
    rules = (RuleRow(kind="forbid", base_id="bravo", system_id="cram"),)
    workbook = write_xlsx(theater(rules=rules), tmp_path / "theater.xlsx")
    result = runner.invoke(cli, ["moves", str(workbook)])
    assert result.exit_code == 0, result.output
    assert "ERROR" not in result.output
    assert "the rules force 1 move(s) from today's deployment: the curve starts there" in (
        " ".join(result.output.split())
    )


def test_the_status_quo_is_todays_deployment_scored_as_it_stands() -> None:
    """Not a re-optimised plan: the deployed sheet evaluated, nothing moved; the
    re-optimised same posture stands beside it under its own name."""
    scenario = theater()
    report = options(scenario, only=["close_bravo"])
    today, again = report.status_quo, report.reoptimised
    assert today.option_id == STATUS_QUO and again.option_id == REOPTIMISED
    assert today.plan is not None and again.plan is not None
    assert (today.plan.allocation == today.plan.current).all()
    assert today.system_units_moved == 0 and today.plan.status == "evaluated"
    assert today.risk_total == pytest.approx(evaluate(scenario).risk_after, rel=1e-12)
    assert again.risk_total == pytest.approx(least_moves_plan(scenario).risk_after, rel=1e-9)
    assert again.delta_total == pytest.approx(again.risk_total - today.risk_total)
    (close,) = report.options
    assert close.delta_total == pytest.approx(close.risk_total - today.risk_total)
    assert close.delta_reoptimised == pytest.approx(close.risk_total - again.risk_total)
    table = report.table()
    assert list(table["option_id"][:2]) == [STATUS_QUO, REOPTIMISED]
    assert "delta_reoptimised" in table.columns


def test_re_placing_the_systems_alone_is_not_proposed_as_a_consolidation() -> None:
    """Today's deployment leaves risk a re-optimisation removes; an option that only
    matches the re-optimised posture beats the status quo but is not 'best'."""
    report = options(theater(), only=["close_echo"])
    (score,) = report.options
    assert score.delta_reoptimised == 0.0
    if score.delta_total < 0:  # the re-optimisation alone lowers today's risk
        assert beats(score, report.status_quo)
    assert report.best is None


def test_a_deployment_that_breaks_rules_is_still_the_status_quo_and_says_so() -> None:
    """A C-RAM stands at bravo today; a rule now forbids it there."""
    scenario = theater(rules=(RuleRow(kind="forbid", base_id="bravo", system_id="cram"),))
    report = options(scenario, only=["close_echo"])
    assert report.status_quo.plan is not None
    assert report.status_quo.plan.status == "breaks_rules"
    assert "breaks rules: bravo: 1 cram, but at most 0 allowed" in report.status_quo.description
    assert report.reoptimised.plan is not None
    assert (
        report.reoptimised.plan.allocation[report.reoptimised.plan.base_ids.index("bravo"), 0] == 0
    )
