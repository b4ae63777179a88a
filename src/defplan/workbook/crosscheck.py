"""Checks that span sheets: references, duplicates, inventory, contradictory rules.

Each check takes the validated rows with their Excel row numbers and returns the
problems it finds, located at the row a planner has to fix.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from defplan.attack_table import AttackTable, distinct, is_none
from defplan.errors import Problem, Severity
from defplan.scenario import (
    ROW_TYPES,
    AttackRow,
    BaseRow,
    CompletenessRow,
    DeployedRow,
    EffectivenessRow,
    OptionRow,
    RouteRow,
    RuleRow,
    Settings,
    SystemRow,
    ThreatZoneRow,
    WeaponRow,
)
from defplan.suggest import hint
from defplan.workbook.rows import Located, identity_columns, show

ROW_TYPE_OF = {t.sheet: t for t in ROW_TYPES}


@dataclass
class Sheets:
    """Validated rows by sheet, with the file each sheet came from."""

    rows: dict[str, list[Located]]
    files: dict[str, str]
    settings: Settings
    #: ids of rows that failed validation: known, though not valid
    failed_ids: dict[str, set[str]] = field(default_factory=dict)
    #: (Excel row, identity) of every row as read, valid or not: the duplicate check
    identities: dict[str, list[tuple[int, tuple[Any, ...]]]] = field(default_factory=dict)
    #: settings key → the Excel row of the settings sheet that sets it
    setting_rows: dict[str, int] = field(default_factory=dict)
    #: the attacks sheet read by column (:mod:`defplan.workbook.columnar`), if it was
    attacks: AttackTable | None = None

    def attack_table(self) -> AttackTable:
        """The valid attack rows as a table, however they were read."""
        if self.attacks is not None:
            return self.attacks
        items = self.rows.get("attacks", [])
        rows = [i.row for i in items if isinstance(i.row, AttackRow)]
        return AttackTable.from_rows(rows, [i.excel_row for i in items])

    def failed(self, sheet: str, value: str) -> bool:
        """Whether a row of ``sheet`` with this id (its first key column) failed
        validation: a check that depends on that row would only echo its error."""
        return value in self.failed_ids.get(sheet, set())

    def of(self, sheet: str) -> Iterator[tuple[Any, int]]:
        """Each validated row of ``sheet`` with its Excel row number."""
        if sheet == "attacks" and self.attacks is not None:
            yield from zip(self.attacks, self.attacks.excel_rows.tolist(), strict=True)
            return
        for item in self.rows.get(sheet, []):
            yield item.row, item.excel_row

    def has_rows(self, sheet: str) -> bool:
        """Whether ``sheet`` has a valid row."""
        if sheet == "attacks" and self.attacks is not None:
            return len(self.attacks) > 0
        return bool(self.rows.get(sheet))

    def problem(
        self,
        sheet: str,
        row: int | None,
        column: str | None,
        message: str,
        severity: Severity = "error",
    ) -> Problem:
        """A problem on ``sheet`` at this row and column, naming the sheet's file."""
        return Problem(self.files.get(sheet, "?"), sheet, row, column, message, severity)


def check_all(sheets: Sheets) -> list[Problem]:
    """Every cross-sheet check, in a fixed order."""
    problems: list[Problem] = []
    for check in CHECKS:
        problems += check(sheets)
    return problems


def check_duplicate_keys(sheets: Sheets) -> list[Problem]:
    """A row key (or a rule) given twice, from the raw cells: bad cells do not hide it."""
    problems = []
    for sheet, identities in sheets.identities.items():
        key = identity_columns(ROW_TYPE_OF[sheet])
        first: dict[tuple[Any, ...], int] = {}
        for excel_row, value in identities:
            if value not in first:
                first[value] = excel_row
            elif not ROW_TYPE_OF[sheet].key:
                problems.append(
                    sheets.problem(
                        sheet, excel_row, "kind", f"repeats the rule on row {first[value]}"
                    )
                )
            else:
                shown = ", ".join(show(v) for v in value)
                problems.append(
                    sheets.problem(
                        sheet,
                        excel_row,
                        key[-1],
                        f"{shown} is already on row {first[value]} (expected each "
                        f"{' + '.join(key)} once)",
                    )
                )
    return problems


