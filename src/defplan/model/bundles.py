"""Re-solve every site at once over bundles: which units each site holds, as one choice.

Where every system defends its own site alone (point coverage) and the objective is
the summed residual, the residual of a site depends on that site's units only. A
*bundle* is one way to fill a site (a count per system); its cost is exact, the
site's residual (plus the move cost of the units it sends away), so choosing one
bundle per site under the inventory (and the move budget) is a linear model with no
approximation: a set-partitioning model with knapsack rows.

With every bundle this is the whole problem; here each site's bundles are built from
its *promising* systems only (:func:`~defplan.model.candidates.promising_cells`: the
systems it holds, and those of largest gain there or for which it is among the best
sites), at most :data:`MAX_UNITS` units each, and the one it holds. The allocation in
hand is one of the answers (its bundles are always among them), so the answer is never
worse. On the public weapon-target instances at μ = 3 a good allocation differs from a
local optimum of ruin and recreate by a chain of 20 to 30 units across as many sites
and systems, some sites going from one unit to two: out of reach of rounds that move at
most one unit per site, and of exact re-solves of a few dozen whole sites, but within
this model (every site, a few systems each).
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from functools import cache

import numpy as np

from defplan.model.backends import RunOptions, runner
from defplan.model.candidates import promising_cells
from defplan.model.formulation import OutOfTimeError, check_deadline
from defplan.model.heuristic import State
from defplan.model.instance import Instance, IntArray
from defplan.model.linear import LinearModel

#: Units a bundle holds at most (a site that holds more now keeps that bundle too). On
#: the public weapon-target instances at mu = 3 no site of a good allocation holds 3,
#: and 3 found the same optima as 2 in 5 times the time (250x500, 44,000 columns
#: against 14,500 at 6 systems a site).
MAX_UNITS = 2
#: Branch-and-bound nodes a bundle re-solve explores at most: a work limit, so that its
#: answer is the same on any machine whenever the clock does not cut it. On the public
#: weapon-target instances (150x300 to 300x600, 8 to 16 systems a site, from the
#: greedy start and on) every bundle model was proven at its root node.
BUNDLE_NODES = 1_000


@dataclass(frozen=True)
class BundleRun:
    """What a bundle re-solve kept, and the model's answer as the backend gave it."""

    x: IntArray  # feasible, no worse than the start (the start itself if nothing better)
    answer: IntArray | None  # the allocation of the bundles chosen, unchecked (None: none)
    model_objective: float  # the model's objective of ``answer`` (nan without one)
    cut: bool  # the clock stopped the model's build or its run


def applies(instance: Instance) -> bool:
    """Whether the bundle model is exact for this instance: point systems, the summed
    residual, and no residual cap (a move budget and a move cost are linear in it)."""
    return (
        instance.all_point
        and instance.objective == "expected"
        and instance.residual_cap is None
        and instance.n_bases > 0
        and instance.n_systems > 0
    )


def bundle_resolve(
    instance: Instance,
    x: IntArray,
    *,
    per_site: int = 3,
    per_system: int = 3,
    time_limit: float = 10.0,
    seed: int = 0,
    threads: int | None = 1,
    max_nodes: int | None = BUNDLE_NODES,
    backend: str = "highs",
    max_units: int = MAX_UNITS,
) -> BundleRun:
    """The best allocation whose sites each hold a bundle of their promising systems.

    Parameters
    ----------
    instance : Instance
        One for which :func:`applies` holds (else ``x`` comes back unchanged).
    x : array (B, S) of int
        A feasible allocation: the start, and always one of the answers.
    per_site, per_system : int
        Promising systems per site and sites per system
        (:func:`~defplan.model.candidates.promising_cells`).
    max_units : int
        Units a bundle holds at most (a site keeps the bundle it holds in any case).
    time_limit : float
        Seconds for the model's build and run; when the build is not done by then,
        nothing is solved.
    seed, threads, max_nodes, backend :
        For the backend's run (:class:`~defplan.model.backends.RunOptions`); the node
        limit (:data:`BUNDLE_NODES`) bounds its work, so that the answer is the same on
        any machine unless the time limit cuts it.

    Returns
    -------
    BundleRun
        ``x``: feasible, and no worse than ``x`` (``x`` itself when nothing better is
        found); ``cut``: whether the time limit stopped the build or the run (else the
        answer is the same on any machine).

    Examples
    --------
    Two units of one system on the riskiest site each, where one unit of each of two
    systems fits better:

    >>> from defplan.model import make_instance
    >>> inst = make_instance([[3.0, 0.0], [0.0, 2.0]], [[0.5, 0.9], [0.9, 0.5]], [1, 1])
    >>> bundle_resolve(inst, np.array([[1, 0], [0, 1]])).x.tolist()
    [[0, 1], [1, 0]]
    """
    if not applies(instance):
        return BundleRun(x, None, math.nan, False)
    deadline = time.perf_counter() + time_limit
    state = State.of(instance, x)
    cells = promising_cells(state, per_site, per_system)
    try:
        model, site_of, counts, systems = _bundle_model(instance, x, cells, max_units, deadline)
    except OutOfTimeError:
        return BundleRun(x, None, math.nan, True)
    start = np.zeros(model.n_cols)
    start[_current_columns(x, site_of, counts, systems)] = 1.0
    result = runner(backend)(
        model,
        RunOptions(
            time_limit=max(deadline - time.perf_counter(), 0.01),
            rel_gap=1e-9,
            threads=threads,
            seed=seed,
            start=start,
            max_nodes=max_nodes,
        ),
    )
    # the node limit, like the clock, ends a run as "time_limit": the clock it is
    # when the deadline has passed
    cut = result.status != "optimal" and time.perf_counter() >= deadline
    if result.values is None:
        return BundleRun(x, None, math.nan, cut)
    found = np.zeros_like(x)
    for column in np.flatnonzero(result.values > 0.5):
        found[site_of[column], systems[column]] += counts[column]
    better = not instance.violations(found) and (
        instance.objective_of(found) < instance.objective_of(x)
    )
    return BundleRun(found if better else x, found, result.objective, cut)


