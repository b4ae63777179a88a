"""The ``defplan`` command: one sub-command per planner's question.

Only parsing, calling the library and printing live here, one module per group of
commands; each command imports the library it uses when it runs, so ``defplan
--help`` loads typer and rich alone. Bad input ends with the list of problems and
exit code 2, never a traceback.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from defplan import __version__
from defplan.cli.common import EXIT_INTERRUPTED, console

if TYPE_CHECKING:
    app: typer.Typer

#: every command by name, in the order ``defplan --help`` lists them: the module of
#: defplan.cli that holds it and its function (imported when the command is built)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("theater", "validate_command"),
    "template": ("theater", "template_command"),
    "risk": ("risk", "risk_command"),
    "plan": ("plan", "plan_command"),
    "evaluate": ("plan", "evaluate_command"),
    "wta": ("wta", "wta_command"),
    "extract": ("extract", "extract_command"),
    "report": ("report", "report_command"),
    "options": ("posture", "options_command"),
    "moves": ("posture", "moves_command"),
    "ladder": ("whatif", "ladder_command"),
    "sweep": ("whatif", "sweep_command"),
    "compare": ("whatif", "compare_command"),
    "robust": ("robust", "robust_command"),
    "rotate": ("rotate", "rotate_command"),
}


def _print_version(asked: bool) -> None:
    if asked:
        console.print(f"defplan {__version__}")
        raise typer.Exit()


def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="print the version and stop"
        ),
    ] = False,
) -> None:
    """Where should the C-RAM and Patriot systems go? Exact, explainable allocation."""


def command_line(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The ``defplan`` command with these sub-commands (all by default)."""
    built = typer.Typer(
        name="defplan",
        help="Where should the C-RAM and Patriot systems go? Exact, explainable allocation.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    built.callback()(main_options)
    for name in names:
        module, function = COMMANDS[name]
        command = getattr(importlib.import_module(f"defplan.cli.{module}"), function)
        built.command(name)(command)
    return built


def __getattr__(name: str) -> Any:
    """``app``, the command with every sub-command, built when first asked for."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    built = globals()["app"] = command_line()
    return built


#: young objects allocated before the cyclic garbage collector runs (Python's default is
#: 700): a command's imports create some 200,000 long-lived objects, and collecting
#: them again and again cost ``defplan plan`` a tenth of its time; a long command still
#: collects, every million allocations
YOUNG_OBJECTS_BEFORE_COLLECTING = 1_000_000


def main() -> None:  # pragma: no cover - console entry point
    """Run the command; after Ctrl-C, or when a solver that overran its time limit is
    still winding down in its own thread (see ``defplan.model.backends.highs``), leave
    at once: interpreter shutdown under a running solver aborts.

    At exit every object is frozen (``gc.freeze``): Python's last collections would
    otherwise walk all that numpy and pandas loaded, a quarter of a second's work
    that frees nothing the operating system does not free anyway.
    """
    import threading

    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTING)
    # typer reads the options of every command it holds (their annotations evaluated,
    # a few milliseconds each): a command named first is run from a line of its own
    asked = sys.argv[1] if len(sys.argv) > 1 else ""
    try:
        command_line([asked] if asked in COMMANDS else COMMANDS)()
    except SystemExit as stop:
        solver_left = any(t.name == "solver" and t.is_alive() for t in threading.enumerate())
        if stop.code == EXIT_INTERRUPTED or solver_left:
            sys.stdout.flush()
            sys.stderr.flush()
            code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
            os._exit(code)
        gc.freeze()
        raise
