"""Lexicons are data: a theater's own actors and regions change what is read, no code."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from defplan.errors import InputError, Problem
from defplan.extract import extract_articles
from defplan.extract.articles import Article
from defplan.extract.lexicon_files import (
    load_actor_roles,
    load_actors,
    load_borders,
    load_countries,
    load_forces,
    load_harm,
    load_people,
    load_places,
    load_weapon_words,
)
from defplan.extract.lexicon_set import shipped_lexicons
from defplan.workbook import load_scenario
from test_extract_unseen import EXAMPLE

DAY = dt.date(2024, 5, 9)


def _rows(text: str, lexicons: Path | None = None) -> list[tuple[str | None, str | None]]:
    bases = load_scenario(EXAMPLE).bases
    found = extract_articles([Article("a.txt", text, DAY)], bases, lexicons=lexicons)
    return [(r.base_id, r.actor) for r in found.rows]


def test_a_theater_s_own_actors_file_names_a_group_the_defaults_do_not_know(
    tmp_path: Path,
) -> None:
    text = "The Liwa al-Fajr brigade fired two rockets at Camp Taji on Monday."
    assert _rows(text) == [("taji", None)]
    (tmp_path / "actors.csv").write_text(
        "actor,kind,aliases\nLiwa al-Fajr,group,Liwa al-Fajr; Liwaa al Fajr\n", encoding="utf-8"
    )
    assert _rows(text, tmp_path) == [("taji", "Liwa al-Fajr")]


def test_a_state_is_the_attacker_only_where_it_acts_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "actors.csv").write_text(
        "actor,kind,aliases\nRuritania,state,Ruritania; Ruritanian\n", encoding="utf-8"
    )
    assert _rows("Ruritania launched a drone at Harir air base on Monday.", tmp_path) == [
        ("harir", "Ruritania")
    ]
    assert _rows("Ruritanian-backed militias fired rockets at Harir on Monday.", tmp_path) == [
        ("harir", None)
    ]


def test_a_state_s_forces_claiming_a_strike_make_the_state_the_attacker(tmp_path: Path) -> None:
    (tmp_path / "actors.csv").write_text(
        "actor,kind,aliases\nRuritania,state,Ruritania; Ruritanian Guard\n", encoding="utf-8"
    )
    text = (
        "The Ruritanian Guard claimed responsibility on Tuesday for a missile strike. "
        "Four ballistic missiles hit Harir air base on Monday."
    )
    assert _rows(text, tmp_path) == [("harir", "Ruritania")]
    slip = "A drone launched by Ruritania-back militias hit Harir air base on Monday."
    assert _rows(slip, tmp_path) == [("harir", None)]


def test_an_alias_s_capitals_are_the_text_s_so_a_description_names_no_one(
    tmp_path: Path,
) -> None:
    (tmp_path / "actors.csv").write_text(
        "actor,kind,aliases\nNorth Brigades,group,North Brigades\n", encoding="utf-8"
    )
    named = "The North Brigades claimed a drone attack on Harir air base on Monday."
    described = (
        "A group from the north brigades claimed a drone attack on Harir air base on Monday."
    )
    assert _rows(named, tmp_path) == [("harir", "North Brigades")]
    assert _rows(described, tmp_path) == [("harir", None)]


def test_a_region_name_from_the_regions_file_places_a_described_base(tmp_path: Path) -> None:
    text = "Rockets hit an airbase in the Kurdistan Region on Monday."
    # the shipped regions put the Kurdistan Region over Erbil province, whose one open,
    # manned airbase is Erbil's
    assert _rows(text) == [("erbil", None)]
    (tmp_path / "regions.csv").write_text("region,aliases\nDuhok,Kurdistan Region\n", "utf-8")
    assert _rows(text, tmp_path) == [(None, None)]


def test_a_town_of_the_places_file_is_measured_from_though_no_base_bears_its_name() -> None:
    # no base nor region of the example theater is named for Ramadi; Al Asad lies
    # some 90 km west-north-west of it
    assert _rows("Rockets struck a base west of Ramadi on Monday.") == [("al_asad", None)]


def test_a_bad_kind_in_an_actors_file_is_reported_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "actors.csv"
    path.write_text("actor,kind,aliases\nX,militia,X group\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_actors(path)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (2, "kind") and "'militia'" in problem.message


def test_the_words_for_people_are_data_with_spacing_and_hyphens_loose() -> None:
    people = shipped_lexicons().people
    counted = re.compile(rf"\b{people.pattern('counted')}\b", re.IGNORECASE)
    for form in ("soldiers", "Service Members", "servicemen", "crew members", "passers-by"):
        assert counted.fullmatch(form), form
    assert not counted.fullmatch("rockets")
    official = re.compile(people.pattern("official"), re.IGNORECASE)
    assert official.fullmatch("Prime Minister") and not official.fullmatch("soldier")


def test_a_people_file_with_an_unknown_role_is_refused_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("word,plural,role\nsoldier,soldiers,counted\nmayor,,victim\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load_people(path)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (3, "role")


@pytest.mark.parametrize(
    ("name", "load", "rows", "columns"),
    [
        (
            "harm.csv",
            load_harm,
            "word,part,role\ncasualties,noun,both\nscratch,adjective,minor\n",
            ("part", "role"),
        ),
        (
            "weapon_words.csv",
            load_weapon_words,
            "word,weapon,form\nrocket,rocket,plain\nsling,catapult,odd\n",
            ("weapon", "form"),
        ),
        (
            "actor_roles.csv",
            load_actor_roles,
            "word,side,role\nlinked to,before,sponsor\nbacked,behind,patron\n",
            ("side", "role"),
        ),
    ],
)
def test_a_harm_or_role_word_with_an_unknown_class_is_refused_with_its_row(
    tmp_path: Path, name: str, load: Callable[[Path], object], rows: str, columns: tuple[str, str]
) -> None:
    path = tmp_path / name
    path.write_text(rows, "utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, c) for c in columns]


def test_the_harm_words_say_which_count_a_zero_is() -> None:
    harm = load_harm(Path(__file__).resolve().parents[1] / "src/defplan/extract/lexicons/harm.csv")
    assert re.fullmatch(harm.pattern("noun", "killed"), "loss of life")
    assert re.fullmatch(harm.pattern("noun", "both"), "causalities")
    assert not re.fullmatch(harm.pattern("noun", "both", "killed", "wounded"), "damage")


def test_a_base_north_of_a_city_is_one_that_lies_north_of_it_not_the_city_s_own() -> None:
    # of the theater's bases north of Baghdad (Camp Taji, Balad) only Balad is an air base
    assert _rows("Rockets hit an airbase north of Baghdad on Monday.") == [("balad", None)]
    # both are military bases: the description stays unresolved, never the airport
    assert _rows("Rockets hit a military base north of Baghdad on Monday.") == [(None, None)]
    # Baghdad's airport lies west of the city as Al Asad does: two fit, and the city's
    # own bases (three open and manned) do not narrow it to one
    assert _rows("Rockets hit a base west of Baghdad on Monday.") == [(None, None)]


def test_whose_base_it_is_comes_from_the_actors_file_not_from_code(tmp_path: Path) -> None:
    # an owner between the site noun and its place keeps the place: the owners are the
    # coalition and state actors of the theater's lexicon
    text = "A military base of the French contingent in Hasakah province was hit on Monday."
    assert _rows(text) == [(None, None)]
    (tmp_path / "actors.csv").write_text(
        "actor,kind,aliases\nFrench contingent,coalition,French contingent; French\n", "utf-8"
    )
    assert _rows(text, tmp_path) == [("rumalyn", None)]
    shipped = "A base of the US-led coalition in Hasakah province was hit by a rocket on Monday."
    assert _rows(shipped) == [("rumalyn", None)]
    assert _rows(shipped, tmp_path) == [(None, None)]


def test_a_base_in_a_direction_of_a_known_city_is_measured_from_the_city_itself() -> None:
    # K-1 ("Kirkuk air base") lies some 11 km north-west of Kirkuk: a base told
    # north or north-west of the city is it, though Erbil too lies north of Kirkuk
    assert _rows("Rockets hit an Iraqi military base northwest of Kirkuk on Monday.") == [
        ("k1", None)
    ]
    assert _rows("Rockets hit a military base north of Kirkuk on Monday.") == [("k1", None)]
    # the airport lies west of Baghdad, not north: an airbase north of it is Balad
    assert _rows("Rockets hit an airbase north of Baghdad on Monday.") == [("balad", None)]


def test_a_places_file_with_a_bad_coordinate_is_refused_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "places.csv"
    path.write_text(
        "place,lat,lon,aliases\nKirkuk,35.47,44.39,\nNowhere,north,44,\nFar,91,44,\n", "utf-8"
    )
    with pytest.raises(InputError) as caught:
        load_places(path)
    bad_word, out_of_range = caught.value.problems
    assert bad_word.row == 3 and "'north'" in bad_word.message
    assert out_of_range.row == 4 and "lat 91.0" in out_of_range.message


def test_the_countries_their_middles_and_borders_are_data() -> None:
    """No rule names a country in code: the words for each, its middle ("southern
    Syria") and its borders ("the Syrian-Jordanian border") ship as lexicon files."""
    countries = {c.name: c for c in shipped_lexicons().countries}
    assert "syrian" in countries["Syria"].words and countries["Iran"].middle is None
    assert countries["Jordan"].middle == (31.3, 37.1)
    borders = shipped_lexicons().borders
    assert borders[frozenset({"Iraq", "Kuwait"})] == (
        (29.10, 46.55),
        (30.10, 47.90),
        (29.90, 48.40),
    )
    assert all(pair <= countries.keys() and len(line) >= 2 for pair, line in borders.items())


def test_a_countries_or_borders_file_with_a_bad_row_is_refused_naming_it(tmp_path: Path) -> None:
    bad, *others = _problems(
        load_countries,
        tmp_path / "countries.csv",
        "country,lat,lon,words\nSyria,34.8,39.0,syrian\nIran,,east,iran\n",
    )
    assert not others and (bad.row, bad.column) == (3, "lat") and "'east'" in bad.message
    unknown, alone, far = _problems(
        lambda path: load_borders(path, ("Syria", "Iran")),
        tmp_path / "borders.csv",
        "border,lat,lon\nSyria;Iran,33,38\nSyria;Iran,34,39\nSyria;Atlantis,33,38\nIran,1,2\n"
        "Syria;Iran,95,39\n",
    )
    assert (unknown.row, unknown.column) == (4, "border") and "'Syria;Atlantis'" in unknown.message
    assert alone.row == 5 and far.row == 6 and "lat 95.0" in far.message


def _problems(load: Callable[[Path], object], path: Path, text: str) -> list[Problem]:
    """The problems ``load`` reports in a file of this text."""
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    return list(caught.value.problems)


def test_a_group_named_by_its_brigade_alias_is_the_group_of_the_shipped_lexicon() -> None:
    text = (
        "The al-Warithin Brigade said it had launched three drones at the Tanf garrison on Monday."
    )
    assert _rows(text) == [("al_tanf", "Tashkil al-Waritheen")]


def test_whose_base_and_whose_strike_are_forces_named_in_data_not_code(tmp_path: Path) -> None:
    """The forces that make a base local or the coalition's, and the side whose strikes
    are replies, come from forces.csv; a word of capitals keeps its case ("US", not the
    pronoun "us"), and a bad role is refused naming its row."""
    forces = load_forces(
        Path(__file__).resolve().parents[1] / "src/defplan/extract/lexicons/forces.csv"
    )
    friendly = re.compile(forces.pattern("friendly"), re.IGNORECASE)
    assert friendly.fullmatch("U.S.") and friendly.fullmatch("Pentagon")
    assert not friendly.fullmatch("us")
    assert re.fullmatch(forces.pattern("local_owner"), "iraqi  army")
    path = tmp_path / "forces.csv"
    path.write_text("word,role\nPeshmerga,local_owner\nLegion,ally\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load_forces(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "role")]


def test_the_weapon_words_are_data_with_model_numbers_and_cased_words() -> None:
    """The class of a weapon word comes from weapon_words.csv: a model's number may follow
    its name, a space or hyphen is loose, an overlap goes to the class listed first, and
    a word kept in lower case ("shells") is not the company "Shell"."""
    from defplan.extract.mentions import weapon_in

    assert weapon_in("a Shahed-136 hit the base") == ("drone", 2)
    assert weapon_in("two 107mm projectiles") == ("rocket", 4)
    assert weapon_in("mortar shells fell") == ("mortar", 0)
    assert weapon_in("an RPG and grenades") == ("other", 3)
    assert weapon_in("Shell said its staff were safe") is None
