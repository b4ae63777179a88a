"""The README documents what the code accepts."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

from builders import planning_theater
from defplan import whatif
from defplan.plan import acceptance, plan
from defplan.plan.acceptance import risk_acceptance
from defplan.plan.writers import plan_record
from defplan.scenario import ROW_TYPES, Settings
from defplan.workbook.write import columns_of

README_DIR = Path(__file__).resolve().parents[1]
README = (README_DIR / "README.md").read_text(encoding="utf-8")


def test_readme_documents_every_sheet_and_column() -> None:
    for row_type in ROW_TYPES:
        section = README.split(f"### {row_type.sheet}", 1)[1].split("###", 1)[0]
        for column in columns_of(row_type):
            assert f"`{column}`" in section, f"{row_type.sheet}.{column} is not in the README"


def test_readme_documents_every_setting() -> None:
    for key in Settings.model_fields:
        assert f"`{key}`" in README, f"setting {key} is not in the README"


def test_readme_shows_the_two_commands() -> None:
    assert "make demo" in README and "make test" in README


def test_plan_json_doc_names_every_key_written() -> None:
    doc = (README_DIR / "docs" / "plan_json.md").read_text(encoding="utf-8")
    scenario = planning_theater()
    result = plan(scenario)
    record = plan_record(result, risk_acceptance(result, scenario))
    record["source_from_plan"] = "x"
    summary_row = doc.split("| `summary` |", 1)[1].split("\n", 1)[0]
    acceptance_row = doc.split("| `risk_acceptance` |", 1)[1].split("\n", 1)[0]
    for key in record:
        assert f"`{key}`" in doc, f"plan.json key {key} is not in docs/plan_json.md"
    for key in record["summary"]:
        assert f"`{key}`" in summary_row, f"summary.{key} is not in docs/plan_json.md"
    for key in record["risk_acceptance"][0]:
        assert key in acceptance_row, f"risk_acceptance.{key} is not in docs/plan_json.md"
    assert all(isinstance(v, int) for b in record["bases"] for v in b["defended_by"].values())


def test_whatif_doc_names_where_the_measures_live() -> None:
    doc = (README_DIR / "docs" / "whatif.md").read_text(encoding="utf-8")
    for name in ("MEASURES_BY_WEAPON", "MEASURES_BY_FACTOR"):
        assert name in doc and hasattr(whatif, name)
        assert getattr(whatif, name) is getattr(acceptance, name)
    for path in re.findall(r"`((?:src/)?defplan/[\w/]+\.py)`", doc):
        assert (README_DIR / "src" / path.removeprefix("src/")).exists(), path


def _library_name(dotted: str) -> object:
    """What ``import <module>`` then ``<dotted>`` gives a reader of the README."""
    parts = dotted.split(".")
    for end in range(len(parts), 1, -1):  # the longest prefix that is a module
        try:
            importlib.import_module(".".join(parts[:end]))
            break
        except ImportError:
            continue
    found: object = importlib.import_module(parts[0])
    for part in parts[1:]:
        found = getattr(found, part)
    return found


def test_every_library_name_in_the_readme_exists() -> None:
    names = set(re.findall(r"`(defplan(?:\.\w+)+)", README))
    assert "defplan.risk.risk" in names and "defplan.plan.plan" in names
    for name in sorted(names):
        assert _library_name(name) is not None, name


def test_the_readmes_python_snippets_run(tmp_path: Path, monkeypatch: Any) -> None:
    snippets = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
    assert len(snippets) >= 2
    (tmp_path / "inputs").symlink_to(README_DIR / "inputs")
    monkeypatch.chdir(tmp_path)  # the snippets' relative paths, and what they write
    for snippet in snippets:
        exec(compile(snippet, "README.md", "exec"), {})  # our own README
    assert (tmp_path / "out" / "theater_csv" / "bases.csv").is_file()


def test_the_readmes_layout_draws_every_module_of_the_root_and_the_cli() -> None:
    layout = README.split("## Layout", 1)[1].split("```", 2)[1]
    drawn = set(re.findall(r"^\s+(\w+)(?:\.py|/)", layout, flags=re.MULTILINE))
    package = README_DIR / "src" / "defplan"
    for folder in (package, package / "cli"):
        for path in folder.iterdir():
            if path.suffix == ".py" or (path / "__init__.py").is_file():
                assert path.stem in drawn, f"{path.relative_to(package)} is not in README's Layout"
