"""Issue 16's rules for the risk model: threat geography per class, record completeness,
whose base, and warning and hardening per class. Each property is checked over random
theaters; each hand example can be worked on paper.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import attack, base, theaters, with_settings, zone
from defplan import Scenario
from defplan.cli.plan import plan_summary
from defplan.geo import great_circle_km
from defplan.plan import plan
from defplan.report.build import build_report
from defplan.risk import risk
from defplan.scenario import CompletenessRow, WeaponRow
from defplan.workbook import load_scenario, validate, write_csv_folder


def rocket_theater(**fields: Any) -> Scenario:
    """One base 'green' at (33.3, 44.4) with 300 troops; rockets reach 20 km."""
    theater: dict[str, Any] = {
        "bases": (base("green", lat=33.3, lon=44.4, troops=300),),
        "weapons": (WeaponRow(weapon="rocket", reach_km=20.0, severity_prior=0.5),),
        "effectiveness": (),
        "systems": (),
        **fields,
    }
    return Scenario(**theater)


def rocket_cell(scenario: Scenario, base_id: str = "green") -> dict[str, Any]:
    cells = risk(scenario).cells
    row = cells[(cells["base_id"] == base_id) & (cells["weapon"] == "rocket")]
    return dict(row.iloc[0])


@settings(max_examples=40)
@given(
    radius=st.floats(0.0, 30.0),
    inside=st.floats(0.0, 0.99),
    bearing=st.floats(0.0, 360.0),
    falloff=st.sampled_from(["linear", "none"]),
)
def test_a_launch_area_within_reach_gives_a_base_rocket_risk(
    radius: float, inside: float, bearing: float, falloff: str
) -> None:
    # a launch area whose edge is within rocket reach of the base, in any direction
    distance = (radius + 20.0 * inside) / 111.2
    lat = 33.3 + distance * float(np.cos(np.radians(bearing)))
    lon = 44.4 + distance * float(np.sin(np.radians(bearing))) / float(np.cos(np.radians(33.3)))
    launch = zone("launch", lat=lat, lon=lon, radius_km=radius, intensity=4.0)
    rocket = WeaponRow(weapon="rocket", reach_km=20.0, severity_prior=0.5, falloff=falloff)
    scenario = rocket_theater(threat_zones=(launch,), weapons=(rocket,))
    d = great_circle_km(33.3, 44.4, lat, lon)
    if d < radius + 20.0 - 1e-6:
        cell = rocket_cell(scenario)
        assert cell["prior_rate"] > 0 and cell["risk"] > 0
        if falloff == "none" or d <= radius:
            assert cell["prior_rate"] == pytest.approx(4.0)


def test_a_guided_class_hits_alike_within_reach_and_an_indirect_one_thins_out() -> None:
    far = zone("far", lat=33.3, lon=44.4 + 250 / 93.0, radius_km=0.0, weapons=("drone",))
    linear = WeaponRow(weapon="drone", reach_km=500.0, severity_prior=1.0)
    guided = linear.model_copy(update={"falloff": "none"})
    distance = great_circle_km(33.3, 44.4, far.lat, far.lon)
    for weapon, share in ((linear, 1 - distance / 500.0), (guided, 1.0)):
        table = risk(rocket_theater(threat_zones=(far,), weapons=(weapon,)))
        assert table.cells.loc[0, "prior_rate"] == pytest.approx(2.0 * share)


def test_a_zone_intensity_per_weapon_class_replaces_the_zone_figure_for_that_class() -> None:
    city = zone(
        "city",
        lat=33.3,
        lon=44.4,
        weapons=("rocket", "drone"),
        intensity=1.0,
        intensity_by_weapon="rocket: 6",
    )
    drone = WeaponRow(weapon="drone", reach_km=500.0, severity_prior=1.0)
    scenario = rocket_theater(
        threat_zones=(city,),
        weapons=(WeaponRow(weapon="rocket", reach_km=20.0, severity_prior=0.5), drone),
    )
    cells = risk(scenario).cells.set_index("weapon")
    assert cells.loc["rocket", "prior_rate"] == 6.0
    assert cells.loc["drone", "prior_rate"] == 1.0


@settings(max_examples=40)
@given(theaters(), st.floats(0.05, 1.0))
def test_completeness_half_doubles_the_records_part_of_a_rate(
    scenario: Scenario, completeness: float
) -> None:
    full = risk(scenario).cells
    half = risk(with_settings(scenario, record_completeness=completeness)).cells
    # the record's own estimate, attacks on record over the years watched, scales by 1 / c
    np.testing.assert_allclose(
        half["record_rate"], full["record_rate"] / completeness, rtol=1e-9, atol=1e-300
    )
    # and with the zones set aside the rate is the record's, so it scales alike
    alone = with_settings(scenario, proximity_weight=0.0)
    full_alone = risk(alone).cells
    half_alone = risk(with_settings(alone, record_completeness=completeness)).cells
    np.testing.assert_allclose(
        half_alone["posterior_rate"],
        full_alone["posterior_rate"] / completeness,
        rtol=1e-9,
        atol=1e-300,
    )
    # the rate a complete record would give is shown beside the corrected one
    np.testing.assert_allclose(half["rate_if_complete"], full["posterior_rate"], rtol=1e-12)


def test_completeness_half_doubles_the_record_rate_worked_by_hand() -> None:
    hit = attack("a1", "green", date="2023-07-01", killed=0, wounded=0)
    scenario = with_settings(
        rocket_theater(attacks=(hit,)),
        as_of=dt.date(2024, 1, 1),
        record_start=dt.date(2023, 1, 1),
        proximity_weight=0.0,
    )
    full, half = (
        rocket_cell(scenario),
        rocket_cell(with_settings(scenario, record_completeness=0.5)),
    )
    assert half["record_completeness"] == 0.5
    assert half["posterior_rate"] == pytest.approx(2 * full["posterior_rate"])
    assert half["rate_if_complete"] == pytest.approx(full["posterior_rate"])


def test_a_completeness_period_weighs_only_its_own_days() -> None:
    hit = attack("a1", "green", date="2023-07-01", killed=0, wounded=0)
    scenario = with_settings(
        rocket_theater(attacks=(hit,)),
        as_of=dt.date(2024, 1, 1),
        record_start=dt.date(2022, 1, 1),
        proximity_weight=0.0,
        half_life_years=1000.0,  # nearly no decay: years count as years
    )
    first_year = CompletenessRow(
        period_start=dt.date(2022, 1, 1), period_end=dt.date(2022, 12, 31), completeness=0.25
    )
    table = risk(dataclasses.replace(scenario, completeness=(first_year,)))
    # 365 days at 1/4 and 365 at 1: the record watched 1.25 of its 2 years
    assert table.completeness == pytest.approx((0.25 * 365 + 365) / 730, rel=1e-3)


@settings(max_examples=40)
@given(theaters(), st.data())
def test_a_partner_base_never_enters_the_totals(scenario: Scenario, data: st.DataObject) -> None:
    partner = data.draw(st.sampled_from([b.base_id for b in scenario.bases]))
    owner = data.draw(st.sampled_from(["partner", "watch"]))
    bases = tuple(
        b.model_copy(update={"owner": owner}) if b.base_id == partner else b for b in scenario.bases
    )
    marked = dataclasses.replace(scenario, bases=bases)
    table = risk(marked)
    everyone = risk(scenario)
    cells = everyone.cells
    ours_only = float(cells.loc[cells["base_id"] != partner, "risk"].sum())
    assert table.total == pytest.approx(ours_only, rel=1e-12, abs=1e-300)
    assert table.others_total == pytest.approx(
        float(cells.loc[cells["base_id"] == partner, "risk"].sum()), rel=1e-12, abs=1e-300
    )
    row = table.bases[table.bases["base_id"] == partner].iloc[0]
    assert row["share"] == 0.0 and row["rank"] == len(scenario.bases)
    # the plan's matrix leaves it out unless the planner weighs partners in
    index = table.base_ids.index(partner)
    assert not table.risk_matrix()[index].any()
    if owner == "partner":
        weighed = risk(with_settings(marked, partner_weight=1.0))
        np.testing.assert_array_equal(weighed.risk_matrix(), everyone.risk_matrix())


def test_warning_shelters_and_hardening_per_class_cut_only_their_class() -> None:
    city = zone("city", lat=33.3, lon=44.4, weapons=("rocket", "drone"), intensity=2.0)
    drone = WeaponRow(weapon="drone", reach_km=500.0, severity_prior=1.0)
    weapons = (WeaponRow(weapon="rocket", reach_km=20.0, severity_prior=0.5), drone)
    plain = base("green", lat=33.3, lon=44.4, troops=300, hardening=0.5)
    guarded = base(
        "green",
        lat=33.3,
        lon=44.4,
        troops=300,
        hardening=0.5,
        warning_minutes="drone: 3",
        shelter_minutes=2,
        hardening_by_weapon="rocket: 0.75",
    )
    before = risk(rocket_theater(bases=(plain,), threat_zones=(city,), weapons=weapons))
    after = risk(rocket_theater(bases=(guarded,), threat_zones=(city,), weapons=weapons))
    b = {w: float(r) for w, r in zip(before.cells["weapon"], before.cells["risk"], strict=True)}
    a = {w: float(r) for w, r in zip(after.cells["weapon"], after.cells["risk"], strict=True)}
    warned = dict(zip(after.cells["weapon"], after.cells["warned_share"], strict=True))
    # rockets: hardening 0.75 instead of 0.5 lets through half as much harm
    assert a["rocket"] == pytest.approx(b["rocket"] * 0.25 / 0.5)
    # drones: 3 minutes of warning for a 2-minute walk: all warned, shelters stop 80%
    assert warned["drone"] == 1.0
    assert a["drone"] == pytest.approx(b["drone"] * 0.2)


# --- the new cells are validated at the edge like every other ------------------------


def _theater_folder(tmp_path: Path, **fields: Any) -> Path:
    return write_csv_folder(rocket_theater(**fields), tmp_path / "theater")


def _set_cell(folder: Path, sheet: str, column: str, value: str) -> None:
    path = folder / f"{sheet}.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    if column not in rows[0]:  # the writer leaves out a column blank on every row
        rows = [[*row, column if i == 0 else ""] for i, row in enumerate(rows)]
    rows[1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize(
    ("sheet", "column", "value", "expected"),
    [
        ("bases", "warning_minutes", "rocket 3", "'rocket 3' is not a list of class: number"),
        ("bases", "hardening_by_weapon", "rocket: 1.5", "is not 0 to 1 for rocket (1.5)"),
        ("bases", "warning_minutes", "rockets: 1", "'rockets' is not a weapon in the weapons"),
        ("bases", "owner", "ally", "owner: 'ally' is not one of coalition, partner, watch"),
        ("weapons", "falloff", "steep", "falloff: 'steep' is not one of linear, none"),
        ("threat_zones", "intensity_by_weapon", "drone: 2", "names 'drone', which is not in"),
    ],
)
def test_a_bad_per_class_cell_is_one_located_error(
    tmp_path: Path, sheet: str, column: str, value: str, expected: str
) -> None:
    folder = _theater_folder(tmp_path, threat_zones=(zone("city", lat=33.3, lon=44.4),))
    _set_cell(folder, sheet, column, value)
    found = [str(p) for p in validate(folder).errors]
    assert any(f"{sheet} · row 2" in m and expected in m for m in found), found


def test_overlapping_completeness_periods_are_an_error(tmp_path: Path) -> None:
    periods = (
        CompletenessRow(
            period_start=dt.date(2020, 1, 1), period_end=dt.date(2021, 12, 31), completeness=0.5
        ),
        CompletenessRow(
            period_start=dt.date(2021, 6, 1), period_end=dt.date(2022, 12, 31), completeness=0.2
        ),
    )
    folder = _theater_folder(tmp_path, completeness=periods)
    found = [str(p) for p in validate(folder).errors]
    assert any("completeness · row 3 · period_start" in m and "row 2" in m for m in found), found


# --- illustrative inputs are said to be so wherever they are used ---------------------


def test_every_output_built_on_illustrative_inputs_says_so() -> None:
    example = load_scenario(Path(__file__).resolve().parents[1] / "inputs" / "iraq_syria.xlsx")
    count = len(example.illustrative)
    assert count > 100  # the example's assumptions sheet labels its choices
    result = plan(example)
    assert result.summary()["illustrative_inputs"] == count
    assert any(f"{count} values" in line for line in plan_summary(result))
    page = build_report(result, example, with_ladder=False).html
    assert "Illustrative inputs." in page and f"{count} values" in page
    # a theater with no assumptions sheet carries no banner
    bare = dataclasses.replace(example, assumptions=())
    assert plan(bare).summary()["illustrative_inputs"] == 0
