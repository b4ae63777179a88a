"""Posture: consolidation and repositioning options, and move orders.

- :func:`apply_option` — the theater after an option of the options sheet;
- :func:`options` — every option scored by re-optimizing the defenses, ranked, and
  (``suggest=K``) the best closures of up to K bases found by exhaustive search;
- :func:`moves` — move orders from today's deployment to a plan (minimum-cost flow);
- :func:`move_budget_curve` — residual risk against the units a planner will move;
- :func:`schedule` — the moves day by day within the lift, the least risk accepted
  over the transition, and the moves not worth their exposure;
- :func:`rotate` — a randomised posture of one point system (Stackelberg coverage)
  and a daily schedule that realises it.

The rules (troop spreading, distances, costs, units) are in ``docs/posture.md``.

The names below load on first use (PEP 562): importing one module of the package
loads that module alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from defplan.lazy import lazy_names

if TYPE_CHECKING:
    from defplan.posture.apply import (
        OptionError,
        Posture,
        SystemMove,
        TroopMove,
        apply_option,
        apply_posture,
        close_bases,
        option_ids,
    )
    from defplan.posture.distance import Leg, MoveDistances
    from defplan.posture.move_orders import (
        POOL,
        MoveOrder,
        MoveOrders,
        flow_orders,
        least_moves_plan,
        move_budget_curve,
        moves,
    )
    from defplan.posture.move_schedule import MoveSchedule, ScheduledMove, schedule
    from defplan.posture.option_scoring import (
        REOPTIMISED,
        STATUS_QUO,
        OptionScore,
        OptionsReport,
        options,
    )
    from defplan.posture.rotation import GameCoverage, Rotation, rotate
    from defplan.posture.schedule_compare import ScheduleComparison, compare_schedules
    from defplan.posture.transit import Phases, move_phases

#: Each public name and the module it lives in, imported when first asked for.
_LAZY = {
    "OptionError": "defplan.posture.apply",
    "Posture": "defplan.posture.apply",
    "SystemMove": "defplan.posture.apply",
    "TroopMove": "defplan.posture.apply",
    "apply_option": "defplan.posture.apply",
    "apply_posture": "defplan.posture.apply",
    "close_bases": "defplan.posture.apply",
    "option_ids": "defplan.posture.apply",
    "Leg": "defplan.posture.distance",
    "MoveDistances": "defplan.posture.distance",
    "POOL": "defplan.posture.move_orders",
    "MoveOrder": "defplan.posture.move_orders",
    "MoveOrders": "defplan.posture.move_orders",
    "flow_orders": "defplan.posture.move_orders",
    "least_moves_plan": "defplan.posture.move_orders",
    "move_budget_curve": "defplan.posture.move_orders",
    "moves": "defplan.posture.move_orders",
    "REOPTIMISED": "defplan.posture.option_scoring",
    "STATUS_QUO": "defplan.posture.option_scoring",
    "OptionScore": "defplan.posture.option_scoring",
    "OptionsReport": "defplan.posture.option_scoring",
    "options": "defplan.posture.option_scoring",
    "GameCoverage": "defplan.posture.rotation",
    "Rotation": "defplan.posture.rotation",
    "rotate": "defplan.posture.rotation",
    "MoveSchedule": "defplan.posture.move_schedule",
    "ScheduledMove": "defplan.posture.move_schedule",
    "schedule": "defplan.posture.move_schedule",
    "ScheduleComparison": "defplan.posture.schedule_compare",
    "compare_schedules": "defplan.posture.schedule_compare",
    "Phases": "defplan.posture.transit",
    "move_phases": "defplan.posture.transit",
}

__all__ = [
    "POOL",
    "REOPTIMISED",
    "STATUS_QUO",
    "GameCoverage",
    "Leg",
    "MoveDistances",
    "MoveOrder",
    "MoveOrders",
    "MoveSchedule",
    "OptionError",
    "OptionScore",
    "OptionsReport",
    "Phases",
    "Posture",
    "Rotation",
    "ScheduleComparison",
    "ScheduledMove",
    "SystemMove",
    "TroopMove",
    "apply_option",
    "apply_posture",
    "close_bases",
    "compare_schedules",
    "flow_orders",
    "least_moves_plan",
    "move_budget_curve",
    "move_phases",
    "moves",
    "option_ids",
    "options",
    "rotate",
    "schedule",
]

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
