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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from defplan.risk.record import Counted
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


def class_ratios(n_weapons: int, counted: Counted) -> npt.NDArray[np.float64]:
    """The ratio per class: its own, else the theater's, else 0 (the lower bound)."""
    killed, wounded = _counts(counted.killed), _counts(counted.wounded)
    complete = ~np.isnan(killed) & ~np.isnan(wounded)
    theater = _ratio(killed[complete].sum(), wounded[complete].sum())
    ratios = np.zeros(n_weapons)
    for w in range(n_weapons):
        own = complete & (counted.weapon_index == w)
        mine = _ratio(killed[own].sum(), wounded[own].sum())
        ratios[w] = mine if mine is not None else (theater or 0.0)
    return ratios


def _counts(values: npt.NDArray[np.object_]) -> npt.NDArray[np.float64]:
    """Counts as floats, NaN where not reported (whole numbers: sums stay exact)."""
    return np.array([np.nan if v is None else v for v in values.tolist()], dtype=np.float64)


def _ratio(killed: float, wounded: float) -> float | None:
    """Σ wounded / Σ killed, as :func:`wounded_per_killed` gives it (``None``: none killed)."""
    return None if killed == 0 else int(wounded) / int(killed)


def severity_by_weapon(
    weapons: tuple[WeaponRow, ...], counted: Counted, settings: Settings
) -> Severity:
    """Severity of every weapon class from the counted attacks and the sheet's priors.

    A class with no figures keeps its prior exactly; each attack's figure is
    :func:`casualty_equivalents`, worked out for all of them at once.
    """
    prior_attacks = settings.severity_prior_attacks
    ratios = class_ratios(len(weapons), counted)
    killed, wounded = _counts(counted.killed), _counts(counted.wounded)
    figures = _figures(killed, wounded, settings.wounded_weight, ratios[counted.weapon_index])
    known = ~np.isnan(figures)
    totals = np.zeros(len(weapons))
    np.add.at(totals, counted.weapon_index[known], figures[known])  # in sheet order
    attacks = np.bincount(counted.weapon_index[known], minlength=len(weapons)).astype(np.int64)
    weighted_blank = (settings.wounded_weight > 0) & np.isnan(wounded)
    guessed = known & (np.isnan(killed) | weighted_blank)
    imputed = np.bincount(counted.weapon_index[guessed], minlength=len(weapons)).astype(np.int64)
    prior = np.array([w.severity_prior for w in weapons], dtype=np.float64)
    pooled = prior.copy()
    seen = attacks > 0
    pooled[seen] = (prior_attacks * prior[seen] + totals[seen]) / (prior_attacks + attacks[seen])
    return Severity(value=pooled, attacks=attacks, imputed=imputed, wounded_per_killed=ratios)


def _figures(
    killed: npt.NDArray[np.float64],
    wounded: npt.NDArray[np.float64],
    wounded_weight: float,
    ratio: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """:func:`casualty_equivalents` of each attack (NaN for ``None``), the same
    operations in the same order."""
    no_killed, no_wounded = np.isnan(killed), np.isnan(wounded)
    if wounded_weight == 0:
        return killed.copy()  # NaN where killed is blank
    out = np.full(len(killed), np.nan)
    both = ~no_killed & ~no_wounded
    out[both] = killed[both] + wounded_weight * wounded[both]
    only_killed = ~no_killed & no_wounded
    out[only_killed] = (
        killed[only_killed] + wounded_weight * killed[only_killed] * ratio[only_killed]
    )
    only_wounded = no_killed & ~no_wounded
    safe = np.where(ratio[only_wounded] > 0, ratio[only_wounded], 1.0)
    estimate = np.where(ratio[only_wounded] > 0, wounded[only_wounded] / safe, 0.0)
    out[only_wounded] = estimate + wounded_weight * wounded[only_wounded]
    return out
