"""The attacks sheet held by column: a million attacks without a million row objects.

An :class:`AttackTable` is what :func:`defplan.workbook.validate` puts in
``Scenario.attacks``. It is a sequence of :class:`~defplan.scenario.AttackRow` like
the tuple it replaces (indexing, iterating, comparing with a tuple of rows all work),
but it keeps one array per column, and makes a row object only when one is asked for.
Code that needs every attack at once reads :meth:`AttackTable.column` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from defplan.scenario import AttackRow

#: the fields of a row, in the order pydantic keeps them
FIELDS: tuple[str, ...] = tuple(AttackRow.model_fields)
_NO_EXTRAS: dict[str, Any] = {}

ObjectArray = npt.NDArray[np.object_]


class AttackTable(Sequence[AttackRow]):
    """Validated attack rows, one array per field (and per extra column).

    ``columns`` holds every field of :class:`AttackRow` (defaults where a cell was
    blank); ``extras`` the columns the schema does not know (``None`` where blank);
    ``given[i]`` indexes ``given_sets``, the fields row ``i`` was given (pydantic's
    ``model_fields_set``); ``excel_rows`` the row each came from (0 when built in code).
    """

    __slots__ = ("_columns", "_excel_rows", "_extras", "_given", "_given_sets")

    def __init__(
        self,
        columns: Mapping[str, ObjectArray],
        extras: Mapping[str, ObjectArray],
        given: npt.NDArray[np.intp],
        given_sets: Sequence[frozenset[str]],
        excel_rows: npt.NDArray[np.int64],
    ) -> None:
        self._columns = {name: columns[name] for name in FIELDS}
        self._extras = dict(extras)
        self._given = given
        self._given_sets = tuple(given_sets)
        self._excel_rows = excel_rows

    @classmethod
    def from_rows(cls, rows: Iterable[AttackRow], excel_rows: Iterable[int] = ()) -> AttackTable:
        """The table of rows already made (by code, or by the row model)."""
        items = list(rows)
        numbers = list(excel_rows) or [0] * len(items)
        columns = {name: objects([row.__dict__[name] for row in items]) for name in FIELDS}
        extra_names = list(dict.fromkeys(k for row in items for k in (row.model_extra or {})))
        extras = {
            name: objects([(row.model_extra or {}).get(name) for row in items])
            for name in extra_names
        }
        sets: dict[frozenset[str], int] = {}
        given = np.array(
            [sets.setdefault(frozenset(row.model_fields_set), len(sets)) for row in items],
            dtype=np.intp,
        )
        return cls(columns, extras, given, list(sets), np.array(numbers, dtype=np.int64))

    def __len__(self) -> int:
        return len(self._excel_rows)

    @overload
    def __getitem__(self, index: int) -> AttackRow: ...

    @overload
    def __getitem__(self, index: slice) -> AttackTable: ...

    def __getitem__(self, index: int | slice) -> AttackRow | AttackTable:
        if isinstance(index, slice):
            return self.take(np.arange(len(self))[index])
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("attack row index out of range")
        return self._row(index)

    def __iter__(self) -> Iterator[AttackRow]:
        return (self._row(i) for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        """Equal to a table or a tuple (or list) holding equal rows in the same order."""
        if isinstance(other, AttackTable | tuple | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"AttackTable({len(self)} attacks)"

    def __reduce__(self) -> tuple[Any, ...]:
        state = (self._columns, self._extras, self._given, self._given_sets, self._excel_rows)
        return (AttackTable, state)

    def column(self, name: str) -> ObjectArray:
        """One field's (or extra column's) values for every attack, read-only."""
        values = self._columns[name] if name in self._columns else self._extras[name]
        view = values.view()
        view.flags.writeable = False
        return view

    @property
    def excel_rows(self) -> npt.NDArray[np.int64]:
        """The Excel row (or CSV line) each attack was read from."""
        view = self._excel_rows.view()
        view.flags.writeable = False
        return view

    def take(self, positions: npt.ArrayLike) -> AttackTable:
        """The table of the attacks at ``positions`` (in that order)."""
        index = np.asarray(positions, dtype=np.intp)
        return AttackTable(
            {name: values[index] for name, values in self._columns.items()},
            {name: values[index] for name, values in self._extras.items()},
            self._given[index],
            self._given_sets,
            self._excel_rows[index],
        )

    def _row(self, i: int) -> AttackRow:
        """Row ``i`` as pydantic's ``model_construct`` makes it: every field is set, so
        its own per-field default handling is not needed."""
        row = AttackRow.__new__(AttackRow)
        values = {name: column[i] for name, column in self._columns.items()}
        extras = {name: column[i] for name, column in self._extras.items() if column[i] is not None}
        object.__setattr__(row, "__dict__", values)
        object.__setattr__(row, "__pydantic_fields_set__", set(self._given_sets[self._given[i]]))
        object.__setattr__(row, "__pydantic_extra__", extras or _NO_EXTRAS)
        object.__setattr__(row, "__pydantic_private__", None)
        return row


def objects(values: Iterable[Any], count: int = -1) -> ObjectArray:
    """A 1-D object array of ``values`` (a tuple stays one item, not a second dimension)."""
    return np.fromiter(values, dtype=object, count=count)


def distinct(values: ObjectArray) -> tuple[npt.NDArray[np.intp], list[Any]]:
    """(codes, distinct values) with values of different types kept apart (1 and 1.0
    and True are one key to pandas, not to the row model: ``cell_text`` tells them)
    and ``None`` kept as itself (pandas would make it NaN)."""
    none = is_none(values)
    rest = values[~none] if none.any() else values
    text = pd.api.types.infer_dtype(rest, skipna=False) == "string"  # all str: quick
    if text or len({type(v) for v in rest.tolist()}) <= 1:
        codes, found = pd.factorize(rest, use_na_sentinel=False)
        uniques = list(found)
    else:
        keyed = objects(((type(v), v) for v in rest.tolist()), len(rest))
        codes, found = pd.factorize(keyed, use_na_sentinel=False)
        uniques = [value for _, value in found]
    if not none.any():
        return codes, uniques
    all_codes = np.full(len(values), len(uniques), dtype=np.intp)
    all_codes[~none] = codes
    return all_codes, [*uniques, None]


def blank_cells(values: ObjectArray) -> npt.NDArray[np.bool_]:
    """Cells the row model never sees: ``None`` and a float NaN (nothing else)."""
    maybe = pd.isna(values)
    if not maybe.any():
        return maybe
    for i in np.flatnonzero(maybe).tolist():
        value = values[i]
        if value is not None and not isinstance(value, float):
            maybe[i] = False  # NaT, NA: the row model sees them
    return maybe


def is_none(values: ObjectArray) -> npt.NDArray[np.bool_]:
    """Where ``values`` holds ``None``."""
    return np.asarray(values == None, dtype=bool)  # noqa: E711 (elementwise)


def as_table(attacks: Sequence[AttackRow]) -> AttackTable:
    """``attacks`` as a table: itself when it is one, else one made from the rows."""
    return attacks if isinstance(attacks, AttackTable) else AttackTable.from_rows(attacks)
