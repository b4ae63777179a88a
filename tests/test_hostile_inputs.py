"""Workbooks read whole and bounded: the red-team's hostile files, each refused or read
with a located message, never silently shortened and never a traceback.

An understated ``<dimension>`` tag, a part that unpacks huge, more rows than Excel
holds, values cached from another workbook, a cell over 128 KiB, control characters,
a comma or a quote that shifts a CSV row.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from defplan.cli import app
from defplan.scenario import Scenario
from defplan.workbook import validate, write_csv_folder, write_xlsx
from defplan.workbook.sources import MAX_PART_BYTES, MAX_ROWS
from full_theater import full_theater

runner = CliRunner()


@pytest.fixture(scope="module")
def theater() -> Scenario:
    return full_theater()


@pytest.fixture
def xlsx(tmp_path: Path, theater: Scenario) -> Path:
    return write_xlsx(theater, tmp_path / "theater.xlsx")


@pytest.fixture
def folder(tmp_path: Path, theater: Scenario) -> Path:
    return write_csv_folder(theater, tmp_path / "theater")


def rewrite_parts(path: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    """Rewrite a workbook's zip parts; ``change`` returns a part's new bytes (or None)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(info.filename, data) or data)
    path.write_bytes(out.getvalue())


def sheet_part(path: Path, title: str) -> str:
    """The zip part holding a sheet (sheets are written in order, sheet1.xml first)."""
    from openpyxl import load_workbook

    names = load_workbook(path, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(title) + 1}.xml"


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_rows_past_an_understated_dimension_tag_are_read(xlsx: Path, theater: Scenario) -> None:
    part = sheet_part(xlsx, "attacks")
    rewrite_parts(
        xlsx,
        lambda name, data: (
            re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:M2"/>', data)
            if name == part
            else None
        ),
    )
    assert b'ref="A1:M2"' in zipfile.ZipFile(xlsx).read(part)
    report = validate(xlsx)
    assert report.scenario is not None
    assert len(report.scenario.attacks) == len(theater.attacks) > 1


def test_a_sheet_part_unpacking_past_the_cap_is_refused_naming_the_cap(xlsx: Path) -> None:
    filler = b"<!-- padding -->" * (1 << 16)
    with (
        zipfile.ZipFile(xlsx, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/padding.xml", "w", force_zip64=True) as stream,
    ):
        for _ in range(MAX_PART_BYTES // len(filler) + 1):
            stream.write(filler)
    code, output = cli("validate", str(xlsx))
    assert code == 2
    assert "part xl/padding.xml unpacks to 129 MiB" in output
    assert f"at most {MAX_PART_BYTES // 2**20} MiB" in output
    assert f"at most {MAX_ROWS:,} rows" in output


def test_a_csv_sheet_with_more_rows_than_excel_holds_is_refused(folder: Path) -> None:
    path = folder / "attacks.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n" * MAX_ROWS, encoding="utf-8")
    report = validate(folder)
    assert [str(p) for p in report.errors] == [
        f"{path} · attacks · has more than {MAX_ROWS:,} rows (refused: the most an Excel "
        "sheet holds)"
    ]


def test_a_cell_over_128_kib_is_a_located_error_not_a_traceback(folder: Path) -> None:
    path = folder / "bases.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    column = rows[0].index("name")
    rows[2][column] = "x" * (140 * 1024)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    code, output = cli("validate", str(folder))
    assert code == 2
    assert "bases · row 3 · name: is 143,360 characters long (expected at most 32,767" in output


@pytest.mark.parametrize(("char", "shown"), [("\x00", "NUL"), ("\x07", "U+0007")])
def test_a_control_character_in_a_text_cell_is_a_located_error(
    folder: Path, tmp_path: Path, char: str, shown: str
) -> None:
    path = folder / "bases.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    column = rows[0].index("name")
    rows[3][column] = f"Camp{char}Bravo"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    before = path.read_bytes()
    code, output = cli("plan", str(folder), "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"bases · row 4 · name: holds a control character ({shown}) at character 5" in output
    assert path.read_bytes() == before
    assert not (tmp_path / "out" / "plan.json").exists()


def external_link_workbook(xlsx: Path, linked: str) -> str:
    """Give the bases sheet's first troops cell a value cached from another workbook;
    returns the Excel address of that cell."""
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx, read_only=True)["bases"]
    header = [str(c.value) for c in next(sheet.iter_rows(max_row=1))]
    letter = chr(ord("A") + header.index("troops"))
    part = sheet_part(xlsx, "bases")
    link_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/externalLinkPath" Target="{linked}" TargetMode="External"/>'
        "</Relationships>"
    )
    link = (
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships" r:id="rId1"/></externalLink>'
    )

    def change(name: str, data: bytes) -> bytes | None:
        if name != part:
            return None
        cell = re.compile(rb'<c r="' + letter.encode() + rb'2"[^>]*>.*?</c>', re.S)
        formula = b'<c r="' + letter.encode() + b'2"><f>[1]Sheet1!$A$1</f><v>99999</v></c>'
        return cell.sub(formula, data, count=1)

    rewrite_parts(xlsx, change)
    with zipfile.ZipFile(xlsx, "a") as archive:
        archive.writestr("xl/externalLinks/externalLink1.xml", link)
        archive.writestr("xl/externalLinks/_rels/externalLink1.xml.rels", link_rels)
    return f"{letter}2"


