"""``defplan plan`` and ``defplan evaluate``: the optimal allocation, or any one scored."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from defplan.cli.common import (
    BackendOption,
    GapOption,
    ObjectiveOption,
    OutOption,
    SolverOption,
    TimeLimitOption,
    WorkbookArg,
    console,
    errors,
    illustrative_banner,
    keep_whole,
    literal,
    num,
    objective_choice,
    read_from,
    reports_bad_input,
)
from defplan.cli.risk import listed_apart
from defplan.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from defplan.plan import Plan
    from defplan.risk import RiskTable
    from defplan.scenario import Scenario


@reports_bad_input
def plan_command(
    workbook: WorkbookArg,
    out: OutOption = None,
    objective: ObjectiveOption = None,
    solver: SolverOption = None,
    backend: BackendOption = None,
    time_limit: TimeLimitOption = None,
    gap: GapOption = None,
    threads: Annotated[int | None, typer.Option(help="solver threads")] = None,
    max_moves: Annotated[
        int | None, typer.Option(help="most units moved from today's deployment")
    ] = None,
    report: Annotated[
        bool, typer.Option("--report", help="also write report.html and PNGs into --out")
    ] = False,
    samples: Annotated[
        int,
        typer.Option(
            "--samples",
            help="draws of the inputs: how often each placement is a draw's optimum (0 = none)",
            min=0,
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="seed of the draws", min=0)] = 1,
) -> None:
    """Place every system where it removes the most risk; prove it; compare with greedy."""
    from defplan.atomic import check_out_folder
    from defplan.plan import plan
    from defplan.plan.acceptance import risk_acceptance
    from defplan.plan.writers import PLAN_FILES, write_plan
    from defplan.risk import risk
    from defplan.workbook import load_scenario

    if report and out is None:
        raise InputError([Problem("--report", message="needs --out (the folder to write into)")])
    scenario = load_scenario(workbook)
    if out is not None:
        names: tuple[str, ...] = PLAN_FILES
        if report:  # the report's charts load matplotlib: only when asked for
            from defplan.report import REPORT_FILES

            names += REPORT_FILES
        check_out_folder(out, read_from(workbook, scenario), names)
    table = risk(scenario)
    result = plan(
        scenario,
        objective=objective_choice(objective),
        solver=solver,
        backend=backend,
        time_limit=time_limit,
        gap=gap,
        threads=threads,
        max_moves=max_moves,
        table=table,
    )
    stability = _stability(scenario, result, out, samples, seed, table)
    console.print(allocation_view(result, stability))
    for line in plan_summary(result):
        console.print(line, soft_wrap=True, markup=False)
    if apart := listed_apart(table):
        console.print(apart, soft_wrap=True, markup=False)
    acceptance = risk_acceptance(result, scenario, table=table)
    console.print(acceptance_view(acceptance))
    if out is None:
        return
    sheets = _move_schedule_sheet(scenario, result, table)
    if report:  # plan.json, plan.xlsx and the report appear together
        from defplan.report import write_plan_and_report

        written = write_plan_and_report(
            result,
            scenario,
            out,
            table=table,
            acceptance=acceptance,
            extra_sheets=sheets,
            stability=stability,
            inputs=[workbook],
        )
    else:
        written = write_plan(
            result, scenario, out, acceptance=acceptance, extra_sheets=sheets, stability=stability
        )
    for path in written:
        console.print(f"wrote {path}", markup=False)
    if not report and (out / "report.html").exists():
        errors.print(
            f"[yellow]warning[/] {out / 'report.html'} is from an earlier plan and no "
            f"longer matches plan.json: add --report, or run `defplan report {out}`",
            soft_wrap=True,
        )


def _move_schedule_sheet(
    scenario: Scenario, result: Plan, table: RiskTable
) -> dict[str, pd.DataFrame]:
    """plan.xlsx's "Move schedule" sheet; none, with a warning, when no schedule exists."""
    from defplan.errors import InfeasibleError
    from defplan.posture.writers import move_schedule_sheet

    try:
        return move_schedule_sheet(scenario, result, table)
    except InfeasibleError as exc:
        errors.print(
            f"[yellow]warning[/] no move schedule in plan.xlsx: {escape(str(exc))}", soft_wrap=True
        )
        return {}


