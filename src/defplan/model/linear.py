"""A backend-neutral mixed-integer linear model: columns, rows and a cost vector.

Every backend translates this one structure, so "one formulation, several
backends" holds by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

INF = float("inf")


@dataclass
class LinearModel:
    """min cost·v + offset  s.t.  row_lower ≤ A v ≤ row_upper,  col bounds, integrality."""

    col_cost: list[float] = field(default_factory=list)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    col_name: list[str] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    row_starts: list[int] = field(default_factory=lambda: [0])
    row_index: list[int] = field(default_factory=list)
    row_value: list[float] = field(default_factory=list)
    row_name: list[str] = field(default_factory=list)
    offset: float = 0.0

    @property
    def n_cols(self) -> int:
        return len(self.col_cost)

    @property
    def n_rows(self) -> int:
        return len(self.row_lower)

    def add_col(
        self, name: str, lower: float, upper: float, cost: float = 0.0, integer: bool = False
    ) -> int:
        self.col_name.append(name)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.col_cost.append(cost)
        self.col_integer.append(integer)
        return len(self.col_cost) - 1

    def add_row(
        self, name: str, index: list[int], value: list[float], lower: float, upper: float
    ) -> int:
        self.row_name.append(name)
        self.row_index.extend(index)
        self.row_value.extend(value)
        self.row_starts.append(len(self.row_index))
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        return len(self.row_lower) - 1

    def row(self, r: int) -> tuple[list[int], list[float]]:
        start, end = self.row_starts[r], self.row_starts[r + 1]
        return self.row_index[start:end], self.row_value[start:end]

    def activity(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        """A v for every row."""
        index = np.asarray(self.row_index, dtype=np.int64)
        products = np.asarray(self.row_value, dtype=np.float64) * values[index]
        rows = np.repeat(np.arange(self.n_rows), np.diff(np.asarray(self.row_starts)))
        return np.bincount(rows, weights=products, minlength=self.n_rows).astype(np.float64)

    def objective(self, values: NDArray[np.float64]) -> float:
        return float(np.dot(self.col_cost, values) + self.offset)
