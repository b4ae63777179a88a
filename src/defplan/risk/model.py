"""The risk model: ``risk[b, w] = rate[b, w] * severity[w] * exposure[b]``.

See ``docs/risk_model.md`` for the model in full; each factor lives in its own
module (:mod:`~defplan.risk.record`, :mod:`~defplan.risk.prior`,
:mod:`~defplan.risk.severity`) and this one puts them together.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from defplan.errors import InputError, Problem
from defplan.risk.cells import cells_frame, zone_risk
from defplan.risk.prior import zone_prior
from defplan.risk.ranking import TOP_SOURCES, BaseParts, rank_bases
from defplan.risk.record import Record, read_record
from defplan.risk.severity import severity_by_weapon
from defplan.risk.table import RiskTable
from defplan.scenario import BaseRow, Scenario, Settings

FloatArray = npt.NDArray[np.float64]


def exposure(base: BaseRow, troop_weight: float, reference_troops: float = 1000.0) -> float:
    """What an attack on the base can harm, against a reference garrison.

    ``(troops / reference_troops) ** troop_weight * mission_value * (1 - hardening)``,
    and 0 with no troops whatever the weight: nobody there, nobody hurt. Severity is
    casualty-equivalents per attack on a base of ``reference_troops``, so risk stays
    in casualty-equivalents per year.

    Raises
    ------
    OverflowError
        When the power is too large for a float.

    Examples
    --------
    >>> from defplan.scenario import BaseRow
    >>> base = BaseRow(base_id="a", name="A", lat=0, lon=0, troops=400, hardening=0.5)
    >>> exposure(base, 1.0), exposure(base, 0.5, 100.0), exposure(base, 0.0)
    (0.2, 1.0, 0.5)
    """
    return garrison_weight(base, troop_weight, reference_troops) * (1.0 - base.hardening)


def garrison_weight(base: BaseRow, troop_weight: float, reference_troops: float) -> float:
    """``(troops / reference_troops) ** troop_weight * mission_value``; 0 with no troops."""
    if base.troops <= 0:
        return 0.0
    return math.pow(float(base.troops) / reference_troops, troop_weight) * base.mission_value


def source_weights(settings: Settings) -> tuple[float, float]:
    """The proximity and history weights as the rate uses them: each divided by the
    larger, (0, 0) when both are 0.

    Only their ratio matters to the rate: dividing both by the larger keeps a subnormal
    weight (5e-324) from rounding the record away and a huge one (1e308) from
    overflowing to inf / inf, and gives the rate's gamma posterior the spread of a
    record weighed as itself (defplan.robust draws from it).

    >>> source_weights(Settings(proximity_weight=0.25, history_weight=0.5))
    (0.5, 1.0)
    """
    scale = max(settings.proximity_weight, settings.history_weight)
    if scale <= 0:
        return 0.0, 0.0
    return settings.proximity_weight / scale, settings.history_weight / scale


def posterior_rate(
    prior_rate: npt.ArrayLike,
    decayed_attacks: npt.ArrayLike,
    observation_years: float,
    settings: Settings,
) -> tuple[FloatArray, FloatArray]:
    """Attacks per year blending the zones' prior with the record (gamma-Poisson).

    The prior is a gamma distribution with mean ``prior_rate`` worth ``prior_years``
    of record; the record saw ``decayed_attacks`` in ``observation_years``. The
    posterior mean, with each source scaled by its weight, is

    ``(pw * prior_years * prior_rate + hw * decayed_attacks) / (pw * prior_years + hw * T)``

    returned as its two parts, the prior's and the record's (they sum to the rate).
    A zero weight removes its source exactly; with both sources gone the rate is 0.

    References
    ----------
    .. [1] A. Gelman et al., *Bayesian Data Analysis*, 3rd ed., CRC Press (2013),
       section 2.6: the Poisson model with a gamma prior.
    .. [2] H. Buhlmann and A. Gisler, *A Course in Credibility Theory and its
       Applications*, Springer (2005): the credibility weight ``T / (prior_years + T)``.

    Examples
    --------
    >>> from defplan.scenario import Settings
    >>> posterior_rate([3.0], [6.0], 2.0, Settings(prior_years=1.0))  # (3 + 6) / (1 + 2)
    (array([1.]), array([2.]))
    >>> posterior_rate([3.0], [0.0], 0.0, Settings())  # no record: the prior
    (array([3.]), array([0.]))
    """
    prior = np.asarray(prior_rate, dtype=np.float64)
    decayed = np.asarray(decayed_attacks, dtype=np.float64)
    proximity, history = source_weights(settings)
    if proximity <= 0 and history <= 0:
        return np.zeros_like(prior), np.zeros_like(decayed)
    prior_weight = proximity * settings.prior_years
    weight = prior_weight + history * observation_years
    if weight <= 0:
        return np.zeros_like(prior), np.zeros_like(decayed)
    # prior * (w / w) keeps the prior exact when the record has no weight
    return prior * (prior_weight / weight), decayed * history / weight


def risk(scenario: Scenario) -> RiskTable:
    """Expected casualty-equivalents per year for every base and weapon class.

    ``risk[b, w] = rate[b, w] * severity[w] * exposure[b]``: the attack rate blends
    the decayed attack record with the threat zones' prior, severity pools recorded
    casualties with the weapons sheet's prior, exposure weighs troops, mission value
    and hardening. Every figure is returned with its parts.

    Parameters
    ----------
    scenario : Scenario
        A validated theater; its settings give the weights and the as-of day.

    Returns
    -------
    RiskTable
        The cells (base x class) and bases (ranked) tables, the total and the attack
        rows left out with their reasons.

    Raises
    ------
    InputError
        When a figure is too large to compute (e.g. a huge ``troop_weight``).

    Examples
    --------
    One base inside one zone that sends 3 rocket attacks a year, nothing on record:

    >>> from defplan.risk import risk
    >>> from defplan.scenario import BaseRow, Scenario, ThreatZoneRow, WeaponRow
    >>> scenario = Scenario(
    ...     bases=(BaseRow(base_id="a", name="A", lat=33.0, lon=44.0, troops=500),),
    ...     systems=(), effectiveness=(),
    ...     weapons=(WeaponRow(weapon="rocket", reach_km=40.0, severity_prior=2.0),),
    ...     threat_zones=(ThreatZoneRow(zone_id="z", actor="x", lat=33.0, lon=44.0,
    ...         radius_km=10.0, weapons=("rocket",), intensity=3.0),),
    ... )
    >>> table = risk(scenario)
    >>> table.total  # 3 attacks/year x 2 casualty-equivalents x 500/1,000 troops
    3.0
    >>> table.bases.loc[0, ["base_id", "dominant_weapon", "dominant_factor"]].tolist()
    ['a', 'rocket', 'proximity']
    """
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            table = _compute(scenario)
    except OverflowError:
        table = None
    if table is None or not math.isfinite(table.total):
        raise InputError(
            [
                Problem(
                    file=scenario.provenance.source,
                    message="risk is too large to compute; check troops, troop_weight, "
                    "mission_value, the zones' intensity and the casualty counts",
                )
            ]
        )
    return table


def harm_through(base: BaseRow, weapon: str, shelter_protection: float) -> tuple[float, float]:
    """The class's hardening at the base and the share of its people warned in time.

    Hardening is the base's ``hardening_by_weapon`` figure for the class, else its
    ``hardening``. With shelters (``shelter_minutes``) and ``warning_minutes`` for the
    class, ``min(1, warning / shelter_minutes)`` of the people reach cover in time
    (all of them when shelter is at hand, 0 minutes). The harm that gets through is
    ``(1 - hardening) * (1 - warned * shelter_protection)``.

    Examples
    --------
    >>> from defplan.scenario import BaseRow
    >>> base = BaseRow(base_id="a", name="A", lat=0, lon=0, troops=400, hardening=0.5,
    ...     hardening_by_weapon="rocket: 0.6", warning_minutes="rocket: 1; drone: 4",
    ...     shelter_minutes=2)
    >>> harm_through(base, "rocket", 0.8), harm_through(base, "drone", 0.8)
    ((0.6, 0.5), (0.5, 1.0))
    """
    hardening = next(
        (v.value for v in base.hardening_by_weapon if v.weapon == weapon), base.hardening
    )
    warning = next((v.value for v in base.warning_minutes if v.weapon == weapon), None)
    if warning is None or base.shelter_minutes is None:
        return hardening, 0.0
    if base.shelter_minutes <= 0:
        return hardening, 1.0
    return hardening, min(1.0, warning / base.shelter_minutes)


def _protection(scenario: Scenario) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(hardening, warned share, share of harm let through), each (bases, classes)."""
    shape = (len(scenario.bases), len(scenario.weapons))
    hardening = np.array([b.hardening for b in scenario.bases])[:, np.newaxis] * np.ones(shape)
    warned = np.zeros(shape)
    protect = scenario.settings.shelter_protection
    for b, base in enumerate(scenario.bases):
        if base.hardening_by_weapon or (base.warning_minutes and base.shelter_minutes is not None):
            for w, weapon in enumerate(scenario.weapons):
                hardening[b, w], warned[b, w] = harm_through(base, weapon.weapon, protect)
    return hardening, warned, (1.0 - hardening) * (1.0 - warned * protect)


