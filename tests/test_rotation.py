"""Rotation: the Stackelberg coverage LP, the best fixed posture, and the schedule."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import planning_theater
from defplan.cli import app
from defplan.errors import InfeasibleError
from defplan.model.backends.base import RunOptions, runner
from defplan.model.linear import INF, LinearModel
from defplan.posture.rotation import (
    best_pure_posture,
    interpolate,
    rotate,
    rotation_schedule,
    stackelberg_coverage,
)

cli = CliRunner()


@st.composite
def games(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """2 to 4 bases, up to 2 units each: levels Σ_c v·(1 − p)^k as the residual model has."""
    n = draw(st.integers(2, 4))
    width = 3
    classes = draw(st.integers(1, 2))
    values = np.array(
        draw(st.lists(st.floats(0.0, 5.0), min_size=n * classes, max_size=n * classes))
    )
    leaks = np.array(
        draw(st.lists(st.floats(0.05, 1.0), min_size=n * classes, max_size=n * classes))
    )
    k = np.arange(width)
    levels = (values.reshape(n, classes, 1) * leaks.reshape(n, classes, 1) ** k[None, None, :]).sum(
        axis=1
    )
    upper = np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)), dtype=np.int64)
    lower = np.array([draw(st.integers(0, int(u))) if draw(st.booleans()) else 0 for u in upper])
    units = draw(st.integers(int(lower.sum()), int(lower.sum()) + 3))
    return levels, lower.astype(np.int64), upper, units


def postures(lower: np.ndarray, upper: np.ndarray, units: int) -> list[tuple[int, ...]]:
    ranges = [range(int(lo), int(hi) + 1) for lo, hi in zip(lower, upper, strict=True)]
    return [n for n in itertools.product(*ranges) if sum(n) <= units]


def full_game_value(levels: np.ndarray, lower: np.ndarray, upper: np.ndarray, units: int) -> float:
    """The defender's minimax over every distribution of whole postures (the game in
    normal form, not the compact LP): min z s.t. Σ_n q_n R_b(n_b) ≤ z, Σ q = 1."""
    pures = postures(lower, upper, units)
    lp = LinearModel()
    for i in range(len(pures)):
        lp.add_col(f"q[{i}]", 0.0, 1.0)
    z = lp.add_col("z", -INF, INF, 1.0)
    for b in range(levels.shape[0]):
        damage = [float(levels[b, n[b]]) for n in pures]
        lp.add_row(f"b{b}", [*range(len(pures)), z], [*damage, -1.0], -INF, 0.0)
    lp.add_row("sum", list(range(len(pures))), [1.0] * len(pures), 1.0, 1.0)
    result = runner("highs")(lp, RunOptions(time_limit=30.0, rel_gap=0.0))
    assert result.status == "optimal"
    return float(result.objective)


@settings(max_examples=40, deadline=None)
@given(games())
def test_the_coverage_lp_is_the_games_value_over_every_mixed_posture(
    game: tuple[np.ndarray, np.ndarray, np.ndarray, int],
) -> None:
    levels, lower, upper, units = game
    cover = stackelberg_coverage(levels, lower, upper, units)
    tol = 1e-6 * max(1.0, float(levels.max()))
    assert cover.value == pytest.approx(full_game_value(levels, lower, upper, units), abs=tol)
    # the coverage is a defender's strategy: within its bounds, within its units
    assert (cover.units >= lower - 1e-9).all() and (cover.units <= upper + 1e-9).all()
    assert cover.units.sum() <= units + 1e-7
    # z is the attacker's best response and the damages are the chords at the coverage
    assert cover.value == pytest.approx(cover.damage.max())
    assert np.allclose(cover.damage, interpolate(levels, cover.units))
    # optimality: with units to spare, some base at the value can take no more of them
    # (it is full, or one more unit would not lower its damage)
    if cover.units.sum() < units - 1e-6:
        at_value = np.flatnonzero(cover.damage >= cover.value - tol)
        stuck = [
            cover.units[b] >= upper[b] - 1e-6
            or interpolate(levels[b : b + 1], cover.units[b : b + 1] + 1e-3)[0]
            >= cover.damage[b] - tol
            for b in at_value
        ]
        assert any(stuck)


@settings(max_examples=40, deadline=None)
@given(games())
def test_the_best_pure_posture_is_the_brute_force_one_and_no_better_than_rotation(
    game: tuple[np.ndarray, np.ndarray, np.ndarray, int],
) -> None:
    levels, lower, upper, units = game
    posture, value = best_pure_posture(levels, lower, upper, units)
    rows = np.arange(levels.shape[0])
    brute = min(float(levels[rows, list(n)].max()) for n in postures(lower, upper, units))
    assert value == pytest.approx(brute, abs=1e-12)
    assert posture.sum() <= units and (posture >= lower).all() and (posture <= upper).all()
    assert float(levels[rows, posture].max()) == value
    cover = stackelberg_coverage(levels, lower, upper, units)
    assert cover.value <= value + 1e-7 * max(1.0, float(levels.max()))


def test_one_unit_over_two_bases_is_the_textbook_security_game() -> None:
    # D_unc 4 and 3, D_cov 1 and 1: 4 − 3c = 3 − 2(1 − c) gives c = 3/5, value 2.2
    levels = np.array([[4.0, 1.0], [3.0, 1.0]])
    cover = stackelberg_coverage(levels, np.array([0, 0]), np.array([1, 1]), 1)
    assert cover.units == pytest.approx([0.6, 0.4])
    assert cover.value == pytest.approx(2.2)
    assert cover.indifferent(4.0).tolist() == [0, 1]
    assert best_pure_posture(levels, np.array([0, 0]), np.array([1, 1]), 1)[1] == 3.0


def test_rules_that_keep_more_units_than_rotate_are_refused() -> None:
    levels = np.array([[4.0, 2.0], [2.0, 1.0]])
    with pytest.raises(InfeasibleError, match="keep 2 units"):
        stackelberg_coverage(levels, np.array([1, 1]), np.array([1, 1]), 1)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0.0, 2.0), min_size=1, max_size=12),
    st.integers(1, 40),
    st.integers(0, 2**16),
)
def test_the_schedule_realises_the_coverage_within_one_day_in_the_period(
    raw: list[float], days: int, seed: int
) -> None:
    expected = np.array(raw)
    total = int(np.ceil(expected.sum() - 1e-9))
    schedule = rotation_schedule(expected, total, days, seed)
    assert schedule.shape == (days, expected.size)
    assert (schedule.sum(axis=1) <= total).all()
    assert (np.abs(schedule.mean(axis=0) - expected) <= 1.0 / days + 1e-9).all()
    # each day a base holds the whole part of its coverage or one more
    whole = np.floor(expected + 1e-9)
    assert ((schedule == whole) | (schedule == whole + 1)).all()
    assert np.array_equal(schedule, rotation_schedule(expected, total, days, seed))


@settings(max_examples=30, deadline=None)
@given(games(), st.integers(1, 40), st.integers(0, 2**16))
def test_the_chosen_shift_pays_no_more_than_the_random_one(
    game: tuple[np.ndarray, np.ndarray, np.ndarray, int], days: int, seed: int
) -> None:
    levels, lower, upper, units = game
    cover = stackelberg_coverage(levels, lower, upper, units)
    rows = np.arange(levels.shape[0])

    def pays(schedule: np.ndarray) -> float:
        return float(levels[rows, schedule].mean(axis=0).max())

    chosen = rotation_schedule(cover.units, units, days, seed, levels)
    drawn = rotation_schedule(cover.units, units, days, seed)
    assert pays(chosen) <= pays(drawn) + 1e-12
    assert (np.abs(chosen.mean(axis=0) - cover.units) <= 1.0 / days + 1e-9).all()
    assert (chosen.sum(axis=1) <= units).all()
    assert pays(chosen) >= cover.value - 1e-6 * max(1.0, float(levels.max()))


def test_a_long_schedule_of_whole_coverage_is_that_posture_every_day() -> None:
    schedule = rotation_schedule(np.array([2.0, 0.0, 1.0]), 3, 5, seed=7)
    assert schedule.tolist() == [[2, 0, 1]] * 5


def test_rotation_on_a_theater_respects_its_bounds_and_is_reproducible() -> None:
    scenario = planning_theater()
    first = rotate(scenario, "cram", units=3, days=20, seed=3)
    again = rotate(scenario, "cram", units=3, days=20, seed=3)
    assert np.array_equal(first.schedule, again.schedule)
    assert first.value <= first.pure_value + 1e-9
    assert (first.schedule.sum(axis=1) <= 3).all()
    assert (first.schedule <= first.upper).all() and (first.schedule >= first.lower).all()
    closed = first.base_ids.index("charlie")
    assert first.upper[closed] == 0 and (first.schedule[:, closed] == 0).all()
    assert np.abs(first.frequency - first.coverage.units).max() <= 1 / 20 + 1e-9
    assert first.indifferent
    # the schedule's own value: the game value, up to rounding the coverage to days
    steepest = float(np.abs(np.diff(first.levels, axis=1)).max())
    tol = 1e-6 * float(first.levels.max())  # the LP's tolerance
    assert first.value - tol <= first.schedule_value <= first.value + steepest / 20 + tol


def test_rotating_fewer_units_than_the_rules_keep_names_the_rule(tmp_path: Path) -> None:
    from defplan.scenario import RuleRow
    from defplan.workbook.write import write_csv_folder

    rule = RuleRow(kind="min_units", base_id="alpha", system_id="cram", value=2)
    folder = write_csv_folder(planning_theater(rules=(rule,)), tmp_path / "theater")
    done = cli.invoke(app, ["rotate", str(folder), "--system", "cram", "--units", "1"])
    assert done.exit_code == 2
    assert "alpha" in done.output and "min_units" in done.output


def test_cli_rotate_writes_the_schedule_and_refuses_a_bad_system(tmp_path: Path) -> None:
    from defplan.workbook.write import write_csv_folder

    folder = write_csv_folder(planning_theater(), tmp_path / "theater")
    out = tmp_path / "out"
    done = cli.invoke(
        app, ["rotate", str(folder), "--system", "cram", "--days", "10", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert "game value" in done.output
    lines = (out / "rotation.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("day,") and len(lines) == 11
    assert (out / "rotation_coverage.csv").exists()
    assert "more than the" not in done.output
    more = cli.invoke(app, ["rotate", str(folder), "--system", "cram", "--units", "50"])
    assert more.exit_code == 0 and "50 units is more than the" in more.output
    for system in ("nope", "patriot"):
        bad = cli.invoke(app, ["rotate", str(folder), "--system", system])
        assert bad.exit_code == 2 and system in bad.output


def test_cli_rotate_never_writes_over_its_input(tmp_path: Path) -> None:
    from defplan.workbook.write import write_xlsx

    workbook = write_xlsx(planning_theater(), tmp_path / "theater.xlsx")
    before = workbook.read_bytes()
    done = cli.invoke(app, ["rotate", str(workbook), "--system", "cram", "--out", str(workbook)])
    assert done.exit_code == 2 and workbook.read_bytes() == before
