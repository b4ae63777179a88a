"""What-if questions on a theater: ladder, sweep, compare and risk acceptance.

Each is a library function the CLI command of the same name wraps (docs/whatif.md).
Ladders and sweeps are many independent solves; they run through
:func:`defplan.executor.run_all` (every core here, or Ray / Dask elsewhere).

The names below load on first use (PEP 562): importing one module of the package
loads that module alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from defplan.lazy import lazy_names

if TYPE_CHECKING:
    from defplan.plan.acceptance import (
        MEASURES_BY_FACTOR,
        MEASURES_BY_WEAPON,
        acceptance_reasons,
        measures_for,
        risk_acceptance,
    )
    from defplan.whatif.comparison import Comparison, compare
    from defplan.whatif.jobs import SolveOptions
    from defplan.whatif.parameter_sweep import Sweep, VarySpec, parse_vary, sweep, vary_scenario
    from defplan.whatif.priority_ladder import Ladder, LadderStep, ladder

#: Each public name and the module it lives in, imported when first asked for.
_LAZY = {
    "MEASURES_BY_FACTOR": "defplan.plan.acceptance",
    "MEASURES_BY_WEAPON": "defplan.plan.acceptance",
    "acceptance_reasons": "defplan.plan.acceptance",
    "measures_for": "defplan.plan.acceptance",
    "risk_acceptance": "defplan.plan.acceptance",
    "Comparison": "defplan.whatif.comparison",
    "compare": "defplan.whatif.comparison",
    "SolveOptions": "defplan.whatif.jobs",
    "Ladder": "defplan.whatif.priority_ladder",
    "LadderStep": "defplan.whatif.priority_ladder",
    "ladder": "defplan.whatif.priority_ladder",
    "Sweep": "defplan.whatif.parameter_sweep",
    "VarySpec": "defplan.whatif.parameter_sweep",
    "parse_vary": "defplan.whatif.parameter_sweep",
    "sweep": "defplan.whatif.parameter_sweep",
    "vary_scenario": "defplan.whatif.parameter_sweep",
}

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

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
