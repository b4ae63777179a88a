"""The review page and the planner's review column of the attacks sheet."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from browser import find_chromium, open_in_chromium
from test_extract_cli import EXAMPLE, article, invoke

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "real_style_articles"


def _run(tmp_path: Path, *names: str) -> tuple[int, str, Path]:
    paths = [str(FIXTURES / name) for name in names]
    out = tmp_path / "attacks.csv"
    sheet = tmp_path / "sheet.csv"
    code, output = invoke(
        *paths, "--theater", str(EXAMPLE), "--out", str(out), "--attacks-sheet", str(sheet)
    )
    return code, output, out


def test_a_review_page_is_written_beside_the_csv_with_each_attack_and_its_retellings(
    tmp_path: Path,
) -> None:
    code, output, out = _run(tmp_path, "lead_caption_restated.txt", "weekday_dateline.txt")
    assert code == 0, output
    page = (tmp_path / "attacks_review.html").read_text(encoding="utf-8")
    rows = pd.read_csv(out, dtype=str, keep_default_na=False)
    for event in rows["event_id"]:
        assert event in page
    # the Taji attack is placed by one sentence and retold by others, marked as linked
    assert page.count('class="main"') == len(
        set(zip(rows["span_start"], rows["span_end"], strict=True))
    )
    assert page.count('class="linked"') >= 2
    assert "<script" not in page and "src=" not in page and "href=" not in page


def test_the_planner_s_review_column_survives_a_rerun_on_more_articles(tmp_path: Path) -> None:
    code, output, _ = _run(tmp_path, "described_base.txt")
    assert code == 0, output
    sheet = tmp_path / "sheet.csv"
    first = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert list(first.columns)[-1] == "review" and set(first["review"]) == {""}
    first["review"] = "reject"
    first.to_csv(sheet, index=False)
    code, output, _ = _run(tmp_path, "described_base.txt", "split_casualties.txt")
    assert code == 0 and "1 review(s) kept" in output, output
    again = pd.read_csv(sheet, dtype=str, keep_default_na=False).set_index("attack_id")
    (kept,) = first["attack_id"]
    assert again.loc[kept, "review"] == "reject"
    assert set(again.drop(index=kept)["review"]) == {""}


def test_the_review_page_is_never_written_over_an_input(tmp_path: Path) -> None:
    source = article(tmp_path, "attacks_review.html", "Rockets hit Camp Taji on Monday.\n")
    code, output = invoke(
        str(source), "--theater", str(EXAMPLE), "--published", "2020-03-16",
        "--out", str(tmp_path / "attacks.csv"),
    )  # fmt: skip
    assert code == 2 and "never writes over its inputs" in output
    assert source.read_text(encoding="utf-8") == "Rockets hit Camp Taji on Monday.\n"


@pytest.mark.skipif(
    find_chromium() is None, reason="no chromium installed (apt-get install chromium)"
)
def test_the_review_page_in_headless_chromium_requests_nothing_and_is_not_blank(
    tmp_path: Path,
) -> None:
    pytest.importorskip("websocket", reason="websocket-client is not installed")
    code, output, _ = _run(tmp_path, "lead_caption_restated.txt", "claim_three_bases.txt")
    assert code == 0, output
    page = tmp_path / "attacks_review.html"
    check = open_in_chromium(page, height=900)
    outside = [u[:80] for u in check.requests if u != page.resolve().as_uri()]
    assert outside == [] and check.errors == []
    pixels = imread(io.BytesIO(check.screenshot), format="png")
    assert float(np.std(pixels[..., :3])) > 0.05
    yellow = (pixels[..., 0] > 0.9) & (pixels[..., 1] > 0.75) & (pixels[..., 2] < 0.45)
    assert yellow.mean() > 0.001  # the highlighted sentences show
