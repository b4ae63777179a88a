"""Corrupt a valid theater in many ways: every problem is found where it was made.

The property: whatever mix of wrong types, blanks, out-of-range values, unknown ids,
deleted or misspelt columns and duplicate rows a planner introduces, ``defplan
validate`` exits with code 2 and no traceback, reports each problem at its sheet,
row and column, and leaves the input files byte-identical.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
import typing
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from typer.testing import CliRunner

from defplan.cli import app
from defplan.scenario import ROW_TYPES, Row
from defplan.workbook import validate, write_csv_folder
from defplan.workbook.rows import column_names, identity_columns
from full_theater import full_theater

MODELS = {t.sheet: t for t in ROW_TYPES}
REFERENCES = {
    "effectiveness": ("system_id", "weapon"),
    "threat_zones": ("weapons",),
    "attacks": ("base_id", "weapon"),
    "deployed": ("base_id", "system_id"),
    "rules": ("base_id", "system_id"),
    "options": ("base_id", "to_base_id", "system_id"),
    "routes": ("from_base", "to_base"),
}
CELL_KINDS = ("wrong_type", "blank_required", "out_of_range", "unknown_id")
COLUMN_KINDS = ("delete_column", "misspell_column")
runner = CliRunner()


def _pristine_tables() -> dict[str, list[list[str]]]:
    folder = Path(tempfile.mkdtemp()) / "t"
    write_csv_folder(full_theater(), folder)
    return {
        p.stem: list(csv.reader(p.open(newline="", encoding="utf-8")))
        for p in sorted(folder.glob("*.csv"))
        if p.stem in MODELS
    }


PRISTINE = _pristine_tables()


def _field(sheet: str, column: str) -> typing.Any:
    model: type[Row] = MODELS[sheet]
    return model.model_fields[column_names(model)[column]]


def _bounds(sheet: str, column: str) -> tuple[float | None, float | None]:
    low = high = None
    for meta in _field(sheet, column).metadata:
        for attr in ("ge", "gt"):
            if getattr(meta, attr, None) is not None:
                low = getattr(meta, attr)
        if getattr(meta, "le", None) is not None:
            high = meta.le
    return low, high


def _is_number(sheet: str, column: str) -> bool:
    annotation = _field(sheet, column).annotation
    return annotation in (int, float) or set(typing.get_args(annotation)) in (
        {int, type(None)},
        {float, type(None)},
    )


def candidates(sheet: str, kind: str) -> list[str]:
    header = PRISTINE[sheet][0]
    known = [c for c in header if c in column_names(MODELS[sheet])]
    if kind == "wrong_type":
        return [c for c in known if _is_number(sheet, c)]
    if kind in ("blank_required", "delete_column"):
        return [c for c in known if _field(sheet, c).is_required()]
    if kind == "out_of_range":
        return [c for c in known if _is_number(sheet, c) and _bounds(sheet, c) != (None, None)]
    if kind == "unknown_id":
        return [c for c in REFERENCES.get(sheet, ()) if c in known]
    return known  # misspell_column


@dataclass(frozen=True)
class Corruption:
    kind: str
    sheet: str
    column: str
    row: int  # Excel row (header = 1)


@st.composite
def corruptions(draw: st.DrawFn) -> list[Corruption]:
    picked: list[Corruption] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from((*CELL_KINDS, *COLUMN_KINDS, "duplicate_row")))
        sheets = [s for s in PRISTINE if kind == "duplicate_row" or candidates(s, kind)]
        if kind == "duplicate_row":
            sheets = [s for s in sheets if MODELS[s].key or s == "rules"]
        sheet = draw(st.sampled_from(sorted(sheets)))
        rows = len(PRISTINE[sheet]) - 1
        row = draw(st.integers(2, rows + 1))
        column = "" if kind == "duplicate_row" else draw(st.sampled_from(candidates(sheet, kind)))
        picked.append(Corruption(kind, sheet, column, row))
    return picked


def apply(tables: dict[str, list[list[str]]], plan: list[Corruption]) -> set[tuple[str, int, str]]:
    """Corrupt the tables in place; return the (sheet, row, column) each must be reported at."""
    expected: dict[Corruption, tuple[str, int, str]] = {}
    for c in sorted(plan, key=lambda c: c.kind != "duplicate_row"):  # copies of clean rows first
        table = tables[c.sheet]
        if c.kind == "duplicate_row":
            table.append(list(table[c.row - 1]))
            column = MODELS[c.sheet].key[-1] if MODELS[c.sheet].key else "kind"
            expected[c] = (c.sheet, len(table), column)
            continue
        if c.kind in COLUMN_KINDS:
            continue
        index = table[0].index(c.column)
        if c.kind == "wrong_type":
            value = "not-a-number"
        elif c.kind == "blank_required":
            value = ""
        elif c.kind == "out_of_range":
            low, high = _bounds(c.sheet, c.column)
            value = str(low - 1) if low is not None else str((high or 0) + 1)
        else:
            value = "zz_unknown"
        table[c.row - 1][index] = value
        expected[c] = (c.sheet, c.row, c.column)
    for c in plan:
        if c.kind not in COLUMN_KINDS or c.column not in tables[c.sheet][0]:
            continue
        table = tables[c.sheet]
        index = table[0].index(c.column)
        if c.kind == "delete_column":
            for line in table:
                del line[index]
            expected[c] = (c.sheet, 1, c.column)
        else:
            misspelt = c.column + c.column[-1]
            table[0][index] = misspelt
            expected[c] = (c.sheet, 1, misspelt)
    return _drop_masked(plan, expected)


def _drop_masked(
    plan: list[Corruption], expected: dict[Corruption, tuple[str, int, str]]
) -> set[tuple[str, int, str]]:
    """Leave out expectations another corruption legitimately hides.

    A cell in a deleted or renamed column is never read; an unknown id is only looked
    up on rows whose cells are all valid, against sheets that kept their required
    columns. A duplicate is found from the raw ids whatever else is wrong in either
    row, unless an id cell itself was changed (then the rows are no longer duplicates)
    or an id column is gone.
    """
    gone = {(c.sheet, c.column) for c in plan if c.kind in COLUMN_KINDS}
    touched = [(c.sheet, c.row) for c in plan if c.kind in CELL_KINDS]
    touched_ids = [
        (c.sheet, c.row)
        for c in plan
        if c.kind in CELL_KINDS and c.column in identity_columns(MODELS[c.sheet])
    ]
    kept = set()
    for c, where in expected.items():
        if c.kind in CELL_KINDS and (c.sheet, c.column) in gone:
            continue
        if c.kind == "unknown_id" and touched.count((c.sheet, c.row)) > 1:
            continue
        if c.kind == "unknown_id" and any(
            s == c.sheet or _field(s, col).is_required() for s, col in gone
        ):  # a sheet that lost a required column has no valid row to look ids up in
            continue
        if c.kind == "duplicate_row" and (
            any(s == c.sheet and col in identity_columns(MODELS[s]) for s, col in gone)
            or any(s == c.sheet and r in (c.row, where[1]) for s, r in touched_ids)
        ):
            continue
        kept.add(where)
    return kept


def write_tables(tables: dict[str, list[list[str]]], target: Path, as_xlsx: bool) -> Path:
    if as_xlsx:
        book = Workbook()
        book.remove(book.active)  # type: ignore[arg-type]
        for name, table in tables.items():
            sheet = book.create_sheet(name)
            for line in table:
                sheet.append([v if v != "" else None for v in line])
        path = target.with_suffix(".xlsx")
        book.save(path)
        return path
    target.mkdir()
    for name, table in tables.items():
        with (target / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(table)
    return target


def digest(path: Path) -> dict[str, str]:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


def check_corrupted_theater(plan: list[Corruption], as_xlsx: bool) -> None:
    tables = {name: [list(line) for line in table] for name, table in PRISTINE.items()}
    expected = apply(tables, plan)
    path = write_tables(tables, Path(tempfile.mkdtemp()) / "theater", as_xlsx)
    before = digest(path)

    result = runner.invoke(app, ["validate", str(path)])

    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert digest(path) == before
    report = validate(path)
    found = {(p.sheet, p.row, p.column) for p in report.errors}
    missing = expected - found
    assert not missing, f"{plan}: not reported at {missing}; got {sorted(map(str, report.errors))}"


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(plan=corruptions())
def test_every_corruption_of_a_csv_theater_is_reported_where_it_was_made(
    plan: list[Corruption],
) -> None:
    check_corrupted_theater(plan, as_xlsx=False)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(plan=corruptions())
def test_every_corruption_of_an_xlsx_theater_is_reported_where_it_was_made(
    plan: list[Corruption],
) -> None:
    check_corrupted_theater(plan, as_xlsx=True)


def test_the_pristine_tables_are_valid() -> None:
    path = write_tables(PRISTINE, Path(tempfile.mkdtemp()) / "theater", as_xlsx=True)
    assert validate(path).ok
