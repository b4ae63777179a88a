"""Whether a clause tells an attack on a base, at the margins (extract/mentions.py).

Own-words articles with the noise of real copy: a site told as not hit ("K1 was not
one of them"), a background strike on "two bases" that names none and tells nothing of
it, the friendly side as the object of "against" ("a drone launched against U.S. and
Coalition forces struck the garrison"), next to attacks that are real.
"""

from __future__ import annotations

import datetime as dt

import pytest

from defplan.extract import ExtractedAttack, extract_articles
from defplan.extract.articles import Article
from defplan.scenario import Scenario
from defplan.workbook import load_scenario
from test_extract_unseen import EXAMPLE


@pytest.fixture(scope="module")
def theater() -> Scenario:
    return load_scenario(EXAMPLE)


def _rows(theater: Scenario, text: str, published: dt.date) -> list[ExtractedAttack]:
    article = Article(file="clause.txt", text=text, published=published)
    return list(extract_articles([article], theater.bases).rows)


NEGATED_AND_UNSITED = "\n\n".join(
    [
        "Rockets land at air base near Kirkuk",
        "Two rockets landed inside K-1 air base near Kirkuk late on Thursday.",
        "Nobody was hurt, officials said.",
        "Read more: Oil prices steady as talks resume",
        (
            "On January 8 a state answered the killing of its general with ballistic "
            "missiles fired at two US bases in Iraq; K1 was not among the bases hit."
        ),
        (
            "Officials recalled that missiles from the same state later struck two "
            "unnamed bases where American soldiers lived."
        ),
    ]
)


def test_a_site_told_as_not_hit_and_bases_told_only_by_number_give_no_rows(
    theater: Scenario,
) -> None:
    rows = _rows(theater, NEGATED_AND_UNSITED, dt.date(2020, 2, 14))
    assert [(r.base_id, r.weapon, r.munitions, r.killed, r.wounded) for r in rows] == [
        ("k1", "rocket", 2, 0, 0)
    ]


UNSITED_WITH_TOLL = "\n\n".join(
    [
        (
            "On January 8 a state fired ballistic missiles at two bases in Iraq; over a "
            "hundred troops were later treated for concussions."
        ),
        "Officials said the strikes were a reply to the killing of a general.",
    ]
)


def test_bases_told_only_by_number_with_a_toll_still_give_a_row(theater: Scenario) -> None:
    (row,) = _rows(theater, UNSITED_WITH_TOLL, dt.date(2020, 3, 1))
    assert (row.base_id, row.weapon, row.wounded) == (None, "ballistic_missile", 100)


AGAINST_FRIENDLY_FORCES = "\n\n".join(
    [
        "Crisis tracker: week in review",
        "Washington / 1 November 2023",
        (
            "A US official said an explosive drone sent against U.S. and Coalition forces "
            "hit the al-Tanf garrison in Syria on Wednesday."
        ),
        "Subscribe to our email updates",
        "Coalition jets struck militia depots near the border the next day.",
    ]
)


def test_the_friendly_side_as_the_object_of_against_is_no_reply(theater: Scenario) -> None:
    rows = _rows(theater, AGAINST_FRIENDLY_FORCES, dt.date(2023, 11, 1))
    assert [(r.base_id, r.weapon, r.munitions, r.date) for r in rows] == [
        ("al_tanf", "drone", 1, dt.date(2023, 11, 1))
    ]


LISTED_TARGET = "\n\n".join(
    [
        "Drone hits Erbil airport base",
        "A drone struck the coalition base at Erbil airport on Monday, officials said.",
        "Photo: a checkpoint on the airport road (Agency)",
        (
            "In March 2022, Kataib Hezbollah targeted two air bases in the north, among "
            "them the Harir air base, a monitor recalled."
        ),
    ]
)


def test_one_base_named_among_several_an_attacker_targeted_is_an_attack(
    theater: Scenario,
) -> None:
    rows = {r.base_id: r for r in _rows(theater, LISTED_TARGET, dt.date(2023, 10, 24))}
    assert set(rows) == {"erbil", "harir"}
    assert (rows["harir"].actor, rows["harir"].date_precision) == ("Kataib Hezbollah", "month")
    assert rows["erbil"].actor is None


BASE_NAMED_BEFORE = "\n\n".join(
    [
        "Coalition to leave western airbase by next year",
        "Officials expect foreign troops to leave the region by the end of next year.",
        (
            "Troops moved out of several facilities over the years. Only the Assad base "
            "kept a foreign garrison."
        ),
        "In 2020 Iran hit the base with ballistic missiles to avenge a general.",
        "Members of the security forces stand guard at a border post. (Agency via Images)",
    ]
)


def test_the_base_after_a_sentence_that_only_names_a_base_is_that_base(
    theater: Scenario,
) -> None:
    (row,) = _rows(theater, BASE_NAMED_BEFORE, dt.date(2025, 9, 3))
    assert (row.base_id, row.actor, row.weapon, row.date_precision) == (
        "al_asad",
        "Iran",
        "ballistic_missile",
        "year",
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "Rockets hit Ain al-Asad on Saturday after US forces struck a weapons depot in Syria.",
        "The Islamic Resistance in Iraq said it targeted Ain al-Asad with drones on Saturday "
        "in response to US strikes on its positions.",
    ],
)
def test_an_attack_on_a_named_base_told_before_the_strike_it_answers_is_kept(
    theater: Scenario, sentence: str
) -> None:
    """An attack on a base told by its name, then its reason, a friendly strike ("after
    US forces struck ...", "in response to US strikes"): the attack is kept (the whole
    sentence had been read as a reply, because only a site noun such as 'base' told the
    attack apart from its reason)."""
    text = "\n\n".join(
        [
            "Militia answers strikes",
            "Photo: A convoy on a desert road. (Name/Agency)",
            sentence,
            "Advertisement",
        ]
    )
    found = _rows(theater, text + "\n", dt.date(2024, 2, 5))
    assert [(r.base_id, r.date) for r in found] == [("al_asad", dt.date(2024, 2, 3))]


@pytest.mark.parametrize(
    ("sentence", "told"),
    [
        (
            "Kataib Hezbollah condemned the US strikes and on Saturday fired three rockets "
            "at Ain al-Asad.",
            [("al_asad", "rocket")],
        ),
        (
            "The militia denounced American airstrikes and later launched two drones at "
            "Harir air base on Saturday.",
            [("harir", "drone")],
        ),
        # the other side is the subject: its own fire is still the reply
        (
            "US jets struck militia depots near Qaim and then fired missiles at a base used "
            "by the group on Saturday.",
            [],
        ),
    ],
)
def test_a_group_that_speaks_of_the_other_side_s_strikes_and_then_fires_attacks(
    theater: Scenario, sentence: str, told: list[tuple[str, str]]
) -> None:
    """Words on the other side's strikes ("condemned the US strikes") made the whole
    clause a reply, so the group's own fire told after "and" was lost: the clause is cut
    where its subject goes on to fire, unless that subject is the other side."""
    text = "\n\n".join(["Militia fires on base", sentence, "Advertisement"])
    found = _rows(theater, text + "\n", dt.date(2024, 2, 5))
    assert [(r.base_id, r.weapon) for r in found] == told
