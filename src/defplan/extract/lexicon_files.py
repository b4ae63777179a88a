"""Lexicons kept as data, each file read and checked: who attacks (actors, with a kind),
what areas articles name (regions, places, countries and borders), the words for
people, harm, forces and weapons, and the words that give a named actor a role.
Defaults ship in ``lexicons/`` beside this module; a theater's own files (a
``lexicons/`` folder beside its workbook) replace them file by file
(:mod:`~defplan.extract.lexicon_set`).

>>> actors = load_actors(DEFAULTS / "actors.csv")
>>> [a.name for a in actors if a.pattern.search("a statement from Kata'ib Hizbollah")]
['Kataib Hezbollah', 'Hezbollah']

(the specific group comes first, and the extractor takes the first name it finds)
>>> next(a for a in actors if a.name == "Iran").kind
'state'
>>> import re
>>> people = load_people(DEFAULTS / "people.csv")
>>> bool(re.fullmatch(people.pattern("counted"), "service members"))
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from defplan.errors import InputError, Problem
from defplan.workbook.csv_file import decode_csv, read_csv_grid

ActorKind = Literal["state", "group", "coalition"]
KINDS: Final = ("state", "group", "coalition")
PersonRole = Literal["counted", "modifier", "official", "belonging"]
#: counted: a noun for people a casualty count counts ("soldiers", "contractors");
#: modifier: a word between a count and its people ("two U.S. *military* contractors");
#: official: a person whose targeting is not an attack on a base ("the prime minister");
#: belonging: what of an official's is targeted ("his residence", "her convoy")
ROLES: Final = ("counted", "modifier", "official", "belonging")
HarmRole = Literal["both", "killed", "wounded", "neither"]
#: which count a stated zero made of the word is: "no casualties" (both), "no deaths"
#: (killed), "nobody was hurt" (wounded), "no damage" (neither: only in a list)
HARM_ROLES: Final = ("both", "killed", "wounded", "neither")
HARM_PARTS: Final = ("noun", "verb")
ActorRole = Literal["target", "opposed", "sponsor", "relation", "accused", "threat", "denier"]
#: what an actor named beside an attack is when words around its name say it did not
#: make it: what a strike hit ("against X"), a campaign's enemy ("to combat X"), a
#: sponsor ("X-backed", "linked to X"), a party to talks or pressure ("talks with X"),
#: one accused ("accused X of"), the source of another threat ("posed by X"), or one
#: who condemned or denied ("X condemned the attack")
ACTOR_ROLES: Final = ("target", "opposed", "sponsor", "relation", "accused", "threat", "denier")
#: before: the words stand before the name ("linked to X"); after: after it ("X-backed")
ROLE_SIDES: Final = ("before", "after")
ForceRole = Literal[
    "local_owner", "local_people", "host", "troops", "presence", "friendly", "claimant"
]
#: local_owner: before a site noun, a force whose own bases are not the coalition's ("an
#: Iraqi army base", "a Peshmerga post"); local_people: victims named before "their base"
#: who make it theirs ("Iraqi soldiers ... their base"); host: whom a base hosts that makes
#: it the coalition's ("a base hosting U.S. troops"); troops: the coalition's people ("British
#: troops"); presence: a word that alone puts the coalition in the sentence ("the US-led
#: coalition"); friendly: the other side of an attack, whose strikes are replies ("the
#: Pentagon struck", "Israeli warplanes"); claimant: the name a group's statement gives its
#: own fighters ("resistance fighters had struck ...", "the resistance")
FORCE_ROLES: Final = (
    "local_owner",
    "local_people",
    "host",
    "troops",
    "presence",
    "friendly",
    "claimant",
)
#: the weapon classes, most specific first: where two words overlap, the class listed
#: first names the weapon ("mortar shells" is a mortar, not a shell of "other"); a
#: "missile" with no more said is decided by the attack's other words (draft.py)
WEAPON_CLASSES: Final = (
    "cruise_missile",
    "ballistic_missile",
    "drone",
    "mortar",
    "rocket",
    "missile",
    "other",
)
#: not a weapon class: the name of a defence ("Patriot", "C-RAM"), whose missiles no
#: attack fired; weapon_words.csv may list its words under it
DEFENCE: Final = "defence"
#: plain: any case, a plural "s" optional; numbered: a model's name, its number optional
#: after it ("Shahed-136", "Fateh 110"); lowercase: only so written ("shells", not the
#: company "Shell")
WEAPON_FORMS: Final = ("plain", "numbered", "lowercase")
DEFAULTS: Final = Path(__file__).resolve().parent / "lexicons"
#: an alias of this many capitals or fewer ("IS", "KH") is matched as written
SHORT_CAPITALS: Final = 5


@dataclass(frozen=True)
class Actor:
    """One attacker as articles name it: its sheet name, its kind, and its aliases."""

    name: str
    kind: ActorKind
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Region:
    """An area articles name and the bases-sheet regions it covers."""

    regions: frozenset[str]
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Place:
    """A town or city articles measure from ("a base north of Kirkuk"), and where it is."""

    names: frozenset[str]  # the name and its aliases, folded to lower case
    lat: float
    lon: float


@dataclass(frozen=True)
class Country:
    """A country articles name ("the Syrian-Jordanian border", "southern Syria"): the
    words for it (folded to lower case) and its rough middle, if known."""

    name: str
    words: frozenset[str]
    middle: tuple[float, float] | None  # what "southern Syria" is measured from


#: each border (the two countries) as a polyline of (lat, lon) points
Borders = dict[frozenset[str], tuple[tuple[float, float], ...]]


@dataclass(frozen=True)
class People:
    """The words for people, by role (see ``ROLES``), each as written in the data."""

    words: dict[str, tuple[str, ...]]

    def pattern(self, role: PersonRole) -> str:
        """A regular expression (uncompiled, no flags) matching any word of a role:
        longest first, a space matching any spacing or none, a hyphen optional."""
        forms = sorted(set(self.words.get(role, ())), key=lambda w: (-len(w), w))
        if not forms:
            return r"(?!x)x"
        return "(?:" + "|".join(_spelt(w) for w in forms) + ")"


@dataclass(frozen=True)
class HarmWords:
    """The words stated zeros are made of (``harm.csv``), by part and role."""

    words: dict[tuple[str, str], tuple[str, ...]]

    def pattern(self, part: str, *roles: str) -> str:
        """A regular expression (uncompiled, no flags) matching any ``part`` word of the
        roles (every role when none is given): longest first, as ``People.pattern``."""
        chosen = roles or HARM_ROLES
        forms = {w for (p, r), ws in self.words.items() if p == part and r in chosen for w in ws}
        if not forms:
            return r"(?!x)x"
        ordered = sorted(forms, key=lambda w: (-len(w), w))
        return "(?:" + "|".join(_spelt(w) for w in ordered) + ")"


@dataclass(frozen=True)
class Forces:
    """The words for forces by the role they give a base or a strike (``forces.csv``)."""

    words: dict[str, tuple[str, ...]]

    def pattern(self, role: ForceRole) -> str:
        """A regular expression (uncompiled, no flags) matching any word of a role: longest
        first, a space matching any spacing, a stop optional; a word of capitals only
        ("US", "U.K.") in capitals, so that the pronoun "us" is no force.

        >>> p = re.compile(Forces({"friendly": ("U.K.",)}).pattern("friendly"), re.I)
        >>> [bool(p.match(t)) for t in ("U.K. jets", "UK jets", "U.K jets", "uk jets")]
        [True, True, True, False]
        """
        forms = sorted(set(self.words.get(role, ())), key=lambda w: (-len(w), w))
        if not forms:
            return r"(?!x)x"
        spelt = []
        for word in forms:
            loose = re.escape(word).replace(r"\ ", r"\s+").replace(r"\.", r"\.?")
            if word.isupper():  # "US", "U.S.", "U.S": its letters, each stop optional
                parts = (r"\.?".join(map(re.escape, w.replace(".", ""))) for w in word.split())
                loose = "(?-i:" + r"\.?\s+".join(parts) + r"\.?)"
            spelt.append(loose)
        return "(?:" + "|".join(spelt) + ")"


@dataclass(frozen=True)
class WeaponWords:
    """The words for weapons by class and form (``weapon_words.csv``)."""

    words: dict[tuple[str, str], tuple[str, ...]]  # (weapon, form) -> words

    def patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """One pattern per weapon class that has words, in ``WEAPON_CLASSES`` order: a
        space in a word matches any spacing or a hyphen, a hyphen is optional."""
        listed = {weapon for weapon, _ in self.words}
        return tuple(
            (weapon, re.compile(self.pattern(weapon), re.IGNORECASE))
            for weapon in WEAPON_CLASSES
            if weapon in listed
        )

    def pattern(self, *classes: str, plural: bool = True) -> str:
        """A regular expression (uncompiled; for a case-insensitive pattern) matching any
        weapon word of the classes (every weapon class when none is given), spelt as in
        ``patterns`` (``plural`` False: without the plural "s"), longest first."""
        forms = sorted(
            {
                (word, form)
                for (weapon, form), ws in self.words.items()
                if weapon in classes or (not classes and weapon != DEFENCE)
                for word in ws
            },
            key=lambda f: (-len(f[0]), f),
        )
        if not forms:
            return r"(?!x)x"
        return "(?:" + "|".join(_weapon_spelt(w, form, plural) for w, form in forms) + ")"


def _weapon_spelt(word: str, form: str, plural: bool = True) -> str:
    loose = re.escape(word).replace(r"\ ", r"[\s-]*").replace(r"\-", r"[\s-]?")
    if form == "numbered":
        loose += r"(?:[\s-]*\d+)?"
    spelt = rf"\b{loose}{'s?' if plural else ''}\b"
    return f"(?-i:{spelt})" if form == "lowercase" else spelt


@dataclass(frozen=True)
class ActorRoleWords:
    """The words around an actor's name that give it a role (``actor_roles.csv``)."""

    words: dict[tuple[str, str], tuple[str, ...]]  # (side, role) -> words

    def pattern(self, side: str, role: str) -> str:
        """A regular expression (uncompiled, no flags) matching any word of the side and
        role: longest first, a space matching any spacing, an apostrophe either form."""
        forms = sorted(set(self.words.get((side, role), ())), key=lambda w: (-len(w), w))
        if not forms:
            return r"(?!x)x"
        spelt = (re.escape(w).replace(r"\ ", r"\s+").replace("'", "['\u2019]") for w in forms)
        return "(?:" + "|".join(spelt) + ")"


