"""Attack mentions: the clauses of an article that tell of one attack on a site.

A clause is a mention when it holds a weapon or attack word and is not one of the
things that are not attacks on a base:

- the other side's strikes: air strikes, and strikes by the US, the coalition or
  Israel (``excluded = "response"``); the groups they hit are remembered, since the
  reply names who made the attack it answers;
- protests and the storming of a compound;
- totals and trends: "attacks" in the plural, "near-daily", "a spate of", attacks on
  "bases" in general;
- what might happen: "could", "a potential strike".

A sentence with no attack word but a count of killed or wounded right after a mention
("No one was killed, but ...") is a *casualty* mention: it adds to the attack before it.
One naming no site or day of its own may come a sentence later, or in the next
paragraph, when what lies between tells of nothing else ("One rocket fell short.
Nobody was hurt.").

A reply's clause is cut where the attack it answers begins ("U.S. jets struck depots
after rockets hit Al-Tanf"): that attack is read like any other.

A clause is cut at "and", "then", "while" or "but" when what follows tells another
attack: its own weapon ("a drone on Monday and then with rockets on Tuesday"), more
of the same ("Nine rockets hit Union III and six others landed near the embassy",
"two drones ... and a third struck Harir") or "again", on another site or another day
than the part before; or when what follows is the reply ("... and U.S. jets responded
with air strikes"). The parts share what only one of them tells: the site, the day,
and for "six others" the weapon.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, partial
from itertools import pairwise
from typing import Any, Final, Literal

from defplan.extract.articles import Article
from defplan.extract.counts import (
    COUNT,
    Casualties,
    casualties_in,
    definite_one,
    elliptic_count,
    is_tally,
    munitions_in,
    parse_number,
)
from defplan.extract.dates import (
    MONTHS,
    WEEKDAYS,
    Anchor,
    DateMention,
    anchor_day,
    day_offset,
    find_dates,
    posted_on,
    report_day,
)
from defplan.extract.lexicon import (
    AGGREGATE,
    AIR_STRIKE,
    ATTACK_NOUN,
    ATTACK_NOUN_PLURAL,
    ATTACK_VERB,
    DEFINITE_INCIDENT,
    DEFINITE_REFERENCE,
    EXPLOSION,
    FRIENDLY_AGENT,
    FRIENDLY_WEAPON,
    HYPOTHETICAL,
    HYPOTHETICAL_BREAK,
    NOT_A_WEAPON,
    PASSIVE_HIT,
    PERSON_MODIFIER,
    PERSON_NOUN,
    PERSONAL_TARGET,
    PROTEST,
    REPLY_TO,
    RETURN_FIRE,
    SAME_SITE,
    SEQUEL,
    STATE_ACTS,
    UNDER_FIRE,
    UNFIRED,
    WATCHING_DRONE,
    WATCHING_DRONE_FILMED,
    WATCHING_DRONE_STRIKES,
    weapon_words,
)
from defplan.extract.lexicon_files import Actor
from defplan.extract.lexicon_set import LexicalPattern, active_lexicons, slot
from defplan.extract.roles import may_attack, reply_hit
from defplan.extract.sentences import Clause, Sentence, split_clauses, split_sentences
from defplan.extract.sites import SITE_NOUN, Gazetteer, SiteMention, fold

MentionKind = Literal["attack", "casualty"]

INSTANCE: Final = re.compile(
    r"^\W*(?:including|among\s+them|one\s+of\s+which|the\s+latest\s+of\s+which)\s+one\b", re.I
)
# "Eleven of them struck Ain al-Asad": some of the weapons told just before
PARTITIVE: Final = re.compile(
    rf"^\W*(?:and\s+|but\s+|while\s+)?(?P<part>{COUNT})\s+of\s+(?:them|those|these)\b", re.I
)
DEFINITE_PERSON: Final = LexicalPattern(
    rf"\b(?:the|that)\s+(?:{PERSON_MODIFIER}\s+){{0,3}}{PERSON_NOUN}\s+(?:who\s+(?:was|were)\s+)?"
    r"(?:killed|wounded|injured|hurt)\b",
    re.IGNORECASE,
)
# "the strikes" soon after a reply is that reply again
REPLY_AGAIN: Final = re.compile(r"\b(?:the|these|those|both)\s+(?:\w+\s+)?strikes\b", re.I)
# "from the drone attacks": a statement about the attacks told before
ATTACKS_BEFORE: Final = re.compile(
    r"\b(?:the|these|those|both|either)\s+(?:\w+\s+){0,3}?(?:attacks|strikes|incidents)\b", re.I
)
# "in either attack", "each strike": every attack told, not one more
EVERY_ATTACK: Final = re.compile(
    r"\b(?:either|each|any|every|neither)\s+(?:of\s+the\s+)?(?:\w+\s+)?(?:attack|strike|incident)\b",
    re.I,
)
# where one clause may go on to tell another attack: "... and then", "... while"
COORDINATION: Final = re.compile(
    r"\s+(?:and(?:\s+then|\s+later)?|then|while|whereas|but)\s+(?=\S)", re.I
)
AGAIN: Final = re.compile(r"\bagain\b", re.I)
# "they struck the base again", "came under attack again": one more attack, weapon untold
STRUCK_AGAIN: Final = re.compile(
    r"\b(?:struck|hit|attacked|targeted|shelled|pounded)\s+(?:[\w-]+\s+){0,3}?again\b"
    r"|\bagain\s+(?:struck|hit|attacked|targeted|shelled|pounded)\b",
    re.I,
)
#: headline-like lines (no full stop) among the first lines are not read for attacks
HEADLINE_LINES: Final = 3
#: a photo caption ("PHOTO: Travelers wait at Erbil airport on Wednesday, a day after the
#: attack") describes a picture and retells the story; it is not read for attacks
CAPTION: Final = re.compile(
    r"^\s*(?:\(?(?:file\s+)?(?:photo|image|picture|caption)(?:\s+caption)?\)?)\s*[:\-\u2013\u2014]",
    re.IGNORECASE,
)
# a photo caption that ends with its credit: "... is pictured here on Jan. 8, 2020. (Chad
# Garland/Stars and Stripes)", "(AP Photo/Name)", "(Photo by Name via Getty Images)",
# "(file photo). © Name / AFP": it describes a picture, often of another day
CAPTION_CREDIT: Final = re.compile(
    r"\((?:photo(?:graph)?\s+by\s+)?[^()\n/]{2,80}/[^()\n]{2,80}\)\s*$"
    r"|\(photo\s+by\s+[^()\n]{2,80}\)\s*$|\u00a9\s*[^\n]{2,80}$|\(file\s+(?:photo|image)\)\W*$"
    # "Photo courtesy of Operation Inherent Resolve.", "(photo credit: AGENCY/NAME)"
    r"|\bphoto\s+(?:courtesy\s+of|credit:?)\s+[^\n]{2,80}$",
    re.IGNORECASE,
)
# a credit as a line of its own, after the caption's text or on the line under it:
# "File Photo by Name/Unit/AGENCY", "Picture by Name / AGENCY" (not "Photo: ...", a
# caption's own opening)
CREDIT_LINE: Final = re.compile(
    r"^\W*(?:file\s+)?(?:photo(?:graph)?|image|picture|video|footage)s?\s+(?:by|credit:?)\s+"
    r"[^\n]{2,100}$",
    re.IGNORECASE,
)
# "the Islamic Resistance in Iraq ... posted a statement saying its fighters had attacked
# Harir": a group's claim of its own attack names the attacker
_CLAIM_VERB = r"(?:claimed|claiming|said|says|announced|announcing|stated|posted|statement)"
# "its fighters", "resistance fighters", "the group's drones": the claimant's own arms (the
# name a group gives its own fighters: forces.csv, claimant)
_OWN_FIGHTERS = (
    rf"(?:its|their|{slot('forces.claimant')}|the\s+group['\u2019]s)\s+(?:fighters|members"
    r"|militants|forces"
    r"|units?|mujahideen|drones|missiles|rockets)"
)
_OWN_DEED = (
    r"(?:it|they)\s+(?:(?:had|has|have)\s+)?(?:also\s+)?"
    r"(?:attacked|targeted|struck|hit|fired|launched)"
)
CLAIM_OF_OWN: Final = LexicalPattern(
    rf"\b{_CLAIM_VERB}\b[^.;]{{0,80}}?\b(?:{_OWN_FIGHTERS}|{_OWN_DEED})\b", re.IGNORECASE
)
# "A British soldier also died": victims besides those told before
# "near Erbil airport", "20 km north of Baghdad airport": a landmark locating a site
LANDMARK_BEFORE: Final = re.compile(
    r"\b(?:near|outside|close\s+to|next\s+to|beside|adjacent\s+to|(?:[\d.]+\s*(?:km|kilomet\w+"
    r"|miles?)\s+)?(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
    r"(?:ern)?\s+of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# a clause that tells its own event, whose date is not the attack's: "comes two days
# after ...", ", which was liberated in 2016", ", where troops trained in 2019"
OWN_PREDICATE: Final = re.compile(
    rf"{SEQUEL.pattern}|\s*(?:which|who|where|whose)\s+(?:\w+\s+){{0,3}}?(?:was|were|had|has|is)\b",
    re.I,
)
LISTED_ATTACKS: Final = re.compile(
    r"\b(?P<n>two|three|four|both)\s+(?:\w+\s+)?(?:attacks|strikes|assaults)\b", re.I
)
BY_WHAT: Final = re.compile(r"\W*by\s+(?:an?|the|its|their)\s", re.I)
WHERE_AFTER_SITE: Final = re.compile(r",?\s+where\s+(?=\S)", re.I)
PASSIVE_START: Final = re.compile(rf"\W*{PASSIVE_HIT.pattern}", re.I)
PRONOUN_HIT: Final = re.compile(rf"\W*(?P<it>It)\s+{PASSIVE_HIT.pattern}")
# "It marked the second rocket attack this week ...": an earlier attack on it is told next
COUNTED_AGAIN: Final = re.compile(
    r"^\W*(?:this|it|that)\s+(?:is|was|marks|marked)\s+the\s+(?:second|third|fourth|fifth"
    r"|\d+(?:st|nd|rd|th))\s+(?:[\w-]+\s+){0,2}?(?:attack|strike|time|assault)\b",
    re.IGNORECASE,
)
# "On Wednesday, ...", "Late on March 3, ...": a sentence that opens with its own day
OPENS_WITH_DAY: Final = re.compile(
    rf"^\W*(?:(?i:late|early)\s+)?(?:(?i:on)\s+)?(?:{'|'.join(WEEKDAYS)}|{'|'.join(MONTHS)})\b"
)
# "On Wednesday, rockets killed two soldiers there": the site told before (not the
# "there" of "there were no casualties")
THERE: Final = re.compile(
    r"(?<=\w\s)there\b(?=\s*[.,;]|\s+(?:on|in|at|last|earlier|late|early)\b)", re.IGNORECASE
)
# what ends a site's phrase before a landmark: "Camp Taji and four others struck near ..."
LANDMARK_GAP_BREAK: Final = re.compile(
    r"[,;\n]|\b(?:and|or|but|while|struck|hit|landed|fell|targeted|impacted|exploded)\b", re.I
)
ALSO_DIED: Final = re.compile(
    r"\b(?:also\s+(?:died|(?:was|were)\s+killed)|(?:was|were|had\s+been|have\s+been)\s+also"
    r"\s+killed)\b",
    re.I,
)
# "Two Iraqi soldiers were also hurt": more wounded than told before
ALSO_HURT: Final = re.compile(
    r"\b(?:also\s+(?:(?:was|were|been)\s+)?(?:wounded|injured|hurt)|(?:was|were|had\s+been"
    r"|have\s+been)\s+also\s+(?:wounded|injured|hurt))\b",
    re.I,
)
#: sentences a casualty count may follow its attack by, when those between tell of nothing
CASUALTY_REACH_SENTENCES: Final = 2


@dataclass(frozen=True)
class Mention:
    """One clause about one attack, with what it says; ``start``/``end`` are the clause's."""

    article_file: str
    sentence: Sentence
    start: int
    end: int
    kind: MentionKind
    weapon: str | None = None
    site: SiteMention | None = None
    same_site: bool = False
    day_offset: int | None = None  # "later that day" (0): days from the attack told before
    date: DateMention | None = None
    actor: str | None = None
    munitions: int | None = None
    casualties: Casualties = field(default_factory=Casualties)
    definite: bool = False
    every: bool = False  # "no casualties from the attacks": every attack told so far
    round: bool = False  # "attacked four times ..., but no casualties": each told next
    more: bool = False  # "A third drone was shot down": more of the volley told before
    loose: bool = False  # a casualty count far from any attack: the article's only one's
    adds: bool = False  # "A British soldier also died": more victims than told before
    adds_hurt: bool = False  # "Two Iraqis were also injured": more wounded than told before
    flashback: bool = False  # the earlier attack the sentence before counted ("the second")
    lead: bool = False  # the lead's toll of an attack it places no nearer than a country
    mix: frozenset[str] = frozenset()  # "ballistic missiles and rockets": every class told

    @property
    def text(self) -> str:
        """The words of the clause."""
        return self.sentence.text[self.start - self.sentence.start : self.end - self.sentence.start]