def _reference(
    sheets: Sheets,
    sheet: str,
    row: int,
    column: str,
    value: str | None,
    known: dict[str, Any],
    noun: str,
) -> list[Problem]:
    if value is None or value in known or value in sheets.failed_ids.get(noun + "s", set()):
        return []
    if not sheets.rows.get(noun + "s"):
        # the sheet is missing, empty or lost its id column: that is reported once,
        # not again for every row that names one of its ids
        return []
    tail = hint(value, known)
    return [
        sheets.problem(
            sheet, row, column, f"{show(value)} is not a {noun} in the {noun}s sheet{tail}"
        )
    ]


def check_references(sheets: Sheets) -> list[Problem]:
    """Every id that names a base, system or weapon names one that exists."""
    bases = {b.base_id: b for b, _ in sheets.of("bases")}
    systems = {s.system_id: s for s, _ in sheets.of("systems")}
    weapons = {w.weapon: w for w, _ in sheets.of("weapons")}
    # the noun names the sheet an id must come from: base → bases
    base_noun, system_noun, weapon_noun = "base", "system", "weapon"
    out: list[Problem] = []

    def ref(
        sheet: str, row: int, column: str, value: str | None, known: dict[str, Any], noun: str
    ) -> None:
        out.extend(_reference(sheets, sheet, row, column, value, known, noun))

    for e, r in sheets.of("effectiveness"):
        assert isinstance(e, EffectivenessRow)
        ref("effectiveness", r, "system_id", e.system_id, systems, system_noun)
        ref("effectiveness", r, "weapon", e.weapon, weapons, weapon_noun)
    for z, r in sheets.of("threat_zones"):
        assert isinstance(z, ThreatZoneRow)
        for weapon in z.weapons:
            ref("threat_zones", r, "weapons", weapon, weapons, weapon_noun)
    for b, r in sheets.of("bases"):
        assert isinstance(b, BaseRow)
        for column in ("hardening_by_weapon", "warning_minutes"):
            for item in getattr(b, column):
                ref("bases", r, column, item.weapon, weapons, weapon_noun)
    out += _attack_references(sheets, bases, weapons)
    for d, r in sheets.of("deployed"):
        assert isinstance(d, DeployedRow)
        ref("deployed", r, "base_id", d.base_id, bases, base_noun)
        ref("deployed", r, "system_id", d.system_id, systems, system_noun)
    for rule, r in sheets.of("rules"):
        assert isinstance(rule, RuleRow)
        ref("rules", r, "base_id", rule.base_id, bases, base_noun)
        ref("rules", r, "system_id", rule.system_id, systems, system_noun)
    for o, r in sheets.of("options"):
        assert isinstance(o, OptionRow)
        ref("options", r, "base_id", o.base_id, bases, base_noun)
        ref("options", r, "to_base_id", o.to_base_id, bases, base_noun)
        ref("options", r, "system_id", o.system_id, systems, system_noun)
    for route, r in sheets.of("routes"):
        assert isinstance(route, RouteRow)
        ref("routes", r, "from_base", route.from_base, bases, base_noun)
        ref("routes", r, "to_base", route.to_base, bases, base_noun)
        if route.from_base == route.to_base:
            out.append(sheets.problem("routes", r, "to_base", "is the same base as from_base"))
    return out


