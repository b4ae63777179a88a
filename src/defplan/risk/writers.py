"""Writing a RiskTable: ``risk.csv`` (every cell) and ``risk.xlsx`` (for a planner).

The workbook's sheets: "Base risk" (bases ranked, with the dominant weapon and
factor), "Risk factors" (one row per base and weapon class with every part of the
figure), "Settings" (as-of day, record window and the weights used) and, when the
model left attack rows out, "Left out" with the reason for each. Both files are
written as one set (:func:`defplan.atomic.output_set`): both appear, or neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from defplan.atomic import output_set
from defplan.risk import RiskTable
from defplan.safe_csv import write_frame_csv
from defplan.workbook.output_book import OutputBook, add_frame, add_rows, save_book

#: the files :func:`write_risk` writes, in its folder
RISK_FILES = ("risk.csv", "risk.xlsx")


def write_risk(table: RiskTable, out_dir: Path) -> list[Path]:
    """Write ``risk.csv`` and ``risk.xlsx`` into ``out_dir`` (created if needed).

    Parameters
    ----------
    table : RiskTable
        The result of :func:`defplan.risk.risk`.
    out_dir : pathlib.Path
        Folder to write into; files already there with these names are replaced.

    Returns
    -------
    list of pathlib.Path
        The files written: the CSV, then the workbook.

    Examples
    --------
    >>> import tempfile
    >>> from defplan.risk import risk
    >>> from defplan.scenario import BaseRow, Scenario, WeaponRow
    >>> scenario = Scenario(
    ...     bases=(BaseRow(base_id="a", name="A", lat=33.0, lon=44.0, troops=100),),
    ...     systems=(), effectiveness=(),
    ...     weapons=(WeaponRow(weapon="rocket", reach_km=40.0, severity_prior=2.0),),
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [path.name for path in write_risk(risk(scenario), Path(folder))]
    ['risk.csv', 'risk.xlsx']
    """
    out_dir = Path(out_dir)
    csv_path, xlsx_path = (out_dir / name for name in RISK_FILES)
    with output_set(out_dir):
        write_frame_csv(table.cells, csv_path)
        save_book(_risk_workbook(table), xlsx_path)
    return [csv_path, xlsx_path]


def _risk_workbook(table: RiskTable) -> OutputBook:
    book = OutputBook()
    add_frame(book, "Base risk", table.bases)
    add_frame(book, "Risk factors", table.cells)
    add_rows(book, "Settings", ["key", "value"], _settings_rows(table))
    if table.excluded:
        rows = [[e.attack_id, e.reason] for e in table.excluded]
        add_rows(book, "Left out", ["attack_id", "reason"], rows)
    return book


def _settings_rows(table: RiskTable) -> list[list[Any]]:
    settings = table.settings
    rows: list[list[Any]] = [
        ["as_of", table.as_of.isoformat() if table.as_of else ""],
        ["record_start", table.record_start.isoformat() if table.record_start else ""],
        ["observation_years", table.observation_years],
        ["total_risk", table.total],
    ]
    for key in (
        "half_life_years",
        "troop_weight",
        "history_weight",
        "proximity_weight",
        "wounded_weight",
        "prior_years",
        "severity_prior_attacks",
    ):
        rows.append([key, getattr(settings, key)])
    return rows