@reports_bad_input
def evaluate_command(
    workbook: WorkbookArg,
    allocation: Annotated[
        Path | None,
        typer.Option(help="CSV with base_id, system_id, units (default: the deployed sheet)"),
    ] = None,
    objective: ObjectiveOption = None,
    out: OutOption = None,
    simulate: Annotated[
        int,
        typer.Option(
            min=0,
            help="play N raids at every attacked base (engagement simulator, seeded) and "
            "show the leakers a raid: mean, P5, P50, P95",
        ),
    ] = 0,
) -> None:
    """Score any allocation (today's by default) with the same model as plan."""
    from defplan.atomic import check_out_folder
    from defplan.plan import evaluate
    from defplan.plan.allocation_file import read_allocation_csv
    from defplan.plan.writers import PLAN_FILES, write_plan
    from defplan.workbook import load_scenario

    scenario = load_scenario(workbook)
    inputs = read_from(workbook, scenario) + ([allocation] if allocation else [])
    if out is not None:
        check_out_folder(out, inputs, PLAN_FILES)
    units = read_allocation_csv(allocation, scenario) if allocation is not None else None
    result = evaluate(scenario, units, objective=objective_choice(objective), simulate=simulate)
    console.print(allocation_view(result))
    if result.leakers is not None:
        console.print(leakers_view(result.leakers, simulate))
    for line in plan_summary(result):
        console.print(line, soft_wrap=True, markup=False)
    if out is not None:
        for path in write_plan(result, scenario, out):
            console.print(f"wrote {path}", markup=False)


def _stability(
    scenario: Scenario, result: Plan, out: Path | None, samples: int, seed: int, table: RiskTable
) -> pd.DataFrame | None:
    """The plan's stability: over ``samples`` fresh draws when asked, else from a
    robust.json of the same inputs and plan in ``out`` (None when neither)."""
    if samples:
        from defplan.robust.study import plan_stability

        return plan_stability(
            scenario,
            result.allocation,
            samples=samples,
            seed=seed,
            backend=result.backend,
            time_limit=result.time_limit_s,
            gap=result.mip_gap,
            table=table,
            progress=True,
            objective=result.objective_kind,
            max_moves=result.max_moves,
            inventory=dict(zip(result.system_ids, result.inventory, strict=True)),
        )
    if out is not None and (out / "robust.json").exists():
        from defplan.robust.writers import point_stability_from

        found = point_stability_from(out / "robust.json", result)
        if found is not None:
            console.print(f"stability from {out / 'robust.json'}", markup=False)
        return found
    return None


def leakers_view(leakers: pd.DataFrame, raids: int) -> Table:
    """Leakers a raid per attacked base: the model's mean, the simulator's mean with its
    99% interval, and its P5 / P50 / P95."""
    view = Table(title=f"Leakers a raid ({raids:,} raids simulated per base)", title_justify="left")
    columns = ["base", "raids/yr", "rounds/raid", "expected", "simulated (99% CI)"]
    columns += ["P5", "P50", "P95"]
    for column in columns:
        view.add_column(column, justify="left" if column == "base" else "right")
    for row in leakers.to_dict(orient="records"):
        view.add_row(
            literal(row["base_id"]),
            f"{row['raids_per_year']:.3g}",
            f"{row['rounds_per_raid']:.2f}",
            f"{row['leakers_expected']:.3f}",
            f"{row['leakers_mean']:.3f} {_interval(row['mean_ci99_low'], row['mean_ci99_high'])}",
            f"{row['leakers_p5']:g}",
            f"{row['leakers_p50']:g}",
            f"{row['leakers_p95']:g}",
        )
    return view


def _interval(low: float, high: float) -> str:
    """The interval in brackets; one raid has no spread, so no interval to show."""
    if math.isnan(low) or math.isnan(high):
        return "(no interval: 1 raid)"
    return f"({low:.3f}-{high:.3f})"


