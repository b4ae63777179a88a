"""The exact solve: heuristic start, then outer approximation until the bound meets it."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from typing import Protocol

import numpy as np

from defplan.model.backends import InstanceSolver, RunOptions, RunResult, loaded, runner
from defplan.model.backends import backend as chosen_backend
from defplan.model.backends.highs import IPM_ROWS
from defplan.model.formulation import Formulation, OutOfTimeError, formulate
from defplan.model.heuristic import Start, polish, starting_point
from defplan.model.instance import Instance, IntArray
from defplan.model.lagrangian import Prices, priceable
from defplan.model.relaxation import frank_wolfe, relaxation_bound
from defplan.model.solution import OPTIMALITY_TOLERANCE, Solution, relative_gap
from defplan.model.ties import CAP_SLACKS, TIE_UNPROVEN, capped_instance

#: Tangents are added where the model's t under-reads v·e^y by more than this (relative).
CUT_TOLERANCE = 1e-9
#: The backend is asked to close its own gap to this before the true gap is checked.
INNER_GAP = 1e-7


def solve(
    instance: Instance,
    *,
    backend: str = "highs",
    time_limit: float = 60.0,
    gap: float = 0.0,
    threads: int | None = None,
    seed: int = 0,
    start: IntArray | None = None,
    neighbourhoods: bool = True,
    max_nodes: int | None = None,
) -> Solution:
    """Place every unit where it removes the most risk, and prove it.

    The start (greedy, polished by a local search) is improved by cyclic and path
    exchanges and raced against one rounded from the continuous relaxation; when the
    outer approximation stops with the gap open, a large-neighbourhood search
    (:mod:`defplan.model.lns`) improves its incumbent in the time kept back.
    ``neighbourhoods=False`` leaves these out (the search's own re-solves use it).

    The residual is convex in each base's summed exponents, so chords and tangents
    of it, added where the model under-reads it (outer approximation [1]_), give an
    exact MILP at every integer allocation; the backend solves it, the true residual
    of its solution is checked, and cuts are added until the bound meets it.

    Parameters
    ----------
    instance : Instance
        From :func:`make_instance`.
    backend : str
        A registered backend (:func:`backend_names`): ``highs`` (the default, always
        installed), ``scip``, ``cbc`` or ``cp_sat`` (their pip extras).
    time_limit : float
        Seconds for the whole solve.
    gap : float
        Relative gap at which to stop (0: prove the optimum).
    threads : int, optional
        Threads the backend may use (its default when None).
    seed : int
        The backend's random seed (the same seed, the same answer).
    start : ndarray of shape (B, S), optional
        A feasible allocation to start from.
    neighbourhoods : bool
        Whether large instances get the improved starts and the neighbourhood search.
    max_nodes : int, optional
        Branch-and-bound nodes per backend run at most (HiGHS; the others ignore it):
        a work limit, the same on any machine, where a time limit is not (the
        neighbourhood search's re-solves use it, so a seed gives one search).

    Returns
    -------
    Solution
        ``optimal`` when the true objective of the allocation is within
        OPTIMALITY_TOLERANCE (or ``gap`` when larger: ``gap_limit``) of a proven
        bound, ``time_limit`` with the best allocation found and its gap when time
        runs out, and ``infeasible`` (x None) when no allocation satisfies the bounds.

    Raises
    ------
    ValueError
        For an unknown backend, or one that cannot take the instance;
        :class:`~defplan.model.backends.MissingBackendError` (a ValueError) naming
        the pip extra when the backend's package is not installed.

    References
    ----------
    .. [1] Duran, M.A. & Grossmann, I.E. (1986). An outer-approximation algorithm for
       a class of mixed-integer nonlinear programs. Mathematical Programming 36,
       307-339.

    Examples
    --------
    Two units of one system over three bases: one each on the two riskiest.

    >>> from defplan.model import make_instance
    >>> found = solve(make_instance([[5.0], [3.0], [1.0]], [[0.5]], [2]))
    >>> found.status, found.x.ravel().tolist(), found.objective, found.gap
    ('optimal', [1, 1, 0], 5.0, 0.0)
    """
    if chosen_backend(backend).solves == "instance":
        solve_own: InstanceSolver = loaded(backend)
        return solve_own(
            instance, time_limit=time_limit, gap=gap, threads=threads, seed=seed, start=start
        )
    began = time.perf_counter()
    deadline = began + time_limit
    run = runner(backend)
    searching = neighbourhoods and (instance.upper > 0).sum() >= SEARCH_CELLS
    first = starting_point(instance, start, deadline, local_search=not searching)
    greedy_value = first.greedy_value
    best_x, best_value = first.best_x, first.best_value
    if bounds_conflict(instance):
        return _infeasible(instance, backend, began, 0, greedy_value, None)
    worst_only = instance.weights[0] == 0.0
    typical = best_value if worst_only and best_x is not None else None
    # valid before any solve, so a run stopped in its first round still has a bound
    lower = instance.score(instance.residual_floor()) if instance.n_bases else -math.inf
    settings = _Settings(run, deadline, gap, threads, seed, max_nodes, yields=backend == "highs")
    if searching and best_x is not None and priceable(instance):
        # priced first: its bound may end the solve, and its prices narrow the model
        loop = _price_search_and_prove(instance, settings, best_x, best_value, lower)
        return _finish(instance, backend, began, first, loop, settings)
    try:
        formulation = formulate(instance, typical=typical, deadline=deadline)
        if best_x is not None:
            formulation.cut_at(best_x, deadline)
    except OutOfTimeError:
        formulation = None
    if formulation is None:
        loop = _Loop(best_x, best_value, lower, 0, BUILD_OUT_OF_TIME, None)
    elif formulation.model.n_cols == 0:
        # Nothing to decide: every site is fixed at zero and the residual is constant.
        best_x = np.zeros_like(instance.lower)
        if instance.violations(best_x):
            return _infeasible(instance, backend, began, 0, greedy_value, None)
        best_value = lower = instance.objective_of(best_x)
        loop = _Loop(best_x, best_value, lower, 0, "", None)
    elif searching and best_x is not None:
        loop = _search_and_prove(instance, formulation, settings, best_x, best_value, lower)
    else:
        loop = _outer_approximation(instance, formulation, settings, best_x, best_value, lower)
    return _finish(instance, backend, began, first, loop, settings)


def _finish(
    instance: Instance,
    backend: str,
    began: float,
    first: Start,
    loop: _Loop,
    settings: _Settings,
) -> Solution:
    """The solution of a solve's loop: the worst-case tie-break, the polish, the
    status from the gap."""
    deadline = settings.deadline
    target = max(settings.gap, OPTIMALITY_TOLERANCE)
    greedy_x, greedy_value = first.greedy_x, first.greedy_value
    if loop.best_x is None and loop.failed is not None:
        return _infeasible(instance, backend, began, loop.rounds, greedy_value, loop.failed)
    best_x, best_value, lower, rounds, message = (
        loop.best_x,
        loop.best_value,
        loop.lower,
        loop.rounds,
        loop.message,
    )
    if (
        best_x is not None
        and instance.weights[0] == 0.0
        and relative_gap(best_value, lower, instance.risk_size) <= OPTIMALITY_TOLERANCE
    ):
        best_x, tie_rounds, tie_message = _least_total_under(instance, best_x, lower, settings)
        rounds += tie_rounds
        message = "; ".join(m for m in (message, tie_message) if m)
    if best_x is not None:
        polished = polish(instance, best_x, deadline)
        if not instance.violations(polished):  # the local search knows no residual cap
            best_x = polished
        best_value = instance.objective_of(best_x)
    seconds = time.perf_counter() - began
    final_gap = relative_gap(best_value, lower, instance.risk_size)
    if final_gap <= OPTIMALITY_TOLERANCE:
        status: str = "optimal"
        lower = min(lower, best_value)
    elif final_gap <= target:
        status = "gap_limit"
    else:
        status = "time_limit"
    if best_x is None:
        return Solution(
            status="time_limit",
            x=None,
            objective=math.inf,
            bound=lower,
            backend=backend,
            seconds=seconds,
            iterations=rounds,
            greedy_x=greedy_x,
            greedy_objective=greedy_value,
            message=message or "no feasible allocation found within the time limit",
            risk_size=instance.risk_size,
        )
    return Solution(
        status=status,  # type: ignore[arg-type]
        x=best_x,
        objective=best_value,
        bound=lower,
        backend=backend,
        seconds=seconds,
        iterations=rounds,
        greedy_x=greedy_x,
        greedy_objective=greedy_value,
        message=message,
        risk_size=instance.risk_size,
    )


class Scored(Protocol):
    """What the outer approximation needs of a problem: a point instance or a sampled
    one (:class:`defplan.model.sampled.SampledInstance`)."""

    @property
    def risk_size(self) -> float: ...

    def violations(self, x: IntArray) -> list[str]: ...

    def objective_of(self, x: IntArray) -> float: ...


@dataclasses.dataclass(frozen=True)
class _Settings:
    run: Callable[..., RunResult]
    deadline: float
    gap: float
    threads: int | None
    seed: int
    max_nodes: int | None = None
    #: whether the backend's runs can stop early at a handover time (HiGHS: its gap
    #: seen from a callback, RunOptions.yield_after)
    yields: bool = False
    #: a perf_counter time after which a run whose gap is above HANDOVER_GAP stops
    handover: float | None = None


@dataclasses.dataclass(frozen=True)
class _Loop:
    best_x: IntArray | None
    best_value: float
    lower: float
    rounds: int
    message: str
    failed: RunResult | None  # the backend's answer when it found the model infeasible


def _outer_approximation(
    instance: Scored,
    formulation: Formulation,
    settings: _Settings,
    best_x: IntArray | None,
    best_value: float,
    lower: float,
    narrow: Callable[[IntArray], Formulation | None] | None = None,
) -> _Loop:
    """Solve, cut where the model under-reads the residual, repeat until the true
    objective of the best allocation meets the bound (or time or the backend stops).
    ``narrow``, given a better allocation, may return a smaller model for the next
    round (one that still holds every allocation better than it)."""
    target = max(settings.gap, OPTIMALITY_TOLERANCE)
    rounds = 0
    message = ""
    if best_x is not None and time.perf_counter() >= settings.deadline:
        return _Loop(best_x, best_value, lower, rounds, "", None)
    while True:
        rounds += 1
        left = settings.deadline - time.perf_counter()
        options = RunOptions(
            time_limit=max(left, 0.01),
            rel_gap=max(settings.gap, INNER_GAP),
            threads=settings.threads,
            seed=settings.seed,
            start=formulation.values_for(best_x) if best_x is not None else None,
            max_nodes=settings.max_nodes,
            yield_after=_yield_after(settings, best_value, lower, instance.risk_size),
            yield_gap=HANDOVER_GAP,
        )
        result = settings.run(formulation.model, options)
        if result.status == "infeasible" or (result.status == "error" and result.values is None):
            if best_x is None:
                return _Loop(None, best_value, lower, rounds, result.message, result)
            message = result.message
            break
        lower = max(lower, formulation.risk_of(result.bound))
        added = 0
        if result.values is not None:
            x = formulation.allocation(result.values)
            if not instance.violations(x):
                value = instance.objective_of(x)
                if value < best_value:
                    best_x, best_value = x, value
            added = formulation.add_tangents_at(result.values, CUT_TOLERANCE)
            if narrow is not None and best_x is x:
                smaller = narrow(x)
                if smaller is not None:
                    formulation, added = smaller, max(added, 1)
        if relative_gap(best_value, lower, instance.risk_size) <= target:
            break
        if result.status != "optimal" or time.perf_counter() >= settings.deadline:
            message = result.message
            break
        if added == 0:
            # The model is exact at its own solution yet the gap is open: the backend
            # stopped at its gap tolerance, so the bound cannot improve further here.
            message = "stopped at the backend's gap tolerance"
            break
    return _Loop(best_x, best_value, lower, rounds, message, None)


def _yield_after(settings: _Settings, best_value: float, lower: float, size: float) -> float | None:
    """Seconds into the next run after which it may stop for the search (None: it
    runs on): not once the outer approximation's own gap is within HANDOVER_GAP (a
    later round's MILP starts with no bound of its own, and would yield at once)."""
    if settings.handover is None or relative_gap(best_value, lower, size) <= HANDOVER_GAP:
        return None
    return max(settings.handover - time.perf_counter(), 0.0)


def _search_and_prove(
    instance: Instance,
    formulation: Formulation,
    settings: _Settings,
    best_x: IntArray,
    best_value: float,
    lower: float,
) -> _Loop:
    """The better of two starts (exchanges from the local search's; a start rounded
    from the continuous relaxation, completed and exchanged; both bounded by counts of
    work, not by the clock, so a solve that ends by proof ends with the same
    allocation on any machine), then the outer
    approximation from it; when that stops with the gap open, the neighbourhood
    search from its incumbent for the time kept back (each warm-starts the other)."""
    from defplan.model.lns import improved_starts

    # first, while time is sure to be left: the root LP of a large model may not end
    # in time, and the starts may take what is left; the continuous relaxation's bound,
    # however weak, is a bound
    left = settings.deadline - time.perf_counter()
    bounding = min(settings.deadline, time.perf_counter() + BOUND_SHARE * left)
    relaxed = relaxation_bound(instance, best_x.astype(np.float64), BOUND_STEPS, bounding)
    lower = max(lower, relaxed)
    for x in improved_starts(instance, best_x, deadline=settings.deadline):
        value = instance.objective_of(x)
        if value < best_value and not instance.violations(x):
            best_x, best_value = x, value
    formulation.cut_at(best_x)
    start = _Loop(best_x, best_value, lower, 0, "", None)
    return _prove_then_search(instance, formulation, settings, start)


def _prove_then_search(
    instance: Instance,
    formulation: Formulation,
    settings: _Settings,
    start: _Loop,
    narrow: Callable[[IntArray], Formulation | None] | None = None,
) -> _Loop:
    """The outer approximation from ``start``'s allocation and bound (``narrow`` as
    there); when it stops with the gap open, the neighbourhood search from its
    incumbent for the time kept back."""
    from defplan.model.lns import large_neighbourhood_search

    best_x, best_value, lower = start.best_x, start.best_value, start.lower
    left = settings.deadline - time.perf_counter()
    if settings.yields:
        # the whole time when the proof is near at the handover, else the search's share
        proving = dataclasses.replace(settings, handover=settings.deadline - SEARCH_SHARE * left)
    else:
        proving = dataclasses.replace(settings, deadline=settings.deadline - SEARCH_SHARE * left)
    loop = _outer_approximation(
        instance, formulation, proving, best_x, best_value, lower, narrow=narrow
    )
    target = max(settings.gap, OPTIMALITY_TOLERANCE)
    if (
        loop.best_x is None
        or loop.failed is not None
        or relative_gap(loop.best_value, loop.lower, instance.risk_size) <= target
    ):
        return loop
    found = large_neighbourhood_search(
        instance,
        loop.best_x,
        time_limit=settings.deadline - time.perf_counter(),
        seed=settings.seed,
        threads=1,
    )
    value = instance.objective_of(found.x)
    if value < loop.best_value and not instance.violations(found.x):
        return dataclasses.replace(loop, best_x=found.x, best_value=value)
    return loop


def _price_search_and_prove(
    instance: Instance,
    settings: _Settings,
    best_x: IntArray,
    best_value: float,
    lower: float,
) -> _Loop:
    """:func:`_search_and_prove` for an instance of few systems and classes: the
    bounds and starts of :func:`_priced_start`, whose bound ends the solve when it
    meets the incumbent; then the model of the instance narrowed by the prices'
    reduced costs (:class:`_Narrowing`), smaller and closer to exact, and its proof;
    or, where even the narrowed model is too large to solve, the neighbourhood search
    until the time limit (:func:`_search_until_the_limit`)."""
    priced, start = _priced_start(instance, settings, best_x, best_value, lower)
    best_x = start.best_x if start.best_x is not None else best_x
    target = max(settings.gap, OPTIMALITY_TOLERANCE)
    if relative_gap(start.best_value, start.lower, instance.risk_size) <= target:
        return start
    free = int((instance.upper > instance.lower).sum())
    narrow = _Narrowing(instance, priced, settings.deadline, free=2 * free)
    formulation = narrow(best_x)  # the first narrowing is always taken
    try:
        if formulation is None:
            formulation = formulate(instance, deadline=settings.deadline)
            formulation.cut_at(best_x, settings.deadline)
    except OutOfTimeError:
        return dataclasses.replace(start, message=PRICED_OUT_OF_TIME)
    if formulation.model.n_cols == 0:
        # no site may hold a unit (the narrowed bounds keep the incumbent, so it holds
        # none either): the incumbent is the only allocation left
        return dataclasses.replace(start, lower=max(start.lower, start.best_value))
    if formulation.model.n_rows > IPM_ROWS:
        # its root LP would be HiGHS's interior point, deaf to the clock
        return _search_until_the_limit(instance, settings, start)
    return _prove_then_search(instance, formulation, settings, start, narrow)


def _priced_start(
    instance: Instance,
    settings: _Settings,
    best_x: IntArray,
    best_value: float,
    lower: float,
) -> tuple[Prices | None, _Loop]:
    """The bounds before any model (the continuous relaxation's, then the Lagrangian
    bound by column generation, :mod:`defplan.model.columns`) and the best start: the
    prices' own, or the improved starts' when it is far from their bound. The prices
    (None when the column generation gave none) and the start with its bound."""
    from defplan.model.columns import column_bound, lagrangian_start
    from defplan.model.lns import improved_starts

    left = settings.deadline - time.perf_counter()
    # its steps are the column generation's first prices: their count, not a share of
    # the clock, decides them (5% of the clock cut them short under load and the
    # columns then took longer than their share)
    bounding = min(settings.deadline, time.perf_counter() + PRICED_BOUND_SHARE * left)
    relaxed, bound = frank_wolfe(instance, best_x.astype(np.float64), BOUND_STEPS, bounding)
    lower = max(lower, bound)
    left = settings.deadline - time.perf_counter()
    priced = column_bound(
        instance,
        best_x,
        min(settings.deadline, time.perf_counter() + PRICE_SHARE * left),
        relaxed=relaxed,
    )
    if priced is not None:
        lower = max(lower, priced.bound)
        suggested = lagrangian_start(instance, priced, settings.deadline)
        if suggested is not None and instance.objective_of(suggested) < best_value:
            best_x, best_value = suggested, instance.objective_of(suggested)
    # kept back for what ends the solve (the polish, the status): the starts look at
    # the clock only now and then
    working = settings.deadline - FINISH_SHARE * (settings.deadline - time.perf_counter())
    far = max(PRICED_START_GAP, settings.gap, OPTIMALITY_TOLERANCE)
    if relative_gap(best_value, lower, instance.risk_size) > far and (
        time.perf_counter() < working
    ):
        # the prices' own start is far from their bound: the other starts may do better
        for x in improved_starts(instance, best_x, deadline=working):
            value = instance.objective_of(x)
            if value < best_value and not instance.violations(x):
                best_x, best_value = x, value
    return priced, _Loop(best_x, best_value, lower, 0, "", None)


class _Narrowing:
    """The model of the instance narrowed by the prices' reduced costs around an
    allocation (:func:`~defplan.model.fixing.narrowed_bounds`), when it frees clearly
    fewer units than the last one did (:data:`NARROWER`); None otherwise, without
    prices, or out of time."""

    def __init__(
        self, instance: Instance, priced: Prices | None, deadline: float, free: int
    ) -> None:
        self.instance = instance
        self.priced = priced
        self.deadline = deadline
        #: units the last narrowed model freed (twice the instance's: the first is taken)
        self.free = free

    def __call__(self, x: IntArray) -> Formulation | None:
        from defplan.model.fixing import narrowed_bounds

        if self.priced is None or time.perf_counter() >= self.deadline:
            return None
        low, high = narrowed_bounds(self.instance, self.priced, x, self.deadline)
        if time.perf_counter() >= self.deadline:
            return None  # the narrowing ran out of time: the bounds are the instance's
        left = int((high > low).sum())
        if left > NARROWER * self.free:
            return None
        try:
            narrowed = dataclasses.replace(self.instance, lower=low, upper=high)
            formulation = formulate(narrowed, deadline=self.deadline)
            formulation.cut_at(x, self.deadline)
        except OutOfTimeError:
            return None
        self.free = left
        return formulation


def _search_until_the_limit(instance: Instance, settings: _Settings, start: _Loop) -> _Loop:
    """The neighbourhood search from ``start``'s allocation until the time limit (run
    again, seeded anew, when it ends by itself first), its best against ``start``'s
    bound: the answer where the model is too large to solve in time. Its exact
    re-solves only, without rounds of ruin and recreate: one round, deaf to the clock,
    took 6 to 15 s on the 5,000-base theater and ended the solve 9.5 s past its limit."""
    from defplan.model.lns import large_neighbourhood_search

    best_x, best_value = start.best_x, start.best_value
    seed = settings.seed
    while best_x is not None and time.perf_counter() < settings.deadline:
        found = large_neighbourhood_search(
            instance,
            best_x,
            time_limit=settings.deadline - time.perf_counter(),
            seed=seed,
            threads=1,
            max_rounds=0,
        )
        if found.objective < best_value and not instance.violations(found.x):
            best_x, best_value = found.x, found.objective
        if found.steps == 0 and found.rounds == 0 and found.exchanges == 0:
            break  # nothing the search may change
        seed += 1
    return dataclasses.replace(
        start, best_x=best_x, best_value=best_value, message=PRICED_TOO_LARGE
    )


#: Share of the time left that the Lagrangian bound's column generation may take, and
#: that the Frank-Wolfe steps before it may (a guard: 200 steps take 1.4-3 s on the
#: 5,000-base theater).
PRICE_SHARE = 0.6
PRICED_BOUND_SHARE = 0.25
#: The improved starts (:func:`~defplan.model.lns.improved_starts`) run only when the
#: start the prices suggest is farther than this from their bound: on the generated
#: 5,000-base theater it came within 0.024% where the starts took 44 s of 60 (and
#: found nothing better).
PRICED_START_GAP = 0.01
#: The note of a priced solve whose model, narrowed or not, was too large to solve in
#: time (past IPM_ROWS rows): the neighbourhood search then takes the time left.
PRICED_TOO_LARGE = (
    "the model (narrowed by the Lagrangian prices) is too large to solve in time: "
    "the neighbourhood search's best allocation at the time limit, against the bounds "
    "found before the model"
)
#: The note of a priced solve whose time limit ran out before its model was built.
PRICED_OUT_OF_TIME = (
    "the time limit ran out while the model was built: the best start found "
    "(the heuristic's, the prices' or an exchanged one)"
)
#: Share of the time left after the column generation that the stages before the
#: model (the improved starts) leave for the end of the solve: they look at the clock
#: only between steps (5,000 bases at 60 s: they ended 2.6 s past the limit when
#: they had it all).
FINISH_SHARE = 0.02
#: A better allocation found by the outer approximation narrows its model again when
#: the narrowed instance frees at most this share of the units the last one did.
NARROWER = 0.7

#: The note of a solve whose time limit ran out before its model was built.
BUILD_OUT_OF_TIME = "the time limit ran out while the model was built: the heuristic's plan"

#: Allocations with fewer cells that may hold a unit are left to the outer
#: approximation alone: it proves them at once (the example theater in 0.02 s), and the
#: improved starts and the search would only add time.
SEARCH_CELLS = 1_000
#: Frank-Wolfe steps for the continuous relaxation's bound on a large allocation, at
#: most, within this share of the time left before the starts (300x600 mu2: 200 steps,
#: 3 s on a busy machine, bound 62 where the root LP's is 111 and the best known 118.5;
#: the root LP itself takes a minute there). It is taken first: the starts may use up
#: the time (the 5,000-base theater had no bound but the residual floor).
BOUND_STEPS = 200
BOUND_SHARE = 0.05
#: Share of the time then left that is kept for the neighbourhood search, should the
#: outer approximation stop with the gap open (the search then also gets whatever the
#: outer approximation leaves). At 0.5 instead, on a busy machine at 60 s, 200x400 mu2
#: lost its MILP bound (gap 2.0% -> 49%, the root LP no longer ended) and neither it nor
#: 250x500 mu2 found a better allocation in the search's doubled time; 150x300 mu2 gains
#: most of its last 2% in the search's 0.2.
SEARCH_SHARE = 0.2
#: ... unless the backend's gap is already within this then (HiGHS only: it stops its
#: run at the handover from a callback when the gap is wider, and otherwise runs on to
#: the time limit): the 1,000-base theater was at 1.4e-5 with 80% of its time spent,
#: and the search took the rest from its proof.
HANDOVER_GAP = 1e-3


def _least_total_under(
    instance: Instance, x: IntArray, lower: float, settings: _Settings
) -> tuple[IntArray, int, str]:
    """Among allocations whose worst base keeps no more than x's (a proven optimum)
    with no more moves, one with the least summed residual (the worst-case
    tie-break, solved exactly: a second model minimises the sum with every base capped,
    :func:`~defplan.model.ties.capped_instance`).

    The cap gets a slack of :data:`CAP_SLACKS` (HiGHS's presolve may call a cap with
    almost no slack infeasible); an allocation is kept only when its worst base stays
    within the optimality tolerance of the proven bound ``lower``. Returns the
    allocation (``x`` when nothing better is found), the rounds used and a note when
    the tie-break is not proven.
    """
    total = float(instance.residual(x).sum())
    proven = x
    rounds = 0
    for slack in CAP_SLACKS:
        if time.perf_counter() >= settings.deadline:
            break
        capped = capped_instance(instance, proven, slack)
        try:
            # scaled by the cap, as the first stage was: each base's residual reads ≤ 1
            formulation = formulate(capped, typical=capped.residual_cap, deadline=settings.deadline)
            if formulation.model.n_cols == 0:
                return x, rounds, ""
            formulation.cut_at(x, settings.deadline)
        except OutOfTimeError:
            break
        floor = capped.score(capped.residual_floor())
        loop = _outer_approximation(
            capped, formulation, dataclasses.replace(settings, gap=0.0), x, total, floor
        )
        rounds += loop.rounds
        found = loop.best_x
        if found is None or relative_gap(
            instance.objective_of(found), lower, instance.risk_size
        ) > (OPTIMALITY_TOLERANCE):
            continue
        if relative_gap(loop.best_value, loop.lower, instance.risk_size) <= OPTIMALITY_TOLERANCE:
            return found, rounds, ""
        x, total = found, loop.best_value
    return x, rounds, TIE_UNPROVEN


def bounds_conflict(instance: Instance) -> bool:
    """No allocation exists: a site's lower bound above its upper, or the lower bounds
    of a system above its inventory (found before any model is built)."""
    return bool(
        (instance.lower > instance.upper).any()
        or (instance.lower.sum(axis=0) > instance.inventory).any()
    )


def _infeasible(
    instance: Instance,
    backend: str,
    began: float,
    rounds: int,
    greedy_value: float,
    result: RunResult | None,
) -> Solution:
    return Solution(
        status="infeasible",
        x=None,
        objective=math.inf,
        bound=math.inf,
        backend=backend,
        seconds=time.perf_counter() - began,
        iterations=rounds,
        greedy_x=None,
        greedy_objective=greedy_value,
        message=(result.message if result else "")
        or "no allocation satisfies the bounds, inventory and budget",
    )
