"""``defplan wta``: a classic weapon-target assignment instance, solved exactly."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from defplan.cli.common import BackendOption, console, reports_bad_input
from defplan.errors import InputError, Problem

if TYPE_CHECKING:
    from defplan.model.wta_format import WtaFormatError


@reports_bad_input
def wta_command(
    file: Annotated[Path, typer.Argument(help="instance: 'W T mu', T values, W×T 'w t p' lines")],
    backend: BackendOption = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="seconds")] = 60.0,
    gap: Annotated[float, typer.Option("--gap", help="relative gap to stop at")] = 0.0,
    threads: Annotated[int | None, typer.Option(help="solver threads")] = None,
    show: Annotated[bool, typer.Option(help="print the assignment (weapon → target)")] = False,
) -> None:
    """Solve a classic weapon-target assignment instance: objective, bound, gap, status."""
    from defplan.model.solution import relative_gap
    from defplan.model.wta_format import WtaFormatError, wta

    try:
        report = wta(
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
        markup=False,
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
