"""Everything the report shows, gathered into plain data (:class:`ReportData`).

A report is built from a plan's record (the content of plan.json, see
:func:`defplan.plan.writers.plan_record`) and the theater it was made from: the
record gives every figure of the plan, the theater gives what plan.json does not
hold (coordinates, threat zones, system ranges, the attacks' sources). Both routes
meet here, so a report of a plan in memory and one of a plan folder are the same:

- :func:`report_data` takes a :class:`~defplan.plan.Plan` and its Scenario;
- :func:`report_data_from_dir` reads ``PLAN_DIR/plan.json``, loads the theater named
  in its ``source`` (or given) and checks its SHA-256 against the recorded one.

The move orders are recomputed from the deployed sheet to the plan's allocation
(a minimum-cost flow, no solve). The priority ladder is recomputed with the plan's
objective, solver (profile, backend, time limit, gap) and move budget when it is
small (:data:`MAX_LADDER_SOLVES`); for an allocation ``evaluate`` scored (no solver
chose it) the ladder is solved with the theater's own solver settings, as ``plan``
would, and says so: the ladder is what the optimum would do, the page's allocation
is set against it. No file another command wrote is read besides plan.json.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from defplan.errors import InfeasibleError, InputError, Problem
from defplan.fields import format_partial_date
from defplan.plan.acceptance import risk_acceptance
from defplan.plan.result import EVALUATED_STATUSES, Plan
from defplan.plan.writers import plan_record, read_plan_json
from defplan.posture.distance import MoveDistances
from defplan.posture.move_orders import deployed_units, flow_orders
from defplan.posture.move_schedule import MoveSchedule, Target, schedule_to
from defplan.risk import RiskTable
from defplan.risk import risk as compute_risk
from defplan.scenario import Scenario
from defplan.whatif import Ladder, ladder
from defplan.workbook import load_scenario

#: Largest combined ladder (number of solves) the report computes by itself.
MAX_LADDER_SOLVES = 400

BASE_COLUMNS = [
    "base_id",
    "name",
    "status",
    "owner",
    "lat",
    "lon",
    "troops",
    "region",
    "risk_undefended",
    "risk_today",
    "risk_planned",
    "dominant_weapon",
    "dominant_factor",
    "units_planned",
    "units_today",
    "own_risk",
]


@dataclass(frozen=True, eq=False)
class ReportData:
    """What the report shows, as plain values and DataFrames.

    Risks are casualty-equivalents per year. ``bases`` has one row per base with
    ``hosted_<system>`` and ``defended_by_<system>`` columns for each system;
    ``hosts`` has one row per (base, system) hosting units in the plan.
    """

    title: str
    as_of: str
    summary: dict[str, Any]
    solver: dict[str, Any]
    inputs: tuple[tuple[str, str], ...]  # (file, sha256)
    bases: pd.DataFrame
    systems: pd.DataFrame  # system_id, name, mode, range_km, inventory, placed
    zones: pd.DataFrame  # zone_id, actor, lat, lon, radius_km, weapons, intensity, active
    allocation: pd.DataFrame  # plan.allocation_table()
    acceptance: pd.DataFrame  # risk_acceptance()
    moves: pd.DataFrame  # MoveOrders.frame() plus from/to coordinates
    attacks: pd.DataFrame  # attack_id, date, base_id, site, weapon, sources, evidence, risk_model
    ladder: pd.DataFrame | None = None  # units, risk_after, added, mix, kept
    ladder_on_hand: int = 0
    ladder_note: str = ""
    #: how to read the ladder, from its own steps (Ladder.reading)
    ladder_reading: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    schedule: MoveSchedule | None = None  # the moves day by day (None: nothing moves)
    schedule_note: str = ""  # why there is no schedule when there are moves
    #: robust.json of the same inputs (``defplan robust --out`` into the plan's folder)
    robust: dict[str, Any] | None = None
    #: under "attacker:k": plan.json's ``attacker`` (raids and best response), else None
    attacker: dict[str, Any] | None = None
    #: ``evaluate --simulate``: plan.json's ``leakers`` (a row per attacked base), else None
    leakers: list[dict[str, Any]] | None = None

    @property
    def system_ids(self) -> list[str]:
        """The system ids in the systems table's order."""
        return [str(s) for s in self.systems["system_id"]]


