"""The package imports light and its names say what they are."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import defplan
import defplan.model

#: Libraries the solver core must not load: another tool adopts it with numpy alone.
HEAVY = ("pandas", "pydantic", "openpyxl", "typer", "rich", "matplotlib", "dateparser")
#: The solver libraries: only the backend a solve asks for loads.
SOLVER_LIBRARIES = ("highspy", "ortools", "pulp")


def modules_loaded_by(code: str) -> set[str]:
    """The top-level packages a fresh interpreter has imported after running code."""
    script = (
        f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_importing_the_solver_core_loads_numpy_and_no_input_or_solver_library() -> None:
    loaded = modules_loaded_by("import defplan.model")
    assert "numpy" in loaded
    assert not loaded & {*HEAVY, *SOLVER_LIBRARIES}, sorted(loaded & {*HEAVY, *SOLVER_LIBRARIES})


def test_importing_the_package_loads_nothing_until_a_name_is_used() -> None:
    assert not modules_loaded_by("import defplan") & {"numpy", *HEAVY}
    assert "pydantic" in modules_loaded_by("import defplan\ndefplan.Scenario")


@pytest.mark.parametrize(
    ("backend", "library", "module"),
    [
        ("highs", "highspy", "highspy"),
        ("scip", "ortools", "ortools.linear_solver.pywraplp"),
        ("cp_sat", "ortools", "ortools.sat.python.cp_model"),
        ("cbc", "pulp", "pulp"),
    ],
)
def test_solving_loads_only_the_chosen_backends_library(
    backend: str, library: str, module: str
) -> None:
    code = (
        "from defplan.model import make_instance, solve\n"
        "inst = make_instance([[3.0], [1.0]], [[0.5]], [1])\n"
        f"assert solve(inst, backend={backend!r}).status == 'optimal'"
    )
    loaded = modules_loaded_by(code)
    assert library in loaded
    # what the library loads itself is its business (PuLP looks for highspy)
    ours = loaded - modules_loaded_by(f"import {module}")
    assert not ours & {*HEAVY, *SOLVER_LIBRARIES}, sorted(ours & {*HEAVY, *SOLVER_LIBRARIES})


#: What the package root may hold beside its subpackages: ``__init__``, the scenario
#: types (scenario, fields) and the small pieces several subpackages share.
ROOT_MODULES = {
    "atomic",  # outputs written atomically, as a set
    "attack_table",  # the scenario's attacks held by column
    "errors",  # InputError, Problem, SolverError
    "executor",  # independent solves on every core (posture, robust, whatif)
    "fields",  # the scenario's cell types
    "geo",  # great-circle distances (risk, plan, posture, extract)
    "lazy",  # names a package loads on first use
    "safe_csv",  # CSV cells safe for Excel
    "scenario",  # the scenario types
    "suggest",  # "did you mean" for every unknown name a planner types
}
ROOT_PACKAGES = {
    "cli",
    "extract",
    "model",
    "plan",
    "posture",
    "report",
    "risk",
    "robust",
    "whatif",
    "workbook",
}


def test_the_package_root_holds_only_the_shared_pieces_and_the_stages() -> None:
    found = {info.name: info.ispkg for info in pkgutil.iter_modules(defplan.__path__)}
    modules = {name for name, is_package in found.items() if not is_package}
    packages = {name for name, is_package in found.items() if is_package}
    assert modules == ROOT_MODULES, f"modules at the root: {sorted(modules ^ ROOT_MODULES)}"
    assert packages == ROOT_PACKAGES, f"packages at the root: {sorted(packages ^ ROOT_PACKAGES)}"


def test_the_command_line_loads_no_library_until_a_command_runs() -> None:
    loaded = modules_loaded_by("import defplan.cli")
    assert not loaded & {"numpy", "pandas", "pydantic", "openpyxl", "matplotlib", "dateparser"}
    assert "spacy" not in loaded


def submodule_names(package: ModuleType) -> set[str]:
    return {info.name for info in pkgutil.iter_modules(package.__path__)}


#: defplan and every package inside it (the walk imports each package, not its modules)
PACKAGES = [
    "defplan",
    *sorted(
        info.name for info in pkgutil.walk_packages(defplan.__path__, "defplan.") if info.ispkg
    ),
]


@pytest.mark.parametrize("name", PACKAGES)
def test_no_function_of_a_package_shares_its_name_with_a_submodule(name: str) -> None:
    """``import defplan.posture.move_orders`` then ``defplan.posture.moves`` is the function
    and never a module: a name of a package is a module or a function, not both."""
    package = importlib.import_module(name)
    submodules = submodule_names(package)
    assert submodules, f"{name} has no modules"
    clashes = [
        attribute
        for attribute in sorted(set(dir(package)) & submodules)
        if not inspect.ismodule(getattr(package, attribute))
    ]
    assert not clashes, f"{name} has functions named like its modules: {clashes}"


def test_each_stage_is_its_package_and_its_function_lives_inside() -> None:
    for stage in ("risk", "robust", "plan"):
        package = importlib.import_module(f"defplan.{stage}")
        assert inspect.ismodule(getattr(defplan, stage))
        assert inspect.isfunction(getattr(package, stage))
    assert inspect.isfunction(defplan.model.wta)
    assert "wta" not in submodule_names(defplan.model)


def test_an_unknown_name_of_the_package_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = defplan.nonsense


def test_the_move_schedule_of_plan_xlsx_loads_no_graph_library_nor_the_options() -> None:
    """``defplan plan`` writes a move schedule: networkx loads only for a theater with
    routes or a flow that is not forced, and the options' scoring not at all."""
    code = (
        "import sys\nimport defplan.posture.writers\n"
        "print(*sorted(m for m in sys.modules if m.startswith(('networkx', 'defplan.posture'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "defplan.posture.move_schedule" in loaded
    assert not {"networkx", "defplan.posture.option_scoring"} & loaded, sorted(loaded)


def test_planning_the_example_reads_and_writes_its_workbooks_without_openpyxl(
    tmp_path: Path,
) -> None:
    """A plain workbook is read by calamine and plan.xlsx written by XlsxWriter: ``defplan
    plan`` does not load openpyxl (a twentieth of a second) nor matplotlib."""
    example = Path(__file__).resolve().parents[1] / "inputs" / "iraq_syria.xlsx"
    code = (
        "from pathlib import Path\nfrom defplan.workbook import load_scenario\n"
        "from defplan.plan import plan\nfrom defplan.plan.writers import write_plan\n"
        f"scenario = load_scenario({str(example)!r})\n"
        f"write_plan(plan(scenario), scenario, Path({str(tmp_path)!r}))"
    )
    loaded = modules_loaded_by(code)
    assert {"python_calamine", "xlsxwriter"} <= loaded
    assert not loaded & {"openpyxl", "matplotlib", "dateparser"}
    assert (tmp_path / "plan.xlsx").exists()


def test_a_solve_imports_the_wrapper_of_its_backend_alone() -> None:
    code = (
        "import sys\nfrom defplan.model import make_instance, solve\n"
        "inst = make_instance([[3.0], [1.0]], [[0.5]], [1])\n"
        "assert solve(inst, backend='highs').status == 'optimal'\n"
        "print(*sorted(m for m in sys.modules if m.startswith('defplan.model.backends.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["defplan.model.backends.base", "defplan.model.backends.highs"]


def test_the_command_line_imports_a_command_module_when_its_command_is_built() -> None:
    code = (
        "import sys\nfrom defplan.cli import command_line\n"
        "before = {m for m in sys.modules if m.startswith('defplan.cli.')}\n"
        "command_line(['validate'])\n"
        "after = {m for m in sys.modules if m.startswith('defplan.cli.')}\n"
        "print(*sorted(before), '|', *sorted(after - before))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["defplan.cli.common", "|", "defplan.cli.theater"]
