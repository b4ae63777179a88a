"""No command writes over an input: every output name is tried as an input inside --out.

For each command and each file it would write, the theater (an .xlsx workbook when the
name ends in .xlsx, else a CSV folder bearing the name) is put at that very place in
the --out folder. Every run must exit 2 before any work, with the input unchanged to
the byte and nothing else written.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import planning_theater
from defplan.cli import app
from defplan.errors import InputError
from defplan.plan import plan
from defplan.plan.writers import PLAN_FILES, write_plan
from defplan.posture.writers import moves_files, options_files
from defplan.report import REPORT_FILES
from defplan.risk.writers import RISK_FILES
from defplan.robust.writers import ROBUST_FILES
from defplan.whatif.writers import COMPARE_FILES, COMPARE_SCHEDULE_FILES, SWEEP_FILES, ladder_files
from defplan.workbook import write_scenario

runner = CliRunner()
SYSTEMS = [s.system_id for s in planning_theater().systems]

#: (command line before the workbook, after it, the files that command writes)
CASES: list[tuple[list[str], list[str], list[str]]] = [
    (["risk"], [], list(RISK_FILES)),
    (["plan"], [], list(PLAN_FILES)),
    (["plan"], ["--report"], [*PLAN_FILES, *REPORT_FILES]),
    (["evaluate"], [], list(PLAN_FILES)),
    (["ladder"], [], ladder_files([None])),
    (["ladder"], ["--system", "all"], ladder_files([*SYSTEMS, None])),
    (["sweep"], ["--vary", "inventory:cram=0..1"], list(SWEEP_FILES)),
    (["options"], [], options_files(False)),
    (["options"], ["--suggest", "1"], options_files(True)),
    (["moves"], [], moves_files(True)),
    (["moves"], ["--no-curve"], moves_files(False)),
    (["robust"], ["--samples", "2", "--workers", "1"], list(ROBUST_FILES)),
]
PARAMS = [
    pytest.param(before, after, name, id=f"{' '.join(before + after)}:{name}")
    for before, after, names in CASES
    for name in names
]


def _snapshot(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))}


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _theater_named(path: Path) -> Path:
    """The test theater written at ``path``: a workbook for .xlsx, else a CSV folder."""
    return write_scenario(planning_theater(), path)


def _refused(args: list[str], theater: Path, out: Path) -> None:
    before = _snapshot(theater)
    listing = _names(out)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "would replace the input" in result.output and "Traceback" not in result.output
    assert _snapshot(theater) == before
    assert _names(out) == listing  # nothing written, no temporaries


@pytest.mark.parametrize(("before", "after", "name"), PARAMS)
def test_an_input_named_like_an_output_inside_out_is_never_replaced(
    before: list[str], after: list[str], name: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    theater = _theater_named(out / name)
    _refused([*before, str(theater), *after, "--out", str(out)], theater, out)


@pytest.mark.parametrize("name", PLAN_FILES)
def test_an_allocation_named_like_an_output_is_never_replaced(name: str, tmp_path: Path) -> None:
    workbook = _theater_named(tmp_path / "theater.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    allocation = out / name
    allocation.write_text("base_id,system_id,units\n", encoding="utf-8")
    args = ["evaluate", str(workbook), "--allocation", str(allocation), "--out", str(out)]
    _refused(args, allocation, out)


@pytest.mark.parametrize(
    ("name", "flags"),
    [(name, []) for name in COMPARE_FILES]
    + [(name, ["--schedule"]) for name in (*COMPARE_FILES, *COMPARE_SCHEDULE_FILES)],
)
def test_compare_never_replaces_either_side(name: str, flags: list[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    first = _theater_named(out / name)
    second = _theater_named(tmp_path / "other.xlsx")
    _refused(["compare", str(first), str(second), *flags, "--out", str(out)], first, out)


@pytest.mark.parametrize("name", ["report.html", "map.png", "risk.png"])
def test_report_never_replaces_its_theater(name: str, tmp_path: Path) -> None:
    plan_dir = tmp_path / "plan"
    scenario = planning_theater()
    write_plan(plan(scenario), scenario, plan_dir)
    theater = _theater_named(plan_dir / name)
    args = ["report", str(plan_dir), "--theater", str(theater), "--no-ladder"]
    before = _snapshot(theater)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert _snapshot(theater) == before


def test_a_hard_link_to_the_input_is_the_input(tmp_path: Path) -> None:
    workbook = _theater_named(tmp_path / "theater.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    os.link(workbook, out / "plan.xlsx")
    _refused(["plan", str(workbook), "--out", str(out)], workbook, out)


def test_a_symbolic_link_to_the_input_is_the_input(tmp_path: Path) -> None:
    workbook = _theater_named(tmp_path / "theater.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    (out / "risk.xlsx").symlink_to(workbook)
    _refused(["risk", str(workbook), "--out", str(out)], workbook, out)


def test_the_library_writer_refuses_the_scenarios_own_file(tmp_path: Path) -> None:
    from defplan.workbook import load_scenario

    workbook = _theater_named(tmp_path / "plan.xlsx")
    scenario = load_scenario(workbook)
    before = workbook.read_bytes()
    with pytest.raises(InputError, match="would replace the input"):
        write_plan(plan(scenario), scenario, tmp_path)
    assert workbook.read_bytes() == before


def test_a_workbook_beside_the_outputs_is_fine(tmp_path: Path) -> None:
    workbook = _theater_named(tmp_path / "theater.xlsx")
    result = runner.invoke(app, ["risk", str(workbook), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert {"risk.csv", "risk.xlsx", "theater.xlsx"} == set(_names(tmp_path))