def records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A frame's rows as dicts by column name, missing values as None."""
    if frame is None or frame.empty:
        return []
    clean = frame.astype(object).where(frame.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in clean.to_dict(orient="records")]


def report_data(
    plan: Plan,
    scenario: Scenario,
    *,
    ladder_result: Ladder | None = None,
    with_ladder: bool = True,
    table: RiskTable | None = None,
    acceptance: pd.DataFrame | None = None,
) -> ReportData:
    """The report's data for a plan of ``scenario`` (as returned by ``defplan.plan``).

    ``ladder_result`` is shown when given; otherwise a combined ladder is computed
    when ``with_ladder`` and it needs at most :data:`MAX_LADDER_SOLVES` solves.
    ``table`` (the scenario's risk) and ``acceptance`` (the plan's risk-acceptance
    record) are used when given instead of being computed again.
    """
    table = table or compute_risk(scenario)
    if acceptance is None:
        acceptance = risk_acceptance(plan, scenario, table=table)
    record = plan_record(plan, acceptance)
    return data_from_record(
        record, scenario, ladder_result=ladder_result, with_ladder=with_ladder, table=table
    )


def report_data_from_dir(
    plan_dir: Path, theater: Path | None = None, *, with_ladder: bool = True
) -> ReportData:
    """The report's data for the plan in ``plan_dir`` (what ``defplan plan --out`` wrote).

    The theater is ``theater`` when given, else the ``source`` plan.json records
    (relative to the working folder), else ``source_from_plan`` (relative to
    ``plan_dir``), else ``source`` relative to ``plan_dir``.

    Raises
    ------
    InputError
        when plan.json is missing or unreadable, or the theater is missing, invalid
        or not the one the plan was made from (its SHA-256 differs).
    """
    plan_dir = Path(plan_dir)
    json_path = plan_dir / "plan.json"
    if not json_path.is_file():
        raise InputError(
            [Problem(str(plan_dir), message="holds no plan.json (run `defplan plan --out DIR`)")]
        )
    try:
        record = read_plan_json(json_path)
    except ValueError as exc:
        raise InputError([Problem(str(json_path), message=str(exc))]) from None
    source = theater if theater is not None else _find_source(record, plan_dir)
    scenario = load_scenario(source)
    check_inputs(record, scenario, source)
    data = data_from_record(record, scenario, with_ladder=with_ladder)
    return with_robust(data, plan_dir / "robust.json")


def with_robust(data: ReportData, path: Path) -> ReportData:
    """``data`` with the robust study at ``path`` when there is one of the same inputs
    (every SHA-256 equal); otherwise ``data`` as it is."""
    from defplan.robust.writers import read_robust_json

    if not path.is_file():
        return data
    try:
        robust = read_robust_json(path)
    except ValueError:
        return data
    hashes = tuple((h["file"], h["sha256"]) for h in robust.get("input_hashes", []))
    if hashes != tuple(tuple(h) for h in data.inputs):
        return data
    allocation = data.allocation
    if "stability" not in allocation.columns and _same_point_plan(allocation, robust):
        # the study's point plan is this plan: its stability goes beside each placement
        allocation = with_stability(
            allocation,
            [
                {**row, "same_share": row.get("point_same_share")}
                for row in robust.get("stability", [])
            ],
        )
    return dataclasses.replace(data, robust=robust, allocation=allocation)


def with_stability(allocation: pd.DataFrame, stability: Any) -> pd.DataFrame:
    """The allocation table with a ``stability`` column: per placement the share of
    draws whose own optimum puts the same units there (None where no draw judged it),
    from plan.json's ``stability`` rows; the table as it is without them."""
    rows = list(stability.to_dict(orient="records")) if isinstance(stability, pd.DataFrame) else []
    rows = rows or (list(stability) if isinstance(stability, list) else [])
    if not rows or allocation.empty:
        return allocation
    shares = {(str(r["base_id"]), str(r["system_id"])): r.get("same_share") for r in rows}
    keys = zip(allocation["base_id"].astype(str), allocation["system_id"].astype(str), strict=True)
    column: list[Any] = [shares.get(key) for key in keys]
    return allocation.assign(stability=pd.Series(column, index=allocation.index, dtype=object))


