"""From the weapons and systems sheets and the record to the raid model.

Each weapon class's salvo (rounds per attack) pools the weapons sheet's prior
(``salvo_mean``, worth ``salvo_prior_weight`` attacks, spread ``salvo_dispersion``)
with the ``munitions`` the record states for the class
(:func:`defplan.model.raids.pooled_salvo_mean`). Each system's engagements per raid
are the fewer of its ``channels`` and its ``magazine`` (blank: unlimited); a system
with a magazine refills it in ``reload_hours`` (blank: at once), against each base's
raid rate (the risk table's posterior rates summed over the weapon classes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from defplan.attack_table import as_table, is_none
from defplan.errors import InputError, Problem
from defplan.model.raids import Raids, Salvo, make_raids, pooled_salvo_mean, salvo_distribution
from defplan.risk import RiskTable
from defplan.scenario import Scenario, SystemRow, WeaponRow


@dataclass(frozen=True)
class SalvoEstimate:
    """How a class's salvo mean came about: the prior, the record, the pooled mean."""

    weapon: str
    prior_mean: float | None
    prior_weight: float
    stated: tuple[int, ...]  # the record's munitions for the class
    mean: float
    dispersion: float | None


def estimate(weapon: WeaponRow, scenario: Scenario) -> SalvoEstimate:
    """The pooled salvo mean of one class: the prior alone, the record's mean when
    there is no prior, the credibility-weighted pool of both, or 1 round with neither.

    Every attack row of the class that states its munitions counts, dated or not and
    wherever it fell: a salvo is a property of the weapon and its crews, not of the
    base it was fired at.
    """
    table = as_table(scenario.attacks)  # by column: a million attacks, no row objects
    munitions = table.column("munitions")
    of_class = np.asarray(table.column("weapon") == weapon.weapon, dtype=bool)
    stated = tuple(int(m) for m in munitions[of_class & ~is_none(munitions)].tolist() if m >= 1)
    if weapon.salvo_mean is None:
        mean = pooled_salvo_mean(1.0, 0.0, stated) if stated else 1.0
        weight = 0.0
    else:
        weight = 1.0 if weapon.salvo_prior_weight is None else weapon.salvo_prior_weight
        mean = pooled_salvo_mean(weapon.salvo_mean, weight, stated)
    return SalvoEstimate(
        weapon.weapon, weapon.salvo_mean, weight, stated, mean, weapon.salvo_dispersion
    )


def salvo_estimates(scenario: Scenario, weapons: tuple[str, ...]) -> list[SalvoEstimate]:
    """One :class:`SalvoEstimate` per weapon class, in ``weapons`` order."""
    rows = {w.weapon: w for w in scenario.weapons}
    return [estimate(rows[w], scenario) for w in weapons]


def salvo_of(estimate: SalvoEstimate, scenario: Scenario) -> Salvo:
    """The salvo distribution of one class; InputError naming the weapons sheet's
    columns when its mean (the prior pooled with the record's munitions) and dispersion
    put it past what the model holds."""
    try:
        return salvo_distribution(estimate.mean, estimate.dispersion)
    except ValueError as exc:
        column = "salvo_dispersion" if estimate.dispersion is not None else "salvo_mean"
        raise InputError(
            [
                Problem(
                    scenario.provenance.source,
                    "weapons",
                    None,
                    column,
                    f"{estimate.weapon}: {exc} (the mean pools salvo_mean with the "
                    f"record's munitions: {len(estimate.stated)} attack(s) state them)",
                )
            ]
        ) from None


def raid_model(
    scenario: Scenario, weapons: tuple[str, ...], rate: np.ndarray | None = None
) -> Raids:
    """Salvos per weapon class (``weapons`` order), engagements per raid and reload
    hours per system (systems-sheet order); ``rate`` (B,) the bases' raids a year,
    needed when a system with a magazine has a reload time."""
    salvos = [salvo_of(e, scenario) for e in salvo_estimates(scenario, weapons)]
    hours = [reload_hours(s) for s in scenario.systems]
    return make_raids(
        salvos,
        [s.raid_capacity for s in scenario.systems],
        hours,
        rate if any(h > 0.0 for h in hours) else None,
    )


def reload_hours(system: SystemRow) -> float:
    """Hours the system's magazine takes to refill: 0 without a magazine (channels
    never run out) or without a reload time."""
    if system.magazine is None or system.reload_hours is None:
        return 0.0
    return float(system.reload_hours)


def raid_rates(table: RiskTable) -> np.ndarray:
    """Posterior raids a year per (base, weapon class), (B, W)."""
    rates = table.cells["posterior_rate"].to_numpy(dtype=np.float64)
    return rates.reshape(len(table.base_ids), len(table.weapons))


def limits_raids(scenario: Scenario) -> bool:
    """Whether any system has channels or a magazine (else raids change nothing)."""
    return any(s.channels is not None or s.magazine is not None for s in scenario.systems)
