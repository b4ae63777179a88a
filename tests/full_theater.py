"""A small theater that fills every sheet, built in code (checkable by hand)."""

from __future__ import annotations

import datetime as dt

from defplan.scenario import (
    AssumptionRow,
    AttackRow,
    BaseRow,
    DeployedRow,
    EffectivenessRow,
    OptionRow,
    RouteRow,
    RuleRow,
    Scenario,
    Settings,
    SystemRow,
    ThreatZoneRow,
    WeaponRow,
)


def full_theater() -> Scenario:
    """Four bases (one closed, one candidate), C-RAM and Patriot, every optional sheet."""
    bases = (
        BaseRow(
            base_id="alpha",
            name="Alpha Air Base",
            aliases=("Alpha", "Camp A"),
            lat=33.5,
            lon=44.25,
            country="Iraq",
            region="Baghdad",
            troops=1200,
            mission_value=1.5,
            hardening=0.2,
            capacity=3000,
            unit_note="hq",  # an extra column the planner keeps
        ),
        BaseRow(
            base_id="bravo",
            name="Bravo",
            lat=35.75,
            lon=43.1,
            troops=300,
        ),
        BaseRow(
            base_id="charlie",
            name="Charlie Site",
            lat=34.0,
            lon=42.5,
            troops=0,
            status="candidate",
        ),
        BaseRow(
            base_id="delta",
            name="Delta",
            lat=36.2,
            lon=44.0,
            troops=0,
            status="closed",
        ),
    )
    systems = (
        SystemRow(
            system_id="cram",
            name="C-RAM",
            mode="point",
            inventory=3,
            range_km=1.7,
            max_per_base=2,
            crew=20,
        ),
        SystemRow(system_id="patriot", name="Patriot", mode="area", inventory=1, range_km=30.0),
    )
    weapons = (
        WeaponRow(weapon="rocket", reach_km=20.0, severity_prior=0.8),
        WeaponRow(weapon="mortar", reach_km=6.0, severity_prior=0.5),
        WeaponRow(weapon="drone", reach_km=500.0, severity_prior=1.0),
        WeaponRow(weapon="ballistic_missile", reach_km=500.0, severity_prior=5.0),
    )
    effectiveness = (
        EffectivenessRow(system_id="cram", weapon="rocket", p_intercept=0.6),
        EffectivenessRow(system_id="cram", weapon="mortar", p_intercept=0.7),
        EffectivenessRow(system_id="cram", weapon="drone", p_intercept=0.5),
        EffectivenessRow(system_id="patriot", weapon="ballistic_missile", p_intercept=0.8),
    )
    zones = (
        ThreatZoneRow(
            zone_id="south",
            actor="Militia",
            lat=33.0,
            lon=44.2,
            radius_km=25.0,
            weapons=("rocket", "drone"),
            intensity=4.0,
        ),
        ThreatZoneRow(
            zone_id="north",
            actor="ISIS",
            lat=36.3,
            lon=43.1,
            radius_km=40.0,
            weapons=("rocket", "mortar"),
            intensity=2.0,
            active_from=dt.date(2014, 6, 1),
            active_to=dt.date(2017, 7, 31),
        ),
    )
    attacks = (
        AttackRow(
            attack_id="a1",
            date=dt.date(2020, 3, 11),
            date_precision="day",
            base_id="alpha",
            actor="Militia",
            weapon="rocket",
            munitions=30,
            killed=3,
            wounded=14,
            source=("001.txt", "002.txt"),
            evidence=("001.txt:10-80",),
        ),
        AttackRow(
            attack_id="a2",
            date=dt.date(2021, 2, 1),
            date_precision="month",
            base_id="bravo",
            weapon="drone",
            killed=0,
        ),
        AttackRow(
            attack_id="a3",
            date=dt.date(2020, 1, 8),
            date_precision="day",
            site="an unnamed base",
            actor="Iran",
            weapon="ballistic_missile",
            wounded=100,
        ),
    )
    deployed = (
        DeployedRow(base_id="alpha", system_id="cram", units=2),
        DeployedRow(base_id="bravo", system_id="patriot", units=1),
    )
    rules = (
        RuleRow(kind="min_units", base_id="alpha", system_id="cram", value=1),
        RuleRow(kind="forbid", base_id="charlie", notes="host nation has not agreed"),
    )
    options = (
        OptionRow(option_id="close_bravo", action="close", base_id="bravo", to_base_id="alpha"),
        OptionRow(
            option_id="shift_patriot",
            action="move_system",
            base_id="bravo",
            to_base_id="alpha",
            system_id="patriot",
            units=1,
        ),
    )
    routes = (RouteRow(from_base="alpha", to_base="bravo", distance_km=310.0, travel_hours=6.5),)
    assumptions = (
        AssumptionRow(
            sheet_name="bases",
            item="alpha",
            column="troops",
            value="1200",
            basis="illustrative",
            source="test fixture",
        ),
    )
    return Scenario(
        bases=bases,
        systems=systems,
        effectiveness=effectiveness,
        weapons=weapons,
        threat_zones=zones,
        attacks=attacks,
        deployed=deployed,
        rules=rules,
        options=options,
        routes=routes,
        assumptions=assumptions,
        settings=Settings(half_life_years=3.0, objective="worst_case"),
    )
