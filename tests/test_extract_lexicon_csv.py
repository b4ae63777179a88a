"""A theater's lexicon files are read as a planner saves them from Excel (UTF-8 with a
byte-order mark, Windows-1252, headers typed with capitals or spaces, blank lines),
and a file that cannot be read says which file, which row and what was expected."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from defplan.errors import InputError, Problem
from defplan.extract import extract_text
from defplan.extract.lexicon_files import DEFAULTS
from defplan.extract.lexicon_set import FILES, load_lexicons
from defplan.workbook import load_scenario
from test_extract_cli import EXAMPLE

DAY = dt.date(2024, 5, 9)  # a Thursday
#: an own-words sentence whose actor only a theater's actors.csv names
TOLD = "The Zoravian Front fired rockets at Camp Taji on Monday."
ZORAVIAN = "Zoravian Front,group,ZF;Zoravian Front fighters"


def _folder(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "lexicons"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return folder


def _problems(folder: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_lexicons(folder)
    return list(caught.value.problems)


def _actor(text: str, folder: Path | None) -> list[str | None]:
    bases = load_scenario(EXAMPLE).bases
    return [r.actor for r in extract_text(text, bases, published=DAY, lexicons=folder).rows]


@pytest.mark.parametrize("name", FILES)
def test_every_lexicon_file_saved_as_csv_utf8_by_excel_loads(tmp_path: Path, name: str) -> None:
    # Excel's "CSV UTF-8" puts a byte-order mark before the header (and ends lines CRLF)
    shipped = (DEFAULTS / name).read_text(encoding="utf-8").replace("\n", "\r\n")
    folder = _folder(tmp_path, name, b"\xef\xbb\xbf" + shipped.encode("utf-8"))
    own = load_lexicons(folder)
    assert [file for file, _ in own.replaced] == [name]
    field = name.removesuffix(".csv")
    assert getattr(own, field) == getattr(load_lexicons(None), field)


def test_an_actors_file_from_excel_changes_who_is_read_as_the_attacker(tmp_path: Path) -> None:
    shipped = (DEFAULTS / "actors.csv").read_text(encoding="utf-8").rstrip("\n")
    data = "\ufeff" + f"{shipped}\n{ZORAVIAN}\n".replace("\n", "\r\n")
    folder = _folder(tmp_path, "actors.csv", data.encode("utf-8"))
    assert _actor(TOLD, None) == [None]
    assert _actor(TOLD, folder) == ["Zoravian Front"]


def test_a_header_typed_with_capitals_or_spaces_is_the_header(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "actors.csv", f"Actor, Kind , ALIASES\n{ZORAVIAN}\n".encode())
    assert [a.name for a in load_lexicons(folder).actors] == ["Zoravian Front"]


def test_a_missing_column_is_named_with_the_header_found(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "actors.csv", b"actor,knd,aliases\nZoravian Front,group,ZF\n")
    (problem,) = _problems(folder)
    assert problem.file.endswith("actors.csv") and problem.row == 1
    assert "kind" in problem.message and "'knd'" in problem.message
    assert "actor, kind, aliases" in problem.message


def test_a_file_separated_by_semicolons_is_told_so(tmp_path: Path) -> None:
    # Excel in a locale whose decimal mark is a comma saves "CSV" with semicolons
    folder = _folder(tmp_path, "forces.csv", b"word;role\nZoravian;local_owner\n")
    (problem,) = _problems(folder)
    assert "';'" in problem.message and "comma" in problem.message


@pytest.mark.parametrize(
    ("data", "told"),
    [(b"", "is empty"), (b"word,role\r\n", "has no rows"), (b"\r\n\r\n", "is empty")],
    ids=["empty", "header only", "blank lines"],
)
def test_an_empty_file_says_so_and_that_it_replaces_the_shipped_one_whole(
    tmp_path: Path, data: bytes, told: str
) -> None:
    (problem,) = _problems(_folder(tmp_path, "forces.csv", data))
    assert told in problem.message and "word, role" in problem.message


def test_a_bad_row_after_a_blank_line_is_named_by_the_row_excel_shows(tmp_path: Path) -> None:
    data = b"word,role\nZoravian,local_owner\n\nZorava,neighbour\n"
    (problem,) = _problems(_folder(tmp_path, "forces.csv", data))
    assert (problem.row, problem.column) == (4, "role")  # row 3 is the blank line


def test_a_file_saved_as_windows_1252_is_read_with_a_warning(tmp_path: Path) -> None:
    # Excel's plain "CSV (Comma delimited)" on a Western Windows
    data = "actor,kind,aliases\nFront Zoravien,group,Front Zor\u00e9avien\n".encode("cp1252")
    own = load_lexicons(_folder(tmp_path, "actors.csv", data))
    assert own.actors[0].pattern.search("the Front Zor\u00e9avien said")
    bases = load_scenario(EXAMPLE).bases
    found = extract_text(TOLD, bases, published=DAY, lexicons=tmp_path / "lexicons")
    (warning,) = [n for n in found.notes if n.severity == "warning"]
    assert warning.file.endswith("actors.csv") and "UTF-8" in warning.message


def test_a_file_saved_as_utf16_is_refused_saying_how_to_save_it(tmp_path: Path) -> None:
    data = "actor,kind,aliases\nZoravian Front,group,ZF\n".encode("utf-16")
    (problem,) = _problems(_folder(tmp_path, "actors.csv", data))
    assert problem.file.endswith("actors.csv") and "CSV UTF-8" in problem.message


@pytest.mark.parametrize(
    ("name", "data", "column"),
    [
        ("actors.csv", "actor,kind,aliases\n,group,Zoravian Front\n", "actor"),
        ("regions.csv", "region,aliases\n,Zorava province\n", "region"),
        ("places.csv", "place,lat,lon,aliases\n,33.1,44.2,\n", "place"),
        ("countries.csv", "country,lat,lon,words\n,33.1,44.2,zoravian\n", "country"),
    ],
)
def test_a_row_without_its_name_is_refused_naming_row_and_column(
    tmp_path: Path, name: str, data: str, column: str
) -> None:
    # an actor or region named '' would be written as a blank cell of the attacks sheet
    (problem,) = _problems(_folder(tmp_path, name, data.encode()))
    assert (Path(problem.file).name, problem.row, problem.column) == (name, 2, column)
    assert "blank" in problem.message


def test_a_bad_countries_row_does_not_make_its_borders_unknown_countries(tmp_path: Path) -> None:
    countries = "country,lat,lon,words\nIraq,33,43.5,iraqi\nZorava,north,44,zoravan\n"
    folder = _folder(tmp_path, "countries.csv", countries.encode())
    borders = "border,lat,lon\nIraq;Zorava,36,44\nIraq;Zorava,37,44.5\n"
    (folder / "borders.csv").write_text(borders, encoding="utf-8")
    told = [(Path(p.file).name, p.row, p.column) for p in _problems(folder)]
    assert told == [("countries.csv", 3, "lat")]


def test_no_shipped_cell_is_one_excel_would_read_as_a_formula() -> None:
    # a planner copies a shipped file and edits it in Excel, which reads a cell that
    # begins with = + - or @ as a formula ("-back" becomes #NAME? when saved)
    for name in FILES:
        for number, line in enumerate((DEFAULTS / name).read_text("utf-8").splitlines(), 1):
            cells = next(csv.reader([line]))
            assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], (name, number)


def test_a_word_written_with_excel_s_quote_in_front_is_the_word(tmp_path: Path) -> None:
    # written '-back, as safe_csv writes a cell, so that Excel keeps it text
    data = "word,side,role\n'-back,after,sponsor\n"
    own = load_lexicons(_folder(tmp_path, "actor_roles.csv", data.encode()))
    assert own.actor_roles.words == {("after", "sponsor"): ("-back",)}


def test_an_unquoted_comma_in_a_value_is_told_not_half_the_value_dropped(tmp_path: Path) -> None:
    # "ZF, Zoravian fighters" was read as the alias ZF, the rest dropped unseen
    data = "actor,kind,aliases\nZoravian Front,group,ZF, Zoravian fighters\n"
    (problem,) = _problems(_folder(tmp_path, "actors.csv", data.encode()))
    assert (problem.row, problem.column) == (2, "aliases") and "double quotes" in problem.message


def test_a_quote_left_open_is_told_with_its_line(tmp_path: Path) -> None:
    data = 'word,role\n"Zoravian,local_owner\nZorava,local_people\n'
    (problem,) = _problems(_folder(tmp_path, "forces.csv", data.encode()))
    assert problem.row == 2 and "never closed" in problem.message


def test_a_country_word_of_several_words_is_refused_as_never_found(tmp_path: Path) -> None:
    # a place is looked up word by word, so "zoravan republic" could never name Zorava
    data = "country,lat,lon,words\nZorava,33.1,44.2,zorava; zoravan republic; zoravan\n"
    (problem,) = _problems(_folder(tmp_path, "countries.csv", data.encode()))
    assert (problem.row, problem.column) == (2, "words")
    assert "'zoravan republic'" in problem.message and "one word" in problem.message


@pytest.mark.parametrize("blank", ["-", "'", "--", "ZF; -"])
def test_an_alias_of_no_letters_names_no_one(tmp_path: Path, blank: str) -> None:
    # a dash for "none" in the aliases cell made the actor's pattern empty, so it was
    # found in every text and named the attacker of every attack
    shipped = (DEFAULTS / "actors.csv").read_text(encoding="utf-8").rstrip("\n")
    data = f'{shipped}\nZoravian Front,group,"{blank}"\n'
    folder = _folder(tmp_path, "actors.csv", data.encode())
    assert _actor("Militants fired rockets at Camp Taji on Monday.", folder) == [None]
    assert _actor(TOLD, folder) == ["Zoravian Front"]


@pytest.mark.parametrize(
    ("name", "row"),
    [
        ("people.csv", "-,,counted"),
        ("harm.csv", "-,noun,both"),
        ("actor_roles.csv", "-,before,target"),
        ("forces.csv", "-,local_owner"),
        ("weapon_words.csv", "-,rocket,plain"),
    ],
)
def test_a_word_of_no_letters_is_refused_naming_its_row(
    tmp_path: Path, name: str, row: str
) -> None:
    # a weapon word "-" became an empty pattern: every word boundary was a rocket
    shipped = (DEFAULTS / name).read_text(encoding="utf-8").rstrip("\n")
    rows = len(shipped.splitlines())
    (problem,) = _problems(_folder(tmp_path, name, f"{shipped}\n{row}\n".encode()))
    assert (problem.row, problem.column) == (rows + 1, "word") and "'-'" in problem.message


def test_a_dash_for_no_plural_is_no_plural(tmp_path: Path) -> None:
    shipped = (DEFAULTS / "people.csv").read_text(encoding="utf-8").rstrip("\n")
    folder = _folder(tmp_path, "people.csv", f"{shipped}\nwarden,-,counted\n".encode())
    counted = load_lexicons(folder).people.words["counted"]
    assert "warden" in counted and "-" not in counted
