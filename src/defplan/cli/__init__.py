"""The ``defplan`` command: one sub-command per planner's question.

Only parsing, calling the library and printing live here, one module per group of
commands; each command imports the library it uses when it runs, so ``defplan
--help`` loads typer and rich alone. Bad input ends with the list of problems and
exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from defplan import __version__
from defplan.cli import (
    extract,
    plan,
    posture,
    report,
    risk,
    robust,
    rotate,
    theater,
    whatif,
    wta,
)
from defplan.cli.common import EXIT_INTERRUPTED, console

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


app.command("validate")(theater.validate_command)
app.command("template")(theater.template_command)
app.command("risk")(risk.risk_command)
app.command("plan")(plan.plan_command)
app.command("evaluate")(plan.evaluate_command)
app.command("wta")(wta.wta_command)
app.command("extract")(extract.extract_command)
app.command("report")(report.report_command)
app.command("options")(posture.options_command)
app.command("moves")(posture.moves_command)
app.command("ladder")(whatif.ladder_command)
app.command("sweep")(whatif.sweep_command)
app.command("compare")(whatif.compare_command)
app.command("robust")(robust.robust_command)
app.command("rotate")(rotate.rotate_command)


def main() -> None:  # pragma: no cover - console entry point
    """Run the command; after Ctrl-C, or when a solver that overran its time limit is
    still winding down in its own thread (see ``defplan.model.backends.highs``), leave
    at once: interpreter shutdown under a running solver aborts."""
    import threading

    try:
        app()
    except SystemExit as stop:
        solver_left = any(t.name == "solver" and t.is_alive() for t in threading.enumerate())
        if stop.code == EXIT_INTERRUPTED or solver_left:
            sys.stdout.flush()
            sys.stderr.flush()
            code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
            os._exit(code)
        raise
