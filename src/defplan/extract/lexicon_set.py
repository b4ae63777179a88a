r"""The lexicons one extraction reads, as a set: the shipped files, each replaced by a
theater's own file of the same name, and the patterns built from whichever set is in use.

A rule's pattern names the words it needs by a slot (``slot("people.counted")``) instead
of holding them; a :class:`LexicalPattern` fills its slots from the set in use
(:func:`using_lexicons`, which :func:`defplan.extract.extract_articles` enters) and
compiles once per set. So a theater's ``forces.csv`` or ``weapon_words.csv`` changes
what every rule reads, and no rule holds a word of the data.

>>> counted = LexicalPattern(rf"\btwo\s+{slot('people.counted')}\b", re.I)
>>> bool(counted.search("two soldiers")), load_lexicons(None).replaced
(True, ())
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     _ = (Path(folder) / "people.csv").write_text("word,plural,role\nwarden,wardens,counted\n")
...     own = load_lexicons(Path(folder))
>>> with using_lexicons(own):
...     bool(counted.search("two soldiers")), bool(counted.search("two wardens"))
(False, True)
>>> [file for file, _ in own.replaced]
['people.csv']
"""

from __future__ import annotations

import hashlib
import re
import sys
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Final

from defplan.errors import InputError, Problem
from defplan.extract.lexicon_files import (
    DEFAULTS,
    Actor,
    ActorRoleWords,
    Borders,
    Country,
    Forces,
    HarmWords,
    People,
    Place,
    Region,
    WeaponWords,
    country_names,
    lexicon_warning,
    load_actor_roles,
    load_actors,
    load_borders,
    load_countries,
    load_forces,
    load_harm,
    load_people,
    load_places,
    load_regions,
    load_weapon_words,
)

#: the lexicon files, each of which a theater's folder may replace
FILES: Final = (
    "actors.csv",
    "regions.csv",
    "places.csv",
    "countries.csv",
    "borders.csv",
    "people.csv",
    "harm.csv",
    "actor_roles.csv",
    "forces.csv",
    "weapon_words.csv",
)


