"""From mentions to attacks: one row per attack per article, then one event per attack.

Within an article, mentions are joined when they tell of the same attack:

- "the attack", "the rockets", "that strike", "Wednesday's attack" (a definite
  reference) join the most recent attack they do not contradict;
- "the base" joins the attack told last, unless weapon or date differ, or the text
  says "the same base" (then it is a new attack at that site);
- a named or described site joins an earlier attack on the same base, or an earlier
  attack whose site was only described in words that allow this base;
- a sentence that only counts casualties joins the attack of the sentence before it
  (or the one a definite "the Marine killed" points to).

Two mentions contradict each other when both name a weapon class and they differ,
when their dates disagree at the coarser precision, or when their sites cannot be one.
"today" never contradicts: it yields to any other date of the same attack.

An attack told "later that day", "hours earlier", "the next day" or "two days later"
takes its date from the attack told last that has one.

Then, per attack:

- a date the attack's own clauses leave open is taken from a statement in one of its
  own sentences ("... told AFP on Thursday night that the base had been targeted"),
  or the day told between two of its own sentences by one that tells no other attack
  ("explosions were heard around the base on Saturday"), else from the nearest
  sentence up to three before it that dates an attack or a statement about attacks
  ("... told reporters on Monday"), else from a volley of its weapon told earlier
  without its sites ("Iran fired missiles at two bases in January 2020"); otherwise it
  stays blank (the candidates and their order: ``DateCandidate``, ``LENDERS``);
- a report that counts wounded and says nothing of dead is read as no one killed
  (killed 0): news reports always tell a death;
- the group a reply (an air strike) was aimed at is the actor of the attack told in
  that sentence or the sentence before, when the attack names no actor itself and the
  reply names no other year than the attack's ("the 2020 U.S. drone strike" answers no
  attack of 2022); a group the reply names as a campaign's enemy ("the coalition to
  combat X") or as the source of another threat ("threats posed by X") is not what it
  hit (roles.py).

Across articles, rows on the same site, with weapon classes that agree and dates that
agree at the coarser precision, are one event; a day-precise date names it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Final

from defplan.extract.attach import about_another, attach_told_apart, share_volley
from defplan.extract.counts import Casualties
from defplan.extract.dates import (
    APPROXIMATE_OFFSET,
    PREVIOUS_WEEK,
    DateMention,
    agree,
    approximate_month,
)
from defplan.extract.draft import (
    VAGUE_DEFAULT,
    DraftAttack,
    absorb,
    dates_compatible,
    mentions_compatible,
    weapons_compatible,
)
from defplan.extract.linking import (
    RECALLED,
    distinct_mention,
    fits_description,
    guessed,
    link_restatements,
    listed_days,
    recalled,
    unknown_place,
    without_parts,
)
from defplan.extract.mentions import CLAIM_REACH_SENTENCES, Attribution, Mention
from defplan.extract.sites import SiteMention, fold, force_or_country_word
from defplan.fields import DatePrecision

NEW_ATTACK = re.compile(
    r"\b(?:also|another|separate(?:ly)?|second|third|again|earlier|similar|previous|prior)\b",
    re.IGNORECASE,
)
#: a site told as not the one told before: "the previous base", "the other base"
OTHER_SITE = re.compile(r"\b(?:previous|prior|other|another|different|earlier)\b", re.I)
#: an appositive that retells the attack its sentence told: ", an attack that ..."
APPOSITIVE = re.compile(
    r"^\W*(?:an?|the|one)\s+(?:[\w-]+\s+){0,2}?(?:attack|strike|assault|barrage|incident)"
    r"\s+(?:that|which|in\s+which)\b",
    re.IGNORECASE,
)
#: sentences back from an undated attack that may lend it their date
DATE_REACH_SENTENCES = 3


@dataclass(frozen=True)
class ExtractedAttack:
    """One attack as one article tells it: a row of ``attacks.csv``.

    ``base`` is the site as the article words it; ``base_id`` is blank when the theater
    does not know it. ``span_start``/``span_end`` are the sentence that places the
    attack: ``article_text[span_start:span_end]``. Counts are None when not told.
    """

    article_file: str
    base: str
    base_id: str | None
    date: dt.date | None
    date_precision: DatePrecision | None
    actor: str | None
    weapon: str | None
    munitions: int | None
    killed: int | None
    wounded: int | None
    event_id: str
    span_start: int
    span_end: int
    #: the other sentences that retell this attack, linked to it (for review)
    linked_spans: tuple[tuple[int, int], ...] = ()


COLUMNS: tuple[str, ...] = (
    "article_file",
    "base",
    "base_id",
    "date",
    "date_precision",
    "actor",
    "weapon",
    "munitions",
    "killed",
    "wounded",
    "event_id",
    "span_start",
    "span_end",
)


def _recent(attacks: list[DraftAttack]) -> list[DraftAttack]:
    return sorted(attacks, key=lambda a: -a.touched)


def group_mentions(
    mentions: Sequence[Mention],
    attributions: Sequence[Attribution] = (),
    context_dates: Sequence[tuple[int, DateMention]] = (),
    headline_site: SiteMention | None = None,
    headline_toll: Casualties | None = None,
    other_events: Collection[int] = (),
) -> list[ExtractedAttack]:
    """The attacks one article's mentions (in text order) tell of, one row each."""
    attacks: list[DraftAttack] = []
    pending: Mention | None = None
    loose: list[Mention] = []
    siteless: list[Mention] = []
    rounds: list[Mention] = []
    for clock, mention in enumerate(mentions, start=1):
        if mention.loose:
            loose.append(mention)
            continue
        if mention.every:
            _zeros_for_every(_just_told(attacks, mention), mention)
            continue
        if mention.round:
            rounds.append(mention)
            continue
        target = _target(attacks, mention)
        if target is not None:
            absorb(target, mention, clock)
            continue
        if mention.kind != "attack":
            continue
        if mention.site is None:
            # "Iran launched 16 missiles": a volley told before the sites it struck;
            # the attacks told next take its day and actor
            pending = mention
            siteless.append(mention)
            continue
        site = _new_site(attacks, mention.site)
        if site is None:
            continue  # "the previous base targeted": not the one told, and unnamed
        attack = DraftAttack(main=mention, site=None)
        absorb(attack, replace(mention, site=site), clock)
        attack.main = mention
        if pending is not None and _continues(pending, mention):
            attack.date = attack.date or pending.date
            attack.actor = attack.actor or pending.actor
        attack.date = attack.date or _date_from_told(attacks, mention)
        attacks.extend(listed_days(attack))  # "On November 9 and 11": an attack a day
    _headline_names(attacks, headline_site)
    linked = link_restatements(attacks)
    _join_told_apart(linked, loose, siteless, other_events)
    attribute(linked, attributions)
    for volley in mentions:
        share_volley(linked, volley)
    _counts_told_apart(linked, rounds, headline_site, headline_toll)
    return _rows(linked, mentions, context_dates)


