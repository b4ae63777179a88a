"""The workbooks defplan writes as output (plan.xlsx, risk.xlsx, robust.xlsx,
options.xlsx, moves.xlsx, the what-if workbooks): sheets of rows under a bold, shaded,
frozen header, written with XlsxWriter.

A sheet is gathered as plain rows first (:class:`OutputBook`), then written in one go
(:func:`save_book`): text is never taken for a formula (a cell beginning with = + - @
is text, shown with Excel's quote prefix), the file is byte-identical for the same
content, and it appears atomically. plan.xlsx is also laid out for a planner (number
formats, widths, filters, colour scales: :func:`defplan.workbook.format.format_plan_workbook`).
The input workbooks defplan writes (``defplan template``, a scenario saved as .xlsx)
are written by openpyxl (:mod:`defplan.workbook.write`), which reads back the same.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from defplan.atomic import atomic_write_bytes

if TYPE_CHECKING:
    import pandas as pd
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

#: text Excel would take for a formula: written as text, with the quote prefix
FORMULA_PREFIXES = ("=", "+", "-", "@")
HEADER_FILL = "#DDE5F0"
#: the document's stamp: a fixed one keeps the file byte-identical for the same content
FIXED_STAMP = dt.datetime(2000, 1, 1)
#: the number formats date and time cells get (openpyxl's, kept from earlier files)
TIME_FORMATS: dict[type, str] = {
    dt.datetime: "yyyy-mm-dd h:mm:ss",
    dt.date: "yyyy-mm-dd",
    dt.time: "h:mm:ss",
    dt.timedelta: "[hh]:mm:ss",
}
#: the most characters Excel allows in a sheet title
MAX_TITLE = 31
#: what a sheet title cannot hold: Excel's forbidden [ ] : * ? / \ and control characters
FORBIDDEN_IN_TITLE = re.compile(r"[][:*?/\\\x00-\x1f\ud800-\udfff\ufffe\uffff]")
#: the title of a sheet whose title has nothing left
EMPTY_TITLE = "Sheet"
#: a column's width in characters is this many pixels (Calibri 11, Excel's default)
PIXELS_PER_CHARACTER = 7


@dataclass
class SheetLayout:
    """How a sheet is laid out beyond its header: column widths (characters), each
    cell's number format by (row, column) of ``rows``, the columns whose text wraps,
    the columns coloured white to red by size, and whether it has an auto-filter."""

    widths: list[int]
    number_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    wrapped: set[int] = field(default_factory=set)
    colour_scales: list[int] = field(default_factory=list)
    auto_filter: bool = False


@dataclass
class OutputSheet:
    """One sheet: its title, header and rows of cell values (None is a blank cell)."""

    title: str
    header: list[str]
    rows: list[list[Any]]
    layout: SheetLayout | None = None

    @property
    def width(self) -> int:
        """The number of columns: the header's, or the longest row's when longer."""
        return max([len(self.header), *(len(row) for row in self.rows)])


@dataclass
class OutputBook:
    """The sheets of an output workbook, in order."""

    sheets: list[OutputSheet] = field(default_factory=list)

    @property
    def sheetnames(self) -> list[str]:
        return [sheet.title for sheet in self.sheets]

    def __getitem__(self, title: str) -> OutputSheet:
        return next(sheet for sheet in self.sheets if sheet.title == title)


def add_rows(
    book: OutputBook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> OutputSheet:
    """A sheet of rows under a formatted header (a list or tuple in a cell is written
    as its items joined by "; "); returns the sheet."""
    sheet = OutputSheet(
        unique_title(book.sheetnames, title),
        [str(c) for c in header],
        [[_cell(v) for v in row] for row in rows],
    )
    book.sheets.append(sheet)
    return sheet


def unique_title(taken: Sequence[str], title: str) -> str:
    """``title`` as a sheet name Excel takes (:func:`safe_title`), numbered when a sheet
    of that name (in any case) is there already, as Excel needs and as openpyxl numbered
    it; the number fits within 31 characters, the title cut to make room.

    >>> unique_title(["Ladder", "ladder1"], "LADDER")
    'LADDER2'
    >>> unique_title(["Ladder counter rocket artillery"], "Ladder counter rocket artillery")
    'Ladder counter rocket artiller1'
    """
    title = safe_title(title)
    names = {name.lower() for name in taken}
    if title.lower() not in names:
        return title
    numbered = re.compile(f"{re.escape(title)}(\\d+)", re.IGNORECASE)
    counts = [int(m.group(1)) for name in taken if (m := numbered.fullmatch(name))]
    number = max(counts, default=0) + 1
    while (found := _numbered(title, number)).lower() in names:
        number += 1
    return found


def _numbered(title: str, number: int) -> str:
    """``title`` with ``number`` after it, the title cut so that both fit in 31."""
    suffix = str(number)
    return _cut(title, MAX_TITLE - len(suffix)) + suffix


def _cut(text: str, units: int) -> str:
    """``text`` cut to ``units`` UTF-16 units, as Excel counts (a character beyond
    U+FFFF, such as an emoji, is two), never halving a character."""
    kept = 0
    for index, char in enumerate(text):
        kept += 2 if ord(char) > 0xFFFF else 1
        if kept > units:
            return text[:index]
    return text


def safe_title(title: str) -> str:
    """``title`` as a sheet name Excel takes: each of ``[ ] : * ? / \\`` (and a control
    character, which XML cannot hold or keep) as "_", no apostrophe first or last, at
    most 31 characters (UTF-16 units, as Excel counts), never empty.

    >>> safe_title("Ladder y[/]"), safe_title("'quoted'"), safe_title("?")
    ('Ladder y___', 'quoted', '_')
    """
    cleaned = FORBIDDEN_IN_TITLE.sub("_", title).strip("'")
    cleaned = _cut(cleaned, MAX_TITLE).rstrip("'")
    return cleaned or EMPTY_TITLE


def add_frame(book: OutputBook, title: str, frame: pd.DataFrame) -> OutputSheet:
    """A sheet holding a DataFrame under a formatted header; returns the sheet."""
    rows = [[plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return add_rows(book, title, [str(c) for c in frame.columns], rows)


def plain(value: Any) -> Any:
    """A frame's value as a cell holds it: numpy scalars as Python's, empty text or NaN
    as a blank cell."""
    if isinstance(value, np.generic):
        value = value.item()
    if value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_frames(
    sheets: Mapping[str, pd.DataFrame] | Iterable[tuple[str, pd.DataFrame]], path: Path
) -> Path:
    """An .xlsx with one sheet per frame, titled by its key, in order (written
    atomically, byte-identical for the same frames); returns ``path``. Given as pairs,
    two frames may ask for the same title: each still gets its sheet, numbered."""
    book = OutputBook()
    for title, frame in sheets.items() if isinstance(sheets, Mapping) else sheets:
        add_frame(book, title, frame)
    save_book(book, Path(path))
    return Path(path)


def save_book(book: OutputBook, path: Path) -> None:
    """Write the workbook to ``path`` atomically, byte-identical for the same content."""
    atomic_write_bytes(Path(path), book_bytes(book))


def book_bytes(book: OutputBook) -> bytes:
    """The .xlsx file's bytes."""
    from xlsxwriter import Workbook  # deferred: only a command that writes one needs it

    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"author": "defplan", "created": FIXED_STAMP})
    formats = _Formats(workbook)
    for sheet in book.sheets:
        _write_sheet(workbook.add_worksheet(sheet.title), sheet, formats)
    workbook.close()
    return buffer.getvalue()