def _compute(scenario: Scenario) -> RiskTable:
    settings = scenario.settings
    record = read_record(scenario)
    prior = zone_prior(scenario, record.as_of)
    severity = severity_by_weapon(scenario.weapons, record.counted, settings)
    shape = (len(scenario.bases), len(scenario.weapons))
    on_record = np.zeros(shape, dtype=np.int64)
    decayed = np.zeros(shape)
    counted = record.counted
    np.add.at(on_record, (counted.base_index, counted.weapon_index), 1)
    np.add.at(decayed, (counted.base_index, counted.weapon_index), counted.weight)  # in order
    from_prior, from_record = posterior_rate(prior.rate, decayed, record.observed_years, settings)
    prior_part, record_part = posterior_rate(
        prior.rate, decayed, record.observation_years, settings
    )
    if_complete = prior_part + record_part
    record_rate = decayed / record.observed_years if record.observed_years > 0 else np.zeros(shape)
    hardening, warned, through = _protection(scenario)
    scale = np.array(
        [
            garrison_weight(b, settings.troop_weight, settings.reference_troops)
            for b in scenario.bases
        ]
    )
    exposures = scale[:, np.newaxis] * through
    harm = severity.value[np.newaxis, :] * exposures
    risk_from_prior, risk_from_record = from_prior * harm, from_record * harm
    cell_risk = risk_from_prior + risk_from_record
    ours = np.array([b.ours for b in scenario.bases], dtype=bool)
    total = float(cell_risk[ours].sum())
    others_total = float(cell_risk[~ours].sum())
    if not np.isfinite(cell_risk).all():
        total = math.inf  # e.g. an infinite exposure times a zero rate
    numbers: dict[str, npt.NDArray[Any]] = {
        "attacks_on_record": on_record,
        "decayed_attacks": decayed,
        "prior_rate": prior.rate,
        "rate_from_prior": from_prior,
        "rate_from_record": from_record,
        "posterior_rate": from_prior + from_record,
        "record_rate": record_rate,
        "rate_if_complete": if_complete,
        "hardening": hardening,
        "warned_share": warned,
        "exposure": exposures,
        "risk": cell_risk,
        "share": np.where(ours[:, np.newaxis], cell_risk / total, 0.0)
        if 0 < total < math.inf
        else np.zeros(shape),
    }
    threat = ((from_prior + from_record) * severity.value[np.newaxis, :]).sum(axis=1)
    parts = BaseParts(
        exposure=_effective_exposure(cell_risk.sum(axis=1), threat, exposures),
        rate=from_prior + from_record,
        severity=severity.value,
        risk_from_record=risk_from_record,
        risk_from_prior=risk_from_prior,
        zone_risk=zone_risk(prior, risk_from_prior, TOP_SOURCES),
        attack_risk=_attack_risk(scenario, record, decayed, risk_from_record),
        ours=ours,
    )
    weights = {"coalition": 1.0, "partner": settings.partner_weight, "watch": 0.0}
    return RiskTable(
        cells=cells_frame(scenario, record, prior, severity, numbers),
        bases=rank_bases(scenario, parts),
        base_ids=tuple(b.base_id for b in scenario.bases),
        weapons=tuple(w.weapon for w in scenario.weapons),
        as_of=record.as_of,
        record_start=record.record_start,
        observation_years=record.observation_years,
        settings=settings,
        excluded=record.excluded,
        total=total,
        others_total=others_total,
        plan_weight=np.array([weights[b.owner] for b in scenario.bases]),
        completeness=record.completeness,
        observed_years=record.observed_years,
    )