@dataclass(frozen=True)
class Attribution:
    """Who made an attack, as a sentence other than the attack's own tells it: a reply
    (an air strike) that names the group it hit, or a group's claim ("Kataib Hezbollah
    claimed Sunday's rocket attack"; "its fighters also fired rockets ...").
    """

    sentence: int
    actor: str
    kind: Literal["reply", "claim", "included"] = "reply"  # included: of the one singled out
    bases: frozenset[str] = frozenset()  # the bases a claim names ("claimed the Harir attack")
    since: int | None = None  # the first sentence it reaches back to (captions not counted)
    definite: bool = False  # of one attack told as known ("claimed the attack")
    singular: bool = False  # a claim of one attack by its noun ("claimed the attack")
    # the years a reply's own words name ("The 2020 U.S. drone strike ..."): it answers
    # no attack of another year
    years: frozenset[int] = frozenset()


# "said in a statement on Telegram that ...", "said on Saturday that ...": where it said it
_REPORTED_IN = r"(?:(?:in|on|via|through|late|early)\s+[^.;]{0,60}?\s+)?"
# "X claimed responsibility", "X claimed Friday's attack", "X took responsibility"
CLAIM: Final = LexicalPattern(
    r"\b(?:claimed|claiming|claims|took|takes|taken|taking|assumed|assuming)\b(?:\s+\S+){0,4}?"
    r"\s+(?:responsibility|attacks?|strikes?|operations?)\b"
    r"|\bclaimed\b[^.;]{0,60}?\b(?:its|their)\s+fighters\b"
    # "... said it carried out the attack", "announced that they were behind the strike"
    rf"|\b(?:said|says|announced|declared|stated)\s+{_REPORTED_IN}(?:that\s+)?(?:it|they)\s+"
    r"(?:had\s+)?(?:carried\s+out|conducted|staged|was\s+behind|were\s+behind)\s+the\s+"
    r"(?:\w+\s+)?(?:attack|strike|operation|bombardment)s?\b"
    r"|\bannounced\s+(?:that\s+it\s+had\s+been\s+)?(?:targeting|attacking|striking|bombing)\b"
    # "X said it targeted the base with two drones"
    rf"|\b(?:said|says|announced|declared|stated)\s+{_REPORTED_IN}(?:that\s+)?(?:it|they)\s+"
    r"(?:had\s+|has\s+|have\s+)?(?:also\s+)?(?:targeted|attacked|struck|hit|launched|fired"
    r"|shelled|bombed|(?:was|were)\s+responsible\s+for)\b"
    # "claimed to have targeted the base", "claiming it had killed soldiers in the attack"
    r"|\bclaim(?:ed|ing|s)\s+(?:to\s+have|(?:that\s+)?(?:it|they)\s+(?:had|has|have)?)\s*"
    r"(?:\w+\s+)?(?:targeted|attacked|struck|hit|launched|fired|killed|caused|destroyed)\b"
    # "said in a statement that its fighters had attacked ..."
    rf"|\b{_CLAIM_VERB}\b[^.;]{{0,80}}?\b(?:{_OWN_FIGHTERS})\s+(?:had\s+|have\s+)?(?:also\s+)?"
    r"(?:attacked|targeted|struck|hit|fired|launched)\b"
    # "X said the attack was a response to ...": the group gives its reason for it
    rf"|\b(?:said|says|stated|declared)\s+{_REPORTED_IN}(?:that\s+)?(?:the|its|this|that)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:attack|strike|operation)s?\s+(?:was|were|came)\s+(?:carried\s+out\s+)?"
    r"(?:as\s+|in\s+)?(?:a\s+)?(?:response|retaliation|revenge|reply)\b"
    # "the attack was claimed by X", "the strike was carried out by X"
    r"|(?P<passive>(?:\b(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:later\s+)?"
    r"(?:claimed|carried\s+out|conducted|staged)(?:\s+[\w-]+){0,3}?|\bclaimed)\s+by\s)"
    # "the attack, which Kataib Hezbollah claimed"
    r"|(?P<which>\b(?:which|that)\s+[^.;,]{1,60}?\s+(?:has\s+|had\s+|later\s+)?claimed\b"
    r"(?!\s+(?:responsibility|to\b|that\b|it\b|its\b)))"
    # "officials said X carried out the attack", "the Guards fired the missiles"
    r"|(?P<deed>\b(?:carried\s+out|conducted|staged|launched|fired)\s+(?:the|this|that|these"
    r"|those|\w+day['\u2019]s)\s+(?:[\w-]+\s+){0,3}?(?:attack|strike|operation|missiles|rockets"
    r"|drones|barrage|salvo)s?\b)"
    # "Sources believe the group is responsible for the attack", "X was behind Friday's
    # strike" (not "who was responsible", "is not behind", "is suspected to be behind")
    r"|(?P<copula>\b(?:is|was|are|were)\s+"
    r"(?:(?!not\b|never\b|suspected\b|accused\b|alleged\b)\w+\s+){0,2}?"
    r"(?:responsible\s+for|behind)\s+(?:the|this|that|these|those|\w+day['\u2019]s)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:attack|strike|bombardment|shelling|operation)s?\b)",
    re.IGNORECASE,
)
# "claimed the attacks", "claimed attacks on those locations": a claim of the attacks
# just told, not of many ("claimed most of those attacks", "claimed dozens of attacks")
CLAIM_OF_THESE: Final = re.compile(
    r"^\w+\s+(?:responsibility\s+for\s+)?(?:(?:the|these|those|both|\w+day['\u2019]s)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:attacks|strikes|operations)\b(?!\s+(?:since|over|in\s+recent))"
    r"|(?:[\w-]+\s+){0,2}?(?:attacks|strikes|operations)\s+on\s+(?:those|these|both|all\s+\w+"
    r"|the\s+(?:two|three|four|five|six)\b))",
    re.IGNORECASE,
)
# "the group", "the militia": the group named last, a sentence or two before
_THE_GROUP = (
    r"\b(?:the|this|that)\s+(?:[\w'\u2019-]+\s+){0,3}?(?:group|militia|faction|organi[sz]ation"
    r"|movement)\b"
)
GROUP_ANAPHOR: Final = re.compile(rf"{_THE_GROUP}\s*$", re.IGNORECASE)
THE_GROUP: Final = re.compile(_THE_GROUP, re.IGNORECASE)
# "... claimed responsibility for dozens of attacks, including the Thursday attack on
# the base": the claim of the one attack it singles out
INCLUDING: Final = re.compile(
    r"^[^.;]{0,120}?,?\s+including\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:attack|strike|bombardment|assault)\b",
    re.IGNORECASE,
)
# (a share of many: "claimed responsibility for the bulk of" the operations)
CLAIM_OF_MANY: Final = re.compile(
    r"^\w+\s+(?:responsibility\s+for\s+)?(?:\w+\s+){0,2}?(?:most|many|numerous|several|dozens"
    r"|all|some|scores|hundreds|a\s+series|a\s+string|a\s+spate|attacks|strikes|operations"
    r"|majority|bulk|lion['\u2019]s\s+share|multiple|countless|a\s+(?:large\s+|great\s+)?number)\b",
    re.IGNORECASE,
)
# "Its fighters also fired rockets at ...": the group whose claim was just told
OWN_FIGHTERS: Final = LexicalPattern(
    rf"\b(?:its|their|the\s+{slot('forces.claimant')})\s+(?:fighters|members|militants)\b", re.I
)
#: sentences after a group's claim that "its fighters" may still mean that group
CLAIM_REACH_SENTENCES: Final = 2


def claim_in(
    sentence: str, actors: tuple[Actor, ...] = (), antecedent: str | None = None
) -> str | None:
    """The group ``sentence`` says claimed an attack, or None; ``antecedent`` is the group
    named last before the sentence, which "the group" means.

    >>> claim_in("In a post online, Kataib Hezbollah claimed Sunday's rocket attack on the camp.")
    'Kataib Hezbollah'
    >>> claim_in("Sources believe the group is responsible for the attack.", (), "Kataib Hezbollah")
    'Kataib Hezbollah'
    """
    for claim in CLAIM.finditer(sentence):
        before, rest = sentence[: claim.start()], sentence[claim.start() :]
        if re.search(r"\b(?:not|never|no)\s+(?:\w+\s+){0,2}$", before, re.I):
            return None  # "is not usually claimed by", "no group has claimed"
        if CLAIM_OF_MANY.match(rest) and not CLAIM_OF_THESE.match(rest):
            continue  # "has claimed most of those attacks": no one attack's claim
        if EARLIER_CLAIM.search(before):
            continue  # "has previously claimed an attack on Erbil": another attack's
        if claim.group("copula") is not None:
            return _responsible(before, actors, antecedent)
        if (claim.group("deed") or claim.group("passive")) and HEDGE.search(before):
            continue  # "speculated" the strike "was carried out by X": not said
        if claim.group("deed") is not None:
            return _responsible(before, actors, antecedent, states=True)
        if claim.group("passive") is not None:  # the agent, up to the clause's end
            return _claim_subject(re.split(r"[,;]", sentence[claim.end() :])[0], actors)
        if claim.group("which") is not None:
            return _claim_subject(claim.group("which"), actors)
        named = _claim_subject(before, actors) or self_named(before)
        return named or (antecedent if GROUP_ANAPHOR.search(before) else None)
    return None


# a guess, not a statement: a monitor "speculated" who carried out the attack
HEDGE: Final = re.compile(
    r"\b(?:speculat\w*|suspect\w*|alleg\w*|accus\w*|may|might|could|possibly|perhaps"
    r"|unclear|not\s+known|whether)\b",
    re.IGNORECASE,
)
# "has previously claimed", "had earlier taken responsibility": a claim of another attack
EARLIER_CLAIM: Final = re.compile(
    r"\b(?:previously|earlier|before|repeatedly|often|frequently|in\s+the\s+past)\s+$", re.I
)
# where the subject of a claim can start: after "said", "according to" or a colon
# ("the ministry said that Kataib Hezbollah claimed ...": the group, not the ministry)
_CLAIM_CLAUSE: Final = re.compile(
    r".*(?:\b(?:said|says|told|reported|according\s+to)\b|[:;])", re.IGNORECASE | re.DOTALL
)


def _claim_subject(before: str, actors: tuple[Actor, ...]) -> str | None:
    """Who claims, where ``before`` ends at the claim: the first actor named acting in
    the claim's own clause, a group or a state ("the IRGC claimed responsibility")."""
    opening = _CLAIM_CLAUSE.match(before)
    clause = before[opening.end() :] if opening else before
    found = _acting(clause, actors or active_lexicons().actors, states=True)
    return found.name if found is not None else None


# what a sentence says "is responsible" when the subject is a question or a relative
# ("who was responsible", "which group was behind"), or an appositive after the subject
# ("Kataib Hezbollah, an Iran-backed militia, was behind")
_ASKED: Final = re.compile(r"\b(?:who|whoever|which|what)\s+(?:[\w-]+\s+){0,2}?$", re.I)
_APPOSITIVE: Final = re.compile(r",[^,]{1,80},\s*$")


def _responsible(
    before: str, actors: tuple[Actor, ...], antecedent: str | None, states: bool = False
) -> str | None:
    """The group "is responsible for the attack" names: the subject right before the
    verb, when it is a group ("X was behind the strike") or "the group" (the group named
    last); not a question ("who was responsible"), nor any other subject ("said the
    United States was behind the strike"). ``states``: a state's forces may be the
    subject too ("the Revolutionary Guards fired the missiles")."""
    if _ASKED.search(before):
        return None
    subject = _APPOSITIVE.sub(" ", before).rstrip()
    subject = re.sub(r"(?:\s+(?:had|has|have|also|reportedly|then))+$", "", subject, flags=re.I)
    if GROUP_ANAPHOR.search(subject + " "):
        return antecedent
    for actor in actors or active_lexicons().actors:
        if actor.kind != "group" and not (states and actor.kind == "state"):
            continue
        if any(m.end() == len(subject) for m in actor.pattern.finditer(subject)):
            return actor.name
    return None


# "a group calling itself 'The brigades to avenge al-Muhandis' took responsibility": a
# new front the lexicon cannot know yet, named by the words it chose
SELF_NAMED: Final = re.compile(
    r"\b(?:calling|calls|called|naming|names)\s+(?:itself|themselves)\s+"
    r"[\"\u201c\u2018']?(?P<lead>(?:the\s+)?)[\"\u201c\u2018']?"
    r"(?P<name>[a-z][\w.-]*(?:['\u2019]\w+)*(?:\s+[\w.-]+(?:['\u2019]\w+)*){0,6}?)"
    r"[\"\u201d\u2019']?"
    r"\s*(?:,[^,]*,\s*|,\s*)?(?:(?:has|have|had|later|also|then|quickly|swiftly)\s+)*$",
    re.IGNORECASE,
)


def self_named(text: str) -> str | None:
    """The name a group "calling itself" something gives, where ``text`` ends at its claim.

    >>> self_named("A group calling itself \u201cThe brigades to avenge al-Muhandis\u201d ")
    'brigades to avenge al-Muhandis'
    >>> self_named("a group that calls itself the Guardians of the Jazira has ")
    'Guardians of the Jazira'
    """
    found = SELF_NAMED.search(text)
    if found is None or not (
        found.group("name")[:1].isupper() or found.group("lead")[:1].isupper()
    ):
        return None  # a name is written with a capital ("calling itself a defender": none)
    return found.group("name")


def last_group(text: str, actors: tuple[Actor, ...] = ()) -> str | None:
    """The armed group ``text`` names last, whatever its role.

    >>> last_group("Kataib Hezbollah and Asaib Ahl al-Haq, both backed by Iran, ...")
    'Asaib Ahl al-Haq'
    """
    spans: list[tuple[int, int, str]] = []
    for actor in actors or active_lexicons().actors:
        for match in actor.pattern.finditer(text):
            if actor.kind == "group" and not any(
                a < match.end() and match.start() < b for a, b, _ in spans
            ):
                spans.append((match.start(), match.end(), actor.name))
    return max(spans)[2] if spans else None


