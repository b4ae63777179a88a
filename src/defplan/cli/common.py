"""What every ``defplan`` command module shares: consoles, bad-input handling, arguments.

Light to import (typer, rich and defplan.errors): ``defplan --help`` loads every
command module, and each command imports the library it uses when it runs.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console, ConsoleDimensions, Group, RenderableType
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from defplan.errors import InputError, Problem, SolverError

if TYPE_CHECKING:
    from defplan.model import Objective
    from defplan.scenario import Scenario

#: the width a pipe or a file gets: every line as long as its text, wrapped by no one
PIPE_WIDTH = 10_000


class WholeWordConsole(Console):
    """A console that never cuts a word in two, whatever its width.

    Written to a pipe or a file (``make demo > log``) it is as wide as each line, so a
    log holds plain, unwrapped text (``COLUMNS`` still sets a width). On a terminal,
    a table too wide to show every word whole is shown as one block per row instead
    (:func:`fit`), and text wraps between words.
    """

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size; a pipe's or a file's is :data:`PIPE_WIDTH` wide."""
        size = Console.size.fget(self)  # type: ignore[attr-defined]
        piped = not self.is_terminal and self._width is None
        if piped and not self._environ.get("COLUMNS", "").isdigit():
            return ConsoleDimensions(PIPE_WIDTH, size.height)
        return size  # type: ignore[no-any-return]

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print as rich does, each table fitted to the width first (:func:`fit`).

        Text always wraps between words here: ``soft_wrap`` (leave it to the terminal,
        which would cut words) is ignored; a pipe's width keeps its lines whole anyway.
        """
        fitted = [fit(o, self) if isinstance(o, Table) else o for o in objects]
        super().print(*fitted, **{**kwargs, "soft_wrap": False})


def fit(table: Table, console: Console) -> RenderableType:
    """``table`` when every word of it fits the console's width, else its rows as
    blocks of "column: value" lines that wrap between words."""
    unbounded = console.options.update_width(PIPE_WIDTH)  # else rich clamps to the width
    if Measurement.get(console, unbounded, table).maximum > console.width:
        for column in table.columns:  # a line kept whole would be cut short ("af…")
            column.no_wrap = False
    if Measurement.get(console, unbounded, table).minimum <= console.width:
        _share_width(table, console, console.width)
        return table
    headers = [_plain(column.header).replace("\n", " ") for column in table.columns]
    columns = [[_plain(cell) for cell in column.cells] for column in table.columns]
    blocks: list[RenderableType] = []
    if table.title:
        blocks.append(Text(_plain(table.title), style="bold"))
    for row in zip(*columns, strict=True):
        lines = [
            Text.assemble((f"{h}: ", "dim"), v) for h, v in zip(headers, row, strict=True) if v
        ]
        blocks.append(Text("\n").join(lines) + Text("\n"))
    if table.caption:
        blocks.append(Text(_plain(table.caption)))
    return Group(*blocks)


def _share_width(table: Table, console: Console, width: int) -> None:
    """Fix each column's width: its longest word, plus a share of the room left in
    proportion to how much more its longest line needs.

    Rich itself narrows the widest columns first when a table is too wide, below
    their longest word ("reshuffl es"); fixed widths that hold every word stop that.
    Uses rich's own column measure (a private method, present since rich 10).
    """
    options = console.options.update_width(PIPE_WIDTH)
    ranges = [table._measure_column(console, options, c) for c in table.columns]
    room = width - table._extra_width
    if sum(r.maximum for r in ranges) <= room:
        return  # every column at its natural width
    spare = room - sum(r.minimum for r in ranges)
    wants = [r.maximum - r.minimum for r in ranges]
    for index, (column, measured, want) in enumerate(
        zip(table.columns, ranges, wants, strict=True)
    ):
        share = spare * want // max(sum(wants), 1)
        column.width = measured.minimum + share - table._get_padding_width(index)


def _plain(cell: Any) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return Text.from_markup(cell, emoji=False).plain if isinstance(cell, str) else str(cell or "")


class PipeSafeConsole(WholeWordConsole):
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


# emoji off: a name such as "x:fire:" is text, not a picture (defplan prints no emoji)
console = PipeSafeConsole(highlight=False, emoji=False)
errors = WholeWordConsole(stderr=True, highlight=False, emoji=False)

F = TypeVar("F", bound=Callable[..., Any])
EXIT_BAD_INPUT = 2
#: the shell's code for a command stopped by Ctrl-C (128 + SIGINT)
EXIT_INTERRUPTED = 130
#: files named in the message of a stopped command before "…"
SHOWN_KEPT = 8

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
        errors.print(
            f"[{_STYLE[problem.severity]}]{label}[/] {escape(str(problem))}", soft_wrap=True
        )
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
        cells = [
            Text.from_markup(c, emoji=False).plain if isinstance(c, str) else ""
            for c in column.cells
        ]
        if header in ids:
            column.min_width = max([len(header), *(len(c) for c in cells)])
        else:  # no word (a figure, a status) cut short either; a header may fold
            words = [len(w) for c in cells for w in c.split()]
            column.min_width = min(max(words, default=1), LONGEST_WORD)
        column.overflow = "fold"
    return view


def what_was_kept(out: Any) -> str:
    """What a stopped command leaves: nothing new, and ``out`` as it was (its files)."""
    if not isinstance(out, Path) or not out.exists():
        return "nothing was written"
    if out.is_file():
        return f"nothing was written; {out} is as it was"
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    shown = ", ".join(names[:SHOWN_KEPT]) + (", …" if len(names) > SHOWN_KEPT else "")
    held = f"still holds what it held before: {shown}" if names else "is as it was (empty)"
    return f"nothing was written; {out} {held}"


def reports_bad_input(command: F) -> F:
    """Turn an InputError into its list of problems and exit code 2; Ctrl-C into a
    line saying what was kept and exit code 130."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            print_problems(exc.problems)
            print_trailer(len(exc.errors))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except (SolverError, ValueError) as exc:
            # escaped: a message may hold brackets ("pip install 'defplan[cbc]'")
            errors.print(f"[bold red]ERROR[/] {escape(str(exc))}", soft_wrap=True)
            print_trailer(1)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except OSError as exc:  # a folder that cannot be written, a disk that is full …
            where = f" {exc.filename}" if exc.filename else ""
            errors.print(
                f"[bold red]ERROR[/]{escape(where)}: {escape(str(exc.strerror or exc))}",
                soft_wrap=True,
            )
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except KeyboardInterrupt:
            kept = escape(what_was_kept(kwargs.get("out")))
            errors.print(f"[bold red]stopped[/] (Ctrl-C): {kept}")
            raise typer.Exit(EXIT_INTERRUPTED) from None

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


