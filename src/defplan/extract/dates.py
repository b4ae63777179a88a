"""Dates in news text, resolved against the publication date with their precision.

Explicit dates ("Dec. 27, 2019", "March 11", "in December") are read by dateparser
with the publication date as ``RELATIVE_BASE`` and dates preferred from the past.
Relative words are resolved here, each to the precision the words support:

=============================  =================================================
"on Saturday", "Wednesday's"   the latest such day on or before publication: day
                               ("last Wednesday" written on a Wednesday: a week ago)
"yesterday" / "last night"     the day before publication: day
"the day before yesterday"     two days before publication: day
"a few days ago", "a week ago" the month of every day the words allow (two to seven
                               days back; a week back, three days either way), when
                               they share one; else no date
"today", "earlier today"       the publication day, *weak*: it gives way to any
                               other date told of the same attack
"early/late this month"        the publication month: month
"last month"                   the month before: month
"in December", "mid-October"   the latest such month on or before publication: month
"last October"                 the latest such month before the publication month
"January of last year"         that month of the year before: month
"December 27 last year"        that day of the year before: day
"last week" / "this week"      the days of that week, at the coarsest precision they
                               share (month, or year when the week spans two months)
                               ("the previous week" is counted from the attack told
                               before: ``approximate_month``)
"last year", "in 2019"         year
"on the 28th"                  the latest 28th on or before publication: day
"Monday, Jan. 29"              the date written, not the weekday: day
"Thursday (October 19)"        the date written, not the weekday: day
=============================  =================================================

A date after the publication day is dropped (a page stamp or a mistake), except a day
written in full with its year up to a week after it (a digest filed under the day its
week opens). Relative dates are read against the lead's dateline day when it is a few
days before publication (``report_day``), and an undated page's days without a year
against its anchor (``Anchor``). Each date carries named roles (``_roles``): whether it
is a statement's day, a dateline, the start of a period, another event's day, or the
day that names the attack; ``mentions`` and ``events`` choose each attack's date by
them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final

from defplan.fields import DatePrecision, truncate_date

MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# month names are matched in capitals only: "may" and "march" are also verbs
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# a weekday in capitals, as a post shouting its news writes it ("ON SATURDAY NIGHT")
_WEEKDAY_CAPS = r"(?:MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY)"
_PART = r"(?i:early|earlier|late|later|mid|middle\s+of|end\s+of|beginning\s+of|start\s+of)"

# Each pattern names the resolver it needs; the first to match a stretch of text wins.
PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("iso", re.compile(rf"\b{_YEAR}-[01]\d-[0-3]\d\b")),
    # "09/20/2016", "14.01.2024": only when one order alone makes a day (see _numeric_day)
    (
        "numeric",
        re.compile(
            rf"\b(?:(?P<weekday>{_WEEKDAY}),?\s+)?"
            rf"(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[0-3]?\d)(?P=sep)(?P<y>{_YEAR})\b"
        ),
    ),
    (
        "day_month_year",
        re.compile(
            rf"\b(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+(?:of\s+)?{_MONTH},?"
            rf"\s+{_YEAR})\b"
        ),
    ),
    # "December 27 last year", "27 December of last year": that day of the year before
    (
        "day_month_last_year",
        re.compile(
            rf"\b(?:{_MONTH}\s+{_DAY}|{_DAY}\s+(?:of\s+)?{_MONTH}),?\s+(?i:of\s+)?(?i:last\s+year)\b"
        ),
    ),
    (
        "month_last_year",
        re.compile(rf"\b(?:{_PART}[\s-]+)?{_MONTH}\s+(?i:of\s+)?(?i:last\s+year)\b"),
    ),
    ("month_year", re.compile(rf"\b(?:{_PART}[\s-]+)?{_MONTH},?\s+(?:of\s+)?{_YEAR}\b")),
    (
        "day_month",
        re.compile(
            rf"\b(?:{_WEEKDAY}(?:,?\s+|\s*\())?(?:{_MONTH}(?:\s+|(?<=\.)){_DAY}"
            rf"|{_DAY}\s+(?:of\s+)?{_MONTH})"
            r"\b(?!\s*\d)"
        ),
    ),
    ("last_month_name", re.compile(rf"\b(?i:last)\s+{_MONTH}(?=[\s,.;]|$)")),
    (
        "month",
        re.compile(
            rf"(?:\b(?i:in|since|during|until|by|of|on|from|early|earlier|late|later|mid)[\s-]+"
            rf"(?:(?i:early|late|mid)[\s-]+)?|\b{_PART}[\s-]+){_MONTH}(?=[\s,.;]|$)"
            rf"|^{_MONTH}(?=[\s,])"
        ),
    ),
    (
        "this_month",
        # ("earlier in the month", as "earlier in the week" and "earlier in the year")
        re.compile(
            r"\b(?:(?:early|earlier|late|later|mid)[\s-]+)?this\s+month\b"
            r"|\b(?:earlier|later|early|late)\s+in\s+the\s+month\b",
            re.I,
        ),
    ),
    ("last_month", re.compile(r"\b(?:(?:early|late|mid)[\s-]+)?last\s+month\b", re.I)),
    ("last_week", re.compile(r"\blast\s+week(?:['\u2019]s)?\b", re.I)),
    (
        "this_week",
        re.compile(r"\b(?:earlier\s+)?this\s+week\b|\b(?:earlier|later)\s+in\s+the\s+week\b", re.I),
    ),
    (
        "yesterday",
        re.compile(r"\b(?:the\s+day\s+before\s+)?yesterday\b|\blast\s+night\b", re.I),
    ),
    (
        "today",
        re.compile(
            r"\b(?:earlier\s+|later\s+)?today\b|\btonight\b|\bthis\s+(?:morning|afternoon"
            r"|evening)\b",
            re.I,
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?i:last\s+|this\s+past\s+|(?:early|late)\s+)?(?:{_WEEKDAY}|{_WEEKDAY_CAPS})"
            r"(?:['\u2019]s)?(?i:\s+(?:morning|afternoon|evening|night))?\b"
        ),
    ),
    # "a few days ago": its month, when every day the words allow lies in one
    ("few_days_ago", re.compile(r"\b(?:a\s+few|several|some)\s+days\s+ago\b", re.I)),
    # "two weeks ago": its month, when every day within three of it lies in one
    ("weeks_ago", re.compile(r"\b(?P<n>a|one|two|three|four|[1-4])\s+weeks?\s+ago\b", re.I)),
    ("days_ago", re.compile(r"\b(?P<n>\w+)\s+days\s+ago\b", re.I)),
    # "on the 28th": the latest 28th on or before publication (an ordinal is needed)
    (
        "day_of_month",
        re.compile(
            r"\b(?i:on|by|since|until)\s+(?i:the\s+(?:morning|afternoon|evening|night)\s+of\s+)?"
            r"the\s+(?P<d>[12]\d|3[01]|[1-9])(?:st|nd|rd|th)\b"
        ),
    ),
    (
        "this_year",
        re.compile(
            r"\b(?:earlier\s+|early\s+|late\s+)?this\s+year\b"
            r"|\b(?:earlier|later|early|late)\s+in\s+the\s+year\b",
            re.I,
        ),
    ),
    # "at the end of last year": December; "the start of this year": January
    (
        "year_part",
        re.compile(
            r"\b(?P<part>end|close|beginning|start)\s+of\s+(?P<which>last|this)\s+year\b", re.I
        ),
    ),
    ("last_year", re.compile(r"\blast\s+year\b", re.I)),
    ("year", re.compile(rf"\b(?i:in|during|since|of)\s+(?i:early\s+|late\s+|mid-)?({_YEAR})\b")),
)
# a date right after these words is when something was said, not when it happened
REPORTING_WORD: Final = re.compile(
    r"\b(?:said|says|told|tells|announced|statement|reported|reporters|tweeted|added|confirmed"
    r"|stated|wrote|briefing|press\s+conference|interview|spoke|according\s+to)\b",
    re.IGNORECASE,
)
REPORTING_VERB: Final = re.compile(
    r"(?:says|said|announced|reported|stated|confirmed|told|tweeted|wrote|added)\b"
)
REPORTING_BEFORE: Final = re.compile(
    rf"{REPORTING_WORD.pattern}(?:\s+\S+){{0,6}}\s*$", re.IGNORECASE
)


# "announced that on Tuesday ...", "according to AFP, three shells hit late Friday",
# "said rockets struck the base on Monday": between the reporting word and the date
# the report's content begins, so the date is the content's, not the statement's (the
# comma of "reported today, Saturday" only sets the day beside its name)
REPORTED_CONTENT: Final = re.compile(
    r"\bthat\b|(?<!today)(?<!tonight),|\b(?:hit|struck|landed|fell|impacted|targeted|fired|launched|attacked"
    r"|shelled|exploded|crashed|came\s+under)\b",
    re.IGNORECASE,
)


# "Baghdad, Feb 16 (IANS)", "DAMASCUS, Aug 14 (NNN-SANA) -": a dateline dates the
# report, not the attack
DATELINE_AFTER: Final = re.compile(r"^\s*\((?:[A-Z][\w.&-]*\s?){1,3}\)")
# "Colombia /America, 29th January 2024: At least ...": a place opens the sentence, the
# day follows it and a colon or a dash opens the report
DATELINE_PLACE_BEFORE: Final = re.compile(r"^\s*[A-Z][\w./'\u2019 -]{0,40},\s*$")
DATELINE_MARK_AFTER: Final = re.compile(r"^\s*(?:[:\u2013\u2014]|-\s)")
# "BAGHDAD (Outlet / Agency - 28th July, 2020) Rockets ...": the day inside the
# parenthesis of outlets after the place that opens the sentence
DATELINE_IN_PARENS_BEFORE: Final = re.compile(
    r"^\s*[A-Z][\w.'\u2019 -]{0,40}\s\((?:[A-Z][\w.&'\u2019-]*\s?){1,4}"
    r"(?:[/,]\s*(?:[A-Z][\w.&'\u2019-]*\s?){1,4})*\s*[-\u2013\u2014,]\s*$"
)
DATELINE_IN_PARENS_AFTER: Final = re.compile(r"^\s*\)")
# "On June 18, the Coalition says ...", "officials on Thursday said": the date of the
# statement the sentence opens with (or whose verb it stands before)
STATEMENT_AFTER: Final = re.compile(
    r"^,?\s+(?:(?!(?:hit|struck|landed|fell|fired|launched|attacked|targeted|shelled)\b)"
    r"[\w.'\u2019-]+\s+){0,4}?" + REPORTING_VERB.pattern,
    re.IGNORECASE,
)
# "in response to the killing of X in Baghdad on 3 January 2020", "since the earthquake
# earlier this month": the date of another event the attack is told against
OTHER_EVENT_BEFORE: Final = re.compile(
    r"\b(?:since|after|following|amid|in\s+(?:response|retaliation|revenge|reaction)\s+"
    r"(?:to|for)|to\s+avenge|avenging|anniversary\s+of|marking)\s+(?:the\s+|a\s+|an\s+)?"
    r"(?:[\w'\u2019-]+\s+){0,3}?(?:killing|assassination|earthquake|election|elections"
    r"|withdrawal|visit|funeral|ceasefire|truce|invasion)\b"
    r"(?:(?!\b(?:attack|attacks|strike|strikes|rocket|rockets|drone|drones|missile|missiles"
    r"|when|which|and|but)\b)[^.;:!?])*$",
    re.IGNORECASE,
)
# "since late October": the start of a period, never the day of one attack
# ("since last October 19", "since last year's October 7 attack")
PERIOD_START_BEFORE: Final = re.compile(
    r"\b(?:since|from)\s+(?:(?:last|this)\s+(?:year['\u2019]s\s+)?)?$", re.IGNORECASE
)
# "A year ago on January 8": that day of the year before
YEAR_AGO_BEFORE: Final = re.compile(r"\b(?:a|one)\s+year\s+ago,?\s+(?:on\s+|in\s+)?$", re.I)


# a date right before these words dates the attack itself ("Wednesday's attack")
EVENT_AFTER: Final = re.compile(
    r"^\s*(?:['\u2019]s\s+)?(?:(?!the\b)\w+\s+)?(?:attack|strike|barrage|rocket|drone|missile)",
    re.I,
)


# A day told against the attack told before: "later that day", "hours earlier" (0),
# "the next day" (+1), "the day before" (-1), "two days later" (+2).
DAY_AFTER_ATTACK: Final = re.compile(
    r"\b(?:later|earlier)\s+(?:that|the\s+same)\s+(?:day|night|morning|afternoon|evening)\b"
    r"|\b(?:that|the)\s+same\s+(?:day|night|morning|afternoon|evening)\b"
    r"|\b(?:hours|minutes)\s+(?:later|earlier|before|after(?:wards?)?)\b"
    r"|(?P<next>\bthe\s+(?:next|following)\s+(?:day|morning|night|evening)\b)"
    r"|(?P<previous>\bthe\s+(?:day|night|evening)\s+before\b"
    r"|\bthe\s+previous\s+(?:day|night|evening)\b)"
    r"|\b(?:a|one)\s+day\s+(?P<one_way>later|after|earlier|before)\b"
    r"|\b(?P<n>\w+)\s+days\s+(?P<way>later|afterwards?|after|earlier|before)\b(?!\s+(?:the|a|an)\b)",
    re.IGNORECASE,
)


# "around two weeks before that", "some months earlier": a distance the text does not
# pin to a day; the attack keeps no date rather than borrow one from nearby
APPROXIMATE_OFFSET: Final = re.compile(
    r"\b(?:around|about|some|nearly|roughly|almost|more\s+than|less\s+than|a\s+few|several)?"
    r"\s*(?P<n>a|one|two|three|four|five|six|\d+|a\s+couple\s+of|a\s+few|several)\s+"
    r"(?P<unit>weeks?|months?|years?)\s+(?P<way>before|after|earlier|later|prior|ago)\b",
    re.IGNORECASE,
)
_UNIT_DAYS: Final = {"week": 7, "month": 30}


def day_offset(text: str, at: int | None = None) -> int | None:
    """Days from the attack told before that ``text`` places its attack, or None.

    ``at`` is where the attack's site is named in ``text``. "N days after" and "N days
    before" after a clause of their own are prepositions: an attack told in what
    follows them is the one counted from, so the attack told before is N days after (or
    before) it, and the sign turns ("The latest incident came two days after three
    rockets landed on the base": that volley is two days before the latest incident).

    >>> day_offset("Later that day, a drone hit the base"), day_offset("two days later")
    (0, 2)
    >>> told = "The latest incident came two days after three rockets landed on the base"
    >>> day_offset(told), day_offset(told, at=told.index("the base"))
    (2, -2)
    >>> day_offset("One day earlier, a similar attack was attempted")
    -1
    """
    match = DAY_AFTER_ATTACK.search(text)
    if match is None:
        return None
    if match.group("next"):
        return 1
    if match.group("previous"):
        return -1
    if match.group("one_way"):
        days, way = 1, match.group("one_way").lower()
    elif match.group("n"):
        from defplan.extract.counts import parse_number

        counted = parse_number(match.group("n"))
        if counted is None or counted > 60:
            return None
        days, way = counted, match.group("way").lower()
    else:
        return 0
    later = way in ("later", "after", "afterward", "afterwards")
    told_first = re.search(r"\w", text[: match.start()]) is not None
    if at is not None and at >= match.end() and way in ("after", "before") and told_first:
        later = not later  # the attack told after the preposition is counted from
    return days if later else -days


@dataclass(frozen=True)
class DateMention:
    """A date as the text gives it: where, which period, and how far to trust it.

    ``day`` is the first day of the period (``fields.truncate_date``); ``weak`` marks
    "today"-like words that yield to any other date of the same attack; ``reported``
    marks the date of a statement ("told reporters on Monday").
    """

    start: int
    end: int
    text: str
    day: dt.date
    precision: DatePrecision
    weak: bool = False
    reported: bool = False
    opens_period: bool = False  # "since late October": never one attack's day
    dateline: bool = False  # "Baghdad, Feb 16 (IANS)": the report's day
    names_event: bool = False  # "the Tuesday attack", "Wednesday's strike"
    other_event: bool = False  # "in response to the killing of X on 3 January": not it
    # "On June 18, the Coalition says ...": the day of the statement the sentence opens
    # with; it dates the attack only when nothing else in the sentence does
    opens_statement: bool = False
    # read in an article without a publication date, against a stand-in day: it tells
    # attacks apart ("Saturday" is not "last week") but is never written out
    floating: bool = False


# "the previous week", "the week before": a week before the attack told before
PREVIOUS_WEEK: Final = re.compile(
    r"\bthe\s+(?:previous|preceding)\s+week\b|\bthe\s+week\s+before\b", re.IGNORECASE
)
# the days of its month a month-precise date may mean: "late July" 21st-31st ("earlier
# this month" and "later in July" are any day of it)
_MONTH_PART: Final = (
    (re.compile(r"(?i)\b(?:late|end\s+of)\b"), 21, 31),
    (re.compile(r"(?i)\b(?:early|beginning\s+of|start\s+of)\b"), 1, 10),
    (re.compile(r"(?i)\b(?:mid|middle\s+of)\b"), 11, 20),
)


def approximate_offset(text: str) -> int | None:
    """The days ``text`` places its attack from the attack told before ("around two
    weeks before": -14, "the previous week": -7), when it says so only roughly; None
    when it gives no such distance, or one it does not count ("some months earlier")."""
    if PREVIOUS_WEEK.search(text):
        return -7
    match = APPROXIMATE_OFFSET.search(text)
    if match is None:
        return None
    from defplan.extract.counts import parse_number

    count = parse_number(re.sub(r"^a\s+couple\s+of$", "two", match.group("n").lower()))
    unit = _UNIT_DAYS.get(match.group("unit").lower().rstrip("s"))
    way = match.group("way").lower()
    if count is None or unit is None or way == "ago":
        return None
    return count * unit * (1 if way in ("after", "later") else -1)


def _days_meant(date: DateMention) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date may mean: a day itself, or the part of a month its
    words give ("late July": 21-31 July); None for a year or a bare month's 30 days."""
    if date.precision == "day":
        return date.day, date.day
    if date.precision != "month":
        return None
    for words, first, last in _MONTH_PART:
        if words.search(date.text):
            end = (truncate_date(date.day + dt.timedelta(days=32), "month")) - dt.timedelta(1)
            return date.day.replace(day=first), min(date.day.replace(day=min(last, 28)), end)
    return date.day, (truncate_date(date.day + dt.timedelta(days=32), "month")) - dt.timedelta(1)


def approximate_month(text: str, anchor: DateMention) -> DateMention | None:
    """The month an attack told "around two weeks before" (or "the previous week")
    the attack dated ``anchor`` falls in, when every day the words allow (a third of
    the distance either way, at least three days, from every day ``anchor`` may mean)
    lies in one month; else None. Never a day: the text does not give one.

    >>> told = find_dates("on 20 January", dt.date(2023, 3, 14))[0]
    >>> found = approximate_month("Around two weeks before that, a base was hit", told)
    >>> found.day, found.precision
    (datetime.date(2023, 1, 1), 'month')
    >>> approximate_month("Two months before that, a base was hit", told) is None
    True
    >>> late_july = find_dates("In late July, rockets hit", dt.date(2024, 8, 6))[0]
    >>> approximate_month("drones hit it the previous week", late_july).day
    datetime.date(2024, 7, 1)
    """
    distance = approximate_offset(text)
    days = _days_meant(anchor)
    if distance is None or days is None or anchor.weak:
        return None
    margin = dt.timedelta(days=max(3, abs(distance) // 3))
    first = days[0] + dt.timedelta(days=distance) - margin
    last = days[1] + dt.timedelta(days=distance) + margin
    if truncate_date(first, "month") != truncate_date(last, "month"):
        return None
    return replace(anchor, day=truncate_date(first, "month"), precision="month")


@lru_cache(maxsize=64)
def _parser(published: dt.date) -> object:
    from dateparser.date import DateDataParser  # deferred: its language data loads slowly

    return DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": dt.datetime.combine(published, dt.time()),
            "PREFER_DAY_OF_MONTH": "first",
        },
    )


def _dateparser(text: str, published: dt.date) -> tuple[dt.date, str] | None:
    parser = _parser(published)
    data = parser.get_date_data(text)  # type: ignore[attr-defined]
    if data is None or data.date_obj is None:
        return None
    return data.date_obj.date(), str(data.period or "day")


def _month_number(text: str) -> int:
    key = text.strip(". ").lower()[:3]
    return next(i for i, name in enumerate(MONTHS, start=1) if name.lower().startswith(key))


def _month_named(text: str) -> int | None:
    match = re.search(_MONTH, text)
    return _month_number(match.group(0)) if match else None


def latest_month(month: int, published: dt.date, *, strictly_before: bool = False) -> dt.date:
    """The first day of the latest ``month`` on or before (or before) the publication month."""
    year = published.year
    if month > published.month or (strictly_before and month == published.month):
        year -= 1
    return dt.date(year, month, 1)


_WEEKDAY_IN: Final = re.compile(_WEEKDAY, re.IGNORECASE)


def _weekday_named(text: str) -> int:
    """The weekday (Monday = 0) ``text`` names, in any case ("SATURDAY NIGHT")."""
    name = _WEEKDAY_IN.search(text)
    assert name is not None
    return WEEKDAYS.index(name.group(0).capitalize())


def latest_weekday(weekday: int, published: dt.date) -> dt.date:
    """The latest day with ``weekday`` (Monday = 0) on or before publication."""
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def week_period(monday: dt.date) -> tuple[dt.date, DatePrecision]:
    """The coarsest period holding every day of the week starting ``monday``."""
    sunday = monday + dt.timedelta(days=6)
    if (monday.year, monday.month) == (sunday.year, sunday.month):
        return truncate_date(monday, "month"), "month"
    return truncate_date(sunday, "year"), "year"


_Resolved = tuple[dt.date, DatePrecision]


#: the days "a few days ago" may mean, counted back from publication
FEW_DAYS: Final = (2, 7)


def days_ago_month(published: dt.date, nearest: int, furthest: int) -> _Resolved:
    """The month every day from ``nearest`` to ``furthest`` days before ``published``
    falls in; a ValueError when those days span two months (the text gives no month).

    >>> days_ago_month(dt.date(2024, 8, 20), 11, 17)
    (datetime.date(2024, 8, 1), 'month')
    """
    first = published - dt.timedelta(days=furthest)
    last = published - dt.timedelta(days=nearest)
    if truncate_date(first, "month") != truncate_date(last, "month"):
        raise ValueError("days ago, across two months")
    return truncate_date(last, "month"), "month"


def few_days_ago(published: dt.date) -> _Resolved:
    """The month "a few days ago" (two to seven days before ``published``) falls in;
    a ValueError when those days span two months (the text gives no month then).

    >>> few_days_ago(dt.date(2024, 8, 10))
    (datetime.date(2024, 8, 1), 'month')
    """
    return days_ago_month(published, *FEW_DAYS)


def _numeric_day(match: re.Match[str]) -> _Resolved:
    """ "09/20/2016" or "20/09/2016": the day when only one order (month/day or
    day/month) makes one, or both orders make the same, or the weekday written right
    before it names one of them ("Sunday 10/12/2023": 10 December, a Sunday); else a
    ValueError.

    >>> found = find_dates("on Sunday 10/12/2023", dt.date(2023, 12, 20))
    >>> [(d.text, d.day.isoformat()) for d in found]
    [('Sunday 10/12/2023', '2023-12-10')]
    """
    a, b, year = int(match.group("a")), int(match.group("b")), int(match.group("y"))
    days = set()
    for month, day in ((a, b), (b, a)):
        try:
            days.add(dt.date(year, month, day))
        except ValueError:
            continue
    named = match.group("weekday")
    if len(days) > 1 and named:
        days = {d for d in days if d.weekday() == WEEKDAYS.index(named)}
    if len(days) != 1:
        raise ValueError(match.group(0))
    return days.pop(), "day"


def _day_written(kind: str, match: re.Match[str], published: dt.date) -> _Resolved | None:
    """A day written out ("Dec. 27, 2019", "March 11"): read by dateparser."""
    text = match.group(0)
    if kind == "numeric":
        return _numeric_day(match)
    if kind == "day_month_last_year":
        month = _month_named(text)
        day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", text)
        assert month is not None and day is not None
        return dt.date(published.year - 1, month, int(day.group(1))), "day"
    if kind in ("iso", "day_month_year", "day_month"):
        cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text).replace(" of ", " ")
        # "Monday, Jan. 29", "Thursday (October 19)": the date
        cleaned = re.sub(rf"^{_WEEKDAY}(?:,?\s+|\s*\()", "", cleaned)
        parsed = _dateparser(cleaned, published)
        if parsed is None:
            raise ValueError(text)
        return parsed[0], "day"
    return None


def _month_of(kind: str, match: re.Match[str], published: dt.date) -> _Resolved | None:
    """A month named or counted from publication ("in December", "last month")."""
    text = match.group(0)
    if kind == "month_year":
        month = _month_named(text)
        year = int(re.findall(r"\d{4}", text)[-1])
        assert month is not None
        return dt.date(year, month, 1), "month"
    if kind == "month_last_year":
        month = _month_named(text)
        assert month is not None
        return dt.date(published.year - 1, month, 1), "month"
    if kind == "last_month_name":
        month = _month_named(text)
        assert month is not None
        return latest_month(month, published, strictly_before=True), "month"
    if kind == "month":
        month = _month_named(text)
        assert month is not None
        parsed = _dateparser(MONTHS[month - 1], published)
        day = parsed[0] if parsed else latest_month(month, published)
        return truncate_date(day, "month"), "month"
    if kind == "this_month":
        return truncate_date(published, "month"), "month"
    if kind == "last_month":
        return truncate_date(truncate_date(published, "month") - dt.timedelta(days=1), "month"), (
            "month"
        )
    return None


def _day_near(kind: str, match: re.Match[str], published: dt.date) -> _Resolved | None:
    """A week or day counted from publication ("last week", "on Saturday")."""
    text = match.group(0)
    if kind == "last_week":
        this_monday = published - dt.timedelta(days=published.weekday())
        return week_period(this_monday - dt.timedelta(days=7))
    if kind == "this_week":
        this_monday = published - dt.timedelta(days=published.weekday())
        if (this_monday.year, this_monday.month) == (published.year, published.month):
            return truncate_date(published, "month"), "month"
        return truncate_date(published, "year"), "year"
    if kind == "yesterday":  # "the day before yesterday": two days back
        return published - dt.timedelta(days=2 if text.lower().startswith("the") else 1), "day"
    if kind == "today":
        return published, "day"
    if kind == "weekday":
        day = latest_weekday(_weekday_named(text), published)
        if day == published and re.match(r"(?i)last\b", text):
            day -= dt.timedelta(days=7)  # "last Wednesday" written on a Wednesday: a week ago
        return day, "day"
    if kind == "days_ago":
        from defplan.extract.counts import parse_number

        days = parse_number(match.group("n"))
        if days is None or days > 60:
            raise ValueError(text)
        return published - dt.timedelta(days=days), "day"
    if kind == "few_days_ago":
        return few_days_ago(published)
    if kind == "weeks_ago":
        from defplan.extract.counts import parse_number

        weeks = parse_number(match.group("n")) or 1
        return days_ago_month(published, 7 * weeks - 3, 7 * weeks + 3)
    if kind == "day_of_month":
        day_number = int(match.group("d"))
        year, month = published.year, published.month
        for _ in range(3):  # this month, or the last before it with that day
            if day_number <= published.day or (year, month) != (published.year, published.month):
                try:
                    return dt.date(year, month, day_number), "day"
                except ValueError:
                    pass
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        raise ValueError(text)
    return None


def _year_of(kind: str, match: re.Match[str], published: dt.date) -> _Resolved | None:
    """A year, or a part of one ("last year", "the end of last year")."""
    if kind == "this_year":
        return truncate_date(published, "year"), "year"
    if kind == "year_part":
        year = published.year - (match.group("which").lower() == "last")
        month = 12 if match.group("part").lower() in ("end", "close") else 1
        return dt.date(year, month, 1), "month"
    if kind == "last_year":
        return dt.date(published.year - 1, 1, 1), "year"
    if kind == "year":
        return dt.date(int(match.group(1)), 1, 1), "year"
    return None


def _resolve(kind: str, match: re.Match[str], published: dt.date) -> _Resolved:
    """The period a date pattern of ``kind`` names, counted from ``published``."""
    for resolver in (_day_written, _month_of, _day_near, _year_of):
        found = resolver(kind, match, published)
        if found is not None:
            return found
    raise ValueError(kind)


#: the day an undated article's relative dates are read against (see DateMention.floating)
#: (mid-month, so that the weekdays and "last week" of one report share its month)
STAND_IN_DAY: Final = dt.date(2100, 1, 15)


@dataclass(frozen=True)
class Anchor:
    """What an undated page's days without a year ("18 February") are read against:
    ``day``, the latest day the page writes in full in a sentence that tells an attack
    or in an embedded post's stamp. Its weekdays ("on Saturday") are read against it
    too only when ``weekdays``: the page names that day's weekday on its own, so it was
    written in that week. Never a day the page does not write."""

    day: dt.date
    weekdays: bool


_WITH_YEAR: Final = frozenset({"iso", "numeric", "day_month_year", "month_year", "year"})


def _base_for(kind: str, published: dt.date | None, anchor: Anchor | None) -> tuple[dt.date, bool]:
    """The day a date of ``kind`` is read against, and whether it is floating."""
    if published is not None:
        return published, False
    if anchor is not None and (kind == "day_month" or (kind == "weekday" and anchor.weekdays)):
        return anchor.day, False
    return STAND_IN_DAY, kind not in _WITH_YEAR


# "— Spokesman (@handle) March 14, 2020": the stamp of a post embedded in the page
POST_STAMP: Final = re.compile(r"\(@\w+\)|pic\.twitter\.com|^\s*[\u2014\u2013]\s", re.M)


def anchor_day(texts: list[str], attack_told: list[bool]) -> Anchor | None:
    """What an undated article's days without a year ("March 14") and weekdays ("on
    Saturday") are read against (``Anchor``), or None.

    Weekdays and days without a year: its latest day written with its year, in a text
    that tells an attack (``attack_told``) or an embedded post's stamp, when the text
    also names that day's weekday on its own (it was written in that week). Days
    without a year only: the latest embedded post's stamp (a post of the news told;
    a full date in a sentence may be an older attack recalled). A picture's date
    ("soldiers at the camp on February 21, 2016") says nothing of the report's time.

    >>> anchor_day(["Rockets hit the camp on Saturday.", "\u2014 Spokesman March 14, 2020"],
    ...            [True, False])
    Anchor(day=datetime.date(2020, 3, 14), weekdays=True)
    >>> anchor_day(["Rockets hit the camp on 18 February.", "\u2014 Command March 1, 2023"],
    ...            [True, False])
    Anchor(day=datetime.date(2023, 3, 1), weekdays=False)
    >>> anchor_day(["Rockets hit the camp on 18 February.", "On September 11, 2024, ..."],
    ...            [True, True]) is None
    True
    """
    full: list[tuple[dt.date, bool]] = []  # (day, may anchor)
    stamps: list[dt.date] = []
    named: set[int] = set()
    yearless = False  # a day written without its year: "18 February"
    for text, told in zip(texts, attack_told, strict=True):
        for date in find_dates(text, None):
            if not date.floating and date.precision == "day":
                stamped = POST_STAMP.search(text) is not None
                full.append((date.day, not date.opens_period and (told or stamped)))
                stamps.extend([date.day] if stamped else [])
            elif date.floating and date.precision == "day":
                yearless |= _month_named(date.text) is not None
                named |= {_weekday_named(date.text)} if _WEEKDAY_IN.search(date.text) else set()
    if not full:
        return None
    day, may_anchor = max(full)
    if may_anchor and day.weekday() in named:
        return Anchor(day, True)
    return Anchor(max(stamps), False) if stamps and yearless else None


#: days a lead's dateline may come before the page's publication day and still be the
#: day the report was written (a wire story put on a site the next day)
DATELINE_LAG_DAYS: Final = 3
#: how far into its sentence a dateline's day may stand ("CITY, Region, April 14 (Agency)")
DATELINE_REACH_CHARS: Final = 40


def report_day(lead: list[str], published: dt.date | None) -> dt.date | None:
    """The day an article's relative dates ("last night", "on Wednesday", "today") are
    read against: the day its lead's dateline gives ("KIRKUK, April 14 (Agency) --"),
    when that is a day at most ``DATELINE_LAG_DAYS`` before publication; else the
    publication day. A wire report filed on the 14th and put on a site on the 15th
    tells "last night" of the 13th.

    >>> report_day(["BAGHDAD, April 14 (Agency) -- A drone hit the base last night."],
    ...            dt.date(2021, 4, 15))
    datetime.date(2021, 4, 14)
    >>> report_day(["A drone hit the base last night."], dt.date(2021, 4, 15))
    datetime.date(2021, 4, 15)
    >>> report_day(["Smoke rose over the air base after the strike on April 14 (Agency)."],
    ...            dt.date(2021, 4, 15))
    datetime.date(2021, 4, 15)
    """
    if published is None:
        return None
    for text in lead:
        for date in find_dates(text, published):
            if (
                date.dateline
                and date.start <= DATELINE_REACH_CHARS  # a dateline opens its text
                and date.precision == "day"
                and 0 <= (published - date.day).days <= DATELINE_LAG_DAYS
            ):
                return date.day
    return published


def posted_on(texts: list[str], paragraphs: list[int], published: dt.date) -> list[dt.date]:
    """The day each sentence's relative dates are read against: ``published``, but for
    the text of a post embedded in the page, the day its stamp gives ("— Command
    (@handle) February 14, 2023" under the post's lines, or on the post's own line),
    when that day is not after ``published``. A post of Tuesday the 14th that says "on
    Monday" means the 13th, whenever the page quoting it appeared.

    >>> posted_on(["Drones hit the camp on Monday.", "\u2014 Command (@cmd) February 14, 2023",
    ...            "A week later, calm returned on Monday."], [1, 2, 3], dt.date(2023, 2, 22))
    [datetime.date(2023, 2, 14), datetime.date(2023, 2, 14), datetime.date(2023, 2, 22)]
    """
    days = [published] * len(texts)
    for i, text in enumerate(texts):
        if POST_STAMP.search(text) is None:
            continue
        stamped = [
            d.day for d in find_dates(text, published) if d.precision == "day" and not d.floating
        ]
        if not stamped or re.search(r"\d{4}", text) is None:
            continue
        # the stamp's own paragraph and the one before it (the post's lines)
        before = max((p for p in paragraphs[:i] if p < paragraphs[i]), default=paragraphs[i])
        for j in range(i, -1, -1):
            if paragraphs[j] < before:
                break
            days[j] = stamped[-1]
    return days


def find_dates(
    text: str, published: dt.date | None, offset: int = 0, anchor: Anchor | None = None
) -> list[DateMention]:
    """Every date ``text`` gives, resolved against ``published``, in text order.

    Offsets are ``offset`` plus the position in ``text``. Without a publication date
    only dates that carry their year are resolved, and days without a year (and
    weekdays, when it allows) against ``anchor`` when there is one; the others are read against a
    stand-in day and marked ``floating``, to tell attacks apart, never to date them.

    >>> [(d.day.isoformat(), d.precision) for d in find_dates(
    ...     "Rockets hit the base on Saturday; another barrage came in December.",
    ...     dt.date(2016, 3, 20))]
    [('2016-03-19', 'day'), ('2015-12-01', 'month')]
    """
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            base, floating = _base_for(kind, published, anchor)
            try:
                day, precision = _resolve(kind, match, base)
            except (ValueError, OverflowError):
                continue
            taken.append((start, end))
            if published is not None and YEAR_AGO_BEFORE.search(text[:start]):
                day = _year_before(day, published)
            if published is not None and not _may_follow(kind, day, published):
                continue
            found.append(
                DateMention(
                    start=offset + start,
                    end=offset + end,
                    text=match.group(0),
                    day=truncate_date(day, precision),
                    precision=precision,
                    weak=kind == "today",
                    floating=floating,
                    **_roles(text, start, end),
                )
            )
    found.sort(key=lambda d: (d.start, d.end))
    return found


#: days a date written in full with its year may follow the publication day: a weekly
#: digest filed under the Monday it opens tells "On 30 Sep 2020" of the Wednesday after
FULL_DATE_GRACE_DAYS: Final = 7


def _may_follow(kind: str, day: dt.date, published: dt.date) -> bool:
    """Whether a date on ``day`` may be told in a text published on ``published``: any
    date up to that day, and a day written in full with its year a few days after it
    (never a relative one: "on Saturday" is the Saturday before)."""
    if day <= published:
        return True
    return kind in ("iso", "numeric", "day_month_year") and (day - published).days <= (
        FULL_DATE_GRACE_DAYS
    )


def _roles(text: str, start: int, end: int) -> dict[str, bool]:
    """What the date at ``text[start:end]`` is the date of, as named features of
    ``DateMention``: a statement, a dateline, the start of a period, another event told
    around it, or the attack it names ("Wednesday's attack")."""
    return {
        "reported": _not_the_event(text, start, end),
        "opens_period": _opens_period(text, start),
        "dateline": _dateline(text, start, end),
        "names_event": EVENT_AFTER.match(text[end:]) is not None,
        "opens_statement": _statement_opens(text, start, end),
        "other_event": OTHER_EVENT_BEFORE.search(text[max(0, start - 160) : start]) is not None,
    }


def _dateline(text: str, start: int, end: int) -> bool:
    """Whether the date at ``text[start:end]`` is a dateline: "Baghdad, Feb 16 (IANS)",
    "Colombia /America, 29th January 2024: ..." (a place, the day, a colon), or "BAGHDAD
    (Outlet / Agency - 28th July, 2020) ..." (the day closing the outlets' parenthesis)."""
    return (
        DATELINE_AFTER.match(text[end:]) is not None
        or (
            DATELINE_PLACE_BEFORE.match(text[:start]) is not None
            and DATELINE_MARK_AFTER.match(text[end:]) is not None
        )
        or (
            DATELINE_IN_PARENS_BEFORE.match(text[:start]) is not None
            and DATELINE_IN_PARENS_AFTER.match(text[end:]) is not None
        )
    )


def _not_the_event(text: str, start: int, end: int) -> bool:
    """Whether the date at ``text[start:end]`` says when something was said (a statement,
    a dateline) or when a period began, rather than when the attack happened."""
    if _dateline(text, start, end) or _opens_period(text, start):
        return True
    if _statement_opens(text, start, end):
        return True
    said = REPORTING_BEFORE.search(text[:start])
    if said is None:
        return False
    last_word = list(REPORTING_WORD.finditer(said.group(0)))[-1]
    return (
        not REPORTED_CONTENT.search(said.group(0)[last_word.end() :])
        and not EVENT_AFTER.match(text[end:])
        and not text[start:end].endswith(("'s", "\u2019s"))
    )


def _statement_opens(text: str, start: int, end: int) -> bool:
    """Whether the date at ``text[start:end]`` dates a statement: it opens the sentence
    and a reporting verb follows it after a short subject ("On June 18, the Coalition
    says ...: 'fire landed ..., June 17'")."""
    opening = re.fullmatch(r"\W*(?:(?i:on|late|early|late\s+on|early\s+on)\s+)?", text[:start])
    return opening is not None and STATEMENT_AFTER.match(text[end:]) is not None


def _opens_period(text: str, start: int) -> bool:
    """Whether the date at ``start`` begins a period ("since mid-October")."""
    return bool(
        PERIOD_START_BEFORE.search(text[:start]) or re.match(r"(?i)(?:since|from)\b", text[start:])
    )


def _year_before(day: dt.date, published: dt.date) -> dt.date:
    """``day`` moved to the year before publication ("a year ago on January 8")."""
    try:
        return day.replace(year=published.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=published.year - 1, day=28)


def same_day_named(floating: DateMention, day: dt.date) -> bool:
    """Whether a floating day of an undated article ("early Tuesday", "January 20") can
    be ``day``: the weekday it names, or the day and month it writes, must be ``day``'s
    (the stand-in day keeps both). Other floating days ("last night") may be any day.

    >>> [told] = find_dates("early Tuesday", None)
    >>> same_day_named(told, dt.date(2024, 9, 10)), same_day_named(told, dt.date(2024, 9, 11))
    (True, False)
    """
    if _month_named(floating.text) is not None:
        return (floating.day.month, floating.day.day) == (day.month, day.day)
    if _WEEKDAY_IN.search(floating.text):
        return floating.day.weekday() == day.weekday()
    return True


def weekday_named(date: DateMention) -> bool:
    """Whether ``date`` names a weekday ("late Friday", "Tuesday's strike")."""
    return _WEEKDAY_IN.search(date.text) is not None


def agree(a: tuple[dt.date, DatePrecision], b: tuple[dt.date, DatePrecision]) -> bool:
    """Whether two dates agree at the coarser of their precisions."""
    order = {"day": 0, "month": 1, "year": 2}
    coarser: DatePrecision = a[1] if order[a[1]] >= order[b[1]] else b[1]
    return truncate_date(a[0], coarser) == truncate_date(b[0], coarser)


def finer(a: tuple[dt.date, DatePrecision], b: tuple[dt.date, DatePrecision]) -> bool:
    """Whether ``a`` is more precise than ``b``."""
    order = {"day": 0, "month": 1, "year": 2}
    return order[a[1]] < order[b[1]]
