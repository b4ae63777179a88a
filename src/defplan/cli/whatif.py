"""``defplan ladder``, ``defplan sweep`` and ``defplan compare``: what-if questions.

Thin layers over :mod:`defplan.whatif`: parsing and printing;
:mod:`defplan.whatif.writers` writes the files.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from defplan.atomic import check_out_folder
from defplan.cli.common import (
    BackendOption,
    GapOption,
    ObjectiveOption,
    OutOption,
    ProgressOption,
    SolverOption,
    TimeLimitOption,
    WorkbookArg,
    WorkersOption,
    console,
    keep_whole,
    literal,
    num,
    objective_choice,
    read_from,
    reports_bad_input,
)
from defplan.cli.plan import acceptance_view
from defplan.cli.schedule import schedule_moves_view, schedule_summary_view
from defplan.errors import InputError, Problem

if TYPE_CHECKING:
    from defplan.whatif import Comparison, Ladder, Sweep

#: Allocation changes shown per row before "… n more".
SHOWN_CHANGES = 4


def _changes(items: tuple[str, ...] | list[str]) -> str:
    shown = list(items)[:SHOWN_CHANGES]
    more = len(items) - len(shown)
    return literal("; ".join(shown)) + (f"; … {more} more" if more > 0 else "")


# --- ladder ------------------------------------------------------------------------------


@reports_bad_input
def ladder_command(
    workbook: WorkbookArg,
    system: Annotated[
        str | None,
        typer.Option(
            "--system",
            help="one system_id, or 'all' for each system then combined (default: combined)",
        ),
    ] = None,
    others: Annotated[
        str,
        typer.Option(help="with --system: other systems 'full' (as on hand) or 'none'"),
    ] = "full",
    beyond: Annotated[
        int, typer.Option(help="steps past the inventory on hand (the next units to ask for)")
    ] = 0,
    out: OutOption = None,
    objective: ObjectiveOption = None,
    solver: SolverOption = None,
    backend: BackendOption = None,
    time_limit: TimeLimitOption = None,
    gap: GapOption = None,
    workers: WorkersOption = None,
    progress: ProgressOption = True,
) -> None:
    """The ruthless-priority ladder: the optimal plan for 1, 2, … N units and the cut line."""
    from defplan.whatif import ladder
    from defplan.whatif.priority_ladder import ladder_systems
    from defplan.whatif.writers import ladder_files, write_ladders
    from defplan.workbook import load_scenario

    scenario = load_scenario(workbook)
    if others not in ("full", "none"):
        raise InputError([Problem("--others", message=f"{others!r} is not full or none")])
    wanted = ladder_systems(system, [s.system_id for s in scenario.systems])
    if out is not None:
        check_out_folder(out, read_from(workbook, scenario), ladder_files(wanted))
    ladders = [
        ladder(
            scenario,
            system=choice,
            others=others,  # type: ignore[arg-type]
            beyond=beyond,
            objective=objective_choice(objective),
            solver=solver,
            backend=backend,
            time_limit=time_limit,
            gap=gap,
            workers=workers,
            progress=progress,
        )
        for choice in wanted
    ]
    for result in ladders:
        console.print(ladder_view(result))
        for line in result.reading():
            console.print(f"[dim]{escape(line)}[/]", soft_wrap=True)
        for line in ladder_notes(result):
            console.print(line, soft_wrap=True)
    last = ladders[-1]
    console.print(critical_view(last))
    if not last.acceptance.empty:
        console.print(acceptance_view(last.acceptance))
        console.print(
            "[dim]measures are suggestions to weigh against the accepted risk; "
            "the model does not score them[/]"
        )
    if out is not None:
        for path in write_ladders(ladders, out):
            console.print(f"wrote {path}", markup=False)


def ladder_view(result: Ladder) -> Table:
    """One row per step; a rule under the cut line; steps past it dimmed."""
    view = Table(
        title=f"Priority ladder: {literal(result.title)} ({result.on_hand} on hand)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    combined = result.system is None
    view.add_column("units", justify="right")
    if combined:
        view.add_column("mix")
    view.add_column("risk left/yr", justify="right")
    view.add_column("this unit removes", justify="right")
    view.add_column("the unit goes to")
    view.add_column("reshuffles")
    view.add_column("bases defended", justify="right")
    for step in result.steps:
        cells = [str(step.units)]
        if combined:
            cells.append(literal(", ".join(f"{s} {n}" for s, n in step.mix.items())))
        if step.feasible:
            goes = _changes(step.added) or ("no gain: kept" if step.units else "")
            if step.required:
                goes += " (the rules require it)"
            cells += [
                num(step.objective),
                num(step.removed),
                goes,
                _changes(step.taken),
                str(len(step.defended)),
            ]
        else:
            cells += ["infeasible", "-", "rules need more units", "", "-"]
        view.add_row(*cells, style="dim" if step.beyond_inventory else None)
        if step.units == result.on_hand:
            view.add_section()
    return keep_whole(view)


def ladder_notes(result: Ladder) -> list[str]:
    cut = result.cut
    lines = []
    if cut is not None and cut.plan is not None:
        lines.append(
            f"[bold]cut line at {result.on_hand} units[/]: {cut.objective:.3f}/yr left "
            f"({cut.plan.percent_removed:.1f}% of the undefended risk removed); defended: "
            f"{literal(', '.join(cut.defended) or 'none')}"
        )
    below = result.below_line()
    if below:
        lines.append(f"below the line (at risk, not defended): {literal(', '.join(below))}")
    lines.append(f"[dim]{result.solves} solves[/]")
    return lines


def critical_view(result: Ladder) -> Table:
    """The critical list (bases at risk, by undefended risk) against the cut line."""
    import pandas as pd

    view = Table(
        title="Critical list against the defended list", title_justify="left", box=box.SIMPLE_HEAD
    )
    for column, justify in (
        ("#", "right"),
        ("base", "left"),
        ("risk undefended/yr", "right"),
        ("main threat", "left"),
        ("at the cut line", "left"),
        ("risk left/yr", "right"),
    ):
        view.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in result.critical.to_dict("records"):
        since = row["defended_from"]
        status = (
            f"defended (from unit {int(since)})"
            if row["defended_at_cut"] and since is not None and not pd.isna(since)
            else ("defended" if row["defended_at_cut"] else "[bold]below the line[/]")
        )
        if row["required_by_rule"]:
            status += ", the rules require it"
        view.add_row(
            str(row["rank"]),
            literal(row["base_id"]),
            num(float(row["risk_undefended"])),
            literal(row["dominant_weapon"] or "-"),
            status,
            num(float(row["risk_at_cut"])),
        )
    return keep_whole(view, ids=("base",))


# --- sweep -------------------------------------------------------------------------------


@reports_bad_input
def sweep_command(
    workbook: WorkbookArg,
    vary: Annotated[
        str,
        typer.Option(
            "--vary",
            help=(
                "what varies and over which values: inventory:patriot=0..8, "
                "setting:troop_weight=0.5,1,2, zone:<id>.intensity=1,2,4, "
                "base:<id>.hardening=0,0.3"
            ),
        ),
    ],
    out: OutOption = None,
    objective: ObjectiveOption = None,
    solver: SolverOption = None,
    backend: BackendOption = None,
    time_limit: TimeLimitOption = None,
    gap: GapOption = None,
    workers: WorkersOption = None,
    progress: ProgressOption = True,
) -> None:
    """Re-solve while one input varies: risk against the value, marginal value per unit."""
    from defplan.whatif import sweep
    from defplan.whatif.writers import SWEEP_FILES, write_sweep
    from defplan.workbook import load_scenario

    scenario = load_scenario(workbook)
    if out is not None:
        check_out_folder(out, read_from(workbook, scenario), SWEEP_FILES)
    result = sweep(
        scenario,
        vary,
        objective=objective_choice(objective),
        solver=solver,
        backend=backend,
        time_limit=time_limit,
        gap=gap,
        workers=workers,
        progress=progress,
    )
    console.print(sweep_view(result))
    for line in result.brief():
        console.print(line, soft_wrap=True, markup=False)
    if out is not None:
        for path in write_sweep(result, out):
            console.print(f"wrote {path}", markup=False)


CURVE_WIDTH = 20


def sweep_view(result: Sweep) -> Table:
    """One row per point with a bar for the objective, so the curve shows at a glance."""
    import pandas as pd

    rows = result.rows
    view = Table(
        title=f"Sweep of {literal(result.spec.label)}", title_justify="left", box=box.SIMPLE_HEAD
    )
    unit_columns = [c for c in rows.columns if str(c).startswith("units_")]
    view.add_column("value", justify="right")
    view.add_column("status")
    view.add_column("risk left/yr", justify="right")
    view.add_column("curve", no_wrap=True, min_width=CURVE_WIDTH)
    view.add_column("removed per unit", justify="right")
    for column in unit_columns:
        view.add_column(literal(str(column).removeprefix("units_")), justify="right")
    view.add_column("change from the previous point")
    view.add_column("gap", justify="right")
    view.add_column("s", justify="right")
    top = rows["objective"].max() if rows["objective"].notna().any() else 0.0
    for row in rows.to_dict("records"):
        objective = float(row["objective"])
        bar = ""
        if not math.isnan(objective) and top > 0:
            bar = "█" * max(0, round(CURVE_WIDTH * objective / top))
        units = ["-" if pd.isna(row[c]) else str(int(row[c])) for c in unit_columns]
        change = str(row["change"] or "")
        parts = change.split("; ") if change else []
        view.add_row(
            f"{row['value']:g}",
            str(row["status"]),
            num(objective),
            bar,
            num(float(row["marginal_per_unit"]), 4),
            *units,
            _changes(parts),
            "-" if pd.isna(row["gap"]) else f"{float(row['gap']):.2%}",
            f"{float(row['seconds']):.2f}",
        )
    return keep_whole(view, ids=("status",))


# --- compare -----------------------------------------------------------------------------


@reports_bad_input
def compare_command(
    first: Annotated[
        Path, typer.Argument(help="plan.json (or a folder with one), workbook or CSV folder")
    ],
    second: Annotated[Path, typer.Argument(help="the other plan.json, workbook or CSV folder")],
    out: OutOption = None,
    top: Annotated[int, typer.Option(help="bases to list (0 = all)", min=0)] = 0,
    objective: ObjectiveOption = None,
    solver: SolverOption = None,
    backend: BackendOption = None,
    time_limit: TimeLimitOption = None,
    gap: GapOption = None,
    with_schedule: Annotated[
        bool,
        typer.Option(
            "--schedule",
            help="also the two theaters' move schedules side by side (as defplan moves)",
        ),
    ] = False,
) -> None:
    """Two plans (or two theaters, each planned) side by side, base by base, with deltas;
    with --schedule, the two theaters' move schedules too."""
    from defplan.posture import compare_schedules
    from defplan.posture.schedule_compare import check_theaters
    from defplan.whatif import compare
    from defplan.whatif.writers import COMPARE_FILES, COMPARE_SCHEDULE_FILES, write_comparison

    for path in (first, second):
        if not path.exists():
            raise InputError([Problem(str(path), message="does not exist")])
    if with_schedule:
        check_theaters(first, second)
    if out is not None:
        names = COMPARE_FILES + (COMPARE_SCHEDULE_FILES if with_schedule else ())
        check_out_folder(out, [first, second], names)
    result = compare(
        first,
        second,
        objective=objective_choice(objective),
        solver=solver,
        backend=backend,
        time_limit=time_limit,
        gap=gap,
    )
    console.print(compare_summary_view(result))
    console.print(compare_bases_view(result, top))
    for line in result.brief():
        console.print(line, soft_wrap=True, markup=False)
    timelines = None
    if with_schedule:
        options = (
            {}
            if objective_choice(objective) is None
            else {"objective": objective_choice(objective)}
        )
        timelines = compare_schedules(
            first, second, backend=backend, time_limit=time_limit, **options
        )
        console.print(schedule_summary_view(timelines))
        console.print(schedule_moves_view(timelines))
        for line in timelines.brief():
            console.print(line, soft_wrap=True, markup=False)
    if out is not None:
        for path in write_comparison(result, out, timelines):
            console.print(f"wrote {path}", markup=False)


