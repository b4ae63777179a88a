"""The ``defplan`` command: one sub-command per planner's question.

Only parsing, calling the library and printing live here. Bad input ends with the
list of problems and exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from defplan import __version__
from defplan.atomic import check_out_folder, output_set
from defplan.cli.common import (
    EXIT_INTERRUPTED,
    BackendOption,
    GapOption,
    ObjectiveOption,
    OutOption,
    SolverOption,
    TimeLimitOption,
    WorkbookArg,
    console,
    errors,
    keep_whole,
    objective_choice,
    print_problems,
    read_from,
    reports_bad_input,
)
from defplan.cli.extract import extract_command
from defplan.cli.posture import moves_command, options_command
from defplan.cli.report import report_command
from defplan.cli.robust import robust_command, stability_bar
from defplan.cli.schedule import move_schedule_sheet
from defplan.cli.whatif import acceptance_view, compare_command, ladder_command, sweep_command
from defplan.errors import InputError, Problem
from defplan.model.solution import relative_gap
from defplan.model.wta_format import WtaFormatError
from defplan.model.wta_format import wta as solve_wta_file
from defplan.plan import Plan
from defplan.plan import evaluate as evaluate_allocation
from defplan.plan import plan as make_plan
from defplan.plan.acceptance import risk_acceptance
from defplan.plan.allocation_file import read_allocation_csv
from defplan.plan.arrays import settings_objective
from defplan.plan.planner import BREACH_SEPARATOR
from defplan.plan.writers import PLAN_FILES, with_stability, write_plan
from defplan.report import REPORT_FILES, build_report, write_report
from defplan.risk import RiskTable
from defplan.risk import risk as compute_risk
from defplan.risk_writers import RISK_FILES, write_risk
from defplan.robust.study import plan_stability
from defplan.robust.writers import point_stability_from
from defplan.scenario import Scenario
from defplan.workbook import Validation, load_scenario
from defplan.workbook import template as write_template
from defplan.workbook import validate as validate_workbook

app = typer.Typer(
    name="defplan",
    help="Where should the C-RAM and Patriot systems go? Exact, explainable allocation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(asked: bool) -> None:
    if asked:
        console.print(f"defplan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="print the version and stop"
        ),
    ] = False,
) -> None:
    """Where should the C-RAM and Patriot systems go? Exact, explainable allocation."""


def summary_table(report: Validation) -> Table:
    assert report.scenario is not None
    table = Table(title=f"{report.source}: valid theater", title_justify="left")
    table.add_column("sheet")
    table.add_column("rows", justify="right")
    table.add_column("warnings", justify="right")
    for sheet, count in report.scenario.counts().items():
        flagged = sum(1 for p in report.warnings if p.sheet == sheet)
        table.add_row(sheet, str(count), str(flagged) if flagged else "")
    return table


@app.command()
@reports_bad_input
def validate(workbook: WorkbookArg) -> None:
    """Check every cell of a theater; print a summary, or every problem (exit 2)."""
    report = validate_workbook(workbook)
    if report.scenario is None:
        raise InputError(report.problems)
    console.print(summary_table(report))
    settings = report.scenario.settings
    objective = settings_objective(settings.objective, settings.attacker_raids)
    console.print(
        f"objective {objective} · half-life {settings.half_life_years} y · "
        f"as of {settings.as_of or 'latest attack'}"
    )
    print_problems(report.warnings + report.notes)


@app.command()
@reports_bad_input
def template(
    out: Annotated[Path, typer.Argument(help="the .xlsx file to create")],
    force: Annotated[bool, typer.Option(help="replace the file if it exists")] = False,
) -> None:
    """Write an empty theater workbook with every sheet, explained headers and drop-downs."""
    write_template(out, force=force)
    console.print(f"wrote {out}: fill it in, then run `defplan validate {out}`")


@app.command()
@reports_bad_input
def risk(
    workbook: WorkbookArg,
    out: OutOption = None,
    top: Annotated[int, typer.Option(help="bases to list (0 = all)")] = 0,
) -> None:
    """Rank the bases by expected casualty-equivalents per year, with the factor behind each."""
    scenario = load_scenario(workbook)
    if out is not None:
        check_out_folder(out, read_from(workbook, scenario), RISK_FILES)
    table = compute_risk(scenario)
    console.print(risk_ranking(table, top))
    for line in risk_evidence(table):
        console.print(f"  {line}", soft_wrap=True)
    console.print(
        f"theater total {table.total:.3f} casualty-equivalents/year (our bases) · as of "
        f"{table.as_of} · record from {table.record_start} ({table.observation_years:.2f} "
        f"decayed years, {table.completeness:.0%} of attacks on record: rates corrected)"
    )
    if apart := listed_apart(table):
        console.print(apart, soft_wrap=True)
    for left_out in table.excluded:
        console.print(f"[dim]left out: {left_out.attack_id}: {left_out.reason}[/]")
    if scenario.illustrative:
        console.print(f"[bold yellow]{illustrative_banner(len(scenario.illustrative))}[/]")
    if out is not None:
        for path in write_risk(table, out):
            console.print(f"wrote {path}")


def risk_ranking(table: RiskTable, top: int = 0) -> Table:
    """The ranked bases as a rich table: where the risk is and which factor puts it there."""
    view = Table(title="Risk by base (casualty-equivalents per year)", title_justify="left")
    view.add_column("#", justify="right")
    view.add_column("base", no_wrap=True)
    view.add_column("troops", justify="right")
    view.add_column("risk/yr", justify="right")
    view.add_column("share", justify="right")
    view.add_column("main threat")
    view.add_column("driven by")
    frame = table.bases if top <= 0 else table.bases.head(top)
    for row in frame.itertuples(index=False):
        view.add_row(
            str(row.rank),
            str(row.base_id),
            f"{row.troops:,}",
            f"{row.risk:.3f}",
            f"{row.share:.1%}" if row.owner == "coalition" else str(row.owner),
            str(row.dominant_weapon or "-"),
            str(row.dominant_factor),
        )
    return keep_whole(view, ids=("base",))


def _spaced(ids: object) -> str:
    """A ``;``-separated list of ids with a space after each ``;``, so it wraps there."""
    return "; ".join(part.strip() for part in str(ids or "").split(";") if part.strip())


def risk_evidence(table: RiskTable, top: int = 5) -> list[str]:
    """For the top bases, the attack and zone ids behind their risk (workbook rows)."""
    lines = []
    for row in table.bases.head(top).to_dict("records"):
        if float(row["risk"]) <= 0:
            continue
        attacks = _spaced(row["top_attack_ids"]) or "none on record"
        zones = _spaced(row["top_zone_ids"]) or "none in reach"
        lines.append(
            f"{row['base_id']}: exposure {float(row['exposure']):.3f}, "
            f"{float(row['attacks_per_year']):.3f} attacks/yr; attacks {attacks}; zones {zones}"
        )
    return lines


@app.command()
@reports_bad_input
def plan(
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
    if report and out is None:
        raise InputError([Problem("--report", message="needs --out (the folder to write into)")])
    scenario = load_scenario(workbook)
    if out is not None:
        names = PLAN_FILES + (REPORT_FILES if report else ())
        check_out_folder(out, read_from(workbook, scenario), names)
    table = compute_risk(scenario)
    result = make_plan(
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
        console.print(line, soft_wrap=True)
    if apart := listed_apart(table):
        console.print(apart, soft_wrap=True)
    acceptance = risk_acceptance(result, scenario, table=table)
    console.print(acceptance_view(acceptance))
    if out is None:
        return
    sheets = move_schedule_sheet(scenario, result, table)
    with output_set(out):  # plan.json, plan.xlsx and the report appear together
        written = write_plan(
            result,
            scenario,
            out,
            acceptance=acceptance,
            extra_sheets=sheets,
            stability=stability,
        )
        if report:
            page = build_report(
                result,
                scenario,
                table=table,
                acceptance=acceptance,
                robust_file=out / "robust.json",
            )
            written += write_report(page, out / "report.html", inputs=[workbook])
    for path in written:
        console.print(f"wrote {path}")
    if not report and (out / "report.html").exists():
        errors.print(
            f"[yellow]warning[/] {out / 'report.html'} is from an earlier plan and no "
            f"longer matches plan.json: add --report, or run `defplan report {out}`",
            soft_wrap=True,
        )


@app.command()
@reports_bad_input
def evaluate(
    workbook: WorkbookArg,
    allocation: Annotated[
        Path | None,
        typer.Option(help="CSV with base_id, system_id, units (default: the deployed sheet)"),
    ] = None,
    objective: ObjectiveOption = None,
    out: OutOption = None,
) -> None:
    """Score any allocation (today's by default) with the same model as plan."""
    scenario = load_scenario(workbook)
    inputs = read_from(workbook, scenario) + ([allocation] if allocation else [])
    if out is not None:
        check_out_folder(out, inputs, PLAN_FILES)
    units = read_allocation_csv(allocation, scenario) if allocation is not None else None
    result = evaluate_allocation(scenario, units, objective=objective_choice(objective))
    console.print(allocation_view(result))
    for line in plan_summary(result):
        console.print(line, soft_wrap=True)
    if out is not None:
        for path in write_plan(result, scenario, out):
            console.print(f"wrote {path}")


def _stability(
    scenario: Scenario, result: Plan, out: Path | None, samples: int, seed: int, table: RiskTable
) -> pd.DataFrame | None:
    """The plan's stability: over ``samples`` fresh draws when asked, else from a
    robust.json of the same inputs and plan in ``out`` (None when neither)."""
    if samples:
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
        )
    if out is not None and (out / "robust.json").exists():
        found = point_stability_from(out / "robust.json", result)
        if found is not None:
            console.print(f"stability from {out / 'robust.json'}")
        return found
    return None


