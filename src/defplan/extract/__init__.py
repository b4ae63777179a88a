r"""Attacks on bases read from news articles, for a planner to review.

>>> import datetime as dt
>>> from defplan.scenario import BaseRow
>>> bases = [BaseRow(base_id="taji", name="Camp Taji", aliases="Taji", lat=33.5, lon=44.3,
...                  troops=0)]
>>> found = extract_text(
...     "Five rockets hit Camp Taji on Saturday, wounding two contractors.",
...     bases, published=dt.date(2020, 3, 16))
>>> row = found.rows[0]
>>> row.base_id, row.date, row.weapon, row.munitions, row.killed, row.wounded
('taji', datetime.date(2020, 3, 14), 'rocket', 5, 0, 2)

Reading files against a theater (from the repository's root):

>>> import tempfile
>>> from pathlib import Path
>>> from defplan.workbook import load_scenario
>>> theater = load_scenario("inputs/iraq_syria.xlsx")
>>> text = "DATE: 2024-02-05\n\nThree rockets hit Al Asad Air Base on Sunday, a US "
>>> text += "official said. Two soldiers were wounded.\n"
>>> with tempfile.TemporaryDirectory() as folder:
...     article = Path(folder) / "report.txt"
...     _ = article.write_text(text, encoding="utf-8")
...     [attack] = extract([article], theater).attacks
>>> attack.attack_id, attack.weapon, attack.munitions, attack.wounded
('a2024_02_04_al_asad', 'rocket', 3, 2)
>>> attack.evidence  # the first sentence, as character offsets into the file
('report.txt:18-83',)

The pipeline, one module per step: :mod:`~defplan.extract.articles` (files, dates),
:mod:`~defplan.extract.sentences`, :mod:`~defplan.extract.mentions` (which clauses
tell of an attack; with :mod:`~defplan.extract.lexicon`, :mod:`~defplan.extract.sites`,
:mod:`~defplan.extract.dates`, :mod:`~defplan.extract.counts`),
:mod:`~defplan.extract.events` (mentions → attacks → events; with
:mod:`~defplan.extract.linking` and :mod:`~defplan.extract.attach`, which attack a fact
told apart from it is about) and
:mod:`~defplan.extract.sheet` (files). docs/extraction.md explains the conventions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from defplan.errors import Problem
from defplan.extract.articles import Article, read_articles
from defplan.extract.dates import Anchor
from defplan.extract.events import COLUMNS, ExtractedAttack, assign_event_ids, group_mentions
from defplan.extract.language import function_shares, not_english
from defplan.extract.lexicon_set import Lexicons, load_lexicons, using_lexicons
from defplan.extract.mentions import read_mentions
from defplan.extract.review import review_html, write_review_page
from defplan.extract.sheet import (
    attack_rows,
    previous_reviews,
    rows_frame,
    write_attacks_sheet,
    write_rows_csv,
)
from defplan.extract.sites import Gazetteer
from defplan.scenario import AttackRow, BaseRow, Scenario

__all__ = [
    "COLUMNS",
    "Article",
    "ExtractedAttack",
    "Extraction",
    "extract",
    "extract_articles",
    "extract_text",
    "previous_reviews",
    "write_attacks_sheet",
    "write_review_page",
    "write_rows_csv",
]


@dataclass(frozen=True)
class Extraction:
    """What extraction found.

    Attributes
    ----------
    rows : one row per attack per article (``attacks.csv``), ordered by article and
        position; rows about one attack share ``event_id``.
    attacks : one attacks-sheet row per event, every source listed, ordered by date.
    notes : articles skipped (errors: unreadable, missing), articles read without a
        publication date (warnings), articles with nothing to extract, weapon classes
        the theater lacks.
    """

    rows: tuple[ExtractedAttack, ...]
    attacks: tuple[AttackRow, ...]
    notes: tuple[Problem, ...] = ()
    texts: tuple[tuple[str, str], ...] = ()  # (article file, text) of the articles read

    @property
    def skipped(self) -> tuple[Problem, ...]:
        """One error per article that could not be read (the others were extracted)."""
        return tuple(p for p in self.notes if p.severity == "error")

    def review_html(self) -> str:
        """The offline review page: each attack's words highlighted in its article."""
        return review_html(self.rows, dict(self.texts))

    def frame(self) -> pd.DataFrame:
        """``rows`` as the table ``attacks.csv`` holds."""
        return rows_frame(self.rows)


def extract_articles(
    articles: Sequence[Article],
    bases: Iterable[BaseRow],
    weapons: Iterable[str] | None = None,
    lexicons: Path | str | None = None,
) -> Extraction:
    """Extract attacks from articles already read (see :func:`extract` for files)."""
    chosen = load_lexicons(Path(lexicons) if lexicons is not None else None)
    with using_lexicons(chosen):
        rows, notes = _read(articles, bases, chosen)
    named = assign_event_ids(rows)
    sheet = attack_rows(named)
    known = set(weapons) if weapons is not None else None
    if known is not None:
        for attack in sheet:
            if attack.weapon not in known:
                notes.append(
                    Problem(
                        "attacks sheet",
                        row=None,
                        column="weapon",
                        message=f"{attack.attack_id}: {attack.weapon!r} is not in the theater's "
                        "weapons sheet; add it there or change the row before loading",
                        severity="warning",
                    )
                )
    texts = tuple((a.file, a.text) for a in sorted(articles, key=lambda a: a.file))
    return Extraction(tuple(named), tuple(sheet), tuple(notes), texts)


