"""defplan wta, run as a reader of the published instances would run it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from defplan.cli import app
from defplan.model.wta_format import generate_wta, write_wta

runner = CliRunner()


def test_wta_prints_objective_bound_gap_status_and_greedy(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text(write_wta(generate_wta(4, 6, 2, seed=1)))
    result = runner.invoke(app, ["wta", str(path), "--show"])
    assert result.exit_code == 0, result.output
    for expected in ("4 weapon types × 6 targets, mu 2", "objective", "bound", "gap", "optimal"):
        assert expected in result.output
    assert "greedy" in result.output and "weapon 0 → target" in result.output


def test_wta_bad_file_names_the_line_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("2 2 1\n10\n5\n0 0 0.5\n0 1 1.5\n")
    result = runner.invoke(app, ["wta", str(path)])
    assert result.exit_code == 2
    assert "line 5" in result.output and "probability" in result.output
    assert "Traceback" not in result.output


def test_wta_reports_every_bad_line_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    good = write_wta(generate_wta(2, 3, 1, seed=1)).splitlines()
    good[5] = "0 1 1.3"
    good[8] = "1 1 abc"
    path.write_text("\n".join(good) + "\n")
    result = runner.invoke(app, ["wta", str(path)])
    assert result.exit_code == 2
    assert f"{path} · line 6: 1.3 is out of range; expected a probability" in result.output
    assert f"{path} · line 9: 'abc' is not a number; expected a probability" in result.output
    assert "2 error(s)" in result.output
    assert "Traceback" not in result.output
