"""Where a description puts a base: on a border ("an outpost near the Syrian-Jordanian
border"), in a part of a country ("southern Syria"), in a direction from a town.

The countries, their middles and their borders are data (``lexicons/countries.csv``,
``lexicons/borders.csv``): borders are rough polylines (latitude, longitude) through
well-known points (tripoints, crossings), good to some 20 km: enough to tell which of a
theater's bases lies on a border, not for drawing maps.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import pairwise
from typing import Final

from defplan.extract.lexicon_set import Lexicons, active_lexicons
from defplan.geo import great_circle_km


def country_words() -> dict[str, str]:
    """Each word for a country, folded, and the country it names (``countries.csv`` of
    the lexicons in use).

    >>> country_words()["syrian"], country_words()["kurdistan"]
    ('Syria', 'Iraq')
    """
    return _country_words(active_lexicons())


@lru_cache(maxsize=8)
def _country_words(lexicons: Lexicons) -> dict[str, str]:
    """Folded as the words of a place are before they are looked up ("türkiye" is
    found as "turkiye")."""
    from defplan.extract.sites import fold  # deferred: sites imports this module

    return {fold(word): c.name for c in lexicons.countries for word in c.words}


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


#: closer than this to a country's middle, a site is in no part of it
COUNTRY_MIDDLE_KM: Final = 50.0


def in_country_part(direction: str, country: str, point: tuple[float, float]) -> bool:
    """Whether ``point`` lies in the ``direction`` part of ``country`` ("southern Syria",
    "north-east Syria"): within 60 degrees of that bearing from the country's middle
    (``countries.csv`` of the lexicons in use).

    >>> tanf, green_village = (33.51, 38.62), (35.02, 40.56)
    >>> in_country_part("south", "Syria", tanf), in_country_part("south", "Syria", green_village)
    (True, False)
    """
    wanted = BEARINGS.get(direction.lower().replace("-", "").replace(" ", ""))
    centre = next((c.middle for c in active_lexicons().countries if c.name == country), None)
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