def _spelt(word: str) -> str:
    return re.escape(word).replace(r"\ ", r"\s*").replace(r"\-", "-?")


def alias_pattern(aliases: Iterable[str], cased: bool = False) -> re.Pattern[str]:
    """One pattern for the aliases: apostrophes optional, hyphens, spaces or quotes
    between words alike, a doubled letter written once or twice; short all-capital
    aliases as written. ``cased``: a word written with a capital in the alias starts
    with one in the text (a name, not a description: "Iraqi Resistance", not "an Iraqi
    resistance group"). An alias of no letter or digit ("-" for none) is none.

    >>> bool(alias_pattern(["Iraqi Resistance"], cased=True).search("an Iraqi resistance group"))
    False
    >>> bool(alias_pattern(["Iraqi Resistance"], cased=True).search("IRAQI RESISTANCE CLAIMS"))
    True
    >>> bool(alias_pattern(["-"]).search("any text at all"))
    False
    """
    loose: list[str] = []
    exact: list[str] = []
    for alias in (a.strip() for a in aliases):
        if not any(c.isalnum() for c in alias):
            continue  # blank, or a dash for "none": it would match anywhere
        if alias.isupper() and len(alias) <= SHORT_CAPITALS:
            exact.append(re.escape(alias))
            continue
        words = [w for w in re.split(r"[\s\-]+", alias.replace("'", "").replace("\u2019", "")) if w]
        # a name quoted in part ("the so-called "Islamic Resistance" in Iraq") is that name
        loose.append(r"[\s\-\"\u201c\u201d]+".join(_letters(w, cased) for w in words))
    parts = []
    if loose:
        parts.append(rf"(?i:\b(?:{'|'.join(sorted(loose, key=len, reverse=True))})\b)")
    if exact:
        parts.append(rf"\b(?:{'|'.join(exact)})(?!\w)")  # "U.S." ends in a stop
    return re.compile("|".join(parts) or r"(?!x)x")