def _new_site(attacks: list[DraftAttack], site: SiteMention) -> SiteMention | None:
    """The site of an attack a mention starts: its own; for "the base" the site told
    last (a lead's "the airfield" with no attack before it stays, for linking to join
    or drop); None for "the previous base", another base the article does not name."""
    if site.kind != "anaphoric":
        return site
    if OTHER_SITE.search(site.text):
        return None
    with_site = [a for a in _recent(attacks) if a.site is not None]
    return with_site[0].site if with_site else site


def _rows(
    linked: list[DraftAttack],
    mentions: Sequence[Mention],
    context_dates: Sequence[tuple[int, DateMention]],
) -> list[ExtractedAttack]:
    """The article's attacks as rows (a vague "missile" read as the article says)."""
    vague = _missiles_are(mentions)
    # volleys told without their sites ("Iran fired ballistic missiles at two bases")
    volleys = [
        m
        for m in mentions
        if m.kind == "attack"
        and (m.site is None or (m.site.plural and not m.site.base_id))
        and not m.flashback
    ]
    rows = []
    for attack in linked:
        if _unsited(attack):
            continue
        others = frozenset(i for other in linked if other is not attack for i in other.sentences)
        others |= {m.sentence.index for m in mentions if m.kind == "attack"} - attack.sentences
        rows.append(_row(attack, context_dates, others, vague, volleys))
    return rows


def _unsited(attack: DraftAttack) -> bool:
    """Whether an attack is told only in passing at several bases it does not name
    (a state "later struck two bases" where troops were based): no site is known to be
    hit and nothing of it is told, so it gives no row. One whose toll the article tells
    ("two bases in Iraq" and the troops treated for concussions after it) is kept: the
    article is about it."""
    site = attack.site
    told = attack.killed_said or attack.wounded_said
    return site is not None and site.plural and site.base_id is None and not told


def _counts_told_apart(
    attacks: list[DraftAttack],
    rounds: Sequence[Mention],
    site: SiteMention | None,
    toll: Casualties | None,
) -> None:
    """Counts told away from the attacks: a round's zero, the headline's toll."""
    _round_zeros(attacks, rounds)
    _headline_counts(attacks, site, toll)


def _headline_counts(
    attacks: list[DraftAttack], site: SiteMention | None, toll: Casualties | None
) -> None:
    """The headline's zero ("Three Rockets Strike Balad Air Base, No Casualties
    Reported") for the attack the article tells first, where its body says nothing of
    casualties and it is on the headline's base (if the headline names one)."""
    if toll is None or not attacks:
        return
    first = min(attacks, key=lambda a: min(a.sentences))
    if site is not None and first.site is not None and first.site.base_id != site.base_id:
        return
    if not first.killed_said and toll.killed is not None:
        first.killed, first.killed_said = toll.killed, True
    if not first.wounded_said and toll.wounded is not None:
        first.wounded, first.wounded_said = toll.wounded, True


#: how many sentences after a round of attacks its zero reaches ("attacked four times,
#: no casualties. ... The base at X was hit by drones, and Y by a rocket.")
ROUND_REACH_SENTENCES: Final = 3


