"""Writing outputs safely: whole files or nothing, and never over an input."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from defplan.errors import InputError, Problem


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` at once.

    A reader never sees a half-written file, and a failure leaves ``target`` as it was.
    Works for a file or a folder (a folder target must not exist yet, or be empty).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)
        elif temp.exists():
            temp.unlink()


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` all at once."""
    with atomic_path(target) as temp:
        temp.write_bytes(data)


def refuse_input_overlap(output: Path, inputs: Iterable[Path]) -> None:
    """Raise :class:`InputError` when ``output`` is, or lies inside, one of ``inputs``."""
    out = Path(output).resolve()
    for given in inputs:
        path = Path(given).resolve()
        if out == path or (path.is_dir() and path in out.parents):
            raise InputError(
                [
                    Problem(
                        file=str(output),
                        message=f"is an input ({given}); defplan never writes over its inputs",
                    )
                ]
            )


def check_out_folder(output: Path, inputs: Iterable[Path]) -> None:
    """Raise :class:`InputError` unless ``output`` can be a folder of results.

    It must not be an existing file, nor one of ``inputs`` or inside one; checked before
    any work so that a long solve never ends in a refusal to write.
    """
    if Path(output).exists() and not Path(output).is_dir():
        raise InputError(
            [Problem(file=str(output), message="is a file; --out takes a folder to write into")]
        )
    _refuse_file_in_the_way(Path(output))
    refuse_input_overlap(output, inputs)


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
    refuse_input_overlap(output, inputs)
