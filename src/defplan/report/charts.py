"""The report's charts: risk per base before and after, and the priority ladder."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from defplan.report.data import ReportData, records
from defplan.report.figures import (
    COVER_COLOUR,
    INK,
    PLAN_COLOUR,
    TODAY_COLOUR,
    UNDEFENDED_COLOUR,
    new_figure,
)

#: Most bases the risk chart shows (the riskiest undefended first).
MAX_BASES = 20


def risk_chart(data: ReportData, width_in: float = 10.0) -> Figure:
    """Horizontal bars per base: risk undefended, today and under the plan (per year)."""
    bases = data.bases[data.bases["risk_undefended"] > 0].head(MAX_BASES)
    n = len(bases)
    figure = new_figure(width_in, 1.4 + 0.42 * max(n, 1))
    ax = figure.add_subplot()
    rows = np.arange(n)[::-1]
    height = 0.27
    labels = []
    for base in records(bases):
        units = " + ".join(
            f"{int(base[f'hosted_{s}'])} {s}" for s in data.system_ids if int(base[f"hosted_{s}"])
        )
        labels.append(f"{base['base_id']}" + (f"  [{units}]" if units else "  [no units]"))
    series = (
        ("undefended", "risk_undefended", UNDEFENDED_COLOUR, height),
        ("today's deployment", "risk_today", TODAY_COLOUR, 0.0),
        ("this plan", "risk_planned", PLAN_COLOUR, -height),
    )
    for label, column, colour, shift in series:
        ax.barh(rows + shift, bases[column], height=height, color=colour, label=label)
    for row, value in zip(rows, bases["risk_planned"], strict=True):
        if not math.isnan(float(value)):
            ax.text(
                float(value),
                row - height,
                f" {float(value):.3f}",
                va="center",
                fontsize=7,
                color=PLAN_COLOUR,
            )
    ax.set_yticks(rows, labels, fontsize=8)
    ax.set_xlabel("risk (casualty-equivalents per year)", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color="#e5e5e5")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, loc="lower right", frameon=False)
    ax.set_title(
        "Risk per base: undefended, today, and under the plan [units hosted in the plan]",
        fontsize=10,
        loc="left",
        color=INK,
    )
    return figure


def ladder_chart(data: ReportData, width_in: float = 10.0) -> Figure:
    """Residual risk against units placed (the optimal plan for each count)."""
    figure = new_figure(width_in, 4.6)
    ax = figure.add_subplot()
    table = data.ladder
    if table is None or table.empty:
        ax.text(
            0.5, 0.5, f"priority ladder {data.ladder_note}", ha="center", transform=ax.transAxes
        )
        ax.set_axis_off()
        return figure
    steps = table[table["risk_after"].notna()]
    units = steps["units"].to_numpy(dtype=float)
    risk = steps["risk_after"].to_numpy(dtype=float)
    ax.plot(units, risk, "o-", color=PLAN_COLOUR, linewidth=1.8, markersize=5, label="optimal plan")
    ax.margins(y=0.15)  # room above the first point for its slanted label
    for step in records(steps):
        added = str(step["added"]).replace("+1 ", "+")
        if added:
            ax.annotate(
                added,
                (float(step["units"]), float(step["risk_after"])),
                xytext=(4, 6),
                textcoords="offset points",
                fontsize=7,
                rotation=28,
                color=INK,
            )
    ax.axvline(data.ladder_on_hand, color=COVER_COLOUR, linestyle="--", linewidth=1.0)
    ax.text(
        data.ladder_on_hand,
        ax.get_ylim()[1],
        " units on hand (cut line)",
        color=COVER_COLOUR,
        fontsize=8,
        va="top",
    )
    today = float(data.summary.get("risk_today") or math.nan)
    if not math.isnan(today):
        ax.axhline(today, color=TODAY_COLOUR, linestyle=":", linewidth=1.2)
        ax.text(
            float(units.min()) if len(units) else 0.0,
            today,
            f"today's deployment {today:.3f}/yr",
            color=TODAY_COLOUR,
            fontsize=8,
            va="bottom",
        )
    ax.set_xlabel("units placed (any mix of the systems on hand)", fontsize=8)
    ax.set_ylabel("risk left (casualty-equivalents / year)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_xticks(table["units"].to_numpy())
    ax.grid(color="#e5e5e5")
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.08, y=0.15)
    ax.set_title(
        "Priority ladder: the risk left with the best plan for each number of units "
        "(label: the unit that step adds)",
        fontsize=10,
        loc="left",
        color=INK,
    )
    return figure
