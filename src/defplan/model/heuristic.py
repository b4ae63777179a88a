"""Greedy marginal-gain allocation (what a planner does by hand) and a local search.

Greedy places one unit at a time where it lowers the objective most. The local
search then moves single units between sites while that helps; its result warm-starts
the exact solver. Both respect every bound, the inventory and the move budget, and
both score a trial change on the bases it touches only.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np

from defplan.model.instance import Coverage, FloatArray, Instance, IntArray, top_sum

#: Improvements smaller than this (relative) are treated as none, so loops end.
EPS = 1e-12
#: Sites tried per system and step by the local search, from each end of the ranking.
SHORTLIST = 8
#: Unit exchanges are searched when at most this many point units are placed.
SWAP_UNITS = 2_000
#: The best exchanges by summed change that are checked exactly, per round.
SWAP_CHECKS = 16

Change = tuple[int, int, int]  # (site, system, +1 or −1)


@dataclass
class State:
    """An allocation with its residuals kept current."""

    inst: Instance
    x: IntArray
    residual_bc: FloatArray
    residual: FloatArray
    score: float
    #: (B, C) Σ_s ln(1 − p[s, c]) · n[b, s]: the residuals are recomputed from it, not
    #: scaled step by step (a residual that underflowed to 0 could never come back)
    exponent_bc: FloatArray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))
    #: per base, (B, S): the drop in residual from one more unit of each system
    #: defending it, and the rise from one fewer; kept current by :meth:`apply`
    base_gain: FloatArray | None = None
    base_loss: FloatArray | None = None

    @classmethod
    def of(cls, inst: Instance, x: IntArray) -> State:
        exponent = inst.defending(x) @ inst.log_leak
        residual_bc = np.asarray(inst.value * np.exp(exponent), dtype=np.float64)
        residual = residual_bc.sum(axis=1)
        return cls(inst, x.copy(), residual_bc, residual, inst.score(residual), exponent)

    def _touched(self, changes: list[Change]) -> tuple[IntArray, FloatArray, FloatArray]:
        """The bases the changes reach, their exponents and residuals after them."""
        inst = self.inst
        parts = [inst.coverage[s].covered_by(h) for h, s, _ in changes]
        bases = np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64)
        exponent = self.exponent_bc[bases].copy()
        for (_h, s, delta), part in zip(changes, parts, strict=True):
            rows = np.searchsorted(bases, part)
            np.add.at(exponent, rows, delta * inst.log_leak[s])
        return bases, exponent, inst.value[bases] * np.exp(exponent)

    def score_after(self, changes: list[Change]) -> tuple[float, float]:
        """(objective, summed residual) if these unit changes were made; the sum breaks
        ties, so a worst-case plan still places spare units where they help."""
        inst = self.inst
        bases, _, rows = self._touched(changes)
        new = rows.sum(axis=1)
        total = float(self.residual.sum() - self.residual[bases].sum() + new.sum())
        if inst.objective == "expected":
            return total, total
        if inst.raids > 1:
            after = self.residual.copy()
            after[bases] = new
            worst = top_sum(after, inst.raids)
        else:
            keep = np.ones(inst.n_bases, dtype=bool)
            keep[bases] = False
            worst = max(float(self.residual[keep].max(initial=0.0)), float(new.max(initial=0.0)))
        if inst.objective != "blend":
            return worst, total
        return (1.0 - inst.blend_weight) * total + inst.blend_weight * worst, total

    def apply(self, changes: list[Change]) -> None:
        bases, exponent, rows = self._touched(changes)
        for h, s, delta in changes:
            self.x[h, s] += delta
        self.exponent_bc[bases] = exponent
        self.residual_bc[bases] = rows
        self.residual[bases] = rows.sum(axis=1)
        self.score = self.inst.score(self.residual)
        if self.base_gain is not None or self.base_loss is not None:
            # only the classes these bases keep some risk of (one each on weapon-target
            # instances, where the product over every class was most of a change's cost)
            used = np.flatnonzero(rows.any(axis=0))
            if self.base_gain is not None:
                self.base_gain[bases] = rows[:, used] @ self._gain_factor()[used]
            if self.base_loss is not None:
                self.base_loss[bases] = rows[:, used] @ self._loss_factor()[used]

    def _gain_factor(self) -> FloatArray:
        return np.asarray((1.0 - np.exp(self.inst.log_leak)).T, dtype=np.float64)

    def _loss_factor(self) -> FloatArray:
        return np.asarray((np.exp(-self.inst.log_leak) - 1.0).T, dtype=np.float64)

    def moves_ok(self, changes: list[Change]) -> bool:
        inst = self.inst
        if inst.max_moves is None or inst.current is None:
            return True
        return inst.moves(self.x) + self.added_moves(changes) <= inst.max_moves

    def added_moves(self, changes: list[Change]) -> int:
        """How many more units stand away from today's deployment after the changes
        (negative when units go back)."""
        current = self.inst.current
        if current is None:
            return 0
        delta: dict[tuple[int, int], int] = {}
        for h, s, d in changes:
            delta[h, s] = delta.get((h, s), 0) + d
        added = 0
        for (h, s), d in delta.items():
            away = int(current[h, s] - self.x[h, s])
            added += max(away - d, 0) - max(away, 0)
        return added

    def within_cap(self, changes: list[Change]) -> bool:
        """Whether the residual cap (when there is one) still holds after the changes."""
        inst = self.inst
        if inst.residual_cap is None:
            return True
        bases, _, rows = self._touched(changes)
        after = self.residual.copy()
        after[bases] = rows.sum(axis=1)
        return top_sum(after, inst.cap_raids) <= inst.residual_cap

    def gains(self, s: int) -> FloatArray:
        """Drop in summed residual from one more unit of system s at each site."""
        per_base = self.residual_bc @ (1.0 - np.exp(self.inst.log_leak[s]))
        return self.inst.coverage[s].spread(per_base, self.inst.n_bases)

    def all_gains(self) -> FloatArray:
        """:meth:`gains` of every system at once, (S, B): one matrix product."""
        if self.base_gain is None:
            self.base_gain = self.residual_bc @ self._gain_factor()
        return self._spread_all(self.base_gain)

    def all_losses(self) -> FloatArray:
        """:meth:`losses` of every system at once, (S, B)."""
        if self.base_loss is None:
            self.base_loss = self.residual_bc @ self._loss_factor()
        return self._spread_all(self.base_loss)

    def _spread_all(self, per_base: FloatArray) -> FloatArray:
        inst = self.inst
        if not inst.n_systems:
            return np.zeros((0, inst.n_bases))
        if all(_is_point(cover, inst.n_bases) for cover in inst.coverage):
            return np.ascontiguousarray(per_base.T)
        return np.stack(
            [cover.spread(per_base[:, s], inst.n_bases) for s, cover in enumerate(inst.coverage)]
        )

    def losses(self, s: int) -> FloatArray:
        """Rise in summed residual from one unit of system s fewer at each site."""
        per_base = self.residual_bc @ (np.exp(-self.inst.log_leak[s]) - 1.0)
        return self.inst.coverage[s].spread(per_base, self.inst.n_bases)

    def worst_cover(self, s: int) -> list[int]:
        """Sites whose unit of s would defend a base at the current worst residual."""
        if self.inst.objective == "expected":
            return []
        level = float(np.sort(self.residual)[::-1][min(self.inst.raids, self.residual.size) - 1])
        worst = np.flatnonzero(self.residual >= level - EPS)
        cover = self.inst.coverage[s]
        return sorted(set(cover.hosts[np.isin(cover.bases, worst)].tolist()))


def greedy(instance: Instance, deadline: float | None = None) -> IntArray | None:
    """Marginal-gain allocation from the lower bounds; None if the bounds are infeasible.

    What a planner does by hand: place one unit at a time where it removes the most
    risk. With a move budget, today's deployment is kept and the budget is spent on
    the single-unit relocations that help most, as a planner would.

    Parameters
    ----------
    instance : Instance
        From :func:`~defplan.model.make_instance`.
    deadline : float, optional
        A :func:`time.perf_counter` time at which to stop placing units (the
        allocation so far is feasible: it starts at the lower bounds).

    Returns
    -------
    ndarray of shape (B, S) or None
        Units per site and system.

    Examples
    --------
    >>> from defplan.model import make_instance
    >>> greedy(make_instance([[5.0], [3.0], [1.0]], [[0.5]], [2])).ravel().tolist()
    [1, 1, 0]
    """
    inst = instance
    if (inst.lower > inst.upper).any() or (inst.lower.sum(axis=0) > inst.inventory).any():
        return None
    if inst.current is not None and inst.max_moves is not None:
        start = _keep_current(inst)
        if start is None:
            return None
        return improve(inst, start, deadline=deadline)
    state = State.of(inst, inst.lower)
    fill(state, deadline)
    return state.x


def fill(state: State, deadline: float | None = None) -> None:
    """Place spare units one at a time where each lowers the objective most, while
    one does (greedy's step, from any allocation), or until ``deadline`` (a
    :func:`time.perf_counter` time)."""
    while _add_best(state):
        if deadline is not None and time.perf_counter() >= deadline:
            break


@dataclass(frozen=True)
class Start:
    """Greedy (the baseline every plan reports) and the best polished start found."""

    greedy_x: IntArray | None
    greedy_value: float
    best_x: IntArray | None
    best_value: float


def starting_point(
    instance: Instance,
    start: IntArray | None = None,
    deadline: float | None = None,
    local_search: bool = True,
) -> Start:
    """Greedy, then the local search from greedy and from a given start; the better.

    The local search stops at ``deadline`` (a :func:`time.perf_counter` time) with the
    best allocation it has: a solve's time limit covers it. ``local_search=False`` only
    places spare units (the caller improves the start by exchanges instead: on 300×600
    weapon-target instances the local search alone takes longer than a minute).
    """
    greedy_x = greedy(instance, deadline)
    greedy_value = instance.objective_of(greedy_x) if greedy_x is not None else math.inf
    best_x: IntArray | None = None
    best_value = math.inf
    for candidate in (start, greedy_x):
        if candidate is not None and not instance.violations(candidate):
            if deadline is not None and time.perf_counter() >= deadline:
                polished = candidate  # no time left to improve it (nor to score it twice)
            elif local_search:
                polished = improve(instance, candidate, deadline=deadline)
            else:
                state = State.of(instance, candidate)
                fill(state, deadline)
                polished = state.x
            if polished is not candidate and instance.violations(polished):
                polished = candidate  # a cap the local search does not know
            value = greedy_value if polished is greedy_x else instance.objective_of(polished)
            if value < best_value:
                best_x, best_value = polished, value
    return Start(greedy_x, greedy_value, best_x, best_value)


def improve(
    instance: Instance, x: IntArray, max_rounds: int = 100_000, deadline: float | None = None
) -> IntArray:
    """Add spare units and move single units between sites while the objective drops
    (and, when given, until ``deadline``, a :func:`time.perf_counter` time).

    Parameters
    ----------
    instance : Instance
        From :func:`~defplan.model.make_instance`.
    x : ndarray of shape (B, S)
        A feasible allocation to improve.
    max_rounds : int
        Most steps (each one addition, relocation or swap).
    deadline : float, optional
        A :func:`time.perf_counter` time at which to stop.

    Returns
    -------
    ndarray of shape (B, S)
        An allocation no single addition, relocation or swap improves.

    Examples
    --------
    >>> from defplan.model import make_instance
    >>> inst = make_instance([[5.0], [3.0], [1.0]], [[0.5]], [2])
    >>> improve(inst, np.array([[0], [0], [2]])).ravel().tolist()
    [1, 1, 0]
    """
    state = State.of(instance, x)
    for _ in range(max_rounds):
        if deadline is not None and time.perf_counter() >= deadline:
            break
        if _add_best(state):
            continue
        if _relocate_best(state):
            continue
        if not _swap_best(state):
            break
    return state.x


def improves(state: State, value: tuple[float, float]) -> bool:
    """Lower objective, or the same objective and a lower summed residual."""
    score, total = value
    tolerance = EPS * max(state.inst.risk_size, abs(state.score))
    if score < state.score - tolerance:
        return True
    current_total = float(state.residual.sum())
    return score <= state.score + tolerance and total < current_total - EPS * max(
        state.inst.risk_size, current_total
    )


def accepts(state: State, changes: list[Change]) -> bool:
    """Whether to make these changes: the residual cap holds after them, and the whole
    objective (the move cost included) drops, or stays and the summed residual drops.
    Bounds, inventory and the move budget are the caller's to check."""
    if not state.within_cap(changes):
        return False
    score, total = state.score_after(changes)
    inst = state.inst
    if inst.move_cost > 0.0:
        score += inst.move_cost * state.added_moves(changes)
    return improves(state, (score, total))


