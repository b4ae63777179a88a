"""Samples of a theater's uncertain inputs, drawn from what the risk model already knows.

Each sample is a complete set of the solver's inputs, risk per (base, class) and p per
(system, class), drawn independently of the others:

- ``rates``: attacks per year from the gamma posterior the risk model's rate is the
  mean of, shape ``pw·prior_years·prior[b, w] + hw·n[b, w]`` and rate
  ``pw·prior_years + hw·T`` (docs/risk_model.md);
- ``severity``: casualty-equivalents per attack from the gamma posterior of the
  pooled estimate, shape ``k·prior + Σ observed`` and rate ``k + m`` (its mean is the
  risk model's severity; a gamma-Poisson reading of the casualty counts);
- ``p``: intercept probabilities from the effectiveness sheet's ``p_low`` and
  ``p_high``, triangular with its mode at ``p_intercept``;
- ``intensity``: each threat zone's intensity from ``intensity_low`` and
  ``intensity_high``, triangular with its mode at ``intensity``; it moves the prior
  the rate's posterior rests on;
- ``completeness``: the record's completeness from the settings
  ``record_completeness_low`` and ``record_completeness_high``, triangular with its
  mode at ``record_completeness``: every period's completeness is scaled by the drawn
  share over the setting's, so the record watched that many more or fewer years.

Sample k draws each source from its own generator seeded by ``(seed, k, source)``, so
a sample is the same whatever the number of samples or the other sources drawn. A
source not drawn keeps the risk model's figure exactly: with no source drawn (or
none with any spread) every sample is the point theater, bit for bit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from defplan.model.instance import FloatArray
from defplan.model.raids import expand_samples
from defplan.plan.arrays import PlanArrays, intercept_matrix
from defplan.risk import RiskTable
from defplan.risk.model import source_weights
from defplan.risk.prior import zone_prior
from defplan.robust.sources import SOURCES
from defplan.scenario import Scenario, Settings


@dataclass(frozen=True, eq=False)
class Samples:
    """K draws of the solver's inputs.

    ``values`` (K, B, C) risk per base and class, casualty-equivalents a year;
    ``p`` (K, S, C) intercept probabilities; ``seed`` and ``sources`` reproduce them.
    """

    values: FloatArray
    p: FloatArray
    seed: int
    sources: tuple[str, ...]

    @property
    def count(self) -> int:
        """How many samples were drawn."""
        return int(self.values.shape[0])


def plan_samples(
    scenario: Scenario,
    table: RiskTable,
    arrays: PlanArrays,
    count: int,
    seed: int,
    sources: tuple[str, ...] = SOURCES,
) -> tuple[PlanArrays, Samples]:
    """:func:`draw_samples` for the plan's instance: the risk and p of each weapon
    class drawn, then, where channels or magazines limit a system, every draw and the
    instance split into the same raid pseudo-classes
    (:func:`defplan.model.raids.expand_samples`). Returns the arrays (their instance
    re-split when a draw makes another system a killer) and the draws."""
    point_p = intercept_matrix(scenario, arrays.system_ids, arrays.weapons)
    drawn = draw_samples(scenario, table, point_p, arrays.system_ids, count, seed, sources)
    raid = arrays.raids
    if raid is None or (np.isinf(raid.capacity).all() and not raid.reloads):
        return arrays, drawn
    values, p, point_value, point_split, of = expand_samples(
        drawn.values, drawn.p, table.risk_matrix(), point_p, raid
    )
    class_of = None if np.array_equal(of, np.arange(len(of))) else of
    instance = dataclasses.replace(
        arrays.instance, value=point_value, p=point_split, class_of=class_of
    )
    split = dataclasses.replace(drawn, values=values, p=p)
    return dataclasses.replace(arrays, instance=instance), split


def check_sources(sources: tuple[str, ...]) -> tuple[str, ...]:
    """The sources in their canonical order, or ValueError naming a wrong one."""
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise ValueError(f"unknown source {unknown[0]!r} (expected some of {', '.join(SOURCES)})")
    return tuple(s for s in SOURCES if s in sources)


def draw_samples(
    scenario: Scenario,
    table: RiskTable,
    p: FloatArray,
    system_ids: tuple[str, ...],
    count: int,
    seed: int,
    sources: tuple[str, ...] = SOURCES,
) -> Samples:
    """``count`` samples of the risk matrix and intercept probabilities.

    ``p`` (S, C) is the point intercept matrix in ``system_ids`` × ``table.weapons``
    order (the plan's). Returns :class:`Samples`.

    Examples
    --------
    >>> from defplan.risk import risk
    >>> from defplan.scenario import BaseRow, Scenario, ThreatZoneRow, WeaponRow
    >>> scenario = Scenario(
    ...     bases=(BaseRow(base_id="a", name="A", lat=33.0, lon=44.0, troops=1000),),
    ...     systems=(), effectiveness=(),
    ...     weapons=(WeaponRow(weapon="rocket", reach_km=40.0, severity_prior=2.0),),
    ...     threat_zones=(ThreatZoneRow(zone_id="z", actor="x", lat=33.0, lon=44.0,
    ...         radius_km=10.0, weapons=("rocket",), intensity=3.0),),
    ... )
    >>> table = risk(scenario)
    >>> drawn = draw_samples(scenario, table, np.zeros((0, 1)), (), 2000, seed=1)
    >>> bool(abs(drawn.values.mean() - table.total) < 0.3)  # gamma draws around 6
    True
    >>> same = draw_samples(scenario, table, np.zeros((0, 1)), (), 3, seed=1, sources=())
    >>> same.values.ravel().tolist()
    [6.0, 6.0, 6.0]
    """
    if count < 1:
        raise ValueError(f"samples must be 1 or more (got {count})")
    sources = check_sources(sources)
    point = table.risk_matrix()
    shape = _RateShape.of(scenario, table)
    low, high = _p_ranges(scenario, p, system_ids, table.weapons)
    values = np.empty((count, *point.shape))
    drawn_p = np.empty((count, *p.shape))
    for k in range(count):
        rngs = {s: np.random.default_rng([seed, k, i]) for i, s in enumerate(SOURCES)}
        values[k] = _risk_sample(point, shape, sources, rngs)
        drawn_p[k] = _triangular(rngs["p"], low, p, high) if "p" in sources else p
    return Samples(values=values, p=drawn_p, seed=seed, sources=sources)


def rate_posterior(scenario: Scenario, table: RiskTable) -> tuple[FloatArray, FloatArray]:
    """The gamma posterior ``rates`` draws attacks per year from, per (base, class):
    its shape and its rate (both (B, C)); shape / rate is the risk model's
    ``posterior_rate``. Weighed as the risk model weighs its sources
    (:func:`~defplan.risk.model.source_weights`), so writing both weights at another
    scale changes neither."""
    shape = _RateShape.of(scenario, table)
    prior = shape.fixed_prior + (
        shape.unit_prior @ shape.intensity if shape.intensity.size else 0.0
    )
    gamma_shape = np.asarray(shape.prior_weight * prior + shape.record, dtype=np.float64)
    return gamma_shape, np.full_like(gamma_shape, shape.rate_weight)


@dataclass(frozen=True)
class _RateShape:
    """What the risk model's rate and severity are made of, per base and class."""

    unit_prior: FloatArray  # (B, C, Z) each zone's prior per unit of its intensity
    fixed_prior: FloatArray  # (B, C) the prior of zones of intensity 0 (per-class only)
    intensity: FloatArray  # (Z,)
    intensity_low: FloatArray
    intensity_high: FloatArray
    prior_weight: float  # pw · prior_years (pw and hw as the risk model weighs them)
    record: FloatArray  # (B, C) hw · decayed attacks
    rate_weight: float  # pw · prior_years + hw · c·T
    record_weight: float  # hw
    observed_years: float  # c·T: the record's years weighed by its completeness
    observation_years: float  # T
    completeness: tuple[float, float, float]  # the setting's low, value, high
    severity_shape: FloatArray  # (C,) k · prior + Σ observed
    severity_rate: FloatArray  # (C,) k + m
    severity: FloatArray  # (C,) the risk model's severity
    exposure: FloatArray  # (B, C) per class: its hardening and warning at the base
    plan_weight: FloatArray  # (B,) 1 ours, partner_weight a partner's, 0 a watched site

    @classmethod
    def of(cls, scenario: Scenario, table: RiskTable) -> _RateShape:
        settings = table.settings
        n_bases, n_classes = len(table.base_ids), len(table.weapons)
        cells = table.cells
        decayed = cells["decayed_attacks"].to_numpy(np.float64).reshape(n_bases, n_classes)
        severity = cells["severity"].to_numpy(np.float64).reshape(n_bases, n_classes)[0]
        attacks = cells["severity_attacks"].to_numpy(np.float64).reshape(n_bases, n_classes)[0]
        exposure = cells["exposure"].to_numpy(np.float64).reshape(n_bases, n_classes)
        prior = zone_prior(scenario, table.as_of)
        active = {z: i for i, z in enumerate(prior.zone_ids)}
        zones = [z for z in scenario.threat_zones if z.zone_id in active]
        intensity = np.array([z.intensity for z in zones], dtype=np.float64)
        # a drawn intensity scales every class of its zone (intensity_by_weapon too); a
        # zone of intensity 0 keeps its per-class figures as they are
        per_unit = np.divide(1.0, intensity, out=np.zeros_like(intensity), where=intensity > 0)
        # the risk model's weights (only their ratio matters to the rate): the gamma's
        # shape, and so its spread, is the same whatever scale they are written in
        proximity, history = source_weights(settings)
        prior_weight = proximity * settings.prior_years
        k = settings.severity_prior_attacks
        return cls(
            unit_prior=prior.contributions * per_unit,
            fixed_prior=prior.contributions[:, :, intensity <= 0].sum(axis=2),
            intensity=intensity,
            intensity_low=np.array(
                [z.intensity if z.intensity_low is None else z.intensity_low for z in zones]
            ),
            intensity_high=np.array(
                [z.intensity if z.intensity_high is None else z.intensity_high for z in zones]
            ),
            prior_weight=prior_weight,
            record=history * decayed,
            # the record watched only the share of attacks it holds: c·T years' worth
            rate_weight=prior_weight + history * table.observed_years,
            record_weight=history,
            observed_years=table.observed_years,
            observation_years=table.observation_years,
            completeness=_completeness_range(settings),
            severity_shape=severity * (k + attacks),
            severity_rate=k + attacks,
            severity=severity,
            exposure=exposure,
            plan_weight=table.plan_weight,
        )


def _risk_sample(
    point: FloatArray,
    shape: _RateShape,
    sources: tuple[str, ...],
    rngs: dict[str, np.random.Generator],
) -> FloatArray:
    """One sample of risk[b, w] = rate × severity × exposure; the point risk where no
    source moving it is drawn."""
    severity_factor = np.ones_like(shape.severity)
    if "severity" in sources:
        drawn = _gamma(rngs["severity"], shape.severity_shape, shape.severity_rate)
        fixed = shape.severity_rate <= 0.0
        drawn[fixed] = shape.severity[fixed]
        severity_factor = np.divide(
            drawn, shape.severity, out=np.zeros_like(drawn), where=shape.severity > 0
        )
    low, _, high = shape.completeness
    drawn_completeness = "completeness" in sources and low < high
    spread = bool((shape.intensity_low < shape.intensity_high).any())
    drawn_intensity = "intensity" in sources and spread
    if "rates" not in sources and not drawn_intensity and not drawn_completeness:
        # nothing with any spread moves the rate: the risk model's figures, bit for bit
        return np.asarray(point * severity_factor[None, :], dtype=np.float64)
    intensity = shape.intensity
    if drawn_intensity:
        intensity = _triangular(
            rngs["intensity"], shape.intensity_low, shape.intensity, shape.intensity_high
        )
    prior = shape.fixed_prior + (shape.unit_prior @ intensity if intensity.size else 0.0)
    gamma_shape = shape.prior_weight * prior + shape.record
    rate_weight = shape.rate_weight
    if drawn_completeness:
        rate_weight = _completeness_weight(shape, rngs["completeness"])
    if rate_weight <= 0.0:
        return np.zeros_like(point)
    if "rates" in sources:
        rate = _gamma(rngs["rates"], gamma_shape, np.full_like(gamma_shape, rate_weight))
    else:
        rate = gamma_shape / rate_weight
    harm = (shape.severity * severity_factor)[None, :] * shape.exposure
    harm = harm * shape.plan_weight[:, None]
    return np.asarray(rate * harm, dtype=np.float64)


def _completeness_range(settings: Settings) -> tuple[float, float, float]:
    """record_completeness's range (low, value, high); ValueError when out of order."""
    value = settings.record_completeness
    low = value if settings.record_completeness_low is None else settings.record_completeness_low
    high = value if settings.record_completeness_high is None else settings.record_completeness_high
    if low > value or high < value:
        raise ValueError(
            f"settings: record_completeness_low {low:g} and record_completeness_high {high:g} "
            f"must hold record_completeness {value:g} between them"
        )
    return low, value, high


def _completeness_weight(shape: _RateShape, rng: np.random.Generator) -> float:
    """The gamma posterior's rate with a drawn record completeness c': every period's
    completeness scaled by c'/c (the record then watched c'/c times the years), at most
    the whole window."""
    low, value, high = shape.completeness
    drawn = float(_triangular(rng, np.array([low]), np.array([value]), np.array([high]))[0])
    if drawn == value:
        return shape.rate_weight
    observed = min(shape.observed_years * drawn / value, shape.observation_years)
    return shape.prior_weight + shape.record_weight * observed


def _gamma(rng: np.random.Generator, shape: FloatArray, rate: FloatArray) -> FloatArray:
    """Gamma(shape, rate) draws; 0 where the shape is 0 (nothing to draw)."""
    positive = (shape > 0.0) & (rate > 0.0)
    scale = np.divide(1.0, rate, out=np.ones_like(rate), where=rate > 0.0)
    drawn = rng.gamma(np.where(positive, shape, 1.0), scale)
    return np.asarray(np.where(positive, drawn, 0.0), dtype=np.float64)


def _triangular(
    rng: np.random.Generator, low: FloatArray, mode: FloatArray, high: FloatArray
) -> FloatArray:
    """Triangular draws from low through mode to high; the mode where low = high."""
    spread = high > low
    drawn = rng.triangular(
        np.where(spread, low, 0.0), np.where(spread, mode, 0.5), np.where(spread, high, 1.0)
    )
    return np.asarray(np.where(spread, drawn, mode), dtype=np.float64)


def _p_ranges(
    scenario: Scenario, p: FloatArray, system_ids: tuple[str, ...], weapons: tuple[str, ...]
) -> tuple[FloatArray, FloatArray]:
    """p_low and p_high per (system, class), each p where the sheet gives no range."""
    low, high = p.copy(), p.copy()
    rows = {(e.system_id, e.weapon): e for e in scenario.effectiveness}
    for s, system in enumerate(system_ids):
        for c, weapon in enumerate(weapons):
            row = rows.get((system, weapon))
            if row is None:
                continue
            if row.p_low is not None:
                low[s, c] = row.p_low
            if row.p_high is not None:
                high[s, c] = row.p_high
    return low, high
