"""Which date is an attack's own: the roles a date plays in news copy (a statement's
day, a dateline, the start of a period, another event's day) and how each attack's
date is chosen among them, in invented articles that put the attack and the dates that
are not its own at a distance, with the noise of news pages (captions, quotes,
"Advertisement", background paragraphs, related-story lines).

Each test reproduces one row of the catalogue in docs/extraction.md (Dates, session 5).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from defplan.extract import extract
from defplan.extract.dates import FEW_DAYS, MONTHS, WEEKDAYS, Anchor, few_days_ago, find_dates
from defplan.fields import truncate_date
from defplan.scenario import Scenario
from test_extract_dates_in_copy import _dated, _rows, theater

__all__ = ["theater"]  # the module's fixture, shared with the dates-in-copy tests


# -- the roles of a date ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("On June 18, the command says two rounds landed at the camp.", "opens_statement"),
        ("KIRKUK, Aug 14 (ABC-XYZ) \u2013 A rocket hit the base last night.", "dateline"),
        ("Some Town /Region, 29th January 2024: Three soldiers were hurt.", "dateline"),
        ("It came in revenge for the killing of a commander on the 3rd of May 2021.", "other"),
        ("The bases were hit 90 times since last October 19, a monitor said.", "period"),
        ("It is the first death since last year's October 7 attack on Israel.", "period"),
        ("Rockets hit the camp on June 18, the command says.", "attack"),
        ("The killing of two soldiers on June 18 was the worst loss this year.", "attack"),
    ],
)
def test_each_date_is_given_the_role_it_plays_in_its_sentence(sentence: str, role: str) -> None:
    """A date is an attack's day unless the sentence makes it a statement's day, a
    dateline, the start of a period or the day of another event told around it."""
    date = find_dates(sentence, dt.date(2024, 8, 20))[0]
    roles = {
        "opens_statement": date.opens_statement and date.reported,
        "dateline": date.dateline and date.reported,
        "other": date.other_event,
        "period": date.opens_period,
    }
    if role == "attack":
        assert not any(roles.values()) and not date.reported
    else:
        assert roles[role], roles


# -- the statement's day and the day it quotes ------------------------------------------


def test_a_statement_day_opening_a_list_entry_yields_to_the_day_it_quotes(
    theater: Scenario,
) -> None:
    """A background timeline: "On July 9, the command says: '... landed inside Camp
    Taji, July 8.'" The day quoted is the attack's; the day the entry opens with is
    when it was said. Captions and a related-story line around it change nothing."""
    found = _rows(
        theater,
        dt.date(2019, 12, 30),
        "Timeline: a year of rocket fire at bases hosting foreign troops",
        "Soldiers stand guard at a gate of an army camp north of the capital. (File photo)",
        "In March a militia was sanctioned for its links abroad. Nothing was fired that month.",
        'On July 9, the command says "Indirect fire landed inside the perimeter of Camp '
        'Taji, July 8. There were no casualties, and local forces are investigating."',
        "Advertisement",
        "Related: Parliament debates the presence of foreign troops",
    )
    assert _dated(found) == [("taji", "2019-07-08", "day")]


def test_a_statement_day_opening_the_sentence_dates_the_attack_it_announces(
    theater: Scenario,
) -> None:
    """A report of a Friday attack on Harir recalls, three paragraphs on, a drone that
    hit Harir base, in a sentence that opens "On Wednesday, local sources said": that
    Wednesday dates the earlier attack, so the two stay apart."""
    found = _rows(
        theater,
        dt.date(2023, 10, 21),
        "Armed groups targeted the Harir air base with two drones on Friday.",
        "The drone attack on Harir base left several soldiers hurt.",
        "The groups said the operation was a message of solidarity.",
        "On Wednesday, local sources said that Harir base, home to foreign troops, had "
        "been hit by a drone.",
        "Harir base lies north-east of the regional capital.",
    )
    assert _dated(found) == [("harir", "2023-10-18", "day"), ("harir", "2023-10-20", "day")]


# -- datelines --------------------------------------------------------------------------


def test_a_dateline_with_a_hyphenated_agency_yields_to_last_night(theater: Scenario) -> None:
    """ "KIRKUK, March 3 (ABC-XYZ) \u2013 ... last night": the dateline is the report's
    day; the attack is the night before. A reply paragraph and a monitor's tally
    follow."""
    found = _rows(
        theater,
        dt.date(2022, 3, 3),
        "KIRKUK, March 3 (ABC-XYZ) \u2013 A rocket attack targeted the K1 base, north-west "
        "of Kirkuk, last night, state television reported.",
        "Following the attack, security forces launched a sweep of nearby farmland.",
        "No immediate reports of casualties from the sweep were confirmed.",
        "A monitor said bases in the province had come under attack 40 times since October.",
    )
    assert _dated(found) == [("k1", "2022-03-02", "day")]


def test_a_place_and_day_before_a_colon_dates_the_report_not_the_attack(
    theater: Scenario,
) -> None:
    """ "Some Town /Region, 4th March 2024: Two drones struck Tower 22 ...": a dateline
    (a place, the day, a colon). The attack "in the early hours" has no day of its own,
    so its date stays blank rather than take the report's."""
    found = _rows(
        theater,
        dt.date(2024, 3, 4),
        "Some Town /Region, 4th March 2024: Two drones struck the Tower 22 outpost in "
        "Jordan, wounding four soldiers.",
        "An officer said the attack happened in the early hours near the border.",
        "The outpost hosts a few hundred troops.",
    )
    assert _dated(found) == [("tower_22", None, None)]


