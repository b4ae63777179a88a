"""Extraction scored on the seed articles (../shared/articles), and the example theater's
attack record reproduced from them. Skipped where ../shared is not beside the repository.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from defplan.extract import Extraction, extract, write_attacks_sheet
from defplan.extract.scoring import score
from defplan.extract.sites import Gazetteer
from defplan.scenario import AttackRow, Scenario
from defplan.workbook import load_scenario, write_csv_folder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"
ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "articles"

pytestmark = pytest.mark.skipif(
    not (ARTICLES / "gold_events.csv").is_file(),
    reason="../shared/articles (seed articles and gold events) is not beside the repository",
)

# Floors a little under what the extractor reaches today, so a regression fails.
FLOOR_F1 = 0.95
FLOOR_FIELD = 0.9


@pytest.fixture(scope="module")
def theater() -> Scenario:
    return load_scenario(EXAMPLE)


@pytest.fixture(scope="module")
def extraction(theater: Scenario) -> Extraction:
    return extract(sorted(ARTICLES.glob("*.txt")), theater, manifest=ARTICLES / "manifest.csv")


def test_extraction_scores_against_the_gold_events(
    theater: Scenario, extraction: Extraction, capsys: pytest.CaptureFixture[str]
) -> None:
    with (ARTICLES / "gold_events.csv").open(encoding="utf-8", newline="") as handle:
        gold = list(csv.DictReader(handle))
    result = score(extraction.rows, gold, Gazetteer.from_bases(theater.bases))
    with capsys.disabled():
        print("\n" + result.report())
    assert result.f1 >= FLOOR_F1
    assert min(result.field_accuracy.values()) >= FLOOR_FIELD


def _key(attack: AttackRow) -> tuple[object, ...]:
    return (attack.base_id, attack.date, attack.date_precision, attack.weapon)


def test_the_seed_articles_give_back_the_example_theater_s_attacks(
    theater: Scenario, extraction: Extraction
) -> None:
    extracted = {_key(a): a for a in extraction.attacks}
    # the theater also holds rows from the facts file's sources, which no article tells
    from_articles = [a for a in theater.attacks if any(s.endswith(".txt") for s in a.source)]
    assert len(extracted) == len(extraction.attacks) == len(from_articles)
    for expected in from_articles:
        got = extracted.get(_key(expected))
        assert got is not None, f"{expected.attack_id} not extracted"
        assert (got.munitions, got.killed, got.wounded) == (
            expected.munitions,
            expected.killed,
            expected.wounded,
        ), expected.attack_id
        assert got.actor == expected.actor, expected.attack_id
        assert set(got.source) == set(expected.source), expected.attack_id


def test_the_attacks_sheet_loads_back_through_the_validator_unchanged(
    theater: Scenario, extraction: Extraction, tmp_path: Path
) -> None:
    folder = write_csv_folder(theater, tmp_path / "theater")
    write_attacks_sheet(extraction.attacks, folder / "attacks.csv")
    loaded = load_scenario(folder)
    assert loaded.attacks == extraction.attacks


def test_every_row_s_span_holds_the_site_as_written_or_follows_it(
    extraction: Extraction,
) -> None:
    for row in extraction.rows:
        text = (ARTICLES / row.article_file).read_text(encoding="utf-8")
        span = text[row.span_start : row.span_end]
        # "the same base": the site is named before the sentence that tells the attack
        assert row.base in span or ("same" in span and row.base in text[: row.span_start]), row
