"""Robust planning: sampled inputs, plans judged across them, stability, robust plans."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import base, planning_theater, small_scenario, zone
from defplan.cli import app
from defplan.model.aggregate import Aggregator, CVaR, Mean, Regret
from defplan.model.brute import feasible_allocations
from defplan.plan.arrays import build_arrays
from defplan.risk import risk
from defplan.robust import SOURCES, draw_samples, robust
from defplan.robust.sampling import rate_posterior
from defplan.robust.study import optima_values
from defplan.robust.writers import robust_record, write_robust
from defplan.scenario import EffectivenessRow, Scenario, SystemRow
from defplan.workbook import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"
runner = CliRunner()


def ranged_theater() -> Scenario:
    """The planning theater with ranges on C-RAM's p and the south zone's intensity."""
    scenario = planning_theater()
    effectiveness = tuple(
        row.model_copy(update={"p_low": row.p_intercept - 0.2, "p_high": row.p_intercept + 0.1})
        if row.system_id == "cram"
        else row
        for row in scenario.effectiveness
    )
    zones = tuple(
        z.model_copy(update={"intensity_low": 2.0, "intensity_high": 9.0})
        if z.zone_id == "south"
        else z
        for z in scenario.threat_zones
    )
    return dataclasses.replace(scenario, effectiveness=effectiveness, threat_zones=zones)


def test_samples_are_reproducible_and_each_sample_is_its_own() -> None:
    scenario = ranged_theater()
    table = risk(scenario)
    arrays = build_arrays(scenario, table)
    args = (scenario, table, arrays.instance.p, arrays.system_ids)
    first = draw_samples(*args, 8, seed=3)
    again = draw_samples(*args, 8, seed=3)
    longer = draw_samples(*args, 20, seed=3)
    other = draw_samples(*args, 8, seed=4)
    assert np.array_equal(first.values, again.values) and np.array_equal(first.p, again.p)
    assert np.array_equal(first.values, longer.values[:8])  # sample k is the same for any N
    assert not np.array_equal(first.values, other.values)
    cram = arrays.system_ids.index("cram")
    rocket = arrays.weapons.index("rocket")
    drawn = first.p[:, cram, rocket]
    assert ((drawn >= 0.5) & (drawn <= 0.8)).all() and np.unique(drawn).size == 8
    # Patriot has no range: its p never moves
    patriot = arrays.system_ids.index("patriot")
    assert (first.p[:, patriot] == arrays.instance.p[patriot]).all()


def test_a_source_not_drawn_keeps_the_point_figure_exactly() -> None:
    scenario = ranged_theater()
    table = risk(scenario)
    arrays = build_arrays(scenario, table)
    args = (scenario, table, arrays.instance.p, arrays.system_ids)
    only_p = draw_samples(*args, 5, seed=1, sources=("p",))
    assert (only_p.values == table.risk_matrix()[None]).all()
    only_rates = draw_samples(*args, 5, seed=1, sources=("rates",))
    assert (only_rates.p == arrays.instance.p[None]).all()
    assert not (only_rates.values == table.risk_matrix()[None]).all()


def test_the_mean_of_many_rate_draws_is_the_risk_models_rate() -> None:
    """The gamma posterior's mean is the rate the risk model reports."""
    scenario = small_scenario()
    table = risk(scenario)
    arrays = build_arrays(scenario, table)
    drawn = draw_samples(
        scenario, table, arrays.instance.p, arrays.system_ids, 4000, seed=2, sources=("rates",)
    )
    mean = drawn.values.mean(axis=0)
    point = table.risk_matrix()
    assert np.allclose(mean, point, rtol=0.08, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    st.floats(0.0, 4.0),
    st.floats(0.0, 4.0),
    st.floats(0.1, 10.0),
    st.floats(0.05, 1.0),
    st.sampled_from([1e-3, 0.5, 7.0, 1e6]),
)
def test_the_rate_posterior_is_the_risk_models_rate_at_any_scale_of_its_weights(
    proximity: float, history: float, prior_years: float, completeness: float, factor: float
) -> None:
    """shape / rate is the reported rate; the weights are read as the risk model reads
    them (only their ratio), so writing both at another scale changes no draw; a source
    with no spread gives the point figures bit for bit."""
    from builders import with_settings

    assume(max(proximity, history) > 1e-3)
    scenario = with_settings(
        planning_theater(),
        proximity_weight=proximity,
        history_weight=history,
        prior_years=prior_years,
        record_completeness=completeness,
    )
    table = risk(scenario)
    gamma_shape, gamma_rate = rate_posterior(scenario, table)
    reported = table.cells["posterior_rate"].to_numpy(np.float64).reshape(gamma_shape.shape)
    mean = np.divide(gamma_shape, gamma_rate, out=np.zeros_like(gamma_shape), where=gamma_rate > 0)
    assert np.allclose(mean, reported, rtol=1e-12, atol=1e-300)
    scaled = with_settings(
        scenario, proximity_weight=proximity * factor, history_weight=history * factor
    )
    scaled_table = risk(scaled)
    again_shape, again_rate = rate_posterior(scaled, scaled_table)
    assert np.allclose(again_shape, gamma_shape, rtol=1e-12, atol=0.0)
    assert np.allclose(again_rate, gamma_rate, rtol=1e-12, atol=0.0)
    arrays = build_arrays(scenario, table)
    args = (arrays.instance.p, arrays.system_ids, 3, 1)
    drawn = draw_samples(scenario, table, *args, sources=("rates",))
    redrawn = draw_samples(scaled, scaled_table, *args, sources=("rates",))
    assert np.allclose(drawn.values, redrawn.values, rtol=1e-9, atol=1e-300)
    # no range on any zone, p or completeness: nothing drawn moves, bit for bit
    flat = draw_samples(scenario, table, *args, sources=("p", "intensity", "completeness"))
    assert (flat.values == table.risk_matrix()[None]).all()
    assert (flat.p == arrays.instance.p[None]).all()