def _letters(word: str, cased: bool = False) -> str:
    single = re.sub(r"(.)\1+", r"\1", word.lower())
    letters = [re.escape(c) + ("{1,2}" if c.isalpha() else "") for c in single]
    if cased and word[:1].isupper():
        letters[0] = f"(?-i:{re.escape(word[0])})"  # doubled first letters do not occur
    return "['\u2019]?".join(letters)


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a lexicon file, each with the row number Excel shows (blank lines
    count), by the names of its header (capitals and spaces around them do not matter):
    UTF-8 with or without a byte-order mark, or Windows-1252 (``lexicon_warning`` says
    so), parsed as a theater's CSV is (``read_csv_grid``: a quote in front of a cell
    Excel would take for a formula, ``'-back``, is no part of it). A file without the
    columns or a row, with a quote left open or a row of more or fewer cells than its
    header (an unquoted comma in a value) is refused."""
    grid = read_csv_grid(_text(path), str(path), None)
    records = grid.rows
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    header = [c.strip().lower() for c in records[0]] if records else []
    problem = _header_problem(records, columns)
    if grid.problems and (problem is None or len(records) < 2):
        # a quote left open, a row split at a comma: told as for a theater's CSV
        raise InputError(grid.problems)
    if problem is not None:
        expected = (
            f" (expected a header of the columns {', '.join(columns)}, then a row a line; it "
            "replaces the shipped file whole: copy the shipped file and edit the copy)"
        )
        raise InputError(
            [Problem(str(path), None, 1 if records else None, None, problem + expected)]
        )
    where = {name: header.index(name) for name in columns}
    return [
        (number, {name: cells[i] if i < len(cells) else "" for name, i in where.items()})
        for number, cells in enumerate(records[1:], start=2)
        if any(c.strip() for c in cells)
    ]


def _header_problem(records: list[list[str]], columns: tuple[str, ...]) -> str | None:
    """What keeps a file's records (blank ones at its end dropped) from being read, or
    None: no lines, no header on the first, a column missing from it, or no rows."""
    if not records:
        return "is empty"
    cells = records[0]
    header = [c.strip().lower() for c in cells]
    if not any(header):
        return "has no header on its first line"
    missing = [c for c in columns if c not in header]
    if missing and len(cells) == 1 and ";" in cells[0]:
        return "is separated by ';', not by commas: save it as CSV UTF-8 (comma delimited)"
    if missing:
        found = ", ".join(repr(c) for c in cells)
        return f"has no column {', '.join(missing)} (its header: {found})"
    return "has no rows" if len(records) < 2 else None


def _text(path: Path) -> str:
    """The text of a lexicon file, decoded as a planner's CSV is (``decode_csv``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(str(path), message=f"cannot be read ({exc})")]) from None
    text, problem = decode_csv(data, str(path))
    if problem is not None and problem.severity == "error":
        raise InputError([problem])
    return text