def _same_point_plan(allocation: pd.DataFrame, robust: dict[str, Any]) -> bool:
    """Whether a robust.json's point plan puts the allocation's units everywhere."""
    systems = robust.get("systems") or []
    planned = {
        (str(row["base_id"]), str(s)): int(row.get(f"point_{s}") or 0)
        for row in robust.get("bases", [])
        for s in systems
    }
    if not planned or allocation.empty:
        return False
    shown = {
        (str(b), str(s)): int(u)
        for b, s, u in zip(
            allocation["base_id"], allocation["system_id"], allocation["units"], strict=True
        )
    }
    return all(planned.get(key, 0) == units for key, units in shown.items()) and all(
        shown.get(key, 0) == units for key, units in planned.items()
    )


def _find_source(record: dict[str, Any], plan_dir: Path) -> Path:
    """The theater plan.json names: as written, then from plan.json's folder."""
    source = str(record["source"])
    candidates = [Path(source), plan_dir / source]
    if record.get("source_from_plan"):
        candidates.insert(1, plan_dir / str(record["source_from_plan"]))
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise InputError(
        [
            Problem(
                source,
                message=f"the theater plan.json in {plan_dir} was made from is not there "
                "(give it with --theater)",
            )
        ]
    )


def check_inputs(record: dict[str, Any], scenario: Scenario, source: Path) -> None:
    """Raise InputError unless the scenario's files hash as plan.json records."""
    recorded = sorted(str(i["sha256"]) for i in record.get("inputs", []))
    now = sorted(f.sha256 for f in scenario.provenance.files)
    if recorded != now:
        raise InputError(
            [
                Problem(
                    str(source),
                    message="is not the theater this plan was made from (its SHA-256 "
                    f"{', '.join(h[:12] for h in now) or 'none'} differs from the recorded "
                    f"{', '.join(h[:12] for h in recorded) or 'none'}); re-run `defplan plan`",
                )
            ]
        )
    base_ids = [b["base_id"] for b in record["bases"]]
    if sorted(base_ids) != sorted(b.base_id for b in scenario.bases):
        raise InputError([Problem(str(source), message="its bases differ from the plan's")])


def data_from_record(
    record: dict[str, Any],
    scenario: Scenario,
    *,
    ladder_result: Ladder | None = None,
    with_ladder: bool = True,
    table: RiskTable | None = None,
) -> ReportData:
    """The report's data from a plan record (plan.json's content) and its scenario
    (``table``: the scenario's risk, computed when not given)."""
    table = table or compute_risk(scenario)
    system_ids = [str(s["system_id"]) for s in record["systems"]]
    bases = _bases(record, scenario, system_ids, table)
    placed = {s: int(bases[f"hosted_{s}"].sum()) for s in system_ids}
    systems = pd.DataFrame(
        [
            {
                "system_id": s.system_id,
                "name": s.name,
                "mode": s.mode,
                "range_km": float(s.range_km),
                "inventory": int(
                    next(x["inventory"] for x in record["systems"] if x["system_id"] == s.system_id)
                ),
                "placed": placed.get(s.system_id, 0),
            }
            for s in scenario.systems
        ],
        columns=["system_id", "name", "mode", "range_km", "inventory", "placed"],
    )
    as_of = table.as_of
    ladder_frame, on_hand, note, reading = _ladder(
        record, scenario, table, ladder_result, with_ladder
    )
    moves = _moves(record, scenario, bases)
    timeline, timeline_note = _schedule(record, scenario, table) if len(moves) else (None, "")
    return ReportData(
        title=Path(str(record["source"])).name,
        as_of=str(as_of) if as_of else "the latest attack",
        summary=dict(record["summary"]),
        solver=dict(record["solver"]),
        inputs=tuple((str(i["file"]), str(i["sha256"])) for i in record["inputs"]),
        bases=bases,
        systems=systems,
        zones=_zones(scenario, as_of),
        allocation=with_stability(pd.DataFrame(record["allocation"]), record.get("stability")),
        acceptance=pd.DataFrame(record.get("risk_acceptance") or []),
        moves=moves,
        attacks=_attacks(scenario, table),
        ladder=ladder_frame,
        ladder_on_hand=on_hand,
        ladder_note=note,
        ladder_reading=reading,
        schedule=timeline,
        schedule_note=timeline_note,
        attacker=record.get("attacker"),
        leakers=record.get("leakers"),
    )


