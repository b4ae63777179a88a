"""Event identity: one distinct attack is one row, decided over the whole article.

Each article here was written for these tests, in our own words, with the noise of web
copy (page chrome, repeated headlines, captions, "Advertisement", related-story lists,
datelines, quotes), and puts the retelling at a distance from the attack it retells.
The mechanisms are those of ``defplan.extract.linking`` (docs/extraction.md, catalogue
rows 190-201).
"""

from __future__ import annotations

import datetime as dt

import pytest

from defplan.extract import Article, ExtractedAttack, extract_articles, extract_text
from defplan.extract.linking import (
    FITS,
    NAMED_NEXT,
    ONE_PHRASE,
    ORDINAL,
    SAME,
    LinkFeatures,
    link_strength,
)
from defplan.scenario import Scenario
from defplan.workbook import load_scenario
from test_extract_unseen import EXAMPLE


@pytest.fixture(scope="module")
def theater() -> Scenario:
    return load_scenario(EXAMPLE)


def _rows(theater: Scenario, published: dt.date | None, *lines: str) -> list[ExtractedAttack]:
    """The rows of an article of ``lines`` (paragraphs) published on ``published``."""
    text = "\n\n".join(lines) + "\n"
    day = published or dt.date(2020, 1, 1)
    rows = extract_text(text, theater.bases, published=day).rows
    return sorted(rows, key=lambda r: r.span_start)


def _told(rows: list[ExtractedAttack]) -> list[tuple[str | None, str | None, int | None]]:
    return [(r.base_id, r.weapon, r.munitions) for r in rows]


def _features(**told: bool) -> LinkFeatures:
    base = {
        "same_site": False,
        "fits_site": False,
        "compatible_date": True,
        "compatible_weapon": True,
        "distinct_cue": False,
    }
    return LinkFeatures(**{**base, **told})


def test_the_policy_is_ordered_from_the_surest_link_down() -> None:
    """A locator and an ordinal aside are their sentence's attack even against a clause's
    date; a clash or a narrator's "another" keeps apart; then same site, then a name
    told in the next sentence, then a guess of the theater's."""
    assert link_strength(_features(one_phrase=True, compatible_date=False)) == ONE_PHRASE
    assert link_strength(_features(ordinal_aside=True, distinct_cue=True)) == ORDINAL
    assert link_strength(_features(same_site=True, distinct_cue=True)) == 0
    assert link_strength(_features(same_site=True, compatible_weapon=False)) == 0
    assert link_strength(_features(same_site=True)) == SAME
    assert link_strength(_features(elaborates=True)) == NAMED_NEXT
    assert link_strength(_features(same_guess=True)) == FITS
    assert link_strength(_features(fits_site=True)) == 0  # weighed against the article
    assert ONE_PHRASE > ORDINAL > SAME > NAMED_NEXT > FITS


def test_an_ordinal_aside_counts_the_attack_of_its_sentence(theater: Scenario) -> None:
    """ "..., making it the first strike on an American outpost in Syria since the
    floods earlier this month": the aside counts the attack just told, whatever it
    dates."""
    rows = _rows(
        theater,
        dt.date(2023, 3, 9),
        "Photo: A convoy on a desert road. (Staff/Agency)",
        "Late on Wednesday two rockets came down on the Conoco gas field base in eastern "
        "Syria, the coalition said, making it the first strike on an American outpost in "
        "Syria since the floods earlier this month.",
        "Advertisement",
        "Nobody was hurt, a spokesman said.",
    )
    assert _told(rows) == [("conoco", "rocket", 2)]
    assert rows[0].date == dt.date(2023, 3, 8)


def test_a_speaker_s_another_attack_retells_the_article_s_attack(theater: Scenario) -> None:
    """An official's "yet another rocket strike against an Iraqi air base", said and then quoted,
    is the speaker's series: it retells the attack the lead told, not a third one; the
    narrator's own "another attack" on a named base stays a row of its own."""
    rows = _rows(
        theater,
        None,
        "BAGHDAD (Agency) - Rockets slammed into an air base to the north of the capital "
        "that hosts coalition trainers. Iraqi officers said three rockets had struck Camp Taji "
        "but that nobody was hurt.",
        "The volley came days after a salvo of rockets fell on an air base in Iraq, wounding "
        "three Iraqi airmen. Army officers said six rockets fell on Balad Air Base, "
        "wounding the airmen.",
        "Related: Militia leaders meet in Baghdad",
        "A senior US diplomat said he was appalled by yet another rocket strike against an "
        "Iraqi air base. \u201cAppalled by news of yet another rocket strike against an "
        "Iraqi air base,\u201d he wrote online.",
    )
    assert _told(rows) == [("taji", "rocket", 3), ("balad", "rocket", 6)]
    assert [(r.killed, r.wounded) for r in rows] == [(0, 0), (0, 3)]
    narrated = _rows(
        theater,
        dt.date(2020, 1, 14),
        "Three rockets struck Camp Taji on Monday, officers said.",
        "On Sunday, another rocket attack hit Balad Air Base.",
    )
    assert [r.base_id for r in narrated] == ["taji", "balad"]


