"""defplan: where should the C-RAM and Patriot systems go, and why."""

__version__ = "0.1.0"

from defplan.errors import InputError, Problem, SolverError
from defplan.risk import RiskTable, risk
from defplan.robust import robust
from defplan.scenario import Scenario, Settings

__all__ = [
    "InputError",
    "Problem",
    "RiskTable",
    "Scenario",
    "Settings",
    "SolverError",
    "risk",
    "robust",
]
