"""What-if questions on a theater: ladder, sweep, compare and risk acceptance.

Each is a library function the CLI command of the same name wraps (docs/whatif.md).
Ladders and sweeps are many independent solves; they run through
:func:`defplan.executor.run_all` (every core here, or Ray / Dask elsewhere).
"""

from defplan.plan.acceptance import (
    MEASURES_BY_FACTOR,
    MEASURES_BY_WEAPON,
    acceptance_reasons,
    measures_for,
    risk_acceptance,
)
from defplan.whatif.compare import Comparison, compare
from defplan.whatif.jobs import SolveOptions
from defplan.whatif.ladder import Ladder, LadderStep, ladder
from defplan.whatif.sweep import Sweep, VarySpec, parse_vary, sweep, vary_scenario

__all__ = [
    "MEASURES_BY_FACTOR",
    "MEASURES_BY_WEAPON",
    "Comparison",
    "Ladder",
    "LadderStep",
    "SolveOptions",
    "Sweep",
    "VarySpec",
    "acceptance_reasons",
    "compare",
    "ladder",
    "measures_for",
    "parse_vary",
    "risk_acceptance",
    "sweep",
    "vary_scenario",
]
