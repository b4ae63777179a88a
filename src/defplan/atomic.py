"""Writing outputs safely: whole files, whole sets of files, and never over an input.

A file is written to a temporary name beside it and renamed into place, so a reader
never sees half of it. A *set* (``with output_set(folder):``) goes further: every file
written into ``folder`` inside the block (through :func:`atomic_path`,
:func:`atomic_write_bytes` or :func:`defplan.workbook.write.save_workbook`) is staged
in a hidden folder beside them and moved into place only when the block ends, so a
run's files appear together or not at all, and an error or Ctrl-C leaves the
previous set as it was. Temporaries are named ``.defplan-<pid>-….tmp``; those a killed
process left behind are removed by the next set written into that folder.

Before any work, every command compares the files it will write with the files it
reads (:func:`refuse_overwrite`): resolved, and by identity on disk, which also
catches a hard link, a symbolic link and a name differing only in case on a
case-insensitive file system.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from defplan.errors import InputError, Problem

#: every temporary file or folder defplan makes starts so, then its process id
TEMP_PREFIX = ".defplan-"
_TEMP_NAME = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d+)-.*\.tmp$")


@dataclass(frozen=True)
class _Staged:
    folder: Path  # resolved
    staging: Path


_SETS: contextvars.ContextVar[tuple[_Staged, ...]] = contextvars.ContextVar(
    "defplan_output_sets", default=()
)


def _temp_prefix(name: str) -> str:
    return f"{TEMP_PREFIX}{os.getpid()}-{name}."


def _staged_path(target: Path) -> Path | None:
    """Where ``target`` is written while a set covering its folder is open, else None."""
    folder = target.parent.resolve()
    for staged in _SETS.get():
        if staged.folder == folder:
            return staged.staging / target.name
    return None


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
def output_set(folder: Path | str) -> Iterator[Path]:
    """Yield ``folder``; the files written into it in the block appear together at its end.

    On an exception (or Ctrl-C) inside the block nothing appears and the files already
    there are left as they were. A set inside an open set of the same folder joins it.

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
    folder = Path(folder)
    resolved = folder.resolve()
    if any(staged.folder == resolved for staged in _SETS.get()):
        yield folder
        return
    folder.mkdir(parents=True, exist_ok=True)
    remove_abandoned(folder)
    staging = Path(tempfile.mkdtemp(prefix=_temp_prefix("set"), suffix=".tmp", dir=folder))
    token = _SETS.set((*_SETS.get(), _Staged(resolved, staging)))
    try:
        try:
            yield folder
        finally:
            _SETS.reset(token)
        with _signals_held():
            _commit(staging, folder)
            _remove(staging)
    finally:
        _remove(staging)


def _commit(staging: Path, folder: Path) -> None:
    """Move every staged file into ``folder``; on any failure put the old ones back."""
    names = sorted(p.name for p in staging.iterdir())
    previous = staging / f"{TEMP_PREFIX}previous"
    previous.mkdir()
    kept: list[str] = []
    placed: list[str] = []
    try:
        for name in names:
            target = folder / name
            if target.exists() or target.is_symlink():
                target.replace(previous / name)
                kept.append(name)
            (staging / name).replace(target)
            placed.append(name)
    except BaseException:
        for name in placed:
            _remove(folder / name)
        for name in kept:
            (previous / name).replace(folder / name)
        raise


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
    """Remove the temporaries that a process no longer running left in ``folder``."""
    for entry in Path(folder).iterdir():
        found = _TEMP_NAME.match(entry.name)
        if found and not _running(int(found.group(1))):
            _remove(entry)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours, and not open: left by a set that ended
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


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
