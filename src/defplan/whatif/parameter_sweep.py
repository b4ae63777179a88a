"""sweep: re-solve while one input varies, with the marginal value of each step.

A vary spec names the input and its values (docs/whatif.md)::

    inventory:<system_id>=<values>          inventory:patriot=0..8
    setting:<key>=<values>                  setting:troop_weight=0.5,1,2
    zone:<zone_id>.<field>=<values>         zone:jurf.intensity=1,2,4
    base:<base_id>.<field>=<values>         base:al_asad.hardening=0,0.2,0.4

``<values>`` is a range of whole numbers ``a..b`` (both included), or a list
``v1,v2,…``. Zone fields: intensity, radius_km, lat, lon; base fields: troops,
mission_value, hardening (not capacity: a plan places systems, not troops, so a
base's capacity changes nothing in it; `options` is where capacity counts). Every
point is a full :func:`defplan.plan.plan` of the changed theater; the risk is
recomputed when a setting, zone or base changes (an inventory leaves it as it
is). The points run through :func:`defplan.executor.run_all`, so the result is the
same as solving them one by one, on any number of workers.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from pydantic import ValidationError

from defplan.executor import Executor, run_all
from defplan.model import Objective
from defplan.plan import Plan
from defplan.risk import RiskTable
from defplan.risk import risk as compute_risk
from defplan.scenario import BaseRow, Scenario, Settings, ThreatZoneRow
from defplan.suggest import expected_one_of, hint
from defplan.whatif.jobs import (
    Job,
    Outcome,
    SolveOptions,
    allocation_changes,
    solve_job,
    with_inventory,
)

VaryKind = Literal["inventory", "setting", "zone", "base"]

VARY_KINDS = ("inventory", "setting", "zone", "base")
ZONE_FIELDS = ("intensity", "radius_km", "lat", "lon")
BASE_FIELDS = ("troops", "mission_value", "hardening")
#: Most points one sweep may have.
MAX_POINTS = 10_000

FORMS = (
    "expected one of: inventory:<system_id>=0..8, setting:<key>=0.5,1,2, "
    "zone:<zone_id>.<field>=1,2,4 (fields: " + ", ".join(ZONE_FIELDS) + "), "
    "base:<base_id>.<field>=0,0.2 (fields: " + ", ".join(BASE_FIELDS) + "); "
    "values are a range a..b of whole numbers or a list v1,v2,…"
)

_SPEC = re.compile(
    r"^\s*(?P<kind>[a-z_]+)\s*:\s*(?P<target>[^=.\s]+)(?:\.(?P<field>[a-z_]+))?"
    r"\s*(?:=\s*(?P<values>.*?))?\s*$"
)
_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$")


@dataclass(frozen=True)
class VarySpec:
    """Which input a sweep varies, and over which values."""

    kind: VaryKind
    target: str  # system_id, settings key, zone_id or base_id
    field: str | None  # the zone's or base's column; None otherwise
    values: tuple[float, ...]

    @property
    def label(self) -> str:
        """``kind:target.field`` as the sweep's tables name this variation."""
        where = f"{self.target}.{self.field}" if self.field else self.target
        return f"{self.kind}:{where}"


def parse_values(text: str) -> tuple[float, ...]:
    """``a..b`` (whole numbers, both ends included) or ``v1,v2,…``; ValueError otherwise."""
    text = text.strip()
    if not text:
        raise ValueError(f"no values given; {FORMS}")
    found = _RANGE.match(text)
    if found:
        start, stop = int(found.group(1)), int(found.group(2))
        if stop < start:
            raise ValueError(f"range {text!r} runs backwards (expected a..b with a ≤ b)")
        if stop - start + 1 > MAX_POINTS:
            raise ValueError(f"range {text!r} has more than {MAX_POINTS} points")
        return tuple(float(v) for v in range(start, stop + 1))
    if ".." in text:
        raise ValueError(f"{text!r} is not a range of whole numbers (expected e.g. 0..8)")
    values: list[float] = []
    for part in text.split(","):
        item = part.strip()
        try:
            value = float(item)
        except ValueError:
            raise ValueError(f"{item!r} in {text!r} is not a number; {FORMS}") from None
        if not math.isfinite(value):
            raise ValueError(f"{item!r} in {text!r} is not a finite number")
        values.append(value)
    if len(values) > MAX_POINTS:
        raise ValueError(f"{len(values)} values: at most {MAX_POINTS}")
    return tuple(values)