def test_inputs_with_no_spread_give_the_point_plan_exactly() -> None:
    scenario = planning_theater()
    for objective in ("mean", "cvar:0.9", "regret"):
        study = robust(scenario, samples=5, seed=1, objective=objective, sources=(), workers=1)
        assert np.array_equal(study.robust_x, study.point.allocation), objective
        assert study.solution.status == "optimal"
        judged = study.robust_judged.theater()
        assert judged["p5"] == judged["p95"] == pytest.approx(study.point.objective, rel=1e-12)
        assert judged["regret_mean"] == pytest.approx(0.0, abs=1e-9)
        assert (study.robust_stability["same_share"] == 1.0).all()


def test_ranges_equal_to_the_point_figures_give_the_point_plan() -> None:
    """p_low = p_high = p and intensity ranges of zero width: nothing to draw."""
    scenario = planning_theater()
    flat = dataclasses.replace(
        scenario,
        effectiveness=tuple(
            e.model_copy(update={"p_low": e.p_intercept, "p_high": e.p_intercept})
            for e in scenario.effectiveness
        ),
    )
    study = robust(flat, samples=4, seed=1, sources=("p", "intensity"), workers=1)
    assert np.array_equal(study.robust_x, study.point.allocation)
    assert study.solution.objective == pytest.approx(study.point.objective, rel=1e-12)


@pytest.fixture(scope="module")
def example() -> Scenario:
    if not EXAMPLE.exists():
        pytest.skip(f"{EXAMPLE} is not built")
    return load_scenario(EXAMPLE)


def test_cvar_at_level_zero_is_the_mean_plan(example: Scenario) -> None:
    mean = robust(example, samples=40, seed=1, objective="mean", workers=1)
    cvar = robust(example, samples=40, seed=1, objective="cvar:0", workers=1)
    assert np.array_equal(mean.robust_x, cvar.robust_x)
    assert cvar.solution.objective == pytest.approx(mean.solution.objective, rel=1e-9)


@pytest.mark.parametrize("objective", ["mean", "cvar:0.9", "regret"])
def test_the_robust_plan_is_proven_optimal_on_the_example(
    example: Scenario, objective: str
) -> None:
    study = robust(example, samples=60, seed=1, objective=objective, workers=1)
    solution = study.solution
    assert solution.status == "optimal" and solution.gap <= 1e-6
    assert study.optima_unproven == 0
    # the point plan does no better on the robust objective
    totals = study.robust_judged.totals
    aggregator: Aggregator = Regret(tuple(optima_values(study.optima)))
    if objective != "regret":
        aggregator = Mean() if objective == "mean" else CVaR(0.9)
    assert aggregator.score(totals) == pytest.approx(solution.objective, rel=1e-9)
    assert aggregator.score(study.point_judged.totals) >= solution.objective - 1e-9
    # the robust plan never does worse on its own objective than the point plan
    if objective == "mean":
        assert study.robust_judged.theater()["mean"] <= study.point_judged.theater()["mean"]


