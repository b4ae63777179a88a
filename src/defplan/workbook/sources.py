"""Reading raw sheets from an .xlsx workbook or a folder of CSV files, safely.

This layer knows files, not meaning: it returns each sheet as a pandas DataFrame of
raw cell values indexed by the row number Excel shows, plus the problems that stop a
file from being read at all (missing, too big, not a workbook, an XML entity bomb).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pandas as pd

from defplan.errors import Problem
from defplan.scenario import SourceFile
from defplan.workbook.csv_file import (
    decode_csv,
    read_csv_grid,
    text_cell_problem,
    text_may_be_bad,
)
from defplan.workbook.plain_xlsx import plain_sheets

#: a workbook or CSV file above this size is refused (a theater is kilobytes)
MAX_FILE_BYTES = 50 * 1024 * 1024
#: the unpacked parts of a workbook may not add up to more than this (zip bombs)
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
#: one part (a sheet, the shared strings) may not unpack to more than this: a sheet of
#: a theater is a few MiB; a bigger one would fill the memory before its rows are counted
MAX_PART_BYTES = 128 * 1024 * 1024
#: the most rows an Excel sheet holds; a sheet (or CSV file) with more is refused
MAX_ROWS = 1_048_576
MAX_ZIP_MEMBERS = 5_000
DAMAGED = "is damaged, or not a workbook Excel saved (open it in Excel and save it again)"
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
    indexed by the Excel row number; blank rows are already dropped. ``bad_cells``
    holds, per (row, column), why a cell's value cannot be used (a formula never
    computed, a value copied from another workbook, text Excel cannot hold).
    """

    file: str
    name: str
    title: str
    frame: pd.DataFrame
    header_row: int
    hidden: bool = False
    bad_cells: dict[tuple[int, str], str] = field(default_factory=dict)
    #: Excel rows reported already as unreadable (a CSV row of the wrong width): their
    #: cells are not validated, and their id is known but not valid
    unread: set[int] = field(default_factory=set)


@dataclass
class RawWorkbook:
    """A workbook or CSV folder as read, before validation: its sheets, files and
    the problems met while reading."""

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
    if size == 0:
        return _refused(label, "is empty (0 bytes; expected an Excel workbook)")
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
        return f"is not an Excel workbook ({_looks_like(data)}; open it in Excel, save as .xlsx)"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                return f"holds {len(members)} parts (refused: not a plain workbook)"
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_UNPACKED_BYTES:
                return f"unpacks to {unpacked / 2**20:.0f} MiB (refused: limit 400 MiB)"
            biggest = max(members, key=lambda m: m.file_size, default=None)
            if biggest is not None and biggest.file_size > MAX_PART_BYTES:
                return (
                    f"part {biggest.filename} unpacks to {biggest.file_size / 2**20:.0f} MiB "
                    f"(refused: a part may unpack to at most {MAX_PART_BYTES // 2**20} MiB, "
                    f"and a sheet hold at most {MAX_ROWS:,} rows)"
                )
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
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error):
        return DAMAGED
    return None


def _looks_like(data: bytes) -> str:
    """What a file that is not a workbook seems to be, in a planner's words."""
    head = data[:4096]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old-format .xls file or a protected workbook"
    if head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        return "it is XML or HTML text"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "its bytes are not those of an .xlsx file"
    return "it is text, perhaps a CSV file" if "," in text or ";" in text else "it is text"


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
    digest = hashlib.sha256(data).hexdigest()
    links = _external_links(data)
    plain = plain_sheets(data)
    if plain is None:
        return _read_xlsx_openpyxl(data, label, digest, links)
    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    for found in plain:  # read fast, to the cells openpyxl reads (no formula: twice the same)
        pairs = ((row, row) for row in found.rows)
        sheet, refusal = _sheet_from_rows(label, found.title, pairs, found.hidden, links)
        problems += refusal
        sheets.append(sheet)
    return _xlsx_read(label, digest, links, sheets, problems)


def _xlsx_read(
    label: str,
    digest: str,
    links: dict[int, str],
    sheets: list[RawSheet],
    problems: list[Problem],
) -> RawWorkbook:
    if links and not any(s.bad_cells for s in sheets):
        problems.append(_unused_links_note(label, links))
    return RawWorkbook(label, "xlsx", sheets, [SourceFile(label, digest)], problems)


def _read_xlsx_openpyxl(data: bytes, label: str, digest: str, links: dict[int, str]) -> RawWorkbook:
    """Any workbook, formulas and all, through openpyxl (read-only, streamed)."""
    from openpyxl import load_workbook  # deferred: openpyxl import costs ~0.2 s

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            # without a formula anywhere, both reads give the same cells: read once
            formulas = (
                load_workbook(io.BytesIO(data), read_only=True, data_only=False)
                if _may_hold_formulas(data)
                else values
            )
    except Exception:  # openpyxl raises many types for damaged files
        return _refused(label, DAMAGED)
    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    try:
        for title in values.sheetnames:
            value_sheet, formula_sheet = values[title], formulas[title]
            if not hasattr(value_sheet, "iter_rows"):
                continue  # a chart sheet holds no cells
            hidden = getattr(value_sheet, "sheet_state", "visible") != "visible"
            rows = _cell_pairs(value_sheet, formula_sheet)
            sheet, refusal = _sheet_from_rows(label, title, rows, hidden, links)
            problems += refusal
            sheets.append(sheet)
    except Exception:  # a part damaged past the first look, found while streaming it
        return _refused(label, DAMAGED)
    finally:
        values.close()
        if formulas is not values:
            formulas.close()
    return _xlsx_read(label, digest, links, sheets, problems)


