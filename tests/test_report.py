"""The planner's report: an offline HTML page, PNGs, and a formatted plan.xlsx."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from matplotlib.image import imread
from typer import Typer
from typer.testing import CliRunner

from browser import find_chromium, open_in_chromium
from builders import base, planning_theater
from defplan.cli.report import report_command
from defplan.errors import InputError
from defplan.plan import plan
from defplan.plan.acceptance import risk_acceptance
from defplan.plan.writers import plan_json, plan_workbook, write_plan
from defplan.report import (
    IMAGE_FILES,
    build_report,
    format_plan_workbook,
    report,
    report_from_dir,
)
from defplan.report import write_report as write_report_files
from defplan.report.borders import countries
from defplan.report.maps import theater_map
from defplan.risk import risk
from defplan.scenario import RuleRow, Scenario
from defplan.workbook import write_scenario
from defplan.workbook.output_book import save_book

INJECTED = "=cmd|' /C calc'!A0"
SECTIONS = ("summary", "map", "risk", "ladder", "acceptance", "provenance")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario = planning_theater()
    out = tmp_path_factory.mktemp("report") / "report.html"
    write_report_files(build_report(plan(scenario), scenario), out)
    return out


def test_report_has_every_section_and_embeds_its_images(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    assert html.count('src="data:image/png;base64,') == 5  # map, risk, ladder, schedule, by day
    for name in ("alpha", "bravo", "delta", "Risk accepted, and why", "sha256"):
        assert name in html
    for file_name in IMAGE_FILES.values():
        png = (report_file.parent / file_name).read_bytes()
        assert png.startswith(b"\x89PNG")


def test_report_loads_nothing_from_anywhere(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html and "@import" not in html and "url(" not in html
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)


def test_report_names_each_attack_by_file_and_span_only() -> None:
    scenario = planning_theater()
    attacks = tuple(
        a.model_copy(update={"source": ("007_x.txt",), "evidence": ("007_x.txt:10-52",)})
        for a in scenario.attacks
    )
    scenario = dataclasses.replace(scenario, attacks=attacks)
    html = build_report(plan(scenario), scenario, with_ladder=False).html
    assert "007_x.txt:10-52" in html
    assert "not computed (asked not to)" in html


def test_report_figures_read_the_same_everywhere_and_say_what_is_left_out() -> None:
    scenario = planning_theater()
    result = plan(scenario)
    report = build_report(result, scenario, with_ladder=False)
    html = report.html
    percent = f"{result.percent_removed:.1f}%"
    assert f"({percent} of it removed)" in html  # the lead sentence, as the card
    assert f"{result.percent_removed:.1f}</div>" not in html and html.count(percent) >= 2
    titles = [a.get_title(loc="left") for a in theater_map(report.data).axes]
    assert any(percent in t for t in titles)  # the map's title, as the page
    gap = f"{result.gap:.2%}"
    assert f"gap {gap} · bound" in html and f"gap {gap}, time limit" in html
    assert "Air-defence plan" in html and "defense" not in html.lower()
    assert "<th>defence</th>" in html and "<th>status</th>" not in html.split('id="acceptance"')[1]
    assert "n/r: not reported" in html
    assert html.count("left out: ") == len(risk(scenario).excluded) > 0
    assert "ladder" not in report.images


def test_report_of_a_theater_without_zones_attacks_or_moves_still_renders() -> None:
    scenario = planning_theater(threat_zones=(), attacks=(), deployed=())
    report = build_report(plan(scenario), scenario, with_ladder=False)
    assert "No attacks on record" in report.html
    assert all(png.startswith(b"\x89PNG") for png in report.images.values())


def _plan_folder(tmp_path: Path, scenario: Scenario) -> tuple[Path, Path]:
    workbook = write_scenario(scenario, tmp_path / "theater.xlsx")
    from defplan.workbook import load_scenario

    loaded = load_scenario(workbook)
    write_plan(plan(loaded), loaded, tmp_path / "plan")
    return workbook, tmp_path / "plan"


def test_report_from_a_plan_folder_matches_the_report_of_the_plan(tmp_path: Path) -> None:
    _, folder = _plan_folder(tmp_path, planning_theater())
    report = report_from_dir(folder, with_ladder=False)
    assert (
        report.data.inputs[0][1]
        == json.loads((folder / "plan.json").read_text())["inputs"][0]["sha256"]
    )
    assert set(report.data.bases["base_id"]) == {"alpha", "bravo", "charlie", "delta"}


def test_report_refuses_a_theater_changed_since_the_plan(tmp_path: Path) -> None:
    workbook, folder = _plan_folder(tmp_path, planning_theater())
    write_scenario(
        planning_theater(bases=(*planning_theater().bases[:-1], base("delta", troops=10))), workbook
    )
    with pytest.raises(InputError, match="not the theater this plan was made from"):
        report_from_dir(folder)
    app = Typer()
    app.command()(report_command)
    result = CliRunner().invoke(app, [str(folder)])
    assert result.exit_code == 2
    workbook.unlink()
    result = CliRunner().invoke(app, [str(folder)])
    assert result.exit_code == 2


def test_report_command_writes_the_page_and_pngs(tmp_path: Path) -> None:
    _, folder = _plan_folder(tmp_path, planning_theater())
    app = Typer()
    app.command()(report_command)
    out = tmp_path / "slides" / "brief.html"
    (out.parent).mkdir(parents=True)
    (out.parent / "ladder.png").write_bytes(b"an earlier report's ladder")
    (out.parent / "notes.png").write_bytes(b"the planner's own picture")
    result = CliRunner().invoke(app, [str(folder), "--out", str(out), "--no-ladder"])
    assert result.exit_code == 0, result.output
    assert out.exists() and (out.parent / "map.png").exists()
    # no ladder, no ladder.png: an earlier report's would show another plan beside this page
    assert not (out.parent / "ladder.png").exists()
    assert "ladder.png" not in result.output
    assert (out.parent / "notes.png").read_bytes() == b"the planner's own picture"


def test_a_stale_picture_is_removed_with_the_set_and_back_when_the_set_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from defplan.atomic import atomic_write_bytes as real

    built = build_report(plan(planning_theater()), planning_theater(), with_ladder=False)
    out = tmp_path / "brief.html"
    for name in ("ladder.png", "schedule.png", "risk_by_day.png", "robust_fan.png"):
        (tmp_path / name).write_bytes(b"an earlier report's")

    def failing(target: Path, data: bytes) -> None:
        if target.name == "risk.png":
            raise OSError("the disk is full")
        real(target, data)

    monkeypatch.setattr("defplan.report.build.atomic_write_bytes", failing)
    with pytest.raises(OSError, match="disk is full"):
        write_report_files(built, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ladder.png",
        "risk_by_day.png",
        "robust_fan.png",
        "schedule.png",
    ]  # nothing new, nothing lost, no temporaries
    monkeypatch.setattr("defplan.report.build.atomic_write_bytes", real)
    written = write_report_files(built, out)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(p.name for p in written)
    assert "ladder.png" not in left and "robust_fan.png" not in left


def test_library_report_is_the_report_command(tmp_path: Path) -> None:
    _, folder = _plan_folder(tmp_path, planning_theater())
    written = report(folder, with_ladder=False)
    pngs = ["map.png", "risk.png", "schedule.png", "risk_by_day.png"]  # units move: a schedule
    assert written == [folder / "report.html", *(folder / png for png in pngs)]
    assert not (folder / "ladder.png").exists()
    with pytest.raises(InputError, match=r"not an \.html name"):
        report(folder, tmp_path / "brief.txt", with_ladder=False)


def test_shipped_borders_cover_the_middle_east_and_stay_small() -> None:
    names = {c.name for c in countries()}
    assert {"Iraq", "Syria", "Iran", "Jordan", "Saudi Arabia", "Turkey"} <= names
    data = Path(__file__).resolve().parents[1] / "src/defplan/report/assets/borders.geojson"
    assert data.stat().st_size < 300_000


def test_plan_workbook_is_formatted_and_injected_text_stays_text(tmp_path: Path) -> None:
    scenario = planning_theater()
    bases = list(scenario.bases)
    bases[0] = bases[0].model_copy(update={"name": INJECTED})
    scenario = dataclasses.replace(scenario, bases=tuple(bases))
    result = plan(scenario)
    path = tmp_path / "plan.xlsx"
    save_book(format_plan_workbook(plan_workbook(result, scenario)), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Summary",
        "Allocation",
        "Base risk",
        "Risk acceptance",
        "Assumptions",
        "Provenance",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold
    risk = book["Base risk"]
    header = [c.value for c in risk[1]]
    planned = header.index("risk_planned") + 1
    assert risk.cell(row=2, column=planned).number_format == "0.000"
    ranges = [str(r.sqref) for r in risk.conditional_formatting]
    letter = openpyxl.utils.get_column_letter(planned)
    assert f"{letter}2:{letter}{risk.max_row}" in ranges
    assert risk.column_dimensions["B"].width >= len(INJECTED)
    names = [c for row in risk.iter_rows(min_row=2) for c in row if c.value == INJECTED]
    assert names and all(c.data_type == "s" for c in names)
    allocation = book["Allocation"]
    change = [c.value for c in allocation[1]].index("change") + 1
    assert allocation.cell(row=2, column=change).number_format == "+0;-0;0"


def test_plan_workbook_summary_reads_well_and_blank_means_no_figure(tmp_path: Path) -> None:
    scenario = planning_theater(rules=(RuleRow(kind="forbid", base_id="bravo"),))
    result = plan(scenario)
    path = tmp_path / "plan.xlsx"
    save_book(plan_workbook(result, scenario), path)
    book = openpyxl.load_workbook(path)
    summary = {row[2].value: row for row in book["Summary"].iter_rows(min_row=2)}
    assert [c.value for c in book["Summary"][1]] == ["item", "value", "key"]
    assert summary["risk_planned"][0].value == "Risk under the plan (/yr)"
    assert summary["risk_planned"][1].number_format == "0.000"
    assert summary["percent_removed"][1].number_format == "0.0"
    assert summary["gap"][1].number_format == "0.00%"
    assert summary["seconds"][1].number_format == "0.00"
    assert summary["max_moves"][1].value == "no limit"
    # no unit at bravo in the plan: no last unit, so no figure (blank, null in plan.json)
    allocation = book["Allocation"]
    header = [str(c.value) for c in allocation[1]]
    rows: list[dict[str, Any]] = [
        dict(zip(header, (c.value for c in row), strict=True))
        for row in allocation.iter_rows(min_row=2)
    ]
    bravo = next(r for r in rows if r["base_id"] == "bravo")
    assert bravo["units"] == 0 and bravo["last_unit_removes"] is None
    assert all(r["last_unit_removes"] > 0 for r in rows if r["units"])
    # bravo is forbidden: no unit can be added, so "one more removes" is blank
    accepted = book["Risk acceptance"]
    header = [str(c.value) for c in accepted[1]]
    rows = [
        dict(zip(header, (c.value for c in row), strict=True))
        for row in accepted.iter_rows(min_row=2)
    ]
    limited = next(r for r in rows if r["base_id"] == "bravo")
    assert limited["reason_kind"] == "site_limit" and limited["one_more_removes"] is None
    assert all(r["one_more_removes"] > 0 for r in rows if r["reason_kind"] == "better_use")
    record = json.loads(plan_json(result, risk_acceptance(result, scenario)))
    assert (
        next(r for r in record["allocation"] if r["base_id"] == "bravo")["last_unit_removes"]
        is None
    )
    assert record["risk_acceptance"][0]["one_more_removes"] is None


@pytest.mark.skipif(
    find_chromium() is None, reason="no chromium installed (apt-get install chromium)"
)
def test_report_in_headless_chromium_requests_nothing_and_is_not_blank(report_file: Path) -> None:
    pytest.importorskip("websocket", reason="websocket-client is not installed")
    check = open_in_chromium(report_file, height=1200)
    page = report_file.resolve().as_uri()
    outside = [u[:80] for u in check.requests if u != page and not u.startswith("data:")]
    assert outside == []
    assert check.errors == []
    pixels = imread(io.BytesIO(check.screenshot), format="png")
    assert pixels.shape[0] == 1200 and pixels.shape[1] == 1280
    assert float(np.std(pixels[..., :3])) > 0.05
    assert float(np.mean(pixels[..., :3] < 0.5)) > 0.01  # some ink on the page


@pytest.mark.parametrize("max_moves", [None, 0])
def test_report_ladder_is_solved_as_the_plan_was_so_its_top_rung_is_the_plan(
    max_moves: int | None,
) -> None:
    """A plan limited to 0 moves must not be briefed with a ladder that moves freely."""
    from defplan.report.data import report_data

    scenario = planning_theater()
    result = plan(scenario, max_moves=max_moves)
    data = report_data(result, scenario)
    assert data.ladder is not None
    top = data.ladder[data.ladder["units"] == data.ladder_on_hand].iloc[0]
    assert top["risk_after"] == pytest.approx(float(result.residual.sum()), rel=1e-9)


def test_report_finds_the_theater_from_any_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan was run in one folder with a relative path; report runs from another."""
    scenario = planning_theater()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    write_scenario(scenario, Path("theater.xlsx"))
    from defplan.workbook import load_scenario

    loaded = load_scenario(Path("theater.xlsx"))
    write_plan(plan(loaded), loaded, Path("out") / "plan")
    monkeypatch.chdir(tmp_path)
    report = report_from_dir(tmp_path / "work" / "out" / "plan", with_ladder=False)
    assert set(report.data.bases["base_id"]) == {"alpha", "bravo", "charlie", "delta"}


