"""Event linking within one article: which drafts are one attack, decided globally.

News copy tells one attack several times: a headline, a teaser, a lead that says "a
base in Iraq", a later paragraph that names Camp Taji, an official's quote, an aside
("..., making it the first strike on an American outpost since ..."). The mention-by-mention reading
(events.py) joins what it safely can as it goes; this stage looks at the article's
draft attacks all at once, in four steps a reader can follow:

1. **Who tells it** (:func:`tellers`): each draft is told by the narrator, by a
   ``headline`` (a title line read as text because page chrome came before it), or is
   ``reported`` (its "another attack", else its site, is inside a quote or a speaker's
   words).
2. **Pair features** (:class:`LinkFeatures`, :func:`link_features`), for a draft told
   earlier (``first``) and one told later (``second``):

   ``same_site``
       the same theater base, or the same proper name of a site the theater does not
       know ("the Besmaya range", "the Besmaya base"), also when only the clause of a
       description writes it ("rockets fell on the Besmaya range south of the capital");
   ``fits_site``
       one side only describes a site ("a base in Iraq", "the outpost", "two bases")
       and the other side's base fits it (a place the theater does not know, "a base in
       al-Shaddadi", fits none);
   ``compatible_date`` / ``compatible_weapon``
       the dates agree at the coarser precision (or one has none; a date a draft took
       from another clause of a sentence both tell is the sentence's, not the draft's);
       the weapon class is the same, missing on one side, or vaguer on one side
       ("missiles", "indirect fire");
   ``definite_restatement``
       the later side is a definite reference ("Wednesday's rocket attack") with the
       same day and weapon;
   ``elaborates``
       the sentence right after a described site names it (rockets at "an air base in
       Iraq", then the army naming Balad as where they fell), with the same weapon, a
       base the description allows (any, when the theater only guessed its base);
   ``ordinal_aside``
       the later side is an aside of the same sentence counting the attack just told
       ("..., making it the first strike on an American outpost since ...");
   ``one_phrase``
       both sites are one noun phrase of one clause, the second a locator of the first
       ("the Harir base in Erbil province");
   ``distinct_cue``
       the narrator says one of them is another attack ("another", "a second attack",
       "earlier this month", "previous", "similar", "last", "also" with a day written
       with its month), not of the attack just told
       ("It was the third strike on the camp in a month"); a recalled attack's own cue
       does not keep apart the sentence right after it that names its site;
   ``reported_retelling``
       the later side's "yet another strike on an Iraqi air base" (or a quoted
       description of where rockets fell) is a speaker's, on a site it only describes and with no
       day of its own: the speaker's series, not the narrator's, so it retells an
       attack the article told, the first it fits.

3. **Strength** (:func:`link_strength`), an ordered policy: a locator in one phrase
   (6) and an ordinal aside (5) are the attack of their sentence whatever else their
   clause dates; otherwise clashing weapon or date, or a narrator's distinct cue, keep
   two drafts apart; then the same site or a definite restatement (4), a description
   the next sentence names (3), a description that fits exactly one attack, a plural
   description's first fit, a lead description's nearest fit told after it, or a
   headline's first compatible attack of the body (2), a reported retelling's first
   fit (1).
Before that, days listed in one clause ("On November 9 and 11," a drone also hit the
base; "on Sunday and Tuesday") give one draft a day (:func:`listed_days`, called
as drafts are made); their dates keep them apart.

4. **Clustering** (:func:`link_restatements`): the strongest link is joined first (ties:
   the nearer pair in the text, then the earlier), features are computed again for the
   joined draft, and so on until no link is left. A joined attack keeps the best
   evidence of each field (the most specific site, never a headline's over the body's,
   and an unknown site's own name over a closed-world guess from its description; the
   finer date; the larger counts; the actor either side names). A lead's "the airfield"
   that no attack of the article names is dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Final, Literal

from defplan.extract.dates import MONTHS, WEEKDAYS, DateMention
from defplan.extract.draft import (
    DraftAttack,
    dates_compatible,
    merge_drafts,
    month_only,
    month_written,
    salvos_compatible,
)
from defplan.extract.lexicon import ATTACK_VERB
from defplan.extract.lexicon_set import active_lexicons
from defplan.extract.mentions import Mention
from defplan.extract.sites import SiteMention, coalition_words, fold

# -- cue words: what a clause says of its attack ------------------------------------

# "last" of a date ("last night", "last Tuesday", "late last month") says when, not that
# the attack is another one ("the last attack on the base")
_LAST_OF_A_DATE = (
    r"(?!\s+(?:night|evening|morning|afternoon|week|weekend|month|year|summer|winter|spring"
    rf"|autumn|fall|{'|'.join(WEEKDAYS)}|{'|'.join(MONTHS)})\b)"
)
DISTINCT: Final = re.compile(
    rf"\b(?:separate(?:ly)?|previous|prior|similar|last{_LAST_OF_A_DATE})\b"
    r"|\bearlier\s+(?:this|last)\b"
    r"|\banother\s+(?:\w+\s+)?(?:attack|strike|barrage|assault|incident)\b"
    r"|\b(?:a|the)\s+(?:second|third)\s+(?:\w+\s+)?(?:attack|strike|barrage|assault|time)\b",
    re.IGNORECASE,
)
# "It was the third strike on the camp in a month": the attack just told, counted
SELF_REFERENCE: Final = re.compile(r"^\W*(?:this|it|that)\s+(?:is|was|marks|marked)\s+the\b", re.I)


# "The first attack hit at 11 pm, the second drone attack an hour later": the parts of a
# round told together, not another attack
_FIRST: Final = re.compile(r"\bthe\s+first\b", re.IGNORECASE)
_SECOND: Final = re.compile(r"\bsecond\b", re.IGNORECASE)


def without_parts(text: str) -> str:
    """``text`` with the "second" of "the first ..., the second ..." blanked: the parts
    of one round told together, which say no other attack."""
    first = _FIRST.search(text)
    if first is None:
        return text
    tail = _SECOND.sub(lambda m: " " * len(m.group(0)), text[first.end() :])
    return text[: first.end()] + tail


def distinct_mention(mention: Mention) -> bool:
    """Whether ``mention`` says its attack is not the one told before: "a similar drone
    attack two days earlier", "the same base was targeted last week"."""
    clause = without_parts(mention.text)
    if SELF_REFERENCE.match(clause):
        return False
    # "the same base" of a new volley, not of "Tuesday's attack hit the same base"
    return (
        (mention.same_site and not mention.definite)
        or mention.flashback
        or DISTINCT.search(clause) is not None
        or _also_on_its_day(mention, clause)
    )


