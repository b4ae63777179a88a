"""Validating the attacks sheet column by column: a million rows in seconds.

The row model (:class:`~defplan.scenario.AttackRow`) checks one row at a time; on a
million rows that is most of the time and memory validation takes. Here each column
is checked once per *distinct* value, with the very type the row model gives the field
(so a value passes here exactly when it passes there), and the row model's own two
checks across columns (a date and its precision; a base or a site) are applied to the
cleaned columns. A row whose every cell passes is kept as column values in an
:class:`~defplan.attack_table.AttackTable`; any other row goes through the row model
after all, which says what is wrong in the same words, at the same cell, as ever.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import ConfigDict, TypeAdapter, ValidationError

from defplan.attack_table import (
    FIELDS,
    AttackTable,
    ObjectArray,
    blank_cells,
    distinct,
    is_none,
    objects,
)
from defplan.errors import Problem
from defplan.fields import Id, cell_text
from defplan.scenario import AttackRow
from defplan.workbook.rows import check_columns, column_names, validate_row
from defplan.workbook.sources import EXCEL_ERRORS, RawSheet

BoolArray = npt.NDArray[np.bool_]


def validate_attacks(sheet: RawSheet) -> tuple[AttackTable, list[Problem], set[str]]:
    """What :func:`defplan.workbook.rows.validate_rows` returns for the attacks sheet,
    the good rows as an :class:`AttackTable`: the same problems, the same rows."""
    model = AttackRow
    problems: list[Problem] = []
    known = column_names(model)
    missing_columns = check_columns(sheet, known, model, problems)
    frame = sheet.frame
    n = len(frame)
    excel_rows = frame.index.to_numpy(dtype=np.int64)
    names = list(frame.columns)
    position = {name: i for i, name in enumerate(names)}  # the last of a repeated column
    fast = _readable(sheet, excel_rows)
    cells = {name: frame.iloc[:, i].to_numpy(dtype=object) for name, i in position.items()}
    blank = {name: blank_cells(values) for name, values in cells.items()}
    for name, values in cells.items():
        fast &= ~_excel_error(values, blank[name])

    columns: dict[str, ObjectArray] = {}
    given: dict[str, BoolArray] = {}  # per field and extra column: the rows that set it
    for name in FIELDS:
        column = _column_of(name, model)
        default = model.model_fields[name].get_default(call_default_factory=True)
        if column not in cells:
            columns[name] = _filled(n, default)
            if model.model_fields[name].is_required():
                fast[:] = False
            continue
        present = ~blank[column]
        given[name] = present
        if model.model_fields[name].is_required():
            fast &= present
        if name in ("date", "date_precision"):
            continue  # read together below, as the row model does
        clean, ok = _cleaned(cells[column], present, _adapter(name), default)
        columns[name] = clean
        fast &= ok
    _dates(cells, blank, columns, fast, given, n)
    # the row model's own check across columns: a base, or at least a site
    fast &= ~(is_none(columns["base_id"]) & ~_truthy(columns["site"]))

    extras: dict[str, ObjectArray] = {}
    for name in names:
        if name in known:
            continue
        given[name] = ~blank[name]
        extras[name], _ = _cleaned(cells[name], given[name], cell_text, None)

    keep = fast.copy()
    failed_ids: set[str] = set()
    slow = np.flatnonzero(~fast)
    if len(slow):
        known_set = set(known)
        for i in slow.tolist():
            raw = {name: cells[name][i] for name in names}
            row = validate_row(
                sheet,
                model,
                int(excel_rows[i]),
                raw,
                known_set,
                missing_columns,
                failed_ids,
                problems,
            )
            if row is None:
                continue
            keep[i] = True
            for name in FIELDS:
                columns[name][i] = row.__dict__[name]
            for name, value in (row.model_extra or {}).items():
                extras[name][i] = value
            for name, rows in given.items():
                rows[i] = name in row.model_fields_set
    index = np.flatnonzero(keep)
    table = AttackTable(
        {name: values[index] for name, values in columns.items()},
        {name: values[index] for name, values in extras.items()},
        *_given_sets(given, index),
        excel_rows[index],
    )
    return table, problems, failed_ids


def _given_sets(
    given: dict[str, BoolArray], index: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.intp], list[frozenset[str]]]:
    """Per kept row, the index of its set of given fields; and those sets."""
    names = list(given)
    if not names or not len(index):
        return np.zeros(len(index), dtype=np.intp), [frozenset()]
    matrix = np.stack([given[name][index] for name in names], axis=1)
    if len(names) <= 62:  # each pattern as one number: factorized, not sorted
        keys = matrix.astype(np.int64) @ (np.int64(1) << np.arange(len(names), dtype=np.int64))
        codes, first = pd.factorize(keys)
        patterns = np.array([[(int(k) >> b) & 1 for b in range(len(names))] for k in first])
    else:
        patterns, codes = np.unique(matrix, axis=0, return_inverse=True)
    sets = [frozenset(n for n, on in zip(names, p.tolist(), strict=True) if on) for p in patterns]
    return np.asarray(codes, dtype=np.intp).reshape(-1), sets


def _column_of(field: str, model: type[AttackRow]) -> str:
    info = model.model_fields[field]
    return info.alias or field


def _readable(sheet: RawSheet, excel_rows: npt.NDArray[np.int64]) -> BoolArray:
    """Rows with no cell the reading found unusable, and not reported as unreadable."""
    fast = np.ones(len(excel_rows), dtype=bool)
    marked = set(sheet.unread) | {row for row, _ in sheet.bad_cells}
    if marked:
        fast &= ~np.isin(excel_rows, np.fromiter(marked, dtype=np.int64, count=len(marked)))
    return fast


def _excel_error(values: ObjectArray, blank: BoolArray) -> BoolArray:
    return ~blank & pd.Series(values, dtype=object).isin(EXCEL_ERRORS).to_numpy()


def _truthy(values: ObjectArray) -> BoolArray:
    return np.fromiter((bool(v) for v in values.tolist()), dtype=bool, count=len(values))


def _filled(n: int, value: Any) -> ObjectArray:
    out = np.empty(n, dtype=object)
    out.fill(value)  # a tuple default stays one item
    return out


def _cleaned(
    values: ObjectArray, present: BoolArray, clean: Callable[[Any], Any], default: Any
) -> tuple[ObjectArray, BoolArray]:
    """Each present cell cleaned as the field's type cleans it (``default`` where blank),
    and whether it passed; one call of ``clean`` per distinct value."""
    n = len(values)
    out = _filled(n, default)
    ok = np.ones(n, dtype=bool)
    where = np.flatnonzero(present)
    if not len(where):
        return out, ok
    codes, uniques = distinct(values[where])
    if clean in _ID_CHECKS and all(type(u) is str for u in uniques):
        # an id given as text: what the field's own check does (it strips, refuses blank)
        results = [u.strip() for u in uniques]
        passed = np.array([bool(r) for r in results], dtype=bool)
        results = [r if r else default for r in results]
    else:
        results, passed = _each(clean, uniques, default)
    cleaned = objects(results, len(results))
    out[where] = cleaned[codes]
    ok[where] = passed[codes]
    return out, ok


def _each(
    clean: Callable[[Any], Any], values: list[Any], default: Any
) -> tuple[list[Any], BoolArray]:
    """``clean`` of each value (``default`` where it fails), and which passed. A field's
    validator takes them all in one call first (a column of ids is all distinct)."""
    passed = np.ones(len(values), dtype=bool)
    whole = _ALL.get(clean)
    if whole is not None:
        try:
            return list(whole(values)), passed
        except (ValidationError, ValueError, TypeError):
            pass  # some value fails: each one alone says which
    results: list[Any] = []
    for k, value in enumerate(values):
        try:
            results.append(clean(value))
        except (ValidationError, ValueError, TypeError):
            results.append(default)
            passed[k] = False
    return results, passed


_CONFIG = ConfigDict(str_strip_whitespace=True)  # the row model's own
#: a field's validator of one value → its validator of a list of them
_ALL: dict[Callable[[Any], Any], Callable[[Any], Any]] = {}


@functools.cache
def _adapter(field: str) -> Callable[[Any], Any]:
    """The validation the row model gives ``field``, alone."""
    info = AttackRow.model_fields[field]
    annotated: Any = (
        Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    )
    one: TypeAdapter[Any] = TypeAdapter(annotated, config=_CONFIG)
    many: TypeAdapter[Any] = TypeAdapter(list[annotated], config=_CONFIG)
    _ALL[one.validate_python] = many.validate_python
    if (info.annotation, tuple(info.metadata)) in _ID_TYPES:
        _ID_CHECKS.add(one.validate_python)
    return one.validate_python


#: an id field (:data:`defplan.fields.Id`, required or optional), as pydantic holds it
_ID_TYPES = ((str, typing.get_args(Id)[1:]), (Id | None, ()))
#: the checks of id fields: text becomes the stripped text, blank text is refused
_ID_CHECKS: set[Callable[[Any], Any]] = set()


def _dates(
    cells: dict[str, ObjectArray],
    blank: dict[str, BoolArray],
    columns: dict[str, ObjectArray],
    fast: BoolArray,
    given: dict[str, BoolArray],
    n: int,
) -> None:
    """The date and its precision, read together as the row model's before-check does
    (``2020-03`` is March 2020, precision month; a stated precision truncates)."""
    date_cells = cells.get("date", _filled(n, None))
    date_blank = blank.get("date", np.ones(n, dtype=bool))
    stated = cells.get("date_precision", _filled(n, None))
    stated_blank = blank.get("date_precision", np.ones(n, dtype=bool))
    dated = ~date_blank
    # a precision without a date: its own field's check alone
    alone, alone_ok = _cleaned(stated, ~stated_blank & ~dated, _adapter("date_precision"), None)
    stated = stated.copy()
    stated[stated_blank] = None
    fast &= alone_ok | dated
    days, precisions, read_ok = _cleaned_pairs(date_cells, stated, dated)
    fast &= read_ok
    given["date"] = dated
    given["date_precision"] = dated | ~stated_blank  # the before-check sets it
    columns["date"] = days
    columns["date_precision"] = np.where(dated, precisions, alone)


def _cleaned_pairs(
    dates: ObjectArray, stated: ObjectArray, dated: BoolArray
) -> tuple[ObjectArray, ObjectArray, BoolArray]:
    """(dates, precisions, passed): :func:`_read_date` of each dated row's date and
    stated precision, once per distinct pair."""
    n = len(dates)
    days, precisions, ok = _filled(n, None), _filled(n, None), np.ones(n, dtype=bool)
    where = np.flatnonzero(dated)
    if not len(where):
        return days, precisions, ok
    date_codes, date_values = distinct(dates[where])
    stated_codes, stated_values = distinct(stated[where])
    width = len(stated_values) + 1
    pairs, codes = np.unique(
        date_codes.astype(np.int64) * width + stated_codes, return_inverse=True
    )
    given = [(date_values[code // width], stated_values[code % width]) for code in pairs.tolist()]
    results, passed = _each(_read_date, given, (None, None))
    codes = codes.reshape(-1)
    days[where] = objects((day for day, _ in results), len(results))[codes]
    precisions[where] = objects((p for _, p in results), len(results))[codes]
    ok[where] = passed[codes]
    return days, precisions, ok


def _read_date(pair: tuple[Any, Any]) -> tuple[Any, Any]:
    """(date, precision) as the row model reads a date cell and a stated precision."""
    date, stated = pair
    data: dict[str, Any] = {"date": date}
    if stated is not None:
        data["date_precision"] = stated
    read = AttackRow._read_partial_date(data)  # type: ignore[operator]
    return _adapter("date")(read["date"]), _adapter("date_precision")(read.get("date_precision"))
