"""The bridge: Scenario + RiskTable → solver arrays → Plan (and back to names)."""

from defplan.plan.arrays import PlanArrays, build_arrays
from defplan.plan.planner import evaluate, plan
from defplan.plan.result import PLAN_SCHEMA_VERSION, Plan

__all__ = ["PLAN_SCHEMA_VERSION", "Plan", "PlanArrays", "build_arrays", "evaluate", "plan"]