_ONE_ATTACK = (
    r"(?:the|this|that|\w+day['\u2019]s)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:attack|strike|bombardment|assault|shelling)\b(?!s)"
)
# "the attack", "Sunday's drone strike": one attack, told as known
THE_ATTACK: Final = re.compile(rf"\b{_ONE_ATTACK}", re.IGNORECASE)
# officials' blame of one attack: "blamed the attack on X", "blamed X for Sunday's strike",
# "attributed the strike to X", "X was blamed for the attack" (not "for attacks since
# October", nor "Iran-backed militias")
BLAME: Final = re.compile(
    rf"\bblam(?:ed|es|ing)\s+{_ONE_ATTACK}\s+on\s+(?P<after>[^.;]{{1,80}})"
    rf"|\battribut(?:ed|es|ing)\s+{_ONE_ATTACK}\s+to\s+(?P<to>[^.;]{{1,80}})"
    rf"|\bblam(?:ed|es|ing)\s+(?P<between>[^.;]{{1,80}}?)\s+for\s+{_ONE_ATTACK}"
    rf"|(?P<subject>^[^.;]{{1,120}}?)\s+(?:was|were|is|are|has\s+been|have\s+been)\s+blamed"
    rf"\s+for\s+{_ONE_ATTACK}",
    re.IGNORECASE,
)


def blamed(sentence: str, actors: tuple[Actor, ...] = ()) -> str | None:
    """The group a sentence blames for one attack, or None.

    >>> blamed("U.S. officials blamed the attack on Kataib Hezbollah.")
    'Kataib Hezbollah'
    >>> blamed("Officials blamed Iran-backed militias for the attack."), blamed(
    ...     "Washington has blamed Kataib Hezbollah for dozens of attacks.")
    (None, None)
    """
    for found in BLAME.finditer(sentence):
        if re.search(r"\b(?:not|never|no)\s+$", sentence[: found.start()], re.I):
            continue
        words = next(g for g in found.groups() if g is not None)
        group = _group_in(words, actors)
        if group is not None:
            return group
    return None


def included_claim(sentence: str, actors: tuple[Actor, ...] = ()) -> str | None:
    """The group ``sentence`` says claimed many attacks including one it singles out.

    >>> included_claim("Kataib Hezbollah has claimed many strikes on the coalition, "
    ...     "including the Sunday attack on the airfield.")
    'Kataib Hezbollah'
    """
    for claim in CLAIM.finditer(sentence):
        if CLAIM_OF_MANY.match(sentence[claim.start() :]) and INCLUDING.match(
            sentence[claim.end() :]
        ):
            return _group_in(sentence[: claim.start()], actors)
    return None


def mask_non_weapons(text: str) -> str:
    """``text`` with defences, pictures and watching drones ("C-RAM", "drone footage",
    "a reconnaissance drone") blanked out."""
    text = NOT_A_WEAPON.sub(lambda m: " " * len(m.group(0)), text)
    return WATCHING_DRONE.sub(
        lambda m: m.group(0) if _drone_strikes(text, m) else " " * len(m.group(0)), text
    )


def _drone_strikes(text: str, watching: re.Match[str]) -> bool:
    """Whether a drone read as watching is told striking in its clause: between it and
    its errand or filming ("a drone attack on an observation post", "a drone struck the
    garrison, from which troops conduct surveillance"), or after its flight up to what it
    filmed ("two drones circling the tower exploded")."""
    if watching.group("cue") is not None or watching.group("cue2") is not None:
        cue = "cue" if watching.group("cue") is not None else "cue2"
        return bool(WATCHING_DRONE_STRIKES.search(text, watching.start(), watching.start(cue)))
    if watching.group("flight") is None:
        return False
    clause = re.match(r"[^.;]*", text[watching.end() :])
    told = clause.group(0) if clause else ""
    filmed = WATCHING_DRONE_FILMED.search(told)
    return bool(WATCHING_DRONE_STRIKES.search(told[: filmed.start() if filmed else len(told)]))


def weapon_in(text: str) -> tuple[str, int] | None:
    """The weapon class a (masked) clause names first, and where."""
    spans: list[tuple[int, int, str]] = []
    for weapon, pattern in weapon_words():
        for match in pattern.finditer(text):
            if any(match.start() < b and a < match.end() for a, b, _ in spans):
                continue
            spans.append((match.start(), match.end(), weapon))
    if not spans:
        return None
    start, _, weapon = min(spans)
    return weapon, start


def salvo_in(text: str) -> frozenset[str]:
    """Every weapon class a (masked) clause names, when it names two or more joined by
    "and" or "or" ("ballistic missiles and rockets", "rockets and drones"); else none.

    >>> sorted(salvo_in("a barrage of ballistic missiles and rockets"))
    ['ballistic_missile', 'rocket']
    >>> salvo_in("a rocket hit the base, a drone official said")
    frozenset()
    """
    spans: list[tuple[int, int, str]] = []
    for weapon, pattern in weapon_words():
        for match in pattern.finditer(text):
            if not any(match.start() < b and a < match.end() for a, b, _ in spans):
                spans.append((match.start(), match.end(), weapon))
    spans.sort()
    joined: set[str] = set()
    for (_, end, first), (start, _, second) in pairwise(spans):
        if re.fullmatch(r"[\s,]+(?:and|or|&)\s+(?:[\w-]+\s+){0,2}?", text[end:start], re.I):
            joined |= {first, second}
    return frozenset(joined) if len(joined) > 1 else frozenset()


def actor_in(text: str, actors: tuple[Actor, ...] = ()) -> str | None:
    """The attacking group a clause names, normalised; None when it names none acting.

    >>> actor_in("ISIS fired rockets at the base"), actor_in("the fight against ISIS")
    ('ISIS', None)
    >>> actor_in("Iran-backed militias fired rockets"), actor_in("Iran launched missiles")
    (None, 'Iran')
    """
    found = _acting(text, actors or active_lexicons().actors)
    return found.name if found is not None else None


def _acting(text: str, actors: tuple[Actor, ...], states: bool = False) -> Actor | None:
    """The actor ``text`` names acting, the first named in the text (the subject comes
    first: "X, believed linked to Y, claimed ..."); a longer name beats a name inside it
    ("Hizbollah" inside "Kata'ib Hizbollah"). ``states``: a state may act without a verb
    after it (the subject of a claim)."""
    found = sorted(
        ((m.start(), -m.end(), actor) for actor in actors for m in actor.pattern.finditer(text)),
        key=lambda f: (f[0], f[1]),
    )
    named: list[tuple[int, int]] = []
    for start, negative_end, actor in found:
        end = -negative_end
        if any(a < end and start < b for a, b in named):
            continue
        named.append((start, end))
        before, after = text[:start], text[end:]
        if not may_attack(text, start, end):
            continue  # a target, sponsor, campaign's enemy, the accused, who denied ...
        if actor.kind == "coalition":
            continue  # its strikes are replies, never attacks on a base
        if actor.kind == "state" and not (
            states or STATE_ACTS.match(after) or re.search(r"\bby\s+$", before, re.I)
        ):
            continue
        return actor
    return None


def _group_in(text: str, actors: tuple[Actor, ...]) -> str | None:
    """The armed group (not a state) ``text`` names acting, or None."""
    found = _acting(text, actors or active_lexicons().actors)
    return found.name if found is not None and found.kind == "group" else None


def groups_hit(text: str, actors: tuple[Actor, ...] = ()) -> list[str]:
    """The armed groups a reply's words name as what it hit (not states): named plainly,
    as its target or as the owner of what it hit ("sites affiliated with X"); not as the
    enemy of a campaign ("the coalition to combat ISIS") or the source of another threat
    ("the threats to shipping posed by the Houthis").

    >>> groups_hit("U.S. jets struck sites of Asaib Ahl al-Haq, the coalition to combat "
    ...     "ISIS said")
    ['Asaib Ahl al-Haq']
    """
    return [
        a.name
        for a in actors or active_lexicons().actors
        if a.kind == "group"
        and any(reply_hit(text, m.start(), m.end()) for m in a.pattern.finditer(text))
    ]


@dataclass
class _ClauseFacts:
    clause: Clause
    masked: str
    weapon: tuple[str, int] | None
    single: bool  # names one attack ("a rocket attack", "rocket fire")
    plural: bool  # names attacks in the plural
    excluded: str | None  # response, protest, personal, unfired, aggregate, hypothetical
    sites: list[SiteMention]
    dates: list[DateMention]
    count: int | None = None  # "and six others": munitions told without their weapon

    @property
    def attack(self) -> bool:
        return self.excluded is None and (self.weapon is not None or self.single)

    @property
    def event_words(self) -> bool:
        return self.weapon is not None or self.single or self.plural


#: "launched retaliatory shelling", "hit back": a reply, whatever its weapon, when it
#: names no site it hit
RETALIATORY: Final = re.compile(r"\bretaliatory\s+\w+|\bretaliated\b|\bhit\s+back\b", re.I)


# "a rocket fired at them would no longer be possible": a modal after the weapon
MODAL_AFTER: Final = re.compile(r"^[^,;]{0,50}?\b(?:would|could|might)\b(?!\s+have\b)", re.I)


def _hypothetical(text: str, at: int) -> bool:
    if MODAL_AFTER.match(text[at:]):
        return True
    window = text[max(0, at - 60) : at]
    found = list(HYPOTHETICAL.finditer(window))
    if not found:
        return False
    return HYPOTHETICAL_BREAK.search(window[found[-1].end() :]) is None


# aircraft named without a strike ("as jets circled overhead"): no reply by itself
AIRCRAFT: Final = re.compile(r"warplanes?|fighter\s+jets?|bombers", re.I)
STRIKE_VERB: Final = re.compile(
    r"\b(?:struck|strik\w*|hit|hits|hitting|bomb\w*|target\w*|attack\w*|pound\w*|raid\w*"
    r"|fired|firing|launch\w*|kill\w*|destroy\w*|shell\w*)\b",
    re.I,
)


# "launched drone strikes on the base": an agent's deed, told in the simple past
LAUNCHED: Final = re.compile(
    r"(?<!\bhave\s)(?<!\bhas\s)(?<!\bhad\s)\b(?:launched|carried\s+out|conducted|staged)\b",
    re.I,
)


def _one_volley(masked: str, attacks: re.Match[str], sites: list[SiteMention]) -> bool:
    """Whether "drone strikes" tells one volley on one base, not a kind of attack: an
    agent "launched" them (not "have launched", nor "attacks carried out by") at a
    single base named or described."""
    bases = [s for s in sites if not s.plural and s.kind in ("named", "described")]
    verb = LAUNCHED.search(masked[: attacks.start()])
    return (
        len(bases) == 1
        and verb is not None
        and re.fullmatch(r"[\w\s-]{0,30}", masked[verb.end() : attacks.start()]) is not None
    )


# "launched against U.S. and Coalition forces": the friendly side is what was attacked
AGAINST_BEFORE: Final = re.compile(
    r"\b(?:against|targeting|toward|towards|at)\s+(?:the\s+)?(?:[\w.'\u2019-]+\s+(?:and|or)\s+)?$",
    re.I,
)


def _friendly_agent(masked: str, before: str = "") -> bool:
    """Whether the clause tells the US, the coalition or Israel striking (not as the
    object of "against": "a drone launched against U.S. and Coalition forces struck
    the garrison"); ``before`` is the text of the clause it goes on from."""
    return any(
        not AGAINST_BEFORE.search(before + masked[: m.start()])
        for m in FRIENDLY_AGENT.finditer(masked)
    )


def _strikes_back(masked: str) -> bool:
    """Whether a clause tells the other side's strike: an air strike, or aircraft doing
    something a strike does (not aircraft that only circled overhead)."""
    told = [m.group(0) for m in AIR_STRIKE.finditer(masked)]
    if any(not AIRCRAFT.fullmatch(t) for t in told):
        return True
    return bool(told) and STRIKE_VERB.search(masked) is not None


def _targets_a_person(masked: str) -> bool:
    """Whether the clause tells an attack on a person, not a base: an official
    targeted, or a strike that killed someone by his title, unless an attack told
    before "after"/"following" is what the clause is about ("the camp was hit by
    missiles following the assassination of the commander")."""
    personal = PERSONAL_TARGET.search(masked)
    if personal is None:
        return False
    cue = REPLY_TO.search(masked, 0, personal.start())
    before = masked[: cue.start()] if cue else ""
    return not (weapon_in(before) or ATTACK_NOUN.search(before) or PASSIVE_HIT.search(before))


