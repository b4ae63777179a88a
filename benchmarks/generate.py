"""Generated theaters of any size for benchmarks (deterministic for a given seed)."""

from __future__ import annotations

import datetime as dt
import math
import random

from defplan.scenario import (
    AttackRow,
    BaseRow,
    DeployedRow,
    EffectivenessRow,
    Scenario,
    SystemRow,
    ThreatZoneRow,
    WeaponRow,
)

WEAPONS = (
    WeaponRow(weapon="rocket", reach_km=20.0, severity_prior=0.8),
    WeaponRow(weapon="mortar", reach_km=6.0, severity_prior=0.5),
    WeaponRow(weapon="drone", reach_km=600.0, severity_prior=1.0),
    WeaponRow(weapon="ballistic_missile", reach_km=500.0, severity_prior=5.0),
    WeaponRow(weapon="cruise_missile", reach_km=1000.0, severity_prior=4.0),
)


#: Where generated theaters sit: Iraq and Syria's extent (degrees), grown for large sizes.
CENTER = (33.5, 43.0)
HALF_SPAN = (3.5, 4.5)
#: Up to this many bases fit the extent at a realistic density; beyond it the extent
#: grows with the square root of the size, so bases stay as far apart as in a real theater.
EXTENT_BASES = 500
#: Bases come in garrison clusters of this many on average, this far (km, one sigma)
#: from the cluster's centre: a Patriot-like area unit (25 to 40 km) covers a few bases.
CLUSTER_SIZE = 4
CLUSTER_SIGMA_KM = 10.0
KM_PER_DEGREE = 111.2


def _extent(n_bases: int) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) of a theater of this many bases."""
    grow = math.sqrt(max(n_bases, EXTENT_BASES) / EXTENT_BASES)
    lat_half, lon_half = HALF_SPAN[0] * grow, HALF_SPAN[1] * grow
    return (
        max(CENTER[0] - lat_half, -80.0),
        min(CENTER[0] + lat_half, 80.0),
        CENTER[1] - lon_half,
        CENTER[1] + lon_half,
    )


def _base_sites(n_bases: int, rng: random.Random) -> list[tuple[float, float]]:
    """Base positions in garrison clusters spread over the extent."""
    lat_min, lat_max, lon_min, lon_max = _extent(n_bases)
    clusters = [
        (rng.uniform(lat_min, lat_max), rng.uniform(lon_min, lon_max))
        for _ in range(max(1, round(n_bases / CLUSTER_SIZE)))
    ]
    sites = []
    for _ in range(n_bases):
        lat0, lon0 = rng.choice(clusters)
        lat = lat0 + rng.gauss(0.0, CLUSTER_SIGMA_KM) / KM_PER_DEGREE
        lon = lon0 + rng.gauss(0.0, CLUSTER_SIGMA_KM) / (
            KM_PER_DEGREE * math.cos(math.radians(lat0))
        )
        sites.append((round(min(max(lat, -89.0), 89.0), 4), round(lon, 4)))
    return sites


def generated_theater(n_bases: int, seed: int = 0) -> Scenario:
    """A theater of ``n_bases`` bases over Iraq and Syria's extent, 4 systems, 5 classes.

    Bases stand in garrison clusters (about CLUSTER_SIZE bases within ~CLUSTER_SIGMA_KM),
    so the area systems (Patriot-like 35 km, NASAMS-like 25 km) each cover a few bases,
    as in a real theater; past EXTENT_BASES bases the extent grows instead of the density.
    """
    rng = random.Random(seed)
    lat_min, lat_max, lon_min, lon_max = _extent(n_bases)
    bases = tuple(
        BaseRow(
            base_id=f"b{i:05d}",
            name=f"Base {i}",
            lat=lat,
            lon=lon,
            troops=rng.choice((0, 50, 150, 300, 800, 1500)),
            mission_value=rng.choice((0.5, 1.0, 1.0, 1.5, 2.0)),
            hardening=rng.choice((0.0, 0.1, 0.3)),
        )
        for i, (lat, lon) in enumerate(_base_sites(n_bases, rng))
    )
    scale = max(1, n_bases // 20)
    systems = (
        SystemRow(
            system_id="cram",
            name="C-RAM",
            mode="point",
            inventory=3 * scale,
            range_km=1.7,
            max_per_base=2,
        ),
        SystemRow(system_id="patriot", name="Patriot", mode="area", inventory=scale, range_km=35.0),
        SystemRow(system_id="nasams", name="NASAMS", mode="area", inventory=scale, range_km=25.0),
        SystemRow(system_id="cuas", name="Counter-UAS", mode="point", inventory=4 * scale),
    )
    effectiveness = (
        EffectivenessRow(system_id="cram", weapon="rocket", p_intercept=0.6),
        EffectivenessRow(system_id="cram", weapon="mortar", p_intercept=0.7),
        EffectivenessRow(system_id="cram", weapon="drone", p_intercept=0.5),
        EffectivenessRow(system_id="patriot", weapon="ballistic_missile", p_intercept=0.8),
        EffectivenessRow(system_id="patriot", weapon="cruise_missile", p_intercept=0.7),
        EffectivenessRow(system_id="nasams", weapon="cruise_missile", p_intercept=0.75),
        EffectivenessRow(system_id="nasams", weapon="drone", p_intercept=0.7),
        EffectivenessRow(system_id="cuas", weapon="drone", p_intercept=0.6),
    )
    zones = tuple(
        ThreatZoneRow(
            zone_id=f"z{i:04d}",
            actor=rng.choice(("Militia", "ISIS", "Iran")),
            lat=round(rng.uniform(lat_min, lat_max), 3),
            lon=round(rng.uniform(lon_min, lon_max), 3),
            radius_km=rng.choice((10.0, 25.0, 50.0)),
            weapons=tuple(sorted(rng.sample([w.weapon for w in WEAPONS], 2))),
            intensity=rng.choice((0.5, 1.0, 3.0)),
        )
        for i in range(max(3, n_bases // 10))
    )
    start = dt.date(2016, 1, 1)
    attacks = tuple(
        AttackRow(
            attack_id=f"a{i:05d}",
            date=start + dt.timedelta(days=rng.randrange(3000)),
            date_precision="day",
            base_id=rng.choice(bases).base_id,
            weapon=rng.choice(WEAPONS).weapon,
            killed=rng.choice((None, 0, 0, 1, 3)),
            wounded=rng.choice((None, 0, 2, 10)),
        )
        for i in range(n_bases // 2)
    )
    deployed = tuple(
        DeployedRow(base_id=bases[i].base_id, system_id="cram", units=1)
        for i in range(min(n_bases, 3 * scale))
    )
    return Scenario(
        bases=bases,
        systems=systems,
        effectiveness=effectiveness,
        weapons=WEAPONS,
        threat_zones=zones,
        attacks=attacks,
        deployed=deployed,
    )
