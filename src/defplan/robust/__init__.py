"""Plans that hold up when the evidence is thin: sampled inputs, stability, robust plans.

:func:`robust` (``defplan robust``) draws seeded samples of the uncertain inputs,
solves each, judges any plan across them and solves one allocation for all of them
at once, exactly. See docs/robust.md.

The names below load on first use (PEP 562), so a submodule such as
:mod:`defplan.robust.sources` imports without the sampler and the solver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from defplan.lazy import lazy_names

if TYPE_CHECKING:
    from defplan.robust.judge import Judgement, spread, stability
    from defplan.robust.sampling import Samples, draw_samples
    from defplan.robust.sources import SOURCES
    from defplan.robust.study import RobustResult, parse_objective, robust

#: Each public name and the module it lives in, imported when first asked for.
_LAZY = {
    "SOURCES": "defplan.robust.sources",
    "Judgement": "defplan.robust.judge",
    "spread": "defplan.robust.judge",
    "stability": "defplan.robust.judge",
    "Samples": "defplan.robust.sampling",
    "draw_samples": "defplan.robust.sampling",
    "RobustResult": "defplan.robust.study",
    "parse_objective": "defplan.robust.study",
    "robust": "defplan.robust.study",
}

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


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
