"""Writing a Scenario back out: a folder of CSV files or one .xlsx workbook.

What is written reads back as the same Scenario (`load_scenario(write(...)) == scenario`).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defplan.atomic import atomic_path, atomic_write_bytes
from defplan.fields import format_partial_date
from defplan.safe_csv import cell_text
from defplan.scenario import ROW_TYPES, AttackRow, Row, Scenario, Settings
from defplan.workbook.output_book import FIXED_STAMP, FORMULA_PREFIXES, HEADER_FILL

if TYPE_CHECKING:  # openpyxl loads when a workbook is written, not with sheet_table
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def columns_of(row_type: type[Row]) -> list[str]:
    """The sheet's columns in the order defplan writes them (aliases where set)."""
    return [
        info.alias or name for name, info in row_type.model_fields.items() if name != "notes"
    ] + ["notes"]


def _cell_values(row: Row) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, info in type(row).model_fields.items():
        data[info.alias or name] = getattr(row, name)
    if isinstance(row, AttackRow) and row.date is not None:
        data["date"] = format_partial_date(row.date, row.precision)
    data.update(row.extras)
    return data


def sheet_table(scenario: Scenario, sheet: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The header and rows of one sheet, with extra columns after the known ones."""
    row_type = next(t for t in ROW_TYPES if t.sheet == sheet)
    header = columns_of(row_type)
    rows = [_cell_values(r) for r in scenario.rows(sheet)]
    for row in rows:
        header += [c for c in row if c not in header]
    return header, rows


def settings_table(settings: Settings) -> list[dict[str, Any]]:
    """The settings that differ from the defaults, as key/value rows."""
    defaults = Settings()
    return [
        {"key": key, "value": value} for key, value in settings if value != getattr(defaults, key)
    ]


def _csv_bytes(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    """The sheet as CSV: a value holding a comma, quote or line break is quoted, and a
    column blank on every row is left out (it reads back the same; a blank last
    column on every row would hide a row shifted by an unquoted comma)."""
    cells = [[cell_text(row.get(c)) for c in header] for row in rows]
    keep = [c for c in range(len(header)) if any(line[c] for line in cells)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([header[c] for c in keep])
    writer.writerows([line[c] for c in keep] for line in cells)
    return buffer.getvalue().encode("utf-8")


def write_csv_folder(scenario: Scenario, folder: Path) -> Path:
    """Write every non-empty sheet as ``folder/<sheet>.csv`` (UTF-8), atomically."""
    with atomic_path(Path(folder)) as temp:
        temp.mkdir()
        for row_type in ROW_TYPES:
            header, rows = sheet_table(scenario, row_type.sheet)
            if rows:
                (temp / f"{row_type.sheet}.csv").write_bytes(_csv_bytes(header, rows))
        settings = settings_table(scenario.settings)
        if settings:
            (temp / "settings.csv").write_bytes(_csv_bytes(["key", "value"], settings))
    return Path(folder)


def set_cell(cell: Cell, value: Any) -> None:
    """Write a value; text that Excel would take for a formula stays text."""
    if isinstance(value, tuple | list):
        value = "; ".join(str(v) for v in value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_header(sheet: Any, header: list[str]) -> None:
    """Bold, shaded, frozen header row with columns wide enough to read."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append(header)
    for index, name in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL.removeprefix("#"))
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(name) + 4)
    sheet.freeze_panes = "A2"


def write_xlsx(scenario: Scenario, path: Path) -> Path:
    """Write the scenario as one workbook, a sheet per non-empty table, atomically."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for row_type in ROW_TYPES:
        header, rows = sheet_table(scenario, row_type.sheet)
        if not rows and row_type.sheet not in ("bases", "systems", "effectiveness", "weapons"):
            continue
        sheet = book.create_sheet(row_type.sheet)
        write_header(sheet, header)
        for r, row in enumerate(rows, start=2):
            for c, column in enumerate(header, start=1):
                set_cell(sheet.cell(row=r, column=c), row.get(column))
    settings = settings_table(scenario.settings)
    if settings:
        sheet = book.create_sheet("settings")
        write_header(sheet, ["key", "value"])
        for r, row in enumerate(settings, start=2):
            set_cell(sheet.cell(row=r, column=1), row["key"])
            set_cell(sheet.cell(row=r, column=2), row["value"])
    save_workbook(book, Path(path))
    return Path(path)


def save_workbook(book: Workbook, path: Path) -> None:
    """Save atomically, byte-identical for the same content.

    openpyxl stamps the save time into docProps/core.xml ("modified") and into every
    zip entry, so the archive is rewritten with those stamps fixed.
    """
    book.properties.created = FIXED_STAMP
    book.properties.creator = "defplan"
    buffer = io.BytesIO()
    book.save(buffer)
    stamp = FIXED_STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_STAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)
    atomic_write_bytes(path, out.getvalue())
