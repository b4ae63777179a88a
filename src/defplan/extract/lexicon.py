"""The vocabulary of attack reports: weapons, attack words, actors, people, sites.

Every pattern here is about how news reports on attacks are written in general
(2016-2024, wire services, papers, blogs), never about one article. Patterns are
compiled once (those with words from the lexicons once per lexicon set, see
:mod:`~defplan.extract.lexicon_set`); matching is case-insensitive unless a comment
says why not.
"""

from __future__ import annotations

import re
from typing import Final

from defplan.extract.lexicon_set import LexicalPattern, active_lexicons, slot

WeaponClass = str  # rocket, mortar, drone, ballistic_missile, cruise_missile, other

# Phrases naming a defence, an instrument or a picture rather than a weapon used in an
# attack ("counter-rocket systems", "Patriot missile batteries", "drone footage"). They
# are blanked (same length, so offsets hold) before weapons are looked for.
#: the words for an unmanned aircraft
_DRONE_WORD: Final = r"drones?|uavs?|uas|unmanned\s+aerial\s+(?:vehicles?|systems?)"
NOT_A_WEAPON: Final = LexicalPattern(
    r"\b(?:counter|anti)[\s-]*(?:rocket|drone|missile|mortar|uas|uav)s?\b"
    r"(?:,?\s*artillery,?\s*(?:(?:and|&)\s*)?mortar)?"
    # a defence named (weapon_words.csv, class defence: "C-RAM", "Patriot missiles")
    rf"|{slot('weapon.defence')}(?:\s+air[\s-]defen[cs]e)?(?:\s+(?:missiles?|interceptors?))?"
    r"|\b(?:surface|ground)[\s-]to[\s-]air\s+missiles?\b"
    r"|\b(?:interceptor|air[\s-]defen[cs]e)\s+missiles?\b"
    r"|\bmissile\s+(?:defen[cs]e|batter(?:y|ies)|shield|interceptors?)\b"
    r"|\bheart\s+attacks?\b"
    r"|\brocket[\s-]+launchers?\b|\bmissile\s+launchers?\b"
    r"|\bnuclear\s+weapons?\b"
    # a unit, not a shot: "artillery crews", "two mortar teams", "rocket batteries"
    r"|\b(?:artillery|mortar|rocket)\s+(?:crews?|teams?|units?|batter(?:y|ies)|battalions?"
    r"|regiments?|brigades?|gunners)\b"
    # the trade, not a shot: "drone operators", "missile technology", "drone blueprints"
    r"|\b(?:drone|uav|missile|rocket)\s+(?:operators?|pilots?|programs?|programmes?|technology"
    r"|blueprints?|factor(?:y|ies)|production|industry|makers?|manufactur\w*|parts|components"
    r"|experts?|specialists?|know-how|arsenals?)\b",
    re.IGNORECASE,
)

