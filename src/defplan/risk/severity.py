"""Severity: casualty-equivalents per attack of each weapon class.

An attack's casualty-equivalents are ``killed + wounded_weight * wounded``. A blank
count is unknown, not zero, so an attack gives a figure only when every count that
carries weight is known: ``killed``, and ``wounded`` too unless ``wounded_weight``
is 0. The figures of a class are pooled with the weapons sheet's prior, which is
worth ``severity_prior_attacks`` attacks:
``severity = (k * prior + sum of figures) / (k + m)`` for ``m`` attacks with figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from defplan.risk.record import CountedAttack
from defplan.scenario import AttackRow, Settings, WeaponRow


@dataclass(frozen=True)
class Severity:
    """Per weapon class, in weapons-sheet order: the estimate and what it rests on."""

    value: npt.NDArray[np.float64]
    """casualty-equivalents per attack"""
    attacks: npt.NDArray[np.int64]
    """attacks whose counts gave a figure"""


def casualty_equivalents(attack: AttackRow, wounded_weight: float) -> float | None:
    """The attack's casualty-equivalents, or ``None`` when a count that matters is blank.

    Examples
    --------
    >>> from defplan.scenario import AttackRow
    >>> hit = AttackRow(attack_id="a1", base_id="b", weapon="rocket", killed=1, wounded=4)
    >>> casualty_equivalents(hit, 0.25)
    2.0
    >>> print(casualty_equivalents(hit.model_copy(update={"wounded": None}), 0.25))
    None
    >>> casualty_equivalents(hit.model_copy(update={"wounded": None}), 0.0)
    1.0
    """
    if attack.killed is None:
        return None
    if wounded_weight == 0:
        return float(attack.killed)
    if attack.wounded is None:
        return None
    return attack.killed + wounded_weight * attack.wounded


def severity_by_weapon(
    weapons: tuple[WeaponRow, ...], counted: Iterable[CountedAttack], settings: Settings
) -> Severity:
    """Severity of every weapon class from the counted attacks and the sheet's priors.

    A class with no figures keeps its prior exactly.

    Examples
    --------
    >>> from defplan.scenario import Settings, WeaponRow
    >>> rocket = WeaponRow(weapon="rocket", reach_km=40.0, severity_prior=2.0)
    >>> severity_by_weapon((rocket,), [], Settings()).value
    array([2.])
    """
    prior_attacks = settings.severity_prior_attacks
    totals = np.zeros(len(weapons))
    attacks = np.zeros(len(weapons), dtype=np.int64)
    for item in counted:
        figure = casualty_equivalents(item.attack, settings.wounded_weight)
        if figure is not None:
            totals[item.weapon_index] += figure
            attacks[item.weapon_index] += 1
    prior = np.array([w.severity_prior for w in weapons], dtype=np.float64)
    pooled = prior.copy()
    known = attacks > 0
    pooled[known] = (prior_attacks * prior[known] + totals[known]) / (
        prior_attacks + attacks[known]
    )
    return Severity(value=pooled, attacks=attacks)