def _attack_references(
    sheets: Sheets, bases: dict[str, Any], weapons: dict[str, Any]
) -> list[Problem]:
    """:func:`_reference` for every attack's base and weapon, judged once per distinct
    value (a million attacks name a few hundred bases)."""
    table = sheets.attack_table()
    rows = table.excel_rows.tolist()
    found: dict[int, list[Problem]] = {}
    for column, known, noun in (("base_id", bases, "base"), ("weapon", weapons, "weapon")):
        codes, values = distinct(table.column(column))
        verdicts = [_reference(sheets, "attacks", 0, column, v, known, noun) for v in values]
        bad = np.flatnonzero(np.array([bool(v) for v in verdicts], dtype=bool)[codes])
        for i in bad.tolist():
            found.setdefault(i, []).append(dataclasses.replace(verdicts[codes[i]][0], row=rows[i]))
    return [problem for i in sorted(found) for problem in found[i]]


def check_bases(sheets: Sheets) -> list[Problem]:
    """Warnings on bases: more troops than capacity, troops at a closed base."""
    out = []
    for b, r in sheets.of("bases"):
        assert isinstance(b, BaseRow)
        if b.capacity is not None and b.troops > b.capacity:
            out.append(
                sheets.problem(
                    "bases",
                    r,
                    "capacity",
                    f"{b.capacity} is below the {b.troops} troops there",
                    "warning",
                )
            )
        if b.status == "closed" and b.troops > 0:
            out.append(
                sheets.problem(
                    "bases", r, "troops", f"a closed base still counts {b.troops} troops", "warning"
                )
            )
    return out


def check_deployment(sheets: Sheets) -> list[Problem]:
    """Units sit at bases that can hold them, within inventory and max_per_base."""
    bases = {b.base_id: b for b, _ in sheets.of("bases")}
    systems = {s.system_id: (s, r) for s, r in sheets.of("systems")}
    forbidden = _forbidden(sheets)
    out = []
    used: dict[str, int] = defaultdict(int)
    rows_by_system: dict[str, list[int]] = defaultdict(list)
    for d, r in sheets.of("deployed"):
        assert isinstance(d, DeployedRow)
        used[d.system_id] += d.units
        rows_by_system[d.system_id].append(r)
        base = bases.get(d.base_id)
        if base is not None and base.status == "closed":
            out.append(
                sheets.problem(
                    "deployed", r, "base_id", f"{show(d.base_id)} is closed and cannot hold units"
                )
            )
        if d.system_id in systems:
            system = systems[d.system_id][0]
            if system.max_per_base is not None and d.units > system.max_per_base:
                out.append(
                    sheets.problem(
                        "deployed",
                        r,
                        "units",
                        f"{d.units} is more than {d.system_id}'s max_per_base of "
                        f"{system.max_per_base}",
                    )
                )
        if (d.base_id, d.system_id) in forbidden or (d.base_id, None) in forbidden:
            out.append(
                sheets.problem(
                    "deployed",
                    r,
                    "base_id",
                    f"{d.system_id} is deployed where a forbid rule bans it "
                    "(the plan will move it)",
                    "warning",
                )
            )
    for system_id, units in sorted(used.items()):
        if system_id not in systems:
            continue
        system, row = systems[system_id]
        if units > system.inventory:
            rows = ", ".join(str(x) for x in rows_by_system[system_id])
            out.append(
                sheets.problem(
                    "systems",
                    row,
                    "inventory",
                    f"{system.inventory} is less than the {units} units deployed "
                    f"(deployed rows {rows})",
                )
            )
    return out


def _forbidden(sheets: Sheets) -> dict[tuple[str, str | None], int]:
    return {
        (rule.base_id, rule.system_id): r
        for rule, r in sheets.of("rules")
        if isinstance(rule, RuleRow) and rule.kind == "forbid"
    }


@dataclass(frozen=True)
class _Floor:
    """Units a rule forces at one site: a min_units value, or what a lock keeps."""

    units: int
    row: int
    text: str


