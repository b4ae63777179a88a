"""Extraction on own-words articles that reproduce what real reporting does.

Each article in fixtures/real_style_articles was written for these tests, in the style
and with the noise of real wire and web copy (repeated headlines, captions,
"Advertisement", related-story lists, datelines, quotes), to reproduce one of the
failure classes of issue 15 or a phenomenon of the catalogue in docs/extraction.md.
``expected.csv`` holds what a careful reader would extract; its notes name the class.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from defplan.extract import Extraction, extract
from defplan.extract.sites import Gazetteer
from defplan.workbook import load_scenario
from test_extract_unseen import EXAMPLE, FIELDS, _cell, _key, _row_key

FOLDER = Path(__file__).resolve().parent / "fixtures" / "real_style_articles"


@pytest.fixture(scope="module")
def extraction() -> Extraction:
    return extract(sorted(FOLDER.glob("*.txt")), load_scenario(EXAMPLE))


def _expected() -> list[dict[str, str]]:
    with (FOLDER / "expected.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


EXPECTED = _expected()


@pytest.mark.parametrize(
    "expected",
    EXPECTED,
    ids=[f"{e['article_file']}:{e['base_id'] or 'unknown'}:{e['date']}" for e in EXPECTED],
)
def test_every_attack_a_reader_sees_is_found_once_with_its_fields(
    extraction: Extraction, expected: dict[str, str]
) -> None:
    key = _key(expected["article_file"], expected["base_id"], expected["date"])
    rows = [r for r in extraction.rows if _row_key(r) == key]
    assert len(rows) == 1, f"{key}: {len(rows)} rows; got {sorted(map(_row_key, extraction.rows))}"
    got = {column: _cell(rows[0], column) for column in FIELDS}
    assert got == {column: expected[column] for column in FIELDS}


def test_restatements_headlines_captions_and_related_links_give_no_extra_rows(
    extraction: Extraction,
) -> None:
    wanted = {_key(e["article_file"], e["base_id"], e["date"]) for e in EXPECTED}
    assert [_row_key(r) for r in extraction.rows if _row_key(r) not in wanted] == []


def test_an_undated_article_is_read_and_says_its_relative_dates_stay_blank(
    extraction: Extraction,
) -> None:
    warned = [n for n in extraction.notes if n.file.endswith("undated_wire.txt")]
    assert [n.severity for n in warned] == ["warning"]
    assert "left blank" in warned[0].message
    dated = [n for n in extraction.notes if n.file.endswith("date_line_undated.txt")]
    assert [n.severity for n in dated] == ["note"] and "date line" in dated[0].message


def test_one_part_of_a_hyphenated_compound_names_no_base() -> None:
    """ "A truck at the Al-Qaim-Al-Bukamal crossing": the crossing, not the Al-Qaim base
    (the reply's target had become the site of the attack told before it)."""
    gazetteer = Gazetteer.from_bases(load_scenario(EXAMPLE).bases)
    crossing = "a strike on a truck at the Al-Qaim-Al-Bukamal border crossing"
    assert [m.base_id for m in gazetteer.named(crossing)] == []
    assert [m.base_id for m in gazetteer.named("rockets hit the Al-Qaim base")] == ["al_qaim"]
