"""Extraction on article styles the seed articles do not show.

The articles in fixtures/unseen_articles are invented for these tests (wire copy, a
Pentagon statement, a dated log, an Iranian missile strike, a piece about air strikes
and a protest, totals and trends, attacks on towns, a site the theater does not know).
``expected.csv`` holds the rows a careful reader would extract from them.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from defplan.extract import ExtractedAttack, Extraction, extract, extract_text
from defplan.extract.counts import casualties_in, munitions_in
from defplan.extract.dates import MONTHS, find_dates
from defplan.scenario import Scenario
from defplan.workbook import load_scenario
from test_extract import in_words

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"
FOLDER = Path(__file__).resolve().parent / "fixtures" / "unseen_articles"
FIELDS = ("date_precision", "actor", "weapon", "munitions", "killed", "wounded")


@pytest.fixture(scope="module")
def theater() -> Scenario:
    return load_scenario(EXAMPLE)


@pytest.fixture(scope="module")
def extraction(theater: Scenario) -> Extraction:
    return extract(sorted(FOLDER.glob("*.txt")), theater)


def _expected() -> list[dict[str, str]]:
    with (FOLDER / "expected.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _key(article: str, base_id: str | None, date: str) -> tuple[str, str, str]:
    return (article, base_id or "", date)


_WRITTEN = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def _row_key(row: ExtractedAttack) -> tuple[str, str, str]:
    """A row's article, base and date as expected.csv writes them (a date at its precision)."""
    day = row.date.strftime(_WRITTEN[row.date_precision or "day"]) if row.date else ""
    return _key(row.article_file, row.base_id, day)


def _cell(row: ExtractedAttack, column: str) -> str:
    value = getattr(row, column)
    return "" if value is None else str(value)


EXPECTED = _expected()


@pytest.mark.parametrize(
    "expected",
    EXPECTED,
    ids=[f"{e['article_file']}:{e['base_id'] or 'unknown'}:{e['date']}" for e in EXPECTED],
)
def test_every_expected_attack_is_found_with_its_fields(
    extraction: Extraction, expected: dict[str, str]
) -> None:
    found = {_row_key(r): r for r in extraction.rows}
    key = _key(expected["article_file"], expected["base_id"], expected["date"])
    row = found.get(key)
    assert row is not None, f"{key} not extracted; got {sorted(found)}"
    got = {column: _cell(row, column) for column in FIELDS}
    want = {column: expected[column] for column in FIELDS}
    assert got == want


def test_no_row_is_extracted_that_a_reader_would_not_extract(extraction: Extraction) -> None:
    wanted = {_key(e["article_file"], e["base_id"], e["date"]) for e in EXPECTED}
    extra = [r for r in extraction.rows if _row_key(r) not in wanted]
    assert extra == []


def test_articles_about_towns_give_no_rows_but_a_note(extraction: Extraction) -> None:
    assert not [r for r in extraction.rows if r.article_file == "town_shelling.txt"]
    assert any(n.file == "town_shelling.txt" for n in extraction.notes)


def test_a_site_the_theater_does_not_know_is_kept_as_written(extraction: Extraction) -> None:
    unknown = [r for r in extraction.rows if r.base_id is None]
    assert [r.article_file for r in unknown] == ["unknown_site_hasakah.txt"]
    assert "Kharab al-Jir" in unknown[0].base


def test_every_row_s_span_is_a_sentence_of_its_article(extraction: Extraction) -> None:
    for row in extraction.rows:
        text = (FOLDER / row.article_file).read_text(encoding="utf-8")
        span = text[row.span_start : row.span_end]
        assert span.strip() and "\n" not in span, row


# -- properties: counts and dates written any of the usual ways ---------------------------


@given(
    st.integers(min_value=2, max_value=60),
    st.sampled_from(["rockets", "drones", "mortar rounds", "Katyusha rockets", "missiles"]),
    st.sampled_from(["", "about ", "at least ", "more than ", "some "]),
    st.booleans(),
)
def test_munitions_are_counted_however_the_number_is_written(
    n: int, head: str, hedge: str, spelled: bool
) -> None:
    number = in_words(n) if spelled else str(n)
    text = f"{hedge}{number} {head} struck the base"
    assert munitions_in(text[0].upper() + text[1:]) == n


@given(
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=1, max_value=40),
    st.sampled_from(["service members", "U.S. troops", "contractors", "soldiers"]),
)
def test_killed_and_wounded_are_told_apart(killed: int, wounded: int, people: str) -> None:
    told = casualties_in(f"killing {in_words(killed)} {people} and wounding {wounded} others")
    assert (told.killed, told.wounded) == (killed, wounded)


