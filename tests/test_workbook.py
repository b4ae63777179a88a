"""Reading, validating and writing theater workbooks, as a planner would use them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from defplan.errors import InputError
from defplan.scenario import Scenario
from defplan.workbook import load_scenario, validate, write_csv_folder, write_xlsx
from defplan.workbook import sources as sources_module
from full_theater import full_theater


@pytest.fixture
def theater() -> Scenario:
    return full_theater()


@pytest.fixture
def xlsx(tmp_path: Path, theater: Scenario) -> Path:
    return write_xlsx(theater, tmp_path / "theater.xlsx")


@pytest.fixture
def folder(tmp_path: Path, theater: Scenario) -> Path:
    return write_csv_folder(theater, tmp_path / "theater")


def messages(path: Path) -> list[str]:
    return [str(p) for p in validate(path).problems]


def edit_xlsx(path: Path, sheet: str, cell: str, value: Any) -> None:
    book = load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def rewrite_csv(path: Path, edit: object) -> None:
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    assert callable(edit)
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


# --- round trips -----------------------------------------------------------------


def test_workbook_round_trips_through_xlsx_and_csv_folder(
    tmp_path: Path, theater: Scenario, xlsx: Path
) -> None:
    from_xlsx = load_scenario(xlsx)
    assert from_xlsx == theater
    again = load_scenario(write_csv_folder(from_xlsx, tmp_path / "again"))
    assert again == theater
    assert again.bases[0].extras == {"unit_note": "hq"}


def test_writing_the_same_scenario_twice_gives_identical_bytes(
    tmp_path: Path, theater: Scenario
) -> None:
    first = write_xlsx(theater, tmp_path / "a.xlsx").read_bytes()
    second = write_xlsx(theater, tmp_path / "b.xlsx").read_bytes()
    assert first == second
    # no clock in the file: two saves a second apart would differ otherwise
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert re.search(r"<dcterms:modified[^>]*>2000-01-01T00:00:00Z<", core)


def test_provenance_records_the_sha256_of_each_input_file(folder: Path) -> None:
    scenario = load_scenario(folder)
    names = {Path(f.path).name for f in scenario.provenance.files}
    assert {"bases.csv", "systems.csv", "settings.csv"} <= names
    assert all(re.fullmatch(r"[0-9a-f]{64}", f.sha256) for f in scenario.provenance.files)


# --- messages a planner can act on -------------------------------------------------


def test_out_of_range_latitude_names_file_sheet_row_column_value_and_range(xlsx: Path) -> None:
    edit_xlsx(xlsx, "bases", "D3", 133.2)
    assert f"{xlsx} · bases · row 3 · lat: 133.2 is not a latitude (expected -90 to 90)" in (
        messages(xlsx)
    )


def test_all_problems_are_reported_at_once(xlsx: Path) -> None:
    book = load_workbook(xlsx)
    book["bases"]["D2"] = 133.2  # lat
    book["bases"]["H3"] = -5  # troops
    book["effectiveness"]["C2"] = 1.4  # p_intercept
    book["systems"]["D2"] = "many"  # inventory
    book.save(xlsx)
    found = messages(xlsx)
    assert any("bases · row 2 · lat: 133.2" in m for m in found)
    assert any(
        "bases · row 3 · troops: -5 is too small (expected a whole number, 0 or more)" in m
        for m in found
    )
    assert any("effectiveness · row 2 · p_intercept: 1.4 is not a probability" in m for m in found)
    assert any("systems · row 2 · inventory: 'many' is not a number" in m for m in found)


def test_misspelt_column_gets_a_did_you_mean(folder: Path) -> None:
    rewrite_csv(folder / "bases.csv", lambda rows: rows[0].__setitem__(3, "lattitude"))
    found = messages(folder)
    assert any(
        "bases · row 1 · lattitude: is not a column of bases; did you mean 'lat'?" in m
        for m in found
    )
    # the missing 'lat' is not reported a second time, nor once per row
    assert not any("· lat:" in m for m in found)


def test_misspelt_optional_column_is_an_error_not_silently_ignored(folder: Path) -> None:
    rewrite_csv(folder / "bases.csv", lambda rows: rows[0].__setitem__(9, "hardenning"))
    assert any("did you mean 'hardening'?" in m for m in messages(folder))
    assert not validate(folder).ok


def test_unknown_settings_key_gets_a_did_you_mean(folder: Path) -> None:
    rewrite_csv(folder / "settings.csv", lambda rows: rows.append(["half_life", "2"]))
    assert any(
        "settings · row 4 · key: 'half_life' is not a setting; did you mean 'half_life_years'?" in m
        for m in messages(folder)
    )


def test_enumeration_typo_gets_a_did_you_mean(xlsx: Path) -> None:
    edit_xlsx(xlsx, "systems", "C2", "piont")
    assert any(
        "systems · row 2 · mode: 'piont' is not one of point, area; did you mean 'point'?" in m
        for m in messages(xlsx)
    )


def test_unknown_reference_names_the_sheet_it_should_come_from(xlsx: Path) -> None:
    edit_xlsx(xlsx, "attacks", "D2", "alpah")  # base_id of a1
    assert any(
        "attacks · row 2 · base_id: 'alpah' is not a base in the bases sheet; did you mean 'alpha'?"
        in m
        for m in messages(xlsx)
    )


def test_a_bad_base_row_does_not_also_blame_the_rows_that_name_it(xlsx: Path) -> None:
    edit_xlsx(xlsx, "bases", "D2", "north")  # alpha's lat
    found = [m for m in messages(xlsx) if "ERROR" in m or "· row" in m]
    assert any("bases · row 2 · lat" in m for m in found)
    assert not any("'alpha' is not a base" in m for m in found)


def test_duplicate_ids_point_at_the_second_row(folder: Path) -> None:
    rewrite_csv(folder / "bases.csv", lambda rows: rows.append(list(rows[1])))
    assert any(
        "bases · row 6 · base_id: 'alpha' is already on row 2" in m for m in messages(folder)
    )


def test_more_units_deployed_than_inventory(folder: Path) -> None:
    rewrite_csv(folder / "deployed.csv", lambda rows: rows.append(["charlie", "patriot", "1"]))
    assert any(
        "systems · row 3 · inventory: 1 is less than the 2 units deployed" in m
        for m in messages(folder)
    )


def test_a_closed_base_cannot_hold_units(folder: Path) -> None:
    rewrite_csv(folder / "deployed.csv", lambda rows: rows.append(["delta", "cram", "1"]))
    assert any("deployed · row 4 · base_id: 'delta' is closed" in m for m in messages(folder))


def test_contradictory_rules_are_reported(folder: Path) -> None:
    def add(rows: list[list[str]]) -> None:
        rows.append(["max_units", "alpha", "cram", "0", ""])  # below min_units 1
        rows.append(["lock", "charlie", "cram", "1", ""])  # charlie is forbidden

    rewrite_csv(folder / "rules.csv", add)
    found = messages(folder)
    assert any("min_units 1 is above max_units 0 on row 4" in m for m in found)
    assert any(
        "rules · row 5 · kind: lock on charlie/cram contradicts the forbid rule" in m for m in found
    )


def test_numbers_as_text_spaces_thousands_and_percent_are_read(xlsx: Path) -> None:
    book = load_workbook(xlsx)
    book["bases"]["H2"] = " 1,200 "  # troops
    book["bases"]["J2"] = "20%"  # hardening
    book["bases"]["A3"] = "bravo   "  # trailing spaces on an id
    book.save(xlsx)
    assert load_scenario(xlsx) == full_theater()


def test_excel_date_cells_and_text_dates_are_read(xlsx: Path) -> None:
    book = load_workbook(xlsx)
    book["attacks"]["B2"] = dt.datetime(2020, 3, 11)  # an Excel date cell
    book["attacks"]["B3"] = "February 2021"  # a month written out
    book.save(xlsx)
    attacks = load_scenario(xlsx).attacks
    assert (attacks[0].date, attacks[0].date_precision) == (dt.date(2020, 3, 11), "day")
    assert (attacks[1].date, attacks[1].date_precision) == (dt.date(2021, 2, 1), "month")


def _with_cached_formula(path: Path, sheet_index: int, cell: str, formula: str) -> None:
    """Give a number cell a formula, keeping its value as Excel's saved result."""
    data = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    name = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == name:
                text = body.decode()
                text, count = re.subn(
                    rf'<c r="{cell}"([^>]*)><v>', rf'<c r="{cell}"\1><f>{formula}</f><v>', text
                )
                assert count == 1
                body = text.encode()
            dst.writestr(item, body)
    path.write_bytes(out.getvalue())


