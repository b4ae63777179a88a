"""How far a unit or a troop travels between two bases, and how long it takes.

One rule for every move defplan prices (troops and systems alike):

1. a route listed on the routes sheet between the two bases (either direction; the
   shortest when several are listed) gives the distance and, when given, the hours;
2. otherwise, when the routes sheet connects the two bases through other bases, the
   shortest such path (its hours are the sum of its legs' hours, blank when a leg
   has none);
3. otherwise the great-circle distance, with the hours blank.

Without a routes sheet every distance is the great-circle one. This holds whatever
``settings.coverage_distance`` says: that setting is about which bases an area
system reaches, while a listed route is always the better figure for a move.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from defplan.geo import great_circle_km
from defplan.scenario import Scenario

if TYPE_CHECKING:
    import networkx as nx

DistanceSource = Literal["same_base", "route", "routes_path", "great_circle"]


@dataclass(frozen=True)
class Leg:
    """One move's length (km), travel time (hours, None when not known) and basis."""

    km: float
    hours: float | None
    source: DistanceSource


@dataclass(frozen=True, eq=False)
class MoveDistances:
    """Distances between the bases of one theater, by the rule in the module docstring."""

    scenario: Scenario
    _cache: dict[tuple[str, str], Leg] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def _graph(self) -> nx.Graph:
        import networkx as nx  # only a theater with routes needs the graph

        graph = nx.Graph()
        for route in self.scenario.routes:
            a, b = route.from_base, route.to_base
            hours = math.nan if route.travel_hours is None else route.travel_hours
            known = graph.get_edge_data(a, b)
            if known is None or route.distance_km < known["km"]:
                graph.add_edge(a, b, km=route.distance_km, hours=hours)
        return graph

    def leg(self, from_base: str, to_base: str) -> Leg:
        """The move from one base to another (symmetric; 0 km from a base to itself)."""
        key = (from_base, to_base) if from_base <= to_base else (to_base, from_base)
        found = self._cache.get(key)
        if found is None:
            found = self._measure(*key)
            self._cache[key] = found
        return found

    def km(self, from_base: str, to_base: str) -> float:
        """Kilometres from one base to another, as :meth:`leg` measures it (0 to itself)."""
        return self.leg(from_base, to_base).km

    def _measure(self, a: str, b: str) -> Leg:
        if a == b:
            return Leg(0.0, 0.0, "same_base")
        if self.scenario.routes:  # without routes every distance is the great-circle one
            found = self._on_routes(a, b)
            if found is not None:
                return found
        base_a, base_b = self.scenario.base_by_id[a], self.scenario.base_by_id[b]
        return Leg(
            great_circle_km(base_a.lat, base_a.lon, base_b.lat, base_b.lon), None, "great_circle"
        )

    def _on_routes(self, a: str, b: str) -> Leg | None:
        """The listed route between two bases, else the shortest path over the routes;
        None when the routes do not connect them."""
        import networkx as nx

        graph = self._graph
        direct = graph.get_edge_data(a, b)
        if direct is not None:
            return Leg(float(direct["km"]), _hours(direct["hours"]), "route")
        if a in graph and b in graph and nx.has_path(graph, a, b):
            path = nx.shortest_path(graph, a, b, weight="km")
            legs = [graph.edges[u, v] for u, v in itertools.pairwise(path)]
            km = float(sum(e["km"] for e in legs))
            return Leg(km, _hours(sum(e["hours"] for e in legs)), "routes_path")
        return None


def _hours(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