def _round_zeros(attacks: list[DraftAttack], rounds: Sequence[Mention]) -> None:
    """A round's stated zero for each attack told in the next sentences, of its day."""
    for told in rounds:
        _zeros_for_every(
            [
                a
                for a in attacks
                if 0 < min(a.sentences) - told.sentence.index <= ROUND_REACH_SENTENCES
                and dates_compatible(a.date, told.date)
            ],
            told,
        )


#: how many sentences back "no one was hurt in either attack" reaches for its attacks
EVERY_REACH_SENTENCES: Final = 3


def _just_told(attacks: list[DraftAttack], mention: Mention) -> list[DraftAttack]:
    """The attacks "either attack" or "the attacks" can mean: those told in the last few
    sentences, never one told paragraphs before about another day."""
    at = mention.sentence.index
    near = [a for a in attacks if at - max(a.sentences) <= EVERY_REACH_SENTENCES]
    if not near:
        return []
    latest = max(near, key=lambda a: max(a.sentences))
    return [
        a
        for a in near
        if a.main.sentence.paragraph == mention.sentence.paragraph
        or dates_compatible(a.date, latest.date)
    ]


def _zeros_for_every(attacks: list[DraftAttack], mention: Mention) -> None:
    """ "No one was hurt in either attack": the zeros of every attack told so far that
    says nothing of its own."""
    for attack in attacks:
        if attack.killed is None and not attack.killed_said:
            attack.killed = mention.casualties.killed
            attack.killed_said = attack.killed is not None
        if attack.wounded is None and not attack.wounded_said:
            attack.wounded = mention.casualties.wounded
            attack.wounded_said = attack.wounded is not None


def _join_told_apart(
    linked: list[DraftAttack],
    loose: Sequence[Mention],
    siteless: Sequence[Mention],
    other_events: Collection[int],
) -> None:
    """Facts no attack took while the article was read, each given to the attack it is
    about (attach.py): in an article of one attack, its casualty counts and volleys of
    its weapon; else a lead's toll, the rest by the scored features, and a recalled
    attack's toll."""
    if len(linked) == 1:
        _join_the_only_attack(linked[0], loose, siteless)
    else:
        _lead_toll(linked, [m for m in loose if m.lead])
        facts = [m for m in loose if not m.lead] + [m for m in siteless if _tells_a_fact(m)]
        attach_told_apart(linked, sorted(facts, key=lambda m: m.start), other_events)
    _recalled_tolls(linked, siteless)


def _tells_a_fact(mention: Mention) -> bool:
    """Whether a mention that names no site says what an attack may lack: a toll, a zero
    or a weapon (not a volley recalled, nor the earlier attack a sentence counted)."""
    told = mention.casualties
    return not mention.flashback and (
        told.killed_said or told.wounded_said or mention.weapon is not None
    )


def _join_the_only_attack(
    attack: DraftAttack, loose: Sequence[Mention], siteless: Sequence[Mention]
) -> None:
    """An article that tells one attack: a casualty count anywhere in it is that
    attack's, unless it dates itself elsewhere or is about another event (attach.py:
    "no casualties from these skirmishes" after a reply); and so is a volley of its
    weapon that names no site ("At least three rockets were targeting the American
    diplomatic missions")."""
    for mention in loose:
        if _same_time(attack, mention) and not about_another(mention):
            absorb(attack, replace(mention, date=None), attack.touched)
    for mention in siteless:
        if (
            mention.weapon is not None
            and weapons_compatible(attack.weapon, mention.weapon)
            and _same_time(attack, mention)
            and NEW_ATTACK.search(mention.sentence.text) is None
        ):
            absorb(attack, replace(mention, date=None), attack.touched)


def _same_time(attack: DraftAttack, mention: Mention) -> bool:
    """Whether a mention told apart from the article's only attack can be of it by its
    date: none of its own, or one that agrees with the attack's (an undated attack is
    not "In June 2017, a drone ..." told in a background paragraph)."""
    if mention.date is None:
        return True
    return attack.date is not None and dates_compatible(attack.date, mention.date)


def _recalled_tolls(attacks: list[DraftAttack], siteless: Sequence[Mention]) -> None:
    """The toll of "a similar attack" recalled with no site (a similar attack days
    before that "killed" some soldiers) is that of the one earlier attack the article
    names as recalled ("The earlier rocket attack against Camp Taji on Wednesday")."""
    for mention in siteless:
        told = mention.casualties
        clause = mention.sentence.text[
            mention.start - mention.sentence.start : mention.end - mention.sentence.start
        ]
        if (told.killed is None and told.wounded is None) or not RECALLED.search(clause):
            continue
        earlier = [
            a
            for a in attacks
            if recalled(a, RECALLED)
            and a.main.sentence.index != mention.sentence.index
            and mentions_compatible(a, replace(mention, date=None))
        ]
        if len(earlier) == 1:
            absorb(earlier[0], replace(mention, date=None), earlier[0].touched)


