"""Apply an option of the options sheet to a theater: the posture it leaves behind.

The rows sharing one ``option_id`` are applied in sheet order to a copy of the
scenario (the input is never changed):

- ``close``: the base's status becomes ``closed`` (it hosts no system any more), the
  systems deployed there go back to the pool (their deployed rows are removed; the
  re-optimization places them again) and ``min_units`` / ``lock`` rules at the base
  are dropped (they could no longer be met). Its troops move to ``to_base_id`` when
  given, which must have room for all of them. With ``to_base_id`` blank they are
  *spread*: the nearest open base of ours first (move distance, see
  :mod:`defplan.posture.distance`; ties by base_id), each base taking what its free
  capacity (capacity − troops; blank capacity = no limit) allows, then the next
  nearest. Bases closed by the same option never receive, nor does a partner's base
  or a watched site (``owner``): our troops there would drop out of our totals.
  Troops that fit nowhere stay at the closed base, where they still count for risk
  and no system can defend them, and are reported as ``unplaced``: never lost
  silently.
- ``move_troops``: ``units`` troops from ``base_id`` to ``to_base_id`` (at most the
  troops there, within the receiving base's capacity).
- ``move_system``: ``units`` deployed units of ``system_id`` from ``base_id`` to
  ``to_base_id`` (at most the units deployed there, within max_per_base). The
  receiving base gets a ``min_units`` rule for the units it now holds, so that the
  re-optimization keeps the planner's move instead of undoing it.

A candidate site that receives troops is opened. A receiving base that is closed,
an id the theater does not know, more troops or units than there are, or a receiving
base over its capacity raise :class:`OptionError` with a message naming the row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from defplan.posture.distance import MoveDistances
from defplan.scenario import BaseRow, DeployedRow, OptionRow, RuleRow, Scenario

ErrorKind = Literal["unknown", "capacity", "units", "closed"]


class OptionError(ValueError):
    """An option that cannot be applied; ``kind`` says why (unknown id, capacity…)."""

    def __init__(self, message: str, *, kind: ErrorKind) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind


@dataclass(frozen=True)
class TroopMove:
    """Troops moved from one base to another, over ``km`` kilometres."""

    from_base: str
    to_base: str
    troops: int
    km: float

    @property
    def troop_km(self) -> float:
        """Troops × km of this move."""
        return self.troops * self.km


@dataclass(frozen=True)
class SystemMove:
    """Units of one system moved from one base to another, over ``km`` kilometres."""

    system_id: str
    from_base: str
    to_base: str
    units: int
    km: float


@dataclass(frozen=True)
class Posture:
    """A scenario after an option, with what the option did to get there."""

    option_id: str
    scenario: Scenario
    closed: tuple[str, ...] = ()
    troop_moves: tuple[TroopMove, ...] = ()
    system_moves: tuple[SystemMove, ...] = ()
    #: (base_id, system_id, units) deployed at a closed base, back in the pool
    returned: tuple[tuple[str, str, int], ...] = ()
    #: (base_id, troops) that fit at no open base and stay at the closed base
    unplaced: tuple[tuple[str, int], ...] = ()
    #: rules dropped because their base closed
    dropped_rules: tuple[str, ...] = ()

    @property
    def troops_moved(self) -> int:
        """Troops moved between bases, in all."""
        return sum(m.troops for m in self.troop_moves)

    @property
    def troop_km(self) -> float:
        """Σ troops moved × km moved."""
        return float(sum(m.troop_km for m in self.troop_moves))

    @property
    def troops_unplaced(self) -> int:
        """Troops that fit nowhere and stay at their closed base."""
        return sum(t for _, t in self.unplaced)

    def describe(self) -> str:
        """One line a planner reads: what moves where."""
        parts = [f"close {b}" for b in self.closed]
        parts += [f"{m.troops:,} troops {m.from_base}→{m.to_base}" for m in self.troop_moves]
        parts += [f"{m.units} {m.system_id} {m.from_base}→{m.to_base}" for m in self.system_moves]
        parts += [f"{t:,} troops fit nowhere (stay at {b})" for b, t in self.unplaced]
        return "; ".join(parts) or "no change"


def option_ids(scenario: Scenario) -> tuple[str, ...]:
    """The options of the sheet, in the order they first appear."""
    return tuple(dict.fromkeys(o.option_id for o in scenario.options))


def apply_option(scenario: Scenario, option_id: str) -> Scenario:
    """The scenario after every row of ``option_id`` (see the module docstring)."""
    return apply_posture(scenario, option_id).scenario


def apply_posture(scenario: Scenario, option_id: str) -> Posture:
    """Like :func:`apply_option`, with the moves, returns and leftovers it made."""
    rows = [o for o in scenario.options if o.option_id == option_id]
    if not rows:
        known = ", ".join(option_ids(scenario)) or "none"
        raise OptionError(
            f"option {option_id!r} is not on the options sheet (options: {known})",
            kind="unknown",
        )
    return _Editor(scenario, option_id).apply(rows)


def close_bases(scenario: Scenario, base_ids: Iterable[str], *, name: str = "") -> Posture:
    """Close the bases at once, spreading each one's troops by the nearest-open rule."""
    ids = tuple(base_ids)
    label = name or "close " + "+".join(ids)
    rows = [OptionRow(option_id="closure", action="close", base_id=b) for b in ids]
    return _Editor(scenario, label).apply(rows)