#: "the base was also attacked", "was hit again": one more attack on a site told
_ALSO: Final = re.compile(r"\b(?:also|again)\b", re.IGNORECASE)


def _also_on_its_day(mention: Mention, clause: str) -> bool:
    """Whether a clause tells one more attack on a day it writes with its month ("On
    November 9," a drone "also" struck the base): not the attack told before."""
    date = mention.date
    return (
        date is not None
        and date.precision == "day"
        and not date.weak
        and month_written(date)
        and _ALSO.search(clause) is not None
    )


def _distinct(attack: DraftAttack) -> bool:
    return distinct_mention(attack.main)


# "days after a similar attack" that killed soldiers there ... "came two days after a
# similar strike": both recall the one earlier attack
RECALLED: Final = re.compile(r"\b(?:similar|previous|prior|earlier)\b", re.IGNORECASE)
# what says so without a date ("earlier this month" dates the attack told)
LIKE_BEFORE: Final = re.compile(r"\b(?:similar|previous|prior)\b", re.IGNORECASE)


def recalled(attack: DraftAttack, words: re.Pattern[str] = LIKE_BEFORE) -> bool:
    """Whether the draft was told as the earlier attack the article recalls ("a similar
    attack killed two soldiers there")."""
    return words.search(attack.main.text) is not None


# -- days listed in one clause: one draft a day ---------------------------------------

#: "On November 9 and 11": a second day of the month listed after the first
_AND_DAY: Final = re.compile(
    r"\s*(?:and|&)\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:am|pm|a\.m|p\.m|:))"
)
#: "on 9 and 11 November": a first day listed before the day written with its month
_DAY_AND: Final = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:and|&)\s+$")
_MONTH_BEFORE: Final = re.compile(
    rf"\b(?:{'|'.join(m[:3] for m in MONTHS)})[a-z]*\.?\s*$", re.IGNORECASE
)


#: "on Monday and Wednesday": another weekday listed after the first
_AND_WEEKDAY: Final = re.compile(rf"\s*(?:and|&)\s+(?:on\s+)?({'|'.join(WEEKDAYS)})\b")


