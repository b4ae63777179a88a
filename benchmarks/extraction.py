"""Extraction benchmark: articles read per second, and what a theater's own lexicons cost.

    python benchmarks/extraction.py [--articles 400]

Prints the wall and CPU time to extract a generated corpus of own-words reports (fixed
seed; headline, dateline, lead, quote and a background paragraph each, as wire copy is
laid out) with the shipped lexicons and with a theater's own folder, and the time to
load that folder the first time (every file read and checked; every pattern with a
slot compiled again on first use) and again (cached). Targets: 1,000 articles in under
10 s; a theater's own lexicons cost under 1 s once and nothing after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from defplan.extract import extract_articles
from defplan.extract.articles import Article
from defplan.extract.lexicon_files import DEFAULTS
from defplan.extract.lexicon_set import load_lexicons
from defplan.workbook import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "iraq_syria.xlsx"
SITES = ("Camp Taji", "Al Asad Air Base", "Erbil air base", "the Green Village base", "Harir")
WEAPONS = ("rockets", "drones", "mortar rounds", "ballistic missiles", "Katyusha rockets")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
COUNTS = ("Two", "Three", "Four", "Five", "Several")


def corpus(size: int, seed: int = 11) -> list[Article]:
    """``size`` generated reports, each telling one attack and recalling an earlier one."""
    chance = random.Random(seed)
    articles = []
    for number in range(size):
        site, earlier = chance.sample(SITES, 2)
        weapon, day, count = chance.choice(WEAPONS), chance.choice(DAYS), chance.choice(COUNTS)
        hurt = chance.randint(0, 4)
        text = (
            f"{count} {weapon} hit {site}\n\nBAGHDAD (Wire) - {count} {weapon} struck {site} "
            f"on {day}, wounding {hurt} contractors, a spokesman for the coalition said.\n\n"
            f'"We are assessing the damage," the spokesman said.\n\nAdvertisement\n\n'
            f"The attack was the latest of several on bases hosting U.S. troops; {earlier} was "
            f"hit by a drone last month, causing no casualties.\n"
        )
        published = dt.date(2024, 1, 8) + dt.timedelta(days=number % 300)
        articles.append(Article(f"report_{number:04d}.txt", text, published))
    return articles


def timed(label: str, work: Callable[[], object]) -> float:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    spent = time.perf_counter() - wall
    print(f"{label:58} {spent:8.3f} s wall {time.process_time() - cpu:8.3f} s CPU")
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    size = parser.parse_args().articles
    bases = load_scenario(EXAMPLE).bases
    articles = corpus(size)
    extract_articles(articles[:5], bases)  # imports and the shipped patterns, not counted
    spent = timed(
        f"extract {size} articles (shipped lexicons)", lambda: extract_articles(articles, bases)
    )
    print(f"{'':58} {size / spent:7.0f} articles/s (target: 100/s)")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "lexicons"
        folder.mkdir()
        for name in ("weapon_words.csv", "forces.csv", "people.csv", "actors.csv"):
            shutil.copy(DEFAULTS / name, folder / name)
        timed("load a theater's own lexicons (4 files, first time)", lambda: load_lexicons(folder))
        timed("load them again (unchanged: cached)", lambda: load_lexicons(folder))
        timed(
            f"extract {size} articles (own lexicons; patterns compiled once)",
            lambda: extract_articles(articles, bases, lexicons=folder),
        )
        timed(
            f"extract {size} articles (own lexicons again)",
            lambda: extract_articles(articles, bases, lexicons=folder),
        )


if __name__ == "__main__":
    main()
