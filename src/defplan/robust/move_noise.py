"""Does a move order's gain clear the noise? Its gain on the point inputs against the
spread of the same gain across samples of the uncertain inputs.

A move order's gain is the theater risk it removes: the target plan's residual with
the order undone (its units back where they stand, or in the pool) minus the target
plan's residual. Computed for the point inputs and for every sample, with no solve.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from defplan.model.aggregate import Mean
from defplan.model.sampled import SampledInstance
from defplan.plan.arrays import build_arrays
from defplan.posture.move_orders import POOL, MoveOrders
from defplan.risk import RiskTable
from defplan.risk import risk as compute_risk
from defplan.robust.judge import spread
from defplan.robust.sampling import plan_samples
from defplan.robust.sources import SOURCES
from defplan.scenario import Scenario

GAIN_COLUMNS = [
    "gain_per_unit",
    "gain_p5",
    "gain_p50",
    "gain_p95",
    "helps_share",
    "clears_threshold",
    "clears_noise",
]


def move_gains(
    scenario: Scenario,
    orders: MoveOrders,
    *,
    samples: int = 200,
    seed: int = 1,
    sources: tuple[str, ...] = SOURCES,
    table: RiskTable | None = None,
) -> pd.DataFrame:
    """The orders' frame with, per order, its gain a year per unit moved on the point
    inputs, the gain's P5/P50/P95 per unit across ``samples`` draws, the share of draws
    in which it removes risk, whether it clears the ``min_move_gain`` setting, and
    whether it clears the noise (its P5 above 0: it pays in 19 draws out of 20).

    Examples
    --------
    >>> from defplan.posture.move_orders import MoveOrders
    >>> from defplan.scenario import Scenario
    >>> empty = Scenario(bases=(), systems=(), effectiveness=(), weapons=())
    >>> move_gains(empty, MoveOrders(())).columns.tolist()[-2:]
    ['clears_threshold', 'clears_noise']
    """
    frame = orders.frame()
    if orders.target is None or not orders.orders:
        return frame.reindex(columns=[*frame.columns, *GAIN_COLUMNS])
    table = table or compute_risk(scenario)
    arrays, drawn = plan_samples(
        scenario, table, build_arrays(scenario, table), samples, seed, sources
    )
    sampled = SampledInstance(arrays.instance, drawn.values, drawn.p, Mean())
    target = np.asarray(orders.target.allocation, dtype=np.int64)
    base_index = {b: i for i, b in enumerate(arrays.base_ids)}
    system_index = {s: j for j, s in enumerate(arrays.system_ids)}
    rows = []
    planned = sampled.totals(target)
    planned_point = float(arrays.instance.residual(target).sum())
    threshold = scenario.settings.min_move_gain
    for order in orders.orders:
        undone = target.copy()
        s = system_index[order.system_id]
        if order.from_base != POOL:
            undone[base_index[order.from_base], s] += order.units
        if order.to_base != POOL:
            undone[base_index[order.to_base], s] -= order.units
        per_unit = 1.0 / order.units
        gains = (sampled.totals(undone) - planned) * per_unit
        point = (float(arrays.instance.residual(undone).sum()) - planned_point) * per_unit
        figures = spread(gains)
        rows.append(
            {
                "gain_per_unit": point,
                "gain_p5": figures["p5"],
                "gain_p50": figures["p50"],
                "gain_p95": figures["p95"],
                "helps_share": float((gains > 0).mean()),
                "clears_threshold": bool(point >= threshold) if order.from_base != POOL else True,
                "clears_noise": bool(figures["p5"] > 0.0),
            }
        )
    return pd.concat([frame, pd.DataFrame(rows, columns=GAIN_COLUMNS)], axis=1)
