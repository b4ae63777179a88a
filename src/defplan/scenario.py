"""Validated input types: one pydantic model per workbook row, and the ``Scenario``.

A ``Scenario`` is what every later stage (risk, plan, posture, reports) takes. It is
built only by :mod:`defplan.workbook` (or by code that constructs the rows itself),
so a stage holding one can trust every value in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from defplan.errors import Problem
from defplan.fields import (
    ClassFractions,
    ClassNumbers,
    Count,
    DatePrecision,
    Day,
    Fraction,
    Id,
    Key,
    KeyList,
    Latitude,
    Longitude,
    NonNegativeFloat,
    Noun,
    PositiveCount,
    PositiveFloat,
    PositiveShare,
    Probability,
    Text,
    TextList,
    cell_text,
    date_from_cell,
    key_from_cell,
    number_from_cell,
    parse_partial_date,
    truncate_date,
)

BaseStatus = Literal["open", "closed", "candidate"]
SystemMode = Literal["point", "area"]
RuleKind = Literal["min_units", "max_units", "lock", "forbid"]
OptionAction = Literal["close", "move_troops", "move_system"]
BaseOwner = Literal["coalition", "partner", "watch"]
Falloff = Literal["linear", "none"]

StatusCell = Annotated[BaseStatus, BeforeValidator(key_from_cell), Noun("a base status")]
ModeCell = Annotated[SystemMode, BeforeValidator(key_from_cell), Noun("a system mode")]
RuleKindCell = Annotated[RuleKind, BeforeValidator(key_from_cell), Noun("a rule kind")]
ActionCell = Annotated[OptionAction, BeforeValidator(key_from_cell), Noun("an option action")]
PrecisionCell = Annotated[DatePrecision, BeforeValidator(key_from_cell), Noun("a date precision")]
YesNoCell = Annotated[Literal["yes", "no"], BeforeValidator(key_from_cell), Noun("yes or no")]
OwnerCell = Annotated[BaseOwner, BeforeValidator(key_from_cell), Noun("a base owner")]
FalloffCell = Annotated[Falloff, BeforeValidator(key_from_cell), Noun("a fall-off")]

#: The largest seed every backend takes (HiGHS and CP-SAT hold it in a 32-bit int).
MAX_SEED = 2**31 - 1


class Row(BaseModel):
    """A validated row. Columns the schema does not know are kept in ``model_extra``."""

    model_config = ConfigDict(frozen=True, extra="allow", str_strip_whitespace=True)

    #: the sheet this row type is read from
    sheet: ClassVar[str]
    #: the columns whose values must be unique across the sheet
    key: ClassVar[tuple[str, ...]] = ()
    #: one line per column for the template, the README and messages
    help: ClassVar[dict[str, str]] = {}

    notes: Text | None = None

    @property
    def extras(self) -> dict[str, str]:
        """The columns this row type does not know, as read (kept, never dropped)."""
        return dict(self.model_extra or {})


class BaseRow(Row):
    """A row of the bases sheet: a site, its troops and what protects them."""

    sheet = "bases"
    key = ("base_id",)
    help = {
        "base_id": "short id the other sheets use, e.g. al_asad",
        "name": "the base's name",
        "aliases": "other names a news report would use, separated by ;",
        "lat": "latitude in decimal degrees (WGS84), -90 to 90",
        "lon": "longitude in decimal degrees (WGS84), -180 to 180",
        "country": "country",
        "region": "province or governorate",
        "troops": "personnel present (whole number, 0 or more)",
        "mission_value": "how much the mission needs this base, 1 = typical (0 or more)",
        "hardening": "share of harm bunkers and dispersal already prevent, 0 to 1",
        "capacity": "troops the base can hold; blank = no limit",
        "status": "open, closed or candidate (a site that may be opened)",
        "receives_air": "yes if a unit can be flown in (an airfield that takes it); blank = no",
        "owner": "coalition (ours to defend; blank = coalition), partner (a partner's base: "
        "listed apart, out of our totals) or watch (a site we only watch)",
        "hardening_by_weapon": "hardening per weapon class where it differs from hardening, "
        "e.g. rocket: 0.6; drone: 0.3",
        "warning_minutes": "early warning per weapon class, minutes, e.g. rocket: 0.5; "
        "ballistic_missile: 8 (blank = none)",
        "shelter_minutes": "minutes the people on the base need to reach shelter "
        "(blank = no shelters)",
        "notes": "free text",
    }

    base_id: Id
    name: Text
    aliases: TextList = ()
    lat: Latitude
    lon: Longitude
    country: Text | None = None
    region: Text | None = None
    troops: Count
    mission_value: NonNegativeFloat = 1.0
    hardening: Fraction = 0.0
    capacity: Count | None = None
    status: StatusCell = "open"
    receives_air: YesNoCell | None = None
    owner: OwnerCell = "coalition"
    hardening_by_weapon: ClassFractions = ()
    warning_minutes: ClassNumbers = ()
    shelter_minutes: NonNegativeFloat | None = None

    @property
    def takes_air(self) -> bool:
        """Whether a unit can be flown in (blank means road only)."""
        return self.receives_air == "yes"

    @property
    def ours(self) -> bool:
        """Whether its defense and its risk are ours to plan."""
        return self.owner == "coalition"


class SystemRow(Row):
    """A row of the systems sheet: a defensive system, how many units and how they move."""

    sheet = "systems"
    key = ("system_id",)
    help = {
        "system_id": "short id, e.g. cram",
        "name": "the system's name",
        "mode": "point (defends its host base) or area (every base within range_km)",
        "inventory": "units on hand (whole number)",
        "range_km": "defended radius in km; required for area systems",
        "max_per_base": "most units one base can take; blank = no limit",
        "crew": "personnel per unit (information only)",
        "teardown_days": "days to take a unit down before it moves; blank = 0",
        "emplace_days": "days to set a unit up and make it ready where it arrives; blank = 0",
        "road_km_per_day": (
            "road march, km per day (a route's travel_hours wins); blank = the road move "
            "takes no time unless the routes sheet gives travel_hours"
        ),
        "air_days": (
            "days a move by air takes, door to door, to a base that receives_air; blank = road only"
        ),
        "channels": "rounds one unit engages in one raid (fire channels); blank = every round",
        "magazine": (
            "interceptors one unit holds at the start of a raid, one per engagement; "
            "blank = no limit"
        ),
        "reload_hours": (
            "hours to refill the magazine after a raid; a raid sooner finds it refilling "
            "(see docs/allocation.md); blank = at once"
        ),
        "notes": "free text",
    }

    system_id: Id
    name: Text
    mode: ModeCell
    inventory: Count
    range_km: NonNegativeFloat = 0.0
    max_per_base: PositiveCount | None = None
    crew: Count | None = None
    teardown_days: NonNegativeFloat = 0.0
    emplace_days: NonNegativeFloat = 0.0
    road_km_per_day: PositiveFloat | None = None
    air_days: NonNegativeFloat | None = None
    channels: PositiveCount | None = None
    magazine: PositiveCount | None = None
    reload_hours: NonNegativeFloat | None = None

    @property
    def raid_capacity(self) -> float:
        """Rounds one unit engages in one raid: the fewer of its channels and its
        magazine, ``inf`` when neither is given."""
        limits = [v for v in (self.channels, self.magazine) if v is not None]
        return float(min(limits)) if limits else float("inf")

    @model_validator(mode="after")
    def _area_needs_range(self) -> SystemRow:
        if self.mode == "area" and self.range_km <= 0:
            raise ValueError("range_km|an area system needs a range_km above 0")
        return self


class EffectivenessRow(Row):
    """A row of the effectiveness sheet: how likely one unit defeats one attack of a class."""

    sheet = "effectiveness"
    key = ("system_id", "weapon")
    help = {
        "system_id": "a system_id from the systems sheet",
        "weapon": "a weapon class from the weapons sheet",
        "p_intercept": "chance one unit defeats one attack of this class, 0 to 1",
        "p_low": (
            "lowest plausible p_intercept (blank = p_intercept); robust draws p from a "
            "triangular distribution from p_low through p_intercept to p_high"
        ),
        "p_high": "highest plausible p_intercept (blank = p_intercept)",
        "notes": "free text",
    }

    system_id: Id
    weapon: Key
    p_intercept: Probability
    p_low: Probability | None = None
    p_high: Probability | None = None

    @model_validator(mode="after")
    def _range_holds_p(self) -> EffectivenessRow:
        if self.p_low is not None and self.p_low > self.p_intercept:
            raise ValueError(f"p_low|{self.p_low} is above p_intercept {self.p_intercept}")
        if self.p_high is not None and self.p_high < self.p_intercept:
            raise ValueError(f"p_high|{self.p_high} is below p_intercept {self.p_intercept}")
        return self


class WeaponRow(Row):
    """A row of the weapons sheet: a threat class, its reach and its prior severity."""

    sheet = "weapons"
    key = ("weapon",)
    help = {
        "weapon": "threat class, e.g. rocket, mortar, drone, ballistic_missile",
        "name": "description",
        "reach_km": "how far from its launch point the class reaches, km",
        "severity_prior": "casualty-equivalents per attack expected before any record",
        "falloff": "linear (attacks thin out from a zone's edge to reach_km past it: "
        "indirect fire) or none (every base within reach is hit alike: guided weapons); "
        "blank = linear",
        "salvo_mean": (
            "rounds per attack expected before the record's munitions, 1 or more; "
            "blank = 1, or the record's mean where it states munitions"
        ),
        "salvo_dispersion": (
            "spread of salvo sizes: the negative binomial's size (smaller = wider); blank = Poisson"
        ),
        "salvo_prior_weight": (
            "how many recorded attacks salvo_mean is worth when pooled with the record; blank = 1"
        ),
        "notes": "free text",
    }

    weapon: Key
    name: Text | None = None
    reach_km: PositiveFloat
    severity_prior: NonNegativeFloat
    falloff: FalloffCell = "linear"
    salvo_mean: PositiveFloat | None = None
    salvo_dispersion: PositiveFloat | None = None
    salvo_prior_weight: NonNegativeFloat | None = None

    @model_validator(mode="after")
    def _a_salvo_has_a_round(self) -> WeaponRow:
        if self.salvo_mean is not None and self.salvo_mean < 1.0:
            raise ValueError(
                f"salvo_mean|{self.salvo_mean} is below 1 (expected at least one round per attack)"
            )
        return self


class ThreatZoneRow(Row):
    """A row of the threat_zones sheet: an area attacks come from, and how often."""

    sheet = "threat_zones"
    key = ("zone_id",)
    help = {
        "zone_id": "short id, e.g. jurf",
        "actor": "who operates from it",
        "lat": "centre latitude",
        "lon": "centre longitude",
        "radius_km": "radius of the area launches may come from, km",
        "weapons": "weapon classes the actor uses here, separated by ;",
        "intensity": "attacks per year the zone sends at a base it reaches",
        "intensity_low": (
            "lowest plausible intensity (blank = intensity); robust draws it from a "
            "triangular distribution from intensity_low through intensity to intensity_high"
        ),
        "intensity_high": "highest plausible intensity (blank = intensity)",
        "intensity_by_weapon": "attacks per year per weapon class where it differs from "
        "intensity, e.g. rocket: 6; drone: 0.5",
        "active_from": "first day the zone counts (blank = always)",
        "active_to": "last day the zone counts (blank = still active)",
        "notes": "free text",
    }

    zone_id: Id
    actor: Text
    lat: Latitude
    lon: Longitude
    radius_km: NonNegativeFloat
    weapons: KeyList
    intensity: NonNegativeFloat
    intensity_low: NonNegativeFloat | None = None
    intensity_high: NonNegativeFloat | None = None
    intensity_by_weapon: ClassNumbers = ()
    active_from: Day | None = None
    active_to: Day | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> ThreatZoneRow:
        if self.intensity_low is not None and self.intensity_low > self.intensity:
            raise ValueError(
                f"intensity_low|{self.intensity_low} is above intensity {self.intensity}"
            )
        if self.intensity_high is not None and self.intensity_high < self.intensity:
            raise ValueError(
                f"intensity_high|{self.intensity_high} is below intensity {self.intensity}"
            )
        if not self.weapons:
            raise ValueError("weapons|is blank (expected at least one weapon class)")
        for item in self.intensity_by_weapon:
            if item.weapon not in self.weapons:
                raise ValueError(
                    f"intensity_by_weapon|names {item.weapon!r}, which is not in this zone's "
                    f"weapons ({'; '.join(self.weapons)})"
                )
        if self.active_from and self.active_to and self.active_from > self.active_to:
            raise ValueError(f"active_to|{self.active_to} is before active_from {self.active_from}")
        return self

    def intensity_of(self, weapon: str) -> float:
        """Attacks per year with ``weapon`` at a base it reaches (0 if not its weapon)."""
        if weapon not in self.weapons:
            return 0.0
        return next(
            (v.value for v in self.intensity_by_weapon if v.weapon == weapon), self.intensity
        )


class AttackRow(Row):
    """A row of the attacks sheet: one recorded attack, its counts and its sources."""

    sheet = "attacks"
    key = ("attack_id",)
    help = {
        "attack_id": "short id, e.g. a2020_03_11_taji",
        "date": "the day, or 2020-03 / 2020 when only the month or year is known",
        "date_precision": "day, month or year (blank = read from the date)",
        "base_id": "the base hit; blank when the site is not in the theater",
        "site": "the site as the source names it",
        "actor": "who attacked, if known",
        "weapon": "weapon class from the weapons sheet",
        "munitions": "rockets, drones or missiles fired (blank = not reported)",
        "killed": "killed (blank = not reported, which is not 0)",
        "wounded": "wounded (blank = not reported, which is not 0)",
        "source": "article files or references, separated by ;",
        "evidence": "where in each source: file:start-end character spans, separated by ;",
        "notes": "free text",
    }

    attack_id: Id
    date: dt.date | None = None
    date_precision: PrecisionCell | None = None
    base_id: Id | None = None
    site: Text | None = None
    actor: Text | None = None
    weapon: Key
    munitions: Count | None = None
    killed: Count | None = None
    wounded: Count | None = None
    source: TextList = ()
    evidence: TextList = ()

    @model_validator(mode="before")
    @classmethod
    def _read_partial_date(cls, data: Any) -> Any:
        """A date cell may say only the month or the year; keep that precision."""
        if not isinstance(data, dict) or data.get("date") is None:
            return data
        raw = data["date"]
        if isinstance(raw, dt.date | dt.datetime):
            day, precision = date_from_cell(raw), "day"
        else:
            parsed = parse_partial_date(str(raw))
            if parsed is None:
                raise ValueError(
                    f"date|{raw!r} is not a date (expected e.g. 2020-03-11 or 2020-03)"
                )
            day, precision = parsed
        stated = data.get("date_precision")
        if stated is not None:
            stated = key_from_cell(stated)
            if stated not in ("day", "month", "year"):
                # left as written, so the column's own check names it ('mnth': month?)
                return {**data, "date": day}
            day = truncate_date(day, stated)
            precision = stated
        return {**data, "date": day, "date_precision": precision}

    @model_validator(mode="after")
    def _site_named(self) -> AttackRow:
        if self.base_id is None and not self.site:
            raise ValueError("base_id|is blank and so is site (expected one of them)")
        return self

    @property
    def precision(self) -> DatePrecision:
        """How precisely the date is known: day, month or year (day when not given)."""
        return self.date_precision or "day"


class DeployedRow(Row):
    """A row of the deployed sheet: units of a system at a base today."""

    sheet = "deployed"
    key = ("base_id", "system_id")
    help = {
        "base_id": "where the units are now",
        "system_id": "which system",
        "units": "how many units (whole number, 1 or more)",
        "notes": "free text",
    }

    base_id: Id
    system_id: Id
    units: PositiveCount


class RuleRow(Row):
    """A row of the rules sheet: a planner's min_units, max_units, lock or forbid."""

    sheet = "rules"
    help = {
        "kind": "min_units, max_units, lock (keep the deployed units) or forbid",
        "base_id": "the base the rule is about",
        "system_id": "the system (blank with forbid = every system)",
        "value": "units for min_units / max_units; for lock blank = as deployed",
        "notes": "why the rule exists",
    }

    kind: RuleKindCell
    base_id: Id
    system_id: Id | None = None
    value: Count | None = None

    @model_validator(mode="after")
    def _complete(self) -> RuleRow:
        if self.kind in ("min_units", "max_units", "lock") and self.system_id is None:
            raise ValueError(f"system_id|is blank (a {self.kind} rule needs a system)")
        if self.kind in ("min_units", "max_units") and self.value is None:
            raise ValueError(f"value|is blank (a {self.kind} rule needs a number of units)")
        return self


