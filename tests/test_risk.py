"""The risk model behaves as a planner expects, and its figures can be checked by hand.

Hand-checked cells first (one zone at a known distance, one attack at a known age),
then the properties of the issue for every valid theater hypothesis can build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import defplan
from builders import (
    AS_OF,
    WEAPONS,
    attack,
    base,
    days,
    latitudes,
    longitudes,
    small_scenario,
    theaters,
    weapon,
    with_settings,
    zone,
)
from defplan import InputError, RiskTable, Scenario
from defplan.fields import DatePrecision, truncate_date
from defplan.geo import great_circle_km
from defplan.risk import risk
from defplan.risk.record import DAYS_PER_YEAR, observation_years
from defplan.risk.writers import write_risk
from defplan.scenario import AttackRow, Settings

FloatArray = npt.NDArray[np.float64]
LN2 = math.log(2.0)
PRECISIONS: tuple[DatePrecision, ...] = ("day", "month", "year")


def one_base(**fields: Any) -> Scenario:
    """alpha at (0, 0) with 100 troops, rockets only, nothing else unless given."""
    theater: dict[str, Any] = {
        "bases": (base("alpha", lat=0.0, lon=0.0, troops=100),),
        "weapons": (weapon("rocket", reach_km=100.0, severity_prior=1.5),),
        "effectiveness": (),
        "threat_zones": (),
        "attacks": (),
    }
    return small_scenario(**{**theater, **fields})


def column(table: RiskTable, name: str) -> FloatArray:
    """A numeric cell column as a (bases x weapons) array."""
    values = table.cells[name].to_numpy(dtype=np.float64)
    return values.reshape(len(table.base_ids), len(table.weapons))


def cell(table: RiskTable, base_id: str, weapon_name: str) -> dict[str, Any]:
    """One row of the cells table, by base and weapon class."""
    found = table.cells[(table.cells.base_id == base_id) & (table.cells.weapon == weapon_name)]
    assert len(found) == 1
    return {str(name): value for name, value in found.iloc[0].items()}


def add_attacks(scenario: Scenario, *rows: AttackRow) -> Scenario:
    return dataclasses.replace(scenario, attacks=(*scenario.attacks, *rows))


# --- hand-checked figures --------------------------------------------------------


def test_prior_is_the_intensity_inside_the_radius_and_falls_linearly_to_zero_at_reach() -> None:
    # bases 0, 111.2, 222.4 and 333.6 km east of the zone's centre on the equator
    bases = tuple(base(f"b{i}", lat=0.0, lon=float(i), troops=100) for i in range(4))
    south = zone("south", lat=0.0, lon=0.0, radius_km=150.0, intensity=10.0)
    table = risk(one_base(bases=bases, threat_zones=(south,)))
    third = 1 - (great_circle_km(0, 0, 0, 2) - 150.0) / 100.0  # 27.6 % of the way in
    expected = [10.0, 10.0, 10.0 * third, 0.0]
    assert column(table, "prior_rate")[:, 0] == pytest.approx(expected)
    # no record: the rate is the prior
    assert column(table, "posterior_rate")[:, 0] == pytest.approx(expected)
    assert table.cells.prior_zones.tolist() == ["south:10", "south:10", "south:2.761", ""]


def test_one_attack_two_years_old_worked_by_hand() -> None:
    hit = attack("a1", "alpha", date=dt.date(2022, 1, 1), killed=2, wounded=4)
    table = risk(one_base(attacks=(hit,)))
    age_years = 730 / DAYS_PER_YEAR
    weight = 0.5 ** (age_years / 2.0)  # half-life 2 years
    # the record starts with its earliest attack, two years before as_of
    watched = (2.0 / LN2) * (1 - 0.5 ** (age_years / 2.0))
    rate = (1.0 * 1.0 * 0.0 + 1.0 * weight) / (1.0 * 1.0 + 1.0 * watched)  # no zone: prior 0
    severity = (2 * 1.5 + (2 + 0.25 * 4)) / (2 + 1)  # prior worth 2 attacks, one figure of 3
    row = cell(table, "alpha", "rocket")
    assert table.record_start == dt.date(2022, 1, 1)
    assert row["attacks_on_record"] == 1
    assert row["decayed_attacks"] == pytest.approx(weight)
    assert row["observation_years"] == pytest.approx(watched)
    assert row["posterior_rate"] == pytest.approx(rate)
    assert row["severity"] == pytest.approx(2.0) == pytest.approx(severity)
    assert row["exposure"] == pytest.approx(100 / 1000)  # troops against the 1,000 reference
    assert row["risk"] == pytest.approx(rate * 2.0 * 0.1)
    assert table.total == pytest.approx(rate * 2.0 * 0.1)


def test_an_attack_dated_to_a_month_counts_the_mean_decay_over_that_month() -> None:
    table = risk(one_base(attacks=(attack("a1", "alpha", date="2023-06"),)))
    # June 2023 is 185 to 214 days before 2024-01-01
    ages = np.linspace(185 / DAYS_PER_YEAR, 214 / DAYS_PER_YEAR, 200_001)
    expected = float(np.mean(0.5 ** (ages / 2.0)))
    assert cell(table, "alpha", "rocket")["decayed_attacks"] == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("dated", ["2024-01", "2024"])
def test_a_period_running_past_as_of_counts_only_its_days_up_to_as_of(dated: str) -> None:
    scenario = one_base(
        attacks=(attack("a1", "alpha", date=dated),),
        settings=defplan.Settings(as_of=dt.date(2024, 1, 10)),
    )
    ages = np.linspace(0.0, 9 / DAYS_PER_YEAR, 100_001)
    expected = float(np.mean(0.5 ** (ages / 2.0)))
    assert cell(risk(scenario), "alpha", "rocket")["decayed_attacks"] == pytest.approx(expected)


def test_attacks_left_out_are_reported_with_their_reason() -> None:
    scenario = one_base(
        attacks=(
            attack("town", None, date="2023-03-01", site="a market"),
            attack("ghost", "zulu", date="2023-03-01"),
            attack("artillery", "alpha", date="2023-03-01", weapon="artillery"),
            attack("undated", "alpha"),
            attack("future", "alpha", date="2024-02"),
            attack("early", "alpha", date="2022-12-05"),
            attack("straddles", "alpha", date="2022"),
            attack("counted", "alpha", date="2023-03-01"),
        ),
        settings=defplan.Settings(as_of=AS_OF, record_start=dt.date(2022, 12, 10)),
    )
    table = risk(scenario)
    reasons = {e.attack_id: e.reason for e in table.excluded}
    assert list(reasons) == ["town", "ghost", "artillery", "undated", "future", "early"]
    assert "'a market' is not a base of the theater" in reasons["town"]
    assert "not on the bases sheet" in reasons["ghost"]
    assert "not on the weapons sheet" in reasons["artillery"]
    assert reasons["undated"] == "undated"
    assert reasons["future"] == "dated 2024-02 after as_of 2024-01-01"
    assert reasons["early"] == "dated 2022-12-05 before record_start 2022-12-10"
    # a year that overlaps the record window counts, over its days inside the window
    assert cell(table, "alpha", "rocket")["attack_ids"] == "straddles;counted"


def test_a_record_start_after_as_of_leaves_every_attack_out() -> None:
    scenario = one_base(
        attacks=(attack("a1", "alpha", date=dt.date(2023, 6, 1)),),
        settings=defplan.Settings(as_of=AS_OF, record_start=dt.date(2024, 6, 1)),
    )
    table = risk(scenario)
    assert [e.reason for e in table.excluded] == [
        "record_start 2024-06-01 is after as_of 2024-01-01"
    ]
    assert table.total == 0.0


def test_dates_at_the_start_of_the_calendar_are_handled() -> None:
    scenario = one_base(
        attacks=(attack("a1", "alpha", date=dt.date(1, 3, 1)),), settings=defplan.Settings()
    )
    table = risk(scenario)
    assert table.record_start == dt.date(1, 1, 1)
    assert cell(table, "alpha", "rocket")["decayed_attacks"] == 1.0


def test_as_of_defaults_to_the_latest_attack_and_the_record_to_at_least_a_year() -> None:
    scenario = one_base(
        attacks=(attack("a1", "alpha", date="2023-09"), attack("a2", None, date="2023-05-10")),
        settings=defplan.Settings(),
    )
    table = risk(scenario)
    assert table.as_of == dt.date(2023, 9, 1)
    assert table.record_start == dt.date(2022, 9, 1)  # 365 days before as_of
    assert table.observation_years == pytest.approx(observation_years(365 / DAYS_PER_YEAR, 2.0))


def test_without_any_date_every_zone_counts_and_there_is_no_record() -> None:
    scenario = one_base(
        threat_zones=(zone("z", lat=0.0, lon=0.0, intensity=4.0),),
        attacks=(attack("a1", "alpha"),),
        settings=defplan.Settings(),
    )
    table = risk(scenario)
    assert (table.as_of, table.record_start, table.observation_years) == (None, None, 0.0)
    assert cell(table, "alpha", "rocket")["posterior_rate"] == 4.0


def test_a_zone_counts_only_while_active_and_only_for_its_weapons() -> None:
    zones = (
        zone("ended", lat=0.0, lon=0.0, intensity=1.0, active_to=dt.date(2023, 12, 31)),
        zone("later", lat=0.0, lon=0.0, intensity=2.0, active_from=dt.date(2024, 1, 2)),
        zone("drones", lat=0.0, lon=0.0, intensity=4.0, weapons=("drone",)),
        zone("today", lat=0.0, lon=0.0, intensity=8.0, active_from=AS_OF, active_to=AS_OF),
    )
    table = risk(one_base(threat_zones=zones))
    assert cell(table, "alpha", "rocket")["prior_rate"] == 8.0


def test_a_blank_count_beside_a_known_one_is_imputed_from_the_wounded_per_killed_ratio() -> None:
    killed_only = attack("a1", "alpha", date="2023-03-01", killed=1)
    # no attack with both counts: the blank wounded count is taken at its least, 0
    table = risk(one_base(attacks=(killed_only,)))
    assert cell(table, "alpha", "rocket")["severity_attacks"] == 1
    assert cell(table, "alpha", "rocket")["severity_imputed"] == 1
    assert cell(table, "alpha", "rocket")["severity"] == pytest.approx((2 * 1.5 + 1) / 3)
    # with a complete attack of 2 killed and 8 wounded the ratio is 4: 1 killed -> 4 wounded
    complete = attack("a2", "alpha", date="2023-03-02", killed=2, wounded=8)
    wounded_only = attack("a3", "alpha", date="2023-03-03", wounded=8)
    table = risk(one_base(attacks=(killed_only, complete, wounded_only)))
    figures = (1 + 0.25 * 4) + (2 + 0.25 * 8) + (8 / 4 + 0.25 * 8)
    assert cell(table, "alpha", "rocket")["wounded_per_killed"] == 4.0
    assert cell(table, "alpha", "rocket")["severity"] == pytest.approx((2 * 1.5 + figures) / 5)
    # both blank: not reported, no figure
    silent = attack("a4", "alpha", date="2023-03-01")
    assert cell(risk(one_base(attacks=(silent,))), "alpha", "rocket")["severity_attacks"] == 0
    # when wounded carry no weight, the killed count is the whole figure
    table = risk(with_settings(one_base(attacks=(killed_only,)), wounded_weight=0.0))
    assert cell(table, "alpha", "rocket")["severity_imputed"] == 0
    assert cell(table, "alpha", "rocket")["severity"] == pytest.approx((2 * 1.5 + 1) / 3)


@settings(max_examples=40)
@given(
    killed=st.integers(1, 50),
    others=st.lists(
        st.tuples(st.none() | st.integers(0, 20), st.none() | st.integers(0, 80)), max_size=4
    ),
)
def test_an_attack_with_deaths_and_blank_wounded_raises_its_class_severity(
    killed: int, others: list[tuple[int | None, int | None]]
) -> None:
    record = tuple(
        attack(f"o{i}", "alpha", date="2023-02-01", killed=k, wounded=w)
        for i, (k, w) in enumerate(others)
    )
    deadly = attack("deadly", "alpha", date="2023-03-01", killed=killed)
    harmless = attack("deadly", "alpha", date="2023-03-01", killed=0)
    with_deaths = cell(risk(one_base(attacks=(*record, deadly))), "alpha", "rocket")
    without = cell(risk(one_base(attacks=(*record, harmless))), "alpha", "rocket")
    assert with_deaths["severity"] > without["severity"]
    assert with_deaths["severity_attacks"] == without["severity_attacks"]


@pytest.mark.parametrize(("prior_attacks", "expected"), [(2.0, (2 * 1.5 + 9) / 5), (0.0, 3.0)])
def test_severity_pools_the_figures_with_the_prior(prior_attacks: float, expected: float) -> None:
    hits = tuple(attack(f"a{i}", "alpha", date="2023-03-01", killed=2, wounded=4) for i in range(3))
    scenario = with_settings(one_base(attacks=hits), severity_prior_attacks=prior_attacks)
    assert cell(risk(scenario), "alpha", "rocket")["severity"] == pytest.approx(expected)


def test_exposure_is_troops_to_the_weight_times_mission_value_times_unhardened_share() -> None:
    bases = (base("alpha", troops=400, mission_value=2.0, hardening=0.25),)
    table = risk(with_settings(one_base(bases=bases), troop_weight=0.5))
    assert cell(table, "alpha", "rocket")["exposure"] == pytest.approx(
        (400 / 1000) ** 0.5 * 2.0 * 0.75
    )


def test_proximity_weight_zero_leaves_the_record_rate_and_both_zero_leave_nothing() -> None:
    hit = attack("a1", "alpha", date=dt.date(2023, 1, 1))
    scenario = one_base(attacks=(hit,), threat_zones=(zone("z", lat=0.0, lon=0.0),))
    row = cell(risk(with_settings(scenario, proximity_weight=0.0)), "alpha", "rocket")
    assert row["posterior_rate"] == pytest.approx(row["decayed_attacks"] / row["observation_years"])
    nothing = risk(with_settings(scenario, proximity_weight=0.0, history_weight=0.0))
    assert nothing.total == 0.0


def test_the_small_theater_figures_and_their_parts() -> None:
    table = risk(small_scenario())
    alpha = cell(table, "alpha", "rocket")
    assert alpha["prior_zones"] == "south:6"
    assert alpha["attack_ids"] == "a1;a2"
    assert alpha["rate_from_prior"] + alpha["rate_from_record"] == pytest.approx(
        alpha["posterior_rate"]
    )
    assert [e.attack_id for e in table.excluded] == ["a4", "a5"]
    assert table.bases.base_id.tolist() == ["alpha", "bravo", "charlie"]
    assert table.bases.top_attack_ids.tolist() == ["a2;a1", "a3", ""]
    assert table.bases.loc[2, "dominant_factor"] == "none"  # charlie: closed, no troops


def test_risk_matrix_follows_scenario_and_weapons_sheet_order_and_is_a_copy() -> None:
    table = risk(small_scenario())
    matrix = table.risk_matrix()
    assert matrix.shape == (3, 3)
    assert table.base_ids == ("alpha", "bravo", "charlie")
    assert table.weapons == ("rocket", "drone", "ballistic_missile")
    assert matrix[1, 1] == cell(table, "bravo", "drone")["risk"]
    matrix[:] = -1.0
    assert (table.risk_matrix() >= 0).all()


def test_bases_are_ranked_by_risk_with_ties_broken_by_base_id() -> None:
    twins = (base("zulu", lat=0.0, lon=0.0), base("alpha", lat=0.0, lon=0.0))
    table = risk(one_base(bases=twins, threat_zones=(zone("z", lat=0.0, lon=0.0),)))
    assert table.bases[["rank", "base_id"]].values.tolist() == [[1, "alpha"], [2, "zulu"]]
    assert table.base_ids == ("zulu", "alpha")  # the matrix keeps scenario order


def test_dominant_factor_names_exposure_history_or_proximity() -> None:
    bases = (
        base("big", lat=0.0, lon=0.0, troops=10_000),
        base("small", lat=0.0, lon=0.0, troops=1_000),
        base("hit", lat=0.0, lon=5.0, troops=1_000),
    )
    hits = tuple(attack(f"a{i}", "hit", date=AS_OF - dt.timedelta(days=30 * i)) for i in range(6))
    scenario = one_base(bases=bases, threat_zones=(zone("z", lat=0.0, lon=0.0),), attacks=hits)
    factors = dict(risk(scenario).bases[["base_id", "dominant_factor"]].values.tolist())
    assert factors == {"big": "exposure", "small": "proximity", "hit": "history"}


def test_shares_sum_to_one_and_bases_sum_their_cells() -> None:
    table = risk(small_scenario())
    assert table.cells.share.sum() == pytest.approx(1.0)
    assert table.bases.share.sum() == pytest.approx(1.0)
    by_base = table.cells.groupby("base_id", sort=False).risk.sum()
    assert table.bases.set_index("base_id").risk.to_dict() == pytest.approx(by_base.to_dict())


def test_a_risk_too_large_for_a_float_is_an_input_error_not_infinity() -> None:
    bases = (base("alpha", troops=1_000_000),)
    scenario = with_settings(one_base(bases=bases, threat_zones=(zone("z"),)), troop_weight=1000.0)
    with pytest.raises(InputError, match="too large to compute"):
        risk(scenario)
    huge = (zone("z1", intensity=1e308), zone("z2", intensity=1e308))
    with pytest.raises(InputError, match="too large to compute"):
        risk(one_base(bases=bases, threat_zones=huge))


def test_a_theater_without_weapon_classes_has_an_empty_matrix() -> None:
    table = risk(small_scenario(weapons=(), threat_zones=(), attacks=()))
    assert table.risk_matrix().shape == (3, 0)
    assert table.total == 0.0
    assert table.bases.dominant_weapon.tolist() == ["", "", ""]


def test_the_same_scenario_gives_the_same_table() -> None:
    first, second = risk(small_scenario()), risk(small_scenario())
    pd.testing.assert_frame_equal(first.cells, second.cells)
    pd.testing.assert_frame_equal(first.bases, second.bases)
    assert first.excluded == second.excluded


def test_write_risk_writes_the_csv_and_a_workbook_with_ranked_bases(tmp_path: Path) -> None:
    table = risk(small_scenario())
    written = write_risk(table, tmp_path / "out")
    assert [p.name for p in written] == ["risk.csv", "risk.xlsx"]
    csv = pd.read_csv(written[0], keep_default_na=False)
    assert csv.columns.tolist() == table.cells.columns.tolist()
    assert csv.risk.to_numpy() == pytest.approx(table.cells.risk.to_numpy())
    book = openpyxl.load_workbook(written[1], read_only=True)
    assert book.sheetnames == ["Base risk", "Risk factors", "Settings", "Left out"]
    first = next(book["Base risk"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert first[:2] == (1, "alpha")
    before = written[1].read_bytes()
    write_risk(table, tmp_path / "out")
    assert written[1].read_bytes() == before  # same table, same bytes


# --- properties a planner expects, for every valid theater --------------------------


@given(theaters(), st.data())
def test_more_troops_never_lowers_risk(scenario: Scenario, data: st.DataObject) -> None:
    b = data.draw(st.integers(0, len(scenario.bases) - 1))
    more = data.draw(st.integers(0, 50_000))
    bases = list(scenario.bases)
    bases[b] = bases[b].model_copy(update={"troops": bases[b].troops + more})
    before = risk(scenario).risk_matrix()
    after = risk(dataclasses.replace(scenario, bases=tuple(bases))).risk_matrix()
    assert (after[b] >= before[b]).all()
    assert np.array_equal(np.delete(after, b, axis=0), np.delete(before, b, axis=0))


@given(theaters(), st.data())
def test_one_more_recorded_attack_never_lowers_its_rate(
    scenario: Scenario, data: st.DataObject
) -> None:
    """With the record window pinned by settings, any added attack adds to its cell only."""
    record_start, as_of = sorted((data.draw(days), data.draw(days)))
    scenario = with_settings(scenario, as_of=as_of, record_start=record_start)
    b = data.draw(st.integers(0, len(scenario.bases) - 1))
    w = data.draw(st.integers(0, len(WEAPONS) - 1))
    extra = attack(
        "extra",
        scenario.bases[b].base_id,
        date=data.draw(st.dates(record_start, as_of)),
        date_precision=data.draw(st.sampled_from(PRECISIONS)),
        weapon=WEAPONS[w],
        killed=data.draw(st.none() | st.integers(0, 50)),
    )
    before = column(risk(scenario), "posterior_rate")
    after_table = risk(add_attacks(scenario, extra))
    after = column(after_table, "posterior_rate")
    assert "extra" in after_table.cells.attack_ids.iloc[b * len(WEAPONS) + w].split(";")
    assert after[b, w] >= before[b, w]
    others = np.ones_like(before, dtype=bool)
    others[b, w] = False
    assert np.array_equal(after[others], before[others])


@given(theaters(), st.data())
def test_one_more_attack_inside_the_default_record_window_never_lowers_its_rate(
    scenario: Scenario, data: st.DataObject
) -> None:
    anchor = attack("anchor", scenario.bases[0].base_id, date=data.draw(days))
    scenario = add_attacks(with_settings(scenario, as_of=None, record_start=None), anchor)
    table = risk(scenario)
    assert table.record_start is not None and table.as_of is not None
    day = data.draw(st.dates(table.record_start, table.as_of))
    precision: DatePrecision = data.draw(st.sampled_from(PRECISIONS))
    if truncate_date(day, precision) < table.record_start:
        precision = "day"  # a period reaching before the window would lengthen it
    b = data.draw(st.integers(0, len(scenario.bases) - 1))
    w = data.draw(st.integers(0, len(WEAPONS) - 1))
    extra = attack(
        "extra", scenario.bases[b].base_id, date=day, date_precision=precision, weapon=WEAPONS[w]
    )
    after_table = risk(add_attacks(scenario, extra))
    assert (after_table.as_of, after_table.record_start) == (table.as_of, table.record_start)
    assert column(after_table, "posterior_rate")[b, w] >= column(table, "posterior_rate")[b, w]


@given(theaters(), st.data())
def test_moving_a_threat_zone_closer_never_lowers_the_prior(
    scenario: Scenario, data: st.DataObject
) -> None:
    moving = zone(
        "moving",
        lat=data.draw(latitudes),
        lon=data.draw(longitudes),
        radius_km=data.draw(st.floats(0.0, 150.0)),
        weapons=tuple(data.draw(st.lists(st.sampled_from(WEAPONS), min_size=1, unique=True))),
        intensity=data.draw(st.floats(0.0, 50.0)),
    )
    target = scenario.bases[data.draw(st.integers(0, len(scenario.bases) - 1))]
    step = data.draw(st.floats(0.0, 1.0))
    moved = moving.model_copy(
        update={
            "lat": moving.lat + step * (target.lat - moving.lat),
            "lon": moving.lon + step * (target.lon - moving.lon),
        }
    )
    before = risk(dataclasses.replace(scenario, threat_zones=(*scenario.threat_zones, moving)))
    after = risk(dataclasses.replace(scenario, threat_zones=(*scenario.threat_zones, moved)))
    for b, site in enumerate(scenario.bases):
        nearer = great_circle_km(site.lat, site.lon, moved.lat, moved.lon)
        if nearer < great_circle_km(site.lat, site.lon, moving.lat, moving.lon) - 1e-6:
            for name in ("prior_rate", "posterior_rate", "risk"):
                assert (column(after, name)[b] >= column(before, name)[b]).all(), name


@given(theaters())
def test_with_no_history_the_rate_is_the_prior(scenario: Scenario) -> None:
    """No attack the model can count and no record_start set: there is no record."""
    off_site = tuple(a.model_copy(update={"base_id": None, "site": "x"}) for a in scenario.attacks)
    scenario = dataclasses.replace(scenario, attacks=off_site)
    if scenario.settings.proximity_weight == 0:
        scenario = with_settings(scenario, proximity_weight=1.0)
    table = risk(scenario)
    assert table.observation_years == 0.0
    assert np.array_equal(column(table, "posterior_rate"), column(table, "prior_rate"))


@settings(max_examples=30)
@given(
    half_life=st.floats(2.0, 10.0),
    prior_years=st.floats(0.1, 1.0),
    intensity=st.floats(0.0, 50.0),
    gap_days=st.integers(30, 120),
)
def test_with_a_long_record_the_record_dominates(
    half_life: float, prior_years: float, intensity: float, gap_days: int
) -> None:
    def credibility(years: float) -> tuple[float, float, float]:
        """The record's weight in the rate, the rate, and the record's own rate."""
        count = int(years * DAYS_PER_YEAR / gap_days)
        hits = tuple(
            attack(f"a{i}", "alpha", date=AS_OF - dt.timedelta(days=i * gap_days))
            for i in range(count + 1)
        )
        scenario = one_base(
            attacks=hits, threat_zones=(zone("z", lat=0.0, lon=0.0, intensity=intensity),)
        )
        scenario = with_settings(scenario, half_life_years=half_life, prior_years=prior_years)
        row = cell(risk(scenario), "alpha", "rocket")
        record_rate = row["decayed_attacks"] / row["observation_years"]
        return row["rate_from_record"] / record_rate, row["posterior_rate"], record_rate

    short_weight, _, _ = credibility(half_life / 2)
    long_weight, rate, record_rate = credibility(3 * half_life)
    assert long_weight >= short_weight
    assert long_weight > 0.5
    assert abs(rate - record_rate) <= 0.5 * abs(intensity - record_rate) + 1e-9


@given(theaters(), st.data())
def test_zero_troops_gives_zero_risk(scenario: Scenario, data: st.DataObject) -> None:
    b = data.draw(st.integers(0, len(scenario.bases) - 1))
    bases = list(scenario.bases)
    bases[b] = bases[b].model_copy(update={"troops": 0})
    table = risk(dataclasses.replace(scenario, bases=tuple(bases)))
    assert (table.risk_matrix()[b] == 0.0).all()
    row = table.bases[table.bases.base_id == bases[b].base_id].iloc[0]
    assert (row["risk"], row["dominant_factor"]) == (0.0, "none")


@given(theaters(), st.data())
def test_troop_weight_zero_makes_the_number_of_troops_irrelevant(
    scenario: Scenario, data: st.DataObject
) -> None:
    scenario = with_settings(scenario, troop_weight=0.0)
    bases = tuple(
        b.model_copy(update={"troops": data.draw(st.integers(1, 100_000))}) if b.troops else b
        for b in scenario.bases
    )
    after = risk(dataclasses.replace(scenario, bases=bases)).risk_matrix()
    assert np.array_equal(after, risk(scenario).risk_matrix())


@given(theaters())
def test_history_weight_zero_makes_the_rate_the_prior(scenario: Scenario) -> None:
    if scenario.settings.proximity_weight == 0:
        scenario = with_settings(scenario, proximity_weight=0.5)
    table = risk(with_settings(scenario, history_weight=0.0))
    assert np.array_equal(column(table, "posterior_rate"), column(table, "prior_rate"))
    assert (column(table, "rate_from_record") == 0).all()


@given(theaters())
def test_proximity_weight_zero_makes_the_zones_irrelevant(scenario: Scenario) -> None:
    scenario = with_settings(scenario, proximity_weight=0.0)
    with_zones = risk(scenario)
    without = risk(dataclasses.replace(scenario, threat_zones=()))
    assert np.array_equal(column(with_zones, "posterior_rate"), column(without, "posterior_rate"))
    assert (column(with_zones, "rate_from_prior") == 0).all()


@given(theaters(), st.data())
def test_wounded_weight_zero_makes_the_wounded_counts_irrelevant(
    scenario: Scenario, data: st.DataObject
) -> None:
    scenario = with_settings(scenario, wounded_weight=0.0)
    recounted = tuple(
        a.model_copy(update={"wounded": data.draw(st.none() | st.integers(0, 500))})
        for a in scenario.attacks
    )
    after = risk(dataclasses.replace(scenario, attacks=recounted))
    assert np.array_equal(column(after, "severity"), column(risk(scenario), "severity"))


@given(theaters(extreme=True))
def test_every_risk_is_finite_and_non_negative(scenario: Scenario) -> None:
    table = risk(scenario)
    numbers = table.cells.select_dtypes("number").to_numpy(dtype=np.float64)
    assert np.isfinite(numbers).all() and (numbers >= 0).all()
    assert math.isfinite(table.total) and table.total >= 0
    assert table.cells.share.sum() == pytest.approx(1.0 if table.total > 0 else 0.0)


@given(theaters())
def test_each_risk_is_its_rate_times_severity_times_exposure(scenario: Scenario) -> None:
    table = risk(scenario)
    parts = table.cells.posterior_rate * table.cells.severity * table.cells.exposure
    assert table.cells.risk.to_numpy() == pytest.approx(parts.to_numpy(), rel=1e-12, abs=1e-300)
    assert np.array_equal(table.risk_matrix().reshape(-1), table.cells.risk.to_numpy())


@pytest.mark.parametrize("history_weight", [5e-324, 1e-300, 1.0, 1e308])
def test_only_the_ratio_of_the_weights_sets_the_rate_even_at_the_ends_of_the_float_range(
    history_weight: float,
) -> None:
    """With no proximity weight the rate is the record's n / T, whatever the history
    weight (a subnormal one used to round the record to 0, a huge one to give NaN)."""
    from defplan.risk.model import posterior_rate

    settings = Settings(history_weight=history_weight, proximity_weight=0.0)
    prior_part, record_part = posterior_rate([3.0], [0.9], 0.5, settings)
    assert prior_part[0] == 0.0 and record_part[0] == pytest.approx(1.8)
