"""A plain workbook's cells read fast (calamine), exactly as openpyxl reads them.

openpyxl parses a sheet's XML in Python, cell by cell: the example theater takes a
tenth of a second. python-calamine (Rust) reads it in a few milliseconds. The two
agree on every cell of a *plain* workbook once calamine's whole floats are made ints
and its dates datetimes (:func:`openpyxl_value`); where they could differ the
workbook is not plain and :func:`plain_sheets` returns None, so that openpyxl reads it
as before. Not plain: a formula anywhere (openpyxl reads the formulas too), an error
value (calamine reads ``#N/A`` as blank), an ISO date cell, a 1904 date system, an
``_xHHHH_`` escape or phonetic text, a number not written as Excel writes one
(``5.0``, ``1E+3``, 16 digits or more: openpyxl gives a float or an exact int where
calamine's float would be made another value), a macro or dialog sheet, a value right
of the header's last name (openpyxl drops it or keeps it by the row's XML, which
calamine does not show), and anything calamine cannot read.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

#: any part's text that makes a workbook not plain (see the module's docstring)
_NOT_PLAIN = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]"  # a formula (or a chart's reference)
    rb"|\st=\"[ed]\""  # an error value or an ISO date cell
    rb"|date1904=\"(?:1|true)\""
    rb"|_x[0-9A-Fa-f]{4}_"
    rb"|<(?:[A-Za-z_][\w.-]*:)?rPh[\s>]"
    rb"|<(?:[A-Za-z_][\w.-]*:)?v>-?\d{16,}<"
)
#: a cell value written with a decimal point or an exponent: not plain when whole
_DECIMAL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>([^<]*[.eE][^<]*)<")


@dataclass
class PlainSheet:
    """One worksheet's cells, row by row from row 1 and column A, as openpyxl gives
    them (None for a blank cell)."""

    title: str
    hidden: bool
    rows: list[list[Any]]


def plain_sheets(data: bytes) -> list[PlainSheet] | None:
    """Every worksheet of a plain workbook in order (chart sheets left out, as openpyxl
    leaves them), or None when the workbook is not plain."""
    if not _parts_are_plain(data):
        return None
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: list[PlainSheet] = []
        for meta in book.sheets_metadata:
            if meta.typ == SheetTypeEnum.ChartSheet:
                continue
            if meta.typ != SheetTypeEnum.WorkSheet:
                return None
            cells = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            rows = _within_header(cells)
            if rows is None:
                return None
            sheets.append(PlainSheet(meta.name, meta.visible != SheetVisibleEnum.Visible, rows))
        book.close()
    except Exception:  # damaged, or beyond calamine: openpyxl reads it and says what
        return None
    return sheets


def openpyxl_value(value: Any) -> Any:
    """A calamine cell as openpyxl reads the same cell of a plain workbook.

    >>> openpyxl_value(1500.0), openpyxl_value(1.5), openpyxl_value(""), openpyxl_value(-0.0)
    (1500, 1.5, None, 0)
    >>> openpyxl_value(dt.date(2024, 1, 2))
    datetime.datetime(2024, 1, 2, 0, 0)
    """
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is str:
        return value if value else None
    if kind is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _within_header(cells: list[list[Any]]) -> list[list[Any]] | None:
    """The rows cut after the header's last name, in openpyxl's values; None when a
    row below holds a value past it."""
    rows = ([openpyxl_value(v) for v in row] for row in cells)
    out: list[list[Any]] = []
    width = 0
    for row in rows:
        if not width:
            width = _last_filled(row)
            out.append(row[:width])
            continue
        if _last_filled(row) > width:
            return None
        out.append(row[:width])
    return out


def _last_filled(row: list[Any]) -> int:
    """1 + the index of the row's last cell that is not blank (0 for a blank row)."""
    for index in range(len(row) - 1, -1, -1):
        value = row[index]
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return index + 1
    return 0


def _parts_are_plain(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")) and not _part_is_plain(archive, name):
                    return False
    except Exception:  # damaged: openpyxl reads it and says so
        return False
    return True


def _part_is_plain(archive: zipfile.ZipFile, name: str) -> bool:
    text = archive.read(name)
    if _NOT_PLAIN.search(text):
        return False
    return not any(_whole(match) for match in _DECIMAL.findall(text))


def _whole(text: bytes) -> bool:
    """Whether a number written with a point or exponent is whole (or not a number)."""
    try:
        return float(text).is_integer()
    except ValueError:
        return True
