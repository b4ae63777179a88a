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
"""

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
from defplan.posture.moves import (
    POOL,
    MoveOrder,
    MoveOrders,
    flow_orders,
    least_moves_plan,
    move_budget_curve,
    moves,
)
from defplan.posture.options import REOPTIMISED, STATUS_QUO, OptionScore, OptionsReport, options
from defplan.posture.rotation import GameCoverage, Rotation, rotate
from defplan.posture.schedule import MoveSchedule, ScheduledMove, schedule
from defplan.posture.schedule_compare import ScheduleComparison, compare_schedules
from defplan.posture.transit import Phases, move_phases

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
