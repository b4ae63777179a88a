"""What the map and the charts share: a fresh figure, PNG bytes, the colours.

Figures are made with :class:`matplotlib.figure.Figure` and the Agg canvas directly,
never through pyplot, so no global state or display backend is involved.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: colour map of residual risk (light = little, dark red = most)
RISK_CMAP = "YlOrRd"
ZONE_COLOUR = "#c0392b"
COVER_COLOUR = "#1f5fa8"
MOVE_COLOUR = "#6a3d9a"
TODAY_COLOUR = "#f39c12"
PLAN_COLOUR = "#b03a2e"
UNDEFENDED_COLOUR = "#bfbfbf"
INK = "#222222"


def new_figure(width_in: float, height_in: float) -> Figure:
    """A figure on an Agg canvas with a constrained layout, ``width_in`` x ``height_in`` inches."""
    figure = Figure(figsize=(width_in, height_in), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def png_bytes(figure: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG; no software stamp, so the same figure gives the same bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