def listed_days(attack: DraftAttack) -> list[DraftAttack]:
    """``attack``, and one more for another day its date's clause lists ("On November 9
    and 11," drones also hit the base; "on 9 and 11 November", "on Monday and
    Wednesday": two attacks, one a day), in the order of their days."""
    date = attack.date
    if date is None or date.precision != "day":
        return [attack]
    text = attack.main.sentence.text
    at, end = date.start - attack.main.sentence.start, date.end - attack.main.sentence.start
    if not 0 <= at <= end <= len(text):
        return [attack]
    listed = _listed_day(date, text, at, end) or _listed_weekday(date, text, end)
    if listed is None or listed[0] == date.day:
        return [attack]
    other = replace(attack, date=replace(date, day=listed[0], text=listed[1]))
    other.sentences, other.spans = set(attack.sentences), set(attack.spans)
    return [attack, other] if listed[0] > date.day else [other, attack]


def _listed_day(date: DateMention, text: str, at: int, end: int) -> tuple[dt.date, str] | None:
    """The other day of the month a list of days gives ("November 9 and 11")."""
    if not month_written(date):
        return None
    before = _DAY_AND.search(text[:at])
    if before is not None and _MONTH_BEFORE.search(text[: before.start()]):
        before = None  # "on November 3 and July 21": two days, each with its month
    listed = _AND_DAY.match(text, end) or before
    if listed is None:
        return None
    try:
        day = date.day.replace(day=int(listed.group(1)))
    except ValueError:
        return None
    return day, re.sub(r"\b\d{1,2}\b", listed.group(1), date.text, count=1)


def _listed_weekday(date: DateMention, text: str, end: int) -> tuple[dt.date, str] | None:
    """The later day a list of weekdays gives ("on Monday and Wednesday": two days on)."""
    told = next((i for i, w in enumerate(WEEKDAYS) if w.lower() in date.text.lower()), None)
    listed = _AND_WEEKDAY.match(text, end)
    if told is None or listed is None or date.day.weekday() != told:
        return None
    later = WEEKDAYS.index(listed.group(1).capitalize())
    return date.day + dt.timedelta(days=(later - told) % 7), listed.group(1)


# -- 1. who tells it ------------------------------------------------------------------

Teller = Literal["narrator", "headline", "reported"]

#: a sentence that ends as prose does; a title line read as text does not
_ENDED: Final = re.compile(r"[.!?][\"'\u201d\u2019)]*\s*$")
#: a speaker's words: "the envoy said he was appalled by another attack", "..., he wrote"
_SPEECH: Final = re.compile(
    r"\b(?:said|says|tweeted|wrote|posted|told|added|stated|declared|announced|condemned"
    r"|denounced|decried|called|described)\b",
    re.I,
)
#: "another attack": one more of a series, the narrator's or a speaker's
_ANOTHER: Final = re.compile(r"\banother\s+(?:\w+\s+)?(?:attack|strike|barrage|assault)\b", re.I)
#: an aside counting the attack its sentence told: "..., making it the first strike on an
#: American outpost since ...", "in what was the third attack this week"
ORDINAL_ASIDE: Final = re.compile(
    r"^\W*(?:and\s+)?(?:(?:marking|making|marks|marked)\s+(?:it\s+)?|in\s+what\s+(?:was|is)\s+"
    r"|(?:which|that)\s+(?:was|is|marks|marked)\s+)?(?:the|an?)\s+(?:\w+\s+)?"
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)"
    r"|latest|new)\b",
    re.IGNORECASE,
)


def headline_lines(attacks: list[DraftAttack]) -> frozenset[int]:
    """The sentences of drafts told by a title line: a line with no full stop told
    before the first sentence that ends as prose (page chrome came before it, so the
    reading took it for text)."""
    prose = min(
        (a.main.sentence.index for a in attacks if _ENDED.search(a.main.sentence.text)),
        default=None,
    )
    return frozenset(
        a.main.sentence.index
        for a in attacks
        if not _ENDED.search(a.main.sentence.text)
        and (prose is None or a.main.sentence.index < prose)
        and len(a.sentences) == 1
    )


