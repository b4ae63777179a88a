"""Allocation benchmarks: time to a proven optimum, or the gap when time runs out.

Two tables, one row per instance and backend:

* generated weapon-target assignment instances (50×100, 100×200, 150×300; mu 1..3),
  solved through :mod:`defplan.model.wta_format`, with greedy's gap to the proven bound;
* the public WTA set of Andersen, Pavlikov & Toffolo (2022; github tuliotoffolo/wta,
  data/: 27 instances, 50×100 to 500×1000, mu 1..3) wherever ``--wta-set DIR`` (default
  benchmarks/wta_set/, git-ignored) holds them, with the distance to the best known
  objective the paper reports (benchmarks/wta_best_known.csv; the instance files are
  GPL-3.0 and not shipped);
* the example theater end to end and generated theaters of 100, 1,000 and 5,000
  bases, solved through ``defplan.plan`` (skipped with a note where that is missing).

Run alone with ``python benchmarks/allocation.py [--quick] [--backends highs,scip]`` or
as part of ``make bench`` (benchmarks/run.py passes the same flags through).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from defplan.model.solution import relative_gap
from defplan.model.wta_format import generate_wta, load_wta, solve_wta

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"

WTA_SIZES = ((50, 100), (100, 200), (150, 300))
BEST_KNOWN = ROOT / "benchmarks" / "wta_best_known.csv"
WTA_SET = ROOT / "benchmarks" / "wta_set"
WTA_MUS = (1, 2, 3)
THEATER_SIZES = (100, 1_000, 5_000)
#: Every generated instance uses this seed, so figures compare across runs.
SEED = 7


@dataclass(frozen=True)
class Row:
    instance: str
    backend: str
    status: str
    objective: float
    bound: float
    seconds: float
    greedy_objective: float

    @property
    def gap(self) -> float:
        return relative_gap(self.objective, self.bound)

    @property
    def greedy_gap(self) -> float:
        return relative_gap(self.greedy_objective, self.bound)


HEADER = (
    f"{'instance':24} {'backend':8} {'status':10} {'objective':>14} {'bound':>14} "
    f"{'gap %':>9} {'seconds':>8} {'greedy':>14} {'greedy gap %':>12}"
)


def _percent(value: float) -> str:
    return f"{100 * value:9.4f}" if math.isfinite(value) else f"{'—':>9}"


def _number(value: float) -> str:
    return f"{value:14.4f}" if math.isfinite(value) else f"{'—':>14}"


def format_row(row: Row) -> str:
    return (
        f"{row.instance:24} {row.backend:8} {row.status:10} {_number(row.objective)} "
        f"{_number(row.bound)} {_percent(row.gap)} {row.seconds:8.2f} "
        f"{_number(row.greedy_objective)} {_percent(row.greedy_gap):>12}"
    )


def _print_table(title: str) -> None:
    print()
    print(title)
    print(HEADER)
    print("-" * len(HEADER), flush=True)


def wta_bench(
    backends: Sequence[str],
    time_limit: float,
    sizes: Sequence[tuple[int, int]] = WTA_SIZES,
    mus: Sequence[int] = WTA_MUS,
    threads: int | None = None,
) -> list[Row]:
    """Solve every generated WTA instance with every backend; print a row as each ends."""
    _print_table(f"Weapon-target assignment, {time_limit:g} s per solve (seed {SEED})")
    rows = []
    for weapons, targets in sizes:
        for mu in mus:
            instance = generate_wta(weapons, targets, mu, SEED)
            for backend in backends:
                label = f"WTA {weapons}×{targets} mu={mu}"
                try:
                    solution = solve_wta(
                        instance, backend=backend, time_limit=time_limit, threads=threads
                    )
                except ValueError as exc:  # a backend whose package is missing
                    print(f"{label:24} {backend:8} skipped: {exc}", flush=True)
                    continue
                row = Row(
                    instance=label,
                    backend=backend,
                    status=solution.status,
                    objective=solution.objective,
                    bound=solution.bound,
                    seconds=solution.seconds,
                    greedy_objective=solution.greedy_objective,
                )
                rows.append(row)
                print(format_row(row), flush=True)
    return rows


def best_known() -> dict[tuple[int, int, int], tuple[float, float]]:
    """(weapons, targets, mu) → (best known objective, best lower bound) from the paper."""
    with BEST_KNOWN.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {
            (int(r["weapons"]), int(r["targets"]), int(r["mu"])): (
                float(r["best_known"]),
                float(r["best_bound"]),
            )
            for r in rows
        }


def _set_files(folder: Path) -> list[Path]:
    """The folder's WTA files, smallest first, mu within a size."""
    found = []
    for path in folder.glob("wta_*x*x*.txt"):
        try:
            weapons, targets, mu = (int(part) for part in path.stem[4:].split("x"))
        except ValueError:
            continue
        found.append(((weapons, targets, mu), path))
    return [path for _, path in sorted(found)]