def _classify(
    clause: Clause, masked: str, sites: list[SiteMention], dates: list[DateMention]
) -> _ClauseFacts:
    weapon = weapon_in(masked)
    every = EVERY_ATTACK.search(masked) is not None
    one_site = any(not s.plural for s in sites)
    hit = (PASSIVE_HIT.search(masked) or DEFINITE_INCIDENT.search(masked)) is not None and one_site
    single = (
        bool(ATTACK_NOUN.search(masked) or UNDER_FIRE.search(masked) or STRUCK_AGAIN.search(masked))
        or hit
    ) and not every
    plural = bool(ATTACK_NOUN_PLURAL.search(masked)) or every
    excluded: str | None = None
    # (a retaliation at no site is a reply; "Iran's retaliatory strike on the base" is not)
    replies = (
        _strikes_back(masked)
        or _friendly_agent(masked)
        or bool(RETURN_FIRE.search(masked) or FRIENDLY_WEAPON.search(masked))
    )
    if replies or (RETALIATORY.search(masked) and not sites):
        excluded = "response"
    elif PROTEST.search(masked):
        excluded = "protest"
    elif _targets_a_person(masked):
        excluded = "personal"
    elif UNFIRED.search(masked) and not (single or UNDER_FIRE.search(masked)):
        excluded = "unfired"
    elif AGGREGATE.search(masked) or (plural and not single and weapon is None):
        excluded = "aggregate"
    elif plural and not single and weapon is not None:
        # "rocket attacks": the weapon names the attacks' kind, not one volley
        attacks = ATTACK_NOUN_PLURAL.search(masked)
        assert attacks is not None
        if abs(attacks.start() - weapon[1]) < 40 and not _one_volley(masked, attacks, sites):
            excluded = "aggregate"
    if excluded is None and SEQUEL.match(masked) and not (weapon or single):
        excluded = "earlier"  # "comes two days after ISIS killed ...": another event
    if excluded is None and any(s.plural and not s.counted for s in sites):
        excluded = "aggregate"
    word = ATTACK_NOUN.search(masked) or UNDER_FIRE.search(masked) or STRUCK_AGAIN.search(masked)
    trigger = weapon[1] if weapon else (word.start() if word else 0)
    if excluded is None and (weapon or single) and _hypothetical(masked, trigger):
        excluded = "hypothetical"
    return _ClauseFacts(clause, masked, weapon, single, plural, excluded, sites, dates)


def _split_reply(clause: Clause) -> list[Clause]:
    """A reply's clause cut where the attack it answers is told ("U.S. jets struck ...
    after rockets hit the base"), so that attack is read on its own."""
    masked = mask_non_weapons(clause.text)
    if not (AIR_STRIKE.search(masked) or FRIENDLY_AGENT.search(masked)):
        return [clause]
    for cue in REPLY_TO.finditer(masked):
        tail = masked[cue.start() :]
        if AIR_STRIKE.search(tail) or FRIENDLY_AGENT.search(tail):
            if _attack_before_reason(masked[: cue.start()]):
                return _cut(clause, cue.start())
            continue
        if AIR_STRIKE.search(masked[: cue.start()]) or FRIENDLY_AGENT.search(masked[: cue.start()]):
            if weapon_in(tail) is None and not ATTACK_NOUN.search(tail):
                return [clause]
            return _cut(clause, cue.start())
    goes_on = _GOES_ON_TO_FIRE.search(masked)
    if goes_on is not None and not _FRIENDLY_SUBJECT.match(masked):
        tail = masked[goes_on.start() :]
        if weapon_in(tail) is not None and not (
            AIR_STRIKE.search(tail) or FRIENDLY_AGENT.search(tail)
        ):
            return _cut(clause, goes_on.start())
    return [clause]


#: a subject that, after words on the other side's strikes, goes on to fire itself: "X
#: condemned the US strikes and on Monday fired rockets at ..." (not when the other side
#: is the subject: "US jets struck depots and then fired missiles at ...")
_FRIENDLY_SUBJECT: Final = LexicalPattern(
    rf"^\W*(?:(?:the|an?)\s+)?(?:{slot('forces.friendly')}|(?:\w+\s+){{0,2}}?(?:warplanes?|jets?"
    r"|aircraft|air\s*strikes?|airstrikes?))\b",
    re.I,
)
_GOES_ON_TO_FIRE: Final = re.compile(
    r"\band\s+(?:(?:then|later|also|on\s+\w+day)\s+){0,2}(?:fired|launched)\b", re.I
)


def _attack_before_reason(head: str) -> bool:
    """Whether the words before "after ..." tell an attack of their own, with no reply
    in them ("X launched drone strikes on the Rumailan base after ... Israeli air
    strikes": the air strikes are the attack's reason, told after it). The site may be
    a noun or a name the words put a weapon on ("Rockets hit Ain al-Asad on Monday after
    US forces struck a depot")."""
    weapon = weapon_in(head) is not None
    return (
        not (AIR_STRIKE.search(head) or FRIENDLY_AGENT.search(head))
        and (weapon or ATTACK_NOUN.search(head) is not None)
        and (SITE_NOUN.search(head) is not None or (weapon and bool(ATTACK_VERB.search(head))))
    )


def _cut(clause: Clause, at: int) -> list[Clause]:
    """``clause`` cut in two at ``at`` (characters into it)."""
    cut = clause.start + at
    return [
        Clause(clause.start, cut, clause.text[:at].rstrip()),
        Clause(cut, clause.end, clause.text[at:]),
    ]


def _split_sequel(clause: Clause) -> list[Clause]:
    """A clause cut where it turns to an earlier event ("The attack comes two days after
    ISIS killed ..."), so that event's actor and dead are not this attack's."""
    cue = SEQUEL.search(clause.text)
    if cue is None or cue.start() == 0:
        return [clause]
    cut = clause.start + cue.start()
    return [
        Clause(clause.start, cut, clause.text[: cue.start()].rstrip()),
        Clause(cut, clause.end, clause.text[cue.start() :]),
    ]


def _own_day(dates: list[DateMention]) -> DateMention | None:
    return next((d for d in dates if not (d.reported or d.other_event)), None)


def _split_coordinated(
    clause: Clause, masked: str, sites: list[SiteMention], dates: list[DateMention]
) -> list[Clause]:
    """``clause`` cut where it goes on to tell another attack (see the module notes);
    ``masked`` is the clause's text with non-weapons blanked, ``sites`` and ``dates``
    those of its sentence."""
    offset = clause.start

    def within(a: int, b: int) -> tuple[list[SiteMention], DateMention | None]:
        own = [s for s in sites if a <= s.start < b and not (s.plural and not s.counted)]
        return own, _own_day([d for d in dates if a <= d.start < b])

    for cue in COORDINATION.finditer(masked):
        cut = offset + cue.start()
        if any(d.start <= cut < d.end for d in dates):
            continue
        head, tail = masked[: cue.start()], masked[cue.start() :]
        if weapon_in(head) is None or AIR_STRIKE.search(head) or FRIENDLY_AGENT.search(head):
            continue
        split = bool(AIR_STRIKE.search(tail) or _friendly_agent(tail, head))
        if not split:
            weapon = weapon_in(tail)
            goes_on = (
                (weapon is not None and not DEFINITE_REFERENCE.search(tail))
                or elliptic_count(tail) is not None
                or AGAIN.search(tail) is not None
            )
            head_sites, head_day = within(offset, cut)
            tail_sites, tail_day = within(cut, clause.end)
            other_site = bool(head_sites and tail_sites) and not any(
                (t.base_id or t.text) == (h.base_id or h.text)
                for t in tail_sites
                for h in head_sites
            )
            other_day = (
                head_day is not None
                and tail_day is not None
                and (head_day.day, head_day.precision) != (tail_day.day, tail_day.precision)
            )
            split = goes_on and (other_site or other_day)
        if split:
            rest = Clause(cut, clause.end, clause.text[cue.start() :])
            return [
                Clause(clause.start, cut, clause.text[: cue.start()]),
                *_split_coordinated(rest, masked[cue.start() :], sites, dates),
            ]
    return [clause]


def _share(parts: list[_ClauseFacts]) -> None:
    """What the parts of one cut clause tell once: the weapon of "and six others",
    and the site or day only one part names."""
    told = [p for p in parts if p.excluded is None]
    for i, part in enumerate(told):
        count = elliptic_count(part.masked)
        elided = count is not None or not ATTACK_VERB.search(part.masked)  # "and again on ..."
        if part.weapon is None and elided and i > 0 and told[i - 1].weapon is not None:
            weapon = told[i - 1].weapon
            assert weapon is not None
            part.weapon, part.count = (weapon[0], 0), count
        others = sorted(told[:i], key=lambda p: -p.clause.start) + told[i + 1 :]
        if not part.sites:
            part.sites = next((list(p.sites) for p in others if p.sites), [])
        if _own_day(part.dates) is None and day_offset(part.clause.text) is None:
            part.dates = next((list(p.dates) for p in others if _own_day(p.dates)), part.dates)


def _pick_site(sites: list[SiteMention]) -> SiteMention | None:
    usable = [s for s in sites if not (s.plural and not s.counted)]
    if not usable:
        return None
    return max(usable, key=lambda s: (s.rank, s.kind != "generic", -s.start))


def _when_of(
    facts: _ClauseFacts, sentence_facts: list[_ClauseFacts]
) -> tuple[_ClauseFacts, DateMention] | None:
    """The clause whose closing date a "when" clause tells of, and that date as the day
    of the attack it tells ("the first attack on the K1 base since December 27 last
    year, when" a rocket salvo killed ...: the start of a period for the clause
    before, the day of the "when" attack), or None."""
    if not re.match(r"\W*when\b", facts.clause.text, re.I):
        return None
    before = [f for f in sentence_facts if f.clause.end <= facts.clause.start]
    if not before or not before[-1].dates:
        return None
    last, day = before[-1], before[-1].dates[-1]
    if day.end < last.clause.end - 2 or (day.reported and not day.opens_period):
        return None
    return last, replace(day, reported=False, opens_period=False)


def _since_when(facts: _ClauseFacts, sentence_facts: list[_ClauseFacts]) -> bool:
    """Whether ``facts`` is the "when" of "the first attack since <day>, when ...": an
    earlier attack than the one the clause before counts from (not "struck again late
    Sunday, when two rockets landed ...", which goes on telling that attack)."""
    when = _when_of(facts, sentence_facts)
    return when is not None and when[0].dates[-1].opens_period


def _date_for(facts: _ClauseFacts, sentence_facts: list[_ClauseFacts]) -> DateMention | None:
    # "officials on Thursday released pictures of the Tuesday attack": the day that
    # names the attack comes first
    own = sorted(
        (d for d in facts.dates if not (d.reported or d.other_event)),
        key=lambda d: (not d.names_event, d.weak),
    )
    if own and own[0].weak:
        # '"... today at 10:31 pm," the command said late Friday': the quote's today is
        # the day it was said
        said = [
            d
            for f in sentence_facts
            for d in f.dates
            if d.reported and not d.dateline and d.precision == "day"
        ]
        if said:
            return replace(said[0], reported=False)
    if own:
        return own[0]
    when = _when_of(facts, sentence_facts)
    if when is not None:
        return when[1]
    # a date elsewhere in the sentence: whole when its clause tells of nothing else,
    # lowered to its month when it dates another event (a reply, a trend)
    best: tuple[int, DateMention] | None = None
    for other in sentence_facts:
        if other is facts or other.attack or OWN_PREDICATE.match(other.clause.text):
            continue  # "comes after ... last week", ", which was freed in 2016": their own
        for date in other.dates:
            if date.reported or date.other_event:
                continue
            distance = abs(other.clause.start - facts.clause.start)
            if (other.event_words or other.excluded) and date.precision == "day":
                date = replace(date, day=date.day.replace(day=1), precision="month")
            if best is None or distance < best[0]:
                best = (distance, date)
    return best[1] if best else _statement_day(sentence_facts)


def _statement_day(sentence_facts: list[_ClauseFacts]) -> DateMention | None:
    """The day of the statement a sentence opens with, when nothing in it dates the
    attack ("On Wednesday, sources announced that the base was targeted"): it dates
    the attack it announces, and tells it apart from an attack of another day."""
    said = [
        d for f in sentence_facts for d in f.dates if d.opens_statement and d.precision == "day"
    ]
    return said[0] if said else None


@dataclass(frozen=True)
class Reading:
    """What one article says about attacks, before mentions are joined into attacks.

    ``context_dates`` are the dates of sentences that speak of attacks (sentence index,
    date), which an undated attack told just after may take (events.py).
    """

    mentions: tuple[Mention, ...]
    attributions: tuple[Attribution, ...]
    context_dates: tuple[tuple[int, DateMention], ...]
    headline_site: SiteMention | None = None  # the one base the headline names
    headline_toll: Casualties = field(default_factory=Casualties)  # "..., No Casualties"
    anchor: Anchor | None = None  # an undated article's days without a year (dates.Anchor)
    other_events: tuple[int, ...] = ()  # sentences that tell a reply, a protest: no attack


def _without_landmarks(sites: list[SiteMention], sentence: Sentence) -> list[SiteMention]:
    """``sites`` less those that only locate a site told just before: "the Harir base
    ... near Erbil airport" is Harir, not Erbil."""
    kept: list[SiteMention] = []
    for site in sites:
        before = sentence.text[: site.start - sentence.start]
        gap = sentence.text[kept[-1].end - sentence.start : len(before)] if kept else "\n"
        locates = LANDMARK_BEFORE.search(before) and not LANDMARK_GAP_BREAK.search(gap)
        if site.base_id and kept and locates and len(gap) < 80:
            if kept[-1].base_id is None and kept[-1].kind in ("anaphoric", "generic"):
                # "the U.S. base next to Baghdad International Airport": the base the
                # landmark names, not the base told before
                kept[-1] = site
            continue
        kept.append(site)
    return kept


# "K1 was not among them", "Erbil was not among the targets", "was spared": the site
# told as not attacked
NEGATED_SITE: Final = re.compile(
    r"^\W*(?:(?:was|were|is|are)\s+(?:not|n't)\s+(?:one\s+of\s+them|among\s+(?:them|those|the\s+"
    r"(?:\w+\s+){0,2}?(?:targets|bases|sites)))\b|(?:was|were)\s+(?:not\s+(?:hit|targeted|attacked"
    r"|struck)|spared)\b)",
    re.I,
)


def _negated(site: SiteMention, sentence: Sentence) -> bool:
    """Whether the sentence tells ``site`` as not attacked ("K1 was not among them")."""
    return NEGATED_SITE.match(sentence.text[site.end - sentence.start :]) is not None


