"""The attack record: which attacks count, as of when, and how much each still weighs.

An attack ``a`` years old counts ``0.5 ** (a / half_life_years)``. An attack dated
only to a month or a year counts the mean of that weight over the days of its period
that fall inside the record window ``[record_start, as_of]``. The window itself is
worth ``observation_years``: the decayed length of time the record has been watched.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from defplan.attack_table import AttackTable, ObjectArray, as_table, distinct, is_none
from defplan.fields import DatePrecision, format_partial_date, truncate_date
from defplan.scenario import AttackRow, Scenario

DAYS_PER_YEAR = 365.25
#: with no record_start set, the record covers at least this many days before as_of
MIN_DEFAULT_RECORD_DAYS = 365
_LN2 = math.log(2.0)


@dataclass(frozen=True)
class ExcludedAttack:
    """An attack row the risk model left out, and why (in a planner's words)."""

    attack_id: str
    reason: str


@dataclass(frozen=True)
class Counted:
    """The attacks the rate counts, one entry per attack in sheet order, by column.

    ``rows`` are their positions in ``scenario.attacks``; ``first_day`` the ordinal of
    the first day each may have happened on; ``weight`` its decayed weight (0-1);
    ``killed`` and ``wounded`` the counts (``None`` where not reported).
    """

    rows: npt.NDArray[np.intp]
    base_index: npt.NDArray[np.intp]
    weapon_index: npt.NDArray[np.intp]
    weight: npt.NDArray[np.float64]
    first_day: npt.NDArray[np.int64]
    attack_id: ObjectArray
    killed: ObjectArray
    wounded: ObjectArray

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Record:
    """The attack record as of one day.

    ``record_start`` and ``observation_years`` are ``None`` and 0 when there is no
    record at all (no attack counts and no ``record_start`` is set).
    """

    as_of: dt.date | None
    record_start: dt.date | None
    observation_years: float
    counted: Counted
    excluded: tuple[ExcludedAttack, ...]
    #: the record's decayed years weighed by the share of attacks that reached it
    observed_years: float = 0.0

    @property
    def completeness(self) -> float:
        """The share of attacks the record holds over its window, decay-weighted."""
        if self.observation_years <= 0:
            return 1.0
        return self.observed_years / self.observation_years


def decay_weight(age_years: float, half_life_years: float) -> float:
    """Weight of an attack ``age_years`` old: 1 today, 1/2 after one half-life.

    Examples
    --------
    >>> decay_weight(0.0, 2.0), decay_weight(2.0, 2.0), decay_weight(4.0, 2.0)
    (1.0, 0.5, 0.25)
    """
    return mean_decay(age_years, age_years, half_life_years)


def mean_decay(youngest_years: float, oldest_years: float, half_life_years: float) -> float:
    """Mean of the decay weight over ages from ``youngest_years`` to ``oldest_years``.

    This is what an attack known only to fall somewhere in that span of ages counts:
    ``(h / ln 2) (0.5 ** (y / h) - 0.5 ** (o / h)) / (o - y)``, and the plain weight
    when the two ages are equal.

    Examples
    --------
    >>> round(mean_decay(0.0, 2.0, 2.0), 4)  # (1 - 0.5) / ln 2
    0.7213
    >>> mean_decay(1.0, 1.0, 1.0)
    0.5
    """
    start = 0.5 ** (youngest_years / half_life_years) if youngest_years > 0 else 1.0
    return start * _mean_of_decay_from_zero((oldest_years - youngest_years) / half_life_years)


def observation_years(length_years: float, half_life_years: float) -> float:
    """Decayed length of a record window ``length_years`` long that ends today.

    ``(h / ln 2) (1 - 0.5 ** (L / h))``: about ``L`` for a short window, never more
    than ``h / ln 2`` however long the record.

    Examples
    --------
    >>> round(observation_years(2.0, 2.0), 4)
    1.4427
    >>> round(observation_years(1000.0, 2.0), 4)  # 2 / ln 2
    2.8854
    """
    if length_years <= 0:
        return 0.0
    return length_years * _mean_of_decay_from_zero(length_years / half_life_years)


def _mean_of_decay_from_zero(half_lives: float) -> float:
    """(1 - 0.5 ** u) / (u ln 2), the mean weight over ages 0 to u half-lives; 1 at u = 0."""
    if half_lives <= 0:
        return 1.0
    x = half_lives * _LN2
    return -math.expm1(-x) / x


def period_of(attack: AttackRow) -> tuple[dt.date, dt.date]:
    """First and last day the attack may have happened on, given its date precision."""
    assert attack.date is not None
    return _span(attack.date, attack.precision)


def _span(day: dt.date, precision: DatePrecision) -> tuple[dt.date, dt.date]:
    first = truncate_date(day, precision)
    if precision == "year":
        return first, dt.date(first.year, 12, 31)
    if precision == "month":
        next_month = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return first, next_month - dt.timedelta(days=1)
    return first, first


def as_of_date(scenario: Scenario) -> dt.date | None:
    """The day risk is computed as of.

    ``settings.as_of`` when set; else the date of the latest dated attack (the first
    day of its period); else the latest date the threat zones or ``record_start``
    state; ``None`` when the scenario states no date at all.
    """
    if scenario.settings.as_of is not None:
        return scenario.settings.as_of
    periods = _periods(as_table(scenario.attacks))
    if periods.dated.any():
        return dt.date.fromordinal(int(periods.first[periods.dated].max()))
    other_days = [d for z in scenario.threat_zones for d in (z.active_from, z.active_to) if d]
    if scenario.settings.record_start is not None:
        other_days.append(scenario.settings.record_start)
    return max(other_days, default=None)


@dataclass(frozen=True)
class _Periods:
    """Per attack: whether it is dated, and the ordinals of its first and last day."""

    dated: npt.NDArray[np.bool_]
    first: npt.NDArray[np.int64]
    last: npt.NDArray[np.int64]


def _periods(table: AttackTable) -> _Periods:
    """:func:`period_of` of every attack, worked out once per distinct date and precision."""
    dates, precisions = table.column("date"), table.column("date_precision")
    dated = ~is_none(dates)
    first = np.zeros(len(table), dtype=np.int64)
    last = np.zeros(len(table), dtype=np.int64)
    where = np.flatnonzero(dated)
    if len(where):
        date_codes, date_values = distinct(dates[where])
        precision_codes, precision_values = distinct(precisions[where])
        width = len(precision_values)
        pairs, codes = np.unique(date_codes * width + precision_codes, return_inverse=True)
        spans = [
            _period(date_values[code // width], precision_values[code % width])
            for code in pairs.tolist()
        ]
        codes = codes.reshape(-1)
        first[where] = np.array([a for a, _ in spans], dtype=np.int64)[codes]
        last[where] = np.array([b for _, b in spans], dtype=np.int64)[codes]
    return _Periods(dated, first, last)


def _period(day: dt.date, precision: DatePrecision | None) -> tuple[int, int]:
    first, last = _span(day, precision or "day")
    return first.toordinal(), last.toordinal()


def read_record(scenario: Scenario) -> Record:
    """Sort the attacks sheet into counted and left-out attacks, and weigh each one.

    Left out, with the reason: attacks on a site not in the theater, on a base or
    of a class the other sheets do not list, undated attacks, attacks dated after
    ``as_of`` and, when ``settings.record_start`` is set, attacks entirely before it.
    Worked out by column: a million attacks fall on a few thousand days.
    """
    settings = scenario.settings
    as_of = as_of_date(scenario)
    table = as_table(scenario.attacks)
    base_index = {b.base_id: i for i, b in enumerate(scenario.bases)}
    weapon_index = {w.weapon: i for i, w in enumerate(scenario.weapons)}
    periods = _periods(table)
    bases = _indices(table.column("base_id"), base_index)
    weapons = _indices(table.column("weapon"), weapon_index)

    left_out = (bases < 0) | (weapons < 0) | ~periods.dated
    if as_of is not None:
        left_out |= periods.dated & (periods.first > as_of.toordinal())
    reasons = {int(row): "" for row in np.flatnonzero(left_out)}

    record_start = settings.record_start
    if record_start is None:
        if (~left_out).any() and as_of is not None:
            year_before = as_of.toordinal() - MIN_DEFAULT_RECORD_DAYS
            earliest = int(periods.first[~left_out].min())
            record_start = dt.date.fromordinal(min(earliest, max(year_before, 1)))
    else:
        late_start = as_of is not None and record_start > as_of
        before = ~left_out & (late_start | (periods.last < record_start.toordinal()))
        for row in np.flatnonzero(before).tolist():
            reasons[row] = (
                f"record_start {record_start} is after as_of {as_of}"
                if late_start
                else f"dated {_dated(table[row])} before record_start {record_start}"
            )
        left_out |= before
    for row, reason in reasons.items():
        reasons[row] = reason or _why_left_out(table[row], as_of, base_index, weapon_index) or ""

    rows = np.flatnonzero(~left_out)
    weight = np.zeros(len(rows))
    if len(rows):
        assert as_of is not None and record_start is not None
        first, last = periods.first[rows], periods.last[rows]
        keys, codes = np.unique(np.stack([first, last], axis=1), axis=0, return_inverse=True)
        end, start = as_of.toordinal(), record_start.toordinal()
        weights = [
            mean_decay(
                (end - min(int(b), end)) / DAYS_PER_YEAR,
                (end - max(int(a), start)) / DAYS_PER_YEAR,
                settings.half_life_years,
            )
            for a, b in keys.tolist()
        ]
        weight = np.array(weights, dtype=np.float64)[codes.reshape(-1)]
    counted = Counted(
        rows=rows,
        base_index=bases[rows],
        weapon_index=weapons[rows],
        weight=weight,
        first_day=periods.first[rows],
        attack_id=table.column("attack_id")[rows],
        killed=table.column("killed")[rows],
        wounded=table.column("wounded")[rows],
    )

    years = observed = 0.0
    if record_start is not None and as_of is not None:
        days = max((as_of - record_start).days, 1)  # a window is never shorter than a day
        years = observation_years(days / DAYS_PER_YEAR, settings.half_life_years)
        observed = observed_years(scenario, years, record_start, as_of)
    ids = table.column("attack_id")
    excluded = tuple(ExcludedAttack(ids[row], reasons[row]) for row in sorted(reasons))
    return Record(as_of, record_start, years, counted, excluded, observed)


def _indices(values: ObjectArray, index: dict[str, int]) -> npt.NDArray[np.intp]:
    """Each value's position in ``index``, -1 where it is not there (or ``None``)."""
    codes, uniques = distinct(values)
    found = np.array([index.get(u, -1) if u is not None else -1 for u in uniques], dtype=np.intp)
    return found[codes] if len(values) else np.zeros(0, dtype=np.intp)


def observed_years(
    scenario: Scenario, window_years: float, record_start: dt.date, as_of: dt.date
) -> float:
    """The window's decayed years, each weighed by the share of attacks the record holds.

    Attacks reach the record with probability ``c`` (the completeness sheet's share on
    the days it covers, ``settings.record_completeness`` elsewhere), so the count on
    record is Poisson with mean ``rate x sum of c x decayed time``: this sum.
    """
    default = scenario.settings.record_completeness
    half_life = scenario.settings.half_life_years
    total = default * window_years
    for period in scenario.completeness:
        end = min(period.period_end + dt.timedelta(days=1), as_of)
        youngest = (as_of - end).days / DAYS_PER_YEAR
        oldest = (as_of - max(period.period_start, record_start)).days / DAYS_PER_YEAR
        if oldest > youngest:
            decayed = mean_decay(youngest, oldest, half_life) * (oldest - youngest)
            total += (period.completeness - default) * decayed
    return total


def _why_left_out(
    attack: AttackRow,
    as_of: dt.date | None,
    base_index: dict[str, int],
    weapon_index: dict[str, int],
) -> str | None:
    if attack.base_id is None:
        return f"site {attack.site!r} is not a base of the theater"
    if attack.base_id not in base_index:
        return f"base_id {attack.base_id!r} is not on the bases sheet"
    if attack.weapon not in weapon_index:
        return f"weapon {attack.weapon!r} is not on the weapons sheet"
    if attack.date is None:
        return "undated"
    if as_of is not None and period_of(attack)[0] > as_of:
        return f"dated {_dated(attack)} after as_of {as_of}"
    return None


def _dated(attack: AttackRow) -> str:
    assert attack.date is not None
    return format_partial_date(attack.date, attack.precision)