def parse_vary(spec: str, values: Sequence[float] | None = None) -> VarySpec:
    """Read ``kind:target[.field]=values``; ``values`` may instead be given apart.

    Only the form is checked here; :func:`vary_scenario` checks the names and the
    values against a theater.
    """
    found = _SPEC.match(spec)
    if not found:
        raise ValueError(f"{spec!r} is not a vary spec; {FORMS}")
    kind, target, field = found.group("kind"), found.group("target"), found.group("field")
    if kind not in VARY_KINDS:
        raise ValueError(
            f"{kind!r} in {spec!r} is not something a sweep varies{hint(kind, VARY_KINDS)}; {FORMS}"
        )
    if kind in ("zone", "base"):
        fields = ZONE_FIELDS if kind == "zone" else BASE_FIELDS
        if field is None:
            raise ValueError(
                f"{spec!r} names no field of the {kind} (expected {kind}:<id>.<field>, "
                f"field one of {', '.join(fields)})"
            )
        if field not in fields:
            raise ValueError(
                f"{field!r} is not a {kind} field a sweep varies ({expected_one_of(field, fields)})"
            )
    elif field is not None:
        raise ValueError(f"{spec!r}: a {kind} has no fields (expected {kind}:<name>=values)")
    text = found.group("values")
    if text is not None and values is not None:
        raise ValueError(f"{spec!r} gives values and so does the call: give them once")
    if text is not None:
        parsed = parse_values(text)
    elif values is not None:
        parsed = tuple(float(v) for v in values)
        if not parsed:
            raise ValueError("no values given")
    else:
        raise ValueError(f"{spec!r} gives no values (expected e.g. {kind}:{target}=0..4)")
    if kind == "inventory":
        for value in parsed:
            if value < 0 or not float(value).is_integer():
                raise ValueError(
                    f"inventory must be whole numbers of units, 0 or more (got {value:g})"
                )
    return VarySpec(kind, target, field, parsed)  # type: ignore[arg-type]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def vary_scenario(scenario: Scenario, spec: VarySpec, value: float) -> Scenario:
    """The scenario with the varied input set to ``value``, validated like a workbook."""
    number = _number(value)
    if spec.kind == "inventory":
        systems = [s.system_id for s in scenario.systems]
        if spec.target not in systems:
            raise ValueError(
                f"{spec.target!r} is not a system of the theater "
                f"({expected_one_of(spec.target, systems)})"
            )
        return with_inventory(scenario, {spec.target: int(value)})
    if spec.kind == "setting":
        if spec.target not in Settings.model_fields:
            raise ValueError(
                f"{spec.target!r} is not a setting "
                f"({expected_one_of(spec.target, Settings.model_fields)})"
            )
        try:
            settings = Settings(**{**scenario.settings.model_dump(), spec.target: number})
        except ValidationError as exc:
            raise ValueError(f"setting {spec.target} = {value:g}: {_first(exc)}") from None
        return dataclasses.replace(scenario, settings=settings)
    assert spec.field is not None
    if spec.kind == "zone":
        zones = {z.zone_id: z for z in scenario.threat_zones}
        if spec.target not in zones:
            raise ValueError(
                f"{spec.target!r} is not a threat zone "
                f"({expected_one_of(spec.target, zones, none='the theater has no zones')})"
            )
        changed_zone = _revalidate(ThreatZoneRow, zones[spec.target], spec.field, number)
        return dataclasses.replace(
            scenario,
            threat_zones=tuple(
                changed_zone if z.zone_id == spec.target else z for z in scenario.threat_zones
            ),
        )
    if spec.target not in scenario.base_by_id:
        raise ValueError(
            f"{spec.target!r} is not a base of the theater "
            f"({expected_one_of(spec.target, scenario.base_by_id)})"
        )
    changed_base = _revalidate(BaseRow, scenario.base_by_id[spec.target], spec.field, number)
    return dataclasses.replace(
        scenario,
        bases=tuple(changed_base if b.base_id == spec.target else b for b in scenario.bases),
    )


