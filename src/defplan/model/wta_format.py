"""The classic weapon-target assignment (WTA) as a special case of the allocation core.

An instance has W weapon types and T targets. Target t is worth V_t; one weapon of
type w destroys target t with probability p[w, t], independently of every other
weapon fired at it. Each weapon type has ``mu`` weapons (mu = 1 is the classic
one-weapon-per-type WTA). Choose integers x[w, t] ≥ 0 with Σ_t x[w, t] ≤ mu to

    minimize  Σ_t V_t Π_w (1 − p[w, t]) ^ x[w, t]       (expected surviving value)

Mapping onto :mod:`defplan.model.instance` (no new solver code):

* bases = targets, and one threat class per target: value[t, t] = V_t, else 0;
* systems = weapon types, with p[s = w, c = t] = p[w, t];
* point coverage: a unit "hosted" at base t engages target t only;
* inventory = mu per weapon type, and at most mu units of a type per target.

The public text format (whitespace separated, indices 0-based)::

    W T mu
    V_0                  # T lines, one target value each
    ...
    w t p[w, t]          # W × T lines, every (w, t) pair exactly once, any order

The reader forgives blank lines, extra spaces and tabs, comments from ``#`` to the end
of a line and Windows line ends. Anything else (wrong counts, a p outside [0, 1], a
negative value, a word where a number belongs, a pair given twice) is a
:class:`WtaFormatError` (a ValueError) naming the file and, for every bad line at
once, the line and what was expected.

:func:`generate_wta` draws the usual random instances of the WTA literature: target
values uniform integers in 25..100 and kill probabilities uniform in [0.6, 0.9]. These
ranges are a choice (they match the generators most papers describe); the instances
are fully determined by the seed.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from defplan.model.instance import FloatArray, Instance, IntArray, make_instance
from defplan.model.outer_approximation import solve
from defplan.model.solution import Solution

#: Target values are drawn uniformly from these integers (inclusive).
VALUE_RANGE = (25, 100)
#: Kill probabilities are drawn uniformly from this interval.
P_RANGE = (0.6, 0.9)


@dataclass(frozen=True, eq=False)
class WtaInstance:
    """A weapon-target assignment instance: values (T,), p (W, T), mu weapons per type."""

    values: FloatArray
    p: FloatArray
    mu: int

    def __post_init__(self) -> None:
        values = np.asarray(self.values, dtype=np.float64)
        p = np.asarray(self.p, dtype=np.float64)
        if values.ndim != 1 or p.ndim != 2 or p.shape[1] != values.shape[0]:
            raise ValueError(f"values {values.shape} and p {p.shape} must be (T,) and (W, T)")
        if not np.isfinite(values).all() or (values < 0).any():
            raise ValueError("target values must be finite and ≥ 0")
        if not np.isfinite(p).all() or ((p < 0) | (p > 1)).any():
            raise ValueError("p must lie in [0, 1]")
        if isinstance(self.mu, bool) or int(self.mu) != self.mu or self.mu < 0:
            raise ValueError(f"mu must be an integer ≥ 0, not {self.mu!r}")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "p", p)
        object.__setattr__(self, "mu", int(self.mu))

    @property
    def weapons(self) -> int:
        return int(self.p.shape[0])

    @property
    def targets(self) -> int:
        return int(self.p.shape[1])

    def objective(self, x: IntArray) -> float:
        """Σ_t V_t Π_w (1 − p[w, t]) ^ x[w, t] for an assignment x of shape (W, T)."""
        survive = np.prod(np.power(1.0 - self.p, np.asarray(x, dtype=np.float64)), axis=0)
        return float(np.dot(self.values, survive))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WtaInstance):
            return NotImplemented
        return (
            self.mu == other.mu
            and np.array_equal(self.values, other.values)
            and np.array_equal(self.p, other.p)
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, eq=False)
class WtaReport:
    """What ``defplan wta FILE`` prints: the instance's sizes and the solve."""

    path: Path
    instance: WtaInstance
    solution: Solution

    @property
    def weapons(self) -> int:
        return self.instance.weapons

    @property
    def targets(self) -> int:
        return self.instance.targets

    @property
    def mu(self) -> int:
        return self.instance.mu

    @property
    def assignment(self) -> IntArray | None:
        """x[w, t]: weapons of type w fired at target t (None when infeasible)."""
        x = self.solution.x
        return None if x is None else np.ascontiguousarray(x.T)


# ---------------------------------------------------------------- reading and writing


#: A bad file's report stops naming lines after this many problems (and counts the rest).
MAX_PROBLEMS = 50


class WtaFormatError(ValueError):
    """Every problem found in a WTA file, each with its line (None: the whole file).

    ``str()`` is one line per problem, ``"name, line N: what was expected"``.
    """

    def __init__(self, name: str, problems: list[tuple[int | None, str]], more: int = 0) -> None:
        self.name = name
        self.problems: tuple[tuple[int | None, str], ...] = tuple(problems)
        self.more = more
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """The problems as text, each naming the file and the line."""
        out = [
            f"{self.name}, line {line}: {message}"
            if line is not None
            else f"{self.name}: {message}"
            for line, message in self.problems
        ]
        if self.more:
            out.append(f"{self.name}: … and {self.more} more problem(s) not shown")
        return out


