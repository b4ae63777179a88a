"""Which attack a fact told apart from it is about.

A casualty count, a stated zero, a weapon or a count of munitions is often told
sentences or a paragraph away from the clause that places its attack ("nobody was hurt
in Tuesday's fire", "the ballistic missile attack had left 64 troops with concussions"),
and sometimes beside another event (nobody hurt "in these skirmishes", after a
militia's reply). Such a fact is a mention no attack took while the article was read
(events.py). Here each one is scored against every attack of the article by named
features, and the policy below decides. A volley told without the bases it struck is
a fact of the same kind: :func:`share_volley` gives its attacker to its parts.

Features of a (fact, attack) pair, :class:`Evidence`:

- ``clash``: their weapons, dates or sites cannot be one attack's (never attached);
- ``same_sentence``: the fact is told in a sentence that tells the attack;
- ``refers_back``: the fact's clause points back with an event noun ("the fire",
  "Tuesday's strike", "the ballistic missile attack", "the blasts") and the attack was told before;
  or the attack is told after the fact by "the attack" ("A drone attack in Syria hurt
  several troops. The attack hit the Rumalyn landing zone on Friday");
- ``same_weapon``: both name a weapon class, and it is the same;
- ``same_day``: both give a day, the same;
- ``only_attack``: the article tells no other attack;
- ``told_before``: the attack was told before the fact (facts follow what they tell);
- ``sentences_apart``: sentences between the fact and the attack's nearest sentence;
- ``other_event_between``: a sentence between them tells another attack the fact could
  be about, or another event (a reply, an air strike): the fact is more likely about
  that one.

A fact that names another event itself ("these skirmishes", "the air strikes") or
recalls another attack ("a similar attack", "a previous strike") is about no attack here.

Policy: the score is the weighted sum of the features (``WEIGHTS``); the fact goes to
the attack with the best score when that score is at least ``ATTACH_AT`` and beats the
next best by ``MARGIN``; otherwise to none. It gives the attack only what the attack
does not say itself: a number of killed or wounded larger than the attack's own (a
count beats a zero, as when two reports of one attack disagree), a zero where it says
nothing of them at all ("several were hurt" says only that some were wounded; a vague
"deadly" gives nothing), a weapon where it names none, its attacker where the attack
names none when the fact refers to it or shares its sentence, and a count of munitions
only from a sentence that tells the attack.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Final

from defplan.extract.counts import parse_number
from defplan.extract.draft import (
    DraftAttack,
    dates_compatible,
    mentions_compatible,
    weapons_compatible,
)
from defplan.extract.linking import DISTINCT, distinct_mention
from defplan.extract.mentions import Mention

#: an event noun pointing back at an attack told before
REFERS_BACK: Final = re.compile(
    r"\b(?:the|that|this|[A-Za-z]+day['\u2019]s|last\s+\w+['\u2019]s)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:attacks?|strikes?|fire|barrage|salvo|volley|shelling|bombardment|assault|incident"
    r"|rockets|missiles|drones|blasts?|explosions?)\b",
    re.IGNORECASE,
)
#: a fact's clause about another event than an attack on a base
OTHER_EVENT: Final = re.compile(
    r"\b(?:these|those|the|that|this)\s+(?:[\w-]+\s+){0,2}?(?:skirmish\w*|clash\w*|raids?"
    r"|air\s*strikes?|airstrikes?|protests?|demonstrations?|exchanges?\s+of\s+fire"
    r"|retaliation|reprisals?)\b",
    re.IGNORECASE,
)
#: a sentence that turns to another story: "Separately, ...", "Meanwhile, ..."
ANOTHER_STORY: Final = re.compile(
    r"^\W*(?:separately|meanwhile|elsewhere|in\s+(?:a\s+)?(?:separate|another|other)\b)", re.I
)
#: a fact's clause that recalls another attack than the ones told
RECALLS_ANOTHER: Final = re.compile(
    r"\b(?:similar|previous|prior|earlier|another|separate|last)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:attacks?|strikes?|incidents?|barrages?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Evidence:
    """What ties one fact told apart to one attack (see the module's list)."""

    clash: bool
    same_sentence: bool
    refers_back: bool
    same_weapon: bool
    same_day: bool
    only_attack: bool
    told_before: bool
    sentences_apart: int
    other_event_between: bool


#: the weight of each feature in a pair's score
WEIGHTS: Final = {
    "same_sentence": 3.0,
    "refers_back": 2.0,
    "same_weapon": 1.0,
    "same_day": 2.0,
    "only_attack": 3.0,
    "told_before": 0.5,
    "other_event_between": -3.0,
}
#: what each sentence between the fact and its attack costs, and the most it costs
PER_SENTENCE: Final = -0.25
FARTHEST_COUNTED: Final = 8
#: the score a fact's best attack needs, and by how much it must beat the next best
ATTACH_AT: Final = 1.0
MARGIN: Final = 1.0


def evidence(
    fact: Mention,
    attack: DraftAttack,
    attacks: Sequence[DraftAttack],
    other_events: Collection[int],
) -> Evidence:
    """The features of ``fact`` told of ``attack`` in an article with ``attacks``;
    ``other_events`` are the sentences that tell an event other than these attacks."""
    if fact.date is not None and fact.date.reported:
        # "On Tuesday, officials said 109 were hurt in the strike": a day of saying
        fact = replace(fact, date=None)
    at = fact.sentence.index
    told = attack.sentences or {attack.main.sentence.index}
    nearest = min(told, key=lambda i: (abs(i - at), i))
    between = set(range(min(nearest, at) + 1, max(nearest, at)))
    # (an attack the fact cannot be about, by weapon, date or site, competes with nothing)
    others = {
        i for a in attacks if a is not attack and mentions_compatible(a, fact) for i in a.sentences
    } - told
    date, held = fact.date, attack.date
    return Evidence(
        clash=not mentions_compatible(attack, fact),
        same_sentence=at in told,
        refers_back=(min(told) < at and REFERS_BACK.search(fact.text) is not None)
        or (min(told) > at and attack.main.definite),
        same_weapon=fact.weapon is not None and fact.weapon == attack.weapon,
        same_day=date is not None
        and held is not None
        and date.precision == held.precision == "day"
        and date.day == held.day,
        only_attack=len(attacks) == 1,
        told_before=min(told) < at,
        sentences_apart=len(between),
        other_event_between=bool(between & (others | set(other_events))),
    )


def score(found: Evidence) -> float | None:
    """The pair's score under ``WEIGHTS``, or None when it can never be one attack's."""
    if found.clash:
        return None
    total = PER_SENTENCE * min(found.sentences_apart, FARTHEST_COUNTED)
    for name, weight in WEIGHTS.items():
        total += weight * bool(getattr(found, name))
    return total


def about_another(fact: Mention) -> bool:
    """Whether the fact's clause is about another event or recalls another attack, or
    its sentence turns to another story ("Separately, ...")."""
    clause = fact.text
    return bool(
        OTHER_EVENT.search(clause)
        or RECALLS_ANOTHER.search(clause)
        or ANOTHER_STORY.match(fact.sentence.text)
    )


def best_attack(
    fact: Mention, attacks: Sequence[DraftAttack], other_events: Collection[int] = ()
) -> DraftAttack | None:
    """The attack ``fact`` is about by the policy, or None."""
    if about_another(fact):
        return None
    scored = sorted(
        (
            (value, -i)
            for i, attack in enumerate(attacks)
            if (value := score(evidence(fact, attack, attacks, other_events))) is not None
        ),
        reverse=True,
    )
    if not scored or scored[0][0] < ATTACH_AT:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < MARGIN:
        return None
    return attacks[-scored[0][1]]


def _adds(told: int | None, held: int | None, said: bool) -> bool:
    """Whether a count told apart replaces the attack's: a number larger than its own
    (a count beats a zero), or a zero where it said nothing."""
    if told is None:
        return False
    return told > (held or 0) or (held is None and not said)


def give(attack: DraftAttack, fact: Mention, tied: bool = False) -> None:
    """What ``fact`` tells that ``attack`` does not say itself (see the policy);
    ``tied``: the fact refers to the attack or shares its sentence, so its attacker is
    the attack's too."""
    told = fact.casualties
    if _adds(told.killed, attack.killed, attack.killed_said):
        attack.killed, attack.killed_said = told.killed, True
    if _adds(told.wounded, attack.wounded, attack.wounded_said):
        attack.wounded, attack.wounded_said = told.wounded, True
    # ("several troops were hurt": wounded told without a count, so killed 0 by the rule
    # of events.py; a vague "deadly" is no such report, often said of what might happen)
    attack.wounded_said |= told.wounded_said
    if attack.weapon is None and fact.weapon is not None:
        attack.weapon = fact.weapon
    if tied:
        attack.actor = attack.actor or fact.actor
    if attack.munitions is None and fact.sentence.index in attack.sentences:
        attack.munitions = fact.munitions
    attack.sentences.add(fact.sentence.index)
    attack.spans.add((fact.sentence.start, fact.sentence.end))


def attach_told_apart(
    attacks: Sequence[DraftAttack], facts: Sequence[Mention], other_events: Collection[int] = ()
) -> None:
    """Give each fact told apart from its attack to the attack it is about, if any (its
    attacker only when the fact refers to that attack or shares its sentence)."""
    for fact in facts:
        attack = best_attack(fact, attacks, other_events)
        if attack is None:
            continue
        found = evidence(fact, attack, attacks, other_events)
        give(attack, fact, found.refers_back or found.same_sentence)


def volley_bases(volley: Mention) -> int | None:
    """How many bases a volley told at bases it does not name struck ("fired missiles
    at two Iraqi military bases" → 2), or None."""
    site = volley.site
    if site is None or not site.plural or site.base_id or not site.counted:
        return None
    return parse_number(site.text.split()[0])


def share_volley(attacks: Sequence[DraftAttack], volley: Mention) -> None:
    """A volley told at "two bases" it does not name, then base by base, paragraphs on
    ("a state fired missiles at two bases in January" ... "two of them struck the Erbil
    base"): each attack on a named base told after it, of a weapon and
    date that agree, is part of it and takes its attacker where it names none; only
    while the story stays with the volley (an attack told between that is not part of
    it ends its reach) and no more bases are told than it counts. A volley that names no
    site and says who fired it (``_open_volley``) counts no bases: its parts are those
    told until one is told as another attack. (Its day reaches them by the date stage,
    events._lent_date.)"""
    count = volley_bases(volley)
    if (count is None and not _open_volley(volley)) or volley.weapon is None:
        return
    parts: list[DraftAttack] = []
    for attack in sorted(attacks, key=lambda a: min(a.sentences)):
        if max(attack.sentences) < volley.sentence.index or volley.sentence.index in (
            attack.sentences
        ):
            continue
        if not _part_of_volley(attack, volley) or (count is None and _told_as_another(attack)):
            break  # the story moved to another attack
        parts.append(attack)
    holder = next((a for a in attacks if volley.sentence.index in a.sentences), None)
    told = [*parts, *([holder] if holder is not None else [])]
    bases = {a.site.base_id for a in told if a.site and a.site.base_id}
    if not parts or (count is not None and len(bases) > count):
        return
    actor = volley.actor or (holder.actor if holder is not None else None)
    for attack in parts:
        attack.actor = attack.actor or actor


def _open_volley(volley: Mention) -> bool:
    """Whether a volley names no site at all and says who fired it ("Iran launched a
    wave of ballistic missiles at American troops in Iraq"): it counts no bases, so its
    parts are the attacks told after it until one is told as another ("In a separate
    incident", "another attack")."""
    return volley.kind == "attack" and volley.site is None and volley.actor is not None


def _told_as_another(attack: DraftAttack) -> bool:
    """Whether the attack is told as another than those before it, in its clause or
    in a clause before it in its sentence ("In a separate incident, a missile hit ...")."""
    main = attack.main
    before = main.sentence.text[: main.end - main.sentence.start]
    return distinct_mention(main) or DISTINCT.search(before) is not None


def _part_of_volley(attack: DraftAttack, volley: Mention) -> bool:
    """Whether ``attack`` can be the part of ``volley`` at a base it names."""
    return (
        attack.site is not None
        and attack.site.base_id is not None
        and not attack.site.plural
        and attack.weapon is not None
        and weapons_compatible(attack.weapon, volley.weapon)
        and dates_compatible(attack.date, volley.date)
    )
