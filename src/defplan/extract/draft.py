"""An attack being assembled from the mentions of one article, and the tests that say
whether a mention (or another draft) can be the same attack: same site, compatible date,
compatible weapon."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Final

from defplan.extract.counts import Casualties
from defplan.extract.dates import (
    MONTHS,
    DateMention,
    agree,
    finer,
    same_day_named,
    weekday_named,
)
from defplan.extract.mentions import Mention
from defplan.extract.sites import SiteMention


@dataclass
class DraftAttack:
    """An attack being assembled from the mentions of one article."""

    main: Mention
    site: SiteMention | None
    weapon: str | None = None
    date: DateMention | None = None
    actor: str | None = None
    munitions: int | None = None
    killed: int | None = None
    wounded: int | None = None
    killed_said: bool = False
    wounded_said: bool = False
    sentences: set[int] = field(default_factory=set)
    spans: set[tuple[int, int]] = field(default_factory=set)  # their characters
    touched: int = 0
    mix: frozenset[str] = frozenset()  # every class a mixed salvo was told with


def sites_compatible(a: SiteMention, b: SiteMention) -> bool:
    """Whether two site mentions can be the same site."""
    if a.kind == "anaphoric" or b.kind == "anaphoric":
        return True
    if a.plural != b.plural:
        return False
    if a.base_id and b.base_id:
        return a.base_id == b.base_id
    if (a.local or b.local) and (a.base_id or b.base_id):
        return False
    for resolved, other in ((a, b), (b, a)):
        if resolved.base_id and not other.base_id:
            return other.candidates is None or resolved.base_id in other.candidates
    if a.candidates is None or b.candidates is None:
        return True
    return bool(a.candidates & b.candidates)


def dates_compatible(a: DateMention | None, b: DateMention | None) -> bool:
    """Whether two dates can be one attack's: either missing or weak, or they agree."""
    if a is None or b is None or a.weak or b.weak:
        return True
    if a.floating != b.floating:
        # a floating date (undated article) says nothing against a real one, except that
        # a day ("early Monday") is not an attack recalled by its month ("In October 2021")
        floating, real = (a, b) if a.floating else (b, a)
        if floating.precision == "day" and real.precision == "day":
            return same_day_named(floating, real.day)
        return not (floating.precision == "day" and real.precision != "day")
    if a.floating and "year" not in (a.precision, b.precision):
        # "Saturday" and "last night" of an undated report may be one day: only the
        # month ("in August" against "on Friday") tells floating dates apart, and not
        # the year the stand-in day gave it ("January 20" read as of the year before);
        # two days written with their month ("November 9", "November 11") are two days,
        # and so are two weekdays ("late Friday", "Tuesday's strike")
        if a.precision == b.precision == "day" and (
            (month_written(a) and month_written(b)) or _weekdays_of_events(a, b)
        ):
            return same_day_named(a, b.day)
        return a.day.month == b.day.month
    if a.floating:
        return agree((a.day, "year"), (b.day, "year"))
    return agree((a.day, a.precision), (b.day, b.precision))


def _weekdays_of_events(a: DateMention, b: DateMention) -> bool:
    """Whether both dates name a weekday as the day something happened ("late Friday",
    "Tuesday's strike"), not the day a statement was made ("said Monday")."""
    return all(weekday_named(d) and not (d.reported or d.opens_statement) for d in (a, b))


#: a date written with its month ("November 9", "Nov. 11"), not a weekday's
_MONTH_WORD: Final = re.compile(rf"\b(?:{'|'.join(m[:3] for m in MONTHS)})", re.IGNORECASE)


def month_written(date: DateMention) -> bool:
    """Whether ``date`` is written with its month ("November 9"), not as a weekday."""
    return _MONTH_WORD.search(date.text) is not None


#: what a vaguer weapon word may turn out to be: "missile" a rocket or a ballistic or
#: cruise missile, "indirect fire" ("other") a rocket or a mortar
VAGUE_WEAPONS: Final = {
    "missile": frozenset({"rocket", "ballistic_missile", "cruise_missile"}),
    "other": frozenset({"rocket", "mortar"}),
}
#: the class a weapon word left vague is recorded as
VAGUE_DEFAULT: Final = {"missile": "ballistic_missile"}


def better_date(held: DateMention | None, found: DateMention | None) -> bool:
    """Whether ``found`` should replace the date an attack ``held``: there was none, a
    firm date replaces a weak one, or a finer date agrees with the one held."""
    if found is None:
        return False
    if held is None or (held.weak and not found.weak):
        return True
    if held.floating != found.floating:
        return held.floating  # a date read with its year beats one read against a stand-in
    return (
        not found.weak
        and dates_compatible(held, found)
        and finer((found.day, found.precision), (held.day, held.precision))
    )


def weapons_compatible(a: str | None, b: str | None) -> bool:
    """Whether two weapon classes can be one attack's (either missing, or one vaguer)."""
    if a is None or b is None or a == b:
        return True
    return b in VAGUE_WEAPONS.get(a, ()) or a in VAGUE_WEAPONS.get(b, ())


