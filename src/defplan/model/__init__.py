"""The solver core on plain arrays: it imports numpy and nothing from the rest of
defplan (a backend's library loads when a solve asks for it).

:func:`make_instance` builds an :class:`Instance` (risk per base and class, intercept
probabilities, inventory, coverage, bounds); :func:`solve` places every unit and
proves it (outer approximation over any backend of :func:`backend_names`);
:func:`greedy` and :func:`improve` are the by-hand baseline; :func:`wta` reads and
solves a public weapon-target assignment file (the format: :mod:`.wta_format`).

>>> from defplan.model import make_instance, solve
>>> solution = solve(make_instance([[5.0], [3.0], [1.0]], [[0.5]], [2]))
>>> solution.status, solution.x.ravel().tolist()
('optimal', [1, 1, 0])
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
from defplan.model.raids import Raids, Salvo, make_raids, salvo_distribution
from defplan.model.solution import Solution, Status
from defplan.model.wta_format import wta

__all__ = [
    "Coverage",
    "Instance",
    "Objective",
    "Raids",
    "Salvo",
    "Solution",
    "Status",
    "attacker_objective",
    "backend_names",
    "best_response",
    "greedy",
    "improve",
    "make_instance",
    "make_raids",
    "salvo_distribution",
    "solve",
    "wta",
]
