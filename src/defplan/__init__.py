"""defplan: where should the C-RAM and Patriot systems go, and why.

The names below load on first use (PEP 562), so ``import defplan.model`` pulls numpy
and nothing of pandas or pydantic. The stages are subpackages named for what they
compute, each with a function of the same name: ``from defplan.risk import risk``,
``from defplan.plan import plan``, ``from defplan.robust import robust``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from defplan.lazy import lazy_names

__version__ = "0.1.0"

if TYPE_CHECKING:
    from defplan.errors import InputError, Problem, SolverError
    from defplan.risk import RiskTable
    from defplan.scenario import Scenario, Settings

#: Each public name and the module it lives in, imported when first asked for.
_LAZY = {
    "InputError": "defplan.errors",
    "Problem": "defplan.errors",
    "SolverError": "defplan.errors",
    "RiskTable": "defplan.risk",
    "Scenario": "defplan.scenario",
    "Settings": "defplan.scenario",
}

__all__ = ["InputError", "Problem", "RiskTable", "Scenario", "Settings", "SolverError"]


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
