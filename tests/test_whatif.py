"""What-if: ladder, sweep, compare, risk acceptance, the executor and their commands."""

from __future__ import annotations

import dataclasses
import itertools
import math
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import base, small_scenario, with_settings
from defplan.cli.whatif import compare_command, ladder_command, sweep_command
from defplan.executor import run_all
from defplan.plan import Plan, build_arrays, plan
from defplan.plan.writers import write_plan
from defplan.risk import risk
from defplan.scenario import DeployedRow, RuleRow, Scenario, SystemRow
from defplan.whatif import compare, ladder, parse_vary, risk_acceptance, sweep, vary_scenario
from defplan.whatif.jobs import with_inventory
from defplan.workbook import write_xlsx

runner = CliRunner()


def theater(cram: int = 3, patriot: int = 1, **overrides: object) -> Scenario:
    """small_scenario with a fourth base, max 2 C-RAM per base and today's deployment."""
    scenario = small_scenario()
    fields: dict[str, object] = {
        "bases": (*scenario.bases, base("delta", lat=33.2, lon=44.2, troops=800)),
        "systems": (
            SystemRow(system_id="cram", name="C-RAM", mode="point", inventory=cram, max_per_base=2),
            SystemRow(
                system_id="patriot", name="Patriot", mode="area", inventory=patriot, range_km=40
            ),
        ),
        "deployed": (DeployedRow(base_id="bravo", system_id="cram", units=1),),
    }
    fields.update(overrides)
    return dataclasses.replace(scenario, **fields)  # type: ignore[arg-type]


def best_by_total(scenario: Scenario) -> dict[int, float]:
    """Brute force: the best objective with at most k units in all, for every k."""
    inst = build_arrays(scenario, risk(scenario)).instance
    ranges = [
        range(int(lo), int(hi) + 1)
        for lo, hi in zip(inst.lower.ravel(), inst.upper.ravel(), strict=True)
    ]
    best: dict[int, float] = {}
    for values in itertools.product(*ranges):
        x = np.asarray(values, dtype=np.int64).reshape(inst.lower.shape)
        if (x.sum(axis=0) > inst.inventory).any():
            continue
        total = int(x.sum())
        best[total] = min(best.get(total, math.inf), inst.objective_of(x))
    running, out = math.inf, {}
    for k in range(int(inst.inventory.sum()) + 1):
        running = min(running, best.get(k, math.inf))
        out[k] = running
    return out


# --- ladder --------------------------------------------------------------------------


@settings(max_examples=20)
@given(
    cram=st.integers(0, 3),
    patriot=st.integers(0, 2),
    troops=st.integers(0, 3000),
    system=st.sampled_from([None, "cram", "patriot"]),
    others=st.sampled_from(["full", "none"]),
    rule=st.booleans(),
)
def test_ladder_never_rises_and_ends_at_the_plan(
    cram: int, patriot: int, troops: int, system: str | None, others: str, rule: bool
) -> None:
    scenario = theater(cram, patriot)
    scenario = dataclasses.replace(
        scenario,
        bases=(*scenario.bases[:3], base("delta", lat=33.2, lon=44.2, troops=troops)),
        rules=(RuleRow(kind="min_units", base_id="bravo", system_id="cram", value=1),)
        if rule and cram > 0 and not (others == "none" and system == "patriot")
        else (),
    )
    result = ladder(scenario, system=system, others=others, workers=1)  # type: ignore[arg-type]
    feasible = [s for s in result.steps if s.feasible]
    assert feasible, "the inventory on hand meets the rules"
    # once feasible, every later step is feasible and the risk never rises
    assert all(s.feasible for s in result.steps if s.units >= feasible[0].units)
    for before, after in itertools.pairwise(feasible):
        assert after.objective <= before.objective
        assert math.isclose(after.removed, before.objective - after.objective)
    cut = result.cut
    assert cut is not None and cut.plan is not None
    if system is not None and others == "none":
        fixed = {s.system_id: 0 for s in scenario.systems if s.system_id != system}
        reference = plan(scenario, inventory=fixed)
    else:
        reference = plan(scenario)
    assert math.isclose(cut.objective, reference.objective, rel_tol=1e-6, abs_tol=1e-12)
    if system is None:
        assert cut.units == cram + patriot
        exact = best_by_total(scenario)
        for step in feasible:
            assert math.isclose(step.objective, exact[step.units], rel_tol=1e-6, abs_tol=1e-12)