def test_a_name_told_right_after_a_description_overrules_the_theater_s_guess(
    theater: Scenario,
) -> None:
    """Rockets that fell on "a training base south of Baghdad" (a description the theater
    pins by elimination), then landed "in the Besmaya base" the next sentence says: one
    attack, at the base the text names, though the theater does not know it; the key
    points list repeats it."""
    rows = _rows(
        theater,
        None,
        "Another base with coalition trainers hit by rockets",
        "Key points:",
        "- The rockets hit the Besmaya base, where Spanish trainers live.",
        "Iraq's army said on Tuesday that two rockets had fallen on a training base south "
        "of Baghdad used by coalition instructors. The rockets landed in the Besmaya base "
        "late on Monday.",
        "COMMENTS",
    )
    assert [(r.base, r.base_id, r.weapon, r.munitions) for r in rows] == [
        ("Besmaya base", None, "rocket", 2)
    ]


def test_a_locator_of_a_named_base_is_no_second_site(theater: Scenario) -> None:
    """ "the Harir base in the Kurdistan Region's Erbil" is one site, its locator after
    it; "Harir and Erbil" are two."""
    one = _rows(
        theater,
        dt.date(2023, 12, 31),
        "SOURCE - On Saturday, the Islamic Resistance in Iraq claimed a drone strike on "
        "the Harir base in the Kurdistan Region\u2019s Erbil province.",
        "Source: Agency",
    )
    assert [(r.base_id, r.date) for r in one] == [("harir", dt.date(2023, 12, 30))]
    two = _rows(
        theater,
        dt.date(2023, 12, 31),
        "On Saturday, drones attacked the Harir base and Erbil air base, officials said.",
    )
    assert sorted(r.base_id or "" for r in two) == ["erbil", "harir"]


def test_a_headline_read_after_page_chrome_is_the_body_s_attack(theater: Scenario) -> None:
    """Page chrome (a mode switch, a date bar, a logo) pushes the headline below the
    lines skipped as title lines: the headline then reads as text, and names the body's
    attack, whose own site (an unknown one) is kept."""
    rows = _rows(
        theater,
        dt.date(2024, 8, 10),
        "Dark Mode",
        "Saturday, 10 August 2024",
        "Logo",
        "Drones Target",
        "Drones Target Coalition Base in Northeast Hasakah",
        "Local sources said that suicide drones hit the coalition base in the village "
        "of Tal Baidar, northeast of Hasakah.",
        "Read More:",
    )
    assert [(r.base, r.base_id, r.weapon) for r in rows] == [
        ("coalition base in the village of Tal Baidar", None, "drone")
    ]


def test_days_listed_in_one_clause_are_attacks_apart_from_the_lead(theater: Scenario) -> None:
    """An undated page: the lead's attack has no day; "On October 3 and 5," drones
    "also struck" the base: two more, one a day, neither the lead's. Days with
    their month tell attacks apart though the page gives no year (none is written)."""
    text = (
        "Drone hits US base in eastern Syria\n\n"
        "Fighters of the Islamic Resistance in Iraq flew a drone into the Conoco gas field "
        "base in eastern Syria, the group wrote on Telegram. Advertisement\n\n"
        "Such strikes on the base are common. On October 3 and 5, drones also struck the "
        "base.\n\n"
        "Source: Agency\n"
    )
    rows = extract_articles(
        [Article(file="undated.txt", text=text, published=None)], theater.bases
    ).rows
    assert [(r.base_id, r.date, r.weapon) for r in rows] == [("conoco", None, "drone")] * 3


