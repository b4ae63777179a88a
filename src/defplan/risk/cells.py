"""The cells table (one row per base and class) and the ids behind each figure.

Built column by column from the model's arrays, so a 5,000-base theater with hundreds
of zones stays within the benchmark's 2 s.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from defplan.risk.prior import ZonePrior
from defplan.risk.record import Record
from defplan.risk.severity import Severity
from defplan.risk.table import CELL_COLUMNS
from defplan.scenario import Scenario

FloatArray = npt.NDArray[np.float64]
#: zones named in a cell's ``prior_zones`` before the rest are counted as "+N more"
ZONES_LISTED = 10


def cells_frame(
    scenario: Scenario,
    record: Record,
    prior: ZonePrior,
    severity: Severity,
    numbers: dict[str, npt.NDArray[Any]],
) -> pd.DataFrame:
    """One row per (base, class), bases in scenario order, classes in sheet order."""
    n_bases, n_weapons = len(scenario.bases), len(scenario.weapons)
    counted = record.counted
    ids: dict[int, list[tuple[int, str]]] = {}
    cells = (counted.base_index * n_weapons + counted.weapon_index).tolist()
    for key, day, attack_id in zip(
        cells, counted.first_day.tolist(), counted.attack_id.tolist(), strict=True
    ):
        ids.setdefault(key, []).append((day, attack_id))
    attack_ids = [""] * (n_bases * n_weapons)
    for key, found in ids.items():
        attack_ids[key] = ";".join(i for _, i in sorted(found))
    per_class = {
        "severity": severity.value,
        "severity_prior": np.array([w.severity_prior for w in scenario.weapons], dtype=float),
        "severity_attacks": severity.attacks,
        "severity_imputed": severity.imputed,
        "wounded_per_killed": severity.wounded_per_killed,
    }
    columns: dict[str, Any] = {
        "base_id": np.repeat([b.base_id for b in scenario.bases], n_weapons).astype(object),
        "weapon": np.tile([w.weapon for w in scenario.weapons], n_bases).astype(object),
        "observation_years": np.full(n_bases * n_weapons, record.observation_years),
        "record_completeness": np.full(n_bases * n_weapons, record.completeness),
        "prior_zones": zone_lists(prior),
        "troops": np.repeat([b.troops for b in scenario.bases], n_weapons).astype(np.int64),
        "attack_ids": attack_ids,
        **{name: np.tile(values, n_bases) for name, values in per_class.items()},
        **{name: values.reshape(-1) for name, values in numbers.items()},
    }
    return pd.DataFrame({name: columns[name] for name in CELL_COLUMNS})


def zone_lists(prior: ZonePrior) -> list[str]:
    """Per cell, ``zone:attacks per year`` for the zones adding most, largest first.

    Ties go by zone id; past :data:`ZONES_LISTED` zones the rest are counted.
    """
    n_cells = prior.contributions.shape[0] * prior.contributions.shape[1]
    n_zones = len(prior.zone_ids)
    if not n_zones or not n_cells:
        return [""] * n_cells
    values = prior.contributions.reshape(n_cells, n_zones)
    positive = values > 0
    counts = positive.sum(axis=1)
    chosen = positive
    if n_zones > ZONES_LISTED:
        # every zone at or above a cell's ZONES_LISTED-th largest: ties stay in, so the
        # id decides among them below
        nth = np.partition(values, n_zones - ZONES_LISTED, axis=1)[:, n_zones - ZONES_LISTED]
        chosen = positive & (values >= nth[:, np.newaxis])
    cells, zones = np.nonzero(chosen)
    picked = values[cells, zones]
    by_id = np.argsort(np.argsort(np.array(prior.zone_ids, dtype=object)))
    order = np.lexsort((by_id[zones], -picked, cells))
    parts: list[list[str]] = [[] for _ in range(n_cells)]
    for cell, zone, value in zip(
        cells[order].tolist(), zones[order].tolist(), picked[order].tolist(), strict=True
    ):
        if len(parts[cell]) < ZONES_LISTED:
            parts[cell].append(f"{prior.zone_ids[zone]}:{value:.4g}")
    return [
        ";".join(p) + (f";+{int(n) - ZONES_LISTED} more" if n > ZONES_LISTED else "")
        for p, n in zip(parts, counts.tolist(), strict=True)
    ]


def zone_risk(prior: ZonePrior, risk_from_prior: FloatArray, keep: int) -> list[dict[str, float]]:
    """Per base: the zones whose part of the prior's risk is among the ``keep`` largest.

    Every zone tied with the ``keep``-th is kept too, so ties can still go by id.
    """
    per_unit = np.divide(
        risk_from_prior, prior.rate, out=np.zeros_like(prior.rate), where=prior.rate > 0
    )
    risk = np.einsum("bwz,bw->bz", prior.contributions, per_unit)
    return [top_entries(row, prior.zone_ids, keep) for row in risk]


def top_entries(values: FloatArray, ids: tuple[str, ...], keep: int) -> dict[str, float]:
    """``id: value`` for the positive values at or above the ``keep``-th largest."""
    positive = np.flatnonzero(values > 0)
    if len(positive) > keep:
        threshold = np.partition(values[positive], len(positive) - keep)[len(positive) - keep]
        positive = positive[values[positive] >= threshold]
    return {ids[i]: float(values[i]) for i in positive}