def test_ladder_reports_the_units_reshuffles_and_the_cut_line() -> None:
    scenario = theater(3, 1)
    result = ladder(scenario, system="cram", beyond=1, workers=1)
    assert [s.units for s in result.steps] == [0, 1, 2, 3, 4]
    assert result.on_hand == 3 and result.cut is not None and result.cut.units == 3
    assert result.steps[-1].beyond_inventory and not result.cut.beyond_inventory
    for step in result.steps[1:]:
        assert step.added or step.kept  # each unit goes somewhere or adds nothing
        assert step.removed >= 0
    critical = result.critical
    assert list(critical["rank"]) == list(range(1, len(critical) + 1))
    assert critical["risk_undefended"].is_monotonic_decreasing
    defended = set(result.cut.defended)
    assert set(critical.loc[critical["defended_at_cut"], "base_id"]) <= defended
    assert set(result.below_line()).isdisjoint(defended)
    assert any("Cut line at 3 units" in line for line in result.brief())
    assert not result.acceptance.empty
    one = ladder(theater(cram=1, patriot=0), system="cram", workers=1)
    brief = " ".join(one.brief())
    assert "1 unit on hand" in brief and "Cut line at 1 unit:" in brief
    assert "1 units" not in brief and "With 0 units" in brief
    rule = RuleRow(kind="min_units", base_id="alpha", system_id="cram", value=1)
    ruled = ladder(theater(rules=(rule,)), system="cram", workers=1)
    assert any(line.startswith("With 1 unit (") for line in ruled.brief())


def test_ladder_refuses_unknown_systems_and_too_many_solves() -> None:
    with pytest.raises(ValueError, match="not a system"):
        ladder(theater(), system="nasams", workers=1)
    big = theater(cram=100, patriot=100)
    with pytest.raises(ValueError, match="solves"):
        ladder(big, workers=1)


def test_ladder_steps_below_the_rules_minimum_are_infeasible_with_the_reason() -> None:
    rules = (RuleRow(kind="min_units", base_id="bravo", system_id="cram", value=2),)
    result = ladder(theater(3, 0, rules=rules), system="cram", workers=1)
    assert [s.status for s in result.steps[:2]] == ["infeasible", "infeasible"]
    assert "min_units 2 of cram at bravo" in result.steps[0].message
    assert result.steps[2].feasible


# --- sweep ---------------------------------------------------------------------------


