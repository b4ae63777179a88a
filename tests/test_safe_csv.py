"""Every CSV defplan writes is safe to open in Excel, and reads back as it was written."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import attack, base, planning_theater
from defplan.cli import app
from defplan.extract import write_attacks_sheet, write_rows_csv
from defplan.extract.events import ExtractedAttack
from defplan.extract.sheet import attack_rows
from defplan.safe_csv import (
    FORMULA_STARTS,
    PLAIN_NUMBER,
    escape_cell,
    unescape_cell,
    write_csv,
)
from defplan.scenario import DeployedRow, Scenario
from defplan.workbook import load_scenario, write_scenario

runner = CliRunner()
HOSTILE = '=HYPERLINK("http://example.invalid","x")'


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _formula_cells(path: Path) -> list[str]:
    """The cells of ``path`` a spreadsheet would compute: text starting like a formula."""
    with path.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    return [c for c in cells if c[:1] and c[0] in FORMULA_STARTS and not _is_number(c)]


@given(st.text(max_size=12))
@settings(max_examples=300)
def test_escaping_is_undone_by_reading_and_never_leaves_a_formula(text: str) -> None:
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text
    # a plain number ("-12.5") is read as that number by a spreadsheet, never computed
    assert not (escaped[:1] and escaped[0] in FORMULA_STARTS) or PLAIN_NUMBER.fullmatch(text)


#: text shaped like what the escape writes: quotes, a formula character, a number or not
_QUOTED_LIKE = st.builds(
    lambda quotes, start, rest: quotes + start + rest,
    st.sampled_from(["", "'", "''"]),
    st.sampled_from([*FORMULA_STARTS, ""]),
    st.one_of(st.sampled_from(["1", "12.5", ".5", "2e3", "1+1", " "]), st.text(max_size=6)),
)


@given(st.one_of(_QUOTED_LIKE, st.text(max_size=12)))
@settings(max_examples=300)
def test_reading_removes_only_a_quote_defplan_wrote(text: str) -> None:
    """Write then read is exact, and reading takes a quote off only where writing the
    result would put it back: every other hand-written quote survives."""
    assert unescape_cell(escape_cell(text)) == text
    read = unescape_cell(text)
    assert read == text or escape_cell(read) == text


def test_a_hand_written_quote_before_a_number_survives() -> None:
    # defplan writes these numbers bare, so the quote is the planner's own
    for cell in ("'-12.5", "'+3", "'-2e3", "'-.5", "'ok", "'"):
        assert unescape_cell(cell) == cell


def test_text_that_is_a_plain_number_stays_a_number_but_any_formula_is_escaped() -> None:
    assert [escape_cell(t) for t in ("-12.5", "+3", "-2e3", "-.5")] == [
        "-12.5",
        "+3",
        "-2e3",
        "-.5",
    ]
    for formula in ("-1+1", "-12.5)", "+A1", "-2e3*9", "=1", "-1 "):
        assert escape_cell(formula) == "'" + formula


@pytest.mark.parametrize("number", [-0.5, -3, 0.0, 7, float("-1e-9")])
def test_numbers_are_never_escaped(number: float) -> None:
    assert escape_cell(number) == number


def hostile_theater() -> Scenario:
    """planning_theater with a base whose id starts with '-' and text that looks like
    formulas: every output naming that base has a cell to escape."""
    scenario = planning_theater()
    bases = tuple(b for b in scenario.bases if b.base_id != "delta")
    minus = base("-delta", lat=33.2, lon=44.2, troops=800, name=HOSTILE, aliases=("@delta", "+d"))
    deployed = (
        DeployedRow(base_id="bravo", system_id="cram", units=1),
        DeployedRow(base_id="-delta", system_id="cram", units=1),
    )
    hit = attack("+a1", "-delta", date=dt.date(2023, 5, 1), site="-Delta")
    return dataclasses.replace(
        scenario, bases=(*bases, minus), deployed=deployed, attacks=(*scenario.attacks, hit)
    )


@pytest.fixture(scope="module")
def theater(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scenario(hostile_theater(), tmp_path_factory.mktemp("t") / "theater")


def test_a_csv_theater_escapes_text_and_reads_back_equal(theater: Path) -> None:
    for sheet in theater.glob("*.csv"):
        assert _formula_cells(sheet) == [], sheet.name
    bases = (theater / "bases.csv").read_text(encoding="utf-8")
    assert "'-delta" in bases and "'=HYPERLINK" in bases
    assert load_scenario(theater) == hostile_theater()


COMMANDS = [
    ["risk"],
    ["ladder", "--workers", "1", "--no-progress"],
    ["ladder", "--system", "all", "--workers", "1", "--no-progress"],
    ["sweep", "--vary", "inventory:cram=1..2", "--workers", "1", "--no-progress"],
    ["options", "--suggest", "1", "--workers", "1"],
    ["moves"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:3]))
def test_every_command_writes_csv_excel_will_not_compute(
    command: list[str], theater: Path, tmp_path: Path
) -> None:
    result = runner.invoke(app, [command[0], str(theater), *command[1:], "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.glob("*.csv"))
    assert written
    escaped = 0
    for path in written:
        assert _formula_cells(path) == [], path.name
        escaped += path.read_text(encoding="utf-8").count("'-delta")
    assert escaped  # the base named -delta is in these files, quoted


def test_compare_writes_csv_excel_will_not_compute(theater: Path, tmp_path: Path) -> None:
    other = write_scenario(planning_theater(), tmp_path / "other")
    out = tmp_path / "out"
    result = runner.invoke(app, ["compare", str(theater), str(other), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for path in sorted(out.glob("*.csv")):
        assert _formula_cells(path) == [], path.name
    assert "'-delta" in (out / "compare.csv").read_text(encoding="utf-8")


def test_an_allocation_written_by_defplan_is_read_unescaped(theater: Path, tmp_path: Path) -> None:
    allocation = write_csv(
        tmp_path / "allocation.csv", ["base_id", "system_id", "units"], [["-delta", "cram", 2]]
    )
    assert "'-delta" in allocation.read_text(encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(theater), "--allocation", str(allocation)])
    assert result.exit_code == 0, result.output
    assert "-delta" in result.output


def test_extracted_files_are_escaped_and_the_sheet_loads_back(
    theater: Path, tmp_path: Path
) -> None:
    row = ExtractedAttack(
        article_file="+news.txt",
        base=HOSTILE,
        base_id="-delta",
        date=dt.date(2024, 1, 2),
        date_precision="day",
        actor="@group",
        weapon="rocket",
        munitions=3,
        killed=None,
        wounded=1,
        event_id="-e1",
        span_start=0,
        span_end=10,
    )
    rows_file = write_rows_csv([row], tmp_path / "attacks_rows.csv")
    assert _formula_cells(rows_file) == []
    sheet = write_attacks_sheet(attack_rows([row]), tmp_path / "attacks.csv")
    assert _formula_cells(sheet) == []
    folder = tmp_path / "with_sheet"
    write_scenario(load_scenario(theater), folder)
    (folder / "attacks.csv").write_bytes(sheet.read_bytes())
    (loaded,) = load_scenario(folder).attacks
    assert (loaded.attack_id, loaded.site, loaded.base_id) == ("-e1", HOSTILE, "-delta")
    assert loaded.actor == "@group" and loaded.source == ("+news.txt",)


def test_negative_numbers_stay_numbers(tmp_path: Path) -> None:
    scenario = planning_theater()
    west = base("west", lat=-12.5, lon=-77.0)
    folder = write_scenario(dataclasses.replace(scenario, bases=(*scenario.bases, west)), tmp_path)
    text = (folder / "bases.csv").read_text(encoding="utf-8")
    assert ",-12.5,-77.0," in text and "'-" not in text
