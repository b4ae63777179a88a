"""Reading raw sheets from an .xlsx workbook or a folder of CSV files, safely.

This layer knows files, not meaning: it returns each sheet as a pandas DataFrame of
raw cell values indexed by the row number Excel shows, plus the problems that stop a
file from being read at all (missing, too big, not a workbook, an XML entity bomb).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from defplan.errors import Problem
from defplan.safe_csv import unescape_cell
from defplan.scenario import SourceFile

#: a workbook or CSV file above this size is refused (a theater is kilobytes)
MAX_FILE_BYTES = 50 * 1024 * 1024
#: the unpacked parts of a workbook may not add up to more than this (zip bombs)
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)


def normalize_name(text: str) -> str:
    """A header or sheet name as defplan spells it: ``'Range (km)'`` → ``'range_km'``."""
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


@dataclass
class RawSheet:
    """One sheet's cells before validation.

    ``frame`` has one column per header (normalized names, in sheet order) and is
    indexed by the Excel row number; blank rows are already dropped. ``formulas``
    holds, per (row, column), the formula of a cell whose value was never computed.
    """

    file: str
    name: str
    title: str
    frame: pd.DataFrame
    header_row: int
    hidden: bool = False
    formulas: dict[tuple[int, str], str] = field(default_factory=dict)
    #: Excel rows reported already as unreadable (a CSV row of the wrong width): their
    #: cells are not validated, and their id is known but not valid
    unread: set[int] = field(default_factory=set)


@dataclass
class RawWorkbook:
    label: str
    kind: str  # "xlsx" or "csv"
    sheets: list[RawSheet]
    files: list[SourceFile]
    problems: list[Problem]


def read_workbook(path: Path | str) -> RawWorkbook:
    """Read every sheet of an .xlsx file or every ``<sheet>.csv`` in a folder."""
    path = Path(path)
    label = str(path)
    if not path.exists():
        return _refused(label, "file not found")
    if path.is_dir():
        return _read_csv_folder(path, label)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _refused(
            label,
            "is a single CSV file (expected an .xlsx workbook, or a folder holding "
            "bases.csv, systems.csv, effectiveness.csv, weapons.csv …)",
        )
    if suffix == ".xls":
        return _refused(label, "is an old-format .xls workbook (save it as .xlsx in Excel)")
    if suffix == ".ods":
        return _refused(label, "is an OpenDocument spreadsheet (save it as .xlsx)")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return _refused(label, f"is {size / 2**20:.0f} MiB (refused: the limit is 50 MiB)")
    data = path.read_bytes()
    refusal = _unsafe_zip_reason(data)
    if refusal:
        return _refused(label, refusal)
    return _read_xlsx(data, label)


def _refused(label: str, message: str) -> RawWorkbook:
    return RawWorkbook(label, "none", [], [], [Problem(file=label, message=message)])


def _unsafe_zip_reason(data: bytes) -> str | None:
    """Why these bytes must not be parsed as a workbook, or ``None`` when they may."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return "is not an Excel workbook (an .xlsx file is a zip archive; this is not one)"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                return f"holds {len(members)} parts (refused: not a plain workbook)"
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_UNPACKED_BYTES:
                return f"unpacks to {unpacked / 2**20:.0f} MiB (refused: limit 400 MiB)"
            names = {m.filename for m in members}
            if "xl/workbook.xml" not in names:
                return "is a zip archive but not an Excel workbook (no xl/workbook.xml)"
            for member in members:
                if member.filename.endswith((".xml", ".rels")) and _declares_doctype(
                    archive, member
                ):
                    return (
                        f"part {member.filename} declares an XML document type or entity "
                        "(refused for safety: Excel never writes one)"
                    )
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        return f"is a damaged workbook ({exc})"
    return None


def _declares_doctype(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 16):
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return True
            tail = window[-16:]
    return False


def _read_xlsx(data: bytes, label: str) -> RawWorkbook:
    from openpyxl import load_workbook  # deferred: openpyxl import costs ~0.2 s

    digest = hashlib.sha256(data).hexdigest()
    problems: list[Problem] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        return _refused(label, f"could not be read as a workbook ({type(exc).__name__}: {exc})")
    sheets: list[RawSheet] = []
    for title in values.sheetnames:
        value_sheet = values[title]
        formula_sheet = formulas[title]
        if not hasattr(value_sheet, "iter_rows"):
            continue  # a chart sheet holds no cells
        grid = [list(r) for r in value_sheet.iter_rows(values_only=True)]
        formula_grid = [list(r) for r in formula_sheet.iter_rows(values_only=True)]
        hidden = getattr(value_sheet, "sheet_state", "visible") != "visible"
        sheet = _sheet_from_grid(label, title, grid, hidden)
        if sheet is None:
            sheets.append(_empty_sheet(label, title, hidden))
            continue
        _note_missing_formula_values(sheet, grid, formula_grid)
        sheets.append(sheet)
    values.close()
    formulas.close()
    return RawWorkbook(label, "xlsx", sheets, [SourceFile(label, digest)], problems)


