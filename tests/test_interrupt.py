"""A solve keeps to its time limit, and Ctrl-C stops a command, saying what was kept."""

from __future__ import annotations

import os
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

DEFPLAN = Path(sys.executable).with_name("defplan")
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def slow_theater(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated theater whose solve (its root LP alone) outlasts the wait below.

    The benchmark's generator is run as a script, not imported: a module left in
    sys.modules would add its literals to what hypothesis draws in later tests.
    """
    generate = runpy.run_path(str(BENCHMARKS / "generate.py"))
    from defplan.workbook import write_scenario

    return write_scenario(
        generate["generated_theater"](1500), tmp_path_factory.mktemp("slow") / "theater"
    )


@pytest.mark.skipif(not DEFPLAN.exists(), reason="the defplan command is not installed")
def test_ctrl_c_stops_a_solve_and_keeps_the_previous_set(
    slow_theater: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.json").write_text("the previous plan.json")
    (out / "plan.xlsx").write_text("the previous plan.xlsx")
    args = [str(DEFPLAN), "plan", str(slow_theater), "--out", str(out), "--time-limit", "600"]
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}  # a pipe: whole lines
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    time.sleep(8)  # reading the theater and starting the solve; any stage must stop alike
    assert process.poll() is None, "the plan ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)  # a hang guard, not a timing
    err = " ".join(err.split())
    assert process.returncode == 130, err
    assert "stopped (Ctrl-C): nothing was written" in err
    assert "still holds what it held before: plan.json, plan.xlsx" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["plan.json", "plan.xlsx"]  # no temps
    assert (out / "plan.json").read_text() == "the previous plan.json"
    assert (out / "plan.xlsx").read_text() == "the previous plan.xlsx"


def test_the_defplan_command_runs_main_whose_ctrl_c_exit_does_not_wait_for_the_solver() -> None:
    """The console script must enter through ``main()``: ``app()`` alone returns through
    interpreter shutdown while HiGHS may still run in its thread (an abort, not exit 130)."""
    import tomllib

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    scripts = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["defplan"] == "defplan.cli:main"


def test_ctrl_c_while_waiting_asks_the_solver_to_stop_and_goes_on_up() -> None:
    """The waiting thread takes Ctrl-C, asks the solver to stop, and raises."""
    import threading

    from defplan.model.backends.base import run_interruptibly

    stopped = threading.Event()

    def solve() -> str:
        stopped.wait(60)  # a hang guard: the solve ends when asked to stop
        return "stopped" if stopped.is_set() else "ran out"

    watcher = _interrupt_once_solving()
    with pytest.raises(KeyboardInterrupt):
        run_interruptibly(solve, stopped.set)
    watcher.join()
    assert stopped.is_set()
    assert run_interruptibly(lambda: "done", stopped.set) == "done"


@pytest.mark.parametrize("backend", ["highs", "scip", "cp_sat"])
def test_ctrl_c_stops_each_backend_and_is_not_taken_for_its_time_limit(backend: str) -> None:
    """SCIP and CP-SAT catch Ctrl-C themselves unless told not to: the solve then ended
    as if its time were up and the command went on (CP-SAT wrote its plan, exit 0;
    SCIP started its next round). Each must stop and let Ctrl-C go on up."""
    import threading

    import numpy as np

    from defplan.model import make_instance, solve

    pytest.importorskip("highspy" if backend == "highs" else "ortools")
    rng = np.random.default_rng(0)
    value, p = rng.uniform(0.1, 5.0, (60, 3)), rng.uniform(0.2, 0.8, (3, 3))
    hard = make_instance(  # CP-SAT spends its whole limit on it; the others many rounds
        value, p, [25, 20, 15], objective="blend", upper=np.full((60, 3), 3)
    )
    watcher = _interrupt_once_solving()
    with pytest.raises(KeyboardInterrupt):
        solve(hard, backend=backend, time_limit=120, gap=0.0, threads=1)
    watcher.join()
    for thread in threading.enumerate():
        if thread.name == "solver":
            thread.join(60)  # a hang guard: the stopped solver's thread ends
            assert not thread.is_alive()


def _interrupt_once_solving(delay: float = 0.2) -> Any:
    """A thread that sends Ctrl-C to this process once a solve runs in its own thread
    (``run_interruptibly``), ``delay`` seconds into it."""
    import threading

    # a solver thread an earlier test left behind (HiGHS deaf past its deadline ends
    # in its own time) is not this solve's: only a new one is waited for
    before = [t for t in threading.enumerate() if t.name == "solver"]  # held: no id reuse

    def watch() -> None:
        for _ in range(6000):  # up to a minute: a hang guard
            if any(t.name == "solver" and t not in before for t in threading.enumerate()):
                time.sleep(delay)
                os.kill(os.getpid(), signal.SIGINT)
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_a_solver_deaf_past_its_deadline_is_asked_to_stop_then_left_behind() -> None:
    """HiGHS can run half a minute past its time limit inside its root LP, deaf to the
    stop request too: past the deadline the wait asks it to stop, and when it does not
    the caller goes on (SolverOverrunError) while it ends in its own thread."""
    import threading

    from defplan.model.backends.base import SolverOverrunError, run_interruptibly

    asked, released = threading.Event(), threading.Event()

    def deaf() -> str:
        released.wait(60)  # a hang guard: released below
        return "ended"

    with pytest.raises(SolverOverrunError):
        run_interruptibly(deaf, asked.set, deadline=time.perf_counter())
    assert asked.is_set()
    released.set()
    heard = threading.Event()

    def listening() -> str:
        heard.wait(60)  # a hang guard: ends when asked to stop
        return "stopped"

    assert run_interruptibly(listening, heard.set, deadline=time.perf_counter()) == "stopped"


def test_a_highs_run_that_overruns_its_limit_ends_the_solve_at_its_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run abandoned past its limit gives no answer: the solve reports time_limit
    with the start's allocation and the bound it had, and says why."""
    import numpy as np

    from defplan.model import make_instance, solve
    from defplan.model.backends import base, highs

    pytest.importorskip("highspy")
    calls: list[float] = []

    def overrun(solve_: Any, stop: Any, deadline: float | None = None) -> None:
        assert deadline is not None
        calls.append(deadline)
        raise base.SolverOverrunError

    monkeypatch.setattr(highs, "run_interruptibly", overrun)
    rng = np.random.default_rng(5)
    inst = make_instance(rng.uniform(0.1, 5.0, (30, 3)), rng.uniform(0.2, 0.8, (3, 3)), [9, 7, 5])
    found = solve(inst, time_limit=30)
    assert calls, "the overrun path was not taken"
    assert found.status == "time_limit" and found.x is not None
    assert inst.violations(found.x) == []
    assert found.objective <= found.greedy_objective
    assert found.bound <= found.objective
    assert highs.OVERRAN in found.message
