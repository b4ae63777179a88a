"""The solver core on plain arrays: it imports nothing from the rest of defplan.

from defplan.model import make_instance, solve
inst = make_instance(value, p, inventory)
solution = solve(inst)
"""

from defplan.model.backends import backend_names
from defplan.model.heuristic import greedy, improve
from defplan.model.instance import (
    Coverage,
    Instance,
    Objective,
    attacker_objective,
    best_response,
    make_instance,
)
from defplan.model.outer_approximation import solve
from defplan.model.solution import Solution, Status
from defplan.model.wta_format import wta

__all__ = [
    "Coverage",
    "Instance",
    "Objective",
    "Solution",
    "Status",
    "attacker_objective",
    "backend_names",
    "best_response",
    "greedy",
    "improve",
    "make_instance",
    "solve",
    "wta",
]