# -- the day of another event -----------------------------------------------------------


def test_the_day_of_the_killing_a_strike_avenged_is_not_the_strike_s_day(
    theater: Scenario,
) -> None:
    """A volley told "in May 2021" without its sites; two sentences on, it was "in
    revenge for the killing of a commander ... on the 3rd of May 2021"; then the base it
    hit. The base's attack takes the volley's month, never the killing's day."""
    found = _rows(
        theater,
        dt.date(2022, 6, 1),
        "Over a year ago, in May 2021, militias fired a dozen rockets at two bases.",
        "The bases hosted coalition troops.",
        "The barrage came in revenge for the killing of a militia commander in Baghdad on "
        "the 3rd of May 2021.",
        "The rockets hit the Ain al-Asad air base, and the strike was their answer.",
        "(Photo: the base's runway, 2019)",
    )
    assert ("al_asad", "2021-05-03", "day") not in _dated(found)


def test_a_tally_since_a_day_lends_a_later_attack_nothing_but_a_few_days_ago_its_month(
    theater: Scenario,
) -> None:
    """A monitor's tally "since last October 19" comes right before an attack told "A
    few days ago": the tally opens a period, and "a few days ago" (two to seven days
    before 10 August) is August."""
    found = _rows(
        theater,
        dt.date(2024, 8, 10),
        "Drones targeted a coalition site in the countryside, local sources said.",
        "Photos showed smoke rising over the site.",
        "According to a monitor's count, bases have been attacked 135 times since last "
        "October 19, including 40 attacks on the Conoco gas plant.",
        "A few days ago, a rocket strike on the Ain al-Asad base in Anbar left five soldiers hurt.",
        "Read More: Talks on the troop drawdown stall",
    )
    assert ("al_asad", "2024-08-01", "month") in _dated(found)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_a_few_days_ago_is_a_month_holding_every_day_it_may_mean(published: dt.date) -> None:
    """ "A few days ago" is the month of every day two to seven days back, or nothing."""
    first = published - dt.timedelta(days=FEW_DAYS[1])
    last = published - dt.timedelta(days=FEW_DAYS[0])
    try:
        month, precision = few_days_ago(published)
    except ValueError:
        assert first.month != last.month
        return
    assert precision == "month"
    assert month == truncate_date(first, "month") == truncate_date(last, "month")


