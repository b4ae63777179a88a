"""Writing what ``defplan options`` and ``defplan moves`` compute.

``options.csv``, ``suggestions.csv`` and ``options.xlsx`` for an
:class:`~defplan.posture.OptionsReport`; ``moves.csv``, ``move_days.csv``,
``move_bases.csv``, ``move_budget.csv``, ``move_noise.csv`` and ``moves.xlsx`` for a
:class:`~defplan.posture.MoveSchedule`. Each set is written as one
(:func:`defplan.atomic.output_set`): every file appears, or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from defplan.atomic import output_set
from defplan.plan import Plan
from defplan.posture.move_schedule import MoveSchedule, schedule
from defplan.risk import RiskTable
from defplan.safe_csv import write_frame_csv
from defplan.scenario import Scenario
from defplan.workbook.output_book import write_frames

if TYPE_CHECKING:  # the options' scoring (and its executor) loads only where it runs
    from defplan.posture.option_scoring import OptionsReport

#: the columns of the "Troop moves" sheet of options.xlsx
TROOP_MOVE_COLUMNS = ("option_id", "from_base", "to_base", "troops", "km", "troop_km")


def troop_moves_frame(report: OptionsReport) -> pd.DataFrame:
    """Every option's troop moves, one row per move (options.xlsx "Troop moves")."""
    rows = [
        {
            "option_id": score.option_id,
            "from_base": move.from_base,
            "to_base": move.to_base,
            "troops": move.troops,
            "km": move.km,
            "troop_km": move.troop_km,
        }
        for score in (*report.options, *report.suggestions)
        if score.posture is not None
        for move in score.posture.troop_moves
    ]
    return pd.DataFrame(rows, columns=list(TROOP_MOVE_COLUMNS))


def options_files(suggest: bool) -> list[str]:
    """The files :func:`write_options` writes (suggestions.csv only with --suggest)."""
    return ["options.csv", *(["suggestions.csv"] if suggest else []), "options.xlsx"]


def write_options(report: OptionsReport, out_dir: Path) -> list[Path]:
    """options.csv, suggestions.csv (with --suggest) and options.xlsx, as one set."""
    out_dir = Path(out_dir)
    sheets = {"Options": report.table(), "Troop moves": troop_moves_frame(report)}
    if report.suggest:
        sheets["Suggestions"] = report.suggestion_table()
    with output_set(out_dir):
        written = [write_frame_csv(sheets["Options"], out_dir / "options.csv")]
        if report.suggest:
            written.append(write_frame_csv(sheets["Suggestions"], out_dir / "suggestions.csv"))
        written.append(write_frames(sheets, out_dir / "options.xlsx"))
    return written


def schedule_frames(result: MoveSchedule) -> dict[str, pd.DataFrame]:
    """The schedule's sheets: moves (with start and end day), each day, each base."""
    return {"Moves": result.frame(), "Move days": result.days, "Base readiness": result.bases}


def schedule_files(out_dir: Path) -> dict[str, Path]:
    """Where each of the schedule's sheets goes as CSV."""
    return {
        "Moves": out_dir / "moves.csv",
        "Move days": out_dir / "move_days.csv",
        "Base readiness": out_dir / "move_bases.csv",
    }


def moves_files(curve: bool, noise: bool = False) -> list[str]:
    """The files :func:`write_moves` may write (move_budget.csv only with the curve,
    move_noise.csv only when the moves' gains are judged over draws)."""
    scheduled = [path.name for path in schedule_files(Path()).values()]
    optional = [*(["move_budget.csv"] if curve else []), *(["move_noise.csv"] if noise else [])]
    return [*scheduled, *optional, "moves.xlsx"]


def write_moves(
    result: MoveSchedule,
    curve: pd.DataFrame | None,
    out_dir: Path,
    gains: pd.DataFrame | None = None,
) -> list[Path]:
    """moves.csv (with start and end day), move_days.csv, move_bases.csv, move_budget.csv
    (with the curve), move_noise.csv (with ``gains``: each order's gain against the
    noise of the inputs) and moves.xlsx, as one set."""
    out_dir = Path(out_dir)
    sheets = schedule_frames(result)
    if gains is not None:
        sheets["Move noise"] = gains
    if curve is not None:
        sheets["Move budget"] = curve
    with output_set(out_dir):
        written = [
            write_frame_csv(sheets[name], path) for name, path in schedule_files(out_dir).items()
        ]
        if gains is not None:
            written.append(write_frame_csv(gains, out_dir / "move_noise.csv"))
        if curve is not None:
            written.append(write_frame_csv(curve, out_dir / "move_budget.csv"))
        written.append(write_frames(sheets, out_dir / "moves.xlsx"))
    return written


def move_schedule_sheet(
    scenario: Scenario, plan: Plan, table: RiskTable
) -> dict[str, pd.DataFrame]:
    """plan.xlsx's "Move schedule" sheet: the plan's moves with their start and end day,
    as ``defplan moves`` schedules them (none when nothing moves).

    Raises
    ------
    defplan.errors.InfeasibleError
        When no schedule moves today's deployment to ``plan`` within the rules.
    """
    if plan.moves == 0 and not (plan.allocation > plan.current).any():
        return {}
    result = schedule(scenario, plan, table=table, backend=plan.backend)
    return {"Move schedule": result.frame()}