def allocation_view(result: Plan, stability: pd.DataFrame | None = None) -> Table:
    """Where the units go: today against the plan, and what the last unit there buys;
    with ``stability``, the share of draws whose own optimum agrees, as a bar."""
    from defplan.plan.writers import with_stability

    view = Table(title="Allocation (units hosted)", title_justify="left")
    columns = [("base", "left"), ("system", "left"), ("today", "right"), ("plan", "right")]
    columns += [("change", "right"), ("last unit removes/yr", "right")]
    if stability is not None:
        columns.append(("draws agree", "right"))
    for column, justify in columns:
        view.add_column(column, justify=justify)  # type: ignore[arg-type]
    frame = with_stability(result.allocation_table(), stability)
    for row in frame.to_dict(orient="records"):
        change, units = int(row["change"]), int(row["units"])
        cells = [literal(row["base_id"]), literal(row["system_id"]), str(row["deployed_today"])]
        cells += [str(units), f"{change:+d}" if change else ""]
        cells.append(f"{float(row['last_unit_removes']):.4f}" if units else "")
        if stability is not None:
            from defplan.cli.robust import stability_bar  # only with draws

            share = float(row["stability"])
            cells.append(f"{100 * share:.0f}% {stability_bar(share, 5)}")
        view.add_row(*cells)
    return keep_whole(view, ids=("base", "system"))


def acceptance_view(frame: pd.DataFrame) -> Table:
    """Risk accepted per base: why, and what else to consider."""
    view = Table(title="Risk accepted (at the plan)", title_justify="left", box=box.SIMPLE_HEAD)
    for column, justify in (
        ("base", "left"),
        ("accepted/yr", "right"),
        ("threat", "left"),
        ("driven by", "left"),
        ("why", "left"),
        ("measures to consider", "left"),
    ):
        view.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in frame.to_dict("records"):
        view.add_row(
            literal(row["base_id"]),
            num(float(row["risk_accepted"])),
            literal(row["threat"]),
            literal(row["factor"]),
            literal(row["reason"]),
            literal(row["measures"]),
        )
    return keep_whole(view, ids=("base",))


def attacker_lines(result: Plan) -> list[str]:
    """Under "attacker:k": where the attacker's k raids go against this posture and with
    which weapons (what intelligence and early warning should watch)."""
    response = result.attacker_response()
    if not result.attacker_raids:
        return []
    if not response:
        return ["attacker: no base has risk left to strike"]
    raids = f"{result.attacker_raids} raid{'s' if result.attacker_raids > 1 else ''}"
    lines = [
        f"attacker's best response ({raids}, {sum(r['damage'] for r in response):.3f}/yr at stake):"
    ]
    for row in response:
        weapons = ", ".join(f"{w['weapon']} {w['damage']:.3f}" for w in row["weapons"])
        lines.append(f"  {row['raid']}. {row['base_id']} {row['damage']:.3f}/yr ({weapons})")
    return lines


def plan_summary(result: Plan) -> list[str]:
    """The lines a planner reads first."""
    from defplan.plan.planner import BREACH_SEPARATOR

    undefended = float(result.risk_undefended.sum())
    lines = [
        f"risk/yr: undefended {undefended:.3f} · today {result.risk_before:.3f} · "
        f"plan {result.risk_after:.3f} ({result.percent_removed:.1f}% of undefended removed)",
        f"worst base: {result.worst_base} at {float(result.residual.max()):.3f}/yr"
        if len(result.residual)
        else "no bases",
    ]
    lines.extend(attacker_lines(result))
    if result.backend != "none":
        best = "optimum" if result.status == "optimal" else "best found"
        lines.append(
            f"greedy (by hand) {result.greedy_objective:.4f} → {best} {result.objective:.4f}: "
            f"{result.gain_over_greedy:.4f} more removed ({result.objective_kind} objective)"
        )
        lines.append(
            f"status {result.status} · bound {result.bound:.6g} · gap {result.gap:.2%} · "
            f"{result.backend} ({result.profile}) · {result.seconds:.2f} s"
        )
        if result.status == "time_limit" and result.message:
            lines.append(f"  {result.message}")
        if result.seconds > result.time_limit_s:
            lines.append(
                f"  {result.seconds:.2f} s against a {result.time_limit_s:g} s limit: the greedy "
                "baseline, and a round of the model once begun, are not cut short"
            )
    elif result.status == "breaks_rules":
        broken = result.message.split(BREACH_SEPARATOR)
        lines.append(f"status breaks_rules: {len(broken)} rule(s) broken")
        lines.extend(f"  {line}" for line in broken)
    else:
        lines.append(f"status {result.status}{': ' + result.message if result.message else ''}")
    budget = "no limit" if result.max_moves is None else f"limit {result.max_moves}"
    lines.append(f"units moved from today's deployment: {result.moves} ({budget})")
    if result.illustrative_inputs:
        lines.append(illustrative_banner(result.illustrative_inputs))
    return lines