def _lead_toll(attacks: list[DraftAttack], leads: Sequence[Mention]) -> None:
    """A lead's toll of an attack it placed no nearer than a country ("a deadly mortar
    attack in Syria that claimed the lives of two soldiers and a contractor") is that of
    the latest attack of its weapon the body tells without any casualty of its own: the
    body retells the lead's attack with its base and day, and leaves the toll told."""
    for lead in leads:
        untold = sorted(
            (a.date.day, i)
            for i, a in enumerate(attacks)
            if a.date is not None
            and a.weapon == lead.weapon
            and not (a.killed_said or a.wounded_said)
        )
        if untold and (len(untold) == 1 or untold[-1][0] > untold[-2][0]):
            latest = attacks[untold[-1][1]]
            absorb(latest, replace(lead, date=None), latest.touched)


def _missiles_are(mentions: Sequence[Mention]) -> str | None:
    """What a vague "missile" of an attack with no named attacker is: a rocket when the
    report speaks of rockets and of no ballistic or cruise missile ("three missiles
    fell on the base"), else None (the default class, see draft.VAGUE_DEFAULT)."""
    told = {m.weapon for m in mentions}
    if "rocket" in told and not told & {"ballistic_missile", "cruise_missile"}:
        return "rocket"
    return None


def _headline_names(attacks: list[DraftAttack], headline: SiteMention | None) -> None:
    """Class 2: the site named only in the headline. When no attack of the body names a
    base, an attack at "the air base" (or at a description the headline's base fits)
    is at the headline's base."""
    if headline is None or any(a.site is not None and a.site.base_id for a in attacks):
        return
    for attack in attacks:
        site = attack.site
        if site is not None and (site.kind == "anaphoric" or fits_description(site, headline)):
            attack.site = headline


def attribute(attacks: list[DraftAttack], attributions: Sequence[Attribution]) -> None:
    """Give attacks that name no actor the one a reply or a claim names: a reply's
    group to the latest attack told in its sentence or the one before; a claim's group
    to every attack told in its sentence, the two before ("... claimed responsibility
    for the attacks") or the next ("X claimed the Wednesday strikes. It said the base
    at Y was hit by two drones.")."""
    for attribution in attributions:
        if attribution.kind == "included":  # the one it singles out: told last in it
            told = [a for a in _recent(attacks) if attribution.sentence in a.sentences]
            if told and told[0].actor is None:
                told[0].actor = attribution.actor
            continue
        if attribution.kind == "claim":
            for attack in _claimed(attacks, attribution):
                attack.actor = attack.actor or attribution.actor
            continue
        for attack in _recent(attacks):
            if attack.actor is None and (
                attribution.sentence in attack.sentences
                or attribution.sentence - 1 in attack.sentences
            ):
                if _answers(attribution, attack):
                    attack.actor = attribution.actor
                break


def _answers(reply: Attribution, attack: DraftAttack) -> bool:
    """Whether a reply may answer ``attack``: it names no year, or the attack's."""
    date = attack.date
    if not reply.years or date is None or date.floating or date.weak:
        return True
    return date.day.year in reply.years


# "Separately, three rockets landed ...": the next sentence turns to another attack
ANOTHER_STORY: Final = re.compile(
    r"^\W*(?:separately|meanwhile|elsewhere|in\s+(?:a\s+)?(?:separate|another|other)\b)", re.I
)


def _claimed(attacks: list[DraftAttack], claim: Attribution) -> list[DraftAttack]:
    """The attacks a claim is of: those told in its sentence, the two before or the next
    one; when it names the base of any of them ("claimed the Harir attack" after drones
    at Harir and at Ain al-Asad), those and the ones told after it. A claim told further on is
    of the one attack on a base it names, or of "the attack" an article tells alone (a
    claim of "responsibility" with no object is of it too)."""
    since = claim.sentence - CLAIM_REACH_SENTENCES if claim.since is None else claim.since
    near = [
        a
        for a in attacks
        if any(since <= i <= claim.sentence for i in a.sentences)
        or (
            min(a.sentences) == claim.sentence + 1 and not ANOTHER_STORY.match(a.main.sentence.text)
        )
    ]
    named = [a for a in near if a.site is not None and a.site.base_id in claim.bases]
    if named:  # and the attacks told after it ("they also targeted ...")
        return [a for a in near if a in named or min(a.sentences) > claim.sentence]
    if near:
        return _told_last(near, claim) if claim.singular else near
    # told far from its attack: of the one attack on a base it names, or of the
    # article's only attack when it claims "the attack"
    named = [a for a in attacks if a.site is not None and a.site.base_id in claim.bases]
    if len(named) == 1 or (claim.definite and len(attacks) == 1):
        return named or attacks
    return []


