"""Theaters built in code for tests: one small hand-checkable theater and random ones.

``small_scenario()`` is a three-base theater a reader can check on paper; pass any
``Scenario`` field to replace it (``small_scenario(attacks=())``). The row helpers
(``base``, ``zone``, ``attack``…) fill the columns a test does not care about, and
``theaters()`` draws random valid theaters for hypothesis.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from openpyxl import Workbook

from defplan.scenario import (
    AttackRow,
    BaseRow,
    DeployedRow,
    EffectivenessRow,
    Scenario,
    Settings,
    SystemRow,
    ThreatZoneRow,
    WeaponRow,
)

AS_OF = dt.date(2024, 1, 1)


def bases_workbook(path: Path, rows: list[list[Any]]) -> Path:
    """An .xlsx at ``path`` holding one sheet, "bases", of these rows (header first)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "bases"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def base(
    base_id: str, *, lat: float = 33.0, lon: float = 44.0, troops: int = 1000, **fields: Any
) -> BaseRow:
    """A base; ``name`` defaults to the id in capitals."""
    fields.setdefault("name", base_id.upper())
    return BaseRow(base_id=base_id, lat=lat, lon=lon, troops=troops, **fields)


def weapon(name: str, *, reach_km: float = 40.0, severity_prior: float = 1.0) -> WeaponRow:
    return WeaponRow(weapon=name, reach_km=reach_km, severity_prior=severity_prior)


def zone(
    zone_id: str,
    *,
    lat: float = 33.0,
    lon: float = 44.0,
    radius_km: float = 20.0,
    weapons: tuple[str, ...] = ("rocket",),
    intensity: float = 2.0,
    **fields: Any,
) -> ThreatZoneRow:
    fields.setdefault("actor", "militia")
    return ThreatZoneRow(
        zone_id=zone_id,
        lat=lat,
        lon=lon,
        radius_km=radius_km,
        weapons=weapons,
        intensity=intensity,
        **fields,
    )


def attack(
    attack_id: str,
    base_id: str | None,
    *,
    date: dt.date | str | None = None,
    weapon: str = "rocket",
    **fields: Any,
) -> AttackRow:
    """An attack; ``date`` may be a day or text such as ``"2023-09"`` or ``"2022"``."""
    if base_id is None:
        fields.setdefault("site", "a town outside the theater")
    return AttackRow(attack_id=attack_id, base_id=base_id, date=date, weapon=weapon, **fields)


def with_settings(scenario: Scenario, **changes: Any) -> Scenario:
    """The scenario with some settings changed (validated like the settings sheet)."""
    settings = Settings(**{**scenario.settings.model_dump(), **changes})
    return dataclasses.replace(scenario, settings=settings)


def small_scenario(**overrides: Any) -> Scenario:
    """Three bases near Baghdad and one far north, two zones, five attack rows.

    alpha and bravo sit inside or near the ``south`` zone (rockets and drones);
    charlie is a closed base with no troops. The record: two rocket attacks on
    alpha (one dated to a month), a drone attack on bravo dated to a year, one on
    a site outside the theater and one undated.
    """
    fields: dict[str, Any] = {
        "bases": (
            base("alpha", lat=33.0, lon=44.0, troops=2000, hardening=0.2),
            base("bravo", lat=33.5, lon=44.4, troops=500, mission_value=2.0),
            base("charlie", lat=36.2, lon=43.9, troops=0, status="closed"),
        ),
        "systems": (
            SystemRow(system_id="cram", name="C-RAM", mode="point", inventory=2),
            SystemRow(system_id="patriot", name="Patriot", mode="area", inventory=1, range_km=100),
        ),
        "effectiveness": (
            EffectivenessRow(system_id="cram", weapon="rocket", p_intercept=0.7),
            EffectivenessRow(system_id="cram", weapon="drone", p_intercept=0.5),
            EffectivenessRow(system_id="patriot", weapon="ballistic_missile", p_intercept=0.8),
        ),
        "weapons": (
            weapon("rocket", reach_km=40.0, severity_prior=1.5),
            weapon("drone", reach_km=300.0, severity_prior=1.0),
            weapon("ballistic_missile", reach_km=1000.0, severity_prior=4.0),
        ),
        "threat_zones": (
            zone(
                "south",
                lat=32.9,
                lon=44.1,
                radius_km=15.0,
                weapons=("rocket", "drone"),
                intensity=6.0,
            ),
            zone(
                "east",
                lat=33.0,
                lon=47.0,
                radius_km=50.0,
                weapons=("ballistic_missile",),
                intensity=0.5,
            ),
        ),
        "attacks": (
            attack("a1", "alpha", date=dt.date(2023, 5, 10), killed=0, wounded=2),
            attack("a2", "alpha", date="2023-09", killed=1),
            attack("a3", "bravo", date="2022", weapon="drone"),
            attack("a4", None, date=dt.date(2023, 11, 2), weapon="drone", site="Erbil airport"),
            attack("a5", "bravo", weapon="rocket"),
        ),
        "settings": Settings(as_of=AS_OF),
    }
    fields.update(overrides)
    return Scenario(**fields)


