"""Writing a Plan: ``plan.json`` (versioned, see docs/plan_json.md) and ``plan.xlsx``.

plan.json holds every figure; the fields that depend on the clock are all under
"timing", so two runs on the same input give the same file apart from that block.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from defplan import __version__
from defplan.atomic import atomic_write_bytes, output_set, refuse_overwrite
from defplan.plan.acceptance import risk_acceptance
from defplan.plan.result import PLAN_SCHEMA_VERSION, Plan
from defplan.scenario import Scenario
from defplan.workbook.format import format_plan_workbook
from defplan.workbook.output_book import OutputBook, add_frame, add_rows, save_book
from defplan.workbook.write import sheet_table

TIMING_FIELDS = ("seconds",)
#: the files :func:`write_plan` writes, in its folder
PLAN_FILES = ("plan.json", "plan.xlsx")
#: reasons under which no unit can be added: "one more unit removes" has no figure
NO_UNIT_REASONS = frozenset({"no_system", "no_inventory", "site_limit"})
#: plan.xlsx Summary: the label a planner reads for each key of ``Plan.summary()``
SUMMARY_LABELS = {
    "status": "Solver status",
    "objective": "Objective (what is minimised)",
    "risk_undefended": "Risk with no defence (/yr)",
    "risk_today": "Risk with today's deployment (/yr)",
    "risk_planned": "Risk under the plan (/yr)",
    "percent_removed": "Undefended risk removed (%)",
    "worst_base": "Worst base",
    "worst_residual": "Worst base's risk under the plan (/yr)",
    "objective_value": "Objective value (/yr)",
    "bound": "Bound on the objective (/yr)",
    "gap": "Gap to the bound",
    "greedy_objective": "Greedy plan's objective (/yr)",
    "gain_over_greedy": "Removed beyond greedy (/yr)",
    "today_objective": "Today's deployment's objective (/yr)",
    "units_moved": "Units moved from today's deployment",
    "max_moves": "Move budget (units)",
    "backend": "Solver backend",
    "profile": "Solver profile",
    "seconds": "Solve time (s)",
    "illustrative_inputs": "ILLUSTRATIVE input values (not facts; see Assumptions)",
}
#: the Summary sheet's header: the label, the value, and the plan.json summary key
SUMMARY_HEADER = ["item", "value", "key"]


def _number(value: float) -> float | None:
    """JSON has no NaN or infinity: those become null."""
    value = float(value)
    return value if math.isfinite(value) else None


def allocation_frame(plan: Plan) -> pd.DataFrame:
    """``plan.allocation_table()`` with ``last_unit_removes`` blank (NaN) where the plan
    puts no unit: there is no last unit there, so no figure (written blank / null)."""
    frame = plan.allocation_table()
    frame["last_unit_removes"] = frame["last_unit_removes"].where(frame["units"] > 0)
    return frame


def acceptance_frame(acceptance: pd.DataFrame) -> pd.DataFrame:
    """The risk-acceptance record with ``one_more_removes`` blank (NaN) where no unit can
    be added (site limits, no inventory, no system): no figure applies there."""
    frame = acceptance.copy()
    if {"one_more_removes", "reason_kind"} <= set(frame.columns):
        frame["one_more_removes"] = (
            frame["one_more_removes"]
            .astype(float)
            .where(~frame["reason_kind"].isin(NO_UNIT_REASONS))
        )
    return frame


def summary_rows(plan: Plan) -> list[list[Any]]:
    """The Summary sheet's rows: readable label, value, plan.json key ("no limit" for an
    unlimited move budget)."""
    rows: list[list[Any]] = []
    for key, value in plan.summary().items():
        if key == "max_moves" and value is None:
            value = "no limit"
        rows.append([SUMMARY_LABELS.get(key, key.replace("_", " ")), value, key])
    return rows


def plan_record(plan: Plan, acceptance: pd.DataFrame | None = None) -> dict[str, Any]:
    """plan.json's content as plain Python data (with the risk-acceptance record when
    given: one entry per base left with residual risk, see plan/acceptance.py)."""
    bases = []
    for b, base_id in enumerate(plan.base_ids):
        bases.append(
            {
                "base_id": base_id,
                "name": plan.base_names[b],
                "risk_undefended": _number(plan.risk_undefended[b]),
                "risk_today": _number(plan.risk_current[b]),
                "risk_planned": _number(plan.residual[b]),
                "risk_greedy": None
                if plan.residual_greedy is None
                else _number(plan.residual_greedy[b]),
                "residual_by_class": {
                    w: _number(plan.residual_by_class[b, c]) for c, w in enumerate(plan.weapons)
                },
                "hosted": {s: int(plan.allocation[b, j]) for j, s in enumerate(plan.system_ids)},
                "deployed_today": {
                    s: int(plan.current[b, j]) for j, s in enumerate(plan.system_ids)
                },
                # whole units: those hosted plus area units whose range reaches the base
                "defended_by": {
                    s: round(float(plan.defending[b, j])) for j, s in enumerate(plan.system_ids)
                },
            }
        )
    allocation = [
        {k: (_number(v) if isinstance(v, float) else v) for k, v in row.items()}
        for row in allocation_frame(plan).to_dict(orient="records")
    ]
    greedy = None
    if plan.greedy_allocation is not None:
        greedy = {
            "objective": _number(plan.greedy_objective),
            "allocation": [
                {"base_id": plan.base_ids[b], "system_id": plan.system_ids[s], "units": int(n)}
                for (b, s), n in np.ndenumerate(plan.greedy_allocation)
                if n > 0
            ],
        }
    summary = {
        k: (_number(v) if isinstance(v, float) else v)
        for k, v in plan.summary().items()
        if k not in TIMING_FIELDS
    }
    return {
        "schema": "defplan.plan",
        "schema_version": PLAN_SCHEMA_VERSION,
        "defplan_version": __version__,
        "source": plan.source,
        "inputs": [{"file": f, "sha256": h} for f, h in plan.input_hashes],
        "objective": {"kind": plan.objective_kind, "blend_weight": plan.blend_weight},
        "solver": {
            "backend": plan.backend,
            "profile": plan.profile,
            "time_limit_s": plan.time_limit_s,
            "mip_gap": plan.mip_gap,
            "status": plan.status,
            "objective": _number(plan.objective),
            "bound": _number(plan.bound),
            "gap": _number(plan.gap),
            "outer_approximation_rounds": plan.iterations,
            "message": plan.message,
        },
        "summary": summary,
        "systems": [
            {"system_id": s, "inventory": plan.inventory[j]} for j, s in enumerate(plan.system_ids)
        ],
        "weapons": list(plan.weapons),
        "moves": {"units_moved": plan.moves, "max_moves": plan.max_moves},
        "allocation": allocation,
        "greedy": greedy,
        "bases": bases,
        "risk_acceptance": None if acceptance is None else _records(acceptance_frame(acceptance)),
        "attacker": _attacker_record(plan),
        "leakers": None if plan.leakers is None else _records(plan.leakers),
        "timing": {"seconds": plan.seconds},
    }


def _attacker_record(plan: Plan) -> dict[str, Any] | None:
    """Under "attacker:k": the raids it has and its best response to the plan."""
    if not plan.attacker_raids:
        return None
    response = [
        {
            **row,
            "damage": _number(row["damage"]),
            "weapons": [{**w, "damage": _number(w["damage"])} for w in row["weapons"]],
        }
        for row in plan.attacker_response()
    ]
    return {"raids": plan.attacker_raids, "best_response": response}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (_number(v) if isinstance(v, float) else v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def plan_json(
    plan: Plan,
    acceptance: pd.DataFrame | None = None,
    out_dir: Path | None = None,
    stability: pd.DataFrame | None = None,
) -> bytes:
    """plan.json's bytes; with ``out_dir`` (where it goes) it also records the source's
    path from there, so a report finds the theater from any working folder; with
    ``stability`` (defplan.robust.plan_stability) how often each placement is a draw's
    own optimum."""
    record = plan_record(plan, acceptance)
    if stability is not None:
        record["stability"] = _records(stability)
    if out_dir is not None and plan.source:
        relative = os.path.relpath(Path(plan.source).resolve(), Path(out_dir).resolve())
        record = {**record, "source_from_plan": Path(relative).as_posix()}
    return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()


def read_plan_json(path: Path) -> dict[str, Any]:
    """A plan.json read back, after checking it is one this version understands.

    Raises ValueError naming what is wrong, in a planner's words.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a plan.json (not UTF-8 text)") from None
    if not text.strip():
        raise ValueError(f"{path}: is empty (expected a plan.json that defplan plan wrote)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"broken JSON at line {exc.lineno}, column {exc.colno}"
        raise ValueError(f"{path}: not a plan.json ({where})") from None
    except RecursionError:
        raise ValueError(f"{path}: not a plan.json (nested too deep)") from None
    if not isinstance(data, dict) or data.get("schema") != "defplan.plan":
        raise ValueError(f"{path}: not a defplan plan.json (no schema 'defplan.plan')")
    version = data.get("schema_version")
    if version != PLAN_SCHEMA_VERSION:
        raise ValueError(
            f"{path}: plan.json schema_version {version} (this defplan reads {PLAN_SCHEMA_VERSION})"
        )
    from defplan.plan.record_shape import record_problem  # its models: only to read one

    problem = record_problem(data)
    if problem:
        raise ValueError(f"{path}: {problem}")
    return data


def write_plan(
    plan: Plan,
    scenario: Scenario,
    out_dir: Path,
    *,
    acceptance: pd.DataFrame | None = None,
    extra_sheets: Mapping[str, pd.DataFrame] | None = None,
    stability: pd.DataFrame | None = None,
) -> list[Path]:
    """Write plan.json and plan.xlsx into out_dir as one set: both appear, or neither.

    ``acceptance`` is the plan's :func:`risk_acceptance` record when already at hand;
    ``extra_sheets`` are added to plan.xlsx after Risk acceptance (the CLI adds the move
    schedule, which a later layer computes); ``stability`` adds each placement's share
    of draws whose own optimum agrees (plan.json and the Allocation sheet).
    Nothing is written when either file would replace one of the scenario's input
    files (:class:`~defplan.errors.InputError`).
    """
    out_dir = Path(out_dir)
    json_path, xlsx_path = (out_dir / name for name in PLAN_FILES)
    refuse_overwrite([json_path, xlsx_path], [Path(f.path) for f in scenario.provenance.files])
    if acceptance is None:
        acceptance = risk_acceptance(plan, scenario)
    with output_set(out_dir):
        atomic_write_bytes(json_path, plan_json(plan, acceptance, out_dir, stability))
        save_book(plan_workbook(plan, scenario, acceptance, extra_sheets, stability), xlsx_path)
    return [json_path, xlsx_path]


def plan_workbook(
    plan: Plan,
    scenario: Scenario,
    acceptance: pd.DataFrame | None = None,
    extra_sheets: Mapping[str, pd.DataFrame] | None = None,
    stability: pd.DataFrame | None = None,
) -> OutputBook:
    """Summary, Allocation, Base risk, Risk acceptance, (Leakers, when simulated),
    (``extra_sheets``), Assumptions,
    Provenance sheets; with ``stability`` the Allocation sheet gives each placement's
    share of draws whose own optimum agrees (``stability``)."""
    book = OutputBook()
    add_rows(book, "Summary", SUMMARY_HEADER, summary_rows(plan))
    add_frame(book, "Allocation", with_stability(allocation_frame(plan), stability))
    add_frame(book, "Base risk", plan.base_table())
    if acceptance is None:
        acceptance = risk_acceptance(plan, scenario)
    # "defence" (under-defended / undefended), not "status": the bases' own column
    shown = acceptance_frame(acceptance).rename(columns={"status": "defence"})
    add_frame(book, "Risk acceptance", shown)
    if plan.leakers is not None:
        add_frame(book, "Leakers", plan.leakers)
    for title, frame in (extra_sheets or {}).items():
        add_frame(book, title, frame)
    header, rows = sheet_table(scenario, "assumptions")
    add_rows(book, "Assumptions", header, [[row.get(c) for c in header] for row in rows])
    add_frame(book, "Provenance", provenance_table(plan, scenario))
    return format_plan_workbook(book)


def with_stability(frame: pd.DataFrame, stability: pd.DataFrame | None) -> pd.DataFrame:
    """The allocation frame with a ``stability`` column (share of draws whose own
    optimum puts the same units there; blank where no draw was made)."""
    if stability is None:
        return frame
    shares = {
        (r["base_id"], r["system_id"]): r["same_share"] for r in stability.to_dict(orient="records")
    }
    keys = zip(frame["base_id"], frame["system_id"], strict=True)
    # a placement no draw and no plan uses is absent from the table: every draw agrees
    return frame.assign(stability=[shares.get(key, 1.0) for key in keys])


def _gap_text(gap: float) -> str:
    """The gap as a planner reads it everywhere: a percent with 2 decimals."""
    return f"{gap:.2%}" if math.isfinite(gap) else "n/a"


def provenance_table(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """Where every input came from: files and hashes, the solver, each attack's source."""
    rows: list[dict[str, Any]] = [
        {"kind": "input", "item": file, "detail": f"sha256 {sha}"}
        for file, sha in plan.input_hashes
    ]
    rows.append(
        {
            "kind": "solver",
            "item": f"{plan.backend} (profile {plan.profile})",
            "detail": f"status {plan.status}; objective {plan.objective:.6g}; "
            f"bound {plan.bound:.6g}; gap {_gap_text(plan.gap)}",
        }
    )
    for attack in scenario.attacks:
        rows.append(
            {
                "kind": "attack",
                "item": attack.attack_id,
                "detail": "; ".join(
                    part
                    for part in (
                        "sources: " + ", ".join(attack.source) if attack.source else "",
                        "evidence: " + ", ".join(attack.evidence) if attack.evidence else "",
                    )
                    if part
                ),
            }
        )
    return pd.DataFrame(rows, columns=["kind", "item", "detail"])