def _told_last(near: list[DraftAttack], claim: Attribution) -> list[DraftAttack]:
    """Of the attacks told before a claim of one ("claimed responsibility for the attack
    on that base" after drones at Harir and at Ain al-Asad, then "the drone targeting
    Harir was intercepted"), the one told last; all when two were told last together."""
    before = [a for a in near if min(a.sentences) <= claim.sentence]
    if len(before) < 2 or len(before) < len(near):
        return near
    last = max(max(i for i in a.sentences if i <= claim.sentence) for a in before)
    return [a for a in before if last in a.sentences]


def _continues(volley: Mention, mention: Mention) -> bool:
    """Whether ``mention`` tells where part of a ``volley`` told without its sites landed:
    the same weapon, in the same paragraph, within two sentences."""
    return (
        volley.weapon is not None
        and weapons_compatible(volley.weapon, mention.weapon)
        and volley.sentence.paragraph == mention.sentence.paragraph
        and 0 < mention.sentence.index - volley.sentence.index <= 2
    )


def _part_of(attack: DraftAttack, mention: Mention) -> bool:
    """Whether a mention naming no site tells part of the volley told just before
    ("Two rockets hit the fire base. One rocket exploded outside the wall ...")."""
    return (
        mention.munitions is not None
        and attack.munitions is not None
        and mention.munitions < attack.munitions
        and weapons_compatible(mention.weapon, attack.weapon)
        and mention.date is None
        and mention.sentence.paragraph == attack.main.sentence.paragraph
        and mention.sentence.index - max(attack.sentences) == 1
        and NEW_ATTACK.search(mention.sentence.text) is None
    )


def _counts_it(attack: DraftAttack, mention: Mention) -> bool:
    """Whether a volley naming no site, told in the sentence right after an attack that
    counted nothing, is that attack's count ("... an indirect fire attack on the Green
    Village base. Two rockets hit two support buildings, the release said.")."""
    return (
        attack.munitions is None
        and mention.munitions is not None
        and not mention.more
        and mention.weapon is not None
        and weapons_compatible(mention.weapon, attack.weapon)
        and mention.date is None
        and mention.sentence.index - max(attack.sentences) == 1
        and NEW_ATTACK.search(mention.sentence.text) is None
    )


def _more_of(attack: DraftAttack, mention: Mention) -> bool:
    """Whether a mention naming no site counts more of the volley told just before
    ("Two drones hit the base. A third drone was shot down ...")."""
    return (
        mention.more
        and mention.munitions is not None
        and attack.munitions is not None
        and weapons_compatible(mention.weapon, attack.weapon)
        and mention.date is None
        and 0 < mention.sentence.index - max(attack.sentences) <= 2
    )


def _continues_sentence(attack: DraftAttack, mention: Mention) -> bool:
    """Whether a clause naming no site goes on telling the attack its sentence began
    ("the Tuesday attack on the base, in which a single drone tore through a hangar";
    "drones struck the garrison, an attack that wounded no one")."""
    clause = mention.sentence.text[mention.start - mention.sentence.start :]
    return (
        mention.sentence.index == attack.main.sentence.index
        and (attack.weapon is None or APPOSITIVE.match(clause) is not None)
        and NEW_ATTACK.search(clause) is None
        and mentions_compatible(attack, mention)
    )


def _same_day(attack: DraftAttack, mention: Mention) -> bool:
    """Whether a clause naming no site retells an attack a sentence or two before with
    the same weapon on the same day ("... approx. 14 107 mm rockets launched, Feb 15")."""
    return (
        attack.date is not None
        and mention.date is not None
        and not attack.date.floating
        and attack.date.precision == mention.date.precision == "day"
        and attack.date.day == mention.date.day
        and 0 < mention.sentence.index - max(attack.sentences) <= 2
        and attack.weapon is not None
        and attack.weapon == mention.weapon
        and NEW_ATTACK.search(mention.sentence.text) is None
    )


def _dates_undated(attack: DraftAttack, mention: Mention) -> bool:
    """Whether a clause naming no site, a sentence or two after an attack told without
    a day, gives that attack its day ("Rockets hit Erbil airport, killing a contractor.
    ... 'indirect fire landed on coalition forces tonight (Monday)'")."""
    return (
        attack.date is None
        and mention.date is not None
        and not mention.date.reported
        and mention.date.precision == "day"  # not "In June 2017, a drone ..." of the past
        and 0 < mention.sentence.index - max(attack.sentences) <= 2
        and attack.weapon is not None
        and weapons_compatible(attack.weapon, mention.weapon)
        and NEW_ATTACK.search(mention.sentence.text) is None
    )


def _date_from_told(attacks: list[DraftAttack], mention: Mention) -> DateMention | None:
    """The date of an attack told "the next day", "later that day" or "around two weeks
    before" the attack told before (the month only, when the words make it sure)."""
    if mention.day_offset is not None:
        if _reference_of_its_own_offset(mention):
            return None
        return _date_after(attacks, mention.day_offset)
    anchor = _date_after(attacks, 0)
    return approximate_month(mention.sentence.text, anchor) if anchor is not None else None


# "On the same day as the Conoco attack, ...": the day is counted from the attack named
SAME_DAY_AS: Final = re.compile(
    r"\bsame\s+(?:day|night|morning|afternoon|evening)\s+as\s+(?:the\s+)?", re.IGNORECASE
)


