"""The attacks sheet read column by column says and keeps exactly what the row model does.

The columnar reader (:mod:`defplan.workbook.columnar`) is what makes a million attack
rows validate in seconds; the row model (:func:`defplan.workbook.rows.validate_rows`)
is the reference. Random sheets with random bad cells go through both: the same
messages (file, sheet, row, column, text), the same rows, the same risk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import attack, planning_theater
from defplan import workbook
from defplan.attack_table import AttackTable
from defplan.risk import risk
from defplan.scenario import AttackRow
from defplan.workbook import validate, write_csv_folder
from defplan.workbook.columnar import validate_attacks
from defplan.workbook.rows import validate_rows
from defplan.workbook.sources import RawSheet

#: cells a planner (or a tool) may put in each column, good and bad, as Excel gives them
CELLS: dict[str, Any] = {
    "attack_id": st.sampled_from(["a1", "a2", "a3", " a4 ", 7, 7.0, 7.5, True, "", None]),
    "date": st.sampled_from(
        [
            "2023-05-04",
            "2023-05",
            "2023",
            "2023-13-01",
            "soon",
            "4 May 2023",
            dt.datetime(2023, 5, 4),
            dt.datetime(2023, 5, 4, 13, 30),
            dt.date(2022, 1, 2),
            2023,
            2023.0,
            "#N/A",
            None,
            math.nan,
        ]
    ),
    "date_precision": st.sampled_from(["day", "Month", "year", "mnth", 3, "", None]),
    "base_id": st.sampled_from(["alpha", "bravo", "charlie", "delta", "zulu", 1, 1.0, None]),
    "site": st.sampled_from(["Camp X", " ", 5, None]),
    "actor": st.sampled_from(["militia", 0, None]),
    "weapon": st.sampled_from(["rocket", "Rocket ", "drone", "ballistic missile", "", 1, None]),
    "munitions": st.sampled_from(["", "0", "3", 3, 3.0, 2.5, -1, "1,500", "45%", "x", True, None]),
    "killed": st.sampled_from([0, 1, 1.0, "2", "-3", "lots", False, "#DIV/0!", None, math.nan]),
    "wounded": st.sampled_from([0, 4, "4", 1e400, None]),
    "source": st.sampled_from(["a.txt", "a.txt; b.txt", "a.txt;a.txt", ";", 3, None]),
    "evidence": st.sampled_from(["a.txt:1-20", "", None]),
    "notes": st.sampled_from(["", "seen\x01", "x" * 40, 12, None]),
    "unit": st.sampled_from(["3rd", 3, 3.0, None]),  # a column the schema does not know
}


@st.composite
def raw_sheets(draw: st.DrawFn) -> RawSheet:
    """An attacks sheet as the reader hands it over: its cells, bad cells and unread rows."""
    columns = draw(
        st.lists(st.sampled_from(sorted(CELLS)), min_size=1, max_size=len(CELLS), unique=True)
    )
    if draw(st.booleans()):  # most sheets have the columns a row needs
        columns = list(dict.fromkeys(["attack_id", "weapon", "base_id", *columns]))
    if draw(st.integers(0, 9)) == 0:
        columns.append(columns[0])  # a column given twice
    n = draw(st.integers(0, 12))
    rows = [[draw(CELLS[c]) for c in columns] for _ in range(n)]
    excel_rows = sorted(draw(st.sets(st.integers(2, 40), min_size=n, max_size=n)))
    frame = pd.DataFrame(rows, columns=pd.Index(columns, dtype=object), dtype=object)
    frame.index = pd.Index(excel_rows, dtype="int64")
    bad: dict[tuple[int, str], str] = {}
    unread: set[int] = set()
    for row in excel_rows:
        if draw(st.integers(0, 7)) == 0:
            bad[(row, draw(st.sampled_from(columns)))] = "holds a control character (NUL)"
        if draw(st.integers(0, 9)) == 0:
            unread.add(row)
    return RawSheet("theater/attacks.csv", "attacks", "attacks", frame, 1, False, bad, unread)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_sheets())
def test_columns_and_rows_give_the_same_messages_and_the_same_rows(sheet: RawSheet) -> None:
    located, row_problems, row_failed = validate_rows(sheet, AttackRow)
    table, problems, failed = validate_attacks(sheet)
    assert problems == row_problems
    assert failed == row_failed
    assert table.excel_rows.tolist() == [item.excel_row for item in located]
    rows = [item.row for item in located]
    assert table == tuple(rows)
    for mine, theirs in zip(table, rows, strict=True):
        assert mine.__dict__ == theirs.__dict__
        assert mine.model_extra == theirs.model_extra
        assert mine.model_fields_set == theirs.model_fields_set


def _attacks_csv(rows: list[list[str]]) -> str:
    header = "attack_id,date,date_precision,base_id,site,weapon,munitions,killed,wounded,source"
    return "\n".join([header, *(",".join(row) for row in rows)]) + "\n"


TEXT_CELLS = {
    "date": ["2023-05-04", "2023-05", "2022", "2024-02-30", "later", ""],
    "date_precision": ["", "day", "month", "Year", "week"],
    "base_id": ["alpha", "bravo", "charlie", "delta", "nowhere", ""],
    "site": ["", "Camp X"],
    "weapon": ["rocket", "Drone", "drone", "cannon", ""],
    "munitions": ["", "1", "2", "1500", "-2", "many"],
    "killed": ["", "0", "1", "3.0", "0.5"],
    "wounded": ["", "0", "2", "#N/A"],
    "source": ["", "a.txt", "a.txt; b.txt", "b.txt;b.txt"],
}


@st.composite
def attack_files(draw: st.DrawFn) -> list[list[str]]:
    n = draw(st.integers(1, 25))
    ids = [f"a{draw(st.integers(0, 30))}" for _ in range(n)]
    return [[ids[i], *(draw(st.sampled_from(v)) for v in TEXT_CELLS.values())] for i in range(n)]


@pytest.fixture(scope="module")
def theater(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario = planning_theater(attacks=(attack("seed", "alpha", date="2023-01-02"),))
    return write_csv_folder(scenario, tmp_path_factory.mktemp("columns") / "theater")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(attack_files())
def test_a_theater_validates_and_risks_alike_read_either_way(
    theater: Path, rows: list[list[str]]
) -> None:
    (theater / "attacks.csv").write_text(_attacks_csv(rows), encoding="utf-8")
    by_columns = validate(theater)
    try:
        workbook.COLUMNAR = False
        by_rows = validate(theater)
    finally:
        workbook.COLUMNAR = True
    assert by_columns.problems == by_rows.problems
    assert (by_columns.scenario is None) == (by_rows.scenario is None)
    if by_columns.scenario is None or by_rows.scenario is None:
        return
    assert isinstance(by_columns.scenario.attacks, AttackTable)
    assert by_columns.scenario == by_rows.scenario
    mine, theirs = risk(by_columns.scenario), risk(by_rows.scenario)
    pd.testing.assert_frame_equal(mine.cells, theirs.cells)
    pd.testing.assert_frame_equal(mine.bases, theirs.bases)
    assert mine.excluded == theirs.excluded


def test_a_table_is_a_sequence_of_rows_like_the_tuple_it_replaces() -> None:
    rows = (
        attack("a1", "alpha", date="2023-05", killed=2, source=("a.txt",)),
        attack("a2", None, date="2022"),
        AttackRow.model_validate({"attack_id": "a3", "weapon": "drone", "base_id": "b", "x": "1"}),
    )
    table = AttackTable.from_rows(rows, [2, 3, 4])
    assert len(table) == 3 and table == rows and table[-1] == rows[-1]
    assert table[1:] == rows[1:] and list(table) == list(rows)
    assert table[2].extras == {"x": "1"} and table.excel_rows.tolist() == [2, 3, 4]
    assert hash(table) == hash(rows)
    assert table.column("killed").tolist() == [2, None, None]
    scenario = dataclasses.replace(planning_theater(), attacks=table)
    assert scenario == dataclasses.replace(planning_theater(), attacks=rows)
    with pytest.raises(ValueError):
        table.column("killed")[0] = 5  # read-only: the scenario is the record
    assert np.asarray(table.column("weapon")).dtype == object