SET_HEADER = (
    f"{'instance':16} {'status':10} {'objective':>13} {'bound':>13} {'gap %':>8} "
    f"{'seconds':>8} {'best known':>13} {'vs best %':>9} {'load':>5}"
)


def wta_set_bench(
    folder: Path, backend: str, time_limit: float, threads: int | None
) -> list[tuple[str, float]]:
    """Solve every public instance present in ``folder``; print a row as each ends.

    Returns (instance, distance to the best known objective) per instance solved.
    """
    files = _set_files(folder)
    print()
    if not files:
        print(f"Public WTA set: no wta_WxTxMU.txt files in {folder} (see --wta-set).")
        return []
    known = best_known()
    print(
        f"Public WTA set ({len(files)} instances in {folder}), {backend}, {time_limit:g} s, "
        f"threads {threads or 'default'}; best known: Andersen, Pavlikov & Toffolo (2022)"
    )
    print(SET_HEADER)
    print("-" * len(SET_HEADER), flush=True)
    distances = []
    for path in files:
        try:
            instance = load_wta(path)
        except ValueError as exc:  # a file cut short or empty (e.g. a Git LFS pointer)
            print(f"{path.name:16} skipped: {str(exc).splitlines()[0]}", flush=True)
            continue
        solution = solve_wta(instance, backend=backend, time_limit=time_limit, threads=threads)
        key = (instance.weapons, instance.targets, instance.mu)
        best = known.get(key, (math.nan, math.nan))[0]
        distance = (solution.objective - best) / best if math.isfinite(best) else math.nan
        label = f"{key[0]}×{key[1]} mu={key[2]}"
        distances.append((label, distance))
        print(
            f"{label:16} {solution.status:10} {solution.objective:13.4f} {solution.bound:13.4f} "
            f"{_percent(solution.gap)[1:]} {solution.seconds:8.1f} {best:13.4f} "
            f"{100 * distance:9.3f} {os.getloadavg()[0]:5.1f}",
            flush=True,
        )
    within = sum(1 for _, d in distances if d <= 1e-3)
    print(f"within 0.1% of the best known: {within} of {len(distances)}")
    return distances


def _load_planner() -> Callable[..., Any] | None:
    try:
        from defplan.plan import plan  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        print(f"\nTheater benchmarks skipped: defplan.plan is not available ({exc}).")
        return None
    return plan  # type: ignore[no-any-return,unused-ignore]


def _plan_row(label: str, backend: str, result: Any) -> Row:
    return Row(
        instance=label,
        backend=backend,
        status=str(result.status),
        objective=float(result.objective),
        bound=float(result.bound),
        seconds=float(result.seconds),
        greedy_objective=float(result.greedy_objective),
    )


def example_end_to_end(backend: str, time_limit: float) -> float:
    """Wall time of a fresh interpreter reading the example theater and planning it."""
    script = (
        "import sys; from pathlib import Path\n"
        "from defplan.workbook import load_scenario\n"
        "from defplan.plan import plan\n"
        "plan(load_scenario(Path(sys.argv[1])), backend=sys.argv[2], "
        "time_limit=float(sys.argv[3]))\n"
    )
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", script, str(EXAMPLE), backend, str(time_limit)],
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - start


def theater_bench(
    backends: Sequence[str],
    time_limit: float,
    sizes: Sequence[int] = THEATER_SIZES,
) -> list[Row]:
    """The example theater end to end, then generated theaters, through defplan.plan."""
    plan = _load_planner()
    if plan is None:
        return []
    from generate import generated_theater  # benchmarks/ is on sys.path when run as a script

    from defplan.workbook import load_scenario

    _print_table(f"Theaters, {time_limit:g} s per solve (seed {SEED})")
    rows = []
    cases: list[tuple[str, Callable[[], Any]]] = []
    if EXAMPLE.exists():
        cases.append(("example theater", lambda: load_scenario(EXAMPLE)))
    for size in sizes:
        cases.append((f"generated {size:,} bases", partial(generated_theater, size, SEED)))
    for label, build in cases:
        scenario = build()
        for backend in backends:
            try:
                result = plan(scenario, backend=backend, time_limit=time_limit)
            except ValueError as exc:
                print(f"{label:24} {backend:8} skipped: {exc}", flush=True)
                continue
            row = _plan_row(label, backend, result)
            rows.append(row)
            print(format_row(row), flush=True)
    if EXAMPLE.exists():
        for backend in backends:
            try:
                seconds = example_end_to_end(backend, time_limit)
            except subprocess.CalledProcessError as exc:
                print(f"example theater end to end ({backend}) failed: exit {exc.returncode}")
                continue
            print(f"example theater, new process, load + plan ({backend}): {seconds:.2f} s")
    return rows