def _pronoun_site(sentence: Sentence) -> list[SiteMention]:
    """ "It was also attacked in May": "It" opening a sentence that says a site was hit
    is the site told before (an anaphoric mark, as "the base" is)."""
    match = PRONOUN_HIT.match(sentence.text)
    if match is not None:
        start = sentence.start + match.start("it")
        return [SiteMention(start, start + 2, "it", None, "anaphoric")]
    return [
        SiteMention(
            sentence.start + m.start(), sentence.start + m.end(), "there", None, "anaphoric"
        )
        for m in THERE.finditer(sentence.text)
    ]


def _split_where(
    clause: Clause, masked: str, sites: list[SiteMention], dates: list[DateMention]
) -> tuple[list[Clause], list[SiteMention]]:
    """ "Wednesday's attack targeted the same base where Iran attacked with missiles in
    January last year": the clause cut at "where" when what follows tells an attack of
    its own day; the "where" is then that base again (an anaphoric mark)."""
    for cue in WHERE_AFTER_SITE.finditer(clause.text):
        at = clause.start + cue.start()
        before = [s for s in sites if 0 <= at - s.end <= 2]
        if not before:
            continue
        tail = masked[cue.start() : len(clause.text)]
        own_day = [
            d for d in dates if at <= d.start < clause.end and not (d.reported or d.other_event)
        ]
        if not own_day or weapon_in(tail) is None:
            continue
        where = at + cue.group(0).index("where")
        site = before[-1]
        # "A base in southern Syria where troops train was attacked": that base, as told;
        # "the same base where ...": the site that phrase means, read as "the base" is
        said = site.kind in ("named", "described") and not SAME_SITE.search(clause.text)
        mark = replace(site, start=where, end=where + 5) if said else None
        return [
            Clause(clause.start, at, clause.text[: cue.start()]),
            Clause(at, clause.end, clause.text[cue.start() :]),
        ], [mark or SiteMention(where, where + 5, "where", None, "anaphoric")]
    return [clause], []


def annotate_sentence(
    sentence: Sentence,
    gazetteer: Gazetteer,
    published: dt.date | None,
    anchor: Anchor | None = None,
) -> list[_ClauseFacts]:
    """The typed spans of one sentence: its dates (an undated article's weekdays read
    against ``anchor``, see ``dates.anchor_day``), sites, clauses (cut where a reply or
    a second attack begins) and what each clause tells (weapon, attack words, why it is
    not an attack on a base)."""
    dates = _speaker_days(sentence, find_dates(sentence.text, published, sentence.start, anchor))
    clauses = split_clauses(sentence, [(d.start, d.end) for d in dates])
    clauses = [part for clause in clauses for part in _split_reply(clause)]
    clauses = [part for clause in clauses for part in _split_sequel(clause)]
    sites = _without_landmarks(gazetteer.find(sentence.text, sentence.start), sentence)
    sites = [s for s in sites if not _negated(s, sentence)]
    sites = sorted([*sites, *_pronoun_site(sentence)], key=lambda m: m.start)
    masked = mask_non_weapons(sentence.text)
    cut = [_split_where(c, masked[c.start - sentence.start :], sites, dates) for c in clauses]
    clauses = [part for parts, _ in cut for part in parts]
    sites = sorted([*sites, *(s for _, where in cut for s in where)], key=lambda m: m.start)
    facts: list[_ClauseFacts] = []
    for whole in clauses:
        at = whole.start - sentence.start
        parts = [
            _classify(
                clause,
                masked[clause.start - sentence.start : clause.end - sentence.start],
                [s for s in sites if clause.start <= s.start < clause.end],
                [d for d in dates if clause.start <= d.start < clause.end],
            )
            for clause in _split_coordinated(whole, masked[at : at + len(whole.text)], sites, dates)
        ]
        if len(parts) > 1:
            _share(parts)
        facts.extend(parts)
    _passive_after_subject(facts)
    _agent_of_reply(facts)
    return [part for f in facts for part in _dated_list(_told_together(f))]


def _agent_of_reply(facts: list[_ClauseFacts]) -> None:
    """ "the US killing of the general, ..., by a drone strike near the airport": the
    clause that says by what a reply was done is part of that reply."""
    for position, f in enumerate(facts):
        replied = any(before.excluded == "response" for before in facts[:position])
        if f.excluded is None and replied and BY_WHAT.match(f.masked):
            f.excluded = "response"


def _told_together(facts: _ClauseFacts) -> _ClauseFacts:
    """ "four soldiers were hurt in two separate drone attacks on al-Asad base": a
    counted few attacks on one named base, told with joint figures, are one attack to
    record (not a trend, which the plural alone would make them)."""
    listed = LISTED_ATTACKS.search(facts.masked)
    bases = {s.base_id for s in facts.sites if s.base_id and not s.plural}
    if (
        listed is None
        or facts.excluded != "aggregate"
        or len(bases) != 1
        or any(s.plural for s in facts.sites)
        or AGGREGATE.search(facts.masked) is not None
        or len(
            [d for d in facts.dates if d.precision == "day" and not (d.reported or d.other_event)]
        )
        > 1
    ):
        return facts
    return replace(facts, single=True, plural=False, excluded=None)


def _dated_list(facts: _ClauseFacts) -> list[_ClauseFacts]:
    """ "two attacks which targeted the garrison on October 20 and August 15": as many
    attacks as the clause counts and gives days, one per day."""
    listed = LISTED_ATTACKS.search(facts.masked)
    days = [d for d in facts.dates if d.precision == "day" and not (d.reported or d.other_event)]
    if listed is None or not facts.sites or facts.excluded not in (None, "aggregate"):
        return [facts]
    if len(days) < 2 or len(days) != parse_number(listed.group("n")):
        return [facts]
    return [replace(facts, single=True, plural=False, excluded=None, dates=[d]) for d in days]


# "the resistance fighters also targeted a US base at the Conoco field": a target of a
# claim told with an attack verb, its weapon told elsewhere or not at all
TARGET_VERB: Final = re.compile(
    r"\b(?:targeted|attacked|struck|hit|shelled|bombed|pounded)\s+(?!by\b)", re.I
)
# who did it, before the verb: the claimant's own ("they", "its fighters", "the group")
OWN_SUBJECT: Final = LexicalPattern(
    rf"(?:\b{_OWN_FIGHTERS}|\bthey|\bit|\bthe\s+(?:group|faction|militia))\s+"
    r"(?:[\w-]+\s+){0,2}?$",
    re.IGNORECASE,
)


# a clause that names one of the several just told: "including the Ain al-Asad airbase"
ONE_OF_THEM: Final = re.compile(r"^\W*(?:including|among\s+them|such\s+as|notably)\b", re.I)


def _claimed_targets(facts: list[_ClauseFacts], claiming: bool, actors: tuple[Actor, ...]) -> None:
    """A clause whose attacker "targeted" or "struck" one base (named or described, not
    "bases") tells one attack when a claim is near or its subject is the claimant's own
    ("they also targeted the base at Conoco"), though it names no weapon."""
    for f, listed in zip(facts, [*facts[1:], None], strict=True):
        verb = TARGET_VERB.search(f.masked)
        if f.attack or f.excluded or verb is None:
            continue
        after = [s.start - f.clause.start - verb.end() for s in f.sites if not s.plural]
        target = f
        if not after and listed is not None and _lists_one_of(f, listed):
            target = listed  # "X targeted two bases, including the Harir base"
        elif not any(0 <= gap <= 60 for gap in after):
            continue
        subject = f.masked[: verb.start()]
        if claiming or OWN_SUBJECT.search(subject) or actor_in(subject, actors):
            target.single = True


def _lists_one_of(told: _ClauseFacts, listed: _ClauseFacts) -> bool:
    """Whether ``listed`` names one base of the several ``told`` attacked ("targeted two
    airbases, including the Ain al-Asad airbase")."""
    return (
        any(s.plural for s in told.sites)
        and ONE_OF_THEM.match(listed.clause.text) is not None
        and any(not s.plural and s.base_id for s in listed.sites)
        and listed.excluded is None
    )


def _passive_after_subject(facts: list[_ClauseFacts]) -> None:
    """ "Ain al-Asad, which houses ..., was last hit in May": the clause that says the
    site was hit is one attack, its site the subject told in a clause before."""
    for position, f in enumerate(facts):
        if f.single or f.weapon or f.excluded or not PASSIVE_START.match(f.masked):
            continue
        if any(s for before in facts[:position] for s in before.sites if not s.plural):
            f.single = True


def _bare_anaphor(site: SiteMention) -> bool:
    """Whether ``site`` is "the base", "the airbase" (not "it", "there", "where")."""
    return site.kind == "anaphoric" and site.text.lower() not in ("it", "there", "where")


#: what a clause excluded as no attack tells instead: another event (not a total, nor
#: rockets found unfired, nor a hypothetical)
ANOTHER_EVENT: Final = frozenset({"response", "protest", "personal", "earlier"})


@dataclass
class _Tracker:
    """What reading an article remembers from one sentence to the next."""

    previous: Sentence | None = None  # the last sentence that gave mentions
    last_reply: int = -10
    last_eventful: int = -10  # the last sentence with attack words or a reply, protest, total
    last_weapon: str | None = None  # the weapon of the last sentence that names one
    counted: bool = False  # the last sentence counted its attack ("the second this week")
    groups: list[tuple[int, str | None]] = field(default_factory=list)  # each read sentence's
    read: list[int] = field(default_factory=list)  # the sentences read (not captions, links)
    # the one base where a sentence that told no attack heard explosions, until one is told
    named_site: tuple[int, SiteMention] | None = None
    sited: bool = False  # an attack with a site has been told
    other_events: list[int] = field(default_factory=list)  # replies, protests: no attack

    def antecedent(self) -> str | None:
        """The group "the group" means: the one named last in the two sentences before."""
        return next((g for _, g in reversed(self.groups[-2:]) if g is not None), None)

    def the_base(
        self, sentence: Sentence, facts: list[_ClauseFacts], found: list[Mention]
    ) -> list[Mention]:
        """A blast "was heard at the Harir base"; ... a drone then hit "the base":
        "the base" of the first attack told is the base where a
        sentence just before heard explosions, when no attack was told since."""
        if found:
            named, self.named_site = self.named_site, None
            self.sited = self.sited or any(m.site is not None for m in found)
            if named is None or sentence.index - named[0] > 2:
                return found
            return [
                replace(m, site=replace(named[1], start=m.site.start, end=m.site.end))
                if m.kind == "attack" and m.site is not None and _bare_anaphor(m.site)
                else m
                for m in found
            ]
        bases = {
            s.base_id: s
            for f in facts
            for s in f.sites
            if s.kind in ("named", "described") and s.base_id and not s.plural
        }
        # (or, before any attack is placed, the one base a sentence names: "Only the Assad
        # base kept a garrison. In 2020 a state hit the base with missiles.")
        if len(bases) == 1 and (EXPLOSION.search(sentence.text) or not self.sited):
            self.named_site = (sentence.index, next(iter(bases.values())))
        return found

    def note(
        self, sentence: Sentence, facts: list[_ClauseFacts], actors: tuple[Actor, ...]
    ) -> None:
        """Remember the group a sentence names, and whether it tells another event."""
        if any(f.excluded in ANOTHER_EVENT for f in facts):
            self.other_events.append(sentence.index)
        self.note_groups(sentence.text, actors)

    def note_groups(self, text: str, actors: tuple[Actor, ...]) -> None:
        """Remember the group a sentence names last, or the one its "the group" means."""
        group = last_group(text, actors)
        if group is None and THE_GROUP.search(text):
            group = self.antecedent()
        self.groups.append((len(self.groups), group))


def _days_read_against(
    article: Article, read: list[Sentence]
) -> tuple[dict[int, dt.date | None], Anchor | None]:
    """The day each sentence of a dated article reads its relative dates against (its
    lead's dateline day or its publication day, ``dates.report_day``; an embedded
    post's stamp for the post's lines, ``dates.posted_on``; the day a quotation was
    said, ``_said_on``), and an undated one's anchor."""
    if article.published is None:
        return dict.fromkeys((s.index for s in read), None), _anchor(read)
    reported_on = report_day([s.text for s in read[:2]], article.published)
    assert reported_on is not None
    days = posted_on([s.text for s in read], [s.paragraph for s in read], reported_on)
    return {s.index: _said_on(s, day) for s, day in zip(read, days, strict=True)}, None


#: a quotation in a sentence: its words are the speaker's, said on the speaker's day
QUOTATION: Final = re.compile(r"[\"\u201c][^\"\u201c\u201d]{12,}[\"\u201d]")


def _said_on(sentence: Sentence, day: dt.date | None) -> dt.date | None:
    """The day a sentence's relative dates are read against: for a quotation the
    sentence says was said or written on a day before ``day`` ("'Yesterday's attack ...,'
    the spokesman wrote on Thursday"), that day, since the quote's "yesterday", "today"
    or "last night" are the speaker's; else ``day``."""
    if day is None or QUOTATION.search(sentence.text) is None:
        return day
    said = [
        d.day
        for d in find_dates(sentence.text, day)
        if d.reported and d.precision == "day" and d.day < day
    ]
    return said[0] if len(set(said)) == 1 else day


#: a day counted from when the words were said: the speaker's, not the page's
SPEAKER_RELATIVE: Final = re.compile(
    r"^(?:last\s+night|yesterday|today|tonight|this\s+(?:morning|afternoon|evening)"
    r"|earlier\s+today)\b",
    re.IGNORECASE,
)