def _add_best(state: State) -> bool:
    """Place the unit that lowers the objective most; False when none helps."""
    inst = state.inst
    spare = inst.inventory - state.x.sum(axis=0)
    if not (spare > 0).any():
        return False
    all_gains = state.all_gains()
    if inst.objective == "expected":
        return _add_best_summed(state, spare, all_gains)
    best: tuple[tuple[float, float], int, int] | None = None
    for s in np.flatnonzero(spare > 0).tolist():
        gains = all_gains[s]
        open_sites = np.flatnonzero(state.x[:, s] < inst.upper[:, s])
        if not open_sites.size:
            continue
        top = int(open_sites[np.argmax(gains[open_sites])])
        for h in dict.fromkeys([top, *state.worst_cover(s)]):
            if state.x[h, s] >= inst.upper[h, s] or not state.moves_ok([(h, s, 1)]):
                continue
            value = state.score_after([(h, s, 1)])
            if best is None or value < best[0]:
                best = (value, h, s)
    if best is None or not improves(state, best[0]):
        return False
    state.apply([(best[1], best[2], 1)])
    return True


def _add_best_summed(state: State, spare: IntArray, all_gains: FloatArray) -> bool:
    """:func:`_add_best` for the summed objective, where a unit's gain is exactly the
    drop in objective: the best system's best open site (the first of ties), skipping
    a system whose best site the move budget forbids."""
    inst = state.inst
    gains = np.where((state.x < inst.upper).T & (spare > 0)[:, None], all_gains, -np.inf)
    while True:
        flat = int(np.argmax(gains))
        s, h = divmod(flat, gains.shape[1])
        if not np.isfinite(gains[s, h]):
            return False
        if state.moves_ok([(h, s, 1)]):
            break
        gains[s] = -np.inf
    if not improves(state, state.score_after([(h, s, 1)])):
        return False
    state.apply([(h, s, 1)])
    return True


