"""ladder.xlsx names a sheet for every system, whatever its id: Excel's rules for a
sheet title (at most 31 characters, none of [ ] : * ? / \\, unique ignoring case)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from defplan.whatif.priority_ladder import Ladder, LadderStep
from defplan.whatif.writers import write_ladder_book

FORBIDDEN = set("[]:*?/\\")


def utf16_len(text: str) -> int:
    """The length Excel counts: a character beyond U+FFFF is two."""
    return len(text.encode("utf-16-le")) // 2


def ladder_of(system: str | None) -> Ladder:
    """A ladder of one step holding one unit of ``system`` (no solve)."""
    step = LadderStep(
        units=1,
        mix={system or "all": 1},
        status="optimal",
        objective=1.0,
        risk_after=1.0,
        removed=0.0,
        added=(),
        taken=(),
        required=(),
        defended=(),
        beyond_inventory=False,
        kept=False,
        message="",
        plan=None,
    )
    empty = pd.DataFrame({"base_id": []})
    return Ladder(system, "none", 1, (step,), empty, empty, solves=1)


def sheets_of(systems: list[str], folder: Path) -> list[str]:
    path = write_ladder_book([*map(ladder_of, systems), ladder_of(None)], folder / "ladder.xlsx")
    return openpyxl.load_workbook(path).sheetnames


def test_an_id_with_a_character_excel_refuses_and_ids_cut_alike_keep_their_sheets(
    tmp_path: Path,
) -> None:
    systems = ["y[/]", "counter_rocket_artillery_mortar_a", "counter_rocket_artillery_mortar_b"]
    path = write_ladder_book([*map(ladder_of, systems), ladder_of(None)], tmp_path / "l.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Ladder y___",
        "Ladder counter rocket artillery",
        "Ladder counter rocket artiller1",
        "Ladder combined",
        "Critical",
        "Risk acceptance",
    ]
    mixes = [book[name]["B2"].value for name in book.sheetnames[:3]]
    assert mixes == [f"{system} 1" for system in systems]  # the rows carry the true id


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=6, unique=True))
def test_any_system_ids_give_a_valid_sheet_each(systems: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        names = sheets_of(systems, Path(folder))
    assert len(names) == len(systems) + 3  # each system's, the combined, critical, risk
    assert all(0 < utf16_len(name) <= 31 and not FORBIDDEN & set(name) for name in names)
    assert all(not name.startswith("'") and not name.endswith("'") for name in names)
    assert len({name.lower() for name in names}) == len(names)
