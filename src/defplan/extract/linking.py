"""Event linking within one article: restatements joined to the attack they retell.

News copy tells one attack several times: a lead that says "a base in Iraq", a later
paragraph that names Camp Taji, a quote, a caption. The mention-by-mention reading
(events.py) joins what it safely can as it goes; this stage looks at the article's
draft attacks all at once and joins those that are one attack, by named features:

``same_site``
    the same theater base, or the same words for a site the theater does not know;
``fits_site``
    one side's site is only a description the theater cannot pin down ("a base in
    Iraq", "the outpost", "two bases in Iraq") and the other side's base fits it;
``compatible_date``
    the dates agree at the coarser precision, or one side has none (or only "today");
``compatible_weapon``
    the same weapon class, or one side names none, or one names it vaguely ("indirect
    fire", "missiles") and the other precisely;
``definite_restatement``
    the later side is told as a definite reference ("Wednesday's rocket attack") with
    the same day and weapon as the earlier: a retelling, whatever other site its
    sentence names ("... followed drills at the oil field");
``lead``
    the described side is the article's first attack: when several attacks fit its
    description, the nearest told after it is the one the lead announces;
``distinct_cue``
    either side's clause says it is another attack ("another", "a second attack",
    "earlier this month", "previous", "similar", "last"), unless it says that of
    the attack just told ("It was the third strike on the camp in a month").

Two drafts link when the weapon and date are compatible, no distinct cue is told, and
either the site is the same or it fits, and the described side fits exactly one attack
of the article (a described plural, "two bases", joins the first it fits). The joined
attack keeps the best evidence of each field: the most specific site, the finer date,
the larger counts, the actor either side names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from defplan.extract.dates import MONTHS, WEEKDAYS
from defplan.extract.draft import (
    DraftAttack,
    dates_compatible,
    merge_drafts,
    salvos_compatible,
)
from defplan.extract.mentions import Mention
from defplan.extract.sites import SiteMention, fold

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


@dataclass(frozen=True)
class LinkFeatures:
    """What says two drafts of one article are, or are not, the same attack."""

    same_site: bool
    fits_site: bool
    compatible_date: bool
    compatible_weapon: bool
    distinct_cue: bool
    definite_restatement: bool = False

    @property
    def linked(self) -> bool:
        """Whether the features say one attack (before the uniqueness of a fit)."""
        return (
            (self.same_site or self.fits_site or self.definite_restatement)
            and self.compatible_date
            and self.compatible_weapon
            and not self.distinct_cue
        )


def _unpinned(site: SiteMention) -> bool:
    """A site only described, which the theater cannot resolve to one base."""
    return site.base_id is None and site.kind in ("described", "generic", "anaphoric")


def _same_site(a: SiteMention, b: SiteMention) -> bool:
    if a.base_id or b.base_id:
        return a.base_id == b.base_id
    return not _unpinned(a) and not _unpinned(b) and fold(a.text) == fold(b.text)


def fits_description(described: SiteMention, other: SiteMention) -> bool:
    """Whether ``other`` can be the site ``described`` only describes."""
    if not _unpinned(described) or described.local:
        return False
    if other.base_id is None:
        return False
    return described.candidates is None or other.base_id in described.candidates


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
    sentence = mention.sentence
    clause = without_parts(
        sentence.text[mention.start - sentence.start : mention.end - sentence.start]
    )
    if SELF_REFERENCE.match(clause):
        return False
    # "the same base" of a new volley, not of "Tuesday's attack hit the same base"
    return (
        (mention.same_site and not mention.definite)
        or mention.flashback
        or DISTINCT.search(clause) is not None
    )


def _distinct(attack: DraftAttack) -> bool:
    return distinct_mention(attack.main)


# "just days after a similar attack killed two soldiers there" ... "The attack came two
# days after a similar strike killed ...": both recall the one earlier attack
RECALLED: Final = re.compile(r"\b(?:similar|previous|prior|earlier)\b", re.IGNORECASE)
# what says so without a date ("earlier this month" dates the attack told)
LIKE_BEFORE: Final = re.compile(r"\b(?:similar|previous|prior)\b", re.IGNORECASE)


def recalled(attack: DraftAttack, words: re.Pattern[str] = LIKE_BEFORE) -> bool:
    """Whether the draft was told as the earlier attack the article recalls ("a similar
    attack killed two soldiers there")."""
    sentence = attack.main.sentence
    clause = sentence.text[attack.main.start - sentence.start : attack.main.end - sentence.start]
    return words.search(clause) is not None


def link_features(first: DraftAttack, second: DraftAttack) -> LinkFeatures:
    """The features of ``first`` and ``second`` (told later) being one attack."""
    assert first.site is not None and second.site is not None
    return LinkFeatures(
        same_site=_same_site(first.site, second.site),
        fits_site=fits_description(first.site, second.site)
        or fits_description(second.site, first.site),
        compatible_date=dates_compatible(first.date, second.date),
        compatible_weapon=salvos_compatible(first.weapon, first.mix, second.weapon, second.mix),
        distinct_cue=(_distinct(second) or _distinct(first))
        and not (recalled(first, RECALLED) and recalled(second, RECALLED)),
        definite_restatement=_restates(first, second),
    )


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


def _partner(attacks: list[DraftAttack], index: int) -> int | None:
    """The draft that ``attacks[index]`` retells, or None."""
    attack = attacks[index]
    assert attack.site is not None
    fitting: list[int] = []
    for other, candidate in enumerate(attacks):
        if other == index or candidate.site is None:
            continue
        first, second = (candidate, attack) if other < index else (attack, candidate)
        features = link_features(first, second)
        if not features.linked:
            continue
        if (features.same_site or features.definite_restatement) and other < index:
            return other
        if features.fits_site and _unpinned(attack.site):
            fitting.append(other)
    if len(fitting) == 1 or (fitting and attack.site.plural):
        return fitting[0]
    lead = min(min(a.sentences) for a in attacks) == min(attack.sentences)
    after = [i for i in fitting if min(attacks[i].sentences) > min(attack.sentences)]
    if lead and after:
        return min(after, key=lambda i: min(attacks[i].sentences))
    return None


def link_restatements(attacks: list[DraftAttack]) -> list[DraftAttack]:
    """The article's drafts with each restatement joined to the attack it retells.

    Order is kept: a joined pair stands where the earlier of the two was told.
    """
    drafts = [a for a in attacks if a.site is not None]
    changed = True
    while changed:
        changed = False
        for index in range(len(drafts)):
            partner = _partner(drafts, index)
            if partner is None:
                continue
            keep, drop = sorted((index, partner))
            drafts[keep] = merge_drafts(drafts[keep], drafts[drop])
            del drafts[drop]
            changed = True
            break
    # a lead's "the airfield" that no attack of the article names is not a row
    return [d for d in drafts if not (d.site is not None and d.site.kind == "anaphoric")]