# -- a full date after the publication day ----------------------------------------------


@pytest.mark.parametrize(
    ("written", "kept"),
    [("On 30 Sep 2020", True), ("On 6 October 2020", False), ("On Wednesday", False)],
)
def test_a_full_date_a_few_days_after_a_digest_s_day_is_kept(written: str, kept: bool) -> None:
    """A weekly digest filed under Monday 28 September tells "On 30 Sep 2020, three
    rockets ...": a day written in full with its year, up to a week after the page's
    day, is kept; a relative day never lies after it, nor a full date weeks later."""
    found = find_dates(f"{written}, three rockets landed near the airport.", dt.date(2020, 9, 28))
    assert bool(found and found[0].day > dt.date(2020, 9, 28)) is kept


# -- a day counted from another attack, and which way ----------------------------------


def _days_words(days: int, one: str) -> str:
    return f"{one} day" if days == 1 else f"{days} days"


@given(
    st.integers(min_value=1, max_value=60),
    st.sampled_from(["after", "before"]),
    st.sampled_from(["a", "one", "One"]),
)
def test_an_attack_told_after_n_days_after_is_the_one_counted_from(
    days: int, way: str, one: str
) -> None:
    """ "The latest incident came N days after rockets landed on the base": the volley
    after the preposition is N days before the incident (after it, for "before"); an
    attack told before the phrase, or by "N days later" / "One day earlier" opening
    its sentence, is counted from the attack told before."""
    from defplan.extract.dates import day_offset

    sign = 1 if way == "after" else -1
    told = f"The latest incident came {_days_words(days, one.lower())} {way} rockets hit the base."
    assert day_offset(told, told.index("the base")) == -sign * days
    assert day_offset(told, told.index("incident")) == sign * days
    later = f"Drones struck the camp {_days_words(days, one.lower())} later."
    assert day_offset(later, later.index("the camp")) == days
    earlier = f"{_days_words(days, one)} earlier, drones struck the camp."
    assert day_offset(earlier, earlier.index("the camp")) == -days


def test_an_earlier_volley_told_after_came_two_days_after_is_two_days_before(
    theater: Scenario,
) -> None:
    """A Wednesday attack on Ain al-Asad; a paragraph of background; then a sentence
    that says the latest incident "came two days after" a smaller rocket volley on the
    same base that hurt nobody; then a drone at Erbil "On Tuesday". The recalled volley
    is the Monday, not the Friday."""
    found = _rows(
        theater,
        dt.date(2021, 7, 7),
        "At least 14 rockets hit the Ain al-Asad air base on Wednesday, wounding two people, "
        "a spokesman said.",
        "An aerial photo of the base in the western desert [File: Photographer/Agency]",
        "Some 2,500 soldiers are deployed in the country. They have been targeted dozens "
        "of times this year.",
        "The latest incident came two days after three rockets struck Ain al-Asad, hurting nobody.",
        "On Tuesday, a drone attacked Erbil airport, security sources said.",
        "More from News",
    )
    assert _dated(found) == [
        ("al_asad", "2021-07-05", "day"),
        ("al_asad", "2021-07-07", "day"),
        ("erbil", "2021-07-06", "day"),
    ]


# -- an undated page's year -------------------------------------------------------------