@pytest.mark.parametrize("objective", ["mean", "regret"])
def test_regret_counts_the_move_cost_the_samples_optima_count(objective: str) -> None:
    """Each draw's optimum is solved with the plan's own objective (min_move_gain's
    cost per unit moved included), so no plan's regret falls below 0, and the regret
    plan's objective is its largest regret."""
    from builders import with_settings

    scenario = with_settings(ranged_theater(), min_move_gain=0.05)
    study = robust(scenario, samples=12, seed=1, objective=objective, workers=1)
    assert study.point.moves > 0  # the point plan pays a move cost the regret must count
    for judged in (study.robust_judged, study.point_judged):
        assert judged.cost > 0.0
        assert (judged.regret >= -1e-6 * np.maximum(1.0, judged.optima)).all()
    assert study.point_judged.regret.min() == pytest.approx(0.0, abs=1e-9)  # some draw agrees
    if objective == "regret":
        assert study.robust_judged.regret.max() == pytest.approx(study.solution.objective, rel=1e-9)


@st.composite
def uncertain_theaters(draw: st.DrawFn) -> Scenario:
    """2-3 bases inside one zone, 1-2 point C-RAMs whose p has a range, 1 rocket class."""
    count = draw(st.integers(2, 3))
    bases = tuple(
        base(
            f"b{i}",
            lat=33.0 + draw(st.floats(-0.05, 0.05)),
            lon=44.0 + draw(st.floats(-0.05, 0.05)),
            troops=draw(st.integers(100, 3000)),
        )
        for i in range(count)
    )
    p = draw(st.floats(0.3, 0.8))
    return small_scenario(
        bases=bases,
        systems=(
            SystemRow(
                system_id="cram",
                name="C-RAM",
                mode="point",
                inventory=draw(st.integers(1, 2)),
                max_per_base=2,
            ),
        ),
        effectiveness=(
            EffectivenessRow(
                system_id="cram", weapon="rocket", p_intercept=p, p_low=p - 0.2, p_high=p + 0.15
            ),
        ),
        threat_zones=(
            zone(
                "z",
                lat=33.0,
                lon=44.0,
                radius_km=30.0,
                weapons=("rocket",),
                intensity=draw(st.floats(0.5, 5.0)),
            ),
        ),
        attacks=(),
        deployed=(),
        rules=(),
    )


@settings(max_examples=12, deadline=None)
@given(uncertain_theaters(), st.integers(0, 1000))
def test_stability_shares_equal_a_brute_force_count(scenario: Scenario, seed: int) -> None:
    study = robust(scenario, samples=6, seed=seed, workers=1)
    table = risk(scenario)
    arrays = build_arrays(scenario, table, objective="expected")
    drawn = draw_samples(scenario, table, arrays.instance.p, arrays.system_ids, 6, seed, SOURCES)
    optima = []
    for k in range(6):
        inst = dataclasses.replace(arrays.instance, value=drawn.values[k], p=drawn.p[k])
        scored = sorted((inst.objective_of(x), x.tobytes(), x) for x in feasible_allocations(inst))
        best, second = scored[0][0], scored[1][0] if len(scored) > 1 else np.inf
        assume(second - best > 1e-9 * max(1.0, best))  # a unique optimum to count
        optima.append(scored[0][2])
    stack = np.stack(optima)
    rows = {r["base_id"]: r for r in study.robust_stability.to_dict(orient="records")}
    for b, base_id in enumerate(arrays.base_ids):
        units = int(study.robust_x[b, 0])
        same = float((stack[:, b, 0] == units).mean())
        anywhere = float((stack[:, b, 0] >= 1).mean())
        if base_id in rows:
            assert rows[base_id]["same_share"] == pytest.approx(same)
            assert rows[base_id]["any_share"] == pytest.approx(anywhere)
        else:
            assert units == 0 and anywhere == 0.0


def _without_timing(text: str) -> str:
    """robust.json's text with its timing block cut out, compared byte for byte."""
    head, _, tail = text.partition('\n  "timing": {')
    assert tail, "robust.json has no timing block"
    return head + tail[tail.index("\n  }") + 4 :]