def _first(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return str(error.get("msg", exc))


def _revalidate(row_type: Any, row: Any, field: str, value: float) -> Any:
    try:
        return row_type.model_validate({**row.model_dump(), field: value})
    except ValidationError as exc:
        raise ValueError(f"{row_type.sheet} {field} = {value:g}: {_first(exc)}") from None


@dataclass(frozen=True, eq=False)
class Sweep:
    """One row per point: the value, the plan's figures and the marginal value."""

    spec: VarySpec
    rows: pd.DataFrame
    plans: tuple[Plan | None, ...]

    def brief(self) -> list[str]:
        """Lines a planner can paste: the curve's ends and the best and worst steps."""
        frame = self.rows[self.rows["status"] != "infeasible"]
        if frame.empty:
            return [f"Sweep of {self.spec.label}: no point has a feasible plan."]
        first, last = frame.iloc[0], frame.iloc[-1]
        lines = [
            f"Sweep of {self.spec.label} from {first['value']:g} to {last['value']:g}: "
            f"objective {first['objective']:.3f} → {last['objective']:.3f}/yr."
        ]
        points = frame[frame["marginal_per_unit"].notna()].reset_index(drop=True)
        if not points.empty:
            values = points["marginal_per_unit"].to_numpy(dtype=float)
            top = points.iloc[int(values.argmax())]
            low = points.iloc[int(values.argmin())]
            kind = next((p.objective_kind for p in self.plans if p is not None), "expected")
            removes = "removes" if kind == "expected" else f"lowers the {kind} objective by"
            if self.spec.kind == "inventory":
                lines.append(
                    f"An extra {self.spec.target} {removes} {top['marginal_per_unit']:.4f}/yr at "
                    f"best (the unit that makes {top['value']:g}) and "
                    f"{low['marginal_per_unit']:.4f}/yr at least (at {low['value']:g})."
                )
            else:
                what = "Risk removed" if kind == "expected" else f"Fall in the {kind} objective"
                lines.append(
                    f"{what} per unit rise of {self.spec.label}: from "
                    f"{low['marginal_per_unit']:.4f}/yr (at {low['value']:g}) to "
                    f"{top['marginal_per_unit']:.4f}/yr (at {top['value']:g}); "
                    "negative means risk added."
                )
        for row in self.rows[self.rows["status"] == "infeasible"].to_dict("records"):
            lines.append(f"At {row['value']:g}: infeasible: {row['message']}")
        return lines


def sweep(
    scenario: Scenario,
    vary: str | VarySpec,
    values: Sequence[float] | None = None,
    *,
    objective: Objective | None = None,
    solver: str | None = None,
    backend: str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    max_moves: int | None = None,
    table: RiskTable | None = None,
    workers: int | None = None,
    progress: bool = False,
    executor: Executor | None = None,
) -> Sweep:
    """Plan the theater at every value of one input (see the module docstring).

    ``vary`` is a spec (with its values after ``=``, or ``values`` given apart).
    Raises ValueError for a bad spec or a value the theater does not accept, before
    anything is solved. A point no allocation satisfies has status ``infeasible``.
    """
    spec = vary if isinstance(vary, VarySpec) else parse_vary(vary, values)
    if isinstance(vary, VarySpec) and values is not None:
        spec = dataclasses.replace(spec, values=tuple(float(v) for v in values))
    scenarios = [vary_scenario(scenario, spec, value) for value in spec.values]
    shared = None
    if spec.kind == "inventory":
        shared = table or compute_risk(scenario)
    options = SolveOptions(objective, solver, backend, time_limit, gap, threads, max_moves)
    jobs = [Job(s, options, shared) for s in scenarios]
    outcomes = run_all(
        solve_job,
        jobs,
        workers=workers,
        description=f"sweep {spec.label}",
        progress=progress,
        executor=executor,
    )
    return Sweep(spec, sweep_rows(spec, outcomes), tuple(o.plan for o in outcomes))


def sweep_rows(spec: VarySpec, outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """The sweep's table; ``marginal_per_unit`` is the objective removed per unit the
    input rises from the previous feasible point (negative: risk added)."""
    rows: list[dict[str, Any]] = []
    previous: tuple[float, float, Plan] | None = None
    whole = all(float(v).is_integer() for v in spec.values)  # 0..8 reads 0, 1, … not 0.0
    for value, outcome in zip(spec.values, outcomes, strict=True):
        result = outcome.plan
        row: dict[str, Any] = {
            "value": int(value) if whole else value,
            "status": outcome.status,
            "objective": math.nan,
            "risk_after": math.nan,
            "percent_removed": math.nan,
            "gap": math.nan,
            "marginal_per_unit": math.nan,
            "change": "",
            "worst_base": "",
            "seconds": outcome.seconds,
            "message": outcome.message,
        }
        if result is not None:
            row.update(
                objective=result.objective,
                risk_after=result.risk_after,
                percent_removed=result.percent_removed,
                gap=result.gap,
                worst_base=result.worst_base or "",
            )
            for s, system_id in enumerate(result.system_ids):
                row[f"units_{system_id}"] = int(result.allocation[:, s].sum())
            if previous is not None:
                last_value, last_objective, last_plan = previous
                if value != last_value:
                    row["marginal_per_unit"] = (last_objective - result.objective) / (
                        value - last_value
                    )
                added, taken = allocation_changes(last_plan, result)
                row["change"] = "; ".join(added + taken)
            previous = (value, result.objective, result)
        rows.append(row)
    return pd.DataFrame(rows)
