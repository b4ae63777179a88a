"""What-if benchmark: a sweep of 20 inventory levels, one solve after the other and on
every core through the executor, on the example theater and on a generated one.

    python benchmarks/whatif.py [--points 20] [--bases 1000] [--time-limit 5] [--quick]

On the example every solve is proven optimal, so the two runs must agree exactly (the
benchmark says so). On the generated theater each solve stops at the time limit or
the gap (default 0.5%), so its figures depend on the machine's speed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from generate import generated_theater

from defplan.executor import default_workers
from defplan.risk import risk
from defplan.scenario import Scenario
from defplan.whatif import Sweep, sweep
from defplan.workbook import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"


def timed_sweep(
    scenario: Scenario, spec: str, workers: int | None, **options: object
) -> tuple[Sweep, float]:
    table = risk(scenario)
    began = time.perf_counter()
    result = sweep(scenario, spec, table=table, workers=workers, progress=False, **options)  # type: ignore[arg-type]
    return result, time.perf_counter() - began


def compare_runs(
    label: str, scenario: Scenario, spec: str, *, auto: bool = False, **options: object
) -> None:
    workers = default_workers()
    sequential, seq_s = timed_sweep(scenario, spec, 1, **options)
    pooled, pool_s = timed_sweep(scenario, spec, workers, **options)
    same = list(sequential.rows["objective"].fillna(-1)) == list(
        pooled.rows["objective"].fillna(-1)
    )
    points = len(sequential.rows)
    statuses = sequential.rows["status"].value_counts().to_dict()
    print(f"{label}: {spec} ({points} points; {statuses})")
    print(f"  one by one           {seq_s:8.2f} s  ({seq_s / points:.2f} s a point)")
    print(f"  pool of {workers} workers    {pool_s:8.2f} s  (speed-up {seq_s / pool_s:.2f}×)")
    print(f"  same objectives: {'yes' if same else 'no (time-limited solves differ by run)'}")
    if auto:
        _, auto_s = timed_sweep(scenario, spec, None, **options)
        print(f"  default (workers=None: a pool only if worth it) {auto_s:8.2f} s")
    rows = sequential.rows
    feasible = rows[rows["status"] != "infeasible"]
    if not feasible.empty:
        first, last = feasible.iloc[0], feasible.iloc[-1]
        print(
            f"  risk {first['objective']:.3f} at {first['value']:g} → "
            f"{last['objective']:.3f} at {last['value']:g}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time a 20-level inventory sweep.")
    parser.add_argument("--points", type=int, default=20, help="inventory levels (default 20)")
    parser.add_argument("--bases", type=int, default=1000, help="generated theater size")
    parser.add_argument(
        "--time-limit", type=float, default=5.0, help="seconds per solve, generated theater"
    )
    parser.add_argument("--gap", type=float, default=0.005, help="gap, generated theater")
    parser.add_argument("--quick", action="store_true", help="2 s per generated solve")
    parser.add_argument("--no-generated", action="store_true", help="the example only")
    args = parser.parse_args(argv)
    if EXAMPLE.exists():
        compare_runs(
            "example theater",
            load_scenario(EXAMPLE),
            f"inventory:cram=0..{args.points - 1}",
            auto=True,
        )
    if args.no_generated:
        return
    scenario = generated_theater(args.bases, seed=0)
    cram = next(s for s in scenario.systems if s.system_id == "cram").inventory
    step = max(1, (2 * cram) // args.points)
    levels = ",".join(str(step * (i + 1)) for i in range(args.points))
    compare_runs(
        f"generated {args.bases}-base theater",
        scenario,
        f"inventory:cram={levels}",
        time_limit=2.0 if args.quick else args.time_limit,
        gap=args.gap,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
