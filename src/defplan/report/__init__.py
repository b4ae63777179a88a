"""The planner's report: one offline HTML page, PNGs for slides, a formatted plan.xlsx.

>>> from defplan.report import build_report, write_report  # doctest: +SKIP
>>> write_report(build_report(plan, scenario), "out/report.html")  # doctest: +SKIP
>>> from defplan.report import report  # what `defplan report PLAN_DIR` does
>>> report("out/demo")  # doctest: +SKIP

See docs/report.md.
"""

from defplan.report.build import (
    IMAGE_FILES,
    REPORT_FILES,
    Report,
    build_report,
    render,
    report,
    report_from_dir,
    write_plan_and_report,
    write_report,
)
from defplan.report.data import ReportData, report_data, report_data_from_dir
from defplan.workbook.format import format_plan_workbook

__all__ = [
    "IMAGE_FILES",
    "REPORT_FILES",
    "Report",
    "ReportData",
    "build_report",
    "format_plan_workbook",
    "render",
    "report",
    "report_data",
    "report_data_from_dir",
    "report_from_dir",
    "write_plan_and_report",
    "write_report",
]
