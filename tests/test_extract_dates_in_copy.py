"""Dates of attacks as real reporting tells them, in invented articles with the noise of
news pages (datelines, captions, "Advertisement", related-story lists, embedded posts).

Each test reproduces one phenomenon of the catalogue in docs/extraction.md (Dates).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from defplan.extract import ExtractedAttack, extract, extract_text
from defplan.extract.dates import find_dates
from defplan.scenario import Scenario
from defplan.workbook import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"


@pytest.fixture(scope="module")
def theater() -> Scenario:
    return load_scenario(EXAMPLE)


def _rows(
    theater: Scenario, published: dt.date | None, *paragraphs: str
) -> tuple[ExtractedAttack, ...]:
    """The rows of an article of ``paragraphs`` (undated when ``published`` is None)."""
    text = "\n\n".join(paragraphs) + "\n"
    if published is not None:
        return extract_text(text, theater.bases, published=published).rows
    return _undated_rows(theater, text)


def _undated_rows(theater: Scenario, text: str) -> tuple[ExtractedAttack, ...]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        article = Path(folder) / "page.txt"
        article.write_text(text, encoding="utf-8")
        return extract([article], theater).rows


def _dated(rows: tuple[ExtractedAttack, ...]) -> list[tuple[str | None, str | None, str | None]]:
    told = [(r.base_id, r.date.isoformat() if r.date else None, r.date_precision) for r in rows]
    return sorted(told, key=lambda row: tuple(cell or "" for cell in row))


# -- what a report says, and when it says it -------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "reported"),
    [
        ("The ministry said on Sunday that the camp was calm.", True),
        ("A spokesman told reporters at a briefing on Sunday the damage was light.", True),
        ("The unit announced that on the night of Sunday two drones were downed.", False),
        ("According to the agency, two rounds landed late Sunday.", False),
        ("Officials said rockets struck the camp on Sunday.", False),
    ],
)
def test_a_date_after_a_reporting_word_is_the_statement_s_unless_the_content_began(
    sentence: str, reported: bool
) -> None:
    """ "said on Sunday" dates the statement; after "that", a comma or an attack verb the
    report's content has begun, and the date is the content's."""
    [date] = find_dates(sentence, dt.date(2022, 6, 14))
    assert date.reported is reported


def test_an_attack_dated_inside_what_a_unit_announced_keeps_that_day(theater: Scenario) -> None:
    """An undated page: the lead says the unit "reported on Wednesday"; the next sentence
    says what it announced, with the full date. The full date dates the attack."""
    found = _rows(
        theater,
        None,
        "Security unit says drones stopped short of Erbil airport",
        "Regional Desk / The security unit of the region reported on Wednesday that it had "
        "stopped an attack by two drones loaded with explosives aimed at Erbil "
        "International Airport.",
        "The unit announced that early on Wednesday, March 9, 2022, at 04:40, the two drones "
        "heading for the coalition base at the airport were shot down.",
        "Advertisement",
    )
    assert _dated(found) == [("erbil", "2022-03-09", "day")]


def test_according_to_a_wire_the_shells_landed_on_the_day_told(theater: Scenario) -> None:
    """ "According to a wire agency, three shells hit late Friday ...": the source is named
    before a comma, and "late Friday" dates the shells, not the wire's report."""
    found = _rows(
        theater,
        dt.date(2019, 5, 11),  # a Saturday
        "Blasts were heard after mortar shells struck open ground close to the US Embassy "
        "in Baghdad.",
        "According to the wire, three mortar shells hit late Friday inside the "
        "fortified zone that houses the embassy. Police said nobody was hurt.",
    )
    assert _dated(found) == [("embassy", "2019-05-10", "day")]


def test_a_weekday_set_beside_today_is_still_the_statement_s() -> None:
    """ "an official reported today, Saturday, that ...": the comma sets the day's name
    beside "today"; both say when the report was made."""
    found = find_dates(
        "A local official reported today, Saturday, that drones circled the camp.",
        dt.date(2022, 6, 18),
    )
    assert [d.reported for d in found] == [True, True]


