"""Turning raw sheets into validated rows, with one located message per problem."""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, BeforeValidator, ValidationError
from pydantic.fields import FieldInfo

from defplan.attack_table import blank_cells, distinct, is_none, objects
from defplan.errors import Problem
from defplan.fields import Noun, cell_text, identifier_from_cell, key_from_cell
from defplan.plan.profiles import load_profile
from defplan.scenario import Row, Settings
from defplan.suggest import did_you_mean, hint
from defplan.workbook.sources import EXCEL_ERRORS, RawSheet, normalize_name

#: nouns precise enough to say "133.2 is not a latitude"
_PRECISE_NOUNS = ("a latitude", "a longitude", "a probability", "a fraction")


@dataclass(frozen=True)
class Located:
    """A validated row and the Excel row it came from."""

    row: Row
    excel_row: int


#: what planners often call a column → defplan's name for it
COLUMN_SYNONYMS = {
    "latitude": "lat",
    "longitude": "lon",
    "long": "lon",
    "lng": "lon",
    "personnel": "troops",
    "troop_count": "troops",
    "pk": "p_intercept",
    "probability": "p_intercept",
    "quantity": "inventory",
    "count": "units",
    "range": "range_km",
    "radius": "radius_km",
    "reach": "reach_km",
    "severity": "severity_prior",
    "id": "base_id",
}


def suggest_column(word: str, absent: list[str]) -> str | None:
    """The absent column a header most likely meant, through synonyms and spelling."""
    return did_you_mean(word, absent, synonyms=COLUMN_SYNONYMS)


def column_names(model: type[BaseModel]) -> dict[str, str]:
    """Sheet column name → model field name (columns use a field's alias where set)."""
    return {(info.alias or name): name for name, info in model.model_fields.items()}


def show(value: Any) -> str:
    """A cell value as a message shows it: numbers bare, text quoted."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return repr(str(value))


def _metadata(info: FieldInfo | None) -> list[Any]:
    """A field's constraints and nouns, also from inside ``X | None``.

    Pydantic keeps the metadata of an optional ``Annotated`` type on the union's
    argument, not on the field, so ``max_per_base: PositiveCount | None`` would
    otherwise seem to have no bounds and no noun.
    """
    if info is None:
        return []
    found: list[Any] = list(info.metadata)
    for arg in typing.get_args(info.annotation):
        for meta in getattr(arg, "__metadata__", ()):
            found.append(meta)
            if isinstance(meta, FieldInfo):
                found.extend(meta.metadata)
    return found


def _noun(info: FieldInfo | None) -> str:
    for meta in _metadata(info):
        if isinstance(meta, Noun):
            return meta.text
    return "a value"


@dataclass(frozen=True)
class Limits:
    """A numeric field's bounds as its pydantic constraints state them."""

    low: float | None = None
    low_strict: bool = False
    high: float | None = None
    high_strict: bool = False


def field_limits(info: FieldInfo | None) -> Limits:
    """The ge/gt and le/lt constraints of a field (``Limits()`` when it has none)."""
    low = high = None
    low_strict = high_strict = False
    for meta in _metadata(info):
        for attr, strict in (("ge", False), ("gt", True)):
            if getattr(meta, attr, None) is not None:
                low, low_strict = getattr(meta, attr), strict
        for attr, strict in (("le", False), ("lt", True)):
            if getattr(meta, attr, None) is not None:
                high, high_strict = getattr(meta, attr), strict
    return Limits(low, low_strict, high, high_strict)


def _bounds(info: FieldInfo | None) -> str:
    limits = field_limits(info)
    low, high = limits.low, limits.high
    if low is not None and high is not None:
        if not (limits.low_strict or limits.high_strict):
            return f"{low} to {high}"
        above = f"more than {low}" if limits.low_strict else f"{low} or more"
        below = f"less than {high}" if limits.high_strict else f"{high} or less"
        return f"{above} and {below}"
    if low is not None:
        return f"more than {low}" if limits.low_strict else f"{low} or more"
    if high is not None:
        return f"less than {high}" if limits.high_strict else f"{high} or less"
    return ""


