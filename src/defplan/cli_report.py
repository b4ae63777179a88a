"""``defplan report``: the planner's report of a plan folder (docs/report.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from defplan.atomic import check_out_file
from defplan.cli_common import console, reports_bad_input
from defplan.report import report_from_dir, write_report
from defplan.report.build import check_html_name


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
    out_file = out if out is not None else plan_dir / "report.html"
    inputs = [plan_dir / "plan.json", *([theater] if theater is not None else [])]
    check_out_file(out_file, inputs)
    check_html_name(out_file)
    report = report_from_dir(plan_dir, theater, with_ladder=ladder)
    for path in write_report(report, out_file, inputs=inputs):
        console.print(f"wrote {path}")
