"""Which attack a fact told apart from it is about (extract/attach.py).

Own-words articles put a toll, a zero or a weapon sentences or a paragraph away from
the clause that places its attack, with the noise of real copy between (captions,
quotes, background paragraphs, a reply told in between), in articles that tell more
than one attack; and the policy itself is checked on its features.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from defplan.extract import ExtractedAttack, extract_articles
from defplan.extract.articles import Article
from defplan.extract.attach import ATTACH_AT, Evidence, score
from defplan.scenario import Scenario
from defplan.workbook import load_scenario
from test_extract_unseen import EXAMPLE

_THEATER = load_scenario(EXAMPLE)


@pytest.fixture(scope="module")
def theater() -> Scenario:
    return _THEATER


def _rows(theater: Scenario, text: str, published: dt.date) -> dict[str, ExtractedAttack]:
    article = Article(file="attach.txt", text=text, published=published)
    rows = extract_articles([article], theater.bases).rows
    return {r.base_id or r.base: r for r in rows}


# a zero told three paragraphs on, by the event noun of the attack ("Tuesday's fire"),
# after a caption, a quote and a background paragraph about another attack on another day
ZERO_BY_EVENT_NOUN = "\n\n".join(
    [
        "Shelling reported near northern airfield",
        ("A soldier walks past a hangar at an airfield in northern Iraq. (File photo/Agency)"),
        (
            "Indirect fire struck the Qayyarah West airfield late on Tuesday, according to "
            "coalition officials."
        ),
        '"We are still assessing what landed," a spokesman told reporters on Wednesday.',
        (
            "Last month, on 2 September, two drones struck near Erbil air base, where "
            "coalition troops are also stationed."
        ),
        "The spokesman added that nobody was hurt in Tuesday's fire.",
        "Advertisement",
    ]
)


def test_a_zero_told_paragraphs_later_joins_the_attack_its_event_noun_names(
    theater: Scenario,
) -> None:
    rows = _rows(theater, ZERO_BY_EVENT_NOUN, dt.date(2016, 9, 21))
    assert (rows["q_west"].killed, rows["q_west"].wounded) == (0, 0)
    assert rows["q_west"].date == dt.date(2016, 9, 20)
    assert (rows["erbil"].killed, rows["erbil"].wounded) == (None, None)


# the wounded told a paragraph after the attack by "the ballistic missile attack",
# before a second base of the same volley is told; a surveillance aside between
TOLL_BY_WEAPON_NOUN = "\n\n".join(
    [
        (
            "In January 2020 a state answered the death of its general with ballistic "
            "missiles. Its strike on Ain al-Asad airbase came days after he was killed."
        ),
        (
            "Early assessments found no deaths. Officials spoke of shaken troops. Weeks "
            "on, 64 service members had been treated for concussions from the ballistic "
            "missile attack, the Pentagon said in February."
        ),
        (
            "Pictures taken from the air show craters beside the runway. Erbil air base "
            "was targeted by two short-range ballistic missiles as well."
        ),
    ]
)


def test_a_toll_a_paragraph_later_joins_the_attack_told_before_not_the_next(
    theater: Scenario,
) -> None:
    rows = _rows(theater, TOLL_BY_WEAPON_NOUN, dt.date(2021, 5, 25))
    assert (rows["al_asad"].killed, rows["al_asad"].wounded) == (0, 64)
    assert (rows["erbil"].killed, rows["erbil"].wounded) == (None, None)


# the zero of a reply's skirmishes, told after the reply: not the attack's
SKIRMISH_ZERO = "\n\n".join(
    [
        (
            "CITY, Aug 14 (Agency) - Rockets were fired last night at the U.S. base in "
            "the Conoco field in eastern Syria, according to a war monitor."
        ),
        "Sirens went off across the base as it was struck, the monitor added.",
        (
            "After the attack, a local militia launched retaliatory shelling at fighters "
            "on the far bank of the river."
        ),
        "Nobody was reported hurt in these skirmishes.",
    ]
)


def test_the_zero_of_a_reply_s_skirmishes_is_not_the_attack_s(theater: Scenario) -> None:
    (row,) = _rows(theater, SKIRMISH_ZERO, dt.date(2024, 8, 14)).values()
    assert (row.base_id, row.killed, row.wounded) == ("conoco", None, None)


# a volley's weapon told only in a later clause of the sentence that retells the attack
WEAPON_LATER_IN_SENTENCE = "\n\n".join(
    [
        "A broadcaster said three rockets came down near Erbil airport on Monday.",
        "Photo: smoke over the city (Agency)",
        (
            "Reports put the last attack on the US base in Erbil in late September 2020. "
            "Air defences at the base intercepted most of that attack, with two rockets "
            "coming down among nearby houses."
        ),
    ]
)


def test_a_weapon_told_later_in_the_sentence_of_a_recalled_attack_is_its_own(
    theater: Scenario,
) -> None:
    article = Article(
        file="attach.txt", text=WEAPON_LATER_IN_SENTENCE, published=dt.date(2021, 2, 15)
    )
    rows = extract_articles([article], theater.bases).rows
    recalled = [r for r in rows if r.date_precision == "month"]
    assert [(r.base_id, r.weapon) for r in recalled] == [("erbil", "rocket")]


def _evidence(**changed: object) -> Evidence:
    plain = dict(
        clash=False,
        same_sentence=False,
        refers_back=False,
        same_weapon=False,
        same_day=False,
        only_attack=False,
        told_before=True,
        sentences_apart=3,
        other_event_between=False,
    )
    return Evidence(**{**plain, **changed})  # type: ignore[arg-type]


def test_the_policy_weighs_named_features() -> None:
    far = _evidence()
    assert (score(far) or 0) < ATTACH_AT  # told apart and nothing ties it: no attack
    assert (score(_evidence(refers_back=True)) or 0) >= ATTACH_AT
    assert (score(_evidence(same_day=True)) or 0) >= ATTACH_AT
    assert score(_evidence(clash=True, same_sentence=True)) is None
    # another event told between outweighs an event noun pointing back
    assert (score(_evidence(refers_back=True, other_event_between=True)) or 0) < ATTACH_AT
    # the farther, the weaker, down to a floor
    assert (score(_evidence(sentences_apart=1)) or 0) > (score(far) or 0)
    assert score(_evidence(sentences_apart=50)) == score(_evidence(sentences_apart=8))


# the attack told before its reason (air strikes elsewhere), its zero told beside
# aircraft that only flew over, a retelling by a monitor two paragraphs on
ATTACK_THEN_REASON = "\n\n".join(
    [
        "Militia drones hit US base in eastern Syria",
        "Soldiers on patrol near a village in Hasakah. (Agency)",
        (
            'The "Islamic Resistance in Iraq" launched drone strikes on the US Rumailan '
            "base in Hasakah on Friday, hours after Israeli airstrikes hit militia depots."
        ),
        "Groups backed by Iran have launched dozens of attacks on US bases since October.",
        (
            "A war monitor reported explosions at the American base in Rumailan, caused "
            "by an attack with two waves of drones."
        ),
        (
            "Defenders shot down several of the drones; nobody was hurt while coalition "
            "fighter jets circled overhead, the monitor said."
        ),
    ]
)


def test_an_attack_told_before_its_reason_keeps_its_claimant_and_its_zero(
    theater: Scenario,
) -> None:
    (row,) = _rows(theater, ATTACK_THEN_REASON, dt.date(2023, 12, 9)).values()
    assert (row.base_id, row.actor, row.weapon) == (
        "rumalyn",
        "Islamic Resistance in Iraq",
        "drone",
    )
    assert (row.killed, row.wounded) == (0, 0)


def _volley(parts: list[str]) -> str:
    return "\n\n".join(
        [
            (
                "In January 2020 Iran struck two Iraqi military bases that housed US troops "
                "with more than a dozen ballistic missiles."
            ),
            "The attack followed the killing of a general. Related: Oil output rises",
            "Officials later described the damage to hangars and living quarters.",
            *parts,
        ]
    )


VOLLEY_BASE_BY_BASE = _volley(
    [
        "Eleven ballistic missiles hit Ain al-Asad airbase, a review found.",
        "Photo: a crater near the runway (Agency)",
        "Erbil air base was targeted by two short-range ballistic missiles.",
    ]
)


def test_the_bases_of_a_volley_told_paragraphs_later_take_its_month_and_attacker(
    theater: Scenario,
) -> None:
    rows = _rows(theater, VOLLEY_BASE_BY_BASE, dt.date(2021, 5, 25))
    for base in ("al_asad", "erbil"):
        assert (rows[base].actor, rows[base].date_precision) == ("Iran", "month")
        assert rows[base].date == dt.date(2020, 1, 1)


def test_more_bases_than_the_volley_counts_are_not_all_its_parts(theater: Scenario) -> None:
    text = _volley(
        [
            "Eleven ballistic missiles hit Ain al-Asad airbase, a review found.",
            "Two ballistic missiles were fired at Erbil air base.",
            "In another incident, a ballistic missile was fired at the Harir base.",
        ]
    )
    rows = _rows(theater, text, dt.date(2021, 5, 25))
    assert rows["harir"].actor is None


NOISE = [
    "Advertisement",
    "Related: Oil exports recover in the south",
    "A soldier stands guard at a gate. (File photo/Agency)",
    '"We will keep our people safe," a spokesman told reporters.',
    "Hundreds of troops are stationed at the airfield, officials said.",
    "Sign up for our newsletter",
]


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.sampled_from(NOISE), max_size=4),
    st.lists(st.sampled_from(NOISE), max_size=3),
)
def test_noise_between_an_attack_and_its_zero_does_not_move_the_zero(
    before_other: list[str], after_other: list[str]
) -> None:
    text = "\n\n".join(
        [
            "Indirect fire struck the Qayyarah West airfield late on Tuesday, according to "
            "coalition officials.",
            *before_other,
            "Last month, on 2 September, two drones struck near Erbil air base.",
            *after_other,
            "The spokesman added that nobody was hurt in Tuesday's fire.",
        ]
    )
    rows = _rows(_THEATER, text, dt.date(2016, 9, 21))
    assert (rows["q_west"].killed, rows["q_west"].wounded) == (0, 0)
    assert (rows["erbil"].killed, rows["erbil"].wounded) == (None, None)


# the article's attack, then a background paragraph on an older attack at another base:
# its first zero, a tally being updated, and the count "on Tuesday" (a day of saying)
RECALLED_TOLL_UPDATED = "\n\n".join(
    [
        "Rockets hit base in Baghdad",
        "A file photo of a hangar at a western airbase. (Agency)",
        (
            "Two small rockets landed on a coalition base in Baghdad's Green Zone before "
            "dawn on Sunday, without causing casualties, an official said."
        ),
        "In January, Iran launched more than ten ballistic missiles against the Al-Asad base.",
        ("No one died, and at first officials said no troops had been hurt in the attack."),
        "Doctors kept finding more concussions among the troops for weeks.",
        ("On Tuesday, the Pentagon said 109 troops had suffered brain injuries in the strike."),
    ]
)


def test_a_recalled_attack_s_later_count_beats_its_first_zero_and_stays_its_own(
    theater: Scenario,
) -> None:
    rows = _rows(theater, RECALLED_TOLL_UPDATED, dt.date(2020, 2, 16))
    assert (rows["al_asad"].killed, rows["al_asad"].wounded) == (0, 109)
    assert (rows["green_village"].killed, rows["green_village"].wounded) == (0, 0)


# the lead tells the weapon and the hurt before any base; "The attack" then places it,
# and a second attack of another weapon is told after
LEAD_BEFORE_THE_ATTACK = "\n\n".join(
    [
        "Troops hurt in strike in Syria",
        (
            "An unmanned aircraft attack in Syria left several American troops with minor "
            "injuries, the Pentagon said on Monday. The attack hit the Rumalyn landing "
            "zone on Friday, damaging a set of facilities."
        ),
        "Related: Talks on troop numbers resume",
        (
            "It came days after rockets struck Ain al-Asad air base in Iraq, injuring "
            "four service members."
        ),
    ]
)


def test_a_lead_s_weapon_goes_to_the_attack_that_then_says_the_attack(
    theater: Scenario,
) -> None:
    rows = _rows(theater, LEAD_BEFORE_THE_ATTACK, dt.date(2024, 8, 12))
    assert (rows["rumalyn"].weapon, rows["rumalyn"].killed) == ("drone", 0)
    assert (rows["al_asad"].weapon, rows["al_asad"].wounded) == ("rocket", 4)


@pytest.mark.parametrize(
    "reply",
    [
        "A US drone strike killed a militia commander in Baghdad on Friday.",
        "An American drone strike on a car near Baghdad airport killed two militia leaders.",
    ],
)
def test_the_toll_of_a_friendly_strike_told_first_is_no_attack_s(
    theater: Scenario, reply: str
) -> None:
    """A lead that tells the other side's strike and its dead, then the militia's answer
    on a base: the strike's dead are not the attack's killed (the lead's toll had been
    given to the one attack of the strike's weapon or the next attack told)."""
    text = "\n\n".join(
        [
            "Militia answers with rockets",
            reply,
            "Advertisement",
            "On Saturday, three rockets hit Ain al-Asad in retaliation, officials said.",
        ]
    )
    found = _rows(theater, text + "\n", dt.date(2024, 2, 5))
    attack = found["al_asad"]
    assert (attack.weapon, attack.killed) == ("rocket", None)