def _effective_exposure(
    base_risk: FloatArray, threat: FloatArray, exposures: FloatArray
) -> FloatArray:
    """Per base, risk over threat: its exposure as the threats it faces weigh it.

    With the same protection against every class this is the base's exposure; with
    none of a class's threat, the mean over the classes.
    """
    mean = exposures.mean(axis=1) if exposures.shape[1] else np.zeros(len(exposures))
    out: FloatArray = np.divide(base_risk, threat, out=mean.copy(), where=threat > 0)
    return out


def _attack_risk(
    scenario: Scenario, record: Record, decayed: FloatArray, risk_from_record: FloatArray
) -> list[dict[str, float]]:
    """Per base: each counted attack's part of the risk the record carries."""
    parts: list[dict[str, float]] = [{} for _ in scenario.bases]
    counted = record.counted
    cell = (counted.base_index, counted.weapon_index)
    carries = decayed[cell] > 0
    share = np.divide(counted.weight, decayed[cell], out=np.zeros(len(counted)), where=carries)
    value = risk_from_record[cell] * share
    for b, attack_id, part in zip(
        counted.base_index[carries].tolist(),
        counted.attack_id[carries].tolist(),
        value[carries].tolist(),
        strict=True,
    ):
        parts[b][attack_id] = part
    return parts
