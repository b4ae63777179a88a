"""Every lexicon a theater's folder holds changes what extraction reads, with no code:
weapon words, forces, people, harm words, actor roles, countries and borders as well as
actors, regions and places; a folder's mistakes are all told at once."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from defplan.errors import InputError
from defplan.extract import extract_text
from defplan.extract.lexicon_files import DEFAULTS
from defplan.extract.lexicon_set import (
    FILES,
    LexicalPattern,
    Lexicons,
    active_lexicons,
    load_lexicons,
    shipped_lexicons,
    slot,
    using_lexicons,
)
from defplan.extract.mentions import weapon_in
from defplan.scenario import BaseRow
from defplan.workbook import load_scenario, write_csv_folder
from test_extract_cli import EXAMPLE, invoke

DAY = dt.date(2024, 5, 9)  # a Thursday: "on Monday" is 2024-05-06
FIELDS = ("base_id", "weapon", "munitions", "killed", "wounded", "actor")


def _bases() -> list[BaseRow]:
    return list(load_scenario(EXAMPLE).bases)


def _with_row(folder: Path, name: str, row: str) -> Path:
    """``folder`` holding the shipped ``name`` with one row added (as a planner edits a
    copy of the shipped file)."""
    folder.mkdir(parents=True, exist_ok=True)
    shipped = (DEFAULTS / name).read_text(encoding="utf-8").rstrip("\n")
    (folder / name).write_text(f"{shipped}\n{row}\n", encoding="utf-8")
    return folder


def _read(text: str, folder: Path | None = None) -> list[tuple[object, ...]]:
    found = extract_text(text, _bases(), published=DAY, lexicons=folder)
    return [tuple(getattr(r, f) for f in FIELDS) for r in found.rows]


# (file, the row a theater adds, an own-words sentence, what is read with the shipped
# lexicons, what is read with the theater's)
CASES = [
    pytest.param(
        "weapon_words.csv",
        "zarqa,rocket,numbered",
        "Militants fired two Zarqa-7 projectiles at Camp Taji on Monday.",
        [("taji", "other", 2, None, None, None)],
        [("taji", "rocket", 2, None, None, None)],
        id="a weapon model names its class",
    ),
    pytest.param(
        "weapon_words.csv",
        "zarqa,rocket,numbered",
        "Militants fired two Zarqas at Camp Taji on Monday.",
        [],
        [("taji", "rocket", 2, None, None, None)],
        id="a weapon word alone tells the attack and its count",
    ),
    pytest.param(
        "weapon_words.csv",
        "zarqa,rocket,numbered",
        "Militants attacked Camp Taji on Monday. The Zarqa struck near the barracks.",
        [],
        [("taji", "rocket", 1, None, None, None)],
        id="the weapon word in the singular is one munition",
    ),
    pytest.param(
        "weapon_words.csv",
        "skylance,defence,plain",
        "Skylance missiles shot down two drones fired at Camp Taji on Monday.",
        [("taji", "ballistic_missile", 2, None, None, None)],
        [("taji", "drone", 2, None, None, None)],
        id="a defence's missiles are no weapon of the attack",
    ),
    pytest.param(
        "people.csv",
        "warden,wardens,counted",
        "Two wardens were among the wounded when rockets hit Camp Taji on Monday.",
        [("taji", "rocket", None, None, None, None)],
        [("taji", "rocket", None, 0, 2, None)],
        id="a word for people is counted",
    ),
    pytest.param(
        "people.csv",
        "prefect,prefects,official",
        "The prefect was targeted by a drone near Erbil air base on Monday.",
        [("erbil", "drone", 1, None, None, None)],
        [],
        id="an official targeted is no attack on a base",
    ),
    pytest.param(
        "harm.csv",
        "mishaps,noun,both",
        "A rocket hit Camp Taji on Monday, causing no mishaps.",
        [("taji", "rocket", 1, None, None, None)],
        [("taji", "rocket", 1, 0, 0, None)],
        id="a harm word makes a stated zero",
    ),
    pytest.param(
        "actor_roles.csv",
        "repudiated,after,denier",
        "Kataib Hezbollah repudiated the rocket attack on Camp Taji on Monday.",
        [("taji", "rocket", None, None, None, "Kataib Hezbollah")],
        [("taji", "rocket", None, None, None, None)],
        id="a denial word keeps the group from being the attacker",
    ),
    pytest.param(
        "forces.csv",
        "zoravian,local_owner",
        "Rockets hit a Zoravian base near Erbil on Monday.",
        [("erbil", "rocket", None, None, None, None)],
        [(None, "rocket", None, None, None, None)],
        id="a local force's base is not the coalition's",
    ),
    pytest.param(
        "forces.csv",
        "Zoravian,friendly",
        "Zoravian jets struck the Al-Qaim camp on Monday after rockets hit Al Asad.",
        [("al_qaim", "rocket", None, None, None, None)],
        [("al_asad", "rocket", None, None, None, None)],
        id="a friendly force's strike is a reply, not the attack",
    ),
    pytest.param(
        "forces.csv",
        "Z.D.F.,friendly",
        "ZDF jets struck the Al-Qaim camp on Monday after rockets hit Al Asad.",
        [("al_qaim", "rocket", None, None, None, None)],
        [("al_asad", "rocket", None, None, None, None)],
        id="a force in capitals written with stops is the force however written",
    ),
    pytest.param(
        "regions.csv",
        "Al Anbar,Zoravan",
        "Rockets struck a base in Zoravan province on Monday.",
        [(None, "rocket", None, None, None, None)],
        [("al_asad", "rocket", None, None, None, None)],
        id="a region's own name places a described base",
    ),
    pytest.param(
        "countries.csv",
        "Iraq,,,mesopotamia",
        "Rockets struck a base in western Mesopotamia on Monday.",
        [(None, "rocket", None, None, None, None)],
        [("al_asad", "rocket", None, None, None, None)],
        id="a word for a country places a base in a part of it",
    ),
    pytest.param(
        "borders.csv",
        "Iraq; Turkey,36.5,43.2\nIraq; Turkey,36.5,43.6",
        "A drone hit a base on the Iraqi-Turkish border on Monday.",
        [(None, "drone", 1, None, None, None)],
        [("zelkan", "drone", 1, None, None, None)],
        id="a border of the theater's own places a base on it",
    ),
]


@pytest.mark.parametrize(("name", "row", "text", "shipped", "own"), CASES)
def test_a_row_added_to_a_theater_s_lexicon_changes_what_is_read(
    tmp_path: Path,
    name: str,
    row: str,
    text: str,
    shipped: list[tuple[object, ...]],
    own: list[tuple[object, ...]],
) -> None:
    assert _read(text) == shipped
    assert _read(text, _with_row(tmp_path / "lexicons", name, row)) == own
    assert _read(text) == shipped  # the theater's words stay with its run


def test_a_theater_s_own_files_are_named_in_the_notes_with_their_hash(tmp_path: Path) -> None:
    folder = _with_row(tmp_path / "lexicons", "weapon_words.csv", "zarqa,rocket,numbered")
    found = extract_text(
        "Rockets hit Camp Taji on Monday.", _bases(), published=DAY, lexicons=folder
    )
    (note,) = [n for n in found.notes if "shipped" in n.message]
    assert note.file.endswith("weapon_words.csv") and note.severity == "note"
    assert re.search(r"sha256 [0-9a-f]{12}\b", note.message)
    assert load_lexicons(folder).replaced == (("weapon_words.csv", note.message[-13:-1]),)


def test_an_unchanged_folder_is_read_once_and_an_edited_one_again(tmp_path: Path) -> None:
    folder = _with_row(tmp_path / "lexicons", "harm.csv", "mishaps,noun,both")
    first = load_lexicons(folder)
    assert load_lexicons(folder) is first
    _with_row(folder, "harm.csv", "mishap,noun,both\nscratches,noun,wounded")
    edited = load_lexicons(folder)
    assert edited is not first and "scratches" in edited.fragment("harm.noun.wounded")


def test_every_problem_of_every_file_of_a_folder_is_told_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "lexicons"
    _with_row(folder, "weapon_words.csv", "zarqa,artillery,numbered")
    _with_row(folder, "forces.csv", "Zoravian,neighbour")
    (folder / "weapons.csv").write_text("word,weapon,form\nzarqa,rocket,plain\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load_lexicons(folder)
    told = sorted((Path(p.file).name, p.row, p.column) for p in caught.value.problems)
    shipped_rows = {
        name: len((DEFAULTS / name).read_text(encoding="utf-8").rstrip("\n").splitlines()) + 1
        for name in ("weapon_words.csv", "forces.csv")
    }
    assert told == [
        ("forces.csv", shipped_rows["forces.csv"], "role"),
        ("weapon_words.csv", shipped_rows["weapon_words.csv"], "weapon"),
        ("weapons.csv", None, None),  # a misspelt name would leave the shipped file in use
    ]
    misspelt = next(p for p in caught.value.problems if p.file.endswith("weapons.csv"))
    assert all(name in misspelt.message for name in FILES)


def test_a_folder_that_is_not_there_is_refused_not_taken_for_the_shipped_set(
    tmp_path: Path,
) -> None:
    with pytest.raises(InputError) as caught:
        extract_text("Rockets hit Camp Taji.", _bases(), published=DAY, lexicons=tmp_path / "no")
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "no") and "not a folder" in problem.message


def test_a_theater_s_countries_keep_only_the_shipped_borders_between_them(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "lexicons"
    folder.mkdir()
    shipped = shipped_lexicons()
    assert frozenset({"Syria", "Jordan"}) in shipped.borders
    rows = ["country,lat,lon,words", "Iraq,33.0,43.5,iraqi", "Syria,35.0,38.5,syrian"]
    (folder / "countries.csv").write_text("\n".join(rows) + "\n", "utf-8")
    own = load_lexicons(folder)
    assert {c.name for c in own.countries} == {"Iraq", "Syria"}
    assert set(own.borders) == {frozenset({"Iraq", "Syria"})}
    assert (
        own.borders[frozenset({"Iraq", "Syria"})] == shipped.borders[frozenset({"Iraq", "Syria"})]
    )
    # and a borders file of its own is checked against its countries, not the shipped ones
    (folder / "borders.csv").write_text("border,lat,lon\nIraq;Jordan,33,39\nIraq;Jordan,32,39\n")
    with pytest.raises(InputError) as caught:
        load_lexicons(folder)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "border"), (3, "border")]


def test_a_slot_left_unfilled_fails_loudly_rather_than_matching_nothing() -> None:
    with pytest.raises(re.error):
        re.compile(rf"\b{slot('people.counted')}\b")
    with pytest.raises(KeyError):
        LexicalPattern(rf"\b{slot('people.nobody')}x{slot('vehicles.any')}")


def test_two_threads_read_each_with_its_own_lexicons(tmp_path: Path) -> None:
    folder = _with_row(tmp_path / "lexicons", "weapon_words.csv", "zarqa,rocket,numbered")
    own = load_lexicons(folder)

    def weapon(lexicons: Lexicons) -> tuple[str, int] | None:
        with using_lexicons(lexicons):
            return [weapon_in("a Zarqa-7 fell") for _ in range(200)][-1]

    with ThreadPoolExecutor(2) as pool:
        found = list(pool.map(weapon, [own, shipped_lexicons()] * 4))
    assert found == [("rocket", 2), None] * 4
    assert active_lexicons() is shipped_lexicons()


def test_the_cli_reads_the_lexicons_folder_given_not_the_one_beside(tmp_path: Path) -> None:
    theater = tmp_path / "theater" / "iraq_syria.xlsx"
    theater.parent.mkdir()
    shutil.copy(EXAMPLE, theater)
    (theater.parent / "lexicons").mkdir()
    (theater.parent / "lexicons" / "countries.csv").write_text("not,a,lexicon\n")
    given = _with_row(tmp_path / "kurdish_desk", "countries.csv", "Iraq,,,mesopotamia")
    report = tmp_path / "report.txt"
    report.write_text("Rockets struck a base in western Mesopotamia on Monday.\n")
    out = tmp_path / "out" / "attacks.csv"
    code, output = invoke(
        str(report), "--theater", str(theater), "--published", DAY.isoformat(),
        "--out", str(out), "--lexicons", str(given),
    )  # fmt: skip
    assert code == 0, output
    assert pd.read_csv(out, dtype=str)["base_id"].tolist() == ["al_asad"]


def test_the_cli_reads_a_lexicons_folder_beside_the_theater(tmp_path: Path) -> None:
    theater = tmp_path / "theater" / "iraq_syria.xlsx"
    theater.parent.mkdir()
    shutil.copy(EXAMPLE, theater)
    _with_row(theater.parent / "lexicons", "weapon_words.csv", "zarqa,rocket,numbered")
    report = tmp_path / "report.txt"
    report.write_text("Militants fired two Zarqa-7 projectiles at Camp Taji on Monday.\n")
    out = tmp_path / "out" / "attacks.csv"
    code, output = invoke(
        str(report), "--theater", str(theater), "--published", DAY.isoformat(), "--out", str(out)
    )
    assert code == 0, output
    assert pd.read_csv(out, dtype=str)["weapon"].tolist() == ["rocket"]
    assert "weapon_words.csv" in output and "sha256" in output


def test_the_cli_reads_a_lexicons_folder_inside_a_theater_of_csv_files(tmp_path: Path) -> None:
    theater = write_csv_folder(load_scenario(EXAMPLE), tmp_path / "theater")
    _with_row(theater / "lexicons", "weapon_words.csv", "zarqa,rocket,numbered")
    report = tmp_path / "report.txt"
    report.write_text("Militants fired two Zarqas at Camp Taji on Monday.\n")
    out = tmp_path / "out" / "attacks.csv"
    code, output = invoke(
        str(report), "--theater", str(theater), "--published", DAY.isoformat(), "--out", str(out)
    )
    assert code == 0, output
    assert pd.read_csv(out, dtype=str)["munitions"].tolist() == ["2"]


def test_a_country_word_with_an_accent_names_its_country(tmp_path: Path) -> None:
    # place words are folded before they are looked up, so an accented word of
    # countries.csv (the shipped "türkiye", a theater's own) was never found: the
    # border below was read as any border of Iraq's
    plain = "A drone hit a base on the Turkey-Iraq border on Monday."
    accented = "A drone hit a base on the Türkiye-Iraq border on Monday."
    assert _read(accented) == _read(plain) == [(None, "drone", 1, None, None, None)]
    folder = _with_row(tmp_path / "lexicons", "countries.csv", "Iraq,,,mesopotamía")
    told = "Rockets struck a base in western Mesopotamia on Monday."
    assert _read(told, folder) == [("al_asad", "rocket", None, None, None, None)]
