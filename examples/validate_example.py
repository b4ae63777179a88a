"""Validate the example theater with the library API and print what a planner needs.

Run: .venv/bin/python examples/validate_example.py [WORKBOOK]
"""

from __future__ import annotations

import sys
from pathlib import Path

from defplan.workbook import validate

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else HERE.parent / "inputs" / "iraq_syria.xlsx"
    report = validate(path)
    for problem in report.problems:
        print(problem.severity, problem)
    if report.scenario is None:
        return 2
    scenario = report.scenario
    print(f"{len(scenario.bases)} bases, {sum(s.inventory for s in scenario.systems)} units")
    for sheet, count in scenario.counts().items():
        print(f"  {sheet:15} {count:5}")
    for source in scenario.provenance.files:
        print(f"  sha256 {source.sha256[:16]}…  {source.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
