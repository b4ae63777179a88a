"""What ``defplan extract`` writes: the rows CSV, the attacks sheet and the review page
beside them, checked before any article is read and written as one set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from defplan.atomic import check_out_file, output_set
from defplan.errors import InputError, Problem
from defplan.extract.review import write_review_page
from defplan.extract.sheet import write_attacks_sheet, write_rows_csv

if TYPE_CHECKING:
    from defplan.extract import Extraction


def review_path(csv_path: Path | None) -> Path | None:
    """The review page written beside the CSV (None without one).

    >>> review_path(Path("out/attacks.csv")).name
    'attacks_review.html'
    """
    return None if csv_path is None else csv_path.with_name(f"{csv_path.stem}_review.html")


def check_outputs(out: Path | None, attacks_sheet: Path | None, inputs: Sequence[Path]) -> None:
    """Refuse outputs that are inputs, are not ``.csv`` names or are one file, and a
    review page that would replace an input: one problem each, before any work."""
    outputs = [p for p in (out, attacks_sheet) if p is not None]
    for output in outputs:
        check_out_file(output, list(inputs))
        if output.suffix.lower() != ".csv":
            raise InputError(
                [Problem(str(output), message="is not a .csv name (both files are written as CSV)")]
            )
    if out is not None and attacks_sheet is not None and out.resolve() == attacks_sheet.resolve():
        raise InputError([Problem(str(out), message="--out and --attacks-sheet are one file")])
    review = review_path(out or attacks_sheet)
    if review is not None:
        check_out_file(review, list(inputs))


def write_extraction(
    result: Extraction,
    out: Path | None,
    attacks_sheet: Path | None,
    kept: Mapping[str, str] | None = None,
) -> list[Path]:
    """The rows CSV (``out``), the attacks sheet (keeping the reviews in ``kept``) and
    the review page beside the first of them: every file appears, or none, even in two
    folders."""
    review = review_path(out or attacks_sheet)
    targets = [p for p in (out, attacks_sheet, review) if p is not None]
    if not targets:  # the rows were only to be shown
        return []
    with output_set(*(path.parent for path in targets)):
        written = [write_rows_csv(result.rows, out)] if out is not None else []
        if attacks_sheet is not None:
            written.append(write_attacks_sheet(result.attacks, attacks_sheet, kept))
        if review is not None:
            written.append(write_review_page(result.rows, dict(result.texts), review))
    return written
