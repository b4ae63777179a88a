"""Random small allocation instances for hypothesis: every feature the model has."""

from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from defplan.model import Coverage, Instance, greedy, make_instance
from defplan.model.instance import OBJECTIVES


@st.composite
def instances(draw: st.DrawFn, *, most_bases: int = 4, budgets: bool = True) -> Instance:
    """1 to 4 bases, 1 to 3 classes, 1 or 2 systems (point or area), bounds, budgets."""
    n_bases = draw(st.integers(1, most_bases))
    n_classes = draw(st.integers(1, 3))
    n_systems = draw(st.integers(1, 2))
    unit = st.floats(0.0, 1.0, allow_nan=False)
    value = np.array(
        [
            [draw(st.one_of(st.just(0.0), st.floats(0.0, 5.0))) for _ in range(n_classes)]
            for _ in range(n_bases)
        ]
    )
    p = np.array([[draw(unit) for _ in range(n_classes)] for _ in range(n_systems)])
    inventory = [draw(st.integers(0, 3)) for _ in range(n_systems)]
    coverage = []
    for _ in range(n_systems):
        if draw(st.booleans()):
            coverage.append(Coverage.point(n_bases))
        else:
            pairs = {(b, b) for b in range(n_bases)}
            pairs |= set(
                draw(
                    st.lists(
                        st.tuples(st.integers(0, n_bases - 1), st.integers(0, n_bases - 1)),
                        max_size=5,
                    )
                )
            )
            coverage.append(Coverage.from_pairs(sorted(pairs)))
    upper = np.array([[draw(st.integers(0, 2)) for _ in range(n_systems)] for _ in range(n_bases)])
    lower = np.array(
        [
            [draw(st.integers(0, int(u))) if draw(st.integers(0, 4)) == 0 else 0 for u in row]
            for row in upper
        ]
    )
    current = None
    max_moves = None
    if budgets and draw(st.booleans()):
        current = np.array(
            [[draw(st.integers(0, 1)) for _ in range(n_systems)] for _ in range(n_bases)]
        )
        max_moves = draw(st.integers(0, 2))
    return make_instance(
        value,
        p,
        inventory,
        coverage=coverage,
        lower=lower,
        upper=upper,
        current=current,
        max_moves=max_moves,
        objective=draw(st.sampled_from(OBJECTIVES)),
        blend_weight=draw(unit),
    )


def greedy_start(inst: Instance) -> np.ndarray:
    """The greedy allocation of ``inst`` (the example is skipped when it has none)."""
    x = greedy(inst)
    assume(x is not None and not inst.violations(x))
    assert x is not None
    return x
