"""The mechanisms of extraction on paraphrases: the phenomena of the catalogue in
docs/extraction.md told with other verbs, other event nouns, other syntax and other
outlets' noise than the articles each mechanism was built on.

Each test is an invented article that failed before its mechanism was generalised;
the docstring names the phenomenon and what the first wording of it was.
"""

from __future__ import annotations

import datetime as dt

import pytest

from defplan.extract import ExtractedAttack
from defplan.extract.counts import casualties_in
from defplan.extract.roles import role_of
from defplan.scenario import Scenario
from test_extract_dates_in_copy import _rows, theater

__all__ = ["theater"]  # the module's fixture, shared with the dates-in-copy tests


def _actors(rows: tuple[ExtractedAttack, ...]) -> dict[str | None, str | None]:
    return {r.base_id: r.actor for r in rows}


# -- a volley told without its sites lends its actor, as it lends its date -------------


def test_a_volley_lends_its_actor_to_the_sites_told_paragraphs_later(theater: Scenario) -> None:
    """The lead says who fired ("Iran launched a wave of ballistic missiles at American
    troops in Iraq") and names no site; the next paragraphs say where "the missiles" and
    "another missile" came down. Each site is the volley's, so each is Iran's, as the
    volley's day is theirs (it was built on a lead with over a dozen ballistic
    missiles at two unnamed bases)."""
    found = _rows(
        theater,
        dt.date(2020, 1, 9),
        "TEHRAN/BAGHDAD (Wire) - Iran launched a wave of ballistic missiles at American "
        "troops in Iraq before dawn on Wednesday, its state television said.",
        "Advertisement",
        "Most of the missiles slammed into the Ain al-Asad air base in Anbar.",
        "(Photo: a hangar at a base in western Iraq, in a file picture)",
        "Kurdish officials said a further missile came down near Erbil airport.",
    )
    assert _actors(found) == {"al_asad": "Iran", "erbil": "Iran"}


def test_a_volley_lends_no_actor_once_the_story_has_moved_to_another_time(
    theater: Scenario,
) -> None:
    """The same lead, then a paragraph that dates another attack to another year, then
    missiles at Erbil: the volley's actor does not reach past the change of time."""
    found = _rows(
        theater,
        dt.date(2021, 9, 12),
        "Iran launched a wave of ballistic missiles at American troops in Iraq in January 2020.",
        "In September 2021, rockets were fired at the Balad air base.",
        "Ballistic missiles were later fired at Erbil airport.",
    )
    assert _actors(found).get("erbil") is None


def test_a_volley_lends_no_actor_to_an_attack_told_as_another(theater: Scenario) -> None:
    """The same lead, then missiles at the Ain al-Asad base, then "In a separate
    incident" a missile at Harir: the volley's parts end where an attack is told as
    another, so Harir has no attacker."""
    found = _rows(
        theater,
        dt.date(2020, 1, 9),
        "Iran launched a wave of ballistic missiles at American troops in Iraq before "
        "dawn on Wednesday.",
        "Most of the missiles slammed into the Ain al-Asad air base in Anbar.",
        "In a separate incident, a ballistic missile hit the Harir base on Wednesday.",
    )
    assert _actors(found) == {"al_asad": "Iran", "harir": None}


# -- a group that took a stance on the attack without claiming it ---------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Kataib Hezbollah said it had nothing to do with the barrage.",
        "The leader of Asaib Ahl al-Haq called the attack suspicious and urged calm.",
        "Harakat al-Nujaba, in a short statement, hailed the operation.",
        "Kataib Hezbollah insisted it played no part in the shelling.",
        "Asaib Ahl al-Haq dismissed the accusations as lies.",
        "Kataib Sayyid al-Shuhada denounced the strike as a plot against Iraq.",
    ],
)
def test_a_group_that_judged_or_disowned_the_attack_is_not_its_attacker(sentence: str) -> None:
    """The denier role was built on "denied", "condemned" and "rejected"; in other
    words a group disowns an attack ("nothing to do with", "no part in"), judges it
    ("called the attack suspicious", "denounced") or praises it without claiming it
    ("hailed the operation"). Each is a stance on the attack, not its authorship."""
    name = next(n for n in _GROUPS if n in sentence)
    start = sentence.index(name)
    assert role_of(sentence, start, start + len(name)) == "denier"


