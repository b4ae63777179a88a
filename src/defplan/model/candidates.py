"""Promising cells: where the units of a good allocation are likely to stand.

The cells that hold units now, each site's ``per_site`` systems whose next unit there
would lower the residual most, and each system's ``per_system`` sites where its gain
is nearest the largest gain the site could get (first order: the gains of
:meth:`~defplan.model.heuristic.State.all_gains`, exact with point coverage). A model
of every site over these cells alone is small enough to solve exactly
(:mod:`defplan.model.bundles`); ranking a system's sites by its gain itself would put
its cells at the few sites that keep the most risk (on 150x300 weapon-target
instances, sites with up to 50 cells each where most had 3).
"""

from __future__ import annotations

import numpy as np

from defplan.model.heuristic import State


def promising_cells(state: State, per_site: int, per_system: int) -> np.ndarray:
    """(B, S) bool: the cells of the allocation, and each site's ``per_site`` and each
    system's ``per_system`` cells of largest gain, among those that may host a unit.

    Examples
    --------
    >>> from defplan.model import make_instance
    >>> inst = make_instance([[3.0, 0.0], [0.0, 2.0]], [[0.5, 0.9], [0.9, 0.5]], [1, 1])
    >>> state = State.of(inst, np.array([[1, 0], [0, 0]]))
    >>> promising_cells(state, 1, 0).tolist()
    [[True, True], [True, False]]
    """
    inst = state.inst
    open_ = inst.upper > 0
    cells = (state.x > 0) & open_
    if not cells.size:
        return cells
    gains = np.where(open_, state.all_gains().T, -np.inf)  # (B, S)
    rows = np.arange(inst.n_bases)[:, None]
    columns = np.arange(inst.n_systems)[None, :]
    if per_site > 0:
        k = min(per_site, inst.n_systems)
        top = np.argsort(-gains, axis=1, kind="stable")[:, :k]
        cells[rows, top] = True
    if per_system > 0:
        # where the system is near the best the site could get: a system's largest
        # gains would otherwise all be at the few sites that keep the most risk
        best = gains.max(axis=1, keepdims=True)
        near = np.where(best > 0.0, gains / np.where(best > 0.0, best, 1.0), -np.inf)
        k = min(per_system, inst.n_bases)
        top = np.argsort(-near, axis=0, kind="stable")[:k]
        cells[top, columns] = True
    return cells & open_