def reported_cue(mention: Mention) -> bool:
    """Whether ``mention`` is a speaker's: its "another attack" (else its site) inside a
    quote, or after a speech verb of its own clause ("the envoy said he was appalled by
    another ...", "\u201cRockets fell on a base of ours,\u201d he said")."""
    sentence = mention.sentence
    clause = mention.text
    cue = _ANOTHER.search(clause)
    if cue is not None:
        at = cue.start()
    elif mention.site is not None and mention.start <= mention.site.start < mention.end:
        at = mention.site.start - mention.start
    else:
        return False
    before = sentence.text[: mention.start - sentence.start + at]
    quoted = before.count("\u201c") > before.count("\u201d") or before.count('"') % 2 == 1
    return quoted or _SPEECH.search(clause[:at]) is not None


def teller(attack: DraftAttack, headlines: frozenset[int]) -> Teller:
    """Who tells ``attack``: a title line, a speaker's "another attack", or the narrator."""
    if attack.main.sentence.index in headlines:
        return "headline"
    return "reported" if reported_cue(attack.main) else "narrator"


# -- 2. pair features -----------------------------------------------------------------


def _unpinned(site: SiteMention) -> bool:
    """A site only described, which the theater cannot resolve to one base."""
    return site.base_id is None and site.kind in ("described", "generic", "anaphoric")


def unknown_name(site: SiteMention) -> bool:
    """A site told by a proper name the theater does not know ("the Basmaya base"): a
    description whose name words leave no theater base."""
    return site.base_id is None and site.kind == "described" and site.candidates == frozenset()


#: words of a site's name that do not tell one site from another: generic words, and
#: the coalition's forces a description names its owner by ("an American outpost",
#: ``coalition_words``)
_GENERIC_NAME: Final = (
    frozenset({"the", "a", "an", "coalition", "international", "base"})
    | {"airbase", "air", "camp", "military", "training", "outpost", "site", "field"}
    | {"airfield", "airport", "forces", "troops"}
)


def _name_words(site: SiteMention) -> frozenset[str]:
    words = re.findall(r"[A-Z][\w'-]+", site.text)
    generic = _GENERIC_NAME | coalition_words(active_lexicons())
    return frozenset(fold(w) for w in words) - generic


def _same_site(a: SiteMention, b: SiteMention) -> bool:
    if a.base_id or b.base_id:
        return a.base_id == b.base_id
    if unknown_name(a) and unknown_name(b) and _name_words(a) & _name_words(b):
        return True  # "the Basmaya training base" and "the Basmaya base"
    return not _unpinned(a) and not _unpinned(b) and fold(a.text) == fold(b.text)


#: a description that names its place: "an American garrison in al-Shaddadi"
_PLACE_NAMED: Final = re.compile(
    r"\b(?:in|near|at|outside)\s+(?:the\s+)?(?:(?:al|el|ash|as|ad|an|ar)-)?[A-Z][\w'-]+"
)


def fits_description(described: SiteMention, other: SiteMention) -> bool:
    """Whether ``other`` can be the site ``described`` only describes: a base it allows;
    any, when it names no place; none, when it names a place the theater does not know
    ("an American garrison in al-Shaddadi" is no theater base)."""
    if not _unpinned(described) or described.local:
        return False
    if other.base_id is None:
        return False
    if described.candidates is None:
        return not unknown_place(described)
    return other.base_id in described.candidates


def unknown_place(site: SiteMention) -> bool:
    """Whether a description names a place the theater has no base in ("an American
    garrison in al-Shaddadi"): the gazetteer allowed any base, yet a place is named."""
    return site.candidates is None and _PLACE_NAMED.search(site.text) is not None


#: what joins two sites of one clause into two targets, not a site and its locator
_TWO_TARGETS: Final = re.compile(r"[,;]|\b(?:and|or|as\s+well\s+as|then|while|plus)\b", re.I)


def _names_it(first: DraftAttack, second: DraftAttack) -> bool:
    """Whether one side's clause, describing its site, writes the name the other side
    gives a site the theater does not know ("rockets fell on the Besmaya range south of
    the capital" and "the Besmaya base")."""
    for described, named in ((first, second), (second, first)):
        assert described.site is not None and named.site is not None
        if _unpinned(described.site) and unknown_name(named.site):
            clause = described.main.text
            words = {fold(w) for w in re.findall(r"[A-Z][\w'-]+", clause)}
            if words & _name_words(named.site):
                return True
    return False