def _schedule(
    record: dict[str, Any], scenario: Scenario, table: RiskTable
) -> tuple[MoveSchedule | None, str]:
    """The plan's moves day by day, as ``defplan moves`` schedules them (moves not worth
    their exposure over the planning horizon left out), solved as the plan was."""
    target = Target(
        units={
            (str(a["base_id"]), str(a["system_id"])): int(a["units"])
            for a in record["allocation"]
            if int(a["units"]) > 0
        },
        inventory={str(s["system_id"]): int(s["inventory"]) for s in record["systems"]},
        objective=record["objective"]["kind"],
        blend_weight=float(record["objective"]["blend_weight"]),
    )
    backend = str(record["solver"]["backend"])
    solver = {
        "backend": backend if backend in ("highs", "scip", "cbc") else "highs",
        "time_limit": float(record["solver"]["time_limit_s"]),
        "seed": scenario.settings.seed,
    }
    try:
        return schedule_to(scenario, target, table, solver=solver), ""
    except InfeasibleError as exc:
        return None, str(exc)


def _bases(
    record: dict[str, Any], scenario: Scenario, system_ids: list[str], table: RiskTable
) -> pd.DataFrame:
    factors = table.bases.set_index("base_id")
    rows = []
    for entry in record["bases"]:
        row = scenario.base_by_id[entry["base_id"]]
        hosted = {s: int(entry["hosted"].get(s, 0)) for s in system_ids}
        today = {s: int(entry["deployed_today"].get(s, 0)) for s in system_ids}
        item: dict[str, Any] = {
            "base_id": row.base_id,
            "name": row.name,
            "status": row.status,
            "owner": row.owner,
            "lat": row.lat,
            "lon": row.lon,
            "troops": row.troops,
            "region": row.region or "",
            "risk_undefended": _float(entry["risk_undefended"]),
            "risk_today": _float(entry["risk_today"]),
            "risk_planned": _float(entry["risk_planned"]),
            "dominant_weapon": str(factors.at[row.base_id, "dominant_weapon"] or ""),
            "dominant_factor": str(factors.at[row.base_id, "dominant_factor"] or ""),
            "units_planned": sum(hosted.values()),
            "units_today": sum(today.values()),
            # the base's own risk, whoever's it is (a partner's counts in no plan total)
            "own_risk": _float(factors.at[row.base_id, "risk"]),
        }
        for s in system_ids:
            item[f"hosted_{s}"] = hosted[s]
            item[f"today_{s}"] = today[s]
            item[f"defended_by_{s}"] = _float(entry["defended_by"].get(s))
        rows.append(item)
    frame = pd.DataFrame(rows)
    return frame.sort_values(
        ["risk_undefended", "base_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def _float(value: Any) -> float:
    return math.nan if value is None else float(value)


def _zones(scenario: Scenario, as_of: dt.date | None) -> pd.DataFrame:
    """The threat zones; without an as-of date every zone counts as active."""
    rows = [
        {
            "zone_id": z.zone_id,
            "actor": z.actor,
            "lat": z.lat,
            "lon": z.lon,
            "radius_km": float(z.radius_km),
            "weapons": ", ".join(z.weapons),
            "intensity": float(z.intensity),
            "active": as_of is None
            or (
                (z.active_from is None or z.active_from <= as_of)
                and (z.active_to is None or as_of <= z.active_to)
            ),
        }
        for z in scenario.threat_zones
    ]
    columns = ["zone_id", "actor", "lat", "lon", "radius_km", "weapons", "intensity", "active"]
    return pd.DataFrame(rows, columns=columns)


def _moves(record: dict[str, Any], scenario: Scenario, bases: pd.DataFrame) -> pd.DataFrame:
    target = {
        (str(a["base_id"]), str(a["system_id"])): int(a["units"])
        for a in record["allocation"]
        if int(a["units"]) > 0
    }
    inventory = {str(s["system_id"]): int(s["inventory"]) for s in record["systems"]}
    orders = flow_orders(deployed_units(scenario), target, inventory, MoveDistances(scenario))
    columns = ["system_id", "units", "from_base", "to_base", "km", "hours", "basis"]
    frame = pd.DataFrame([{c: getattr(o, c) for c in columns} for o in orders], columns=columns)
    lat = {str(k): float(v) for k, v in zip(bases["base_id"], bases["lat"], strict=True)}
    lon = {str(k): float(v) for k, v in zip(bases["base_id"], bases["lon"], strict=True)}
    for end in ("from", "to"):
        ids = [str(b) for b in frame[f"{end}_base"]]
        frame[f"{end}_lat"] = pd.Series([lat.get(b, math.nan) for b in ids], dtype=float)
        frame[f"{end}_lon"] = pd.Series([lon.get(b, math.nan) for b in ids], dtype=float)
    return frame


def _attacks(scenario: Scenario, table: RiskTable) -> pd.DataFrame:
    """Each attack's id, date, target and where it is told: file names and spans, no text.

    ``risk_model`` is "counted", or "left out: <why>" for the rows the risk model left
    out (a site outside the theater, a date after the as-of day, …)."""
    left_out = {e.attack_id: e.reason for e in table.excluded}
    rows = [
        {
            "attack_id": a.attack_id,
            "date": format_partial_date(a.date, a.precision) if a.date else "",
            "base_id": a.base_id or "",
            "site": a.site or "",
            "weapon": a.weapon,
            "killed": a.killed,
            "wounded": a.wounded,
            "sources": "; ".join(a.source),
            "evidence": "; ".join(a.evidence),
            "risk_model": f"left out: {left_out[a.attack_id]}"
            if a.attack_id in left_out
            else "counted",
        }
        for a in scenario.attacks
    ]
    columns = [
        "attack_id",
        "date",
        "base_id",
        "site",
        "weapon",
        "killed",
        "wounded",
        "sources",
        "evidence",
        "risk_model",
    ]
    return pd.DataFrame(rows, columns=columns)


def _ladder(
    record: dict[str, Any],
    scenario: Scenario,
    table: RiskTable,
    given: Ladder | None,
    with_ladder: bool,
) -> tuple[pd.DataFrame | None, int, str, tuple[str, ...]]:
    """(ladder table, units on hand, note, how to read it) — the table None when not
    computed."""
    if given is None:
        if not with_ladder:
            return None, 0, "not computed (asked not to)", ()
        solves = math.prod(int(s["inventory"]) + 1 for s in record["systems"])
        if solves > MAX_LADDER_SOLVES:
            return (
                None,
                0,
                f"not computed: a combined ladder needs {solves} solves; "
                "run `defplan ladder --system ID` instead",
                (),
            )
        max_moves = (record.get("moves") or {}).get("max_moves")
        try:
            given = ladder(
                scenario,
                objective=str(record["objective"]["kind"]),
                **_ladder_solver(record),
                max_moves=None if max_moves is None else int(max_moves),
                table=table,
                workers=1,
            )
        except ValueError as exc:
            return None, 0, f"not computed: {exc}", ()
    columns = ["units", "mix", "status", "risk_after", "objective", "added", "required_by_rule"]
    frame = given.table()[[*columns, "kept"]]
    note = f"{given.title}; cut line at {given.on_hand} units on hand"
    if _was_evaluated(record):
        note += (
            "; solved with the theater's own solver settings, since the allocation on this "
            "page was scored, not solved for: set its risk against the cut line"
        )
    return frame, given.on_hand, note, tuple(given.reading())


def _was_evaluated(record: dict[str, Any]) -> bool:
    """Whether the record is of an allocation ``evaluate`` scored (no solver chose it)."""
    return str(record["solver"].get("status")) in EVALUATED_STATUSES


def _ladder_solver(record: dict[str, Any]) -> dict[str, Any]:
    """The ladder's solver: the plan's own, or for a scored allocation (no solver, profile
    "none") the theater's settings, as ``defplan plan`` would use."""
    if _was_evaluated(record):
        return {}
    solver = record["solver"]
    return {
        "solver": str(solver["profile"]),
        "backend": str(solver["backend"]),
        "time_limit": _optional_float(solver.get("time_limit_s")),
        "gap": _optional_float(solver.get("mip_gap")),
    }


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