_GROUPS = (
    "Kataib Hezbollah",
    "Asaib Ahl al-Haq",
    "Harakat al-Nujaba",
    "Kataib Sayyid al-Shuhada",
)


def test_a_disowning_group_told_after_the_attack_is_not_its_attacker(
    theater: Scenario,
) -> None:
    """Rockets at the base, an "Advertisement" line, then a group that "said it had
    nothing to do with the barrage" while the government vowed to find the culprits:
    the attack has no attacker."""
    found = _rows(
        theater,
        dt.date(2021, 3, 5),
        "Rockets hit the Ain al-Asad air base on Wednesday, the coalition said.",
        "Advertisement",
        "Kataib Hezbollah said it had nothing to do with the barrage, while the Iraqi "
        "government vowed to find those responsible.",
    )
    assert _actors(found) == {"al_asad": None}


# -- a base described in other grammar ---------------------------------------------------


@pytest.mark.parametrize(
    ("site", "base_id"),
    [
        # the country that owns the place, as a possessive
        ("an air base in Iraq's western Anbar province that hosts US-led forces", "al_asad"),
        ("an airbase in Syria's Hasakah province", "rumalyn"),
        # the land a place names: "the countryside of", "the desert of"
        ("a coalition base in the countryside of Hasakah", "rumalyn"),
        # a site with a name of its own the theater does not know, in a region: not the
        # region's base; at a base's own name it is that base
        ("the Kharab al-Jir base in the countryside of Hasakah", None),
        ("the Kharab al-Jir base in Rumailan", "rumalyn"),
    ],
)
def test_a_base_described_in_other_grammar(
    theater: Scenario, site: str, base_id: str | None
) -> None:
    """Descriptions were read as "a base in western Anbar"; news also writes the
    country as a possessive ("in Iraq's western Anbar province") and the land as a
    noun ("in the countryside of Hasakah")."""
    found = _rows(
        theater,
        dt.date(2023, 12, 28),
        f"Two drones struck {site} on Wednesday, a monitoring group said.",
        "Advertisement",
    )
    assert [r.base_id for r in found] == [base_id]


# -- casualties told in other constructions ----------------------------------------------


@pytest.mark.parametrize(
    ("clause", "killed", "wounded"),
    [
        # the people told as part of the dead or the wounded, in either order
        ("Among the dead was an American civilian contractor", 1, None),
        ("four US troops and two Iraqi personnel were among the wounded", None, 6),
        ("Among the dead was a contractor; three soldiers were among the injured", 1, 3),
        # an ordinal told after others is one more person, a fraction is no count
        ("claimed the lives of two Iraqi soldiers and left a third with serious wounds", 2, 1),
        ("a third of the troops were wounded", None, None),
        ("a second drone was shot down", None, None),
        # where the people were, by a name rather than "the ...": still counted
        ("Two of our people at Asad are being treated for shrapnel wounds", None, 2),
        # ... or by an adverb (written after the fixes above, not tuned on)
        ("Three civilians inside were hurt, one of them seriously, police said", None, 3),
        ("two guards nearby were killed", 2, None),
    ],
)
def test_casualties_told_in_other_constructions(
    clause: str, killed: int | None, wounded: int | None
) -> None:
    """The count readers were built on "the injured included two Americans", "left 110
    troops with brain injuries" and "two soldiers guarding the gate were wounded"; news
    also writes "among the dead was ...", "... were among the wounded", "left a third with
    serious wounds" and "people at Asad"."""
    told = casualties_in(clause)
    assert (told.killed, told.wounded) == (killed, wounded)


