"""Terminal output never cuts a word in two, at any width; a pipe gets whole lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import planning_theater
from defplan.cli import app
from defplan.plan import plan
from defplan.plan.acceptance import risk_acceptance
from defplan.workbook import load_scenario, write_scenario

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "iraq_syria.xlsx"
BOX = "│┃─━┏┓┗┛┡┩└┘┌┐├┤┬┴┼╇╈╋┳┻╭╮╯╰═║"
FIGURE = re.compile(r"^[\d.,%+\-]+$")  # figures such as a solve's seconds differ by run


def _words(text: str) -> set[str]:
    cleaned = text.translate({ord(c): " " for c in BOX})
    return {w.rstrip(":") for w in cleaned.split() if not FIGURE.match(w.rstrip(":"))}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scenario(planning_theater(), tmp_path_factory.mktemp("t") / "theater.xlsx")


COMMANDS = [
    ("example", ["plan"]),
    ("example", ["risk"]),
    ("example", ["validate"]),
    ("small", ["ladder", "--workers", "1", "--no-progress"]),
    ("small", ["options", "--suggest", "1", "--workers", "1"]),
    ("small", ["moves"]),
    ("small", ["sweep", "--vary", "inventory:cram=0..2", "--workers", "1", "--no-progress"]),
]


@pytest.mark.parametrize(("theater", "command"), COMMANDS, ids=lambda c: str(c))
def test_no_word_is_cut_at_any_width(theater: str, command: list[str], small: Path) -> None:
    workbook = EXAMPLE if theater == "example" else small
    args = [command[0], str(workbook), *command[1:]]
    piped = runner.invoke(app, args, env={"COLUMNS": None})
    assert piped.exit_code == 0, piped.output
    assert "…" not in piped.output  # nothing shortened
    whole = _words(piped.output)
    for width in (48, 80):
        narrow = runner.invoke(app, args, env={"COLUMNS": str(width)})
        assert narrow.exit_code == 0, narrow.output
        lines = narrow.output.splitlines()
        assert max(len(line) for line in lines) <= width
        cut = _words(narrow.output) - whole
        assert not cut, f"at {width} columns, words cut in two: {sorted(cut)[:10]}"


def test_a_pipe_gets_each_line_whole(small: Path) -> None:
    result = runner.invoke(app, ["plan", str(small)], env={"COLUMNS": None})
    assert result.exit_code == 0
    scenario = load_scenario(small)
    record = risk_acceptance(plan(scenario), scenario)
    assert not record.empty
    lines = result.output.splitlines()
    for row in record.to_dict("records"):  # each base's row on one line, reason whole
        assert any(str(row["reason"]) in line and row["base_id"] in line for line in lines)