def _reference_of_its_own_offset(mention: Mention) -> bool:
    """Whether ``mention`` only names the attack its sentence counts a day from ("On the
    same day as the Conoco attack, ..." is no attack on that day: it is the one named)."""
    if mention.site is None:
        return False
    at = mention.site.start - mention.sentence.start
    return any(m.end() <= at <= m.end() + 3 for m in SAME_DAY_AS.finditer(mention.sentence.text))


#: sentences a site told only generically may follow the attack it is part of
PART_REACH_SENTENCES: Final = 3


def _part_of_last(attack: DraftAttack, mention: Mention) -> bool:
    """Whether a site told only generically, with no day of its own, a few sentences
    after the attack told last that it fits, is part of that attack ("Drones targeted
    forces at Al-Tanf early Tuesday. ... A second drone detonated inside a partner
    forces compound"): "a second drone" is more of its volley, not another attack."""
    site = mention.site
    return (
        site is not None
        and site.kind == "generic"
        and not site.plural
        and mention.date is None
        and (mention.more or NEW_ATTACK.search(mention.sentence.text) is None)
        and 0 <= mention.sentence.index - max(attack.sentences) <= PART_REACH_SENTENCES
        and mentions_compatible(attack, mention)
    )


def _coarse(date: DateMention | None) -> bool:
    """Whether a date cannot tell one day's attack from another (none, or a month)."""
    return date is None or date.precision != "day"


def _date_after(attacks: list[DraftAttack], days: int) -> DateMention | None:
    """The date ``days`` after that of the dated attack told last (its own at 0 days)."""
    dated = [a.date for a in _recent(attacks) if a.date is not None]
    if not dated:
        return None
    before = dated[0]
    if days == 0:
        return before
    if before.precision != "day" or before.weak:
        return None
    return replace(before, day=before.day + dt.timedelta(days=days))


def _casualty_target(recent: list[DraftAttack], mention: Mention) -> DraftAttack | None:
    """The attack a casualty count just after attacks were told adds to: the latest of
    a compatible date; one on the base it names ("evacuated from the Camp Taji base"),
    or the latest whose site the lead only described and that base fits; none when it
    counts another event ("no casualties from these skirmishes": a reply's)."""
    if about_another(mention):
        return None
    site = mention.site
    if site is not None and site.kind == "named" and site.base_id:
        named = site
        recent = [a for a in recent if a.site is not None and a.site.base_id == named.base_id] or [
            a for a in recent[:1] if a.site is not None and fits_description(a.site, named)
        ]
    return next((a for a in recent if dates_compatible(a.date, mention.date)), None)


#: site nouns of one kind: "the airport" can name "Baghdad airport" or "Erbil air base"
#: but not "Camp Taji"; a noun of no family here ("the base", "the site") names any
NOUN_FAMILIES: Final = (
    ("airport", "airfield", "air base", "airbase", "airstrip", "air field"),
    ("camp",),
    ("garrison",),
    ("embassy", "diplomatic"),
    ("consulate",),
    ("oil field", "gas field", "field"),
)


def noun_fits(anaphor: SiteMention, site: SiteMention | None) -> bool:
    """Whether a site told as "the <noun>" can be ``site`` by its noun's kind."""
    if site is None:
        return True
    said, named = fold(anaphor.text), fold(site.text)
    for family in NOUN_FAMILIES:
        if any(said.endswith(word) for word in family):
            return any(word in named for word in family)
    return True


def _target(attacks: list[DraftAttack], mention: Mention) -> DraftAttack | None:
    """The attack ``mention`` adds to, or None when it starts one (or is dropped)."""
    recent = _recent(attacks)
    if not recent:
        return None
    site = mention.site
    if mention.kind == "casualty":
        return _casualty_target(recent, mention)
    if site is None or site.kind == "anaphoric":
        if mention.same_site or (site is not None and distinct_mention(mention)):
            return None  # "a similar drone attack two days earlier": another at that site
        if site is None and (
            _continues_sentence(recent[0], mention)
            or _dates_undated(recent[0], mention)
            or _same_day(recent[0], mention)
        ):
            return recent[0]
        candidates = recent if (site is not None or mention.definite) else []
        if (
            site is None
            and not mention.definite
            and any(told(recent[0], mention) for told in (_part_of, _more_of, _counts_it))
        ):
            return recent[0]
        if site is not None and not mention.definite:
            # "the base" goes on with the article's attack, not an earlier one recalled
            candidates = [a for a in recent if not a.main.flashback][:1] or recent[:1]
        if site is not None:
            # "the airport rockets" after attacks on Baghdad airport and then Camp Taji:
            # the attack whose site the noun can name, before one told later
            fitting = [a for a in recent if noun_fits(site, a.site) and not a.main.flashback]
            if fitting and not noun_fits(site, candidates[0].site):
                candidates = fitting[:1]
        return next((a for a in candidates if mentions_compatible(a, mention)), None)
    if mention.definite:
        return next((a for a in recent if mentions_compatible(a, mention)), None)
    if _part_of_last(recent[0], mention):
        return recent[0]
    fresh = NEW_ATTACK.search(without_parts(mention.sentence.text)) is not None or mention.flashback
    found = _on_same_base(recent, mention, fresh)
    if found is not None:
        return found
    if fresh:
        return None
    # (never "a similar attack killed two soldiers there": the attack recalled, not this)
    # (only the attack told last: not a lead's "base in eastern Syria" when another
    # attack, on a named base, was told since)
    loose = [
        a
        for a in recent[:1]
        if (a.site is None or (a.site.base_id is None and a.site.rank < 2))
        and not recalled(a)
        # (not "the US base in Shaddadi": a place the theater has no base in is no
        # loose description a theater base's name could tell more of)
        and not (a.site is not None and _unknown_town(a.site) and _names_base(mention))
    ]
    return next((a for a in loose[:1] if mentions_compatible(a, mention)), None)


