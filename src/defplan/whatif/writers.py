"""Writing what ``defplan ladder``, ``defplan sweep`` and ``defplan compare`` compute.

Each command's files are written as one set (:func:`defplan.atomic.output_set`):
every file appears, or none. Sheet names follow plan.xlsx (:func:`sheet_title`).
"""

from __future__ import annotations

import re
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
#: what a file name cannot hold (on Windows, macOS or Linux): each written as "_"
FORBIDDEN_IN_FILE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\ud800-\udfff]')
#: the most bytes (UTF-8) of a system id a ladder's file name keeps: names stay in 255
MAX_ID_BYTES = 200


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


def _ladder_name(system: str | None, several: bool) -> str:
    return f"ladder_{system or 'combined'}" if several else "ladder"


def ladder_stems(systems: Sequence[str | None]) -> list[str]:
    """The file stem of each ladder's CSV: ``ladder`` for one, else ``ladder_<system>``
    (``ladder_combined`` for every system together), each character a file name cannot
    hold as "_", the id cut to 200 bytes, numbered where two would be one file (in any
    case, as Windows and macOS compare names): every file lands in the folder, one each.

    >>> ladder_stems(["y[/]", "a:b", "A?b", "combined", None])
    ['ladder_y[_]', 'ladder_a_b', 'ladder_A_b_2', 'ladder_combined_2', 'ladder_combined']
    """
    if len(systems) <= 1:
        return [_ladder_name(system, False) for system in systems]
    taken = {"ladder_combined"} if None in systems else set()
    stems = []
    for system in systems:
        if system is None:
            stems.append("ladder_combined")
            continue
        cut = system.encode("utf-8", "replace")[:MAX_ID_BYTES].decode("utf-8", "ignore")
        stem = found = f"ladder_{FORBIDDEN_IN_FILE_NAME.sub('_', cut)}"
        number = 1
        while found.lower() in taken:
            number += 1
            found = f"{stem}_{number}"
        taken.add(found.lower())
        stems.append(found)
    return stems


def ladder_files(systems: Sequence[str | None]) -> list[str]:
    """The files :func:`write_ladders` writes for ladders of these systems (None:
    combined), known before any solve."""
    extra = ["critical.csv", "risk_acceptance.csv", "ladder.xlsx", "ladder_brief.txt"]
    return [f"{stem}.csv" for stem in ladder_stems(systems)] + extra


def ladder_sheets(ladders: Sequence[Ladder]) -> list[tuple[str, pd.DataFrame]]:
    """Each ladder's table (named ``ladder_<system>``), then the last one's critical list
    and risk acceptance, in order."""
    tables = [(_ladder_name(result.system, len(ladders) > 1), result.table()) for result in ladders]
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
    stems = [*ladder_stems([result.system for result in ladders]), "critical", "risk_acceptance"]
    frames = [frame for _, frame in ladder_sheets(ladders)]
    with output_set(out):
        written = [
            write_frame_csv(frame, out / f"{stem}.csv")
            for stem, frame in zip(stems, frames, strict=True)
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
