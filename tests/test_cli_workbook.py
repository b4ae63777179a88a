"""The validate and template commands, run as a planner runs them."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from defplan.cli import app
from defplan.workbook import load_scenario, write_csv_folder, write_xlsx
from full_theater import full_theater

runner = CliRunner()


def test_validate_prints_counts_per_sheet_and_exits_zero(tmp_path: Path) -> None:
    path = write_xlsx(full_theater(), tmp_path / "theater.xlsx")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid theater" in result.output
    assert "attacks" in result.output and "threat_zones" in result.output
    assert "not a base of this theater" in result.output  # notes are shown too


def test_validate_reports_problems_and_exits_two(tmp_path: Path) -> None:
    folder = write_csv_folder(full_theater(), tmp_path / "theater")
    (folder / "weapons.csv").unlink()
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "weapons · required sheet is missing" in result.output
    assert "Traceback" not in result.output


def test_template_has_every_sheet_explained_headers_and_drop_downs(tmp_path: Path) -> None:
    out = tmp_path / "blank.xlsx"
    result = runner.invoke(app, ["template", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert {
        "bases",
        "systems",
        "effectiveness",
        "weapons",
        "threat_zones",
        "attacks",
        "deployed",
        "rules",
        "options",
        "routes",
        "settings",
        "assumptions",
    } <= set(book.sheetnames)
    bases = book["bases"]
    assert bases["D1"].value == "lat" and "latitude" in (bases["D1"].comment.text or "")
    formulas = {dv.formula1 for dv in bases.data_validations.dataValidation}
    assert '"open,closed,candidate"' in formulas
    modes = {dv.formula1 for dv in book["systems"].data_validations.dataValidation}
    assert '"point,area"' in modes
    kinds = {dv.formula1 for dv in book["rules"].data_validations.dataValidation}
    assert '"min_units,max_units,lock,forbid"' in kinds
    weapons = {dv.formula1 for dv in book["attacks"].data_validations.dataValidation}
    assert any(f and f.startswith("=weapons!") for f in weapons)
    assert '"day,month,year"' in weapons  # attacks.date_precision
    deployed = {dv.formula1 for dv in book["deployed"].data_validations.dataValidation}
    assert {"=bases!$A$2:$A$1000", "=systems!$A$2:$A$1000"} <= deployed
    # Excel refuses 1.5 where defplan wants a whole number, as validate would
    kinds_by_cell = {
        str(dv.sqref).split(":")[0]: dv.type
        for dv in book["systems"].data_validations.dataValidation
    }
    header = [c.value for c in book["systems"][1]]
    column = "ABCDEFGHIJ"[header.index("max_per_base")]
    assert kinds_by_cell[f"{column}2"] == "whole"


def test_template_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "blank.xlsx"
    out.write_bytes(b"keep me")
    result = runner.invoke(app, ["template", str(out)])
    assert result.exit_code == 2 and out.read_bytes() == b"keep me"
    assert runner.invoke(app, ["template", str(out), "--force"]).exit_code == 0


def test_a_filled_in_template_validates(tmp_path: Path) -> None:
    out = tmp_path / "blank.xlsx"
    runner.invoke(app, ["template", str(out)])
    theater = full_theater()
    book = load_workbook(out)
    source = load_workbook(write_xlsx(theater, tmp_path / "filled_from.xlsx"))
    for name in source.sheetnames:
        if name == "settings":
            continue
        target = book[name]
        header = [c.value for c in target[1]]
        rows = list(source[name].iter_rows(values_only=True))
        for r, values in enumerate(rows[1:], start=2):
            for column, value in zip(rows[0], values, strict=True):
                if column in header:
                    target.cell(row=r, column=header.index(column) + 1, value=value)
                elif value is not None:  # the extra column the fixture keeps
                    target.cell(row=1, column=len(header) + 1, value=column)
                    header.append(str(column))
                    target.cell(row=r, column=len(header), value=value)
    settings = book["settings"]
    for row in settings.iter_rows(min_row=2):
        if row[0].value == "half_life_years":
            row[1].value = 3
        if row[0].value == "objective":
            row[1].value = "worst_case"
    book.save(out)
    assert load_scenario(out) == theater


def test_validate_refuses_rules_that_make_every_plan_infeasible(tmp_path: Path) -> None:
    """The QA case: validate said "valid theater", then plan found no feasible plan."""
    example = Path(__file__).resolve().parents[1] / "inputs" / "iraq_syria.xlsx"
    path = tmp_path / "theater.xlsx"
    path.write_bytes(example.read_bytes())
    book = load_workbook(path)
    rules = book["rules"]
    first = rules.max_row + 1
    rules.append(["max_units", "al_asad", "cram", 1])
    rules.append(["lock", "al_asad", "cram", None])
    book.save(path)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "valid theater" not in result.output
    assert "Traceback" not in result.output
    assert f"rules · row {first + 1} · value: lock of 2 unit(s) (as deployed) is above " in (
        " ".join(result.output.split())
    )
    assert f"max_units 1 on row {first}" in " ".join(result.output.split())