class _StopReadingError(Exception):
    """The rest of the file cannot be read (header unusable, file ended early)."""


class _Found:
    """The problems seen so far, capped at :data:`MAX_PROBLEMS`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[tuple[int | None, str]] = []
        self.more = 0

    def add(self, line: int | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append((line, message))
        else:
            self.more += 1

    def error(self) -> WtaFormatError:
        return WtaFormatError(self.name, self.problems, self.more)


def read_wta(text: str, name: str = "<text>") -> WtaInstance:
    """Parse the public text format.

    Raises :class:`WtaFormatError` (a ValueError) naming ``name`` and every bad line at
    once with what was expected (up to :data:`MAX_PROBLEMS`); only a header that cannot
    be read, or a file that ends early, stops the reading there.
    """
    found = _Found(name)
    reader = _Reader(_content_lines(text), found)
    instance: WtaInstance | None = None
    with contextlib.suppress(_StopReadingError):
        instance = _parse(reader, found)
    if found.problems or instance is None:
        raise found.error()
    return instance


def _parse(reader: _Reader, found: _Found) -> WtaInstance | None:
    header_no, header = reader.next("the header line 'W T mu'")
    if len(header) != 3:
        found.add(header_no, f"{' '.join(header)!r}: expected 3 integers 'W T mu'")
        raise _StopReadingError
    n_weapons = _integer(found, header_no, header[0], "W, the number of weapon types", 1)
    n_targets = _integer(found, header_no, header[1], "T, the number of targets", 1)
    mu = _integer(found, header_no, header[2], "mu, the weapons per type", 0)
    if n_weapons is None or n_targets is None or mu is None:
        raise _StopReadingError

    values = np.zeros(n_targets, dtype=np.float64)
    for t in range(n_targets):
        line_no, tokens = reader.next(f"the value of target {t} (T = {n_targets} value lines)")
        if len(tokens) != 1:
            found.add(
                line_no,
                f"{' '.join(tokens)!r}: expected one number, the value of target {t} "
                f"(T = {n_targets} value lines follow the header)",
            )
            continue
        value = _number(found, line_no, tokens[0], f"the value of target {t}", low=0.0)
        values[t] = value if value is not None else 0.0

    p = np.zeros((n_weapons, n_targets), dtype=np.float64)
    where = np.zeros((n_weapons, n_targets), dtype=np.int64)  # line of each pair, 0 = not yet
    expected = n_weapons * n_targets
    for k in range(expected):
        line_no, tokens = reader.next(
            f"{expected - k} more 'w t p' lines (W × T = {n_weapons} × {n_targets} = {expected})"
        )
        if len(tokens) != 3:
            found.add(
                line_no,
                f"{' '.join(tokens)!r}: expected 'w t p' (weapon type, target, kill "
                f"probability); line {k + 1} of {expected}",
            )
            continue
        weapon = _integer(found, line_no, tokens[0], f"a weapon type 0..{n_weapons - 1}", 0)
        target = _integer(found, line_no, tokens[1], f"a target 0..{n_targets - 1}", 0)
        prob = _number(found, line_no, tokens[2], "a probability in [0, 1]", low=0.0, high=1.0)
        if weapon is not None and weapon >= n_weapons:
            found.add(
                line_no, f"weapon type {weapon}: expected 0..{n_weapons - 1} (W = {n_weapons})"
            )
            weapon = None
        if target is not None and target >= n_targets:
            found.add(line_no, f"target {target}: expected 0..{n_targets - 1} (T = {n_targets})")
            target = None
        if weapon is None or target is None:
            continue
        if where[weapon, target]:
            found.add(
                line_no,
                f"pair ({weapon}, {target}) already given on line {where[weapon, target]}; "
                "expected each once",
            )
            continue
        where[weapon, target] = line_no
        p[weapon, target] = prob if prob is not None else 0.0
    extra = reader.peek()
    if extra is not None:
        line_no, tokens = extra
        found.add(
            line_no,
            f"{' '.join(tokens)!r}: expected the end of the file after {expected} 'w t p' lines",
        )
    if found.problems:
        return None
    return WtaInstance(values=values, p=p, mu=mu)


def load_wta(path: Path | str) -> WtaInstance:
    """Read a WTA file; a missing or undecodable file is a ValueError too."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a text file (byte {exc.start} is not UTF-8)") from exc
    return read_wta(text, str(path))


def write_wta(instance: WtaInstance) -> str:
    """The text format; ``read_wta(write_wta(x)) == x`` exactly (floats as repr)."""
    out = [f"{instance.weapons} {instance.targets} {instance.mu}"]
    out.extend(_float(v) for v in instance.values.tolist())
    for w in range(instance.weapons):
        out.extend(f"{w} {t} {_float(v)}" for t, v in enumerate(instance.p[w].tolist()))
    return "\n".join(out) + "\n"


