"""A plain workbook read fast (calamine) gives the very cells openpyxl gives; any other
workbook is read by openpyxl as before."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from builders import bases_workbook
from defplan.workbook import sources
from defplan.workbook.plain_xlsx import plain_sheets
from defplan.workbook.sources import RawWorkbook, read_workbook

EXAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "iraq_syria.xlsx"


def _shown(raw: RawWorkbook) -> list[object]:
    """Everything a read gives, with each cell's type."""
    sheets = [
        (
            s.name,
            s.title,
            s.header_row,
            s.hidden,
            s.bad_cells,
            list(s.frame.columns),
            list(s.frame.index),
            [[(type(v).__name__, v) for v in row] for row in s.frame.itertuples(index=False)],
        )
        for s in raw.sheets
    ]
    return [raw.kind, sheets, [str(p) for p in raw.problems], raw.files]


def _read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[object], list[object]]:
    fast = _shown(read_workbook(path))
    with monkeypatch.context() as patch:
        patch.setattr(sources, "plain_sheets", lambda data: None)
        slow = _shown(read_workbook(path))
    return fast, slow


def _save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


def _rewritten(path: Path, part: str, edit: Any) -> Path:
    """The workbook with one XML part's bytes edited."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, edit(data) if name == part else data)
    path.write_bytes(out.getvalue())
    return path


def _varied(tmp_path: Path) -> Path:
    """Every kind of cell a theater holds, off A1, under a header with a gap."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "bases"
    sheet["B3"], sheet["C3"], sheet["E3"] = "Base ID", "value", "Notes"
    values: list[Any] = [
        1500,
        1500.0,
        -0.0,
        1.5,
        0.1 + 0.2,
        1.25e-7,
        12345.678e10,
        123456789012345,
        True,
        False,
        dt.datetime(2024, 1, 2),
        dt.datetime(2024, 1, 2, 13, 4, 5, 250_000),
        dt.date(2024, 3, 4),
        dt.time(13, 30),
        dt.timedelta(hours=30),
        "  padded  ",
        "   ",
        "=text typed as text",
        "multi\nline",
        "#N/A as text",
    ]
    for row, value in enumerate(values, start=5):
        sheet.cell(row=row, column=2, value=f"b{row}")
        cell = sheet.cell(row=row, column=3, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"
        sheet.cell(row=row, column=5, value="note" if row % 3 else None)
    sheet.cell(row=60, column=2, value="far below")
    hidden = book.create_sheet("deployed")
    hidden.sheet_state = "hidden"
    hidden.append(["base_id", "units"])
    hidden.append(["a", 2])
    book.create_sheet("empty")
    path = _save(book, tmp_path / "varied.xlsx")
    # a <dimension> that understates the sheet: both readers read to the real end
    return _rewritten(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', xml),
    )


def test_the_example_and_every_kind_of_cell_read_the_same_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in (EXAMPLE, _varied(tmp_path)):
        assert plain_sheets(path.read_bytes()) is not None, path
        fast, slow = _read_both(path, monkeypatch)
        assert fast == slow


def _one_sheet(tmp_path: Path, rows: list[list[Any]]) -> Path:
    return bases_workbook(tmp_path / "one.xlsx", rows)


def _number_text(text: bytes) -> Any:
    return lambda xml: xml.replace(b"<v>7</v>", b"<v>" + text + b"</v>")


@pytest.mark.parametrize(
    ("case", "rows", "edit"),
    [
        ("formula", [["id", "n"], ["a", "=1+2"]], None),
        ("error value", [["id", "n"], ["a", "#DIV/0!"]], None),
        ("value right of the header", [["id", "n"], ["a", 1, "stray"]], None),
        ("escaped control character", [["id", "n"], ["a", "x_x000D_y"]], None),
        ("whole number with a point", [["id", "n"], ["a", 7]], _number_text(b"7.0")),
        ("whole number with an exponent", [["id", "n"], ["a", 7]], _number_text(b"7E+0")),
        ("sixteen digits", [["id", "n"], ["a", 7]], _number_text(b"1234567890123456")),
    ],
)
def test_a_workbook_that_is_not_plain_is_read_by_openpyxl(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    rows: list[list[Any]],
    edit: Any,
) -> None:
    path = _one_sheet(tmp_path, rows)
    if edit is not None:
        path = _rewritten(path, "xl/worksheets/sheet1.xml", edit)
    assert plain_sheets(path.read_bytes()) is None, case
    fast, slow = _read_both(path, monkeypatch)
    assert fast == slow


def test_a_1904_workbook_is_read_by_openpyxl(tmp_path: Path) -> None:
    path = _one_sheet(tmp_path, [["id", "when"], ["a", dt.datetime(2024, 1, 2)]])
    path = _rewritten(
        path,
        "xl/workbook.xml",
        lambda xml: xml.replace(b"<workbookPr", b'<workbookPr date1904="1"'),
    )
    assert plain_sheets(path.read_bytes()) is None


def test_damaged_bytes_are_left_to_openpyxl() -> None:
    assert plain_sheets(b"not a zip file") is None


_CELL = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(-1e12, 1e12, allow_nan=False),
    st.booleans(),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=8),
    st.datetimes(dt.datetime(1901, 1, 1), dt.datetime(2100, 1, 1)),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=6))
def test_any_plain_grid_reads_the_same_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grid: list[list[Any]]
) -> None:
    path = _one_sheet(tmp_path, [["id", "value", "notes"], *grid])
    fast, slow = _read_both(path, monkeypatch)
    assert fast == slow


def test_a_workbook_another_tool_wrote_reads_the_same_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XlsxWriter writes shared strings, styles and numbers its own way (as Excel does)."""
    import xlsxwriter

    path = tmp_path / "other.xlsx"
    book = xlsxwriter.Workbook(str(path))
    day, clock = (
        book.add_format({"num_format": "yyyy-mm-dd"}),
        book.add_format({"num_format": "hh:mm"}),
    )
    sheet = book.add_worksheet("bases")
    sheet.write_row(0, 0, ["base_id", "troops", "ratio", "when", "at", "open", "note"])
    sheet.write_row(1, 0, ["a", 1500, 0.25, None, None, True, " padded "])
    sheet.write_datetime(1, 3, dt.datetime(2024, 1, 2), day)
    sheet.write_datetime(1, 4, dt.time(13, 30), clock)
    sheet.write_row(2, 0, ["b", 0, 1e-5, None, None, False])
    sheet.write_string(2, 6, "=not a formula")
    sheet.write_row(3, 0, ["c", 123456789, 2.5e-7])
    hidden = book.add_worksheet("deployed")
    hidden.hide()
    hidden.write_row(0, 0, ["base_id", "units"])
    hidden.write_row(1, 0, ["a", 2])
    book.close()
    assert plain_sheets(path.read_bytes()) is not None
    fast, slow = _read_both(path, monkeypatch)
    assert fast == slow
