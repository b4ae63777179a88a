"""Why a base keeps its residual risk: facts read off the solved model, then words.

:func:`reason_for` gathers, for one base, the facts that decide whether more
defence could go there: the best extra unit that would defend it (what it would
remove, base by base: an area unit removes risk at its neighbours too), the units
of that system free to move and what the last of them removes where it stands,
the units rules hold where they stand (and which rule), the units left unplaced,
and what moving a free unit to the extra unit's site would change. They form a
:class:`Reason`; its sentence is built from the record alone, so every figure the
sentence shows is one of the record's, and the record's figures can be checked
against the plan (tests/test_reasons.py recomputes each from the allocation).

All figures are casualty-equivalents a year, summed over every base a unit
defends, whatever the objective.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from defplan.model import Instance
from defplan.plan.arrays import Bounds

#: Risk below this (casualty-equivalents a year) is noise, not risk.
TOLERANCE = 1e-12
#: Relative to the theater's risk: a move that changes the total by less is no change.
MOVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Share:
    """Risk a unit removes at one base it defends (/yr)."""

    base_id: str
    removes: float


@dataclass(frozen=True)
class Extra:
    """The best single extra unit that would defend the base: where it would stand and
    what it would remove, in all (``removes``) and base by base (``shares``)."""

    system_id: str
    site: str
    removes: float
    shares: tuple[Share, ...]  # largest first; only bases where it removes risk

    def phrase(self, base_id: str) -> str:
        """'one more patriot here would remove 0.0332/yr in all: 0.012 here, …'."""
        where = "here" if self.site == base_id else f"at {self.site}"
        text = f"one more {self.system_id} {where} would remove {self.removes:.3g}/yr"
        if len(self.shares) < 2:
            return text
        parts = ", ".join(f"{s.removes:.3g} {_at(s.base_id, base_id)}" for s in self.shares)
        return f"{text} in all, over the {len(self.shares)} bases it would defend ({parts})"


@dataclass(frozen=True)
class Standing:
    """Units of a system standing at a site, and what the last of them removes there.

    ``rule`` names the rule that holds them where they stand ("" when free to move).
    """

    site: str
    units: int
    last_removes: float
    rule: str = ""


@dataclass(frozen=True)
class Reason:
    """Why no more defence went to ``base_id``, as facts (see the module docstring).

    ``kind`` is one of better_use, site_limit, held_by_rule, no_inventory, no_system,
    moves_budget, objective, allocation (docs/whatif.md#risk-acceptance).
    ``move_from`` / ``move_change``: the free site a unit moved to ``extra.site`` would
    best come from, and the change in total risk that move makes (negative: it lowers
    it). ``free`` is ordered by ``last_removes``, largest first.
    """

    kind: str
    base_id: str
    threat: str = ""
    system_id: str = ""
    inventory: int = 0
    extra: Extra | None = None
    free: tuple[Standing, ...] = ()
    held: tuple[Standing, ...] = ()
    spare: int = 0
    move_from: str = ""
    move_change: float = math.nan
    limits: tuple[str, ...] = ()
    objective: str = ""
    status: str = ""
    max_moves: int | None = None

    @property
    def one_more_removes(self) -> float:
        """Risk per year one more unit at this base would remove (0 when none can be added)."""
        return self.extra.removes if self.extra is not None else 0.0

    @property
    def least_free(self) -> Standing | None:
        """The free units elsewhere than the extra unit's site whose last removes least
        (the cheapest to move there)."""
        site = self.extra.site if self.extra is not None else ""
        elsewhere = [f for f in self.free if f.site != site]
        return elsewhere[-1] if elsewhere else None

    def better_sites(self) -> str:
        """The sites of free units whose last removes at least the extra unit would."""
        gain = self.one_more_removes
        better = [f for f in self.free if f.last_removes >= gain]
        return ", ".join(f"{f.site} ({f.last_removes:.3g}/yr)" for f in better[:3])

    def sentence(self) -> str:
        """The reason in words, every figure taken from this record."""
        if self.kind == "no_system":
            return f"no system on hand engages {self.threat or 'its threats'}"
        if self.kind == "no_inventory":
            return f"no {self.system_id} on hand"
        if self.kind == "site_limit":
            return "no more units may defend it: " + "; ".join(self.limits[:3])
        assert self.extra is not None
        one_more = self.extra.phrase(self.base_id)
        if self.spare > 0:
            return f"{self._unplaced()}; {one_more}"
        held = self._held()
        if self.kind == "held_by_rule":
            others = "other " if self.free else ""
            return f"every {others}{self.system_id} is held where it stands: {held}; {one_more}"
        return "; ".join(p for p in (self._placed(), one_more, held) if p)

    def _unplaced(self) -> str:
        units = f"{self.spare} {self.system_id} left unplaced"
        if self.kind == "allocation":
            return f"{units} in the evaluated allocation"
        return f"{units} by the {self.objective} objective ({self.status})"

    def _placed(self) -> str:
        """Where the free units stand and why one of them is not moved here."""
        free = sum(f.units for f in self.free)
        system = self.system_id
        if self.held:
            count = "one" if free == 1 else str(free)
            who = f"the {count} {system} free to move {'is' if free == 1 else 'are'}"
        elif free == 1:
            who = f"the only {system} is"
        else:
            who = f"{'both' if free == 2 else f'all {free}'} {system} are"
        least = self.least_free
        assert least is not None
        moved = (
            f"moving the last {system} at {self.move_from} here would "
            f"{'add' if self.move_change >= 0 else 'remove'} {abs(self.move_change):.3g}/yr in all"
        )
        if self.kind == "better_use":
            if least.last_removes >= self.one_more_removes:
                assert self.extra is not None
                also_here = any(f.site == self.extra.site for f in self.free)
                return (
                    f"{who} placed where the last unit at each site removes more: the least"
                    f"{' elsewhere' if also_here else ''}, at {least.site}, "
                    f"{least.last_removes:.3g}/yr"
                )
            return (
                f"{who} placed where they remove more: {moved} (the sites defend bases in common)"
            )
        if self.kind == "allocation":
            return f"the evaluated allocation keeps the {system} elsewhere: {moved}"
        if self.kind == "moves_budget":
            return f"the budget of {self.max_moves} moves is spent: {moved}"
        return (
            f"the {self.objective} objective ({self.status}) keeps the {system} elsewhere: {moved}"
        )

    def _held(self) -> str:
        """'1 more is held at embassy by rule …, where the last removes 0.013/yr'."""
        if not self.held:
            return ""
        sites = [
            f"{h.units} at {h.site} by {h.rule} (the last there removes {h.last_removes:.3g}/yr)"
            for h in self.held
        ]
        if self.kind == "held_by_rule":
            return ", ".join(sites)
        units = sum(h.units for h in self.held)
        verb = "is" if units == 1 else "are"
        if len(sites) == 1:
            return f"{units} more {verb} held{sites[0].removeprefix(str(units))}"
        return f"{units} more {verb} held: " + ", ".join(sites)


def _at(base_id: str, here: str) -> str:
    return "here" if base_id == here else f"at {base_id}"


@dataclass(frozen=True)
class ModelFacts:
    """The solved model's figures :func:`reason_for` reads (arrays indexed as the plan's)."""

    instance: Instance
    bounds: Bounds
    x: np.ndarray  # (B, S) units hosted
    by_class: np.ndarray  # (B, C) residual per base and class under x
    last_unit_value: np.ndarray  # (B, S)
    gain_host: np.ndarray  # (B, S) risk one more unit hosted there removes, every base it defends
    loss_host: np.ndarray  # (B, S) risk one unit fewer there adds, every base it defends
    hosts_of: tuple[list[np.ndarray], ...]  # per system, per base: the sites defending it
    standings: tuple[tuple[tuple[Standing, ...], tuple[Standing, ...]], ...]  # per system
    base_ids: tuple[str, ...]
    system_ids: tuple[str, ...]
    inventory: tuple[int, ...]
    objective: str
    status: str
    max_moves: int | None
    evaluated: bool

    def extra_at(self, site: int, s: int) -> Extra:
        """What one more unit of s at ``site`` would remove, base by base."""
        covered = self.instance.coverage[s].covered_by(site)
        stop = 1.0 - np.exp(self.instance.log_leak[s])  # (C,)
        per_base = self.by_class[covered] @ stop
        shares = sorted(
            (
                Share(self.base_ids[int(k)], float(v))
                for k, v in zip(covered, per_base, strict=True)
                if v > TOLERANCE
            ),
            key=lambda share: (-share.removes, share.base_id),
        )
        return Extra(self.system_ids[s], self.base_ids[site], float(per_base.sum()), tuple(shares))

    def move_change(self, source: int, target: int, s: int) -> float:
        """Change in total risk (/yr) when one unit of s moves from ``source`` to ``target``."""
        cover = self.instance.coverage[s]
        leaves = set(cover.covered_by(source).tolist())
        arrives = set(cover.covered_by(target).tolist())
        leak = self.instance.log_leak[s]
        lost = sorted(leaves - arrives)
        gained = sorted(arrives - leaves)
        more = float((self.by_class[lost] * np.expm1(-leak)).sum()) if lost else 0.0
        less = float((self.by_class[gained] * np.expm1(leak)).sum()) if gained else 0.0
        return more + less

    def move_changes(self, sources: list[int], target: int, s: int) -> list[tuple[float, int]]:
        """(change in total risk, source) of moving one unit of s from each source to
        ``target``, least first. Sites whose coverage overlaps the target's are computed
        base by base (:meth:`move_change`); for the others it is what one fewer there adds
        less what one more at the target removes."""
        near: set[int] = set()
        for k in self.instance.coverage[s].covered_by(target).tolist():
            near.update(self.hosts_of[s][k].tolist())
        changes = self.loss_host[sources, s] - self.gain_host[target, s]
        found = [
            (self.move_change(i, target, s) if i in near else float(change), i)
            for i, change in zip(sources, changes, strict=True)
        ]
        return sorted(found)

    def within_budget(self, source: int, target: int, s: int) -> bool:
        """Whether moving one unit of s from ``source`` to ``target`` keeps the allocation
        within the budget on moves from today's deployment."""
        if self.max_moves is None:
            return True
        moved = self.x.copy()
        moved[source, s] -= 1
        moved[target, s] += 1
        return self.instance.moves(moved) <= self.max_moves