def _read(
    articles: Sequence[Article], bases: Iterable[BaseRow], lexicons: Lexicons
) -> tuple[list[ExtractedAttack], list[Problem]]:
    """Each article's attacks, read with ``lexicons`` (which must be in use), and the
    notes on them: first one per lexicon file of the theater's own, then per article."""
    gazetteer = Gazetteer.from_bases(bases, lexicons.regions, lexicons.actors, lexicons.places)
    rows: list[ExtractedAttack] = []
    notes = [
        Problem(
            str((lexicons.folder or Path()) / name),
            message=f"read instead of the shipped {name} (sha256 {digest})",
            severity="note",
        )
        for name, digest in lexicons.replaced
    ]
    notes.extend(lexicons.warnings)
    for article in sorted(articles, key=lambda a: a.file):
        reading = read_mentions(article, gazetteer, lexicons.actors)
        found = group_mentions(
            reading.mentions,
            reading.attributions,
            reading.context_dates,
            reading.headline_site,
            reading.headline_toll,
            reading.other_events,
        )
        if not_english(article.text):
            notes.append(_language_note(article.file, article.text, len(found)))
        elif not found:
            notes.append(
                Problem(article.file, message="tells of no attack on a base", severity="note")
            )
        if reading.anchor is not None:
            notes.append(_anchor_note(article.file, reading.anchor))
        rows.extend(found)
    return rows, notes


def _language_note(file: str, text: str, found: int) -> Problem:
    """The warning that an article does not read as English, the rules' language."""
    english, other, latin = function_shares(text)
    why = (
        f"{1 - latin:.0%} of its words are not in Latin letters"
        if latin < 0.5
        else f"{other:.0%} of its words are function words of other languages, "
        f"{english:.0%} English ones"
    )
    return Problem(
        file,
        message=f"does not read as English ({why}): the rules read English, so the "
        f"{found} attack(s) read from it may miss some; read it by hand",
        severity="warning",
    )


def _anchor_note(file: str, anchor: Anchor) -> Problem:
    """The note that an undated article's days without a year were read against
    ``anchor`` (and its weekdays, when the text names that day's weekday)."""
    read = "weekdays and days without a year" if anchor.weekdays else "days without a year"
    why = (
        "the latest day the text writes with its year and whose weekday it names"
        if anchor.weekdays
        else "the latest day the text writes with its year (an embedded post's stamp or a "
        "sentence telling an attack); its weekdays were left blank"
    )
    return Problem(
        file,
        message=f"{read} were read as on or before {anchor.day}, {why}; check them",
        severity="note",
    )


def extract(
    articles: Iterable[Path | str],
    theater: Scenario,
    *,
    manifest: Path | str | None = None,
    published: dt.date | None = None,
    lexicons: Path | str | None = None,
) -> Extraction:
    """Read article files and extract every attack on a site they tell of.

    Each attack's site is resolved through the theater's bases, its date read against
    the publication day, its counts and actor taken where the text says them; the same
    attack told twice (in one article or several) becomes one event citing every source.

    Parameters
    ----------
    articles : iterable of path or str
        Plain-text article files (UTF-8).
    theater : Scenario
        Its bases are what sites resolve to; its weapons sheet names the classes.
    manifest : path or str, optional
        CSV with columns ``file`` and ``published`` for articles without ``DATE:``.
    published : datetime.date, optional
        The publication day of articles nothing else dates.
    lexicons : path or str, optional
        A folder of the theater's own lexicon files: each of ``actors.csv``,
        ``regions.csv``, ``places.csv``, ``countries.csv``, ``borders.csv``,
        ``people.csv``, ``harm.csv``, ``actor_roles.csv``, ``forces.csv`` and
        ``weapon_words.csv`` it holds replaces the shipped one (a note in ``notes``
        names it with its hash); any other CSV file there is refused.

    Returns
    -------
    Extraction
        Rows per article and merged events (``attacks``). An article that cannot be
        read is skipped with an error in ``notes`` (``Extraction.skipped``); one
        without a publication date is read, its relative dates left blank.

    Raises
    ------
    InputError
        A manifest that cannot be read (it concerns every article).
    """
    read, problems = read_articles(
        [Path(a) for a in articles], Path(manifest) if manifest is not None else None, published
    )
    result = extract_articles(
        read, theater.bases, [w.weapon for w in theater.weapons], lexicons=lexicons
    )
    return Extraction(result.rows, result.attacks, (*problems, *result.notes), result.texts)


def extract_text(
    text: str,
    bases: Iterable[BaseRow],
    *,
    published: dt.date,
    file: str = "article.txt",
    lexicons: Path | str | None = None,
) -> Extraction:
    """Extract the attacks one article's text tells of (no file needed); ``lexicons`` as
    for :func:`extract`."""
    return extract_articles(
        [Article(file=file, text=text, published=published)], bases, lexicons=lexicons
    )
