"""Anything the CLI can do, the library can do, under the same name."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

from defplan.cli import app
from defplan.errors import InputError
from defplan.workbook import template, validate

#: where the library functions behind the commands live
LIBRARY_PACKAGES = (
    "defplan.workbook",
    "defplan.risk",
    "defplan.plan",
    "defplan.report",
    "defplan.whatif",
    "defplan.posture",
    "defplan.extract",
    "defplan.model",
    "defplan.robust",
)


def command_names() -> list[str]:
    names = []
    for info in app.registered_commands:
        assert info.callback is not None
        names.append(info.name or info.callback.__name__.replace("_", "-"))
    return names


def library_function(name: str) -> list[str]:
    """The packages exporting a function called ``name``."""
    found = []
    for package in LIBRARY_PACKAGES:
        value = getattr(importlib.import_module(package), name, None)
        if inspect.isfunction(value):
            found.append(package)
    return found


def test_every_cli_command_has_a_library_function_of_the_same_name() -> None:
    names = command_names()
    assert {"validate", "template", "plan", "evaluate", "report", "wta", "ladder"} <= set(names)
    missing = [name for name in names if not library_function(name)]
    assert not missing, f"commands with no library function of the same name: {missing}"


def test_the_new_library_functions_are_where_the_docs_say() -> None:
    assert library_function("template") == ["defplan.workbook"]
    assert library_function("report") == ["defplan.report"]
    assert library_function("wta") == ["defplan.model"]
    assert library_function("evaluate") == ["defplan.plan"]


def test_library_template_checks_as_the_command_does(tmp_path: Path) -> None:
    path = template(tmp_path / "theater.xlsx")
    assert path.exists() and validate(path).problems  # empty: every required sheet blank
    with pytest.raises(InputError, match="exists already"):
        template(path)
    assert template(path, force=True) == path
    with pytest.raises(InputError, match=r"must end in \.xlsx"):
        template(tmp_path / "theater.csv")