def _names_base(mention: Mention) -> bool:
    return mention.site is not None and mention.site.base_id is not None


#: the word a description places its site by: "a base in Shaddadi"
_PLACE_WORD: Final = re.compile(r"\b(?:in|near|at|outside)\s+(?:the\s+)?(?P<word>[\w'\u2019-]+)")


def _unknown_town(site: SiteMention) -> bool:
    """Whether a description places its site in a town the theater has no base in ("the
    US base in Shaddadi"), not by a people's word ("a base in Kurdish northern Iraq")."""
    told = _PLACE_WORD.search(site.text)
    return unknown_place(site) and told is not None and not force_or_country_word(told["word"])


def _on_same_base(recent: list[DraftAttack], mention: Mention, fresh: bool) -> DraftAttack | None:
    """The attack on the base a named mention names that it goes on telling, or None.

    A base the theater only guessed for a description, told before other attacks, is
    left to linking: a name told right after it may overrule the guess. An attack
    recalled by its day is not the article's attack, undated so far; one told as "also
    targeted earlier this month" is another attack, its month no match.
    """
    site = mention.site
    if site is None or not site.base_id:
        return None
    same = [
        a
        for a in recent
        if a.site is not None
        and a.site.base_id == site.base_id
        and (a is recent[0] or not guessed(a.site))
    ]
    found = next((a for a in same if mentions_compatible(a, mention)), None)
    recalled_apart = mention.flashback and found is not None and found.date is None
    if found is not None and not (fresh and _coarse(mention.date)) and not recalled_apart:
        return found
    return None


@dataclass(frozen=True)
class DateCandidate:
    """A date another sentence may lend an attack its own clauses leave undated.

    ``source`` says where it was told (``LENDERS``); ``distance`` is how many sentences
    before the attack's first it was told (0 inside or between its own sentences).
    """

    date: DateMention
    source: str
    distance: int


#: where an undated attack's date may come from, as the policy names them:
#: "statement": a statement in one of its own sentences ("told AFP on Thursday night
#: that the base had been targeted"); "between": a day told between two of its own
#: sentences by one that tells no other attack ("the sound of an explosion around the
#: airbase on Saturday"); "before": a sentence about attacks up to three before it;
#: "volley": a volley told earlier without its sites, of the attack's weapon ("in
#: January 2020 Iran fired ballistic missiles at two bases" ... paragraphs on, "two
#: ballistic missiles were fired at Erbil")
LENDERS: Final = ("statement", "between", "before", "volley")


def _date_candidates(
    attack: DraftAttack,
    context_dates: Sequence[tuple[int, DateMention]],
    others: frozenset[int],
    volleys: Sequence[Mention],
) -> list[DateCandidate]:
    """Every date another sentence may lend ``attack``, with where it was told.
    ``others`` are the sentences that tell other attacks."""
    first = min(attack.sentences)
    found: list[DateCandidate] = []
    for index, date in context_dates:
        if index in attack.sentences and date.reported:
            found.append(DateCandidate(date, "statement", 0))
        elif (
            {index - 1, index + 1} <= attack.sentences
            and index not in others
            and date.precision == "day"
        ):
            found.append(DateCandidate(date, "between", 0))
        elif 0 <= first - index <= DATE_REACH_SENTENCES:
            found.append(DateCandidate(date, "before", first - index))
    for volley in volleys:
        if (
            volley.date is not None
            and volley.sentence.index < first
            and attack.weapon is not None
            and volley.weapon == attack.weapon
            and not _told_since(volley, first, context_dates)
        ):
            found.append(DateCandidate(volley.date, "volley", first - volley.sentence.index))
    return found


def _told_since(
    volley: Mention, first: int, context_dates: Sequence[tuple[int, DateMention]]
) -> bool:
    """Whether a sentence between a volley and an attack told after it dates an attack
    to another time: the story has moved on, and the volley's date is not the attack's."""
    assert volley.date is not None
    day = (volley.date.day, volley.date.precision)
    return any(
        volley.sentence.index < index < first and not agree(day, (date.day, date.precision))
        for index, date in context_dates
    )


