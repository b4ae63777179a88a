"""Any allocation judged across samples, and how stable each placement is.

Both take plain arrays: residuals per sample and base, the samples' own optima; the
study (:mod:`defplan.robust.study`) supplies them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from defplan.model.instance import FloatArray, IntArray
from defplan.model.solution import OPTIMALITY_TOLERANCE

#: The percentiles every spread is given at (P5, P50, P95).
PERCENTILES = (5.0, 50.0, 95.0)
#: How far below 0 a regret may fall and still read 0: the solver's relative tolerance
#: on a sample's proven optimum (1e-6 of the larger of 1 and that optimum).
REGRET_TOLERANCE = OPTIMALITY_TOLERANCE


def spread(values: FloatArray) -> dict[str, float]:
    """Mean and P5/P50/P95 of a sample of figures (linear interpolation).

    >>> spread(np.arange(101.0))
    {'mean': 50.0, 'p5': 5.0, 'p50': 50.0, 'p95': 95.0}
    """
    low, mid, high = np.percentile(values, PERCENTILES) if values.size else (np.nan,) * 3
    mean = float(values.mean()) if values.size else float("nan")
    return {"mean": mean, "p5": float(low), "p50": float(mid), "p95": float(high)}


@dataclass(frozen=True, eq=False)
class Judgement:
    """One allocation across K samples.

    ``residuals`` (K, B) per sample and base; ``optima`` (K,) each sample's own
    optimum (NaN where its solve found none), solved with the plan's own objective;
    ``cost`` what that objective adds to the allocation's residual in every sample (its
    move cost: ``min_move_gain`` per unit taken from where it stands), so regret
    compares like with like. Risks are casualty-equivalents a year.
    """

    residuals: FloatArray
    optima: FloatArray
    cost: float = 0.0

    @property
    def totals(self) -> FloatArray:
        """The theater's residual in each sample."""
        return np.asarray(self.residuals.sum(axis=1), dtype=np.float64)

    @property
    def regret(self) -> FloatArray:
        """What the allocation loses in each sample against that sample's optimum, on
        the same objective (its residual plus ``cost``); NaN where the sample has no
        optimum. A sample's optimum is proven to the solver's tolerance, so a regret
        below 0 by no more than that reads 0; one further below says the sample's
        solve stopped short of its optimum (its status says so) and is kept as found.

        >>> Judgement(np.array([[1.0], [2.0]]), np.array([0.5, 2.1]), cost=0.1).regret
        array([0.6, 0. ])
        """
        raw = self.totals + self.cost - self.optima
        tolerance = REGRET_TOLERANCE * np.maximum(1.0, np.abs(self.optima))
        return np.asarray(np.where((raw < 0) & (raw >= -tolerance), 0.0, raw), dtype=np.float64)

    def theater(self) -> dict[str, float]:
        """Theater residual's spread, with the regret's mean and P95."""
        regret = self.regret[np.isfinite(self.regret)]
        return {
            **spread(self.totals),
            "regret_mean": float(regret.mean()) if regret.size else float("nan"),
            "regret_p95": float(np.percentile(regret, 95.0)) if regret.size else float("nan"),
        }

    def worst_share(self) -> FloatArray:
        """Per base, the share of samples in which it keeps the most residual (ties go
        to the base listed first)."""
        count = self.residuals.shape[0]
        worst = np.argmax(self.residuals, axis=1)
        hits = np.bincount(worst, minlength=self.residuals.shape[1])
        return np.asarray(hits / max(count, 1), dtype=np.float64)

    def bases(self, base_ids: tuple[str, ...]) -> pd.DataFrame:
        """One row per base: the residual's mean, P5, P50, P95 and the worst share."""
        share = self.worst_share()
        rows = []
        for b, base_id in enumerate(base_ids):
            rows.append(
                {"base_id": base_id, **spread(self.residuals[:, b]), "worst_share": share[b]}
            )
        return pd.DataFrame(rows, columns=["base_id", "mean", "p5", "p50", "p95", "worst_share"])


def stability(
    x: IntArray,
    optima_x: list[IntArray | None],
    base_ids: tuple[str, ...],
    system_ids: tuple[str, ...],
) -> pd.DataFrame:
    """How often each placement of ``x`` is what a sample's own optimum does.

    One row per (base, system) that ``x`` or some sample's optimum uses: ``units`` in
    x, ``same_share`` the share of samples whose optimum puts exactly that many there,
    ``any_share`` the share putting at least one there, ``mean_units`` the optima's
    mean. Shares are over the samples whose solve found an allocation.

    >>> x = np.array([[1], [0]])
    >>> frame = stability(x, [np.array([[1], [0]]), np.array([[0], [1]])], ("a", "b"), ("s",))
    >>> frame[["base_id", "units", "same_share", "any_share"]].values.tolist()
    [['a', 1, 0.5, 0.5], ['b', 0, 0.5, 0.5]]
    """
    found = [o for o in optima_x if o is not None]
    stack = np.stack(found) if found else np.zeros((0, *x.shape), dtype=np.int64)
    count = max(len(found), 1)
    same = (stack == x[None]).sum(axis=0) / count
    anywhere = (stack >= 1).sum(axis=0) / count
    mean_units = stack.mean(axis=0) if found else np.zeros(x.shape)
    rows = []
    for b, base_id in enumerate(base_ids):
        for s, system_id in enumerate(system_ids):
            if x[b, s] == 0 and not (stack[:, b, s] > 0).any():
                continue
            rows.append(
                {
                    "base_id": base_id,
                    "system_id": system_id,
                    "units": int(x[b, s]),
                    "same_share": float(same[b, s]),
                    "any_share": float(anywhere[b, s]),
                    "mean_units": float(mean_units[b, s]),
                }
            )
    columns = ["base_id", "system_id", "units", "same_share", "any_share", "mean_units"]
    return pd.DataFrame(rows, columns=columns)
