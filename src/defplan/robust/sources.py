"""The inputs a robust run can draw (a module of its own, so ``defplan --help`` can
name them without loading the sampler)."""

from __future__ import annotations

#: The inputs a robust run can draw, in the order their generators are numbered.
SOURCES: tuple[str, ...] = ("rates", "severity", "p", "intensity", "completeness")
