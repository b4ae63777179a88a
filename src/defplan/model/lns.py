"""Large-neighbourhood search: free a few sites, re-solve them exactly, keep gains.

Each step frees the units of a neighbourhood of sites, chosen in turn

* by coverage overlap: a site, then the sites that defend a base in common with it
  or hold units of the same systems (they trade those units), worst-off first;
* by residual: sites drawn with probability in proportion to the residual risk of
  the bases they defend;
* at random;

and solves the allocation of those sites exactly (the outer-approximation MILP of
:mod:`defplan.model.outer_approximation`, on a restricted instance: the units elsewhere stay put,
their effect folded into the risks, the inventory and the move budget) starting
from where the units stand. An allocation that lowers the objective is kept. Between
steps, cyclic and path exchanges (:mod:`defplan.model.exchange`) polish the
allocation, and rounds of ruin and recreate (:mod:`defplan.model.reassign`: many
units freed at once and put back by one linear assignment) run before each step (a
step is taken only when they stall), and on until the time limit once the steps stop
finding gains. Where systems defend their own site alone and the residual is summed,
the first re-solves are of every site at once over bundles of its promising systems
(:mod:`defplan.model.bundles`, :data:`BUNDLE_GROWTH`). The neighbourhood grows
while its re-solves are proven within their work limit (:data:`STEP_NODES`) and
shrinks when they are not (Shaw 1998; Pisinger & Ropke 2010 for the adaptive scheme).

The search works on any :class:`~defplan.model.instance.Instance`: point and area
coverage, bounds and rules, a move budget, a residual cap, and every objective (the
restricted objective reads the same function on the bases the freed sites reach; a
step is judged on the whole instance). It never returns an allocation worse than its
start, and for a seed it is deterministic unless the time limit cuts it short (as
:attr:`SearchResult.timed_out` says): its work is bounded by counts, not by the clock
(the bundle re-solves too: :data:`~defplan.model.bundles.BUNDLE_NODES`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import numpy as np

from defplan.model.bundles import BUNDLE_NODES, applies, bundle_resolve
from defplan.model.exchange import cyclic_exchange
from defplan.model.heuristic import State, accepts, fill
from defplan.model.instance import Coverage, Instance, IntArray, make_instance
from defplan.model.reassign import Reassigner
from defplan.model.relaxation import relaxed_allocation

#: Sites freed by the first neighbourhood, and the range it adapts within.
FIRST_SIZE = 12
SIZE_RANGE = (4, 120)
#: A restricted re-solve's backend runs explore at most this many branch-and-bound
#: nodes each: a work limit, so the search is the same on a slow or busy machine (a
#: limit in seconds made each step's outcome, and the neighbourhood size that adapts
#: to it, depend on the machine).
STEP_NODES = 1_000
#: Frank-Wolfe steps on the continuous relaxation for a rounded start: as many as
#: touch this many (base, class) exponents in all, within RELAXATION_STEPS (100 on
#: 100x200 weapon-target instances: 7 s where 1,000 took 87 s on a busy machine, and
#: its rounded start exchanged to 14.614 against 14.633).
RELAXATION_WORK = 4_000_000
RELAXATION_STEPS = (20, 1_000)
#: Passes of cyclic and path exchanges for a start, at most (each pass makes at least
#: one exchange; on the public weapon-target instances they stop by themselves after
#: 10 or so).
EXCHANGE_PASSES = 100
#: Rounds of ruin and recreate for the improved start: they go on while the last
#: START_PATIENCE found a better allocation, START_MOST at most. On the public
#: weapon-target instances they reach the best known allocations at mu = 1 and mu = 2
#: up to 250x500 within 30 s from the exchanged start. Only where every system
#: defends its own site alone (their rounds are exact there): on the generated theater
#: of 1,000 bases (area coverage) 40 rounds found nothing in 9 s.
START_PATIENCE = 12
START_MOST = 100
#: Promising systems per site and sites per system in the bundle re-solve of every site
#: (:mod:`defplan.model.bundles`) that ends the improved start, where it applies. On
#: the public weapon-target instances, from the start after ruin and recreate (1.4 to
#: 3.9% above the best known at mu = 3 from 150x300 to 300x600, 0.1 and 0.8% at 200x400
#: and 300x600 mu = 2), at load 5: 6 within 0.1% on five of the six (250x500 mu3
#: +0.15%), 8 on all six (+0.074% at most; 300x600 mu3 -0.032%) in 4 to 14 s.
BUNDLE_CELLS = 8
#: Promising systems per site and sites per system of the search's bundle re-solves,
#: in turn: each is re-solved from the allocation in hand while it improves it, then
#: the next (larger) one; the start's re-solve took BUNDLE_CELLS.
BUNDLE_GROWTH = (12, 16)
#: The exact re-solves stop after this many neighbourhoods in a row without a gain.
PATIENCE = 8
#: Rounds of ruin and recreate between two exact re-solves.
ROUNDS = 20
#: Once the re-solves have stopped, the search stops after this many rounds of ruin
#: and recreate in a row without a gain (it runs until the time limit otherwise).
QUIET_ROUNDS = 400

Kind = Callable[["_Search"], np.ndarray]


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """The allocation found, its objective, and how the search went."""

    x: IntArray
    objective: float
    steps: int  # neighbourhoods re-solved
    improvements: int  # of which improved the allocation
    exchanges: int  # cyclic and path exchanges made
    rounds: int = 0  # rounds of ruin and recreate (:mod:`defplan.model.reassign`)
    reassigned: int = 0  # of which improved the allocation
    #: the time limit stopped the search (else its counts did, and ``x`` is the same
    #: for the seed on any machine)
    timed_out: bool = False


def large_neighbourhood_search(
    instance: Instance,
    x: IntArray,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    backend: str = "highs",
    threads: int | None = 1,
    max_steps: int | None = None,
    max_rounds: int | None = None,
) -> SearchResult:
    """Improve a feasible allocation by exact re-solves of neighbourhoods of sites.

    Parameters
    ----------
    instance : Instance
        Any allocation instance.
    x : array (B, S) of int
        A feasible allocation (:meth:`Instance.violations` empty); the start.
    time_limit : float
        Seconds for the whole search.
    seed : int
        Seeds the choice of neighbourhoods.
    backend, threads :
        The MILP backend and its threads for the restricted re-solves.
    max_steps : int, optional
        Neighbourhoods to re-solve at most (default: until PATIENCE in a row fail).
    max_rounds : int, optional
        Rounds of ruin and recreate at most (default: until the time limit, or
        QUIET_ROUNDS in a row without a gain once the re-solves have stopped).

    Returns
    -------
    SearchResult
        ``x`` is feasible and its objective is no worse than the start's.

    Raises
    ------
    ValueError
        If ``x`` is not a feasible allocation of ``instance``.

    References
    ----------
    Shaw, P. (1998). Using constraint programming and local search methods to solve
    vehicle routing problems. CP 1998, LNCS 1520, 417-431.
    Ahuja, R. K., Kumar, A., Jha, K. C. & Orlin, J. B. (2007). Exact and heuristic
    algorithms for the weapon-target assignment problem. Operations Research 55(6).

    Examples
    --------
    >>> from defplan.model import make_instance, greedy
    >>> inst = make_instance([[3.0, 0.0], [0.0, 2.0]], [[0.5, 0.9], [0.9, 0.5]], [1, 1])
    >>> found = large_neighbourhood_search(inst, greedy(inst), time_limit=5)
    >>> found.x.tolist(), round(found.objective, 3)
    ([[0, 1], [1, 0]], 0.5)
    """
    problems = instance.violations(x)
    if problems:
        raise ValueError("the start is not feasible: " + "; ".join(problems))
    search = _Search(instance, x, seed, backend, threads, time.perf_counter() + time_limit)
    search.exchanges += cyclic_exchange(search.state, deadline=search.deadline)
    kinds: tuple[Kind, ...] = (_by_overlap, _by_system, _by_residual, _at_random)
    failures = 0 if search.sites.size else PATIENCE  # no site may host a unit
    recreate = Reassigner(search.state, np.random.default_rng([seed, 1]))
    rounds = quiet = 0
    bundles = list(BUNDLE_GROWTH) if applies(instance) else []
    timed_out = True
    while not search.out_of_time():
        solving = failures < PATIENCE and (max_steps is None or search.steps < max_steps)
        rounds_left = ROUNDS if max_rounds is None else min(ROUNDS, max_rounds - rounds)
        if not solving and (rounds_left <= 0 or quiet >= QUIET_ROUNDS or not search.sites.size):
            timed_out = False
            break
        gained = 0
        if rounds_left > 0 and search.sites.size:
            before = recreate.rounds
            gained = recreate.run(rounds_left, search.deadline)
            rounds += recreate.rounds - before
            quiet = 0 if gained else quiet + recreate.rounds - before
        if solving and not gained and bundles:  # every site at once, over bundles
            if not search.bundle_step(bundles[0]):
                bundles.pop(0)  # the next takes more systems per site
        elif solving and not gained:  # an exact re-solve when the rounds stall
            kind = kinds[search.steps % len(kinds)]
            if search.step(kind(search)):
                failures = 0
                search.exchanges += cyclic_exchange(search.state, deadline=search.deadline)
            else:
                failures += 1
    state = search.state
    found, value = state.x.copy(), instance.objective_of(state.x)
    if value > instance.objective_of(x) or instance.violations(found):  # never worse
        found, value = x.copy(), instance.objective_of(x)
    return SearchResult(
        found,
        value,
        search.steps,
        search.improved,
        search.exchanges,
        rounds,
        recreate.improved,
        timed_out,
    )


def improved_starts(
    instance: Instance, x: IntArray, deadline: float = float("inf"), seed: int = 0
) -> list[IntArray]:
    """Starts for the exact solve, each feasible and no worse than ``x``: ``x``
    after cyclic and path exchanges; for the summed objective without a move budget or
    cap, the continuous relaxation's allocation rounded down, completed greedily and
    exchanged (:mod:`defplan.model.relaxation`); and, where every system defends its
    own site alone, the better of those after rounds of ruin and recreate
    (:mod:`defplan.model.reassign`, seeded by ``seed``) while they find gains
    (:data:`START_PATIENCE`, :data:`START_MOST`). Where the bundle model of every
    site is exact (:mod:`defplan.model.bundles`, :data:`BUNDLE_CELLS`) and there are
    at least as many units as sites that may host one, ``x`` is first re-solved in it,
    and the best start again when the others moved it (with fewer units most sites
    hold one at most, and the rounds, which move one unit per site, reach what it
    does: it only took 5 s from the proof of 200x400 mu1, at load 9).

    The work is bounded by counts (:data:`EXCHANGE_PASSES`, :func:`relaxation_steps`,
    :data:`START_MOST`, :data:`~defplan.model.bundles.BUNDLE_NODES` nodes of the
    bundle model), so the starts are the same on any machine when ``deadline`` (a
    :func:`time.perf_counter` time, the solve's time limit) does not cut them; when it
    does, they are what was found by then (a bundle model whose build it cuts is not
    solved)."""
    bundled = applies(instance) and instance.inventory.sum() >= _active_sites(instance).size
    if bundled and time.perf_counter() < deadline:
        # first: from any start it lands near the best the others reach, in seconds
        # (they then begin from there, and end sooner)
        x = _bundle_start(instance, x, deadline, seed)
    first = x
    state = State.of(instance, x)
    cyclic_exchange(state, max_passes=EXCHANGE_PASSES, deadline=deadline)
    starts = [state.x]
    plain = instance.max_moves is None and instance.residual_cap is None
    if instance.objective == "expected" and plain and time.perf_counter() < deadline:
        relaxed = relaxed_allocation(
            instance,
            x.astype(np.float64),
            iterations=relaxation_steps(instance),
            time_limit=max(deadline - time.perf_counter(), 0.0),
        )
        rounded = State.of(instance, np.floor(relaxed + 1e-9).astype(np.int64))
        fill(rounded)
        cyclic_exchange(rounded, max_passes=EXCHANGE_PASSES, deadline=deadline)
        if not instance.violations(rounded.x):
            starts.append(rounded.x)
    if instance.all_point and time.perf_counter() < deadline:
        best = State.of(instance, min(starts, key=instance.objective_of))
        before = best.score
        search = Reassigner(best, np.random.default_rng([seed, 2]))
        search.run(START_PATIENCE, deadline)
        while (
            search.rounds - search.last_gain < START_PATIENCE
            and search.rounds < START_MOST
            and time.perf_counter() < deadline
        ):
            search.run(START_PATIENCE, deadline)
        if best.score < before and not instance.violations(best.x):
            starts.append(best.x)
    best_x = min(starts, key=instance.objective_of)
    if bundled and time.perf_counter() < deadline and not np.array_equal(best_x, first):
        found = _bundle_start(instance, best_x, deadline, seed)
        if found is not best_x:
            starts.append(found)
    return starts


def _bundle_start(instance: Instance, x: IntArray, deadline: float, seed: int) -> IntArray:
    """x after the bundle re-solve of every site (x itself when it finds nothing)."""
    return bundle_resolve(
        instance,
        x,
        per_site=BUNDLE_CELLS,
        per_system=BUNDLE_CELLS,
        time_limit=deadline - time.perf_counter(),
        seed=seed,
        max_nodes=BUNDLE_NODES,
    ).x


def relaxation_steps(instance: Instance) -> int:
    """Frank-Wolfe steps for the rounded start, from the instance's size."""
    low, high = RELAXATION_STEPS
    return int(np.clip(RELAXATION_WORK // max(instance.value.size, 1), low, high))


class _Search:
    """The state of one search: the allocation, the random stream, the step size."""

    def __init__(
        self,
        instance: Instance,
        x: IntArray,
        seed: int,
        backend: str,
        threads: int | None,
        deadline: float,
    ) -> None:
        self.state = State.of(instance, x)
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.backend = backend
        self.threads = threads
        self.deadline = deadline
        self.size = FIRST_SIZE
        self.steps = 0
        self.improved = 0
        self.exchanges = 0
        self.sites = _active_sites(instance)

    def out_of_time(self) -> bool:
        return time.perf_counter() >= self.deadline

    def bundle_step(self, cells: int) -> bool:
        """Re-solve every site over bundles of ``cells`` promising systems each
        (:mod:`defplan.model.bundles`); True when the allocation improved."""
        self.steps += 1
        x = self.state.x
        found = bundle_resolve(
            self.state.inst,
            x,
            per_site=cells,
            per_system=cells,
            time_limit=self.deadline - time.perf_counter(),
            seed=self.seed,
            threads=self.threads,
            max_nodes=BUNDLE_NODES,
            backend=self.backend,
        ).x
        if found is x:
            return False
        rows, columns = np.nonzero(found - x)
        self.state.apply(
            [
                (int(h), int(s), int(found[h, s] - x[h, s]))
                for h, s in zip(rows, columns, strict=True)
            ]
        )
        self.improved += 1
        return True

    def step(self, free: np.ndarray) -> bool:
        """Re-solve the free cells (B, S bool) exactly; True when the allocation improved."""
        from defplan.model.outer_approximation import solve  # solve uses this module

        self.steps += 1
        inst = self.state.inst
        sub, keep = restrict(inst, self.state.x, free)
        left = self.deadline - time.perf_counter()
        found = solve(
            sub,
            backend=self.backend,
            time_limit=max(left, 0.05),
            threads=self.threads,
            seed=self.seed,
            start=np.where(free[keep], self.state.x[keep], 0),  # the fixed cells host none
            neighbourhoods=False,
            max_nodes=STEP_NODES,
        )
        proven = found.status == "optimal"
        low, high = SIZE_RANGE
        self.size = min(self.size + 2, high) if proven else max(self.size * 2 // 3, low)
        if found.x is None:
            return False
        changes = [
            (int(keep[i]), int(s), int(d))
            for i, s in zip(*np.nonzero(found.x - self.state.x[keep]), strict=True)
            for d in (int(found.x[i, s] - self.state.x[keep[i], s]),)
        ]
        if not changes:
            return False
        trial = self.state.x.copy()
        for h, s, d in changes:
            trial[h, s] += d
        if inst.violations(trial) or not accepts(self.state, changes):
            return False
        self.state.apply(changes)
        self.improved += 1
        return True


def _active_sites(inst: Instance) -> IntArray:
    """Sites that may host a unit of some system (the only ones worth freeing)."""
    return np.flatnonzero((inst.upper > 0).any(axis=1)).astype(np.int64)


def _site_weights(search: _Search) -> np.ndarray:
    """Per active site: the residual of the bases its units could defend."""
    state = search.state
    inst = state.inst
    weight = np.zeros(inst.n_bases)
    for cover in inst.coverage:
        weight = np.maximum(weight, cover.spread(state.residual, inst.n_bases))
    return weight[search.sites]


def _rows(search: _Search, sites: IntArray) -> np.ndarray:
    """The cells of every system at these sites."""
    free = np.zeros(search.state.x.shape, dtype=bool)
    free[sites] = True
    return free


def _at_random(search: _Search) -> np.ndarray:
    sites = search.sites
    count = min(search.size, sites.size)
    return _rows(search, search.rng.choice(sites, size=count, replace=False))


def _by_residual(search: _Search) -> np.ndarray:
    sites = search.sites
    count = min(search.size, sites.size)
    weight = _site_weights(search) + 1e-300
    return _rows(
        search, search.rng.choice(sites, size=count, replace=False, p=weight / weight.sum())
    )


def _by_overlap(search: _Search) -> np.ndarray:
    """A random site, then the sites most related to it: those defending a base in
    common with it, then those holding units of the systems it holds (they trade
    units with it), worst-off first, with a little noise so steps differ."""
    state = search.state
    inst = state.inst
    sites = search.sites
    count = min(search.size, sites.size)
    seed_site = int(search.rng.choice(sites))
    related = np.zeros(inst.n_bases)
    for s, cover in enumerate(inst.coverage):
        shared = np.zeros(inst.n_bases)
        shared[cover.covered_by(seed_site)] = 1.0
        related += cover.spread(shared, inst.n_bases) * (inst.upper[:, s] > 0)
    systems_here = (state.x[seed_site] > 0) | (inst.upper[seed_site] > 0)
    trades = (state.x[:, systems_here] > 0).sum(axis=1)
    weight = _site_weights(search)
    noise = search.rng.random(sites.size)
    score = related[sites] * 1e6 + trades[sites] * 1e3 + weight / max(weight.max(), 1e-300)
    order = np.argsort(-score * (0.5 + noise), kind="stable")
    return _rows(search, np.append(sites[order[: count - 1]], seed_site))


def _by_system(search: _Search) -> np.ndarray:
    """A few systems, free at the sites that hold them and at the worst-off sites
    they could defend (where there are many systems, as in weapon-target assignment,
    units trade across sites system by system)."""
    state = search.state
    inst = state.inst
    count = min(max(2, search.size // 4), inst.n_systems)
    systems = search.rng.choice(inst.n_systems, size=count, replace=False)
    free = np.zeros(state.x.shape, dtype=bool)
    holding = (state.x[:, systems] > 0).any(axis=1)
    weight = _site_weights(search)
    worst = search.sites[np.argsort(-weight, kind="stable")[: search.size]]
    free[np.ix_(np.flatnonzero(holding), systems)] = True
    free[np.ix_(worst, systems)] = True
    return free


def restrict(inst: Instance, x: IntArray, free: np.ndarray) -> tuple[Instance, IntArray]:
    """The instance of the free cells ``free`` (B, S bool) with every other unit where
    ``x`` has it.

    Its bases are the sites with a free cell and every base those cells defend
    (``keep``, sorted; row i of the restricted instance is site ``keep[i]``). The
    fixed units' protection is folded into the bases' risks, their units out of the
    inventory and their moves out of the budget; cells that are not free host
    nothing. For the expected objective, the restricted objective plus what the other
    bases keep is the objective of the whole allocation; for the others it is the same
    function read on the kept bases.
    """
    free = free & (inst.upper > 0)
    touched = [np.flatnonzero(free.any(axis=1))]
    for s, cover in enumerate(inst.coverage):
        hosts = np.flatnonzero(free[:, s])
        if hosts.size:
            touched.append(cover.bases[np.isin(cover.hosts, hosts)])
    keep = np.unique(np.concatenate(touched))
    fixed = np.where(free, 0, x)
    fixed_exponent = inst.defending(fixed)[keep] @ inst.log_leak
    value = inst.value[keep] * np.exp(fixed_exponent)
    classes = np.flatnonzero(value.sum(axis=0) > 0.0)
    if not classes.size:
        classes = np.arange(min(1, inst.n_classes))
    kept_free = free[keep]
    current = None
    max_moves = None
    if inst.current is not None:
        current = np.where(kept_free, inst.current[keep], 0)
        if inst.max_moves is not None:
            max_moves = inst.max_moves - inst.moves(np.where(free, inst.current, x))
    sub = make_instance(
        value[:, classes],
        inst.p[:, classes],
        inst.inventory - fixed.sum(axis=0),
        coverage=tuple(
            _restricted_coverage(cover, keep, free[:, s]) for s, cover in enumerate(inst.coverage)
        ),
        lower=np.where(kept_free, inst.lower[keep], 0),
        upper=np.where(kept_free, inst.upper[keep], 0),
        current=current,
        max_moves=max_moves,
        objective=inst.objective,
        blend_weight=inst.blend_weight,
        move_cost=inst.move_cost,
    )
    if inst.residual_cap is not None:
        sub = dataclasses.replace(sub, residual_cap=inst.residual_cap, cap_raids=inst.cap_raids)
    return sub, keep


def _restricted_coverage(cover: Coverage, keep: IntArray, free_hosts: np.ndarray) -> Coverage:
    """The pairs of ``cover`` whose host is free, renumbered into ``keep``."""
    mask = free_hosts[cover.hosts]
    hosts = np.searchsorted(keep, cover.hosts[mask])
    bases = np.searchsorted(keep, cover.bases[mask])
    return Coverage(hosts.astype(np.int64), bases.astype(np.int64))