_TOLL_AS_PARTS = (
    "Over 30 rockets hit the K1 base near Kirkuk on Friday.",
    "(Photo: the gate of a base in Kirkuk province, in a file picture)",
    "Among the dead was an American civilian contractor; four US troops and two Iraqi "
    "personnel were among the wounded.",
)


def test_a_toll_told_as_part_of_the_dead_and_wounded_joins_its_attack(theater: Scenario) -> None:
    """The rockets in the lead, a caption, then the toll as parts of the dead and of the
    wounded in the next paragraph."""
    found = _rows(theater, dt.date(2019, 12, 28), *_TOLL_AS_PARTS)
    assert [(r.base_id, r.killed, r.wounded) for r in found] == [("k1", 1, 6)]


# -- a list of bases told across the commas of one sentence ------------------------------


@pytest.mark.parametrize(
    ("sentence", "bases"),
    [
        # the weapon told once at the end of the list, the first base left by a comma
        (
            "The Islamic Resistance in Iraq said on Monday that it had hit the Harir "
            "airbase, the Erbil air base and the al-Asad airbase with drones.",
            ["al_asad", "erbil", "harir"],
        ),
        # the list goes on after a comma with "as well as"
        (
            "Kataib Hezbollah said in a statement on Monday that its drones had reached the "
            "al-Harir base and Ain al-Asad, as well as the Conoco field in Syria.",
            ["al_asad", "conoco", "harir"],
        ),
    ],
)
def test_every_base_of_a_list_told_across_commas_is_attacked_with_its_weapon(
    theater: Scenario, sentence: str, bases: list[str]
) -> None:
    """The list reading was built on "struck Ain al-Asad air base, Harir air base and
    the Conoco base with drones"; news also opens the list in a clause with its own verb
    and ends it with the weapon, or goes on after a comma with "as well as"."""
    found = _rows(theater, dt.date(2023, 12, 26), sentence, "Advertisement")
    assert sorted((r.base_id or "", r.weapon) for r in found) == [(b, "drone") for b in bases]


# -- an approximate date is no day ---------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "month"),
    [("Earlier in the month", "2023-11-01"), ("Late in the month", "2023-11-01")],
)
def test_a_period_told_as_part_of_the_month_gives_the_month_not_a_neighbour_s_day(
    theater: Scenario, words: str, month: str
) -> None:
    """The month's parts were read as "earlier this month"; news also writes "earlier
    in the month". The recalled attack at the same base gets that month and stays apart
    from the one of Thursday told just before (it had taken Thursday's day)."""
    found = _rows(
        theater,
        dt.date(2023, 11, 24),
        "A drone struck the Harir base on Thursday, the coalition said.",
        "Advertisement",
        f"{words}, rockets were fired at the Harir base.",
    )
    told = sorted((r.date.isoformat() if r.date else "", r.date_precision, r.weapon) for r in found)
    assert told == [(month, "month", "rocket"), ("2023-11-23", "day", "drone")]


# -- a quote's relative days are the speaker's --------------------------------------------


@pytest.mark.parametrize(
    ("quote", "said"),
    [
        ('"Yesterday\'s attack on Ain al-Asad shows the militias are escalating,"', "wrote"),
        ('"Rockets hit Ain al-Asad last night and caused only light damage,"', "told reporters"),
    ],
)
def test_a_quote_s_yesterday_is_the_day_before_it_was_said(
    theater: Scenario, quote: str, said: str
) -> None:
    """The catalogue's quote said "today" on another day than publication; a quote also
    says "yesterday" or "last night", said on a day the sentence names ("the spokesman
    wrote on Thursday"). Read against that day it is the attack the next sentence dates,
    one row (it had been a second row a day late)."""
    found = _rows(
        theater,
        dt.date(2021, 7, 9),
        f"{quote} the coalition spokesman {said} on Thursday.",
        "(Photo: a watchtower at a base in Anbar, in a file picture)",
        "Fourteen rockets hit the Ain al-Asad base on Wednesday, officials said.",
    )
    assert [(r.base_id, r.date) for r in found] == [("al_asad", dt.date(2021, 7, 7))]