def test_a_dask_local_cluster_gives_the_pools_robust_json(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    scenario = ranged_theater()
    pooled = robust(scenario, samples=12, seed=5, objective="cvar:0.8", workers=2)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = robust(
            scenario, samples=12, seed=5, objective="cvar:0.8", executor=client.get_executor()
        )
        address = cluster.scheduler_address
        through_address = robust(
            scenario, samples=12, seed=5, objective="cvar:0.8", scheduler=address
        )
    here = robust(scenario, samples=12, seed=5, objective="cvar:0.8", workers=1)
    runs = {"pool": pooled, "dask": on_dask, "address": through_address, "here": here}
    for name, study in runs.items():
        write_robust(study, tmp_path / name)
    # the timing block says what ran the samples; nothing else differs
    assert pooled.workers == "process pool of 2 workers" and here.workers == "this process"
    assert on_dask.workers == f"dask distributed at {address}"
    assert through_address.workers == on_dask.workers
    ran_on = json.loads((tmp_path / "dask" / "robust.json").read_text())["timing"]["ran_on"]
    assert ran_on == on_dask.workers
    reference = (tmp_path / "pool" / "robust.json").read_text(encoding="utf-8")
    for name in runs:
        written = (tmp_path / name / "robust.json").read_text(encoding="utf-8")
        assert _without_timing(written) == _without_timing(reference), name
    assert robust_record(pooled)["solve"]["status"] == "optimal"


def test_cli_robust_writes_json_and_xlsx_and_refuses_a_bad_objective(tmp_path: Path) -> None:
    from defplan.workbook.write import write_csv_folder

    folder = write_csv_folder(ranged_theater(), tmp_path / "theater")
    out = tmp_path / "out"
    done = runner.invoke(
        app,
        [
            *("robust", str(folder), "--samples", "6", "--workers", "1", "--no-progress"),
            *("--objective", "regret", "--out", str(out)),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "Stability" in done.output and "regret" in done.output
    record = json.loads((out / "robust.json").read_text(encoding="utf-8"))
    assert record["schema"] == "defplan.robust" and record["samples"]["count"] == 6
    assert (out / "robust.xlsx").exists()
    bad = runner.invoke(app, ["robust", str(folder), "--objective", "cvar:1.5"])
    assert bad.exit_code == 2 and "CVaR level" in bad.output
    bad = runner.invoke(app, ["robust", str(folder), "--sources", "rates,weather"])
    assert bad.exit_code == 2 and "weather" in bad.output


def test_a_large_min_move_gain_keeps_every_deployed_unit_where_it_stands() -> None:
    from builders import with_settings
    from defplan.plan import plan

    scenario = planning_theater()
    assert plan(scenario).moves > 0  # the free plan moves a unit
    held = plan(with_settings(scenario, min_move_gain=1e6))
    assert held.moves == 0
    # pool units still deploy: a unit from the pool is not taken from anywhere
    assert held.allocation.sum() == plan(scenario).allocation.sum()


def test_each_move_is_judged_against_the_noise_of_its_gain() -> None:
    from defplan.posture import moves
    from defplan.robust.move_noise import move_gains

    scenario = ranged_theater()
    orders = moves(scenario)
    assert orders.orders
    gains = move_gains(scenario, orders, samples=50, seed=2)
    assert len(gains) == len(orders.orders)
    for row in gains.to_dict(orient="records"):
        assert row["gain_p5"] <= row["gain_p50"] <= row["gain_p95"]
        assert row["clears_noise"] == (row["gain_p5"] > 0)
    # with no spread the gain's percentiles are its point value
    flat = move_gains(scenario, orders, samples=5, seed=2, sources=())
    assert np.allclose(flat["gain_p5"], flat["gain_per_unit"])
    assert np.allclose(flat["gain_p95"], flat["gain_per_unit"])


def test_plan_shows_stability_from_draws_and_from_a_robust_json(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from defplan.workbook.write import write_csv_folder

    folder = write_csv_folder(ranged_theater(), tmp_path / "theater")
    out = tmp_path / "plan"
    done = runner.invoke(app, ["plan", str(folder), "--samples", "6", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "draws agree" in done.output
    record = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert record["stability"] and {"same_share", "any_share"} <= set(record["stability"][0])
    sheet = load_workbook(out / "plan.xlsx")["Allocation"]
    assert "stability" in [c.value for c in sheet[1]]
    # a robust run in the same folder gives plan its point plan's stability
    both = tmp_path / "both"
    ran = runner.invoke(
        app, ["robust", str(folder), "--samples", "6", "--workers", "1", "--out", str(both)]
    )
    assert ran.exit_code == 0, ran.output
    again = runner.invoke(app, ["plan", str(folder), "--out", str(both)])
    assert again.exit_code == 0 and "stability from" in again.output, again.output
    shared = json.loads((both / "plan.json").read_text(encoding="utf-8"))["stability"]
    fresh = {(r["base_id"], r["system_id"]): r["same_share"] for r in record["stability"]}
    assert {(r["base_id"], r["system_id"]): r["same_share"] for r in shared} == fresh


def test_the_report_shows_a_robust_study_of_the_same_inputs(tmp_path: Path) -> None:
    from defplan.report import report
    from defplan.workbook.write import write_csv_folder

    folder = write_csv_folder(ranged_theater(), tmp_path / "theater")
    out = tmp_path / "out"
    assert runner.invoke(app, ["plan", str(folder), "--out", str(out)]).exit_code == 0
    report(out, with_ladder=False)
    assert 'id="robust"' not in (out / "report.html").read_text(encoding="utf-8")
    ran = runner.invoke(
        app, ["robust", str(folder), "--samples", "5", "--workers", "1", "--out", str(out)]
    )
    assert ran.exit_code == 0, ran.output
    written = report(out, with_ladder=False)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="robust"' in page and "draws agreeing with the point plan" in page
    # base by base, both plans' units and residual across the draws, and their regret
    assert 'id="robust-bases"' in page and "Regret against each draw" in page
    record = json.loads((out / "robust.json").read_text(encoding="utf-8"))
    shown = [r for r in record["bases"] if r["point_p95"] or r["robust_p95"]]
    assert shown and all(f"<td>{r['base_id']}</td>" in page for r in shown)
    # the study's point plan is the plan: its stability goes beside each placement
    assert "draws whose own optimum agrees" in page
    assert out / "robust_fan.png" in written


def test_stability_solves_each_draw_under_the_plans_own_limits() -> None:
    """A plan held to no moves is judged against draws held to none: with no spread
    every draw's optimum is that plan, in every placement."""
    from defplan.plan import plan
    from defplan.robust.study import plan_stability

    scenario = planning_theater()
    held = plan(scenario, max_moves=0)
    assert held.moves == 0 and plan(scenario).moves > 0
    fair = plan_stability(scenario, held.allocation, samples=3, sources=(), max_moves=0)
    assert (fair["same_share"] == 1.0).all()
    free = plan_stability(scenario, held.allocation, samples=3, sources=())
    assert (free["same_share"] < 1.0).any()  # against unbounded draws it looks unstable


def test_a_theater_whose_plans_weigh_raids_is_studied_under_raids() -> None:
    """Channels or a magazine make the plan weigh raids: the draws are split into the
    same raid pseudo-classes (tests/test_raid_plans.py checks the figures)."""
    from defplan.robust.study import plan_stability

    scenario = ranged_theater()
    limited = dataclasses.replace(
        scenario,
        systems=tuple(
            s.model_copy(update={"channels": 1}) if s.system_id == "cram" else s
            for s in scenario.systems
        ),
        weapons=tuple(
            w.model_copy(update={"salvo_mean": 4.0}) if w.weapon == "rocket" else w
            for w in scenario.weapons
        ),
    )
    study = robust(limited, samples=2, workers=1)
    assert study.samples.values.shape[2] > len(limited.weapons)
    shares = plan_stability(limited, study.robust_x, samples=2)
    assert len(shares) > 0


def test_plan_samples_put_stability_beside_each_placement_in_the_report(tmp_path: Path) -> None:
    from defplan.workbook.write import write_csv_folder

    folder = write_csv_folder(ranged_theater(), tmp_path / "theater")
    out = tmp_path / "out"
    args = ["plan", str(folder), "--samples", "5", "--out", str(out), "--report"]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "draws whose own optimum agrees" in page
    plain = tmp_path / "plain"
    assert runner.invoke(app, ["plan", str(folder), "--out", str(plain), "--report"]).exit_code == 0
    assert "draws whose own optimum agrees" not in (plain / "report.html").read_text("utf-8")


def test_a_record_completeness_range_moves_the_rates_and_a_wrong_one_is_refused() -> None:
    from builders import with_settings

    scenario = with_settings(
        planning_theater(),
        record_completeness=0.5,
        record_completeness_low=0.3,
        record_completeness_high=0.9,
    )
    table = risk(scenario)
    arrays = build_arrays(scenario, table)
    args = (scenario, table, arrays.instance.p, arrays.system_ids)
    drawn = draw_samples(*args, 6, seed=1, sources=("completeness",))
    point = table.risk_matrix()
    recorded = point > 0
    assert not np.allclose(drawn.values[:, recorded], point[recorded])
    # no range: the point figures exactly
    plain = with_settings(planning_theater(), record_completeness=0.5)
    table = risk(plain)
    same = draw_samples(plain, table, arrays.instance.p, arrays.system_ids, 3, 1, ("completeness",))
    assert (same.values == table.risk_matrix()[None]).all()
    wrong = with_settings(planning_theater(), record_completeness=0.5, record_completeness_low=0.7)
    with pytest.raises(ValueError, match="record_completeness_low"):
        robust(wrong, samples=2, workers=1)