def allocation_view(result: Plan, stability: pd.DataFrame | None = None) -> Table:
    """Where the units go: today against the plan, and what the last unit there buys;
    with ``stability``, the share of draws whose own optimum agrees, as a bar."""
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
        cells = [str(row["base_id"]), str(row["system_id"]), str(row["deployed_today"])]
        cells += [str(units), f"{change:+d}" if change else ""]
        cells.append(f"{float(row['last_unit_removes']):.4f}" if units else "")
        if stability is not None:
            share = float(row["stability"])
            cells.append(f"{100 * share:.0f}% {stability_bar(share, 5)}")
        view.add_row(*cells)
    return keep_whole(view, ids=("base", "system"))


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


def listed_apart(table: RiskTable) -> str:
    """The partners' bases and watched sites with their own risk, which no total counts
    ("" when every base is ours)."""
    others = table.bases[table.bases["owner"] != "coalition"]
    if not len(others):
        return ""
    listed = ", ".join(f"{r.base_id} ({r.owner}) {r.risk:.3f}" for r in others.itertuples())
    return f"listed apart, not in the total: {listed} · {table.others_total:.3f}/yr"


def plan_summary(result: Plan) -> list[str]:
    """The lines a planner reads first."""
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


def illustrative_banner(count: int) -> str:
    """The warning every output built on illustrative inputs carries."""
    return (
        f"ILLUSTRATIVE INPUTS: {count} values of this theater are illustrative assumptions "
        "(assumptions sheet), not facts; do not brief these figures as facts"
    )


