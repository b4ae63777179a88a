"""How long one unit's move takes: teardown, transit (road or air) and emplacement days.

The schedule counts whole days, so each phase is rounded up to a whole day:

- teardown and emplacement: the system's ``teardown_days`` and ``emplace_days``;
- road transit: the route's ``travel_hours`` / 24 where the routes sheet gives them
  (:mod:`defplan.posture.distance`), otherwise km / the system's ``road_km_per_day``,
  otherwise no time (no movement data: the move is as quick as the orders);
- air transit: the system's ``air_days``, when it has one and the receiving base
  ``receives_air``; a unit flies when that is quicker than the road;
- a unit drawn from the pool only needs emplacing (where the depot is, and so how far
  it travels, the workbook does not say); a unit sent back to the pool only needs
  tearing down, and rides no theater lift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from defplan.posture.distance import Leg
from defplan.scenario import BaseRow, SystemRow

MoveMode = Literal["road", "air", "pool"]

#: below this, a fraction of a day is rounding noise (0.1 s), not another day
DAY_NOISE = 1e-6


@dataclass(frozen=True)
class Phases:
    """Whole days of each phase of one unit's move, and how it travels."""

    teardown_days: int
    transit_days: int
    emplace_days: int
    by: MoveMode

    @property
    def days(self) -> int:
        """Teardown, transit and emplacement days together."""
        return self.teardown_days + self.transit_days + self.emplace_days


def whole_days(days: float) -> int:
    """Days rounded up to a whole day (a phase of 0.2 days still takes that day)."""
    return max(0, math.ceil(days - DAY_NOISE))


def road_days(system: SystemRow, leg: Leg) -> int:
    """Days on the road: the route's hours, else km at the system's march rate, else 0."""
    if leg.hours is not None:
        return whole_days(leg.hours / 24.0)
    if system.road_km_per_day is not None:
        return whole_days(leg.km / system.road_km_per_day)
    return 0


def move_phases(
    system: SystemRow, leg: Leg | None, destination: BaseRow | None, from_pool: bool = False
) -> Phases:
    """The phases of one unit's move (``leg`` None: to or from the pool)."""
    teardown = whole_days(system.teardown_days)
    emplace = whole_days(system.emplace_days)
    if from_pool:
        return Phases(0, 0, emplace, "pool")
    if leg is None or destination is None:
        return Phases(teardown, 0, 0, "pool")
    road = road_days(system, leg)
    if system.air_days is not None and destination.takes_air:
        air = whole_days(system.air_days)
        if air < road:
            return Phases(teardown, air, emplace, "air")
    return Phases(teardown, road, emplace, "road")
