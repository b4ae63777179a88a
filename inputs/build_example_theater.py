"""Build the Iraq-Syria example theater and write it to ``inputs/iraq_syria.xlsx``.

Every value comes from one of three places, and the workbook says which:

- ``shared/reference/theater_facts.csv``: coordinates, countries, provinces and the few
  published troop, range and reach figures (read at run time, never retyped here);
- ``shared/articles/gold_events.csv`` and the article texts: the attack record, with
  character spans into the articles found at run time;
- the tables below: modelling choices (troops where nothing is published, hardening,
  intensities, probabilities, ...). Each one carries its reason, and the script writes
  one row per choice to the ``assumptions`` sheet.

Run ``python inputs/build_example_theater.py`` (or ``make example``). The output is
byte-identical from run to run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from defplan.scenario import (
    AssumptionRow,
    AttackRow,
    BaseRow,
    DeployedRow,
    EffectivenessRow,
    OptionRow,
    RuleRow,
    Scenario,
    Settings,
    SystemRow,
    ThreatZoneRow,
    WeaponRow,
)
from defplan.workbook.write import write_xlsx

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEFAULT_OUT = HERE / "iraq_syria.xlsx"

ILLUSTRATIVE: Final = "illustrative assumption"
FIGURE: Final = "figure"  # "take the published troop figure of the facts row"
FACTS_FILE: Final = "theater_facts.csv"
GOLD_FILE: Final = "gold_events.csv"

# ---------------------------------------------------------------------------------------
# Bases: one spec per `base` row of theater_facts.csv (all 18).
#
# `fact` is the row's `name` in theater_facts.csv; lat, lon, country and province come
# from there. troops / capacity = FIGURE means "the published figure of that row".
# Candidate = a site the coalition has left that could be used again (troops 0);
# closed = a site not worth modelling as reusable. Neither holds deployed units.
# ---------------------------------------------------------------------------------------

HUB_HARDENING = "large airbase with bunkers and room to disperse (illustrative)"
COMPOUND_HARDENING = "fortified compound in Baghdad's International Zone (illustrative)"
IRAQI_BASE_HARDENING = "established Iraqi base with some protected buildings (illustrative)"
OUTPOST_HARDENING = "small outpost with little overhead cover (illustrative)"
TYPICAL_MISSION = "typical site: 1.0 by definition of the scale"
NO_FIGURE = "no published per-base count; plausible round number, not derived from any total"


@dataclass(frozen=True)
class BaseSpec:
    base_id: str
    fact: str
    name: str
    aliases: str
    status: Literal["open", "closed", "candidate"]
    status_basis: str
    troops: int | Literal["figure"]
    troops_basis: str
    hardening: float
    hardening_basis: str
    capacity: int | Literal["figure"] | None
    capacity_basis: str
    notes: str
    mission_value: float = 1.0
    mission_basis: str = TYPICAL_MISSION
    status_label: str | None = None  # facts source label behind the status (None = notes)
    owner: Literal["coalition", "partner", "watch"] = "coalition"
    owner_basis: str = "a coalition site: its defense and its risk are ours to plan"


BASES: tuple[BaseSpec, ...] = (
    BaseSpec(
        base_id="al_asad",
        fact="Ain al-Asad (Al Asad) Air Base",
        name="Al Asad Air Base",
        aliases="Ain al-Asad; Al Asad; Ain al-Assad; Al-Asad Airbase; Ain al-Asad air base",
        status="open",
        status_basis="in US use; attacks on it are recorded from 2020 to 2024",
        troops=FIGURE,
        troops_basis="the published 2020 figure (about 1,500 at the Iranian missile strike), "
        "used as is; it describes one moment",
        mission_value=1.2,
        mission_basis="main coalition air hub of western Iraq; a little above typical",
        hardening=0.5,
        hardening_basis=HUB_HARDENING,
        capacity=5000,
        capacity_basis="large airbase; room for several times the 2020 figure (illustrative)",
        notes="Main US air base in Anbar.",
    ),
    BaseSpec(
        base_id="taji",
        fact="Camp Taji",
        name="Camp Taji",
        aliases="Taji; Taji base; Taji military complex",
        status="candidate",
        status_basis="handed to Iraq in Aug 2020; infrastructure remains, so it could host "
        "coalition troops again",
        troops=0,
        troops_basis="no coalition troops since the 2020 handover (candidate site)",
        hardening=0.4,
        hardening_basis=IRAQI_BASE_HARDENING,
        capacity=FIGURE,
        capacity_basis="the published historical peak (up to 2,000 coalition troops) taken as "
        "what the site can hold",
        notes="Iraqi base north of Baghdad shared with the coalition until 2020; hit by "
        "repeated rocket barrages in March 2020.",
    ),
    BaseSpec(
        base_id="k1",
        fact="K-1 Air Base (Kirkuk)",
        name="K-1 Air Base",
        aliases="K-1; K1; K1 Air Base; Kirkuk air base",
        status="candidate",
        status_basis="the coalition left K-1 in 2020; an Iraqi airbase that could be reused",
        troops=0,
        troops_basis="no coalition troops since 2020 (candidate site)",
        hardening=0.3,
        hardening_basis=IRAQI_BASE_HARDENING,
        capacity=1000,
        capacity_basis="mid-size Iraqi airbase; round number (illustrative)",
        notes="Iraqi airbase about 15 km north-west of Kirkuk city.",
    ),
    BaseSpec(
        base_id="erbil",
        fact="Erbil Air Base / Erbil International Airport",
        name="Erbil Air Base",
        aliases="Erbil airport; Irbil airport; Erbil International Airport; Irbil",
        status="open",
        status_basis="coalition site at the airport in current use",
        troops=700,
        troops_basis=NO_FIGURE + "; second hub after Al Asad, so set below its 1,500",
        mission_value=1.2,
        mission_basis="coalition hub for northern Iraq and the supply route into Syria",
        hardening=0.4,
        hardening_basis=HUB_HARDENING,
        capacity=2500,
        capacity_basis="large airport site (illustrative)",
        notes="Coordinates are those of the airport.",
    ),
    BaseSpec(
        base_id="embassy",
        fact="US Embassy Baghdad (Green Zone)",
        name="US Embassy Baghdad",
        aliases="US Embassy; U.S. Embassy in Baghdad; Embassy of the United States in Baghdad; "
        "Baghdad embassy",
        status="open",
        status_basis="diplomatic compound in use",
        troops=200,
        troops_basis="stands for the security detachment and staff exposed; the 2012 staff "
        "count in the facts is not a troop number and is not used",
        mission_value=1.5,
        mission_basis="diplomatic mission: harm there weighs more than its headcount",
        hardening=0.6,
        hardening_basis=COMPOUND_HARDENING,
        capacity=600,
        capacity_basis="walled compound with limited space for extra troops (illustrative)",
        notes="Not a military base; inside the International (Green) Zone by the Tigris.",
    ),
    BaseSpec(
        base_id="biap",
        fact="Baghdad International Airport / Victory Base Complex",
        name="Baghdad International Airport",
        aliases="Baghdad airport; BIAP; Victory Base Complex; Camp Victory",
        status="open",
        status_basis="coalition support site at the airport in current use",
        troops=200,
        troops_basis=NO_FIGURE,
        hardening=0.4,
        hardening_basis=HUB_HARDENING,
        capacity=1500,
        capacity_basis="large airport complex (illustrative)",
        notes="Coordinates are those of the airport; Camp Victory lies about 5 km away.",
    ),
    BaseSpec(
        base_id="union_iii",
        fact="Union III (FOB Union III / Al-Tawheed al-Thalith), Baghdad",
        name="Union III",
        aliases="FOB Union III; Union 3; Al-Tawheed al-Thalith; Camp Union III",
        status="open",
        status_basis="coalition headquarters in the International Zone, in use",
        troops=300,
        troops_basis=NO_FIGURE,
        mission_value=1.2,
        mission_basis="coalition headquarters; a little above typical",
        hardening=0.5,
        hardening_basis=COMPOUND_HARDENING,
        capacity=800,
        capacity_basis="headquarters compound (illustrative)",
        notes="Coordinates approximate: the embassy's, rounded (the site is a few hundred "
        "metres away).",
    ),
    BaseSpec(
        base_id="q_west",
        fact="Qayyarah Airfield West (Q-West)",
        name="Qayyarah Airfield West",
        aliases="Q-West; Qayyarah West; Qayyarah air base; Qayyarah airfield",
        status="candidate",
        status_basis="handed to Iraq in March 2020; an airfield that could serve again",
        troops=0,
        troops_basis="no coalition troops since the 2020 handover (candidate site)",
        hardening=0.3,
        hardening_basis=IRAQI_BASE_HARDENING,
        capacity=FIGURE,
        capacity_basis="published 2016 figure 'less than 1,000' read as 900 (the round hundred "
        "below the bound) and taken as what the site can hold",
        notes="About 60 km south of Mosul; staging airfield of the 2016 Mosul offensive.",
    ),
    BaseSpec(
        base_id="al_qaim",
        fact="Al-Qaim base (near Husaybah)",
        name="Al-Qaim base",
        aliases="al-Qaim; Al Qaim; Al-Qa'im",
        status="candidate",
        status_basis="handed over in March 2020; border site that could be reused",
        troops=0,
        troops_basis="no coalition troops since the 2020 handover (candidate site)",
        hardening=0.2,
        hardening_basis=OUTPOST_HARDENING,
        capacity=FIGURE,
        capacity_basis="the roughly 300 troops there at the handover taken as what the site "
        "can hold",
        notes="Coordinates approximate (Al-Qa'im town); near the Syrian border.",
    ),
    BaseSpec(
        base_id="fb_bell",
        fact="Fire Base Bell (near Makhmur)",
        name="Fire Base Bell",
        aliases="Makhmour fire base; Makhmur fire base; Makhmur; Firebase Bell",
        status="closed",
        status_basis="temporary artillery outpost set up in 2016 for the Mosul offensive; "
        "nothing to reopen, so closed rather than candidate",
        troops=0,
        troops_basis="closed site",
        hardening=0.1,
        hardening_basis="temporary fire base with field defences only (illustrative)",
        capacity=FIGURE,
        capacity_basis="the couple of hundred Marines there in 2016",
        notes="Coordinates approximate (Makhmur town); Makhmur district is disputed between "
        "Baghdad (Nineveh) and the KRG (Erbil).",
    ),
    BaseSpec(
        base_id="rumalyn",
        fact="Rumalyn / Rmeilan Landing Zone",
        name="Rumalyn Landing Zone",
        aliases="Rmeilan; Rumeilan; Rmelan; Rumalyn; Rmeilan Landing Zone",
        status="open",
        status_basis="US site in north-east Syria in use: rocketed in Dec 2023 (122 mm rocket "
        "row) and Apr 2024 (attack record)",
        troops=200,
        troops_basis=NO_FIGURE + "; same order as Al-Tanf's published 200",
        hardening=0.3,
        hardening_basis=OUTPOST_HARDENING,
        capacity=500,
        capacity_basis="former agricultural airfield (illustrative)",
        notes="Coordinates approximate (Rmelan town); the site is the old Abu Hajar airfield.",
    ),
    BaseSpec(
        base_id="tower_22",
        fact="Tower 22 (Jordan)",
        name="Tower 22",
        aliases="Tower 22; T22",
        status="open",
        status_basis="US outpost in Jordan in use",
        troops=FIGURE,
        troops_basis="the published Jan 2024 figure (about 350), used as is",
        hardening=0.2,
        hardening_basis=OUTPOST_HARDENING,
        capacity=500,
        capacity_basis="small logistics outpost (illustrative)",
        notes="About 20 km from Al-Tanf across the border.",
    ),
    BaseSpec(
        base_id="al_tanf",
        fact="Al-Tanf garrison (Syria)",
        name="Al-Tanf garrison",
        aliases="Al-Tanf; At-Tanf; al-Tanf base; Tanf garrison",
        status="open",
        status_basis="US garrison in Syria in use",
        troops=FIGURE,
        troops_basis="the published 2019 figure (roughly 200), used as is",
        hardening=0.3,
        hardening_basis=OUTPOST_HARDENING,
        capacity=600,
        capacity_basis="set so the garrison could take Tower 22's troops (option "
        "close_tower_22); illustrative",
        notes="Sources disagree on the governorate (Homs or Rif Dimashq); Homs used.",
    ),
    BaseSpec(
        base_id="harir",
        fact="Harir Air Base",
        name="Harir Air Base",
        aliases="Harir; Harir airbase; Harir airfield",
        status="candidate",
        status_basis="coalition reportedly left in Oct 2024 (unverified); recent, so reusable",
        troops=0,
        troops_basis="treated as vacated (candidate site)",
        hardening=0.3,
        hardening_basis=IRAQI_BASE_HARDENING,
        capacity=500,
        capacity_basis="mid-size airfield (illustrative)",
        notes="Coordinates approximate (Harir town); north-east of Erbil.",
    ),
    BaseSpec(
        base_id="balad",
        fact="Balad Air Base",
        name="Balad Air Base",
        aliases="Balad; Balad airbase; Joint Base Balad",
        status="closed",
        status_basis="no coalition troops assigned (March 2021); an Iraqi F-16 base with "
        "contractors only, not planned for coalition use",
        troops=FIGURE,
        troops_basis="the published March 2021 figure: no coalition troops",
        hardening=0.4,
        hardening_basis=IRAQI_BASE_HARDENING,
        capacity=None,
        capacity_basis="blank: closed site, nothing may move there",
        notes="Coordinates rounded to the minute in the source.",
    ),
    BaseSpec(
        base_id="zelkan",
        fact="Zelkan (Zilkan) Turkish base near Bashiqa",
        name="Zelkan (Turkish base)",
        aliases="Zelkan; Zilkan; Zelkan base; Bashiqa camp",
        status="open",
        status_basis="in use by Turkey; kept to show the threat near Bashiqa, but a forbid "
        "rule keeps coalition systems away",
        troops=FIGURE,
        troops_basis="the published 2021 figure of about 600 TURKISH troops (not coalition)",
        mission_value=1.0,
        mission_basis="typical; its risk is listed apart (owner partner), not in our totals",
        owner="partner",
        owner_basis="a Turkish base: listed apart, out of coalition totals, and the plan "
        "spends no coalition unit on it (partner_weight 0; the forbid rule says so too)",
        hardening=0.3,
        hardening_basis=OUTPOST_HARDENING,
        capacity=800,
        capacity_basis="Turkish base; round number (illustrative)",
        notes="TURKISH base, not a coalition site (see rules: forbid). Coordinates are "
        "Bashiqa town's; the base is about 10 km away in an unpublished direction.",
    ),
    BaseSpec(
        base_id="conoco",
        fact="Conoco gas field base (MSS Conoco)",
        name="Mission Support Site Conoco",
        aliases="Conoco; Conoco gas field; MSS Conoco; Conoco base",
        status="open",
        status_basis="US site in Deir ez-Zor in use; rocketed in Apr 2023",
        status_label="name",
        troops=100,
        troops_basis=NO_FIGURE,
        hardening=0.2,
        hardening_basis=OUTPOST_HARDENING,
        capacity=300,
        capacity_basis="small site at a gas plant; room for Green Village's troops (option "
        "close_green_village); illustrative",
        notes="Coordinates of the Conoco (Tabiyeh) gas plant.",
    ),
    BaseSpec(
        base_id="green_village",
        fact="Green Village / Al-Omar oil field (brief: Mission Support Site Euphrates)",
        name="Mission Support Site Green Village",
        aliases="Green Village; MSS Green Village; Al-Omar oil field; al-Omar",
        status="open",
        status_basis="US site in the Al-Omar field in use; rocketed in Mar 2023",
        status_label="name",
        troops=100,
        troops_basis=NO_FIGURE,
        hardening=0.2,
        hardening_basis=OUTPOST_HARDENING,
        capacity=200,
        capacity_basis="small oil-field site (illustrative)",
        notes="Coordinates approximate (Mayadin moved about 10 km east). No source ties the "
        "name 'MSS Euphrates' to this site, so it is not an alias.",
    ),
)

# ---------------------------------------------------------------------------------------
# Warning and shelters per threat class (all illustrative). Warning is what a base gets
# before impact: seconds from counter-rocket radar for rockets and mortars, a minute or
# so for a low drone, minutes for missiles tracked in flight. Shelter time follows the
# kind of site (its hardening basis): bunkers spread over a large airbase take longer
# to reach than the duck-and-cover shelters of a compound.
# ---------------------------------------------------------------------------------------

WARNING_MINUTES: dict[str, tuple[float, str]] = {
    "rocket": (0.25, "seconds of radar warning (sense and warn) before a rocket lands"),
    "mortar": (0.25, "as for rockets: a short flight seen by the same radars"),
    "drone": (1.0, "a low, slow drone is seen late; about a minute"),
    "ballistic_missile": (
        5.0,
        "launches are tracked: minutes of warning (Jan 2020: hours, "
        "from political signals, not counted here)",
    ),
    "cruise_missile": (3.0, "low flyer seen later than a ballistic missile, sooner than a drone"),
}
SHELTER_MINUTES: dict[str, float] = {
    HUB_HARDENING: 4.0,
    COMPOUND_HARDENING: 1.0,
    IRAQI_BASE_HARDENING: 3.0,
    OUTPOST_HARDENING: 2.0,
}
#: classes whose large warheads defeat part of the hardening built against rockets
HEAVY_WARHEADS: tuple[str, ...] = ("ballistic_missile", "cruise_missile")
HEAVY_BASIS = "bunkers and walls built against rockets stop about half as much of a "
HEAVY_BASIS += "missile's warhead: half the base's hardening (illustrative)"


def shelter_minutes_of(spec: BaseSpec) -> float:
    return SHELTER_MINUTES.get(spec.hardening_basis, 2.0)


# ---------------------------------------------------------------------------------------
# Weapons. `fact` names the theater_facts row behind reach_km (None = no figure found).
# severity_prior: casualty-equivalents (killed + weight x wounded) per attack expected
# before any record; all illustrative, ordered by warhead size and the record.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeaponSpec:
    weapon: str
    name: str
    reach_km: float
    reach_basis: str
    fact: str | None
    severity_prior: float
    severity_basis: str
    falloff: Literal["linear", "none"] = "linear"
    falloff_basis: str = "indirect fire: a launch area far off sends fewer rounds than one near"


GUIDED = "guided: hits any base within reach alike, so no fall-off with distance"

WEAPONS: tuple[WeaponSpec, ...] = (
    WeaponSpec(
        weapon="rocket",
        name="107 mm and 122 mm rockets (Type 63, Grad)",
        reach_km=20.0,
        reach_basis="inside the quoted 8-40 km: the standard 122 mm Grad round (about 20 km); "
        "the 107 mm (8 km) falls inside it and the 40 km extended-range rounds are rare",
        fact="122 mm rocket (Grad family)",
        severity_prior=0.5,
        severity_basis="most recorded rocket attacks kill no one; a few kill several",
    ),
    WeaponSpec(
        weapon="mortar",
        name="mortars (82 mm / 120 mm)",
        reach_km=6.0,
        reach_basis="no figure in the facts; typical reach of common mortars (illustrative)",
        fact=None,
        severity_prior=0.3,
        severity_basis="smaller warheads than rockets and fired from closer in",
    ),
    WeaponSpec(
        weapon="drone",
        name="one-way attack drones (Samad family)",
        reach_km=500.0,
        reach_basis="low end of the quoted 500-1000+ km: the analyst's Samad-1 estimate; the "
        "1,000+ km comes from parade claims, and short-range quadcopters have no figure",
        fact="One-way attack drone (Iraqi militias; Samad family)",
        severity_prior=1.0,
        severity_basis="a single drone killed three at Tower 22 in 2024; most do no harm",
        falloff="none",
        falloff_basis=GUIDED,
    ),
    WeaponSpec(
        weapon="ballistic_missile",
        name="short-range ballistic missiles (Fateh-313 class)",
        reach_km=500.0,
        reach_basis="no figure in the weapons rows; the Kermanshah row quotes 500 km for the "
        "Fateh-313 thought to be used in Jan 2020",
        fact="Kermanshah province (Iran)",
        severity_prior=2.0,
        severity_basis="large warheads; the Jan 2020 strike killed no one but injured over 100",
        falloff="none",
        falloff_basis=GUIDED,
    ),
    WeaponSpec(
        weapon="cruise_missile",
        name="land-attack cruise missiles (illustrative class)",
        reach_km=1000.0,
        reach_basis="ILLUSTRATIVE: no cruise-missile row in the facts; long-range land-attack "
        "cruise missiles are quoted at about 1,000 km and more, so every base in the theater "
        "is within reach of western Iran",
        fact=None,
        severity_prior=2.0,
        severity_basis="a warhead of the order of a ballistic missile's, as that class",
        falloff="none",
        falloff_basis=GUIDED,
    ),
)

# ---------------------------------------------------------------------------------------
# Defensive systems. inventory is below the number of open bases on purpose: the
# planner has to choose (the "can't have C-RAM everywhere" problem).
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SystemSpec:
    system_id: str
    fact: str | None  # None: an illustrative class with no facts row
    name: str
    mode: Literal["point", "area"]
    range_km: float
    range_basis: str
    inventory: int
    inventory_basis: str
    max_per_base: int
    max_basis: str
    crew: int
    crew_basis: str
    notes: str
    teardown_days: float = 0.0
    emplace_days: float = 0.0
    road_km_per_day: float | None = None
    air_days: float | None = None
    movement_basis: str = ""


SYSTEMS: tuple[SystemSpec, ...] = (
    SystemSpec(
        system_id="cram",
        fact="C-RAM / Land-based Phalanx Weapon System (LPWS)",
        name="C-RAM / Land-based Phalanx Weapon System (LPWS)",
        mode="point",
        range_km=1.7,
        range_basis="PROXY inside 1.6-1.85 km, the distance at which the naval Phalanx "
        "intercepted a missile in 2025; no C-RAM radius is published; information only for "
        "a point system",
        inventory=6,
        inventory_basis="fewer units than open coalition bases (illustrative)",
        max_per_base=2,
        max_basis="two units cover a large base; more adds little (illustrative)",
        crew=12,
        crew_basis="illustrative crew per unit",
        notes="Point defence of its host base. Range is a PROXY, not a published figure.",
        teardown_days=2.0,
        emplace_days=2.0,
        road_km_per_day=300.0,
        air_days=2.0,
        movement_basis="ILLUSTRATIVE movement figures, not published ones: a trailer-mounted "
        "gun with its radar and power, two days to take down or set up, a road march of "
        "about 300 km a day, two days door to door by air",
    ),
    SystemSpec(
        system_id="patriot",
        fact="Patriot PAC-2 / PAC-3 (vs tactical ballistic missiles)",
        name="Patriot PAC-2 / PAC-3 battery",
        mode="area",
        range_km=25.0,
        range_basis="inside the quoted 20-45 km intercept range against ballistic missiles, "
        "toward the low end: a defended footprint is smaller than the best-case intercept "
        "range of the newest interceptors; 25 km also covers the Baghdad sites together and "
        "Tower 22 with Al-Tanf",
        inventory=3,
        inventory_basis="a few batteries for the theater (illustrative)",
        max_per_base=1,
        max_basis="one battery per site (illustrative)",
        crew=90,
        crew_basis="illustrative battery personnel",
        notes="Area defence of every base within range_km.",
        teardown_days=2.0,
        emplace_days=3.0,
        road_km_per_day=250.0,
        air_days=3.0,
        movement_basis="ILLUSTRATIVE movement figures, not published ones: a battery of "
        "launchers, radar and support vehicles, two days to march-order, three to emplace "
        "and check out, about 250 km a day by road, three days by air (several sorties)",
    ),
    SystemSpec(
        system_id="cuas",
        fact=None,
        name="counter-drone system (illustrative class: radar, jammer and short-range "
        "interceptors)",
        mode="point",
        range_km=3.0,
        range_basis="ILLUSTRATIVE: a few km around the host base; no figure in the facts; "
        "information only for a point system",
        inventory=4,
        inventory_basis="ILLUSTRATIVE: a handful of counter-drone sets for the theater",
        max_per_base=2,
        max_basis="two sets cover a large base (illustrative)",
        crew=8,
        crew_basis="illustrative crew per set",
        notes="ILLUSTRATIVE class: shows a third system; its figures are not facts.",
        teardown_days=1.0,
        emplace_days=1.0,
        road_km_per_day=300.0,
        air_days=2.0,
        movement_basis="ILLUSTRATIVE movement figures, not published ones: a few vehicles "
        "and a mast, a day to take down or set up, about 300 km a day by road, two days "
        "door to door by air",
    ),
)

# (system, weapon) -> (p_intercept, why). A missing pair means the system does not engage.
EFFECTIVENESS: dict[tuple[str, str], tuple[float, str]] = {
    ("cram", "rocket"): (0.5, "C-RAM's design threat; salvos still get through (illustrative)"),
    ("cram", "mortar"): (0.5, "as for rockets: its design threat (illustrative)"),
    ("cram", "drone"): (0.4, "slow low drones are engaged but seen late (illustrative)"),
    ("patriot", "ballistic_missile"): (0.7, "Patriot's design threat (illustrative)"),
    ("patriot", "drone"): (0.3, "larger drones only; low flyers are hard to see (illustrative)"),
    ("patriot", "cruise_missile"): (
        0.5,
        "engages cruise missiles, seen late low down (illustrative)",
    ),
    ("cuas", "drone"): (0.6, "built for drones: jams or shoots down most (illustrative)"),
}

# ---------------------------------------------------------------------------------------
# Threat zones: one per `hostile_area` row of theater_facts.csv (all 9). The facts give a
# centre point only; actor, radius, weapons, intensity and dates are modelling choices.
# intensity = attacks per year the zone sends at each base its weapons reach.
# ---------------------------------------------------------------------------------------

MILITIA_WEAPONS = "rockets from truck launchers and one-way drones, as in the attack record"
ISIS_WEAPONS = "rockets and mortars from hideouts; ISIS has no long-range drones in the record"
ISIS_RESIDUAL = "ISIS remnants: occasional harassing fire"


@dataclass(frozen=True)
class ZoneSpec:
    zone_id: str
    fact: str
    actor: str
    actor_basis: str
    actor_label: str | None  # the facts source label behind the actor, if any
    radius_km: float
    radius_basis: str
    weapons: str
    weapons_basis: str
    intensity: float
    intensity_basis: str
    notes: str
    active_from: dt.date | None = None
    active_to: dt.date | None = None
    period_basis: str | None = None
    intensity_by_weapon: str = ""
    intensity_by_weapon_basis: str = ""
    fact_kind: str = "hostile_area"  # a launch area in a city is centred on a base's row


MILITIA_DRONES = "one-way drones are about a quarter of the militia attacks on record (2 of "
MILITIA_DRONES += "the 9 rocket and drone attacks on coalition sites), so a quarter of the "
MILITIA_DRONES += "zone's rocket rate (illustrative)"
CITY_LAUNCH = "militia presence in the city: launchers are set up in districts a few km from "
CITY_LAUNCH += "the target, so the city counts as a launch area"

ZONES: tuple[ZoneSpec, ...] = (
    ZoneSpec(
        zone_id="jurf_al_sakhar",
        fact="Jurf al-Sakhar (Jurf al-Nasr)",
        actor="Kataib Hezbollah",
        actor_basis="the facts describe a Kataib Hezbollah-controlled closed area",
        actor_label="context",
        radius_km=15.0,
        radius_basis="town point for a closed area around it; 15 km covers the town and its "
        "farmland",
        weapons="rocket; drone",
        weapons_basis=MILITIA_WEAPONS,
        intensity=2.0,
        intensity_basis="militia campaigns come in bursts (near-daily in late 2023, then "
        "months of calm); about 2 a year per base reached on average",
        notes="About 60 km south-west of Baghdad.",
        intensity_by_weapon="drone: 0.5",
        intensity_by_weapon_basis=MILITIA_DRONES,
    ),
    ZoneSpec(
        zone_id="al_qaim_albu_kamal",
        fact="Al-Qaim / Albu Kamal border crossing area",
        actor="Kataib Hezbollah",
        actor_basis="PMF / Kataib Hezbollah presence on both sides of the crossing",
        actor_label="coords",
        radius_km=25.0,
        radius_basis="crossing point standing for both border towns (about 6 km apart) and the "
        "desert around them",
        weapons="rocket; drone",
        weapons_basis=MILITIA_WEAPONS,
        intensity=2.0,
        intensity_basis="as Jurf al-Sakhar: a main militia area",
        notes="Abu Kamal town lies about 6 km north of the point.",
        intensity_by_weapon="drone: 0.5",
        intensity_by_weapon_basis=MILITIA_DRONES,
    ),
    ZoneSpec(
        zone_id="zummar",
        fact="Zummar area",
        actor="Islamic Resistance in Iraq",
        actor_basis="the umbrella that claimed the 2023-24 militia attacks; the Apr 2024 "
        "launch at Rumalyn came from the Zummar area",
        actor_label="event",
        radius_km=55.0,
        radius_basis="wide on purpose: the Apr 2024 launch at Rumalyn implies launch points "
        "toward the border, about 70 km from the town point; 55 km plus a 20 km rocket reaches "
        "Rumalyn",
        weapons="rocket; drone",
        weapons_basis=MILITIA_WEAPONS,
        intensity=1.0,
        intensity_basis="one recorded launch; a secondary militia area",
        notes="The town point is about 70 km from Rmelan, beyond rocket reach; see radius.",
        intensity_by_weapon="drone: 0.25",
        intensity_by_weapon_basis=MILITIA_DRONES,
    ),
    ZoneSpec(
        zone_id="hamrin",
        fact="Hamrin mountains",
        actor="ISIS",
        actor_basis="ISIS remnants in the range since 2017",
        actor_label="extent",
        radius_km=50.0,
        radius_basis="the point is the south end of a ridge that runs tens of km north-west; "
        "50 km takes in most of it",
        weapons="rocket; mortar",
        weapons_basis=ISIS_WEAPONS,
        intensity=0.5,
        intensity_basis=ISIS_RESIDUAL,
        notes="Point derived from Lake Hamrin.",
        active_from=dt.date(2017, 1, 1),
        period_basis="remnant hideouts since 2017; the facts give the year only, so 1 Jan",
    ),
    ZoneSpec(
        zone_id="qarachogh",
        fact="Qarachogh mountains (near Makhmur)",
        actor="ISIS",
        actor_basis="ISIS hideouts on the mountain (about 300 militants estimated in 2018)",
        actor_label="context",
        radius_km=15.0,
        radius_basis="a single ridge, but the point itself is assumed (10 km from Makhmur); "
        "15 km allows for both",
        weapons="rocket; mortar",
        weapons_basis=ISIS_WEAPONS,
        intensity=0.5,
        intensity_basis=ISIS_RESIDUAL,
        notes="Point derived from Makhmur, moved about 10 km north-east.",
    ),
    ZoneSpec(
        zone_id="hawija",
        fact="Hawija",
        actor="ISIS",
        actor_basis="ISIS pocket until Oct 2017, insurgent activity in the district since",
        actor_label="coords",
        radius_km=25.0,
        radius_basis="town point for activity across Hawija district",
        weapons="rocket; mortar",
        weapons_basis=ISIS_WEAPONS,
        intensity=0.5,
        intensity_basis=ISIS_RESIDUAL,
        notes="About 45 km west of Kirkuk. No dates: activity continues after the 2017 "
        "pocket ended, at a lower level.",
    ),
    ZoneSpec(
        zone_id="mosul",
        fact="Mosul",
        actor="ISIS",
        actor_basis="ISIS held the city from June 2014 to July 2017",
        actor_label="coords",
        radius_km=20.0,
        radius_basis="city point for the city and its edges",
        weapons="rocket; mortar",
        weapons_basis=ISIS_WEAPONS,
        intensity=4.0,
        intensity_basis="a held city with frequent fire at nearby positions while ISIS held it",
        notes="Historical zone: counts only while ISIS held the city.",
        active_from=dt.date(2014, 6, 1),
        active_to=dt.date(2017, 7, 31),
        period_basis="ISIS held the city June 2014 to July 2017; months only in the facts, so "
        "first and last day of those months",
    ),
    ZoneSpec(
        zone_id="wadi_horan",
        fact="Wadi Horan (Wadi Hauran)",
        actor="ISIS",
        actor_basis="ISIS hideouts in the wadi's gorges after 2017",
        actor_label="coords",
        radius_km=100.0,
        radius_basis="the wadi is about 350 km long; no circle fits it, 100 km covers the "
        "central stretch around the reference point (the Haditha end lies outside)",
        weapons="rocket; mortar",
        weapons_basis=ISIS_WEAPONS,
        intensity=0.5,
        intensity_basis=ISIS_RESIDUAL,
        notes="Reference point of a very large desert area.",
        active_from=dt.date(2018, 1, 1),
        period_basis="hideouts 'after 2017' in the facts, so from 1 Jan 2018",
    ),
    ZoneSpec(
        zone_id="kermanshah",
        fact="Kermanshah province (Iran)",
        actor="Iran (IRGC)",
        actor_basis="the Jan 2020 missiles were reported launched from Kermanshah province",
        actor_label="event",
        radius_km=100.0,
        radius_basis="launch sites unpublished; 100 km around the provincial capital spans "
        "most of the province",
        weapons="ballistic_missile; drone; cruise_missile",
        weapons_basis="ballistic missiles as in Jan 2020; Iran also fields one-way drones and "
        "land-attack cruise missiles (the cruise class is illustrative)",
        intensity=0.3,
        intensity_basis="state strikes are rare: one in the record over several years",
        notes="Point is Kermanshah city.",
        intensity_by_weapon="cruise_missile: 0.1",
        intensity_by_weapon_basis="no cruise-missile attack on record: a third of the "
        "ballistic rate (illustrative)",
    ),
    ZoneSpec(
        zone_id="baghdad_launch_areas",
        fact="US Embassy Baghdad (Green Zone)",
        fact_kind="base",
        actor="Iran-aligned militias (Kataib Hezbollah and others)",
        actor_basis="the militias behind the rocket record on coalition sites",
        actor_label=None,
        radius_km=10.0,
        radius_basis="the city districts around the International Zone from which rockets "
        "reach it; the embassy point stands for the centre (illustrative)",
        weapons="rocket",
        weapons_basis=CITY_LAUNCH + "; rockets only (drones at the capital are left to the "
        "militia zones)",
        intensity=4.0,
        intensity_basis="rocket fire on the International Zone was among the most frequent "
        "attacks of 2019-2023, reported near the coalition headquarters there (the facts "
        "row of Union III cites such reports); 4 a year per site reached, illustrative",
        notes="Launch areas in Baghdad itself, centred on the embassy point (facts).",
    ),
    ZoneSpec(
        zone_id="taji_north",
        fact="Camp Taji",
        fact_kind="base",
        actor="Kataib Hezbollah",
        actor_basis="US officials attributed the March 2020 Taji barrage to Kataib Hezbollah "
        "(gold_events.csv, article 001)",
        actor_label=None,
        radius_km=10.0,
        radius_basis="the farmland north of Baghdad around Taji where the March 2020 truck "
        "launcher was found (article 001); illustrative",
        weapons="rocket",
        weapons_basis=CITY_LAUNCH + " (its northern outskirts)",
        intensity=1.0,
        intensity_basis="two barrages on Taji in one week of March 2020, then quiet once the "
        "coalition left; 1 a year per site reached, illustrative",
        notes="Launch area north of Baghdad, centred on the Camp Taji point (facts).",
    ),
)

# ---------------------------------------------------------------------------------------
# Attack record: gold_events.csv rows, merged into one row per event.
# ---------------------------------------------------------------------------------------

# gold `base` -> theater base_id; None = a site outside the theater (kept, base_id blank)
GOLD_SITES: dict[str, str | None] = {
    "Makhmour fire base": "fb_bell",
    "Makhmour (Iraqi army base)": None,
    "Zelkan base (Bashiqa)": "zelkan",
    "Camp Taji": "taji",
    "K-1 Air Base": "k1",
    "two bases in Iraq (not named)": None,
    "Rumalyn": "rumalyn",
    "Ain al-Asad": "al_asad",
    "Tower 22 (Iraqi-Jordanian border)": "tower_22",
    "Erbil airport": "erbil",
}
# short slugs for attack ids of sites outside the theater
OFF_THEATER_SLUGS: dict[str, str] = {
    "Makhmour (Iraqi army base)": "makhmur_iraqi_army",
    "two bases in Iraq (not named)": "unnamed_bases",
}

# (article, gold date) -> a short term the supporting sentence contains (its first match)
EVIDENCE_TERMS: dict[tuple[str, str], str] = {
    ("000_4ccab075909db362.txt", "2016-03-19"): "Makhmour",
    ("000_4ccab075909db362.txt", "2016-03"): "23 wounded",
    ("000_4ccab075909db362.txt", "2015-12"): "Zelkan",
    ("001_ccc02fc664c38cf0.txt", "2020-03-11"): "30 rockets",
    ("001_ccc02fc664c38cf0.txt", "2019-12-27"): "Kirkuk",
    ("001_ccc02fc664c38cf0.txt", "2020-01-08"): "ballistic missiles",
    ("002_c7d524cd5962a679.txt", "2020-03-11"): "18 rockets",
    ("002_c7d524cd5962a679.txt", "2020-03-14"): "25 rockets",
    ("002_c7d524cd5962a679.txt", "2019-12-27"): "K-1 Air Base",
    ("003_b66b5cd2fbb4d987.txt", "2024-04-21"): "Rumalyn",
    ("003_b66b5cd2fbb4d987.txt", "2024-04-22"): "armed drone",
    ("003_b66b5cd2fbb4d987.txt", "2024-01"): "Jordanian border",
    ("004_9a798ce79c4d0921.txt", "2021-03-03"): "contractor died",
    ("004_9a798ce79c4d0921.txt", "2020-01"): "barrage of missiles",
    ("004_9a798ce79c4d0921.txt", "2021-02"): "Irbil airport",
}

# attack_id -> a short note in our own words
ATTACK_NOTES: dict[str, str] = {
    "a2015_12_zelkan": "ISIS rocket fire on the Turkish base, filmed from a drone used to "
    "adjust it; no casualty figures given.",
    "a2016_03_makhmur_iraqi_army": "Iraqi army position near Makhmur, not a coalition site: "
    "four Iraqi soldiers killed and 23 or more hurt, per Rudaw as cited.",
    "a2016_03_19_fb_bell": "ISIS rockets on the new fire base near Makhmur; one US Marine "
    "killed and several hurt (number not given).",
    "a2019_12_27_k1": "Rocket attack on the base outside Kirkuk; a US interpreter killed. The "
    "US struck Kataib Hezbollah sites two days later.",
    "a2020_01_al_asad": "Iranian missile strike in reply to the killing of Soleimani; dozens "
    "of concussion cases, count not given here.",
    "a2020_01_08_unnamed_bases": "Iranian missile strike on two Iraqi bases that the source "
    "does not name (other reports: Al Asad and Erbil); no deaths, over 100 concussion "
    "cases. Probably the same strike as a2020_01_al_asad; kept apart because this source "
    "names no base.",
    "a2020_03_11_taji": "Barrage from a truck launcher later seized north of Baghdad; two US "
    "and one British service member killed. Article 001 counts about 30 rockets fired (12 "
    "to 18 landed); article 002 counts the 18 that hit.",
    "a2020_03_14_taji": "Second barrage on Taji in a week; three US troops hurt.",
    "a2021_02_erbil": "Rocket strike by Erbil airport in mid to late February; a Filipino "
    "contractor of the coalition killed.",
    "a2021_03_03_al_asad": "Ten or more rockets from a truck east of the base; a US contractor "
    "died; counter-rocket defences were in action.",
    "a2024_01_tower_22": "Drone strike on the outpost on Jordan's border in late January; "
    "three US soldiers killed.",
    "a2024_04_21_rumalyn": "Five rockets from northern Iraq at the US site in north-east "
    "Syria; no casualties reported.",
    "a2024_04_22_al_asad": "At least one armed drone, the first attack after about three "
    "months of calm; no casualties reported.",
}

# ---------------------------------------------------------------------------------------
# Current deployment, planner's rules and posture options (all illustrative).
# ---------------------------------------------------------------------------------------

# (base, system, units, why)
DEPLOYED: tuple[tuple[str, str, int, str], ...] = (
    ("al_asad", "cram", 2, "largest base, hit most often; counter-rocket guns in use there (2021)"),
    ("al_asad", "patriot", 1, "within Iranian missile reach, struck in 2020"),
    ("erbil", "cram", 1, "northern hub, rocket attacks in 2021"),
    ("erbil", "patriot", 1, "within Iranian missile reach"),
    ("embassy", "cram", 1, "diplomatic compound (see the min_units rule)"),
    ("union_iii", "cram", 1, "coalition headquarters"),
    ("union_iii", "patriot", 1, "in range of the embassy and the airport too"),
    ("biap", "cram", 1, "Baghdad airport support site"),
)

# (kind, base, system, value, why)
RULES: tuple[tuple[str, str, str | None, int | None, str], ...] = (
    (
        "forbid",
        "zelkan",
        None,
        None,
        "Turkish base, not a coalition site: no coalition system may go there",
    ),
    (
        "min_units",
        "embassy",
        "cram",
        1,
        "the embassy keeps at least one C-RAM whatever the risk score: a political commitment",
    ),
)

# (option_id, action, base, to_base, system, units, what it represents)
OPTIONS: tuple[tuple[str, str, str, str | None, str | None, int | None, str], ...] = (
    (
        "close_tower_22",
        "close",
        "tower_22",
        "al_tanf",
        None,
        None,
        "fold the small Jordanian outpost, hit by the deadliest drone attack on record, into "
        "the Al-Tanf garrison about 20 km away",
    ),
    (
        "close_union_iii",
        "close",
        "union_iii",
        "biap",
        None,
        None,
        "consolidate Baghdad's military presence at the airport; the embassy stays",
    ),
    (
        "close_green_village",
        "close",
        "green_village",
        "conoco",
        None,
        None,
        "merge the two Deir ez-Zor oil and gas sites at Conoco, about 40 km apart",
    ),
    (
        "cram_to_rumalyn",
        "move_system",
        "biap",
        "rumalyn",
        "cram",
        1,
        "shift one C-RAM from the airport to the Syrian site rocketed in 2024",
    ),
)


# ---------------------------------------------------------------------------------------
# Reading the shared facts
# ---------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV file with a header, as dictionaries of text."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


class Facts:
    """theater_facts.csv by row name, with its ``label=URL`` sources."""

    def __init__(self, path: Path) -> None:
        self.rows = {row["name"]: row for row in read_csv(path)}

    def row(self, name: str, kind: str) -> dict[str, str]:
        row = self.rows.get(name)
        if row is None or row["kind"] != kind:
            raise SystemExit(f"{FACTS_FILE}: no {kind} row named {name!r}")
        return row

    def names(self, kind: str) -> list[str]:
        return [name for name, row in self.rows.items() if row["kind"] == kind]

    def ref(self, name: str, label: str | None = None) -> str:
        """``theater_facts.csv "<row>" <label>=<url>``: where a value comes from."""
        urls: list[tuple[str | None, str]] = []
        for part in self.rows[name]["source_url"].split(" ; "):
            match = re.match(r"^([a-z]+)=(https?://\S+)$", part.strip())
            if match:
                urls.append((match.group(1), match.group(2)))
            elif part.strip():
                urls.append((None, part.strip()))
        if label is None:
            chosen = [f"{lab}={url}" if lab else url for lab, url in urls]
        else:
            chosen = [f"{lab}={url}" for lab, url in urls if lab == label]
            if not chosen:
                raise SystemExit(f"{FACTS_FILE}: row {name!r} has no {label}= source")
        return f'{FACTS_FILE} "{name}" ' + " ; ".join(chosen)


def published_troops(figure: str) -> int:
    """A troop figure as published: ``"1500"`` -> 1500, ``"<1000"`` -> 900."""
    text = figure.strip()
    if text.startswith("<"):
        return int(text[1:]) - 100  # an upper bound: the round hundred below it
    return int(text)


def short_region(province: str) -> str:
    """The province without the parenthetical remarks the facts add (kept in notes)."""
    return re.sub(r"\s*\(.*\)\s*", "", province).strip()


# ---------------------------------------------------------------------------------------
# Evidence: sentence spans in the article texts
# ---------------------------------------------------------------------------------------

# words that end with a full stop without ending a sentence ("U.S. troops", "Dec. 27")
TITLES = ("u.s", "u.k", "gen", "lt", "cpl", "sgt", "col", "maj", "capt", "dr", "mr", "mrs", "jr")
MONTHS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
ABBREVIATIONS = frozenset((*TITLES, *MONTHS))
SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*")


def sentence_ends(text: str) -> list[int]:
    """Offsets just past the end of each sentence or line in ``text``."""
    ends = [m.start() for m in re.finditer(r"\n", text)]
    for match in SENTENCE_END.finditer(text):
        end = match.end()
        following = text[end : end + 2]
        if end < len(text) and not (
            following[:1].isspace() or following[:1].isupper() or following[:1] in '"\u201c'
        ):
            continue  # "3.5", "rudaw.net": not an end
        if following[:1].isspace() and following[1:2].islower():
            continue  # "Jr., the ...", "approx. ten": the sentence goes on
        word = re.findall(r"[\w.]+$", text[: match.start()])
        if word and (word[0].lower() in ABBREVIATIONS or re.fullmatch(r"[A-Z]", word[0])):
            continue  # "Gen. Milley", "U.S. troops" (an initial: "U." before "S.")
        ends.append(end)
    return sorted(set(ends))


def sentence_span(text: str, term: str) -> tuple[int, int]:
    """Character span [start, end) of the sentence holding the first match of ``term``."""
    hit = text.find(term)
    if hit < 0:
        raise SystemExit(f"evidence term {term!r} not found")
    ends = sentence_ends(text)
    start = max((e for e in ends if e <= hit), default=0)
    stop = min((e for e in ends if e >= hit + len(term)), default=len(text))
    while start < hit and text[start].isspace():
        start += 1
    return start, stop


def evidence_for(articles: Path, article: str, gold_date: str) -> str | None:
    """``file:start-end`` of the supporting sentence, or None if the text is not at hand."""
    path = articles / article
    if not path.is_file():
        return None
    term = EVIDENCE_TERMS.get((article, gold_date))
    if term is None:
        raise SystemExit(f"no evidence term for {article} {gold_date}")
    start, stop = sentence_span(path.read_text(encoding="utf-8"), term)
    return f"{article}:{start}-{stop}"


# ---------------------------------------------------------------------------------------
# Building the sheets
# ---------------------------------------------------------------------------------------


def assumption(
    sheet: str, item: str, column: str, value: object, basis: str, source: str
) -> AssumptionRow:
    shown = f"{value:g}" if isinstance(value, float) else None if value is None else str(value)
    return AssumptionRow(
        sheet_name=sheet, item=item, column=column, value=shown, basis=basis, source=source
    )


#: a base named for an airfield is taken to receive a unit by air (illustrative)
AIRFIELD_WORDS = ("Air Base", "Airport", "Airfield")
AIR_BASIS = (
    "ILLUSTRATIVE: named an air base, airport or airfield, so taken to land the aircraft "
    "that carry a unit; not checked against any runway data"
)


def takes_air(spec: BaseSpec) -> bool:
    return any(word in spec.name for word in AIRFIELD_WORDS)


def build_bases(facts: Facts) -> tuple[list[BaseRow], list[AssumptionRow]]:
    known = {spec.fact for spec in BASES}
    missing = [name for name in facts.names("base") if name not in known]
    if missing:
        raise SystemExit(f"{FACTS_FILE}: base rows without a spec: {missing}")
    bases: list[BaseRow] = []
    notes: list[AssumptionRow] = []
    for spec in BASES:
        row = facts.row(spec.fact, "base")

        def resolve(value: int | Literal["figure"] | None, spec: BaseSpec = spec) -> int | None:
            if value != FIGURE:
                return value
            if not facts.rows[spec.fact]["figure"]:
                raise SystemExit(f"{spec.base_id}: FIGURE used but the facts row has none")
            return published_troops(facts.rows[spec.fact]["figure"])

        troops = resolve(spec.troops) or 0
        capacity = resolve(spec.capacity)
        bases.append(
            BaseRow(
                base_id=spec.base_id,
                name=spec.name,
                aliases=spec.aliases,
                lat=row["lat"],
                lon=row["lon"],
                country=row["country"],
                region=short_region(row["province"]),
                troops=troops,
                mission_value=spec.mission_value,
                hardening=spec.hardening,
                capacity=capacity,
                status=spec.status,
                receives_air="yes" if takes_air(spec) else None,
                owner=spec.owner,
                hardening_by_weapon="; ".join(
                    f"{w}: {spec.hardening / 2:g}" for w in HEAVY_WARHEADS
                ),
                warning_minutes="; ".join(f"{w}: {m:g}" for w, (m, _) in WARNING_MINUTES.items()),
                shelter_minutes=shelter_minutes_of(spec),
                notes=spec.notes,
            )
        )
        figure_ref = facts.ref(spec.fact, "figure") if row["figure"] else ILLUSTRATIVE
        label = "troops (Turkish), " if spec.base_id == "zelkan" else ""
        notes += [
            assumption(
                "bases",
                spec.base_id,
                "troops",
                troops,
                f"{label}ILLUSTRATIVE: {spec.troops_basis}",
                figure_ref if spec.troops == FIGURE else ILLUSTRATIVE,
            ),
            assumption(
                "bases",
                spec.base_id,
                "status",
                spec.status,
                spec.status_basis,
                facts.ref(spec.fact, spec.status_label)
                if spec.status_label
                else f'{FACTS_FILE} "{spec.fact}" notes',
            ),
            assumption(
                "bases",
                spec.base_id,
                "mission_value",
                spec.mission_value,
                spec.mission_basis,
                ILLUSTRATIVE,
            ),
            assumption(
                "bases",
                spec.base_id,
                "hardening",
                spec.hardening,
                spec.hardening_basis,
                ILLUSTRATIVE,
            ),
            assumption(
                "bases",
                spec.base_id,
                "capacity",
                capacity,
                spec.capacity_basis,
                figure_ref if spec.capacity == FIGURE else ILLUSTRATIVE,
            ),
            assumption(
                "bases",
                spec.base_id,
                "hardening_by_weapon",
                bases[-1].hardening_by_weapon
                and "; ".join(map(str, bases[-1].hardening_by_weapon)),
                f"ILLUSTRATIVE: {HEAVY_BASIS}",
                ILLUSTRATIVE,
            ),
            assumption(
                "bases",
                spec.base_id,
                "warning_minutes",
                "; ".join(map(str, bases[-1].warning_minutes)),
                "ILLUSTRATIVE: "
                + "; ".join(f"{w}: {why}" for w, (_, why) in WARNING_MINUTES.items()),
                ILLUSTRATIVE,
            ),
            assumption(
                "bases",
                spec.base_id,
                "shelter_minutes",
                shelter_minutes_of(spec),
                "ILLUSTRATIVE: time to reach cover at a site of this kind "
                f"({spec.hardening_basis})",
                ILLUSTRATIVE,
            ),
        ]
        if takes_air(spec):
            notes.append(
                assumption("bases", spec.base_id, "receives_air", "yes", AIR_BASIS, ILLUSTRATIVE)
            )
        if spec.owner != "coalition":
            notes.append(
                assumption(
                    "bases",
                    spec.base_id,
                    "owner",
                    spec.owner,
                    spec.owner_basis,
                    f'{FACTS_FILE} "{spec.fact}" notes',
                )
            )
    return bases, notes


def build_weapons(facts: Facts) -> tuple[list[WeaponRow], list[AssumptionRow]]:
    weapons: list[WeaponRow] = []
    notes: list[AssumptionRow] = []
    for spec in WEAPONS:
        weapons.append(
            WeaponRow(
                weapon=spec.weapon,
                name=spec.name,
                reach_km=spec.reach_km,
                severity_prior=spec.severity_prior,
                falloff=spec.falloff,
                notes="reach_km, severity_prior and falloff: see assumptions",
            )
        )
        reach_source = ILLUSTRATIVE if spec.fact is None else facts.ref(spec.fact)
        if spec.fact == "Kermanshah province (Iran)":
            reach_source = facts.ref(spec.fact, "event")
        notes += [
            assumption(
                "weapons", spec.weapon, "reach_km", spec.reach_km, spec.reach_basis, reach_source
            ),
            assumption(
                "weapons",
                spec.weapon,
                "severity_prior",
                spec.severity_prior,
                f"ILLUSTRATIVE casualty-equivalents per attack: {spec.severity_basis}",
                ILLUSTRATIVE,
            ),
            assumption(
                "weapons", spec.weapon, "falloff", spec.falloff, spec.falloff_basis, ILLUSTRATIVE
            ),
        ]
    return weapons, notes


def build_systems(facts: Facts) -> tuple[list[SystemRow], list[AssumptionRow]]:
    systems: list[SystemRow] = []
    notes: list[AssumptionRow] = []
    for spec in SYSTEMS:
        if spec.fact is not None:
            facts.row(spec.fact, "system")
        systems.append(
            SystemRow(
                system_id=spec.system_id,
                name=spec.name,
                mode=spec.mode,
                inventory=spec.inventory,
                range_km=spec.range_km,
                max_per_base=spec.max_per_base,
                crew=spec.crew,
                teardown_days=spec.teardown_days,
                emplace_days=spec.emplace_days,
                road_km_per_day=spec.road_km_per_day,
                air_days=spec.air_days,
                notes=spec.notes,
            )
        )
        sid = spec.system_id
        notes += [
            assumption(
                "systems",
                sid,
                "range_km",
                spec.range_km,
                spec.range_basis,
                ILLUSTRATIVE if spec.fact is None else facts.ref(spec.fact),
            ),
            assumption(
                "systems", sid, "inventory", spec.inventory, spec.inventory_basis, ILLUSTRATIVE
            ),
            assumption(
                "systems", sid, "max_per_base", spec.max_per_base, spec.max_basis, ILLUSTRATIVE
            ),
            assumption("systems", sid, "crew", spec.crew, spec.crew_basis, ILLUSTRATIVE),
        ]
        notes += [
            assumption(
                "systems", sid, column, getattr(spec, column), spec.movement_basis, ILLUSTRATIVE
            )
            for column in ("teardown_days", "emplace_days", "road_km_per_day", "air_days")
        ]
    return systems, notes


def build_effectiveness() -> tuple[list[EffectivenessRow], list[AssumptionRow]]:
    effectiveness: list[EffectivenessRow] = []
    notes: list[AssumptionRow] = []
    for (system_id, weapon), (p, why) in EFFECTIVENESS.items():
        effectiveness.append(
            EffectivenessRow(
                system_id=system_id, weapon=weapon, p_intercept=p, notes="illustrative"
            )
        )
        notes.append(
            assumption(
                "effectiveness", f"{system_id}/{weapon}", "p_intercept", p, why, ILLUSTRATIVE
            )
        )
    return effectiveness, notes


def build_zones(facts: Facts) -> tuple[list[ThreatZoneRow], list[AssumptionRow]]:
    known = {spec.fact for spec in ZONES if spec.fact_kind == "hostile_area"}
    missing = [name for name in facts.names("hostile_area") if name not in known]
    if missing:
        raise SystemExit(f"{FACTS_FILE}: hostile_area rows without a zone spec: {missing}")
    zones: list[ThreatZoneRow] = []
    notes: list[AssumptionRow] = []
    for spec in ZONES:
        row = facts.row(spec.fact, spec.fact_kind)
        zones.append(
            ThreatZoneRow(
                zone_id=spec.zone_id,
                actor=spec.actor,
                lat=row["lat"],
                lon=row["lon"],
                radius_km=spec.radius_km,
                weapons=spec.weapons,
                intensity=spec.intensity,
                intensity_by_weapon=spec.intensity_by_weapon or None,
                active_from=spec.active_from,
                active_to=spec.active_to,
                notes=spec.notes,
            )
        )
        zid = spec.zone_id
        actor_source = facts.ref(spec.fact, spec.actor_label) if spec.actor_label else ILLUSTRATIVE
        notes += [
            assumption("threat_zones", zid, "actor", spec.actor, spec.actor_basis, actor_source),
            assumption(
                "threat_zones", zid, "radius_km", spec.radius_km, spec.radius_basis, ILLUSTRATIVE
            ),
            assumption(
                "threat_zones", zid, "weapons", spec.weapons, spec.weapons_basis, ILLUSTRATIVE
            ),
            assumption(
                "threat_zones",
                zid,
                "intensity",
                spec.intensity,
                f"ILLUSTRATIVE attacks per year per base reached: {spec.intensity_basis}",
                ILLUSTRATIVE,
            ),
        ]
        if spec.intensity_by_weapon:
            notes.append(
                assumption(
                    "threat_zones",
                    zid,
                    "intensity_by_weapon",
                    spec.intensity_by_weapon,
                    f"ILLUSTRATIVE: {spec.intensity_by_weapon_basis}",
                    ILLUSTRATIVE,
                )
            )
        for column, day in (("active_from", spec.active_from), ("active_to", spec.active_to)):
            if day is not None:
                notes.append(
                    assumption(
                        "threat_zones",
                        zid,
                        column,
                        day.isoformat(),
                        spec.period_basis or "",
                        f'{FACTS_FILE} "{spec.fact}" notes',
                    )
                )
    return zones, notes


def _count(text: str) -> int | None:
    return int(text) if text.strip() else None


def _merge(rows: list[dict[str, str]], column: str) -> tuple[str | None, str | None]:
    """One value for ``column`` from rows about the same event, and a note if they differ.

    Blank means "not said", so any stated value wins over blank. Two different counts
    keep the larger; two different texts keep the first article's.
    """
    stated: list[tuple[str, str]] = [(r["article_file"], r[column]) for r in rows if r[column]]
    values = list(dict.fromkeys(value for _, value in stated))
    if len(values) <= 1:
        return (values[0] if values else None), None
    is_count = column in ("munitions", "killed", "wounded")
    chosen = max(values, key=int) if is_count else values[0]
    told = ", ".join(f"{value} in {article}" for article, value in stated)
    return chosen, f"Sources differ on {column}: {told}; {chosen} kept."


def build_attacks(articles: Path) -> tuple[list[AttackRow], list[AssumptionRow]]:
    gold_path = articles / GOLD_FILE
    if not gold_path.is_file():
        print(f"warning: {gold_path} not found; the attacks sheet is left out")
        return [], []
    events: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in read_csv(gold_path):
        if row["base"] not in GOLD_SITES:
            raise SystemExit(f"{GOLD_FILE}: site {row['base']!r} is not in GOLD_SITES")
        base_id = GOLD_SITES[row["base"]]
        events.setdefault((base_id or row["base"], row["date"]), []).append(row)

    attacks: list[AttackRow] = []
    notes: list[AssumptionRow] = []
    for (_, date), rows in events.items():
        first = rows[0]
        base_id = GOLD_SITES[first["base"]]
        slug = base_id or OFF_THEATER_SLUGS[first["base"]]
        attack_id = f"a{date.replace('-', '_')}_{slug}"
        if len({r["date_precision"] for r in rows}) != 1 or len({r["weapon"] for r in rows}) != 1:
            raise SystemExit(f"{attack_id}: merged rows disagree on precision or weapon")
        if attack_id not in ATTACK_NOTES:
            raise SystemExit(f"{attack_id}: no entry in ATTACK_NOTES")
        merged: dict[str, str | None] = {}
        conflicts: list[str] = []
        for column in ("actor", "munitions", "killed", "wounded"):
            value, conflict = _merge(rows, column)
            merged[column] = value
            if conflict:
                conflicts.append(conflict)
                notes.append(
                    assumption(
                        "attacks",
                        attack_id,
                        column,
                        value,
                        "the merged sources differ; the larger count is kept (for munitions: "
                        "rockets fired rather than rockets that landed)",
                        "; ".join(f"{GOLD_FILE} row for {r['article_file']}" for r in rows),
                    )
                )
        sources = [r["article_file"] for r in rows]
        spans = [evidence_for(articles, r["article_file"], r["date"]) for r in rows]
        attacks.append(
            AttackRow(
                attack_id=attack_id,
                date=date,
                date_precision=first["date_precision"],
                base_id=base_id,
                site=first["base"],
                actor=merged["actor"],
                weapon=first["weapon"],
                munitions=_count(merged["munitions"] or ""),
                killed=_count(merged["killed"] or ""),
                wounded=_count(merged["wounded"] or ""),
                source=sources,
                evidence=[span for span in spans if span is not None],
                notes=" ".join([ATTACK_NOTES[attack_id], *conflicts]),
            )
        )
    unused = set(ATTACK_NOTES) - {a.attack_id for a in attacks}
    if unused:
        raise SystemExit(f"ATTACK_NOTES has ids no event produced: {sorted(unused)}")
    attacks.sort(key=lambda a: (a.date or dt.date.min, a.attack_id))
    return attacks, notes


UNION_III_FACT = "Union III (FOB Union III / Al-Tawheed al-Thalith), Baghdad"


def build_reported_attacks(facts: Facts) -> tuple[list[AttackRow], list[AssumptionRow]]:
    """Rocket fire on Baghdad's International Zone that the facts file's sources report.

    Not from a seed article: the Union III facts row cites two reports of rockets near
    the coalition headquarters there. One names its date in its address (16 Feb 2020,
    kept to the month); the other gives none, so it is kept and left out as undated.
    """
    parts = [p.strip() for p in facts.rows[UNION_III_FACT]["source_url"].split(" ; ")]
    talos = next(p.removeprefix("location=") for p in parts if p.startswith("location="))
    rudaw = next(p for p in parts if "rudaw" in p)
    check = "from the facts file's sources for Union III, not from a seed article; check "
    check += "the report before briefing"
    attacks = [
        AttackRow(
            attack_id="a2020_02_union_iii",
            date="2020-02",
            date_precision="month",
            base_id="union_iii",
            site="coalition headquarters in the International Zone",
            weapon="rocket",
            source=[rudaw],
            notes=f"Rockets near the coalition headquarters in Baghdad; report dated 16 Feb "
            f"2020 by its address; casualty counts not taken. {check}.",
        ),
        AttackRow(
            attack_id="a_undated_union_iii",
            base_id="union_iii",
            site="ISF and coalition headquarters in the International Zone",
            weapon="rocket",
            munitions=2,
            source=[talos],
            notes=f"Two rockets near the Iraqi and coalition headquarters, per the report's "
            f"title; no date, so the risk model leaves it out. {check}.",
        ),
    ]
    notes = [
        assumption(
            "attacks",
            a.attack_id,
            "date",
            a.date and "2020-02",
            f"ILLUSTRATIVE record row: {check}",
            "; ".join(a.source),
        )
        for a in attacks
    ]
    return attacks, notes


#: share of attacks on coalition sites the record (five seed articles) holds
RECORD_COMPLETENESS = 0.1
RECORD_COMPLETENESS_BASIS = (
    "ILLUSTRATIVE: the record is what five seed articles mention (11 attacks on theater "
    "sites since 2015), not a search of all reporting; public tallies count attacks on US "
    "forces in Iraq and Syria by the dozen in a single campaign, so the record is taken "
    "to hold about one attack in ten"
)


def build_posture() -> tuple[
    list[DeployedRow], list[RuleRow], list[OptionRow], list[AssumptionRow]
]:
    notes: list[AssumptionRow] = []
    deployed = []
    for base_id, system_id, units, why in DEPLOYED:
        deployed.append(DeployedRow(base_id=base_id, system_id=system_id, units=units, notes=why))
        notes.append(
            assumption(
                "deployed",
                f"{base_id}/{system_id}",
                "units",
                units,
                f"ILLUSTRATIVE current deployment: {why}",
                ILLUSTRATIVE,
            )
        )
    rules = []
    for kind, rule_base, rule_system, value, reason in RULES:
        rules.append(
            RuleRow(kind=kind, base_id=rule_base, system_id=rule_system, value=value, notes=reason)
        )
        if value is not None:
            notes.append(
                assumption("rules", f"{rule_base}/{rule_system}", kind, value, reason, ILLUSTRATIVE)
            )
    options = [
        OptionRow(
            option_id=option_id,
            action=action,
            base_id=base_id,
            to_base_id=to_base_id,
            system_id=system_id,
            units=units,
            notes=why,
        )
        for option_id, action, base_id, to_base_id, system_id, units, why in OPTIONS
    ]
    return deployed, rules, options, notes


def check_posture(scenario: Scenario) -> None:
    """Refuse a deployment the planner's own rules would reject."""
    forbidden = {(r.base_id, r.system_id) for r in scenario.rules if r.kind == "forbid"}
    used: dict[str, int] = {}
    for d in scenario.deployed:
        base = scenario.base_by_id[d.base_id]
        system = scenario.system_by_id[d.system_id]
        if base.status != "open":
            raise SystemExit(f"deployed: {d.base_id} is {base.status}")
        if (d.base_id, None) in forbidden or (d.base_id, d.system_id) in forbidden:
            raise SystemExit(f"deployed: {d.system_id} at {d.base_id} breaks a forbid rule")
        if system.max_per_base is not None and d.units > system.max_per_base:
            raise SystemExit(f"deployed: {d.units} {d.system_id} at {d.base_id} > max_per_base")
        used[d.system_id] = used.get(d.system_id, 0) + d.units
    for system_id, units in used.items():
        if units > scenario.system_by_id[system_id].inventory:
            raise SystemExit(f"deployed: {units} {system_id} units > inventory")
    for b in scenario.bases:
        if b.capacity is not None and b.troops > b.capacity:
            raise SystemExit(f"bases: {b.base_id} troops above capacity")