def check_rules(sheets: Sheets) -> list[Problem]:
    """Rules that cannot all hold, found without a solver.

    Per site: a min_units or lock where a forbid rule applies or at a closed base, or
    forcing more units than a max_units rule or the system's max_per_base allow. Per
    system: the units forced at every base adding up to more than the inventory.
    """
    bases = {b.base_id: b for b, _ in sheets.of("bases")}
    systems = {s.system_id: s for s, _ in sheets.of("systems")}
    deployed = {(d.base_id, d.system_id): d.units for d, _ in sheets.of("deployed")}
    forbidden = _forbidden(sheets)
    out = []
    seen: dict[tuple[str, str, str | None], int] = {}
    floors: dict[tuple[str, str], list[_Floor]] = defaultdict(list)
    highs: dict[tuple[str, str], tuple[int, int]] = {}
    for rule, r in sheets.of("rules"):
        assert isinstance(rule, RuleRow)
        signature = (rule.kind, rule.base_id, rule.system_id)
        if signature in seen:
            continue  # check_duplicate_keys reports it
        seen[signature] = r
        base = bases.get(rule.base_id)
        banned_row = forbidden.get((rule.base_id, rule.system_id)) or forbidden.get(
            (rule.base_id, None)
        )
        if rule.kind != "forbid" and banned_row is not None and rule.kind != "max_units":
            out.append(
                sheets.problem(
                    "rules",
                    r,
                    "kind",
                    f"{rule.kind} on {rule.base_id}/{rule.system_id} contradicts the forbid "
                    f"rule on row {banned_row}",
                )
            )
        if rule.kind in ("min_units", "lock") and base is not None and base.status == "closed":
            out.append(
                sheets.problem(
                    "rules",
                    r,
                    "base_id",
                    f"{rule.kind} asks for units at closed base {rule.base_id}",
                )
            )
        key = (rule.base_id, rule.system_id or "")
        if rule.kind == "min_units" and rule.value is not None:
            floors[key].append(_Floor(rule.value, r, f"min_units {rule.value}"))
        if rule.kind == "max_units" and rule.value is not None:
            highs[key] = (rule.value, r)
        if rule.kind == "lock" and rule.system_id is not None:
            held = deployed.get((rule.base_id, rule.system_id), 0)
            units = rule.value if rule.value is not None else held
            how = f"lock of {units} unit(s)" + (" (as deployed)" if rule.value is None else "")
            floors[key].append(_Floor(units, r, how))
            # a deployed row at this base that failed leaves what is held there unknown
            known = not sheets.failed("deployed", rule.base_id)
            if known and units == 0:
                out.append(
                    sheets.problem(
                        "rules",
                        r,
                        "value",
                        f"locks {rule.system_id} at {rule.base_id}, but none is deployed there "
                        "(give a value, or deploy units first)",
                    )
                )
            elif known and rule.value is not None and rule.value > held:
                out.append(
                    sheets.problem(
                        "rules",
                        r,
                        "value",
                        f"locks {rule.value} units but only {held} are deployed there",
                    )
                )
    out += _site_limits(sheets, floors, highs, systems)
    out += _forced_above_inventory(sheets, floors, systems)
    return out


def _site_limits(
    sheets: Sheets,
    floors: dict[tuple[str, str], list[_Floor]],
    highs: dict[tuple[str, str], tuple[int, int]],
    systems: dict[str, SystemRow],
) -> list[Problem]:
    """A minimum or lock above the site's max_units rule or the system's max_per_base."""
    out = []
    for (base_id, system_id), found in sorted(floors.items()):
        system = systems.get(system_id)
        for floor in found:
            if (base_id, system_id) in highs and highs[base_id, system_id][0] < floor.units:
                high, high_row = highs[base_id, system_id]
                out.append(
                    sheets.problem(
                        "rules",
                        floor.row,
                        "value",
                        f"{floor.text} is above max_units {high} on row {high_row} "
                        f"for {base_id}/{system_id} (expected at most {high} there)",
                    )
                )
            if (
                system is not None
                and system.max_per_base is not None
                and floor.units > system.max_per_base
            ):
                out.append(
                    sheets.problem(
                        "rules",
                        floor.row,
                        "value",
                        f"{floor.text} at {base_id} is more than {system_id}'s max_per_base "
                        f"of {system.max_per_base} (expected at most {system.max_per_base})",
                    )
                )
    return out


