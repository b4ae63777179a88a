"""The worst-case tie-break: many allocations may share the optimal worst base, and
the plan is the one of them with the least summed residual.

A second solve minimises the sum with every base's residual capped at the proven
worst-case optimum (plus a small slack); every backend runs it, so they agree on
the plan and not only on its worst base.
"""

from __future__ import annotations

import dataclasses

from defplan.model.instance import Instance, IntArray, top_sum
from defplan.model.solution import ABSOLUTE_TOLERANCE, OPTIMALITY_TOLERANCE

#: How far (relative) the second, tie-breaking stage of a worst-case solve may let the
#: worst base exceed the proven optimum: first almost none, then, should the backend
#: find that too tight to handle (HiGHS's presolve may), the optimality tolerance.
CAP_SLACKS = (1e-9, OPTIMALITY_TOLERANCE)

TIE_UNPROVEN = "ties among worst-case optima broken by the sum, not proven"


def capped_instance(instance: Instance, x: IntArray, slack: float) -> Instance:
    """The tie-break's instance around ``x``, a proven worst-case optimum: the summed
    residual, every base capped at x's worst residual plus a relative ``slack`` (under
    an attacker with k raids: the sum of the k largest residuals capped).

    With a move cost the optimum is x's worst residual plus its moves' cost: the cap
    then holds the residual alone and the moves are held to x's, so every allocation
    of the tie-break is as good as x, and the sum it minimises carries no move cost
    (a cap that included it let the tie-break buy a lower sum with a worse worst base,
    which was then rejected as not proven).
    """
    worst = top_sum(instance.residual(x), instance.raids)
    capped = dataclasses.replace(
        instance,
        objective="expected",
        residual_cap=worst * (1.0 + slack) + ABSOLUTE_TOLERANCE * slack,
        cap_raids=instance.raids,
    )
    if instance.move_cost > 0.0:
        moved = instance.moves(x)
        budget = moved if instance.max_moves is None else min(instance.max_moves, moved)
        capped = dataclasses.replace(capped, move_cost=0.0, max_moves=budget)
    return capped
