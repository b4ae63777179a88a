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


def test_a_title_excel_refuses_is_made_one_it_takes(tmp_path: Path) -> None:
    book = OutputBook()
    for title in ("Ladder y[/]", "a:b*c?d\\e", "'quoted'", "''", "?"):
        add_rows(book, title, ["system_id"], [[title]])
    assert book.sheetnames == ["Ladder y___", "a_b_c_d_e", "quoted", "Sheet", "_"]
    save_book(book, tmp_path / "out.xlsx")
    read = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert read.sheetnames == book.sheetnames
    assert read["Ladder y___"]["A2"].value == "Ladder y[/]"  # the rows keep the true text


def test_a_number_fits_within_31_characters_and_ignores_case(tmp_path: Path) -> None:
    book = OutputBook()
    long = "Ladder counter rocket artillery mortar"
    for title in (long, long.upper(), long, *[long] * 9):
        add_rows(book, title, ["n"], [[1]])
    names = book.sheetnames
    assert names[:3] == [long[:31], long.upper()[:30] + "1", long[:30] + "2"]
    assert names[-1] == long[:29] + "11"
    assert all(len(name) <= 31 for name in names)
    assert len({name.lower() for name in names}) == len(names)
    save_book(book, tmp_path / "out.xlsx")
    assert openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames == names
