"""The move schedule as ``defplan moves`` prints and writes it.

Views only: :func:`defplan.posture.schedule` computes the schedule and
:mod:`defplan.posture.writers` writes it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

from rich.table import Table

from defplan.cli.common import literal

if TYPE_CHECKING:
    from defplan.posture import MoveSchedule, ScheduleComparison, ScheduledMove


def _when(result: MoveSchedule, day: int | None) -> str:
    if day is None:
        return ""
    date = result.date(day)
    return f"{day}" if date is None else f"{day} ({date.isoformat()})"


def schedule_view(result: MoveSchedule) -> Table:
    """Every move of the target plan: how it travels, its days, and when it starts and ends."""
    title = (
        "Move orders, day by day (days: teardown+transit+emplacement, a unit down defends "
        "nothing; "
        "day 0 = the first order; ready = the day it defends its new base)"
    )
    view = Table(title=title, title_justify="left")
    for column, justify in (
        ("system", "left"),
        ("units", "right"),
        ("from", "left"),
        ("to", "left"),
        ("by", "left"),
        ("days", "right"),
        ("start", "right"),
        ("ready", "right"),
    ):
        view.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for row in result.frame().to_dict(orient="records"):
        made = row["made"] == "yes"
        view.add_row(
            literal(row["system_id"]),
            str(row["units"]),
            literal(row["from_base"]),
            literal(row["to_base"]),
            literal(row["by"]),
            f"{row['teardown_days']}+{row['transit_days']}+{row['emplace_days']}",
            _when(result, row["start_day"]) if made else "not made",
            _when(result, row["end_day"]) if made else "",
        )
    if not result.moves:
        view.add_row("", "0", "nothing to move: today's deployment is the plan", *[""] * 5)
    return view


def _dropped_line(move: ScheduledMove, horizon: int) -> str:
    o = move.order
    return (
        f"  not made: {o.system_id} {o.from_base} → {o.to_base}: over {horizon} days it would "
        f"remove {move.gain:.4f} but its {move.phases.days} day(s) down add "
        f"{move.exposure:.4f} (casualty-equivalents)"
    )


def _status(result: MoveSchedule) -> str:
    """'optimal', or what a time limit left: the best found and the bound on the risk."""
    if result.status == "optimal":
        return "optimal"
    return (
        f"{result.status}: the best found, {result.cost:.4f} against a bound of "
        f"{result.bound:.4f} casualty-equivalents"
    )


def schedule_summary(result: MoveSchedule, horizon: int) -> list[str]:
    """What the schedule costs and saves, and the moves left out as not worth it."""
    made = result.made
    lift = "no limit" if result.lift_units is None else f"{result.lift_units} unit(s) at once"
    lines = [
        f"{len(made)} unit move(s) made, the last ready on day {_when(result, result.finish_day)}; "
        f"lift {lift}; schedule {_status(result)}",
        f"risk accepted over {result.window_days} day(s): {result.cost:.4f} casualty-equivalents "
        f"(today's deployment kept: {result.cost + result.saving:.4f}); the moves add "
        f"{result.transition_cost:.4f} beyond the end state ({result.risk_end:.3f}/yr)",
    ]
    if not result.every_move:
        if result.dropped:
            lines.append(f"moves not worth their exposure over the {horizon}-day planning horizon:")
            lines.extend(_dropped_line(m, horizon) for m in result.dropped)
        else:
            lines.append(f"every move is worth its exposure over the {horizon}-day horizon")
    return lines


def bases_view(result: MoveSchedule) -> Table:
    view = Table(title="When each base has its new defence", title_justify="left")
    for column in ("base", "defended today", "defended after", "from day"):
        view.add_column(column, justify="right" if column == "from day" else "left", no_wrap=True)
    for row in result.bases.to_dict(orient="records"):
        view.add_row(
            literal(row["base_id"]),
            literal(row["defended_today"]),
            literal(row["defended_after"]),
            _when(result, int(row["ready_day"])),
        )
    return view


def schedule_summary_view(result: ScheduleComparison) -> Table:
    """The two schedules' figures side by side."""
    view = Table(title="Move schedules", title_justify="left")
    view.add_column("")
    for column in (f"A: {literal(result.labels[0])}", f"B: {literal(result.labels[1])}", "B − A"):
        view.add_column(column, justify="right", no_wrap=True)
    for row in result.summary.to_dict(orient="records"):
        whole = float(row["a"]).is_integer() and float(row["b"]).is_integer()
        cells = [
            f"{int(row[k]):+d}"
            if whole and k == "delta"
            else f"{int(row[k])}"
            if whole
            else f"{float(row[k]):+.4f}"
            if k == "delta"
            else f"{float(row[k]):.4f}"
            for k in ("a", "b", "delta")
        ]
        view.add_row(str(row["metric"]), *cells)
    return view


def schedule_moves_view(result: ScheduleComparison) -> Table:
    """Each route's units, first start and last ready day, A beside B."""
    view = Table(title="Moves: units, start day → ready day", title_justify="left")
    for column in ("system", "from", "to", "A", "B"):
        view.add_column(column, no_wrap=True)
    for row in result.moves.to_dict(orient="records"):
        view.add_row(
            literal(row["system_id"]),
            literal(row["from_base"]),
            literal(row["to_base"]),
            _side(row, "a"),
            _side(row, "b"),
        )
    return view


def _side(row: Mapping[Hashable, Any], side: str) -> str:
    units = row[f"{side}_units"]
    if not units:
        return "not made"
    return f"{units}: day {row[f'{side}_start_day']} → {row[f'{side}_ready_day']}"
