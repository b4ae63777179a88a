"""``defplan extract``: attacks on bases read from news articles, for review.

A thin layer over :func:`defplan.extract.extract`, which loads the language tools
(spaCy, dateparser) when the command runs, not when ``defplan`` starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from defplan.cli.common import (
    EXIT_BAD_INPUT,
    console,
    errors,
    literal,
    print_problems,
    reports_bad_input,
)
from defplan.errors import InputError, Problem

if TYPE_CHECKING:
    from defplan.extract import Extraction


def extract_command(
    articles: Annotated[
        list[Path], typer.Argument(help="plain-text article files (UTF-8)", show_default=False)
    ],
    theater: Annotated[
        Path,
        typer.Option(
            "--theater", help="theater workbook (.xlsx) or CSV folder whose bases sites resolve to"
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="CSV to write: one row per attack per article (never an input)"),
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option(help="CSV with columns file, published, for articles without a DATE: line"),
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(help="publication day (YYYY-MM-DD) of articles nothing else dates"),
    ] = None,
    attacks_sheet: Annotated[
        Path | None,
        typer.Option(
            "--attacks-sheet",
            help="CSV to write: one row per event in the attacks-sheet format (all sources)",
        ),
    ] = None,
    lexicons: Annotated[
        Path | None,
        typer.Option(
            "--lexicons",
            help="folder of this theater's lexicon files (actors, regions, places, "
            "countries, borders, people, harm, actor_roles, forces, weapon_words .csv), each "
            "replacing the shipped one (default: a lexicons/ folder inside a theater folder "
            "or beside the theater's workbook)",
        ),
    ] = None,
) -> None:
    """Read attacks on bases from news articles: site, date, weapon, counts, with spans."""
    reports_bad_input(_run)(articles, theater, out, manifest, published, attacks_sheet, lexicons)


def _run(
    articles: list[Path],
    theater: Path,
    out: Path | None,
    manifest: Path | None,
    published: str | None,
    attacks_sheet: Path | None,
    lexicons: Path | None = None,
) -> None:
    from defplan.extract import extract, previous_reviews
    from defplan.extract.articles import parse_day
    from defplan.extract.lexicon_set import theater_lexicons
    from defplan.extract.writers import check_outputs, write_extraction
    from defplan.workbook import load_scenario

    day = None
    if published is not None:
        day = parse_day(published)
        if day is None:
            raise InputError(
                [Problem("--published", message=f"{published!r} is not a day (YYYY-MM-DD)")]
            )
    if lexicons is None:
        lexicons = theater_lexicons(theater)
    # the lexicons folder is an input: every CSV in it is read as a lexicon
    read = [
        theater,
        *articles,
        *([manifest] if manifest else []),
        *([lexicons] if lexicons else []),
    ]
    check_outputs(out, attacks_sheet, read)
    scenario = load_scenario(theater)
    result = extract(articles, scenario, manifest=manifest, published=day, lexicons=lexicons)
    console.print(rows_table(result))
    events = len({r.event_id for r in result.rows})
    told = len({r.article_file for r in result.rows})
    console.print(
        f"{len(result.rows)} attack(s) told in {told} of {len(articles)} article(s): "
        f"{events} event(s) · sites resolved {sum(1 for r in result.rows if r.base_id)}"
        f"/{len(result.rows)}"
    )
    print_problems(list(result.notes))
    kept = previous_reviews(attacks_sheet) if attacks_sheet is not None else {}
    for path in write_extraction(result, out, attacks_sheet, kept):
        console.print(f"wrote {path}", markup=False)
    if kept:
        console.print(f"{len(kept)} review(s) kept in {attacks_sheet}", markup=False)
    if result.skipped:
        # the others were read and written; the exit code still says the run was partial
        errors.print(
            f"[bold red]{len(result.skipped)} article(s) skipped (listed above); "
            f"the other {len(articles) - len(result.skipped)} were extracted.[/]"
        )
        raise typer.Exit(EXIT_BAD_INPUT)


def rows_table(result: Extraction) -> Table:
    """The extracted rows as a rich table, one line per attack per article."""
    table = Table(title="Attacks read from the articles", title_justify="left")
    for name, justify in (
        ("article", "left"),
        ("site", "left"),
        ("base_id", "left"),
        ("date", "left"),
        ("weapon", "left"),
        ("fired", "right"),
        ("killed", "right"),
        ("wounded", "right"),
        ("event_id", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    frame = result.frame()

    def shown(value: object) -> str:
        return "" if value is None or str(value) in ("<NA>", "nan", "None") else literal(value)

    for row in frame.to_dict("records"):
        table.add_row(
            shown(row["article_file"]),
            shown(row["base"]),
            shown(row["base_id"]) or "[dim]not in theater[/]",
            shown(row["date"]),
            shown(row["weapon"]),
            shown(row["munitions"]),
            shown(row["killed"]),
            shown(row["wounded"]),
            shown(row["event_id"]),
        )
    return table