def _float(value: float) -> str:
    """Shortest text that reads back to the same float; integers without '.0'."""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _content_lines(text: str) -> list[tuple[int, list[str]]]:
    """(line number, tokens) of every line with content, comments and blanks dropped."""
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        tokens = raw.split("#", 1)[0].split()
        if tokens:
            found.append((number, tokens))
    return found


class _Reader:
    def __init__(self, lines: list[tuple[int, list[str]]], found: _Found) -> None:
        self.lines = lines
        self.found = found
        self.position = 0

    def next(self, expected: str) -> tuple[int, list[str]]:
        """The next line with content; at the end of the file, a problem and _StopReadingError."""
        if self.position >= len(self.lines):
            last = self.lines[-1][0] if self.lines else 0
            where = f"ended after line {last}" if last else "is empty"
            self.found.add(None, f"the file {where}; expected {expected}")
            raise _StopReadingError
        line = self.lines[self.position]
        self.position += 1
        return line

    def peek(self) -> tuple[int, list[str]] | None:
        return self.lines[self.position] if self.position < len(self.lines) else None


def _integer(found: _Found, line: int, token: str, what: str, low: int) -> int | None:
    """The token as an integer ≥ low, or None with the problem recorded."""
    try:
        value = int(token)
    except ValueError:
        found.add(line, f"{token!r} is not an integer; expected {what}")
        return None
    if value < low:
        found.add(line, f"{value} is below {low}; expected {what}")
        return None
    return value


def _number(
    found: _Found, line: int, token: str, what: str, low: float, high: float = math.inf
) -> float | None:
    """The token as a finite number in [low, high], or None with the problem recorded."""
    try:
        value = float(token)
    except ValueError:
        found.add(line, f"{token!r} is not a number; expected {what}")
        return None
    if not math.isfinite(value) or not low <= value <= high:
        found.add(line, f"{token} is out of range; expected {what}")
        return None
    return value


# ---------------------------------------------------------------- generating and solving


def generate_wta(weapons: int, targets: int, mu: int, seed: int) -> WtaInstance:
    """A random instance as in the WTA literature (see VALUE_RANGE and P_RANGE)."""
    if weapons < 1 or targets < 1:
        raise ValueError("an instance needs at least one weapon type and one target")
    rng = np.random.default_rng(seed)
    values = rng.integers(VALUE_RANGE[0], VALUE_RANGE[1] + 1, size=targets).astype(np.float64)
    p = rng.uniform(P_RANGE[0], P_RANGE[1], size=(weapons, targets))
    return WtaInstance(values=values, p=p, mu=mu)


def to_instance(wta: WtaInstance) -> Instance:
    """The allocation instance whose residual is the WTA objective (x is (T, W))."""
    shape = (wta.targets, wta.weapons)
    return make_instance(
        value=np.diag(wta.values),
        p=wta.p,
        inventory=np.full(wta.weapons, wta.mu, dtype=np.int64),
        upper=np.full(shape, wta.mu, dtype=np.int64),
    )


def solve_wta(wta: WtaInstance, **solve_kwargs: Any) -> Solution:
    """Solve through :func:`defplan.model.solve`; the Solution's x is (T, W)."""
    return solve(to_instance(wta), **solve_kwargs)


def wta(
    path: Path | str,
    *,
    backend: str = "highs",
    time_limit: float = 60.0,
    gap: float = 0.0,
    threads: int | None = None,
) -> WtaReport:
    """Read a WTA file and solve it: everything ``defplan wta FILE`` prints.

    The weapon-target assignment [1]_ minimises the expected surviving value
    Σ_t V_t Π_w (1 − p[w, t]) ^ x[w, t] with at most ``mu`` weapons of each type; it is
    solved as an :class:`~defplan.model.Instance` (one class per target), exactly.

    Parameters
    ----------
    path : path-like
        A file in the public text format (module docstring).
    backend, time_limit, gap, threads
        As for :func:`defplan.model.solve`.

    Returns
    -------
    WtaReport
        The instance's sizes, the solve, and the assignment x[w, t].

    Raises
    ------
    WtaFormatError
        Naming the file and every bad line.

    References
    ----------
    .. [1] Andersen, A.C., Pavlikov, K. & Toffolo, T.A.M. (2022). Weapon-target
       assignment problem: exact and approximate solution algorithms. Annals of
       Operations Research 312, 581-606.

    Examples
    --------
    Two targets worth 10 and 5, one weapon of each of two types:

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "tiny.txt"
    ...     _ = path.write_text("2 2 1\\n10\\n5\\n0 0 0.5\\n0 1 0.4\\n1 0 0.3\\n1 1 0.6\\n")
    ...     report = wta(path)
    >>> report.solution.status, round(report.solution.objective, 9)
    ('optimal', 7.0)
    >>> report.assignment.tolist()
    [[1, 0], [0, 1]]
    """
    instance = load_wta(path)
    solution = solve_wta(instance, backend=backend, time_limit=time_limit, gap=gap, threads=threads)
    return WtaReport(path=Path(path), instance=instance, solution=solution)