def _relocate_best(state: State) -> bool:
    """Make the single-unit move between two sites that helps most; False if none."""
    inst = state.inst
    best: tuple[tuple[float, float], int, int, int] | None = None
    for s in range(inst.n_systems):
        removable = np.flatnonzero(state.x[:, s] > inst.lower[:, s])
        open_sites = np.flatnonzero(state.x[:, s] < inst.upper[:, s])
        if not removable.size or not open_sites.size:
            continue
        losses = state.losses(s)
        gains = state.gains(s)
        sources = removable[np.argsort(losses[removable], kind="stable")][:SHORTLIST]
        targets = open_sites[np.argsort(-gains[open_sites], kind="stable")][:SHORTLIST]
        for h_from in sources.tolist():
            for h_to in dict.fromkeys([*targets.tolist(), *state.worst_cover(s)]):
                if h_to == h_from or state.x[h_to, s] >= inst.upper[h_to, s]:
                    continue
                changes = [(h_from, s, -1), (h_to, s, 1)]
                if not state.moves_ok(changes):
                    continue
                value = state.score_after(changes)
                if best is None or value < best[0]:
                    best = (value, h_from, h_to, s)
    if best is None or not improves(state, best[0]):
        return False
    _, h_from, h_to, s = best
    state.apply([(h_from, s, -1), (h_to, s, 1)])
    return True


