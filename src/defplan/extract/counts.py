"""Numbers as news reports write them, and what they count: munitions, killed, wounded.

Conventions (see docs/extraction.md):

- a hedge keeps its number: "about 30", "at least ten", "more than 100" → 30, 10, 100;
- a range keeps its lower bound, the number the text vouches for: "8 to 11" → 8;
- "a"/"an"/"one" before the thing counted is 1 ("a U.S. contractor died");
- vague words ("dozens", "several") say that there were some, not how many: the
  count stays blank, but the report of wounded is remembered (see events.py);
- a list of people is summed: "one Danish and four U.S. soldiers" → 5;
- numbers glued to units ("122mm", "70 kilometres", "24 hours") count nothing, nor do
  numbers that are part of a name ("Tower 22 was hit", "Camp 5");
- a bare number after a list of people picks some of them out: "wounded four
  soldiers, one seriously" → 4, "four soldiers, two of them critically" → 4;
- after a counted volley, "six others", "two more", "a third" or "another" count more
  of the same weapon (see :func:`elliptic_count`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from defplan.extract.lexicon import PERSON_MODIFIER, PERSON_NOUN
from defplan.extract.lexicon_set import LexicalPattern, slot
from defplan.extract.zeros import stated_zeros

UNITS: Final = {
    "zero": 0,
    "no": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS: Final = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES: Final = {"hundred": 100, "thousand": 1000}

_WORD = "|".join(sorted([*UNITS, *TENS, *SCALES, "dozen"], key=len, reverse=True))
_WORD = _WORD.replace("|no|", "|").replace("|no", "").replace("no|", "")
NUMBER_WORDS: Final = (
    rf"(?:half[\s-]+a[\s-]+dozen|(?:a\s+)?pair\s+of|(?:(?:a\s+)?(?:{_WORD}))"
    rf"(?:(?:\s+|-)(?:and\s+)?(?:{_WORD}))*)"
)
DIGITS: Final = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
NUMBER: Final = rf"(?:{DIGITS}|{NUMBER_WORDS})(?![\w])"
HEDGE: Final = (
    r"(?:about|around|approximately|roughly|some|nearly|almost|at\s+least|more\s+than|over"
    r"|up\s+to|as\s+many\s+as|fewer\s+than|less\s+than|upwards\s+of|an\s+estimated"
    r"|a\s+total\s+of|a\s+further|another|at\s+most|close\s+to|just\s+over|just\s+under)"
)
# a number with its hedge and range; group "n" is the number kept
_RANGE_TAIL = rf"(?:\s*(?:to|-|\u2013|or|and)\s*(?:{NUMBER})(?=\s))?"
COUNT: Final = rf"(?:{HEDGE}\s+)?(?:between\s+)?(?P<n>{NUMBER}){_RANGE_TAIL}"
COUNT_BARE: Final = rf"(?:{HEDGE}\s+)?(?:between\s+)?(?:{NUMBER}){_RANGE_TAIL}"
UNIT_AFTER: Final = re.compile(
    r"^\s*-?\s*(?:mm\b|millimet|km\b|kilomet|miles?\b|met(?:er|re)s?\b|hours?\b|minutes?\b"
    r"|days?\b|weeks?\b|months?\b|years?\b|percent\b|%|per\s*cent|kg\b|pounds?\b|feet\b|ft\b)",
    re.IGNORECASE,
)
# a number right after a month name is a day of the month ("on February 11 injured no one")
AFTER_MONTH: Final = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)(?:[a-z]+)?\.?\s+$"
)
# a number right after a capitalised word is part of a name: "Tower 22", "Union 3"
# (but not a word that opens a sentence: "Of 14 rockets fired", "About 20 rockets")
IN_NAME: Final = re.compile(
    r"\b(?!(?:Of|In|On|At|About|Around|Nearly|Almost|Over|Some|With|By|From|Only|All|And|But"
    r"|After|Before|Another|Just|Up|To|Least|Than)\b)[A-Z][\w-]*\s+$"
)
# a year is no count: "In 2018 rockets were fired at the base", "since 2019, drones ..."
YEAR_BEFORE: Final = re.compile(
    r"\b(?:in|since|during|until|till|by|from|of|early|late|mid|spring|summer|autumn|fall"
    r"|winter)\s*-?\s*$",
    re.IGNORECASE,
)
# "a number of", "a few", "a handful of": some, not one
SOME_NOT_ONE: Final = re.compile(
    r"an?\s+(?:number|handful|lot|host|series|couple|group)\s+of\b|a\s+few\b", re.IGNORECASE
)
# a figure told as superseded: "He had earlier said three were wounded" (then two)
EARLIER_FIGURE: Final = re.compile(
    r"\bhad\s+(?:earlier|initially|first|previously)\s+(?:said|informed|reported|stated"
    r"|announced|put|given|told)\b"
    r"|\b(?:was|were|had\s+been)\s+(?:earlier|initially|first|previously)\s+(?:reported|said"
    r"|put|given|announced)\b",
    re.IGNORECASE,
)
# a first figure, which a later one in the sentence may correct ("initially reported four
# wounded, but later said two"); alone it stands, a later larger count beating it
INITIAL_FIGURE: Final = re.compile(
    r"\b(?:initially|first|at\s+first)\s+(?:reported|said|put|gave|stated|announced|claimed)\b",
    re.IGNORECASE,
)


# what turns from a superseded figure to the one that stands
CORRECTED_AFTER: Final = re.compile(r"\b(?:but|however|later|now|since)\b", re.IGNORECASE)


def is_year(number: str, before: str) -> bool:
    """Whether ``number``, told after ``before``, is a year and no count.

    >>> is_year("2018", "In "), is_year("2018", "fired "), is_year("12", "in ")
    (True, False, False)
    """
    return re.fullmatch(r"(?:19|20)\d\d", number) is not None and bool(YEAR_BEFORE.search(before))


VAGUE: Final = (
    r"(?:dozens|scores|hundreds|several|multiple|a\s+number\s+of|a\s+few|many|numerous"
    r"|a\s+handful\s+of|a\s+couple\s+of|a\s+group\s+of|some|other|more|unknown\s+number\s+of"
    r"|unspecified\s+number\s+of)"
)


def parse_number(text: str) -> int | None:
    """The whole number ``text`` writes, or None: ``'twenty-five'`` → 25, ``'1,500'`` → 1500.

    >>> parse_number("three hundred and forty-two"), parse_number("a dozen")
    (342, 12)
    """
    cleaned = text.strip().lower().replace("\u2013", "-")
    if not cleaned:
        return None
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", cleaned):
        return int(cleaned.replace(",", ""))
    if re.fullmatch(r"\d+", cleaned):
        return int(cleaned)
    if re.fullmatch(r"\d+\.\d+", cleaned):
        return None
    if re.fullmatch(r"half[\s-]+a[\s-]+dozen", cleaned):
        return 6
    if re.fullmatch(r"(?:a\s+)?pair\s+of", cleaned):
        return 2
    words = [w for w in re.split(r"[\s-]+", cleaned) if w and w != "and"]
    if words and words[0] in ("a", "an"):
        words = words[1:] if len(words) > 1 else ["one"]
    total, current, seen = 0, 0, False
    for word in words:
        if word in UNITS and word != "no":
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "dozen":
            current = (current or 1) * 12
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


@dataclass(frozen=True)
class Casualties:
    """Killed and wounded as one clause tells them; ``*_said`` = mentioned without a number."""

    killed: int | None = None
    wounded: int | None = None
    killed_said: bool = False
    wounded_said: bool = False


# one person: "a", "a single", "another", and an ordinal told after others ("killed two
# soldiers and left a third with serious wounds"; not a fraction: "a third of the troops")
_ONE = (
    r"(?:an?|one|a\s+single|another"
    r"|an?\s+(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)(?!\s+of\b))(?![\w])"
)
# "three service members from the coalition's mission in Iraq and two Iraqis"
_NOT_IN_NAME = (
    r"(?!(?:and|or|were|was|is|are|have|has|had|been|killed|wounded|injured|hurt|died)\b)"
)
_FROM = (
    rf"(?:\s+from\s+the\s+{_NOT_IN_NAME}[\w.'\u2019-]+(?:\s+{_NOT_IN_NAME}[\w.'\u2019-]+){{0,4}}?"
    r"(?=\s+and\s))"
)
# a noun before the people ("one embassy worker", "two base employees") and the body
# they belong to after them ("one member of the embassy staff")
_ADJUNCT = rf"(?:\s+{_NOT_IN_NAME}(?-i:[a-z][\w-]*)(?=\s+{PERSON_NOUN}\b))"
_OF = (
    rf"(?:\s+of\s+the\s+(?:[\w.'\u2019-]+\s+){{0,2}}?{PERSON_NOUN}\b"
    # ... or a body by its name: "three members of the Coalition", "of the US Army"
    r"|\s+of\s+the\s+(?-i:[A-Z])[\w.'\u2019-]+(?:\s+(?-i:[A-Z])[\w.'\u2019-]+){0,3})"
)
# "three of our personnel", "two of the contractors": the people counted named after "of"
# (not "four of its fighters": a group's own losses, told by the group)
_PART_OF = (
    rf"(?:\s+of\s+(?:our|the|those|these)\s+(?:{PERSON_MODIFIER}\s+){{0,3}}"
    rf"{PERSON_NOUN}\b)"
)
_NP_TAIL = (
    rf"(?:\s+{PERSON_MODIFIER}){{0,4}}{_ADJUNCT}?(?:\s+{PERSON_NOUN}{_OF}?{_FROM}?|{_PART_OF})?"
)
_NP = rf"(?:{COUNT_BARE}|{_ONE}){_NP_TAIL}"
_NP_RE: Final = LexicalPattern(rf"\b(?:{COUNT}|(?P<one>{_ONE})){_NP_TAIL}\b", re.IGNORECASE)
_LIST = rf"(?:{_NP}(?:\s*(?:,\s*and|,|and)\s+{_NP})*)"
_BE = (
    r"(?:\s+(?:were|was|have\s+been|had\s+been|has\s+been|are|is|being)(?:\s+being)?"
    # "were reported to have sustained", "was said to have been wounded", "has been
    # reported as wounded"
    r"(?:\s+(?:reported|said|believed|thought|confirmed|known)\s+(?:to\s+have(?:\s+been)?|as))?)?"
)
# people named after a counted group, not counted: "seven service members and civilians"
_UNCOUNTED_TAIL = rf"(?:\s+and\s+(?:other\s+)?{PERSON_NOUN}(?=\s))?"
_ADV = (
    r"(?:\s+(?:reportedly|also|later|now|since|all|both|seriously|critically|slightly|lightly"
    r"|badly|gravely|severely|mildly|moderately|fatally))?"
)
_KILL_AFTER = (
    r"(?:killed|dead|died|slain|perished|lost\s+their\s+lives|passed\s+away"
    r"|(?:suffered|had|sustained)\s+(?:a\s+)?fatal\s+(?:heart\s+attack|cardiac\s+\w+|injur(?:y|ies)|wounds?))"
)
_HURT_AFTER = (
    r"(?:wounded|injured|hurt|(?:suffered|sustained|received|treated\s+for|diagnosed\s+with"
    r"|evaluated\s+for|assessed\s+(?:with|for)|checked\s+for|required|needed|underwent"
    r"|with(?!\s+(?:no|out)\b))\s+(?:[\w\"\u201c\u2018-]+\s+){0,5}[\"\u201c\u2018]?"
    r"(?:injur(?:y|ies)|wounds?|concussions|concussive\s+\w+|traumatic\s+brain\s+\w+|tbis?"
    r"|(?:concussion|tbi)[\w-]*\s+symptoms|smoke\s+inhalation|shrapnel"
    # (not "received decontamination treatment": a precaution, not a wound)
    r"|(?<!decontamination\s)(?<!precautionary\s)(?<!preventive\s)treatment"
    r"|medical\s+(?:care|attention)))"
)
_KILL_VERB = r"(?:killed|killing|kills|kill|claimed\s+the\s+lives\s+of|claiming\s+the\s+lives\s+of)"
_HURT_VERB = (
    r"(?:wounding|wounded|wounds|injuring|injured|injures|hurting|hurt"
    r"|(?:caus\w+|inflict\w+|resulting\s+in)\s+(?:\w+\s+)?injuries\s+to)"
)

# where the people were: "two soldiers guarding the gate were wounded"; who they were:
# "at least five people, including troops and contractors, were injured"
_POSTED = (
    r"(?:\s+(?:guarding|manning|stationed|based|serving|working|deployed|posted|sleeping"
    r"|standing|sheltering)\b(?:\s+[\w.'\u2019-]+){1,4}?"
    r"|\s+who\s+(?:had|have|were|was)\s+(?:[\w.'\u2019-]+\s+){0,5}?[\w.'\u2019-]+"
    # where, told by an adverb: "three civilians inside were hurt"
    r"|\s+(?:inside|nearby|there|on\s+site|at\s+the\s+scene)(?=\s+(?:were|was|had|have))"
    r"|\s+(?:at|on|inside|near|from)\s+(?:the\s+(?:[\w-]+\s+){0,2}?[\w-]+"
    # (a name, not a day: "K-1 on Monday wounded six" counts no "1")
    r"|(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep"
    r"|Oct|Nov|Dec)[a-z]*\b)(?-i:[A-Z])[\w'\u2019-]+(?:\s+(?-i:[A-Z])[\w'\u2019-]+)?)"
    r"|\s*,\s*(?:including|among\s+them)\s+[^,;]{1,60},"
    r"|\s+(?:including|among\s+them|among\s+whom)\s+(?:[\w.'\u2019-]+\s+){0,4}?[\w.'\u2019-]+)?"
)
KILLED_BEFORE: Final = LexicalPattern(
    rf"\b(?P<list>{_LIST}){_UNCOUNTED_TAIL}{_POSTED}{_BE}{_ADV}\s+{_KILL_AFTER}\b", re.I
)
# "more than 100 troops had suffered brain injuries": a bare auxiliary before the harm
_HAD: Final = r"(?:\s+(?:had|have|has)(?=\s+(?:suffered|sustained|received)\b))?"
WOUNDED_BEFORE: Final = LexicalPattern(
    rf"\b(?P<list>{_LIST}){_UNCOUNTED_TAIL}{_POSTED}{_BE}{_HAD}{_ADV}\s+{_HURT_AFTER}", re.I
)
KILLED_AFTER: Final = LexicalPattern(
    rf"\b(?:{_KILL_VERB}|deaths?\s+of)\s+(?P<list>{_LIST})(?!\s+(?:wounded|injured))", re.I
)
# "leaving two fighters injured", "left 110 troops with brain injuries"
LEFT_HURT: Final = LexicalPattern(
    rf"\b(?:leaving|left)\s+(?P<list>{_LIST})\s+(?:injured|wounded|hurt|with\s+(?:[\w-]+\s+){{0,3}}"
    r"(?:injur(?:y|ies)|wounds|concussions?))",
    re.I,
)
# "another was wounded, along with five United States servicemen": five more
ALONG_WITH: Final = LexicalPattern(
    rf"\b(?:wounded|injured|hurt)\s*,?\s+(?:along\s+with|together\s+with|as\s+well\s+as)\s+"
    rf"(?P<list>{_LIST})",
    re.I,
)
WOUNDED_AFTER: Final = LexicalPattern(rf"\b{_HURT_VERB}\s+(?P<list>{_LIST})", re.I)
DEATHS: Final = re.compile(rf"\b{COUNT}\s+(?:deaths|fatalities|dead)\b", re.I)
# "the injured included two Americans and a Briton", "the dead were three soldiers"
# ... and "among the dead was a contractor", "two soldiers were among the wounded": the
# people told as part of the dead or the wounded, in either order
_AMONG_BEFORE = r"(?:among\s+)?the\s+"
_AMONG_VERB = r"\s+(?:included|include|were|are|was|is)\s+"
INCLUDED_HURT: Final = LexicalPattern(
    rf"\b{_AMONG_BEFORE}(?:injured|wounded){_AMONG_VERB}(?P<list>{_LIST})", re.I
)
INCLUDED_DEAD: Final = LexicalPattern(
    rf"\b{_AMONG_BEFORE}(?:dead|killed){_AMONG_VERB}(?P<list>{_LIST})", re.I
)
AMONG_HURT: Final = LexicalPattern(
    rf"\b(?P<list>{_LIST}){_BE}\s+among\s+the\s+(?:injured|wounded)\b", re.I
)
AMONG_DEAD: Final = LexicalPattern(
    rf"\b(?P<list>{_LIST}){_BE}\s+among\s+the\s+(?:dead|killed)\b", re.I
)
# "an attack that resulted in three minor injuries", "causing two minor injuries"
INJURIES: Final = re.compile(
    # ("initial reports indicate 3 minor injuries", "there were two injuries")
    rf"\b(?:caus\w*|result\w*\s+in|inflict\w*|left|leaving|with|indicat\w*|report\w*"
    rf"|there\s+(?:were|was|are|have\s+been))\s+{COUNT}\s+"
    r"(?:(?:minor|light|slight|serious|severe|non-life-threatening)\s+)?injuries\b",
    re.I,
)
# "one minor casualty among partner forces", "two light casualties": told as minor they
# are wounded (a casualty alone may be dead or hurt, and counts neither)
MINOR_CASUALTIES: Final = re.compile(
    rf"\b{COUNT}\s+(?:minor|light|slight|non-life-threatening)\s+(?:[\w.'\u2019-]+\s+){{0,3}}?"
    r"casualt(?:y|ies)\b",
    re.I,
)
NO_CASUALTIES: Final = LexicalPattern(
    # ("no word on casualties", "no information about casualties": not known, not none)
    r"\bno\s+(?!(?:immediate\s+)?(?:word|information|details?|news|indication|data|comment"
    r"|confirmation|sign|mention)\b)"
    r"(?:immediate\s+|initial\s+)?(?:reports?\s+of\s+(?:any\s+)?)?"
    # ("no major casualties": a hedge, some but not many)
    r"(?:(?:(?!(?:major|serious|significant|heavy|substantial|severe)\b)[\w.]+\s+){0,2}?"
    r"casualties|injuries\s+or\s+deaths|deaths\s+or\s+injuries)\b"
    r"|\bwithout\s+(?:causing\s+|inflicting\s+)?(?:any\s+)?(?:casualties|harm|injur(?:y|ies)"
    r"|human\s+(?:or\s+material\s+)?losses)\b"
    r"|\bwithout\s+(?:hurting|harming|injuring|wounding)\s+(?:anyone|anybody|any\s+\w+)\b"
    r"|\b(?:did\s+not|didn't|does\s+not)\s+(?:result\s+in|cause|inflict)\s+(?:any\s+)?"
    r"(?:casualties|injur(?:y|ies))\b"
    r"|\bresult(?:ed|ing)\s+in\s+(?:no|zero)\s+(?:casualties|injur(?:y|ies))\b"
    r"|\b(?:no|zero)\s+(?:human\s+)?(?:losses|casualties)\b"
    r"|\bcaus\w+\s+no\s+(?:casualties|harm|human\s+(?:or\s+material\s+)?losses)\b|\bharm(?:ed|ing)\s+no\s*(?:one|body)\b"
    r"|\b(?:no\s+one|nobody)\s+(?:was|were)\s+(?:killed\s+or\s+)?(?:hurt|injured|harmed|wounded)\b"
    r"|\bneither\s+(?:deaths|casualties|fatalities)\s+nor\s+(?:injuries|wounded|casualties)\b"
    rf"|\bno\s+(?:(?:{PERSON_MODIFIER}|or)\s+){{0,4}}{PERSON_NOUN}\s+(?:were|was|had\s+been"
    r"|have\s+been)\s+(?:killed|hurt|injured|wounded|harmed)\s+(?:or|and)\s+"
    r"(?:killed|hurt|injured|wounded|harmed)\b"
    # a report that "did not indicate" harm to buildings, or any injuries
    r"|\b(?:did\s+not|didn't)\s+indicate\s+(?:any\s+)?(?:[\w,]+\s+){0,4}?(?:injuries|casualties)\b"
    # "the attack left no one hurt", "leaving nobody injured"
    r"|\b(?:left|leaving|leaves)\s+(?:no\s+one|nobody)\s+(?:hurt|injured|harmed|wounded)\b",
    re.IGNORECASE,
)
NO_INJURIES: Final = LexicalPattern(
    r"\bno\s+(?:immediate\s+)?(?:reports?\s+of\s+)?(?:\w+\s+or\s+)?(?:injuries|injured|wounded)\b"
    r"|\b(?:injur|wound|hurt)\w*\s+no\s*(?:one|body)\b"
    rf"|\bno\s+(?:(?:{PERSON_MODIFIER}|or)\s+){{0,4}}{PERSON_NOUN}\s+(?:were|was|had\s+been"
    r"|have\s+been)\s+(?:reported\s+)?(?:hurt|injured|wounded|harmed)\b",
    re.IGNORECASE,
)
NO_DEATHS: Final = LexicalPattern(
    r"\bno\s+(?:immediate\s+)?(?:reports?\s+of\s+)?(?:deaths|fatalities|one\s+was\s+killed)\b"
    r"|\b(?:killed|killing|kills)\s+no\s*(?:one|body)\b|\bnobody\s+was\s+killed\b"
    rf"|\bno\s+(?:(?:{PERSON_MODIFIER}|or)\s+){{0,4}}{PERSON_NOUN}\s+(?:were|was|had\s+been"
    r"|have\s+been)\s+killed\b",
    re.IGNORECASE,
)
VAGUE_WOUNDED: Final = re.compile(
    r"\b(?:minor|serious|light|non-life-threatening)\s+injuries\b|"
    # "the attack caused injuries": some were hurt, the count untold
    r"\bcaus(?:ed|ing)\s+(?:\w+\s+)?injuries\b(?!\s+to)|"
    rf"\b{VAGUE}\s+(?:of\s+)?(?:\S+\s+){{0,4}}?(?:were|was|have\s+been|had\s+been)?\s*"
    rf"{_HURT_AFTER}|\b{_HURT_VERB}\s+{VAGUE}\b",
    re.IGNORECASE,
)
VAGUE_KILLED: Final = re.compile(
    rf"\b{VAGUE}\s+(?:of\s+)?(?:\S+\s+){{0,4}}?(?:were|was|have\s+been|had\s+been)?\s*"
    rf"{_KILL_AFTER}\b|\b(?:killing|killed)\s+{VAGUE}\b|\bdeadly\b|\bfatal\b",
    re.IGNORECASE,
)


def _sum_list(text: str) -> int | None:
    """The people a list counts: ``'one Danish and four U.S. soldiers'`` → 5."""
    total = 0
    found = False
    for match in _NP_RE.finditer(text):
        if UNIT_AFTER.match(text[match.end("n") if match.group("n") else match.end() :]):
            return None
        if found and match.end() == match.end("n" if match.group("n") else "one"):
            break  # "four soldiers, one seriously": a bare number picks some out
        if match.group("one"):
            value: int | None = 1
        else:
            value = parse_number(match.group("n"))
        if value is None:
            return None
        total += value
        found = True
    return total if found else None


SPEAKER_AFTER: Final = re.compile(
    r"^\s+(?:[\w-]+\s+){0,2}(?:said|says|told|added|reported|stated|confirmed|announced)\b",
    re.IGNORECASE,
)


# what may stand between two coordinated groups of casualties: "4 contractors injured,
# and 1 US soldier injured"
_COORDINATED: Final = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|;\s*)", re.IGNORECASE)


def _list_count(pattern: LexicalPattern, text: str) -> int | None:
    """The people the first match of ``pattern`` counts, plus those of the matches
    coordinated right after it ("5 contractors injured, and 1 US service member injured"
    → 6: each group has its own verb)."""
    found = _first_count(pattern, text)
    if found is None:
        return None
    total, _, end = found
    while (more := _first_count(pattern, text, end)) is not None:
        value, start, after = more
        if not _COORDINATED.fullmatch(text[end:start]):
            break
        total, end = total + value, after
    return total


def _first_count(pattern: LexicalPattern, text: str, at: int = 0) -> tuple[int, int, int] | None:
    """The first count ``pattern`` finds from ``at``: (people, where its words start, end)."""
    while (match := pattern.search(text, at)) is not None:
        at = match.end()
        listed = match.group("list")
        before = text[: match.start("list")]
        if listed[:1].isdigit() and (
            AFTER_MONTH.search(before) or IN_NAME.search(before) or is_year(listed[:4], before)
        ):
            at = match.start("list") + 1  # the day of a date, a name: count from after it
            continue
        if re.match(r"(?i)(?:an?|one)\s+(?:of|more|other|another)\b", listed):
            continue
        if SOME_NOT_ONE.match(text, match.start("list")):
            continue  # "injuring a number of militants": some, not one
        if re.search(r"(?i)\bno\s*$", before):
            continue  # "left no one injured" counts nobody
        if re.search(r"(?i)\b(?:including|among\s+them|of\s+them|of\s+whom)\s*$", before):
            at = match.start("list") + 1  # "killed, including two Americans, ...": some of
            continue  # those told before, not a group of their own
        if SPEAKER_AFTER.match(text[match.end() :]) and "," in listed:
            # "injuring two contractors, a security source said": the source is not hurt
            listed = listed[: listed.rindex(",")]
        value = _sum_list(listed)
        if value is not None:
            return value, match.start(), match.end()
    return None


# a revised tally: "the number diagnosed with brain injuries rose from 34 to 64, then to 109"
REVISED: Final = re.compile(
    rf"\b(?:rose|risen|climbed|grew|increased|jumped|went\s+up|was\s+revised|revised\s+it"
    # (downward too: "was revised down from five to three", "was later corrected to two")
    r"|(?:fell|dropped|revised\s+(?:down|downward|up|upward))"
    r"|(?:was|were|been|is|are)\s+(?:since\s+|later\s+)?(?:raised|updated|revised|increased"
    r"|corrected|lowered|reduced)(?:\s+(?:down|downward|up|upward))?)"
    rf"(?:\s+from\s+{COUNT_BARE})?\s+to\s+(?P<to>{COUNT_BARE})"
    rf"(?P<more>(?:\s*,?\s*(?:and\s+)?(?:[\w-]+\s+){{0,2}}?to\s+{COUNT_BARE})*)",
    re.IGNORECASE,
)
# a tally stated as it stands: "the injured count stood at 41", "the wounded, which
# number more than 11", "the number of injured reached 30"
TALLY: Final = re.compile(
    r"\b(?:count|tally|toll|number|total|figure)\b(?:\s+[\w.'\u2019-]+){0,6}?\s+"
    r"(?:stood|stands|stand|reached|exceeded|exceeds|numbers?|numbered|totall?ed|totals?)"
    rf"\s+(?:at\s+)?(?P<to>{COUNT_BARE})"
    r"|\b(?:wounded|injured)(?:\s+(?:right\s+)?now)?\s*,?\s+(?:which|who|whose\s+number)\s+(?:now\s+)?"
    rf"(?:numbers?|number|exceeded|exceeds|totals?|totall?ed|reached)\s+(?P<at>{COUNT_BARE})",
    re.IGNORECASE,
)
_HURT_WORD: Final = re.compile(
    r"\b(?:injur\w*|wounded|hurt|concussion\w*|traumatic\s+brain|tbis?)\b", re.IGNORECASE
)


def _revised(text: str) -> int | None:
    """The last figure of a revised count of injured (up or down), or None."""
    if not _HURT_WORD.search(text):
        return None
    match = REVISED.search(text)
    if match is None:
        stated = TALLY.search(text)
        figure = stated and (stated.group("to") or stated.group("at"))
        return parse_number(re.sub(rf"^{HEDGE}\s+", "", figure, flags=re.I)) if figure else None
    figures = re.findall(rf"{COUNT_BARE}", match.group("to") + match.group("more"), re.I)
    values = [parse_number(re.sub(rf"^{HEDGE}\s+", "", f, flags=re.I)) for f in figures]
    known = [v for v in values if v is not None]
    return known[-1] if known else None


def is_tally(text: str) -> bool:
    """Whether ``text`` gives a count of injured as revised or as it stands ("rose to
    more than 30 on Monday"): its day is the day of the count, not of the attack."""
    return _HURT_WORD.search(text) is not None and bool(REVISED.search(text) or TALLY.search(text))


def _killed_count(text: str) -> int | None:
    """The dead ``text`` counts, or None."""
    killed = (
        _list_count(KILLED_BEFORE, text)
        if KILLED_BEFORE.search(text)
        else _list_count(KILLED_AFTER, text)
    )
    if killed is None:
        killed = _list_count(KILLED_AFTER, text)
    for among in (INCLUDED_DEAD, AMONG_DEAD):
        if killed is None:
            killed = _list_count(among, text)
    if killed is None:
        deaths = DEATHS.search(text)
        killed = parse_number(deaths.group("n")) if deaths else None
    return killed


_HURT_PATTERNS: Final = (WOUNDED_BEFORE, WOUNDED_AFTER, LEFT_HURT, INCLUDED_HURT, AMONG_HURT)


def _wounded_count(text: str) -> int | None:
    """The wounded ``text`` counts, or None; groups told each in its own way and
    coordinated are summed ("left a soldier with a concussion and injured five
    civilians" → 6)."""
    for pattern in _HURT_PATTERNS:
        wounded = _list_count(pattern, text)
        if wounded is not None:
            return wounded + _coordinated_other(pattern, text)
    wounded = _revised(text)
    for told in (INJURIES, MINOR_CASUALTIES):
        if wounded is None and (injuries := told.search(text)):
            wounded = parse_number(injuries.group("n"))
    return wounded


def _counts_of(pattern: LexicalPattern, text: str) -> list[tuple[int, int, int]]:
    """Every count ``pattern`` finds: (people, start, end)."""
    found: list[tuple[int, int, int]] = []
    at = 0
    while (count := _first_count(pattern, text, at)) is not None:
        found.append(count)
        at = count[2]
    return found


def _coordinated_other(pattern: LexicalPattern, text: str) -> int:
    """The wounded other ways of telling them count in groups coordinated with the one
    ``pattern`` found ("left a US serviceman with concussion and injured five civilians":
    LEFT_HURT, then WOUNDED_AFTER), before or after it."""
    found = _first_count(pattern, text)
    if found is None:
        return 0
    start, end = found[1], found[2]
    others = [
        c for other in _HURT_PATTERNS if other is not pattern for c in _counts_of(other, text)
    ]
    added = 0
    for value, left, right in sorted(others, key=lambda c: c[1]):
        if left >= end and _COORDINATED.fullmatch(text[end:left]):
            added, end = added + value, right
    for value, left, right in sorted(others, key=lambda c: -c[1]):
        if right <= start and _COORDINATED.fullmatch(text[right:start]):
            added, start = added + value, left
    return added


def casualties_in(text: str) -> Casualties:
    """Killed and wounded as ``text`` (one clause) tells them.

    >>> casualties_in("killing one Danish and four U.S. soldiers")
    Casualties(killed=5, wounded=None, killed_said=True, wounded_said=False)
    >>> casualties_in("at least 23 were wounded")
    Casualties(killed=None, wounded=23, killed_said=False, wounded_said=True)
    """
    earlier = EARLIER_FIGURE.search(text) or INITIAL_FIGURE.search(text)
    now = CORRECTED_AFTER.search(text, earlier.end()) if earlier else None
    if now is not None:
        # what is said after "but", "later" or "now" is the figure that stands
        return casualties_in(text[now.end() :])
    if earlier := EARLIER_FIGURE.search(text):
        # "He had earlier said three were wounded": a figure since corrected
        earlier_told = casualties_in(EARLIER_FIGURE.sub(" ", text))
        # (a zero told first stays: a count told later beats it, the larger kept)
        return (
            _said_only(earlier_told)
            if earlier_told.killed or earlier_told.wounded
            else (earlier_told)
        )
    killed_none, wounded_none, spans = stated_zeros(text)
    for pattern, kills, hurts in (
        (NO_CASUALTIES, True, True),
        (NO_DEATHS, True, False),
        (NO_INJURIES, False, True),
    ):
        for match in pattern.finditer(text):
            killed_none, wounded_none = killed_none or kills, wounded_none or hurts
            spans.append(match.span())
    # a count told beside a zero is of other people ("no U.S. casualties, but two Iraqi
    # guards were wounded"): read without the words that say none
    rest = "".join(" " if any(a <= i < b for a, b in spans) else c for i, c in enumerate(text))
    killed = _killed_count(rest)
    wounded = _wounded_count(rest)
    # ... and a vague count beside it ("no coalition casualties, but several Iraqi
    # soldiers were wounded") says there were some, not how many: no zero
    killed = 0 if killed is None and killed_none and not VAGUE_KILLED.search(rest) else killed
    wounded = 0 if wounded is None and wounded_none and not VAGUE_WOUNDED.search(rest) else wounded
    if wounded and (along := _list_count(ALONG_WITH, text)):
        wounded += along
    return Casualties(
        killed=killed,
        wounded=wounded,
        killed_said=killed is not None or VAGUE_KILLED.search(text) is not None,
        wounded_said=wounded is not None or VAGUE_WOUNDED.search(text) is not None,
    )


def _said_only(told: Casualties) -> Casualties:
    """What ``told`` says without its figures: that there were dead or wounded."""
    return Casualties(
        killed_said=told.killed_said or told.killed is not None,
        wounded_said=told.wounded_said or told.wounded is not None,
    )


# what is fired: a word of the weapon lexicon ("drones", "Shahed-136", "grad rockets")
# or a word for any munition
_MUNITION_HEAD = (
    rf"(?:{slot('weapons')}|rockets?|missiles?|drones?|mortars?|projectiles?|shells?|rounds?)"
)
_MUNITION_MODIFIER = (
    # a modifier may be quoted: three "one-way" drones
    r"(?:[\"\u201c\u2018']?(?:[\w'\u2019]+-\w+(?:-\w+)?|armed|explosive|explosives-laden|attack"
    r"|suicide|kamikaze|enemy|hostile|unidentified|unmanned|militia|loitering|booby-trapped"
    r"|combat|armed|assault|strike|bomb-laden|drone-borne"
    r"|ballistic|cruise|short-range|medium-range|mortar|more|other|additional"
    # a weapon word before the head ("two Grad rockets", "three Shahed drones") or a
    # maker named by its adjective ("two Iranian missiles"; not "18 Four Katyushas")
    rf"|{slot('weapons')}|(?-i:[A-Z][a-z]+(?:an|ese|ish|i))"
    r"|\d{2,3}\s*-?\s*mm|one-way|unguided|guided|small|large"
    r"|second|third|fourth|fifth|further|single|lone|separate|final)[\"\u201d\u2019']?)"
)
MUNITIONS: Final = LexicalPattern(
    rf"\b(?:{COUNT}|(?P<one>{_ONE}|another)|(?P<both>both))(?:\s+{_MUNITION_MODIFIER}){{0,3}}"
    rf"\s+{_MUNITION_HEAD}\b"
    # (nor a kind named before the attack's weapon: "a Katyusha rocket attack")
    r"(?!\s*(?:(?:rocket|missile|drone|mortar)s?\s+)?(?:attacks?|strikes?|fire|barrages?|salvos?"
    r"|volleys?|launchers?|systems?|batter\w*)\b)",
    re.IGNORECASE,
)


_ORDINAL = r"(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|final|last)"
#: what a clause that goes on from a counted volley opens with: "and six others",
#: "then two more", "while a third", "another"
ELLIPTIC: Final = re.compile(
    r"^\W*(?:(?:and|then|while|whereas|but|later)\s+)*"
    rf"(?:(?:{COUNT})\s+(?:others|more)\b(?!\s+than)"
    rf"|(?P<one>an?\s+{_ORDINAL}|another|one\s+more)\b"
    r"(?!\s+(?:of|time|times|attack|strike|barrage|salvo|volley|wave|round\s+of|day|night)\b))",
    re.IGNORECASE,
)


# "the drone struck near the barracks": one munition, told by the definite singular (not
# "the second drone", "one of the drones", "the drone attack", "the drone program")
_SINGLE_HEAD = (
    rf"(?:{slot('weapon.drone.rocket.missile.cruise_missile.ballistic_missile')}"
    r"|projectile|mortar\s+(?:round|shell|bomb))"
)
DEFINITE_ONE: Final = LexicalPattern(
    r"(?<!\bof\s)\b(?:the|that|this)\s+"
    r"(?:(?!(?:first|second|third|fourth|fifth|other|last|remaining|final|each|every|one|two)\b)"
    rf"[\w-]+\s+){{0,2}}?{_SINGLE_HEAD}(?![\w-]|\s+(?:attacks?|strikes?|fire|barrages?|salvos?"
    r"|volleys?|launchers?|systems?|batter\w*|program\w*|threats?|campaigns?|war\w*|operators?"
    r"|units?|teams?|crews?|sites?|bases?|factor\w*|technology|and|or)\b)",
    re.IGNORECASE,
)


def definite_one(text: str) -> int | None:
    """1 when ``text`` tells its weapon as one, by the definite singular, else None.

    >>> definite_one("the drone struck a hangar"), definite_one("the drone attack")
    (1, None)
    >>> definite_one("one of the rockets fell short") is None
    True
    """
    return 1 if DEFINITE_ONE.search(text) else None


#: a number an editor put in a quote in brackets ("At least [25] rockets impacted"),
#: read as the number (the brackets blanked, so offsets hold)
EDITORIAL_NUMBER: Final = re.compile(r"\[(\d{1,4})\]")


def munitions_in(text: str) -> int | None:
    """Rockets, missiles, drones or mortar rounds ``text`` counts, or None.

    >>> munitions_in("Eight to 11 mortar rounds struck the camp"), munitions_in("a rocket attack")
    (8, None)
    >>> munitions_in("Both drones were shot down")
    2
    """
    text = EDITORIAL_NUMBER.sub(r" \1 ", text)
    for match in MUNITIONS.finditer(text):
        before = text[: match.start()]
        if match.group(0)[:1].isdigit() and (
            AFTER_MONTH.search(before)
            or IN_NAME.search(before)
            or is_year(match.group("n") or "", before)
        ):
            continue
        if match.group("one"):
            return 1 + _more_after(text[match.end() :])
        if match.group("both"):
            return 2  # "Both drones were shot down"
        number = match.group("n")
        if UNIT_AFTER.match(text[match.end("n") :]):
            continue
        value = parse_number(number)
        if value is not None:
            return value + _more_after(text[match.end() :])
    return None


def _more_after(text: str) -> int:
    """The munitions "and two others", "and a third" add to a volley counted just before."""
    for cue in re.finditer(r"\s(?:and|while|but|then)\s", text):
        more = elliptic_count(text[cue.start() :])
        if more is not None:
            return more
    return 0


def elliptic_count(text: str) -> int | None:
    """How many more of a weapon already named a clause counts without naming it.

    >>> elliptic_count("and six others landed near the embassy"), elliptic_count("a third hit")
    (6, 1)
    >>> elliptic_count("and a third of the rockets missed") is None
    True
    """
    match = ELLIPTIC.match(text)
    if match is None:
        return None
    if match.group("one"):
        return 1
    return parse_number(match.group("n"))