def same_plan(a: Plan | None, b: Plan | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.objective == b.objective and np.array_equal(a.allocation, b.allocation)


def test_sweep_on_two_workers_equals_the_points_solved_one_by_one() -> None:
    scenario = theater(3, 1)
    swept = sweep(scenario, "inventory:cram=0..3", workers=2)
    one_by_one = [plan(with_inventory(scenario, {"cram": k})) for k in range(4)]
    assert all(same_plan(a, b) for a, b in zip(swept.plans, one_by_one, strict=True))
    assert list(swept.rows["objective"]) == [p.objective for p in one_by_one]
    rows = swept.rows
    assert math.isnan(rows["marginal_per_unit"][0])
    for i in range(1, 4):
        expected = one_by_one[i - 1].objective - one_by_one[i].objective
        assert math.isclose(rows["marginal_per_unit"][i], expected)
    settings_sweep = sweep(scenario, "setting:troop_weight", [0.5, 2.0], workers=2)
    direct = [plan(with_settings(scenario, troop_weight=w)) for w in (0.5, 2.0)]
    assert all(same_plan(a, b) for a, b in zip(settings_sweep.plans, direct, strict=True))


def test_sweep_of_a_zone_and_a_base_recomputes_the_risk() -> None:
    scenario = theater()
    zone_sweep = sweep(scenario, "zone:south.intensity=0,6,12", workers=1)
    undefended = [p.undefended_objective for p in zone_sweep.plans if p is not None]
    assert undefended[0] < undefended[1] < undefended[2]
    hardened = sweep(scenario, "base:alpha.hardening=0,0.9", workers=1)
    assert all(p is not None for p in hardened.plans)
    assert hardened.plans[1].risk_undefended[0] < hardened.plans[0].risk_undefended[0]  # type: ignore[union-attr]


def test_parse_vary_reads_ranges_and_lists() -> None:
    spec = parse_vary("inventory:patriot=0..8")
    assert (spec.kind, spec.target, spec.field) == ("inventory", "patriot", None)
    assert spec.values == tuple(float(v) for v in range(9))
    assert parse_vary("setting:troop_weight=0.5,1,2").values == (0.5, 1.0, 2.0)
    zone = parse_vary("zone:jurf.intensity=1, 2 ,4")
    assert (zone.kind, zone.target, zone.field, zone.values) == (
        "zone",
        "jurf",
        "intensity",
        (1, 2, 4),
    )
    assert parse_vary("inventory:cram", [1, 2]).values == (1.0, 2.0)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("inventory:cram", "gives no values"),
        ("inventory:cram=a..b", "not a range"),
        ("inventory:cram=3..1", "backwards"),
        ("inventory:cram=1.5", "whole numbers"),
        ("inventory:cram=-1", "whole numbers"),
        ("inventory:cram=1,,2", "not a number"),
        ("weather:rain=1", "not something a sweep varies"),
        ("zone:south=1", "names no field"),
        ("zone:south.colour=1", "not a zone field"),
        ("base:alpha.capacity=100,200", "not a base field"),  # no plan reads capacity
        ("setting:troop_weight.x=1", "has no fields"),
        ("nonsense", "not a vary spec"),
        ("inventory:cram=", "no values"),
    ],
)
def test_parse_vary_names_the_expected_forms(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_vary(spec)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("inventory:nasams=1", "not a system"),
        ("setting:troop_wait=1", "not a setting"),
        ("setting:troop_weight=-1", "troop_weight"),
        ("setting:objective=1", "objective"),
        ("zone:north.intensity=1", "not a threat zone"),
        ("zone:south.intensity=-2", "intensity"),
        ("base:alpha.hardening=2", "hardening"),
        ("base:omega.troops=1", "not a base"),
        ("setting:troop_wieght=1,2", "did you mean troop_weight"),
        ("inventory:cramm=1", "expected one of cram, patriot; did you mean cram"),
        ("zone:sout.intensity=1", "did you mean south"),
        ("base:alpah.troops=1", "did you mean alpha"),
    ],
)
def test_vary_values_the_theater_refuses_are_named(spec: str, message: str) -> None:
    parsed = parse_vary(spec)
    with pytest.raises(ValueError, match=message):
        vary_scenario(theater(), parsed, parsed.values[0])


def test_a_misspelt_field_or_kind_in_a_vary_spec_gets_a_did_you_mean() -> None:
    with pytest.raises(ValueError, match=re.escape("radius_km, lat, lon; did you mean radius_km?")):
        parse_vary("zone:south.radius=1,2")
    with pytest.raises(ValueError, match=r"did you mean troops\?"):
        parse_vary("base:alpha.troop=1,2")
    with pytest.raises(ValueError, match="did you mean 'zone'"):
        parse_vary("zones:south.intensity=1")


