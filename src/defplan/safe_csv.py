"""The CSV files defplan writes: safe to open in Excel, and read back as written.

A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
taken by Excel, LibreOffice or Google Sheets for a formula ("CSV injection": a ladder
step ``+1 cram at al_asad`` is computed, a crafted name ``=HYPERLINK(…)`` runs). As
OWASP recommends, such a cell is written with a single quote in front
(``'+1 cram at al_asad``), which a spreadsheet shows as text.

Only text is escaped: a number is written as itself, so a negative number (``-0.5``,
a longitude of ``-77.0``) stays a number for Excel and for pandas. Whether a cell is
text is decided by its Python type before it is formatted (``str``, or a list of
values joined with ``"; "``). Text that is exactly a plain number (``"-12.5"``, a
planner's extra column or an assumption's value, which the workbook keeps as text) is
not escaped either: a spreadsheet reads it as that number, never as a formula.

Where defplan reads a CSV file (a CSV-folder theater, an extracted attacks sheet
loaded as the attacks sheet, an allocation for ``evaluate``) :func:`unescape_cell`
removes that one quote again, so what defplan wrote reads back unchanged. To keep the
round trip exact, text that already begins with quotes before one of those characters
gets one more (``'=x`` is written ``''=x``). A quote defplan would not have written
stays: ``'ok`` and ``'-12.5`` read as themselves. (A hand-written ``'-' means none``
cannot be told from defplan's escape of ``-' means none``, and reads as the latter.)

Every CSV file defplan writes goes through :func:`write_csv` (rows) or
:func:`write_frame_csv` (a DataFrame), atomically (and with its set, see
:mod:`defplan.atomic`).

>>> escape_cell("+1 cram at al_asad"), escape_cell(-0.5), escape_cell("al_asad")
("'+1 cram at al_asad", -0.5, 'al_asad')
>>> escape_cell("-12.5"), escape_cell("-1+1"), escape_cell("-2e3")
('-12.5', "'-1+1", '-2e3')
>>> unescape_cell("'+1 cram at al_asad"), unescape_cell("''=x"), unescape_cell("'ok")
('+1 cram at al_asad', "'=x", "'ok")
>>> unescape_cell("'-12.5")
"'-12.5"
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from defplan.atomic import atomic_write_bytes

#: the first characters that make a spreadsheet read a cell as a formula (OWASP)
FORMULA_STARTS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(rf"^'*[{re.escape(FORMULA_STARTS)}]")
_QUOTED = re.compile(rf"^'+[{re.escape(FORMULA_STARTS)}]")
#: a number written out: sign, digits, decimal point, exponent, nothing else
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def escape_cell(value: Any) -> Any:
    """``value`` with a quote in front when it is text a spreadsheet would compute."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """A cell as defplan meant it: the quote :func:`escape_cell` put in front removed.

    Only a quote :func:`escape_cell` could have put there goes: a hand-written ``'-12.5``
    keeps its quote, since defplan writes the number ``-12.5`` bare.
    """
    if _QUOTED.match(text) and not PLAIN_NUMBER.fullmatch(text[1:]):
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """One cell as CSV text: blank for None, NaN or NA; a list joined with ``"; "``;
    a day as ISO 8601; text escaped (:func:`escape_cell`); a number as itself."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, tuple | list):
        return str(escape_cell("; ".join(str(v) for v in value)))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(escape_cell(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The header and rows as UTF-8 CSV text, every cell through :func:`cell_text`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([cell_text(name) for name in header])
    for row in rows:
        writer.writerow([cell_text(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def write_csv(path: Path | str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write a CSV file safe for Excel, all at once; returns its path."""
    atomic_write_bytes(Path(path), csv_bytes(header, rows))
    return Path(path)


def write_frame_csv(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write ``frame`` (without its index) as a CSV file safe for Excel; returns its path."""
    rows = frame.itertuples(index=False, name=None)
    return write_csv(path, [str(column) for column in frame.columns], rows)