def polish(instance: Instance, x: IntArray, deadline: float | None = None) -> IntArray:
    """An allocation with x's objective or better that no obvious one dominates.

    Under ``worst_case`` many allocations share the optimal worst residual; the
    local search (which breaks ties by the summed residual, until ``deadline``, a
    :func:`time.perf_counter` time) moves spare and idle units to where they lower
    the total. Then :func:`fewer_moves` undoes moves that buy nothing.
    """
    if instance.weights[0] == 0.0:
        improved = improve(instance, x, deadline=deadline)
        # the local search scores residuals only: with a move cost, a move it makes to
        # lower the total can cost more than it buys, so it is kept only where it does not
        before = instance.objective_of(x)
        if instance.objective_of(improved) <= before + 1e-12 * max(instance.risk_size, before):
            x = improved
    return fewer_moves(instance, x)


def fewer_moves(instance: Instance, x: IntArray) -> IntArray:
    """Among allocations as good as x, one closer to today's deployment.

    Moves a unit back from a site that gained units to one that lost them whenever
    neither the objective nor the summed residual rises (ties among optima are
    common: two sites under the same area umbrella). A planner should not be told to
    move a unit for nothing, nor be handed a plan another as good dominates.
    """
    inst = instance
    if inst.current is None:
        return x
    state = State.of(inst, x)
    target = state.score
    slack = 1e-12 * max(inst.risk_size, abs(target))
    while True:
        for s in range(inst.n_systems):
            changes = _move_back(state, s, target + slack)
            if changes:
                state.apply(changes)
                break
        else:
            return state.x


