"""What an actor named in a clause is to the attack told there: its role.

An actor is the attacker only where it stands in an attacker's role toward the attack:
the agent of the attack's verb, the one that claims it, the one blamed for it. A name
that stands in another role is not the attacker, whatever its kind. The role is read
from named features of the words around the name, in this order:

- ``sponsor`` after the name: a descriptor's sponsor ("Iran-backed militias", "Iran's
  proxies"), or a compound cut short ("attacks by Iranian-" where an excerpt ends);
- ``denier``: who took a stance on the attack that is not its authorship, later in
  the clause: denied or disowned it ("had nothing to do with"), judged it ("condemned",
  "called the attack suspicious") or praised it without claiming it ("hailed");
- before the name (up to two words between: "linked to the Iran-backed X"), the role of
  the nearest cue: ``target`` (what a strike hit: "against X", "strikes on X", "targeting
  X", "struck X"), ``opposed`` (a campaign's enemy, not this strike's: "the coalition to
  combat X", "the war on X"), ``sponsor`` ("connected to X", "affiliated with X"),
  ``relation`` ("talks with X", "pro-X"), ``accused`` ("accused X of", "suspected to
  have been carried out by X") and ``threat`` ("the threats posed by X").

The words are data (``lexicons/actor_roles.csv``: language, not theater); here only the
shape of where they stand. ``None`` is the plain role: named, and free to act.

>>> def role(text, name):
...     return role_of(text, text.index(name), text.index(name) + len(name))
>>> role("the international coalition to combat ISIS flew over", "ISIS")
'opposed'
>>> role("a militia connected to Iran admitted it", "Iran")
'sponsor'
>>> role("warnings of possible attacks by Iranian-", "Iranian")
'sponsor'
>>> role("ISIS fired rockets at the base", "ISIS") is None
True
>>> role("the camp was hit by Iranian missiles", "Iranian") is None
True
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from defplan.extract.lexicon_files import ACTOR_ROLES, ActorRole
from defplan.extract.lexicon_set import Lexicons, active_lexicons

#: "on" a name makes it the target, but "On Saturday the group claimed" is a day
_ON_NOT_A_DAY: Final = (
    r"on(?!\s+(?:\w+day|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d)\w*\b)"
)
#: a cue followed by "by" is a passive verb whose agent follows: "struck X" makes X the
#: target, "was struck by X" names the attacker ("backed by" is a cue of its own), also
#: with a time or manner told between ("was struck overnight by X", "hit on Monday by X")
_NOT_PASSIVE: Final = (
    r"(?!\s+(?:(?:again|also|overnight|late|early|repeatedly|reportedly|allegedly|apparently"
    r"|twice|once|yesterday|today|tonight|earlier|later|on\s+\w+day|(?:last|this|that|on\s+\w+"
    r"day)\s+(?:morning|afternoon|evening|night|week))\s+){0,2}by\b)"
)
#: "widely suspected to have been conducted by X": accused, not named as the attacker
_SUSPECTED_BY: Final = (
    r"(?:suspected|believed|thought|alleged|assumed)\s+to\s+have\s+(?:been\s+)?(?:\w+\s+){1,2}by"
)
#: between a cue and the name: a word or two ("linked to the Iran-backed X"), or the
#: name's abbreviation in brackets after its full form ("against the Islamic State [ISIS]")
_UP_TO_NAME: Final = r"[\s-]+(?:the\s+)?(?:[\w'\u2019-]+\s+){0,2}(?:[\w-]+\s*[(\[])?$"
#: a compound cut short where the text ends: "attacks by Iranian-" (its head is lost,
#: so the name is a descriptor's sponsor, never the agent)
_CUT_COMPOUND: Final = re.compile(r"^-\s*$")
#: a stance the name's subject goes on from to an attack of its own: "X denounced the
#: arrests and on Monday fired rockets at ..." (X is the attacker, not a denier)
_GOES_ON_TO_ATTACK: Final = re.compile(
    r"^[^.;]*?\band\s+(?:(?:then|later|also|again|on\s+\w+day|\w+ly)\s+){0,3}"
    r"(?:fired|launched|attacked|struck|shelled|targeted|bombarded|pounded|sent\s+(?:\w+\s+)?"
    r"(?:drones?|rockets?|missiles?))\b",
    re.I,
)
#: how far after a name a denial may stand in its clause ("X, in a statement, denied")
DENIAL_REACH: Final = 40
#: the roles read before a name, and the cues the code adds to the data's words
_BEFORE_ROLES: Final[dict[str, tuple[str, ...]]] = {
    "target": (_ON_NOT_A_DAY,),
    "opposed": (),
    "sponsor": (),
    "relation": (),
    "accused": (_SUSPECTED_BY,),
    "threat": (),
}


@lru_cache(maxsize=8)
def _patterns(
    lexicons: Lexicons,
) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, re.Pattern[str]]]:
    """The compiled cues of a lexicon set's ``actor_roles.csv``: sponsor words after a
    name, denials after it, and each role's cues before it."""
    words = lexicons.actor_roles
    sponsor_after = re.compile(rf"^[\s-]*{words.pattern('after', 'sponsor')}\b", re.I)
    denier = re.compile(rf"^[^.;]{{0,{DENIAL_REACH}}}?\b{words.pattern('after', 'denier')}\b", re.I)
    before = {
        role: re.compile(
            rf"\b(?P<cue>{'|'.join((words.pattern('before', role), *extra))}){_NOT_PASSIVE}"
            rf"{_UP_TO_NAME}",
            re.I,
        )
        for role, extra in _BEFORE_ROLES.items()
    }
    return sponsor_after, denier, before


