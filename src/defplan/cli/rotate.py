"""``defplan rotate``: a randomised posture of one point system and its daily schedule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from defplan.cli.common import (
    OutOption,
    WorkbookArg,
    console,
    keep_whole,
    literal,
    read_from,
    reports_bad_input,
)

if TYPE_CHECKING:
    from defplan.posture.rotation import Rotation


@reports_bad_input
def rotate_command(
    workbook: WorkbookArg,
    system: Annotated[
        str, typer.Option("--system", help="the point system that rotates, e.g. cram")
    ],
    units: Annotated[
        int | None,
        typer.Option("--units", help="units that rotate (default: the system's inventory)", min=0),
    ] = None,
    days: Annotated[int, typer.Option("--days", help="days of the schedule", min=1)] = 30,
    seed: Annotated[int, typer.Option("--seed", help="seed of the schedule", min=0)] = 1,
    out: OutOption = None,
) -> None:
    """Stackelberg coverage of one point system, the game value against the best fixed
    posture, and a daily schedule that realises the coverage."""
    from defplan.atomic import check_out_folder
    from defplan.posture.rotation import rotate
    from defplan.posture.rotation_writers import ROTATION_FILES, write_rotation
    from defplan.workbook import load_scenario

    scenario = load_scenario(workbook)
    if out is not None:
        check_out_folder(out, read_from(workbook, scenario), ROTATION_FILES)
    rotation = rotate(scenario, system, units=units, days=days, seed=seed)
    console.print(coverage_view(rotation))
    for line in rotation_summary(rotation):
        console.print(line, soft_wrap=True, markup=False)
    inventory = next(s.inventory for s in scenario.systems if s.system_id == system)
    if rotation.units > inventory:
        console.print(
            f"note: {rotation.units} units is more than the {inventory} {system} units on hand "
            "(systems sheet, inventory): a what-if",
            soft_wrap=True,
            markup=False,
        )
    if out is not None:
        for path in write_rotation(rotation, out):
            console.print(f"wrote {path}", markup=False)


def coverage_view(rotation: Rotation) -> Table:
    """Base by base: expected units, the attacker's damage, the fixed postures."""
    from defplan.posture.rotation_writers import coverage_frame

    view = Table(
        title=f"Rotation of {rotation.units} {literal(rotation.system_id)} units: expected "
        f"units per base (* the attacker is indifferent), damage /yr against it and the fixed "
        "postures",
        title_justify="left",
    )
    columns = ("base", "units", "schedule", "damage", "", "pure", "pure res.", "today")
    for column in columns:
        view.add_column(column, justify="left" if column == "base" else "right")
    for row in coverage_frame(rotation).to_dict(orient="records"):
        view.add_row(
            literal(row["base_id"]),
            f"{row['expected_units']:.3f}",
            f"{row['schedule_mean']:.3f}",
            f"{row['attacker_damage']:.4f}",
            "*" if row["indifferent"] else "",
            str(row["pure_units"]),
            f"{row['pure_residual']:.4f}",
            str(row["today_units"]),
        )
    return keep_whole(view, ids=("base",))


def rotation_summary(rotation: Rotation) -> list[str]:
    from defplan.posture.rotation import saving

    return [
        f"game value (attacker's best expected damage /yr): {rotation.value:.4f} · best "
        f"fixed posture's worst base {rotation.pure_value:.4f} · today's deployment "
        f"({int(rotation.today.sum())} units) {rotation.today_value:.4f} · rotation "
        f"removes {100 * saving(rotation):.1f}% of the fixed posture's worst",
        f"attacker indifferent among {len(rotation.indifferent)} bases: "
        + ", ".join(rotation.indifferent),
        f"schedule: {rotation.days} days, seed {rotation.seed}; at most "
        f"{int(rotation.schedule.sum(axis=1).max(initial=0))} units on any day; the "
        f"attacker's best base against these {rotation.days} days pays "
        f"{rotation.schedule_value:.4f}",
    ]
