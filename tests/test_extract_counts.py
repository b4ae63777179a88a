"""Count misreads found on unseen copy, as properties of the count readers: a year is no
count, "a number of" is some and not one, coordinated modifiers keep a zero a zero, a
figure told as since corrected is not the count, and a precaution is no wound."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from defplan.extract import extract_text
from defplan.extract.counts import casualties_in, munitions_in
from defplan.scenario import BaseRow
from test_extract import in_words

YEAR_WORDS = ["In", "in", "Since", "since", "during", "until", "by", "early", "late"]
WEAPONS = ["rockets", "drones", "missiles", "mortar rounds"]
MODIFIERS = ["U.S.", "coalition", "partner force", "American", "Iraqi", "allied"]
VAGUE_SOME = ["a number of", "a few", "a handful of", "a couple of", "a group of"]
PEOPLE = ["soldiers", "militants", "contractors", "service members", "guards"]


@given(st.integers(1900, 2099), st.sampled_from(YEAR_WORDS), st.sampled_from(WEAPONS))
def test_a_year_before_a_weapon_is_never_its_count(year: int, before: str, weapon: str) -> None:
    assert munitions_in(f"{before} {year} {weapon} were fired at the base.") is None
    assert casualties_in(f"{before} {year} soldiers were wounded there.").wounded is None


@given(st.integers(1, 999), st.sampled_from(WEAPONS), st.booleans())
def test_a_count_after_a_year_is_still_read(n: int, weapon: str, digits: bool) -> None:
    written = str(n) if digits else in_words(n, True, False)
    assert munitions_in(f"In 2019, {written} {weapon} hit the base.") == n
    assert munitions_in(f"Officials said {written} {weapon} hit the base.") == n


@given(st.sampled_from(VAGUE_SOME), st.sampled_from(PEOPLE), st.booleans())
def test_some_people_hurt_is_a_report_of_wounded_without_a_count(
    some: str, people: str, passive: bool
) -> None:
    text = f"{some} {people} were injured" if passive else f"injuring {some} {people}"
    told = casualties_in(text)
    assert told.wounded is None
    assert told.wounded_said


@given(
    st.lists(st.sampled_from(MODIFIERS), min_size=1, max_size=3, unique=True),
    st.sampled_from([" or ", " and ", ", "]),
    st.sampled_from(["casualties", "injuries or deaths", "losses"]),
)
def test_a_zero_with_coordinated_modifiers_is_a_zero(
    modifiers: list[str], joint: str, harm: str
) -> None:
    told = casualties_in(f"There were no {joint.join(modifiers)} {harm}, the statement said.")
    assert (told.killed, told.wounded) == (0, 0)


@given(st.integers(1, 30), st.integers(1, 30))
def test_a_figure_told_as_since_corrected_is_not_the_count(now: int, before: int) -> None:
    told = casualties_in(
        f"The spokesman had earlier said {in_words(before, True, False)} people were wounded."
    )
    assert told.wounded is None and told.wounded_said
    bases = [BaseRow(base_id="asad", name="Ain al-Asad", aliases="", lat=33.8, lon=42.4, troops=0)]
    text = (
        f"Rockets hit Ain al-Asad air base on Monday, wounding {in_words(now, True, False)} "
        "people, a coalition spokesman said. Photo: file image of the base. "
        f"The spokesman had earlier told reporters that {in_words(before, True, False)} people "
        "were wounded."
    )
    (row,) = extract_text(text, bases, published=dt.date(2021, 3, 9)).rows
    assert row.wounded == now


def test_a_precaution_is_no_wound() -> None:
    assert (
        casualties_in("Three soldiers near the round underwent decontamination treatment.").wounded
        is None
    )
    assert casualties_in("two soldiers received treatment for concussions").wounded == 2


@given(
    st.integers(1, 40),
    st.sampled_from(["minor", "light", "slight"]),
    st.sampled_from(["", "partner force ", "U.S. ", "coalition "]),
)
def test_casualties_told_as_minor_are_wounded_and_plain_ones_count_nothing(
    n: int, minor: str, whose: str
) -> None:
    written = in_words(n, True, False)
    noun = "casualty" if n == 1 else "casualties"
    told = casualties_in(f"There were {written} {minor} {whose}{noun} and minor damage.")
    assert (told.killed, told.wounded) == (None, n)
    assert casualties_in(f"There were {written} {whose}{noun}.").wounded is None


@given(
    st.lists(st.integers(1, 200), min_size=2, max_size=4),
    st.sampled_from(["was updated", "was revised down", "was later corrected", "rose", "fell"]),
)
def test_a_revised_count_of_wounded_is_its_last_figure_up_or_down(
    figures: list[int], verb: str
) -> None:
    first, *then = figures
    steps = ", then to ".join(str(n) for n in then)
    told = casualties_in(f"The number of wounded {verb} from {first} to {steps}.")
    assert told.wounded == then[-1]


@given(st.integers(1, 30), st.integers(1, 30))
def test_what_follows_a_superseded_figure_is_the_count(before: int, now: int) -> None:
    told = casualties_in(
        f"Officials initially reported {in_words(before, True, False)} wounded, but later "
        f"said {in_words(now, True, False)} soldiers were hurt."
    )
    assert told.wounded == now


def test_a_zero_told_first_stays_a_zero_for_a_later_count_to_beat() -> None:
    told = casualties_in("Officials initially stated that no troops were harmed.")
    assert (told.killed, told.wounded) == (0, 0)


@given(st.integers(1, 30), st.integers(1, 5))
def test_a_first_figure_with_no_correction_in_its_sentence_stands(hurt: int, dead: int) -> None:
    told = casualties_in(
        f"Officials first said {in_words(hurt, True, False)} soldiers were injured and "
        f"{in_words(dead, True, False)} contractors were killed in the raids."
    )
    assert (told.killed, told.wounded) == (dead, hurt)


BODIES = ["Coalition", "Coaliton", "US Army", "Combined Joint Task Force", "Iraqi Army"]


@given(st.integers(1, 99), st.sampled_from(["members", "soldiers", "personnel"]))
def test_people_of_a_body_named_after_them_are_counted(n: int, people: str) -> None:
    for body in BODIES:  # a misspelt body ("Coaliton") is a name all the same
        told = casualties_in(f"and said that {n} {people} of the {body} were wounded")
        assert told.wounded == n


def test_a_kind_before_the_weapon_of_an_attack_is_no_count_and_an_edited_number_is() -> None:
    assert munitions_in("there was a Katyusha rocket attack on the camp") is None
    assert munitions_in("a Grad rocket attack hit the base") is None
    assert munitions_in("at least [14] 107mm rockets impacted the base") == 14
    assert munitions_in("half-a-dozen rockets landed near the gate") == 6


def test_people_reported_as_hurt_are_counted() -> None:
    told = casualties_in("at least one guard has been reported as wounded from the blasts")
    assert told.wounded == 1
    assert casualties_in("two soldiers were confirmed as killed").killed == 2
