"""Who attacked: an actor is the attacker only in an attacker's role toward the attack.

Invented articles in our own words, with the noise of news pages (headlines, captions,
"Advertisement", background paragraphs), put a named actor at a distance from the attack
in a role that is not the attacker's: what a reply hit, a campaign's enemy, the source of
another threat, a sponsor in a descriptor, one accused, a group claiming a share of many
attacks. Each is docs/extraction.md's catalogue row 100 and after.
"""

from __future__ import annotations

import datetime as dt

import pytest

from defplan.extract import ExtractedAttack
from defplan.extract.roles import role_of
from defplan.scenario import Scenario
from defplan.workbook import load_scenario
from test_extract_vocabulary import EXAMPLE, rows_of

THURSDAY = dt.date(2024, 2, 1)


@pytest.fixture(scope="module")
def theater() -> Scenario:
    return load_scenario(EXAMPLE)


def _rows(theater: Scenario, *paragraphs: str) -> tuple[ExtractedAttack, ...]:
    return rows_of(theater, THURSDAY, *paragraphs)


def _actors(rows: tuple[ExtractedAttack, ...]) -> list[tuple[str | None, str | None]]:
    return sorted((r.base_id, r.actor) for r in rows)


def _role(text: str, name: str) -> str | None:
    start = text.index(name)
    return role_of(text, start, start + len(name))


# -- a reply's sentence: what it hit, and what it only names ------------------------------


def test_the_enemy_a_coalition_is_named_for_is_not_the_attacker(theater: Scenario) -> None:
    """ "jets of the coalition to fight Daesh flew over the area" two sentences after the
    attack is no reply aimed at Daesh: the attack keeps the claim told before it."""
    found = _rows(
        theater,
        "Drones target US base in Hasakah",
        "Photo: A convoy near Rmeilan in an earlier year. (Name/Agency)",
        "The Islamic Resistance in Iraq said it launched drones at the Rmeilan base on Wednesday.",
        "Advertisement",
        "Two blasts were heard at the base, a monitor said. Some of the drones were downed, "
        "and warplanes of the international coalition to fight Daesh flew over the area.",
    )
    assert _actors(found) == [("rumalyn", "Islamic Resistance in Iraq")]


def test_a_threat_posed_by_a_group_far_away_names_no_attacker(theater: Scenario) -> None:
    """The reply's sentence lists why the strikes came: the attacks on troops, and the
    threat to shipping "posed by" a group of another theater. That group is not what
    answered the attack at Tower 22."""
    found = _rows(
        theater,
        "Three soldiers killed at desert outpost",
        "A one-way drone struck Tower 22 in Jordan on Sunday, killing three soldiers.",
        "The outpost sits where three borders meet. Its troops advise partner forces.",
        "Washington has launched strikes in three countries in recent weeks, in response "
        "to the attacks on its forces and to counter the threats to shipping posed by "
        "Houthi rebels.",
    )
    assert _actors(found) == [("tower_22", None)]


def test_a_reply_that_names_another_year_answers_no_attack_of_this_one(
    theater: Scenario,
) -> None:
    """A background paragraph recalls "the 2020 U.S. drone strike" that killed a
    militia's commander: it is the reply to no attack of 2024, so the drones downed at
    Ain al-Asad on Tuesday keep no attacker."""
    found = _rows(
        theater,
        "Drones downed near western air base",
        "Two drones were shot down as they approached Ain al-Asad air base on Tuesday.",
        "The 2020 U.S. drone strike at the capital's airport killed a deputy commander "
        "of the militia Kataib Hezbollah.",
    )
    assert _actors(found) == [("al_asad", None)]


def test_a_reply_of_the_attack_s_own_time_still_names_its_attacker(theater: Scenario) -> None:
    """The same reply told without another year is the answer to the attack."""
    found = _rows(
        theater,
        "Two drones were shot down as they approached Ain al-Asad air base on Tuesday.",
        "Hours later, U.S. jets struck sites of the militia Kataib Hezbollah.",
    )
    assert _actors(found) == [("al_asad", "Kataib Hezbollah")]


# -- descriptors, accusations and shares of many ------------------------------------------


@pytest.mark.parametrize("tie", ["connected to", "tied to", "loyal to", "close to", "allied to"])
def test_a_sponsor_in_any_descriptor_is_not_the_attacker(theater: Scenario, tie: str) -> None:
    """ "a militia connected to Iran fired", "... tied to Iran ...": the state is the
    descriptor's sponsor, whatever the word that ties them."""
    found = _rows(
        theater,
        "Rockets fall on Iraqi airbase",
        f"A militia {tie} Iran fired three rockets at Ain al-Asad air base on Monday, an "
        "official said. No one was hurt.",
    )
    assert _actors(found) == [("al_asad", None)]