def test_formulas_are_read_by_their_saved_values(xlsx: Path) -> None:
    _with_cached_formula(xlsx, 1, "H2", "1000+200")  # bases!troops = 1200
    assert load_scenario(xlsx) == full_theater()


def test_formula_without_a_saved_value_is_reported(xlsx: Path) -> None:
    edit_xlsx(xlsx, "bases", "H2", "=1000+200")
    assert any(
        "bases · row 2 · troops: formula =1000+200 has no saved value" in m for m in messages(xlsx)
    )


def test_blank_rows_hidden_sheets_and_extra_sheets_are_handled(xlsx: Path) -> None:
    book = load_workbook(xlsx)
    bases = book["bases"]
    bases.insert_rows(3)  # a blank row between alpha and bravo
    for row in range(7, 30):
        bases.cell(row=row, column=1, value="   ")  # whitespace-only trailing rows
    book["routes"].sheet_state = "hidden"
    book.create_sheet("my notes")
    book.save(xlsx)
    report = validate(xlsx)
    assert report.scenario == full_theater()
    notes = [str(p) for p in report.notes]
    assert any("routes · is hidden in Excel; read anyway" in m for m in notes)
    assert any("my notes · is not a sheet defplan reads; ignored" in m for m in notes)
    # the bad row numbers still match Excel after the inserted blank row
    edit_xlsx(xlsx, "bases", "D4", 95)
    assert any("bases · row 4 · lat: 95 is not a latitude" in m for m in messages(xlsx))


