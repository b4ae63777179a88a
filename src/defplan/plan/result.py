"""The Plan: an allocation with everything needed to trust it and trace it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from defplan.model.instance import best_response, raids_of

#: Version of plan.json's layout; raise it when a field changes meaning or goes away.
PLAN_SCHEMA_VERSION = 1
#: Statuses of an allocation ``evaluate`` scored (no solver chose it).
EVALUATED_STATUSES = ("evaluated", "breaks_rules")


@dataclass(frozen=True, eq=False)
class Plan:
    """Where each unit goes, what risk remains, and how sure the solver is.

    Arrays are indexed by ``base_ids`` (rows) and ``system_ids`` / ``weapons``
    (columns). Risks are casualty-equivalents per year.
    """

    source: str
    input_hashes: tuple[tuple[str, str], ...]  # (file, sha256)
    objective_kind: str
    blend_weight: float
    base_ids: tuple[str, ...]
    base_names: tuple[str, ...]
    system_ids: tuple[str, ...]
    weapons: tuple[str, ...]
    allocation: np.ndarray  # (B, S) units hosted
    defending: np.ndarray  # (B, S) units defending (hosted + area units in range)
    current: np.ndarray  # (B, S) units deployed today
    greedy_allocation: np.ndarray | None
    risk_undefended: np.ndarray  # (B,) with no defense at all
    risk_current: np.ndarray  # (B,) under today's deployment
    residual: np.ndarray  # (B,) under this plan
    residual_greedy: np.ndarray | None
    residual_by_class: np.ndarray  # (B, C)
    last_unit_value: np.ndarray  # (B, S) risk the last unit hosted there removes
    status: str
    objective: float
    bound: float
    gap: float
    greedy_objective: float
    current_objective: float
    undefended_objective: float
    backend: str
    profile: str
    time_limit_s: float
    mip_gap: float
    seconds: float
    iterations: int
    moves: int
    max_moves: int | None
    inventory: tuple[int, ...]
    message: str = ""
    #: values of the scenario its assumptions sheet marks illustrative (not facts)
    illustrative_inputs: int = 0
    #: leakers a raid per attacked base, analytic and simulated (``evaluate`` with
    #: ``simulate``; columns :data:`defplan.plan.leakers.LEAKER_COLUMNS`), else None
    leakers: pd.DataFrame | None = None

    @property
    def feasible(self) -> bool:
        """Whether an allocation satisfying every rule was found."""
        return self.status != "infeasible"

    @property
    def risk_before(self) -> float:
        """Total risk under today's deployment."""
        return float(self.risk_current.sum())

    @property
    def risk_after(self) -> float:
        """Total residual risk under this plan, casualty-equivalents per year."""
        return float(self.residual.sum())

    @property
    def percent_removed(self) -> float:
        """Share of the undefended theater risk this plan removes, in percent."""
        total = float(self.risk_undefended.sum())
        return 100.0 * (total - self.risk_after) / total if total > 0 else 0.0

    @property
    def gain_over_greedy(self) -> float:
        """Objective this plan improves on greedy by (≥ 0 when both are feasible)."""
        return self.greedy_objective - self.objective

    @property
    def evaluated(self) -> bool:
        """A hand-made or deployed allocation scored by ``evaluate``, not solved for."""
        return self.status in EVALUATED_STATUSES

    @property
    def worst_base(self) -> str | None:
        """The id of the base left with the most residual risk (None without bases)."""
        if not len(self.residual):
            return None
        return self.base_ids[int(np.argmax(self.residual))]

    @property
    def attacker_raids(self) -> int:
        """Raids of an attacker the plan answers ("attacker:k"; 0 under other objectives)."""
        return raids_of(self.objective_kind) or 0

    def attacker_response(self) -> list[dict[str, Any]]:
        """The attacker's best response to this posture under "attacker:k": the k bases
        where raids do most damage (largest residual first), each with the weapons that
        make up its residual, largest first. Empty under other objectives."""
        picked = best_response(np.asarray(self.residual, dtype=np.float64), self.attacker_raids)
        response = []
        for rank, b in enumerate(picked, start=1):
            by_class = np.asarray(self.residual_by_class[b], dtype=np.float64)
            order = np.lexsort((np.arange(by_class.size), -by_class))
            response.append(
                {
                    "raid": rank,
                    "base_id": self.base_ids[b],
                    "name": self.base_names[b],
                    "damage": float(self.residual[b]),
                    "weapons": [
                        {"weapon": self.weapons[c], "damage": float(by_class[c])}
                        for c in order.tolist()
                        if by_class[c] > 0.0
                    ],
                }
            )
        return response

    def allocation_table(self) -> pd.DataFrame:
        """One row per (base, system) that hosts units, today or in the plan."""
        rows: list[dict[str, Any]] = []
        for b, base_id in enumerate(self.base_ids):
            for s, system_id in enumerate(self.system_ids):
                units = int(self.allocation[b, s])
                today = int(self.current[b, s])
                if units == 0 and today == 0:
                    continue
                rows.append(
                    {
                        "base_id": base_id,
                        "name": self.base_names[b],
                        "system_id": system_id,
                        "units": units,
                        "deployed_today": today,
                        "change": units - today,
                        "last_unit_removes": float(self.last_unit_value[b, s]),
                    }
                )
        columns = [
            "base_id",
            "name",
            "system_id",
            "units",
            "deployed_today",
            "change",
            "last_unit_removes",
        ]
        return pd.DataFrame(rows, columns=columns)

    def base_table(self) -> pd.DataFrame:
        """Risk per base: undefended, today, this plan, greedy, and who defends it."""
        table = pd.DataFrame(
            {
                "base_id": list(self.base_ids),
                "name": list(self.base_names),
                "risk_undefended": self.risk_undefended,
                "risk_today": self.risk_current,
                "risk_planned": self.residual,
                "risk_removed": self.risk_undefended - self.residual,
            }
        )
        if self.residual_greedy is not None:
            table["risk_greedy"] = self.residual_greedy
        for s, system_id in enumerate(self.system_ids):
            table[f"hosted_{system_id}"] = self.allocation[:, s]
            table[f"defended_by_{system_id}"] = self.defending[:, s]
        return table.sort_values(
            ["risk_planned", "base_id"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)

    def summary(self) -> dict[str, Any]:
        """The figures a planner reads first."""
        return {
            "status": self.status,
            "objective": self.objective_kind,
            "risk_undefended": float(self.risk_undefended.sum()),
            "risk_today": self.risk_before,
            "risk_planned": self.risk_after,
            "percent_removed": self.percent_removed,
            "worst_base": self.worst_base,
            "worst_residual": float(self.residual.max()) if len(self.residual) else 0.0,
            "objective_value": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "greedy_objective": self.greedy_objective,
            "gain_over_greedy": self.gain_over_greedy,
            "today_objective": self.current_objective,
            "units_moved": self.moves,
            "max_moves": self.max_moves,
            "backend": self.backend,
            "profile": self.profile,
            "seconds": self.seconds,
            "illustrative_inputs": self.illustrative_inputs,
        }
