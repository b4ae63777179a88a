"""``defplan options`` and ``defplan moves``: consolidation options and move orders.

Thin layers over :func:`defplan.posture.options` and :func:`defplan.posture.schedule`:
parsing and printing; :mod:`defplan.posture.writers` writes the files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from defplan.atomic import check_out_folder
from defplan.cli.common import (
    ObjectiveOption,
    OutOption,
    WorkbookArg,
    console,
    keep_whole,
    literal,
    num,
    objective_choice,
    read_from,
    reports_bad_input,
)
from defplan.cli.schedule import bases_view, schedule_summary, schedule_view
from defplan.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from defplan.posture import MoveOrders, OptionScore, OptionsReport


def _plan_options(objective: str | None) -> dict[str, Any]:
    chosen = objective_choice(objective)
    return {} if chosen is None else {"objective": chosen}


# --- options -----------------------------------------------------------------------------


@reports_bad_input
def options_command(
    workbook: WorkbookArg,
    out: OutOption = None,
    suggest: Annotated[
        int,
        typer.Option(
            "--suggest", help="also search every closure of up to K open bases (exact)", min=0
        ),
    ] = 0,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", help="score only this option (repeat for several)"),
    ] = None,
    top: Annotated[int, typer.Option(help="closures to propose with --suggest", min=1)] = 5,
    workers: Annotated[
        int | None, typer.Option(help="processes for --suggest (default: every core)", min=1)
    ] = None,
    objective: ObjectiveOption = None,
) -> None:
    """Score every option of the options sheet by re-optimizing the defenses; rank them."""
    from defplan.posture import OptionError, options
    from defplan.posture.writers import options_files, write_options
    from defplan.workbook import load_scenario

    scenario = load_scenario(workbook)
    if out is not None:
        check_out_folder(out, read_from(workbook, scenario), options_files(suggest > 0))
    try:
        report = options(
            scenario,
            suggest=suggest,
            only=option or None,
            top=top,
            workers=workers,
            progress=suggest > 0,
            **_plan_options(objective),
        )
    except OptionError as exc:
        if exc.kind != "unknown":
            raise
        raise InputError([Problem("--option", message=str(exc))]) from None
    console.print(options_view(report))
    for line in options_notes(report):
        console.print(line, soft_wrap=True)
    if suggest:
        console.print(suggestions_view(report))
        for i, score in enumerate(report.suggestions, start=1):
            console.print(f"  {i}. {score.option_id}: {score.why}", soft_wrap=True, markup=False)
        console.print(
            f"searched {report.closures_searched} closures of up to {suggest} open base(s), "
            f"each re-optimized{' in parallel' if report.parallel else ''}"
        )
    best = report.best
    if best is None:
        console.print("best consolidation: none beats re-optimising today's posture")
    else:
        console.print(
            f"[bold]best consolidation: {literal(best.option_id)}[/] — residual "
            f"{best.risk_total:.3f}/yr ({best.delta_total:+.3f} against the status quo, "
            f"{best.delta_reoptimised:+.3f} against re-optimising today's posture); "
            f"{literal(best.description)}",
            soft_wrap=True,
        )
    if out is not None:
        for path in write_options(report, out):
            console.print(f"wrote {path}", markup=False)


def _score_row(rank: str, score: OptionScore, label: str | None = None) -> list[str]:
    from defplan.posture import STATUS_QUO

    label = literal(label or score.option_id)
    if not score.feasible:
        return [rank, label, "infeasible", "", "", "", "", "", ""]
    return [
        rank,
        label,
        f"{score.risk_total:.3f}",
        num(score.delta_total, signed=True) if score.option_id != STATUS_QUO else "",
        num(score.delta_reoptimised, signed=True) if rank != "-" else "",
        f"{score.risk_worst:.3f}",
        f"{score.troops_undefended:,}",
        f"{score.troop_km:,.0f}",
        str(score.system_units_moved),
    ]


_SCORE_COLUMNS = (
    ("#", "right"),
    ("option", "left"),
    ("risk/yr", "right"),
    ("Δ/yr", "right"),
    ("Δ re-\nopt.", "right"),
    ("worst", "right"),
    ("undef.\ntroops", "right"),
    ("troop-\nkm", "right"),
    ("unit\nmoves", "right"),
)
SCORE_LEGEND = (
    "risk/yr: total residual (after re-optimizing, but for the status quo) · "
    "Δ/yr: against the status quo · Δ re-opt.: against re-optimising today's posture, "
    "what the option itself buys · "
    "worst: highest residual at one base · undef. troops: at bases no unit defends · "
    "unit moves: system units taken from where they stand today"
)


def _score_table(title: str) -> Table:
    view = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column, justify in _SCORE_COLUMNS:
        view.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    return view


def options_view(report: OptionsReport) -> Table:
    """The status quo and today's posture re-optimised, then the options ranked by
    residual risk after re-optimizing."""
    view = _score_table("Options ranked (defenses re-optimized; casualty-equivalents/yr)")
    _add_references(view, report)
    for i, score in enumerate(report.options, start=1):
        view.add_row(*_score_row(str(i), score))
    return view


def options_notes(report: OptionsReport) -> list[str]:
    """What each option does, and why an infeasible one is."""
    from defplan.posture import REOPTIMISED

    lines = []
    for score in report.options:
        if score.feasible:
            lines.append(
                f"  {literal(score.option_id)}: {literal(score.description)} ({details(score)})"
            )
        else:
            lines.append(
                f"  [red]{literal(score.option_id)}: infeasible[/] — {literal(score.reason)}"
            )
    sq, again = report.status_quo, report.reoptimised
    lines.append(SCORE_LEGEND)
    lines.append(f"status quo = {literal(sq.description)} ({details(sq)})")
    lines.append(
        f"{REOPTIMISED} = today's posture with its defenses re-placed optimally "
        f"({again.system_units_moved} unit(s) moved from today's deployment; {details(again)})"
    )
    return lines


def _add_references(view: Table, report: OptionsReport) -> None:
    """The two rows every option is set against."""
    view.add_row(*_score_row("-", report.status_quo))
    view.add_row(*_score_row("-", report.reoptimised))


def details(score: OptionScore) -> str:
    """The figures the table leaves out: worst base, unit-km, regions left (escaped:
    a line of markup holds them)."""
    parts = [f"worst {score.worst_base}"] if score.worst_base else []
    parts.append(f"{score.system_unit_km:,.0f} unit-km")
    if score.troops_unplaced:
        parts.append(f"{score.troops_unplaced:,} troops fit nowhere")
    if score.regions_lost:
        parts.append(f"no presence left in {', '.join(score.regions_lost)}")
    return literal("; ".join(parts))


def suggestions_view(report: OptionsReport) -> Table:
    view = _score_table(f"Best closures of up to {report.suggest} base(s) (exhaustive search)")
    view.columns[1].header = "bases closed"
    _add_references(view, report)
    for i, score in enumerate(report.suggestions, start=1):
        view.add_row(*_score_row(str(i), score, "+".join(score.closed)))
    if not report.suggestions:
        view.add_row("", "no closure beats re-optimising today's posture", *[""] * 7)
    return view


# --- moves -------------------------------------------------------------------------------


@reports_bad_input
def moves_command(
    workbook: WorkbookArg,
    out: OutOption = None,
    max_budget: Annotated[
        int | None,
        typer.Option(
            "--max-budget", help="longest budget on the curve (default: the full re-plan's)", min=0
        ),
    ] = None,
    curve: Annotated[
        bool, typer.Option(help="also show risk against the units moved (one solve per unit)")
    ] = True,
    budget: Annotated[
        int | None,
        typer.Option("--budget", help="move to the best plan moving at most N units", min=0),
    ] = None,
    every_move: Annotated[
        bool,
        typer.Option(
            "--every-move", help="schedule every move, even those not worth their exposure"
        ),
    ] = False,
    horizon_days: Annotated[
        int | None,
        typer.Option(
            "--horizon-days", help="planning horizon in days (default: settings sheet)", min=1
        ),
    ] = None,
    lift: Annotated[
        int | None,
        typer.Option("--lift", help="units in transit at once (default: settings sheet)", min=1),
    ] = None,
    objective: ObjectiveOption = None,
    samples: Annotated[
        int,
        typer.Option(
            "--samples", help="draws of the inputs to judge each move's gain (0 = none)", min=0
        ),
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="seed of the draws", min=0)] = 1,
) -> None:
    """Move orders from today's deployment to the optimal plan, scheduled day by day within
    the lift (moves not worth their exposure left out), and risk per unit moved."""
    from defplan.posture import move_budget_curve, schedule
    from defplan.posture.move_orders import curve_note
    from defplan.posture.writers import moves_files, write_moves
    from defplan.risk import risk
    from defplan.robust.move_noise import move_gains
    from defplan.workbook import load_scenario

    scenario = load_scenario(workbook)
    if out is not None:
        check_out_folder(out, read_from(workbook, scenario), moves_files(curve, samples > 0))
    table = risk(scenario)
    plan_options = {**_plan_options(objective), "table": table}
    result = schedule(
        scenario,
        budget=budget,
        every_move=every_move,
        horizon_days=horizon_days,
        lift_units=lift,
        **plan_options,
    )
    horizon = horizon_days or scenario.settings.planning_horizon_days
    console.print(schedule_view(result))
    for line in orders_summary(result.orders)[:1] + schedule_summary(result, horizon):
        console.print(line, soft_wrap=True, markup=False)
    gains = None
    if samples and result.orders.orders:
        gains = move_gains(scenario, result.orders, samples=samples, seed=seed, table=table)
        console.print(gains_view(gains, samples))
    if len(result.bases):
        console.print(bases_view(result))
    frame = None
    if curve:
        frame = move_budget_curve(scenario, max_budget, full=result.target, **plan_options)
        console.print(curve_view(frame))
        note = curve_note(frame)
        if note is not None:
            console.print(f"note: {note}", soft_wrap=True, markup=False)
    if out is not None:
        for path in write_moves(result, frame, out, gains):
            console.print(f"wrote {path}", markup=False)


def gains_view(gains: pd.DataFrame, samples: int) -> Table:
    """Each order's gain a year per unit against its spread over the draws (:func:`move_gains`)."""
    view = Table(
        title=f"Does each move clear the noise? (gain/yr per unit; {samples} draws)",
        title_justify="left",
    )
    for column in ("system", "from", "to", "gain", "P5", "P95", "helps in", "verdict"):
        view.add_column(column, justify="left" if column in ("system", "from", "to") else "right")
    for row in gains.to_dict(orient="records"):
        verdict = "clears" if row["clears_noise"] else "noise"
        if not row["clears_threshold"]:
            verdict += ", < min_move_gain"
        view.add_row(
            literal(row["system_id"]),
            literal(row["from_base"]),
            literal(row["to_base"]),
            f"{row['gain_per_unit']:.4f}",
            f"{row['gain_p5']:.4f}",
            f"{row['gain_p95']:.4f}",
            f"{100 * row['helps_share']:.0f}%",
            verdict,
        )
    return keep_whole(view, ids=("system", "from", "to"))


def orders_summary(orders: MoveOrders) -> list[str]:
    from defplan.posture import POOL

    lines = [
        f"{orders.units_moved} unit(s) taken from where they stand: "
        f"{orders.units_between_bases} to another base ({orders.unit_km:,.0f} unit-km), "
        f"{orders.units_to_pool} back to {POOL}; {orders.units_from_pool} from {POOL}",
    ]
    target = orders.target
    if target is not None:
        lines.append(
            f"risk/yr today {target.risk_before:.3f} → plan {target.risk_after:.3f} "
            f"({target.status}, {target.objective_kind} objective)"
        )
    return lines


def curve_view(frame: pd.DataFrame) -> Table:
    view = Table(title="Residual risk against units moved (move budget)", title_justify="left")
    for column in ("budget", "units moved", "risk/yr", "last unit removes", "worst base"):
        view.add_column(column, justify="left" if column == "worst base" else "right")
    for i, row in enumerate(frame.to_dict(orient="records")):
        view.add_row(
            str(row["budget"]),
            str(row["units_moved"]),
            f"{float(row['risk']):.4f}",
            f"{float(row['risk_removed']):.4f}" if i else "",
            f"{literal(row['worst_base'])} ({float(row['worst_residual']):.3f})",
        )
    return view
