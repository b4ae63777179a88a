"""``defplan validate`` and ``defplan template``: check a theater, or start one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from defplan.cli.common import WorkbookArg, console, literal, print_problems, reports_bad_input
from defplan.errors import InputError

if TYPE_CHECKING:
    from defplan.workbook import Validation


def summary_table(report: Validation) -> Table:
    """The sheets of a valid theater: rows read and warnings raised in each."""
    assert report.scenario is not None
    table = Table(title=f"{literal(report.source)}: valid theater", title_justify="left")
    table.add_column("sheet")
    table.add_column("rows", justify="right")
    table.add_column("warnings", justify="right")
    for sheet, count in report.scenario.counts().items():
        flagged = sum(1 for p in report.warnings if p.sheet == sheet)
        table.add_row(sheet, str(count), str(flagged) if flagged else "")
    return table


@reports_bad_input
def validate_command(workbook: WorkbookArg) -> None:
    """Check every cell of a theater; print a summary, or every problem (exit 2)."""
    from defplan.plan.arrays import settings_objective
    from defplan.workbook import validate

    report = validate(workbook)
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


@reports_bad_input
def template_command(
    out: Annotated[Path, typer.Argument(help="the .xlsx file to create")],
    force: Annotated[bool, typer.Option(help="replace the file if it exists")] = False,
) -> None:
    """Write an empty theater workbook with every sheet, explained headers and drop-downs."""
    from defplan.workbook import template

    template(out, force=force)
    console.print(f"wrote {out}: fill it in, then run `defplan validate {out}`", markup=False)
