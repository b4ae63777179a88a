"""Where raids change the example's plan, and why: salvos against C-RAMs that engage a
few rounds each.

The example workbook has no channels or magazines (every unit engages every round, as
the model without raids assumes). This script gives its systems illustrative ones
(C-RAM 4 rounds a raid, Patriot 8 interceptors, the counter-drone class 2 rounds) and
its weapon classes illustrative salvo priors (rocket 4 rounds worth 2 recorded attacks,
pooled with the record's stated salvos; mortar 3; drone 2; ballistic missile 6), plans
with and without them, and prints where the plans part and what each base keeps.
None of these values is a fact.

Run: .venv/bin/python examples/raids.py [WORKBOOK] [--simulate N]
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np

from defplan.plan import Plan, evaluate, plan
from defplan.plan.salvos import salvo_estimates
from defplan.scenario import Scenario
from defplan.workbook import load_scenario

HERE = Path(__file__).resolve().parent
#: Illustrative rounds a unit engages in one raid (channels) or interceptors (magazine).
CAPACITY = {"cram": {"channels": 4}, "patriot": {"magazine": 8}, "cuas": {"channels": 2}}
#: Illustrative salvo priors: (mean rounds per attack, negative binomial size).
SALVOS = {"rocket": (4.0, 1.5), "mortar": (3.0, 2.0), "drone": (2.0, 2.0)}
SALVOS["ballistic_missile"] = (6.0, 2.0)
#: Recorded attacks each prior is worth when pooled with the record.
PRIOR_WEIGHT = 2.0


def with_raids(scenario: Scenario) -> Scenario:
    """The scenario with the illustrative channels, magazines and salvo priors."""
    systems = tuple(s.model_copy(update=CAPACITY.get(s.system_id, {})) for s in scenario.systems)
    weapons = tuple(
        w.model_copy(
            update={
                "salvo_mean": SALVOS[w.weapon][0],
                "salvo_dispersion": SALVOS[w.weapon][1],
                "salvo_prior_weight": PRIOR_WEIGHT,
            }
        )
        if w.weapon in SALVOS
        else w
        for w in scenario.weapons
    )
    return dataclasses.replace(scenario, systems=systems, weapons=weapons)


def as_allocation(result: Plan) -> dict[tuple[str, str], int]:
    return {
        (b, s): int(result.allocation[i, j])
        for i, b in enumerate(result.base_ids)
        for j, s in enumerate(result.system_ids)
        if result.allocation[i, j]
    }


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    simulate = int(argv[argv.index("--simulate") + 1]) if "--simulate" in argv else 0
    if simulate:
        args = [a for a in args if a != str(simulate)]
    path = Path(args[0]) if args else HERE.parent / "inputs" / "iraq_syria.xlsx"
    today = load_scenario(path)
    raided = with_raids(today)
    for e in salvo_estimates(raided, tuple(w.weapon for w in raided.weapons)):
        print(
            f"salvo {e.weapon:18} prior {e.prior_mean} (weight {e.prior_weight:g}), "
            f"record {list(e.stated)} -> mean {e.mean:.2f} rounds"
        )
    old, new = plan(today), plan(raided)
    old_under_raids = evaluate(raided, as_allocation(old))
    print(f"plan without raids: {old.risk_after:.3f}/yr by its own model")
    print(f"  the same plan under raids:        {old_under_raids.risk_after:.3f}/yr")
    print(f"  the plan that knows the raids:    {new.risk_after:.3f}/yr ({new.status})")
    for i, base_id in enumerate(new.base_ids):
        if np.array_equal(old.allocation[i], new.allocation[i]):
            continue
        units = ", ".join(
            f"{s} {int(a)} -> {int(b)}"
            for s, a, b in zip(new.system_ids, old.allocation[i], new.allocation[i], strict=True)
            if a != b
        )
        before, after = old_under_raids.residual_by_class[i], new.residual_by_class[i]
        by_class = ", ".join(
            f"{w} {before[c]:.3f} -> {after[c]:.3f}"
            for c, w in enumerate(new.weapons)
            if before[c] > 5e-4
        )
        print(
            f"  {base_id}: {units}; under raids {old_under_raids.residual[i]:.3f} -> "
            f"{new.residual[i]:.3f}/yr (without raids it kept {old.residual[i]:.3f}); {by_class}"
        )
    if simulate:
        leakers = evaluate(raided, as_allocation(new), simulate=simulate).leakers
        assert leakers is not None
        print(leakers.round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
