"""Rotation benchmark: the Stackelberg coverage LP, the best fixed posture and the
schedule, on the example theater and on generated ones (issue 18).

    python benchmarks/rotation.py [--bases 1000,5000] [--days 30]

Prints, per theater and rotating system, the time of each step and the figures
(game value against the best fixed posture). CPU time is printed beside the wall
time: on a machine shared with other work the wall time counts their turns too.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
from generate import generated_theater

from defplan.posture.rotation import (
    best_pure_posture,
    rotate,
    rotation_schedule,
    stackelberg_coverage,
)
from defplan.risk import risk
from defplan.scenario import Scenario
from defplan.workbook import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"
T = TypeVar("T")


def clocked(work: Callable[[], T]) -> tuple[T, float, float]:
    """The result, wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def bench(label: str, scenario: Scenario, system: str, days: int) -> None:
    table = risk(scenario)
    rotation, wall, cpu = clocked(lambda: rotate(scenario, system, days=days, table=table))
    levels, lower, upper, m = rotation.levels, rotation.lower, rotation.upper, rotation.units
    _, lp_wall, lp_cpu = clocked(lambda: stackelberg_coverage(levels, lower, upper, m))
    _, pure_wall, _ = clocked(lambda: best_pure_posture(levels, lower, upper, m))
    units = rotation.coverage.units
    _, days_wall, _ = clocked(lambda: rotation_schedule(units, m, days, 1, levels))
    gap = np.abs(rotation.frequency - units).max(initial=0.0)
    print(
        f"{label:28} {system:6} {len(rotation.base_ids):>5} bases {m:>5} units · "
        f"rotate {wall:6.2f} s wall ({cpu:5.2f} s CPU) · LP {lp_wall:6.2f} s ({lp_cpu:5.2f} "
        f"CPU) · pure {pure_wall * 1000:6.1f} ms · schedule {days_wall * 1000:6.1f} ms · "
        f"value {rotation.value:.4f} vs fixed {rotation.pure_value:.4f} · "
        f"{len(rotation.indifferent)} indifferent · largest |freq - coverage| {gap:.4f}",
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bases", default="1000", help="generated sizes, comma-separated")
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args(argv)
    if EXAMPLE.exists():
        bench("example (iraq_syria.xlsx)", load_scenario(EXAMPLE), "cram", args.days)
    for size in (int(s) for s in args.bases.split(",") if s.strip()):
        scenario = generated_theater(size, seed=7)
        for system in ("cram", "cuas"):
            bench(f"generated {size}-base", scenario, system, args.days)


if __name__ == "__main__":
    main()