# -- "the <noun>" names the attack whose site that noun can name -------------------------


def test_the_airport_names_the_airport_attack_not_the_camp_told_last(theater: Scenario) -> None:
    """Two attacks, on Camp Taji and then Baghdad airport; a later sentence retells the
    camp's first and then "the airport rockets": "the airport" is the airport's attack
    even though the camp was told last, so the airport's zero is its own (it had been
    given to the camp, which says its own toll)."""
    found = _rows(
        theater,
        dt.date(2021, 3, 15),
        "Two rockets struck Camp Taji on Saturday night. A day later, three rockets landed "
        "near Baghdad airport.",
        "Advertisement",
        "The Taji barrage wounded a contractor, the coalition said, while the airport "
        "rockets caused no injuries.",
    )
    assert sorted((r.base_id or "", r.wounded) for r in found) == [("biap", 0), ("taji", 1)]


# -- the site told only in a headline or a caption ---------------------------------------


@pytest.mark.parametrize(
    ("top", "body"),
    [
        # a caption that describes the site so that one base fits, the body's "the airport"
        (
            "(Photo: Smoke over the airport in Erbil after the attack. Credit: local agency)",
            "Two explosive drones struck near the airport on Saturday night, officials said.",
        ),
        # a headline in capitals, the body's "the runway" (a part of the base)
        (
            "DRONE ATTACK ON ERBIL AIRPORT",
            "An unmanned aircraft carrying explosives crashed near the runway late on "
            "Saturday, the regional security council said.",
        ),
    ],
)
def test_the_site_told_only_above_the_body_is_the_body_s_attack(
    theater: Scenario, top: str, body: str
) -> None:
    """Class 2 was built on a headline naming the base and a body's "the air base"; a
    caption may describe the site instead ("the airport in Erbil"), and a body may place
    the attack at a part of the base ("near the runway")."""
    found = _rows(theater, dt.date(2021, 9, 12), top, body, "There were no casualties.")
    assert [(r.base_id, r.weapon) for r in found] == [("erbil", "drone")]


# -- an ordinal aside whose event noun reads as a verb ------------------------------------


@pytest.mark.parametrize(
    "aside",
    ["the second strike on the base this week", "the fourth barrage to hit the base this month"],
)
def test_an_ordinal_aside_on_the_same_base_retells_its_attack(
    theater: Scenario, aside: str
) -> None:
    """The aside was built on "the third attack this week on the base"; "strike" is also a
    verb and "to hit" an infinitive saying what the barrage did, yet neither tells a
    strike of the aside's own: one row, not a second one dated by its week or month."""
    found = _rows(
        theater,
        dt.date(2024, 2, 6),
        f"Four rockets slammed into Ain al-Asad on Monday, {aside}, US officials said.",
        "Advertisement",
    )
    assert [(r.base_id, r.date) for r in found] == [("al_asad", dt.date(2024, 2, 5))]


# -- a zero said of either attack of a sentence that tells two ----------------------------


def test_a_zero_of_either_attack_is_each_part_s(theater: Scenario) -> None:
    """One sentence tells two attacks at one garrison ("on Saturday and again on
    Monday") and ends "with no injuries in either attack": the zero is each one's (only
    the part that held the words had had it)."""
    found = _rows(
        theater,
        dt.date(2023, 11, 15),
        "Drones struck the al-Tanf garrison on Saturday and again on Monday, the Pentagon "
        "said, with no injuries in either attack.",
        "Advertisement",
    )
    told = sorted((r.date.isoformat() if r.date else "", r.wounded) for r in found)
    assert told == [("2023-11-11", 0), ("2023-11-13", 0)]