def explain(error: Any, model: type[BaseModel], raw: dict[str, Any]) -> tuple[str | None, str]:
    """(column, message) for one pydantic error, in a planner's words."""
    loc = error.get("loc", ())
    kind = error["type"]
    if kind == "value_error" and "|" in str(error.get("msg", "")):
        named, _, text = str(error["msg"]).removeprefix("Value error, ").partition("|")
        return named, text
    field_name = str(loc[0]) if loc else None
    info = model.model_fields.get(field_name) if field_name else None
    column: str | None = (info.alias or field_name) if info is not None else field_name
    value = raw.get(column) if column else error.get("input")
    noun, bounds = _noun(info), _bounds(info) or _bounds_from_error(error)
    expected = f"{noun}, {bounds}" if bounds else noun
    if kind == "missing":
        return column, f"is blank (expected {expected})"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        if noun in _PRECISE_NOUNS:
            return column, f"{show(value)} is not {noun} (expected {bounds})"
        side = "too small" if kind.startswith("greater") else "too large"
        return column, f"{show(value)} is {side} (expected {expected})"
    if kind == "int_from_float":
        return column, f"{show(value)} is not a whole number (expected {expected})"
    if kind.startswith(("float_", "int_")) or kind == "finite_number":
        return column, f"{show(value)} is not a number (expected {expected})"
    if kind == "literal_error":
        choices = [
            c.strip("' ") for c in str(error["ctx"]["expected"]).replace(" or ", ", ").split(",")
        ]
        return column, f"{show(value)} is not one of {', '.join(choices)}{hint(value, choices)}"
    if kind.startswith(("date_", "datetime_")):
        return column, f"{show(value)} is not a date (expected e.g. 2024-01-28, or 2024-01)"
    if kind == "value_error":
        reason = str(error.get("msg", "")).removeprefix("Value error, ")
        if not reason.startswith(("is ", "lists ")):
            reason = f"is {reason}"
        if "expected" not in reason:
            wanted = "each item once" if reason.startswith("lists ") else expected
            reason = f"{reason} (expected {wanted})"
        return column, f"{show(value)} {reason}" if value is not None else reason
    if kind == "string_type":
        return column, f"{show(value)} is not text (expected {expected})"
    return column, f"{show(value)}: {error.get('msg', 'is not valid')} (expected {expected})"


def _bounds_from_error(error: Any) -> str:
    """The bound a range error names in its context, for a field whose bounds are hidden."""
    ctx = error.get("ctx") or {}
    words = {"ge": "{} or more", "gt": "more than {}", "le": "{} or less", "lt": "less than {}"}
    for key, text in words.items():
        if key in ctx:
            return text.format(ctx[key])
    return ""


def validate_rows(
    sheet: RawSheet, model: type[Row]
) -> tuple[list[Located], list[Problem], set[str]]:
    """Validate every row of one sheet; report bad columns once, bad cells per row.

    Returns the good rows, the problems, and the ids of the rows that failed (so
    that other sheets naming them are not blamed for this sheet's mistake).
    """
    problems: list[Problem] = []
    known = column_names(model)
    columns = list(sheet.frame.columns)
    missing_columns = check_columns(sheet, known, model, problems)
    located: list[Located] = []
    failed_ids: set[str] = set()
    shared: dict[frozenset[str], set[str]] = {}
    known_set = set(known)
    for excel_row, cells in zip(
        sheet.frame.index.tolist(), sheet.frame.itertuples(index=False, name=None), strict=True
    ):
        raw = dict(zip(columns, cells, strict=True))
        row = validate_row(
            sheet, model, int(excel_row), raw, known_set, missing_columns, failed_ids, problems
        )
        if row is not None:
            located.append(Located(shared_bookkeeping(row, shared), int(excel_row)))
    return located, problems, failed_ids


def validate_row(
    sheet: RawSheet,
    model: type[Row],
    excel_row: int,
    raw: dict[str, Any],
    known: set[str],
    missing_columns: set[str],
    failed_ids: set[str],
    problems: list[Problem],
) -> Row | None:
    """One row through the row model: the row, or None with its problems added to
    ``problems`` and its id to ``failed_ids``."""
    if excel_row in sheet.unread:
        if model.key and raw.get(model.key[0]) is not None:
            failed_ids.add(str(key_from_cell(raw[model.key[0]])))
            failed_ids.add(str(identifier_from_cell(raw[model.key[0]])))
        return None  # reported already: its cells are in the wrong columns
    data, cell_problems = _row_data(sheet, excel_row, raw, known)
    problems += cell_problems
    # a bad cell was reported already: validate the rest of the row without it
    bad = {p.column for p in cell_problems}
    data = {k: v for k, v in data.items() if k not in bad}
    skip_missing = missing_columns | bad
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        if model.key and raw.get(model.key[0]) is not None:
            failed_ids.add(str(key_from_cell(raw[model.key[0]])))
            failed_ids.add(str(identifier_from_cell(raw[model.key[0]])))
        for error in exc.errors():
            column, message = explain(error, model, raw)
            if error["type"] == "missing" and column in skip_missing:
                continue
            problems.append(Problem(sheet.file, sheet.name, excel_row, column, message))
        return None