def test_an_undated_page_reads_its_days_without_a_year_against_an_embedded_post_s_stamp(
    theater: Scenario,
) -> None:
    """No publication date; the page embeds two posts stamped with their year, and its
    own sentences write "on the evening of 3 March", "on 5 February" and "Around two
    weeks before the Al-Tanf drone attack" without one. The latest stamp (3 March 2023,
    a Friday the page never names) dates the days without a year, the distance gives
    January, and the page's "Monday" stays blank: no day is made up."""
    text = "\n\n".join(
        [
            "(Photo credit: Some Institute)",
            "The Green Village base in the oil field was struck by two rockets on the evening "
            "of 3 March, the command said in a statement.",
            "On the evening of March 3rd, a rocket attack targeted forces at Green Village. "
            "pic.twitter.com/abcdefghij",
            "\u2014 Regional Command (@RegionalCmd) March 3, 2023",
            "The last attack on a base took place on 5 February, when three drones attacked "
            "the Al-Tanf base. Around two weeks before the Al-Tanf drone attack, the Conoco "
            "gas field came under heavy rocket fire.",
            "On Monday, rockets were also fired at the Harir base, a local official said.",
            "\u2014 Regional Command (@RegionalCmd) February 28, 2023",
            "Advertisement",
        ]
    )
    with tempfile.TemporaryDirectory() as folder:
        article = Path(folder) / "page.txt"
        article.write_text(text + "\n", encoding="utf-8")
        extraction = extract([article], theater)
    assert _dated(extraction.rows) == [
        ("al_tanf", "2023-02-05", "day"),
        ("conoco", "2023-01-01", "month"),
        ("green_village", "2023-03-03", "day"),
        ("harir", None, None),
    ]
    [note] = [n for n in extraction.notes if "without a year" in n.message]
    assert "2023-03-03" in note.message and "weekdays were left blank" in note.message


def test_an_older_attack_recalled_in_full_is_no_year_for_an_undated_page_s_days(
    theater: Scenario,
) -> None:
    """An undated page tells drones at Harir "on 18 February" and recalls "On 11
    September 2024, two rockets hit the Ain al-Asad base": the recalled attack may be
    years before the report, so the 18th of February stays blank; the recalled attack
    keeps its own full date."""
    found = _rows(
        theater,
        None,
        "Drones struck the Harir base on 18 February, a security official said.",
        "(File photo: the base's gate)",
        "On 11 September 2024, two rockets hit the Ain al-Asad base, wounding no one.",
    )
    assert _dated(found) == [("al_asad", "2024-09-11", "day"), ("harir", None, None)]


def test_an_undated_page_with_no_day_written_with_its_year_keeps_its_days_blank(
    theater: Scenario,
) -> None:
    """ "On November 17" and "on November 9" with no year anywhere on the page (a
    caption's year does not count): no anchor, no dates, no note."""
    found = _rows(
        theater,
        None,
        "Drones attacked the Harir base on November 17, the agency said.",
        "Soldiers at the Harir base in 2019. (Name Surname/Agency)",
        "Rockets struck the Ain al-Asad base on November 9, a security source said.",
    )
    assert _dated(found) == [("al_asad", None, None), ("harir", None, None)]


# -- a restatement's day beats a statement's -------------------------------------------


def test_an_embedded_post_s_shouted_weekday_beats_the_day_an_agency_reported_it(
    theater: Scenario,
) -> None:
    """An undated page: "Two rockets were fired near Balad air base, according to a
    security cell on Sunday"; a background paragraph; an embedded post in capitals,
    "ROCKET ATTACK ON BALAD AIR BASE ON SATURDAY NIGHT!", stamped 19 December 2021 (a
    Sunday the page names). The retelling's Saturday dates the attack, not the day the
    cell reported it."""
    found = _rows(
        theater,
        None,
        "Two rockets were fired near Balad air base, according to a security cell on Sunday.",
        "The base is often a target because it hosts foreign contractors.",
        "#BREAKING #IRAQ",
        "\u2014 someone (@someone_news) December 19, 2021",
        "! IRAQ: ROCKET ATTACK ON BALAD AIR BASE ON SATURDAY NIGHT!",
        '"An investigation has begun," a statement reads.',
    )
    assert _dated(found) == [("balad", "2021-12-18", "day")]


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("at approx. 2343hrs Sept.11 forces were attacked", dt.date(2021, 9, 11)),
        ("ATTACK ON THE BASE ON SATURDAY NIGHT!", dt.date(2021, 9, 11)),
        ("rockets hit early on saturday", None),
    ],
)
def test_a_month_run_into_its_day_and_a_weekday_in_capitals_are_dates(
    written: str, day: dt.date | None
) -> None:
    """ "Sept.11" (no space after the abbreviation) and "SATURDAY NIGHT" are days; a
    weekday in lower case is not read (news copy capitalises weekdays)."""
    found = find_dates(written, dt.date(2021, 9, 12))
    assert (found[0].day if found else None) == day


