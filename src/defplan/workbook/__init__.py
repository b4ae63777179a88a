"""Read, validate and write theater workbooks (.xlsx, or a folder of CSV files).

>>> from defplan.workbook import validate
>>> report = validate("no/such/theater.xlsx")
>>> print(report.errors[0])
no/such/theater.xlsx · file not found
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defplan.attack_table import AttackTable
from defplan.errors import InputError, Problem
from defplan.scenario import (
    REQUIRED_SHEETS,
    ROW_TYPES,
    AttackRow,
    Provenance,
    Scenario,
    Settings,
)
from defplan.suggest import did_you_mean
from defplan.workbook.columnar import validate_attacks
from defplan.workbook.crosscheck import Sheets, check_all
from defplan.workbook.rows import (
    Located,
    raw_identities,
    settings_rows,
    validate_rows,
    validate_settings,
)
from defplan.workbook.sources import RawSheet, RawWorkbook, read_workbook
from defplan.workbook.write import write_csv_folder, write_xlsx

__all__ = [
    "Validation",
    "load_scenario",
    "template",
    "validate",
    "write_csv_folder",
    "write_scenario",
    "write_xlsx",
]

#: read the attacks sheet column by column (:mod:`defplan.workbook.columnar`); False
#: reads it row by row like every other sheet, the reference the columns are tested on
COLUMNAR = True
SHEET_ORDER: tuple[str, ...] = (*(t.sheet for t in ROW_TYPES), "settings")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}
#: documentation sheets a planner keeps in the workbook; read by people, not defplan
DOCUMENTATION_SHEETS = frozenset({"readme", "about", "notes", "lists", "instructions"})


@dataclass(frozen=True)
class Validation:
    """What reading a workbook found: the scenario when it is sound, and every problem."""

    source: str
    scenario: Scenario | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """Whether the theater passed: a scenario was built (warnings allowed)."""
        return self.scenario is not None

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that stop the theater from being used."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems worth a look that do not stop it."""
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def notes(self) -> tuple[Problem, ...]:
        """Information only: what was read and how."""
        return tuple(p for p in self.problems if p.severity == "note")


def validate(path: Path | str) -> Validation:
    """Read and check a theater; never raises for bad input, returns every problem.

    Parameters
    ----------
    path : path to an .xlsx workbook or a folder of ``<sheet>.csv`` files.

    Returns
    -------
    Validation
        ``scenario`` is set only when there is no error; warnings and notes do not
        stop a scenario from loading.
    """
    with _collector_paused():
        return _validate(path)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a sheet's rows are read: reading makes
    millions of small lists and no cycles, and each collection would walk them all
    (a third of the time of a million attack rows)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _validate(path: Path | str) -> Validation:
    raw = read_workbook(path)
    problems = list(raw.problems)
    if raw.kind == "none":
        return Validation(raw.label, None, tuple(problems))
    sheets = _pick_sheets(raw, problems)
    rows: dict[str, list[Located]] = {}
    failed: dict[str, set[str]] = {}
    identities: dict[str, list[tuple[int, tuple[Any, ...]]]] = {}
    files: dict[str, str] = {}
    settings = Settings()
    attacks: AttackTable | None = None
    for row_type in ROW_TYPES:
        sheet = sheets.get(row_type.sheet)
        files[row_type.sheet] = sheet.file if sheet else _file_for(raw, row_type.sheet)
        if sheet is None or sheet.frame.empty:
            continue
        if row_type is AttackRow and COLUMNAR:
            attacks, found, failed[row_type.sheet] = validate_attacks(sheet)
        else:
            rows[row_type.sheet], found, failed[row_type.sheet] = validate_rows(sheet, row_type)
        identities[row_type.sheet] = raw_identities(sheet, row_type)
        problems += found
        sheet.frame = sheet.frame.iloc[:0]  # read: a big sheet's raw cells are let go
    setting_rows: dict[str, int] = {}
    if "settings" in sheets and not sheets["settings"].frame.empty:
        files["settings"] = sheets["settings"].file
        settings, found = validate_settings(sheets["settings"])
        setting_rows = settings_rows(sheets["settings"])
        problems += found
    problems += check_all(Sheets(rows, files, settings, failed, identities, setting_rows, attacks))
    problems = _ordered(problems)
    if any(p.severity == "error" for p in problems):
        return Validation(raw.label, None, tuple(problems))
    tables: dict[str, Any] = {
        t.sheet: tuple(item.row for item in rows.get(t.sheet, [])) for t in ROW_TYPES
    }
    if attacks is not None:
        tables["attacks"] = attacks
    scenario = Scenario(
        **tables,
        settings=settings,
        provenance=Provenance(raw.label, tuple(raw.files), tuple(problems)),
    )
    return Validation(raw.label, scenario, tuple(problems))


