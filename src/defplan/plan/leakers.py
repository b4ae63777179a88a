"""A plan's leakers a raid, base by base: the analytic mean and the simulator's spread.

The engagement simulator (:mod:`defplan.model.engagement`) plays ``n`` raids at every
base that is attacked at all, each raid's class drawn in proportion to the base's
posterior raid rates (the risk table's ``posterior_rate``), its salvo from the class's
pooled salvo distribution, against the units that defend the base under the plan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from defplan.model.engagement import simulate, summarise
from defplan.model.raids import expected_leakers
from defplan.plan.arrays import PlanArrays
from defplan.plan.salvos import raid_rates
from defplan.risk import RiskTable

#: The columns of :func:`leaker_table`, in order.
LEAKER_COLUMNS = (
    "base_id",
    "raids_per_year",
    "rounds_per_raid",
    "leakers_expected",
    "leakers_mean",
    "mean_ci99_low",
    "mean_ci99_high",
    "leakers_p5",
    "leakers_p50",
    "leakers_p95",
)


def leaker_table(
    arrays: PlanArrays,
    table: RiskTable,
    p: np.ndarray,
    x: np.ndarray,
    n_raids: int,
    seed: int,
) -> pd.DataFrame:
    """Per attacked base: raids a year, mean rounds a raid, the analytic expected
    leakers a raid, and the simulator's mean (with its 99% interval), P5, P50 and P95
    over ``n_raids`` raids, seeded by ``seed``.

    ``p`` is the (S, W) kill probability of one engagement (the effectiveness sheet).
    """
    assert arrays.raids is not None, "leakers need arrays built with raids"
    defending = arrays.instance.defending(x)
    rates = raid_rates(table)
    attacked = np.flatnonzero(rates.sum(axis=1) > 0.0)
    shares = rates[attacked]
    total = shares.sum(axis=1)
    analytic = expected_leakers(defending[attacked], p, arrays.raids, total)
    means = np.array([s.mean for s in arrays.raids.salvo])
    played = simulate(defending[attacked], p, arrays.raids, shares, n_raids, seed, total)
    rows = []
    for i, (b, summary) in enumerate(zip(attacked.tolist(), summarise(played), strict=True)):
        weight = shares[i] / total[i]
        rows.append(
            (
                arrays.base_ids[b],
                float(total[i]),
                float(weight @ means),
                float(weight @ analytic[i]),
                summary.mean,
                summary.low,
                summary.high,
                summary.p5,
                summary.p50,
                summary.p95,
            )
        )
    return pd.DataFrame(rows, columns=list(LEAKER_COLUMNS))
