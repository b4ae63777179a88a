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
    volley's day is theirs (it was built on "fired more than a dozen ballistic missiles at
    two military bases")."""
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