def _speaker_days(sentence: Sentence, dates: list[DateMention]) -> list[DateMention]:
    """``dates`` with a quotation's "last night" or "yesterday" made weak when the
    sentence does not say on which day the words were said (a spokesman's "Last night,
    rockets hit the camp" quoted days later): read against the page's day it may be a
    day or more late, so it gives way to any day the attack is told with elsewhere."""
    quotes = [
        (sentence.start + m.start(), sentence.start + m.end())
        for m in QUOTATION.finditer(sentence.text)
    ]
    if not quotes or any(d.reported and d.precision == "day" for d in dates):
        return dates
    return [
        replace(d, weak=True)
        if SPEAKER_RELATIVE.match(d.text) and any(a <= d.start < b for a, b in quotes)
        else d
        for d in dates
    ]


def _anchor(read: list[Sentence]) -> Anchor | None:
    """What an undated article's days without a year are read against (``dates.Anchor``)."""
    told = [bool(weapon_in(mask_non_weapons(s.text)) or ATTACK_VERB.search(s.text)) for s in read]
    return anchor_day([s.text for s in read], told)


def read_mentions(
    article: Article, gazetteer: Gazetteer, actors: tuple[Actor, ...] = ()
) -> Reading:
    """Every attack and casualty mention of ``article`` in text order, the groups that
    replies were aimed at or claims named, and the dates of sentences about attacks."""
    mentions: list[Mention] = []
    attributions: list[Attribution] = []
    context_dates: list[tuple[int, DateMention]] = []
    sentences = split_sentences(article.text, article.body_start)
    skipped = _headlines(article, sentences)
    headline = _headline_site(article, [s for s in sentences if s.index in skipped], gazetteer)
    seen = _Tracker()
    read = [s for s in sentences if s.index not in skipped]
    days, anchor = _days_read_against(article, read)
    named = cache(partial(_bases_named_in, read, gazetteer))
    for sentence in read:
        facts = annotate_sentence(sentence, gazetteer, days[sentence.index], anchor)
        attributions.extend(_replies(article, sentence, facts, seen, actors))
        bases = _claimable_bases(facts)
        claims = _claims(sentence, attributions, actors, seen.antecedent())
        since = ([*seen.read, sentence.index])[-CLAIM_REACH_SENTENCES - 1 :][0]
        attributions.extend(replace(a, bases=bases, since=since) for a in claims)
        seen.read.append(sentence.index)
        seen.note(sentence, facts, actors)
        context_dates.extend((sentence.index, d) for d in _context_dates(facts))
        claiming = any(a.kind == "claim" and sentence.index - a.sentence <= 2 for a in attributions)
        _claimed_targets(facts, claiming, actors)
        found = _attack_mentions(article, sentence, facts, seen.last_weapon, actors)
        if seen.counted and OPENS_WITH_DAY.match(sentence.text):
            # the earlier attack on the site the sentence before counted: not that one
            found = [replace(m, flashback=True) for m in found]
        seen.counted = COUNTED_AGAIN.match(sentence.text) is not None
        if sentence is read[0]:  # the lead
            found = _lead_toll(article, sentence, facts) or found
        seen.last_weapon = next(
            (f.weapon[0] for f in reversed(facts) if f.weapon and f.excluded is None),
            seen.last_weapon,
        )
        if not found and not any(f.event_words for f in facts):
            quiet = seen.previous is not None and seen.last_eventful <= seen.previous.index
            found = _casualty_mentions(article, sentence, facts, seen.previous if quiet else None)
        elif not found or all(m.site is None for m in found):
            # "attacked four times on Friday, with drones and rockets, but no one was
            # hurt": the weapons are the round's, the zero each attack's told next
            found = (
                _every_attack_mention(article, sentence)
                or _round_zero(article, sentence, facts)
                or found
            )
        found = seen.the_base(sentence, facts, found)
        seen.previous = sentence if found else seen.previous
        if any((f.event_words or f.excluded) and f.excluded != "unfired" for f in facts):
            seen.last_eventful = sentence.index  # rockets found unfired are no other event
        mentions.extend(_placed_by_article(found, named))
    toll = _headline_toll(article, [s for s in sentences if s.index in skipped])
    others = tuple(seen.other_events)
    return Reading(
        tuple(mentions), tuple(attributions), tuple(context_dates), headline, toll, anchor, others
    )


def _bases_named_in(read: list[Sentence], gazetteer: Gazetteer) -> dict[str, str]:
    """Each base the article names anywhere in ``read``, with its country folded."""
    named = {m.base_id for s in read for m in gazetteer.named(s.text) if m.base_id}
    return {b.base_id: fold(b.country or "") for b in gazetteer.bases if b.base_id in named}


def _placed_by_article(
    mentions: list[Mention], named: Callable[[], dict[str, str]]
) -> list[Mention]:
    """The mentions, a description that fits no base of the country it names ("a small
    US outpost in southern Jordan", no theater base lying south) placed at the one base
    of that country the article names anywhere (``named``: ``_bases_named_in``, read
    once per article when first needed), a background sentence included ("the number of
    troops at Tower 22 is not disclosed"): the text's own name is better evidence of the
    site than its loose direction."""
    placed: list[Mention] = []
    for mention in mentions:
        site = mention.site
        if site is not None and site.kind == "described" and site.candidates == frozenset():
            words = set(fold(site.text).split())
            fits = sorted(b for b, country in named().items() if country and country in words)
            if len(fits) == 1:
                mention = replace(mention, site=replace(site, base_id=fits[0]))
        placed.append(mention)
    return placed


def _headline_toll(article: Article, lines: list[Sentence]) -> Casualties:
    """The none the title or a headline line tells ("Three Rockets Strike Balad Air Base,
    No Casualties Reported"), for the attack the article tells first.

    Only a zero is taken: a headline's number may count another event the body barely
    tells ("Air strikes kill 25 fighters" over an article on the rocket attack that
    prompted them), and a number of the attack's own the body tells again anyway.
    """
    for text in (article.title or "", *(s.text for s in lines[:HEADLINE_LINES])):
        told = casualties_in(text)
        killed = 0 if told.killed == 0 else None
        wounded = 0 if told.wounded == 0 else None
        if killed is not None or wounded is not None:
            return Casualties(killed=killed, wounded=wounded)
    return Casualties()


def _lead_toll(article: Article, sentence: Sentence, facts: list[_ClauseFacts]) -> list[Mention]:
    """The lead's toll of an attack it places no nearer than a country ("after a deadly
    mortar attack in Syria that claimed the lives of two soldiers and a contractor"):
    a casualty mention with the attack's weapon, which events.py gives to the one attack
    of that weapon the body tells without a toll of its own. A reply's toll ("A US drone
    strike killed a militia commander ...") is the other side's, no attack's."""
    told = [f for f in facts if f.weapon is not None and f.single and f.excluded is None]
    casualties = casualties_in(_without_others(sentence, facts))
    if len(told) != 1 or not casualties.killed_said:
        return []
    if any(s.base_id or s.kind in ("named", "described") for f in facts for s in f.sites):
        return []  # a lead that names its base is an attack mention's business
    assert told[0].weapon is not None
    weapon = told[0].weapon[0]
    return [_sentence_toll(article, sentence, casualties, weapon=weapon, loose=True, lead=True)]


def _sentence_toll(
    article: Article, sentence: Sentence, casualties: Casualties, **flags: Any
) -> Mention:
    """A casualty mention spanning ``sentence``."""
    return Mention(
        article_file=article.file,
        sentence=sentence,
        start=sentence.start,
        end=sentence.end,
        kind="casualty",
        casualties=casualties,
        **flags,
    )


def _headline_site(
    article: Article, lines: list[Sentence], gazetteer: Gazetteer
) -> SiteMention | None:
    """The one theater base the title and the headline lines (a caption among them)
    name, or describe so that one base fits ("the airport in Erbil"), if only one."""
    texts = [article.title or "", *(s.text for s in lines[:HEADLINE_LINES])]
    named = [
        site
        for text in texts
        for site in gazetteer.find(text)
        if site.kind in ("named", "described") and site.base_id and not site.plural
    ]
    return named[0] if len({s.base_id for s in named}) == 1 else None


def _replies(
    article: Article,
    sentence: Sentence,
    facts: list[_ClauseFacts],
    seen: _Tracker,
    actors: tuple[Actor, ...],
) -> list[Attribution]:
    """The groups a reply in ``sentence`` was aimed at ("the strikes" soon after a reply
    are that reply again)."""
    for f in facts:
        if (
            f.excluded == "aggregate"
            and sentence.index - seen.last_reply <= 2
            and REPLY_AGAIN.search(f.masked)
        ):
            f.excluded = "response"
    if not any(f.excluded == "response" for f in facts):
        return []
    seen.last_reply = sentence.index
    first = min(f.clause.start for f in facts if f.excluded == "response")
    sequel = SEQUEL.search(sentence.text)
    if sequel is not None and AIR_STRIKE.search(sentence.text, sequel.end()):
        return []  # "the rockets come two weeks after air strikes on X": X's earlier attacks
    told = article.text[first : sentence.end]
    years = frozenset(int(y) for y in YEAR_NAMED.findall(told))
    return [Attribution(sentence.index, group, years=years) for group in groups_hit(told, actors)]


# "X claimed responsibility." with no object: of the attack the article is about, as
# "claimed the attack" is (not "claimed responsibility for attacks since October")
BARE_CLAIM: Final = re.compile(
    r"\b(?:claimed|claims|took|takes|assumed)\s+responsibility\s*(?:$|[.;]|,\s+(?:said|says|"
    r"according)\b|\s+(?:in|on|via|through)\s+(?:a|an|its|their)\s+(?:statement|post|message"
    r"|video|channel|telegram)\b)",
    re.IGNORECASE,
)
# a year a reply names ("the 2020 U.S. drone strike", "in January 2020")
YEAR_NAMED: Final = re.compile(r"(?<![\d,.])((?:19|20)\d\d)(?![\d,.]\d)")


def _every_attack_mention(article: Article, sentence: Sentence) -> list[Mention]:
    """ "No one was hurt in either attack": a zero for every attack told so far."""
    if not (ATTACKS_BEFORE.search(sentence.text) or EVERY_ATTACK.search(sentence.text)):
        return []
    none = casualties_in(sentence.text)
    if none.killed != 0 and none.wounded != 0:
        return []
    return [_sentence_toll(article, sentence, none, definite=True, every=True)]


def _round_zero(article: Article, sentence: Sentence, facts: list[_ClauseFacts]) -> list[Mention]:
    """ "Forces were attacked four times on Thursday ..., but there were no casualties":
    a zero for each attack of the round the next sentences tell."""
    if not any(f.excluded == "aggregate" for f in facts):
        return []
    none = casualties_in(sentence.text)
    if (none.killed != 0 and none.wounded != 0) or none.killed or none.wounded:
        return []
    dates = [
        d for f in facts for d in f.dates if not (d.reported or d.opens_period or d.other_event)
    ]
    return [_sentence_toll(article, sentence, none, round=True, date=dates[0] if dates else None)]


def _claims(
    sentence: Sentence,
    told: list[Attribution],
    actors: tuple[Actor, ...],
    antecedent: str | None = None,
) -> list[Attribution]:
    """A group's claim in ``sentence``, or "its fighters" after one told just before."""
    group = claim_in(sentence.text, actors, antecedent)
    if group is not None:
        singular = THE_ATTACK.search(sentence.text) is not None
        definite = singular or BARE_CLAIM.search(sentence.text) is not None
        return [Attribution(sentence.index, group, "claim", definite=definite, singular=singular)]
    group = blamed(sentence.text, actors)
    if group is not None:
        return [Attribution(sentence.index, group, "claim", definite=True)]
    group = included_claim(sentence.text, actors)
    if group is not None:
        return [Attribution(sentence.index, group, "included")]
    if OWN_FIGHTERS.search(sentence.text):
        recent = [
            a
            for a in told
            if a.kind == "claim" and 0 < sentence.index - a.sentence <= CLAIM_REACH_SENTENCES + 1
        ]
        if recent:
            return [Attribution(sentence.index, recent[-1].actor, "claim")]
    return []


def _context_dates(facts: list[_ClauseFacts]) -> list[DateMention]:
    """The dates a sentence lends to an undated attack told after it: those of its
    clauses about attacks (one, or a round of them: "forces were attacked four times
    late on November 23"), not of replies, protests, what might happen, or the start
    of a period ("since October")."""
    told = [f for f in facts if f.excluded in (None, "aggregate")]
    heard = [f for f in told if f.sites and EXPLOSION.search(f.clause.text)]
    if not any(f.event_words or ATTACK_VERB.search(f.masked) for f in told) and not heard:
        return []
    return [d for f in told for d in f.dates if not (d.opens_period or d.dateline or d.other_event)]


# "- Drone downed near Erbil airport", "Read next: ...": links to other stories
LINK_LINE: Final = re.compile(
    r"^\s*(?:[-\u2022*\u2013\u25aa>]\s+|(?:read\s+(?:next|more|also)|also\s+read|related(?:\s+\w+)?"
    r"|see\s+also|more\s+from\s+[^:]{0,30}|more\s+on\s+this(?:\s+story)?|watch|listen"
    r"|recommended|you\s+may\s+also\s+like|most\s+read|trending)\s*:)",
    re.IGNORECASE,
)
# a heading over a list of links, without a colon: "MORE FROM THE REGION", "Related stories"
LINK_HEADING: Final = re.compile(
    r"^\s*(?:more\s+from\b|related\s+(?:stories|articles|news|coverage|content)\b"
    r"|you\s+may\s+also\s+like|most\s+read|trending\s+now|recommended\s+for\s+you"
    r"|(?:also\s+)?read\s+(?:more|also|next)\b|see\s+also\b)[^.!?]*$",
    re.IGNORECASE,
)