# A drone that watches is no weapon: its role before it ("a reconnaissance drone"), its
# errand after it ("a UAV ... conducting a reconnaissance mission"), what it did ("the
# drone first recorded six missiles hitting the base") or how it flew ("drones circling
# the base"). Group ``cue`` is the watching word: a drone told striking before it, or
# after a flight word, is a weapon after all (WATCHING_DRONE_STRIKES; "a drone attack on
# an observation post", "a drone struck the garrison, from which troops conduct
# surveillance", "two drones circling the tower exploded").
WATCHING_DRONE: Final = re.compile(
    r"\b(?P<role>surveillance|reconnaissance|recon|spy|spying|camera|commercial|observation"
    r"|intelligence|isr|scout|monitoring|mapping|photo)[\s-]+(?:drones?|uavs?|uas|aircraft)\b"
    rf"|\b(?:{_DRONE_WORD})(?=[^.;]{{0,90}}?\b(?P<cue>conduct\w*|carry\w*\s+out|on|fly\w*"
    r"|perform\w*)\s+(?:an?\s+|its\s+|their\s+)?(?:\w+\s+)?(?:reconnaissance|surveillance"
    r"|spying|intelligence|observation|isr)\b)"
    rf"|\b(?:{_DRONE_WORD})\s+(?:(?!(?:was|were|is|are|been|being)\b)\w+\s+){{0,2}}?"
    r"(?P<cue2>recorded|records|filmed|films|photographed|monitored|monitors|documented"
    r"|streamed)\b"
    r"|\bdrones?\s+(?:footage|video|videos|images?|pictures?|cameras?|photos?|surveillance)\b"
    r"|\bdrones?\s+(?P<flight>orbiting|circling|hovering|flying\s+overhead|overhead)\b"
    # drone and aircraft "activity" seen near the base: watching, not striking
    r"|\bdrones?\s+(?:and\s+\w+\s+)?(?:activity|flights|patrols?|sightings?)\b",
    re.IGNORECASE,
)
#: what a drone told striking does, between it and a watching word ("a drone attack on
#: an observation post"), or after a flight word up to what it filmed
WATCHING_DRONE_STRIKES: Final = re.compile(
    r"\b(?:attacks?|strikes?|struck|hit|hits|slammed|exploded|crashed|detonated|impacted"
    r"|targeted|attacked|rammed|exploding|crashing|slamming)\b",
    re.IGNORECASE,
)
#: a flight word's drone filming what struck ("circling above first filmed missiles")
WATCHING_DRONE_FILMED: Final = re.compile(
    r"\b(?:recorded|filmed|photographed|monitored|documented|streamed)\b", re.IGNORECASE
)


def weapon_words() -> tuple[tuple[WeaponClass, re.Pattern[str]], ...]:
    """The weapon words of the lexicons in use (``weapon_words.csv``), one pattern per
    class, most specific class first: the class of the first that matches wins."""
    return active_lexicons().weapons


# Nouns that name one attack ("a rocket attack", "the strike"). Air strikes are
# counted separately: they are the other side's reply, not an attack on a base.
ATTACK_NOUN: Final = re.compile(
    r"\b(?<![-\w])(?:attack|strike|barrage|salvo|volley|bombardment|assault)\b", re.IGNORECASE
)
ATTACK_NOUN_PLURAL: Final = re.compile(
    r"\b(?:attacks|strikes|barrages|salvos|volleys|bombardments|assaults|incidents)\b",
    re.IGNORECASE,
)
# "The incident" said of an attack already told: one attack when the clause names its
# site ("Friday's incident near the Qayyarah base"), never a new one by itself.
DEFINITE_INCIDENT: Final = re.compile(
    r"\b(?:the|this|that|(?:sun|mon|tues|wednes|thurs|fri|satur)day['\u2019]s)\s+"
    r"(?:[a-z]+\s+)?incident\b",
    re.IGNORECASE,
)
# Verbs that put a weapon on a target.
ATTACK_VERB: Final = re.compile(
    r"\b(?:hit|hits|struck|strikes?|slammed|slams|landed|lands|fell|falls|impacted|targeted"
    r"|targeting|targets|fired|firing|launched|launching|attacked|shelled|rocked|exploded"
    r"|crashed|detonated|pounded|rained|aimed)\b",
    re.IGNORECASE,
)
# "the sound of an explosion around the airbase on Saturday", "blasts were heard": no
# attack by itself, but its day is the day of the attack the next sentences tell
EXPLOSION: Final = re.compile(r"\b(?:explosions?|blasts?|detonations?|sirens?)\b", re.IGNORECASE)
# A site that "was hit", "had been attacked", "was last targeted": one attack, its
# weapon untold (read only where the clause names a site or starts with "It").
PASSIVE_HIT: Final = re.compile(
    r"\b(?:was|were|had\s+been|has\s+been|have\s+been)\s+(?:(?:last|also|previously|again"
    r"|first|already|itself)\s+)?(?:hit|attacked|targeted|struck|shelled|bombed|pounded)\b",
    re.IGNORECASE,
)
UNDER_FIRE: Final = re.compile(
    r"\bcame\s+under\s+(?:\w+\s+){0,2}(?:fire|attack)\b|\bcoming\s+under\s+(?:\w+\s+){0,3}"
    r"(?:fire|attack)\b",
    re.IGNORECASE,
)

