"""``defplan extract`` on the command line: files written, and bad input told plainly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from defplan.cli.extract import extract_command
from defplan.errors import InputError
from defplan.extract import extract
from defplan.extract.articles import read_articles
from defplan.workbook import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"
REPORT = "Two rockets struck Camp Taji on Saturday, wounding three contractors, officials said.\n"

app = typer.Typer(pretty_exceptions_enable=False)
app.command("extract")(extract_command)


@app.command("version")
def _version() -> None:  # a second command keeps "extract" a sub-command, as in defplan
    """Print nothing."""


runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["extract", *args])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.output


def article(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_extract_writes_the_rows_and_the_attacks_sheet(tmp_path: Path) -> None:
    path = article(tmp_path, "report.txt", REPORT)
    out, sheet = tmp_path / "out" / "attacks.csv", tmp_path / "out" / "sheet.csv"
    code, output = invoke(
        str(path), "--theater", str(EXAMPLE), "--published", "2020-03-16",
        "--out", str(out), "--attacks-sheet", str(sheet),
    )  # fmt: skip
    assert code == 0, output
    (record,) = pd.read_csv(out, dtype=str, keep_default_na=False).to_dict("records")
    assert [record[c] for c in ("base_id", "date", "weapon", "munitions", "wounded")] == [
        "taji",
        "2020-03-14",
        "rocket",
        "2",
        "3",
    ]
    text = path.read_text(encoding="utf-8")
    start, end = int(str(record["span_start"])), int(str(record["span_end"]))
    assert "Camp Taji" in text[start:end]
    assert "1 attack(s) told in 1 of 1 article(s)" in output
    assert pd.read_csv(sheet).loc[0, "attack_id"] == "a2020_03_14_taji"


def test_a_header_block_dates_the_article_and_offsets_count_from_the_file_start(
    tmp_path: Path,
) -> None:
    path = article(
        tmp_path, "dated.txt", "URL: https://example.org/x\nTITLE: Rockets\nDATE: 2020-03-16\n\n"
        + REPORT,
    )  # fmt: skip
    result = extract([path], load_scenario(EXAMPLE))
    (row,) = result.rows
    assert row.date is not None and row.date.isoformat() == "2020-03-14"
    assert path.read_text(encoding="utf-8")[row.span_start : row.span_end].startswith("Two")


def test_a_manifest_dates_articles_by_file_name(tmp_path: Path) -> None:
    path = article(tmp_path, "report.txt", REPORT)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,published\nreport.txt,2020-03-16\n", encoding="utf-8")
    (row,) = extract([path], load_scenario(EXAMPLE), manifest=manifest).rows
    assert row.date is not None and row.date.isoformat() == "2020-03-14"


def test_a_manifest_row_without_a_usable_date_leaves_its_article_undated_not_the_batch_refused(
    tmp_path: Path,
) -> None:
    dated = article(tmp_path, "dated.txt", REPORT)
    blank = article(tmp_path, "blank.txt", REPORT)
    odd = article(tmp_path, "odd.txt", REPORT)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "file,published\ndated.txt,2020-03-16\nblank.txt,\nodd.txt,sometime in March\n",
        encoding="utf-8",
    )
    out = tmp_path / "attacks.csv"
    code, output = invoke(
        str(dated), str(blank), str(odd), "--theater", str(EXAMPLE),
        "--manifest", str(manifest), "--out", str(out),
    )  # fmt: skip
    assert code == 0, output
    assert "'sometime in March' is not a day" in output and "read as undated" in output
    assert "nothing was done" not in output
    rows = out.read_text(encoding="utf-8")
    assert all(name in rows for name in ("dated.txt", "blank.txt", "odd.txt"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        ("Rockets hit the caf\u00e9 near Taji.".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_file_that_is_not_text_is_skipped_with_a_message_and_the_others_are_written(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = article(tmp_path, "bad.txt", data)
    good = article(tmp_path, "good.txt", REPORT)
    out = tmp_path / "attacks.csv"
    code, output = invoke(
        str(path), str(good), "--theater", str(EXAMPLE), "--published", "2020-03-16",
        "--out", str(out),
    )  # fmt: skip
    assert code == 2 and message in output and "Traceback" not in output
    assert "1 article(s) skipped" in output
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(written["article_file"]) == ["good.txt"]


def test_articles_without_a_publication_date_are_read_not_refused(tmp_path: Path) -> None:
    blank = article(
        tmp_path,
        "blank.txt",
        "TITLE: Rockets on the base\nDATE: \n\nRockets struck Camp Taji on Monday. Three "
        "rockets hit Balad air base on 13 August 2020, and no one was hurt.\n",
    )
    none = article(tmp_path, "none.txt", "A drone struck Al-Tanf garrison on Friday.\n")
    out = tmp_path / "attacks.csv"
    code, output = invoke(str(blank), str(none), "--theater", str(EXAMPLE), "--out", str(out))
    assert code == 0, output
    assert "has no publication date" in output and "left blank" in output
    rows = pd.read_csv(out, dtype=str, keep_default_na=False)
    dates = dict(zip(rows["base_id"], rows["date"], strict=True))
    assert dates == {"taji": "", "balad": "2020-08-13", "al_tanf": ""}


def test_an_undated_article_takes_the_date_line_at_the_top_of_its_text(tmp_path: Path) -> None:
    path = article(
        tmp_path,
        "stamped.txt",
        "DATE: \n\nRocket hits the base\n\nLast Update: 2021-02-16 08:00:00 - Source: wire"
        "\n\nA rocket struck Erbil airport on Monday, officials said.\n",
    )
    result = extract([path], load_scenario(EXAMPLE))
    (row,) = result.rows
    assert row.date == dt.date(2021, 2, 15)
    assert any("date line" in note.message for note in result.notes)


def test_an_empty_article_or_one_without_attacks_gives_no_rows_and_a_note(tmp_path: Path) -> None:
    empty = article(tmp_path, "empty.txt", "")
    calm = article(tmp_path, "calm.txt", "The minister visited Baghdad on Monday.\n")
    out = tmp_path / "attacks.csv"
    code, output = invoke(
        str(empty), str(calm), "--theater", str(EXAMPLE), "--published", "2020-03-16",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, output
    assert "is empty" in output and "tells of no attack" in output
    assert pd.read_csv(out).empty


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--published", "last Tuesday"), "is not a day"),
        (("--published", "2020-03-16", "--out", "{article}"), "never writes over its inputs"),
        (("--published", "03/16/2020"), "is not a day"),
        (("--published", "2020-03-16", "--out", "{dir}/theater.xlsx"), "is not a .csv name"),
    ],
)
def test_bad_options_end_with_exit_code_2_and_a_message(
    tmp_path: Path, extra: tuple[str, ...], message: str
) -> None:
    path = article(tmp_path, "report.txt", REPORT)
    options = [e.replace("{article}", str(path)).replace("{dir}", str(tmp_path)) for e in extra]
    code, output = invoke(str(path), "--theater", str(EXAMPLE), *options)
    assert code == 2 and message in output
    assert path.read_text(encoding="utf-8") == REPORT


def test_a_bad_manifest_is_refused_and_missing_articles_are_skipped(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("name,date\nx.txt,2020-01-01\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_articles([tmp_path / "missing.txt"], manifest)
    assert "no file or published column" in str(caught.value)
    read, problems = read_articles([tmp_path / "missing.txt", tmp_path / "gone.txt"])
    assert read == [] and [p.message for p in problems] == ["file not found"] * 2


def test_a_date_header_after_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    from defplan.extract.articles import read_article

    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffDATE: 2024-02-03\n\nRockets hit a base on Monday.\n".encode())
    article, _ = read_article(path)
    assert article.published == dt.date(2024, 2, 3)
    assert article.text == path.read_text(encoding="utf-8")  # spans still index read_text


@pytest.mark.parametrize("written", ["03/02/2024", "3.2.2024", "2024-02"])
def test_an_ambiguous_or_partial_published_date_is_refused(written: str) -> None:
    from defplan.extract.articles import parse_day

    assert parse_day(written) is None
    assert parse_day("2024-02-03") == dt.date(2024, 2, 3)
    assert parse_day("3 February 2024") == dt.date(2024, 2, 3)


def test_without_out_the_attacks_are_shown_and_nothing_is_written(tmp_path: Path) -> None:
    path = article(tmp_path, "a.txt", "Militants fired rockets at Camp Taji on Monday.\n")
    code, output = invoke(str(path), "--theater", str(EXAMPLE), "--published", "2024-05-09")
    assert code == 0, output
    assert "1 attack(s) told in 1 of 1 article(s)" in output and "wrote" not in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