def test_the_day_an_attack_was_reported_dates_it_when_nothing_else_does(
    theater: Scenario,
) -> None:
    """The lead tells a rocket attack on "an air base in the north"; the next sentence says
    officials "told a news agency on Thursday night" that K-1 had been hit. Nothing else
    dates it: the day of that statement, in the attack's own sentence, is its day."""
    found = _rows(
        theater,
        dt.date(2021, 4, 23),  # a Friday
        "Breaking",
        "Rocket hits air base in northern Iraq",
        "A rocket attack has hit an air base in the north of the country that houses "
        "coalition troops.",
        "Police and a security source told a news agency on Thursday night that K-1 Air "
        "Base near Kirkuk had been targeted by a single rocket, but there were no "
        "casualties.",
        "Related: Drone downed near airport",
    )
    assert _dated(found) == [("k1", "2021-04-22", "day")]


# -- approximate distances -------------------------------------------------------------


def test_around_two_weeks_before_a_dated_attack_gives_its_month_never_a_day(
    theater: Scenario,
) -> None:
    """A recap of earlier attacks: "on 24 February" dates the Tanf attack; "Around two
    weeks before the Tanf drone attack" places the Conoco one about 10 February, which
    the words allow only to the month. "On the same day as the Conoco attack" names that
    attack: it is no second attack dated from the one told last."""
    found = _rows(
        theater,
        dt.date(2022, 4, 2),
        "Rocket fire on outposts in the east is now routine.",
        "Around a month earlier, on 24 February, two drones attacked the Al-Tanf base.",
        "Around two weeks before the Tanf drone attack, the US base at the Conoco gas "
        "field came under rocket fire.",
        "On the same day as the Conoco attack, a convoy of trucks crossed the border.",
        "Advertisement",
    )
    assert _dated(found) == [("al_tanf", "2022-02-24", "day"), ("conoco", "2022-02-01", "month")]


def test_a_distance_that_may_cross_a_month_leaves_the_attack_undated(
    theater: Scenario,
) -> None:
    """ "About a week before that" from 8 February may be the first days of February or
    the last of January: no month is sure, so no date."""
    found = _rows(
        theater,
        dt.date(2022, 4, 2),
        "On 8 February, two drones attacked the Al-Tanf base.",
        "About a week before that, the US base at the Conoco gas field came under rocket fire.",
    )
    assert _dated(found) == [("al_tanf", "2022-02-08", "day"), ("conoco", None, None)]


def test_the_same_day_as_an_attack_on_another_base_is_that_attack_s_day(
    theater: Scenario,
) -> None:
    """ "On the same day as the Green Village rocket attack, drones were driven off near
    Al-Tanf": the Tanf attack takes the Green Village attack's day."""
    found = _rows(
        theater,
        dt.date(2022, 8, 17),  # a Wednesday
        "Rockets were fired on Monday at the Green Village outpost in Syria; no one was hurt.",
        "On the same day as the Green Village rocket attack, coalition troops drove off "
        "several drones near the base at Al-Tanf.",
    )
    assert _dated(found) == [
        ("al_tanf", "2022-08-15", "day"),
        ("green_village", "2022-08-15", "day"),
    ]


# -- the day told between two retellings -------------------------------------------------


def test_explosions_heard_on_a_day_between_two_retellings_date_the_attack(
    theater: Scenario,
) -> None:
    """Agency copy: the lead says rockets hit "an airbase in Saladin province"; the next
    sentence says a correspondent heard explosions near Balad Air Base on Sunday (no
    weapon, no attack word); the one after names the rockets that fell inside it. The
    day of the explosions, told between two retellings, is the attack's."""
    found = _rows(
        theater,
        dt.date(2021, 3, 7),  # a Sunday
        "Mar 7, 2021, 8:10 PM",
        "Rockets land on airbase in Saladin: report",
        "CAPITAL, Mar. 7 (Agency) - Local sources said that several rockets hit an airbase "
        "in Saladin province in Iraq.",
        "A correspondent reported the sound of explosions near Balad Air Base in Saladin "
        "on Sunday.",
        "Two Katyusha rockets fell inside Balad Air Base, a security source said, and one "
        "contractor was hurt.",
        "Tags",
    )
    assert _dated(found) == [("balad", "2021-03-07", "day")]


