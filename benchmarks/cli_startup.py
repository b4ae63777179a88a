"""CLI start-up benchmark: the wall time of ``defplan --help`` and of ``defplan plan`` on
the example theater, each the median of several runs in a fresh process.

    python benchmarks/cli_startup.py [--runs 5] [--importtime]

Targets: ``--help`` under 0.3 s, ``plan`` under 0.5 s (the solve itself takes a few
hundredths of a second; the rest is starting Python and importing what the command
uses). Beside the wall time it prints the CPU time the process used (user + system),
which a machine busy with other work inflates far less, and the load average. With
``--importtime`` it also prints the ten imports that take longest for each command
(``python -X importtime``), to see what to cut next.

The runs may write Python's bytecode cache (``PYTHONDONTWRITEBYTECODE`` is unset for
them), so the warm-up run leaves defplan compiled as an installed package is (pip
compiles it on install); without the cache every run compiles defplan's modules
again, about 0.09 s of CPU for ``plan``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"
#: (label, arguments after ``defplan``, target in seconds); {out} is a fresh folder
CASES: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("defplan --help", ("--help",), 0.3),
    ("defplan plan <example> --out <tmp>", ("plan", str(EXAMPLE), "--out", "{out}"), 0.5),
)


def command() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m``-style."""
    script = Path(sys.executable).with_name("defplan")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from defplan.cli import main; main()"]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed_run(args: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds one run of ``defplan args`` takes, start to exit, writing
    into a fresh folder."""
    with tempfile.TemporaryDirectory() as folder:
        filled = [a.replace("{out}", str(Path(folder) / "out")) for a in args]
        cpu = _children_cpu()
        began = time.perf_counter()
        done = subprocess.run(
            [*command(), *filled], capture_output=True, text=True, env=env, check=False
        )
        seconds = time.perf_counter() - began
        cpu = _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"defplan {' '.join(filled)} failed:\n{done.stderr}")
    return seconds, cpu


def slowest_imports(args: Sequence[str], count: int = 10) -> list[tuple[float, str]]:
    """The ``count`` imports with the longest cumulative time (seconds, module)."""
    with tempfile.TemporaryDirectory() as folder:
        filled = [a.replace("{out}", str(Path(folder) / "out")) for a in args]
        script = "from defplan.cli import main; main()"
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", script, *filled],
            capture_output=True,
            text=True,
            check=False,
        )
    rows = []
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]) / 1e6, parts[2].rstrip()))
    return sorted(rows, reverse=True)[:count]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median shown)")
    parser.add_argument("--importtime", action="store_true", help="also the slowest imports")
    options = parser.parse_args(argv)
    if shutil.which("defplan") is None and not Path(sys.executable).with_name("defplan").exists():
        print("note: no defplan script installed; timing `python -c` instead")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["COLUMNS"] = "100"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"CLI start-up, median of {options.runs} runs (fresh process each; load {load})")
    for label, args, target in CASES:
        timed_run(args, env)  # one run to warm the disk cache
        runs = [timed_run(args, env) for _ in range(options.runs)]
        walls = [wall for wall, _ in runs]
        median = statistics.median(walls)
        cpu = statistics.median(cpu for _, cpu in runs)
        verdict = "ok" if median < target else "over target"
        print(
            f"  {label:<38} wall {median:6.3f} s (min {min(walls):.3f}, max {max(walls):.3f}) "
            f"· cpu {cpu:.3f} s · target < {target} s wall: {verdict}"
        )
        if options.importtime:
            for seconds, module in slowest_imports(args):
                print(f"      {seconds:6.3f} s  {module}")


if __name__ == "__main__":
    main()