@given(st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2024, 12, 31)))
def test_a_day_written_in_any_common_style_resolves_to_itself(day: dt.date) -> None:
    published = day + dt.timedelta(days=20)
    month = MONTHS[day.month - 1]
    short = month[:3] + "." if len(month) > 5 else month
    styles = [
        f"on {month} {day.day}, {day.year}",
        f"on {day.day} {month} {day.year}",
        f"on {short} {day.day}",
        f"on {day.isoformat()}",
    ]
    for style in styles:
        found = find_dates(f"Rockets hit the base {style}.", published)
        assert [(d.day, d.precision) for d in found] == [(day, "day")], style


def test_a_log_entry_date_dates_the_attack_it_heads(theater: Scenario) -> None:
    found = extract_text(
        "Incidents: March 2: two rockets at Al-Tanf, no injuries; March 5: a drone at "
        "Conoco, shot down.",
        theater.bases,
        published=dt.date(2024, 3, 20),
    ).rows
    assert [(r.base_id, r.date) for r in found] == [
        ("al_tanf", dt.date(2024, 3, 2)),
        ("conoco", dt.date(2024, 3, 5)),
    ]


def test_a_lead_s_toll_goes_to_the_latest_attack_of_its_weapon_the_body_tells_bare(
    theater: Scenario,
) -> None:
    """The lead gives the toll and only the country; the body names the bases and days of
    three mortar attacks, one with its own casualties: the toll is the latest bare one's."""
    found = _rows(
        theater,
        dt.date(2023, 5, 15),
        "Commanders are pulling advisers back from several outposts after a deadly mortar "
        "attack in Syria that claimed the lives of two soldiers and a contractor.",
        "The decision was announced on Monday by a spokesman.",
        "In April, mortar rounds also fell on Conoco.",
        "Mortar rounds hit Al-Tanf on May 3, wounding one guard.",
        "The garrison at Al-Tanf was struck by six mortar rounds on May 9.",
    )
    told = {(r.base_id, r.date): (r.killed, r.wounded) for r in found}
    assert told[("al_tanf", dt.date(2023, 5, 9))] == (3, None)
    assert told[("al_tanf", dt.date(2023, 5, 3))] == (0, 1)
    assert told[("conoco", dt.date(2023, 4, 1))] == (None, None)


def test_a_claim_of_many_attacks_names_the_actor_of_the_one_it_singles_out(
    theater: Scenario,
) -> None:
    """A group that "has claimed dozens of attacks, including the Tuesday attack on X"
    made that attack, not the other one the article tells."""
    found = _rows(
        theater,
        dt.date(2023, 11, 12),
        "Two drones struck Al-Tanf on Friday, causing no casualties, officials said.",
        "A spokesman added that the garrison was assessing the damage.",
        "Three days before, a drone hit Conoco.",
        "No group has spoken of Friday's strike, but the Islamic Resistance in Iraq has "
        "claimed responsibility for dozens of attacks on American forces, including the "
        "Tuesday attack on Conoco.",
    )
    actors = {r.base_id: r.actor for r in found}
    assert actors == {"al_tanf": None, "conoco": "Islamic Resistance in Iraq"}


def test_a_group_that_said_it_targeted_a_base_is_its_attacker(theater: Scenario) -> None:
    found = _rows(
        theater,
        dt.date(2022, 2, 8),
        "Rockets fell on Al Asad Air Base on Sunday, a coalition officer said.",
        "Kataib Hezbollah said it targeted the base in reply to the arrests.",
    )
    assert [(r.base_id, r.actor) for r in found] == [("al_asad", "Kataib Hezbollah")]


def _rows(theater: Scenario, published: dt.date, *paragraphs: str) -> tuple[ExtractedAttack, ...]:
    """The rows of an article of ``paragraphs`` published on ``published``."""
    return extract_text("\n\n".join(paragraphs) + "\n", theater.bases, published=published).rows


def test_an_attack_counted_as_the_second_tells_the_earlier_one_apart(theater: Scenario) -> None:
    """ "It marked the second rocket attack this week"; "On Tuesday, ... there": the
    weekday sentence recalls the earlier attack (its own row, its own toll), and "the
    base" after it goes on with the article's attack."""
    found = _rows(
        theater,
        dt.date(2021, 6, 12),  # a Saturday
        "Two contractors were hurt when rockets struck Al Asad Air Base, officials said.",
        "It marked the second rocket attack this week against the base. On Tuesday, "
        "rockets wounded a soldier there.",
        "Officials later said that 12 rockets had been fired at the base.",
    )
    told = sorted((r.date, r.date_precision, r.munitions, r.wounded) for r in found)
    assert [r.base_id for r in found] == ["al_asad", "al_asad"]
    assert told == [
        (dt.date(2021, 6, 1), "month", 12, 2),
        (dt.date(2021, 6, 8), "day", None, 1),
    ]


