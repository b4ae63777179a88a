"""An empty theater workbook a planner can fill in: every sheet, explained headers,
drop-downs for the enumerations and range checks on the numbers."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic.fields import FieldInfo

from defplan.scenario import REQUIRED_SHEETS, ROW_TYPES, Row, Settings
from defplan.workbook.rows import column_names, field_limits
from defplan.workbook.write import columns_of, save_workbook, set_cell, write_header

#: rows the drop-downs and range checks cover
TEMPLATE_ROWS = 1000

SHEET_PURPOSE = {
    "bases": "one row per base or site",
    "systems": "one row per defensive system type",
    "effectiveness": "one row per system and weapon class it engages",
    "weapons": "one row per threat class",
    "threat_zones": "one row per hostile area attacks may come from (optional)",
    "attacks": "one row per recorded attack (optional; defplan extract proposes them)",
    "deployed": "where units are now (optional)",
    "rules": "the planner's hard rules (optional)",
    "options": "consolidation and repositioning options to score (optional)",
    "routes": "measured distances between bases (optional)",
    "completeness": "share of attacks that reached the record, per period (optional)",
    "assumptions": "every assumed value and why (optional, documentation)",
    "settings": "model knobs as key / value (optional; blank value = default)",
}


def _kinds(annotation: Any) -> list[Any]:
    """The annotation and its members (``X | None``), each stripped of ``Annotated``."""
    found = []
    for arg in (annotation, *typing.get_args(annotation)):
        while typing.get_origin(arg) is Annotated:
            arg = typing.get_args(arg)[0]
        found.append(arg)
    return found


def _choices(info: FieldInfo) -> tuple[str, ...]:
    """The allowed words of an enumeration field, or () for any other field."""
    for arg in _kinds(info.annotation):
        if typing.get_origin(arg) is Literal:
            return tuple(str(a) for a in typing.get_args(arg))
    return ()


def _is_whole(info: FieldInfo) -> bool:
    return any(arg is int for arg in _kinds(info.annotation))


#: Columns that name a row of another sheet, and where that sheet's ids are.
ID_LISTS = {
    "weapon": "weapons",
    "system_id": "systems",
    "base_id": "bases",
    "from_base_id": "bases",
    "to_base_id": "bases",
}


def _numeric_validation(info: FieldInfo) -> DataValidation | None:
    limits = field_limits(info)
    low, high = limits.low, limits.high
    if low is None and high is None:
        return None
    whole = _is_whole(info)
    kind: Literal["whole", "decimal"] = "whole" if whole else "decimal"
    if high is None:
        rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low))
        expected = f"{low} or more"
    elif low is None:
        rule = DataValidation(type=kind, operator="lessThanOrEqual", formula1=str(high))
        expected = f"{high} or less"
    else:
        rule = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high))
        expected = f"{low} to {high}"
    rule.error = f"Expected {'a whole number' if whole else 'a number'}, {expected}"
    rule.errorTitle = "defplan"
    rule.allow_blank = True
    return rule


def _add_validations(sheet: Any, row_type: type[Row], header: list[str]) -> None:
    fields = column_names(row_type)
    for index, column in enumerate(header, start=1):
        info = row_type.model_fields[fields[column]]
        cells = f"{get_column_letter(index)}2:{get_column_letter(index)}{TEMPLATE_ROWS}"
        choices = _choices(info)
        rule: DataValidation | None
        if choices:
            rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"')
            rule.error = f"Expected one of {', '.join(choices)}"
            rule.allow_blank = True
        elif column in ID_LISTS and row_type.sheet != ID_LISTS[column]:
            source = ID_LISTS[column]
            rule = DataValidation(type="list", formula1=f"={source}!$A$2:$A${TEMPLATE_ROWS}")
            rule.error = f"Expected an id from the {source} sheet"
            rule.allow_blank = True
        else:
            rule = _numeric_validation(info)
        if rule is not None:
            sheet.add_data_validation(rule)
            rule.add(cells)


def build_template() -> Workbook:
    """The empty theater workbook, in memory."""
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = "readme"
    guide.append(["defplan theater workbook"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append(["Fill in one sheet per table; hover over a header for what it holds."])
    guide.append(["Check it with: defplan validate THIS_FILE.xlsx"])
    guide.append([])
    guide.append(["sheet", "required", "what one row is"])
    for cell in guide[5]:
        cell.font = Font(bold=True)
    for name, purpose in SHEET_PURPOSE.items():
        guide.append([name, "yes" if name in REQUIRED_SHEETS else "no", purpose])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["C"].width = 70
    for row_type in ROW_TYPES:
        sheet = book.create_sheet(row_type.sheet)
        header = columns_of(row_type)
        write_header(sheet, header)
        for index, column in enumerate(header, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.comment = Comment(row_type.help.get(column, ""), "defplan", width=300, height=80)
            width = max(12, min(40, len(row_type.help.get(column, "")) // 2))
            sheet.column_dimensions[get_column_letter(index)].width = width
        _add_validations(sheet, row_type, header)
    _settings_sheet(book)
    return book


def _settings_sheet(book: Workbook) -> None:
    sheet = book.create_sheet("settings")
    write_header(sheet, ["key", "value", "default", "meaning"])
    for r, (key, info) in enumerate(Settings.model_fields.items(), start=2):
        set_cell(sheet.cell(row=r, column=1), key)
        set_cell(sheet.cell(row=r, column=3), "" if info.default is None else str(info.default))
        set_cell(sheet.cell(row=r, column=4), info.description or "")
        sheet.cell(row=r, column=4).alignment = Alignment(wrap_text=False)
    for letter, width in (("A", 24), ("B", 14), ("C", 14), ("D", 70)):
        sheet.column_dimensions[letter].width = width


def write_template(path: Path | str) -> Path:
    """Write the empty theater workbook to ``path`` (atomically)."""
    save_workbook(build_template(), Path(path))
    return Path(path)