# What a reply answers: "... after rockets struck the base", "in response to a drone attack".
REPLY_TO: Final = re.compile(
    r"\b(?:after|following|in\s+(?:direct\s+)?(?:response|retaliation|reply|answer)\s+(?:to|for)"
    r"|responding\s+to|to\s+avenge|days?\s+after|hours\s+after)\b",
    re.IGNORECASE,
)
# The other side's strikes: air strikes, and strikes by the US, the coalition or Israel.
AIR_STRIKE: Final = re.compile(
    r"\bair[\s-]*strikes?\b|\bair\s+raids?\b|\bwarplanes?\b|\bfighter\s+jets?\b|\bbombers\b"
    r"|\bretaliatory\s+strikes?\b|\bprecision\s+strikes?\b|\bcounter[\s-]?strikes?\b",
    re.IGNORECASE,
)
# The defenders shooting at the attackers: a reply whatever side the defenders are on
# ("guards fired back at the launch team", "returned fire"); what it killed is its own.
RETURN_FIRE: Final = re.compile(
    r"\b(?:fired|fire|firing|shot|shooting)\s+back\b|\breturn(?:ed|ing)?\s+(?:the\s+)?fire\b"
    r"|\bexchang(?:ed|ing)\s+fire\b",
    re.IGNORECASE,
)
# (the forces of that side are data: lexicons/forces.csv, role "friendly")
FRIENDLY_AGENT: Final = LexicalPattern(
    rf"\b(?:the\s+)?{slot('forces.friendly')}"
    r"(?:['\u2019]s?)?\s+(?:\w+\s+){0,2}?(?:launched|carried\s+out|conducted"
    r"|struck|bombed|hit|retaliated|responded|strikes?|drone\s+strikes?"
    r"|killing\s+of|assassination\s+of)\b",
    re.IGNORECASE,
)
# The friendly side's own weapon: "a Reaper drone of the United States", "a US MQ-9
# drone": its strike is that side's, no attack on its bases
FRIENDLY_WEAPON: Final = LexicalPattern(
    rf"\b(?:drones?|missiles?|aircraft|jets?|warplanes?)\s+(?:of|belonging\s+to|operated\s+by)"
    rf"\s+the\s+{slot('forces.friendly')}\b"
    rf"|\b{slot('forces.friendly')}\s+(?:reaper|predator|mq-?\s?9|mq-?\s?1)\b",
    re.IGNORECASE,
)
PROTEST: Final = re.compile(
    r"\bstorm(?:ed|ing|s)?\b|\bprotest\w*\b|\bdemonstrat\w*\b|\brioters?\b|\bmobs?\b"
    r"|\bsit[\s-]in\b|\bbreached\s+the\s+(?:gate|wall|perimeter)",
    re.IGNORECASE,
)
# An attack on a person, not a base: "the prime minister was targeted with a drone",
# "... which targeted his official residence" (the officials and what of theirs is
# targeted are data: lexicons/people.csv)
PERSONAL_TARGET: Final = LexicalPattern(
    rf"\b{slot('people.official')}\b"
    r"[^.;]{0,40}?\b(?:was|were|had\s+been)\s+(?:\w+\s+)?targeted\b"
    rf"|\btargeted\s+(?:his|her)\s+(?:official\s+|private\s+)?{slot('people.belonging')}\b"
    # a strike that killed a person by his title ("the drone strike that killed the
    # general near the airport", "the assassination of a militia commander")
    r"|\b(?:killed|killing|assassinated|assassination)\s+(?:of\s+)?(?:\w+\s+){0,3}?"
    rf"{slot('people.official')}\b",
    re.IGNORECASE,
)
# Totals and trends: many attacks told as one.
AGGREGATE: Final = re.compile(
    r"\b(?:near[\s-]daily|daily|weekly|frequent|repeated|regular|increasingly|routinely"
    r"|regularly"
    # "a series of attacks", but not "a number of rockets" or "a series of explosions"
    r"|(?:a|the)\s+(?:spate|series|wave|string|number|flurry|campaign)\s+of\s+(?:[\w-]+\s+){0,3}?"
    r"(?:attacks|strikes|incidents|assaults|raids|times)"
    r"|since\s+(?:(?:mid|late|early)[\s-]?)?(?:january|february|march|april|may|june|july|august|september"
    r"|october|november|december|then|\d{4})|so\s+far|in\s+total|tally|count(?:ed)?\s+of"
    r"|repeatedly|time\s+and\s+again|again\s+and\s+again|in\s+recent\s+(?:days|weeks|months)"
    r"|(?:\d+|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|forty"
    r"|fifty|dozen|dozens\s+of|several|many|multiple|numerous|countless)\s+times)\b",
    re.IGNORECASE,
)
# Where a clause goes on to an earlier event: "The attack comes two days after militants
# killed ...", "It followed a drone strike on ..."; what follows is not this attack's.
SEQUEL: Final = re.compile(
    r"\b(?:comes?|came|coming|follows|followed|following)\s+(?:[\w-]+\s+){0,4}?"
    r"(?:after|on\s+the\s+heels\s+of)\b",
    re.IGNORECASE,
)
# Weapons found before they were fired: troops "found" rockets set up to launch,
# "seven launchers and 24 unused rockets were recovered".
_LAUNCHABLE = r"(?:rockets?|launchers?|launch\s+pads?|missiles?|mortars?|drones?|projectiles?)"
UNFIRED: Final = re.compile(
    r"\b(?:found|discovered|seized|recovered|defused|dismantled|located|uncovered|confiscated"
    rf"|intercepted\s+a\s+truck)\s+(?:[\w-]+\s+){{0,5}}?{_LAUNCHABLE}\b"
    rf"|\b{_LAUNCHABLE}\s+(?:[\w-]+\s+){{0,6}}?(?:was|were|had\s+been|have\s+been)\s+(?:later\s+)?"
    r"(?:found|discovered|seized|recovered|defused|dismantled|located|uncovered|confiscated)\b"
    rf"|\b(?:unused|un-?launched|unfired)\s+(?:[\w-]+\s+)?{_LAUNCHABLE}\b",
    re.IGNORECASE,
)
# Words that make an attack a possibility rather than an event.
HYPOTHETICAL: Final = re.compile(
    r"\b(?:could|might|would|potential|possible|possibly|threat\s+of|threatened\s+to"
    r"|plans?\s+to|planning|capable\s+of|able\s+to|prepared\s+to|in\s+case\s+of|fear\s+of"
    r"|risk\s+of|if|unless|whether)\b",
    re.IGNORECASE,
)
# Words that end a hypothetical's reach ("may respond after rockets hit the base").
HYPOTHETICAL_BREAK: Final = re.compile(
    r"\b(?:after|when|as|following|since|because|once|that\s+killed)\b", re.IGNORECASE
)
# "that strike", "the attack", "Wednesday's attack": a mention of an attack told before.
DEFINITE_REFERENCE: Final = re.compile(
    r"\b(?:(?i:the|that|this|these|those|last\s+week['\u2019]s)|[A-Z][a-z]+day['\u2019]s)\s+"
    r"(?i:(?:latest|same|deadly|recent|rocket|drone|missile|mortar|suspected|\w+-\w+)\s+){0,2}"
    r"(?i:attack|strike|barrage|salvo|rockets|missiles|drones|rocket|missile|drone|incident"
    r"|shelling|bombardment|assault)\b"
)
SAME_SITE: Final = re.compile(r"\bthe\s+same\s+(?:\w+\s+)?(?:base|site|airbase|camp)\b", re.I)