class OptionRow(Row):
    """A row of the options sheet: one action (close, move troops, move a system) of a
    posture option."""

    sheet = "options"
    help = {
        "option_id": "name of the option; several rows with one id form one option",
        "action": "close (a base), move_troops or move_system",
        "base_id": "the base closed, or moved from",
        "to_base_id": "the receiving base (blank with close = spread within capacity)",
        "system_id": "the system moved (move_system only)",
        "units": "troops (move_troops) or system units (move_system) moved",
        "notes": "free text",
    }

    option_id: Id
    action: ActionCell
    base_id: Id
    to_base_id: Id | None = None
    system_id: Id | None = None
    units: Count | None = None

    @model_validator(mode="after")
    def _complete(self) -> OptionRow:
        if self.action in ("move_troops", "move_system"):
            if self.to_base_id is None:
                raise ValueError(f"to_base_id|is blank (a {self.action} needs a receiving base)")
            if self.units is None:
                raise ValueError(f"units|is blank (a {self.action} needs a number)")
        if self.action == "move_system" and self.system_id is None:
            raise ValueError("system_id|is blank (a move_system needs a system)")
        if self.to_base_id is not None and self.to_base_id == self.base_id:
            raise ValueError("to_base_id|is the same base as base_id")
        return self


class RouteRow(Row):
    """A row of the routes sheet: a route's length between two bases."""

    sheet = "routes"
    key = ("from_base", "to_base")
    help = {
        "from_base": "a base_id",
        "to_base": "a base_id",
        "distance_km": "route length in km (used instead of the great-circle distance)",
        "travel_hours": "time to move a unit along it (blank = not known)",
        "notes": "free text",
    }

    from_base: Id
    to_base: Id
    distance_km: PositiveFloat
    travel_hours: NonNegativeFloat | None = None