def _headlines(article: Article, sentences: list[Sentence]) -> set[int]:
    """The sentences not read for attacks: headline-like lines at the top, captions,
    and links to other stories (a bullet or "Read next:" line anywhere)."""
    lines = sorted({s.paragraph for s in sentences})[:HEADLINE_LINES]
    ended = re.compile(r"[.!?][\"'\u201d\u2019)]*(?:\s*\{\{[^{}]*\}\})*\s*$")  # "{{ad}}" after
    skipped = {s.index for s in sentences if CAPTION.match(_paragraph_head(sentences, s))}
    credited = {s.paragraph for s in sentences if CAPTION_CREDIT.search(s.text)}
    credited |= _credit_lines(sentences)
    skipped |= {s.index for s in sentences if s.paragraph in credited}
    # a caption repeated without its credit (pages often print it twice)
    captions = {" ".join(s.text.split()) for s in sentences if s.index in skipped}
    skipped |= {s.index for s in sentences if " ".join(s.text.split()) in captions}
    skipped |= {
        s.index
        for s in sentences
        if LINK_LINE.match(_paragraph_head(sentences, s))
        and not re.search(r"[.!?][\"'\u201d\u2019)]*$", s.text)
    }
    for paragraph in lines:
        in_line = [s for s in sentences if s.paragraph == paragraph]
        if len(in_line) == 1 and not ended.search(in_line[0].text):
            skipped.add(in_line[0].index)
    return skipped | _listed_links(sentences, ended)


def _credit_lines(sentences: list[Sentence]) -> set[int]:
    """The lines a credit line credits: its own and, when it stands alone on its line,
    the caption on the line above it."""
    credited: set[int] = set()
    for sentence in sentences:
        if not CREDIT_LINE.search(sentence.text):
            continue
        credited.add(sentence.paragraph)
        if _paragraph_head(sentences, sentence) == sentence.text:
            above = [s.paragraph for s in sentences if s.paragraph < sentence.paragraph]
            credited |= {max(above)} if above else set()
    return credited


def _listed_links(sentences: list[Sentence], ended: re.Pattern[str]) -> set[int]:
    """The lines under a heading of links ("MORE FROM THE REGION", then headlines with
    no full stop), up to the first line that ends as a sentence does."""
    links: set[int] = set()
    under = False
    for sentence in sentences:
        if LINK_HEADING.match(sentence.text):
            under = True
            links.add(sentence.index)
        elif under and not ended.search(sentence.text):
            links.add(sentence.index)
        else:
            under = False
    return links


def _paragraph_head(sentences: list[Sentence], sentence: Sentence) -> str:
    """The first sentence's text of ``sentence``'s paragraph."""
    return next(s.text for s in sentences if s.paragraph == sentence.paragraph)


def claimant(sentence: str, clause_end: int, actors: tuple[Actor, ...] = ()) -> str | None:
    """The group whose claim of its own attack opens before the end of the clause that
    ends at ``clause_end`` ("X put out a statement announcing that its fighters ...").

    >>> claimant("The Islamic Resistance in Iraq said its fighters had attacked Harir.", 67)
    'Islamic Resistance in Iraq'
    """
    claim = CLAIM_OF_OWN.search(sentence)
    if claim is None or claim.start() >= clause_end:
        return None
    return _claim_subject(sentence[: claim.start()], actors)


# "Of" a dozen rockets fired, four rounds hit the airport: the volley the clause
# after picks some of
OF_FIRED: Final = re.compile(
    rf"^\W*of\s+(?:the\s+)?(?P<part>{COUNT})\s+(?:[\w-]+\s+){{0,2}}?"
    r"(?:rockets?|missiles?|drones?|rounds|shells|mortars?|projectiles)\s+"
    r"(?:that\s+were\s+|which\s+were\s+)?(?:fired|launched)\W*$",
    re.I,
)


def _fired_of(facts: list[_ClauseFacts], position: int, munitions: int | None) -> int | None:
    """The count of the volley an "Of 14 rockets fired" clause just before gives, when
    larger than the part ``munitions`` counts ("three rounds hit")."""
    if position == 0:
        return munitions
    fired = OF_FIRED.match(facts[position - 1].masked)
    number = parse_number(fired.group("n")) if fired else None
    if number is None or (munitions is not None and munitions >= number):
        return munitions
    return number


def _partitive(facts: _ClauseFacts) -> int | None:
    """How many "Eleven of them struck the base" counts, when the clause says that."""
    match = PARTITIVE.match(facts.masked)
    if match is None or facts.excluded is not None or not ATTACK_VERB.search(facts.masked):
        return None
    return parse_number(match.group("n"))


def _attack_mentions(
    article: Article,
    sentence: Sentence,
    facts: list[_ClauseFacts],
    last_weapon: str | None,
    actors: tuple[Actor, ...] = (),
) -> list[Mention]:
    """The attack mentions of one annotated sentence: one per attack clause and site."""
    actors = actors or active_lexicons().actors
    found: list[Mention] = []
    positions = [
        i
        for i, f in enumerate(facts)
        if f.attack
        or INSTANCE.match(f.clause.text)
        or (f.weapon is None and _partitive(f) is not None)
    ]
    for position in positions:
        current = facts[position]
        weapon = _weapon_of(facts, position, last_weapon)
        if weapon is None and not current.attack:
            continue
        owned = _owned(facts, position, positions)
        site = _site_of(facts, current)
        text = ", ".join(f.clause.text for f in owned)
        listed = [*_listed_before(facts, position), *current.sites, *_listed_after(facts, position)]
        resolved = {s.base_id: s for s in listed if s.base_id and not s.plural}
        munitions = _munitions_of(facts, position)
        targets = [site] if len(resolved) <= 1 else sorted(resolved.values(), key=lambda s: s.start)
        if len(targets) > 1:
            munitions = None  # one count for several sites cannot be split
        for target in targets:
            found.append(
                Mention(
                    article_file=article.file,
                    sentence=sentence,
                    start=current.clause.start,
                    end=current.clause.end,
                    kind="attack",
                    weapon=weapon,
                    site=target,
                    same_site=bool(SAME_SITE.search(current.clause.text)),
                    day_offset=_offset_of(sentence, target),
                    date=_date_for(current, facts),
                    actor=actor_in(current.clause.text, actors)
                    or _claimed(sentence, current, actors)
                    or _agent_around(owned, current, actors),
                    munitions=munitions,
                    casualties=_shared_casualties(casualties_in(text), len(targets)),
                    definite=_definite(current),
                    more=current.count is None and elliptic_count(current.masked) is not None,
                    mix=salvo_in(current.masked),
                    flashback=current.weapon is not None
                    and (
                        _recalled_by_sequel(sentence, current.clause) or _since_when(current, facts)
                    ),
                )
            )
    return _zeros_of_either(sentence, found)


def _zeros_of_either(sentence: Sentence, found: list[Mention]) -> list[Mention]:
    """A zero one part of a sentence says of "either attack" ("struck the garrison on
    Saturday and again on Monday, with no injuries in either attack") is every part's
    that says nothing of casualties."""
    zero = next(
        (m.casualties for m in found if 0 in (m.casualties.killed, m.casualties.wounded)),
        None,
    )
    if zero is None or len(found) < 2 or not EVERY_ATTACK.search(sentence.text):
        return found
    return [
        m
        if m.casualties.killed_said or m.casualties.wounded_said
        else replace(m, casualties=_shared_casualties(zero, 2))
        for m in found
    ]


def _offset_of(sentence: Sentence, site: SiteMention | None) -> int | None:
    """The days from the attack told before that ``sentence`` places the attack at
    ``site`` (``dates.day_offset``: the attack told after "came two days after" is the
    one counted from)."""
    return day_offset(sentence.text, site.start - sentence.start if site else None)


# what an attack told by a sequel follows: "The attack comes after ...", "It follows ..."
SEQUEL_SUBJECT: Final = re.compile(
    r"^\W*(?:(?:the|this|that|sunday|monday|tuesday|wednesday|thursday|friday|saturday)"
    r"['\u2019s]*\s+(?:[\w-]+\s+){0,2}?(?:attack|strike|barrage|assault|incident|bombardment)"
    r"|it|this|that)\W*$",
    re.IGNORECASE,
)


def _recalled_by_sequel(sentence: Sentence, clause: Clause) -> bool:
    """Whether an attack clause tells the earlier attack that the attack before it
    follows ("The attack comes after rockets hit ..."), not a statement's timing
    ("The tweet came hours after militants fired rockets ...")."""
    return (
        SEQUEL.match(clause.text) is not None
        and SEQUEL_SUBJECT.match(sentence.text[: clause.start - sentence.start]) is not None
    )


def _munitions_of(facts: list[_ClauseFacts], position: int) -> int | None:
    """The munitions the attack clause at ``position`` counts: told by number, by "the
    drone" (one), or as the volley fired of which some hit ("Of 14 rockets fired, ...")."""
    current = facts[position]
    munitions = current.count if current.count is not None else munitions_in(current.masked)
    if munitions is None:
        munitions = definite_one(current.masked)  # "the drone came from the border"
    return _fired_of(facts, position, munitions)


def _weapon_of(facts: list[_ClauseFacts], position: int, last_weapon: str | None) -> str | None:
    """The weapon of the attack clause at ``position``: its own, or for "Eleven of them"
    and "including one ..." the weapon told just before (sets the partitive count)."""
    current = facts[position]
    if current.weapon:
        return current.weapon[0]
    earlier = [f.weapon for f in facts[:position] if f.weapon]
    part = _partitive(current)
    if part is not None:
        weapon = earlier[-1][0] if earlier else last_weapon
        if weapon is not None:
            current.count = part
        return weapon
    if INSTANCE.match(current.clause.text):
        return earlier[-1][0] if earlier else None
    return _weapon_listed_after(facts, position)


#: what opens a clause that only goes on with a list of sites: ", the Erbil air base and
#: ...", ", as well as the Conoco field", ", and also Harir"
LIST_GOES_ON: Final = re.compile(
    r"^\W*(?:(?:and|or|as\s+well\s+as|along\s+with|plus|together\s+with)\s+)?(?:also\s+)?"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)


def _goes_on_listing(current: _ClauseFacts, after: _ClauseFacts) -> bool:
    """Whether ``after`` only goes on with the list of sites that ends ``current``: it
    opens with a site ("the Erbil air base", "as well as the Conoco field"), tells no
    attack verb of its own, and ``current`` ends with a site."""
    if not current.sites or not after.sites or after.excluded is not None:
        return False
    lead = after.clause.text[: after.sites[0].start - after.clause.start]
    ends = current.clause.end - current.sites[-1].end <= 12
    return ends and bool(LIST_GOES_ON.match(lead)) and not ATTACK_VERB.search(after.masked)


def _weapon_listed_after(facts: list[_ClauseFacts], position: int) -> str | None:
    """The weapon a list of sites ends with, for its first site left by a comma in a
    clause without it ("had hit the Harir airbase, the Erbil air base and the al-Asad
    airbase with drones")."""
    if position + 1 >= len(facts):
        return None
    after = facts[position + 1]
    if after.weapon is None or not _goes_on_listing(facts[position], after):
        return None
    return after.weapon[0]


def _listed_after(facts: list[_ClauseFacts], position: int) -> list[SiteMention]:
    """Sites a list goes on with in the clauses after the attack clause that tell no
    weapon of their own (", as well as the Conoco field in Syria")."""
    found: list[SiteMention] = []
    current = facts[position]
    for after in facts[position + 1 :]:
        if after.weapon is not None or not _goes_on_listing(current, after):
            break
        found.extend(s for s in after.sites if s.base_id)
        current = after
    return found


# the attack told only as the time of something else: "... before the attack"
WHILE_THE_ATTACK: Final = re.compile(
    r"\b(?:before|during|ahead\s+of|prior\s+to|throughout|amid)\s+the\s+(?:[\w-]+\s+)?"
    r"(?:attack|strike|assault|barrage|bombardment)\b",
    re.IGNORECASE,
)


def _placed_elsewhere(current: _ClauseFacts) -> bool:
    """Whether the clause places something else and tells the attack only as its time
    ("the alarm sounded at the US consulate in Erbil before the attack"): its sites are
    not the attack's."""
    timed = WHILE_THE_ATTACK.search(current.clause.text)
    if timed is None or not current.sites:
        return False
    return all(s.end <= current.clause.start + timed.start() for s in current.sites)


# "... while alarms sounded at the US consulate": where a warning sounded, not the target
ALARM_AT: Final = re.compile(
    r"\b(?:sirens?|alarms?)\s+(?:\w+\s+){0,3}?(?:went\s+off|sounded|wailed|rang|blared)"
    r"\s+(?:\w+\s+){0,2}?(?:in|at|across|inside|over)\s+",
    re.IGNORECASE,
)


def _not_alarmed(current: _ClauseFacts) -> list[SiteMention]:
    """The clause's sites but those where only a warning sounded (a drone at the US
    base "on the airport grounds" while sirens sounded at the consulate), when
    another is left."""
    alarm = ALARM_AT.search(current.clause.text)
    if alarm is None:
        return current.sites
    at = current.clause.start + alarm.end()
    kept = [s for s in current.sites if s.start < at]
    return kept or current.sites