def test_a_state_that_supplies_or_uses_drones_in_general_is_not_this_attack_s_agent(
    theater: Scenario,
) -> None:
    """A headline's general claim, "Iran uses drones to threaten US forces", and a
    supplier ("Iran supplied the drones") name the state as the arms' source, not as
    the one that launched the drones at the Tanf garrison last week."""
    found = _rows(
        theater,
        "Iran uses drones to threaten US forces in Syria.",
        "Several drones attacked the US garrison at Al-Tanf last week, officials said.",
        "Officials said Iran supplied the drones. Two were shot down.",
    )
    assert _actors(found) == [("al_tanf", None)]


def test_a_compound_cut_short_where_the_excerpt_ends_names_no_attacker(
    theater: Scenario,
) -> None:
    """An excerpt cut mid-word, "likely strikes by Iranian-", leaves a descriptor
    without its head: Iran is not the agent."""
    found = _rows(
        theater,
        "Two rockets were fired at the US Embassy in Baghdad on Saturday, officials said.",
        "Video: rockets fired at the embassy. Rockets were fired at the embassy a fortnight "
        "after the US warned of likely strikes by Iranian-",
    )
    assert _actors(found) == [("embassy", None)]


def test_a_group_accused_in_passing_is_not_the_attacker(theater: Scenario) -> None:
    """ "Regional leaders accused the PMF of being behind the attack" is an accusation,
    declined as the catalogue's row 8 says, even for a group the lexicon knows."""
    found = _rows(
        theater,
        "Rockets fell near the Erbil airport base on Monday, a spokesman said.",
        "Regional leaders accused the PMF of being behind the attack.",
    )
    assert _actors(found) == [("erbil", None)]


def test_a_claim_of_most_of_the_attacks_is_not_this_attack_s_claim(theater: Scenario) -> None:
    """ "claimed responsibility for the bulk of" these operations counts a share of
    many attacks since October: it names no attacker of this one."""
    found = _rows(
        theater,
        "Barrage hits US base in Deir Ezzor",
        "Rockets and drones targeted the Conoco gas field base before dawn on Sunday.",
        "Forces in the region have been targeted dozens of times since October.",
        "The Islamic Resistance in Iraq has claimed responsibility for the bulk of those "
        "operations.",
    )
    assert _actors(found) == [("conoco", None)]


def test_a_group_that_carried_out_the_attack_by_another_spelling_is_the_attacker(
    theater: Scenario,
) -> None:
    """The regional ministry is sure that the rocket fire "was carried out by" the
    Popular Mobilisation Units (PMU): the group of the shipped lexicon, under its British
    spelling."""
    found = _rows(
        theater,
        "Six rockets landed near the Erbil airport base last night, officials said.",
        "The interior ministry is sure that the rocket fire was carried out by the Popular "
        "Mobilisation Units (PMU).",
    )
    assert _actors(found) == [("erbil", "Popular Mobilization Forces")]


def _far_claim(theater: Scenario, claim: str, *more: str) -> list[tuple[str | None, str | None]]:
    """An article about one drone strike, its claim told five sentences later."""
    return _actors(
        _rows(
            theater,
            "Drone kills two at border outpost",
            "A drone struck Tower 22 in Jordan overnight on Sunday, killing two soldiers and "
            "wounding nine, officials said.",
            *more,
            "The outpost is small. It sits near two borders. Its air defences did not stop "
            "the drone, an official said.",
            "Advertisement",
            "Officials have been careful in public. The president promised a response.",
            claim,
        )
    )


def test_a_bare_claim_told_far_from_the_article_s_one_attack_is_of_that_attack(
    theater: Scenario,
) -> None:
    """ "An official said the Islamic Resistance in Iraq, a group that includes Kataib
    Hezbollah, claimed responsibility." with no object, sentences after the only attack
    the article tells: that attack's claim, as "claimed the attack" would be."""
    claim = (
        "A senior official said the Islamic Resistance in Iraq, an umbrella that includes "
        "Kataib Hezbollah, claimed responsibility."
    )
    assert _far_claim(theater, claim) == [("tower_22", "Islamic Resistance in Iraq")]


def test_a_far_claim_of_many_attacks_or_beside_two_attacks_is_of_neither(
    theater: Scenario,
) -> None:
    """A claim "for dozens of attacks since October" names no one attack; a bare claim
    far from two attacks cannot say which it is."""
    many = "The Islamic Resistance in Iraq has claimed responsibility for dozens of attacks."
    assert _far_claim(theater, many) == [("tower_22", None)]
    second = "Two rockets hit Ain al-Asad air base on Saturday, officials said."
    bare = "The Islamic Resistance in Iraq claimed responsibility."
    assert _far_claim(theater, bare, second) == [("al_asad", None), ("tower_22", None)]