def _example_and_generated(sizes: Sequence[int]) -> list[tuple[str, Callable[[], Any]]]:
    """("example", its loader) when the example is there, then a generated theater of
    each size: labels and scenario builders."""
    from generate import generated_theater

    from defplan.workbook import load_scenario

    cases: list[tuple[str, Callable[[], Any]]] = []
    if EXAMPLE.exists():
        cases.append(("example", lambda: load_scenario(EXAMPLE)))
    cases.extend((f"{size:,} bases", partial(generated_theater, size, SEED)) for size in sizes)
    return cases


#: Objectives the adversarial table times (an attacker with k raids: issue 18).
ADVERSARY_OBJECTIVES = ("worst_case", "attacker:1", "attacker:3", "attacker:10")
ADVERSARY_SIZES = (1_000,)


def adversary_bench(
    time_limit: float, sizes: Sequence[int] = ADVERSARY_SIZES, backend: str = "highs"
) -> list[Row]:
    """The example theater and generated theaters under each adversarial objective."""
    plan = _load_planner()
    if plan is None:
        return []
    _print_table(f"Adversarial objectives ({backend}), {time_limit:g} s per solve (seed {SEED})")
    rows = []
    for label, build in _example_and_generated(sizes):
        scenario = build()
        for objective in ADVERSARY_OBJECTIVES:
            result = plan(scenario, objective=objective, backend=backend, time_limit=time_limit)
            row = _plan_row(f"{label} {objective}", backend, result)
            rows.append(row)
            print(format_row(row), flush=True)
    return rows


#: Objectives the raid table times (salvos, channels and magazines: issue 18).
RAID_OBJECTIVES = ("expected", "attacker:3")


def raid_bench(
    time_limit: float, sizes: Sequence[int] = ADVERSARY_SIZES, backend: str = "highs"
) -> list[Row]:
    """The example and generated theaters with examples/raids.py's illustrative channels,
    magazines and salvo priors, under the raid model (model size in pseudo-classes)."""
    plan = _load_planner()
    if plan is None:
        return []
    sys.path.insert(0, str(ROOT / "examples"))
    from raids import with_raids  # type: ignore[import-not-found,unused-ignore]

    from defplan.model.formulation import merged_groups
    from defplan.plan import build_arrays
    from defplan.risk import risk

    _print_table(f"Raid model ({backend}), {time_limit:g} s per solve (seed {SEED})")
    rows = []
    for label, build in _example_and_generated(sizes):
        scenario = with_raids(build())
        table = risk(scenario)
        instance = build_arrays(scenario, table).instance
        groups = len(merged_groups(instance, instance.log_leak))
        print(
            f"{label}: {instance.n_threats} weapon classes -> {instance.n_classes} "
            f"pseudo-classes in {groups} exponent groups "
            f"({int((instance.value > 0).sum()):,} (base, pseudo-class) risks)",
            flush=True,
        )
        for objective in RAID_OBJECTIVES:
            result = plan(
                scenario, objective=objective, backend=backend, time_limit=time_limit, table=table
            )
            row = _plan_row(f"{label} raids {objective}", backend, result)
            rows.append(row)
            print(format_row(row), flush=True)
    return rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backends",
        default="highs",
        help="comma-separated backends to compare (default: highs; e.g. highs,scip,cbc,cp_sat)",
    )
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds per solve (default 60)"
    )
    parser.add_argument("--threads", type=int, default=None, help="solver threads")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 5 s per solve, WTA 50×100 only, theaters of 100 bases only",
    )
    parser.add_argument("--no-wta", action="store_true", help="skip the WTA table")
    parser.add_argument(
        "--wta-set",
        type=Path,
        default=WTA_SET,
        help="folder of the public WTA instances (github tuliotoffolo/wta data/; "
        "default benchmarks/wta_set/): every wta_WxTxMU.txt there is solved",
    )
    parser.add_argument("--no-wta-set", action="store_true", help="skip the public WTA set")
    parser.add_argument("--no-theaters", action="store_true", help="skip the theater table")
    parser.add_argument("--no-raids", action="store_true", help="skip the table of the raid model")
    parser.add_argument(
        "--no-adversary",
        action="store_true",
        help="skip the table of worst_case and attacker:k objectives",
    )


def run(args: argparse.Namespace) -> None:
    backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    time_limit = 5.0 if args.quick and args.time_limit == 60.0 else args.time_limit
    if not args.no_wta:
        wta_bench(
            backends,
            time_limit,
            sizes=WTA_SIZES[:1] if args.quick else WTA_SIZES,
            threads=args.threads,
        )
    if not args.no_wta_set:
        wta_set_bench(args.wta_set, backends[0], time_limit, args.threads)
    if not args.no_theaters:
        theater_bench(
            backends, time_limit, sizes=THEATER_SIZES[:1] if args.quick else THEATER_SIZES
        )
    if not args.no_adversary:
        adversary_bench(time_limit, sizes=(100,) if args.quick else ADVERSARY_SIZES)
    if not args.no_raids:
        raid_bench(time_limit, sizes=(100,) if args.quick else ADVERSARY_SIZES)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_arguments(parser)
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
