"""Every backend sits behind one registry; a missing solver library is one clear message."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import planning_theater
from defplan.cli import app
from defplan.errors import SolverError
from defplan.model import make_instance, solve
from defplan.model.backends import MissingBackendError, backend, backend_names, runner
from defplan.plan import plan
from defplan.workbook import write_scenario

#: Each optional backend, the package it needs and the extra that installs it.
OPTIONAL = [("scip", "ortools", "scip"), ("cp_sat", "ortools", "cpsat"), ("cbc", "pulp", "cbc")]


def hide_package(monkeypatch: pytest.MonkeyPatch, package: str) -> None:
    """Make ``import package`` (and any of its submodules) fail, as when not installed."""
    for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, package, None)


def test_every_backend_is_registered_with_its_package_and_extra() -> None:
    assert backend_names() == ("cbc", "cp_sat", "highs", "scip")
    assert backend_names("linear") == ("cbc", "highs", "scip")
    assert backend_names("instance") == ("cp_sat",)
    assert backend("highs").extra is None  # the default is always installed
    for name, package, extra in OPTIONAL:
        assert (backend(name).package, backend(name).extra) == (package, extra)


@pytest.mark.parametrize(("name", "package", "extra"), OPTIONAL)
def test_a_missing_solver_library_names_the_extra_to_install(
    name: str, package: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hide_package(monkeypatch, package)
    inst = make_instance([[3.0], [1.0]], [[0.5]], [1])
    with pytest.raises(MissingBackendError, match=rf"pip install 'defplan\[{extra}\]'") as raised:
        solve(inst, backend=name)
    assert f"backend {name!r} needs the Python package {package}" in str(raised.value)
    # the other backends are untouched
    assert solve(inst, backend="highs").status == "optimal"


def test_the_missing_default_backend_says_to_reinstall(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_package(monkeypatch, "highspy")
    with pytest.raises(MissingBackendError, match=r"highspy.*reinstall"):
        runner("highs")


def test_the_profile_backend_is_not_a_linear_runner() -> None:
    with pytest.raises(ValueError, match=r"cp_sat.*model of its own.*cbc, highs, scip"):
        runner("cp_sat")


def test_plan_and_the_cli_report_a_missing_library_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = planning_theater()
    folder = write_scenario(scenario, tmp_path / "theater")
    hide_package(monkeypatch, "pulp")
    with pytest.raises(SolverError, match=r"pip install 'defplan\[cbc\]'"):
        plan(scenario, backend="cbc")
    done = CliRunner().invoke(app, ["plan", str(folder), "--backend", "cbc"])
    assert done.exit_code == 2, done.output
    assert "defplan[cbc]" in done.output and "Traceback" not in done.output


def test_a_solve_outside_plan_reports_a_missing_library_as_a_solver_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every solve the library runs (here the move schedule's) says SolverError, as plan
    does, not the solver core's MissingBackendError."""
    from defplan.posture import schedule

    scenario = planning_theater()
    target = plan(scenario)
    hide_package(monkeypatch, "pulp")
    with pytest.raises(SolverError, match=r"pip install 'defplan\[cbc\]'"):
        schedule(scenario, target, backend="cbc")