@pytest.mark.parametrize(
    ("claim", "claimed"),
    [
        ("claimed responsibility for the attack on that base", ["harir"]),
        ("claimed responsibility for the attacks", ["al_asad", "harir"]),
    ],
)
def test_a_claim_of_one_attack_beside_two_is_of_the_one_told_last(
    theater: Scenario, claim: str, claimed: list[str]
) -> None:
    """Drones at Ain al-Asad and at Harir in one sentence, then a sentence on the Harir
    drone alone, then "X claimed responsibility for the attack on that base": the
    claim of one attack is of the one told last; a claim of "the attacks" of both."""
    found = _rows(
        theater,
        "Drones target two bases",
        "Photo: A runway in western Iraq. (Name/Agency)",
        "Two drones targeted Ain al-Asad air base and Harir air base on Wednesday, officials said.",
        "The drone aimed at Harir was shot down but exploded near the fence, lightly "
        "wounding two troops.",
        f"Tashkil al-Waritheen, a militia backed by Iran, {claim}.",
    )
    assert sorted(r.base_id or "" for r in found if r.actor == "Tashkil al-Waritheen") == claimed


# -- the role decision itself -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("US jets struck Kataib Hezbollah positions", "Kataib", "target"),
        ("the base was struck by Kataib Hezbollah", "Kataib", None),
        ("the camp was also hit by Iranian missiles", "Iranian", None),
        ("the base was struck overnight by Kataib Hezbollah drones", "Kataib", None),
        ("the camp was hit on Sunday by Kataib Hezbollah rockets", "Kataib", None),
        ("the base was targeted on Sunday night by Kataib Hezbollah", "Kataib", None),
        ("the campaign against ISIS goes on", "ISIS", "opposed"),
        ("the coalition to combat ISIS", "ISIS", "opposed"),
        ("fighters affiliated with Iran", "Iran", "sponsor"),
        ("Iran-backed fighters", "Iran", "sponsor"),
        ("Iran's proxies fired", "Iran", "sponsor"),
        ("Iran supplied the drones that struck", "Iran", "sponsor"),
        ("Iran uses drones to threaten US forces", "Iran", "sponsor"),
        ("talks with Iran stalled", "Iran", "relation"),
        ("officials accused Iran of", "Iran", "accused"),
        ("threats to shipping posed by the Houthis", "Houthis", "threat"),
        ("Kataib Hezbollah, in a statement, denied any role", "Kataib", "denier"),
        ("Kataib Hezbollah denounced the arrests and on Sunday fired rockets", "Kataib", None),
        ("Kataib Hezbollah praised its men and later launched a drone", "Kataib", None),
        ("Kataib Hezbollah denied any role and said others fired rockets", "Kataib", "denier"),
        ("On Sunday Kataib Hezbollah fired", "Kataib", None),
    ],
)
def test_a_name_s_role_comes_from_the_words_around_it(
    text: str, name: str, role: str | None
) -> None:
    assert _role(text, name) == role


# -- the subject told before an aside -----------------------------------------------------


@pytest.mark.parametrize(
    "aside",
    [
        "an armed faction that answers to Tehran",
        "which has thousands of fighters",
        "listed by Washington as a terrorist group",
    ],
)
def test_a_group_named_before_an_aside_is_the_attacker_of_the_verb_after_it(
    theater: Scenario, aside: str
) -> None:
    """ "X, <an aside>, fired rockets at ...": the commas of the aside leave the name in a
    clause of its own, yet it is the subject of the attack verb that follows."""
    found = _rows(
        theater,
        "Rockets hit base in western Iraq",
        "Photo: Smoke over a runway. (Name/Agency)",
        f"Kataib Hezbollah, {aside}, fired three rockets at Ain al-Asad air base on "
        "Saturday, officials said.",
        "Advertisement",
    )
    assert _actors(found) == [("al_asad", "Kataib Hezbollah")]


@pytest.mark.parametrize(
    "denial",
    [
        "but denied any role in a rocket attack on Erbil airport the same day",
        "while saying it had nothing to do with the rockets that hit Erbil airport",
    ],
)
def test_a_claimant_is_not_the_attacker_of_the_attack_it_denies_in_the_same_sentence(
    theater: Scenario, denial: str
) -> None:
    """One sentence claims one attack and denies another: the claim is of the first only
    (the denied attack had taken the claimant as its attacker)."""
    found = _rows(
        theater,
        "Group claims drone strike",
        f"Kataib Hezbollah claimed the drone attack on Harir air base on Wednesday, {denial}.",
        "Advertisement",
    )
    assert _actors(found) == [("erbil", None), ("harir", "Kataib Hezbollah")]