@app.command()
@reports_bad_input
def wta(
    file: Annotated[Path, typer.Argument(help="instance: 'W T mu', T values, W×T 'w t p' lines")],
    backend: BackendOption = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="seconds")] = 60.0,
    gap: Annotated[float, typer.Option("--gap", help="relative gap to stop at")] = 0.0,
    threads: Annotated[int | None, typer.Option(help="solver threads")] = None,
    show: Annotated[bool, typer.Option(help="print the assignment (weapon → target)")] = False,
) -> None:
    """Solve a classic weapon-target assignment instance: objective, bound, gap, status."""
    try:
        report = solve_wta_file(
            file, backend=backend or "highs", time_limit=time_limit, gap=gap, threads=threads
        )
    except WtaFormatError as exc:  # every bad line, one problem each
        raise InputError(wta_problems(exc)) from None
    except ValueError as exc:  # a file that cannot be read: named as every bad file is
        cause = exc.__cause__
        if not isinstance(cause, OSError):
            raise
        text = "file not found" if isinstance(cause, FileNotFoundError) else "cannot be read"
        raise InputError(
            [Problem(str(file), message=f"{text} ({cause.strerror or cause})")]
        ) from None
    solution = report.solution
    console.print(
        f"{file}: {report.weapons} weapon types × {report.targets} targets, mu {report.mu}",
        soft_wrap=True,
    )
    console.print(
        f"objective {solution.objective:.6f} · bound {solution.bound:.6f} · "
        f"gap {100 * solution.gap:.4f}% · status {solution.status} · "
        f"{solution.seconds:.2f} s · {solution.backend}",
        soft_wrap=True,
    )
    console.print(
        f"greedy {solution.greedy_objective:.6f} "
        f"(gap to bound {100 * relative_gap(solution.greedy_objective, solution.bound):.4f}%)"
    )
    if show and report.assignment is not None:
        for w, t in zip(*report.assignment.nonzero(), strict=True):
            console.print(f"  weapon {w} → target {t} × {int(report.assignment[w, t])}")


def wta_problems(error: WtaFormatError) -> list[Problem]:
    """A WTA file's bad lines as problems: the file, the line and what was expected."""
    problems = [
        Problem(error.name, message=f"line {line}: {text}" if line is not None else text)
        for line, text in error.problems
    ]
    if error.more:
        problems.append(
            Problem(error.name, message=f"… and {error.more} more not shown", severity="note")
        )
    return problems


app.command("extract")(extract_command)
app.command("report")(report_command)
app.command("options")(options_command)
app.command("moves")(moves_command)
app.command("ladder")(ladder_command)
app.command("sweep")(sweep_command)
app.command("compare")(compare_command)
app.command("robust")(robust_command)


def main() -> None:  # pragma: no cover - console entry point
    """Run the command; after Ctrl-C, leave at once (a solver may still be winding down
    in its own thread, see ``defplan.model.backends.highs``)."""
    try:
        app()
    except SystemExit as stop:
        if stop.code == EXIT_INTERRUPTED:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)
        raise
