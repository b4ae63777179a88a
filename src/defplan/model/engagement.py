"""A Monte Carlo engagement simulator: raids played round by round against a posture.

Each raid draws its class (in proportion to the base's raid rates) and its salvo size
N from the class's :class:`~defplan.model.raids.Salvo`; every unit defending the base
engages min(N, k_s) of the rounds, chosen at random and independently of the other
units (k_s its engagements per raid: channels, or the magazine when smaller), and each
engagement kills its round with p[s, c]; a unit whose magazine is still refilling from
the base's previous raid (the time since it exponential at the base's raid rate)
engages nothing. A round no engagement killed leaks. This is
the process :func:`defplan.model.raids.expected_leakers` takes the expectation of, so
the simulator's mean agrees with it within its confidence interval (tests/test_engagement.py),
and it gives what the expectation does not: the spread (P5, P50, P95 leakers a raid).

Vectorised in numpy over raids (chunks of at most :data:`CELLS` rounds), seeded:
the same posture and seed give the same draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from defplan.model.instance import FloatArray, IntArray
from defplan.model.raids import Raids, Salvo

#: Rounds simulated at a time (raids × largest salvo), to keep memory flat.
CELLS = 1_000_000
#: z of a two-sided 99% normal interval.
Z99 = 2.5758293035489


def play(
    units: IntArray,
    p: FloatArray,
    capacity: FloatArray,
    salvo: Salvo,
    n_raids: int,
    rng: np.random.Generator,
    reload: FloatArray | None = None,
    rate: float = 0.0,
) -> IntArray:
    """Leakers of ``n_raids`` raids of one class against one base's defenders.

    Parameters
    ----------
    units : ndarray of shape (S,)
        Units of each system defending the base.
    p : ndarray of shape (S,)
        Kill probability of one engagement, per system.
    capacity : ndarray of shape (S,)
        Rounds one unit engages in a raid (inf: every round).
    salvo : Salvo
        Rounds per raid.
    n_raids : int
        Raids to play.
    rng : numpy.random.Generator
        The source of every draw.
    reload : ndarray of shape (S,), optional
        Years each system's magazine takes to refill (0: at once).
    rate : float
        The base's raids a year: the time since the previous raid is exponential with
        this rate, and a system whose reload time is longer engages nothing.

    Returns
    -------
    ndarray of shape (n_raids,)
        Rounds that leaked, per raid.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> out = play(np.array([0]), np.array([0.5]), np.array([1.0]), Salvo.single(), 3, rng)
    >>> out.tolist()
    [1, 1, 1]
    """
    largest = salvo.largest
    out = np.zeros(n_raids, dtype=np.int64)
    chunk = max(1, CELLS // largest)
    refill = np.zeros(len(units)) if reload is None else reload
    shooters = [
        (float(p[s]), float(capacity[s]), float(refill[s]))
        for s in range(len(units))
        for _ in range(int(units[s]))
        if p[s] > 0.0
    ]
    reloads = rate > 0.0 and any(r > 0.0 for _, _, r in shooters)
    for start in range(0, n_raids, chunk):
        count = min(chunk, n_raids - start)
        sizes = rng.choice(salvo.sizes, size=count, p=salvo.pmf)
        # the time since the base's previous raid (drawn only when a shooter reloads)
        since = rng.exponential(1.0 / rate, size=count) if reloads else None
        valid = np.arange(largest)[None, :] < sizes[:, None]  # (R, N_max)
        alive = valid.copy()
        for kill, engages, refilling in shooters:
            if engages >= largest:
                engaged = valid
            else:
                # engages rounds at random out of the salvo: the ones with the lowest keys
                keys = np.where(valid, rng.random((count, largest)), 2.0)
                first = np.argsort(keys, axis=1)[:, : int(engages)]
                engaged = np.zeros_like(valid)
                np.put_along_axis(engaged, first, True, axis=1)
                engaged &= valid
            if since is not None and refilling > 0.0:
                engaged = engaged & (since >= refilling)[:, None]  # reloading: none
            alive &= ~(engaged & (rng.random((count, largest)) < kill))
        out[start : start + count] = alive.sum(axis=1)
    return out


def simulate(
    defending: FloatArray,
    p: FloatArray,
    raid: Raids,
    share: FloatArray,
    n_raids: int,
    seed: int = 0,
    rate: FloatArray | None = None,
) -> IntArray:
    """Leakers of ``n_raids`` raids at every base, (B, n_raids).

    Parameters
    ----------
    defending : ndarray of shape (B, S)
        Units of each system defending each base.
    p : ndarray of shape (S, C)
        Kill probability of one engagement.
    raid : Raids
        Salvos per class and engagements per unit.
    share : ndarray of shape (B, C)
        Each base's raid rates per class (any scale): the class of each raid is drawn
        in proportion. A base with none gets no raids (a row of zeros).
    n_raids : int
        Raids per base.
    seed : int
        Seeds the draws; bases are played in order from one generator.
    rate : ndarray of shape (B,), optional
        Raids a year at each base, for the reload states (default the raids' own).

    Examples
    --------
    >>> from defplan.model.raids import make_raids
    >>> spec = make_raids([Salvo(np.array([0.0, 1.0]))], [1.0])
    >>> out = simulate(np.array([[1.0]]), np.array([[1.0]]), spec, np.array([[1.0]]), 4)
    >>> out.tolist()  # two rounds, one engaged and always killed: one leaks
    [[1, 1, 1, 1]]
    """
    rng = np.random.default_rng(seed)
    n_bases, n_classes = share.shape
    out = np.zeros((n_bases, n_raids), dtype=np.int64)
    units = np.rint(defending).astype(np.int64)
    rates = raid.rate if rate is None else np.asarray(rate, dtype=np.float64)
    if raid.reloads and (rates is None or rates.shape != (n_bases,)):
        raise ValueError(f"reload times need {n_bases} raid rates, one per base")
    for b in range(n_bases):
        total = float(share[b].sum())
        if not total > 0.0:
            continue
        drawn = rng.choice(n_classes, size=n_raids, p=share[b] / total)
        for c in range(n_classes):
            where = np.flatnonzero(drawn == c)
            if where.size:
                out[b, where] = play(
                    units[b],
                    p[:, c],
                    raid.capacity,
                    raid.salvo[c],
                    where.size,
                    rng,
                    raid.reload,
                    float(rates[b]) if rates is not None and raid.reloads else 0.0,
                )
    return out


@dataclass(frozen=True)
class LeakerSummary:
    """The distribution of leakers a raid at one base."""

    mean: float
    low: float  # the 99% confidence interval on the mean
    high: float
    p5: float
    p50: float
    p95: float


def summarise(leakers: IntArray) -> list[LeakerSummary]:
    """Mean with its 99% confidence interval (normal, by the central limit theorem),
    and the 5th, 50th and 95th percentiles of each row of a (B, n) simulation.

    >>> summarise(np.array([[0, 0, 2, 2]]))[0].mean
    1.0
    """
    found = []
    n = leakers.shape[1]
    for row in leakers.astype(np.float64):
        mean = float(row.mean()) if n else math.nan
        half = Z99 * float(row.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
        p5, p50, p95 = (float(v) for v in np.percentile(row, [5, 50, 95])) if n else (math.nan,) * 3
        found.append(LeakerSummary(mean, mean - half, mean + half, p5, p50, p95))
    return found
