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
:class:`ValueError` naming the file, the line and what was expected.

:func:`generate_wta` draws the usual random instances of the WTA literature: target
values uniform integers in 25..100 and kill probabilities uniform in [0.6, 0.9]. These
ranges are a choice (they match the generators most papers describe); the instances
are fully determined by the seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from defplan.model.instance import FloatArray, Instance, IntArray, make_instance
from defplan.model.solution import Solution
from defplan.model.solve import solve

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


def read_wta(text: str, name: str = "<text>") -> WtaInstance:
    """Parse the public text format; ValueError with ``name``, line and what was expected."""
    lines = _content_lines(text)
    reader = _Reader(lines, name)
    header_no, header = reader.next("the header line 'W T mu'")
    if len(header) != 3:
        raise _error(name, header_no, f"{' '.join(header)!r}: expected 3 integers 'W T mu'")
    n_weapons = _integer(name, header_no, header[0], "W, the number of weapon types", 1)
    n_targets = _integer(name, header_no, header[1], "T, the number of targets", 1)
    mu = _integer(name, header_no, header[2], "mu, the weapons per type", 0)

    values = np.empty(n_targets, dtype=np.float64)
    for t in range(n_targets):
        line_no, tokens = reader.next(f"the value of target {t} (T = {n_targets} value lines)")
        if len(tokens) != 1:
            raise _error(
                name,
                line_no,
                f"{' '.join(tokens)!r}: expected one number, the value of target {t} "
                f"(T = {n_targets} value lines follow the header)",
            )
        values[t] = _number(name, line_no, tokens[0], f"the value of target {t}", low=0.0)

    p = np.empty((n_weapons, n_targets), dtype=np.float64)
    seen = np.zeros((n_weapons, n_targets), dtype=bool)
    where = np.zeros((n_weapons, n_targets), dtype=np.int64)
    expected = n_weapons * n_targets
    for k in range(expected):
        line_no, tokens = reader.next(
            f"{expected - k} more 'w t p' lines (W × T = {n_weapons} × {n_targets} = {expected})"
        )
        if len(tokens) != 3:
            raise _error(
                name,
                line_no,
                f"{' '.join(tokens)!r}: expected 'w t p' (weapon type, target, kill "
                f"probability); line {k + 1} of {expected}",
            )
        w = _integer(name, line_no, tokens[0], f"a weapon type 0..{n_weapons - 1}", 0)
        t = _integer(name, line_no, tokens[1], f"a target 0..{n_targets - 1}", 0)
        if w >= n_weapons:
            raise _error(
                name, line_no, f"weapon type {w}: expected 0..{n_weapons - 1} (W = {n_weapons})"
            )
        if t >= n_targets:
            raise _error(
                name, line_no, f"target {t}: expected 0..{n_targets - 1} (T = {n_targets})"
            )
        if seen[w, t]:
            raise _error(
                name,
                line_no,
                f"pair ({w}, {t}) already given on line {where[w, t]}; expected each once",
            )
        p[w, t] = _number(name, line_no, tokens[2], "a probability in [0, 1]", low=0.0, high=1.0)
        seen[w, t] = True
        where[w, t] = line_no
    extra = reader.peek()
    if extra is not None:
        line_no, tokens = extra
        raise _error(
            name,
            line_no,
            f"{' '.join(tokens)!r}: expected the end of the file after {expected} 'w t p' lines",
        )
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
    def __init__(self, lines: list[tuple[int, list[str]]], name: str) -> None:
        self.lines = lines
        self.name = name
        self.position = 0

    def next(self, expected: str) -> tuple[int, list[str]]:
        if self.position >= len(self.lines):
            last = self.lines[-1][0] if self.lines else 0
            where = f"ended after line {last}" if last else "is empty"
            raise ValueError(f"{self.name}: the file {where}; expected {expected}")
        line = self.lines[self.position]
        self.position += 1
        return line

    def peek(self) -> tuple[int, list[str]] | None:
        return self.lines[self.position] if self.position < len(self.lines) else None


def _error(name: str, line: int, message: str) -> ValueError:
    return ValueError(f"{name}, line {line}: {message}")


def _integer(name: str, line: int, token: str, what: str, low: int) -> int:
    try:
        value = int(token)
    except ValueError:
        raise _error(name, line, f"{token!r} is not an integer; expected {what}") from None
    if value < low:
        raise _error(name, line, f"{value} is below {low}; expected {what}")
    return value


def _number(
    name: str, line: int, token: str, what: str, low: float, high: float = math.inf
) -> float:
    try:
        value = float(token)
    except ValueError:
        raise _error(name, line, f"{token!r} is not a number; expected {what}") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise _error(name, line, f"{token} is out of range; expected {what}")
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
    """Read a WTA file and solve it: everything ``defplan wta FILE`` prints."""
    instance = load_wta(path)
    solution = solve_wta(instance, backend=backend, time_limit=time_limit, gap=gap, threads=threads)
    return WtaReport(path=Path(path), instance=instance, solution=solution)
