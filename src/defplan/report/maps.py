"""The theater map: where the systems go, what threatens each base, what is left.

Equirectangular projection with the aspect set to 1 / cos(mean latitude), so
distances look right across a theater a few hundred kilometres wide. Circles of a
radius in km are drawn as polygons, the radius converted to degrees with
cos(latitude) (a spherical approximation, well within a line's width here).

Drawn, bottom up: country outlines and names; threat zones (translucent red);
area systems' coverage (translucent blue, one circle per hosting base); move
arrows from today's deployment to the plan; bases as circles sized by troops and
coloured by the plan's residual risk (a thick blue ring where units stand);
labels naming each base and the units it hosts, placed so they do not overlap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.collections import PathCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch, Polygon
from matplotlib.path import Path
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from defplan.posture.move_orders import POOL
from defplan.report.borders import countries
from defplan.report.data import ReportData, records
from defplan.report.figures import (
    COVER_COLOUR,
    INK,
    MOVE_COLOUR,
    RISK_CMAP,
    ZONE_COLOUR,
    new_figure,
)

KM_PER_DEGREE = 111.32
LAND_COLOUR = "#f6f4ee"
SEA_COLOUR = "#dce8f1"
#: label offsets tried around a point, in points: (radius, angle in degrees)
LABEL_RADII = (7, 14, 24, 36, 50, 66, 84)
LABEL_ANGLES = (20, -20, 160, -160, 60, -60, 120, -120, 90, -90, 0, 180)
BASE_STYLE: dict[str, Any] = {
    "fontsize": 8.5,
    "fontweight": "bold",
    "color": COVER_COLOUR,
    "zorder": 8,
}
OTHER_STYLE: dict[str, Any] = {"fontsize": 7, "color": "#555555", "zorder": 8}
ZONE_STYLE: dict[str, Any] = {"fontsize": 6.5, "style": "italic", "zorder": 7}


def circle_lonlat(lat: float, lon: float, radius_km: float, n: int = 72) -> np.ndarray:
    """(n, 2) lon/lat points of a circle of ``radius_km`` around (lat, lon)."""
    angle = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 1e-6))
    return np.column_stack([lon + dlon * np.cos(angle), lat + dlat * np.sin(angle)])


def extent(data: ReportData, pad_deg: float = 0.5) -> tuple[float, float, float, float]:
    """(lon_min, lon_max, lat_min, lat_max) holding every base, zone and coverage."""
    lons = list(data.bases["lon"])
    lats = list(data.bases["lat"])
    for zone in records(data.zones):
        ring = circle_lonlat(float(zone["lat"]), float(zone["lon"]), float(zone["radius_km"]), 8)
        lons += list(ring[:, 0])
        lats += list(ring[:, 1])
    if not lons:
        return (-1.0, 1.0, -1.0, 1.0)
    lon_min, lon_max = min(lons) - pad_deg, max(lons) + pad_deg
    lat_min, lat_max = min(lats) - pad_deg, max(lats) + pad_deg
    # never narrower than 2 degrees, so one base alone still shows its surroundings
    for low, high in ((lon_min, lon_max), (lat_min, lat_max)):
        if high - low < 2.0:
            middle = (low + high) / 2
            if low == lon_min:
                lon_min, lon_max = middle - 1.0, middle + 1.0
            else:
                lat_min, lat_max = middle - 1.0, middle + 1.0
    return lon_min, lon_max, lat_min, lat_max


def theater_map(data: ReportData, width_in: float = 11.0) -> Figure:
    """The map as a matplotlib Figure (see the module docstring for what it shows)."""
    lon_min, lon_max, lat_min, lat_max = extent(data)
    mean_lat = (lat_min + lat_max) / 2
    aspect = 1.0 / max(math.cos(math.radians(mean_lat)), 0.1)
    ratio = (lat_max - lat_min) * aspect / (lon_max - lon_min)
    figure = new_figure(width_in, min(max(width_in * ratio * 0.92 + 1.2, 4.5), 14.0))
    ax = figure.add_subplot()
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    ax.set_aspect(aspect)
    ax.set_facecolor(SEA_COLOUR)
    ax.tick_params(labelsize=7, colors="#777777")
    ax.set_xlabel("longitude °E", fontsize=7, color="#777777")
    ax.set_ylabel("latitude °N", fontsize=7, color="#777777")

    _borders(ax, (lon_min, lon_max, lat_min, lat_max))
    _zones(ax, data)
    _coverage(ax, data)
    _moves(ax, data)
    risk_points, troop_handles = _bases(ax, data)
    colourbar = figure.colorbar(risk_points, ax=ax, shrink=0.6, pad=0.01, aspect=30)
    colourbar.set_label("residual risk under the plan (casualty-equivalents / year)", fontsize=8)
    colourbar.ax.tick_params(labelsize=7)
    _labels(figure, ax, data)
    _legend(ax, data, troop_handles)
    summary = data.summary
    ax.set_title(
        f"Where the systems go — {data.title}: risk {summary['risk_today']:.2f} → "
        f"{summary['risk_planned']:.2f} per year "
        f"({summary['percent_removed']:.1f}% of the undefended risk removed)",
        fontsize=11,
        loc="left",
        color=INK,
    )
    return figure


def _borders(ax: Axes, view: tuple[float, float, float, float]) -> None:
    """Land in a pale fill with grey borders; each country named inside itself."""
    lon_min, lon_max, lat_min, lat_max = view
    grid = np.stack(
        np.meshgrid(np.linspace(lon_min, lon_max, 48), np.linspace(lat_min, lat_max, 48)), -1
    ).reshape(-1, 2)
    for country in countries():
        inside = np.zeros(len(grid), dtype=bool)
        for ring in country.rings:
            points = np.array(ring)
            ax.add_patch(
                Polygon(points, closed=True, facecolor=LAND_COLOUR, edgecolor="none", zorder=0.5)
            )
            ax.plot(points[:, 0], points[:, 1], color="#9aa5b1", linewidth=0.8, zorder=1)
            inside |= Path(points).contains_points(grid)
        if inside.sum() >= 12:
            middle = np.median(grid[inside], axis=0)
            nearest = grid[inside][np.argmin(((grid[inside] - middle) ** 2).sum(axis=1))]
            ax.text(
                float(nearest[0]),
                float(nearest[1]),
                country.name.upper(),
                fontsize=13,
                color="#c9ced4",
                ha="center",
                va="center",
                fontweight="bold",
                zorder=1,
            )


def _zones(ax: Axes, data: ReportData) -> None:
    for zone in records(data.zones):
        ring = circle_lonlat(float(zone["lat"]), float(zone["lon"]), float(zone["radius_km"]))
        colour = ZONE_COLOUR if zone["active"] else "#888888"
        ax.add_patch(
            Polygon(ring, closed=True, facecolor=colour, alpha=0.13, edgecolor="none", zorder=2)
        )
        ax.add_patch(
            Polygon(
                ring,
                closed=True,
                fill=False,
                edgecolor=colour,
                linewidth=0.9,
                linestyle="--",
                zorder=2,
            )
        )


def _coverage(ax: Axes, data: ReportData) -> None:
    for system in records(data.systems):
        if system["mode"] != "area":
            continue
        column = f"hosted_{system['system_id']}"
        for base in records(data.bases):
            if int(base[column]) <= 0:
                continue
            ring = circle_lonlat(float(base["lat"]), float(base["lon"]), float(system["range_km"]))
            ax.add_patch(
                Polygon(
                    ring,
                    closed=True,
                    facecolor=COVER_COLOUR,
                    alpha=0.12,
                    edgecolor=COVER_COLOUR,
                    linewidth=1.0,
                    zorder=3,
                )
            )


def _moves(ax: Axes, data: ReportData) -> None:
    for move in records(data.moves):
        points = (move["from_lon"], move["from_lat"], move["to_lon"], move["to_lat"])
        if any(p is None or math.isnan(float(p)) for p in points):
            continue  # to or from the pool: shown in the base's label
        ax.add_patch(
            FancyArrowPatch(
                (float(move["from_lon"]), float(move["from_lat"])),
                (float(move["to_lon"]), float(move["to_lat"])),
                connectionstyle="arc3,rad=0.18",
                arrowstyle="-|>,head_length=6,head_width=3.5",
                color=MOVE_COLOUR,
                linewidth=1.6,
                alpha=0.85,
                shrinkA=6,
                shrinkB=8,
                zorder=4,
            )
        )


def _marker_size(troops: float, most: float) -> float:
    """Marker area in points² grows with troops (area ∝ troops)."""
    return 25.0 + 500.0 * (troops / most if most > 0 else 0.0)


def _bases(ax: Axes, data: ReportData) -> tuple[PathCollection, list[Line2D]]:
    bases = data.bases
    most = float(bases["troops"].max()) if len(bases) else 1.0
    top = float(np.nanmax(bases["risk_planned"])) if len(bases) else 0.0
    norm = Normalize(vmin=0.0, vmax=top if top > 0 else 1.0)
    manned = bases[bases["troops"] > 0]
    empty = bases[bases["troops"] <= 0]
    ax.scatter(
        empty["lon"],
        empty["lat"],
        s=22,
        marker="s",
        facecolor="white",
        edgecolor="#777777",
        linewidth=0.8,
        zorder=5,
    )
    defended = manned["units_planned"] > 0
    points = ax.scatter(
        manned["lon"],
        manned["lat"],
        s=[_marker_size(float(t), most) for t in manned["troops"]],
        c=manned["risk_planned"],
        cmap=RISK_CMAP,
        norm=norm,
        edgecolor=[COVER_COLOUR if d else "#555555" for d in defended],
        linewidth=[2.4 if d else 0.7 for d in defended],
        zorder=6,
    )
    sizes = [t for t in (100, 500, 1500) if t <= most * 1.5] or [int(most)]
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=math.sqrt(_marker_size(t, most)),
            markerfacecolor="#f5d0a9",
            markeredgecolor="#555555",
            label=f"{t:,} troops",
        )
        for t in sizes
    ]
    return points, handles


def _label_text(base: dict[str, Any], data: ReportData) -> tuple[str, bool]:
    """A base's label ("al_asad: 2 cram + 1 patriot") and whether it hosts units."""
    parts = []
    for s in data.system_ids:
        n = int(base[f"hosted_{s}"])
        if n:
            parts.append(f"{n} {s}")
    base_id = str(base["base_id"])
    arrivals = [
        f"{m['units']} {m['system_id']} from "
        + ("the pool" if m["from_base"] == POOL else str(m["from_base"]))
        for m in records(data.moves)
        if m["to_base"] == base_id
    ]
    if parts:
        moved = f" (moved in: {', '.join(arrivals)})" if arrivals else ""
        return f"{base_id}: {' + '.join(parts)}{moved}", True
    risk = float(base["risk_planned"])
    top = float(np.nanmax(data.bases["risk_planned"]))
    if top > 0 and risk >= 0.25 * top:
        return f"{base_id}: no units, {risk:.2f}/yr left", False
    return base_id, False


