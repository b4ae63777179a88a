"""plan.xlsx formatted as a planner expects it.

:func:`format_plan_workbook` is applied to the workbook
:func:`defplan.plan.writers.plan_workbook` builds: every sheet keeps its bold,
frozen header and gains an auto-filter, column widths fitted to the content, number
formats by column (risk to 3 decimals, units as whole numbers, changes signed) and a
white-to-red colour scale on each risk column. Values are not touched, so text that
begins with = + - @ stays text (:mod:`defplan.workbook.output_book` writes it so).
"""

from __future__ import annotations

from defplan.workbook.output_book import OutputBook, OutputSheet, SheetLayout

RISK_FORMAT = "0.000"
UNITS_FORMAT = "0"
CHANGE_FORMAT = "+0;-0;0"
SMALL_FORMAT = "0.0000"
#: widest a column grows to (characters); longer text wraps
MAX_WIDTH = 60
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


def format_plan_workbook(book: OutputBook) -> OutputBook:
    """Formats, widths, filters and risk colour scales on every sheet; returns ``book``."""
    for sheet in book.sheets:
        layout = SheetLayout(widths=[], auto_filter=bool(sheet.rows and sheet.header))
        if sheet.title == "Summary":
            _format_summary(sheet, layout)
        else:
            _format_columns(sheet, layout)
        _fit_widths(sheet, layout)
        sheet.layout = layout
    return book


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _format_columns(sheet: OutputSheet, layout: SheetLayout) -> None:
    for c, column in enumerate(sheet.header):
        fmt = number_format(column)
        if fmt is not None:
            for r, row in enumerate(sheet.rows):
                if c < len(row) and _is_number(row[c]):
                    layout.number_formats[r, c] = fmt
        if is_risk_column(column) and sheet.rows:
            layout.colour_scales.append(c)


def _format_summary(sheet: OutputSheet, layout: SheetLayout) -> None:
    """Formats by the summary key: column "key" when there, else the first column."""
    at = sheet.header.index("key") if "key" in sheet.header else 0
    for r, row in enumerate(sheet.rows):
        value = row[1]
        if not _is_number(value):
            continue
        layout.number_formats[r, 1] = SUMMARY_FORMATS.get(
            str(row[at]), RISK_FORMAT if isinstance(value, float) else UNITS_FORMAT
        )


def _fit_widths(sheet: OutputSheet, layout: SheetLayout) -> None:
    """Each column as wide as its longest figure (risks at 3 decimals) or text, at most
    MAX_WIDTH; a column with longer text wraps it."""
    for c, column in enumerate(sheet.header):
        longest = len(column) + 4
        for row in sheet.rows:
            value = row[c] if c < len(row) else None
            if value is None:
                continue
            text = f"{value:.3f}" if isinstance(value, float) else str(value)
            longest = max(longest, len(text) + 2)
        layout.widths.append(min(longest, MAX_WIDTH))
        if longest > MAX_WIDTH:
            layout.wrapped.add(c)