def test_a_value_cached_from_another_workbook_is_named_with_its_cell(xlsx: Path) -> None:
    external_link_workbook(xlsx, "file:///C:/staff/troops%20count.xlsx")
    report = validate(xlsx)
    assert report.scenario is None
    assert [str(p) for p in report.errors] == [
        f"{xlsx} · bases · row 2 · troops: 99999 is a value saved from "
        "'C:/staff/troops count.xlsx' (formula =[1]Sheet1!$A$1); defplan reads this file "
        "alone, so type the value in (or paste it as values)"
    ]


def test_a_link_no_cell_uses_is_a_note(xlsx: Path) -> None:
    with zipfile.ZipFile(xlsx, "a") as archive:
        archive.writestr("xl/externalLinks/_rels/externalLink1.xml.rels", 'Target="other.xlsx"')
    report = validate(xlsx)
    assert report.ok
    assert any("links to another workbook ('other.xlsx')" in str(p) for p in report.notes)


def test_a_damaged_link_part_is_a_clean_refusal(xlsx: Path) -> None:
    rels = b'<Relationships><Relationship Target="other.xlsx"/></Relationships>' * 40
    with zipfile.ZipFile(xlsx, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/externalLinks/_rels/externalLink1.xml.rels", rels)
    data = bytearray(xlsx.read_bytes())
    with zipfile.ZipFile(xlsx) as archive:
        info = archive.getinfo("xl/externalLinks/_rels/externalLink1.xml.rels")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 4, start + info.compress_size - 4, 3):
        data[offset] ^= 0x5A  # the compressed bytes damaged, the zip directory intact
    xlsx.write_bytes(bytes(data))
    report = validate(xlsx)
    assert report.scenario is None
    assert report.errors and all(str(xlsx) in str(p) for p in report.errors)


