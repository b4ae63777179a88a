"""The priced path's stages keep to the solve's time limit: each one entered with its
deadline passed skips its work (no wall-clock is measured: the deadlines are in the
past, or a counting clock passes them)."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pytest

import defplan.model.columns as columns
import defplan.model.exchange as exchange
import defplan.model.fixing as fixing
import defplan.model.lns as lns
import defplan.model.outer_approximation as oa
from defplan.model import Instance, greedy, make_instance, solve
from defplan.model.backends import runner
from defplan.model.heuristic import State

PAST = -math.inf


def _theater(bases: int = 12, systems: int = 2, seed: int = 3) -> Instance:
    """A small instance of the summed residual that the prices take."""
    rng = np.random.default_rng(seed)
    value = rng.uniform(1.0, 10.0, size=(bases, 2))
    p = rng.uniform(0.2, 0.7, size=(systems, 2))
    return make_instance(value, p, [bases // 3] * systems)


def _start(inst: Instance) -> np.ndarray:
    x = greedy(inst)
    assert x is not None and not inst.violations(x)
    return x


def test_the_column_generation_entered_past_its_deadline_sets_up_nothing() -> None:
    inst = _theater()
    assert columns.column_bound(inst, _start(inst), math.inf) is not None
    assert columns.column_bound(inst, _start(inst), PAST) is None


def test_the_priced_start_entered_past_its_deadline_is_none() -> None:
    inst = _theater()
    priced = columns.column_bound(inst, _start(inst), math.inf)
    assert priced is not None and priced.allocation is not None
    assert columns.lagrangian_start(inst, priced, PAST) is None


def test_the_narrowing_past_its_deadline_keeps_the_instance_bounds() -> None:
    inst = make_instance([[4.0], [1.0]], [[0.5]], [1])
    x = np.array([[1], [0]])
    priced = columns.column_bound(inst, x, math.inf)
    assert priced is not None
    low, high = fixing.narrowed_bounds(inst, priced, x)
    assert (high < inst.upper).any()  # in time, it narrows
    low, high = fixing.narrowed_bounds(inst, priced, x, PAST)
    assert (low == inst.lower).all() and (high == inst.upper).all()


class _CountingClock:
    """A clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        self.now += 1.0
        return self.now


def test_an_exchange_pass_looks_at_the_clock_within_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inst = _theater(bases=30, systems=3)
    x = np.zeros_like(inst.lower)
    x[:3] = inst.inventory[None, :] // 3  # every unit on the first bases
    assert exchange.cyclic_exchange(State.of(inst, x)) > 0
    graph = exchange.improvement_graph(State.of(inst, x))
    assert graph is not None
    assert exchange.negative_cycles(State.of(inst, x), graph)
    assert exchange.negative_cycles(State.of(inst, x), graph, PAST) == []
    # the pass begins in time (first reading), the clock has passed by the next one
    monkeypatch.setattr(exchange, "time", _CountingClock())
    assert exchange.cyclic_exchange(State.of(inst, x), deadline=1.5) == 0


def test_a_priced_solve_out_of_time_skips_the_starts_and_the_narrowing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a stage ran after the time limit")

    monkeypatch.setattr(oa, "SEARCH_CELLS", 1)
    monkeypatch.setattr(lns, "improved_starts", never)
    monkeypatch.setattr(fixing, "narrowed_bounds", never)
    inst = _theater()
    found = solve(inst, time_limit=0.0)
    assert found.status == "time_limit"
    assert found.x is not None and inst.violations(found.x) == []


def test_the_search_for_a_model_too_large_runs_until_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the narrowed model is too large to solve, the neighbourhood search is
    run again, seeded anew, each time it ends by itself before the time limit."""
    inst = _theater()
    x = _start(inst)
    seeds: list[int] = []

    def search(instance: Instance, start: np.ndarray, **kwargs: int) -> lns.SearchResult:
        seeds.append(kwargs["seed"])
        steps = 0 if len(seeds) == 3 else 5  # the third finds nothing it may change
        return lns.SearchResult(start, instance.objective_of(start), steps, 0, 0)

    monkeypatch.setattr(lns, "large_neighbourhood_search", search)
    settings = oa._Settings(runner("highs"), time.perf_counter() + 3600.0, 0.0, None, 4)
    start = oa._Loop(x, inst.objective_of(x), 0.0, 0, "", None)
    found = oa._search_until_the_limit(inst, settings, start)
    assert seeds == [4, 5, 6]
    assert found.message == oa.PRICED_TOO_LARGE
    seeds.clear()
    late = oa._Settings(runner("highs"), PAST, 0.0, None, 4)
    assert oa._search_until_the_limit(inst, late, start).best_x is x
    assert seeds == []


def test_a_solve_too_large_to_model_is_stopped_by_its_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without prices (the column generation gave none) and with a model past the
    interior-point size, the answer is the search's at the time limit, said so."""
    runs: list[float] = []
    search = lns.large_neighbourhood_search

    def counted(instance: Instance, start: np.ndarray, **kwargs: Any) -> lns.SearchResult:
        runs.append(kwargs["time_limit"])
        return search(instance, start, **kwargs)

    monkeypatch.setattr(oa, "SEARCH_CELLS", 1)
    monkeypatch.setattr(oa, "IPM_ROWS", 0)
    monkeypatch.setattr(columns, "column_bound", lambda *a, **k: None)
    monkeypatch.setattr(lns, "large_neighbourhood_search", counted)
    inst = _theater(bases=30, systems=3)
    found = solve(inst, time_limit=2.0)
    assert runs and found.message == oa.PRICED_TOO_LARGE
    assert found.status == "time_limit"
    assert found.x is not None and inst.violations(found.x) == []
    assert found.bound <= found.objective
