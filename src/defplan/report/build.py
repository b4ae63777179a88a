"""A report: its data, its images and its page, built and written in one place."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from defplan.atomic import atomic_write_bytes, check_out_file, output_set, retire
from defplan.errors import InputError, Problem
from defplan.plan.result import Plan
from defplan.plan.writers import write_plan
from defplan.report.charts import ladder_chart, risk_chart
from defplan.report.data import (
    ReportData,
    report_data,
    report_data_from_dir,
    with_robust,
    with_stability,
)
from defplan.report.figures import png_bytes
from defplan.report.html import render_html
from defplan.report.maps import theater_map
from defplan.report.robust_chart import fan_chart
from defplan.report.schedule_charts import gantt_chart, risk_by_day_chart
from defplan.risk import RiskTable
from defplan.scenario import Scenario
from defplan.whatif import Ladder

#: the PNG files written beside the page, for slides (ladder.png only with a ladder,
#: schedule.png and risk_by_day.png only when units move)
IMAGE_FILES = {
    "map": "map.png",
    "risk": "risk.png",
    "ladder": "ladder.png",
    "schedule": "schedule.png",
    "risk_by_day": "risk_by_day.png",
}
#: the files a report may write into its folder (``plan --report``)
REPORT_FILES = ("report.html", *IMAGE_FILES.values())
#: written only when a robust study of the same inputs is beside the plan
ROBUST_IMAGE_FILES = {"fan": "robust_fan.png"}


@dataclass(frozen=True, eq=False)
class Report:
    """The report's data, its PNG images by name and its HTML.

    ``images`` holds "map" and "risk", "ladder" when the report has a ladder, and
    "schedule" and "risk_by_day" when units move.
    """

    data: ReportData
    images: dict[str, bytes]
    html: str


def render(data: ReportData) -> Report:
    """Draw the map and charts and fill in the page."""
    images = {
        "map": png_bytes(theater_map(data)),
        "risk": png_bytes(risk_chart(data)),
    }
    if data.ladder is not None:  # no ladder, no ladder.png (and none written)
        images["ladder"] = png_bytes(ladder_chart(data))
    if data.schedule is not None and data.schedule.moves:
        images["schedule"] = png_bytes(gantt_chart(data.schedule))
        images["risk_by_day"] = png_bytes(risk_by_day_chart(data.schedule))
    if data.robust is not None:  # a robust study beside the plan: its fan chart
        images["fan"] = png_bytes(fan_chart(data.robust))
    return Report(data=data, images=images, html=render_html(data, images))


def build_report(
    plan: Plan,
    scenario: Scenario,
    *,
    ladder: Ladder | None = None,
    with_ladder: bool = True,
    table: RiskTable | None = None,
    acceptance: pd.DataFrame | None = None,
    robust_file: Path | None = None,
    stability: pd.DataFrame | None = None,
) -> Report:
    """The report of ``plan``, a plan of ``scenario``.

    The move orders are computed from the deployed sheet to the plan; the priority
    ladder is ``ladder`` when given, else computed when small (``with_ladder``).
    ``table`` (the scenario's risk) and ``acceptance`` (the plan's risk-acceptance
    record) are reused when given. ``robust_file`` is a robust.json whose study the
    report shows when it is of the same inputs; ``stability``
    (:func:`defplan.robust.study.plan_stability`) goes beside each placement.

    Examples
    --------
    >>> from defplan.plan import plan
    >>> from defplan.workbook import load_scenario
    >>> scenario = load_scenario("inputs/iraq_syria.xlsx")  # doctest: +SKIP
    >>> report = build_report(plan(scenario), scenario)  # doctest: +SKIP
    >>> write_report(report, "out/report.html")  # doctest: +SKIP
    """
    data = report_data(
        plan,
        scenario,
        ladder_result=ladder,
        with_ladder=with_ladder,
        table=table,
        acceptance=acceptance,
    )
    if stability is not None:
        data = replace(data, allocation=with_stability(data.allocation, stability))
    if robust_file is not None:
        data = with_robust(data, robust_file)
    return render(data)


def write_plan_and_report(
    plan: Plan,
    scenario: Scenario,
    out_dir: Path | str,
    *,
    table: RiskTable | None = None,
    acceptance: pd.DataFrame | None = None,
    extra_sheets: Mapping[str, pd.DataFrame] | None = None,
    stability: pd.DataFrame | None = None,
    inputs: Iterable[Path | str] = (),
) -> list[Path]:
    """plan.json and plan.xlsx (:func:`defplan.plan.writers.write_plan`) and the report
    of the plan with its PNGs (:func:`write_report`) into ``out_dir`` as one set: all
    appear, or none. The report shows a robust.json of the same inputs found in
    ``out_dir``; ``inputs`` are files none of these may replace. Returns the paths
    written, plan.json first.
    """
    out_dir = Path(out_dir)
    with output_set(out_dir):
        written = write_plan(
            plan,
            scenario,
            out_dir,
            acceptance=acceptance,
            extra_sheets=extra_sheets,
            stability=stability,
        )
        page = build_report(
            plan,
            scenario,
            table=table,
            acceptance=acceptance,
            robust_file=out_dir / "robust.json",
            stability=stability,
        )
        written += write_report(page, out_dir / "report.html", inputs=inputs)
    return written


def report_from_dir(
    plan_dir: Path, theater: Path | None = None, *, with_ladder: bool = True
) -> Report:
    """The report of the plan in ``plan_dir`` (plan.json), re-reading its theater.

    Raises InputError when plan.json or the theater is missing, or the theater is not
    the one the plan was made from (see :func:`report_data_from_dir`).
    """
    return render(report_data_from_dir(Path(plan_dir), theater, with_ladder=with_ladder))


def check_html_name(out_file: Path) -> None:
    """Raise :class:`InputError` unless ``out_file`` is named like a web page."""
    if out_file.suffix.lower() not in (".html", ".htm"):
        raise InputError(
            [
                Problem(
                    str(out_file),
                    message="is not an .html name (the report is one web page, "
                    "its PNGs go beside it)",
                )
            ]
        )


def write_report(
    report: Report, out_file: Path | str, *, inputs: Iterable[Path | str] = ()
) -> list[Path]:
    """Write the page to ``out_file`` and map.png, risk.png, ladder.png, schedule.png and
    risk_by_day.png beside it.

    ladder.png only when the report has a ladder, the schedule's PNGs only when units
    move: a report without them removes any such file an earlier report left beside
    ``out_file`` (it would show a plan this page does not), unless it is an input.

    Nothing is written when any of these files would be one of the report's inputs
    (its theater, the files listed in its provenance, or ``inputs``), when
    ``out_file`` is a folder or not an .html name: :class:`InputError` says which.
    The files are written as one set (all appear, or none); returns the paths
    written, the page first.
    """
    out_file = Path(out_file)
    files = {**IMAGE_FILES, **ROBUST_IMAGE_FILES}
    images = [(name, out_file.with_name(file)) for name, file in files.items()]
    images = [(name, target) for name, target in images if name in report.images]
    targets = [out_file, *(target for _, target in images)]
    sources = [Path(file) for file, _ in report.data.inputs] + [Path(p) for p in inputs]
    for target in targets:
        check_out_file(target, sources)
    check_html_name(out_file)
    stale = [out_file.with_name(f) for n, f in files.items() if n not in report.images]
    stale = [p for p in stale if p.is_file() and not any(_is_input(p, s) for s in sources)]
    with output_set(out_file.parent):
        atomic_write_bytes(out_file, report.html.encode("utf-8"))
        for name, target in images:
            atomic_write_bytes(target, report.images[name])
        for path in stale:
            retire(path)
    return targets


def _is_input(path: Path, source: Path) -> bool:
    try:
        return path.resolve() == source.resolve() or (source.exists() and path.samefile(source))
    except OSError:
        return False


def report(
    plan_dir: Path | str,
    out_file: Path | str | None = None,
    *,
    theater: Path | str | None = None,
    with_ladder: bool = True,
) -> list[Path]:
    """What ``defplan report`` does: the report of ``plan_dir``, written; returns the paths.

    ``out_file`` defaults to ``plan_dir/report.html``; the PNGs go beside it.
    ``theater`` is the workbook when not where plan.json's ``source`` says;
    ``with_ladder`` False skips the ladder (and ladder.png). :func:`report_from_dir`
    then :func:`write_report`; nothing is written when an output would overwrite an
    input (:class:`InputError`).
    """
    plan_dir = Path(plan_dir)
    target = Path(out_file) if out_file is not None else plan_dir / "report.html"
    workbook = Path(theater) if theater is not None else None
    inputs = [plan_dir / "plan.json", *([workbook] if workbook is not None else [])]
    check_out_file(target, inputs)
    check_html_name(target)
    built = report_from_dir(plan_dir, workbook, with_ladder=with_ladder)
    return write_report(built, target, inputs=inputs)