def test_report_of_an_evaluated_allocation_leaves_no_empty_figure(tmp_path: Path) -> None:
    """An evaluated allocation has no greedy plan, bound or gap: the page says so."""
    from defplan.plan import evaluate

    scenario = planning_theater()
    report = build_report(evaluate(scenario), scenario, with_ladder=False)
    assert "greedy leaves )" not in report.html
    assert "no greedy plan to compare with" in report.html
    assert "no solver, so no bound or gap" in report.html


def test_report_ladder_says_why_a_rung_has_no_plan() -> None:
    from defplan.scenario import RuleRow

    rules = (RuleRow(kind="min_units", base_id="alpha", system_id="cram", value=1),)
    scenario = planning_theater(rules=rules)
    html = build_report(plan(scenario), scenario).html
    assert "no plan: the rules need more units than this" in html  # the 0-unit rung


def test_report_of_an_evaluate_folder_solves_its_ladder_with_the_theaters_settings(
    tmp_path: Path,
) -> None:
    """An evaluated allocation has no solver profile ("none"): its page still gets the
    priority ladder, solved as `plan` would, and says the allocation was scored."""
    from defplan.plan import evaluate

    scenario = planning_theater()
    theater = tmp_path / "theater.xlsx"
    write_scenario(scenario, theater)
    from defplan.workbook import load_scenario

    loaded = load_scenario(theater)
    write_plan(evaluate(loaded), loaded, tmp_path / "eval")
    built = report_from_dir(tmp_path / "eval", theater)
    assert "no solver profile" not in built.html
    assert built.data.ladder is not None and "ladder" in built.images
    cut = built.data.ladder[built.data.ladder["units"] == built.data.ladder_on_hand]
    assert float(cut["objective"].iloc[0]) == pytest.approx(plan(loaded).objective, rel=1e-6)
    assert "scored, not solved for" in built.data.ladder_note
    assert "scored as given (not optimised)" in built.html


