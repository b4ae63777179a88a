"""Risk: expected casualty-equivalents per year for every base and weapon class.

``risk[b, w] = rate[b, w] * severity[w] * exposure[b]`` (DESIGN.md, "Risk";
``docs/risk_model.md`` gives the formulas). :func:`risk` computes it from a
:class:`~defplan.scenario.Scenario` and returns a :class:`RiskTable` in which every
figure carries its parts.
"""

from defplan.risk.model import exposure, posterior_rate, risk
from defplan.risk.record import ExcludedAttack
from defplan.risk.table import RiskTable

__all__ = ["ExcludedAttack", "RiskTable", "exposure", "posterior_rate", "risk"]