#: an XML element named ``f`` in any namespace: a cell's formula (``<f>``, ``<x:f …>``)
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _may_hold_formulas(data: bytes) -> bool:
    """Whether any XML part of the workbook holds an ``f`` element; True when in doubt.

    Text in XML is escaped, so ``<f`` is always a tag. Other parts (a chart's ``<c:f>``)
    count too: then the formulas are read as before.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.endswith(".xml") and _part_has_formula(archive, name):
                    return True
    except Exception:  # damaged: the full read finds it and says so
        return True
    return False


def _part_has_formula(archive: zipfile.ZipFile, name: str) -> bool:
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _cell_pairs(value_sheet: Any, formula_sheet: Any) -> Iterator[tuple[Sequence[Any], Any]]:
    """(values, formulas) of every row, read to the sheet's real end.

    A sheet's ``<dimension>`` tag can understate its extent (tools other than Excel
    write it wrong); openpyxl's read-only mode would stop there, so it is ignored.
    Without formulas the two sheets are one: its rows are read once and given twice.
    """
    value_sheet.reset_dimensions()
    if formula_sheet is value_sheet:
        return ((row, row) for row in value_sheet.iter_rows(values_only=True))
    formula_sheet.reset_dimensions()
    return zip(
        value_sheet.iter_rows(values_only=True),
        formula_sheet.iter_rows(values_only=True),
        strict=True,
    )


def _external_links(data: bytes) -> dict[int, str]:
    """External workbook links by their number in formulas (``[1]``) → the linked file."""
    found: dict[int, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            match = re.fullmatch(r"xl/externalLinks/_rels/externalLink(\d+)\.xml\.rels", name)
            if match is None:
                continue
            target = re.search(rb'Target="([^"]*)"', archive.read(name))
            text = target.group(1).decode("utf-8", "replace") if target else "?"
            found[int(match.group(1))] = unquote(text).removeprefix("file:///")
    return found


def _unused_links_note(label: str, links: dict[int, str]) -> Problem:
    files = ", ".join(repr(v) for _, v in sorted(links.items()))
    return Problem(
        label,
        message=f"links to another workbook ({files}); no cell defplan reads takes a value "
        "from it, so the link is ignored",
        severity="note",
    )


def _link_problem(formula: str, value: Any, links: dict[int, str]) -> str | None:
    """The message for a cell whose value was copied from another workbook, or None."""
    match = _LINK.search(formula)
    if match is None:
        return None
    linked = links.get(int(match.group(1)), "another workbook")
    return (
        f"{_shown(value)} is a value saved from {linked!r} (formula {formula}); defplan reads "
        "this file alone, so type the value in (or paste it as values)"
    )


_LINK = re.compile(r"\[(\d+)\]")


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return "blank" if value is None else str(value)


@dataclass
class _SheetBuilder:
    """A sheet's rows gathered one at a time, the header first (blank rows dropped)."""

    label: str
    title: str
    links: dict[int, str]
    header: list[str] | None = None
    raw_header: list[Any] = field(default_factory=list)
    header_row: int = 0
    records: list[list[Any]] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    bad_cells: dict[tuple[int, str], str] = field(default_factory=dict)
    #: False when the whole file is known to hold no text a cell may not (a CSV file
    #: without control characters or long lines): the cells need no check one by one
    check_text: bool = True
    #: True when every cell is text (a CSV file): cleaning is stripping, nothing more
    text_only: bool = False

    def add(self, number: int, values: Sequence[Any], formulas: Sequence[Any] | None) -> None:
        if self.header is None:
            if any(not _is_blank(v) for v in values):
                self.raw_header = list(values)
                self.header = [
                    normalize_name(str(v)) if not _is_blank(v) else f"column_{i + 1}"
                    for i, v in enumerate(values)
                ]
                self.header_row = number
            return
        width = len(self.header)
        if self.text_only:  # a CSV record: every cell is text
            row = [v.strip() or None for v in values[:width]]
        else:
            row = [_clean_cell(v) for v in values[:width]]
        row += [None] * (width - len(row))
        if all(v is None for v in row) and all(_is_blank(v) for v in values[width:]):
            return
        self.records.append(row)
        self.index.append(number)
        if self.check_text or formulas is not None:
            self._check_cells(number, row, formulas)

    def add_text(self, rows: list[list[str]]) -> None:
        """Every record of a CSV file with no cell to check one by one: what :meth:`add`
        does with each, in one loop (a million rows), letting each record go once read."""
        first = 0
        while first < len(rows) and self.header is None:
            self.add(first + 1, rows[first], None)
            rows[first] = []
            first += 1
        if self.header is None:
            return
        width = len(self.header)
        records, index = self.records, self.index
        for number in range(first, len(rows)):
            values = rows[number]
            rows[number] = []
            row = [v.strip() or None for v in values[:width]]
            if len(row) < width:
                row += [None] * (width - len(row))
            blank = row[0] is None and all(v is None for v in row)
            if blank and all(not v.strip() for v in values[width:]):
                continue
            records.append(row)
            index.append(number + 1)

    def _check_cells(self, number: int, row: list[Any], formulas: Sequence[Any] | None) -> None:
        assert self.header is not None
        for c, value in enumerate(row):
            problem = text_cell_problem(value) if isinstance(value, str) else None
            formula = formulas[c] if formulas is not None and c < len(formulas) else None
            if isinstance(formula, str) and formula.startswith("="):
                problem = problem or _formula_problem(formula, value, self.links)
            if problem:
                self.bad_cells[(number, self.header[c])] = problem

    def sheet(self, hidden: bool) -> RawSheet:
        if self.header is None:
            name = normalize_name(self.title)
            return RawSheet(self.label, name, self.title, pd.DataFrame(), 0, hidden)
        width = len(self.header)
        # columns with neither a header nor a value are padding, not data
        keep = [
            c
            for c in range(width)
            if not _is_blank(self.raw_header[c]) or any(rec[c] is not None for rec in self.records)
        ]
        frame = pd.DataFrame(
            [[rec[c] for c in keep] for rec in self.records]
            if keep != list(range(width))
            else self.records,
            columns=pd.Index([self.header[c] for c in keep], dtype=object),
            index=pd.Index(self.index, dtype="int64"),
            dtype=object,
        )
        name = normalize_name(self.title)
        return RawSheet(
            self.label, name, self.title, frame, self.header_row, hidden, self.bad_cells
        )