def read_facts(
    instance: Instance,
    bounds: Bounds,
    x: np.ndarray,
    *,
    last_unit_value: np.ndarray,
    base_ids: tuple[str, ...],
    system_ids: tuple[str, ...],
    inventory: tuple[int, ...],
    objective: str,
    status: str,
    max_moves: int | None,
    evaluated: bool,
) -> ModelFacts:
    """The figures :func:`reason_for` reads, computed once for allocation ``x``."""
    n_bases, n_systems = x.shape
    by_class = instance.residual_by_class(x)
    # per base and system: risk one more defending unit removes, one fewer adds
    gain_here = by_class @ (-np.expm1(instance.log_leak)).T
    loss_here = by_class @ np.expm1(-instance.log_leak).T

    def per_host(per_base: np.ndarray) -> np.ndarray:
        columns = [instance.coverage[s].spread(per_base[:, s], n_bases) for s in range(n_systems)]
        return np.stack(columns, axis=1).reshape(n_bases, n_systems)

    hosts_of = tuple(instance.coverage[s].hosts_by_base(n_bases) for s in range(n_systems))
    standings = tuple(
        _standing(instance, bounds, x, last_unit_value, base_ids, s) for s in range(n_systems)
    )
    return ModelFacts(
        instance=instance,
        bounds=bounds,
        x=x,
        by_class=by_class,
        last_unit_value=last_unit_value,
        gain_host=per_host(gain_here),
        loss_host=per_host(loss_here),
        hosts_of=hosts_of,
        standings=standings,
        base_ids=base_ids,
        system_ids=system_ids,
        inventory=inventory,
        objective=objective,
        status=status,
        max_moves=max_moves,
        evaluated=evaluated,
    )