class CompletenessRow(Row):
    """A row of the completeness sheet: the share of a period's attacks on record."""

    sheet = "completeness"
    key = ("period_start",)
    help = {
        "period_start": "first day of the period",
        "period_end": "last day of the period",
        "completeness": "share of the attacks of the period that reached the record, "
        "above 0 up to 1 (days outside every period use the record_completeness setting)",
        "notes": "why this share (which sources were searched, what they miss)",
    }

    period_start: Day
    period_end: Day
    completeness: Annotated[
        float,
        BeforeValidator(number_from_cell),
        Field(gt=0, le=1),
        Noun("a share above 0 up to 1"),
    ]

    @model_validator(mode="after")
    def _in_order(self) -> CompletenessRow:
        if self.period_end < self.period_start:
            raise ValueError(f"period_end|{self.period_end} is before period_start")
        return self


class AssumptionRow(Row):
    """A row of the assumptions sheet: a value that is assumed, why, and its source."""

    sheet = "assumptions"
    help = {
        "sheet": "the sheet holding the assumed value",
        "item": "the row (id) it is on",
        "column": "the column",
        "value": "the value assumed",
        "basis": "why this value",
        "source": "where the facts behind it come from",
    }

    # the sheet column is named "sheet"; the Python attribute cannot shadow the ClassVar
    sheet_name: str = Field(alias="sheet")
    item: str | None = None
    column: str | None = None
    value: str | None = None
    basis: str | None = None
    source: str | None = None

    model_config = ConfigDict(populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _all_text(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: (v if v is None else cell_text(v)) for k, v in data.items()}
        return data


ROW_TYPES: tuple[type[Row], ...] = (
    BaseRow,
    SystemRow,
    EffectivenessRow,
    WeaponRow,
    ThreatZoneRow,
    AttackRow,
    DeployedRow,
    RuleRow,
    OptionRow,
    RouteRow,
    CompletenessRow,
    AssumptionRow,
)
REQUIRED_SHEETS: tuple[str, ...] = ("bases", "systems", "effectiveness", "weapons")


class Settings(BaseModel):
    """The knobs of the settings sheet (key, value), each with a documented default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_of: Day | None = Field(
        default=None, description="risk is computed as of this day (blank = latest attack)"
    )
    record_start: Day | None = Field(
        default=None,
        description=(
            "first day the attack record covers (blank = the earliest attack, "
            "and at least a year before as_of)"
        ),
    )
    half_life_years: PositiveFloat = Field(
        default=2.0, description="an attack counts half as much after this many years"
    )
    reference_troops: PositiveFloat = Field(
        default=1000.0,
        description="garrison size exposure is measured against (severity is per attack on it)",
    )
    troop_weight: NonNegativeFloat = Field(
        default=1.0, description="exponent on troops in exposure (0 = troops do not matter)"
    )
    history_weight: NonNegativeFloat = Field(
        default=1.0, description="weight of the attack record in the rate (0 = ignore it)"
    )
    proximity_weight: NonNegativeFloat = Field(
        default=1.0, description="weight of the threat-zone prior in the rate (0 = ignore it)"
    )
    wounded_weight: NonNegativeFloat = Field(
        default=0.25, description="casualty-equivalents per wounded (killed count 1)"
    )
    prior_years: PositiveFloat = Field(
        default=1.0, description="how many years of record the geographic prior is worth"
    )
    severity_prior_attacks: NonNegativeFloat = Field(
        default=2.0, description="how many attacks' worth of weight the severity prior has"
    )
    record_completeness: PositiveShare = Field(
        default=1.0,
        description="share of attacks that reach the record (the completeness sheet sets "
        "it per period)",
    )
    record_completeness_low: PositiveShare | None = Field(
        default=None,
        description="lowest plausible record_completeness (blank = no spread); robust draws "
        "it triangular from here through record_completeness to record_completeness_high",
    )
    record_completeness_high: PositiveShare | None = Field(
        default=None,
        description="highest plausible record_completeness (blank = no spread)",
    )
    shelter_protection: Fraction = Field(
        default=0.8, description="share of harm a shelter prevents for those who reach it"
    )
    partner_weight: NonNegativeFloat = Field(
        default=0.0,
        description="weight of a partner base's risk in the plan (0 = our units defend "
        "only our bases)",
    )
    objective: Annotated[
        Literal["expected", "worst_case", "blend", "attacker"],
        BeforeValidator(key_from_cell),
        Noun("an objective"),
    ] = Field(
        default="expected",
        description="expected, worst_case, blend or attacker (the attacker_raids worst bases)",
    )
    blend_weight: Fraction = Field(
        default=0.5, description="with blend: weight of worst_case against expected"
    )
    attacker_raids: PositiveCount = Field(
        default=1,
        description="with attacker: raids an attacker who sees the posture spends, one per base",
    )
    solver: str = Field(default="default", description="a solver profile from solvers/")
    time_limit_s: PositiveFloat = Field(default=60.0, description="solver time limit, seconds")
    # below 1: a gap of 1 accepts any allocation, and plan() refuses it at solve time
    mip_gap: NonNegativeFloat = Field(default=0.0, lt=1, description="relative gap to stop at")
    max_moves: Count | None = Field(
        default=None, description="most units moved from the deployment (blank = any)"
    )
    min_move_gain: NonNegativeFloat = Field(
        default=0.0,
        description=(
            "risk a year a unit must remove to be moved from where it stands today "
            "(casualty-equivalents; smaller gains are noise and the unit stays)"
        ),
    )
    coverage_distance: Annotated[
        Literal["great_circle", "routes"],
        BeforeValidator(key_from_cell),
        Noun("a distance kind"),
    ] = Field(default="great_circle", description="great_circle or routes")
    seed: Count = Field(default=0, le=MAX_SEED, description="seed for every random choice")
    lift_units: PositiveCount | None = Field(
        default=None,
        description="system units the theater's lift can carry at once, road and air "
        "(blank = no limit)",
    )
    moves_start: Day | None = Field(
        default=None,
        description="the day the first move may start (blank = the schedule counts days from 0)",
    )
    planning_horizon_days: PositiveCount = Field(
        default=365,
        description="days a move's gain is weighed over against the exposure of its "
        "teardown, transit and emplacement",
    )


@dataclass(frozen=True)
class SourceFile:
    """An input file as read: its path as given and the SHA-256 of its bytes."""

    path: str
    sha256: str


@dataclass(frozen=True)
class Provenance:
    """Where a scenario came from and what reading it noticed."""

    source: str = "<built in code>"
    files: tuple[SourceFile, ...] = ()
    notices: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A validated theater. Equality compares the data, not where it was read from."""

    bases: tuple[BaseRow, ...]
    systems: tuple[SystemRow, ...]
    effectiveness: tuple[EffectivenessRow, ...]
    weapons: tuple[WeaponRow, ...]
    threat_zones: tuple[ThreatZoneRow, ...] = ()
    #: a tuple, or (read from a workbook) an AttackTable: a sequence of rows either way
    attacks: Sequence[AttackRow] = ()
    deployed: tuple[DeployedRow, ...] = ()
    rules: tuple[RuleRow, ...] = ()
    options: tuple[OptionRow, ...] = ()
    routes: tuple[RouteRow, ...] = ()
    completeness: tuple[CompletenessRow, ...] = ()
    assumptions: tuple[AssumptionRow, ...] = ()
    settings: Settings = field(default_factory=Settings)
    provenance: Provenance = field(default_factory=Provenance, compare=False)

    def rows(self, sheet: str) -> tuple[Row, ...]:
        """The rows of one sheet by its name."""
        rows: tuple[Row, ...] = getattr(self, sheet)
        return rows

    @cached_property
    def base_by_id(self) -> Mapping[str, BaseRow]:
        """The bases by base_id."""
        return {b.base_id: b for b in self.bases}

    @cached_property
    def system_by_id(self) -> Mapping[str, SystemRow]:
        """The systems by system_id."""
        return {s.system_id: s for s in self.systems}

    @cached_property
    def weapon_by_id(self) -> Mapping[str, WeaponRow]:
        """The weapon classes by name."""
        return {w.weapon: w for w in self.weapons}

    @cached_property
    def p_intercept(self) -> Mapping[tuple[str, str], float]:
        """(system_id, weapon) → p_intercept; a missing pair does not engage."""
        return {(e.system_id, e.weapon): e.p_intercept for e in self.effectiveness}

    @cached_property
    def illustrative(self) -> tuple[AssumptionRow, ...]:
        """Assumptions-sheet rows that mark a value as illustrative, not a fact.

        A row counts when its ``basis`` or ``source`` says "illustrative"; every output
        made from the scenario says how many such values it rests on.
        """
        return tuple(
            a for a in self.assumptions if "illustrative" in f"{a.basis} {a.source}".lower()
        )

    def counts(self) -> dict[str, int]:
        """Rows per sheet, in workbook order."""
        return {t.sheet: len(self.rows(t.sheet)) for t in ROW_TYPES}
