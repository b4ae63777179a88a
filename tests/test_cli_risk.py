"""The risk command, run as a planner runs it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from defplan.cli import app
from defplan.workbook import write_csv_folder, write_xlsx
from full_theater import full_theater

runner = CliRunner()


def test_risk_prints_the_ranking_with_its_evidence_and_writes_files(tmp_path: Path) -> None:
    workbook = write_xlsx(full_theater(), tmp_path / "theater.xlsx")
    before = workbook.read_bytes()
    result = runner.invoke(app, ["risk", str(workbook), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Risk by base" in result.output
    assert "alpha" in result.output and "a1" in result.output  # the attack behind alpha
    assert "left out: a3" in result.output  # the attack on a site outside the theater
    assert (tmp_path / "out" / "risk.csv").exists() and (tmp_path / "out" / "risk.xlsx").exists()
    assert workbook.read_bytes() == before


def test_risk_refuses_to_write_into_its_input_folder(tmp_path: Path) -> None:
    folder = write_csv_folder(full_theater(), tmp_path / "theater")
    result = runner.invoke(app, ["risk", str(folder), "--out", str(folder / "results")])
    assert result.exit_code == 2
    assert "never writes over its inputs" in result.output
    assert not (folder / "results").exists()
