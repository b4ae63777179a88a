"""Two move schedules side by side: what each costs and when each move starts and ends.

What ``defplan compare A B --schedule`` shows: each side is a :class:`MoveSchedule`,
or a theater (workbook or CSV folder) scheduled as ``defplan moves`` would (for
instance the same theater with more lift, or with other movement figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from defplan.errors import InputError, Problem
from defplan.posture.move_schedule import MoveSchedule, schedule
from defplan.workbook import load_scenario

ScheduleSource = MoveSchedule | str | Path

SUMMARY_COLUMNS = ["metric", "a", "b", "delta"]
MOVE_COLUMNS = [
    "system_id",
    "from_base",
    "to_base",
    "a_units",
    "a_start_day",
    "a_ready_day",
    "b_units",
    "b_start_day",
    "b_ready_day",
]


@dataclass(frozen=True, eq=False)
class ScheduleComparison:
    """Schedules A and B; ``summary`` (one row per figure) and ``moves`` (one row per
    system and route, each side's units made, first start and last ready day)."""

    a: MoveSchedule
    b: MoveSchedule
    labels: tuple[str, str]

    @property
    def summary(self) -> pd.DataFrame:
        """Per headline figure: its value under a, under b, and b - a."""
        rows = []
        for metric, pick in _FIGURES:
            a, b = float(pick(self.a)), float(pick(self.b))
            rows.append({"metric": metric, "a": a, "b": b, "delta": b - a})
        return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)

    @property
    def moves(self) -> pd.DataFrame:
        """Per system and route: the units each side makes, its first start and last ready day."""
        sides = {"a": _per_route(self.a), "b": _per_route(self.b)}
        routes = sorted(set(sides["a"]) | set(sides["b"]))
        rows = []
        for route in routes:
            row: dict[str, Any] = dict(
                zip(("system_id", "from_base", "to_base"), route, strict=True)
            )
            for side, found in sides.items():
                units, start, ready = found.get(route, (0, None, None))
                row |= {
                    f"{side}_units": units,
                    f"{side}_start_day": start,
                    f"{side}_ready_day": ready,
                }
            rows.append(row)
        frame = pd.DataFrame(rows, columns=MOVE_COLUMNS)
        for column in MOVE_COLUMNS[4:6] + MOVE_COLUMNS[7:]:
            frame[column] = pd.Series([row[column] for row in rows], dtype=object)
        return frame

    def brief(self) -> list[str]:
        """A few lines: which schedule accepts less risk, finishes first, leaves out more."""
        a_label, b_label = self.labels
        a, b = self.a, self.b
        lines = [
            f"A ({a_label}): {len(a.made)} unit move(s), last ready day {a.finish_day}, "
            f"{a.cost:.4f} casualty-equivalents over {a.window_days} day(s), "
            f"{len(a.dropped)} not worth making",
            f"B ({b_label}): {len(b.made)} unit move(s), last ready day {b.finish_day}, "
            f"{b.cost:.4f} casualty-equivalents over {b.window_days} day(s), "
            f"{len(b.dropped)} not worth making",
        ]
        if a.window_days != b.window_days:
            lines.append("the two windows differ: compare the transition costs, not the totals")
        lines.append(
            f"the moves add {a.transition_cost:.4f} (A) and {b.transition_cost:.4f} (B) beyond "
            "their end states"
        )
        return lines


_FIGURES = (
    ("unit moves made", lambda r: len(r.made)),
    ("unit moves not worth making", lambda r: len(r.dropped)),
    ("last ready day", lambda r: r.finish_day),
    ("window days", lambda r: r.window_days),
    ("risk accepted over the window", lambda r: r.cost),
    ("transition cost beyond the end state", lambda r: r.transition_cost),
    ("risk today /yr", lambda r: r.risk_today),
    ("risk once the moves are made /yr", lambda r: r.risk_end),
)


def _per_route(result: MoveSchedule) -> dict[tuple[str, str, str], tuple[int, Any, Any]]:
    """Per (system, from, to): units made, the first start and the last ready day."""
    found: dict[tuple[str, str, str], tuple[int, Any, Any]] = {}
    for move in result.moves:
        o = move.order
        key = (o.system_id, o.from_base, o.to_base)
        units, start, ready = found.get(key, (0, None, None))
        if move.made:
            assert move.start_day is not None and move.end_day is not None
            units += 1
            start = move.start_day if start is None else min(start, move.start_day)
            ready = move.end_day if ready is None else max(ready, move.end_day)
        found[key] = (units, start, ready)
    return found


def _scheduled(source: ScheduleSource, options: dict[str, Any]) -> tuple[MoveSchedule, str]:
    if isinstance(source, MoveSchedule):
        return source, "schedule"
    return schedule(load_scenario(source), **options), Path(source).name


def check_theaters(*paths: Path) -> None:
    """Schedules need theaters: a plan.json (or a folder holding one) has no movement data.

    Raises
    ------
    defplan.errors.InputError
        Naming each path that is a plan, not a theater.
    """
    problems = [
        Problem(str(p), message="is a plan, not a theater (--schedule needs two workbooks)")
        for p in map(Path, paths)
        if p.suffix.lower() == ".json" or (p.is_dir() and (p / "plan.json").exists())
    ]
    if problems:
        raise InputError(problems)


def compare_schedules(
    first: ScheduleSource, second: ScheduleSource, **schedule_options: Any
) -> ScheduleComparison:
    """Two schedules side by side; a path is a theater scheduled by
    :func:`defplan.posture.schedule` with ``schedule_options``.

    Examples
    --------
    >>> result = compare_schedules("inputs/iraq_syria.xlsx", "inputs/iraq_syria.xlsx")
    >>> float(result.summary["delta"].abs().max())
    0.0
    """
    a, a_label = _scheduled(first, schedule_options)
    b, b_label = _scheduled(second, schedule_options)
    if a_label == b_label:
        a_label, b_label = f"A {a_label}", f"B {b_label}"
    return ScheduleComparison(a, b, (a_label, b_label))
