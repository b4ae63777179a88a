"""``defplan report``: the planner's report of a plan folder (docs/report.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from defplan.cli.common import console, reports_bad_input


@reports_bad_input
def report_command(
    plan_dir: Annotated[Path, typer.Argument(help="folder `defplan plan --out` wrote (plan.json)")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="the HTML file to write (default PLAN_DIR/report.html); PNGs beside it"
        ),
    ] = None,
    theater: Annotated[
        Path | None,
        typer.Option(help="the theater workbook, when not where plan.json's source says"),
    ] = None,
    ladder: Annotated[
        bool, typer.Option("--ladder/--no-ladder", help="compute the priority ladder")
    ] = True,
) -> None:
    """One offline HTML report of a plan (map, risk, ladder, acceptance, provenance) and PNGs."""
    from defplan.report import report  # matplotlib loads here, for this command alone

    for path in report(plan_dir, out, theater=theater, with_ladder=ladder):
        console.print(f"wrote {path}", markup=False)