# -- a volley told without its sites lends its date at a distance -----------------------


_VOLLEY = (
    "Over a year ago, in January 2020, Iran aimed over a dozen ballistic missiles at two "
    "bases where coalition troops lived."
)
_VOLLEY_BODY = (
    "Coalition personnel were warned hours before. (Photo: a crater at a base, 2020)",
    "Sixteen Missiles Fired At Ain al-Asad - The ballistic missiles hit the Ain al-Asad "
    "air base, leaving a hundred soldiers with brain injuries.",
    "A television programme later showed footage of the strike, shot from above.",
    "Advertisement",
)


def test_a_volley_told_without_its_sites_dates_a_site_it_hit_paragraphs_later(
    theater: Scenario,
) -> None:
    """The lead tells a volley "in January 2020 ... at two bases" and names neither;
    paragraphs of aftermath, a caption and a programme's footage later, a sentence on
    missiles fired at Erbil International Airport names the second.
    Both sites take the volley's month."""
    found = _rows(
        theater,
        dt.date(2021, 5, 25),
        _VOLLEY,
        *_VOLLEY_BODY,
        "At least two ballistic missiles were fired at Erbil International Airport.",
    )
    assert _dated(found) == [("al_asad", "2020-01-01", "month"), ("erbil", "2020-01-01", "month")]


def test_a_volley_lends_no_date_once_the_story_has_moved_to_another_time(
    theater: Scenario,
) -> None:
    """The same lead, then a paragraph that dates another attack ("In March 2021,
    rockets hit Balad"), then, out of that sentence's reach, ballistic missiles at
    Erbil: the story moved on, so the volley's month does not reach Erbil; nor does it
    reach a drone attack (another weapon)."""
    found = _rows(
        theater,
        dt.date(2021, 5, 25),
        _VOLLEY,
        *_VOLLEY_BODY,
        "In March 2021, rockets hit the Balad air base.",
        "Officials there have asked for more air defences. Their request is pending.",
        "Analysts expect more of the same in the coming months.",
        "Ballistic missiles were later fired at Erbil International Airport.",
        "A drone also struck the Harir base.",
    )
    dated = dict((base, day) for base, day, _ in _dated(found))
    assert dated["erbil"] is None and dated["harir"] is None


# -- weekday and year arithmetic --------------------------------------------------------

_DAYS = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2098, 12, 31))


@given(_DAYS, st.sampled_from(WEEKDAYS), st.booleans())
def test_a_weekday_is_the_latest_such_day_in_the_week_up_to_publication(
    published: dt.date, weekday: str, last: bool
) -> None:
    """ "on Saturday" (or "ON SATURDAY") is the latest Saturday on or before the
    publication day; "last Saturday" written on a Saturday is the one a week before."""
    words = f"{'last ' if last else ''}{weekday}"
    for written in (words, words.upper() if not last else words):
        [date] = find_dates(f"Rockets hit the camp {written}.", published)
        back = (published - date.day).days
        assert date.day.weekday() == WEEKDAYS.index(weekday) and date.precision == "day"
        assert (1 if last and published.weekday() == date.day.weekday() else 0) <= back <= 7
        assert back <= 6 or last