def _lent_date(
    attack: DraftAttack,
    context_dates: Sequence[tuple[int, DateMention]],
    others: frozenset[int] = frozenset(),
    volleys: Sequence[Mention] = (),
) -> DateMention | None:
    """The date another sentence lends an attack its own clauses leave undated, by an
    ordered policy over its candidates (``_date_candidates``): a sentence near it
    before a volley told further off; then the nearest (its own sentences and those
    between them first); then the one told later in the text."""
    candidates = _date_candidates(attack, context_dates, others, volleys)
    if not candidates:
        return None
    best = min(
        candidates,
        key=lambda c: (c.source == "volley", c.distance, -c.date.start),
    )
    return best.date


def _row(
    attack: DraftAttack,
    context_dates: Sequence[tuple[int, DateMention]],
    others: frozenset[int] = frozenset(),
    missile_is: str | None = None,
    volleys: Sequence[Mention] = (),
) -> ExtractedAttack:
    assert attack.site is not None
    date = attack.date
    # (never to "a similar attack" recalled: its day is not the sentence's)
    if (
        date is None
        and not APPROXIMATE_OFFSET.search(attack.main.sentence.text)
        and not PREVIOUS_WEEK.search(attack.main.sentence.text)
        and not recalled(attack)
    ):
        date = _lent_date(attack, context_dates, others, volleys)
    if date is not None and date.floating:
        date = None  # an undated article's "on Saturday": told apart, never written
    killed = attack.killed
    if killed is None and not attack.killed_said and attack.wounded_said:
        killed = 0
    sentence = attack.main.sentence
    return ExtractedAttack(
        article_file=attack.main.article_file,
        base=attack.site.text,
        base_id=attack.site.base_id,
        date=date.day if date else None,
        date_precision=date.precision if date else None,
        actor=attack.actor,
        weapon=(missile_is if attack.weapon == "missile" and attack.actor is None else None)
        or VAGUE_DEFAULT.get(attack.weapon or "", attack.weapon),
        munitions=attack.munitions,
        killed=killed,
        wounded=attack.wounded,
        event_id="",
        span_start=sentence.start,
        span_end=sentence.end,
        linked_spans=tuple(sorted(s for s in attack.spans if s != (sentence.start, sentence.end))),
    )


# -- across articles -------------------------------------------------------------------


def site_key(row: ExtractedAttack) -> str:
    """What makes two rows the same site: the base, or the words of an unknown site."""
    if row.base_id:
        return row.base_id
    words = [w for w in fold(row.base).split() if w not in ("the", "a", "an", "of", "in")]
    return "_".join(words[:5]) or "site"


def event_slug(row: ExtractedAttack) -> str:
    """``a2020_03_11_taji``: the date at its precision, then the site."""
    if row.date is None or row.date_precision is None:
        day = "undated"
    elif row.date_precision == "day":
        day = row.date.strftime("%Y_%m_%d")
    elif row.date_precision == "month":
        day = row.date.strftime("%Y_%m")
    else:
        day = row.date.strftime("%Y")
    slug = re.sub(r"[^a-z0-9]+", "_", site_key(row).lower()).strip("_")
    return f"a{day}_{slug}"


_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


def assign_event_ids(rows: Sequence[ExtractedAttack]) -> list[ExtractedAttack]:
    """The rows with ``event_id`` set: one id per attack however many articles tell it.

    Deterministic: the same rows give the same ids in any order.
    """
    ordered = sorted(
        rows,
        key=lambda r: (
            site_key(r),
            _PRECISION_RANK.get(r.date_precision or "", 3),
            r.date or dt.date.max,
            r.article_file,
            r.span_start,
        ),
    )
    clusters: list[list[ExtractedAttack]] = []
    for row in ordered:
        home = None
        if row.date is not None and row.date_precision is not None:
            for cluster in clusters:
                lead = cluster[0]
                if (
                    site_key(lead) == site_key(row)
                    and lead.date is not None
                    and lead.date_precision is not None
                    and agree((lead.date, lead.date_precision), (row.date, row.date_precision))
                    and all(r.article_file != row.article_file for r in cluster)
                    and all(
                        not (r.weapon and row.weapon and r.weapon != row.weapon) for r in cluster
                    )
                ):
                    home = cluster
                    break
        if home is None:
            clusters.append([row])
        else:
            home.append(row)
    ids: dict[int, str] = {}
    taken: dict[str, int] = {}
    for cluster in sorted(
        clusters, key=lambda c: (event_slug(c[0]), c[0].article_file, c[0].span_start)
    ):
        slug = event_slug(cluster[0])
        taken[slug] = taken.get(slug, 0) + 1
        event_id = slug if taken[slug] == 1 else f"{slug}_{taken[slug]}"
        for row in cluster:
            ids[id(row)] = event_id
    named = [replace(row, event_id=ids[id(row)]) for row in rows]
    return sorted(named, key=lambda r: (r.article_file, r.span_start, r.event_id))
