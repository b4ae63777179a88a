"""Every command answers -h as --help, and defplan answers --version."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from defplan import __version__
from defplan.cli import app

runner = CliRunner()
COMMANDS = [command.name for command in typer.main.get_group(app).commands.values()]


def test_every_command_is_listed() -> None:
    assert {"plan", "risk", "extract", "compare", "wta"} <= set(COMMANDS)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_short_h_is_help(command: str) -> None:
    args = [command] if command else []
    short = runner.invoke(app, [*args, "-h"])
    long = runner.invoke(app, [*args, "--help"])
    assert short.exit_code == 0, short.output
    assert short.output == long.output and "Usage" in short.output


def test_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"defplan {__version__}"