def _formula_problem(formula: str, value: Any, links: dict[int, str]) -> str | None:
    if value is None:
        return (
            f"formula {formula} has no saved value (open and save the workbook in "
            "Excel so its values are computed)"
        )
    return _link_problem(formula, value, links)


def _sheet_from_rows(
    label: str,
    title: str,
    rows: Iterable[tuple[Sequence[Any], Sequence[Any] | None]],
    hidden: bool,
    links: dict[int, str] | None = None,
    check_text: bool = True,
    text_only: bool = False,
) -> tuple[RawSheet, list[Problem]]:
    """The first non-blank row is the header; later blank rows are dropped.

    More rows than Excel allows refuse the sheet, before they fill the memory.
    """
    builder = _SheetBuilder(label, title, links or {}, check_text=check_text, text_only=text_only)
    for number, (values, formulas) in enumerate(rows, start=1):
        if number > MAX_ROWS:
            empty = RawSheet(label, normalize_name(title), title, pd.DataFrame(), 0, hidden)
            return empty, [
                Problem(
                    label,
                    title,
                    message=f"has more than {MAX_ROWS:,} rows (refused: the most an Excel "
                    "sheet holds)",
                )
            ]
        builder.add(number, values, formulas)
    return builder.sheet(hidden), []


def _clean_cell(value: Any) -> Any:
    """Strip text, turn blank text into ``None``; numbers, dates and errors pass."""
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _taken(rows: list[list[str]]) -> Iterator[tuple[list[str], None]]:
    """Each row once, let go as it is taken (a big sheet is not held twice)."""
    rows.reverse()
    while rows:
        yield rows.pop(), None


def _read_csv_folder(folder: Path, label: str) -> RawWorkbook:
    sheets: list[RawSheet] = []
    files: list[SourceFile] = []
    problems: list[Problem] = []
    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not paths:
        return _refused(
            label,
            "holds no .csv files (expected a theater: bases.csv, systems.csv, "
            "effectiveness.csv and weapons.csv at least)",
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
        text, problem = decode_csv(data, file_label)
        if problem:
            problems.append(problem)
            if problem.severity == "error":
                continue
        grid = read_csv_grid(text, file_label, normalize_name(path.stem))
        problems += grid.problems
        refusal: list[Problem] = []
        if not text_may_be_bad(text) and len(grid.rows) <= MAX_ROWS:
            builder = _SheetBuilder(file_label, path.stem, {}, check_text=False, text_only=True)
            builder.add_text(grid.rows)
            sheet = builder.sheet(False)
        else:
            sheet, refusal = _sheet_from_rows(
                file_label,
                path.stem,
                _taken(grid.rows),
                False,
                check_text=text_may_be_bad(text),
                text_only=True,
            )
        problems += refusal
        sheet.unread = grid.unread
        sheets.append(sheet)
    return RawWorkbook(label, "csv", sheets, files, problems)
