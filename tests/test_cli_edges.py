"""What every command does with a bad --out or a bad solver option: one line, exit 2."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import base, planning_theater
from defplan.cli import app
from defplan.errors import InputError
from defplan.plan import plan
from defplan.report import build_report, write_report
from defplan.workbook import load_scenario, write_scenario

runner = CliRunner()

FOLDER_COMMANDS = (
    ["risk"],
    ["plan"],
    ["evaluate"],
    ["ladder"],
    ["options"],
    ["moves"],
    ["sweep", "--vary", "inventory:cram=0..1"],
)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scenario(planning_theater(), tmp_path_factory.mktemp("theater") / "theater.xlsx")


@pytest.mark.parametrize("command", FOLDER_COMMANDS, ids=lambda c: c[0])
def test_out_naming_a_file_is_refused_before_any_work(
    command: list[str], workbook: Path, tmp_path: Path
) -> None:
    taken = tmp_path / "notes.txt"
    taken.write_text("the planner's own notes")
    result = runner.invoke(app, [command[0], str(workbook), *command[1:], "--out", str(taken)])
    assert result.exit_code == 2, result.output
    assert "is a file; --out takes a folder" in result.output
    assert "Traceback" not in result.output
    assert taken.read_text() == "the planner's own notes"


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--time-limit", "0", "not positive"),
        ("--time-limit", "-5", "not positive"),
        ("--threads", "0", "below 1"),
        ("--gap", "1", "not in [0, 1)"),
        ("--gap", "-0.1", "not in [0, 1)"),
    ],
)
def test_solver_options_out_of_range_are_one_clear_error(
    option: str, value: str, expected: str, workbook: Path
) -> None:
    result = runner.invoke(app, ["plan", str(workbook), option, value])
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_an_out_folder_under_a_file_is_refused_before_any_work(
    workbook: Path, tmp_path: Path
) -> None:
    (tmp_path / "afile").write_text("")
    result = runner.invoke(app, ["risk", str(workbook), "--out", str(tmp_path / "afile" / "out")])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("ERROR") and "afile is a file" in result.output


def test_a_write_that_fails_is_one_error_line_not_a_traceback(
    workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "out" / "risk.csv"))

    monkeypatch.setattr("defplan.risk.writers.write_risk", full_disk)
    result = runner.invoke(app, ["risk", str(workbook), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "ERROR" in result.output and "No space left on device" in result.output
    assert "Traceback" not in result.output


def test_report_pngs_never_overwrite_an_input(tmp_path: Path) -> None:
    """A theater saved as map.png's neighbour is safe: the report refuses, writes nothing."""
    scenario = planning_theater()
    workbook = write_scenario(scenario, tmp_path / "theater.xlsx")
    loaded = load_scenario(workbook)
    report = build_report(plan(loaded), loaded, with_ladder=False)
    precious = tmp_path / "map.png"
    precious.write_bytes(b"an input the planner keeps here")
    with pytest.raises(InputError, match="never writes over its inputs"):
        write_report(report, tmp_path / "report.html", inputs=[precious])
    assert precious.read_bytes() == b"an input the planner keeps here"
    assert not (tmp_path / "report.html").exists()
    with pytest.raises(InputError, match="is a folder"):
        write_report(report, tmp_path, inputs=[])
    with pytest.raises(InputError, match=r"is not an \.html name"):
        write_report(report, tmp_path / "brief", inputs=[])
    assert not (tmp_path / "risk.png").exists()


def test_extract_out_naming_a_folder_is_refused(tmp_path: Path) -> None:
    workbook = write_scenario(planning_theater(), tmp_path / "theater.xlsx")
    article = tmp_path / "a.txt"
    article.write_text("DATE: 2024-01-05\n\nNothing happened at any base this week.\n")
    (tmp_path / "out").mkdir()
    for option in ("--out", "--attacks-sheet"):
        result = runner.invoke(
            app,
            ["extract", str(article), "--theater", str(workbook), option, str(tmp_path / "out")],
        )
        assert result.exit_code == 2, result.output
        assert "is a folder" in result.output


def test_a_closed_pipe_drops_the_rest_of_the_output_and_the_command_goes_on() -> None:
    """``defplan plan … --out DIR | head`` must still write DIR's files."""
    from defplan.cli.common import PipeSafeConsole

    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    console = PipeSafeConsole(file=ClosedPipe())
    console.print("the allocation table")  # rich's own console would exit here
    console.print("the summary")
    assert console.quiet


