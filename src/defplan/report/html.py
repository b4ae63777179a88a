"""The report as one self-contained HTML page (jinja2; images as PNG data URIs).

The page loads nothing: no script, font, stylesheet or image from anywhere else,
so it opens the same offline, from a USB stick or an e-mail attachment.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import jinja2

from defplan import __version__
from defplan.plan.result import EVALUATED_STATUSES
from defplan.report.data import ReportData, records


def _num(value: Any, digits: int = 3) -> str:
    """A number with ``digits`` decimals; blank for a missing value."""
    if value is None or isinstance(value, str):
        return "" if value is None else value
    number = float(value)
    return "-" if math.isnan(number) else f"{number:,.{digits}f}"


def _percent(value: Any, digits: int = 2) -> str:
    """A fraction as a percent with ``digits`` decimals (a gap of 0.0012 is "0.12%")."""
    if value is None or isinstance(value, str):
        return "" if value is None else value
    number = float(value)
    return "-" if math.isnan(number) else f"{100 * number:.{digits}f}%"


def _count(value: Any) -> str:
    """A count, or "n/r" (not reported) where the source gives none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/r"
    return str(int(value))


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("defplan.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["num"] = _num
    environment.filters["count"] = _count
    environment.filters["percent"] = _percent
    return environment


def lead_sentence(data: ReportData) -> str:
    """One sentence a planner reads first: where the units go and what that buys."""
    s = data.summary
    hosts = data.bases[data.bases["units_planned"] > 0]
    placed = "; ".join(
        f"{b['base_id']} "
        + " + ".join(
            f"{int(b[f'hosted_{sid}'])} {sid}" for sid in data.system_ids if int(b[f"hosted_{sid}"])
        )
        for b in records(hosts.sort_values("risk_undefended", ascending=False))
    )
    moves = int(s.get("units_moved") or 0)
    where = placed or "no units anywhere"
    scored = s.get("status") in EVALUATED_STATUSES
    opening = (
        f"This allocation, scored as given (not optimised), puts {where}. "
        if scored
        else f"Put {where}. "
    )
    return (
        opening
        + f"That leaves {_num(s['risk_planned'], 2)} casualty-equivalents a year at risk, against "
        f"{_num(s['risk_today'], 2)} with today's deployment and {_num(s['risk_undefended'], 2)} "
        f"with no defence ({_num(s['percent_removed'], 1)}% of it removed), "
        f"moving {moves} unit{'s' if moves != 1 else ''}. "
        f"The most risk is left at {s.get('worst_base') or 'no base'}; the section "
        "'Risk accepted, and why' says why no more defence goes there."
    )


def render_html(data: ReportData, images: dict[str, bytes]) -> str:
    """The page; ``images`` maps "map", "risk" (and "ladder" with a ladder) to PNG bytes."""
    bases = data.bases.copy()
    bases["defended_by"] = [
        ", ".join(
            f"{sid} {_units(row[f'defended_by_{sid}'])}"
            for sid in data.system_ids
            if float(row[f"defended_by_{sid}"] or 0) > 0
        )
        or "none"
        for row in bases.to_dict(orient="records")
    ]
    template = _environment().get_template("report.html.j2")
    return template.render(
        data=data,
        s=data.summary,
        solver=data.solver,
        version=__version__,
        lead=lead_sentence(data),
        images={k: base64.b64encode(v).decode("ascii") for k, v in images.items()},
        allocation=records(data.allocation),
        moves=records(data.moves),
        schedule=[] if data.schedule is None else records(data.schedule.frame()),
        bases=records(bases[bases["owner"] == "coalition"]),
        others=records(bases[bases["owner"] != "coalition"]),
        ladder=records(data.ladder),
        acceptance=records(data.acceptance),
        attacks=records(data.attacks),
    )


def _units(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"
