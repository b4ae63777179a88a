"""Why no allocation satisfies the rules: the rules that conflict, by name."""

from __future__ import annotations

import numpy as np

from defplan.plan.arrays import PlanArrays


def explain_infeasible(arrays: PlanArrays) -> list[str]:
    """One sentence per conflict found; empty if none of the known patterns applies."""
    inst, bounds = arrays.instance, arrays.bounds
    found: list[str] = []
    for b, s in zip(*np.nonzero(inst.lower > inst.upper), strict=True):
        base, system = arrays.base_ids[b], arrays.system_ids[s]
        needs = "; ".join(bounds.why_lower(b, s)) or "a lower bound"
        allows = "; ".join(bounds.why_upper(b, s)) or (f"inventory {inst.inventory[s]} of {system}")
        found.append(
            f"{system} at {base}: {needs} needs at least {inst.lower[b, s]} unit(s), "
            f"but {allows} allows at most {inst.upper[b, s]}"
        )
    for s, system in enumerate(arrays.system_ids):
        needed = int(inst.lower[:, s].sum())
        if needed > inst.inventory[s]:
            reasons = [
                why
                for b in np.flatnonzero(inst.lower[:, s] > 0).tolist()
                for why in bounds.why_lower(b, s)
            ]
            found.append(
                f"{system}: the rules need {needed} unit(s) in all ({'; '.join(reasons)}) "
                f"but the inventory is {inst.inventory[s]}"
            )
    if not found and inst.max_moves is not None and inst.current is not None:
        forced = minimum_moves(arrays)
        if forced > inst.max_moves:
            reasons = sorted(
                {
                    why
                    for b, s in zip(*np.nonzero(inst.current > inst.upper), strict=True)
                    for why in bounds.why_upper(b, s)
                }
                | {
                    why
                    for b, s in zip(*np.nonzero(inst.lower > inst.current), strict=True)
                    for why in bounds.why_lower(b, s)
                }
            )
            found.append(
                f"max_moves {inst.max_moves} is below the {forced} move(s) the rules force "
                f"({'; '.join(reasons) or 'units over a limit must leave'})"
            )
    return found


def minimum_moves(arrays: PlanArrays) -> int:
    """Fewest units that must leave where they stand to satisfy the bounds."""
    inst = arrays.instance
    assert inst.current is not None
    total = 0
    for s in range(inst.n_systems):
        forced_out = int(np.maximum(inst.current[:, s] - inst.upper[:, s], 0).sum())
        need_in = int(np.maximum(inst.lower[:, s] - inst.current[:, s], 0).sum())
        spare = int(inst.inventory[s] - np.minimum(inst.current[:, s], inst.upper[:, s]).sum())
        # units above a site's limit must leave; units a site lacks come first from
        # the pool and from those that left, then from sites that must give one up
        total += forced_out + max(0, need_in - max(spare, 0))
    return total
