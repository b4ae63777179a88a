"""Aggregators over samples: how one allocation's summed residuals in K samples become
one objective.

An uncertain theater is K equally likely samples; under allocation x sample k keeps
R_k(x) = Σ_b residual_k[b] (casualty-equivalents a year). An aggregator turns the
vector R(x) into one number to minimise, and writes that number into the MILP as an
epigraph over the samples' residual epigraphs (the t columns of
:mod:`defplan.model.formulation`), so the outer approximation and its proof carry
over unchanged (DESIGN.md: "new objectives are new residuals or aggregators, not new
solvers"):

- :class:`Mean`: (1/K) Σ_k R_k, the expected residual over the samples;
- :class:`CVaR`: the mean of the worst (1 − α) share of samples, written as
  min η + Σ_k u_k / ((1 − α) K), u_k ≥ R_k − η, u_k ≥ 0 (Rockafellar and Uryasev
  2000); α = 0 is the mean;
- :class:`Regret`: max_k (R_k − R*_k), the most the allocation loses in any sample
  against that sample's own optimum R*_k;
- :class:`TopSum`: the sum of the k largest, an attacker's k raids (the point model
  uses it over bases: the ``attacker:k`` objective of :mod:`defplan.model.formulation`).

Each is monotone in every R_k, so the aggregate of the samples' residual floors is a
valid bound before any solve.

References
----------
.. [1] R. T. Rockafellar and S. Uryasev, "Optimization of conditional value-at-risk",
   *Journal of Risk* 2(3), 21-41 (2000).
.. [2] P. Kouvelis and G. Yu, *Robust Discrete Optimization and Its Applications*,
   Kluwer (1997): min-max regret.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from defplan.model.instance import FloatArray, top_sum
from defplan.model.linear import INF, LinearModel


@dataclass(frozen=True)
class SampleTotal:
    """Sample k's summed residual in the model: Σ of ``t_cols`` plus ``constant``
    (model units: risk times the formulation's scale)."""

    t_cols: list[int]
    constant: float


@dataclass(frozen=True)
class Mean:
    """The mean residual over the samples: linear, so samples that share their
    intercept probabilities share one epigraph per base and class."""

    name: str = field(default="mean", init=False)

    @property
    def linear(self) -> bool:
        """True when the objective is Σ_k R_k / K itself (no rows of its own)."""
        return True

    def score(self, totals: FloatArray) -> float:
        """(1/K) Σ_k R_k.

        >>> Mean().score(np.array([1.0, 2.0, 6.0]))
        3.0
        """
        return float(np.mean(totals)) if totals.size else 0.0

    def add_rows(self, model: LinearModel, totals: list[SampleTotal], scale: float) -> list[int]:
        """Nothing to add: the t columns carry the cost 1/K (see :attr:`linear`)."""
        return []

    def start_values(self, totals: FloatArray, scale: float) -> list[float]:
        """Its columns' values at sample totals ``totals`` (model units): none."""
        return []


@dataclass(frozen=True)
class CVaR:
    """Conditional value-at-risk at level ``alpha`` of the theater residual: the mean of
    the worst (1 − α) share of the samples (α = 0: the mean; α near 1: the worst)."""

    alpha: float
    name: str = field(default="cvar", init=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.alpha < 1.0:
            raise ValueError(f"CVaR level must lie in [0, 1) (got {self.alpha})")

    @property
    def linear(self) -> bool:
        return False

    def score(self, totals: FloatArray) -> float:
        """min over η of η + Σ_k max(R_k − η, 0) / ((1 − α) K), exactly: the function
        is convex and piecewise linear in η with its corners at the R_k.

        >>> CVaR(0.5).score(np.array([1.0, 2.0, 3.0, 10.0]))
        6.5
        >>> CVaR(0.0).score(np.array([1.0, 2.0, 6.0]))
        3.0
        """
        if not totals.size:
            return 0.0
        share = (1.0 - self.alpha) * totals.size
        candidates = np.unique(totals)
        excess = np.maximum(totals[None, :] - candidates[:, None], 0.0).sum(axis=1)
        return float((candidates + excess / share).min())

    def var(self, totals: FloatArray) -> float:
        """The η at which :meth:`score` is met (the value-at-risk at α)."""
        share = (1.0 - self.alpha) * totals.size
        candidates = np.unique(totals)
        excess = np.maximum(totals[None, :] - candidates[:, None], 0.0).sum(axis=1)
        return float(candidates[int(np.argmin(candidates + excess / share))])

    def add_rows(self, model: LinearModel, totals: list[SampleTotal], scale: float) -> list[int]:
        """η (free, cost 1) and u_k ≥ 0 (cost 1 / ((1 − α) K)) with u_k − R_k + η ≥ 0."""
        weight = 1.0 / ((1.0 - self.alpha) * len(totals))
        eta = model.add_col("cvar_eta", -INF, INF, cost=1.0)
        columns = [eta]
        for k, total in enumerate(totals):
            u = model.add_col(f"cvar_excess[{k}]", 0.0, INF, cost=weight)
            columns.append(u)
            model.add_row(
                f"cvar[{k}]",
                [u, eta, *total.t_cols],
                [1.0, 1.0] + [-1.0] * len(total.t_cols),
                total.constant,
                INF,
            )
        return columns

    def start_values(self, totals: FloatArray, scale: float) -> list[float]:
        eta = self.var(totals)
        return [eta, *np.maximum(totals - eta, 0.0).tolist()]


@dataclass(frozen=True)
class Regret:
    """The largest regret over the samples against each sample's own optimum
    ``optima[k]`` (risk units): max_k (R_k − R*_k)."""

    optima: tuple[float, ...]
    name: str = field(default="regret", init=False)

    @property
    def linear(self) -> bool:
        return False

    def score(self, totals: FloatArray) -> float:
        """max_k (R_k − R*_k).

        >>> Regret((1.0, 1.0)).score(np.array([1.5, 1.25]))
        0.5
        """
        if not totals.size:
            return 0.0
        return float((totals - np.asarray(self.optima)).max())

    def add_rows(self, model: LinearModel, totals: list[SampleTotal], scale: float) -> list[int]:
        """z (cost 1) with z − R_k ≥ −R*_k for every sample."""
        if len(totals) != len(self.optima):
            raise ValueError(f"{len(self.optima)} optima for {len(totals)} samples")
        z = model.add_col("regret", -INF, INF, cost=1.0)
        for k, total in enumerate(totals):
            model.add_row(
                f"regret[{k}]",
                [z, *total.t_cols],
                [1.0] + [-1.0] * len(total.t_cols),
                total.constant - self.optima[k] * scale,
                INF,
            )
        return [z]

    def start_values(self, totals: FloatArray, scale: float) -> list[float]:
        optima = np.asarray(self.optima, dtype=np.float64) * scale
        return [float((totals - optima).max(initial=-INF))]


@dataclass(frozen=True)
class TopSum:
    """The sum of the ``k`` largest totals (all of them when there are fewer): an
    attacker who sees the posture and spends k raids on the k bases (or samples) where
    they do most damage. ``k = 1`` is the largest. ``weight`` scales its cost (0: the
    columns carry no cost, for a cap on the sum; see :meth:`cap_row`).

    As an epigraph (Ogryczak and Tamir 2003): the least k·τ + Σ_i max(0, R_i − τ) over
    τ ≥ 0 is the sum of the k largest R_i ≥ 0 (τ at the k-th largest; τ ≥ 0 keeps
    k > K bounded, τ = 0 then), so the outer approximation carries over.
    """

    k: int
    weight: float = 1.0
    name: str = field(default="top_sum", init=False)

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"the number of raids must be at least 1 (got {self.k})")

    @property
    def linear(self) -> bool:
        return False

    def score(self, totals: FloatArray) -> float:
        """Σ of the k largest.

        >>> TopSum(2).score(np.array([1.0, 4.0, 2.0]))
        6.0
        """
        return top_sum(totals, self.k)

    def add_rows(self, model: LinearModel, totals: list[SampleTotal], scale: float) -> list[int]:
        """τ ≥ 0 (cost k·weight) and u_i ≥ 0 (cost weight) with u_i + τ − R_i ≥ 0."""
        tau = model.add_col("raid_level", 0.0, INF, cost=self.k * self.weight)
        columns = [tau]
        for i, total in enumerate(totals):
            u = model.add_col(f"raid_excess[{i}]", 0.0, INF, cost=self.weight)
            columns.append(u)
            model.add_row(
                f"raid[{i}]",
                [u, tau, *total.t_cols],
                [1.0, 1.0] + [-1.0] * len(total.t_cols),
                total.constant,
                INF,
            )
        return columns

    def cap_row(self, model: LinearModel, columns: list[int], cap: float) -> None:
        """The sum of the k largest at most ``cap`` (model units), over the columns
        :meth:`add_rows` returned."""
        coefs = [float(self.k)] + [1.0] * (len(columns) - 1)
        model.add_row("raid_cap", columns, coefs, -INF, cap)

    def start_values(self, totals: FloatArray, scale: float) -> list[float]:
        ranked = np.sort(totals)[::-1]
        level = float(ranked[self.k - 1]) if self.k <= ranked.size else 0.0
        return [level, *np.maximum(totals - level, 0.0).tolist()]


Aggregator = Mean | CVaR | Regret | TopSum
