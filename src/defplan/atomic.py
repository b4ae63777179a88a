"""Writing outputs safely: whole files, whole sets of files, and never over an input.

A file is written to a temporary name beside it and renamed into place, so a reader
never sees half of it. A *set* (``with output_set(folder):``) goes further: every file
written into ``folder`` inside the block (through :func:`atomic_path`,
:func:`atomic_write_bytes` or :func:`defplan.workbook.output_book.save_book`) is staged
in a hidden folder beside them and moved into place only when the block ends, so a
run's files appear together or not at all, and an error or Ctrl-C leaves the
previous set as it was. One set may span several folders (``output_set(a, b)``): all
of them change, or none. Temporaries are named ``.defplan-<pid>-….tmp``; those a killed
process left behind are removed by the next set written into that folder, and a set
killed halfway through its commit is first rolled back from its journal, so the
previous set's files it had moved aside come back rather than being deleted.

Before any work, every command compares the files it will write with the files it
reads (:func:`refuse_overwrite`): resolved, and by identity on disk, which also
catches a hard link, a symbolic link and a name differing only in case on a
case-insensitive file system.
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from defplan.errors import InputError, Problem

#: every temporary file or folder defplan makes starts so, then its process id
TEMP_PREFIX = ".defplan-"
_TEMP_NAME = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d+)-.*\.tmp$")


@dataclass(frozen=True)
class _Staged:
    folder: Path  # resolved
    staging: Path
    #: names of files the set removes from ``folder`` when it commits (:func:`retire`)
    retired: set[str] = field(default_factory=set)


#: inside a staging folder: the previous set's files moved aside during a commit
_PREVIOUS = f"{TEMP_PREFIX}previous"
#: inside a staging folder: the names the commit places or removes, one a line, written
#: before the first rename (a commit killed halfway is rolled back from it)
_JOURNAL = f"{TEMP_PREFIX}journal"


_SETS: contextvars.ContextVar[tuple[_Staged, ...]] = contextvars.ContextVar(
    "defplan_output_sets", default=()
)


def _temp_prefix(name: str) -> str:
    return f"{TEMP_PREFIX}{os.getpid()}-{name}."


def _open_set(folder: Path) -> _Staged | None:
    """The open set of ``folder`` (resolved), if any."""
    return next((staged for staged in _SETS.get() if staged.folder == folder), None)


def _staged_path(target: Path) -> Path | None:
    """Where ``target`` is written while a set covering its folder is open, else None."""
    staged = _open_set(target.parent.resolve())
    if staged is None:
        return None
    staged.retired.discard(target.name)
    return staged.staging / target.name


def retire(target: Path) -> None:
    """Remove ``target`` (a file an earlier run wrote that this run does not write).

    Inside an :func:`output_set` of its folder it goes when the set commits, and comes
    back if the set does not; outside one it goes now.
    """
    target = Path(target)
    staged = _open_set(target.parent.resolve())
    if staged is None:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
    elif not (staged.staging / target.name).exists():
        staged.retired.add(target.name)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` at once.

    A reader never sees a half-written file, and a failure leaves ``target`` as it was.
    Works for a file or a folder (a folder target must not exist yet, or be empty).
    Inside an :func:`output_set` of ``target``'s folder, the path is the set's staging
    place and ``target`` appears with the rest of the set.
    """
    target = Path(target)
    staged = _staged_path(target)
    if staged is not None:
        yield staged
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        prefix=_temp_prefix(target.name), suffix=".tmp", dir=target.parent
    )
    os.close(handle)
    temp = Path(name)
    temp.unlink()
    try:
        yield temp
        if temp.is_dir() and target.is_dir():
            if any(target.iterdir()):
                raise FileExistsError(f"{target} is a folder that is not empty")
            target.rmdir()
        temp.replace(target)
    finally:
        _remove(temp)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` all at once."""
    with atomic_path(target) as temp:
        temp.write_bytes(data)


@contextlib.contextmanager
def output_set(folder: Path | str, *more: Path | str) -> Iterator[Path]:
    """Yield ``folder``; the files written into it (and into ``more`` folders) in the
    block appear together at its end.

    On an exception (or Ctrl-C) inside the block nothing appears and the files already
    there are left as they were; when one folder of several cannot take its files, the
    folders already changed are put back. A set inside an open set of the same folder
    joins it.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as place:
    ...     with output_set(Path(place) / "out") as out:
    ...         atomic_write_bytes(out / "a.txt", b"a")
    ...         atomic_write_bytes(out / "b.txt", b"b")
    ...         before = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    ...     after = sorted(p.name for p in out.iterdir())
    >>> before, after
    ([], ['a.txt', 'b.txt'])
    """
    first = Path(folder)
    wanted: dict[Path, Path] = {}
    for given in (first, *(Path(m) for m in more)):
        wanted.setdefault(given.resolve(), given)
    new: list[_Staged] = []
    try:
        for resolved, given in wanted.items():
            if _open_set(resolved) is not None:
                continue  # joins the caller's set of that folder
            given.mkdir(parents=True, exist_ok=True)
            remove_abandoned(given)
            staging = Path(tempfile.mkdtemp(prefix=_temp_prefix("set"), suffix=".tmp", dir=given))
            new.append(_Staged(resolved, staging))
        token = _SETS.set((*_SETS.get(), *new))
        try:
            yield first
        finally:
            _SETS.reset(token)
        with _signals_held():
            _commit_all(new)
    finally:
        for staged in new:
            _remove_staging(staged.staging)


def _commit_all(sets: list[_Staged]) -> None:
    """Commit each folder's set; when one fails, put back those already committed.

    Each commit keeps its journal until all are done: then the sets are final.
    """
    done: list[_Staged] = []
    try:
        for staged in sets:
            _commit(staged, Path(staged.folder))
            done.append(staged)
    except BaseException:
        for staged in reversed(done):
            _roll_back(staged.staging, Path(staged.folder))
        raise
    for staged in done:
        (staged.staging / _JOURNAL).unlink()


def _commit(staged: _Staged, folder: Path) -> None:
    """Move every staged file into ``folder`` (and the retired ones out of it); on any
    failure put the old ones back."""
    staging = staged.staging
    names = sorted(p.name for p in staging.iterdir())
    retired = sorted(n for n in staged.retired if n not in names)
    (staging / _PREVIOUS).mkdir()
    lines = [f"+{n}\n" for n in names] + [f"-{n}\n" for n in retired]
    (staging / _JOURNAL).write_text("".join(lines), "utf-8")
    try:
        for name in names:
            target = folder / name
            if target.exists() or target.is_symlink():
                target.replace(staging / _PREVIOUS / name)
            (staging / name).replace(target)
        for name in retired:
            target = folder / name
            if target.exists() or target.is_symlink():
                target.replace(staging / _PREVIOUS / name)
    except BaseException:
        _roll_back(staging, folder)
        raise


def _roll_back(staging: Path, folder: Path) -> bool:
    """Undo a commit from its journal: new files out, the previous ones back.

    A file moved aside (its name in the staging folder's previous/) goes back; a new
    file no longer staged was placed, and goes. Returns whether every file is back;
    when not, the staging folder must be kept (it holds the previous set's files).
    """
    journal = staging / _JOURNAL
    if not journal.is_file():
        return True  # the commit had not started: nothing moved
    previous = staging / _PREVIOUS
    whole = True
    for line in journal.read_text("utf-8").splitlines():
        kind, name = line[:1], line[1:]
        try:
            if (previous / name).exists() or (previous / name).is_symlink():
                (previous / name).replace(folder / name)
            elif kind == "+" and not (staging / name).exists():
                _remove(folder / name)  # placed, with no file before it
        except OSError:
            whole = False
    if whole:
        journal.unlink()
    return whole


def _remove_staging(staging: Path) -> None:
    """Remove a set's staging folder, unless it still has a journal: then a commit
    stopped halfway and could not be rolled back, and the previous set's files it
    moved aside are in there (the next set written into the folder rolls it back)."""
    if not (staging / _JOURNAL).is_file():
        _remove(staging)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM for the few renames of a commit, then deliver them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def hold(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    held = (signal.SIGINT, signal.SIGTERM)
    before = {number: signal.signal(number, hold) for number in held}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
        if received:
            signal.raise_signal(received[0])


def remove_abandoned(folder: Path) -> None:
    """Remove the temporaries that a process no longer running left in ``folder``.

    A set whose commit was stopped halfway (the process killed) is rolled back first:
    its new files go, and the previous set's files it had moved aside come back.
    """
    for entry in Path(folder).iterdir():
        found = _TEMP_NAME.match(entry.name)
        if found and not _running(int(found.group(1))):
            if entry.is_dir() and not _roll_back(entry, Path(folder)):
                continue  # the previous set's files are still in there: never deleted
            _remove(entry)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours, and not open: left by a set that ended
    if sys.platform == "win32":
        return _running_on_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


#: OpenProcess's right to ask a process's exit code, granted even for others' processes
_QUERY_LIMITED_INFORMATION = 0x1000
#: GetExitCodeProcess's code for a process still running
_STILL_ACTIVE = 259
_ERROR_ACCESS_DENIED = 5


def _kernel32() -> Any:
    """Windows' kernel32, its handles typed as pointers (ctypes would cut them to int)."""
    kernel = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel.OpenProcess.restype = ctypes.c_void_p
    kernel.OpenProcess.argtypes = [ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong]
    kernel.GetExitCodeProcess.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_ulong)]
    kernel.CloseHandle.argtypes = [ctypes.c_void_p]
    return kernel


def _running_on_windows(pid: int) -> bool:
    """Whether process ``pid`` runs, asked of Windows without signalling it.

    ``os.kill(pid, 0)`` would end the process there: signal 0 is not a probe on Windows.
    """
    kernel = _kernel32()
    handle = kernel.OpenProcess(_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:  # no such process, or one we may not open (someone else's: running)
        return bool(ctypes.get_last_error() == _ERROR_ACCESS_DENIED)  # type: ignore[attr-defined]
    try:
        code = ctypes.c_ulong()
        if not kernel.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True  # cannot tell: keep its files
        return code.value == _STILL_ACTIVE
    finally:
        kernel.CloseHandle(handle)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _replaces(output: Path, given: Path) -> bool:
    """Whether writing ``output`` would replace ``given``, or write inside it (a folder)."""
    out, source = output.resolve(), given.resolve()
    if out == source or (source.is_dir() and source in out.parents):
        return True
    try:
        return output.exists() and given.exists() and output.samefile(given)
    except OSError:
        return False


def refuse_overwrite(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Raise :class:`InputError` when any of ``outputs`` would replace one of ``inputs``.

    The one check every command makes before any work. An output replaces an input
    when the two are one file (by resolved path, or by identity on disk: a hard or
    symbolic link, or a name differing in case where the file system ignores case),
    or when the output lies inside an input folder (a CSV-folder theater).
    """
    sources = [Path(p) for p in inputs]
    problems = []
    for output in outputs:
        hit = next((given for given in sources if _replaces(Path(output), given)), None)
        if hit is not None:
            problems.append(
                Problem(
                    file=str(output),
                    message=f"would replace the input {hit}; defplan never writes over "
                    "its inputs: choose another --out (nothing was written)",
                )
            )
    if problems:
        raise InputError(problems)


def check_out_folder(output: Path, inputs: Iterable[Path], names: Iterable[str] = ()) -> None:
    """Raise :class:`InputError` unless ``output`` can be a folder of results.

    It must not be an existing file, nor one of ``inputs`` or inside one, and none of
    the files ``names`` to be written into it may replace an input. Checked before any
    work, so that a long solve never ends in a refusal to write.
    """
    if Path(output).exists() and not Path(output).is_dir():
        raise InputError(
            [Problem(file=str(output), message="is a file; --out takes a folder to write into")]
        )
    _refuse_file_in_the_way(Path(output))
    refuse_overwrite([Path(output), *(Path(output) / name for name in names)], list(inputs))


def _refuse_file_in_the_way(output: Path) -> None:
    """Raise :class:`InputError` when a folder above ``output`` is in fact a file."""
    for parent in Path(output).absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(
                    [Problem(file=str(output), message=f"cannot be made: {parent} is a file")]
                )
            return


def check_out_file(output: Path, inputs: Iterable[Path]) -> None:
    """Raise :class:`InputError` unless ``output`` can be written as a file.

    It must not be an existing folder, nor one of ``inputs`` or inside one.
    """
    if Path(output).is_dir():
        raise InputError(
            [Problem(file=str(output), message="is a folder; this option takes a file name")]
        )
    _refuse_file_in_the_way(Path(output))
    refuse_overwrite([Path(output)], inputs)
