"""The ``defplan`` command: one sub-command per planner's question.

Only parsing, calling the library and printing live here. Bad input ends with the
list of problems and exit code 2, never a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from defplan.errors import InputError, Problem
from defplan.workbook import Validation
from defplan.workbook import validate as validate_workbook
from defplan.workbook.template import write_template

app = typer.Typer(
    name="defplan",
    help="Where should the C-RAM and Patriot systems go? Exact, explainable allocation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])
EXIT_BAD_INPUT = 2

WorkbookArg = Annotated[
    Path, typer.Argument(help="theater workbook (.xlsx) or folder of <sheet>.csv files")
]

_STYLE = {"error": "bold red", "warning": "yellow", "note": "dim"}


def print_problems(problems: tuple[Problem, ...] | list[Problem], limit: int = 200) -> None:
    """Every problem on its own line, errors first; the CLI's way of showing bad input."""
    shown = list(problems)[:limit]
    for problem in shown:
        label = problem.severity.upper() if problem.severity == "error" else problem.severity
        errors.print(f"[{_STYLE[problem.severity]}]{label}[/] {problem}", soft_wrap=True)
    if len(problems) > limit:
        errors.print(f"… and {len(problems) - limit} more")


def reports_bad_input(command: F) -> F:
    """Turn an InputError into its list of problems and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            print_problems(exc.problems)
            errors.print(f"[bold red]{len(exc.errors)} error(s); nothing was done.[/]")
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper  # type: ignore[return-value]


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
    console.print(
        f"objective {settings.objective} · half-life {settings.half_life_years} y · "
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
    if out.suffix.lower() != ".xlsx":
        raise InputError([Problem(str(out), message="must end in .xlsx")])
    if out.exists() and not force:
        raise InputError([Problem(str(out), message="exists already (use --force to replace it)")])
    write_template(out)
    console.print(f"wrote {out}: fill it in, then run `defplan validate {out}`")


def main() -> None:  # pragma: no cover - console entry point
    app()