@dataclass(frozen=True, eq=False)  # one set is itself only: patterns are cached by it
class Lexicons:
    """Every lexicon extraction reads, and which of them a theater's folder replaced."""

    actors: tuple[Actor, ...]
    regions: tuple[Region, ...]
    places: tuple[Place, ...]
    countries: tuple[Country, ...]
    borders: Borders
    people: People
    harm: HarmWords
    actor_roles: ActorRoleWords
    forces: Forces
    weapon_words: WeaponWords
    #: the theater's own files, each with its SHA-256 (12 hex digits), in ``FILES`` order
    replaced: tuple[tuple[str, str], ...] = ()
    folder: Path | None = None
    #: what reading the theater's files calls for saying (one saved as Windows-1252)
    warnings: tuple[Problem, ...] = ()

    @cached_property
    def weapons(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """One pattern per weapon class, most specific first (``WeaponWords.patterns``)."""
        return self.weapon_words.patterns()

    def fragment(self, name: str) -> str:
        """The regular expression (uncompiled) a slot of this name stands for:
        ``people.<role>``, ``forces.<role>``, ``harm.<part>[.<role>...]``,
        ``weapons[.<class>...]`` (the weapon words of the classes, every class when none
        is named) or ``weapon[.<class>...]`` (the same without a plural "s").

        >>> load_lexicons(None).fragment("harm.noun.killed").startswith("(?:")
        True
        """
        kind, _, rest = name.partition(".")
        if kind in ("weapons", "weapon"):
            classes = rest.split(".") if rest else ()
            return self.weapon_words.pattern(*classes, plural=kind == "weapons")
        if kind == "people":
            return self.people.pattern(rest)  # type: ignore[arg-type]
        if kind == "forces":
            return self.forces.pattern(rest)  # type: ignore[arg-type]
        if kind == "harm":
            part, *roles = rest.split(".")
            return self.harm.pattern(part, *roles)
        raise KeyError(f"no lexicon slot {name!r}")


def _digest(path: Path) -> str:
    """The file's SHA-256 (12 hex digits); "" when it cannot be opened (its loader says
    why, with the file's name)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return ""


@lru_cache(maxsize=1)
def shipped_lexicons() -> Lexicons:
    """The lexicons shipped for the example theater."""
    countries = load_countries(DEFAULTS / "countries.csv")
    return Lexicons(
        actors=load_actors(DEFAULTS / "actors.csv"),
        regions=load_regions(DEFAULTS / "regions.csv"),
        places=load_places(DEFAULTS / "places.csv"),
        countries=countries,
        borders=load_borders(DEFAULTS / "borders.csv", (c.name for c in countries)),
        people=load_people(DEFAULTS / "people.csv"),
        harm=load_harm(DEFAULTS / "harm.csv"),
        actor_roles=load_actor_roles(DEFAULTS / "actor_roles.csv"),
        forces=load_forces(DEFAULTS / "forces.csv"),
        weapon_words=load_weapon_words(DEFAULTS / "weapon_words.csv"),
    )


_LOADERS: Final[dict[str, Callable[[Path], object]]] = {
    "actors.csv": load_actors,
    "regions.csv": load_regions,
    "places.csv": load_places,
    "countries.csv": load_countries,
    "people.csv": load_people,
    "harm.csv": load_harm,
    "actor_roles.csv": load_actor_roles,
    "forces.csv": load_forces,
    "weapon_words.csv": load_weapon_words,
}


def load_lexicons(folder: Path | None) -> Lexicons:
    """The lexicons to read with: each file of ``folder`` (a theater's ``lexicons/``)
    replaces the shipped one of its name; None gives the shipped set. Every problem of
    every file is reported at once; a CSV file of no lexicon's name is one (a misspelt
    name would otherwise leave the shipped file in use unnoticed). A folder read before
    and unchanged since gives the same set, so its patterns are not compiled again."""
    if folder is None:
        return shipped_lexicons()
    if not folder.is_dir():
        raise InputError([Problem(str(folder), message="is not a folder of lexicon files")])
    return _load_folder(folder.resolve(), _contents(folder))


def _contents(folder: Path) -> tuple[tuple[str, str], ...]:
    """Each file of ``folder`` that is read or refused, by name, with its content's
    SHA-256 (12 hex digits): the folder as read, whatever its files' times say. Hidden
    files and the lock files Excel (``~$``) and LibreOffice (``.~lock``) leave beside a
    file they hold open are let be."""
    return tuple(
        (p.name, _digest(p))
        for p in sorted(folder.iterdir())
        if not p.name.startswith((".", "~$")) and _is_lexicon_like(p.name) and p.is_file()
    )


#: what a lexicon saved from a spreadsheet or an editor may end in, other than .csv
_SAVED_AS: Final = (".xlsx", ".xlsm", ".xls", ".ods", ".txt", ".tsv")


def _is_lexicon_like(name: str) -> bool:
    """Whether a file of this name is a CSV file, or a lexicon saved in another format
    (``forces.xlsx``, ``forces.csv.txt``); a backup (``forces.csv.bak``) is neither."""
    stem = name.split(".", 1)[0].lower()
    suffix = Path(name).suffix.lower()
    return suffix == ".csv" or (suffix in _SAVED_AS and f"{stem}.csv" in FILES)


def _misnamed(folder: Path, name: str) -> Problem:
    """The problem of a file in a lexicons folder that is not read: not a lexicon's
    name (a misspelt name would leave the shipped file in use unnoticed), or not CSV."""
    stem = name.split(".", 1)[0].lower()
    if not name.lower().endswith(".csv"):
        why = f"is not read: save it as CSV UTF-8 named {stem}.csv"
    elif name.lower() in FILES:
        why = f"is not read: name it {name.lower()} (lower case)"
    else:
        why = f"is no lexicon file: expected one of {', '.join(FILES)}"
    return Problem(str(folder / name), message=why)


@lru_cache(maxsize=8)
def _load_folder(folder: Path, contents: tuple[tuple[str, str], ...]) -> Lexicons:
    problems = [_misnamed(folder, name) for name, _ in contents if name not in FILES]
    shipped = shipped_lexicons()
    read: dict[str, object] = {}
    for name, loader in _LOADERS.items():
        if (folder / name).is_file():
            try:
                read[name] = loader(folder / name)
            except InputError as exc:
                problems.extend(exc.problems)
    failed = (folder / "countries.csv").is_file() and "countries.csv" not in read
    countries = None if failed else read.get("countries.csv", shipped.countries)
    borders = _borders(folder, countries, shipped, problems)  # type: ignore[arg-type]
    if problems:
        raise InputError(problems)
    own: dict[str, Any] = {name.removesuffix(".csv"): value for name, value in read.items()}
    return replace(
        shipped,
        **own,
        borders=borders,
        replaced=tuple(sorted(((n, d) for n, d in contents if n in FILES), key=_in_files_order)),
        folder=folder,
        warnings=tuple(
            w for n in FILES if (folder / n).is_file() and (w := lexicon_warning(folder / n))
        ),
    )


def _in_files_order(item: tuple[str, str]) -> int:
    return FILES.index(item[0])


def _borders(
    folder: Path, countries: tuple[Country, ...] | None, shipped: Lexicons, problems: list[Problem]
) -> Borders:
    """The folder's borders (between its countries), else the shipped borders between
    countries the set names (those of countries it does not name cannot be told).
    ``countries`` None: the folder's countries.csv has problems, and its borders are
    checked against the names it lists (none, when it cannot be read at all)."""
    if countries is None:
        names = country_names(folder / "countries.csv")
    else:
        names = {c.name for c in countries}
    if (folder / "borders.csv").is_file():
        if not names:
            return {}  # nothing to check them against until countries.csv is read
        try:
            return load_borders(folder / "borders.csv", names)
        except InputError as exc:
            problems.extend(exc.problems)
            return {}
    return {pair: line for pair, line in shipped.borders.items() if pair <= names}


def theater_lexicons(theater: Path) -> Path | None:
    """The folder of a theater's own lexicons, where ``defplan extract`` looks when no
    ``--lexicons`` is given: ``lexicons/`` inside a theater of CSV sheets, else beside the
    theater (its workbook or folder); None when there is none.

    >>> theater_lexicons(Path("inputs/iraq_syria.xlsx")) is None  # the shipped ones
    True
    """
    inside = theater / "lexicons" if theater.is_dir() else None
    beside = theater.resolve().parent / "lexicons"
    return next((f for f in (inside, beside) if f is not None and f.is_dir()), None)


_ACTIVE: ContextVar[Lexicons | None] = ContextVar("defplan_lexicons", default=None)


def active_lexicons() -> Lexicons:
    """The set extraction reads with now: the one :func:`using_lexicons` entered, else
    the shipped one."""
    return _ACTIVE.get() or shipped_lexicons()


@contextmanager
def using_lexicons(lexicons: Lexicons) -> Iterator[Lexicons]:
    """Read with ``lexicons`` inside the block (this thread or task only)."""
    token = _ACTIVE.set(lexicons)
    try:
        yield lexicons
    finally:
        _ACTIVE.reset(token)


#: a slot in a pattern's text; ``re.compile`` refuses it ("unknown extension"), so a
#: pattern with a slot read without its lexicons fails loudly instead of matching nothing
_SLOT: Final = re.compile(r"\(\?<lexicon:([a-z_.]+)>\)")


def slot(name: str) -> str:
    """The place in a pattern's text for the words of ``name`` in the lexicons in use
    (see :meth:`Lexicons.fragment`); only a :class:`LexicalPattern` fills it."""
    return f"(?<lexicon:{name}>)"


class LexicalPattern:
    """A regular expression whose slots are filled from the lexicons in use, compiled
    once per set; it searches as a compiled pattern does."""

    def __init__(self, template: str, flags: int | re.RegexFlag = 0) -> None:
        self.template = template
        self.flags = flags
        self._by_set: weakref.WeakKeyDictionary[Lexicons, re.Pattern[str]] = (
            weakref.WeakKeyDictionary()
        )
        self._last: tuple[Lexicons, re.Pattern[str]] | None = None
        self.compiled()  # a bad slot fails on import, not in the middle of a run

    def compiled(self, lexicons: Lexicons | None = None) -> re.Pattern[str]:
        """The pattern with the slots filled from ``lexicons`` (default: those in use)."""
        chosen = lexicons or active_lexicons()
        last = self._last
        if last is not None and last[0] is chosen:
            return last[1]
        pattern = self._by_set.get(chosen)
        if pattern is None:
            text = _SLOT.sub(lambda m: f"(?:{chosen.fragment(m.group(1))})", self.template)
            pattern = re.compile(text, self.flags)
            self._by_set[chosen] = pattern
        self._last = (chosen, pattern)
        return pattern

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """As ``re.Pattern.search``."""
        return self.compiled().search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """As ``re.Pattern.match``."""
        return self.compiled().match(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        """As ``re.Pattern.fullmatch``."""
        return self.compiled().fullmatch(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        """As ``re.Pattern.finditer``."""
        return self.compiled().finditer(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        """As ``re.Pattern.sub``."""
        return self.compiled().sub(repl, string, count)
