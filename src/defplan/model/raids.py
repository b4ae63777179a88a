"""Raids: salvos of several rounds against units that engage only so many of them.

A raid of class c brings a salvo of N rounds, N drawn from the class's
:class:`Salvo` (sizes 1 … N_max). A unit of system s engages at most ``capacity[s]``
rounds of one raid (its fire channels for the raid, or the interceptors in its
magazine, whichever is fewer; unlimited when neither is given). When the salvo is
larger it engages ``capacity[s]`` rounds chosen at random, independently of the other
units, and each engagement kills its round with the effectiveness sheet's p[s, c].
A round therefore leaks past one unit of s with probability
``1 − p[s, c] · min(1, capacity[s] / N)``, past all of them with the product, and

    E[leakers | N] = N · Π_s (1 − p[s, c] · min(1, capacity[s] / N)) ^ n[b, s]

Each round carries 1 / E[N] of an attack's damage, so the residual of a base is the
damage of the expected leakers per raid times the raid rate:

    residual[b, c] = value[b, c] · Σ_N P(N) · N / E[N] · Π_s (1 − p[s, c] min(1, k_s / N)) ^ n[b, s]

With unlimited capacity the inner product does not depend on N and the sum is
value · Π_s (1 − p)^n: today's model exactly (:func:`expand` then returns the arrays
it was given, untouched).

**Why the optimum stays exact.** Each term of the sum over N is a constant times
e^{Σ_s n_s ln(1 − p_s min(1, k_s/N))}: the exponential of a linear function of the
units, exactly the form of one (base, class) pair of the residual-risk model. So a
raid class is a set of *pseudo-classes*, one per salvo size whose engaged shares
differ (every size up to the smallest capacity shares one), each with value
value · Σ P(N) N / E[N] over its sizes and intercept probability p · min(1, k/N).
:func:`expand` builds them; the outer approximation, its chords and its proof, every
objective (the attacker's k raids too), the brute force and every backend then apply
unchanged. The residual is a positive sum of exponentials of linear functions of the
integer units: convex, which is what the outer approximation needs.

**Reloads.** A unit whose system has a magazine and a reload time r_s (years) is
taken to be reloading, and to engage nothing, when the raid comes less than r_s after
the base's previous raid (conservative: whether or not that raid emptied it). Raids at
base b come as a Poisson process at its raid rate λ_b (the threat's rate, from the
risk model; the posture does not change it), so the time T since the previous raid is
exponential with rate λ_b, and s is reloading with probability 1 − e^{−λ_b r_s}. All
units at a base see the same raids, so their states are not independent: with the
distinct reload times r_(1) < … < r_(m), T falls in one of m + 1 intervals
[r_(j), r_(j+1)) (r_(0) = 0, r_(m+1) = ∞), with probability
e^{−λ_b r_(j)} − e^{−λ_b r_(j+1)}, and in interval j exactly the systems with
r_s ≤ r_(j) engage. The expectation over the intervals is a sum, each term again a
constant times an exponential of a linear function of the units (p set to 0 for the
systems that reload): more pseudo-classes, each weighted by its interval's probability
at its base (a weight of the base's value, which the model allows per base). No reload
time (0) is one interval of probability 1: the arrays are today's, bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from defplan.model.instance import MIN_LEAK, FloatArray, IntArray

#: A salvo distribution's tail past N_max holds at most this much probability (cut off,
#: and the rest renormalised: the analytic model and the simulator share the cut pmf).
SALVO_TAIL = 1e-9
#: The largest salvo size kept, whatever the tail.
MAX_SALVO = 2_000
#: Hours in a year: reload times are given in hours, raid rates per year.
HOURS_PER_YEAR = 8_760.0


@dataclass(frozen=True, eq=False)
class Salvo:
    """Rounds per raid: ``pmf[i]`` is the probability of a salvo of i + 1 rounds.

    Examples
    --------
    >>> salvo = Salvo.single()
    >>> salvo.mean, salvo.largest
    (1.0, 1)
    >>> round(salvo_distribution(4.0).mean, 6)
    4.0
    """

    pmf: FloatArray

    @classmethod
    def single(cls) -> Salvo:
        """One round per raid: the model without salvos."""
        return cls(np.ones(1))

    @property
    def sizes(self) -> IntArray:
        """The salvo sizes 1 … N_max."""
        return np.arange(1, len(self.pmf) + 1, dtype=np.int64)

    @property
    def largest(self) -> int:
        """N_max, the largest size with any probability."""
        return len(self.pmf)

    @property
    def mean(self) -> float:
        """E[N], rounds per raid."""
        return float(self.pmf @ self.sizes)

    def quantile(self, share: float) -> int:
        """The least size whose cumulative probability reaches ``share``."""
        return int(np.searchsorted(np.cumsum(self.pmf), share - 1e-12) + 1)


def salvo_distribution(mean: float, dispersion: float | None = None) -> Salvo:
    """N = 1 + M, M Poisson with mean ``mean − 1`` (no ``dispersion``) or negative
    binomial with size ``dispersion`` (variance m + m²/dispersion: smaller is wider).

    The tail past the size where at most :data:`SALVO_TAIL` is left is cut off and the
    rest renormalised (the mean moves by less than 1e-6 rounds).
    ValueError when more than that tail lies past :data:`MAX_SALVO` rounds.

    Parameters
    ----------
    mean : float
        Mean rounds per raid, ≥ 1.
    dispersion : float, optional
        The negative binomial's size r > 0; None for Poisson.

    Returns
    -------
    Salvo

    Examples
    --------
    >>> wide = salvo_distribution(5.0, dispersion=1.0)
    >>> wide.quantile(0.5), wide.quantile(0.95), wide.largest > 50
    (4, 14, True)
    """
    if not 1.0 <= mean < math.inf:
        raise ValueError(f"a salvo's mean must be ≥ 1 rounds, got {mean}")
    if dispersion is not None and not 0.0 < dispersion < math.inf:
        raise ValueError(f"a salvo's dispersion must be > 0, got {dispersion}")
    m = mean - 1.0
    if m == 0.0:
        return Salvo.single()
    # log P(M = k) by lgamma, so a large mean does not underflow exp(−m) to 0
    k = np.arange(MAX_SALVO, dtype=np.float64)
    if dispersion is None:
        log_pmf = k * math.log(m) - m - _log_gamma(k + 1.0)
    else:
        r = float(dispersion)
        log_pmf = (
            _log_gamma(k + r)
            - math.lgamma(r)
            - _log_gamma(k + 1.0)
            + r * math.log(r / (r + m))
            + k * math.log(m / (r + m))
        )
    pmf = np.exp(log_pmf)
    left = 1.0 - np.cumsum(pmf)
    done = np.flatnonzero((left <= SALVO_TAIL) & (k >= m))
    if len(done) == 0:
        raise ValueError(
            f"a salvo of mean {mean:g} rounds"
            + ("" if dispersion is None else f" and dispersion {dispersion:g}")
            + f" has more than {SALVO_TAIL:g} of its probability past {MAX_SALVO:,} rounds; "
            "defplan models salvos up to that size (a larger dispersion narrows it)"
        )
    array = pmf[: int(done[0]) + 1]
    return Salvo(array / array.sum())


def _log_gamma(z: FloatArray) -> FloatArray:
    """ln Γ(z) elementwise (numpy has no lgamma; scipy is not a dependency)."""
    return np.asarray(np.vectorize(math.lgamma, otypes=[np.float64])(z), dtype=np.float64)


def pooled_salvo_mean(
    prior_mean: float, prior_weight: float, observed: Sequence[int] | IntArray
) -> float:
    """The salvo mean pooled from a prior and the recorded salvo sizes.

    The extra rounds M = N − 1 are Poisson with a mean that has a gamma prior worth
    ``prior_weight`` raids at mean ``prior_mean − 1``; the posterior mean is

        1 + (w · (prior_mean − 1) + Σ (N_i − 1)) / (w + n)

    a credibility-weighted average of the prior and the record's mean (Bühlmann):
    each recorded raid counts as much as one raid of the prior's weight.

    Examples
    --------
    >>> pooled_salvo_mean(3.0, 2.0, [30, 2])
    9.5
    >>> pooled_salvo_mean(3.0, 2.0, [])
    3.0
    """
    sizes = np.asarray(observed, dtype=np.float64)
    if sizes.size == 0:
        return float(prior_mean)
    extra = float((sizes - 1.0).sum())
    return 1.0 + (prior_weight * (prior_mean - 1.0) + extra) / (prior_weight + sizes.size)


@dataclass(frozen=True, eq=False)
class Raids:
    """Salvos per threat class and engagements per raid per system.

    ``capacity[s]`` is the most rounds one unit of s engages in one raid (inf:
    unlimited); ``reload[s]`` the years its magazine takes to refill (0: at once) and
    ``rate[b]`` the raids a year at each base (needed when anything reloads). Build
    with :func:`make_raids`.
    """

    salvo: tuple[Salvo, ...]  # per class
    capacity: FloatArray  # (S,) engagements per unit per raid, inf = unlimited
    reload: FloatArray  # (S,) years to refill the magazine, 0 = at once
    rate: FloatArray | None = None  # (B,) raids a year per base

    def limits(self, kills: NDArray[np.bool_], c: int) -> bool:
        """Whether capacity can bind for class c: some system that kills it
        (``kills`` (S, C)) has a capacity below the largest salvo."""
        return bool((self.capacity[kills[:, c]] < self.salvo[c].largest).any())

    @property
    def reloads(self) -> bool:
        """Whether any system takes time to reload."""
        return bool((self.reload > 0.0).any())

    def states(
        self, kills: NDArray[np.bool_], rate: FloatArray | None = None
    ) -> list[tuple[FloatArray, NDArray[np.bool_]]]:
        """The reload states a raid can find, for the systems ``kills`` (S,) marks:
        per state its probability at each base, (B,), and which systems engage, (S,).
        ``rate`` (B,) defaults to :attr:`rate`. One state (all engage, probability 1)
        when none of them reloads. States no base can find are left out.

        >>> spec = make_raids([Salvo.single()], [2.0], reload_hours=[876.0], rate=[1.0])
        >>> [(prob.round(4).tolist(), ready.tolist()) for prob, ready in
        ...  spec.states(np.array([True]))]
        [([0.0952], [False]), ([0.9048], [True])]
        """
        times = np.unique(self.reload[kills & (self.reload > 0.0)])
        if times.size == 0:
            return [(np.ones(1), np.ones(len(self.reload), dtype=bool))]
        lam = self.rate if rate is None else np.asarray(rate, dtype=np.float64)
        if lam is None:
            raise ValueError("reload times need the bases' raid rates")
        bounds = np.concatenate([[0.0], times])
        found = []
        for j, start in enumerate(bounds.tolist()):
            # P(start ≤ T < end) = e^{−λ start} (1 − e^{−λ (end − start)})
            stay = np.exp(-lam * start)
            prob = (
                stay if j + 1 == len(bounds) else stay * -np.expm1(-lam * (bounds[j + 1] - start))
            )
            if (prob > 0.0).any():
                found.append((prob, self.reload <= start))
        return found


def make_raids(
    salvo: Sequence[Salvo],
    capacity: Sequence[float] | FloatArray,
    reload_hours: Sequence[float] | FloatArray | None = None,
    rate: Sequence[float] | FloatArray | None = None,
) -> Raids:
    """Check and build :class:`Raids`.

    Parameters
    ----------
    salvo : sequence of Salvo
        One per threat class.
    capacity : array_like of shape (S,)
        Rounds one unit of each system engages in one raid (its channels, or its
        magazine when smaller); ``math.inf`` for unlimited.
    reload_hours : array_like of shape (S,), optional
        Hours each system's magazine takes to refill after a raid (0 or None: at once).
    rate : array_like of shape (B,), optional
        Raids a year at each base (all classes); needed when anything reloads.

    Examples
    --------
    >>> r = make_raids([salvo_distribution(3.0)], [2])
    >>> r.capacity.tolist(), r.salvo[0].largest > 2
    ([2.0], True)
    """
    capacity_a = np.asarray(capacity, dtype=np.float64).reshape(-1)
    if (np.isnan(capacity_a) | (capacity_a < 1.0)).any():
        raise ValueError("capacity must be ≥ 1 engagement per raid (inf: unlimited)")
    hours = (
        np.zeros_like(capacity_a)
        if reload_hours is None
        else np.asarray(reload_hours, dtype=np.float64).reshape(-1)
    )
    if hours.shape != capacity_a.shape or not ((hours >= 0.0) & np.isfinite(hours)).all():
        raise ValueError("reload_hours must be one finite value ≥ 0 per system")
    rate_a = None if rate is None else np.asarray(rate, dtype=np.float64).reshape(-1)
    if rate_a is not None and not ((rate_a >= 0.0) & np.isfinite(rate_a)).all():
        raise ValueError("raid rates must be finite and ≥ 0")
    if rate_a is None and (hours > 0.0).any():
        raise ValueError("reload times need the bases' raid rates")
    return Raids(tuple(salvo), capacity_a, hours / HOURS_PER_YEAR, rate_a)


def engaged_share(capacity: FloatArray, sizes: IntArray) -> FloatArray:
    """min(1, capacity[s] / N): the share of a salvo of N rounds one unit engages,
    (len(sizes), S)."""
    return np.minimum(1.0, capacity[None, :] / sizes[:, None].astype(np.float64))


def expand(
    value: FloatArray, p: FloatArray, raid: Raids, kills: NDArray[np.bool_] | None = None
) -> tuple[FloatArray, FloatArray, IntArray]:
    """The pseudo-classes of the raid model (see the module's docstring).

    ``kills`` (S, C), default p > 0, says which systems' capacities split a class: a
    wider mask gives more pseudo-classes for the same residual (the draws of an
    uncertain theater share one split, see :func:`expand_samples`).

    Returns the (B, C') values, the (S, C') intercept probabilities and, per
    pseudo-class, the class it belongs to. A class whose capacities never bind keeps
    its column exactly as given (value and p untouched), so unlimited channels and
    magazines give back today's arrays.

    Examples
    --------
    A salvo of 1 or 3 rounds, equally likely (E[N] = 2), against one unit that engages
    2 rounds with p = 0.5: a salvo of 1 leaks 0.5 rounds, a salvo of 3 leaks
    3 · (1 − 0.5 · 2/3) = 2, so 1.25 of the 2 rounds leak on average.

    >>> salvo = Salvo(np.array([0.5, 0.0, 0.5]))
    >>> v, q, of = expand(np.array([[2.0]]), np.array([[0.5]]), make_raids([salvo], [2]))
    >>> v.round(4).tolist(), q.round(4).tolist(), of.tolist()
    ([[0.5, 1.5]], [[0.5, 0.3333]], [0, 0])
    >>> float((v * (1 - q)).sum())
    1.25
    """
    if len(raid.salvo) != value.shape[1] or raid.capacity.shape != (p.shape[0],):
        raise ValueError(
            f"raids give {len(raid.salvo)} salvos and {raid.capacity.shape[0]} capacities "
            f"for {value.shape[1]} classes and {p.shape[0]} systems"
        )
    if raid.reloads and raid.rate is not None and raid.rate.shape != (value.shape[0],):
        raise ValueError(f"{raid.rate.shape[0]} raid rates for {value.shape[0]} bases")
    kills = p > 0.0 if kills is None else kills
    values: list[FloatArray] = []
    probs: list[FloatArray] = []
    of: list[int] = []
    for c, salvo in enumerate(raid.salvo):
        states = raid.states(kills[:, c])
        if not raid.limits(kills, c) and len(states) == 1 and states[0][1].all():
            values.append(value[:, c])
            probs.append(p[:, c])
            of.append(c)
            continue
        groups = salvo_groups(raid, kills[:, c], salvo)
        for chance, ready in states:
            for w, share in groups:
                values.append(value[:, c] * w * chance)
                probs.append(p[:, c] * share * ready)
                of.append(c)
    n_bases, n_systems = value.shape[0], p.shape[0]
    value_out = np.stack(values, axis=1) if values else np.zeros((n_bases, 0))
    p_out = np.stack(probs, axis=1) if probs else np.zeros((n_systems, 0))
    return value_out, p_out, np.asarray(of, dtype=np.int64)


def salvo_groups(
    raid: Raids, kills: NDArray[np.bool_], salvo: Salvo
) -> list[tuple[float, FloatArray]]:
    """The salvo sizes of one class grouped by the shares the killers ``kills`` (S,)
    engage: per group its weight Σ P(N) N / E[N] and the (S,) shares. One group of
    weight 1 when no capacity binds."""
    finite = raid.capacity[kills]
    if not (finite < salvo.largest).any():
        return [(1.0, np.ones(len(raid.capacity)))]
    smallest = int(finite.min())
    sizes = salvo.sizes
    weight = salvo.pmf * sizes / salvo.mean
    full = sizes <= smallest
    groups = [(float(weight[full].sum()), np.ones(len(raid.capacity)))] if full.any() else []
    shares = engaged_share(raid.capacity, sizes[~full])
    groups += [
        (float(w), share)
        for w, share in zip(weight[~full].tolist(), shares, strict=True)
        if w > 0.0
    ]
    return groups


def expand_samples(
    values: FloatArray,
    p: FloatArray,
    point_value: FloatArray,
    point_p: FloatArray,
    raid: Raids,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, IntArray]:
    """The draws of an uncertain theater ((K, B, C) values, (K, S, C) p) and its point
    theater ((B, C), (S, C)) split into one set of pseudo-classes: a system splits a
    class when it kills it in the point theater or in any draw.

    Returns the draws' (K, B, C') values and (K, S, C') p, the point theater's (B, C')
    values and (S, C') p, and per pseudo-class the class it belongs to.

    >>> spec = make_raids([Salvo(np.array([0.5, 0.0, 0.5]))], [2])
    >>> drawn = expand_samples(np.ones((2, 1, 1)), np.array([[[0.5]], [[0.0]]]),
    ...                        np.ones((1, 1)), np.array([[0.0]]), spec)
    >>> drawn[1].round(4).tolist(), drawn[3].tolist(), drawn[4].tolist()
    ([[[0.5, 0.3333]], [[0.0, 0.0]]], [[0.0, 0.0]], [0, 0])
    """
    kills = (point_p > 0.0) | (p > 0.0).any(axis=0)
    split = [expand(v, q, raid, kills) for v, q in zip(values, p, strict=True)]
    value_out, p_out, of = expand(point_value, point_p, raid, kills)
    if split:
        drawn_values = np.stack([v for v, _, _ in split])
        drawn_p = np.stack([q for _, q, _ in split])
    else:
        drawn_values = np.zeros((0, *value_out.shape))
        drawn_p = np.zeros((0, *p_out.shape))
    return drawn_values, drawn_p, value_out, p_out, of


def expected_leakers(
    defending: FloatArray, p: FloatArray, raid: Raids, rate: FloatArray | None = None
) -> FloatArray:
    """E[leakers] per raid of each class at each base, (B, C), straight from the
    formula (no pseudo-classes): Σ_N P(N) N Π_s (1 − p min(1, k_s/N))^n[b, s], and
    with reloads its expectation over the reload states (``rate`` (B,): the bases'
    raids a year, default the raids' own).

    >>> salvo = Salvo(np.array([0.5, 0.0, 0.5]))
    >>> expected_leakers(np.array([[1.0]]), np.array([[0.5]]), make_raids([salvo], [2])).tolist()
    [[1.25]]
    """
    n_bases = defending.shape[0]
    out = np.zeros((n_bases, len(raid.salvo)))
    for c, salvo in enumerate(raid.salvo):
        sizes = salvo.sizes
        share = engaged_share(raid.capacity, sizes)  # (N, S)
        for chance, ready in raid.states(p[:, c] > 0.0, rate):
            kill = p[:, c] * ready
            log_leak = np.log(np.maximum(1.0 - kill[None, :] * share, MIN_LEAK))  # (N, S)
            through = np.exp(defending @ log_leak.T)  # (B, N)
            out[:, c] += chance * (through @ (salvo.pmf * sizes))
    return out