def test_an_unquoted_comma_with_a_blank_last_column_names_the_comma_once(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "theater"
    folder.mkdir()
    (folder / "bases.csv").write_text(
        "base_id,name,lat,lon,troops,notes\n"
        "alpha,Camp Alpha, North,33.5,44.2,1200,\n"
        "bravo,Bravo,35.7,43.1,300,\n",
        encoding="utf-8",
    )
    (folder / "systems.csv").write_text(
        "system_id,name,mode,inventory\ncram,C-RAM,point,2\n", encoding="utf-8"
    )
    (folder / "weapons.csv").write_text(
        "weapon,reach_km,severity_prior\nrocket,40,1\n", encoding="utf-8"
    )
    (folder / "effectiveness.csv").write_text(
        "system_id,weapon,p_intercept\ncram,rocket,0.7\n", encoding="utf-8"
    )
    report = validate(folder)
    assert [str(p) for p in report.errors] == [
        f"{folder / 'bases.csv'} · bases · row 2 · name: has 7 cells, the header has 6: "
        "'Camp Alpha, North' looks like one value split at its comma (put it in double "
        'quotes: "Camp Alpha, North"); row not read'
    ]


def test_a_quote_left_open_is_named_at_the_line_it_opens(folder: Path) -> None:
    path = folder / "bases.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",", ',"', 1)
    path.write_text("".join(lines), encoding="utf-8")
    found = [str(p) for p in validate(folder).errors if "double quote" in str(p)]
    assert found == [
        f"{path} · bases · row 3 · a double quote opened on line 3 of the file is never "
        "closed, so the rest of the file would be one cell (close the quote, or write a quote "
        'inside a value as ""); the file is not read from here'
    ]


def test_the_csv_writer_quotes_commas_and_leaves_no_column_blank_on_every_row(
    tmp_path: Path, theater: Scenario
) -> None:
    bases = tuple(
        b.model_copy(update={"name": f"{b.name}, North", "notes": None}) for b in theater.bases
    )
    renamed = dataclasses.replace(theater, bases=bases)
    folder = write_csv_folder(renamed, tmp_path / "theater")
    rows = list(csv.reader((folder / "bases.csv").open(newline="", encoding="utf-8")))
    header, body = rows[0], rows[1:]
    assert "notes" not in header
    assert all(any(row[c] for row in body) for c in range(len(header)))
    assert '"Alpha Air Base, North"' in (folder / "bases.csv").read_text(encoding="utf-8")
    report = validate(folder)
    assert report.scenario is not None
    assert report.scenario.bases == renamed.bases


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "mine.csv · is empty (expected a header: base_id, system_id and units)"),
        (
            b"base,system\nalpha,cram\n",
            "mine.csv · row 1 · has no base_id, system_id or units column (expected "
            "base_id, system_id and units)",
        ),
        (
            b"base_id,system_id,units\nalpha,cram,1,\x07\n",
            "mine.csv · row 2 · has 4 cells, the header has 3",
        ),
        (b'base_id,system_id,units\nalpha,"cram,1\n', "a double quote opened on line 2"),
    ],
)
def test_an_allocation_file_is_refused_in_the_planners_words(
    tmp_path: Path, xlsx: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "mine.csv"
    path.write_bytes(content)
    code, output = cli("evaluate", str(xlsx), "--allocation", str(path))
    assert code == 2
    assert expected in " ".join(output.split()), output
    for python in ("No columns to parse", "expected (", "Error tokenizing", "Traceback"):
        assert python not in output


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda text: "", "is empty (expected a plan.json that defplan plan wrote)"),
        (lambda text: text[:100], "not a plan.json (broken JSON at line"),
        (lambda text: text.replace('"base_id"', '"base"', 1), "allocation[0].base_id is missing"),
        (
            lambda text: re.sub(r'"inventory": \d+', '"inventory": "many"', text, count=1),
            "systems[0].inventory is 'many', not a whole number",
        ),
    ],
)
def test_a_damaged_plan_json_is_named_by_its_field(
    tmp_path: Path, xlsx: Path, change: Callable[[str], str], expected: str
) -> None:
    code, _ = cli("plan", str(xlsx), "--out", str(tmp_path / "plan"))
    assert code == 0
    good = tmp_path / "plan" / "plan.json"
    bad = tmp_path / "bad.json"
    bad.write_text(change(good.read_text(encoding="utf-8")), encoding="utf-8")
    code, output = cli("compare", str(good), str(bad))
    assert code == 2
    assert expected in " ".join(output.split()), output