def template(path: Path | str, *, force: bool = False) -> Path:
    """Write an empty theater workbook (what ``defplan template`` writes); returns the path.

    Every sheet, with explained headers and drop-downs. ``path`` must end in .xlsx; an
    existing file is replaced only with ``force``. Bad input raises :class:`InputError`.
    The workbook itself is drawn by :mod:`defplan.workbook.blank_template`.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise InputError([Problem(str(target), message="must end in .xlsx")])
    if target.exists() and not force:
        raise InputError(
            [Problem(str(target), message="exists already (use --force to replace it)")]
        )
    from defplan.workbook.blank_template import write_template  # the template command only

    return write_template(target)


def load_scenario(path: Path | str) -> Scenario:
    """The validated scenario of a workbook or CSV folder.

    Raises
    ------
    InputError
        holding every problem found, when there is at least one error.
    """
    report = validate(path)
    if report.scenario is None:
        raise InputError(report.problems)
    return report.scenario


def write_scenario(scenario: Scenario, target: Path | str) -> Path:
    """Write a scenario as ``target.xlsx`` or, for any other name, a CSV folder."""
    target = Path(target)
    if target.suffix.lower() == ".xlsx":
        return write_xlsx(scenario, target)
    return write_csv_folder(scenario, target)


def _file_for(raw: RawWorkbook, sheet: str) -> str:
    return f"{raw.label}/{sheet}.csv" if raw.kind == "csv" else raw.label


def _pick_sheets(raw: RawWorkbook, problems: list[Problem]) -> dict[str, RawSheet]:
    """Match the workbook's sheets to defplan's, reporting the missing and misspelt."""
    chosen: dict[str, RawSheet] = {}
    unknown: list[RawSheet] = []
    for sheet in raw.sheets:
        if sheet.name in SHEET_ORDER:
            if sheet.name in chosen:
                problems.append(
                    Problem(sheet.file, sheet.title, message=f"is a second {sheet.name} sheet")
                )
                continue
            chosen[sheet.name] = sheet
            if sheet.hidden:
                problems.append(
                    Problem(
                        sheet.file,
                        sheet.name,
                        message="is hidden in Excel; read anyway",
                        severity="note",
                    )
                )
        elif sheet.name not in DOCUMENTATION_SHEETS:
            unknown.append(sheet)
    for sheet in unknown:
        hint = did_you_mean(sheet.name, [s for s in SHEET_ORDER if s not in chosen])
        if hint:
            problems.append(
                Problem(
                    sheet.file,
                    sheet.title,
                    message=f"is not a sheet defplan reads; did you mean {hint!r}?",
                )
            )
        else:
            problems.append(
                Problem(
                    sheet.file,
                    sheet.title,
                    message="is not a sheet defplan reads; ignored",
                    severity="note",
                )
            )
    claimed = {did_you_mean(s.name, list(SHEET_ORDER)) for s in unknown}
    for name in REQUIRED_SHEETS:
        if name not in chosen and name not in claimed:
            problems.append(
                Problem(
                    _file_for(raw, name),
                    name,
                    message="required sheet is missing (bases, systems, effectiveness and "
                    "weapons are required)",
                )
            )
        elif name in chosen and chosen[name].frame.empty:
            problems.append(
                Problem(
                    chosen[name].file,
                    name,
                    message="has no rows (expected a header row and at least one row)"
                    if len(chosen[name].frame.columns)
                    else "is empty (expected a header row and at least one row)",
                )
            )
    return chosen


def _ordered(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by sheet in workbook order, row and column; duplicates dropped."""
    order = {name: i for i, name in enumerate(SHEET_ORDER)}
    unique = list(dict.fromkeys(problems))
    return sorted(
        unique,
        key=lambda p: (
            _SEVERITY_ORDER[p.severity],
            order.get(p.sheet or "", -1),
            p.row if p.row is not None else 0,
            p.column or "",
        ),
    )
