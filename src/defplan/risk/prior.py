"""The geographic prior: attacks per year the threat zones are expected to send.

A zone whose actor uses weapon class w sends ``intensity`` attacks a year (or its
``intensity_by_weapon`` figure for w) at a base inside its radius: the zone is the
area launches come from. Beyond the radius the weapon's reach carries it. With the
class's ``falloff`` linear (indirect fire: rockets, mortars) the share falls linearly
from 1 at the zone's edge to 0 at ``radius_km + reach_km``; with ``none`` (guided
weapons: one-way drones, missiles) every base within ``radius_km + reach_km`` is hit
alike. Only zones active on the as-of day count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from defplan.geo import distance_matrix_km
from defplan.scenario import Falloff, Scenario, ThreatZoneRow

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ZonePrior:
    """The prior rate per base and class, and each active zone's part in it.

    ``rate[b, w]`` is attacks per year; ``contributions[b, w, z]`` is zone z's part
    (they sum to ``rate``); ``zone_ids[z]`` names zone z. Bases and classes are in
    scenario order, zones in sheet order (active zones only).
    """

    rate: FloatArray
    contributions: FloatArray
    zone_ids: tuple[str, ...]


def falloff(
    distance_km: npt.ArrayLike,
    radius_km: npt.ArrayLike,
    reach_km: npt.ArrayLike,
    kind: Falloff = "linear",
) -> FloatArray:
    """Share of a zone's intensity that reaches a base ``distance_km`` from its centre.

    1 within ``radius_km``; beyond it, ``linear`` falls to 0 at ``radius_km +
    reach_km`` and ``none`` stays 1 up to there and is 0 past it. Never increasing
    with distance. Arguments broadcast against each other.

    Examples
    --------
    >>> falloff([0.0, 10.0, 35.0, 60.0, 90.0], 10.0, 50.0)
    array([1. , 1. , 0.5, 0. , 0. ])
    >>> falloff([0.0, 10.0, 35.0, 60.0, 90.0], 10.0, 50.0, "none")
    array([1., 1., 1., 1., 0.])
    """
    distance = np.asarray(distance_km, dtype=np.float64)
    radius = np.asarray(radius_km, dtype=np.float64)
    reach = np.asarray(reach_km, dtype=np.float64)
    if kind == "none":
        return np.where(distance <= radius + reach, 1.0, 0.0)
    beyond = np.clip(1.0 - (distance - radius) / reach, 0.0, 1.0)
    share: FloatArray = np.where(distance <= radius, 1.0, beyond)
    return share


def zone_is_active(zone: ThreatZoneRow, as_of: dt.date | None) -> bool:
    """Whether the zone counts on ``as_of`` (every zone counts when there is no date)."""
    if as_of is None:
        return True
    started = zone.active_from is None or zone.active_from <= as_of
    ongoing = zone.active_to is None or as_of <= zone.active_to
    return started and ongoing


def zone_prior(scenario: Scenario, as_of: dt.date | None) -> ZonePrior:
    """The prior rate of every base and weapon class from the zones active on ``as_of``.

    ``rate[b, w] = sum over zones z using w of intensity[z, w] * falloff(d[b, z],
    radius[z], reach[w], falloff[w])``, attacks per year.

    Examples
    --------
    >>> from defplan.scenario import BaseRow, Scenario, ThreatZoneRow, WeaponRow
    >>> scenario = Scenario(
    ...     bases=(BaseRow(base_id="a", name="A", lat=0.0, lon=0.0, troops=100),),
    ...     systems=(), effectiveness=(),
    ...     weapons=(WeaponRow(weapon="rocket", reach_km=100.0, severity_prior=1.0),),
    ...     threat_zones=(ThreatZoneRow(zone_id="z", actor="x", lat=0.0, lon=1.0,
    ...         radius_km=61.195, weapons=("rocket",), intensity=4.0),),
    ... )
    >>> zone_prior(scenario, None).rate.round(3)  # 50 km past the edge of a 100 km reach
    array([[2.]])
    """
    zones = [z for z in scenario.threat_zones if zone_is_active(z, as_of)]
    n_bases, n_weapons = len(scenario.bases), len(scenario.weapons)
    contributions = np.zeros((n_bases, n_weapons, len(zones)))
    if zones and n_bases and n_weapons:
        distance = distance_matrix_km(
            [b.lat for b in scenario.bases],
            [b.lon for b in scenario.bases],
            [z.lat for z in zones],
            [z.lon for z in zones],
        )
        radius = np.array([z.radius_km for z in zones])
        for w, weapon in enumerate(scenario.weapons):
            intensity = np.array([z.intensity_of(weapon.weapon) for z in zones])
            share = falloff(distance, radius[np.newaxis, :], weapon.reach_km, weapon.falloff)
            contributions[:, w, :] = share * intensity[np.newaxis, :]
    return ZonePrior(
        rate=contributions.sum(axis=2),
        contributions=contributions,
        zone_ids=tuple(z.zone_id for z in zones),
    )