def _standing(
    instance: Instance,
    bounds: Bounds,
    x: np.ndarray,
    last_unit_value: np.ndarray,
    base_ids: tuple[str, ...],
    s: int,
) -> tuple[tuple[Standing, ...], tuple[Standing, ...]]:
    """(free, held): units of s free to move (most valuable last unit first, then in
    theater order) and units rules hold, per site."""
    free: list[tuple[float, int, Standing]] = []
    held: list[Standing] = []
    for site in np.flatnonzero(x[:, s] > 0).tolist():
        units = int(x[site, s])
        kept = min(units, int(instance.lower[site, s]))
        value = float(last_unit_value[site, s])
        if kept:
            rule = " and ".join(bounds.why_lower(site, s)) or "a lower bound"
            held.append(Standing(base_ids[site], kept, value, rule))
        if units > kept:
            free.append((-value, site, Standing(base_ids[site], units - kept, value)))
    return tuple(f for _, _, f in sorted(free, key=lambda f: f[:2])), tuple(held)


def reason_for(facts: ModelFacts, b: int, threat: str) -> Reason:
    """Why no more defence went to base ``b``, whose residual is mostly ``threat``."""
    base_id = facts.base_ids[b]
    stop = -np.expm1(facts.instance.log_leak)  # (S, C)
    helpful = [s for s in range(len(facts.system_ids)) if facts.by_class[b] @ stop[s] > TOLERANCE]
    hosts = [facts.hosts_of[s][b] for s in range(len(facts.system_ids))]
    if not helpful:
        return Reason("no_system", base_id, threat=threat)
    room = facts.x < facts.bounds.upper
    candidates = [
        (float(facts.gain_host[h, s]), s, int(h))
        for s in helpful
        for h in hosts[s]
        if room[h, s] and facts.inventory[s] > 0
    ]
    if not candidates:
        if all(facts.inventory[s] == 0 for s in helpful):
            names = " or ".join(facts.system_ids[s] for s in helpful)
            return Reason("no_inventory", base_id, threat=threat, system_id=names)
        return Reason("site_limit", base_id, threat=threat, limits=_limits(facts, helpful, hosts))
    _, s, h = max(candidates, key=lambda c: (c[0], -c[1], -c[2]))
    extra = facts.extra_at(h, s)
    free, held = facts.standings[s]
    common = {
        "threat": threat,
        "system_id": facts.system_ids[s],
        "inventory": facts.inventory[s],
        "extra": extra,
        "free": free,
        "held": held,
        "objective": facts.objective,
        "status": facts.status,
        "max_moves": facts.max_moves,
    }
    spare = int(facts.inventory[s] - facts.x[:, s].sum())
    if spare > 0:  # placing a spare unit moves nothing from where it stands: no budget stops it
        kind = "allocation" if facts.evaluated else "objective"
        return Reason(kind, base_id, spare=spare, **common)  # type: ignore[arg-type]
    sources = [
        i for i in np.flatnonzero(facts.x[:, s] > facts.instance.lower[:, s]).tolist() if i != h
    ]
    if not sources:
        return Reason("held_by_rule", base_id, **common)  # type: ignore[arg-type]
    changes = facts.move_changes(sources, h, s)
    lowering = [c for c in changes if c[0] < -MOVE_TOLERANCE * facts.instance.risk_size]
    within = [c for c in lowering if facts.within_budget(c[1], h, s)]
    if not lowering:
        kind, (change, source) = "better_use", changes[0]
    elif facts.evaluated:
        kind, (change, source) = "allocation", lowering[0]
    elif within:
        kind, (change, source) = "objective", within[0]
    else:
        kind, (change, source) = "moves_budget", lowering[0]
    return Reason(
        kind,
        base_id,
        move_from=facts.base_ids[source],
        move_change=change,
        **common,  # type: ignore[arg-type]
    )


def _limits(facts: ModelFacts, helpful: list[int], hosts: list[np.ndarray]) -> tuple[str, ...]:
    """Each limit on the sites that would defend the base once, with the units it holds
    (a forbid on every system is one rule, however many systems it stops)."""
    limits: dict[str, list[str]] = {}
    for s in helpful:
        for h in hosts[s]:
            why = "; ".join(facts.bounds.why_upper(int(h), s)) or (
                f"the whole inventory of {facts.system_ids[s]}"
                if facts.inventory[s]
                else f"no {facts.system_ids[s]} on hand"
            )
            held = int(facts.x[h, s])
            holding = limits.setdefault(why, [])
            if held:
                holding.append(f"{held} {facts.system_ids[s]} at {facts.base_ids[h]}")
    return tuple(f"{why} ({', '.join(held)})" if held else why for why, held in limits.items())
