"""An allocation instance on plain arrays, and the exact residual-risk model.

Nothing here knows about workbooks or risk tables: other tools import this module
alone. Sites that may host units and bases that are defended are the same index
set (``n_bases``); a system defends the bases its ``coverage`` pairs list.

    residual[b] = Σ_c value[b, c] × Π_s (1 − p[s, c]) ^ n[b, s]
    n[b, s]     = Σ over coverage pairs (h, b) of system s of x[h, s]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from defplan.model.raids import Raids

#: "expected", "worst_case", "blend", or "attacker:k": an attacker who sees the posture
#: and spends k raids on the k bases where they do most damage (the objective is the
#: sum of the k largest residuals; "attacker:1" is "worst_case"). See :func:`raids_of`.
Objective = str
OBJECTIVES: tuple[str, ...] = ("expected", "worst_case", "blend")
ATTACKER = "attacker"

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: 1 − p is floored here so that p = 1 stays finite in the logarithm (a leak of 1e-12).
MIN_LEAK = 1e-12
#: Sites :meth:`Instance.violations` names one by one before it counts the rest.
VIOLATIONS_SHOWN = 5


def _grouped(keys: IntArray, values: IntArray, n_keys: int) -> tuple[IntArray, IntArray]:
    """``values`` ordered by key (stable), and per key k < n_keys where its run starts:
    its values are ``ordered[ptr[k] : ptr[k + 1]]``."""
    order = np.argsort(keys, kind="stable")
    ptr = np.searchsorted(keys[order], np.arange(n_keys + 1), side="left")
    return values[order], ptr.astype(np.int64)


@dataclass(frozen=True, eq=False)
class Coverage:
    """Which hosts' units of one system defend which bases: parallel index arrays.

    A unit hosted at ``hosts[i]`` defends ``bases[i]``. Build one with
    :meth:`point` (a unit defends its own site), :meth:`within` (every base within
    range) or :meth:`from_pairs`.

    Examples
    --------
    >>> Coverage.from_pairs([(0, 1), (0, 0), (1, 1)]).covered_by(0).tolist()
    [0, 1]
    """

    hosts: IntArray
    bases: IntArray
    _by_host: IntArray = field(init=False, repr=False)  # bases, ordered by host
    _host_ptr: IntArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n_hosts = int(self.hosts.max()) + 1 if self.hosts.size else 0
        by_host, ptr = _grouped(self.hosts, self.bases, n_hosts)
        object.__setattr__(self, "_by_host", by_host)
        object.__setattr__(self, "_host_ptr", ptr)

    @classmethod
    def point(cls, n_bases: int) -> Coverage:
        """A point system defends only the base it stands on."""
        index = np.arange(n_bases, dtype=np.int64)
        return cls(index, index.copy())

    @classmethod
    def from_pairs(cls, pairs: list[tuple[int, int]]) -> Coverage:
        ordered = sorted(set(pairs))
        hosts = np.array([h for h, _ in ordered], dtype=np.int64)
        bases = np.array([b for _, b in ordered], dtype=np.int64)
        return cls(hosts, bases)

    @classmethod
    def within(cls, distance_km: FloatArray | Iterable[FloatArray], range_km: float) -> Coverage:
        """An area system's coverage: a unit defends every base within ``range_km`` of
        its host, and always the base it stands on.

        Parameters
        ----------
        distance_km : ndarray of shape (B, B), or an iterable of its row blocks
            Distance from each host (row) to each base (column), in km. Consecutive
            blocks of rows (top first) keep a large theater's memory flat.
        range_km : float
            The system's range, in km; a base at exactly this distance is covered.

        Returns
        -------
        Coverage
            The (host, base) pairs, sorted.

        Examples
        --------
        >>> km = np.array([[0.0, 30.0, 90.0], [30.0, 0.0, 60.0], [90.0, 60.0, 0.0]])
        >>> area = Coverage.within(km, 60.0)
        >>> area.covered_by(0).tolist(), area.covered_by(2).tolist()
        ([0, 1], [1, 2])
        >>> Coverage.within([km[:2], km[2:]], 60.0).bases.tolist() == area.bases.tolist()
        True
        """
        blocks = [distance_km] if isinstance(distance_km, np.ndarray) else distance_km
        hosts: list[IntArray] = []
        bases: list[IntArray] = []
        n = 0
        for block in blocks:
            h, b = np.nonzero(np.asarray(block) <= range_km)
            hosts.append(h + n)
            bases.append(b)
            n += len(block)
        same = np.arange(n)
        all_hosts = np.concatenate([*hosts, same]).astype(np.int64)
        all_bases = np.concatenate([*bases, same]).astype(np.int64)
        keys = np.unique(all_hosts * n + all_bases)
        return cls(keys // n, keys % n)

    def counts(self, units: NDArray[np.floating] | IntArray, n_bases: int) -> FloatArray:
        """Units defending each base, given units per host."""
        weights = np.asarray(units, dtype=np.float64)[self.hosts]
        return np.bincount(self.bases, weights=weights, minlength=n_bases).astype(np.float64)

    def spread(self, per_base: FloatArray, n_hosts: int) -> FloatArray:
        """Sum over the bases each host covers (the transpose of ``counts``)."""
        counted = np.bincount(self.hosts, weights=per_base[self.bases], minlength=n_hosts)
        return counted.astype(np.float64)

    def hosts_by_base(self, n_bases: int) -> list[IntArray]:
        """For each base, the sites whose units defend it (the transpose of
        :meth:`covered_by`).

        >>> Coverage.from_pairs([(0, 1), (1, 1), (2, 0)]).hosts_by_base(2)[1].tolist()
        [0, 1]
        """
        ordered, ptr = _grouped(self.bases, self.hosts, n_bases)
        return [ordered[ptr[b] : ptr[b + 1]] for b in range(n_bases)]

    def covered_by(self, host: int) -> IntArray:
        """The bases a unit at this host defends."""
        if host + 1 >= len(self._host_ptr):
            return self._by_host[:0]
        return self._by_host[self._host_ptr[host] : self._host_ptr[host + 1]]


@dataclass(frozen=True, eq=False)
class Instance:
    """Everything the solver needs, as arrays. Build with :func:`make_instance`.

    Examples
    --------
    >>> inst = make_instance([[2.0], [1.0]], [[0.5]], [1], objective="worst_case")
    >>> inst.weights, inst.objective_of(np.array([[1], [0]]))
    ((0.0, 1.0), 1.0)
    """

    value: FloatArray  # (B, C) risk per base and threat class, ≥ 0
    p: FloatArray  # (S, C) intercept probability per system and class, in [0, 1]
    coverage: tuple[Coverage, ...]  # one per system
    inventory: IntArray  # (S,) units on hand
    lower: IntArray  # (B, S) fewest units a site must host
    upper: IntArray  # (B, S) most units a site may host
    current: IntArray | None = None  # (B, S) today's deployment
    max_moves: int | None = None  # most units taken from where they stand now
    objective: Objective = "expected"
    blend_weight: float = 0.5
    #: most residual any one base may keep; the second, tie-breaking stage of a
    #: worst-case solve minimises the sum under the proven worst (see model/outer_approximation.py)
    residual_cap: float | None = None
    #: risk a unit must remove to be worth moving: the objective adds this much per unit
    #: taken from where it stands today (0: moves are free; needs ``current``)
    move_cost: float = 0.0
    #: the cap bounds the sum of this many largest residuals (an attacker's k raids)
    cap_raids: int = 1
    #: per model class, the threat class it belongs to: a raid class is split into
    #: pseudo-classes by salvo size (:mod:`defplan.model.raids`); None: one each
    class_of: IntArray | None = None
    log_leak: FloatArray = field(init=False, repr=False)  # (S, C) ln(1 − p), ≤ 0
    #: the theater's scale of risk: the largest base's undefended residual, or 1 when
    #: there is none (tolerances on objectives are taken relative to it)
    risk_size: float = field(init=False, repr=False)
    #: every system a point system (a unit defends its own site alone): n = x
    all_point: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        leak = np.maximum(1.0 - self.p, MIN_LEAK)
        object.__setattr__(self, "log_leak", np.log(leak))
        sites = np.arange(self.value.shape[0])
        point = all(
            c.hosts.size == sites.size
            and bool((c.hosts == sites).all() and (c.bases == sites).all())
            for c in self.coverage
        )
        object.__setattr__(self, "all_point", point)
        largest = float(self.value.sum(axis=1).max(initial=0.0)) if self.value.size else 0.0
        object.__setattr__(self, "risk_size", largest if 1e-300 <= largest < np.inf else 1.0)

    @property
    def n_bases(self) -> int:
        return int(self.value.shape[0])

    @property
    def n_classes(self) -> int:
        return int(self.value.shape[1])

    @property
    def n_systems(self) -> int:
        return int(self.p.shape[0])

    def defending(self, x: IntArray | FloatArray) -> FloatArray:
        """n[b, s]: units of each system defending each base under allocation x (whole
        or, for the continuous relaxation, fractional units)."""
        if self.all_point:
            return np.asarray(x, dtype=np.float64)
        columns = [
            cover.counts(x[:, s].astype(np.float64), self.n_bases)
            for s, cover in enumerate(self.coverage)
        ]
        if not columns:
            return np.zeros((self.n_bases, 0))
        return np.stack(columns, axis=1)

    def residual_by_class(self, x: IntArray) -> FloatArray:
        """residual[b, c] = value[b, c] × Π_s (1 − p[s, c]) ^ n[b, s]."""
        exponent = self.defending(x) @ self.log_leak
        return np.asarray(self.value * np.exp(exponent), dtype=np.float64)

    @property
    def n_threats(self) -> int:
        """Threat classes as the caller named them (model classes folded back)."""
        if self.class_of is None:
            return self.n_classes
        return int(self.class_of.max(initial=-1)) + 1

    def fold(self, by_class: FloatArray) -> FloatArray:
        """Sum a (B, C) array over the pseudo-classes of each threat class, (B, T)."""
        if self.class_of is None:
            return by_class
        folded = np.zeros((by_class.shape[0], self.n_threats))
        for c, threat in enumerate(self.class_of.tolist()):
            folded[:, threat] += by_class[:, c]
        return folded

    def residual_by_threat(self, x: IntArray) -> FloatArray:
        """residual per base and threat class as the caller named them (a raid class's
        pseudo-classes summed)."""
        return self.fold(self.residual_by_class(x))

    def residual(self, x: IntArray) -> FloatArray:
        """Residual risk per base under allocation x."""
        return np.asarray(self.residual_by_class(x).sum(axis=1), dtype=np.float64)

    @property
    def weights(self) -> tuple[float, float]:
        """The objective's weights on the summed residual and on the worst bases'
        (the sum of the :attr:`raids` largest residuals)."""
        if self.objective == "expected":
            return 1.0, 0.0
        if self.objective == "blend":
            return 1.0 - self.blend_weight, self.blend_weight
        return 0.0, 1.0

    @property
    def raids(self) -> int:
        """How many of the largest residuals the objective's worst part sums: 1 under
        worst_case and blend, k under "attacker:k" (0 under expected)."""
        if self.objective == "expected":
            return 0
        return raids_of(self.objective) or 1

    def score(self, residual: FloatArray) -> float:
        """The objective of a residual vector: sum, max (or the sum of the k largest,
        an attacker's k raids), or their blend."""
        total = float(residual.sum())
        if self.objective == "expected":
            return total
        worst = top_sum(residual, self.raids)
        if self.objective == "blend":
            return (1.0 - self.blend_weight) * total + self.blend_weight * worst
        return worst

    def objective_of(self, x: IntArray) -> float:
        """The objective of x: the score of its residual, plus the move cost."""
        value = self.score(self.residual(x))
        if self.move_cost > 0.0:
            value += self.move_cost * self.moves(x)
        return value

    def moves(self, x: IntArray) -> int:
        """Units taken away from where they stand now (0 without a current deployment)."""
        if self.current is None:
            return 0
        return int(np.maximum(self.current - x, 0).sum())

    def violations(self, x: IntArray) -> list[str]:
        """Why x is not a feasible allocation (empty when it is).

        Sites and systems are named by index here (this module knows no ids); the
        plan layer names them by id (:func:`defplan.plan.planner.rule_breaches`).
        """
        found: list[str] = []
        if x.shape != self.lower.shape:
            return [f"allocation has shape {x.shape}, expected {self.lower.shape}"]
        for kind, sites, bound in (
            ("below the lower bound", np.argwhere(x < self.lower), self.lower),
            ("above the upper bound", np.argwhere(x > self.upper), self.upper),
        ):
            found.extend(
                f"site {b}, system {s}: {x[b, s]} units, {kind} {bound[b, s]}"
                for b, s in sites[:VIOLATIONS_SHOWN].tolist()
            )
            if len(sites) > VIOLATIONS_SHOWN:
                found.append(f"{len(sites) - VIOLATIONS_SHOWN} more site(s) {kind}")
        used = x.sum(axis=0)
        found.extend(
            f"system {s}: {used[s]} units, more than the inventory {self.inventory[s]}"
            for s in np.flatnonzero(used > self.inventory).tolist()
        )
        if self.max_moves is not None and self.moves(x) > self.max_moves:
            found.append(f"{self.moves(x)} moves exceed the budget of {self.max_moves}")
        if self.residual_cap is not None:
            worst = top_sum(self.residual(x), self.cap_raids)
            if worst > self.residual_cap:
                found.append(f"a base keeps {worst:.6g}, above the cap {self.residual_cap:.6g}")
        return found

    def residual_floor(self) -> FloatArray:
        """Per base, a residual no allocation goes below: every unit that could defend
        the base defending it. Their score is a valid bound before any solve."""
        exponent = self.max_defending().astype(np.float64) @ self.log_leak
        return np.asarray((self.value * np.exp(exponent)).sum(axis=1), dtype=np.float64)

    def max_defending(self) -> IntArray:
        """The most units of each system that could defend each base (B, S)."""
        columns = []
        for s, cover in enumerate(self.coverage):
            reach = cover.counts(self.upper[:, s].astype(np.float64), self.n_bases)
            columns.append(np.minimum(reach, self.inventory[s]))
        if not columns:
            return np.zeros((self.n_bases, 0), dtype=np.int64)
        return np.stack(columns, axis=1).astype(np.int64)


def make_instance(
    value: NDArray[np.floating] | list[list[float]],
    p: NDArray[np.floating] | list[list[float]],
    inventory: NDArray[np.integer] | list[int],
    *,
    coverage: tuple[Coverage, ...] | list[Coverage] | None = None,
    lower: NDArray[np.integer] | None = None,
    upper: NDArray[np.integer] | None = None,
    current: NDArray[np.integer] | None = None,
    max_moves: int | None = None,
    objective: Objective = "expected",
    blend_weight: float = 0.5,
    move_cost: float = 0.0,
    raids: Raids | None = None,
) -> Instance:
    """Check shapes and ranges once and build an :class:`Instance`.

    The residual risk of base b under n[b, s] units defending it is
    Σ_c value[b, c] Π_s (1 − p[s, c]) ^ n[b, s]; the weapon-target assignment is the
    case of one class per base (:func:`defplan.model.wta` cites its source).

    Parameters
    ----------
    value : array_like of shape (B, C)
        Risk per base and threat class (casualty-equivalents a year), ≥ 0.
    p : array_like of shape (S, C)
        Probability that one unit of system s intercepts an attack of class c.
    inventory : array_like of shape (S,)
        Units of each system on hand.
    coverage : sequence of Coverage, optional
        Per system, which hosts' units defend which bases (default: every system a
        point system, :meth:`Coverage.point`; area systems: :meth:`Coverage.within`).
    lower, upper : ndarray of shape (B, S), optional
        Fewest and most units a site may host (default 0 and the inventory).
    current : ndarray of shape (B, S), optional
        Today's deployment, for a move budget or a move cost.
    max_moves : int, optional
        Most units taken from where they stand today.
    objective : {"expected", "worst_case", "blend"} or "attacker:k"
        The summed residual, the worst base's, a blend, or the sum of the k largest.
    blend_weight : float
        Weight of the worst base in a blend (the sum gets the rest).
    move_cost : float
        Risk a unit must remove to be worth moving (added per unit moved).
    raids : Raids, optional
        Salvos per class and engagements per unit per raid
        (:func:`defplan.model.raids.make_raids`): each class whose capacities bind is split
        into pseudo-classes (:func:`defplan.model.raids.expand`), ``class_of`` says
        whose. None, or capacities that never bind, leave the model as it is.

    Returns
    -------
    Instance
        The validated arrays.

    Raises
    ------
    ValueError
        Naming the first array of the wrong shape or out of range.

    Examples
    --------
    >>> inst = make_instance([[5.0, 0.0], [3.0, 1.0]], [[0.5, 0.2]], [1])
    >>> inst.n_bases, inst.n_systems, inst.n_classes
    (2, 1, 2)
    >>> inst.residual(np.array([[1], [0]])).tolist()
    [2.5, 4.0]
    """
    value_a = np.asarray(value, dtype=np.float64)
    p_a = np.asarray(p, dtype=np.float64)
    inventory_a = np.asarray(inventory, dtype=np.int64)
    if value_a.ndim != 2 or p_a.ndim != 2 or value_a.shape[1] != p_a.shape[1]:
        raise ValueError(f"value {value_a.shape} and p {p_a.shape} must be (B, C) and (S, C)")
    n_bases, n_systems = value_a.shape[0], p_a.shape[0]
    n_classes_given = value_a.shape[1]
    if inventory_a.shape != (n_systems,):
        raise ValueError(f"inventory has shape {inventory_a.shape}, expected ({n_systems},)")
    if (value_a < 0).any() or not np.isfinite(value_a).all():
        raise ValueError("value must be finite and ≥ 0")
    if value_a.size and not np.isfinite(value_a.sum(axis=1)).all():
        raise ValueError("value: a base's risks add up past the largest float")
    if ((p_a < 0) | (p_a > 1)).any():
        raise ValueError("p must lie in [0, 1]")
    if (inventory_a < 0).any():
        raise ValueError("inventory must be ≥ 0")
    if objective not in OBJECTIVES and raids_of(objective) is None:
        raise ValueError(
            f"objective {objective!r} is not one of {OBJECTIVES} nor attacker:k (k ≥ 1)"
        )
    if not 0.0 <= blend_weight <= 1.0:
        raise ValueError("blend_weight must lie in [0, 1]")
    covers = tuple(coverage) if coverage is not None else ()
    if not covers:
        covers = tuple(Coverage.point(n_bases) for _ in range(n_systems))
    if len(covers) != n_systems:
        raise ValueError(f"{len(covers)} coverages for {n_systems} systems")
    for cover in covers:
        if cover.hosts.size and (
            cover.hosts.min() < 0
            or cover.hosts.max() >= n_bases
            or cover.bases.min() < 0
            or cover.bases.max() >= n_bases
        ):
            raise ValueError("coverage names a site outside 0..B-1")
    shape = (n_bases, n_systems)
    lower_a = np.zeros(shape, np.int64) if lower is None else np.asarray(lower, np.int64)
    upper_a = (
        np.broadcast_to(inventory_a, shape).copy()
        if upper is None
        else np.minimum(np.asarray(upper, np.int64), inventory_a)
    )
    current_a = None if current is None else np.asarray(current, np.int64)
    for name, array in (("lower", lower_a), ("upper", upper_a), ("current", current_a)):
        if array is not None and array.shape != shape:
            raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
    if max_moves is not None and max_moves < 0:
        raise ValueError("max_moves must be ≥ 0")
    if not 0.0 <= move_cost < np.inf:
        raise ValueError("move_cost must be finite and ≥ 0")
    class_of = None
    if raids is not None:
        from defplan.model.raids import expand

        value_a, p_a, class_of = expand(value_a, p_a, raids)
        if len(class_of) == n_classes_given and (class_of == np.arange(n_classes_given)).all():
            class_of = None
    return Instance(
        value=value_a,
        p=p_a,
        coverage=covers,
        inventory=inventory_a,
        lower=lower_a,
        upper=upper_a,
        current=current_a,
        max_moves=max_moves,
        objective=objective,
        blend_weight=float(blend_weight),
        move_cost=float(move_cost) if current_a is not None else 0.0,
        class_of=class_of,
    )


def raids_of(objective: str) -> int | None:
    """k of an "attacker:k" objective, None for any other name.

    >>> raids_of("attacker:3"), raids_of("worst_case"), raids_of("attacker:0")
    (3, None, None)
    """
    name, _, count = objective.partition(":")
    if name != ATTACKER or not count.isdigit() or int(count) < 1:
        return None
    return int(count)


def attacker_objective(raids: int) -> str:
    """The objective of an attacker with ``raids`` raids.

    Parameters
    ----------
    raids : int
        How many bases the attacker strikes (1 is the worst case).

    Returns
    -------
    str
        The objective's name, as :func:`make_instance` takes it.

    Examples
    --------
    >>> attacker_objective(3)
    'attacker:3'
    """
    return f"{ATTACKER}:{raids}"


def top_sum(residual: FloatArray, k: int) -> float:
    """The sum of the k largest entries (all of them when there are fewer than k).

    >>> top_sum(np.array([1.0, 4.0, 2.0]), 2)
    6.0
    """
    if not residual.size or k <= 0:
        return 0.0
    if k == 1:
        return float(residual.max())
    if k >= residual.size:
        return float(residual.sum())
    return float(np.partition(residual, residual.size - k)[residual.size - k :].sum())


def best_response(residual: FloatArray, k: int) -> list[int]:
    """The bases an attacker with k raids strikes: the k largest residuals, largest
    first (ties to the lower index), bases with nothing left to lose left out.

    Parameters
    ----------
    residual : ndarray of shape (B,)
        Each base's residual risk under the posture the attacker sees.
    k : int
        The attacker's raids.

    Returns
    -------
    list of int
        Base indices, at most k.

    Examples
    --------
    >>> best_response(np.array([1.0, 4.0, 4.0, 0.0]), 3)
    [1, 2, 0]
    """
    order = np.lexsort((np.arange(residual.size), -residual))
    return [int(b) for b in order[:k] if residual[b] > 0.0]