def test_a_teaser_run_into_the_lead_is_the_lead_s_attack(theater: Scenario) -> None:
    """A teaser line run into the lead with no full stop between: the teaser's clause is
    dated by nothing of its own, so the "last year" of the background run on with it does
    not keep it apart from the lead's Monday attack on the same base."""
    rows = _rows(
        theater,
        dt.date(2021, 3, 17),
        "Rocket lands near Al Asad Air Base at 2:10 p.m., a coalition spokesman wrote "
        "Rocket fire at US sites has been common since a US strike near Baghdad airport "
        "last year BAGHDAD: One rocket landed near a base hosting US troops in western "
        "Iraq on Monday without hurting anyone, a coalition spokesman said. The rocket "
        "landed near Al Asad Air Base, the spokesman wrote on Twitter.",
        "Related stories",
    )
    assert [(r.base_id, r.date, r.weapon, r.munitions) for r in rows] == [
        ("al_asad", dt.date(2021, 3, 15), "rocket", 1)
    ]


def test_a_description_that_writes_an_unknown_name_is_that_site(theater: Scenario) -> None:
    """ "Two rockets struck the Besmaya training base near Baghdad" resolves only "base
    near Baghdad" (several theater bases fit it), yet its clause writes the name the
    next paragraph gives: one site, kept by its name."""
    rows = _rows(
        theater,
        dt.date(2020, 3, 17),
        "Two rockets struck the Besmaya training base near Baghdad, the third attack on "
        "coalition trainers in a week.",
        "Photo: Trainers on a range. (Agency)",
        "Iraqi officers said the rockets hit the Besmaya base on Monday evening.",
    )
    assert [(r.base, r.base_id, r.date, r.munitions) for r in rows] == [
        ("Besmaya base", None, dt.date(2020, 3, 16), 2)
    ]


def test_a_quoted_description_that_fits_several_attacks_retells_the_lead_s(
    theater: Scenario,
) -> None:
    """A spokesman quoted paragraphs later ("Rockets struck a base in Iraq that hosts
    our troops"), with no day of his own: two attacks of the article fit the
    description, and a speaker tells the article's news, so it retells the lead's
    attack (and its zero is that attack's), not a third one."""
    rows = _rows(
        theater,
        dt.date(2021, 3, 4),
        "ANBAR, Iraq (Agency) - Rockets hit Al Asad Air Base on Wednesday, the coalition said.",
        "Separately, rockets hit Erbil air base on Monday, local officials said.",
        "Advertisement",
        "\u201cRockets struck a base in Iraq that hosts our troops, but nobody was hurt,\u201d a "
        "coalition spokesman said.",
        "Related: Iraq's parliament debates the troop presence",
    )
    assert [(r.base_id, r.date, r.killed, r.wounded) for r in rows] == [
        ("al_asad", dt.date(2021, 3, 3), 0, 0),
        ("erbil", dt.date(2021, 3, 1), None, None),
    ]


def test_a_name_told_next_that_the_description_does_not_allow_is_another_attack(
    theater: Scenario,
) -> None:
    """ "Rockets struck a base in eastern Syria" then "In Iraq, rockets hit Al Asad Air
    Base": the next sentence names a base the description rules out, so it tells another
    attack, not the site of the first."""
    rows = _rows(
        theater,
        dt.date(2023, 10, 24),
        "Rockets struck a base in eastern Syria on Monday, a monitoring group said. In "
        "Iraq, rockets hit Al Asad Air Base, officials said.",
        "Advertisement",
    )
    assert sorted(r.base_id or "" for r in rows) == ["", "al_asad"]


def test_where_sirens_sounded_is_not_the_site_the_attack_targeted(theater: Scenario) -> None:
    """ "In June, a drone targeted the US base at the airport while alarms sounded at the
    US consulate": the consulate is where a warning sounded; the attack's site is the
    base at the airport the article told (Erbil's), a month before the day's attack."""
    rows = _rows(
        theater,
        dt.date(2021, 7, 20),
        "Two drones struck Erbil air base on Monday, a coalition spokesman wrote.",
        "The Erbil airport, which hosts coalition troops, has been attacked before. In "
        "June, a drone targeted the US base at the airport while alarms sounded at the US "
        "consulate in Erbil. Nobody was hurt then.",
        "Advertisement",
    )
    assert [(r.base_id, r.date, r.date_precision) for r in rows] == [
        ("erbil", dt.date(2021, 7, 19), "day"),
        ("erbil", dt.date(2021, 6, 1), "month"),
    ]


def _on(base: str, *days: tuple[int, int]) -> list[tuple[str, dt.date]]:
    """Rows at ``base`` on each (month, day) of 2023."""
    return [(base, dt.date(2023, month, day)) for month, day in days]