def _own_dates(
    first: DraftAttack, second: DraftAttack
) -> tuple[DateMention | None, DateMention | None]:
    """The two drafts' dates, without one a draft took from another clause of a sentence
    both tell: such a date is the sentence's, not the draft's. A teaser run into the
    lead (a teaser on Al Asad, then background "since ... last year" and the lead's "on
    Monday", all one sentence) is not dated by the "last year" of its run-on."""
    shared = first.sentences & second.sentences
    if not shared or first.main is second.main:  # (days one clause lists stay apart)
        return first.date, second.date
    return _own_date(first, shared), _own_date(second, shared)


def _own_date(attack: DraftAttack, shared: set[int]) -> DateMention | None:
    date, main = attack.date, attack.main
    if date is None or main.sentence.index not in shared:
        return date
    in_sentence = main.sentence.start <= date.start < main.sentence.end
    return None if in_sentence and not main.start <= date.start < main.end else date


def _one_phrase(first: DraftAttack, second: DraftAttack) -> bool:
    """Whether both sites are one noun phrase of one clause, the second locating the
    first ("the Harir base in Erbil province")."""
    a, b = first.main, second.main
    if (a.sentence.index, a.start, a.end) != (b.sentence.index, b.start, b.end):
        return False
    assert first.site is not None and second.site is not None
    left, right = sorted((first.site, second.site), key=lambda s: s.start)
    between = a.sentence.text[left.end - a.sentence.start : right.start - a.sentence.start]
    return left.end <= right.start and len(between) <= 40 and not _TWO_TARGETS.search(between)


def _elaborates(first: DraftAttack, second: DraftAttack) -> DraftAttack | None:
    """The described side when the sentence right after it names its site, telling the
    same volley (rockets that struck "an airbase in Iraq" ... the military naming Balad
    as where eight of them fell), whichever of the two was joined first."""
    for described, named in ((first, second), (second, first)):
        assert described.site is not None and named.site is not None
        if (
            described.site.rank < 3
            and not described.site.plural
            and not unknown_name(described.site)
            and (named.site.kind == "named" or unknown_name(named.site))
            and _allows(described.site, named.site)
            and described.main.sentence.index + 1 in named.sentences
            and (
                named.main.definite
                or (described.weapon is not None and described.weapon == named.weapon)
            )
        ):
            return described
    return None


def _allows(described: SiteMention, named: SiteMention) -> bool:
    """Whether a description can be a named site: the bases it allows include it (a
    base guessed by elimination allows any: the guess may be what is wrong)."""
    return (
        guessed(described)
        or named.base_id is None
        or described.candidates is None
        or named.base_id in described.candidates
    )


def guessed(site: SiteMention) -> bool:
    """A base the theater gave a description by elimination ("an Iraqi airbase north of
    Baghdad" when one air base lies there): a guess a name told nearby overrules."""
    return site.kind == "described" and site.base_id is not None


def _ordinal_aside(first: DraftAttack, second: DraftAttack) -> bool:
    """Whether ``second`` is an aside of ``first``'s sentence that counts it, on a site it
    only describes ("..., making it the first strike on an American outpost since the
    storms", "..., the third such strike on an American outpost this week")."""
    assert second.site is not None
    sentence = second.main.sentence
    clause = second.main.text
    return (
        sentence.index == first.main.sentence.index
        and second.main.start > first.main.start
        and (_unpinned(second.site) or _same_base_aside(first, second, clause))
        and bool(ORDINAL_ASIDE.match(clause))
    )


def _same_base_aside(first: DraftAttack, second: DraftAttack, clause: str) -> bool:
    """An aside that names, or points back to, the base its sentence's attack hit and
    tells no strike of its own ("Rockets hit Ain al-Asad on Monday, the third attack this
    week on the base"); "the first attack ..., the second hit Balad" is two attacks."""
    assert second.site is not None
    return (
        first.site is not None
        and first.site.base_id is not None
        and second.site.base_id == first.site.base_id
        and not ATTACK_VERB.search(_past_aside_head(clause))
    )


#: the event noun an ordinal aside counts, and an infinitive that only says what it did:
#: "the second strike on the base", "the fourth barrage to hit the base this month"
_ASIDE_HEAD: Final = re.compile(
    r"^\s*(?:[\w-]+\s+)?(?:attack|strike|barrage|assault|incident|salvo|volley|bombardment)s?"
    r"\b(?:\s+to\s+\w+)?",
    re.IGNORECASE,
)


def _past_aside_head(clause: str) -> str:
    """The words of an ordinal aside after its ordinal and the event noun it counts, where
    a strike verb of its own would stand (the noun "strike" is none)."""
    told = ORDINAL_ASIDE.match(clause)
    rest = clause[told.end() :] if told else clause
    return _ASIDE_HEAD.sub("", rest, count=1)


