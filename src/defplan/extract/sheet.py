"""Extracted rows as files: ``attacks.csv`` (one row per attack per article) and the
attacks sheet (one row per event, every source listed), which loads back as a theater's
``attacks.csv`` unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from defplan.extract.events import COLUMNS, ExtractedAttack
from defplan.fields import format_partial_date
from defplan.safe_csv import unescape_cell, write_csv, write_frame_csv
from defplan.scenario import AttackRow, Scenario
from defplan.workbook.write import sheet_table

REVIEW_NOTE = "Extracted from news text by defplan extract; check against the sources."
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


def rows_frame(rows: Sequence[ExtractedAttack]) -> pd.DataFrame:
    """The rows as a table with the columns of ``attacks.csv``; blank = not told."""
    records: list[dict[str, Any]] = []
    for row in rows:
        record: dict[str, Any] = {column: getattr(row, column) for column in COLUMNS}
        record["date"] = (
            format_partial_date(row.date, row.date_precision)
            if row.date is not None and row.date_precision is not None
            else None
        )
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    for column in ("munitions", "killed", "wounded", "span_start", "span_end"):
        frame[column] = frame[column].astype("Int64")
    return frame


def write_rows_csv(rows: Sequence[ExtractedAttack], path: Path) -> Path:
    """Write ``attacks.csv`` (UTF-8) all at once."""
    return write_frame_csv(rows_frame(rows), path)


def _larger(values: list[int | None]) -> tuple[int | None, bool]:
    stated = [v for v in values if v is not None]
    return (max(stated) if stated else None), len(set(stated)) > 1


def attack_rows(rows: Sequence[ExtractedAttack]) -> list[AttackRow]:
    """One attacks-sheet row per event: the most precise date, the larger of differing
    counts (noted), the first article's wording, every source and its span."""
    events: dict[str, list[ExtractedAttack]] = {}
    for row in rows:
        events.setdefault(row.event_id, []).append(row)
    sheet: list[AttackRow] = []
    for event_id, members in events.items():
        members = sorted(members, key=lambda r: (r.article_file, r.span_start))
        dated = [m for m in members if m.date is not None and m.date_precision is not None]
        best = min(dated, key=lambda m: _PRECISION_RANK[m.date_precision or "year"], default=None)
        notes = [REVIEW_NOTE]
        counts: dict[str, int | None] = {}
        for column in ("munitions", "killed", "wounded"):
            value, differ = _larger([getattr(m, column) for m in members])
            counts[column] = value
            if differ:
                told = ", ".join(
                    f"{getattr(m, column)} in {m.article_file}"
                    for m in members
                    if getattr(m, column) is not None
                )
                notes.append(f"Sources differ on {column}: {told}; {value} kept.")
        sheet.append(
            AttackRow(
                attack_id=event_id,
                date=best.date if best else None,
                date_precision=best.date_precision if best else None,
                base_id=next((m.base_id for m in members if m.base_id), None),
                site=members[0].base,
                actor=next((m.actor for m in members if m.actor), None),
                weapon=next((m.weapon for m in members if m.weapon), "other"),
                munitions=counts["munitions"],
                killed=counts["killed"],
                wounded=counts["wounded"],
                source=tuple(dict.fromkeys(m.article_file for m in members)),
                evidence=tuple(f"{m.article_file}:{m.span_start}-{m.span_end}" for m in members),
                notes=" ".join(notes),
            )
        )
    return sorted(sheet, key=lambda a: (a.date or dt.date.min, a.attack_id))


#: the planner's column in the attacks sheet: accept or reject, kept across re-runs
REVIEW_COLUMN = "review"


def previous_reviews(path: Path) -> dict[str, str]:
    """attack_id → the planner's ``review`` cell of an attacks sheet written before
    (empty when there is no such file or column)."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return {}
    if REVIEW_COLUMN not in frame.columns or "attack_id" not in frame.columns:
        return {}
    frame = frame.map(unescape_cell)  # as safe_csv wrote it
    return {a: r for a, r in zip(frame["attack_id"], frame[REVIEW_COLUMN], strict=True) if r}


def write_attacks_sheet(
    attacks: Sequence[AttackRow], path: Path, reviews: Mapping[str, str] | None = None
) -> Path:
    """Write the attacks sheet as a CSV file a theater folder can take as ``attacks.csv``,
    with a last ``review`` column for the planner (``reviews``: attack_id → accept or
    reject, kept from an earlier run)."""
    holder = Scenario(bases=(), systems=(), effectiveness=(), weapons=(), attacks=tuple(attacks))
    header, records = sheet_table(holder, "attacks")
    rows = (
        [
            *(record.get(column) for column in header),
            (reviews or {}).get(str(record.get("attack_id")), ""),
        ]
        for record in records
    )
    return write_csv(path, [*header, REVIEW_COLUMN], rows)
