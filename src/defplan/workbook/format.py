"""plan.xlsx formatted as a planner expects it.

:func:`format_plan_workbook` is applied to the workbook
:func:`defplan.plan.writers.plan_workbook` builds: every sheet keeps its bold,
frozen header and gains an auto-filter, column widths fitted to the content, number
formats by column (risk to 3 decimals, units as whole numbers, changes signed) and a
white-to-red colour scale on each risk column. Values are not touched, so text that
begins with = + - @ stays text (``set_cell`` wrote it so).
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

RISK_FORMAT = "0.000"
UNITS_FORMAT = "0"
CHANGE_FORMAT = "+0;-0;0"
SMALL_FORMAT = "0.0000"
#: widest a column grows to (characters); longer text wraps
MAX_WIDTH = 60
#: a column too wide for MAX_WIDTH wraps its text (one style, shared by every cell)
WRAPPED = Alignment(wrap_text=True, vertical="top")
#: the colour scale on risk columns: none → white, most → red
RISK_SCALE = {
    "start_type": "min",
    "start_color": "FFFFFF",
    "end_type": "max",
    "end_color": "E06666",
}
#: Summary items and their number formats
SUMMARY_FORMATS = {
    "percent_removed": "0.0",
    "gap": "0.00%",
    "seconds": "0.00",
    "gain_over_greedy": RISK_FORMAT,  # risks stay 0.000 when they happen to be a whole 0
    "objective_value": RISK_FORMAT,
    "bound": RISK_FORMAT,
    "units_moved": UNITS_FORMAT,
    "max_moves": UNITS_FORMAT,
}


def number_format(column: str) -> str | None:
    """The number format of a column by its name, or None to leave it."""
    if column == "change":
        return CHANGE_FORMAT
    if column.startswith(("risk", "worst_residual")) or column.endswith("risk"):
        return RISK_FORMAT
    if column in ("last_unit_removes", "one_more_removes"):
        return SMALL_FORMAT
    if column.startswith(("hosted_", "defended_by_")) or column in (
        "units",
        "deployed_today",
        "troops",
    ):
        return UNITS_FORMAT
    return None


def is_risk_column(column: str) -> bool:
    """Whether a column holds a risk figure (coloured by size; risk_removed is not)."""
    return column.startswith("risk_") and column != "risk_removed"


def format_plan_workbook(book: Workbook) -> Workbook:
    """Formats, widths, filters and risk colour scales on every sheet; returns ``book``."""
    for sheet in book.worksheets:
        header = [str(c.value) if c.value is not None else "" for c in sheet[1]]
        if sheet.title == "Summary":
            _format_summary(sheet)
        else:
            _format_columns(sheet, header)
        _fit_widths(sheet, header)
        if sheet.max_row > 1 and header:
            sheet.auto_filter.ref = sheet.dimensions
        sheet.freeze_panes = "A2"
    return book


def _format_columns(sheet: Any, header: list[str]) -> None:
    last = sheet.max_row
    for index, column in enumerate(header, start=1):
        fmt = number_format(column)
        letter = get_column_letter(index)
        if fmt is not None:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.number_format = fmt
        if is_risk_column(column) and last > 1:
            sheet.conditional_formatting.add(
                f"{letter}2:{letter}{last}",
                ColorScaleRule(**RISK_SCALE),  # type: ignore[no-untyped-call]
            )


def _format_summary(sheet: Any) -> None:
    """Formats by the summary key: column "key" when there, else the first column."""
    header = [str(c.value) for c in sheet[1]]
    at = header.index("key") if "key" in header else 0
    for row in sheet.iter_rows(min_row=2):
        key_cell, value_cell = row[at], row[1]
        if not isinstance(value_cell.value, int | float) or isinstance(value_cell.value, bool):
            continue
        key = str(key_cell.value)
        value_cell.number_format = SUMMARY_FORMATS.get(
            key, RISK_FORMAT if isinstance(value_cell.value, float) else UNITS_FORMAT
        )


def _fit_widths(sheet: Any, header: list[str]) -> None:
    for index, column in enumerate(header, start=1):
        letter = get_column_letter(index)
        longest = len(column) + 4
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if cell.value is None:
                continue
            text = f"{cell.value:.3f}" if isinstance(cell.value, float) else str(cell.value)
            longest = max(longest, len(text) + 2)
        width = min(longest, MAX_WIDTH)
        sheet.column_dimensions[letter].width = width
        if longest > MAX_WIDTH:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = WRAPPED
