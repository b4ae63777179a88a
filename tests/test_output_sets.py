"""A run's files appear together or not at all; the previous set survives a stop."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from builders import planning_theater
from defplan import atomic
from defplan.atomic import TEMP_PREFIX, atomic_write_bytes, output_set
from defplan.plan import plan
from defplan.plan import writers as plan_writers
from defplan.plan.writers import write_plan


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def planned() -> tuple[Any, Any]:
    scenario = planning_theater()
    return plan(scenario), scenario


@pytest.mark.parametrize("stop", [OSError("disk full"), KeyboardInterrupt()])
def test_a_stop_while_writing_leaves_the_previous_set(
    stop: BaseException, planned: tuple[Any, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, scenario = planned
    write_plan(result, scenario, tmp_path)
    (tmp_path / "plan.json").write_bytes(b"previous plan.json")  # told apart from a new one
    before = _files(tmp_path)

    def broken(*_args: Any) -> None:  # plan.json is written by now: the xlsx fails
        raise stop

    monkeypatch.setattr(plan_writers, "save_workbook", broken)
    with pytest.raises(type(stop)):
        write_plan(result, scenario, tmp_path)
    assert _files(tmp_path) == before  # the earlier set, whole; no temporaries


def test_a_failure_between_the_renames_puts_the_old_files_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.csv", "b.csv", "c.csv"):
        (tmp_path / name).write_text(f"old {name}")
    before = _files(tmp_path)
    real = Path.replace
    moved: list[str] = []

    def flaky(self: Path, target: Any) -> Any:
        new_c = self.name == "c.csv" and Path(target) == tmp_path / "c.csv"
        if new_c and self.parent.name.endswith(".tmp"):  # the new c.csv, not the old one
            raise OSError("the disk went away")
        moved.append(self.name)
        return real(self, target)

    monkeypatch.setattr(Path, "replace", flaky)
    with pytest.raises(OSError, match="went away"), output_set(tmp_path) as out:
        for name in ("a.csv", "b.csv", "c.csv"):
            atomic_write_bytes(out / name, f"new {name}".encode())
    assert moved  # a.csv and b.csv were in place before c.csv failed
    assert _files(tmp_path) == before


def test_nothing_appears_before_the_set_ends(tmp_path: Path) -> None:
    with output_set(tmp_path / "out") as out:
        atomic_write_bytes(out / "one.txt", b"1")
        with output_set(out):  # a writer's own set joins the caller's
            atomic_write_bytes(out / "two.txt", b"2")
        seen = [p.name for p in out.iterdir() if not p.name.startswith(TEMP_PREFIX)]
    assert seen == []
    assert _files(tmp_path / "out") == {"one.txt": b"1", "two.txt": b"2"}


def test_temporaries_a_killed_run_left_are_removed(tmp_path: Path) -> None:
    dead = 2**22 + 12345  # above the usual pid_max: no such process
    left = tmp_path / f"{TEMP_PREFIX}{dead}-set.abc.tmp"
    left.mkdir()
    (left / "plan.json").write_text("half")
    (tmp_path / f"{TEMP_PREFIX}{dead}-plan.xlsx.def.tmp").write_text("half")
    mine = tmp_path / f"{TEMP_PREFIX}{os.getppid()}-set.x.tmp"  # a live process's: kept
    mine.mkdir()
    with output_set(tmp_path) as out:
        atomic_write_bytes(out / "risk.csv", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["risk.csv", mine.name])


def test_signals_wait_for_the_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = atomic._commit

    def interrupted_commit(staging: Path, folder: Path) -> None:
        os.kill(os.getpid(), 2)  # Ctrl-C in the middle of the renames: held until they end
        real(staging, folder)

    monkeypatch.setattr(atomic, "_commit", interrupted_commit)
    with pytest.raises(KeyboardInterrupt), output_set(tmp_path) as out:
        atomic_write_bytes(out / "a.txt", b"a")
        atomic_write_bytes(out / "b.txt", b"b")
    assert _files(tmp_path) == {"a.txt": b"a", "b.txt": b"b"}
