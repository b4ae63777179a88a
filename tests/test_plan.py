"""plan and evaluate on theaters: rules, budgets, conflicts, outputs, the CLI."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from builders import base, planning_theater, small_scenario, with_settings
from defplan.cli import app
from defplan.cli.plan import plan_summary
from defplan.errors import InputError, SolverError
from defplan.model.brute import brute_force
from defplan.plan import Plan, build_arrays, evaluate, plan
from defplan.plan.acceptance import risk_acceptance
from defplan.plan.planner import BREACH_SEPARATOR
from defplan.plan.writers import plan_record, read_plan_json, write_plan
from defplan.risk import risk
from defplan.scenario import RuleRow, Scenario
from defplan.workbook import load_scenario, write_xlsx

runner = CliRunner()


def units(result: Plan, base_id: str, system_id: str) -> int:
    b = result.base_ids.index(base_id)
    s = result.system_ids.index(system_id)
    return int(result.allocation[b, s])


def test_plan_is_optimal_and_respects_inventory_max_per_base_and_closed_bases() -> None:
    result = plan(planning_theater())
    assert result.status == "optimal"
    assert result.allocation[:, 0].sum() <= 3 and result.allocation[:, 1].sum() <= 1
    assert result.allocation[:, 0].max() <= 2
    assert units(result, "charlie", "cram") == 0 and units(result, "charlie", "patriot") == 0
    arrays = build_arrays(planning_theater(), risk(planning_theater()))
    best, _ = brute_force(arrays.instance)
    assert math.isclose(result.objective, best, rel_tol=1e-6, abs_tol=1e-12)
    assert result.objective <= result.greedy_objective + 1e-12
    assert result.risk_after <= result.risk_before + 1e-12


@settings(max_examples=25)
@given(
    objective=st.sampled_from(["expected", "worst_case", "blend", "attacker"]),
    max_moves=st.one_of(st.none(), st.integers(0, 2)),
    rule=st.sampled_from(["none", "min", "max", "lock", "forbid"]),
)
def test_plan_equals_brute_force_through_the_bridge(
    objective: str, max_moves: int | None, rule: str
) -> None:
    rules = {
        "none": (),
        "min": (RuleRow(kind="min_units", base_id="bravo", system_id="cram", value=2),),
        "max": (RuleRow(kind="max_units", base_id="alpha", system_id="cram", value=0),),
        "lock": (RuleRow(kind="lock", base_id="delta", system_id="cram"),),
        "forbid": (RuleRow(kind="forbid", base_id="alpha"),),
    }[rule]
    scenario = with_settings(
        planning_theater(rules=rules), objective=objective, max_moves=max_moves, attacker_raids=2
    )
    result = plan(scenario)
    best, _ = brute_force(build_arrays(scenario, risk(scenario)).instance)
    assert result.status == "optimal"
    assert math.isclose(result.objective, best, rel_tol=1e-6, abs_tol=1e-12)
    if max_moves is not None:
        assert result.moves <= max_moves
    if rule == "min":
        assert units(result, "bravo", "cram") >= 2
    if rule == "max":
        assert units(result, "alpha", "cram") == 0
    if rule == "lock":
        assert units(result, "delta", "cram") == 1
    if rule == "forbid":
        assert units(result, "alpha", "cram") == units(result, "alpha", "patriot") == 0


def test_conflicting_rules_are_named() -> None:
    rules = (
        RuleRow(kind="min_units", base_id="alpha", system_id="cram", value=2),
        RuleRow(kind="forbid", base_id="alpha", system_id="cram"),
    )
    with pytest.raises(SolverError) as caught:
        plan(planning_theater(rules=rules))
    message = str(caught.value)
    assert "rule min_units 2 of cram at alpha" in message
    assert "rule forbid cram at alpha" in message


def test_rules_needing_more_units_than_the_inventory_are_named() -> None:
    rules = (
        RuleRow(kind="min_units", base_id="alpha", system_id="cram", value=2),
        RuleRow(kind="min_units", base_id="bravo", system_id="cram", value=2),
    )
    with pytest.raises(SolverError, match=r"need 4 unit.*inventory is 3"):
        plan(planning_theater(rules=rules))


def test_a_move_budget_the_rules_cannot_meet_is_explained() -> None:
    rules = (RuleRow(kind="forbid", base_id="bravo"), RuleRow(kind="forbid", base_id="delta"))
    with pytest.raises(SolverError, match="max_moves 1 is below the 2 move"):
        plan(with_settings(planning_theater(rules=rules), max_moves=1))


def test_evaluate_scores_todays_deployment_with_the_same_model() -> None:
    scenario = planning_theater()
    today = evaluate(scenario)
    arrays = build_arrays(scenario, risk(scenario))
    assert arrays.instance.current is not None
    assert math.isclose(today.objective, arrays.instance.objective_of(arrays.instance.current))
    assert today.status == "evaluated" and today.moves == 0
    broken = evaluate(scenario, {("charlie", "cram"): 1})
    assert broken.status == "breaks_rules"
    assert broken.message == "charlie: 1 cram, but at most 0 allowed (charlie is closed)"


def test_evaluate_names_every_broken_rule_by_base_system_and_rule() -> None:
    rules = (
        RuleRow(kind="lock", base_id="bravo", system_id="cram"),
        RuleRow(kind="forbid", base_id="alpha", system_id="cram"),
        RuleRow(kind="min_units", base_id="delta", system_id="patriot", value=1),
    )
    scenario = with_settings(planning_theater(rules=rules), max_moves=1)
    broken = evaluate(scenario, {("alpha", "cram"): 2, ("charlie", "cram"): 1})
    assert broken.status == "breaks_rules"
    assert broken.message.split(BREACH_SEPARATOR) == [
        "alpha: 2 cram, but at most 0 allowed (rule forbid cram at alpha)",
        "bravo: 0 cram, but at least 1 needed (rule lock cram at bravo as deployed)",
        "charlie: 1 cram, but at most 0 allowed (charlie is closed)",
        "delta: 0 patriot, but at least 1 needed (rule min_units 1 of patriot at delta)",
        "2 units moved from today's deployment, but max_moves is 1",
    ]
    assert "[" not in broken.message


@pytest.mark.parametrize(
    ("allocation", "message"),
    [
        ({("alpha", "patriot"): 2}, "2 patriot in all, but the inventory is 1"),
        ({("alpha", "cram"): 2, ("delta", "cram"): 2}, "4 cram in all, but the inventory is 3"),
        ({("zulu", "cram"): 1}, "'zulu' is not a base"),
        ({("alpha", "laser"): 1}, "'laser' is not a system"),
    ],
)
def test_evaluate_refuses_an_allocation_it_cannot_score(
    allocation: dict[tuple[str, str], int], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        evaluate(planning_theater(), allocation, source="mine.csv")
    assert [p.file for p in caught.value.problems] == ["mine.csv"]
    assert message in str(caught.value.problems[0])


def test_plan_json_is_identical_apart_from_timing() -> None:
    first, second = plan_record(plan(planning_theater())), plan_record(plan(planning_theater()))
    first.pop("timing")
    second.pop("timing")
    assert first == second
    assert first["schema_version"] == 1


def test_plan_files_round_trip_and_keep_formula_text_as_text(tmp_path: Path) -> None:
    hostile = planning_theater(
        bases=(*small_scenario().bases, base("delta", name="=cmd|' /C calc'!A0", troops=800))
    )
    result = plan(hostile)
    paths = write_plan(result, hostile, tmp_path)
    data = read_plan_json(paths[0])
    assert data["solver"]["status"] == "optimal"
    assert {row["base_id"] for row in data["bases"]} == set(result.base_ids)
    book = openpyxl.load_workbook(paths[1])
    assert book.sheetnames == [
        "Summary",
        "Allocation",
        "Base risk",
        "Risk acceptance",
        "Assumptions",
        "Provenance",
    ]
    names = [c.value for c in book["Base risk"]["B"]]
    cell = next(c for c in book["Base risk"]["B"] if c.value == "=cmd|' /C calc'!A0")
    assert cell.data_type == "s" and "=cmd|' /C calc'!A0" in names


def test_read_plan_json_refuses_other_files(tmp_path: Path) -> None:
    other = tmp_path / "x.json"
    other.write_text(json.dumps({"schema": "something"}))
    with pytest.raises(ValueError, match=r"not a defplan plan\.json"):
        read_plan_json(other)
    other.write_text(json.dumps({"schema": "defplan.plan", "schema_version": 99}))
    with pytest.raises(ValueError, match="schema_version 99"):
        read_plan_json(other)


def test_cli_plan_prints_the_summary_and_writes_both_files(tmp_path: Path) -> None:
    workbook = write_xlsx(planning_theater(), tmp_path / "theater.xlsx")
    before = workbook.read_bytes()
    result = runner.invoke(app, ["plan", str(workbook), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for expected in ("Allocation", "greedy (by hand)", "status optimal", "% of undefended"):
        assert expected in result.output
    assert (tmp_path / "out" / "plan.json").exists() and (tmp_path / "out" / "plan.xlsx").exists()
    assert workbook.read_bytes() == before


def test_cli_plan_reports_conflicting_rules_with_exit_2(tmp_path: Path) -> None:
    rules = (RuleRow(kind="forbid", base_id="bravo"), RuleRow(kind="forbid", base_id="delta"))
    workbook = write_xlsx(planning_theater(rules=rules), tmp_path / "theater.xlsx")
    result = runner.invoke(app, ["plan", str(workbook), "--max-moves", "1"])
    assert result.exit_code == 2
    assert "max_moves 1 is below the 2 move(s) the rules force" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--objective", "cheapest"], "is not expected, worst_case, blend, attacker"),
        (["--objective", "attacker:0"], "attacker:k (k raids, a whole number ≥ 1)"),
        (["--solver", "nonesuch"], "no solver profile 'nonesuch'"),
        (["--backend", "nonesuch"], "unknown backend 'nonesuch'"),
    ],
)
def test_cli_plan_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    workbook = write_xlsx(planning_theater(), tmp_path / "theater.xlsx")
    result = runner.invoke(app, ["plan", str(workbook), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_cli_evaluate_reads_an_allocation_and_reports_bad_rows(tmp_path: Path) -> None:
    workbook = write_xlsx(planning_theater(), tmp_path / "theater.xlsx")
    good = tmp_path / "mine.csv"
    good.write_text("base_id,system_id,units\nalpha,cram,2\nbravo,patriot,1\n")
    result = runner.invoke(app, ["evaluate", str(workbook), "--allocation", str(good)])
    assert result.exit_code == 0, result.output
    assert "status evaluated" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("base_id,system_id,units\nzulu,cram,1\nalpha,cram,two\n")
    result = runner.invoke(app, ["evaluate", str(workbook), "--allocation", str(bad)])
    assert result.exit_code == 2
    assert "row 2" in result.output and "'zulu' is not a base" in result.output
    assert "row 3" in result.output and "'two' is not a whole number" in result.output


def run_evaluate(
    tmp_path: Path, allocation: str, *extra: str, theater: Scenario | None = None
) -> tuple[Path, Result]:
    """``defplan evaluate`` of a workbook of ``theater`` with this allocation CSV text."""
    workbook = write_xlsx(theater or planning_theater(), tmp_path / "theater.xlsx")
    path = tmp_path / "mine.csv"
    path.write_text("base_id,system_id,units\n" + allocation)
    return path, runner.invoke(app, ["evaluate", str(workbook), "--allocation", str(path), *extra])


def test_cli_evaluate_refuses_more_units_than_the_inventory_and_names_the_rows(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    over = "alpha,cram,2\nalpha,patriot,1\ndelta,cram,2\nbravo,patriot,1\n"
    path, result = run_evaluate(tmp_path, over, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert f"{path} · units: 4 cram in all (rows 2 and 4), but the inventory is 3" in result.output
    assert (
        f"{path} · units: 2 patriot in all (rows 3 and 5), but the inventory is 1" in result.output
    )
    assert "Traceback" not in result.output
    assert not (out / "plan.json").exists()
    path, result = run_evaluate(tmp_path, "alpha,patriot,9\n")
    assert result.exit_code == 2
    assert f"{path} · row 2 · units: 9 patriot in all, but the inventory is 1" in result.output


def test_cli_evaluate_leaves_a_row_with_an_unknown_base_out_of_the_inventory(
    tmp_path: Path,
) -> None:
    # cram inventory 3: rows 3 and 4 use exactly 3; row 2's unknown base is its own error
    path, result = run_evaluate(tmp_path, "alpah,cram,2\nalpha,cram,2\ndelta,cram,1\n")
    assert result.exit_code == 2, result.output
    assert f"{path} · row 2 · base_id: 'alpah' is not a base of the theater" in result.output
    assert "in all" not in result.output and "inventory" not in result.output
    assert "1 error(s)" in result.output
    # the same rows with one more known unit are over the inventory, naming rows 3 and 4 only
    path, result = run_evaluate(tmp_path, "alpah,cram,2\nalpha,cram,2\ndelta,cram,2\n")
    assert f"{path} · units: 4 cram in all (rows 3 and 4), but the inventory is 3" in (
        " ".join(result.output.split())
    )


def test_evaluate_leaves_an_unknown_base_out_of_the_inventory() -> None:
    allocation = {("zulu", "cram"): 2, ("alpha", "cram"): 2, ("delta", "cram"): 1}
    with pytest.raises(InputError) as caught:
        evaluate(planning_theater(), allocation, source="mine.csv")
    assert [str(p) for p in caught.value.problems] == ["mine.csv · base_id: 'zulu' is not a base"]


def test_cli_evaluate_refuses_a_row_given_twice_naming_both_rows(tmp_path: Path) -> None:
    path, result = run_evaluate(tmp_path, "alpha,cram,1\nbravo,cram,1\nalpha,cram,1\n")
    assert result.exit_code == 2, result.output
    assert f"{path} · row 4 · base_id: alpha, cram appears in rows 2 and 4" in result.output
    assert "1 error(s)" in result.output


def test_cli_evaluate_scores_an_allocation_that_breaks_rules_and_names_each_rule(
    tmp_path: Path,
) -> None:
    theater = planning_theater(rules=(RuleRow(kind="lock", base_id="bravo", system_id="cram"),))
    _, result = run_evaluate(tmp_path, "charlie,cram,1\nalpha,patriot,1\n", theater=theater)
    assert result.exit_code == 0, result.output
    assert "status breaks_rules: 2 rule(s) broken" in result.output
    assert "bravo: 0 cram, but at least 1 needed (rule lock cram at bravo as deployed)" in (
        result.output
    )
    assert "charlie: 1 cram, but at most 0 allowed (charlie is closed)" in result.output


def test_acceptance_of_an_evaluated_allocation_does_not_blame_the_objective() -> None:
    scenario = planning_theater()
    for result in (
        evaluate(scenario, {("alpha", "cram"): 1}),
        evaluate(scenario, {("charlie", "cram"): 1}),
    ):
        frame = risk_acceptance(result, scenario)
        assert not frame.empty
        assert "objective" not in set(frame["reason_kind"])
        assert not frame["reason"].str.contains("objective").any()
        assert frame["reason"].str.contains("left unplaced in the evaluated allocation").any()


def test_acceptance_says_the_only_unit_or_all_units_are_placed() -> None:
    scenario = planning_theater()
    frame = risk_acceptance(plan(scenario), scenario)
    reasons = " | ".join(frame["reason"])
    assert "the only patriot is placed where the last unit at each site removes more" in reasons
    assert "all 3 cram are placed where the last unit at each site removes more" in reasons
    assert "all 1 " not in reasons


def test_plan_summary_says_optimum_only_when_proven() -> None:
    result = plan(planning_theater())
    assert result.status == "optimal"
    assert "→ optimum" in " ".join(plan_summary(result))
    stopped = dataclasses.replace(result, status="gap_limit")
    lines = " ".join(plan_summary(stopped))
    assert "→ best found" in lines and "optimum" not in lines


def test_residual_never_exceeds_undefended_risk() -> None:
    result = plan(planning_theater())
    assert (result.residual <= result.risk_undefended + 1e-12).all()
    assert np.isclose(result.residual.sum(), result.risk_after)


def test_last_unit_value_is_the_risk_that_unit_removes_under_every_objective() -> None:
    scenario = planning_theater()
    for objective in ("expected", "worst_case"):
        result = plan(scenario, objective=objective)
        for b, s in zip(*np.nonzero(result.allocation > 0), strict=True):
            fewer = result.allocation.copy()
            fewer[b, s] -= 1
            arrays = build_arrays(scenario, risk(scenario), objective=objective)
            removed = arrays.instance.residual(fewer).sum() - result.residual.sum()
            assert math.isclose(result.last_unit_value[b, s], removed, abs_tol=1e-12)
            assert result.last_unit_value[b, s] >= 0


def test_worst_case_plan_is_not_dominated_by_the_expected_plan() -> None:
    # the worst-case plan leaves no worse a worst base; where the two tie on it, the
    # worst-case plan (ties broken by the summed risk) must not carry more total risk
    scenario = load_scenario(Path(__file__).parents[1] / "inputs" / "iraq_syria.xlsx")
    worst = plan(scenario, objective="worst_case")
    expected = plan(scenario, objective="expected")
    assert worst.residual.max() <= expected.residual.max() + 1e-9
    if math.isclose(expected.residual.max(), worst.residual.max(), rel_tol=1e-9):
        assert worst.residual.sum() <= expected.residual.sum() + 1e-9


def test_an_attackers_plan_names_its_best_response_in_the_output_and_plan_json(
    tmp_path: Path,
) -> None:
    """The settings' bare attacker spends attacker_raids; --objective attacker:k wins."""
    scenario = with_settings(planning_theater(), objective="attacker", attacker_raids=2)
    result = plan(scenario)
    assert result.objective_kind == "attacker:2" and result.attacker_raids == 2
    response = result.attacker_response()
    order = np.argsort(-result.residual, kind="stable")[:2]
    assert [r["base_id"] for r in response] == [result.base_ids[b] for b in order]
    assert math.isclose(sum(r["damage"] for r in response), result.objective, rel_tol=1e-9)
    first = response[0]
    assert math.isclose(sum(w["damage"] for w in first["weapons"]), first["damage"], rel_tol=1e-9)
    workbook = write_xlsx(scenario, tmp_path / "theater.xlsx")
    out = tmp_path / "out"
    shown = runner.invoke(
        app, ["plan", str(workbook), "--objective", "attacker:3", "--out", str(out)]
    )
    assert shown.exit_code == 0, shown.output
    assert "attacker's best response (3 raids" in shown.output
    record = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert record["objective"]["kind"] == "attacker:3"
    assert record["attacker"]["raids"] == 3
    assert len(record["attacker"]["best_response"]) == 3
    assert plan(scenario, objective="expected").attacker_response() == []


def test_cli_plan_and_risk_name_a_partners_base_apart_with_its_own_risk(tmp_path: Path) -> None:
    scenario = planning_theater()
    partner = scenario.bases[-1].model_copy(update={"owner": "partner"})
    scenario = dataclasses.replace(scenario, bases=(*scenario.bases[:-1], partner))
    own = dict(zip(risk(scenario).bases["base_id"], risk(scenario).bases["risk"], strict=True))
    workbook = write_xlsx(scenario, tmp_path / "theater.xlsx")
    expected = f"listed apart, not in the total: {partner.base_id} (partner) {own['delta']:.3f}"
    for command in ("plan", "risk"):
        result = runner.invoke(app, [command, str(workbook)])
        assert result.exit_code == 0, result.output
        assert expected in result.output, command