def _note_missing_formula_values(
    sheet: RawSheet, grid: list[list[Any]], formula_grid: list[list[Any]]
) -> None:
    """Remember formula cells that have no saved value (never opened in Excel)."""
    columns = list(sheet.frame.columns)
    for excel_row in sheet.frame.index:
        r = int(excel_row) - 1
        for c, column in enumerate(columns):
            if r >= len(grid) or c >= len(grid[r]) or grid[r][c] is not None:
                continue
            if r < len(formula_grid) and c < len(formula_grid[r]):
                text = formula_grid[r][c]
                if isinstance(text, str) and text.startswith("="):
                    sheet.formulas[(int(excel_row), column)] = text


def _empty_sheet(label: str, title: str, hidden: bool) -> RawSheet:
    return RawSheet(label, normalize_name(title), title, pd.DataFrame(), 0, hidden)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet_from_grid(
    label: str, title: str, grid: list[list[Any]], hidden: bool
) -> RawSheet | None:
    """The first non-blank row is the header; later blank rows are dropped."""
    header_index = next(
        (i for i, row in enumerate(grid) if any(not _is_blank(v) for v in row)), None
    )
    if header_index is None:
        return None
    raw_header = grid[header_index]
    header = [
        normalize_name(str(v)) if not _is_blank(v) else f"column_{i + 1}"
        for i, v in enumerate(raw_header)
    ]
    width = len(header)
    records: list[list[Any]] = []
    index: list[int] = []
    for i in range(header_index + 1, len(grid)):
        row = [_clean_cell(v) for v in grid[i][:width]]
        row += [None] * (width - len(row))
        overflow = [v for v in grid[i][width:] if not _is_blank(v)]
        if all(v is None for v in row) and not overflow:
            continue
        records.append(row)
        index.append(i + 1)
    # columns with neither a header nor a value are padding, not data
    keep = [
        c
        for c in range(width)
        if not _is_blank(raw_header[c]) or any(rec[c] is not None for rec in records)
    ]
    frame = pd.DataFrame(
        [[rec[c] for c in keep] for rec in records],
        columns=pd.Index([header[c] for c in keep], dtype=object),
        index=pd.Index(index, dtype="int64"),
        dtype=object,
    )
    return RawSheet(label, normalize_name(title), title, frame, header_index + 1, hidden)


def _clean_cell(value: Any) -> Any:
    """Strip text, turn blank text into ``None``; numbers, dates and errors pass."""
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def _read_csv_folder(folder: Path, label: str) -> RawWorkbook:
    sheets: list[RawSheet] = []
    files: list[SourceFile] = []
    problems: list[Problem] = []
    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not paths:
        problems.append(
            Problem(
                file=label,
                message="holds no .csv files (expected bases.csv, systems.csv, "
                "effectiveness.csv, weapons.csv …)",
            )
        )
    for path in paths:
        file_label = str(folder / path.name)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(
                Problem(file=file_label, message=f"is {size / 2**20:.0f} MiB (limit 50 MiB)")
            )
            continue
        data = path.read_bytes()
        files.append(SourceFile(file_label, hashlib.sha256(data).hexdigest()))
        text, problem = _decode_csv(data, file_label)
        if problem:
            problems.append(problem)
            if problem.severity == "error":
                continue
        # the quote defplan's writer puts before text Excel would compute (safe_csv)
        grid = [[unescape_cell(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""))]
        ragged = _ragged_rows(file_label, normalize_name(path.stem), grid)
        problems += ragged
        sheet = _sheet_from_grid(file_label, path.stem, grid, hidden=False)
        if sheet is not None:
            sheet.unread = {p.row for p in ragged if p.row is not None}
        sheets.append(sheet if sheet is not None else _empty_sheet(file_label, path.stem, False))
    return RawWorkbook(label, "csv", sheets, files, problems)


def _ragged_rows(label: str, sheet: str, grid: list[list[Any]]) -> list[Problem]:
    """Report CSV rows with more or fewer cells than the header (they are not read).

    An unquoted comma in a name splits one cell in two and shifts every later cell a
    column to the right; reading such a row would blame the wrong columns, or none.
    Trailing empty cells (padding Excel writes) do not count.
    """
    header_index = next(
        (i for i, row in enumerate(grid) if any(not _is_blank(v) for v in row)), None
    )
    if header_index is None:
        return []
    width = _filled_width(grid[header_index])
    problems: list[Problem] = []
    for i in range(header_index + 1, len(grid)):
        row = grid[i]
        if all(_is_blank(v) for v in row):
            continue
        cells = max(_filled_width(row), min(len(row), width))
        if cells == width:
            continue
        why = (
            "a comma inside a value must be quoted"
            if cells > width
            else "every row needs one cell per column; a blank cell still needs its comma"
        )
        problems.append(
            Problem(
                label,
                sheet,
                i + 1,
                message=f"has {cells} cells, the header has {width} ({why}); row not read",
            )
        )
    return problems


def _filled_width(row: list[Any]) -> int:
    """Cells up to and including the last one that is not blank."""
    return next((n for n in range(len(row), 0, -1) if not _is_blank(row[n - 1])), 0)


def _decode_csv(data: bytes, label: str) -> tuple[str, Problem | None]:
    if b"\x00" in data[:4096]:
        return "", Problem(file=label, message="is a binary file, not a CSV text file")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return "", Problem(file=label, message="is not UTF-8 text (save it as CSV UTF-8)")
    return text, Problem(
        file=label,
        message="is not UTF-8; read as Windows-1252 (save as CSV UTF-8 to be sure of accents)",
        severity="warning",
    )
