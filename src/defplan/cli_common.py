"""What every ``defplan`` command module shares: consoles, bad-input handling, arguments.

Copied from :mod:`defplan.cli` so that command modules (``cli_posture`` …) can use
them without importing ``cli.py``, which imports them in turn.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from defplan.errors import InputError, Problem, SolverError
from defplan.model import Objective
from defplan.model.instance import ATTACKER, OBJECTIVES, raids_of


class PipeSafeConsole(Console):
    """A console that survives its reader going away (``defplan plan … | head``).

    When the pipe closes, the rest of the output is dropped and the command goes on,
    so the files it writes under ``--out`` are still written whole.
    """

    def on_broken_pipe(self) -> None:
        """Drop the rest of the output instead of exiting (rich's default)."""
        self.quiet = True
        if self.file is sys.stdout:  # what Python flushes at exit must not meet it either
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


console = PipeSafeConsole(highlight=False)
errors = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])
EXIT_BAD_INPUT = 2

WorkbookArg = Annotated[
    Path, typer.Argument(help="theater workbook (.xlsx) or folder of <sheet>.csv files")
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="folder to write results into (never an input)")
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


def print_trailer(count: int) -> None:
    """The last line of every bad-input exit: how many errors, and that nothing was done."""
    errors.print(f"[bold red]{count} error(s); nothing was done.[/]")


#: a word longer than this folds onto the next line rather than widen its column
LONGEST_WORD = 16


def keep_whole(view: Table, ids: tuple[str, ...] = ()) -> Table:
    """Never cut an id, a figure or a word in ``view``, whatever the terminal's width.

    Columns headed by one of ``ids`` get the width of their longest cell as a minimum
    (an id is never shortened to "green_villa…"); every other column is at least as
    wide as the longest word of its cells (up to :data:`LONGEST_WORD`), and a longer
    word, or a header word, folds onto the next line instead of ending with "…".
    Call it after the rows are added; returns ``view``.
    """
    for column in view.columns:
        header = str(column.header)
        cells = [Text.from_markup(c).plain if isinstance(c, str) else "" for c in column.cells]
        if header in ids:
            column.min_width = max([len(header), *(len(c) for c in cells)])
        else:  # no word (a figure, a status) cut short either; a header may fold
            words = [len(w) for c in cells for w in c.split()]
            column.min_width = min(max(words, default=1), LONGEST_WORD)
        column.overflow = "fold"
    return view


def reports_bad_input(command: F) -> F:
    """Turn an InputError into its list of problems and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            print_problems(exc.problems)
            print_trailer(len(exc.errors))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except (SolverError, ValueError) as exc:
            errors.print(f"[bold red]ERROR[/] {exc}", soft_wrap=True)
            print_trailer(1)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except OSError as exc:  # a folder that cannot be written, a disk that is full …
            where = f" {exc.filename}" if exc.filename else ""
            errors.print(f"[bold red]ERROR[/]{where}: {exc.strerror or exc}", soft_wrap=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper  # type: ignore[return-value]


ObjectiveOption = Annotated[
    str | None,
    typer.Option(
        "--objective",
        help="expected, worst_case, blend, or attacker[:k] (k raids; default: settings sheet)",
    ),
]
SolverOption = Annotated[
    str | None, typer.Option("--solver", help="solver profile from solvers/ (default: settings)")
]
BackendOption = Annotated[
    str | None, typer.Option("--backend", help="highs, scip, cbc or cp_sat (overrides profile)")
]
TimeLimitOption = Annotated[
    float | None, typer.Option("--time-limit", help="seconds per solve (overrides the profile)")
]
GapOption = Annotated[
    float | None, typer.Option("--gap", help="relative gap to stop at, e.g. 0.01 (default 0)")
]
WorkersOption = Annotated[
    int | None, typer.Option("--workers", help="processes (default: every core; 1 = here)", min=1)
]
ProgressOption = Annotated[
    bool, typer.Option("--progress/--no-progress", help="show a progress bar on stderr")
]


def objective_choice(value: str | None) -> Objective | None:
    """The --objective option checked, or None for the settings sheet's."""
    if value is None:
        return None
    if value not in (*OBJECTIVES, ATTACKER) and raids_of(value) is None:
        raise InputError(
            [
                Problem(
                    "--objective",
                    message=f"{value!r} is not expected, worst_case, blend, attacker "
                    "or attacker:k (k raids, a whole number ≥ 1)",
                )
            ]
        )
    return value
