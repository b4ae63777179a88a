"""Words that decide whether a clause tells an attack, in invented articles with the
noise of news pages (captions with credits, embedded posts, background paragraphs).

Each test reproduces a class of docs/extraction.md's catalogue with our own words: a
drone that watches instead of striking, a photo caption whose credit is a line of its
own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from defplan.extract import ExtractedAttack, extract_text
from defplan.scenario import Scenario
from defplan.workbook import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"
MONDAY = dt.date(2023, 2, 20)


@pytest.fixture(scope="module")
def theater() -> Scenario:
    return load_scenario(EXAMPLE)


def rows_of(theater: Scenario, published: dt.date, *paragraphs: str) -> tuple[ExtractedAttack, ...]:
    """The rows of an article of ``paragraphs`` published on ``published``."""
    text = "\n\n".join(paragraphs) + "\n"
    return extract_text(text, theater.bases, published=published).rows


def _rows(theater: Scenario, *paragraphs: str) -> tuple[ExtractedAttack, ...]:
    return rows_of(theater, MONDAY, *paragraphs)


def _told(rows: tuple[ExtractedAttack, ...]) -> list[tuple[str | None, str | None, int | None]]:
    return sorted((r.base_id, r.weapon, r.munitions) for r in rows)


# -- a drone that watches is no attack ----------------------------------------------------


@pytest.mark.parametrize(
    "watching",
    [
        # its errand told after it, a relative clause away
        "Days earlier, coalition jets downed a suspected foreign drone over the Conoco gas "
        "field, which was said to be flying a surveillance mission.",
        # its errand as an infinitive
        "On Thursday, troops brought down an unmanned aerial vehicle attempting to conduct "
        "reconnaissance of Mission Support Site Conoco. pic.twitter.com/abc123",
        # its role before it, in any of the words for it
        "A spy UAV was seen over the Conoco gas field on Thursday, local residents said.",
    ],
)
def test_a_drone_on_a_watching_errand_is_no_attack_on_the_base(
    theater: Scenario, watching: str
) -> None:
    """Background about a drone that came to look, beside a real attack on another
    base, gives no row of its own."""
    found = _rows(
        theater,
        "Militia fighters fire on US garrison",
        "Two rockets struck the Al-Tanf garrison on Sunday, a coalition official said.",
        watching,
        "Advertisement",
    )
    assert _told(found) == [("al_tanf", "rocket", 2)]


def test_a_drone_that_filmed_a_strike_is_the_camera_not_the_weapon(theater: Scenario) -> None:
    """ "The drone first filmed four missiles hitting the base": the missiles are the
    attack, the drone only its witness."""
    found = _rows(
        theater,
        "What the footage showed",
        "A documentary returned to the missile strike on Ain al-Asad air base on Sunday. "
        "A drone circling high above first filmed four ballistic missiles hitting the "
        "base, with more arriving within minutes.",
    )
    assert _told(found) == [("al_asad", "ballistic_missile", 4)]


def test_a_drone_that_struck_is_still_a_weapon_beside_a_watching_one(theater: Scenario) -> None:
    """The same page may tell both: a drone that hit the base and, later, another that
    only watched; the first stays an attack."""
    found = _rows(
        theater,
        "A drone struck the Al-Tanf garrison on Sunday, causing minor damage.",
        "The previous week a reconnaissance drone had been spotted near the garrison.",
    )
    assert _told(found) == [("al_tanf", "drone", 1)]


@pytest.mark.parametrize(
    ("striking", "told"),
    [
        # an errand's word is the target's name, the drone told as an attack before it
        (
            "A drone attack on an observation post at the Al-Tanf garrison on Saturday "
            "wounded two soldiers, a spokesman said.",
            ("al_tanf", "drone"),
        ),
        # the errand belongs to the troops of the base the drone struck
        (
            "An explosive drone struck the Al-Tanf garrison on Saturday, the outpost from "
            "which coalition troops conduct surveillance of the desert.",
            ("al_tanf", "drone"),
        ),
        # what it exploded on is a watching post, not what it did
        (
            "A drone exploded on a surveillance tower at Harir air base on Saturday, "
            "wounding one service member.",
            ("harir", "drone"),
        ),
        # it flew around the base and then struck it
        (
            "Two drones circling Tower 22 exploded inside the base on Saturday, killing "
            "three soldiers.",
            ("tower_22", "drone"),
        ),
    ],
)
def test_a_drone_told_striking_is_a_weapon_whatever_watching_word_follows(
    theater: Scenario, striking: str, told: tuple[str, str]
) -> None:
    """A watching word in the clause of a drone told striking (an observation post, the
    surveillance its target does, the circling before it exploded) leaves it a weapon:
    the attack is neither dropped nor left without its weapon."""
    found = _rows(theater, "Drone hits US troops in Syria", striking, "Advertisement")
    assert [(r.base_id, r.weapon) for r in found] == [told]


# -- a caption's credit line --------------------------------------------------------------


@pytest.mark.parametrize(
    "credit",
    [
        "File Photo by Sgt. Name Surname/U.S. Army Reserve/AGENCY",
        "Picture by Name Surname / AGENCY",
        "Photograph by Name Surname for the paper",
    ],
)
def test_a_caption_ending_in_a_credit_line_is_not_read_as_text(
    theater: Scenario, credit: str
) -> None:
    """A photo caption ("Soldiers unload mortar rounds at Ain al-Asad air base.") and its
    credit on a line of its own, as a page prints it twice, tell no attack; the body's
    attack on another base is the only row."""
    caption = (
        "Soldiers unload mortar rounds at Ain al-Asad air base in Iraq. On Sunday, "
        "officials said militants fired a rocket near a base in Qayyarah."
    )
    found = _rows(
        theater,
        "Rocket fired near northern base",
        f"{caption}\n{credit}",
        f"{caption}\n{credit}",
        "Officials said Qayyarah Airfield West was targeted by two rockets on Sunday.",
    )
    assert [r.base_id for r in found] == ["q_west"]


# -- the parts of one base ----------------------------------------------------------------


@pytest.mark.parametrize(
    "parts", ["US coalition positions", "American posts", "the coalition's facilities"]
)
def test_plural_parts_placed_at_one_named_base_are_that_base(theater: Scenario, parts: str) -> None:
    """ "US coalition positions at the Omar oil field were targeted by a drone": the
    plural names the parts of one base, not several sites (it had read as a tally of
    attacks and given no row); a counted plural ("two bases near ...") stays several."""
    found = _rows(
        theater,
        "Drone attack on US positions at Omar oilfield",
        "Jul 7 2021",
        f"At 9:40 a.m., {parts} at the Omar oil field were targeted by a suicide drone, "
        "a spokesman for the local forces said. The attack was repelled.",
        "The field is one of the main bases for US forces in the east of the country.",
    )
    assert _told(found) == [("green_village", "drone", 1)]