def test_report_lists_a_partners_base_apart_with_its_own_risk_and_out_of_our_table() -> None:
    scenario = planning_theater()
    partner = scenario.bases[-1].model_copy(update={"owner": "partner"})
    scenario = dataclasses.replace(scenario, bases=(*scenario.bases[:-1], partner))
    table = risk(scenario)
    own = dict(zip(table.bases["base_id"], table.bases["risk"], strict=True))[partner.base_id]
    assert own > 0  # the partner is at risk, so hiding it would be a real loss
    html = build_report(plan(scenario), scenario, with_ladder=False).html
    ours, apart = html.split('id="others"')
    risk_table = ours.split('id="risk"')[1]
    assert f"<td>{partner.base_id}</td>" not in risk_table
    assert f"<td>{partner.base_id}</td>" in apart and "<td>partner</td>" in apart
    assert f"{own:.3f}" in apart.split("</table>")[0]


def test_report_shows_the_leakers_when_the_plan_has_them() -> None:
    """`evaluate --simulate` puts leakers in plan.json: the page gets a row per attacked
    base; without a simulation there is no such section."""
    from defplan.plan import evaluate

    scenario = planning_theater()
    systems = tuple(s.model_copy(update={"channels": 1}) for s in scenario.systems)
    scenario = dataclasses.replace(scenario, systems=systems)
    simulated = evaluate(scenario, simulate=2_000)
    assert simulated.leakers is not None and len(simulated.leakers) > 0
    html = build_report(simulated, scenario, with_ladder=False).html
    assert '<section id="leakers">' in html and "simulated mean (99% interval)" in html
    for base_id in simulated.leakers.base_id:
        assert f"<tr><td>{base_id}</td>" in html
    plain = build_report(evaluate(scenario), scenario, with_ladder=False).html
    assert '<section id="leakers">' not in plain