def read_from(workbook: Path, scenario: Scenario) -> list[Path]:
    """Every input a command read for ``scenario``: the workbook (or CSV folder) and
    each file in its provenance, for :func:`defplan.atomic.check_out_folder`."""
    return [Path(workbook), *(Path(f.path) for f in scenario.provenance.files)]


def objective_choice(value: str | None) -> Objective | None:
    """The --objective option checked, or None for the settings sheet's."""
    if value is None:
        return None
    from defplan.model.instance import ATTACKER, OBJECTIVES, raids_of

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


def literal(value: object) -> str:
    """``value`` as text that a table cell or a printed line shows as it is written: an
    id or a name from the input such as ``[bold]x`` or ``x[/]`` is no markup to rich.

    >>> print(literal("[bold]x"), literal("al_asad"), literal(3))
    \\[bold]x al_asad 3
    """
    return escape(str(value))


def num(value: float | None, digits: int = 3, signed: bool = False) -> str:
    """A figure for a table cell: ``digits`` decimals (with its sign when ``signed``),
    "-" for a missing one.

    >>> num(0.12345), num(-0.5, 2, signed=True), num(float("nan"))
    ('0.123', '-0.50', '-')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def illustrative_banner(count: int) -> str:
    """The warning every output built on illustrative inputs carries."""
    return (
        f"ILLUSTRATIVE INPUTS: {count} values of this theater are illustrative assumptions "
        "(assumptions sheet), not facts; do not brief these figures as facts"
    )