def role_of(text: str, start: int, end: int) -> ActorRole | None:
    """The role of the actor named at ``text[start:end]`` in its clause ``text``; None
    when no word around it gives it one (it may be the attacker)."""
    sponsor_after, denier, before_roles = _patterns(active_lexicons())
    after, before = text[end:], text[:start]
    if sponsor_after.match(after) or _CUT_COMPOUND.match(after):
        return "sponsor"
    if denier.match(after) and not _GOES_ON_TO_ATTACK.search(after):
        return "denier"
    # the cue nearest the name; of two ending there, the longer ("campaign against")
    nearest: tuple[tuple[int, int], ActorRole] | None = None
    for role, pattern in before_roles.items():
        found = pattern.search(before)
        if found is None:
            continue
        place = (found.end("cue"), -found.start("cue"))
        if nearest is None or place > nearest[0]:
            nearest = (place, _as_role(role))
    return nearest[1] if nearest else None


def _as_role(name: str) -> ActorRole:
    for role in ACTOR_ROLES:
        if role == name:
            return role
    raise ValueError(name)


def may_attack(text: str, start: int, end: int) -> bool:
    """Whether the actor named at ``text[start:end]`` may be the attacker of the attack
    its clause tells: it has no other role there."""
    return role_of(text, start, end) is None


def reply_hit(text: str, start: int, end: int) -> bool:
    """Whether the actor named at ``text[start:end]``, in a reply's sentence, is what the
    reply hit (and so the attacker of the attack it answers): named plainly, as the
    target or as the owner of what was hit ("sites affiliated with X", "facilities
    controlled by X"); not as a campaign's enemy ("the coalition to combat X"), a party
    to talks, the accused, the source of another threat ("threats posed by X"), or one
    who denied.

    >>> text = "jets struck sites of the militia Kataib Hezbollah"
    >>> reply_hit(text, text.index("Kataib"), len(text))
    True
    >>> text = "to counter the threats posed by Iran-backed Houthi rebels"
    >>> reply_hit(text, text.index("Houthi"), text.index("Houthi") + 6)
    False
    """
    return role_of(text, start, end) not in _NOT_HIT


#: the roles that say a reply did not hit the one named
_NOT_HIT: Final = frozenset(["opposed", "relation", "accused", "threat", "denier"])
