"""The result of the risk model: every figure with its parts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from defplan.risk.record import ExcludedAttack
from defplan.scenario import Settings

#: columns of :attr:`RiskTable.cells`, in order
CELL_COLUMNS: tuple[str, ...] = (
    "base_id",
    "weapon",
    "attacks_on_record",
    "decayed_attacks",
    "observation_years",
    "prior_rate",
    "prior_zones",
    "rate_from_prior",
    "rate_from_record",
    "posterior_rate",
    "record_completeness",
    "record_rate",
    "rate_if_complete",
    "severity",
    "severity_prior",
    "severity_attacks",
    "severity_imputed",
    "wounded_per_killed",
    "troops",
    "hardening",
    "warned_share",
    "exposure",
    "risk",
    "share",
    "attack_ids",
)

#: columns of :attr:`RiskTable.bases`, in order
BASE_COLUMNS: tuple[str, ...] = (
    "rank",
    "base_id",
    "name",
    "status",
    "owner",
    "troops",
    "exposure",
    "attacks_per_year",
    "risk_from_record",
    "risk_from_prior",
    "risk",
    "share",
    "dominant_weapon",
    "dominant_factor",
    "top_attack_ids",
    "top_zone_ids",
)


@dataclass(frozen=True, eq=False)
class RiskTable:
    """Expected casualty-equivalents per year for every base and weapon class.

    Treat the frames as read-only: they are the record of one computation.

    Attributes
    ----------
    cells : pandas.DataFrame
        One row per (base, weapon class), bases in scenario order and classes in
        weapons-sheet order, with the columns of :data:`CELL_COLUMNS`:
        ``risk = posterior_rate * severity * exposure`` and each of its parts.
    bases : pandas.DataFrame
        One row per base, ranked by total risk (ties by base_id), with the columns
        of :data:`BASE_COLUMNS`.
    base_ids, weapons : tuple of str
        The order of :meth:`risk_matrix`'s rows and columns.
    as_of, record_start : datetime.date or None
        The day the risk is computed as of and the first day the attack record
        covers (``None``: no record).
    observation_years : float
        Decayed length of the record window, years (0 with no record).
    settings : Settings
        The settings used.
    excluded : tuple of ExcludedAttack
        Attack rows left out, in sheet order, each with its reason.
    total : float
        Risk of our bases (owner coalition), casualty-equivalents per year.
    others_total : float
        Risk of the partners' and watched bases, listed apart, not in ``total``.
    plan_weight : numpy.ndarray
        Per base (scenario order), the weight of its risk in :meth:`risk_matrix`: 1 for
        ours, ``settings.partner_weight`` for a partner's, 0 for a watched site.
    completeness : float
        Share of attacks the record holds over its window (decay-weighted).
    observed_years : float
        ``observation_years`` weighed by that share: the years of record the rate's
        posterior rests on.
    """

    cells: pd.DataFrame
    bases: pd.DataFrame
    base_ids: tuple[str, ...]
    weapons: tuple[str, ...]
    as_of: dt.date | None
    record_start: dt.date | None
    observation_years: float
    settings: Settings
    excluded: tuple[ExcludedAttack, ...]
    total: float
    others_total: float = 0.0
    plan_weight: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    completeness: float = 1.0
    observed_years: float = 0.0

    def risk_matrix(self) -> npt.NDArray[np.float64]:
        """The risk a plan defends, per (base, weapon class), as a new array.

        ``len(base_ids) x len(weapons)``: rows follow :attr:`base_ids` (scenario
        order), columns :attr:`weapons` (weapons-sheet order); casualty-equivalents
        per year, each base's row times its :attr:`plan_weight` (a partner's base
        counts only as much as ``settings.partner_weight`` says, a watched site not
        at all).
        """
        values = self.cells["risk"].to_numpy(dtype=np.float64, copy=True)
        matrix = values.reshape(len(self.base_ids), len(self.weapons))
        if len(self.plan_weight) == len(self.base_ids):
            matrix *= self.plan_weight[:, np.newaxis]
        return matrix
