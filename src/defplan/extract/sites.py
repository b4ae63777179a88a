"""Where an attack landed: the theater's bases found in text, by name or by description.

A site is found in one of four ways:

- **named**: a base's name or one of its aliases ("Camp Taji", "Ain al-Asad air base",
  "K-1"). A one-word alias that is also a town ("Makhmur", "Irbil") names the base only
  where it is not used as a place ("in Irbil", "the city of Makhmur");
- **described**: a site noun with a place ("a camp near the city of Mosul", "an
  airfield in eastern Homs", "an outpost on the Syrian-Jordanian border"). The
  place narrows the theater's bases (an alias word, spelt loosely; a province; a
  country; a border), the noun narrows them further (an *air*base has an airfield),
  and one base left is the answer;
- **generic**: a site noun with nothing to place it ("a military base");
- **anaphoric**: "the base", "the same base": a site told before.

A base of the host nation's or a militia's own forces ("their base" of Iraqi
soldiers, "an Iraqi army base") is never taken for a theater base by description:
it is kept as written with an empty base_id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final, Literal

from defplan.extract.lexicon import AIR_SITE, COALITION_PRESENCE, LOCAL_FORCES, LOCAL_OWNER
from defplan.extract.lexicon_files import Actor, Place, Region
from defplan.extract.lexicon_set import LexicalPattern, Lexicons, active_lexicons, slot
from defplan.extract.places import (
    BORDER_REACH_KM,
    DIRECTION_SPREAD_DEG,
    country_words,
    distance_to_border_km,
    in_country_part,
    lies_toward,
)
from defplan.geo import great_circle_km
from defplan.scenario import BaseRow

SiteKind = Literal["named", "described", "generic", "anaphoric"]
#: how far off its bearing a base named for a town may lie and still be "north of" it:
#: on that side of the town at all
SIDE_DEG: Final = 90.0

GENERIC_WORDS: Final = frozenset(
    [
        "al",
        "el",
        "ad",
        "as",
        "an",
        "the",
        "of",
        "base",
        "bases",
        "air",
        "airbase",
        "airfield",
        "field",
        "airport",
        "camp",
        "fire",
        "firebase",
        "fob",
        "international",
        "landing",
        "zone",
        "complex",
        "military",
        "mission",
        "support",
        "site",
        "garrison",
        "u",
        "s",
        "embassy",
        "in",
        "gas",
        "oil",
        "joint",
        "station",
        "tower",
        "outpost",
        "headquarters",
        "compound",
        "new",
        "old",
        "north",
        "south",
        "east",
        "west",
    ]
)
#: a capital letter, of any Latin alphabet: a name may open with "Ø" or "Ł", which have no
#: plain form (``unaccented`` makes "É" an "E")
_CAPITAL: Final = "[A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper()) + "]"
# A town-like alias after these words is the town, not the base. "toward" is not among
# them: what is launched toward a name is aimed at the base of that name.
_LOCATIVE_BEFORE: Final = re.compile(
    r"(?:\b(?:in|near|outside|of|from|around|across|between|and|to|over"
    r"|city|town|village|district|province|governorate)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
_PLACE_AFTER: Final = re.compile(
    r"^\s+(?:city|town|village|province|governorate|district|region)\b", re.I
)
# a dateline after a place that opens the text: "IRBIL, Nov 17 (Agency) --", "BAGHDAD —",
# "KIRKUK, Iraq, May 2 -": the place the report was filed from, not the attack's site
_DATELINE_AFTER: Final = re.compile(
    r"^(?:\s*,\s*(?:[A-Z][\w'\u2019-]*\s*){1,3}(?=,))?(?:\s*,\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul"
    r"|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b|\s*\([^()\n]{1,60}\)|\s+(?:--|[\u2013\u2014]))"
)
_SITE_NOUN_AFTER: Final = re.compile(
    r"^(?:\s+(?:military|army|air))?\s+(?:air\s*base|airbase|air\s*field|airfield|base|camp"
    r"|garrison|outpost|airport|compound|(?:gas\s+|oil\s+)?field|landing\s+zone)\b",
    re.IGNORECASE,
)
_NOUN = (
    r"(?:(?:military|army|air|fire|logistics|patrol|support|operating)\s+)?(?:base|bases)"
    r"|air\s*bases?|airbases?|air\s*fields?|airfields?|airports?|airstrips?|fire\s*bases?"
    r"|camps?|compounds?|embassy|embassies|consulates?|garrisons?|outposts?|landing\s+zones?"
    r"|(?:military|army|border|combat|observation|guard|security|remote|small|desert"
    # whose post it is: "a coalition post", "a Peshmerga post" (forces.csv)
    rf"|{slot('forces.troops')}|{slot('forces.local_owner')})\s+posts?"
    r"|mission\s+support\s+sites?|fobs?|green\s+zone|international\s+zone|barracks"
    # a part of a base, which "the" makes the base told ("crashed near the runway")
    r"|runways?|hangars?|tarmac|flight\s+line"
    rf"|(?:military|diplomatic|{slot('forces.troops')})\s+(?:facility|facilities"
    r"|installations?|sites?|positions?)"
    r"|(?<!oil\s)(?<!gas\s)(?<!power\s)(?<!water\s)(?<!storage\s)(?<!weapons\s)(?<!energy\s)"
    r"(?:facility|installation)"
)
#: how far from a town a base "near" or "outside" it may lie, km
TOWN_REACH_KM: Final = 40.0
#: the site nouns that name a military site, never a diplomatic mission
_MILITARY_NOUN: Final = re.compile(
    r"base|camp|air\s*field|airport|airstrip|garrison|outpost|\bposts?\b|\bfobs?\b|barracks"
)
SITE_NOUN: Final = LexicalPattern(rf"\b(?P<noun>{_NOUN})\b", re.IGNORECASE)
DETERMINERS: Final = frozenset(
    [
        "a",
        "an",
        "the",
        "that",
        "this",
        "their",
        "its",
        "our",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "several",
        "both",
        "another",
        "same",
        "these",
        "those",
    ]
)
ADJECTIVES: Final = frozenset(
    [
        "small",
        "large",
        "military",
        "army",
        "remote",
        "key",
        "main",
        "nearby",
        "desert",
        "major",
        "sprawling",
        "new",
        "old",
        "tiny",
        "joint",
        "local",
        "foreign",
        "western",
        "eastern",
        "northern",
        "southern",
        "central",
        "air",
        "international",
        "civilian",
        "regional",
        "fortified",
        "heavily",
        "secure",
        "temporary",
        "forward",
        "former",
        "isolated",
        "rural",
        "frontline",
        "front-line",
        "other",
        "same",
        "allied",
    ]
)
_DIRECTION = (
    r"(?:(?:north[\s-]?eastern|north[\s-]?western|south[\s-]?eastern|south[\s-]?western"
    r"|north[\s-]?east|north[\s-]?west|south[\s-]?east|south[\s-]?west"
    r"|north|south|east|west|central|remote|northern|southern|eastern|western|rural)\s+)"
)


def _compass(words: list[str]) -> str | None:
    """The compass direction the words of a place start with ("southern", "north-east",
    "north eastern"), or None."""
    for head in ("".join(words[:2]), "".join(words[:1])):
        found = re.match(r"(north|south)?(east|west)?(?:ern)?$", head)
        if found and (found.group(1) or found.group(2)):
            return (found.group(1) or "") + (found.group(2) or "")
    return None


_LOCATION: Final = (
    r"^(?P<between>(?:\s+(?:that|which|where)?\s*(?:hosts?|houses?|housing|hosting|used\s+by"
    r"|occupied\s+by|shared\s+by)\s+(?:[\w.'\u2019-]+\s+){0,6}?"
    # whose it is: "a base of CENTCOM in northern Syria", "a base belonging to the
    # American military near Erbil airport" (the owners: OWNERS_SLOT)
    r"|\s+(?:of|belonging\s+to|run\s+by|operated\s+by)\s+(?:the\s+)?(?=OWNERS_SLOT)"
    r"(?:[\w.()'\u2019-]+\s+){1,5}?)?)"
    r"\s*(?P<prep>near|outside|in|at|on|by|close\s+to|inside|within|along"
    r"|(?:(?:some|about)\s+\d+\s*(?:km|kilometres|kilometers|miles)\s+)?"
    r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of)\s+"
    # the land a place names: "the province of Anbar", "the desert of southeastern Syria"
    r"(?:the\s+)?(?:(?:(?:north|south|east|west)(?:ern)?\s+)?(?:city|town|village|province"
    r"|district|governorate|region|outskirts|desert|countryside|area|hills|mountains|plains"
    r"|suburbs)\s+of\s+)?"
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March"
    r"|April|May|June|July|August|September|October|November|December|Dec|Jan|Feb|Mar|Apr"
    r"|Jun|Jul|Aug|Sept?|Oct|Nov)\b)"
    # a country or region that owns the place: "Iraq's western Anbar province"
    rf"(?:(?-i:{_CAPITAL})[\w-]*['\u2019]s\s+(?=(?-i:{_CAPITAL})|[a-z]+ern\b|central\b))?"
    rf"(?P<place>{_DIRECTION}*(?:(?-i:{_CAPITAL})[\w'\u2019-]*|al-\w+|ez-\w+)(?:\s+(?:(?-i:{_CAPITAL})[\w'\u2019-]*"
    r"|al-\w+|ez-\w+|al|el|ad|as))*(?:\s+(?:province|governorate|border|region))?)"
)


#: "the base of Tanf": "of" and one capitalised word, which names a base to be a place
_OF_NAME: Final = re.compile(
    r"^\s+(?P<prep>of)\s+(?P<place>(?:(?:al|el|at|ad|as)-)?(?-i:[A-Z])[\w'\u2019-]{3,})\b(?!-)",
    re.IGNORECASE,
)


@lru_cache(maxsize=8)
def location_pattern(owners: tuple[str, ...]) -> re.Pattern[str]:
    """The words after a site noun that place it ("near Erbil", "north of Baghdad"),
    where ``owners`` are the patterns of those whose base it may be said to be ("a base
    of the US-led coalition in Hasakah"): the theater's coalition and state actors."""
    either = "|".join(f"(?:{o})" for o in owners) or r"(?!x)x"
    return re.compile(_LOCATION.replace("OWNERS_SLOT", either), re.IGNORECASE)


def owners_of(actors: Iterable[Actor]) -> tuple[str, ...]:
    """The patterns of the actors a base may belong to (coalition and state kinds)."""
    return tuple(a.pattern.pattern for a in actors if a.kind in ("coalition", "state"))


# The name after a capitalised site noun ("Camp Swift"): capitalised words or numbers,
# not a day or month.
_TITLED_NAME: Final = re.compile(
    r"^\s+(?P<name>(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January"
    r"|February|March|April|May|June|July|August|September|October|November|December)\b)"
    r"[A-Z][\w'\u2019-]*(?:\s+(?:[A-Z][\w'\u2019-]*|[IVX]+|\d+))*)"
)
_NOT_NAMES: Final = frozenset(
    [
        "military",
        "army",
        "air",
        "main",
        "key",
        "small",
        "large",
        "remote",
        "new",
        "old",
        "western",
        "eastern",
        "northern",
        "southern",
        "central",
        "joint",
    ]
)


def _direction_of(prep: str) -> str | None:
    """The direction a location's preposition gives: "north of" → "north"; else None."""
    found = re.search(r"(north|south)?-?\s*(east|west)?\s+of$", prep, re.I)
    if found is None or not (found.group(1) or found.group(2)):
        return None
    return (found.group(1) or "") + (found.group(2) or "")


def _placed_at_named(description: SiteMention, noun_end: int, named: Sequence[SiteMention]) -> bool:
    """Whether an uncounted plural description is placed at a base named right after
    its noun ("US coalition positions at the Omar oil field"): the parts of one base,
    not several sites."""
    return (
        description.plural
        and not description.counted
        and any(noun_end <= m.start < description.end for m in named)
    )


def fold(text: str) -> str:
    """Lower case without accents, apostrophes or hyphens: ``"Al-Qa'im"`` → ``"al qaim"``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    plain = re.sub(r"['\u2019`]", "", plain.lower())
    return re.sub(r"[\s\-]+", " ", plain).strip()


def unaccented(text: str) -> str:
    """``text`` with each accented letter as its plain letter, one for one (offsets hold):
    "Émile" → "Emile", "Çukurova" → "Cukurova"; a letter with no plain form stays.

    >>> unaccented("Émile Field, Şemdinli, Østmark")
    'Emile Field, Semdinli, Østmark'
    """
    if text.isascii():
        return text
    return "".join(_plain_letter(c) for c in text)


@lru_cache(maxsize=4096)
def _plain_letter(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if base.isascii() and base.isalpha() and char.isalpha() else char


def skeleton(word: str) -> str:
    """A spelling-proof key: consonants only, doubled letters once (Makhmour ~ Makhmur)."""
    letters = re.sub(r"[^a-z]", "", fold(word))
    letters = re.sub(r"[aeiouyhw]", "", letters)
    letters = re.sub(r"[cq]", "k", letters)  # "Koniko" ~ "Conoco", "Qaim" ~ "Kaim"
    return re.sub(r"(.)\1+", r"\1", letters)


_SHORT_WORDS: Final = frozenset(
    ["al", "el", "ad", "as", "an", "at", "of", "in", "on", "the", "and", "bin", "ibn", "abu", "umm"]
)


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    tokens = [t for t in re.split(r"[\s\-'\u2019]+", fold(phrase)) if t]
    parts = []
    for token in tokens:
        if token == "airbase":
            parts.append(r"air[\s-]*base")
        elif token == "airfield":
            parts.append(r"air[\s-]*field")
        elif len(token) in (2, 3) and token.isalpha() and token not in _SHORT_WORDS:
            # an abbreviation may be written with stops: "US" ~ "U.S.", "MSS" ~ "M.S.S."
            parts.append(r"\.?".join(re.escape(c) for c in token) + r"\.?")
        elif len(token) >= 4 and token.isalpha():
            parts.append(_loose_spelling(token))
        else:
            parts.append(re.escape(token))
    body = r"[\s\-'\u2019]*".join(parts)
    # "al-Harir airbase" names Harir too: an article may be written before a name
    # (not one part of a hyphenated compound: "the Al-Qaim-Al-Bukamal crossing")
    return re.compile(rf"(?<![\w-])(?:{_ARTICLE}[\s-])?{body}(?![\w]|-\w)", re.IGNORECASE)


@lru_cache(maxsize=512)
def _loose_word(word: str) -> re.Pattern[str]:
    return re.compile(_loose_spelling(word))


#: the Arabic article as transliterated before a place name
_ARTICLE: Final = r"(?:al|el|ad|ar|as|ash|at|az|an)"


def _loose_spelling(token: str) -> str:
    """A name's letters as transliterations vary: a letter written once or twice
    ("Assad" ~ "Asad"), i or y ("Ayn" ~ "Ain"), a final h after a vowel or not
    ("Qayyarah" ~ "Qayara").

    >>> bool(re.fullmatch(_loose_spelling("qayyarah"), "qayara"))
    True
    """
    letters = re.sub(r"(.)\1+", r"\1", token)
    final_h = len(letters) > 3 and letters.endswith("h") and letters[-2] in "aeiou"
    if final_h:
        letters = letters[:-1]
    loose = "".join("[iy]{1,2}" if c in "iy" else re.escape(c) + "{1,2}" for c in letters)
    return loose + ("h?" if final_h else "")


@lru_cache(maxsize=8)
def _adjectives(lexicons: Lexicons) -> frozenset[str]:
    """The words that may stand between a determiner and a site noun, in lower case as
    written: ``ADJECTIVES`` and the words a description names a base's force or country
    by ("u.s.", "coalition", "kurdish", "iraqi": forces.csv and countries.csv)."""
    forces = (w.lower() for words in lexicons.forces.words.values() for w in words)
    countries = (w for c in lexicons.countries for w in c.words)
    return ADJECTIVES | {part for w in (*forces, *countries) for part in w.split()}


def force_or_country_word(word: str) -> bool:
    """Whether ``word`` names a force or a country's people ("Kurdish", "Iraqi", "US"),
    as a description's adjective does, rather than a place."""
    return word.lower() in _adjectives(active_lexicons())


@lru_cache(maxsize=8)
def coalition_words(lexicons: Lexicons) -> frozenset[str]:
    """The words of forces.csv for the coalition's side (whom a base hosts, its troops,
    its presence, its strikes), folded and without stops, each word alone and the whole
    run together: "U.S.-led" is "us", "led" and "usled"."""
    told = (
        fold(w.replace(".", ""))
        for role in ("host", "troops", "presence", "friendly")
        for w in lexicons.forces.words.get(role, ())
    )
    return frozenset(part for w in told for part in (*w.split(), w.replace(" ", "")))


# a lowercase word that may be an adjective between "the"/"this" and a site noun
_DEMONSTRATED: Final = re.compile(r"[a-z]+\b(?![-.'\u2019])")


def _phrase_head(text: str, start: int) -> tuple[int, str, list[str]]:
    """Where the phrase before a site noun starts, its determiner, and its adjectives
    (last first): "the small U.S. base" → ("the", ["U.S.", "small"])."""
    det = ""
    adj_words: list[str] = []
    adjectives = _adjectives(active_lexicons())
    tokens = list(reversed(list(re.finditer(r"[\w.'\u2019-]+", text[:start]))[-4:]))
    for at, token in enumerate(tokens):
        word = token.group(0)
        lowered = word.lower()
        if (
            not adj_words
            and lowered not in DETERMINERS | adjectives
            and _DEMONSTRATED.match(text, token.start())
            and at + 1 < len(tokens)
            and tokens[at + 1].group(0).lower() in ("the", "this", "that")
        ):
            # "this strategic installation": one adjective no list holds
            adj_words.append(word)
            start = token.start()
            continue
        if lowered in DETERMINERS:
            start = token.start()
            if lowered == "same":
                det = "the same"
                continue
            det = det or lowered
            break
        if lowered in adjectives or word[:1].isupper() or "-" in word:
            adj_words.append(word)
            start = token.start()
            continue
        break
    return start, det, adj_words


@dataclass(frozen=True)
class SiteMention:
    """A site in the text and what it resolves to.

    ``candidates`` are the bases a description allows (None: any); ``local`` marks a
    base of other forces, which is never a theater base by description.
    """

    start: int
    end: int
    text: str
    base_id: str | None
    kind: SiteKind
    candidates: frozenset[str] | None = None
    plural: bool = False
    counted: bool = False
    local: bool = False

    @property
    def rank(self) -> int:
        """How much the mention says: named 3, resolved description 2, description 1, else 0."""
        if self.kind == "named":
            return 3
        if self.base_id is not None:
            return 2
        return 1 if self.kind == "described" else 0


@dataclass(frozen=True)
class _Name:
    base_id: str
    phrase: str
    pattern: re.Pattern[str]
    town_like: bool


@dataclass
class Gazetteer:
    """The theater's bases as text finds them."""

    bases: tuple[BaseRow, ...]
    names: list[_Name] = field(default_factory=list)
    words: dict[str, set[str]] = field(default_factory=dict)
    skeletons: dict[str, set[str]] = field(default_factory=dict)
    regions: tuple[Region, ...] = ()
    location: re.Pattern[str] = field(default_factory=lambda: location_pattern(()))
    places: tuple[Place, ...] = ()
    actors: tuple[Actor, ...] = ()

    @classmethod
    def from_bases(
        cls,
        bases: Iterable[BaseRow],
        regions: tuple[Region, ...] = (),
        actors: tuple[Actor, ...] = (),
        places: tuple[Place, ...] = (),
    ) -> Gazetteer:
        """Index every base by its name, its aliases and the distinctive words in them;
        ``regions`` names the areas articles mention, ``actors`` whose bases they may be,
        ``places`` the towns they measure directions from (each by default those of the
        lexicons in use: ``regions.csv``, ``actors.csv``, ``places.csv``)."""
        lexicons = active_lexicons()
        actors = actors or lexicons.actors
        gazetteer = cls(
            tuple(bases),
            regions=regions or lexicons.regions,
            location=location_pattern(owners_of(actors)),
            places=places or lexicons.places,
            actors=tuple(actors),
        )
        for base in gazetteer.bases:
            for phrase in dict.fromkeys((base.name, *base.aliases)):
                tokens = [t for t in fold(phrase).split() if t not in ("al", "el", "the")]
                town_like = len(tokens) == 1 and tokens[0].isalpha()
                gazetteer.names.append(
                    _Name(base.base_id, phrase, _phrase_pattern(phrase), town_like)
                )
                for token in fold(phrase).split():
                    if not gazetteer.generic(token) and token.isalpha() and len(token) >= 4:
                        gazetteer.words.setdefault(token, set()).add(base.base_id)
        towns = {fold(n) for p in gazetteer.places for n in p.names}
        for token, ids in list(gazetteer.words.items()):
            if len(ids) > 1 and token in towns:
                del gazetteer.words[token]  # "US Embassy Baghdad", "Baghdad airport": the town
        for token, ids in gazetteer.words.items():
            gazetteer.skeletons.setdefault(skeleton(token), set()).update(ids)
        gazetteer.names.sort(key=lambda n: (-len(n.phrase), n.phrase, n.base_id))
        return gazetteer

    @staticmethod
    def generic(word: str) -> bool:
        """Whether a word of a base's name tells no base from another: a generic word
        ("camp", "air") or one the coalition's forces are named by (forces.csv: "US",
        "American", "United States"), whose bases they all are."""
        key = fold(word)
        return key in GENERIC_WORDS or key in coalition_words(active_lexicons())

    # -- names --------------------------------------------------------------------------

    def resolve_name(self, text: str) -> str | None:
        """The base a whole label names by one of its names or aliases (no loose spelling).

        >>> from defplan.scenario import BaseRow
        >>> g = Gazetteer.from_bases([BaseRow(base_id="k1", name="K-1 Air Base", aliases="K1",
        ...     lat=35.5, lon=44.3, troops=0)])
        >>> g.resolve_name("K-1 Air Base"), g.resolve_name("two bases in Iraq")
        ('k1', None)
        """
        for name in self.names:
            if name.pattern.search(text):
                return name.base_id
        return None

    def named(self, text: str, offset: int = 0) -> list[SiteMention]:
        """Bases ``text`` names; overlapping names of one base make one mention."""
        spans: list[tuple[int, int, str]] = []
        for name in self.names:
            for match in name.pattern.finditer(text):
                start, end = match.span()
                if not any(c.isupper() or c.isdigit() for c in match.group(0)):
                    continue
                # "in Makhmur" is the town, "near the Makhmur base" the base
                if (
                    name.town_like
                    and (
                        _LOCATIVE_BEFORE.search(text[:start])
                        or _PLACE_AFTER.match(text[end:])
                        or (not text[:start].strip() and _DATELINE_AFTER.match(text[end:]))
                    )
                    and not _SITE_NOUN_AFTER.match(text[end:])
                ):
                    continue
                spans.append((start, end, name.base_id))
        merged: list[list[int | str]] = []
        for start, end, base_id in sorted(spans, key=lambda s: (s[0], -s[1])):
            last = merged[-1] if merged else None
            if last is not None and start < int(last[1]):
                if last[2] == base_id:
                    last[1] = max(int(last[1]), end)
                elif end - start > int(last[1]) - int(last[0]):
                    last[:] = [start, end, base_id]
                continue
            merged.append([start, end, base_id])
        found: list[SiteMention] = []
        for start_cell, end_cell, base_cell in merged:
            start, end, base_id = int(start_cell), int(end_cell), str(base_cell)
            tail = _SITE_NOUN_AFTER.match(text[end:])
            if tail:
                end += tail.end()
            found.append(
                SiteMention(offset + start, offset + end, text[start:end], base_id, "named")
            )
        return found

    # -- descriptions -------------------------------------------------------------------

    def _by_word(self, word: str) -> set[str]:
        key = fold(word)
        if key in self.words:
            return set(self.words[key])
        loose = self._by_loose_spelling(key)
        if loose:
            return loose
        shape = skeleton(word)
        if len(shape) >= 3 and shape in self.skeletons:
            return set(self.skeletons[shape])
        return set()

    def _by_loose_spelling(self, key: str) -> set[str]:
        """The bases one of whose name words ``key`` spells another way: a letter once or
        twice, a final h dropped ("Qayyara" for "Qayyarah"), too short a word for
        :func:`skeleton` to tell."""
        if len(key) < 4 or not key.isalpha():
            return set()
        return {
            base_id
            for word, ids in self.words.items()
            if _loose_word(word).fullmatch(key)
            for base_id in ids
        }

    def place_candidates(self, place: str) -> set[str] | None:
        """The bases a place ("eastern Homs", "the Syrian-Jordanian border") allows."""
        words = [w for w in re.split(r"[\s\-]+", place) if w]
        lowered = [fold(w) for w in words]
        if "border" in lowered:
            countries = {country_words()[w] for w in lowered if w in country_words()}
            return self._on_border(countries)
        exact = self.resolve_name(place)
        if exact is not None:
            return {exact}
        for word in words:
            if self.generic(word) or fold(word) in country_words():
                continue
            hits = self._by_word(word)
            if hits:
                return hits
        named_areas = {
            r for area in self.regions if area.pattern.search(place) for r in area.regions
        }
        region = {
            b.base_id
            for b in self.bases
            if b.region
            and (
                b.region in named_areas
                or any(fold(w) in fold(b.region).split() for w in words if len(w) > 3)
            )
        }
        if region:
            return region
        countries = {country_words()[w] for w in lowered if w in country_words()}
        if countries:
            inside = {b for b in self.bases if b.country in countries}
            part = _compass(lowered)
            if part is not None:  # "southern Syria": the bases in that part of it
                inside = {
                    b for b in inside if in_country_part(part, b.country or "", (b.lat, b.lon))
                }
            return {b.base_id for b in inside}
        return None

    def _named_in(
        self, place: str | None, candidates: set[str], name_words: list[str], plain: bool
    ) -> set[str]:
        """The bases a description with name words allows in a place: "the Tanf base in
        Syria", the name narrows what the place allows. A name the theater does not
        know, placed in a region ("the Kharab al-Jir base in the countryside of
        Hasakah"), is another site than the region's base; placed at a base's own name
        ("... base in Rumailan") it is that base. A title's capitals (``plain`` False:
        "Drones Target Coalition Base in Hasakah") are no sign of a name."""
        named = self.place_candidates(" ".join(reversed(name_words)))
        if named is not None:
            return (candidates & named) or candidates
        if place and plain and not self._names_a_base(place) and self._own_name(name_words):
            return set()
        return candidates

    def _own_name(self, name_words: Sequence[str]) -> bool:
        """Whether the capitalised words before a site noun may be the site's own name: a
        plain word of four letters or more ("Kharab"), not a compound ("US-run") nor an
        actor that owns it ("a United States diplomatic facility")."""
        text = " ".join(reversed(name_words))
        for actor in self.actors:
            text = actor.pattern.sub(" ", text)
        return any(w.isalpha() and len(w) > 3 for w in text.split())

    def _names_a_base(self, place: str) -> bool:
        """Whether a place is (a word of) a base's own name ("Rumailan"), not a region."""
        words = [w for w in re.split(r"[\s\-]+", place) if w]
        return self.resolve_name(place) is not None or any(
            self._by_word(w) for w in words if not self.generic(w)
        )

    def _manned(self, candidates: set[str]) -> set[str]:
        """Of several bases a description allows, the ones open with troops: a base
        described as hosting troops is one that has them ("a base in western Anbar"
        where the theater keeps one of its two Anbar sites open)."""
        return {
            b.base_id
            for b in self.bases
            if b.base_id in candidates and b.status == "open" and (b.troops or 0) > 0
        }

    def _on_border(self, countries: set[str]) -> set[str]:
        if len(countries) == 2:
            borders = active_lexicons().borders
            lines = [borders[frozenset(countries)]] if frozenset(countries) in borders else []
        else:
            lines = [line for pair, line in active_lexicons().borders.items() if countries <= pair]
        near = {
            b.base_id: b.country
            for b in self.bases
            if any(distance_to_border_km(b.lat, b.lon, line) <= BORDER_REACH_KM for line in lines)
        }
        # "near the Jordanian border": a base in Jordan by its border, else one across it
        inside = {base for base, country in near.items() if not countries or country in countries}
        return inside or (set(near) if len(countries) == 1 else set())

    def _toward(self, direction: str, place: str, anchors: set[str]) -> set[str]:
        """The bases that lie in ``direction`` of a place. From the town itself where
        the places lexicon knows it: a base named for it counts when it lies on that
        side of it ("Kirkuk air base", north-west of the city, is "north of Kirkuk").
        Else from the bases named for it ("Baghdad airport" for Baghdad) or those it
        allows (``anchors``), and never one named for it."""
        own = {
            b.base_id
            for b in self.bases
            if any(fold(place) in fold(n) for n in (b.name, *b.aliases))
        }
        town = self._town(place)
        if town is not None:
            return {
                b.base_id
                for b in self.bases
                if lies_toward(
                    direction,
                    town,
                    (b.lat, b.lon),
                    SIDE_DEG if b.base_id in own else DIRECTION_SPREAD_DEG,
                )
            }
        at = [(b.lat, b.lon) for b in self.bases if b.base_id in (own or anchors)]
        origin = (sum(p[0] for p in at) / len(at), sum(p[1] for p in at) / len(at))
        return {
            b.base_id
            for b in self.bases
            if b.base_id not in own and lies_toward(direction, origin, (b.lat, b.lon))
        }

    def _town(self, place: str) -> tuple[float, float] | None:
        """Where a town of the places lexicon is ("Kirkuk", "the city of Kirkuk")."""
        name = re.sub(r"^(?:the\s+)?(?:city|town)\s+of\s+", "", place.strip(), flags=re.I)
        found = next((p for p in self.places if any(fold(name) == fold(n) for n in p.names)), None)
        return (found.lat, found.lon) if found is not None else None

    def _is_air_site(self, base_id: str) -> bool:
        base = next(b for b in self.bases if b.base_id == base_id)
        return any(AIR_SITE.search(n) for n in (base.name, *base.aliases))

    def described(
        self, text: str, offset: int = 0, skip: Sequence[SiteMention] = ()
    ) -> list[SiteMention]:
        """Site phrases in ``text`` that no named mention in ``skip`` covers."""
        found: list[SiteMention] = []
        for match in SITE_NOUN.finditer(text):
            if any(match.start() < m.end - offset and m.start - offset < match.end() for m in skip):
                continue
            description = self._description(text, match, offset)
            if any(description.start <= m.start and m.end <= offset + match.start() for m in skip):
                continue  # "the Harir coalition base in Erbil province": the name's
            if _placed_at_named(description, offset + match.end(), skip):
                continue  # "US positions at the Omar oil field": that base's
            found.append(description)
        return found

    def _of_base_word(self, after: str) -> re.Match[str] | None:
        """A site noun's "of" and a word of a base's name ("the U.S. base of Tanf"); not
        an owner or anything else after "of" ("a base of the coalition")."""
        told = _OF_NAME.match(after)
        if told is None or not self._by_word(told.group("place")):
            return None
        return told

    def _description(self, text: str, match: re.Match[str], offset: int) -> SiteMention:
        """The site one site noun heads: its words, the bases it allows, its kind."""
        end = match.end()
        noun = match.group("noun").lower()
        start, det, adj_words = _phrase_head(text, match.start())
        plural = bool(re.search(r"(?:bases|fields|ports|camps|ies|sites|posts|ons|zones)$", noun))
        counted = plural and bool(re.match(r"(?:one|two|three|four|five|several|both|\d+)\b", det))
        # "Camp Swift", "Mission Support Site Euphrates": a capitalised noun, then the name
        titled = _TITLED_NAME.match(text[end:]) if match.group("noun")[:1].isupper() else None
        if titled is not None:
            end += titled.end()
        location = self.location.match(text[end:]) or self._of_base_word(text[end:])
        place = location.group("place") if location else None
        toward = _direction_of(location.group("prep")) if location else None
        stop = end + (location.end() if location else 0)
        # whose site it is, in the words before the noun or the noun's own ("an Iraqi
        # army base", "a Peshmerga post")
        local = bool(LOCAL_OWNER.search(text, start, match.end())) or (
            det == "their" and LOCAL_FORCES.search(text[:start]) is not None
        )
        if local and COALITION_PRESENCE.search(text):
            local = False
        place, candidates = self._allowed(match.group("noun"), place, adj_words, titled, toward)
        base_id = None
        if candidates is not None and not plural and not local:
            # one base fits, or one of those that fit is open and manned
            manned = self._manned(candidates) if len(candidates) > 1 else candidates
            if len(manned) == 1:
                base_id = next(iter(manned))
        kind: SiteKind = "generic"
        if place is None and det in ("the", "that", "this", "its", "the same", "same"):
            kind = "generic" if plural else "anaphoric"
        elif place is not None or base_id is not None:
            kind = "described"
        words = re.sub(r"(?i)^(?:an?|the|their|its|our|that|this)\s+", "", text[start:stop])
        return SiteMention(
            offset + start,
            offset + stop,
            words.strip(),
            base_id,
            kind,
            frozenset(candidates) if candidates is not None else None,
            plural,
            counted,
            local,
        )

    def _allowed(
        self,
        noun: str,
        place: str | None,
        adj_words: list[str],
        titled: re.Match[str] | None,
        toward: str | None = None,
    ) -> tuple[str | None, set[str] | None]:
        """The place a description gives and the bases it allows (None: any)."""
        candidates = self.place_candidates(place) if place else None
        if toward is not None and place and (candidates or self._town(place) is not None):
            # "an airbase north of Baghdad": not the Baghdad bases, those north of it;
            # where the direction leaves no one base, the place's own as without it. A
            # town of places.csv is measured from though no base nor region bears its name
            aimed = self._narrowed(
                noun, place, self._toward(toward, place, candidates or set()), adj_words, titled
            )
            if aimed[1] is not None and len(aimed[1]) == 1:
                return aimed
        elif toward is None and place and candidates is None:
            candidates = self._by_town(place)
        return self._narrowed(noun, place, candidates, adj_words, titled)

    def _by_town(self, place: str) -> set[str] | None:
        """The bases by a town of places.csv that names no base nor region ("a base near
        Brevik"): those within ``TOWN_REACH_KM`` of it; None when the place is no town."""
        town = self._town(place)
        if town is None:
            return None
        return {
            b.base_id for b in self.bases if great_circle_km(*town, b.lat, b.lon) <= TOWN_REACH_KM
        }

    def _narrowed(
        self,
        noun: str,
        place: str | None,
        candidates: set[str] | None,
        adj_words: list[str],
        titled: re.Match[str] | None,
    ) -> tuple[str | None, set[str] | None]:
        """The bases a place allows (``candidates``) that the rest of the description
        fits: its name words, an airbase's airfield, an embassy. ``noun`` as written: a
        capitalised one is a title's ("Drones Target Coalition Base"), whose capitals are
        no sign of a name."""
        written, noun = noun, noun.lower()
        name_words = [
            re.sub(r"['\u2019]s$", "", w)  # "Erbil's international airport"
            for w in adj_words
            if w[:1].isupper()
            and fold(w) not in country_words()
            and fold(w).replace(".", "").replace(" ", "")
            not in _NOT_NAMES | coalition_words(active_lexicons())
        ]
        if titled is not None:
            # the name decides: a base of the theater by that name, or none
            place = titled.group("name")
            candidates = self.place_candidates(place) or set()
        elif name_words and candidates is None:
            # "the Green Village base": a named site, the theater's or not
            place = " ".join(reversed(name_words))
            candidates = self.place_candidates(place) or set()
        elif name_words and candidates is not None:
            candidates = self._named_in(place, candidates, name_words, written.islower())
        if candidates is not None and "air" in noun.replace(" ", ""):
            # an airbase is one with an airfield, unless the place has none and the site
            # has no name of its own ("a US airbase near the Conoco gas field": reporters
            # call many bases airbases; "Kharab al-Jir airstrip" is another site)
            air = {c for c in candidates if self._is_air_site(c)}
            candidates = air or (candidates if not name_words and titled is None else air)
        return place, self._by_mission(noun, candidates)

    def _by_mission(self, noun: str, candidates: set[str] | None) -> set[str] | None:
        """An embassy is only ever the theater's embassy ("the consulate in Erbil" is not
        the air base there), and a military site is never an embassy ("a base in the
        capital", where the theater's one site named for the capital is its embassy)."""
        missions = {
            m: {b.base_id for b in self.bases if any(m in fold(n) for n in (b.name, *b.aliases))}
            for m in ("embassy", "consulate")
        }
        mission = next((m for m in missions if m in noun), None)
        if mission is not None:
            own = missions[mission]
            return (own or None) if candidates is None else candidates & own
        if candidates is not None and _MILITARY_NOUN.search(noun):
            return candidates - missions["embassy"] - missions["consulate"]
        return candidates

    def find(self, text: str, offset: int = 0) -> list[SiteMention]:
        """Every site ``text`` mentions, named ones first where they overlap, in text order.
        Letters are read without their accents ("Émile Field", "north of Çukurova"), as
        names are indexed, so that a capital the rules look for may carry one."""
        plain = unaccented(text)
        named = self.named(plain, offset)
        return sorted([*named, *self.described(plain, offset, named)], key=lambda m: m.start)