def salvos_compatible(
    a: str | None, a_mix: frozenset[str], b: str | None, b_mix: frozenset[str]
) -> bool:
    """Whether two weapons can be one attack's when either may be told as a mixed salvo
    ("rockets and missiles" against "ballistic missiles and rockets"): the classes meet."""
    if weapons_compatible(a, b):
        return True
    return any(weapons_compatible(x, y) for x in a_mix or {a} for y in b_mix or {b})


def _salvo_weapon(held: str | None, told: str | None, told_places_it: bool) -> str | None:
    """The class of an attack told with two weapons that clash (a mixed salvo told in
    another order): the one of the words that place the attack; else the sharper."""
    if told_places_it and told is not None and not weapons_compatible(held, told):
        return told
    return sharper_weapon(held, told)


def sharper_weapon(a: str | None, b: str | None) -> str | None:
    """The more precise of two compatible weapon classes."""
    if a is None or (a in VAGUE_WEAPONS and b is not None and b in VAGUE_WEAPONS[a]):
        return b
    return a


def mentions_compatible(attack: DraftAttack, mention: Mention) -> bool:
    """Whether ``mention`` can tell of ``attack``: weapon, date and site do not clash."""
    if not salvos_compatible(attack.weapon, attack.mix, mention.weapon, mention.mix):
        return False
    if not dates_compatible(attack.date, mention.date):
        return False
    if attack.date is None and month_only(mention.date) and not mention.definite:
        return False  # "rockets were fired near the airport in January": one recalled
    if attack.site is None or mention.site is None:
        return True
    return sites_compatible(attack.site, mention.site)


def month_only(date: DateMention | None) -> bool:
    """Whether ``date`` names a month and nothing finer ("in January", "last September"),
    read against a real publication day: how a recalled attack is dated; the page's own
    attack is told by its day, its weekday or "this month"."""
    return (
        date is not None
        and date.precision == "month"
        and not date.floating
        and not date.weak
        and month_written(date)
    )


def absorb(attack: DraftAttack, mention: Mention, clock: int) -> None:
    """Add what ``mention`` tells to ``attack``: the best site and date, larger counts."""
    site = mention.site
    if site is not None and (
        attack.site is None or (site.kind != "anaphoric" and site.rank > attack.site.rank)
    ):
        attack.site, attack.main = site, mention
    attack.weapon = _salvo_weapon(attack.weapon, mention.weapon, attack.main is mention)
    attack.mix |= mention.mix
    if better_date(attack.date, mention.date):
        attack.date = mention.date
    attack.actor = attack.actor or mention.actor
    # "A second drone detonated inside a compound": more of the volley, its site a part
    if mention.more and attack.munitions is not None and (site is None or site.kind == "generic"):
        attack.munitions += mention.munitions or 0
    else:
        attack.munitions = _larger(attack.munitions, mention.munitions)
    told: Casualties = mention.casualties
    if mention.adds and attack.killed is not None and told.killed is not None:
        attack.killed += told.killed  # "A British soldier also died"
        told = replace(told, killed=None)
    if mention.adds_hurt and attack.wounded is not None and told.wounded is not None:
        attack.wounded += told.wounded  # "Two Iraqi soldiers were also injured"
        told = replace(told, wounded=None)
    attack.killed = _larger(attack.killed, told.killed)
    attack.wounded = _larger(attack.wounded, told.wounded)
    attack.killed_said |= told.killed_said
    attack.wounded_said |= told.wounded_said
    attack.sentences.add(mention.sentence.index)
    attack.spans.add((mention.sentence.start, mention.sentence.end))
    attack.touched = clock


def _larger(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _site_weight(site: SiteMention | None) -> tuple[bool, int]:
    return (False, -1) if site is None else (site.base_id is not None, site.rank)


def merge_drafts(kept: DraftAttack, other: DraftAttack) -> DraftAttack:
    """One draft with the best evidence of two that tell one attack: the most specific
    site (and its sentence as the row's span), the finer date, the weapon named most
    precisely, the larger counts and the actor either names."""
    merged = replace(
        kept, sentences=kept.sentences | other.sentences, spans=kept.spans | other.spans
    )
    if _site_weight(other.site) > _site_weight(kept.site):
        merged.site, merged.main = other.site, other.main
    merged.weapon = _salvo_weapon(merged.weapon, other.weapon, merged.main is other.main)
    merged.mix = kept.mix | other.mix
    if better_date(merged.date, other.date):
        merged.date = other.date
    merged.actor = merged.actor or other.actor
    merged.munitions = _larger(merged.munitions, other.munitions)
    merged.killed = _larger(merged.killed, other.killed)
    merged.wounded = _larger(merged.wounded, other.wounded)
    merged.killed_said |= other.killed_said
    merged.wounded_said |= other.wounded_said
    merged.touched = max(kept.touched, other.touched)
    return merged
