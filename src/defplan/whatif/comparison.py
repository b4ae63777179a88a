"""compare: two plans side by side, base by base, with deltas and a brief.

Each side is a :class:`~defplan.plan.Plan`, a ``plan.json`` (or a folder holding
one, as ``defplan plan --out`` writes), or a theater workbook / CSV folder, which is
planned first. Bases and systems are matched by id; one that only one side has counts
as zero risk and zero units on the other (and is marked in ``note``), so the deltas
always add up to the difference of the totals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from defplan.model import Objective
from defplan.plan import Plan, plan
from defplan.plan.writers import read_plan_json
from defplan.workbook import load_scenario

PlanSource = Plan | str | Path

#: Risk changes below this (casualty-equivalents a year) are noise.
TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class PlanFigures:
    """What compare needs of one plan, from a Plan or a plan.json."""

    label: str
    source: str
    status: str
    objective_kind: str
    objective: float
    gap: float
    systems: tuple[str, ...]
    inventory: dict[str, int]
    bases: pd.DataFrame  # base_id, name, risk_undefended, risk_planned, one column per system

    @property
    def units(self) -> dict[str, int]:
        """Units of each system placed, in all."""
        return {s: int(self.bases[s].sum()) for s in self.systems}


def figures_of_plan(result: Plan, label: str) -> PlanFigures:
    """The figures :func:`compare` sets side by side, from a plan in memory."""
    frame = pd.DataFrame(
        {
            "base_id": list(result.base_ids),
            "name": list(result.base_names),
            "risk_undefended": result.risk_undefended.astype(float),
            "risk_planned": result.residual.astype(float),
        }
    )
    for s, system_id in enumerate(result.system_ids):
        frame[system_id] = result.allocation[:, s].astype(int)
    return PlanFigures(
        label=label,
        source=result.source,
        status=result.status,
        objective_kind=result.objective_kind,
        objective=float(result.objective),
        gap=float(result.gap),
        systems=result.system_ids,
        inventory=dict(zip(result.system_ids, result.inventory, strict=True)),
        bases=frame,
    )


def figures_of_record(record: dict[str, Any], label: str) -> PlanFigures:
    """The figures :func:`compare` sets side by side, from a plan.json read back."""
    systems = tuple(str(s["system_id"]) for s in record["systems"])
    rows = []
    for base in record["bases"]:
        row = {
            "base_id": base["base_id"],
            "name": base.get("name", base["base_id"]),
            "risk_undefended": _float(base.get("risk_undefended")),
            "risk_planned": _float(base.get("risk_planned")),
        }
        for system_id in systems:
            row[system_id] = int(base.get("hosted", {}).get(system_id, 0))
        rows.append(row)
    frame = pd.DataFrame(
        rows, columns=["base_id", "name", "risk_undefended", "risk_planned", *systems]
    )
    solver = record.get("solver", {})
    return PlanFigures(
        label=label,
        source=str(record.get("source", "")),
        status=str(solver.get("status", "")),
        objective_kind=str(record.get("objective", {}).get("kind", "")),
        objective=_float(solver.get("objective")),
        gap=_float(solver.get("gap")),
        systems=systems,
        inventory={str(s["system_id"]): int(s["inventory"]) for s in record["systems"]},
        bases=frame,
    )


def _float(value: Any) -> float:
    return math.nan if value is None else float(value)


def load_figures(source: PlanSource, label: str, **options: Any) -> PlanFigures:
    """A side of a comparison: a Plan, a plan.json (or a folder with one), or a theater."""
    if isinstance(source, Plan):
        return figures_of_plan(source, label)
    path = Path(source)
    if path.suffix.lower() == ".json":
        return figures_of_record(read_plan_json(path), label)
    if path.is_dir() and (path / "plan.json").is_file() and not (path / "bases.csv").exists():
        return figures_of_record(read_plan_json(path / "plan.json"), label)
    return figures_of_plan(plan(load_scenario(path), **options), label)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Base by base: risk planned and units hosted per system on each side, and deltas."""

    a: PlanFigures
    b: PlanFigures
    bases: pd.DataFrame
    summary: pd.DataFrame  # metric, a, b, delta, percent

    @property
    def changed(self) -> list[str]:
        """Bases whose defence (units hosted) differs, most risk change first."""
        return [str(b) for b in self.bases.loc[self.bases["defence_changed"], "base_id"]]

    def brief(self) -> list[str]:
        """Lines a planner can paste into a brief."""
        a, b = self.a, self.b
        total_a = float(self.bases["risk_a"].sum())
        total_b = float(self.bases["risk_b"].sum())
        lines = [
            f"{b.label} against {a.label}: planned risk {total_a:.3f} → {total_b:.3f} "
            f"casualty-equivalents/yr ({total_b - total_a:+.3f}, {_percent(total_a, total_b)}).",
        ]
        lines.extend(self._membership())
        undefended_a = float(self.bases["undefended_a"].sum())
        undefended_b = float(self.bases["undefended_b"].sum())
        if abs(undefended_b - undefended_a) > TOLERANCE:
            lines.append(
                f"Risk before any defence {undefended_a:.3f} → {undefended_b:.3f}/yr "
                f"({_percent(undefended_a, undefended_b)}): the theaters differ."
            )
        units = []
        for system_id in _union(a.systems, b.systems):
            ua, ub = a.units.get(system_id, 0), b.units.get(system_id, 0)
            units.append(f"{system_id} {ua} → {ub}" + (f" ({ub - ua:+d})" if ub != ua else ""))
        lines.append("Units placed: " + "; ".join(units) + ".")
        changed = self.bases[self.bases["defence_changed"]]
        if changed.empty:
            lines.append("No base's defence changes.")
        else:
            parts = []
            for row in changed.head(8).to_dict("records"):
                moves = ", ".join(
                    f"{s} {int(row[f'{s}_a'])}→{int(row[f'{s}_b'])}"
                    for s in _union(a.systems, b.systems)
                    if int(row[f"{s}_delta"]) != 0
                )
                parts.append(
                    f"{row['base_id']} ({moves}; risk {row['risk_a']:.3f}→{row['risk_b']:.3f})"
                )
            more = f" and {len(changed) - 8} more" if len(changed) > 8 else ""
            noun = "base" if len(changed) == 1 else "bases"
            lines.append(
                f"Defence changes at {len(changed)} {noun}: " + "; ".join(parts) + more + "."
            )
        worst = self.bases.iloc[0] if len(self.bases) else None
        if worst is not None and abs(float(worst["risk_delta"])) > TOLERANCE:
            lines.append(
                f"Largest change: {worst['base_id']} {float(worst['risk_delta']):+.3f}/yr."
            )
        lines.append(
            f"Solver: {a.label} {a.status} (gap {_gap(a.gap)}), "
            f"{b.label} {b.status} (gap {_gap(b.gap)})."
        )
        return lines

    def _membership(self) -> list[str]:
        """Lines on bases one side lacks: counted as no risk there, which a planner must
        know (a closed base's risk has moved, an unrelated theater's has not)."""
        notes = self.bases["note"] if "note" in self.bases else pd.Series(dtype=str)
        lines = []
        for side in (self.a, self.b):
            only = [str(b) for b in self.bases.loc[notes == f"only in {side.label}", "base_id"]]
            if only:
                shown = ", ".join(only[:8]) + (
                    f" and {len(only) - 8} more" if len(only) > 8 else ""
                )
                lines.append(
                    f"Only in {side.label} ({len(only)}): {shown}; counted as no risk on the "
                    "other side."
                )
        shared = int((notes == "").sum())
        if len(self.bases) and shared < len(self.bases) / 2:
            lines.append(
                f"Warning: the two share only {shared} of {len(self.bases)} bases; they may "
                "not be plans of one theater, and the deltas then mean little."
            )
        return lines