PARAPHRASES = {
    # an ordinal aside told as an appositive, with no "marking"
    "aside as an appositive": (
        "Two rockets hit the Conoco gas field base on Tuesday, the third attack on a US "
        "base in Syria this week, officials said.\n\nAdvertisement\n\nNo one was hurt.\n",
        _on("conoco", (11, 14)),
    ),
    # a governor's "another attack", condemned, on a base the theater guesses
    "another, condemned": (
        "Rockets hit Erbil air base on Monday night.\n\nPhoto: the terminal. (Agency)\n\n"
        "The governor condemned what he called another cowardly attack on a base in the "
        "Kurdistan Region.\n",
        _on("erbil", (11, 13)),
    ),
    # days listed with the month after them, after the day's own attack
    "days listed, month last": (
        "Drones hit Harir base on Monday. Drones also struck the base on 9 and 11 November, "
        "the group said.\n\nRelated: Oil prices rise\n",
        _on("harir", (11, 13), (11, 9), (11, 11)),
    ),
    # weekdays listed in the clause of the article's only attack
    "weekdays listed": (
        "BAGHDAD (Agency) - Drones attacked Al Asad Air Base on Sunday and Tuesday, "
        "officials said.\n\nAdvertisement\n\nNobody was hurt.\n",
        _on("al_asad", (11, 12), (11, 14)),
    ),
    # days listed in the lead's own clause, no "also"
    "days listed in the lead": (
        "On November 9 and 11, drones attacked Harir base, the group said.\n\n"
        "Read more: Drone shot down near Erbil\n",
        _on("harir", (11, 9), (11, 11)),
    ),
    # two days each with its month are not a list of days of one month
    "two days, two months": (
        "Drones flew at Al-Tanf garrison on Monday and were shot down.\n\nMilitias were "
        "accused of two attacks that hit the garrison on October 3 and September 21.\n",
        _on("al_tanf", (11, 13), (10, 3), (9, 21)),
    ),
}


@pytest.mark.parametrize("name", sorted(PARAPHRASES))
def test_each_mechanism_holds_for_other_wordings(theater: Scenario, name: str) -> None:
    text, expected = PARAPHRASES[name]
    rows = extract_text(text, theater.bases, published=dt.date(2023, 11, 15)).rows
    assert sorted((r.base_id or "", r.date) for r in rows) == sorted(expected)


def test_a_description_naming_a_place_the_theater_lacks_fits_none_of_its_bases(
    theater: Scenario,
) -> None:
    """ "an American garrison in al-Shaddadi" names a place the theater has no base in:
    it is not the Conoco attack told after it (the lead's description had been joined to
    the nearest attack it could be), but an attack of its own at an unknown site."""
    rows = _rows(
        theater,
        dt.date(2023, 12, 15),
        "The Islamic Resistance in Iraq said in a statement that its drones had struck an "
        "American garrison in al-Shaddadi in Syria.",
        "Share this article",
        "On Thursday, its fighters also hit the American base at the Conoco gas field in "
        "Deir Ezzor, the statement said.",
    )
    assert sorted(r.base_id or r.base for r in rows) == [
        "American garrison in al-Shaddadi",
        "conoco",
    ]


@pytest.mark.parametrize("force", ["British", "French", "Israeli"])
def test_two_unknown_bases_that_share_only_their_force_s_name_are_two_attacks(
    theater: Scenario, force: str
) -> None:
    """Two bases the theater does not know, named by the same force of forces.csv ("the
    British Alpha outpost", "the British Bravo outpost"), are two sites: a force's name
    tells no site from another, whichever force the data lists (only "American" and "US"
    had been written in code)."""
    found = _rows(
        theater,
        dt.date(2024, 1, 31),
        "Rockets hit two outposts",
        f"Three rockets struck the {force} Alpha outpost on Saturday, wounding one soldier.",
        "Advertisement",
        f"Two rockets struck the {force} Bravo outpost on Saturday, officials said.",
    )
    assert sorted(r.munitions or 0 for r in found) == [2, 3]


@pytest.mark.parametrize(
    "aside",
    [
        "the third attack this week on the base",
        "the third attack on Ain al-Asad this week",
        "the second attack on the base in two days",
    ],
)
def test_an_ordinal_aside_on_the_attack_s_own_base_is_no_second_attack(
    theater: Scenario, aside: str
) -> None:
    """An aside counting the attack its sentence told may name the attack's base or point
    back to it ("the base"): it retells that attack and gives no row of its own (it had
    given a second row dated only by its week's month)."""
    found = _rows(
        theater,
        dt.date(2024, 1, 31),
        "Rockets strike western Iraq base",
        "Photo: A hangar at an air base. (Name/Agency)",
        f"Three rockets hit Ain al-Asad on Monday, {aside}, officials said.",
        "Advertisement",
    )
    assert _told(found) == [("al_asad", "rocket", 3)]
