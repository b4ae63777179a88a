"""Writing what ``defplan ladder``, ``defplan sweep`` and ``defplan compare`` compute.

Each command's files are written as one set (:func:`defplan.atomic.output_set`):
every file appears, or none. Sheet names follow plan.xlsx (:func:`sheet_title`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from defplan.atomic import atomic_write_bytes, output_set
from defplan.posture.schedule_compare import ScheduleComparison
from defplan.safe_csv import write_frame_csv
from defplan.whatif.comparison import Comparison
from defplan.whatif.parameter_sweep import Sweep
from defplan.whatif.priority_ladder import Ladder
from defplan.workbook.output_book import write_frames

#: the files ``sweep --out`` writes
SWEEP_FILES = ("sweep.csv", "sweep.xlsx")
#: the files ``compare --out`` writes
COMPARE_FILES = ("compare.csv", "compare_summary.csv", "compare.xlsx", "compare_brief.txt")
#: and with ``--schedule``
COMPARE_SCHEDULE_FILES = ("compare_schedule.csv", "compare_schedule_summary.csv")


def sheet_title(name: str) -> str:
    """A file stem as a sheet name, Title case as in plan.xlsx (at most Excel's 31
    characters).

    >>> sheet_title("risk_acceptance"), sheet_title("ladder_cram")
    ('Risk acceptance', 'Ladder cram')
    """
    words = name.replace("_", " ")
    return (words[:1].upper() + words[1:])[:31]


def _write_xlsx(sheets: Sequence[tuple[str, pd.DataFrame]], path: Path) -> Path:
    # pairs, not a dict: two names cut to the same 31 characters keep a sheet each
    return write_frames([(sheet_title(name), frame) for name, frame in sheets], path)


def _write_text(lines: Sequence[str], path: Path) -> Path:
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return path


def _ladder_stem(system: str | None, several: bool) -> str:
    return f"ladder_{system or 'combined'}" if several else "ladder"


def ladder_files(systems: Sequence[str | None]) -> list[str]:
    """The files :func:`write_ladders` writes for ladders of these systems (None:
    combined), known before any solve."""
    stems = [_ladder_stem(s, len(systems) > 1) for s in systems]
    extra = ["critical.csv", "risk_acceptance.csv", "ladder.xlsx", "ladder_brief.txt"]
    return [f"{stem}.csv" for stem in stems] + extra


def ladder_sheets(ladders: Sequence[Ladder]) -> list[tuple[str, pd.DataFrame]]:
    """Each ladder's table, then the last one's critical list and risk acceptance, by
    file stem, in order."""
    tables = [(_ladder_stem(result.system, len(ladders) > 1), result.table()) for result in ladders]
    return [
        *tables,
        ("critical", ladders[-1].critical),
        ("risk_acceptance", ladders[-1].acceptance),
    ]


def write_ladder_book(ladders: Sequence[Ladder], path: Path) -> Path:
    """ladder.xlsx: a sheet per ladder (titled for its system, as Excel allows), then the
    critical list and the risk acceptance; returns ``path``."""
    return _write_xlsx(ladder_sheets(ladders), Path(path))


def write_ladders(ladders: Sequence[Ladder], out: Path) -> list[Path]:
    """A CSV per ladder, critical.csv, risk_acceptance.csv, ladder.xlsx and the brief,
    written into ``out`` as one set."""
    out = Path(out)
    brief = [line for result in ladders for line in result.brief()]
    with output_set(out):
        written = [
            write_frame_csv(frame, out / f"{name}.csv") for name, frame in ladder_sheets(ladders)
        ]
        written.append(write_ladder_book(ladders, out / "ladder.xlsx"))
        written.append(_write_text(brief, out / "ladder_brief.txt"))
    return written


def write_sweep(result: Sweep, out: Path) -> list[Path]:
    """sweep.csv and sweep.xlsx (one row per point), written into ``out`` as one set."""
    out = Path(out)
    with output_set(out):
        return [
            write_frame_csv(result.rows, out / SWEEP_FILES[0]),
            _write_xlsx([("sweep", result.rows)], out / SWEEP_FILES[1]),
        ]


def write_comparison(
    result: Comparison, out: Path, schedules: ScheduleComparison | None = None
) -> list[Path]:
    """compare.csv (base by base), compare_summary.csv, compare.xlsx and the brief;
    with ``schedules``, the two move schedules side by side too: one set."""
    out = Path(out)
    sheets = [("summary", result.summary.astype(str)), ("bases", result.bases)]
    with output_set(out):  # the comparison and the schedules' appear together
        written = [
            write_frame_csv(result.bases, out / COMPARE_FILES[0]),
            write_frame_csv(result.summary, out / COMPARE_FILES[1]),
            _write_xlsx(sheets, out / COMPARE_FILES[2]),
            _write_text(result.brief(), out / COMPARE_FILES[3]),
        ]
        if schedules is not None:
            written.append(write_frame_csv(schedules.moves, out / COMPARE_SCHEDULE_FILES[0]))
            written.append(write_frame_csv(schedules.summary, out / COMPARE_SCHEDULE_FILES[1]))
    return written
