"""Raids through plan and evaluate: the sheets' salvos, channels and magazines."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from builders import planning_theater, weapon, with_settings
from defplan.cli import app
from defplan.errors import InputError
from defplan.model.brute import feasible_allocations
from defplan.model.engagement import Z99
from defplan.model.raids import expected_leakers
from defplan.plan import build_arrays, evaluate, plan
from defplan.plan.arrays import intercept_matrix
from defplan.plan.salvos import estimate
from defplan.risk import risk
from defplan.scenario import Scenario, SystemRow, WeaponRow
from defplan.workbook import load_scenario, write_xlsx

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "iraq_syria.xlsx"


def with_systems(scenario: Scenario, **changes: dict[str, Any]) -> Scenario:
    """The scenario with some systems' columns changed ({system_id: {column: value}})."""
    systems = tuple(s.model_copy(update=changes.get(s.system_id, {})) for s in scenario.systems)
    return dataclasses.replace(scenario, systems=systems)


def with_salvos(scenario: Scenario, **means: float) -> Scenario:
    """The scenario with salvo priors on some weapon classes ({weapon: mean})."""
    weapons = tuple(
        w.model_copy(update={"salvo_mean": means[w.weapon], "salvo_dispersion": 2.0})
        if w.weapon in means
        else w
        for w in scenario.weapons
    )
    return dataclasses.replace(scenario, weapons=weapons)


def unlimited(scenario: Scenario) -> Scenario:
    return with_systems(
        scenario,
        **{s.system_id: {"channels": None, "magazine": None} for s in scenario.systems},
    )


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario(EXAMPLE)


def test_unlimited_channels_give_todays_plan_on_the_example_exactly(example: Scenario) -> None:
    scenario = with_salvos(unlimited(example), rocket=6.0, drone=3.0)
    table = risk(scenario)
    raided, plain = build_arrays(scenario, table), build_arrays(scenario, table, raids=False)
    assert raided.instance.class_of is None
    assert np.array_equal(raided.instance.value, plain.instance.value)
    assert np.array_equal(raided.instance.p, plain.instance.p)
    a, b = plan(scenario, table=table), plan(unlimited(example), table=risk(unlimited(example)))
    assert np.array_equal(a.allocation, b.allocation) and a.objective == b.objective


@settings(max_examples=12, deadline=None)
@given(
    objective=st.sampled_from(["expected", "worst_case", "attacker"]),
    channels=st.sampled_from([None, 1, 2]),
    salvo=st.sampled_from([1.0, 2.5, 6.0]),
    magazine=st.sampled_from([None, 1, 3]),
)
def test_raid_plans_equal_brute_force_over_the_formula(
    objective: str, channels: int | None, salvo: float, magazine: int | None
) -> None:
    scenario = with_settings(planning_theater(), objective=objective, attacker_raids=2)
    scenario = with_salvos(scenario, rocket=salvo)
    scenario = with_systems(scenario, cram={"channels": channels, "magazine": magazine})
    table = risk(scenario)
    arrays = build_arrays(scenario, table)
    assert arrays.raids is not None
    base = build_arrays(scenario, table, raids=False).instance
    p = intercept_matrix(scenario, arrays.system_ids, arrays.weapons)
    means = np.array([s.mean for s in arrays.raids.salvo])

    def score(x: np.ndarray) -> float:
        leakers = expected_leakers(base.defending(x), p, arrays.raids)  # type: ignore[arg-type]
        return base.score((base.value * leakers / means).sum(axis=1))

    best = min(score(x) for x in feasible_allocations(base))
    result = plan(scenario, table=table)
    assert result.status == "optimal"
    assert math.isclose(result.objective, best, rel_tol=1e-6, abs_tol=1e-12)
    assert math.isclose(score(result.allocation), best, rel_tol=1e-6, abs_tol=1e-12)