@given(_DAYS, st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2001, 12, 31)))
def test_an_undated_page_s_day_without_a_year_falls_in_the_year_up_to_its_anchor(
    anchor: dt.date, written: dt.date
) -> None:
    """A day written without its year ("18 February") on an undated page is the
    latest such day on or before the anchor (its latest stamp): never after it, never
    a year or more before it; a weekday is read only when the anchor allows it."""
    text = f"Rockets hit the camp on {written.day} {MONTHS[written.month - 1]}."
    for weekdays in (True, False):
        [date] = find_dates(text, None, anchor=Anchor(anchor, weekdays))
        assert not date.floating and date.precision == "day"
        assert (date.day.month, date.day.day) == (written.month, written.day)
        assert anchor - dt.timedelta(days=366) < date.day <= anchor
    [weekday] = find_dates("Rockets hit the camp on Saturday.", None, anchor=Anchor(anchor, False))
    assert weekday.floating


# -- the report's own day ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "last_night", "today"),
    [
        (dt.date(2021, 4, 15), "2021-04-13", "2021-04-14"),  # put on the site a day later
        (dt.date(2021, 4, 14), "2021-04-13", "2021-04-14"),  # the dateline's own day
        (dt.date(2021, 4, 30), "2021-04-29", "2021-04-30"),  # too far: not this report's
    ],
)
def test_relative_days_are_read_against_the_lead_s_dateline(
    theater: Scenario, published: dt.date, last_night: str, today: str
) -> None:
    """A wire report datelined "KIRKUK, April 14 (Agency) --" and put on a site the
    next day: its "last night" is the 13th and its "earlier today" the 14th, whatever
    the page's day; a dateline weeks before the page is not its report's day. A caption
    and a background paragraph recalling "On February 15" sit between."""
    found = _rows(
        theater,
        published,
        "KIRKUK, April 14 (Agency) -- Rockets struck the K1 air base last night, a "
        "security statement said.",
        "A gate of the base in an earlier year. (Name Surname/Agency)",
        "On February 15, several rockets landed near Erbil airport.",
        "Earlier today, a drone hit the Harir base, officials said.",
    )
    assert _dated(found) == [
        ("erbil", "2021-02-15", "day"),
        ("harir", today, "day"),
        ("k1", last_night, "day"),
    ]


def test_one_day_earlier_dates_an_attempt_from_the_attack_told_before(
    theater: Scenario,
) -> None:
    """A Wednesday rocket at the airport; "two attempted drone attacks Monday and
    Tuesday" in aggregate; "an attempted attack on the Ain al-Asad air base on
    Tuesday"; "One day earlier, a similar attack was attempted at the Ain al-Asad air
    base": the Monday (it had stayed undated). A background line on an anniversary sits
    between."""
    found = _rows(
        theater,
        dt.date(2022, 1, 5),
        "The army said a rocket struck a base housing foreign troops at Baghdad's "
        "international airport on Wednesday, but no one was hurt.",
        "The incident comes after two attempted drone attacks on foreign forces Monday and "
        "Tuesday. An official confirmed an attempted attack on the Ain al-Asad air base on "
        "Tuesday.",
        "Officials expect more attacks around the anniversary of a general's death.",
        "One day earlier, a similar attack was attempted at the Ain al-Asad air base, but "
        "the drones were shot down.",
    )
    assert _dated(found) == [
        ("al_asad", "2022-01-03", "day"),
        ("al_asad", "2022-01-04", "day"),
        ("biap", "2022-01-05", "day"),
    ]


@given(_DAYS, st.integers(min_value=1, max_value=4))
def test_days_and_weeks_back_are_counted_from_publication(published: dt.date, weeks: int) -> None:
    """ "the day before yesterday" is two days back; "N weeks ago" is the month of
    every day within three of N weeks back, or no date when they span two months."""
    [before] = find_dates("Rockets hit the camp the day before yesterday.", published)
    assert before.day == published - dt.timedelta(days=2)
    found = find_dates(f"Rockets hit the camp {weeks} weeks ago.", published)
    back = published - dt.timedelta(days=7 * weeks)
    first, last = back - dt.timedelta(days=3), back + dt.timedelta(days=3)
    if first.month != last.month:
        assert found == []
    else:
        [date] = found
        assert (date.day, date.precision) == (truncate_date(back, "month"), "month")


