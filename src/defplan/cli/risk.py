"""``defplan risk``: the bases ranked by expected casualty-equivalents per year."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from defplan.cli.common import (
    OutOption,
    WorkbookArg,
    console,
    illustrative_banner,
    keep_whole,
    literal,
    read_from,
    reports_bad_input,
)

if TYPE_CHECKING:
    from defplan.risk import RiskTable


@reports_bad_input
def risk_command(
    workbook: WorkbookArg,
    out: OutOption = None,
    top: Annotated[int, typer.Option(help="bases to list (0 = all)")] = 0,
) -> None:
    """Rank the bases by expected casualty-equivalents per year, with the factor behind each."""
    from defplan.atomic import check_out_folder
    from defplan.risk import risk
    from defplan.risk.writers import RISK_FILES, write_risk
    from defplan.workbook import load_scenario

    scenario = load_scenario(workbook)
    if out is not None:
        check_out_folder(out, read_from(workbook, scenario), RISK_FILES)
    table = risk(scenario)
    console.print(risk_ranking(table, top))
    for line in risk_evidence(table):
        console.print(f"  {line}", soft_wrap=True, markup=False)
    console.print(
        f"theater total {table.total:.3f} casualty-equivalents/year (our bases) · as of "
        f"{table.as_of} · record from {table.record_start} ({table.observation_years:.2f} "
        f"decayed years, {table.completeness:.0%} of attacks on record: rates corrected)"
    )
    if apart := listed_apart(table):
        console.print(apart, soft_wrap=True, markup=False)
    for left_out in table.excluded:
        console.print(f"[dim]left out: {escape(left_out.attack_id)}: {escape(left_out.reason)}[/]")
    if scenario.illustrative:
        console.print(f"[bold yellow]{illustrative_banner(len(scenario.illustrative))}[/]")
    if out is not None:
        for path in write_risk(table, out):
            console.print(f"wrote {path}", markup=False)


def risk_ranking(table: RiskTable, top: int = 0) -> Table:
    """The ranked bases as a rich table: where the risk is and which factor puts it there."""
    view = Table(title="Risk by base (casualty-equivalents per year)", title_justify="left")
    view.add_column("#", justify="right")
    view.add_column("base", no_wrap=True)
    view.add_column("troops", justify="right")
    view.add_column("risk/yr", justify="right")
    view.add_column("share", justify="right")
    view.add_column("main threat")
    view.add_column("driven by")
    frame = table.bases if top <= 0 else table.bases.head(top)
    for row in frame.itertuples(index=False):
        view.add_row(
            str(row.rank),
            literal(row.base_id),
            f"{row.troops:,}",
            f"{row.risk:.3f}",
            f"{row.share:.1%}" if row.owner == "coalition" else literal(row.owner),
            literal(row.dominant_weapon or "-"),
            literal(row.dominant_factor),
        )
    return keep_whole(view, ids=("base",))


def _spaced(ids: object) -> str:
    """A ``;``-separated list of ids with a space after each ``;``, so it wraps there."""
    return "; ".join(part.strip() for part in str(ids or "").split(";") if part.strip())


def risk_evidence(table: RiskTable, top: int = 5) -> list[str]:
    """For the top bases, the attack and zone ids behind their risk (workbook rows)."""
    lines = []
    for row in table.bases.head(top).to_dict("records"):
        if float(row["risk"]) <= 0:
            continue
        attacks = _spaced(row["top_attack_ids"]) or "none on record"
        zones = _spaced(row["top_zone_ids"]) or "none in reach"
        lines.append(
            f"{row['base_id']}: exposure {float(row['exposure']):.3f}, "
            f"{float(row['attacks_per_year']):.3f} attacks/yr; attacks {attacks}; zones {zones}"
        )
    return lines


def listed_apart(table: RiskTable) -> str:
    """The partners' bases and watched sites with their own risk, which no total counts
    ("" when every base is ours)."""
    others = table.bases[table.bases["owner"] != "coalition"]
    if not len(others):
        return ""
    listed = ", ".join(f"{r.base_id} ({r.owner}) {r.risk:.3f}" for r in others.itertuples())
    return f"listed apart, not in the total: {listed} · {table.others_total:.3f}/yr"
