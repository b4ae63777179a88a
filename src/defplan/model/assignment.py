"""The linear assignment problem (rectangular, some pairs forbidden), in numpy.

The shortest augmenting path method of Jonker & Volgenant (1987), in the form Crouse
(2016) gives it: one row at a time is added along a shortest alternating path in the
reduced costs (Dijkstra over the columns, each step one vector operation over all of
them), and the duals are updated so the reduced costs stay non-negative. Exact; for
n rows and m ≥ n columns O(n² m) at worst, and far less when rows want different
columns.

Jonker, R. & Volgenant, A. (1987). A shortest augmenting path algorithm for dense and
sparse linear assignment problems. Computing 38, 325-340.
Crouse, D. F. (2016). On implementing 2D rectangular assignment algorithms. IEEE
Transactions on Aerospace and Electronic Systems 52(4), 1679-1696.
"""

from __future__ import annotations

import numpy as np

from defplan.model.instance import FloatArray, IntArray


def linear_assignment(cost: FloatArray) -> IntArray | None:
    """Distinct columns for the rows of ``cost`` (n, m), n ≤ m, at least total cost.

    ``inf`` marks a forbidden pair. Returns the column of each row, or None when no
    assignment avoids every forbidden pair. The answer is the same on every machine.

    Examples
    --------
    >>> linear_assignment(np.array([[4.0, 1.0, 6.0], [2.0, 0.0, 5.0]])).tolist()
    [1, 0]
    >>> linear_assignment(np.array([[np.inf, 1.0], [np.inf, 2.0]])) is None
    True
    """
    n, m = cost.shape
    if n > m:
        raise ValueError(f"{n} rows cannot take distinct columns of {m}")
    u = np.zeros(n)
    v = np.zeros(m)
    col_of_row = np.full(n, -1, dtype=np.int64)
    row_of_col = np.full(m, -1, dtype=np.int64)
    # rows whose cheapest column no earlier row took go there at once, their dual the
    # row's least cost (every reduced cost stays ≥ 0, and 0 on the pairs taken)
    cheapest = np.argmin(cost, axis=1)
    for i in range(n):
        j = int(cheapest[i])
        if row_of_col[j] < 0 and np.isfinite(cost[i, j]):
            row_of_col[j], col_of_row[i], u[i] = i, j, cost[i, j]
    _augmenting_row_reduction(cost, u, v, col_of_row, row_of_col)
    for current in np.flatnonzero(col_of_row < 0).tolist():
        # Dijkstra over the columns: ``open_cost`` holds the labels of the columns not
        # yet scanned (inf once scanned, where ``open_v`` is −inf so no label returns)
        open_cost = np.full(m, np.inf)
        open_v = v.copy()
        final = np.zeros(m)
        path = np.full(m, -1, dtype=np.int64)
        scanned: list[int] = []
        rows_seen = [current]
        i = current
        lowest = 0.0
        sink = -1
        while sink < 0:
            reduced = cost[i] - open_v
            reduced += lowest - u[i]
            better = reduced < open_cost
            path[better] = i
            np.minimum(open_cost, reduced, out=open_cost)
            j = int(np.argmin(open_cost))
            lowest = float(open_cost[j])
            if not np.isfinite(lowest):
                return None
            final[j] = lowest
            open_cost[j] = np.inf
            open_v[j] = -np.inf
            scanned.append(j)
            if row_of_col[j] < 0:
                sink = j
            else:
                i = int(row_of_col[j])
                rows_seen.append(i)
        u[current] += lowest
        for r in rows_seen[1:]:
            u[r] += lowest - final[col_of_row[r]]
        done = np.array(scanned, dtype=np.int64)
        v[done] -= lowest - final[done]
        j = sink
        while True:
            i = int(path[j])
            row_of_col[j] = i
            col_of_row[i], j = j, int(col_of_row[i])
            if i == current:
                break
    return col_of_row


#: Passes of augmenting row reduction, and the steps each may take per row.
REDUCTION_PASSES = 2
REDUCTION_STEPS = 8


def _augmenting_row_reduction(
    cost: FloatArray, u: FloatArray, v: FloatArray, col_of_row: IntArray, row_of_col: IntArray
) -> None:
    """Jonker & Volgenant's augmenting row reduction, in place: each free row takes its
    cheapest column in reduced cost, lowering that column's dual to the row's second
    cheapest (an auction step), and the row it displaces bids next. Each assigned row
    keeps its column cheapest in reduced cost, and only assigned columns have a
    negative dual, so the shortest augmenting paths that follow stay exact."""
    for _ in range(REDUCTION_PASSES):
        free = np.flatnonzero(col_of_row < 0).tolist()
        if not free:
            return
        steps = REDUCTION_STEPS * len(free)
        while free and steps > 0:
            steps -= 1
            i = free.pop()
            reduced = cost[i] - v
            j1 = int(np.argmin(reduced))
            first = float(reduced[j1])
            reduced[j1] = np.inf
            j2 = int(np.argmin(reduced))
            second = float(reduced[j2])
            if not np.isfinite(second):  # one column or none: the paths decide
                continue
            displaced = int(row_of_col[j1])
            if first < second:
                v[j1] -= second - first
            elif displaced >= 0:
                j1, displaced = j2, int(row_of_col[j2])
            if displaced >= 0:
                col_of_row[displaced] = -1
                if first < second:  # it bids again at once (else in the next pass)
                    free.append(displaced)
            row_of_col[j1], col_of_row[i] = i, j1
    assigned = np.flatnonzero(col_of_row >= 0)
    u[assigned] = cost[assigned, col_of_row[assigned]] - v[col_of_row[assigned]]
    u[col_of_row < 0] = 0.0
