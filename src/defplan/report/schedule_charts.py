"""The move schedule's charts: a Gantt chart of the moves and the theater's risk by day."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from defplan.posture import MoveSchedule
from defplan.report.figures import (
    COVER_COLOUR,
    INK,
    MOVE_COLOUR,
    PLAN_COLOUR,
    TODAY_COLOUR,
    UNDEFENDED_COLOUR,
    new_figure,
)

#: the colour of each phase of a move
PHASE_COLOURS = {"teardown": UNDEFENDED_COLOUR, "transit": MOVE_COLOUR, "emplacement": TODAY_COLOUR}
#: days shown after the last move ends, so the end state reads as a level
TAIL_DAYS = 3


def _label(move_text: str, by: str) -> str:
    return f"{move_text}  ({by})"


def gantt_chart(result: MoveSchedule, width_in: float = 10.0) -> Figure:
    """One row per unit move: its teardown, transit and emplacement days; moves not made
    are listed with the reason."""
    moves = sorted(result.moves, key=lambda m: (m.start_day is None, m.start_day or 0))
    figure = new_figure(width_in, 1.5 + 0.38 * max(len(moves), 1))
    ax = figure.add_subplot()
    last = max(result.finish_day, 1) + TAIL_DAYS
    labels = []
    for row, move in enumerate(moves):
        o, p = move.order, move.phases
        labels.append(_label(f"{o.system_id} {o.from_base} → {o.to_base}", p.by))
        if move.start_day is None:
            ax.text(
                0.1, row, "not made: not worth its exposure", va="center", fontsize=8, color=INK
            )
            continue
        day = move.start_day
        for phase, length in (
            ("teardown", p.teardown_days),
            ("transit", p.transit_days),
            ("emplacement", p.emplace_days),
        ):
            if length:
                ax.barh(row, length, left=day, height=0.55, color=PHASE_COLOURS[phase])
            day += length
        ax.plot([day], [row], marker="|", markersize=12, color=COVER_COLOUR)
    ax.set_yticks(range(len(moves)), labels, fontsize=8)
    ax.set_ylim(len(moves) - 0.4, -0.6)  # the first move on top, room under the last
    ax.set_xlim(0, last)
    ax.set_xlabel("day (0 = the first order; | = defends its new base)", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color="#e5e5e5")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    handles = [Patch(color=c, label=phase) for phase, c in PHASE_COLOURS.items()]
    ax.legend(handles=handles, fontsize=8, loc="lower right", frameon=False)
    lift = "no limit" if result.lift_units is None else f"{result.lift_units} at once"
    ax.set_title(
        f"Move schedule: a unit down defends nothing (lift {lift})",
        fontsize=10,
        loc="left",
        color=INK,
    )
    return figure


def risk_by_day_chart(result: MoveSchedule, width_in: float = 10.0) -> Figure:
    """The theater's risk (per year) on each day of the transition, against today's and
    the end state's."""
    figure = new_figure(width_in, 3.6)
    ax = figure.add_subplot()
    risk = [float(r) for r in result.days["risk"]]
    risk += [result.risk_end] * TAIL_DAYS
    days = list(range(len(risk) + 1))
    ax.stairs(risk, days, baseline=None, color=PLAN_COLOUR, linewidth=1.8)
    ax.axhline(result.risk_today, color=TODAY_COLOUR, linestyle=":", linewidth=1.2)
    ax.axhline(result.risk_end, color=COVER_COLOUR, linestyle="--", linewidth=1.0)
    ax.text(
        0, result.risk_today, " today's deployment", color=TODAY_COLOUR, fontsize=8, va="bottom"
    )
    ax.text(
        len(risk),
        result.risk_end,
        "once the moves are made ",
        color=COVER_COLOUR,
        fontsize=8,
        ha="right",
        va="top",
    )
    ax.set_xlabel("day", fontsize=8)
    ax.set_ylabel("risk (casualty-equivalents / year)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(color="#e5e5e5")
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.2)
    ax.set_title(
        f"Theater risk by day: the moves add {result.transition_cost:.4f} casualty-equivalents "
        "beyond the end state while units are down",
        fontsize=10,
        loc="left",
        color=INK,
    )
    return figure