#: settings the example sets, each (value, why): the move schedule's lift and horizon
SETTINGS: dict[str, tuple[float, str]] = {
    "lift_units": (
        2,
        "ILLUSTRATIVE: heavy transport for two system units at a time, road and air together",
    ),
    "planning_horizon_days": (
        90,
        "ILLUSTRATIVE: a quarter, the span a posture is planned for before it is reviewed; "
        "a move must repay its days down within it",
    ),
    "record_completeness": (RECORD_COMPLETENESS, RECORD_COMPLETENESS_BASIS),
}


def build_settings() -> tuple[Settings, list[AssumptionRow]]:
    settings = Settings(**{key: value for key, (value, _) in SETTINGS.items()})
    notes = [
        assumption("settings", key, "value", value, why, ILLUSTRATIVE)
        for key, (value, why) in SETTINGS.items()
    ]
    return settings, notes


def build(shared: Path) -> Scenario:
    """The example theater from ``shared/reference`` and ``shared/articles``."""
    facts = Facts(shared / "reference" / FACTS_FILE)
    bases, base_notes = build_bases(facts)
    systems, system_notes = build_systems(facts)
    effectiveness, effectiveness_notes = build_effectiveness()
    weapons, weapon_notes = build_weapons(facts)
    zones, zone_notes = build_zones(facts)
    attacks, attack_notes = build_attacks(shared / "articles")
    reported, reported_notes = build_reported_attacks(facts)
    attacks = sorted([*attacks, *reported], key=lambda a: (a.date or dt.date.min, a.attack_id))
    deployed, rules, options, posture_notes = build_posture()
    settings, settings_notes = build_settings()
    scenario = Scenario(
        bases=tuple(bases),
        systems=tuple(systems),
        effectiveness=tuple(effectiveness),
        weapons=tuple(weapons),
        threat_zones=tuple(zones),
        attacks=tuple(attacks),
        deployed=tuple(deployed),
        rules=tuple(rules),
        options=tuple(options),
        assumptions=tuple(
            base_notes
            + system_notes
            + effectiveness_notes
            + weapon_notes
            + zone_notes
            + attack_notes
            + reported_notes
            + posture_notes
            + settings_notes
        ),
        settings=settings,
    )
    check_posture(scenario)
    return scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="workbook to write")
    args = parser.parse_args()
    shared: Path = args.shared
    out: Path = args.out
    scenario = build(shared)
    write_xlsx(scenario, out)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    counts = ", ".join(f"{sheet} {n}" for sheet, n in scenario.counts().items() if n)
    print(f"wrote {out}\n  {counts}\n  sha256 {digest}")


if __name__ == "__main__":
    main()