def test_a_tally_between_two_retellings_lends_no_date(theater: Scenario) -> None:
    """ "Militias have claimed a dozen attacks since earlier this month" told between an
    attack and the claim of it says nothing of that attack's day."""
    found = _rows(
        theater,
        dt.date(2023, 10, 28),
        "Near Al Asad Air Base, US troops brought down a one-way attack drone, an official said.",
        "Militias say they have struck bases over a dozen times since the war began "
        "earlier this month.",
        "A group calling itself the Islamic Resistance in Iraq said it carried out the attack.",
    )
    assert _dated(found) == [("al_asad", None, None)]


# -- pages without a publication date ----------------------------------------------------


def test_an_undated_page_s_weekdays_are_read_against_an_embedded_post_s_stamp(
    theater: Scenario,
) -> None:
    """No date in the header; the body says "on Saturday" and recalls an attack "on
    Wednesday"; an embedded post ends with its stamp, 14 March 2020 (a Saturday). The
    stamp anchors both weekdays; the note says so."""
    text = "\n\n".join(
        [
            "Second barrage in a week hits Camp Taji",
            "Around 20 rockets struck Camp Taji on Saturday, a coalition spokesman said "
            "on social media. Four soldiers were wounded.",
            "Coalition confirms about 20 rockets hit Camp Taji. Assessment ongoing.",
            "\u2014 Coalition Spokesman (@CoalitionSpox) March 14, 2020",
            "On Wednesday, another rocket attack on the camp killed two soldiers.",
            "Advertisement",
        ]
    )
    found = _undated_rows(theater, text + "\n")
    assert _dated(found) == [("taji", "2020-03-11", "day"), ("taji", "2020-03-14", "day")]


def test_an_undated_page_whose_latest_full_date_has_another_weekday_keeps_weekdays_blank(
    theater: Scenario,
) -> None:
    """ "early Tuesday" and an earlier attack "On 11 September 2024" (a Wednesday): the
    full date is no stamp of the report's week, so Tuesday stays blank; and a Tuesday is
    not that Wednesday, so the recalled attack is no retelling of the new one."""
    found = _rows(
        theater,
        None,
        "BAGHDAD \u2014 Rockets were fired at the Victory base near Baghdad International "
        "Airport early Tuesday, security sources said. No one was hurt.",
        "On 11 September 2024, two rockets hit a coalition base near Baghdad "
        "International Airport.",
    )
    assert _dated(found) == [("biap", None, None), ("biap", "2024-09-11", "day")]


def test_a_caption_s_date_is_no_anchor_for_an_undated_page(theater: Scenario) -> None:
    """A photo caption dated "Wednesday, Jan. 8, 2020" (with its credit) heads an undated
    report of an attack "on Wednesday" a year later: the picture's day anchors nothing."""
    found = _rows(
        theater,
        None,
        "The airport is pictured here on Wednesday, Jan. 8, 2020. (Name Surname/Agency)",
        "A rocket attack on Wednesday hit Erbil International Airport, killing a contractor.",
    )
    assert _dated(found) == [("erbil", None, None)]


# -- a day of another attack -------------------------------------------------------------


def test_where_after_a_described_base_is_that_base_not_the_attack_told_before(
    theater: Scenario,
) -> None:
    """Two wire reports pasted in one page: drones hit Harir on Wednesday; then "A
    military base in southern Syria where US troops train local forces was attacked by
    drones on Thursday". The "where" is the described base, so Thursday is that base's
    day, not a second day of the Harir attack."""
    found = _rows(
        theater,
        dt.date(2023, 5, 12),  # a Friday
        "One wire reports:",
        "A drone attack early on Wednesday targeted the al-Harir air base, which hosts US "
        "forces north of Erbil, two officials said. [Continue reading...]",
        "Another wire reports:",
        "A military base in southern Syria where US troops train local forces was "
        "attacked by drones on Thursday, two officials said.",
        "Follow by Email",
    )
    harir = [r for r in found if r.base_id == "harir"]
    assert [(r.date, r.date_precision) for r in harir] == [(dt.date(2023, 5, 10), "day")]
    assert len(found) == 2