def test_ladder_names_the_systems_in_words_with_a_did_you_mean() -> None:
    with pytest.raises(ValueError) as caught:
        ladder(theater(), system="patriott", workers=1)
    assert str(caught.value) == (
        "'patriott' is not a system of the theater "
        "(expected one of cram, patriot; did you mean patriot?)"
    )


# --- compare -------------------------------------------------------------------------


def test_compare_deltas_add_up_and_a_plan_against_itself_changes_nothing(tmp_path: Path) -> None:
    first = plan(theater(3, 1))
    second = plan(theater(1, 1))
    result = compare(first, second)
    total_delta = float(result.bases["risk_delta"].sum())
    assert math.isclose(total_delta, second.risk_after - first.risk_after, abs_tol=1e-12)
    for s in ("cram", "patriot"):
        assert int(result.bases[f"{s}_delta"].sum()) == result.b.units[s] - result.a.units[s]
    assert result.changed and len(result.brief()) >= 3
    write_plan(first, theater(3, 1), tmp_path / "a")
    same = compare(first, tmp_path / "a" / "plan.json")
    assert (same.bases["risk_delta"].abs() <= 1e-12).all()
    assert not same.bases["defence_changed"].any()
    assert any("No base's defence changes" in line for line in same.brief())
    folder = compare(tmp_path / "a", first)  # a folder holding plan.json
    assert (folder.bases["risk_delta"].abs() <= 1e-12).all()


def test_compare_counts_a_base_only_one_side_has_as_zero() -> None:
    small = theater()
    bigger = dataclasses.replace(
        small, bases=(*small.bases, base("echo", lat=32.95, lon=44.05, troops=3000))
    )
    a, b = plan(small), plan(bigger)
    result = compare(a, b, labels=("small", "bigger"))
    echo = result.bases.set_index("base_id").loc["echo"]
    assert echo["note"] == "only in bigger" and echo["risk_a"] == 0.0
    assert math.isclose(
        float(result.bases["risk_delta"].sum()), b.risk_after - a.risk_after, abs_tol=1e-12
    )
    brief = " ".join(result.brief())
    assert "Only in bigger (1): echo; counted as no risk on the other side." in brief
    assert "may not be plans of one theater" not in brief


def test_compare_warns_when_two_plans_share_few_bases() -> None:
    small = theater()
    others = tuple(
        base(f"far_{k}", lat=30.0 + k / 10, lon=47.0, troops=100 * (k + 1)) for k in range(5)
    )
    mostly_other = dataclasses.replace(small, bases=(*small.bases, *others))
    brief = " ".join(compare(plan(small), plan(mostly_other), labels=("A", "B")).brief())
    assert "share only 4 of 9 bases" in brief and "may not be plans of one theater" in brief


# --- risk acceptance -----------------------------------------------------------------


@pytest.mark.parametrize("cram", [0, 1, 3])
def test_acceptance_rows_are_exactly_the_bases_left_at_risk(cram: int) -> None:
    rules = (RuleRow(kind="forbid", base_id="delta"),)
    scenario = theater(cram, 1, rules=rules)
    result = plan(scenario)
    frame = risk_acceptance(result, scenario)
    at_risk = {b for b, r in zip(result.base_ids, result.residual, strict=True) if r > 1e-12}
    assert set(frame["base_id"]) == at_risk
    assert (frame["measures"].str.len() > 0).all()
    assert (frame["reason"].str.len() > 0).all()
    assert frame["risk_accepted"].is_monotonic_decreasing
    by_base = frame.set_index("base_id")
    if "delta" in by_base.index:  # forbidden: only a Patriot standing elsewhere may cover it
        reason = str(by_base.loc["delta", "reason"])
        assert "here would" not in reason
        assert "forbid" in reason or "patriot at" in reason or "no patriot" in reason
    for row in frame.to_dict("records"):
        if row["reason_kind"] == "better_use":
            assert row["better_use"] and "removes" in row["reason"]


