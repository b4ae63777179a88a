"""Extract the attacks the seed articles tell of, with the example theater, and score them.

Run from the repository: ``.venv/bin/python examples/extract_articles.py``. Needs
``../shared/articles`` beside the repository; prints the rows, the merged events and,
when the hand-read gold events are there, the scores.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from defplan.extract import extract
from defplan.extract.scoring import score
from defplan.extract.sites import Gazetteer
from defplan.workbook import load_scenario

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT.parent / "shared" / "articles"


def main() -> int:
    if not ARTICLES.is_dir():
        print(f"{ARTICLES} not found: nothing to extract")
        return 0
    theater = load_scenario(ROOT / "inputs" / "iraq_syria.xlsx")
    result = extract(sorted(ARTICLES.glob("*.txt")), theater, manifest=ARTICLES / "manifest.csv")
    print(result.frame().drop(columns=["span_start", "span_end"]).to_string(index=False))
    print(f"\n{len(result.attacks)} events:")
    for attack in result.attacks:
        print(f"  {attack.attack_id}: {', '.join(attack.source)}")
    gold_path = ARTICLES / "gold_events.csv"
    if gold_path.is_file():
        with gold_path.open(encoding="utf-8", newline="") as handle:
            gold = list(csv.DictReader(handle))
        print("\n" + score(result.rows, gold, Gazetteer.from_bases(theater.bases)).report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
