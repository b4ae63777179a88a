"""The base-level view: total risk per base, ranked, with what puts each base there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from defplan.risk.table import BASE_COLUMNS
from defplan.scenario import Scenario

FloatArray = npt.NDArray[np.float64]
#: attacks and zones named per base in the ranking
TOP_SOURCES = 3


@dataclass(frozen=True)
class BaseParts:
    """The per-cell parts the ranking reads; arrays are (bases, classes) unless noted."""

    exposure: FloatArray
    """(bases,) exposure"""
    rate: FloatArray
    severity: FloatArray
    """(classes,) casualty-equivalents per attack"""
    risk_from_record: FloatArray
    risk_from_prior: FloatArray
    zone_risk: Sequence[Mapping[str, float]]
    """per base: zone_id → the risk its prior contributes"""
    attack_risk: Sequence[Mapping[str, float]]
    """per base: attack_id → the risk its record weight contributes"""
    ours: npt.NDArray[np.bool_]
    """(bases,) whether the base's risk is ours (in the totals)"""


def dominant_factor(
    risk: float,
    exposure: float,
    threat: float,
    from_record: float,
    from_prior: float,
    typical_exposure: float,
    typical_threat: float,
) -> str:
    """Which factor puts a base's risk where it is.

    The risk is exposure times threat (casualty-equivalents a year per unit of
    exposure). ``"exposure"`` when the base stands further above the theater's mean
    exposure than above its mean threat; otherwise the threat: ``"history"`` when
    the attack record gives more of it than the zones' prior, else ``"proximity"``.
    ``"none"`` for a base with no risk.

    Examples
    --------
    >>> dominant_factor(10.0, 500.0, 0.02, 1.0, 9.0, 100.0, 0.02)
    'exposure'
    >>> dominant_factor(10.0, 100.0, 0.1, 7.0, 3.0, 100.0, 0.02)
    'history'
    """
    if risk <= 0:
        return "none"
    # exposure / typical_exposure > threat / typical_threat, without dividing by a mean
    # that may round to 0 for the tiniest risks
    if exposure * typical_threat > threat * typical_exposure:
        return "exposure"
    return "history" if from_record > from_prior else "proximity"


def rank_bases(scenario: Scenario, parts: BaseParts) -> pd.DataFrame:
    """One row per base with its total risk, ranked (rank 1 = highest, ties by base_id).

    Our bases come first; partners' and watched sites follow, ranked among themselves,
    with a share of 0: they are listed apart and are not part of the total.
    """
    weapons = [w.weapon for w in scenario.weapons]
    risk = parts.risk_from_record + parts.risk_from_prior
    base_risk = risk.sum(axis=1)
    total = float(base_risk[parts.ours].sum())
    threat = (parts.rate * parts.severity[np.newaxis, :]).sum(axis=1)
    typical_exposure = float(parts.exposure.mean()) if len(parts.exposure) else 0.0
    typical_threat = float(threat.mean()) if len(threat) else 0.0
    order = sorted(
        range(len(scenario.bases)),
        key=lambda b: (not parts.ours[b], -base_risk[b], scenario.bases[b].base_id),
    )
    rows = []
    for rank, b in enumerate(order, start=1):
        base = scenario.bases[b]
        from_record = float(parts.risk_from_record[b].sum())
        from_prior = float(parts.risk_from_prior[b].sum())
        rows.append(
            {
                "rank": rank,
                "base_id": base.base_id,
                "name": base.name,
                "status": base.status,
                "owner": base.owner,
                "troops": base.troops,
                "exposure": float(parts.exposure[b]),
                "attacks_per_year": float(parts.rate[b].sum()),
                "risk_from_record": from_record,
                "risk_from_prior": from_prior,
                "risk": float(base_risk[b]),
                "share": float(base_risk[b]) / total if total > 0 and parts.ours[b] else 0.0,
                "dominant_weapon": _dominant_weapon(risk[b], weapons),
                "dominant_factor": dominant_factor(
                    float(base_risk[b]),
                    float(parts.exposure[b]),
                    float(threat[b]),
                    from_record,
                    from_prior,
                    typical_exposure,
                    typical_threat,
                ),
                "top_attack_ids": _top(parts.attack_risk[b]),
                "top_zone_ids": _top(parts.zone_risk[b]),
            }
        )
    return pd.DataFrame(rows, columns=list(BASE_COLUMNS))


def _dominant_weapon(risk: FloatArray, weapons: list[str]) -> str:
    """The class with the most risk (first on the weapons sheet on a tie); '' for none."""
    if not len(risk) or risk.max() <= 0:
        return ""
    return weapons[int(np.argmax(risk))]


def _top(contributions: Mapping[str, float]) -> str:
    """The ids contributing most (ties by id), ';'-joined; only those above zero."""
    ranked = sorted((-value, key) for key, value in contributions.items() if value > 0)
    return ";".join(key for _, key in ranked[:TOP_SOURCES])