def test_acceptance_measures_follow_the_threat() -> None:
    from defplan.whatif import measures_for

    assert any("counter-battery" in m for m in measures_for("rocket", "history"))
    assert any("early warning" in m for m in measures_for("ballistic_missile", None))
    assert measures_for("laser", "exposure")[-1] == "fewer troops on the site"


# --- executor ------------------------------------------------------------------------


def test_run_all_keeps_the_order_whoever_runs_the_jobs() -> None:
    items = [(i, 7) for i in range(12)]
    expected = [i * 7 for i in range(12)]
    assert run_all(_multiply, items, workers=1, progress=False) == expected
    with ThreadPoolExecutor(max_workers=3) as engine:  # stands in for Dask's executor
        assert run_all(_multiply, items, executor=engine, progress=False) == expected
    with pytest.raises(ValueError, match="workers"):
        run_all(_multiply, items, workers=0, progress=False)


def _multiply(pair: tuple[int, int]) -> int:
    return pair[0] * pair[1]


def test_a_forking_process_pool_is_refused_before_any_job_and_spawn_is_taken() -> None:
    """A forked worker copies HiGHS' threads half-started and hangs: refuse, name the fix."""
    plan(theater())  # the solver's threads have started here
    forking = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
    try:
        with pytest.raises(ValueError, match=r'get_context\("spawn"\)'):
            ladder(theater(), executor=forking, progress=False)
        with pytest.raises(ValueError, match="forks"):
            run_all(_multiply, [(1, 2)], executor=forking, progress=False)
    finally:
        forking.shutdown()
    spawning = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    with spawning:
        assert run_all(abs, [-1, -2, 3], executor=spawning, progress=False) == [1, 2, 3]


# --- commands ------------------------------------------------------------------------


def whatif_app() -> typer.Typer:
    app = typer.Typer()
    app.command("ladder")(ladder_command)
    app.command("sweep")(sweep_command)
    app.command("compare")(compare_command)
    return app


def test_commands_run_on_a_small_theater_and_refuse_a_bad_vary(tmp_path: Path) -> None:
    app = whatif_app()
    workbook = write_xlsx(theater(), tmp_path / "theater.xlsx")
    fast = ["--workers", "1", "--no-progress"]
    done = runner.invoke(app, ["ladder", str(workbook), *fast, "--out", str(tmp_path / "l")])
    assert done.exit_code == 0, done.output
    assert "cut line at 4 units" in done.output and "Critical list" in done.output
    assert (tmp_path / "l" / "ladder.csv").is_file() and (tmp_path / "l" / "ladder.xlsx").is_file()
    sheets = openpyxl.load_workbook(tmp_path / "l" / "ladder.xlsx").sheetnames
    assert sheets == ["Ladder", "Critical", "Risk acceptance"]  # Title case, as plan.xlsx
    done = runner.invoke(app, ["ladder", str(workbook), "--system", "all", *fast])
    assert done.exit_code == 0, done.output
    done = runner.invoke(
        app,
        [
            "sweep",
            str(workbook),
            "--vary",
            "inventory:cram=0..2",
            *fast,
            "--out",
            str(tmp_path / "s"),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "Sweep of inventory:cram" in done.output
    assert (tmp_path / "s" / "sweep.csv").is_file()
    bad = runner.invoke(app, ["sweep", str(workbook), "--vary", "inventory:cram=x", *fast])
    assert bad.exit_code == 2
    bad = runner.invoke(app, ["sweep", str(workbook), "--vary", "zone:nowhere.intensity=1", *fast])
    assert bad.exit_code == 2
    other = write_xlsx(theater(cram=1), tmp_path / "other.xlsx")
    done = runner.invoke(app, ["compare", str(workbook), str(other), "--out", str(tmp_path / "c")])
    assert done.exit_code == 0, done.output
    assert "Base by base" in done.output and (tmp_path / "c" / "compare_brief.txt").is_file()
    inside = runner.invoke(app, ["ladder", str(workbook), *fast, "--out", str(workbook)])
    assert inside.exit_code == 2
