"""Country outlines for the map, from the GeoJSON shipped beside this module.

``assets/borders.geojson`` holds Natural Earth's 1:110m country outlines (public domain)
around the Middle East; ``tools/build_borders.py`` in the repository rebuilds it
(see docs/report.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Country:
    """A country's name and its outline rings as (lon, lat) pairs."""

    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


def countries() -> tuple[Country, ...]:
    """Every country in the shipped outlines."""
    text = resources.files("defplan.report").joinpath("assets/borders.geojson").read_text("utf-8")
    collection = json.loads(text)
    return tuple(
        Country(
            name=str(feature["properties"]["name"]),
            rings=tuple(
                tuple((float(x), float(y)) for x, y in ring)
                for ring in feature["geometry"]["coordinates"]
            ),
        )
        for feature in collection["features"]
    )
