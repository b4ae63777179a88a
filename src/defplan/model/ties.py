"""The worst-case tie-break: many allocations may share the optimal worst base, and
the plan is the one of them with the least summed residual.

A second solve minimises the sum with every base's residual capped at the proven
worst-case optimum (plus a small slack); every backend runs it, so they agree on
the plan and not only on its worst base.
"""

from __future__ import annotations

import dataclasses

from defplan.model.instance import Instance
from defplan.model.solution import ABSOLUTE_TOLERANCE, OPTIMALITY_TOLERANCE

#: How far (relative) the second, tie-breaking stage of a worst-case solve may let the
#: worst base exceed the proven optimum: first almost none, then, should the backend
#: find that too tight to handle (HiGHS's presolve may), the optimality tolerance.
CAP_SLACKS = (1e-9, OPTIMALITY_TOLERANCE)

TIE_UNPROVEN = "ties among worst-case optima broken by the sum, not proven"


def capped_instance(instance: Instance, worst: float, slack: float) -> Instance:
    """The tie-break's instance: the summed residual, every base capped at ``worst``
    (the proven worst-case optimum) plus a relative ``slack`` (under an attacker with k
    raids: the sum of the k largest residuals capped)."""
    return dataclasses.replace(
        instance,
        objective="expected",
        residual_cap=worst * (1.0 + slack) + ABSOLUTE_TOLERANCE * slack,
        cap_raids=instance.raids,
    )