class _Formats:
    """The workbook's cell formats, each made once."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.made: dict[tuple[str | None, bool, bool], Format] = {}
        self.header = workbook.add_format(
            {"bold": True, "pattern": 1, "fg_color": HEADER_FILL, "bg_color": HEADER_FILL}
        )

    def get(self, number: str | None, wrap: bool = False, quoted: bool = False) -> Format | None:
        if number is None and not wrap and not quoted:
            return None
        key = (number, wrap, quoted)
        if key not in self.made:
            spec: dict[str, Any] = {}
            if number is not None:
                spec["num_format"] = number
            if wrap:
                spec.update(text_wrap=True, valign="top")
            if quoted:
                spec["quote_prefix"] = True
            self.made[key] = self.workbook.add_format(spec)
        return self.made[key]


def _write_sheet(worksheet: Worksheet, sheet: OutputSheet, formats: _Formats) -> None:
    layout = sheet.layout or SheetLayout([max(10, len(name) + 4) for name in sheet.header])
    for c, name in enumerate(sheet.header):
        worksheet.write_string(0, c, name, formats.header)
    for c, width in enumerate(layout.widths):
        worksheet.set_column_pixels(c, c, width * PIXELS_PER_CHARACTER)
    for r, row in enumerate(sheet.rows, start=1):
        for c, value in enumerate(row):
            number = layout.number_formats.get((r - 1, c))
            _write_cell(worksheet, r, c, value, number, c in layout.wrapped, formats)
        for c in layout.wrapped:  # a wrapped column's blank cells wrap too
            if c >= len(row):
                worksheet.write_blank(r, c, None, formats.get(None, wrap=True))
    last = len(sheet.rows)
    for c in layout.colour_scales:
        if last:
            worksheet.conditional_format(
                1,
                c,
                last,
                c,
                {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#E06666"},
            )
    if layout.auto_filter and last and sheet.header:
        worksheet.autofilter(0, 0, last, sheet.width - 1)
    worksheet.freeze_panes(1, 0)


def _write_cell(
    worksheet: Worksheet,
    r: int,
    c: int,
    value: Any,
    number: str | None,
    wrap: bool,
    formats: _Formats,
) -> None:
    if value is None:
        if wrap:
            worksheet.write_blank(r, c, None, formats.get(number, wrap))
        return
    if isinstance(value, bool):
        worksheet.write_boolean(r, c, value, formats.get(number, wrap))
    elif isinstance(value, int | float):
        if math.isfinite(value):
            worksheet.write_number(r, c, value, formats.get(number, wrap))
        else:  # Excel has no NaN or infinity: a blank cell
            worksheet.write_blank(r, c, None, formats.get(number, wrap))
    elif isinstance(value, str):
        quoted = value.startswith(FORMULA_PREFIXES)
        worksheet.write_string(r, c, value, formats.get(number, wrap, quoted))
    elif isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        kind = next(k for k in TIME_FORMATS if isinstance(value, k))
        worksheet.write_datetime(r, c, value, formats.get(TIME_FORMATS[kind], wrap))
    else:
        raise TypeError(f"a cell cannot hold {value!r} ({type(value).__name__})")
