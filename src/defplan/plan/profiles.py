"""Solver profiles: named configurations in ``solvers/<name>.toml``.

A profile names a backend and may set a time limit, a gap and threads. Where it
leaves one out, the theater's settings sheet decides; options given on the command
line (or as arguments) override both.

Profiles are looked up in ``$DEFPLAN_SOLVERS``, then ``./solvers``, then the
``solvers/`` folder of the defplan checkout. ``default`` exists even with no file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from defplan.model import backend_names
from defplan.suggest import expected_one_of

_KEYS = {"backend", "time_limit_s", "mip_gap", "threads", "description"}


@dataclass(frozen=True)
class SolverProfile:
    """A named solver configuration (a ``solvers/*.toml`` file): backend, limits, threads."""

    name: str
    backend: str = "highs"
    time_limit_s: float | None = None
    mip_gap: float | None = None
    threads: int | None = None
    description: str = ""
    path: str | None = None


def profile_dirs() -> list[Path]:
    """Folders searched for profiles, first match wins: ``$DEFPLAN_SOLVERS``, ``./solvers``,
    then the repository's ``solvers/``."""
    dirs = []
    if os.environ.get("DEFPLAN_SOLVERS"):
        dirs.append(Path(os.environ["DEFPLAN_SOLVERS"]))
    dirs.append(Path.cwd() / "solvers")
    dirs.append(Path(__file__).resolve().parents[3] / "solvers")
    return dirs


def profile_names() -> list[str]:
    """Every profile name found in :func:`profile_dirs`, sorted (``default`` always)."""
    names = {"default"}
    for folder in profile_dirs():
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.toml"))
    return sorted(names)


def load_profile(name: str) -> SolverProfile:
    """The profile of that name; ValueError naming the known ones when it is missing.

    Only a name is accepted, one of :func:`profile_names` (the ``*.toml`` files of the
    known folders): a path such as ``../x`` or ``other/x.toml`` is refused, so a
    workbook cannot make defplan read a file outside those folders.
    """
    names = profile_names()
    if name not in names:
        path_like = any(mark in name for mark in ("/", "\\", ".."))
        how = "; a profile is given by name, not by path" if path_like else ""
        raise ValueError(f"no solver profile {name!r} ({expected_one_of(name, names)}{how})")
    for folder in profile_dirs():
        path = folder / f"{name}.toml"
        if path.is_file():
            return _read(path, name)
    return SolverProfile("default", description="HiGHS, settings' time limit and gap")


def _read(path: Path, name: str) -> SolverProfile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a valid TOML file ({exc})") from exc
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ValueError(f"{path}: unknown keys {unknown} (expected {sorted(_KEYS)})")
    backend = str(data.get("backend", "highs"))
    if backend not in backend_names():  # the registry, whether installed or not
        raise ValueError(f"{path}: backend {backend!r} is not one of {', '.join(backend_names())}")
    time_limit = data.get("time_limit_s")
    gap = data.get("mip_gap")
    threads = data.get("threads")
    if time_limit is not None and (not isinstance(time_limit, int | float) or time_limit <= 0):
        raise ValueError(f"{path}: time_limit_s {time_limit!r} is not a positive number")
    if gap is not None and (not isinstance(gap, int | float) or gap < 0):
        raise ValueError(f"{path}: mip_gap {gap!r} is not a number ≥ 0")
    if threads is not None and (not isinstance(threads, int) or threads < 1):
        raise ValueError(f"{path}: threads {threads!r} is not a whole number ≥ 1")
    return SolverProfile(
        name=name,
        backend=backend,
        time_limit_s=None if time_limit is None else float(time_limit),
        mip_gap=None if gap is None else float(gap),
        threads=threads,
        description=str(data.get("description", "")),
        path=str(path),
    )