class _Editor:
    """The mutable working copy an option is applied to."""

    def __init__(self, scenario: Scenario, option_id: str) -> None:
        self.scenario = scenario
        self.option_id = option_id
        self.distances = MoveDistances(scenario)
        self.troops = {b.base_id: b.troops for b in scenario.bases}
        self.status = {b.base_id: b.status for b in scenario.bases}
        self.deployed: dict[tuple[str, str], int] = {}
        for d in scenario.deployed:
            key = (d.base_id, d.system_id)
            self.deployed[key] = self.deployed.get(key, 0) + d.units
        self.rules = list(scenario.rules)
        self.pins: dict[tuple[str, str], int] = {}
        self.closed: list[str] = []
        self.closing: set[str] = set()
        self.troop_moves: list[TroopMove] = []
        self.system_moves: list[SystemMove] = []
        self.returned: list[tuple[str, str, int]] = []
        self.unplaced: list[tuple[str, int]] = []
        self.dropped: list[str] = []

    # --- checks -------------------------------------------------------------------

    def where(self, row: OptionRow) -> str:
        return f"option {self.option_id} ({row.action} {row.base_id})"

    def known_base(self, base_id: str | None, row: OptionRow, column: str) -> str:
        if base_id is None or base_id not in self.troops:
            raise OptionError(
                f"{self.where(row)}: {column} {base_id!r} is not a base of the theater",
                kind="unknown",
            )
        return base_id

    def receiving(self, base_id: str, row: OptionRow) -> None:
        if self.status[base_id] == "closed" or base_id in self.closing:
            raise OptionError(
                f"{self.where(row)}: {base_id} is closed and cannot receive", kind="closed"
            )

    def free(self, base_id: str) -> int | None:
        """Troops the base can still take (None = no limit)."""
        capacity = self.scenario.base_by_id[base_id].capacity
        return None if capacity is None else max(capacity - self.troops[base_id], 0)

    # --- actions ------------------------------------------------------------------

    def apply(self, rows: list[OptionRow]) -> Posture:
        self.closing = {r.base_id for r in rows if r.action == "close"}
        for row in rows:
            self.known_base(row.base_id, row, "base_id")
            if row.to_base_id is not None:
                self.known_base(row.to_base_id, row, "to_base_id")
                self.receiving(row.to_base_id, row)
        for row in rows:
            if row.action == "close":
                self.close(row)
            elif row.action == "move_troops":
                assert row.to_base_id is not None and row.units is not None
                self.move_troops(row, row.base_id, row.to_base_id, row.units)
            else:
                self.move_system(row)
        return Posture(
            option_id=self.option_id,
            scenario=self.build(),
            closed=tuple(self.closed),
            troop_moves=tuple(self.troop_moves),
            system_moves=tuple(self.system_moves),
            returned=tuple(self.returned),
            unplaced=tuple(self.unplaced),
            dropped_rules=tuple(self.dropped),
        )

    def move(self, from_base: str, to_base: str, troops: int) -> None:
        if troops <= 0:
            return
        self.troops[from_base] -= troops
        self.troops[to_base] += troops
        if self.status[to_base] == "candidate":
            self.status[to_base] = "open"
        km = self.distances.km(from_base, to_base)
        self.troop_moves.append(TroopMove(from_base, to_base, troops, km))

    def move_troops(self, row: OptionRow, from_base: str, to_base: str, troops: int) -> None:
        here = self.troops[from_base]
        if troops > here:
            raise OptionError(
                f"{self.where(row)}: moves {troops:,} troops but {from_base} has {here:,}",
                kind="units",
            )
        room = self.free(to_base)
        if room is not None and troops > room:
            capacity = self.scenario.base_by_id[to_base].capacity
            raise OptionError(
                f"{self.where(row)}: {to_base} can take {room:,} more troops "
                f"(capacity {capacity:,}, {self.troops[to_base]:,} there), not {troops:,}",
                kind="capacity",
            )
        self.move(from_base, to_base, troops)

    def close(self, row: OptionRow) -> None:
        base_id = row.base_id
        if base_id not in self.closed:
            self.closed.append(base_id)
        self.status[base_id] = "closed"
        for key in sorted(k for k in self.deployed if k[0] == base_id):
            units = self.deployed.pop(key)
            self.returned.append((base_id, key[1], units))
        for key in [k for k in self.pins if k[0] == base_id]:
            del self.pins[key]
        kept = []
        for rule in self.rules:
            if rule.base_id == base_id and rule.kind in ("min_units", "lock"):
                self.dropped.append(f"{rule.kind} {rule.system_id} at {base_id}")
            else:
                kept.append(rule)
        self.rules = kept
        troops = self.troops[base_id]
        if troops == 0:
            return
        if row.to_base_id is not None:
            self.move_troops(row, base_id, row.to_base_id, troops)
            return
        receivers = [
            b.base_id
            for b in self.scenario.bases
            if self.status[b.base_id] == "open" and b.base_id not in self.closing and b.ours
        ]
        receivers.sort(key=lambda b: (self.distances.km(base_id, b), b))
        for receiver in receivers:
            left = self.troops[base_id]
            if left == 0:
                break
            room = self.free(receiver)
            self.move(base_id, receiver, left if room is None else min(left, room))
        if self.troops[base_id] > 0:
            self.unplaced.append((base_id, self.troops[base_id]))

    def move_system(self, row: OptionRow) -> None:
        assert row.to_base_id is not None and row.units is not None and row.system_id
        system = self.scenario.system_by_id.get(row.system_id)
        if system is None:
            raise OptionError(
                f"{self.where(row)}: system_id {row.system_id!r} is not a system of the theater",
                kind="unknown",
            )
        source = (row.base_id, row.system_id)
        held = self.deployed.get(source, 0)
        if row.units > held:
            raise OptionError(
                f"{self.where(row)}: moves {row.units} {row.system_id} but {row.base_id} "
                f"has {held} deployed",
                kind="units",
            )
        target = (row.to_base_id, row.system_id)
        after = self.deployed.get(target, 0) + row.units
        if system.max_per_base is not None and after > system.max_per_base:
            raise OptionError(
                f"{self.where(row)}: {row.to_base_id} would hold {after} {row.system_id}, "
                f"above max_per_base {system.max_per_base}",
                kind="capacity",
            )
        if row.units == 0:
            return
        self.deployed[source] = held - row.units
        if self.deployed[source] == 0:
            del self.deployed[source]
        self.deployed[target] = after
        self.pins[target] = after
        km = self.distances.km(row.base_id, row.to_base_id)
        self.system_moves.append(
            SystemMove(row.system_id, row.base_id, row.to_base_id, row.units, km)
        )

    # --- the new scenario ---------------------------------------------------------

    def build(self) -> Scenario:
        bases: list[BaseRow] = []
        for b in self.scenario.bases:
            update: dict[str, object] = {}
            if self.troops[b.base_id] != b.troops:
                update["troops"] = self.troops[b.base_id]
            if self.status[b.base_id] != b.status:
                update["status"] = self.status[b.base_id]
            bases.append(b.model_copy(update=update) if update else b)
        deployed: list[DeployedRow] = []
        seen: set[tuple[str, str]] = set()
        for d in self.scenario.deployed:
            key = (d.base_id, d.system_id)
            if key in seen or key not in self.deployed:
                continue
            seen.add(key)
            units = self.deployed[key]
            deployed.append(d if d.units == units else d.model_copy(update={"units": units}))
        for key, units in self.deployed.items():
            if key not in seen:
                deployed.append(DeployedRow(base_id=key[0], system_id=key[1], units=units))
        rules = list(self.rules)
        for (base_id, system_id), units in self.pins.items():
            rules.append(
                RuleRow(
                    kind="min_units",
                    base_id=base_id,
                    system_id=system_id,
                    value=units,
                    notes=f"option {self.option_id} moves {system_id} here",
                )
            )
        return dataclasses.replace(
            self.scenario, bases=tuple(bases), deployed=tuple(deployed), rules=tuple(rules)
        )
