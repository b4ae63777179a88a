"""robust.json and robust.xlsx: a robust study, every figure traceable to its samples.

robust.json is identical for the same input and options apart from its ``timing``
block (which also says what ran the samples: this process, a pool or Dask), so a run
on a cluster can be checked against a run on one machine byte for byte.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from defplan import __version__
from defplan.atomic import atomic_write_bytes, output_set
from defplan.plan import Plan
from defplan.robust.study import RobustResult, optima_values
from defplan.workbook.output_book import OutputBook, add_frame, add_rows, save_book

#: Version of robust.json's layout; raise it when a field changes meaning or goes away.
ROBUST_SCHEMA_VERSION = 1
SCHEMA = "defplan.robust"


def _number(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (_number(v) if isinstance(v, float) else v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def bases_frame(result: RobustResult) -> pd.DataFrame:
    """Base by base: units of both plans, residual on the point inputs, and each plan's
    residual across the samples (mean, P5, P50, P95, chance of being the worst)."""
    robust = result.robust_judged.bases(result.base_ids).to_dict(orient="records")
    point = result.point_judged.bases(result.base_ids).to_dict(orient="records")
    rows = []
    for b, base_id in enumerate(result.base_ids):
        row: dict[str, Any] = {"base_id": base_id}
        for s, system_id in enumerate(result.system_ids):
            row[f"point_{system_id}"] = int(result.point.allocation[b, s])
            row[f"robust_{system_id}"] = int(result.robust_x[b, s])
        row["point_residual"] = float(result.point.residual[b])
        row["robust_residual_point_inputs"] = float(result.point_residual_robust_x[b])
        for name in ("mean", "p5", "p50", "p95", "worst_share"):
            row[f"point_{name}"] = float(point[b][name])
            row[f"robust_{name}"] = float(robust[b][name])
        rows.append(row)
    return pd.DataFrame(rows)


def samples_frame(result: RobustResult) -> pd.DataFrame:
    """Sample by sample: its own optimum and what each plan leaves (the fan chart)."""
    return pd.DataFrame(
        {
            "sample": np.arange(result.samples.count),
            "optimum": optima_values(result.optima),
            "optimum_status": [o.status for o in result.optima],
            "robust": result.robust_judged.totals,
            "point": result.point_judged.totals,
            "robust_regret": result.robust_judged.regret,
            "point_regret": result.point_judged.regret,
        }
    )


def stability_frame(result: RobustResult) -> pd.DataFrame:
    """Every placement either plan makes or some sample's optimum makes, with how
    often the samples' optima agree with each plan there."""
    robust = result.robust_stability.set_index(["base_id", "system_id"])
    point = result.point_stability.set_index(["base_id", "system_id"])
    keys = sorted(
        set(robust.index) | set(point.index),
        key=lambda k: (result.base_ids.index(k[0]), result.system_ids.index(k[1])),
    )
    rows = []
    for key in keys:
        b, s = result.base_ids.index(key[0]), result.system_ids.index(key[1])
        row: dict[str, Any] = {"base_id": key[0], "system_id": key[1]}
        row["point_units"] = int(result.point.allocation[b, s])
        row["robust_units"] = int(result.robust_x[b, s])
        for name, frame in (("point", point), ("robust", robust)):
            row[f"{name}_same_share"] = (
                float(frame.loc[key, "same_share"]) if key in frame.index else math.nan
            )
        source = robust if key in robust.index else point
        row["any_share"] = float(source.loc[key, "any_share"])
        row["mean_units"] = float(source.loc[key, "mean_units"])
        rows.append(row)
    return pd.DataFrame(rows)


def robust_record(result: RobustResult) -> dict[str, Any]:
    """robust.json as a dict (docs/robust.md lists every key)."""
    solution = result.solution
    return {
        "schema": SCHEMA,
        "version": ROBUST_SCHEMA_VERSION,
        "defplan_version": __version__,
        "source": result.scenario_source,
        "input_hashes": [{"file": f, "sha256": h} for f, h in result.input_hashes],
        "samples": {
            "count": result.samples.count,
            "seed": result.samples.seed,
            "sources": list(result.samples.sources),
            "optima_found": result.optima_found,
            "optima_not_proven": result.optima_unproven,
        },
        "objective": result.objective,
        "systems": list(result.system_ids),
        "solve": {
            "status": solution.status,
            "objective": _number(solution.objective),
            "bound": _number(solution.bound),
            "gap": _number(solution.gap),
            "backend": solution.backend,
            "iterations": solution.iterations,
            "message": solution.message,
        },
        "theater": {
            "robust": {k: _number(v) for k, v in result.robust_judged.theater().items()},
            "point": {k: _number(v) for k, v in result.point_judged.theater().items()},
            "point_inputs": {
                "robust": _number(float(result.point_residual_robust_x.sum())),
                "point": _number(float(result.point.residual.sum())),
            },
        },
        "bases": _records(bases_frame(result)),
        "stability": _records(stability_frame(result)),
        "per_sample": _records(samples_frame(result)),
        "timing": {
            "samples_s": round(result.seconds_samples, 3),
            "robust_s": round(result.seconds_robust, 3),
            "robust_solve_s": round(solution.seconds, 3),
            "ran_on": result.workers,
        },
    }