def test_a_picture_s_date_repeated_without_its_credit_is_no_anchor(theater: Scenario) -> None:
    """An undated page repeats a photo caption ("... at Camp Taji ... March 5, 2017", a
    Sunday) once with its credit and once without, then tells rockets at Taji "on
    Tuesday evening" and at Balad "On Sunday". The picture's day says nothing of the
    report's week: both attacks stay undated."""
    found = _rows(
        theater,
        None,
        "Rockets fired at base housing US troops",
        "Soldiers line up for an inspection at an army base in Camp Taji, Iraq, March 5, "
        "2017. (photo credit: NAME SURNAME/AGENCY)",
        "Soldiers line up for an inspection at an army base in Camp Taji, Iraq, March 5, 2017.",
        "(photo credit: NAME SURNAME/AGENCY)",
        "Four rockets were fired at Camp Taji, north of Baghdad, on Tuesday evening, local "
        "media reported. Nobody was hurt.",
        "On Sunday, two soldiers were wounded when six rockets struck Balad air base, the "
        "army said.",
    )
    assert _dated(found) == [("balad", None, None), ("taji", None, None)]


def test_the_base_after_explosions_heard_at_a_named_base_is_that_base(
    theater: Scenario,
) -> None:
    """A blog post: "Tonight a loud blast was heard at Al Asad Air Base"; the next
    sentence says "the base was attacked by a drone". No attack was told before the
    drone, so "the base" is the base where the blast was heard, and "tonight" its day."""
    found = _rows(
        theater,
        dt.date(2022, 9, 3),
        "Tonight, residents heard a loud blast at Al Asad Air Base in western Iraq, which "
        "hosts US troops.",
        "Witnesses and local sources said the base was attacked by a drone.",
        "Officials have not yet commented.",
    )
    assert _dated(found) == [("al_asad", "2022-09-03", "day")]


def test_last_weekday_written_on_that_weekday_is_a_week_before() -> None:
    """ "last Wednesday" in a report of a Wednesday is the Wednesday before, never the
    day of publication; "on Wednesday" that day is that day."""
    wednesday = dt.date(2024, 1, 31)
    [last] = find_dates("Rockets hit the camp last Wednesday.", wednesday)
    [plain] = find_dates("Rockets hit the camp on Wednesday.", wednesday)
    assert (last.day, plain.day) == (dt.date(2024, 1, 24), wednesday)


# -- a fourth fresh reading: spellings, bylines, logs --------------------------------------


def test_a_dated_byline_under_the_headline_dates_an_undated_page(theater: Scenario) -> None:
    """ "- Wire Service - Wednesday, September 21, 2016" under the headline is the page's
    date line; "the attack happened Tuesday at Qayara West air base" (the base spelt
    with one y and no final h) is then 20 September."""
    found = _rows(
        theater,
        None,
        "Rocket that hit base may have carried chemical agent",
        "- Wire Service - Wednesday, September 21, 2016",
        "WASHINGTON (Wire) - A small rocket that landed on a base in northern Iraq may have "
        "carried a chemical agent, an official said Wednesday.",
        "The official told reporters that the attack happened Tuesday at Qayara West air "
        "base. No one was hurt.",
    )
    assert _dated(found) == [("q_west", "2016-09-20", "day")]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("09/20/2016: Assailants fired rockets at the camp.", dt.date(2016, 9, 20)),
        ("20/09/2016: Assailants fired rockets at the camp.", dt.date(2016, 9, 20)),
        ("05/05/2020: Assailants fired rockets at the camp.", dt.date(2020, 5, 5)),
        ("Rockets hit the camp on 14.01.2024.", dt.date(2024, 1, 14)),
        ("03/02/2024: Assailants fired rockets at the camp.", None),
    ],
)
def test_an_all_numbers_date_is_read_only_when_one_order_makes_a_day(
    text: str, day: dt.date | None
) -> None:
    """An incident log's "09/20/2016" can only be 20 September; "03/02/2024" may be 3
    February or 2 March, and is not read."""
    found = find_dates(text, None)
    assert [d.day for d in found] == ([day] if day else [])


def test_a_pullout_that_comes_after_an_attack_elsewhere_lends_it_no_site(
    theater: Scenario,
) -> None:
    """ "The withdrawal from Qayara airfield comes after" a pair of rockets struck a
    guarded district of Baghdad: the rockets fell elsewhere, not at the airfield the troops are
    leaving."""
    found = _rows(
        theater,
        dt.date(2020, 3, 26),
        "The withdrawal from Qayara airfield comes after a pair of rockets struck a heavily "
        "guarded district in Baghdad.",
        "The coalition began leaving the airfield in line with its plans.",
    )
    assert [r.base_id for r in found] == []


