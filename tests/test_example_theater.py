"""The bundled Iraq-Syria example theater: clean, reproducible, and facts only."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from openpyxl import load_workbook

from defplan.extract import extract_articles
from defplan.extract.articles import Article
from defplan.extract.sites import Gazetteer
from defplan.scenario import Scenario
from defplan.workbook import load_scenario, validate, write_csv_folder
from defplan.workbook.write import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"
SHARED = ROOT.parent / "shared"
needs_shared = pytest.mark.skipif(
    not (SHARED / "reference" / "theater_facts.csv").exists(),
    reason="../shared (reference facts and articles) is not beside the repository",
)


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario(EXAMPLE)


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_example", ROOT / "inputs" / "build_example_theater.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


def test_example_validates_without_errors_or_warnings() -> None:
    report = validate(EXAMPLE)
    assert report.ok, [str(p) for p in report.errors]
    assert report.warnings == ()


def test_example_round_trips_through_a_csv_folder(example: Scenario, tmp_path: Path) -> None:
    assert load_scenario(write_csv_folder(example, tmp_path / "theater")) == example


def test_every_troop_figure_is_labelled_an_assumption(example: Scenario) -> None:
    labelled = {
        a.item for a in example.assumptions if a.sheet_name == "bases" and a.column == "troops"
    }
    assert {b.base_id for b in example.bases} <= labelled


def test_example_holds_every_base_and_hostile_area_of_the_reference_table(
    example: Scenario,
) -> None:
    assert len(example.bases) == 18
    # the 9 hostile areas of the table and the two launch areas of Baghdad
    assert len(example.threat_zones) == 9 + 2
    assert {"baghdad_launch_areas", "taji_north"} <= {z.zone_id for z in example.threat_zones}
    assert {s.mode for s in example.systems} == {"point", "area"}
    assert {"rocket", "mortar", "drone", "ballistic_missile"} <= set(example.weapon_by_id)


def test_the_same_attack_told_twice_is_one_event_with_both_sources(example: Scenario) -> None:
    taji = [a for a in example.attacks if a.base_id == "taji" and str(a.date) == "2020-03-11"]
    assert len(taji) == 1
    assert len(taji[0].source) == 2 and (taji[0].killed, taji[0].wounded) == (3, 14)


@needs_shared
def test_rebuilding_from_the_shared_facts_gives_the_bundled_workbook(
    example: Scenario, tmp_path: Path
) -> None:
    rebuilt = _builder().build(SHARED)
    assert rebuilt == example


@needs_shared
def test_make_example_rebuilds_every_cell_of_the_committed_workbook(tmp_path: Path) -> None:
    """The data files and the short builder give back the workbook as committed, cell by cell."""
    rebuilt = write_xlsx(_builder().build(SHARED), tmp_path / "rebuilt.xlsx")
    committed, fresh = load_workbook(EXAMPLE), load_workbook(rebuilt)
    assert fresh.sheetnames == committed.sheetnames
    for name in committed.sheetnames:
        cells = [list(row) for row in committed[name].iter_rows(values_only=True)]
        assert [list(row) for row in fresh[name].iter_rows(values_only=True)] == cells, name
    assert sum(committed[name].max_row for name in committed.sheetnames) > 300


@needs_shared
def test_evidence_spans_point_into_their_articles(example: Scenario) -> None:
    for attack in example.attacks:
        for span in attack.evidence:
            name, _, offsets = span.rpartition(":")
            start, end = (int(x) for x in offsets.split("-"))
            text = (SHARED / "articles" / name).read_text(encoding="utf-8")
            assert 0 <= start < end <= len(text), span
            assert name in attack.source


@needs_shared
def test_the_project_ships_no_article_sentences() -> None:
    checker = SHARED / "tools" / "no_copied_text.py"
    result = subprocess.run(
        [sys.executable, str(checker), str(ROOT)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


#: the parts of a facts-table name that place a base rather than name it
_LOCATORS = {"Air Base", "Kirkuk", "Green Zone", "Baghdad", "near Husaybah", "Jordan", "Syria"}
_LOCATORS |= {"Turkish base near Bashiqa", "brief: Mission Support Site Euphrates"}


@needs_shared
def test_every_name_the_facts_table_gives_a_base_is_one_the_extractor_reads(
    example: Scenario,
) -> None:
    """ "Ain al-Asad (Al Asad) Air Base", "Erbil Air Base / Erbil International Airport":
    each name in a base's facts row finds that base, so the shipped aliases hold them."""
    gazetteer = Gazetteer.from_bases(example.bases)
    builder = _builder()
    rows = builder.read_csv(ROOT / "inputs" / "example" / "bases.csv")
    for row in rows:
        parts = [p.strip() for p in re.split(r"\s*/\s*|\(|\)|,", row["fact"]) if p.strip()]
        for part in parts:
            if part not in _LOCATORS:
                assert gazetteer.resolve_name(part) == row["base_id"], (row["fact"], part)


@pytest.mark.parametrize(
    ("text", "base"),
    [
        ("Fifteen rockets fell on US forces at the Koniko gas field on Monday.", "conoco"),
        ("Two drones were shot down over Erbil AB on Monday.", "erbil"),
        ("A drone struck the US base at the Omar oilfield on Monday.", "green_village"),
        ("A drone struck the US base at the Omar oil field on Monday.", "green_village"),
    ],
)
def test_the_spellings_the_catalogue_lists_are_in_the_shipped_workbook(
    example: Scenario, text: str, base: str
) -> None:
    """Catalogue row 9's spellings are aliases of the bundled theater, not of a test's own."""
    found = extract_articles([Article("a.txt", text, dt.date(2024, 5, 9))], example.bases)
    assert [r.base_id for r in found.rows] == [base]
