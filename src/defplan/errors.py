"""The failures defplan reports: bad input (all problems at once) and solver trouble."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with (or worth saying about) an input, located as a planner sees it.

    ``row`` is the row number Excel shows (the header is row 1 in a sheet written by
    defplan); ``None`` when the problem is about a whole file, sheet or column.
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    message: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"row {self.row}")
        where = " · ".join(parts)
        text = f"{self.column}: {self.message}" if self.column else self.message
        return f"{where} · {text}"


class InputError(Exception):
    """Raised once for a bad input, holding every problem found (errors first)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = "\n".join(f"  {p}" for p in errors)
        super().__init__(f"{len(errors)} problem(s) in the input:\n{lines}")

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems of severity ``error`` (warnings and notes left out)."""
        return tuple(p for p in self.problems if p.severity == "error")


class SolverError(Exception):
    """Raised when a solver backend is missing, misconfigured or fails outright."""


@contextlib.contextmanager
def backend_missing_as_solver_error() -> Iterator[None]:
    """Inside, a solve on a backend whose Python package is not installed raises
    SolverError (the message names the pip extra to install), whoever calls it: the
    solver core raises its own MissingBackendError, a ValueError, as it imports
    nothing of the rest of defplan."""
    from defplan.model.backends import MissingBackendError

    try:
        yield
    except MissingBackendError as exc:
        raise SolverError(str(exc)) from exc


class InfeasibleError(SolverError):
    """Raised when no allocation satisfies the rules (not when time ran out first)."""