def compare_summary_view(result: Comparison) -> Table:
    view = Table(title="Comparison", title_justify="left", box=box.SIMPLE_HEAD)
    view.add_column("")
    view.add_column(f"A: {literal(result.a.label)}", justify="right")
    view.add_column(f"B: {literal(result.b.label)}", justify="right")
    view.add_column("B − A", justify="right")
    view.add_column("change", justify="right")
    for row in result.summary.to_dict("records"):
        cells = [str(row["metric"])]
        for key in ("a", "b", "delta"):
            value = row[key]
            if isinstance(value, float):
                if row["metric"] == "gap":
                    cells.append("n/a" if math.isnan(value) else f"{value:.2%}")
                elif not str(row["metric"]).startswith(("risk", "worst", "objective")):
                    cells.append(f"{int(value):+d}" if key == "delta" else str(int(value)))
                else:
                    cells.append(num(value, signed=key == "delta"))
            else:
                cells.append(literal(value))
        percent = row["percent"]
        cells.append(
            f"{percent:+.1f}%" if isinstance(percent, float) and not math.isnan(percent) else ""
        )
        view.add_row(*cells)
    return keep_whole(view, ids=("",))


def compare_bases_view(result: Comparison, top: int = 0) -> Table:
    frame = result.bases
    systems = list(dict.fromkeys(result.a.systems + result.b.systems))
    quiet = (
        (frame["risk_a"].abs() <= 1e-12)
        & (frame["risk_b"].abs() <= 1e-12)
        & ~frame["defence_changed"]
        & (frame["note"] == "")
    )
    for s in systems:
        quiet &= (frame[f"{s}_a"] == 0) & (frame[f"{s}_b"] == 0)
    hidden = int(quiet.sum())
    frame = frame[~quiet]
    view = Table(
        title="Base by base (largest change first)", title_justify="left", box=box.SIMPLE_HEAD
    )
    view.add_column("base")
    view.add_column("risk A/yr", justify="right")
    view.add_column("risk B/yr", justify="right")
    view.add_column("B − A", justify="right")
    for s in systems:
        view.add_column(f"{literal(s)} A→B", justify="right")
    view.add_column("note")
    shown = frame if top <= 0 else frame.head(top)
    for row in shown.to_dict("records"):
        cells = [
            literal(row["base_id"]),
            num(float(row["risk_a"])),
            num(float(row["risk_b"])),
            num(float(row["risk_delta"]), signed=True),
        ]
        for s in systems:
            a, b = int(row[f"{s}_a"]), int(row[f"{s}_b"])
            cells.append(f"{a}→{b}" if a != b else (str(a) if a else ""))
        cells.append(literal(row["note"]))
        view.add_row(*cells, style="bold" if row["defence_changed"] else None)
    if hidden:
        view.caption = f"{hidden} bases with no risk and no units on either side not shown"
        view.caption_justify = "left"
    return keep_whole(view, ids=("base",))