def lexicon_warning(path: Path) -> Problem | None:
    """The warning a lexicon file's encoding calls for (Windows-1252, not UTF-8), if any."""
    _, problem = decode_csv(path.read_bytes(), str(path))
    return problem if problem is not None and problem.severity == "warning" else None


def _one_of(
    path: Path,
    number: int,
    column: str,
    value: str,
    allowed: tuple[str, ...],
    problems: list[Problem],
) -> bool:
    """Whether ``value`` is one of ``allowed``; if not, the problem is added, naming the
    row and column."""
    if value in allowed:
        return True
    problems.append(
        Problem(str(path), None, number, column, f"{value!r} is not one of {', '.join(allowed)}")
    )
    return False


def _name(
    path: Path, number: int, row: dict[str, str], column: str, problems: list[Problem]
) -> str:
    """The row's name in ``column``, or "" with the problem added when it is blank."""
    name = (row[column] or "").strip()
    if not name:
        expected = {
            "actor": "the name the attacks sheet writes",
            "region": "a value of the bases sheet's region column",
            "place": "the town's name",
            "country": "the name the bases sheet's country column writes",
        }[column]
        problems.append(Problem(str(path), None, number, column, f"is blank: expected {expected}"))
    return name


def load_actors(path: Path) -> tuple[Actor, ...]:
    """The actors of an ``actors.csv`` (columns actor, kind, aliases), in file order:
    where two overlap in the text, the longer name names it, else the one listed first.
    A capital in an alias is one in the text: "an Iraqi resistance group" is no name."""
    problems: list[Problem] = []
    actors: list[Actor] = []
    for number, row in _rows(path, ("actor", "kind", "aliases")):
        kind = (row["kind"] or "").strip().lower()
        if not _name(path, number, row, "actor", problems):
            continue
        if kind not in KINDS:
            problems.append(
                Problem(
                    str(path), None, number, "kind", f"{kind!r} is not state, group or coalition"
                )
            )
            continue
        aliases = [row["actor"], *(row["aliases"] or "").split(";")]
        actors.append(Actor(row["actor"].strip(), kind, alias_pattern(aliases, cased=True)))  # type: ignore[arg-type]
    if problems:
        raise InputError(problems)
    return tuple(actors)


