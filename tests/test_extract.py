"""Extraction of attacks from news text: counts, dates, sites, exclusions, merging.

Every article here is invented for the test, written the way wire reports write.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from defplan.extract import ExtractedAttack, extract_articles, extract_text
from defplan.extract.articles import Article
from defplan.extract.counts import casualties_in, munitions_in, parse_number
from defplan.extract.dates import find_dates
from defplan.extract.draft import dates_compatible
from defplan.extract.mentions import claim_in
from defplan.extract.sentences import split_sentences
from defplan.scenario import BaseRow

BASES = (
    BaseRow(
        base_id="asad",
        name="Al Asad Air Base",
        aliases="Ain al-Asad; Al Asad; Ain al-Assad",
        lat=33.79,
        lon=42.44,
        country="Iraq",
        region="Al Anbar",
        troops=1500,
    ),
    BaseRow(
        base_id="qaim",
        name="Al-Qaim base",
        aliases="al-Qaim",
        lat=34.37,
        lon=41.09,
        country="Iraq",
        region="Al Anbar",
        troops=0,
    ),
    BaseRow(
        base_id="erbil",
        name="Erbil Air Base",
        aliases="Erbil airport; Irbil airport; Irbil",
        lat=36.24,
        lon=43.96,
        country="Iraq",
        region="Erbil",
        troops=700,
    ),
    BaseRow(
        base_id="taji",
        name="Camp Taji",
        aliases="Taji",
        lat=33.53,
        lon=44.28,
        country="Iraq",
        region="Baghdad",
        troops=0,
    ),
    BaseRow(
        base_id="k1",
        name="K-1 Air Base",
        aliases="K-1; K1; Kirkuk air base",
        lat=35.51,
        lon=44.28,
        country="Iraq",
        region="Kirkuk",
        troops=0,
    ),
    BaseRow(
        base_id="tower_22",
        name="Tower 22",
        aliases="T22",
        lat=33.31,
        lon=38.70,
        country="Jordan",
        region="Mafraq",
        troops=350,
    ),
    BaseRow(
        base_id="tanf",
        name="Al-Tanf garrison",
        aliases="Al-Tanf; At-Tanf",
        lat=33.51,
        lon=38.62,
        country="Syria",
        region="Homs",
        troops=200,
    ),
    BaseRow(
        base_id="embassy",
        name="US Embassy Baghdad",
        aliases="U.S. Embassy; US Embassy",
        lat=33.30,
        lon=44.40,
        country="Iraq",
        region="Baghdad",
        troops=200,
    ),
)
THURSDAY = dt.date(2021, 1, 14)


def rows(text: str, published: dt.date = THURSDAY) -> tuple[ExtractedAttack, ...]:
    return extract_text(text, BASES, published=published).rows


def one(text: str, published: dt.date = THURSDAY) -> ExtractedAttack:
    found = rows(text, published)
    assert len(found) == 1, found
    return found[0]


# -- one attack, every field -------------------------------------------------------------


def test_a_plain_report_gives_site_date_weapon_and_counts() -> None:
    row = one("Three rockets struck Ain al-Asad air base on Tuesday, wounding two contractors.")
    assert (row.base_id, row.date, row.date_precision) == ("asad", dt.date(2021, 1, 12), "day")
    assert (row.weapon, row.munitions, row.wounded) == ("rocket", 3, 2)
    assert row.killed == 0  # wounded told, no death told: no one was killed


def test_deaths_and_wounded_are_told_apart_from_the_munitions() -> None:
    row = one(
        "Four soldiers were killed and at least 23 wounded when eleven mortar rounds hit "
        "Camp Taji on Monday."
    )
    assert (row.munitions, row.killed, row.wounded, row.weapon) == (11, 4, 23, "mortar")


def test_a_list_of_casualties_is_summed() -> None:
    row = one("A drone strike on Tower 22 on Sunday killed one Jordanian and two U.S. troops.")
    assert row.killed == 3 and row.weapon == "drone"


def test_a_named_group_acting_is_the_actor_and_a_sponsor_is_not() -> None:
    claimed = one("Kataib Hezbollah claimed a drone attack on Erbil airport on Sunday.")
    assert claimed.actor == "Kataib Hezbollah"
    sponsored = one("Iran-backed militias fired two rockets at Camp Taji on Monday.")
    assert sponsored.actor is None


def test_a_group_said_to_be_responsible_is_the_actor_and_one_only_blamed_or_sought_is_not() -> None:
    told = "Two rockets hit Camp Taji on Monday. Kataib Hezbollah fighters patrol the area. "
    believed = one(told + "Officials believe the group is responsible for the attack.")
    assert believed.actor == "Kataib Hezbollah"
    for blame in (
        "Officials say the group is not responsible for the attack.",
        "Officials accused the group of being behind the attack.",
        "Officials are trying to find out who was responsible for the attack.",
        "The group is suspected to be behind the attack.",
    ):
        assert one(told + blame).actor is None, blame


def test_a_state_is_the_actor_only_when_it_fires() -> None:
    fired = one("Iran launched a dozen ballistic missiles at Ain al-Asad on Wednesday.")
    assert (fired.actor, fired.weapon, fired.munitions) == ("Iran", "ballistic_missile", 12)
    talked = one("Amid tensions with Iran, a rocket hit the U.S. Embassy on Monday.")
    assert talked.actor is None and talked.base_id == "embassy"


# -- sites ------------------------------------------------------------------------------


def test_a_site_described_by_its_city_resolves_to_the_base_there() -> None:
    assert one("Two rockets struck a camp near the city of Kirkuk on Sunday.").base_id == "k1"


def test_a_host_nation_base_with_coalition_victims_is_the_theater_base() -> None:
    row = one(
        "Dozens of rockets hit an Iraqi military base near the northern city of Kirkuk on "
        "Friday, killing an American contractor."
    )
    assert (row.base_id, row.killed) == ("k1", 1)


def test_an_airbase_in_a_province_is_the_province_s_airbase() -> None:
    # Al Anbar holds two bases; only one of them is an airbase
    assert one("A drone hit an airbase in western Anbar on Sunday.").base_id == "asad"


def test_a_base_on_a_border_resolves_through_the_countries_and_the_map() -> None:
    row = one(
        "In late December a drone struck a small post on the Iraqi-Jordanian border, "
        "killing three U.S. soldiers."
    )
    assert (row.base_id, row.date, row.date_precision) == (
        "tower_22",
        dt.date(2020, 12, 1),
        "month",
    )


def test_an_unknown_site_is_kept_as_written_with_no_base_id() -> None:
    row = one("Mortar rounds fell on a Peshmerga base near Sinjar on Friday, wounding four.")
    assert row.base_id is None and "Sinjar" in row.base


def test_a_local_forces_base_is_not_taken_for_the_theater_base_in_the_same_town() -> None:
    row = one("Five Iraqi soldiers were wounded in a rocket attack on their base near Kirkuk.")
    assert row.base_id is None and row.wounded == 5


@pytest.mark.parametrize(
    "text",
    [
        "Rockets hit an Iraqi army base near Kirkuk on Monday.",
        "Mortar rounds fell on a Peshmerga post near Erbil on Monday.",
    ],
)
def test_a_local_force_named_in_the_site_noun_makes_the_site_its_own(text: str) -> None:
    # the force's words are part of the noun ("army base", "<force> post"), not before it
    assert one(text).base_id is None


def test_a_loosely_spelt_town_still_finds_its_base() -> None:
    # the theater spells it Irbil; the report spells it Erbil
    assert one("A rocket hit a coalition base near Erbil on Monday.").base_id == "erbil"


# -- not attacks on a base ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The United States carried out airstrikes on Kataib Hezbollah sites near al-Qaim.",
        "U.S. warplanes launched retaliatory strikes on militia depots on Friday.",
        "Protesters stormed the U.S. Embassy on Tuesday, setting fire to a gate.",
        "There have been more than 150 attacks on U.S. forces since October.",
        "Near-daily rocket and drone attacks on coalition bases continued last week.",
        "Rockets hit a residential neighbourhood in Irbil on Monday, wounding a child.",
        "Officials fear militias could fire rockets at Ain al-Asad in the coming days.",
        "Counter-rocket systems and Patriot missile batteries defend Camp Taji.",
        "Ain al-Asad has been hit by rockets at least 20 times this year.",
        "Erbil airport has been targeted repeatedly by drones.",
        "The Pentagon says it will respond if militias strike Tower 22 again.",
    ],
)
def test_replies_protests_totals_towns_and_threats_are_not_extracted(text: str) -> None:
    assert rows(text) == ()


def test_a_reply_names_the_actor_of_the_attack_it_answers() -> None:
    row = one(
        "A rocket attack on Camp Taji on Monday killed a contractor. Two days later, U.S. "
        "jets launched airstrikes on sites of the militia Kataib Hezbollah."
    )
    assert row.actor == "Kataib Hezbollah" and row.killed == 1


# -- one attack told in several sentences ---------------------------------------------


def test_later_sentences_about_the_attack_add_to_it() -> None:
    row = one(
        "Rockets struck Camp Taji, officials said. The attack on Tuesday wounded three "
        "contractors. No one was killed."
    )
    assert (row.date, row.wounded, row.killed) == (dt.date(2021, 1, 12), 3, 0)


def test_a_second_attack_on_the_same_base_stays_apart() -> None:
    found = rows(
        "Rockets hit Camp Taji on Monday, wounding two. It was the same base that a drone "
        "struck last month."
    )
    assert [(r.base_id, r.weapon, r.date_precision) for r in found] == [
        ("taji", "rocket", "day"),
        ("taji", "drone", "month"),
    ]


def test_an_undated_attack_takes_the_date_of_the_report_just_before() -> None:
    found = rows(
        "U.S. forces faced two separate attacks, officials told reporters on Wednesday. "
        "A drone was launched at Ain al-Asad air base."
    )
    assert [(r.base_id, r.date) for r in found] == [("asad", dt.date(2021, 1, 13))]


def test_several_sites_in_one_clause_give_one_row_each_without_a_shared_count() -> None:
    found = rows("Iran fired 15 ballistic missiles at Ain al-Asad and Erbil airport on Tuesday.")
    assert {r.base_id for r in found} == {"asad", "erbil"}
    assert all(r.munitions is None for r in found)


# -- across articles -----------------------------------------------------------------------


def test_one_attack_told_by_two_articles_is_one_event_with_both_sources() -> None:
    first = Article(
        "a.txt", "About 20 rockets were fired at Camp Taji on Wednesday.", dt.date(2021, 1, 15)
    )
    second = Article(
        "b.txt",
        "Camp Taji was hit by 14 rockets on January 13, killing a contractor.",
        dt.date(2021, 1, 18),
    )
    result = extract_articles([second, first], BASES)
    assert len({r.event_id for r in result.rows}) == 1
    (event,) = result.attacks
    assert event.source == ("a.txt", "b.txt")
    assert (event.munitions, event.killed, event.date) == (20, 1, dt.date(2021, 1, 13))
    assert "differ on munitions" in (event.notes or "")


def test_attacks_on_one_base_on_different_days_are_different_events() -> None:
    result = extract_articles(
        [
            Article("a.txt", "Rockets hit Camp Taji on March 11.", dt.date(2020, 3, 16)),
            Article("b.txt", "Rockets hit Camp Taji on March 14.", dt.date(2020, 3, 16)),
        ],
        BASES,
    )
    assert len(result.attacks) == 2


# -- parsers: counts -------------------------------------------------------------------------

_SMALL = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def in_words(n: int, hyphen: bool = True, with_and: bool = False) -> str:
    """A whole number 0..999 in English words, as a reporter writes it."""
    if n < 20:
        return _SMALL[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + (("-" if hyphen else " ") + _SMALL[unit] if unit else "")
    hundreds, rest = divmod(n, 100)
    head = f"{_SMALL[hundreds]} hundred"
    if not rest:
        return head
    return f"{head} {'and ' if with_and else ''}{in_words(rest, hyphen)}"


@given(st.integers(0, 999), st.booleans(), st.booleans(), st.booleans())
def test_any_number_written_in_words_or_digits_reads_back(
    n: int, digits: bool, hyphen: bool, with_and: bool
) -> None:
    written = str(n) if digits else in_words(n, hyphen, with_and)
    assert parse_number(written) == n
    if n:
        assert munitions_in(f"at least {written} rockets hit the base") == n
        assert casualties_in(f"wounding {written} soldiers").wounded == n


@pytest.mark.parametrize(
    ("text", "munitions"),
    [
        ("about 30 rockets were fired", 30),
        ("at least ten rockets", 10),
        ("Fourteen to 20 rockets fell", 14),
        ("a barrage of 1,200 rockets", 1200),
        ("two 122mm rockets", 2),
        ("At least one armed drone", 1),
        ("a rocket attack", None),
        ("rockets hit the base", None),
        ("Half a dozen rockets slammed into Camp Taji", 6),
        ("Gunmen lobbed a pair of mortar shells at Camp Taji", 2),
        ("Later, a second one-way attack drone was launched at Al-Tanf", 1),
        ("An Iranian-made Shahed-136 exploded over Al-Tanf", 1),
    ],
)
def test_munitions_follow_the_conventions(text: str, munitions: int | None) -> None:
    assert munitions_in(text) == munitions


@pytest.mark.parametrize(
    ("text", "killed", "wounded"),
    [
        ("claiming the lives of a Danish soldier and two U.S. airmen", 3, None),
        ("more than 100 service members suffered concussive injuries", None, 100),
        ("No U.S. or Iraqi troops were killed", 0, None),
        ("there were no reports of casualties", 0, 0),
        ("Dozens of troops suffered concussions", None, None),
        ("its service member killed was identified as Sgt. Jones, 26", None, None),
        ("34 troops were later diagnosed with concussions", None, 34),
        ("Seven service members received medical treatment", None, 7),
        ("leaving two service members with concussion-like symptoms", None, 2),
        ("three troops were treated for smoke inhalation", None, 3),
        ("a rocket attack on Harir on February 11 injured no one", None, 0),
        ("a rocket attack on Harir on February 11 wounded a contractor", None, 1),
        ("both fell in open ground and caused no harm", 0, 0),
        ("an attack that resulted in three minor injuries", None, 3),
        ("rockets hit the base, causing two minor injuries", None, 2),
        ("the wounded were treated for injuries", None, None),
        # groups with their own nouns and origins are summed
        ("Two American soldiers and a British medic were killed.", 3, None),
        ("Rockets killed two pilots from the air wing and a mechanic.", 3, None),
        (
            "Four advisers from the training mission in Iraq and two Iraqis have been "
            "injured in a drone attack on a base near the border.",
            None,
            6,
        ),
        ("Two soldiers from the base were hurt.", None, 2),
        ("Two soldiers from the base were killed and a medic injured.", 2, 1),
    ],
)
def test_casualties_follow_the_conventions(
    text: str, killed: int | None, wounded: int | None
) -> None:
    told = casualties_in(text)
    assert (told.killed, told.wounded) == (killed, wounded)


# stated zeros (lexicons/harm.csv and zeros.py): (killed, wounded) as casualties_in reads
# them; "no injuries" leaves killed blank here, and the row writes killed 0 (an attack
# told with its wounded and no death is recorded with killed 0)
STATED_ZEROS = [
    ("The strike left no casualties, officials said", 0, 0),
    ("the barrage caused no casualties", 0, 0),
    ("an attack that resulted in no casualties", 0, 0),
    ("two rockets hit the base with no casualties", 0, 0),
    ("No casualties were reported.", 0, 0),
    ("no casualties were recorded at the site", 0, 0),
    ("There were no reports of casualties", 0, 0),
    ("there were no immediate reports of casualties or damage", 0, 0),
    ("the drone exploded without causing any casualties", 0, 0),
    ("without causing any injuries, the army said", 0, 0),
    ("without causing any human or material damage", 0, 0),
    ("without causing damage or injuries", None, 0),
    ("without resulting in any casualties", 0, 0),
    ("without resulting in any causalities", 0, 0),
    ("There were no causalities", 0, 0),
    ("the attack ended without any losses", 0, 0),
    ("The attack did not kill or injure anyone", 0, 0),
    ("the missiles did not kill or injure any Americans", 0, 0),
    ("the rockets did not injure or kill anyone", 0, 0),
    ("didn't hurt anyone", None, 0),
    ("No one was killed or injured", 0, 0),
    ("nobody was hurt, a spokesman said", 0, 0),
    ("no personnel were harmed", 0, 0),
    ("No U.S. or coalition personnel were injured", None, 0),
    ("no coalition forces were reported injured", None, 0),
    ("none of the soldiers were hurt", None, 0),
    ("no one was reported injured", None, 0),
    ("there were no casualties or damage", 0, 0),
    ("No injuries or damage were reported", None, 0),
    ("the rocket caused neither casualties nor damage", 0, 0),
    ("caused neither damage nor casualties", 0, 0),
    ("there were no injuries or fatalities", 0, 0),
    ("there were no U.S. injuries", None, 0),
    ("There were no deaths", 0, None),
    ("with no loss of life", 0, None),
    ("no lives were lost", 0, None),
    ("none were killed", 0, None),
    ("No casualties have been reported so far", 0, 0),
    ("Initial reports indicate no casualties", 0, 0),
    ("no American or coalition personnel were wounded or killed", 0, 0),
    ("without inflicting any casualties", 0, 0),
    ("no deaths or injuries were reported", 0, 0),
    ("left no one dead or injured", 0, 0),
    ("There was no damage or casualties", 0, 0),
    ("None of the troops was injured", None, 0),
    ("none of which caused casualties", 0, 0),
    ("neither of them resulted in injuries", None, 0),
    ("in neither case were there casualties", 0, 0),
    ("no members of the Jordanian military were injured", None, 0),
    # a count of other people told beside the zero is the attack's
    ("There were no U.S. casualties, but two Iraqi guards were wounded", 0, 2),
    ("no Americans were killed, but three contractors were injured", 0, 3),
]
NOT_ZEROS = [
    "There was no word on casualties",
    "it was not immediately clear whether there were casualties",
    "there was no information about casualties",
    # said neither way: the convention leaves the counts blank
    "Casualties were not reported.",
    "The attack did not cause significant losses",
    "no serious injuries were reported",
    "no damage was reported",
    "the rockets caused material damage only",
    "there were no major casualties",
    "no casualty figures were released",
    "no injury reports were immediately available",
    "there was no immediate comment on casualties",
    "officials could not confirm whether there were any casualties",
]


@pytest.mark.parametrize(("text", "killed", "wounded"), STATED_ZEROS)
def test_a_stated_zero_is_read_however_copy_says_it(
    text: str, killed: int | None, wounded: int | None
) -> None:
    told = casualties_in(text)
    assert (told.killed, told.wounded) == (killed, wounded)


@pytest.mark.parametrize("text", NOT_ZEROS)
def test_unknown_hedged_or_material_only_is_no_zero(text: str) -> None:
    told = casualties_in(text)
    assert (told.killed, told.wounded) == (None, None)


# -- parsers: dates ---------------------------------------------------------------------------

RELATIVE = [
    ("on Saturday", "day"),
    ("Wednesday's attack", "day"),
    ("yesterday", "day"),
    ("early this month", "month"),
    ("last month", "month"),
    ("in December", "month"),
    ("in mid-October", "month"),
    ("last October", "month"),
    ("January of last year", "month"),
    ("last year", "year"),
    ("three days ago", "day"),
]


@given(st.dates(dt.date(2016, 1, 1), dt.date(2024, 12, 31)), st.sampled_from(RELATIVE))
def test_relative_dates_fall_on_or_before_publication_with_their_precision(
    published: dt.date, phrase: tuple[str, str]
) -> None:
    words, precision = phrase
    (found,) = find_dates(f"Rockets hit the base {words}.", published)
    assert found.day <= published
    assert found.precision == precision
    assert published - found.day < dt.timedelta(days=2 * 366)


@given(st.dates(dt.date(2016, 1, 1), dt.date(2024, 12, 31)))
def test_last_week_is_before_this_week_at_month_or_year_precision(published: dt.date) -> None:
    (found,) = find_dates("The attack came last week.", published)
    monday = published - dt.timedelta(days=published.weekday())
    assert found.day < monday and found.precision in ("month", "year")


def test_a_weekday_is_the_latest_such_day_on_or_before_publication() -> None:
    monday = dt.date(2024, 4, 22)
    assert [d.day for d in find_dates("on Monday and on Sunday", monday)] == [
        monday,
        dt.date(2024, 4, 21),
    ]


def test_explicit_dates_are_read_in_the_usual_news_formats() -> None:
    published = dt.date(2020, 3, 13)
    found = find_dates("on Dec. 27, 2019, on 8 January 2020, on March 11 and in 2019", published)
    assert [(d.day, d.precision) for d in found] == [
        (dt.date(2019, 12, 27), "day"),
        (dt.date(2020, 1, 8), "day"),
        (dt.date(2020, 3, 11), "day"),
        (dt.date(2019, 1, 1), "year"),
    ]


def test_a_date_after_publication_is_dropped() -> None:
    assert find_dates("Tuesday, August 04, 2020", dt.date(2020, 3, 13)) == []


# -- spans, determinism, robustness -------------------------------------------------------

SITES = ["Ain al-Asad air base", "Camp Taji", "Erbil airport", "K-1 Air Base", "Al-Tanf garrison"]
WEAPONS = [("rockets", "rocket"), ("drones", "drone"), ("mortar rounds", "mortar")]


@given(
    st.integers(2, 60),
    st.sampled_from(WEAPONS),
    st.sampled_from(SITES),
    st.sampled_from(["Monday", "Tuesday", "Saturday"]),
    st.text(alphabet="abcdefgh ,.", max_size=40),
)
def test_spans_point_at_the_sentence_that_names_the_site(
    count: int, weapon: tuple[str, str], site: str, day: str, filler: str
) -> None:
    lead = "Officials gave no details" + filler.replace(".", "") + ". "
    text = f"{lead}{count} {weapon[0]} struck {site} on {day}, a spokesman said."
    row = one(text)
    span = text[row.span_start : row.span_end]
    assert row.base in span and site in span
    assert (row.munitions, row.weapon) == (count, weapon[1])


def test_extraction_is_deterministic_whatever_the_article_order() -> None:
    articles = [
        Article("b.txt", "Two rockets hit Camp Taji on Monday.", THURSDAY),
        Article("a.txt", "A drone struck Ain al-Asad on Tuesday, wounding one.", THURSDAY),
        Article("c.txt", "Camp Taji was hit by two rockets on January 11.", THURSDAY),
    ]
    forward = extract_articles(articles, BASES)
    backward = extract_articles(list(reversed(articles)), BASES)
    assert forward == backward
    assert [r.event_id for r in forward.rows] == [
        "a2021_01_12_asad",
        "a2021_01_11_taji",
        "a2021_01_11_taji",
    ]


@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text: str) -> None:
    result = extract_text(text, BASES, published=THURSDAY)
    for row in result.rows:
        assert 0 <= row.span_start <= row.span_end <= len(text)


def test_sentences_keep_their_offsets_and_do_not_break_after_titles() -> None:
    text = "Lt. Gen. Smith said 3 rockets hit.\nThe U.S. Embassy was not hit. Dec. 27 was quiet."
    found = split_sentences(text)
    assert [s.text for s in found] == [
        "Lt. Gen. Smith said 3 rockets hit.",
        "The U.S. Embassy was not hit.",
        "Dec. 27 was quiet.",
    ]
    assert all(text[s.start : s.end] == s.text for s in found)


# -- styles the seed articles do not show ------------------------------------------------


def test_a_day_of_the_month_and_a_weekday_before_a_date() -> None:
    published = dt.date(2024, 3, 14)
    assert [(d.day, d.precision) for d in find_dates("hit on the 28th", published)] == [
        (dt.date(2024, 2, 28), "day")
    ]
    assert [d.day for d in find_dates("struck on Monday, Jan. 29, wounding", published)] == [
        dt.date(2024, 1, 29)
    ]


def test_an_attack_told_against_the_one_before_takes_its_day_from_it() -> None:
    found = rows(
        "Three rockets hit Camp Taji on Monday. Later that day, a drone struck Al-Tanf. "
        "Two days later, rockets also hit Erbil airport."
    )
    assert [(r.base_id, r.date) for r in found] == [
        ("taji", dt.date(2021, 1, 11)),
        ("tanf", dt.date(2021, 1, 11)),
        ("erbil", dt.date(2021, 1, 13)),
    ]


def test_a_casualty_count_after_a_plain_sentence_still_belongs_to_the_attack() -> None:
    row = one(
        "Militants fired three rockets at Camp Taji on Monday.\n\n"
        "One fell short in a field and the others damaged a hangar. Nobody was hurt."
    )
    assert (row.killed, row.wounded) == (0, 0)
    later = rows(
        "Militants fired three rockets at Camp Taji on Monday.\n\n"
        "On Tuesday, a blast at a militia base in Iraq killed a fighter."
    )
    assert [(r.base_id, r.killed) for r in later] == [("taji", None)]


def test_a_town_like_name_before_a_site_noun_or_after_toward_is_the_base() -> None:
    assert one("Two drones were downed near the Taji base on Monday.").base_id == "taji"
    assert one("The group said it sent two drones toward al-Tanf on Monday.").base_id == "tanf"
    assert rows("A rocket landed in Taji on Monday, wounding a farmer.") == ()


def test_a_capitalised_site_noun_with_a_name_the_theater_lacks_is_kept_as_written() -> None:
    row = one("Two rockets were fired at Mission Support Site Euphrates in Syria on Monday.")
    assert row.base_id is None and row.base.startswith("Mission Support Site Euphrates")
    assert one("Rockets hit Camp Swift near Kirkuk on Monday.").base_id is None


def test_the_attack_a_reply_answers_is_read_in_the_reply_s_sentence() -> None:
    row = one(
        "The U.S. military hit back at militia targets in Syria after rockets struck "
        "Al-Tanf on Sunday, wounding two soldiers."
    )
    assert (row.base_id, row.date, row.wounded) == ("tanf", dt.date(2021, 1, 10), 2)


def test_no_injuries_in_either_attack_counts_for_both() -> None:
    found = rows(
        "On Tuesday a drone targeted Ain al-Asad, and two rockets were fired at Al-Tanf. "
        "There were no injuries in either attack."
    )
    assert [(r.base_id, r.killed, r.wounded) for r in found] == [
        ("asad", 0, 0),
        ("tanf", 0, 0),
    ]


def test_a_state_that_says_it_fired_is_the_actor() -> None:
    row = one("The Revolutionary Guards said they had fired two missiles at Camp Taji on Monday.")
    assert (row.actor, row.weapon, row.munitions) == ("Iran", "ballistic_missile", 2)


def test_an_abbreviation_in_an_alias_matches_with_or_without_stops() -> None:
    embassy = BASES[-1].model_copy(update={"aliases": ("US Embassy",)})
    found = extract_text(
        "A rocket struck the U.S. Embassy on Monday.", [embassy], published=THURSDAY
    )
    assert [r.base_id for r in found.rows] == ["embassy"]


def test_a_city_s_airport_is_its_air_base_but_its_consulate_is_not() -> None:
    airport = one("Erbil's international airport was targeted by three drones on Sunday.")
    assert (airport.base_id, airport.munitions) == ("erbil", 3)
    consulate = one("Missiles struck near the U.S. consulate in Erbil on Sunday.")
    assert consulate.base_id is None and "consulate in Erbil" in consulate.base


# -- one sentence, several attacks ---------------------------------------------------------


def test_one_site_struck_on_two_days_in_one_sentence_is_two_attacks() -> None:
    found = rows(
        "Gunmen went after Ain al-Asad with a drone on Sunday and then with rockets on Monday."
    )
    assert [(r.base_id, r.date, r.weapon, r.munitions) for r in found] == [
        ("asad", dt.date(2021, 1, 10), "drone", 1),
        ("asad", dt.date(2021, 1, 11), "rocket", None),
    ]
    again = rows("Mortar shells fell on Camp Taji on Saturday and again on Tuesday.")
    assert [(r.date, r.weapon) for r in again] == [
        (dt.date(2021, 1, 9), "mortar"),
        (dt.date(2021, 1, 12), "mortar"),
    ]


def test_same_day_and_one_weapon_over_two_sites_stays_one_count_for_none() -> None:
    found = rows("Rockets hit Camp Taji and K-1 on Monday.")
    assert {(r.base_id, r.munitions) for r in found} == {("taji", None), ("k1", None)}


def test_others_and_an_ordinal_after_a_count_are_their_own_volley() -> None:
    found = rows(
        "Seven rockets came down inside Camp Taji and four others struck near the U.S. Embassy "
        "on Monday."
    )
    assert {(r.base_id, r.weapon, r.munitions, r.date) for r in found} == {
        ("taji", "rocket", 7, dt.date(2021, 1, 11)),
        ("embassy", "rocket", 4, dt.date(2021, 1, 11)),
    }
    ordinal = rows("On Tuesday three drones were sent at Erbil airport and a fourth hit Al-Tanf.")
    assert {(r.base_id, r.weapon, r.munitions) for r in ordinal} == {
        ("erbil", "drone", 3),
        ("tanf", "drone", 1),
    }
    different = rows("Two rockets struck K-1 on Sunday while a drone was launched at Al-Tanf.")
    assert {(r.base_id, r.weapon, r.munitions) for r in different} == {
        ("k1", "rocket", 2),
        ("tanf", "drone", 1),
    }


def test_others_at_the_same_site_add_to_the_volley() -> None:
    row = one("Six mortar rounds fell inside Camp Taji on Monday and two others landed outside.")
    assert (row.munitions, row.weapon) == (8, "mortar")
    fourth = one("Three drones were fired at Al-Tanf on Monday and a fourth crashed inside.")
    assert fourth.munitions == 4
    assert munitions_in("another rocket hit the camp") == 1
    assert munitions_in("two drones hit and a third of the staff left") == 2


def test_a_reply_after_and_does_not_hide_the_attack_before_it() -> None:
    row = one("Rockets landed near Camp Taji on Monday and U.S. jets answered with air strikes.")
    assert (row.base_id, row.weapon, row.date) == ("taji", "rocket", dt.date(2021, 1, 11))


def test_struck_again_without_a_site_is_a_new_attack_on_the_last_site() -> None:
    found = rows(
        "Rockets slammed into Ain al-Asad on Jan. 2. Militants struck the base again on Monday."
    )
    assert [(r.base_id, r.date, r.weapon) for r in found] == [
        ("asad", dt.date(2021, 1, 2), "rocket"),
        ("asad", dt.date(2021, 1, 11), None),
    ]
    bare = rows("A drone hit Al-Tanf on Jan. 3. Drones struck again on Tuesday.")
    assert [(r.base_id, r.date) for r in bare] == [
        ("tanf", dt.date(2021, 1, 3)),
        ("tanf", dt.date(2021, 1, 12)),
    ]
    assert rows("Share prices hit new highs again on Tuesday.") == ()


def test_a_bare_number_after_counted_people_picks_some_of_them_out() -> None:
    assert casualties_in("wounding five soldiers, two of them seriously").wounded == 5
    assert casualties_in("injured three contractors, one critically").wounded == 3
    assert casualties_in("killing two Iraqis and one American").killed == 3
    row = one("An attack on K-1 on Monday wounded six troops, one badly.")
    assert (row.killed, row.wounded) == (0, 6)


def test_a_number_in_a_site_s_name_counts_nothing() -> None:
    row = one("A drone strike on Tower 22 killed two soldiers and wounded more than 30 on Sunday.")
    assert (row.base_id, row.killed, row.wounded) == ("tower_22", 2, 30)


def test_an_undated_article_keeps_apart_attacks_its_relative_days_tell_apart() -> None:
    # no publication date: "late on Friday", "two days earlier" and "last week" date
    # nothing, but they still say three attacks, not one
    text = (
        "Drones strike Camp Taji again\n\n"
        "Unidentified drones struck Camp Taji late on Friday, damaging a hangar but causing "
        "no casualties, security sources said.\n\n"
        "This strike followed a similar drone attack two days earlier that set the base's "
        "fuel depot on fire.\n\n"
        "Last week, rockets were fired at that camp too, landing outside its walls.\n"
    )
    found = extract_articles([Article("undated.txt", text, None)], BASES).rows
    assert sorted((r.base_id, str(r.date), r.weapon, str(r.killed)) for r in found) == [
        ("taji", "None", "drone", "0"),
        ("taji", "None", "drone", "None"),
        ("taji", "None", "rocket", "None"),
    ]


def test_an_undated_article_may_call_one_day_saturday_and_last_night() -> None:
    text = (
        "Rockets hit a base housing coalition troops in Iraq on Saturday, "
        "wounding two soldiers.\n\n"
        '"Last night, rockets struck Camp Taji," a spokesman said in a statement.\n'
    )
    found = extract_articles([Article("undated.txt", text, None)], BASES).rows
    assert [(r.base_id, r.date, r.wounded) for r in found] == [("taji", None, 2)]


def test_a_date_in_a_relative_clause_of_another_event_does_not_date_the_attack() -> None:
    attack = one(
        "Several rockets struck Camp Taji. Police said the rocket fire came from the town of "
        "Tarmiyah, which was retaken from militants in 2015 by army units."
    )
    assert (attack.base_id, attack.date) == ("taji", None)


def test_an_undated_report_s_floating_dates_are_told_apart_by_month_not_by_the_stand_in_year() -> (
    None
):
    """Without a publication date, "January 20" is read as of the year before the
    stand-in day and "Saturday" as of its year: the same month all the same."""
    named, weekday, december = find_dates(
        "on January 20 a statement said; on Saturday; in December", None
    )
    assert named.floating and weekday.floating and named.day.year != weekday.day.year
    assert dates_compatible(named, weekday)
    assert not dates_compatible(named, december)


def test_a_new_group_is_named_by_what_it_calls_itself_only_when_that_is_a_name() -> None:
    told = "Two rockets hit Camp Taji on Monday. "
    named = one(told + "A group calling itself the Sons of the Valley claimed the attack.")
    assert named.actor == "Sons of the Valley"
    unnamed = one(told + "A group calling itself a defender of Iraq claimed the attack.")
    assert unnamed.actor is None
    known = one(told + "A group calling itself Kataib Hezbollah claimed the attack.")
    assert known.actor == "Kataib Hezbollah"


def test_a_headline_s_toll_of_an_air_strike_is_not_the_toll_of_the_attack_told_below() -> None:
    # the title counts the dead of the retaliation; the body tells only the earlier
    # rocket attack, which the title does not name and whose toll it does not give
    body = (
        "The strikes followed a rocket attack two days earlier on the K1 base outside "
        "Kirkuk on Friday, January 8, 2021.\n"
    )
    title = "American jets kill 19 militiamen across the Syrian border"
    article = Article("strikes.txt", body, THURSDAY, title=title)
    (row,) = extract_articles([article], BASES).rows
    assert (row.base_id, row.killed, row.wounded) == ("k1", None, None)
    quiet = Article("quiet.txt", body, THURSDAY, title="Rockets Hit K1, No Casualties Reported")
    (zero,) = extract_articles([quiet], BASES).rows
    assert (zero.base_id, zero.killed, zero.wounded) == ("k1", 0, 0)


def test_a_question_of_who_was_behind_an_attack_or_another_s_blame_is_no_claim() -> None:
    asked = one(
        "Rockets hit Camp Taji on Monday. Asaib Ahl al-Haq, a militia close to Tehran, has "
        "warned American troops for months, but police said nobody yet knew who was "
        "responsible for the attack."
    )
    assert (asked.base_id, asked.actor) == ("taji", None)
    assert (
        claim_in("Asaib Ahl al-Haq said Washington was behind the raid that killed a leader.")
        is None
    )
    assert claim_in("Officials did not know which group was behind the attack.") is None
    assert claim_in("Asaib Ahl al-Haq was behind Monday's attack.") == "Asaib Ahl al-Haq"
    assert claim_in("Sources think the faction was behind the attack.", (), "Asaib Ahl al-Haq") == (
        "Asaib Ahl al-Haq"
    )