def test_the_first_attack_since_a_day_when_another_hit_recalls_that_attack(
    theater: Scenario,
) -> None:
    """ "the first attack on the K1 base since December 27 last year, when" a rocket
    salvo killed a contractor: the day opens a period for the new attack, and is the day
    of the recalled one, at the base the clause before names. Two rows."""
    found = _rows(
        theater,
        dt.date(2020, 2, 14),  # a Friday
        "A rocket hit K-1 Air Base near Kirkuk on Thursday night, officials said. Nobody was hurt.",
        "It was the first attack on the K1 base since December 27 last year, when a rocket "
        "salvo killed a US contractor and hurt several troops.",
    )
    assert _dated(found) == [("k1", "2019-12-27", "day"), ("k1", "2020-02-13", "day")]


def test_the_united_states_embassy_written_out_is_the_theater_s_embassy(
    theater: Scenario,
) -> None:
    """The example theater's aliases (data) spell the embassy out as well."""
    found = _rows(
        theater,
        dt.date(2020, 3, 18),
        "Three rockets hit near the United States Embassy on 17 March.",
    )
    assert _dated(found) == [("embassy", "2020-03-17", "day")]


@pytest.mark.parametrize(
    ("place", "base_id"),
    [
        ("a military base in southern Syria", "al_tanf"),
        ("a military base in western Iraq", "al_asad"),
        ("a US base in north-east Syria", None),  # several bases lie there
        ("a base in northern Iraq", None),
    ],
)
def test_a_base_in_a_part_of_a_country_is_the_one_base_there(
    theater: Scenario, place: str, base_id: str | None
) -> None:
    """ "A military base in southern Syria": the bases of that country that lie in that
    part of it (from the country's middle, as "north of Baghdad" is from the town), one
    base only when one fits; data: the theater's coordinates, the country middles of
    places.py."""
    found = _rows(theater, dt.date(2023, 10, 20), f"Drones attacked {place} on Thursday.")
    assert [r.base_id for r in found] == [base_id]


def test_a_caption_printed_again_without_its_credit_is_still_a_caption(
    theater: Scenario,
) -> None:
    """A page prints a photo caption twice, once with its credit: "Soldiers practise
    mortar drills ... at Al-Tanf garrison, Syria, in May 2021." The copy without the
    credit is the same caption: it tells no mortar attack of May 2021."""
    found = _rows(
        theater,
        dt.date(2023, 10, 23),  # a Monday
        "Soldiers practise mortar drills with partner forces at Al-Tanf garrison, Syria, in "
        "May 2021.",
        "Soldiers practise mortar drills with partner forces at Al-Tanf garrison, Syria, in "
        "May 2021. (Name Surname/Army)",
        "Two drones were shot down over the Al-Tanf garrison early Monday, officials said.",
    )
    assert _dated(found) == [("al_tanf", "2023-10-23", "day")]


def test_a_machine_timestamp_under_the_headline_dates_an_undated_page(
    theater: Scenario,
) -> None:
    """ "2021-02-20T19:03:29+00:00" under the headline (a scraped page's timestamp) is its
    date line: "today Saturday" and "on Saturday" are then 20 February 2021."""
    found = _rows(
        theater,
        None,
        "Statement on the Balad attack",
        "2021-02-20T19:03:29+00:00",
        "The security cell issued today Saturday a statement on the attack at Balad Air Base.",
        "Three Katyusha rockets landed inside Balad Air Base on Saturday, wounding two "
        "workers, a source said.",
    )
    assert _dated(found) == [("balad", "2021-02-20", "day")]


def test_the_previous_week_is_counted_from_the_attack_told_before(theater: Scenario) -> None:
    """ "In late July, rockets were fired at Camp Taji", then two drones that had hit
    the camp "the previous week": the week before late July is still July (a month,
    never a day); counted from publication (6 August) it had spanned two months."""
    found = _rows(
        theater,
        dt.date(2024, 8, 6),
        "Several soldiers were hurt when rockets hit Al Asad Air Base on Monday.",
        "In late July, multiple rockets were launched at Camp Taji. No one was hurt.",
        "A pair of armed drones had also struck Camp Taji the previous week.",
    )
    assert _dated(found) == [
        ("al_asad", "2024-08-05", "day"),
        ("taji", "2024-07-01", "month"),
        ("taji", "2024-07-01", "month"),
    ]
