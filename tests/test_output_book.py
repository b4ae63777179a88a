"""Output workbooks: every kind of cell written as openpyxl wrote it, text never a
formula, the same bytes for the same content."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from defplan.workbook.output_book import OutputBook, add_frame, add_rows, book_bytes, save_book


def test_every_kind_of_cell_reads_back_as_written(tmp_path: Path) -> None:
    book = OutputBook()
    when = dt.datetime(2024, 1, 2, 13, 4, 5)
    rows = [
        ["=cmd|' /C calc'!A0", 3, 1.5, True, when, dt.date(2024, 3, 4), ("a", "b"), None],
        ["+1", np.int64(7), math.nan, False, math.inf, "-2", "@x", "plain"],
    ]
    add_rows(book, "Cells", ["text", "int", "float", "bool", "when", "day", "list", "blank"], rows)
    path = tmp_path / "cells.xlsx"
    save_book(book, path)
    sheet = openpyxl.load_workbook(path)["Cells"]
    first = [c.value for c in sheet[2]]
    assert first == [
        "=cmd|' /C calc'!A0",
        3,
        1.5,
        True,
        when,
        dt.datetime(2024, 3, 4),
        "a; b",
        None,
    ]
    second = [c.value for c in sheet[3]]
    assert second == ["+1", 7, None, False, None, "-2", "@x", "plain"]
    for cell in (sheet["A2"], sheet["A3"], sheet["F3"], sheet["G3"]):
        assert cell.data_type == "s" and cell.quotePrefix  # text, never a formula
    assert sheet["E2"].number_format == "yyyy-mm-dd h:mm:ss"
    assert sheet["F2"].number_format == "yyyy-mm-dd"
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 10  # max(10, len("text") + 4)


def test_a_title_taken_is_numbered_and_the_same_content_gives_the_same_bytes() -> None:
    def built() -> OutputBook:
        book = OutputBook()
        frame = pd.DataFrame({"base_id": ["a", "b"], "risk": [0.5, float("nan")]})
        for title in ("Ladder", "ladder", "LADDER"):
            add_frame(book, title, frame)
        return book

    assert built().sheetnames == ["Ladder", "ladder1", "LADDER2"]
    assert book_bytes(built()) == book_bytes(built())