def planning_theater(**overrides: Any) -> Scenario:
    """small_scenario with a fourth base (delta), more units than the bases need, and
    today's deployment (a C-RAM at bravo and at delta) to move from."""
    scenario = small_scenario()
    fields: dict[str, Any] = {
        "bases": (*scenario.bases, base("delta", lat=33.2, lon=44.2, troops=800)),
        "systems": (
            SystemRow(system_id="cram", name="C-RAM", mode="point", inventory=3, max_per_base=2),
            SystemRow(system_id="patriot", name="Patriot", mode="area", inventory=1, range_km=40),
        ),
        "deployed": (
            DeployedRow(base_id="bravo", system_id="cram", units=1),
            DeployedRow(base_id="delta", system_id="cram", units=1),
        ),
    }
    fields.update(overrides)
    return dataclasses.replace(scenario, **fields)


# --- random theaters for hypothesis -------------------------------------------------

WEAPONS = ("rocket", "drone")
FIRST_DAY, LAST_DAY = dt.date(2018, 1, 1), dt.date(2024, 12, 31)
latitudes = st.floats(30.0, 37.0)
longitudes = st.floats(38.0, 48.0)
days = st.dates(FIRST_DAY, LAST_DAY)
# a weight of exactly 0 in about a quarter of the theaters
weights = st.one_of(st.floats(0.1, 3.0), st.floats(0.5, 2.0), st.floats(0.0, 3.0), st.just(0.0))


@st.composite
def bases(draw: st.DrawFn, *, extreme: bool = False) -> tuple[BaseRow, ...]:
    count = draw(st.integers(1, 4))
    most_troops = 1_000_000 if extreme else 20_000
    return tuple(
        base(
            f"b{i}",
            lat=draw(latitudes),
            lon=draw(longitudes),
            troops=draw(st.integers(0, most_troops)),
            mission_value=draw(st.floats(0.0, 100.0 if extreme else 3.0)),
            hardening=draw(st.floats(0.0, 1.0)),
        )
        for i in range(count)
    )


@st.composite
def zones(draw: st.DrawFn, *, extreme: bool = False) -> tuple[ThreatZoneRow, ...]:
    found = []
    for i in range(draw(st.integers(0, 3))):
        active = draw(st.sampled_from(["always", "window"]))
        window: dict[str, dt.date] = {}
        if active == "window":
            start, end = sorted((draw(days), draw(days)))
            window = {"active_from": start, "active_to": end}
        found.append(
            zone(
                f"z{i}",
                lat=draw(latitudes),
                lon=draw(longitudes),
                radius_km=draw(st.floats(0.0, 150.0)),
                weapons=tuple(draw(st.lists(st.sampled_from(WEAPONS), min_size=1, unique=True))),
                intensity=draw(st.floats(0.0, 10_000.0 if extreme else 50.0)),
                **window,
            )
        )
    return tuple(found)


counts = st.one_of(st.none(), st.integers(0, 50))


@st.composite
def attacks(draw: st.DrawFn, base_ids: tuple[str, ...], *, most: int = 8) -> tuple[AttackRow, ...]:
    rows = []
    for i in range(draw(st.integers(0, most))):
        base_id = draw(st.one_of(st.sampled_from(base_ids), st.none()))
        dated = draw(st.booleans()) or draw(st.booleans())  # a quarter are undated
        rows.append(
            attack(
                f"a{i}",
                base_id,
                date=draw(days) if dated else None,
                date_precision=draw(st.sampled_from(["day", "month", "year"])),
                weapon=draw(st.sampled_from(WEAPONS)),
                killed=draw(counts),
                wounded=draw(counts),
            )
        )
    return tuple(rows)


@st.composite
def risk_settings(draw: st.DrawFn, *, extreme: bool = False) -> Settings:
    return Settings(
        as_of=draw(st.one_of(st.none(), days)),
        half_life_years=draw(st.floats(1e-3, 1e3) if extreme else st.floats(0.25, 20.0)),
        troop_weight=draw(st.floats(0.0, 5.0) if extreme else weights),
        history_weight=draw(weights),
        proximity_weight=draw(weights),
        wounded_weight=draw(st.floats(0.0, 1.0)),
        prior_years=draw(st.floats(1e-3, 1e3) if extreme else st.floats(0.1, 5.0)),
        severity_prior_attacks=draw(st.floats(0.0, 10.0)),
    )


@st.composite
def theaters(draw: st.DrawFn, *, extreme: bool = False) -> Scenario:
    """A random valid theater: 1-4 bases, 0-3 zones, 0-8 attacks, rockets and drones.

    ``extreme=True`` widens troops, intensities and settings to the edges a valid
    workbook may reach (still within what a float holds).
    """
    drawn_bases = draw(bases(extreme=extreme))
    return small_scenario(
        bases=drawn_bases,
        weapons=tuple(
            weapon(
                name,
                reach_km=draw(st.floats(1.0, 1000.0)),
                severity_prior=draw(st.floats(0.0, 10.0)),
            )
            for name in WEAPONS
        ),
        effectiveness=(),
        threat_zones=draw(zones(extreme=extreme)),
        attacks=draw(attacks(tuple(b.base_id for b in drawn_bases))),
        settings=draw(risk_settings(extreme=extreme)),
    )