def _move_back(state: State, s: int, most: float) -> list[Change] | None:
    """The first unit of s that can go back to where it stood without the objective
    passing ``most`` or the summed residual rising; None if there is none.

    Only pairs that could keep the sum are scored exactly: where the two sites defend
    no base in common, the change in the sum is the loss at one plus the gain at the
    other, known for every pair at once.
    """
    inst = state.inst
    assert inst.current is not None
    gained = np.flatnonzero(state.x[:, s] > np.maximum(inst.current[:, s], inst.lower[:, s]))
    lost = np.flatnonzero(state.x[:, s] < np.minimum(inst.current[:, s], inst.upper[:, s]))
    if not lost.size:
        return None
    total = float(state.residual.sum())
    total_slack = 1e-12 * max(inst.risk_size, total)
    if int(state.x[:, s].sum()) < int(inst.inventory[s]):
        # a unit taken to the pool for nothing (where no unit removes any risk, the
        # solver may leave it unplaced) goes back where it stands today
        for h in lost.tolist():
            changes = [(int(h), s, 1)]
            score, after = state.score_after(changes)
            if score <= most and after <= total + total_slack:
                return changes
    if not gained.size:
        return None
    additive = state.losses(s)[gained][:, None] - state.gains(s)[lost][None, :]
    cover = inst.coverage[s]
    shared = np.zeros((gained.size, lost.size), dtype=bool)
    giving: dict[int, list[int]] = {}
    for row, h in enumerate(gained.tolist()):
        for b in cover.covered_by(h).tolist():
            giving.setdefault(b, []).append(row)
    for col, h in enumerate(lost.tolist()):
        for b in cover.covered_by(h).tolist():
            shared[giving.get(b, []), col] = True
    for i, j in zip(*np.nonzero(shared | (additive <= total_slack)), strict=True):
        changes = [(int(gained[i]), s, -1), (int(lost[j]), s, 1)]
        score, after = state.score_after(changes)
        if score <= most and after <= total + total_slack:
            return changes
    return None


