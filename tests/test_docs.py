"""The README documents what the code accepts."""

from __future__ import annotations

from pathlib import Path

from defplan.scenario import ROW_TYPES, Settings
from defplan.workbook.write import columns_of

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


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