def shared_bookkeeping(row: Row, shared: dict[frozenset[str], set[str]]) -> Row:
    """The row, its set of given fields and its (empty) extras shared with rows like it.

    Pydantic gives every row its own set and dict (~500 bytes): a million attack rows
    would spend half a gigabyte on copies. Rows are frozen and ``model_copy`` copies
    both, so sharing them changes nothing a reader sees.
    """
    given = row.__pydantic_fields_set__
    object.__setattr__(row, "__pydantic_fields_set__", shared.setdefault(frozenset(given), given))
    if row.__pydantic_extra__ == {}:
        object.__setattr__(row, "__pydantic_extra__", _NO_EXTRAS)
    return row


_NO_EXTRAS: dict[str, Any] = {}


def identity_columns(model: type[Row]) -> tuple[str, ...]:
    """The columns two rows of this sheet may not share, or ``()`` for none.

    That is the row key; for rules (which have none) a rule's kind, base and system,
    so that a rule given twice is found.
    """
    if model.key:
        return model.key
    if model.sheet == "rules":
        return ("kind", "base_id", "system_id")
    return ()


def raw_identities(sheet: RawSheet, model: type[Row]) -> list[tuple[int, tuple[Any, ...]]]:
    """(Excel row, identity) of every row, read from the raw cells.

    The duplicate check uses these, so a repeated id is found whatever else is wrong
    in either row. A row whose required identity cell is blank is left out (the
    blank is reported on its own).
    """
    columns = identity_columns(model)
    known = column_names(model)
    infos = [model.model_fields.get(known.get(c, c)) for c in columns]
    required = [info is not None and info.is_required() for info in infos]
    if not columns or any(c not in sheet.frame.columns for c in columns):
        return []  # a missing or misspelt column is reported; its values are unknown
    normalizers = [_before(info) for info in infos]
    names = list(sheet.frame.columns)
    # the last of a repeated column, as everywhere a row is read as a dict
    positions = [len(names) - 1 - names[::-1].index(c) for c in columns]
    cells_of = [
        _normalized(sheet.frame.iloc[:, i].to_numpy(dtype=object), normalize)
        for i, normalize in zip(positions, normalizers, strict=True)
    ]
    excel_rows = sheet.frame.index.to_numpy(dtype=np.int64)
    wanted = ~np.isin(
        excel_rows, np.fromiter(sheet.unread, dtype=np.int64, count=len(sheet.unread))
    )
    for column, needed in zip(cells_of, required, strict=True):
        if needed:
            wanted &= ~is_none(column)
    kept = [column[wanted].tolist() for column in cells_of]
    return list(zip(excel_rows[wanted].tolist(), zip(*kept, strict=True), strict=True))


def _normalized(cells: Any, normalize: Any) -> Any:
    """Each cell through ``normalize`` (blank: ``None``), once per distinct value."""
    empty = blank_cells(cells)
    codes, uniques = distinct(cells)
    if normalize is identifier_from_cell and all(type(u) is str for u in uniques):
        uniques = [u.strip() for u in uniques]  # what it does with text, quicker
    elif normalize is not None:
        uniques = [None if u is None else normalize(u) for u in uniques]
    column = objects(uniques, len(uniques))[codes]
    column[empty] = None
    return column


def _before(info: FieldInfo | None) -> Any:
    """The before-validator that cleans a field's cell (e.g. ``key_from_cell``), if any."""
    for meta in _metadata(info):
        if isinstance(meta, BeforeValidator):
            return meta.func
    return None


def check_columns(
    sheet: RawSheet, known: dict[str, str], model: type[BaseModel], problems: list[Problem]
) -> set[str]:
    """Report missing, misspelt, duplicated and extra columns; return the missing ones."""
    columns = list(sheet.frame.columns)
    present = set(columns)
    for column in sorted({c for c in columns if columns.count(c) > 1}):
        problems.append(
            Problem(sheet.file, sheet.name, sheet.header_row, column, "appears twice in the header")
        )
    unknown = [c for c in columns if c not in known]
    absent = [c for c in known if c not in present]
    required = {
        (info.alias or name) for name, info in model.model_fields.items() if info.is_required()
    }
    claimed: set[str] = set()
    for column in unknown:
        meant = suggest_column(column, absent)
        if meant:
            claimed.add(meant)
            problems.append(
                Problem(
                    sheet.file,
                    sheet.name,
                    sheet.header_row,
                    column,
                    f"is not a column of {sheet.name}; did you mean {meant!r}?",
                )
            )
        elif not column.startswith("column_") or sheet.frame[column].notna().any():
            problems.append(
                Problem(
                    sheet.file,
                    sheet.name,
                    sheet.header_row,
                    column,
                    "is not a column defplan reads; kept as it is",
                    "note",
                )
            )
    for column in sorted(required - present - claimed):
        problems.append(
            Problem(
                sheet.file,
                sheet.name,
                sheet.header_row,
                column,
                f"required column is missing (expected: {', '.join(sorted(required))})",
            )
        )
    return set(absent)