def robust_json(result: RobustResult) -> bytes:
    """robust.json's bytes: :func:`robust_record` as indented UTF-8 JSON."""
    return (json.dumps(robust_record(result), indent=2, ensure_ascii=False) + "\n").encode()


def read_robust_json(path: Path) -> dict[str, Any]:
    """A robust.json read back, after checking it is one this version understands."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a readable robust.json ({exc})") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a defplan robust.json (no schema {SCHEMA!r})")
    if data.get("version") != ROBUST_SCHEMA_VERSION:
        raise ValueError(f"{path}: robust.json version {data.get('version')} is not supported")
    return data


def summary_rows(result: RobustResult) -> list[list[Any]]:
    """The Summary sheet's rows: item, value, and the robust.json key it comes from."""
    record = robust_record(result)
    robust, point = record["theater"]["robust"], record["theater"]["point"]
    solve = record["solve"]
    return [
        ["Samples", result.samples.count, "samples.count"],
        ["Seed", result.samples.seed, "samples.seed"],
        ["Inputs drawn", ", ".join(result.samples.sources) or "none", "samples.sources"],
        ["Objective", result.objective, "objective"],
        ["Status", solve["status"], "solve.status"],
        ["Objective value (/yr)", solve["objective"], "solve.objective"],
        ["Bound (/yr)", solve["bound"], "solve.bound"],
        ["Gap", solve["gap"], "solve.gap"],
        ["Robust plan: mean over samples (/yr)", robust["mean"], "theater.robust.mean"],
        ["Robust plan: P95 (/yr)", robust["p95"], "theater.robust.p95"],
        ["Robust plan: mean regret (/yr)", robust["regret_mean"], "theater.robust.regret_mean"],
        ["Point plan: mean over samples (/yr)", point["mean"], "theater.point.mean"],
        ["Point plan: P95 (/yr)", point["p95"], "theater.point.p95"],
        ["Point plan: mean regret (/yr)", point["regret_mean"], "theater.point.regret_mean"],
        [
            "Samples whose optimum is not proven",
            result.optima_unproven,
            "samples.optima_not_proven",
        ],
    ]


def robust_workbook(result: RobustResult) -> OutputBook:
    """robust.xlsx: the Summary, Bases, Stability, Samples and Provenance sheets."""
    book = OutputBook()
    add_rows(book, "Summary", ["item", "value", "key"], summary_rows(result))
    add_frame(book, "Bases", bases_frame(result))
    add_frame(book, "Stability", stability_frame(result))
    add_frame(book, "Samples", samples_frame(result))
    add_rows(book, "Provenance", ["file", "sha256"], [list(h) for h in result.input_hashes])
    return book


#: the files :func:`write_robust` writes, in its folder
ROBUST_FILES = ("robust.json", "robust.xlsx")


def write_robust(result: RobustResult, out_dir: Path) -> list[Path]:
    """Write robust.json and robust.xlsx into out_dir as one set: both, or neither."""
    out_dir = Path(out_dir)
    json_path, xlsx_path = (out_dir / name for name in ROBUST_FILES)
    with output_set(out_dir):
        atomic_write_bytes(json_path, robust_json(result))
        save_book(robust_workbook(result), xlsx_path)
    return [json_path, xlsx_path]


def point_stability_from(path: Path, plan: Plan) -> pd.DataFrame | None:
    """The point plan's stability recorded in a robust.json, when that file is of the
    same inputs (every SHA-256 equal) and its point plan is ``plan``'s allocation;
    else None. Columns as :func:`~defplan.robust.judge.stability`'s."""
    if plan.objective_kind != "expected":
        return None  # the study's draws were solved for the expected residual
    try:
        data = read_robust_json(path)
    except ValueError:
        return None
    hashes = [(h["file"], h["sha256"]) for h in data.get("input_hashes", [])]
    if hashes != [tuple(h) for h in plan.input_hashes]:
        return None
    units = {
        (b, s): int(plan.allocation[i, j])
        for i, b in enumerate(plan.base_ids)
        for j, s in enumerate(plan.system_ids)
    }
    recorded = {}
    for row in data.get("bases", []):
        for s in plan.system_ids:
            recorded[(row["base_id"], s)] = row.get(f"point_{s}")
    if any(recorded.get(key, 0) != value for key, value in units.items()):
        return None
    rows = [
        {
            "base_id": r["base_id"],
            "system_id": r["system_id"],
            "units": r["point_units"],
            "same_share": r["point_same_share"],
            "any_share": r["any_share"],
            "mean_units": r["mean_units"],
        }
        for r in data.get("stability", [])
        if r.get("point_same_share") is not None
    ]
    columns = ["base_id", "system_id", "units", "same_share", "any_share", "mean_units"]
    return pd.DataFrame(rows, columns=columns)
