"""A workbook without formulas is read once; what is read is the same as reading twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import bases_workbook
from defplan.workbook import sources
from defplan.workbook.sources import RawWorkbook, _may_hold_formulas, read_workbook

EXAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "iraq_syria.xlsx"


def _workbook(tmp_path: Path, cells: list[list[object]]) -> Path:
    return bases_workbook(tmp_path / "theater.xlsx", cells)


def _shown(raw: RawWorkbook) -> list[object]:
    return [(s.name, s.frame.to_dict("split"), s.bad_cells, s.hidden) for s in raw.sheets] + [
        str(p) for p in raw.problems
    ]


def test_a_formula_in_any_cell_is_seen(
    tmp_path: Path,
) -> None:
    plain = _workbook(tmp_path, [["id", "note"], ["a", "f < g, <f> as text"], ["b", 1.5]])
    assert not _may_hold_formulas(plain.read_bytes())
    formula = _workbook(tmp_path, [["id", "troops"], ["a", "=1+2"]])
    assert _may_hold_formulas(formula.read_bytes())
    assert _may_hold_formulas(b"not a zip file")  # in doubt, read as before


@pytest.mark.parametrize("with_formula", [False, True])
def test_reading_once_gives_what_reading_values_and_formulas_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_formula: bool
) -> None:
    cells: list[list[object]] = [
        ["id", "troops", "note"],
        ["a", 3, "<f/> as text"],
        ["b", 4.5, None],
    ]
    if with_formula:
        cells.append(["c", "=2*3", "x"])
    path = _workbook(tmp_path, cells)
    for source in (path, EXAMPLE):
        once = _shown(read_workbook(source))
        monkeypatch.setattr(sources, "_may_hold_formulas", lambda data: True)
        twice = _shown(read_workbook(source))
        monkeypatch.undo()
        assert once == twice