# Who attacked: the actors and their aliases are data (lexicons/actors.csv, read by
# lexicon_files.py); the words around a name that give it another role (a target, a
# sponsor, one who denied) are data too (lexicons/actor_roles.csv, read by roles.py).
# A state is only the actor when it acts: "Iran launched", "Iranian missiles", "by Iran".
STATE_ACTS: Final = re.compile(
    r"^(?:['\u2019]s)?\s*(?:\w+\s+){0,1}(?:launched|fired|struck|attacked|targeted|retaliated"
    r"|shot|hit|sent|claimed)\b|^\s*(?:ballistic\s+|cruise\s+)?missiles?\b"
    # "the Revolutionary Guards said they had fired": a claim of its own attack
    r"|^\s*(?:also\s+)?(?:said|says|claimed|announced|stated)\s+(?:that\s+)?(?:they|it)"
    r"\s+(?:had\s+|have\s+|has\s+)?(?:also\s+)?(?:launched|fired|struck|attacked|targeted|hit"
    r"|sent)\b"
    # "Iran's missile attack", "the IRGC's retaliatory strike", "Iranian drones"
    r"|^(?:['\u2019]s)?\s*(?:[\w-]+\s+){0,2}?(?:strike|attack|barrage|salvo|bombardment"
    r"|missiles?|drones?)\b",
    re.IGNORECASE,
)

