"""ladder.xlsx names a sheet for every system, whatever its id: Excel's rules for a
sheet title (at most 31 characters, none of [ ] : * ? / \\, unique ignoring case); and
each system's CSV is one file in the --out folder."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from defplan.scenario import Scenario
from defplan.whatif.priority_ladder import Ladder, LadderStep
from defplan.whatif.writers import (
    FORBIDDEN_IN_FILE_NAME,
    ladder_files,
    ladder_stems,
    write_ladder_book,
)
from defplan.workbook import write_xlsx
from test_whatif import runner, theater, whatif_app

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


@given(st.lists(st.text(max_size=300), min_size=1, max_size=6, unique=True))
def test_any_system_ids_give_a_file_each(systems: list[str]) -> None:
    stems = ladder_stems([*systems, None])
    assert len({stem.lower() for stem in stems}) == len(stems)
    assert not any(FORBIDDEN_IN_FILE_NAME.search(stem) for stem in stems)
    assert all(len(f"{stem}.csv".encode()) <= 255 for stem in stems)


def renamed(scenario: Scenario, names: dict[str, str]) -> Scenario:
    """``scenario`` with its systems' ids changed (in every sheet that names one)."""

    def row(r: Any) -> Any:
        return r.model_copy(update={"system_id": names.get(r.system_id, r.system_id)})

    return dataclasses.replace(
        scenario,
        systems=tuple(map(row, scenario.systems)),
        effectiveness=tuple(map(row, scenario.effectiveness)),
        deployed=tuple(map(row, scenario.deployed)),
    )


def test_ladder_all_writes_every_system_whatever_its_id(tmp_path: Path) -> None:
    for cram, patriot in (
        ("y[/]", "patriot"),
        ("counter_rocket_artillery_mortar_a", "counter_rocket_artillery_mortar_b"),
    ):
        folder = tmp_path / cram[:8]
        scenario = renamed(theater(), {"cram": cram, "patriot": patriot})
        workbook = write_xlsx(scenario, folder / "theater.xlsx")
        out = folder / "out"
        done = runner.invoke(
            whatif_app(),
            [
                "ladder",
                str(workbook),
                "--system",
                "all",
                "--workers",
                "1",
                "--no-progress",
                "--out",
                str(out),
            ],
        )
        assert done.exit_code == 0, done.output
        assert sorted(p.name for p in out.iterdir()) == sorted(ladder_files([cram, patriot, None]))
        sheets = openpyxl.load_workbook(out / "ladder.xlsx").sheetnames
        assert len(sheets) == 5 and len({name.lower() for name in sheets}) == 5