def load_regions(path: Path) -> tuple[Region, ...]:
    """The areas of a ``regions.csv`` (columns region, aliases)."""
    problems: list[Problem] = []
    found: dict[str, set[str]] = {}
    for number, row in _rows(path, ("region", "aliases")):
        region = _name(path, number, row, "region", problems)
        for alias in (a.strip() for a in (row["aliases"] or "").split(";")):
            if alias and region:
                found.setdefault(alias, set()).add(region)
    if problems:
        raise InputError(problems)
    return tuple(Region(frozenset(r), alias_pattern([a])) for a, r in found.items())


def load_places(path: Path) -> tuple[Place, ...]:
    """The towns of a ``places.csv`` (columns place, lat, lon, aliases)."""
    problems: list[Problem] = []
    places: list[Place] = []
    for number, row in _rows(path, ("place", "lat", "lon", "aliases")):
        point = _point(path, number, row, problems)
        if not _name(path, number, row, "place", problems) or point is None:
            continue
        names = [row["place"], *(row["aliases"] or "").split(";")]
        folded = frozenset(n.strip().lower() for n in names if n and n.strip())
        places.append(Place(folded, *point))
    if problems:
        raise InputError(problems)
    return tuple(places)


def _point(
    path: Path, number: int, row: dict[str, str], problems: list[Problem]
) -> tuple[float, float] | None:
    """The row's lat and lon, or None with the problem added."""
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (TypeError, ValueError):
        lat = lon = math.nan
        expected = f"lat {row['lat']!r}, lon {row['lon']!r}: expected two numbers (degrees)"
    else:
        expected = f"lat {lat}, lon {lon}: expected lat in -90..90 and lon in -180..180"
    if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0:
        return lat, lon
    problems.append(Problem(str(path), None, number, "lat", expected))
    return None


def load_countries(path: Path) -> tuple[Country, ...]:
    """The countries of a ``countries.csv`` (columns country, lat, lon, words; lat and
    lon may both be blank)."""
    problems: list[Problem] = []
    countries: list[Country] = []
    for number, row in _rows(path, ("country", "lat", "lon", "words")):
        if not _name(path, number, row, "country", problems):
            continue
        middle = None
        if (row["lat"] or "").strip() or (row["lon"] or "").strip():
            middle = _point(path, number, row, problems)
            if middle is None:
                continue
        words = frozenset(w.strip().lower() for w in (row["words"] or "").split(";") if w.strip())
        several = sorted(w for w in words if re.search(r"[\s\-]", w))
        if several:
            listed = ", ".join(repr(w) for w in several)
            problems.append(
                Problem(
                    str(path),
                    None,
                    number,
                    "words",
                    f"{listed}: expected one word each (a place is read word by word, so "
                    "words joined by a space or hyphen never name the country)",
                )
            )
            continue
        countries.append(Country((row["country"] or "").strip(), words, middle))
    if problems:
        raise InputError(problems)
    return tuple(countries)


def country_names(path: Path) -> set[str]:
    """The names a ``countries.csv`` lists, whatever else is wrong with its rows (empty
    when the file cannot be read): what its borders are checked against."""
    try:
        return {(row["country"] or "").strip() for _, row in _rows(path, ("country",))}
    except InputError:
        return set()


