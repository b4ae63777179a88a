"""``defplan robust``: a plan that holds up across samples of the uncertain inputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from defplan.cli.common import (
    BackendOption,
    GapOption,
    OutOption,
    ProgressOption,
    SolverOption,
    TimeLimitOption,
    WorkbookArg,
    WorkersOption,
    console,
    keep_whole,
    literal,
    read_from,
    reports_bad_input,
)
from defplan.errors import InputError, Problem
from defplan.robust.sources import SOURCES

if TYPE_CHECKING:
    from defplan.robust import RobustResult


@reports_bad_input
def robust_command(
    workbook: WorkbookArg,
    samples: Annotated[int, typer.Option("--samples", help="draws of the inputs", min=1)] = 200,
    seed: Annotated[int, typer.Option("--seed", help="seed of the draws", min=0)] = 1,
    objective: Annotated[
        str,
        typer.Option("--objective", help="mean, cvar:ALPHA (e.g. cvar:0.9) or regret"),
    ] = "mean",
    sources: Annotated[
        str,
        typer.Option(
            "--sources",
            help=f"inputs to draw, comma-separated ({','.join(SOURCES)}; 'none' for none)",
        ),
    ] = ",".join(SOURCES),
    out: OutOption = None,
    solver: SolverOption = None,
    backend: BackendOption = None,
    time_limit: TimeLimitOption = None,
    gap: GapOption = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address (default: $DEFPLAN_SCHEDULER, else a local pool)",
        ),
    ] = None,
    workers: WorkersOption = None,
    progress: ProgressOption = True,
) -> None:
    """One plan judged over many draws of the inputs: spread, stability, robust plan."""
    from defplan.atomic import check_out_folder
    from defplan.robust import robust
    from defplan.robust.writers import ROBUST_FILES, write_robust
    from defplan.workbook import load_scenario

    scenario = load_scenario(workbook)
    if out is not None:
        check_out_folder(out, read_from(workbook, scenario), ROBUST_FILES)
    chosen = _sources(sources)
    result = robust(
        scenario,
        samples=samples,
        seed=seed,
        objective=objective,
        sources=chosen,
        solver=solver,
        backend=backend,
        time_limit=time_limit,
        gap=gap,
        scheduler=scheduler,
        workers=workers,
        progress=progress,
    )
    console.print(bases_view(result))
    console.print(stability_view(result))
    for line in robust_summary(result):
        console.print(line, soft_wrap=True)
    if out is not None:
        for path in write_robust(result, out):
            console.print(f"wrote {path}", markup=False)


def _sources(text: str) -> tuple[str, ...]:
    names = tuple(s.strip() for s in text.split(",") if s.strip() and s.strip() != "none")
    wrong = [s for s in names if s not in SOURCES]
    if wrong:
        raise InputError(
            [
                Problem(
                    "--sources",
                    message=f"{wrong[0]!r} is not an input robust draws "
                    f"(expected some of {', '.join(SOURCES)}, or none)",
                )
            ]
        )
    return names


def bases_view(result: RobustResult) -> Table:
    """Base by base: both plans' units and residual across samples."""
    from defplan.robust.writers import bases_frame

    systems = literal("+".join(result.system_ids))
    view = Table(
        title=f"Point plan against robust plan (units {systems}; residual /yr over draws; "
        "worst: share of draws the base keeps the most under the robust plan)",
        title_justify="left",
    )
    columns = ("base", "point", "robust", "point mean", "P95", "robust mean", "P95 ", "worst")
    for column in columns:
        view.add_column(column, justify="left" if column == "base" else "right")
    frame = bases_frame(result)
    for row in frame.to_dict(orient="records"):
        view.add_row(
            literal(row["base_id"]),
            "+".join(str(row[f"point_{s}"]) for s in result.system_ids),
            "+".join(str(row[f"robust_{s}"]) for s in result.system_ids),
            *(
                f"{row[f'{plan}_{name}']:.4f}"
                for plan in ("point", "robust")
                for name in ("mean", "p95")
            ),
            f"{100 * row['robust_worst_share']:.0f}%",
        )
    return keep_whole(view, ids=("base",))


def stability_view(result: RobustResult) -> Table:
    """How often each placement is a sample's own optimum."""
    from defplan.robust.writers import stability_frame

    view = Table(title="Stability: share of draws whose optimum agrees", title_justify="left")
    columns = ("base", "system", "point", "robust", "same as point", "same as robust", "any")
    for column in columns:
        view.add_column(column, justify="left" if column in ("base", "system") else "right")
    for row in stability_frame(result).to_dict(orient="records"):
        view.add_row(
            literal(row["base_id"]),
            literal(row["system_id"]),
            str(row["point_units"]),
            str(row["robust_units"]),
            *(_share(row[f"{plan}_same_share"]) for plan in ("point", "robust")),
            f"{100 * row['any_share']:.0f}%",
        )
    return keep_whole(view, ids=("base", "system"))


def _share(share: float) -> str:
    """A share as a percentage and a bar; blank for none (NaN)."""
    return "" if share != share else f"{100 * share:.0f}% {stability_bar(share)}"


def stability_bar(share: float, width: int = 10) -> str:
    """A bar of ``width`` cells, filled in proportion to ``share``.

    >>> stability_bar(0.82)
    '████████░░'
    """
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled)


def robust_summary(result: RobustResult) -> list[str]:
    solution = result.solution
    robust_t, point_t = result.robust_judged.theater(), result.point_judged.theater()
    drawn = ", ".join(result.samples.sources) or "nothing (no spread)"
    lines = [
        f"{result.samples.count} samples, seed {result.samples.seed}; drawn: {drawn}; "
        f"solved on {result.workers}",
        f"objective {result.objective}: status {solution.status} · "
        f"objective {solution.objective:.6g} · bound {solution.bound:.6g} · "
        f"gap {100 * solution.gap:.2f}% · {solution.backend}",
    ]
    for name, figures in (("point plan ", point_t), ("robust plan", robust_t)):
        lines.append(
            f"{name}: theater risk/yr mean {figures['mean']:.4f} · P5 {figures['p5']:.4f} · "
            f"P50 {figures['p50']:.4f} · P95 {figures['p95']:.4f} · regret mean "
            f"{figures['regret_mean']:.4f}, P95 {figures['regret_p95']:.4f}"
        )
    if result.optima_unproven:
        lines.append(
            f"[yellow]warning[/] {result.optima_unproven} sample optima are not proven "
            "(time limit): their stability and regret rest on the best found"
        )
    return lines