def test_a_plan_written_beside_an_older_report_says_the_report_is_stale(
    workbook: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    first = runner.invoke(app, ["plan", str(workbook), "--out", str(out), "--report"])
    assert first.exit_code == 0, first.output
    assert "earlier plan" not in first.output
    again = runner.invoke(app, ["plan", str(workbook), "--out", str(out), "--max-moves", "0"])
    assert again.exit_code == 0, again.output
    assert "report.html is from an earlier plan" in again.output


#: bad input reaching the library (ValueError, SolverError) or a file: the trailer too
BAD_INPUTS = (
    "plan {workbook} --gap -1",
    "plan {workbook} --time-limit 0",
    "plan {workbook} --max-moves -1",
    "plan {workbook} --threads 0",
    "sweep {workbook} --vary inventory:nope=0..2",
    "ladder {workbook} --beyond -1",
    "wta {missing}",
    "validate {missing}",
)


@pytest.mark.parametrize("command", BAD_INPUTS)
def test_every_bad_input_exit_ends_with_the_same_trailer(
    command: str, workbook: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.txt"
    filled = command.format(workbook=workbook, missing=missing).split()
    result = runner.invoke(app, filled)
    assert result.exit_code == 2, result.output
    assert result.output.rstrip().splitlines()[-1].endswith("error(s); nothing was done.")
    assert "Traceback" not in result.output


def test_an_unreadable_wta_file_is_named_as_every_bad_file_is(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = runner.invoke(app, ["wta", str(missing)])
    assert result.exit_code == 2, result.output
    assert f"ERROR {missing} · file not found" in result.output


def test_ids_and_words_are_never_cut_at_80_columns(tmp_path: Path) -> None:
    """A long base id stays whole in every table, at a terminal of 80 columns."""
    scenario = planning_theater()
    long_id = "green_village_outpost_north"
    bases = (*scenario.bases, base(long_id, troops=5000))
    theater = write_scenario(dataclasses.replace(scenario, bases=bases), tmp_path / "theater.xlsx")
    for command in (["plan"], ["risk"], ["ladder", "--workers", "1", "--no-progress"]):
        args = [command[0], str(theater), *command[1:]]
        result = runner.invoke(app, args, env={"COLUMNS": "80"})  # the console's width
        assert result.exit_code == 0, result.output
        assert long_id in result.output, command[0]
        assert "…" not in result.output, result.output


def test_a_path_that_looks_like_markup_is_printed_as_it_is(workbook: Path, tmp_path: Path) -> None:
    """A folder named ``[bold]x`` is a name, not a style: every line shows it whole."""
    out = tmp_path / "[bold]x"
    result = runner.invoke(app, ["risk", str(workbook), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'risk.csv'}" in " ".join(result.output.split())
    missing = tmp_path / "[red]theater[/red].xlsx"
    result = runner.invoke(app, ["validate", str(missing)])
    assert result.exit_code == 2
    assert f"{missing} · file not found" in " ".join(result.output.split())


#: ids and names a planner could type that rich would read as markup
MARKUP_LIKE = ("[bold]x", "y[/]", "[link=x]z:fire:")


@pytest.fixture(scope="module")
def markup_like_theater(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planning theater with bases named like rich markup."""
    scenario = planning_theater()
    named = dict(zip(("alpha", "bravo", "delta"), MARKUP_LIKE, strict=True))

    def rename(rows: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            r.model_copy(update={"base_id": named.get(r.base_id, r.base_id)}) for r in rows
        )

    scenario = dataclasses.replace(
        scenario,
        bases=rename(scenario.bases),
        deployed=rename(scenario.deployed),
        attacks=rename(scenario.attacks),
    )
    return write_scenario(scenario, tmp_path_factory.mktemp("markup") / "theater.xlsx")


@pytest.mark.parametrize(
    "command",
    [
        *FOLDER_COMMANDS,
        ["rotate", "--system", "cram"],
        ["robust", "--samples", "4"],
        ["compare", "THEATER", "--schedule"],  # the theater against itself
    ],
    ids=lambda c: c[0],
)
def test_ids_that_look_like_markup_print_as_they_are(
    command: list[str], markup_like_theater: Path
) -> None:
    """A base named ``[bold]x`` is a name, not a style: every command's tables and lines
    show it whole, and ``y[/]`` (a closing tag with nothing open) is no error."""
    args = [command[0], str(markup_like_theater), *command[1:]]
    args = [str(markup_like_theater) if a == "THEATER" else a for a in args]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    # sweep names the one base its change goes to; options the worst bases
    shown = {"sweep": MARKUP_LIKE[:1], "options": MARKUP_LIKE[:2]}.get(command[0], MARKUP_LIKE)
    for name in shown:
        assert name in result.output, name


def test_a_label_and_a_path_that_look_like_markup_print_as_they_are(
    markup_like_theater: Path, tmp_path: Path
) -> None:
    """sweep's progress line names the base it varies; validate's table the file."""
    vary = "base:[bold]x.hardening=0,0.3"
    result = runner.invoke(app, ["sweep", str(markup_like_theater), "--vary", vary])
    assert result.exit_code == 0, result.output
    assert "sweep base:[bold]x.hardening" in result.output
    folder = tmp_path / "[red]w:fire:"
    folder.mkdir()
    workbook = folder / "theater.xlsx"
    workbook.write_bytes(markup_like_theater.read_bytes())
    result = runner.invoke(app, ["validate", str(workbook)])
    assert result.exit_code == 0, result.output
    assert f"{workbook}: valid theater" in result.output.replace("\n", "")  # a title folds
