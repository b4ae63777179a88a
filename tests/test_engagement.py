"""The Monte Carlo engagement simulator against the analytic expected leakers.

Seeded, so deterministic. Each test compares m means at once, so each interval is
taken at 1 − 0.01/m (Bonferroni): the analytic means lie inside all of them with
probability at least 99% before the seed is fixed."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from defplan.model.engagement import play, simulate, summarise
from defplan.model.raids import Raids, Salvo, expected_leakers, make_raids, salvo_distribution

RAIDS = 20_000


def inside(simulated: np.ndarray, analytic: np.ndarray, comparisons: int) -> None:
    """Every analytic mean within the simulator's joint 99% interval."""
    z = NormalDist().inv_cdf(1.0 - 0.005 / comparisons)
    mean = simulated.mean(axis=-1)
    half = z * simulated.std(axis=-1, ddof=1) / math.sqrt(simulated.shape[-1])
    assert (np.abs(mean - analytic) <= half + 1e-12).all(), (mean, analytic, half)


def random_raids(rng: np.random.Generator, n_classes: int, n_systems: int) -> Raids:
    salvos = [
        salvo_distribution(float(rng.uniform(1.0, 8.0)), float(rng.choice([0.8, 3.0, 50.0])))
        for _ in range(n_classes)
    ]
    capacity = rng.choice([1.0, 2.0, 4.0, math.inf], size=n_systems)
    return make_raids(salvos, capacity)


def test_the_analytic_mean_lies_in_the_simulators_interval_on_random_postures() -> None:
    rng = np.random.default_rng(2026)
    n_bases, n_classes, n_systems = 6, 3, 3
    for _ in range(4):
        spec = random_raids(rng, n_classes, n_systems)
        p = rng.uniform(0.0, 0.95, (n_systems, n_classes))
        p[rng.random(p.shape) < 0.3] = 0.0
        defending = rng.integers(0, 3, (n_bases, n_systems)).astype(np.float64)
        analytic = expected_leakers(defending, p, spec)  # (B, C)
        for c in range(n_classes):
            share = np.zeros((n_bases, n_classes))
            share[:, c] = 1.0
            leakers = simulate(defending, p, spec, share, RAIDS, seed=int(rng.integers(1000)))
            inside(leakers, analytic[:, c], 4 * n_classes * n_bases)


def test_a_mixed_raid_stream_has_the_rate_weighted_mean() -> None:
    rng = np.random.default_rng(7)
    spec = random_raids(rng, 2, 2)
    p = np.array([[0.5, 0.3], [0.0, 0.8]])
    defending = np.array([[1.0, 1.0], [2.0, 0.0], [0.0, 0.0]])
    share = np.array([[1.0, 3.0], [2.0, 2.0], [0.0, 1.0]])
    analytic = (expected_leakers(defending, p, spec) * share).sum(axis=1) / share.sum(axis=1)
    inside(simulate(defending, p, spec, share, RAIDS, seed=3), analytic, 3)


def test_a_salvo_saturates_a_unit_with_two_channels() -> None:
    """Ten rounds against a unit that kills what it engages but engages two: eight leak,
    every raid; with unlimited channels none do."""
    ten = Salvo(np.eye(10)[9])
    rng = np.random.default_rng(0)
    limited = play(np.array([1]), np.array([1.0]), np.array([2.0]), ten, 50, rng)
    unlimited = play(np.array([1]), np.array([1.0]), np.array([math.inf]), ten, 50, rng)
    assert (limited == 8).all() and (unlimited == 0).all()


def test_the_same_seed_gives_the_same_raids() -> None:
    spec = make_raids([salvo_distribution(4.0, 2.0)], [2.0])
    args = (np.array([[1.0], [2.0]]), np.array([[0.6]]), spec, np.ones((2, 1)), 500)
    assert np.array_equal(simulate(*args, seed=5), simulate(*args, seed=5))
    summary = summarise(simulate(*args, seed=5))
    assert summary[0].p5 <= summary[0].p50 <= summary[0].p95
    assert summary[0].low <= summary[0].mean <= summary[0].high


def test_a_base_without_raids_has_no_leakers() -> None:
    spec = make_raids([Salvo.single()], [1.0])
    out = simulate(np.zeros((1, 1)), np.array([[0.5]]), spec, np.zeros((1, 1)), 10)
    assert out.tolist() == [[0] * 10]


def test_the_analytic_mean_with_reloads_lies_in_the_simulators_interval() -> None:
    """Reload times of 0, 1,000 and 4,000 hours against raid rates of 0.5 to 8 a year
    (a raid finds a magazine refilling with probability 0.06 to 0.97): the analytic
    expectation over the reload states against the simulator, seeded."""
    rng = np.random.default_rng(18)
    n_bases, n_classes, n_systems = 5, 2, 3
    rate = np.array([0.5, 1.0, 2.0, 4.0, 8.0])
    for _ in range(3):
        spec = random_raids(rng, n_classes, n_systems)
        spec = make_raids(spec.salvo, spec.capacity, [0.0, 1_000.0, 4_000.0], rate)
        p = rng.uniform(0.2, 0.95, (n_systems, n_classes))
        defending = rng.integers(0, 3, (n_bases, n_systems)).astype(np.float64)
        analytic = expected_leakers(defending, p, spec)
        for c in range(n_classes):
            share = np.zeros((n_bases, n_classes))
            share[:, c] = rate
            leakers = simulate(defending, p, spec, share, RAIDS, seed=int(rng.integers(1000)))
            inside(leakers, analytic[:, c], 3 * n_classes * n_bases)