def test_the_analytic_leakers_lie_in_the_simulators_interval_on_the_example(
    example: Scenario,
) -> None:
    """The example with C-RAMs that engage 2 rounds a raid and rocket salvos of 6:
    every base's analytic mean within its simulated interval, Bonferroni over bases."""
    scenario = with_salvos(example, rocket=6.0, mortar=3.0)
    scenario = with_systems(scenario, cram={"channels": 2}, patriot={"magazine": 4})
    leakers = evaluate(scenario, simulate=20_000).leakers
    assert leakers is not None and len(leakers) > 5
    z = NormalDist().inv_cdf(1.0 - 0.005 / len(leakers))
    half = (leakers.mean_ci99_high - leakers.mean_ci99_low) / 2.0 * z / Z99
    assert ((leakers.leakers_mean - leakers.leakers_expected).abs() <= half + 1e-12).all()
    assert (leakers.leakers_p5 <= leakers.leakers_p50).all()
    assert (leakers.leakers_p50 <= leakers.leakers_p95).all()
    again = evaluate(scenario, simulate=20_000).leakers
    assert again is not None and again.equals(leakers)  # seeded


def test_evaluate_simulate_shows_and_writes_the_leakers(tmp_path: Path) -> None:
    scenario = with_systems(with_salvos(planning_theater(), rocket=4.0), cram={"channels": 1})
    workbook = write_xlsx(scenario, tmp_path / "theater.xlsx")
    out = tmp_path / "out"
    result = runner.invoke(app, ["evaluate", str(workbook), "--simulate", "400", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Leakers a raid" in result.output and "P95" in result.output
    record = json.loads((out / "plan.json").read_text())
    assert record["leakers"] and {"base_id", "leakers_p95"} <= set(record["leakers"][0])
    assert "Leakers" in openpyxl.load_workbook(out / "plan.xlsx").sheetnames
    bad = runner.invoke(app, ["evaluate", str(workbook), "--simulate", "-1"])
    assert bad.exit_code == 2


def test_one_simulated_raid_says_it_has_no_interval(tmp_path: Path) -> None:
    scenario = with_systems(with_salvos(planning_theater(), rocket=4.0), cram={"channels": 1})
    workbook = write_xlsx(scenario, tmp_path / "theater.xlsx")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["evaluate", str(workbook), "--simulate", "1", "--out", str(out)], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    assert "no interval: 1 raid" in result.output and "nan" not in result.output
    record = json.loads((out / "plan.json").read_text())
    assert all(row["mean_ci99_low"] is None for row in record["leakers"])


def test_a_classes_salvo_pools_the_prior_with_the_record() -> None:
    scenario = planning_theater()
    record = [
        a.model_copy(update={"munitions": n})
        for a, n in zip(scenario.attacks[:2], [9, 3], strict=True)
    ]
    scenario = dataclasses.replace(scenario, attacks=(*record, *scenario.attacks[2:]))
    rocket = weapon("rocket").model_copy(update={"salvo_mean": 3.0, "salvo_prior_weight": 2.0})
    found = estimate(rocket, scenario)
    assert found.stated == (9, 3)  # a1 and a2 are rocket attacks
    assert found.mean == 1.0 + (2 * 2.0 + 8 + 2) / 4
    no_prior = estimate(weapon("rocket"), scenario)
    assert no_prior.mean == 6.0 and no_prior.prior_weight == 0.0
    assert estimate(weapon("drone"), scenario).mean == 1.0


def test_a_salvo_the_model_cannot_hold_is_named_at_the_weapons_sheet(example: Scenario) -> None:
    scenario = with_systems(with_salvos(example, drone=3000.0), cuas={"channels": 2})
    with pytest.raises(InputError) as caught:
        plan(scenario)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.column) == ("weapons", "salvo_dispersion")
    assert problem.message.startswith("drone: a salvo of mean")


def test_a_record_of_hundreds_of_drones_a_raid_plans_with_finite_risk(example: Scenario) -> None:
    attacks = tuple(
        a.model_copy(update={"munitions": 810}) if a.weapon == "drone" else a
        for a in example.attacks
    )
    scenario = with_systems(dataclasses.replace(example, attacks=attacks), cuas={"channels": 2})
    result = plan(scenario)
    assert result.status == "optimal" and math.isfinite(result.objective)


def test_bad_raid_columns_are_named() -> None:
    with pytest.raises(ValidationError, match="salvo_mean"):
        WeaponRow(weapon="rocket", reach_km=20, severity_prior=1, salvo_mean=0.5)
    with pytest.raises(ValidationError, match="channels"):
        SystemRow(system_id="cram", name="C", mode="point", inventory=1, channels=0)
    assert (
        SystemRow(
            system_id="c", name="C", mode="point", inventory=1, channels=4, magazine=2
        ).raid_capacity
        == 2.0
    )


def test_moves_ladder_and_options_plan_with_raids() -> None:
    """What builds on build_arrays takes the raids (robust's move noise leaves them out)."""
    from defplan.posture import moves, options, schedule
    from defplan.whatif import ladder

    scenario = with_systems(with_salvos(planning_theater(), rocket=5.0), cram={"channels": 1})
    target = plan(scenario)
    orders = moves(scenario)
    assert orders.target is not None
    assert orders.target.objective == pytest.approx(target.objective, rel=1e-6)
    assert schedule(scenario, orders.target) is not None
    steps = ladder(scenario, system="cram")
    assert steps.steps[-1].objective == pytest.approx(target.objective, rel=1e-6)
    assert options(scenario) is not None


def test_robust_draws_are_split_into_the_same_raid_pseudo_classes() -> None:
    """With nothing drawn, the robust plan under raids is the raid-aware point plan and
    every draw scores it as the plan does."""
    from defplan.robust import robust

    scenario = with_systems(with_salvos(planning_theater(), rocket=5.0), cram={"channels": 1})
    study = robust(scenario, samples=3, seed=1, sources=(), workers=1)
    assert np.array_equal(study.robust_x, study.point.allocation)
    judged = study.robust_judged.theater()
    assert judged["p5"] == judged["p95"] == pytest.approx(study.point.objective, rel=1e-9)
    assert study.samples.values.shape[2] > len(scenario.weapons)  # pseudo-classes
    drawn = robust(scenario, samples=3, seed=1, workers=1)  # every source drawn
    assert drawn.solution.status == "optimal"


def test_reloads_through_evaluate_agree_with_the_simulator_on_the_example(
    example: Scenario,
) -> None:
    """The example with magazines that take 48 h (C-RAM) and 720 h (Patriot) to refill:
    the instance gains reload states and scores no better; a reload time without a
    magazine changes nothing (channels never run out); the analytic leakers lie in the
    simulator's interval, Bonferroni over bases."""
    scenario = with_salvos(example, rocket=6.0, mortar=3.0)
    full = with_systems(scenario, cram={"magazine": 20}, patriot={"magazine": 4})
    reloading = with_systems(
        scenario,
        cram={"magazine": 20, "reload_hours": 48.0},
        patriot={"magazine": 4, "reload_hours": 720.0},
    )
    channels_only = with_systems(scenario, cram={"channels": 2, "reload_hours": 48.0})
    table = risk(scenario)
    a = build_arrays(with_systems(scenario, cram={"channels": 2}), table).instance
    b = build_arrays(channels_only, table).instance
    assert np.array_equal(a.value, b.value) and np.array_equal(a.p, b.p)
    before = evaluate(full, table=table)
    after = evaluate(reloading, table=table, simulate=20_000)
    assert (
        build_arrays(reloading, table).instance.n_classes
        > build_arrays(full, table).instance.n_classes
    )
    assert after.objective > before.objective
    leakers = after.leakers
    assert leakers is not None and len(leakers) > 5
    z = NormalDist().inv_cdf(1.0 - 0.005 / len(leakers))
    half = (leakers.mean_ci99_high - leakers.mean_ci99_low) / 2.0 * z / Z99
    assert ((leakers.leakers_mean - leakers.leakers_expected).abs() <= half + 1e-12).all()
