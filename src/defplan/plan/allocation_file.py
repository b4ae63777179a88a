"""Reading a hand-made allocation (base_id, system_id, units) for ``evaluate``."""

from __future__ import annotations

from pathlib import Path

from defplan.errors import InputError, Problem
from defplan.plan.planner import inventory_problems
from defplan.scenario import Scenario
from defplan.suggest import expected_one_of, hint
from defplan.workbook.csv_file import read_csv_table

COLUMNS = ("base_id", "system_id", "units")


def read_allocation_csv(path: Path, scenario: Scenario) -> dict[tuple[str, str], int]:
    """{(base_id, system_id): units}; every bad row is reported, with its line number."""
    name = str(path)
    problems: list[Problem] = []
    units: dict[tuple[str, str], int] = {}
    rows: dict[tuple[str, str], list[int]] = {}
    for index, row in read_csv_table(Path(path), COLUMNS):
        base_id, system_id, count = (row.get(c, "") for c in COLUMNS)
        if base_id not in scenario.base_by_id:
            problems.append(
                Problem(
                    name,
                    None,
                    index,
                    "base_id",
                    f"{base_id!r} is not a base of the theater{hint(base_id, scenario.base_by_id)}",
                )
            )
        if system_id not in scenario.system_by_id:
            problems.append(
                Problem(
                    name,
                    None,
                    index,
                    "system_id",
                    f"{system_id!r} is not a system of the theater "
                    f"({expected_one_of(system_id, scenario.system_by_id)})",
                )
            )
        if not count.isdigit():
            problems.append(
                Problem(name, None, index, "units", f"{count!r} is not a whole number ≥ 0")
            )
            continue
        key = (base_id, system_id)
        if key in rows:
            again = f"{base_id}, {system_id} appears in rows {rows[key][0]} and {index}"
            once = "expected each base and system once (units are not added up)"
            problems.append(Problem(name, None, index, "base_id", f"{again}; {once}"))
            continue
        rows[key] = [index]
        units[key] = int(count)
    problems += inventory_problems(scenario, units, source=name, rows=rows)
    if problems:
        raise InputError(problems)
    return units
