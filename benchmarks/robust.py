"""Robust benchmark: 200 samples of the example theater and 20 of a generated 200-base
theater, the samples' own solves on 1 worker and on 2, and the robust plan's solve.

    python benchmarks/robust.py [--samples 200] [--bases 200] [--big-samples 20]
        [--big-time-limit 10] [--objective mean] [--quick]

Target: 200 samples of the example in at most 60 s on 2 cores. The generated theater
takes fewer draws with a shorter limit per solve: one 200-base draw alone runs to its
60 s limit, so 200 of them on 1 worker and again on 2 would take hours. Every figure is wall
time on this machine, which other work may share: the load average is printed beside
the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

from generate import generated_theater

from defplan.robust import robust
from defplan.robust.study import RobustResult
from defplan.robust.writers import robust_record
from defplan.scenario import Scenario
from defplan.workbook import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def timed(scenario: Scenario, workers: int, **options: object) -> tuple[RobustResult, float]:
    began = time.perf_counter()
    result = robust(scenario, workers=workers, **options)  # type: ignore[arg-type]
    return result, time.perf_counter() - began


def bench(label: str, scenario: Scenario, samples: int, objective: str, **options: object) -> None:
    print(f"{label}: {samples} samples, objective {objective} ({_load()})")
    one, one_s = timed(scenario, 1, samples=samples, objective=objective, **options)
    two, two_s = timed(scenario, 2, samples=samples, objective=objective, **options)
    sample_speedup = one.seconds_samples / max(two.seconds_samples, 1e-9)
    for label, result, seconds in (("1 worker ", one, one_s), ("2 workers", two, two_s)):
        print(
            f"  {label}  {seconds:8.2f} s  (samples {result.seconds_samples:.2f} s on "
            f"{result.workers}, robust solve {result.seconds_robust:.2f} s)"
        )
    print(
        f"  speed-up 1 → 2 workers: {one_s / two_s:.2f}× in all, "
        f"{sample_speedup:.2f}× on the samples' solves"
    )
    solution = two.solution
    print(
        f"  robust plan: {solution.status}, objective {solution.objective:.6g}, "
        f"bound {solution.bound:.6g}, gap {100 * solution.gap:.4f}%, "
        f"{solution.iterations} round(s); sample optima not proven: {two.optima_unproven}"
    )
    same = _without_timing(one) == _without_timing(two)
    print(f"  same robust.json on 1 and 2 workers: {'yes' if same else 'no'}")
    print(f"  ({_load()} after)")


def _without_timing(result: RobustResult) -> str:
    record = robust_record(result)
    record.pop("timing")
    return json.dumps(record, sort_keys=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--bases", type=int, default=200)
    parser.add_argument("--objective", default="mean")
    parser.add_argument("--big-samples", type=int, default=20)
    parser.add_argument("--big-time-limit", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="20 samples, 50 bases")
    args = parser.parse_args(argv)
    samples, bases = (20, 50) if args.quick else (args.samples, args.bases)
    bench("example theater", load_scenario(EXAMPLE), samples, args.objective)
    bench(
        f"generated theater, {bases} bases",
        generated_theater(bases, seed=7),
        min(samples, args.big_samples),
        args.objective,
        time_limit=args.big_time_limit,
    )


if __name__ == "__main__":
    main()