@dataclass(frozen=True)
class LinkFeatures:
    """What says two drafts of one article are, or are not, the same attack."""

    same_site: bool
    fits_site: bool
    compatible_date: bool
    compatible_weapon: bool
    distinct_cue: bool
    definite_restatement: bool = False
    elaborates: bool = False
    ordinal_aside: bool = False
    one_phrase: bool = False
    reported_retelling: bool = False
    same_guess: bool = False

    @property
    def compatible(self) -> bool:
        """Whether nothing keeps the two apart: weapon and date agree, no distinct cue."""
        return self.compatible_date and self.compatible_weapon and not self.distinct_cue

    @property
    def linked(self) -> bool:
        """Whether the features say one attack (before the uniqueness of a fit)."""
        return (
            self.same_site
            or self.same_guess
            or self.fits_site
            or self.definite_restatement
            or self.elaborates
        ) and self.compatible


def link_features(
    first: DraftAttack, second: DraftAttack, tellers: tuple[Teller, Teller] | None = None
) -> LinkFeatures:
    """The features of ``first`` and ``second`` (told later) being one attack."""
    assert first.site is not None and second.site is not None
    told = tellers or ("narrator", "narrator")
    described = _elaborates(first, second)
    reported = (
        told[1] == "reported"
        and second.date is None
        and (
            fits_description(second.site, first.site)
            or (guessed(second.site) and second.site.base_id == first.site.base_id)
        )
    )
    # a recalled attack's own cue does not keep apart the sentence that names its site
    cued = [a for a in (first, second) if a is not described and _distinct(a)]
    if reported and second in cued:
        cued.remove(second)
    same = _same_site(first.site, second.site) or _names_it(first, second)
    guess = guessed(first.site) or guessed(second.site)
    return LinkFeatures(
        same_site=same and not guess,
        same_guess=same and guess,
        fits_site=fits_description(first.site, second.site)
        or fits_description(second.site, first.site),
        compatible_date=dates_compatible(*_own_dates(first, second))
        and not _month_recalled(first, second),
        compatible_weapon=salvos_compatible(first.weapon, first.mix, second.weapon, second.mix),
        distinct_cue=bool(cued) and not (recalled(first, RECALLED) and recalled(second, RECALLED)),
        definite_restatement=_restates(first, second),
        elaborates=described is not None,
        ordinal_aside=_ordinal_aside(first, second),
        one_phrase=_one_phrase(first, second),
        reported_retelling=reported,
    )


def _month_recalled(first: DraftAttack, second: DraftAttack) -> bool:
    """Whether an attack told after one that gives no date is dated by a month alone
    (``draft.month_only``): a recalled attack, not a retelling of the undated one."""
    return first.date is None and month_only(second.date) and not second.main.definite


def _restates(first: DraftAttack, second: DraftAttack) -> bool:
    return (
        second.main.definite
        and first.date is not None
        and second.date is not None
        and first.date.precision == second.date.precision == "day"
        and first.date.day == second.date.day
        and first.weapon is not None
        and first.weapon == second.weapon
    )


# -- 3. strength: the ordered policy --------------------------------------------------

#: how sure each kind of link is; the strongest is joined first
ONE_PHRASE, ORDINAL, SAME, NAMED_NEXT, FITS, REPORTED = 6, 5, 4, 3, 2, 1


def link_strength(features: LinkFeatures) -> int:
    """How surely the pair features alone say one attack (0: they do not); fits of a
    description, headlines and reported retellings are weighed against the whole
    article in :func:`_context_links`."""
    if features.one_phrase:
        return ONE_PHRASE
    if features.ordinal_aside:
        return ORDINAL
    if not features.compatible:
        return 0
    if features.same_site or features.definite_restatement:
        return SAME
    if features.elaborates:
        return NAMED_NEXT
    return FITS if features.same_guess else 0


@dataclass(frozen=True)
class Link:
    """A decision to join two drafts (indices, ``first < second``), and how sure it is."""

    strength: int
    first: int
    second: int


def _pair(drafts: list[DraftAttack], i: int, j: int, told: list[Teller]) -> LinkFeatures:
    first, second = (i, j) if i < j else (j, i)
    return link_features(drafts[first], drafts[second], (told[first], told[second]))


