"""A run's files appear together or not at all; the previous set survives a stop."""

from __future__ import annotations

import ctypes
import os
import sys
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

    monkeypatch.setattr(plan_writers, "save_book", broken)
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

    def interrupted_commit(staging: Any, folder: Path) -> None:
        os.kill(os.getpid(), 2)  # Ctrl-C in the middle of the renames: held until they end
        real(staging, folder)

    monkeypatch.setattr(atomic, "_commit", interrupted_commit)
    with pytest.raises(KeyboardInterrupt), output_set(tmp_path) as out:
        atomic_write_bytes(out / "a.txt", b"a")
        atomic_write_bytes(out / "b.txt", b"b")
    assert _files(tmp_path) == {"a.txt": b"a", "b.txt": b"b"}


def test_a_set_over_two_folders_changes_both_or_neither(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``extract --out a/x.csv --attacks-sheet b/y.csv``: the second folder failing to
    take its file puts the first folder's back."""
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
        (folder / "old.csv").write_text(f"previous {folder.name}")
    before = {f: _files(f) for f in (first, second)}
    real = Path.replace

    def flaky(self: Path, target: Any) -> Any:
        if Path(target) == second / "y.csv":
            raise OSError("the disk went away")
        return real(self, target)

    monkeypatch.setattr(Path, "replace", flaky)
    with pytest.raises(OSError, match="went away"), output_set(first, second):
        atomic_write_bytes(first / "x.csv", b"new x")
        atomic_write_bytes(first / "old.csv", b"new old")
        atomic_write_bytes(second / "y.csv", b"new y")
    assert {f: _files(f) for f in (first, second)} == before
    monkeypatch.setattr(Path, "replace", real)
    with output_set(first, second):
        atomic_write_bytes(first / "x.csv", b"new x")
        atomic_write_bytes(second / "y.csv", b"new y")
    assert _files(first) == {"old.csv": b"previous a", "x.csv": b"new x"}
    assert _files(second) == {"old.csv": b"previous b", "y.csv": b"new y"}


def test_a_retired_file_goes_with_the_set_and_comes_back_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ladder.png").write_bytes(b"an earlier ladder")
    (tmp_path / "z.txt").write_bytes(b"old z")
    real = Path.replace

    def flaky(self: Path, target: Any) -> Any:
        if Path(target) == tmp_path / "z.txt" and self.parent.name.endswith(".tmp"):
            raise OSError("the disk went away")  # the new z.txt, after ladder.png moved
        return real(self, target)

    monkeypatch.setattr(Path, "replace", flaky)
    with pytest.raises(OSError), output_set(tmp_path) as out:
        atomic.retire(out / "ladder.png")
        atomic_write_bytes(out / "a.txt", b"a")
        atomic_write_bytes(out / "z.txt", b"new z")
    assert _files(tmp_path) == {"ladder.png": b"an earlier ladder", "z.txt": b"old z"}
    monkeypatch.setattr(Path, "replace", real)
    with output_set(tmp_path) as out:
        atomic.retire(out / "ladder.png")
        atomic_write_bytes(out / "z.txt", b"new z")
    assert _files(tmp_path) == {"z.txt": b"new z"}


def test_a_commit_killed_halfway_is_rolled_back_not_deleted(tmp_path: Path) -> None:
    """The process dies between renames (power cut, SIGKILL): the previous set's files
    are in the staging folder. The next set puts them back before it removes it."""
    dead = 2**22 + 12346  # above the usual pid_max: no such process
    staging = tmp_path / f"{TEMP_PREFIX}{dead}-set.abc.tmp"
    previous = staging / f"{TEMP_PREFIX}previous"
    previous.mkdir(parents=True)
    # a.txt replaced (old one aside), b.txt moved aside but its new one not yet placed,
    # new.txt placed (no old one), c.txt not reached
    (previous / "a.txt").write_text("old a")
    (tmp_path / "a.txt").write_text("new a")
    (previous / "b.txt").write_text("old b")
    (staging / "b.txt").write_text("new b")
    (tmp_path / "new.txt").write_text("new")
    (staging / "c.txt").write_text("new c")
    (tmp_path / "c.txt").write_text("old c")
    (tmp_path / "mine.txt").write_text("the planner's")
    journal = "".join(f"+{n}\n" for n in ("a.txt", "b.txt", "c.txt", "new.txt"))
    (staging / f"{TEMP_PREFIX}journal").write_text(journal)
    with output_set(tmp_path):
        pass
    assert _files(tmp_path) == {
        "a.txt": b"old a",
        "b.txt": b"old b",
        "c.txt": b"old c",
        "mine.txt": b"the planner's",
    }


def _no_kill(pid: int, sig: int) -> None:
    raise AssertionError(f"os.kill({pid}, {sig}) on Windows ends the process it asks about")


class _Kernel32:
    """Windows' OpenProcess / GetExitCodeProcess / CloseHandle, for a few processes."""

    ERROR_INVALID_PARAMETER = 87

    def __init__(self, exit_codes: dict[int, int], denied: set[int]) -> None:
        self.exit_codes, self.denied = exit_codes, denied
        self.last_error = 0
        self.open: set[int] = set()

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int:  # noqa: N802
        if pid in self.denied or pid not in self.exit_codes:
            self.last_error = 5 if pid in self.denied else self.ERROR_INVALID_PARAMETER
            return 0
        self.open.add(pid)
        return pid

    def GetExitCodeProcess(self, handle: int, code: Any) -> int:  # noqa: N802
        code._obj.value = self.exit_codes[handle]
        return 1

    def CloseHandle(self, handle: int) -> int:  # noqa: N802
        self.open.remove(handle)
        return 1


def test_on_windows_a_process_is_asked_about_without_signalling_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kernel = _Kernel32({101: 259, 102: 0}, denied={103})
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "kill", _no_kill)
    monkeypatch.setattr(atomic, "_kernel32", lambda: kernel, raising=False)
    monkeypatch.setattr(ctypes, "get_last_error", lambda: kernel.last_error, raising=False)
    assert atomic._running(101)  # STILL_ACTIVE
    assert not atomic._running(102)  # exited, its handle still held by someone
    assert atomic._running(103)  # someone else's process: access denied, but it runs
    assert not atomic._running(104)  # no such process
    assert kernel.open == set()  # every handle opened is closed


@pytest.mark.parametrize(
    ("raised", "running"),
    [(None, True), (ProcessLookupError(), False), (PermissionError(), True)],
)
def test_on_posix_signal_0_asks_whether_a_process_runs(
    monkeypatch: pytest.MonkeyPatch, raised: OSError | None, running: bool
) -> None:
    sent: list[tuple[int, int]] = []

    def kill(pid: int, sig: int) -> None:
        sent.append((pid, sig))
        if raised is not None:
            raise raised

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(os, "kill", kill)
    assert atomic._running(4242) is running
    assert sent == [(4242, 0)]
