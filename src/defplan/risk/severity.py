"""Severity: casualty-equivalents per attack of each weapon class.

An attack's casualty-equivalents are ``killed + wounded_weight * wounded``. A blank
count is unknown, not zero. When one count is known and the other blank, the blank
one is imputed from the wounded-to-killed ratio observed where both are known
(ratio imputation, Little & Rubin 2019, section 4.2): the class's own ratio when its
complete attacks killed anyone, else the theater's, else 0 (the censored lower
bound: an unreported count is at least 0). An attack with both counts blank gives no
figure. The figures of a class are pooled with the weapons sheet's prior, which is
worth ``severity_prior_attacks`` attacks:
``severity = (k * prior + sum of figures) / (k + m)`` for ``m`` attacks with figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    imputed: npt.NDArray[np.int64]
    """of those, attacks with one count imputed from the wounded-to-killed ratio"""
    wounded_per_killed: npt.NDArray[np.float64]
    """the ratio each class's imputations used (0: the censored lower bound)"""


def casualty_equivalents(
    attack: AttackRow, wounded_weight: float, wounded_per_killed: float = 0.0
) -> float | None:
    """The attack's casualty-equivalents, imputing a blank count from the ratio.

    ``None`` only when both counts that matter are blank. With ``wounded_per_killed``
    0 a blank count is taken as 0, the least it can be.

    Examples
    --------
    >>> from defplan.scenario import AttackRow
    >>> hit = AttackRow(attack_id="a1", base_id="b", weapon="rocket", killed=1, wounded=4)
    >>> casualty_equivalents(hit, 0.25)
    2.0
    >>> casualty_equivalents(hit.model_copy(update={"wounded": None}), 0.25, 4.0)  # 1 + 4/4
    2.0
    >>> casualty_equivalents(hit.model_copy(update={"killed": None}), 0.25, 4.0)  # 4/4 + 1
    2.0
    >>> print(casualty_equivalents(hit.model_copy(update={"killed": None, "wounded": None}), 1))
    None
    """
    killed, wounded = attack.killed, attack.wounded
    if wounded_weight == 0:  # the wounded do not count, nor do they stand in for deaths
        return None if killed is None else float(killed)
    if killed is None and wounded is None:
        return None
    if wounded is None:
        assert killed is not None
        return killed + wounded_weight * killed * wounded_per_killed
    if killed is None:
        killed_estimate = wounded / wounded_per_killed if wounded_per_killed > 0 else 0.0
        return killed_estimate + wounded_weight * wounded
    return killed + wounded_weight * wounded


def wounded_per_killed(attacks: Sequence[AttackRow]) -> float | None:
    """Σ wounded / Σ killed over attacks with both counts known; ``None`` if none killed.

    Examples
    --------
    >>> from defplan.scenario import AttackRow
    >>> rows = [AttackRow(attack_id=f"a{i}", base_id="b", weapon="rocket", killed=k, wounded=w)
    ...         for i, (k, w) in enumerate([(3, 14), (0, 3), (1, None)])]
    >>> round(wounded_per_killed(rows), 3)  # (14 + 3) / (3 + 0)
    5.667
    """
    complete = [a for a in attacks if a.killed is not None and a.wounded is not None]
    killed = sum(a.killed or 0 for a in complete)
    if killed == 0:
        return None
    return sum(a.wounded or 0 for a in complete) / killed


def class_ratios(n_weapons: int, counted: Sequence[CountedAttack]) -> npt.NDArray[np.float64]:
    """The ratio per class: its own, else the theater's, else 0 (the lower bound)."""
    theater = wounded_per_killed([item.attack for item in counted])
    ratios = np.zeros(n_weapons)
    for w in range(n_weapons):
        own = wounded_per_killed([item.attack for item in counted if item.weapon_index == w])
        ratios[w] = own if own is not None else (theater or 0.0)
    return ratios


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
    items = list(counted)
    prior_attacks = settings.severity_prior_attacks
    ratios = class_ratios(len(weapons), items)
    totals = np.zeros(len(weapons))
    attacks = np.zeros(len(weapons), dtype=np.int64)
    imputed = np.zeros(len(weapons), dtype=np.int64)
    for item in items:
        w = item.weapon_index
        figure = casualty_equivalents(item.attack, settings.wounded_weight, float(ratios[w]))
        if figure is not None:
            totals[w] += figure
            attacks[w] += 1
            weighted_blank = settings.wounded_weight > 0 and item.attack.wounded is None
            imputed[w] += int(item.attack.killed is None or weighted_blank)
    prior = np.array([w.severity_prior for w in weapons], dtype=np.float64)
    pooled = prior.copy()
    known = attacks > 0
    pooled[known] = (prior_attacks * prior[known] + totals[known]) / (
        prior_attacks + attacks[known]
    )
    return Severity(value=pooled, attacks=attacks, imputed=imputed, wounded_per_killed=ratios)
