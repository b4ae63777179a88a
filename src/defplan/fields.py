"""Cell types for input rows: how a planner's cell becomes a clean value.

Each type is an ``Annotated`` pydantic type carrying a :class:`Noun`, which says in
words what a good value is. The workbook reader turns pydantic's errors into messages
such as ``lat: 133.2 is not a latitude (expected -90 to 90)`` from these.

Cells arrive as Excel gives them (numbers as text, ``1,500``, ``45%``, dates as
``datetime``, whole numbers as ``1500.0``); the before-validators here accept all of
those and leave anything else for pydantic to reject with a located message.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field

DatePrecision = Literal["day", "month", "year"]


@dataclass(frozen=True)
class Noun:
    """What a cell should hold, in a planner's words: ``Noun("a latitude")``."""

    text: str


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _remembered(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A pure cell reader that reads each distinct cell once (a million attacks fall on
    a few thousand days and a handful of weapon classes); unhashable values pass."""
    remembered = functools.lru_cache(maxsize=1 << 16, typed=True)(function)

    @functools.wraps(function)
    def read(value: Any) -> Any:
        try:
            return remembered(value)
        except TypeError:  # unhashable: read it afresh
            return function(value)

    return read


@_remembered
def number_from_cell(value: Any) -> Any:
    """A number from an Excel or CSV cell: ``'1,500'`` → 1500.0, ``'45%'`` → 0.45.

    Anything that is not a number is returned unchanged for pydantic to reject.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        percent = text.endswith("%")
        if percent:
            text = text[:-1].strip()
        try:
            number = float(text)
        except ValueError:
            return value
        return number / 100.0 if percent else number
    return value


def finite(value: float) -> float:
    """``value`` unchanged; ValueError for NaN or an infinity."""
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def identifier_from_cell(value: Any) -> Any:
    """An id typed by a planner: stripped text; Excel's 7.0 becomes ``'7'``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return value


@_remembered
def key_from_cell(value: Any) -> Any:
    """An enumeration or weapon-class key: ``'Ballistic missile '`` → ``'ballistic_missile'``."""
    value = identifier_from_cell(value)
    if isinstance(value, str):
        return re.sub(r"[\s\-]+", "_", value.strip().lower())
    return value


def list_from_cell(value: Any) -> Any:
    """A ``;``-separated list cell; empty items are dropped, order is kept."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return (identifier_from_cell(value),)


def key_list_from_cell(value: Any) -> Any:
    """A list of keys, separated by ``;`` or ``,`` (keys never hold either)."""
    if isinstance(value, str):
        value = value.replace(",", ";")
    items = list_from_cell(value)
    if isinstance(items, tuple):
        return tuple(key_from_cell(item) for item in items)
    return items


def cell_text(value: Any) -> str:
    """Any cell as text: ``1500.0`` → ``'1500'``, a date → ISO, text unchanged."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _nonempty(value: str) -> str:
    if not value:
        raise ValueError("is blank")
    return value


def _no_duplicates(values: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    for item in values:
        if item in seen:
            raise ValueError(f"lists {item!r} twice")
        seen.add(item)
    return values


Id = Annotated[str, BeforeValidator(identifier_from_cell), AfterValidator(_nonempty), Noun("an id")]
Key = Annotated[
    str, BeforeValidator(key_from_cell), AfterValidator(_nonempty), Noun("a class name")
]
Text = Annotated[str, BeforeValidator(cell_text), Noun("text")]
TextList = Annotated[
    tuple[str, ...],
    BeforeValidator(list_from_cell),
    AfterValidator(_no_duplicates),
    Noun("a ;-separated list"),
]
KeyList = Annotated[
    tuple[str, ...],
    BeforeValidator(key_list_from_cell),
    AfterValidator(_no_duplicates),
    Noun("a ;-separated list of weapon classes"),
]

Latitude = Annotated[
    float,
    BeforeValidator(number_from_cell),
    AfterValidator(finite),
    Field(ge=-90, le=90),
    Noun("a latitude"),
]
Longitude = Annotated[
    float,
    BeforeValidator(number_from_cell),
    AfterValidator(finite),
    Field(ge=-180, le=180),
    Noun("a longitude"),
]
Probability = Annotated[
    float,
    BeforeValidator(number_from_cell),
    AfterValidator(finite),
    Field(ge=0, le=1),
    Noun("a probability"),
]
Fraction = Annotated[
    float,
    BeforeValidator(number_from_cell),
    AfterValidator(finite),
    Field(ge=0, le=1),
    Noun("a fraction"),
]
#: a share that cannot be 0 (the share of attacks that reach the record)
PositiveShare = Annotated[
    float, BeforeValidator(number_from_cell), Field(gt=0, le=1), Noun("a share above 0")
]
NonNegativeFloat = Annotated[
    float,
    BeforeValidator(number_from_cell),
    AfterValidator(finite),
    Field(ge=0),
    Noun("a number"),
]
PositiveFloat = Annotated[
    float,
    BeforeValidator(number_from_cell),
    AfterValidator(finite),
    Field(gt=0),
    Noun("a positive number"),
]
Count = Annotated[int, BeforeValidator(number_from_cell), Field(ge=0), Noun("a whole number")]
PositiveCount = Annotated[
    int, BeforeValidator(number_from_cell), Field(ge=1), Noun("a whole number")
]


def date_from_cell(value: Any) -> Any:
    """A day from a cell: an Excel date, ``2024-01-28``, ``28 Jan 2024``…"""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        parsed = parse_partial_date(value)
        if parsed is not None:
            return parsed[0]
    return value


Day = Annotated[dt.date, BeforeValidator(date_from_cell), Noun("a date")]


_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


#: a day written all in numbers other than year first (03/02/2024, 3.2.2024)
_NUMERIC_DAY = re.compile(r"^\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}$")


@functools.lru_cache(maxsize=1 << 16)
def parse_partial_date(text: str) -> tuple[dt.date, DatePrecision] | None:
    """Read a date as written, keeping how precise it is.

    ``'2020-03-11'`` → (2020-03-11, day); ``'2020-03'`` or ``'March 2020'`` →
    (2020-03-01, month); ``'2019'`` → (2019-01-01, year). ``None`` when the text is
    not a date. Relative words ("last week") are refused here: a workbook cell must
    say the date itself.
    """
    text = text.strip()
    match = _ISO_PARTIAL.match(text)
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        try:
            if day is not None and month is not None:
                return dt.date(year, month, day), "day"
            if month is not None:
                return dt.date(year, month, 1), "month"
            return dt.date(year, 1, 1), "year"
        except ValueError:
            return None
    if not re.search(r"\d{4}", text):
        return None  # a cell date must name its year; dateparser would guess one
    if _NUMERIC_DAY.match(text):
        return None  # 03/02/2024: 3 February or 2 March? only YYYY-MM-DD says
    import dateparser  # deferred: loading its language data costs ~0.3 s

    data = dateparser.date.DateDataParser(languages=["en"]).get_date_data(text, date_formats=None)
    if data.date_obj is None:
        return None
    period = data.period or "day"
    day = data.date_obj.date()
    if period == "year":
        return dt.date(day.year, 1, 1), "year"
    if period == "month":
        return dt.date(day.year, day.month, 1), "month"
    return day, "day"


def truncate_date(day: dt.date, precision: DatePrecision) -> dt.date:
    """The first day of the period ``day`` falls in, at ``precision``."""
    if precision == "year":
        return dt.date(day.year, 1, 1)
    if precision == "month":
        return dt.date(day.year, day.month, 1)
    return day


def format_partial_date(day: dt.date, precision: DatePrecision) -> str:
    """``2020-03`` for a month, ``2020`` for a year, ISO for a day."""
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


@dataclass(frozen=True)
class ClassValue:
    """One weapon class's figure in a per-class cell: ``rocket: 6``."""

    weapon: str
    value: float

    def __str__(self) -> str:
        return f"{self.weapon}: {self.value:.15g}"


def class_values_from_cell(value: Any) -> Any:
    """``'rocket: 6; drone: 0.5'`` → (ClassValue('rocket', 6.0), ClassValue('drone', 0.5)).

    ``=`` works as well as ``:``; numbers read as in any other cell (``45%``). Text
    that is not such a list is refused, naming the pair that is not one.
    """
    if value is None:
        return ()
    if isinstance(value, tuple | list) and all(isinstance(v, ClassValue) for v in value):
        return tuple(value)
    if not isinstance(value, str):
        return value
    pairs = []
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        match = re.fullmatch(r"([^:=]+?)\s*[:=]\s*(.+)", part)
        figure = number_from_cell(match.group(2)) if match else None
        if match is None or not isinstance(figure, float) or not math.isfinite(figure):
            which = "" if part == value.strip() else f" ({part!r} is not one)"
            raise ValueError(f"not a list of class: number pairs{which}")
        key = match.group(1)
        pairs.append(ClassValue(key_from_cell(key), figure))
    return tuple(pairs)


def _class_values_within(low: float, high: float) -> Any:
    def check(values: tuple[ClassValue, ...]) -> tuple[ClassValue, ...]:
        _no_duplicates(tuple(v.weapon for v in values))
        for item in values:
            if not low <= item.value <= high:
                raise ValueError(f"not {low:g} to {high:g} for {item.weapon} ({item.value:g})")
        return values

    return check


#: per weapon class, a number of 0 or more: ``rocket: 6; drone: 0.5``
ClassNumbers = Annotated[
    tuple[ClassValue, ...],
    BeforeValidator(class_values_from_cell),
    AfterValidator(_class_values_within(0.0, math.inf)),
    Noun("class: number pairs separated by ; (e.g. rocket: 6; drone: 0.5)"),
]
#: per weapon class, a fraction: ``rocket: 0.6; drone: 0.2``
ClassFractions = Annotated[
    tuple[ClassValue, ...],
    BeforeValidator(class_values_from_cell),
    AfterValidator(_class_values_within(0.0, 1.0)),
    Noun("class: fraction pairs separated by ; (e.g. rocket: 0.6; drone: 0.2)"),
]