def _forced_above_inventory(
    sheets: Sheets, floors: dict[tuple[str, str], list[_Floor]], systems: dict[str, SystemRow]
) -> list[Problem]:
    """Per system, the least units the rules force at every base, above the inventory."""
    forced: dict[str, list[tuple[str, _Floor]]] = defaultdict(list)
    for (base_id, system_id), found in sorted(floors.items()):
        top = max(found, key=lambda f: (f.units, -f.row))
        if top.units > 0:
            forced[system_id].append((base_id, top))
    out = []
    for system_id, sites in sorted(forced.items()):
        system = systems.get(system_id)
        total = sum(floor.units for _, floor in sites)
        if system is None or total <= system.inventory:
            continue
        sites.sort(key=lambda site: site[1].row)
        rows = ", ".join(str(floor.row) for _, floor in sites)
        why = "; ".join(f"row {f.row} {f.text} at {base_id}" for base_id, f in sites)
        out.append(
            sheets.problem(
                "rules",
                None,
                "value",
                f"rules on rows {rows} force {total} {system_id} units in all ({why}), but "
                f"the inventory is {system.inventory} (expected at most {system.inventory})",
            )
        )
    return out


#: What ``defplan options`` does with an option that cannot be applied.
INFEASIBLE = "defplan options lists option {} as infeasible"


def check_options(sheets: Sheets) -> list[Problem]:
    """Options that cannot be applied as written: warnings, not errors.

    An option is a what-if, not part of today's theater: one that receives at a closed
    base or moves more troops or units than are there is scored as infeasible with the
    reason (docs/posture.md), and does not stop the theater from loading. An id that
    names nothing is still an error (check_references).
    """
    bases = {b.base_id: b for b, _ in sheets.of("bases")}
    deployed = {(d.base_id, d.system_id): d.units for d, _ in sheets.of("deployed")}
    out = []
    for o, r in sheets.of("options"):
        assert isinstance(o, OptionRow)
        then = INFEASIBLE.format(o.option_id)
        target = bases.get(o.to_base_id or "")
        if target is not None and target.status == "closed":
            out.append(
                sheets.problem(
                    "options",
                    r,
                    "to_base_id",
                    f"{show(o.to_base_id)} is closed and cannot receive ({then})",
                    "warning",
                )
            )
        source = bases.get(o.base_id)
        if o.action == "close" and source is not None and source.status == "closed":
            out.append(
                sheets.problem(
                    "options", r, "base_id", f"{show(o.base_id)} is already closed", "warning"
                )
            )
        if (
            o.action == "move_troops"
            and source is not None
            and o.units is not None
            and o.units > source.troops
        ):
            out.append(
                sheets.problem(
                    "options",
                    r,
                    "units",
                    f"{o.units} is more than the {source.troops} troops there ({then})",
                    "warning",
                )
            )
        if (
            o.action == "move_system"
            and o.system_id
            and o.units is not None
            and not sheets.failed("deployed", o.base_id)  # else its units are unknown
        ):
            held = deployed.get((o.base_id, o.system_id), 0)
            if o.units > held:
                out.append(
                    sheets.problem(
                        "options",
                        r,
                        "units",
                        f"{o.units} is more than the {held} {o.system_id} units deployed "
                        f"there ({then})",
                        "warning",
                    )
                )
    return out