def _row_data(
    sheet: RawSheet, excel_row: int, raw: dict[str, Any], known: set[str]
) -> tuple[dict[str, Any], list[Problem]]:
    """The row as a dict for the model: blanks dropped; Excel errors, lost formulas and
    cells the reading found unusable reported."""
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    bad_cells = sheet.bad_cells
    for column, value in raw.items():
        bad = bad_cells.get((excel_row, column)) if bad_cells else None
        if bad is not None:
            problems.append(Problem(sheet.file, sheet.name, excel_row, column, bad))
            continue
        if value is None or (isinstance(value, float) and value != value):
            continue
        if isinstance(value, str) and value in EXCEL_ERRORS:
            problems.append(
                Problem(sheet.file, sheet.name, excel_row, column, f"is an Excel error ({value})")
            )
            continue
        if column not in known:
            value = cell_text(value)
        data[column] = value
    return data, problems


def settings_rows(sheet: RawSheet) -> dict[str, int]:
    """Settings key → the Excel row that first sets it (for messages about a setting)."""
    if "key" not in sheet.frame.columns:
        return {}
    found: dict[str, int] = {}
    for excel_row, key_cell in zip(sheet.frame.index, sheet.frame["key"], strict=True):
        if key_cell is not None:
            found.setdefault(normalize_name(str(key_cell)), int(excel_row))
    return found


def validate_settings(sheet: RawSheet) -> tuple[Settings, list[Problem]]:
    """Read the settings sheet (key, value); unknown keys get a did-you-mean."""
    problems: list[Problem] = []
    frame = sheet.frame
    for column in ("key", "value"):
        if column not in frame.columns:
            problems.append(
                Problem(
                    sheet.file, sheet.name, sheet.header_row, column, "required column is missing"
                )
            )
    if problems:
        return Settings(), problems
    keys = list(Settings.model_fields)
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for excel_row, key_cell, value in zip(frame.index, frame["key"], frame["value"], strict=True):
        excel_row = int(excel_row)
        unusable = [(c, sheet.bad_cells.get((excel_row, c))) for c in ("key", "value")]
        if any(text for _, text in unusable):
            problems += [
                Problem(sheet.file, sheet.name, excel_row, c, text) for c, text in unusable if text
            ]
            continue
        if key_cell is None:
            problems.append(
                Problem(
                    sheet.file, sheet.name, excel_row, "key", "is blank (expected a setting name)"
                )
            )
            continue
        key = normalize_name(str(key_cell))
        if key not in Settings.model_fields:
            close = did_you_mean(key, keys)
            tail = f"did you mean {close!r}?" if close else f"known keys: {', '.join(keys)}"
            problems.append(
                Problem(
                    sheet.file,
                    sheet.name,
                    excel_row,
                    "key",
                    f"{show(key_cell)} is not a setting; {tail}",
                )
            )
            continue
        if key in rows:
            problems.append(
                Problem(
                    sheet.file,
                    sheet.name,
                    excel_row,
                    "key",
                    f"{key!r} is already set on row {rows[key]}",
                )
            )
            continue
        rows[key] = excel_row
        if value is not None:
            values[key] = value
    if "solver" in values:
        problem = _profile_problem(values["solver"])
        if problem:
            problems.append(Problem(sheet.file, sheet.name, rows["solver"], "value", problem))
            values.pop("solver")
    try:
        return Settings.model_validate(values), problems
    except ValidationError as exc:
        good = dict(values)
        for error in exc.errors():
            key = str(error["loc"][0]) if error["loc"] else ""
            _, message = explain(error, Settings, {"value": values.get(key), key: values.get(key)})
            problems.append(
                Problem(sheet.file, sheet.name, rows.get(key), "value", f"{key}: {message}")
            )
            good.pop(key, None)
        try:
            return Settings.model_validate(good), problems
        except ValidationError:
            return Settings(), problems


def _profile_problem(name: Any) -> str | None:
    """Why the settings' ``solver`` cannot be used, as the planner would find at solve
    time (a missing or broken profile, a gap the solver refuses); None when it can."""
    if not isinstance(name, str):
        return None  # not text: the Settings model reports it
    try:
        profile = load_profile(name.strip())
    except ValueError as exc:
        return f"solver: {exc}"
    if profile.mip_gap is not None and not profile.mip_gap < 1:
        return (
            f"solver: profile {profile.name!r} ({profile.path}) sets mip_gap "
            f"{profile.mip_gap:g} (expected less than 1)"
        )
    return None