def _is_point(cover: Coverage, n_bases: int) -> bool:
    """A system whose unit defends the base it stands on and no other."""
    return cover.hosts.size == n_bases and bool((cover.hosts == cover.bases).all())


def _point_systems(inst: Instance) -> list[int]:
    return [s for s, cover in enumerate(inst.coverage) if _is_point(cover, inst.n_bases)]


def _swap_best(state: State) -> bool:
    """Exchange the sites of two units of different point systems, if that helps.

    Greedy is often a local optimum for single relocations (it is on weapon-target
    assignment); exchanges escape it. The summed change of every pair of units is one
    matrix product; the best few are checked exactly against the bounds, the move
    budget and the objective.
    """
    inst = state.inst
    point = _point_systems(inst)
    if len(point) < 2:
        return False
    hosts_list, systems_list = [], []
    for s in point:
        h = np.flatnonzero(state.x[:, s] > 0)
        hosts_list.append(np.repeat(h, state.x[h, s]))
        systems_list.append(np.full(int(state.x[h, s].sum()), s))
    hosts = np.concatenate(hosts_list)
    systems = np.concatenate(systems_list)
    if hosts.size < 2 or hosts.size > SWAP_UNITS:
        return False
    leak = np.exp(inst.log_leak)  # (S, C)
    # (K, C): each unit's site without it, from the exponents (a residual that
    # underflowed to 0 divided by the leak would stay 0)
    without = inst.value[hosts] * np.exp(state.exponent_bc[hosts] - inst.log_leak[systems])
    # after[k, l]: residual at unit k's site once its unit is replaced by unit l's system
    after = without @ leak[systems].T
    here = state.residual[hosts]
    delta = (after - here[:, None]) + (after - here[:, None]).T
    invalid = (hosts[:, None] == hosts[None, :]) | (systems[:, None] == systems[None, :])
    delta[invalid] = np.inf
    order = np.argsort(delta, axis=None, kind="stable")[:SWAP_CHECKS]
    for flat in order.tolist():
        k, l_ = divmod(flat, hosts.size)
        if not np.isfinite(delta[k, l_]) or delta[k, l_] >= 0.0:
            break
        h1, s1, h2, s2 = int(hosts[k]), int(systems[k]), int(hosts[l_]), int(systems[l_])
        if (
            state.x[h1, s1] - 1 < inst.lower[h1, s1]
            or state.x[h2, s2] - 1 < inst.lower[h2, s2]
            or state.x[h1, s2] + 1 > inst.upper[h1, s2]
            or state.x[h2, s1] + 1 > inst.upper[h2, s1]
        ):
            continue
        changes = [(h1, s1, -1), (h2, s1, 1), (h2, s2, -1), (h1, s2, 1)]
        if state.moves_ok(changes) and improves(state, state.score_after(changes)):
            state.apply(changes)
            return True
    return False


def _keep_current(inst: Instance) -> IntArray | None:
    """Today's deployment pulled inside the bounds and inventory, if the budget allows."""
    assert inst.current is not None
    x = np.clip(inst.current, inst.lower, inst.upper)
    for s in range(inst.n_systems):
        while x[:, s].sum() > inst.inventory[s]:
            extra = np.flatnonzero(x[:, s] > inst.lower[:, s])
            if not extra.size:
                return None
            x[int(extra[-1]), s] -= 1
    if (x.sum(axis=0) > inst.inventory).any() or inst.violations(x):
        return None
    return x