def _gap(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:.2%}"


def _percent(old: float, new: float) -> str:
    if abs(old) <= TOLERANCE:
        return "n/a"
    return f"{100.0 * (new - old) / old:+.1f}%"


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return first + tuple(s for s in second if s not in first)


def compare(
    a: PlanSource,
    b: PlanSource,
    *,
    labels: tuple[str, str] | None = None,
    objective: Objective | None = None,
    solver: str | None = None,
    backend: str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
) -> Comparison:
    """Compare two plans (or theaters, planned with the options given) base by base."""
    options: dict[str, Any] = {
        "objective": objective,
        "solver": solver,
        "backend": backend,
        "time_limit": time_limit,
        "gap": gap,
    }
    names = labels or (_label(a, "A"), _label(b, "B"))
    if names[0] == names[1]:
        names = (f"A ({names[0]})", f"B ({names[1]})")
    fa = load_figures(a, names[0], **options)
    fb = load_figures(b, names[1], **options)
    return Comparison(fa, fb, base_deltas(fa, fb), summary_table(fa, fb))


def _label(source: PlanSource, default: str) -> str:
    if isinstance(source, Plan):
        return source.source if source.source and not source.source.startswith("<") else default
    return str(source)


def base_deltas(a: PlanFigures, b: PlanFigures) -> pd.DataFrame:
    """Outer join on base_id; a base missing on one side counts as zero there."""
    systems = _union(a.systems, b.systems)
    left = a.bases.set_index("base_id")
    right = b.bases.set_index("base_id")
    ids = list(left.index) + [i for i in right.index if i not in left.index]
    rows = []
    for base_id in ids:
        in_a, in_b = base_id in left.index, base_id in right.index
        ra = left.loc[base_id] if in_a else None
        rb = right.loc[base_id] if in_b else None
        row: dict[str, Any] = {
            "base_id": base_id,
            "name": (ra if ra is not None else rb)["name"],  # type: ignore[index]
            "undefended_a": float(ra["risk_undefended"]) if ra is not None else 0.0,
            "undefended_b": float(rb["risk_undefended"]) if rb is not None else 0.0,
            "risk_a": float(ra["risk_planned"]) if ra is not None else 0.0,
            "risk_b": float(rb["risk_planned"]) if rb is not None else 0.0,
        }
        row["risk_delta"] = row["risk_b"] - row["risk_a"]
        changed = False
        for s in systems:
            ua = int(ra[s]) if ra is not None and s in left.columns else 0
            ub = int(rb[s]) if rb is not None and s in right.columns else 0
            row[f"{s}_a"], row[f"{s}_b"], row[f"{s}_delta"] = ua, ub, ub - ua
            changed = changed or ua != ub
        row["defence_changed"] = changed
        row["note"] = (
            "" if in_a and in_b else (f"only in {a.label}" if in_a else f"only in {b.label}")
        )
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["_order"] = -frame["risk_delta"].abs()
    frame = frame.sort_values(["_order", "base_id"], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


def summary_table(a: PlanFigures, b: PlanFigures) -> pd.DataFrame:
    """Totals of both sides: metric, a, b, delta and percent change."""
    metrics: list[tuple[str, float, float]] = [
        (
            "risk undefended /yr",
            float(a.bases["risk_undefended"].sum()),
            float(b.bases["risk_undefended"].sum()),
        ),
        (
            "risk planned /yr",
            float(a.bases["risk_planned"].sum()),
            float(b.bases["risk_planned"].sum()),
        ),
        (
            "worst base /yr",
            float(a.bases["risk_planned"].max()) if len(a.bases) else 0.0,
            float(b.bases["risk_planned"].max()) if len(b.bases) else 0.0,
        ),
        ("objective", a.objective, b.objective),
        ("bases hosting units", float(_hosting(a)), float(_hosting(b))),
    ]
    for s in _union(a.systems, b.systems):
        metrics.append((f"{s} units placed", float(a.units.get(s, 0)), float(b.units.get(s, 0))))
        metrics.append((f"{s} on hand", float(a.inventory.get(s, 0)), float(b.inventory.get(s, 0))))
    rows = [
        {
            "metric": name,
            "a": va,
            "b": vb,
            "delta": vb - va,
            "percent": 100.0 * (vb - va) / va if abs(va) > TOLERANCE else math.nan,
        }
        for name, va, vb in metrics
    ]
    rows.append({"metric": "status", "a": a.status, "b": b.status, "delta": "", "percent": ""})
    rows.append({"metric": "gap", "a": a.gap, "b": b.gap, "delta": "", "percent": ""})
    return pd.DataFrame(rows, columns=["metric", "a", "b", "delta", "percent"])


def _hosting(figures: PlanFigures) -> int:
    """Bases hosting at least one unit."""
    if not figures.systems:
        return 0
    return int(
        (figures.bases[list(figures.systems)].to_numpy(dtype=np.int64).sum(axis=1) > 0).sum()
    )