# The words for people are data (lexicons/people.csv): who a casualty count counts, and
# the words that may stand between a count and them ("two U.S. service members").
# (text for a LexicalPattern: its slots are filled from the lexicons in use)
PERSON_NOUN: Final = slot("people.counted")
# a word between a count and its people ("two U.S. military contractors", "no coalition
# personnel"): a capitalised one, one of people.csv's modifiers, or a force of forces.csv
# (the coalition's troops, the local forces), however written
PERSON_MODIFIER: Final = (
    rf"(?:(?-i:[A-Z][\w.'\u2019\-]*)|{slot('people.modifier')}|{slot('forces.troops')}"
    rf"|{slot('forces.local_people')})(?![\w])"
)

# The nouns a site is named by ("a base", "the airfield", "an outpost").
SITE_NOUN: Final = (
    r"(?:(?:military\s+|army\s+|air\s+|fire\s+|logistics\s+|patrol\s+|support\s+)?base"
    r"|airbase|air\s*field|airfield|airport|airstrip|fire\s*base|camp|compound|embassy|consulate"
    r"|garrison|outpost|post|facility|installation|headquarters|complex|landing\s+zone"
    r"|mission\s+support\s+site|fob|green\s+zone|international\s+zone|station|barracks)"
)
# Whose base it is: the forces are data (lexicons/forces.csv), here only the grammar.
# Forces whose own bases are not the coalition's: "an Iraqi army base", "their base".
LOCAL_OWNER: Final = LexicalPattern(rf"\b{slot('forces.local_owner')}\b", re.IGNORECASE)
# Whose soldiers "their base" belongs to, when the victims are named before it.
LOCAL_FORCES: Final = LexicalPattern(rf"\b{slot('forces.local_people')}\b", re.IGNORECASE)
COALITION_PRESENCE: Final = LexicalPattern(
    r"\b(?:hous|host|station|shar|us)(?:es|ed|ing|e)\s+(?:by\s+)?(?:\w+\s+){0,3}?"
    rf"{slot('forces.host')}\b|\b{slot('forces.presence')}\b"
    rf"|\b{slot('forces.troops')}\s+(?:\w+\s+){{0,2}}?(?:troops|forces|personnel"
    r"|contractors?|soldiers?|service\s*members?|advis[eo]rs|marines?|citizens?)\b",
    re.IGNORECASE,
)
AIR_SITE: Final = re.compile(r"\bair\s*(?:base|field|port)|\bairbase|\bairfield|\bairport", re.I)
