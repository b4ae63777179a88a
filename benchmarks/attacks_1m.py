"""One million attack rows: time and peak memory to validate, then to plan.

The attack record of a long, busy theater (or a tool's export) can run to millions of
rows; the targets are under 10 s and 1 GB to validate. Each figure is measured in a
fresh process (peak resident memory is per process). Run by `make bench`
(``BENCH_ATTACKS=200000`` changes the size, 0 skips it) or on its own:

    python benchmarks/attacks_1m.py [--attacks N] [--no-plan]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import WEAPONS, generated_theater

from defplan.workbook import write_csv_folder

ATTACK_HEADER = ("attack_id", "date", "base_id", "weapon", "munitions", "killed", "wounded")


def write_theater(folder: Path, attacks: int, seed: int = 11) -> Path:
    """A 200-base generated theater whose attacks sheet holds ``attacks`` rows."""
    theater = generated_theater(200, seed=seed)
    write_csv_folder(theater, folder)
    rng = random.Random(seed)
    base_ids = [b.base_id for b in theater.bases]
    weapons = [w.weapon for w in WEAPONS]
    start = dt.date(2016, 1, 1)
    with (folder / "attacks.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ATTACK_HEADER)
        for i in range(attacks):
            day = start + dt.timedelta(days=rng.randrange(3000))
            writer.writerow(
                (
                    f"a{i:07d}",
                    day.isoformat(),
                    rng.choice(base_ids),
                    rng.choice(weapons),
                    rng.choice(("", "1", "2", "4")),
                    rng.choice(("", "0", "0", "1")),
                    rng.choice(("", "0", "2", "5")),
                )
            )
    return folder


def measure(folder: Path, step: str) -> None:
    """In this process: validate (and with step 'plan', plan) the theater; print figures."""
    from defplan.plan import plan
    from defplan.workbook import validate

    start, cpu = time.perf_counter(), time.process_time()
    report = validate(folder)
    if report.scenario is None:
        raise SystemExit(f"the generated theater is not valid: {report.errors[:3]}")
    if step == "plan":
        start, cpu = time.perf_counter(), time.process_time()
        plan(report.scenario)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.1f} {cpu:.1f} {peak_mib:.0f}")


def run(attacks: int, with_plan: bool) -> None:
    folder = write_theater(Path(tempfile.mkdtemp()) / "theater", attacks)
    size = (folder / "attacks.csv").stat().st_size / 2**20
    print(f"{attacks:,} attack rows ({size:.0f} MiB of CSV), each step in a fresh process:")
    for step in ("validate", "plan") if with_plan else ("validate",):
        answer = subprocess.run(
            [sys.executable, __file__, "--measure", step, str(folder)],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, cpu, peak = (float(v) for v in answer.stdout.split())
        what = "validate" if step == "validate" else "plan (after validating)"
        print(
            f"  {what:24} {seconds:7.1f} s wall  {cpu:7.1f} s CPU   peak {peak:6.0f} MiB resident"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attacks", type=int, default=1_000_000)
    parser.add_argument("--no-plan", action="store_true", help="time validation only")
    parser.add_argument("--measure", nargs=2, metavar=("STEP", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.attacks <= 0:
        return
    if args.measure:
        measure(Path(args.measure[1]), args.measure[0])
    else:
        run(args.attacks, not args.no_plan)


if __name__ == "__main__":
    main()