@pytest.mark.parametrize(
    ("written", "day", "precision"),
    [
        ("Thursday (October 19)", "2023-10-19", "day"),
        ("on the evening of the 19th", "2023-10-19", "day"),
        ("earlier in the week", "2023-10-01", "month"),
        ("a week ago", "2023-10-01", "month"),
    ],
)
def test_more_ways_a_report_tells_a_day(written: str, day: str, precision: str) -> None:
    """A weekday with its date in brackets is that date (not the weekday's latest day);
    "the evening of the 19th" is the 19th; "earlier in the week" and "a week ago" give
    their month when sure (the report of Thursday 26 October 2023)."""
    [date] = find_dates(f"Rockets hit the base {written}.", dt.date(2023, 10, 26))
    assert (date.day.isoformat(), date.precision) == (day, precision)


@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2098, 12, 31)), st.booleans())
def test_a_weekday_before_an_all_numbers_date_picks_its_order(day: dt.date, us: bool) -> None:
    """ "Sunday 10/12/2023" may be 10 December or 12 October: the weekday written before
    it keeps the order that falls on it; when both or neither do, no date is read."""
    first, second = (day.month, day.day) if us else (day.day, day.month)
    text = f"Rockets hit the camp on {WEEKDAYS[day.weekday()]} {first:02d}/{second:02d}/{day.year}."
    found = find_dates(text, dt.date(2099, 1, 1))
    try:
        other = dt.date(day.year, second, first) if us else dt.date(day.year, first, second)
    except ValueError:
        other = day  # only one order makes a day
    if other == day or other.weekday() != day.weekday():
        assert [(d.day, d.precision) for d in found] == [(day, "day")]
    else:
        assert all(d.day != day or d.precision != "day" for d in found if "/" in d.text)


_PIECES = st.sampled_from(
    [
        "on Sunday",
        "SATURDAY NIGHT",
        "Sept.11",
        "18 February",
        "(ABC-XYZ)",
        "Place, ",
        "30 Sep 2020",
        "10/12/2023",
        "a few days ago",
        "two weeks ago",
        "since last",
        "the day before yesterday",
        "Thursday (October 19)",
        "on the evening of the 19th",
        "in response to the killing of",
        "On June 18, the command says",
        ":",
        " \u2013 ",
        "last night",
        "earlier in the week",
        "29th January 2024",
        "rockets hit the base",
    ]
)


@given(st.lists(_PIECES, max_size=8), _DAYS, st.booleans())
def test_reading_dates_never_fails_and_never_reads_far_ahead(
    pieces: list[str], published: dt.date, undated: bool
) -> None:
    """Any mix of the phrasings above is read without an error; no date lies more than
    a week after publication, and an undated text's relative dates float."""
    text = " ".join(pieces)
    for date in find_dates(text, None if undated else published):
        if not undated:
            assert date.day <= published + dt.timedelta(days=7)
        assert date.start <= date.end <= len(text)


def test_an_embedded_post_s_weekday_is_read_against_its_stamp(theater: Scenario) -> None:
    """An analysis published on Wednesday 22 February embeds a post stamped Tuesday 14
    February: "Drones targeted forces at Green Village on Monday." That Monday is the
    13th (the post's), not the 20th (the page's); the page's own "on Sunday" stays the
    19th. A caption and a background paragraph sit around the post."""
    found = _rows(
        theater,
        dt.date(2023, 2, 22),
        "Attacks on bases in the north-east have risen this month.",
        "(Photo credit: Some Institute)",
        "Drones targeted coalition forces at Green Village on Monday. No injuries. "
        "pic.twitter.com/abcdefghij",
        "\u2014 Regional Command (@RegionalCmd) February 14, 2023",
        "Analysts say the groups are testing air defences.",
        "On Sunday, rockets hit the Conoco gas field, a monitor said.",
    )
    assert _dated(found) == [
        ("conoco", "2023-02-19", "day"),
        ("green_village", "2023-02-13", "day"),
    ]
