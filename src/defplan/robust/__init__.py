"""Plans that hold up when the evidence is thin: sampled inputs, stability, robust plans.

:func:`robust` (``defplan robust``) draws seeded samples of the uncertain inputs,
solves each, judges any plan across them and solves one allocation for all of them
at once, exactly. See docs/robust.md.
"""

from defplan.robust.judge import Judgement, spread, stability
from defplan.robust.sampling import SOURCES, Samples, draw_samples
from defplan.robust.study import RobustResult, parse_objective, robust

__all__ = [
    "SOURCES",
    "Judgement",
    "RobustResult",
    "Samples",
    "draw_samples",
    "parse_objective",
    "robust",
    "spread",
    "stability",
]