def check_coverage_of_model(sheets: Sheets) -> list[Problem]:
    """Warnings about a theater that validates but will say little."""
    out = []
    if not sheets.has_rows("attacks") and not sheets.rows.get("threat_zones"):
        out.append(
            sheets.problem(
                "attacks",
                None,
                None,
                "neither attacks nor threat_zones has rows: every risk will be zero",
                "warning",
            )
        )
    # with no effectiveness rows (an error already) every system and weapon would be named
    rated = bool(sheets.rows.get("effectiveness"))
    engaged = {e.system_id for e, _ in sheets.of("effectiveness")}
    for s, r in sheets.of("systems"):
        assert isinstance(s, SystemRow)
        if rated and s.system_id not in engaged:
            out.append(
                sheets.problem(
                    "systems",
                    r,
                    "system_id",
                    f"{s.system_id} has no effectiveness rows, so it engages nothing",
                    "warning",
                )
            )
    stopped = {e.weapon for e, _ in sheets.of("effectiveness")}
    for w, r in sheets.of("weapons"):
        assert isinstance(w, WeaponRow)
        if rated and w.weapon not in stopped:
            out.append(
                sheets.problem("weapons", r, "weapon", f"no system engages {w.weapon}", "note")
            )
    out += _attack_notes(sheets)
    return out


def _attack_notes(sheets: Sheets) -> list[Problem]:
    """Attacks the risk model will leave out: not at a base, undated, after as_of."""
    table = sheets.attack_table()
    base_ids, dates = table.column("base_id"), table.column("date")
    as_of = sheets.settings.as_of
    unplaced = is_none(base_ids)
    undated = is_none(dates)
    late = np.zeros(len(table), dtype=bool)
    if as_of is not None:
        late[~undated] = dates[~undated] > as_of
    out = []
    rows, sites = table.excel_rows.tolist(), table.column("site")
    for i in np.flatnonzero(unplaced | undated | late).tolist():
        r = rows[i]
        if unplaced[i]:
            out.append(
                sheets.problem(
                    "attacks",
                    r,
                    "base_id",
                    f"site {sites[i]!r} is not a base of this theater; the risk model leaves "
                    "it out",
                    "note",
                )
            )
        if undated[i]:
            out.append(
                sheets.problem(
                    "attacks",
                    r,
                    "date",
                    "is blank; the risk model leaves undated attacks out",
                    "note",
                )
            )
        if late[i]:
            out.append(
                sheets.problem(
                    "attacks", r, "date", f"{dates[i]} is after settings.as_of {as_of}", "warning"
                )
            )
    return out


def check_settings(sheets: Sheets) -> list[Problem]:
    """Settings that ask for something the theater does not hold."""
    if sheets.settings.coverage_distance != "routes" or "routes" in sheets.rows:
        return []  # a routes sheet whose every row is bad has its own errors
    return [
        sheets.problem(
            "settings",
            sheets.setting_rows.get("coverage_distance"),
            "value",
            "coverage_distance: 'routes' needs a routes sheet, and this theater has none "
            "(expected great_circle, or a routes sheet with from_base, to_base, distance_km)",
        )
    ]


def check_completeness(sheets: Sheets) -> list[Problem]:
    """Completeness periods do not overlap: each day of the record has one share."""
    periods = sorted(
        (row.period_start, row.period_end, r)
        for row, r in sheets.of("completeness")
        if isinstance(row, CompletenessRow)
    )
    out = []
    latest: tuple[dt.date, int] | None = None  # the furthest end so far, and its row
    for start, end, row in periods:
        if latest is not None and start <= latest[0]:
            out.append(
                sheets.problem(
                    "completeness",
                    row,
                    "period_start",
                    f"{start} falls inside the period on row {latest[1]}, which ends "
                    f"{latest[0]} (expected periods that do not overlap)",
                )
            )
        if latest is None or end > latest[0]:
            latest = (end, row)
    return out


CHECKS: tuple[Callable[[Sheets], list[Problem]], ...] = (
    check_duplicate_keys,
    check_references,
    check_bases,
    check_completeness,
    check_deployment,
    check_rules,
    check_options,
    check_coverage_of_model,
    check_settings,
)
