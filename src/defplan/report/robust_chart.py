"""The report's robust section: a fan chart of the theater's risk across draws."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from defplan.report.figures import COVER_COLOUR, INK, PLAN_COLOUR, TODAY_COLOUR, new_figure

#: The bands of the fan, outermost first: (low, high) percentiles.
FAN_BANDS = ((5.0, 95.0), (25.0, 75.0))


def fan_chart(robust: dict[str, Any], width_in: float = 10.0) -> Figure:
    """Theater risk a year across the draws of a robust.json: per plan (point plan,
    robust plan, each draw's own optimum) a fan of its P5-P95 and P25-P75 bands with
    the median marked, so a planner sees the spread the point figure hides."""
    rows = robust["per_sample"]
    series = (
        ("point plan", [r["point"] for r in rows], TODAY_COLOUR),
        (f"robust plan ({robust['objective']})", [r["robust"] for r in rows], PLAN_COLOUR),
        ("each draw's own optimum", [r["optimum"] for r in rows], COVER_COLOUR),
    )
    figure = new_figure(width_in, 2.6)
    ax = figure.add_subplot()
    for y, (_, values, colour) in enumerate(reversed(series)):
        found = np.array([v for v in values if v is not None], dtype=np.float64)
        if not found.size:
            continue
        for alpha, (low, high) in zip((0.25, 0.5), FAN_BANDS, strict=True):
            left, right = np.percentile(found, [low, high])
            ax.barh(y, right - left, left=left, height=0.5, color=colour, alpha=alpha)
        median = float(np.percentile(found, 50.0))
        ax.plot([median, median], [y - 0.25, y + 0.25], color=INK, linewidth=1.5)
        ax.text(median, y + 0.3, f"{median:.3f}", ha="center", fontsize=7, color=INK)
        ax.plot([float(found.mean())], [y], marker="o", color=INK, markersize=3)
    ax.set_yticks(range(len(series)), [label for label, _, _ in reversed(series)], fontsize=8)
    ax.set_xlabel(
        f"theater risk (casualty-equivalents per year) over {len(rows)} draws: "
        "P5-P95 light, P25-P75 dark, median line, mean dot",
        fontsize=8,
    )
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color="#e5e5e5")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    return figure