def load_borders(path: Path, countries: Iterable[str]) -> Borders:
    """The borders of a ``borders.csv`` (columns border: two ``;``-separated names of
    ``countries``, lat, lon): each border's points in file order."""
    known = set(countries)
    problems: list[Problem] = []
    lines: dict[frozenset[str], list[tuple[float, float]]] = {}
    for number, row in _rows(path, ("border", "lat", "lon")):
        pair = frozenset(n.strip() for n in (row["border"] or "").split(";") if n.strip())
        if len(pair) != 2 or not pair <= known:
            problems.append(
                Problem(
                    str(path),
                    None,
                    number,
                    "border",
                    f"{row['border']!r}: expected two countries of countries.csv, separated by ';'",
                )
            )
            continue
        point = _point(path, number, row, problems)
        if point is not None:
            lines.setdefault(pair, []).append(point)
    short = [" and ".join(sorted(pair)) for pair, line in lines.items() if len(line) < 2]
    if short:
        problems.append(
            Problem(
                str(path), message=f"needs two points or more of each border: {', '.join(short)}"
            )
        )
    if problems:
        raise InputError(problems)
    return {pair: tuple(line) for pair, line in lines.items()}


def _word(path: Path, number: int, row: dict[str, str], problems: list[Problem]) -> str:
    """The row's ``word`` (stripped; "" when blank, a row to skip); a word of no letter
    or digit ("-") is a problem, as its pattern would match anywhere."""
    word = (row["word"] or "").strip()
    if word and not any(c.isalnum() for c in word):
        problems.append(
            Problem(
                str(path),
                None,
                number,
                "word",
                f"{word!r} is no word: expected letters (a word of none would match anywhere)",
            )
        )
        return ""
    return word


def load_people(path: Path) -> People:
    """The words of a ``people.csv`` (columns word, plural, role)."""
    problems: list[Problem] = []
    words: dict[str, list[str]] = {}
    for number, row in _rows(path, ("word", "plural", "role")):
        role = (row["role"] or "").strip().lower()
        word = _word(path, number, row, problems)
        if not _one_of(path, number, "role", role, ROLES, problems) or not word:
            continue
        plural = (row["plural"] or "").strip()  # "-" for none is none
        forms = [f.lower() for f in (word, plural) if any(c.isalnum() for c in f)]
        words.setdefault(role, []).extend(forms)
    if problems:
        raise InputError(problems)
    return People({role: tuple(forms) for role, forms in words.items()})


def _classed_words(
    path: Path, first: tuple[str, tuple[str, ...]], second: tuple[str, tuple[str, ...]]
) -> dict[tuple[str, str], tuple[str, ...]]:
    """The words of a file of columns ``word`` and two classes, each with the values it
    allows, by their pair of classes; a value not allowed is a problem naming its row."""
    problems: list[Problem] = []
    words: dict[tuple[str, str], list[str]] = {}
    for number, row in _rows(path, ("word", first[0], second[0])):
        a, b = ((row[c] or "").strip().lower() for c in (first[0], second[0]))
        known_a = _one_of(path, number, first[0], a, first[1], problems)
        known_b = _one_of(path, number, second[0], b, second[1], problems)
        word = _word(path, number, row, problems).lower()
        if word and known_a and known_b:
            words.setdefault((a, b), []).append(word)
    if problems:
        raise InputError(problems)
    return {key: tuple(forms) for key, forms in words.items()}


def load_harm(path: Path) -> HarmWords:
    """The words of a ``harm.csv`` (columns word, part, role)."""
    return HarmWords(_classed_words(path, ("part", HARM_PARTS), ("role", HARM_ROLES)))


def load_actor_roles(path: Path) -> ActorRoleWords:
    """The words of an ``actor_roles.csv`` (columns word, side, role)."""
    return ActorRoleWords(_classed_words(path, ("side", ROLE_SIDES), ("role", ACTOR_ROLES)))


def load_forces(path: Path) -> Forces:
    """The words of a ``forces.csv`` (columns word, role); a word of capitals only keeps
    its case ("US"), every other is matched in any case."""
    problems: list[Problem] = []
    words: dict[str, list[str]] = {}
    for number, row in _rows(path, ("word", "role")):
        role = (row["role"] or "").strip().lower()
        word = _word(path, number, row, problems)
        if _one_of(path, number, "role", role, FORCE_ROLES, problems) and word:
            words.setdefault(role, []).append(word if word.isupper() else word.lower())
    if problems:
        raise InputError(problems)
    return Forces({role: tuple(forms) for role, forms in words.items()})


def load_weapon_words(path: Path) -> WeaponWords:
    """The words of a ``weapon_words.csv`` (columns word, weapon, form)."""
    classes = (*WEAPON_CLASSES, DEFENCE)
    return WeaponWords(_classed_words(path, ("weapon", classes), ("form", WEAPON_FORMS)))