def test_the_projectiles_of_the_next_sentence_give_the_lead_s_attack_its_site_and_weekday(
    theater: Scenario,
) -> None:
    """The lead says only "an airport" in the north; the next sentence retells the
    volley as "the projectiles", names the city's airport and says "late Monday"."""
    found = _rows(
        theater,
        dt.date(2022, 5, 11),  # a Wednesday
        "Officials say a contractor was killed when several rockets struck outside an "
        "airport near where coalition troops are based in northern Iraq.",
        "The projectiles landed between Erbil International Airport and the "
        "nearby base late Monday.",
    )
    assert [(r.base_id, r.date, r.weapon, r.killed) for r in found] == [
        ("erbil", dt.date(2022, 5, 9), "rocket", 1)
    ]


def test_a_drone_aimed_at_a_minister_s_home_is_no_attack_on_a_base(theater: Scenario) -> None:
    """A report of rockets at the embassy recalls that a governor was targeted with a
    drone at his residence in the same zone: one row, the embassy's."""
    found = _rows(
        theater,
        dt.date(2022, 1, 10),
        "Two rockets were fired at the US embassy in Baghdad on Sunday; nobody was hurt.",
        "Last month, the provincial governor was himself targeted when a drone hit his "
        "official residence near the embassy.",
    )
    assert [(r.base_id, r.weapon) for r in found] == [("embassy", "rocket")]


@pytest.mark.parametrize(
    "background",
    [
        "The tension dates back to a drone strike near the Baghdad airport that killed a "
        "senior Iranian general on 3 January 2020.",
        "Washington's killing of the militia commander beside the airport road in "
        "January 2020 set off the first wave of reprisals.",
        "Ever since the assassination of a top Quds Force general outside Baghdad "
        "International Airport, the camps have braced for revenge.",
    ],
)
def test_a_strike_that_killed_a_commander_near_a_base_is_no_attack_on_it(
    theater: Scenario, background: str
) -> None:
    """Background paragraphs recall the strike that killed a commander "near the
    Baghdad airport": a targeted killing of a person, told with the airport as its
    place, is not an attack on the base there (it gave a biap row dated that day)."""
    found = _rows(
        theater,
        dt.date(2024, 1, 30),
        "Rockets hit Ain al-Asad air base on Monday, officials said, without injuries.",
        "Photo: a guard tower at the base. (File)",
        background,
    )
    assert [(r.base_id, r.date) for r in found] == [("al_asad", dt.date(2024, 1, 29))]


def test_an_attack_told_before_the_killing_it_followed_is_still_an_attack(
    theater: Scenario,
) -> None:
    """ "X was hit by missiles ... in the standoff that followed the killing of a
    commander": the clause's attack comes before its cue, so the killing named after
    it does not make the clause a targeted killing."""
    found = _rows(
        theater,
        dt.date(2020, 3, 12),
        "Camp Taji was also struck by Iranian missiles in January, in the standoff that "
        "followed the killing of a Quds Force commander by an American drone.",
    )
    assert [(r.base_id, r.weapon) for r in found] == [("taji", "ballistic_missile")]


def test_a_rocket_that_killed_people_while_a_commander_spoke_is_still_an_attack(
    theater: Scenario,
) -> None:
    """The title words of a targeted killing must not drop an ordinary attack whose
    casualties a commander reports."""
    found = _rows(
        theater,
        dt.date(2021, 3, 4),
        "A rocket attack on Camp Taji on Wednesday killed two soldiers, the base commander said.",
    )
    assert [(r.base_id, r.killed) for r in found] == [("taji", 2)]


def test_the_dead_of_a_reply_are_not_the_toll_of_the_attack_told_after_it(
    theater: Scenario,
) -> None:
    """ "The US struck back, killing five fighters, a day after drones hit X": the five
    are the air strike's, the drone attack told no toll."""
    found = _rows(
        theater,
        dt.date(2023, 8, 20),
        "The US struck back at the militias on Friday, killing five fighters near the "
        "border, a day after drones hit Al-Tanf.",
    )
    assert [(r.base_id, r.killed) for r in found] == [("al_tanf", None)]