def test_headers_written_the_way_people_write_them_are_understood(folder: Path) -> None:
    def titles(rows: list[list[str]]) -> None:
        rows[0][0] = "Base ID"
        rows[0][7] = " Troops "

    rewrite_csv(folder / "bases.csv", titles)
    assert load_scenario(folder) == full_theater()


# --- files that are not theaters ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("theater.xlsx", b"hello, this is text", "is not an Excel workbook (it is text, perhaps"),
        ("theater.xls", b"\xd0\xcf\x11\xe0", "old-format .xls workbook"),
        ("bases.csv", b"base_id\n", "is a single CSV file"),
        ("theater.xlsx", b"", "is empty (0 bytes; expected an Excel workbook)"),
        ("theater.xlsx", b"<html></html>", "it is XML or HTML text"),
    ],
)
def test_a_file_that_is_not_a_workbook_gets_one_clear_message(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    report = validate(path)
    assert not report.ok
    assert len(report.errors) == 1 and expected in str(report.errors[0])


def test_missing_file_and_missing_required_sheet(tmp_path: Path, folder: Path) -> None:
    assert messages(tmp_path / "nope.xlsx") == [f"{tmp_path / 'nope.xlsx'} · file not found"]
    (folder / "weapons.csv").unlink()
    assert any("weapons · required sheet is missing" in m for m in messages(folder))


def test_missing_required_column_is_reported_once(folder: Path) -> None:
    def drop_troops(rows: list[list[str]]) -> None:
        for row in rows:
            del row[7]

    rewrite_csv(folder / "bases.csv", drop_troops)
    found = [m for m in messages(folder) if "troops" in m]
    assert len(found) == 1 and "bases · row 1 · troops: required column is missing" in found[0]


def test_an_empty_required_sheet_is_reported(folder: Path) -> None:
    (folder / "systems.csv").write_text("system_id,name,mode,inventory\n", encoding="utf-8")
    assert any("systems · has no rows" in m for m in messages(folder))
    (folder / "systems.csv").write_text("", encoding="utf-8")
    assert any("systems · is empty" in m for m in messages(folder))


def test_an_xml_entity_bomb_is_refused_before_parsing(tmp_path: Path, xlsx: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheets><sheet name='&lol2;' sheetId='1'/></sheets></workbook>"
    )
    crafted = tmp_path / "crafted.xlsx"
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(crafted, "w") as dst:
        for item in src.infolist():
            body = bomb.encode() if item.filename == "xl/workbook.xml" else src.read(item)
            dst.writestr(item, body)
    report = validate(crafted)
    assert not report.ok
    assert "declares an XML document type or entity" in str(report.errors[0])


def test_an_oversized_input_is_refused(monkeypatch: pytest.MonkeyPatch, xlsx: Path) -> None:
    monkeypatch.setattr(sources_module, "MAX_FILE_BYTES", 1000)
    report = validate(xlsx)
    assert "refused: the limit is" in str(report.errors[0])


def test_csv_that_is_not_utf8_is_read_with_a_warning_and_binary_is_refused(folder: Path) -> None:
    text = (folder / "bases.csv").read_text(encoding="utf-8").replace("Bravo", "Bravó")
    (folder / "bases.csv").write_bytes(text.encode("cp1252"))
    report = validate(folder)
    assert report.scenario is not None and report.scenario.bases[1].name == "Bravó"
    assert any("read as Windows-1252" in str(w) for w in report.warnings)
    (folder / "routes.csv").write_bytes(b"\x00\x01\x02binary")
    assert any("is a binary file" in m for m in messages(folder))


def test_load_scenario_raises_one_input_error_holding_every_problem(xlsx: Path) -> None:
    book = load_workbook(xlsx)
    book["bases"]["D2"] = 133.2
    book["bases"]["E2"] = 500
    book.save(xlsx)
    with pytest.raises(InputError) as caught:
        load_scenario(xlsx)
    assert {p.column for p in caught.value.errors} == {"lat", "lon"}


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    theater = full_theater()
    attack = theater.attacks[0].model_copy(update={"notes": "=cmd|' /C calc'!A0"})
    evil = Scenario(**{**theater.__dict__, "attacks": (attack, *theater.attacks[1:])})
    path = write_xlsx(evil, tmp_path / "evil.xlsx")
    cell = next(c for c in load_workbook(path)["attacks"][2] if c.value and "cmd" in str(c.value))
    assert cell.data_type == "s"
    assert load_scenario(path).attacks[0].notes == "=cmd|' /C calc'!A0"