@cache
def _patterns(m: int, most: int) -> np.ndarray:
    """Every count vector over m systems with at most ``most`` units in all, (P, m)."""
    if m == 0:
        return np.zeros((1, 0), dtype=np.int64)  # the empty bundle
    rows = [
        np.bincount(np.asarray(combo, dtype=np.int64), minlength=m)
        for size in range(most + 1)
        for combo in itertools.combinations_with_replacement(range(m), size)
    ]
    return np.asarray(rows, dtype=np.int64).reshape(-1, m)


def _bundle_model(
    instance: Instance, x: IntArray, cells: np.ndarray, max_units: int, deadline: float
) -> tuple[LinearModel, IntArray, list[IntArray], list[IntArray]]:
    """The model, and per column its site, its counts and their systems;
    :class:`OutOfTimeError` once the clock passes ``deadline`` (the build of every
    site's bundles takes seconds on the large weapon-target instances)."""
    model = LinearModel()
    site_of: list[int] = []
    counts: list[IntArray] = []
    systems: list[IntArray] = []
    system_rows: list[list[int]] = [[] for _ in range(instance.n_systems)]
    system_values: list[list[float]] = [[] for _ in range(instance.n_systems)]
    move_index: list[int] = []
    move_value: list[float] = []
    for b in range(instance.n_bases):
        check_deadline(deadline)
        here = np.flatnonzero(cells[b] | (x[b] > 0))
        held = x[b, here]
        bundles = _patterns(here.size, max_units)
        bundles = np.unique(np.vstack([bundles, held[None, :]]), axis=0)
        fits = ((bundles >= instance.lower[b, here]) & (bundles <= instance.upper[b, here])).all(
            axis=1
        )
        bundles = bundles[fits]
        classes = np.flatnonzero(instance.value[b] > 0.0)
        exponent = bundles @ instance.log_leak[np.ix_(here, classes)]
        cost = np.exp(exponent) @ instance.value[b, classes]
        moves = np.zeros(len(bundles))
        if instance.current is not None:
            away = instance.current[b].copy()
            away[here] = 0  # the systems outside the bundle's lose all their units
            moves = np.maximum(instance.current[b, here] - bundles, 0).sum(axis=1) + away.sum()
            cost = cost + instance.move_cost * moves
        columns = [
            model.add_col(f"b{b}_{k}", 0.0, 1.0, float(c), integer=True) for k, c in enumerate(cost)
        ]
        model.add_row(f"site{b}", columns, [1.0] * len(columns), 1.0, 1.0)
        for column, bundle, move in zip(columns, bundles, moves, strict=True):
            used = np.flatnonzero(bundle)
            site_of.append(b)
            counts.append(bundle[used])
            systems.append(here[used])
            for s, n in zip(here[used].tolist(), bundle[used].tolist(), strict=True):
                system_rows[s].append(column)
                system_values[s].append(float(n))
            if move:
                move_index.append(column)
                move_value.append(float(move))
    for s in range(instance.n_systems):
        model.add_row(
            f"inventory{s}",
            system_rows[s],
            system_values[s],
            -math.inf,
            float(instance.inventory[s]),
        )
    if instance.max_moves is not None and instance.current is not None:
        model.add_row("moves", move_index, move_value, -math.inf, float(instance.max_moves))
    return model, np.asarray(site_of, dtype=np.int64), counts, systems


def _current_columns(
    x: IntArray, site_of: IntArray, counts: list[IntArray], systems: list[IntArray]
) -> list[int]:
    """The column of each site's present bundle."""
    found = []
    for column, (b, n, s) in enumerate(zip(site_of.tolist(), counts, systems, strict=True)):
        row = np.zeros(x.shape[1], dtype=np.int64)
        row[s] = n
        if np.array_equal(row, x[b]):
            found.append(column)
    return found
