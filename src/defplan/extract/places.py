"""Countries of the region and their borders, for descriptions such as "an outpost near
the Syrian-Jordanian border".

Borders are rough polylines (latitude, longitude) through well-known points (tripoints,
crossings), good to some 20 km: enough to tell which of a theater's bases lies on a
border, not for drawing maps.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Final

from defplan.geo import great_circle_km

COUNTRY_WORDS: Final = {
    "iraq": "Iraq",
    "iraqi": "Iraq",
    "syria": "Syria",
    "syrian": "Syria",
    "jordan": "Jordan",
    "jordanian": "Jordan",
    "turkey": "Turkey",
    "türkiye": "Turkey",
    "turkish": "Turkey",
    "iran": "Iran",
    "iranian": "Iran",
    "kuwait": "Kuwait",
    "kuwaiti": "Kuwait",
    "saudi": "Saudi Arabia",
    "lebanon": "Lebanon",
    "lebanese": "Lebanon",
    "israel": "Israel",
    "israeli": "Israel",
    "kurdistan": "Iraq",
}

BORDERS: Final[dict[frozenset[str], tuple[tuple[float, float], ...]]] = {
    frozenset({"Iraq", "Jordan"}): ((33.37, 38.79), (32.50, 39.05), (32.23, 39.30)),
    frozenset({"Iraq", "Syria"}): (
        (33.37, 38.79),
        (34.45, 40.95),
        (35.45, 41.25),
        (36.35, 41.30),
        (36.85, 42.05),
        (37.10, 42.35),
    ),
    frozenset({"Jordan", "Syria"}): (
        (32.70, 35.65),
        (32.55, 36.30),
        (32.32, 36.84),
        (33.37, 38.79),
    ),
    frozenset({"Syria", "Turkey"}): (
        (35.90, 35.95),
        (36.65, 36.55),
        (36.65, 37.10),
        (36.82, 38.00),
        (36.68, 38.95),
        (36.85, 40.07),
        (37.05, 41.22),
        (37.10, 42.35),
    ),
    frozenset({"Iraq", "Turkey"}): ((37.10, 42.35), (37.25, 43.40), (37.35, 44.30), (37.15, 44.80)),
    frozenset({"Iraq", "Iran"}): (
        (37.15, 44.80),
        (36.00, 45.40),
        (35.10, 45.90),
        (34.10, 45.60),
        (33.35, 46.20),
        (32.40, 47.40),
        (31.00, 47.70),
        (30.00, 48.55),
    ),
    frozenset({"Iraq", "Kuwait"}): ((29.10, 46.55), (30.10, 47.90), (29.90, 48.40)),
    frozenset({"Iraq", "Saudi Arabia"}): ((32.23, 39.30), (31.00, 42.10), (29.10, 46.55)),
    frozenset({"Jordan", "Saudi Arabia"}): ((32.23, 39.30), (31.50, 37.00), (29.20, 36.10)),
    frozenset({"Lebanon", "Syria"}): (
        (34.65, 36.40),
        (34.30, 36.60),
        (33.80, 36.00),
        (33.30, 35.80),
    ),
    frozenset({"Israel", "Syria"}): ((33.30, 35.80), (32.70, 35.65)),
}
#: how far from a border line a base may be and still be "on the border", km
BORDER_REACH_KM: Final = 40.0


def distance_to_border_km(lat: float, lon: float, border: tuple[tuple[float, float], ...]) -> float:
    """Shortest distance from a point to a border polyline, km (sampled every ~1/20 leg)."""
    best = float("inf")
    for (lat1, lon1), (lat2, lon2) in pairwise(border):
        for step in range(21):
            t = step / 20
            best = min(
                best, great_circle_km(lat, lon, lat1 + t * (lat2 - lat1), lon1 + t * (lon2 - lon1))
            )
    return best


#: the compass bearing (degrees) each direction word names
BEARINGS: Final = {
    "north": 0.0,
    "northeast": 45.0,
    "east": 90.0,
    "southeast": 135.0,
    "south": 180.0,
    "southwest": 225.0,
    "west": 270.0,
    "northwest": 315.0,
}
#: how far a site "north of" a place may lie from it, and how far off that bearing
DIRECTION_REACH_KM: Final = 200.0
DIRECTION_SPREAD_DEG: Final = 60.0
#: closer than this to the place, a site is in it, not north of it
DIRECTION_MIN_KM: Final = 10.0


#: the middle of each country's extent (latitude, longitude), rough: what "southern
#: Syria" or "western Iraq" is measured from
COUNTRY_CENTRES: Final = {
    "Iraq": (33.2, 43.7),
    "Syria": (34.8, 39.0),
    "Jordan": (31.3, 37.1),
    "Kuwait": (29.3, 47.5),
    "Turkey": (39.0, 35.2),
}
#: closer than this to a country's middle, a site is in no part of it
COUNTRY_MIDDLE_KM: Final = 50.0


def in_country_part(direction: str, country: str, point: tuple[float, float]) -> bool:
    """Whether ``point`` lies in the ``direction`` part of ``country`` ("southern Syria",
    "north-east Syria"): within 60 degrees of that bearing from the country's middle.

    >>> tanf, green_village = (33.51, 38.62), (35.02, 40.56)
    >>> in_country_part("south", "Syria", tanf), in_country_part("south", "Syria", green_village)
    (True, False)
    """
    wanted = BEARINGS.get(direction.lower().replace("-", "").replace(" ", ""))
    centre = COUNTRY_CENTRES.get(country)
    if wanted is None or centre is None:
        return False
    if great_circle_km(*centre, *point) < COUNTRY_MIDDLE_KM:
        return False
    off = abs((bearing_deg(*centre, *point) - wanted + 180.0) % 360.0 - 180.0)
    return off <= DIRECTION_SPREAD_DEG


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The initial compass bearing from the first point to the second, 0-360 degrees.

    >>> round(bearing_deg(33.3, 44.4, 34.0, 44.4)), round(bearing_deg(33.3, 44.4, 33.3, 43.0))
    (0, 270)
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(x, y)) % 360.0


def lies_toward(
    direction: str,
    origin: tuple[float, float],
    point: tuple[float, float],
    spread: float = DIRECTION_SPREAD_DEG,
) -> bool:
    """Whether ``point`` lies in ``direction`` ("north", "south-west") of ``origin``:
    within reach, off the place itself, and within ``spread`` degrees of that bearing
    (90: on that side of it at all).

    >>> kirkuk, k1 = (35.47, 44.39), (35.51, 44.28)
    >>> lies_toward("north", kirkuk, k1), lies_toward("north", kirkuk, k1, spread=90.0)
    (False, True)
    """
    wanted = BEARINGS.get(direction.lower().replace("-", "").replace(" ", ""))
    if wanted is None:
        return False
    km = great_circle_km(*origin, *point)
    if not DIRECTION_MIN_KM <= km <= DIRECTION_REACH_KM:
        return False
    off = abs((bearing_deg(*origin, *point) - wanted + 180.0) % 360.0 - 180.0)
    return off <= spread