def _labels(figure: Figure, ax: Axes, data: ReportData) -> None:
    """Label every base, the ones hosting units first, without overlapping."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    taken: list[Bbox] = []
    for base in records(data.bases):
        x, y = ax.transData.transform((float(base["lon"]), float(base["lat"])))
        radius = 4.0 if base["troops"] <= 0 else 5.0
        taken.append(Bbox.from_extents(x - radius, y - radius, x + radius, y + radius))
    ordered = sorted(
        records(data.bases),
        key=lambda b: (
            -int(b["units_planned"] > 0),
            -float(b["risk_undefended"]),
            str(b["base_id"]),
        ),
    )
    for base in ordered:
        text, hosts = _label_text(base, data)
        style = BASE_STYLE if hosts else OTHER_STYLE
        _place(ax, renderer, frame, taken, (float(base["lon"]), float(base["lat"])), text, style)
    for zone in records(data.zones):
        bottom = float(zone["lat"]) - float(zone["radius_km"]) / KM_PER_DEGREE
        style = {**ZONE_STYLE, "color": ZONE_COLOUR if zone["active"] else "#888888"}
        label = f"{zone['zone_id']} ({zone['actor']})" + ("" if zone["active"] else ", inactive")
        _place(ax, renderer, frame, taken, (float(zone["lon"]), bottom), label, style)


def _place(
    ax: Axes,
    renderer: RendererBase,
    frame: Bbox,
    taken: list[Bbox],
    point: tuple[float, float],
    text: str,
    style: dict[str, Any],
) -> None:
    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.75, "edgecolor": "none"}
    last: Annotation | None = None
    for radius in LABEL_RADII:
        for angle in LABEL_ANGLES:
            dx = radius * math.cos(math.radians(angle))
            dy = radius * math.sin(math.radians(angle))
            if last is not None:
                last.remove()
            last = ax.annotate(
                text,
                point,
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx > 1 else ("right" if dx < -1 else "center"),
                va="center",
                bbox=box,
                arrowprops={"arrowstyle": "-", "color": "#888888", "linewidth": 0.6}
                if radius > LABEL_RADII[1]
                else None,
                **style,
            )
            extent = last.get_window_extent(renderer)
            if _fits(extent, frame, taken):
                taken.append(extent.expanded(1.05, 1.1))
                return
    if last is not None:  # nowhere free: keep the last try (readable, if crowded)
        taken.append(last.get_window_extent(renderer))


def _fits(extent: Bbox, frame: Bbox, taken: Sequence[Bbox]) -> bool:
    inside = (
        extent.x0 >= frame.x0
        and extent.x1 <= frame.x1
        and extent.y0 >= frame.y0
        and extent.y1 <= frame.y1
    )
    return inside and not any(extent.overlaps(other) for other in taken)


def _legend(ax: Axes, data: ReportData, troop_handles: list[Line2D]) -> None:
    area = [s for s in records(data.systems) if s["mode"] == "area"]
    handles: list[Artist] = [
        Patch(facecolor=ZONE_COLOUR, alpha=0.25, edgecolor=ZONE_COLOUR, linestyle="--"),
    ]
    labels = ["threat zone (launch area; actor)"]
    for system in area:
        handles.append(Patch(facecolor=COVER_COLOUR, alpha=0.25, edgecolor=COVER_COLOUR))
        labels.append(f"{system['system_id']} coverage ({system['range_km']:g} km)")
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=9,
            markerfacecolor="#fdae61",
            markeredgecolor=COVER_COLOUR,
            markeredgewidth=2.4,
        )
    )
    labels.append("base hosting units (label: units in the plan)")
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="s",
            markersize=5,
            markerfacecolor="white",
            markeredgecolor="#777777",
        )
    )
    labels.append("site without troops (candidate or closed)")
    if len(data.moves):
        handles.append(Line2D([], [], color=MOVE_COLOUR, linewidth=1.6, marker=">", markersize=5))
        labels.append("move from today's deployment")
    handles += troop_handles
    labels += [str(h.get_label()) for h in troop_handles]
    ax.figure.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=4,
        fontsize=7.5,
        frameon=False,
        labelspacing=1.0,
    )