def _site_of(facts: list[_ClauseFacts], current: _ClauseFacts) -> SiteMention | None:
    """The site an attack clause is about: its own; a base named in a neighbouring plain
    clause ("an outpost — known as Tower 22 — in Jordan"); or, for "struck again", the
    site of the attack told before (an anaphoric mark). A clause that turns to an earlier
    event ("... comes after two rockets hit ...") takes no site from the clause before it."""
    when = _when_of(current, facts)
    if not current.sites and when is not None and _pick_site(when[0].sites) is not None:
        return _pick_site(when[0].sites)  # "the first attack on the base since <day>, when"
    if _placed_elsewhere(current):
        return None  # "the alarm sounded at the consulate before the attack"
    site = _pick_site(_not_alarmed(current))
    # "The pullout from Qayara airfield comes after two rockets hit ...": an earlier event,
    # not at the site of the clause it follows
    sequel = SEQUEL.match(current.clause.text) is not None
    if site is None or site.base_id is None:
        neighbours = [
            s
            for f in facts
            if f is not current and f.excluded is None and not f.attack
            if not (sequel and f.clause.start < current.clause.start)
            for s in f.sites
            if site is None or s.base_id is not None
        ]
        near = _pick_site(sorted(neighbours, key=lambda s: abs(s.start - current.clause.start)))
        site = near or site
    if site is None and AGAIN.search(current.clause.text):
        at = current.clause.start
        site = SiteMention(at, at, "", None, "anaphoric")
    return site


def _definite(current: _ClauseFacts) -> bool:
    """Whether the clause refers back to an attack ("the attack", "Wednesday's strike")."""
    return bool(DEFINITE_REFERENCE.search(current.clause.text)) and not re.search(
        r"\b(?:an?|one)\s+(?:\S+\s+){0,2}(?:attack|strike|barrage)\b", current.masked, re.I
    )


# "a drone, launched by the group, struck ...": the agent named
AGENT_BY: Final = re.compile(
    r"\b(?:launched|fired|carried\s+out|conducted|flown|sent)\s+by\s+(?:the\s+)?$", re.I
)


#: a clause telling the attack a denial is about: "X claimed the drone attack on Harir,
#: but denied any role in a rocket attack on Erbil"
_DENIED: Final = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|disavow\w*|disown\w*|nothing\s+to\s+do\s+with"
    r"|no\s+(?:role|part|hand|involvement|links?|connection)|not\s+(?:involved|responsible))\b",
    re.I,
)


def _claimable_bases(facts: list[_ClauseFacts]) -> frozenset[str]:
    """The bases a claim told in the sentence of ``facts`` may be of: each one named
    alone, but not in a clause of denial ("but denied any role in the attack on X")."""
    return frozenset(
        s.base_id
        for f in facts
        if not _DENIED.search(f.clause.text)
        for s in f.sites
        if s.base_id and not s.plural
    )


def _claimed(sentence: Sentence, current: _ClauseFacts, actors: tuple[Actor, ...]) -> str | None:
    """The claimant of the sentence's claim, for an attack clause the claim may cover:
    not one the claimant denies ("..., but denied any role in a rocket attack on Erbil")."""
    if _DENIED.search(current.clause.text):
        return None
    return claimant(sentence.text, current.clause.end - sentence.start, actors)


def _agent_around(
    owned: list[_ClauseFacts], current: _ClauseFacts, actors: tuple[Actor, ...]
) -> str | None:
    """The attacker named in the plain clauses that go with an attack clause: the
    subject told before it ("Iran launched an operation, firing missiles at ...") or
    an agent after it ("a drone, launched by the group, struck ...")."""
    at = owned.index(current)
    for f in owned[:at]:
        for actor in actors:
            for m in actor.pattern.finditer(f.clause.text):
                if STATE_ACTS.match(f.clause.text[m.end() :]) and actor_in(f.clause.text, actors):
                    return actor.name
    subject = _subject_before_aside(owned[:at], current, actors)
    if subject is not None:
        return subject
    for f in owned[at + 1 :]:
        for actor in actors:
            for m in actor.pattern.finditer(f.clause.text):
                before = f.clause.text[: m.start()]
                if AGENT_BY.search(before) and may_attack(f.clause.text, m.start(), m.end()):
                    return actor.name  # not "suspected to have been conducted by"
    return None


#: a clause that is a name alone, the subject an aside follows ("X, an Iran-backed
#: militia, fired ...", "X, which ..., launched ...")
_NAME_ALONE: Final = re.compile(r"^\W*(?:the\s+)?(?P<name>.+?)\W*$", re.I)
#: an attack clause whose subject was told before it: it opens with its verb
_OPENS_WITH_VERB: Final = re.compile(
    r"^(?:(?:then|later|also|again|reportedly|allegedly|on\s+\w+day)\s+)?(?:fired|launched"
    r"|attacked|struck|hit|shelled|targeted|sent|flew|bombarded|pounded)\b",
    re.I,
)


def _subject_before_aside(
    before: list[_ClauseFacts], current: _ClauseFacts, actors: tuple[Actor, ...]
) -> str | None:
    """The actor named alone in the first clause, when an aside set off by commas stands
    between it and an attack clause that opens with its verb: "Kataib Hezbollah, an
    Iran-backed militia, fired rockets at ..." (the clauses between tell no attack)."""
    if not before or not _OPENS_WITH_VERB.match(current.clause.text.lstrip()):
        return None
    if any(f.attack for f in before):
        return None
    alone = _NAME_ALONE.match(before[0].clause.text)
    for actor in actors:
        named = actor.pattern.fullmatch(alone.group("name")) if alone else None
        if named is not None and actor.kind != "coalition":
            return actor.name
    return None


def _shared_casualties(told: Casualties, sites: int) -> Casualties:
    """What a clause about ``sites`` sites tells of each: its counts when one site, only
    its zeros when several ("no injuries at either base"), since a count cannot be split."""
    if sites == 1:
        return told
    killed = 0 if told.killed == 0 else None
    wounded = 0 if told.wounded == 0 else None
    return Casualties(killed, wounded, killed is not None, wounded is not None)


def _listed_before(facts: list[_ClauseFacts], position: int) -> list[SiteMention]:
    """Sites that open a list the attack clause goes on with: in "struck Ain al-Asad
    air base, Harir air base and the Conoco base with drones" the comma leaves Ain
    al-Asad in the clause before, which tells no attack of its own."""
    if position == 0:
        return []
    current, before = facts[position], facts[position - 1]
    if before.attack or before.excluded is not None or not current.sites:
        return []
    opens = current.sites[0].start - current.clause.start <= 4
    if not (opens and ATTACK_VERB.search(before.masked)):
        return []
    return [s for s in before.sites if s.base_id and s.end >= before.clause.end - 12]


def _counts_the_told(facts: _ClauseFacts) -> bool:
    """Whether a clause speaks of the attacks just told only to count their casualties
    ("neither attack caused casualties", "no one was hurt in the attacks")."""
    return (
        facts.weapon is None
        and not facts.sites
        and not any(not d.reported for d in facts.dates)
        and bool(EVERY_ATTACK.search(facts.masked) or ATTACKS_BEFORE.search(facts.masked))
        and casualties_in(facts.masked) != Casualties()
    )


def _owned(facts: list[_ClauseFacts], position: int, attacks: list[int]) -> list[_ClauseFacts]:
    """The attack clause and the plain clauses that go with it (up to the next event)."""
    owned = [facts[position]]
    if _beside_other_event(facts, position):
        return owned  # "airstrikes on X, a militia blamed for the attack, killing 25": theirs
    for f in facts[position + 1 :]:
        if _counts_the_told(f):
            owned.append(f)  # "...; neither attack caused casualties": theirs
            continue
        if _describes_site(f):
            continue  # ", which houses embassies and ministries, but left no casualties"
        if facts.index(f) in attacks or f.excluded is not None or f.event_words:
            break
        owned.append(f)
    if position == attacks[0]:
        # the plain clauses before it, unless a reply or other event before them owns
        # them ("The US hit back, killing four fighters, two days after drones ...")
        before = facts[:position]
        if not any(f.excluded is not None or f.event_words for f in before):
            owned[:0] = before
    return owned


def _beside_other_event(facts: list[_ClauseFacts], position: int) -> bool:
    """Whether the attack clause at ``position`` is a noun phrase set beside the object
    of another event told just before it ("retaliatory strikes against X, a militia
    blamed for the K1 attack, ..."): what hangs after it is that event's."""
    return (
        position > 0
        and facts[position - 1].excluded is not None
        and APPOSITIVE.match(facts[position].clause.text) is not None
    )


# a relative clause that describes the site just told: "which houses ministries"
RELATIVE_OPENING: Final = re.compile(r"^\W*(?:which|where|that|whose)\b", re.IGNORECASE)


def _describes_site(facts: _ClauseFacts) -> bool:
    """Whether a clause only describes the site before it ("which houses government
    buildings and foreign embassies"): set aside for telling of no event, though the
    sites it lists are plural."""
    return (
        facts.excluded == "aggregate"
        and not facts.event_words
        and RELATIVE_OPENING.match(facts.clause.text) is not None
    )


def _follows(sentence: Sentence, previous: Sentence | None, bare: bool) -> bool:
    """Whether a casualty sentence follows the attack told in ``previous``: right after
    it in one paragraph; or, when it names no site or day of its own (``bare``), a
    sentence or paragraph on with nothing between but plain words ("One rocket fell
    short. No one was hurt.")."""
    if previous is None:
        return False
    if previous.index == sentence.index - 1 and previous.paragraph == sentence.paragraph:
        return True
    return (
        bare
        and sentence.index - previous.index <= CASUALTY_REACH_SENTENCES
        and sentence.paragraph - previous.paragraph <= 2  # lines: the next paragraph
    )


def _day_only(facts: list[_ClauseFacts], dates: list[DateMention]) -> bool:
    """Whether a count told far from any attack has a day of its own and no site: it may
    be the only attack's, if of its day ("A soldier was killed in northern Iraq on
    Saturday"; events.py compares the days)."""
    return (
        bool(dates)
        and dates[0].precision == "day"
        and not any(s.kind in ("named", "described") for f in facts for s in f.sites)
    )


# a clause hanging on the one before: "..., injuring at least 70", "which have killed ..."
HANGING: Final = re.compile(
    r"^\W*(?:injuring|wounding|killing|leaving|hurting|which|that)\b", re.IGNORECASE
)


# a noun phrase set beside the one before it ("..., a militia thought responsible for
# the attack, ..."): a clause hanging after it hangs on the clause before it
APPOSITIVE: Final = re.compile(r"^\W*an?\s+(?![\w-]+\s+(?:was|were|is|are|had|has)\b)", re.I)


def _tolls(facts: _ClauseFacts) -> bool:
    """Whether a tally's clause counts dead or wounded of its own (no zero, no revised
    count of one attack's injured)."""
    told = casualties_in(facts.clause.text)
    counts = (told.killed, told.wounded)
    return any(counts) and 0 not in counts and not is_tally(facts.clause.text)


def _without_others(sentence: Sentence, facts: list[_ClauseFacts]) -> str:
    """The sentence with the harm of other events blanked: a tally ("Since mid-October,
    militias have attacked US forces more than 130 times, injuring at least 70" counts
    the wounded of all those attacks), a reply ("US jets later struck militia depots,
    killing five fighters"), a protest; and the clauses hanging on them."""
    text = sentence.text
    other = False
    for facts_of in facts:
        if other and APPOSITIVE.match(facts_of.clause.text):
            continue  # "..., a militia blamed for the attack, killing 25": still the reply's
        hangs = other and HANGING.match(facts_of.clause.text) is not None
        other = facts_of.excluded is not None or hangs
        # a tally's own clause keeps its zero ("no reports of injured staff so far") or
        # a revised count ("since then the number diagnosed has climbed to 109"), not a
        # toll of its own ("the war since October 7 has claimed the lives of 9,061")
        if hangs or (other and (facts_of.excluded != "aggregate" or _tolls(facts_of))):
            start = facts_of.clause.start - sentence.start
            end = facts_of.clause.end - sentence.start
            text = text[:start] + " " * (end - start) + text[end:]
    return text


def _casualty_mentions(
    article: Article, sentence: Sentence, facts: list[_ClauseFacts], previous: Sentence | None
) -> list[Mention]:
    casualties = casualties_in(_without_others(sentence, facts))
    person = DEFINITE_PERSON.search(sentence.text)
    if person is not None:
        killed = person.group(0).lower().endswith("killed")
        casualties = replace(
            casualties,
            killed_said=casualties.killed_said or killed,
            wounded_said=casualties.wounded_said or not killed,
        )
    told = casualties.killed_said or casualties.wounded_said
    if not told:
        return []
    definite = person is not None
    tally = is_tally(sentence.text)  # its day is the day of the count
    bare = not any(
        any(site.kind in ("named", "described") for site in f.sites)
        or any(not d.reported and not tally for d in f.dates)
        for f in facts
    )
    follows = _follows(sentence, previous, bare)
    # "the number of soldiers from Ain al-Asad diagnosed with ... rose to 109": a count
    # that names its base joins the attack on that base (events.py)
    named = any(s.kind == "named" and s.base_id for f in facts for s in f.sites)
    loose = not definite and not follows and not named
    clause_dates = [
        d
        for f in facts
        if DEFINITE_PERSON.search(f.clause.text) or f.sites or (loose and not bare)
        for d in f.dates
        if not d.reported and not tally
    ]
    if loose and not bare and not _day_only(facts, clause_dates):
        return []  # a count with a site or date of its own is of something else
    if loose and any(f.excluded is not None for f in facts):
        return []  # "protests that have left more than 450 people dead": another event's
    return [
        Mention(
            article_file=article.file,
            sentence=sentence,
            start=sentence.start,
            end=sentence.end,
            kind="casualty",
            date=clause_dates[0] if clause_dates else None,
            casualties=casualties,
            definite=definite,
            site=_pick_site([s for f in facts for s in f.sites]),
            loose=loose,
            adds=ALSO_DIED.search(sentence.text) is not None,
            adds_hurt=ALSO_HURT.search(sentence.text) is not None,
        )
    ]