def _link(strength: int, i: int, j: int) -> Link:
    return Link(strength, min(i, j), max(i, j))


def _context_links(drafts: list[DraftAttack], index: int, told: list[Teller]) -> list[Link]:
    """The links of a described, headline or reported draft that depend on the rest of
    the article: which attacks its description fits, and which one it announces."""
    attack = drafts[index]
    assert attack.site is not None
    others = [o for o in range(len(drafts)) if o != index and drafts[o].site is not None]
    if told[index] == "headline":
        body = [o for o in others if told[o] != "headline" and _headline_fits(drafts, index, o)]
        return [_link(FITS, index, body[0])] if body else []
    features = {o: _pair(drafts, index, o, told) for o in others}
    fitting = [o for o in others if features[o].fits_site and features[o].compatible]
    if not _unpinned(attack.site) or not fitting:
        return []
    if told[index] == "reported" and index > fitting[0] and features[fitting[0]].reported_retelling:
        return [_link(REPORTED, index, fitting[0])]
    if len(fitting) == 1 or attack.site.plural:
        return [_link(FITS, index, fitting[0])]
    first = min(attack.sentences)
    lead = min(min(a.sentences) for a in drafts) == first
    after = [i for i in fitting if min(drafts[i].sentences) > first]
    if lead and after:
        return [_link(FITS, index, min(after, key=lambda i: min(drafts[i].sentences)))]
    return []


def _headline_fits(drafts: list[DraftAttack], headline: int, body: int) -> bool:
    """Whether a headline's draft can announce a body's: weapon and date agree, and the
    sites are one or either is unresolved."""
    a, b = drafts[headline], drafts[body]
    assert a.site is not None and b.site is not None
    sites = a.site.base_id is None or b.site.base_id is None or a.site.base_id == b.site.base_id
    return (
        sites
        and dates_compatible(a.date, b.date)
        and salvos_compatible(a.weapon, a.mix, b.weapon, b.mix)
    )


# -- 4. clustering --------------------------------------------------------------------


def _links(drafts: list[DraftAttack], told: list[Teller]) -> list[Link]:
    """Every link the article's drafts allow."""
    found = [
        _link(strength, i, j)
        for i in range(len(drafts))
        for j in range(i + 1, len(drafts))
        if (strength := link_strength(_pair(drafts, i, j, told)))
    ]
    for index in range(len(drafts)):
        found.extend(_context_links(drafts, index, told))
    return found


def _distance(drafts: list[DraftAttack], link: Link) -> int:
    a, b = drafts[link.first], drafts[link.second]
    return min(abs(i - j) for i in a.sentences for j in b.sentences)


def _joined(kept: DraftAttack, other: DraftAttack, told: tuple[Teller, Teller]) -> DraftAttack:
    """One draft of two that tell one attack, its site never a headline's over the
    body's, nor a closed-world guess over an unknown site's own name."""
    dates = _own_dates(kept, other)
    merged = merge_drafts(replace(kept, date=dates[0]), replace(other, date=dates[1]))
    assert kept.site is not None and other.site is not None
    for side, own, against in ((kept, told[0], told[1]), (other, told[1], told[0])):
        rival = other if side is kept else kept
        assert side.site is not None and rival.site is not None
        body_over_headline = own != "headline" and against == "headline"
        name_over_guess = (
            unknown_name(side.site)
            and rival.site.kind in ("described", "generic")
            and not unknown_name(rival.site)
        )
        if body_over_headline or name_over_guess:
            merged.site, merged.main = side.site, side.main
    return merged


def link_restatements(attacks: list[DraftAttack]) -> list[DraftAttack]:
    """The article's drafts with each restatement joined to the attack it retells,
    strongest link first.

    Order is kept: a joined pair stands where the earlier of the two was told.
    """
    drafts = [a for a in attacks if a.site is not None]
    headlines = headline_lines(drafts)
    told = [teller(a, headlines) for a in drafts]
    while links := _links(drafts, told):
        best = max(links, key=lambda k: (k.strength, -_distance(drafts, k), -k.first))
        keep, drop = best.first, best.second
        drafts[keep] = _joined(drafts[keep], drafts[drop], (told[keep], told[drop]))
        told[keep] = told[keep] if told[keep] == told[drop] else "narrator"
        del drafts[drop], told[drop]
    # a lead's "the airfield" that no attack of the article names is not a row
    return [d for d in drafts if not (d.site is not None and d.site.kind == "anaphoric")]
