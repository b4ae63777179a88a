"""The bridge: Scenario + RiskTable → solver arrays → Plan (and back to names).

The names below load on first use (PEP 562), so a submodule such as
:mod:`defplan.plan.profiles` (solver profiles, read while validating a workbook)
imports without the planner, pandas or the solvers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from defplan.lazy import lazy_names

if TYPE_CHECKING:
    from defplan.plan.arrays import PlanArrays, build_arrays
    from defplan.plan.planner import evaluate, plan
    from defplan.plan.result import PLAN_SCHEMA_VERSION, Plan

#: Each public name and the module it lives in, imported when first asked for.
_LAZY = {
    "PlanArrays": "defplan.plan.arrays",
    "build_arrays": "defplan.plan.arrays",
    "evaluate": "defplan.plan.planner",
    "plan": "defplan.plan.planner",
    "PLAN_SCHEMA_VERSION": "defplan.plan.result",
    "Plan": "defplan.plan.result",
}

__all__ = ["PLAN_SCHEMA_VERSION", "Plan", "PlanArrays", "build_arrays", "evaluate", "plan"]

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
