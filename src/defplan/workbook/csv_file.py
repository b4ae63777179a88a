"""Reading a CSV file as a planner saved it: decoded, parsed whole, each bad row named.

A CSV row that does not fit its header is reported once, with its likely cause (a
comma in a value that is not quoted, a quote left open), instead of as a cascade of
errors about the columns it shifted. Cells are not limited in length here (the
planner's words about a cell that is too long come with its row and column later).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from defplan.errors import InputError, Problem
from defplan.safe_csv import unescape_cell

#: Excel holds at most this many characters in a cell; defplan reads no more
MAX_CELL_CHARS = 32_767
#: characters Excel cannot store (XML 1.0 forbids them); tab, newline and CR are fine
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# The csv module refuses a field over 128 KiB with a bare "field larger than field
# limit"; the file-size cap bounds a field already, and a long cell is reported with
# its row and column by the validation instead.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class CsvGrid:
    """The records of one CSV file, and what stopped some of them from being read."""

    rows: list[list[str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Excel rows reported already (wrong number of cells): not to be validated
    unread: set[int] = field(default_factory=set)


def text_cell_problem(value: str) -> str | None:
    """Why a text cell cannot be used (too long, a control character), or None."""
    if len(value) > MAX_CELL_CHARS:
        return (
            f"is {len(value):,} characters long (expected at most {MAX_CELL_CHARS:,}, "
            "the most an Excel cell holds)"
        )
    found = _CONTROL.search(value)
    if found is None:
        return None
    code = ord(found.group())
    name = "NUL" if code == 0 else f"U+{code:04X}"
    return (
        f"holds a control character ({name}) at character {found.start() + 1} "
        "(expected printable text; delete it, Excel cannot store it)"
    )


def text_may_be_bad(text: str) -> bool:
    """Whether some cell of this CSV text may be too long or hold a control character
    (when not, its cells need no check one by one)."""
    if _CONTROL.search(text) is not None:
        return True
    if len(text) <= MAX_CELL_CHARS:
        return False
    # a quoted cell may run over several lines: then only its cells can tell
    return '"' in text or max(map(len, text.splitlines())) > MAX_CELL_CHARS


def decode_csv(data: bytes, label: str) -> tuple[str, Problem | None]:
    """The text of a CSV file: UTF-8 (with or without BOM), else Windows-1252 with a
    warning; an error when it is neither, or binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", Problem(file=label, message="is UTF-16 text (save it as CSV UTF-8)")
    if _looks_binary(data[:4096]):  # a stray NUL in a cell is reported at its cell
        return "", Problem(file=label, message="is a binary file, not a CSV text file")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return "", Problem(file=label, message="is not UTF-8 text (save it as CSV UTF-8)")
    return text, Problem(
        file=label,
        message="is not UTF-8; read as Windows-1252 (save as CSV UTF-8 to be sure of accents)",
        severity="warning",
    )


def _looks_binary(head: bytes) -> bool:
    """Many NULs, or control bytes a tenth of the start: not text a planner saved."""
    control = sum(head.count(bytes([b])) for b in (*range(0, 9), *range(14, 32)))
    return head.count(b"\x00") > 8 or control * 10 > len(head)


def read_csv_grid(text: str, label: str, sheet: str | None) -> CsvGrid:
    """Parse CSV text into records; a quote left open and rows of the wrong width are
    reported (those rows are listed in ``unread``)."""
    grid = _parse(text, label, sheet)
    ragged = ragged_rows(label, sheet, grid.rows)
    grid.problems += ragged
    grid.unread = {p.row for p in ragged if p.row is not None}
    return grid


def _parse(text: str, label: str, sheet: str | None) -> CsvGrid:
    """Strict parsing finds a quote left open; other quoting slips read as Excel does."""
    grid = CsvGrid()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    plain = "'" not in text  # then no cell starts with the quote safe_csv puts in front
    try:
        for record in reader:
            grid.rows.append(record if plain else [unescape_cell(cell) for cell in record])
            start = reader.line_num + 1
    except csv.Error as exc:
        closed = "unexpected end of data" not in str(exc)
        if reader.line_num > start or not closed:
            row = len(grid.rows) + 1
            end = reader.line_num if closed else None
            grid.problems.append(_open_quote(label, sheet, row, start, end))
            return grid
        loose = csv.reader(io.StringIO(text, newline=""))
        return CsvGrid(rows=[[unescape_cell(cell) for cell in record] for record in loose])
    return grid


def _open_quote(label: str, sheet: str | None, row: int, start: int, end: int | None) -> Problem:
    where = (
        "is never closed, so the rest of the file would be one cell"
        if end is None
        else f"runs on to line {end}, so the lines between would be one cell"
    )
    return Problem(
        label,
        sheet,
        row,
        message=f"a double quote opened on line {start} of the file {where} (close the "
        'quote, or write a quote inside a value as ""); the file is not read from here',
    )


def ragged_rows(label: str, sheet: str | None, grid: list[list[str]]) -> list[Problem]:
    """Report CSV rows with more or fewer cells than the header (they are not read).

    An unquoted comma in a name splits one cell in two and shifts every later cell a
    column to the right; reading such a row would blame the wrong columns, or none.
    Trailing empty cells count only where the file's other rows lack them (Excel pads
    every row of a sheet to the same width, the header too).
    """
    header_index = next(
        (i for i, row in enumerate(grid) if any(not _is_blank(v) for v in row)), None
    )
    if header_index is None:
        return []
    header = grid[header_index]
    width = filled_width(header)
    body = [row for row in grid[header_index + 1 :] if not _blank_row(row)]
    usual = Counter(map(len, body)).most_common(1)
    padded = len(header)
    if usual and usual[0][1] * 2 > len(body):  # most rows end in the same blank cells
        padded = max(padded, usual[0][0])
    problems: list[Problem] = []
    for i in range(header_index + 1, len(grid)):
        row = grid[i]
        if len(row) == width or _blank_row(row):
            continue  # as wide as the header's filled cells: it fits
        extra = max(filled_width(row) - width, len(row) - padded)
        if extra > 0:
            problems.append(_split_value(label, sheet, i + 1, row, header, width + extra))
        elif len(row) < width:
            problems.append(
                Problem(
                    label,
                    sheet,
                    i + 1,
                    message=f"has {len(row)} cells, the header has {width} (every row needs "
                    "one cell per column; a blank cell still needs its comma); row not read",
                )
            )
    return problems


def _split_value(
    label: str, sheet: str | None, row_number: int, row: list[str], header: list[str], cells: int
) -> Problem:
    """The message for a row with too many cells, naming the value a comma split."""
    width = filled_width(header)
    counts = f"has {cells} cells, the header has {width}"
    for k in range(1, len(row)):
        if row[k].startswith(" ") and row[k].strip() and not _is_blank(row[k - 1]):
            column = header[k - 1].strip() if k - 1 < len(header) else None
            joined = f"{row[k - 1]},{row[k]}"
            return Problem(
                label,
                sheet,
                row_number,
                column or None,
                f"{counts}: {joined!r} looks like one value split at its comma (put it in "
                f'double quotes: "{joined}"); row not read',
            )
    return Problem(
        label,
        sheet,
        row_number,
        message=f"{counts} (a value holding a comma must be in double quotes); row not read",
    )


def filled_width(row: list[str]) -> int:
    """Cells up to and including the last one that is not blank."""
    return next((n for n in range(len(row), 0, -1) if not _is_blank(row[n - 1])), 0)


def _blank_row(row: list[str]) -> bool:
    """Whether every cell of a record is blank (the first cell usually says it is not)."""
    first = row[0] if row else ""
    if first and not first[0].isspace():
        return False
    return all(_is_blank(v) for v in row)


def _is_blank(value: str | None) -> bool:
    return value is None or not value.strip()


def read_csv_table(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a small CSV file a command reads besides the theater (an
    allocation, a manifest), each row keyed by the lower-case header; InputError naming
    every problem (unreadable, a missing column, a row that does not fit) otherwise."""
    label = str(path)
    if not path.is_file():
        raise InputError([Problem(label, message="file not found")])
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise InputError([Problem(label, message=f"is over {MAX_TABLE_BYTES // 2**20} MiB")])
    text, problem = decode_csv(path.read_bytes(), label)
    if problem is not None and problem.severity == "error":
        raise InputError([problem])
    grid = read_csv_grid(text, label, None)
    rows = [(i + 1, row) for i, row in enumerate(grid.rows) if any(v.strip() for v in row)]
    if not rows:
        raise InputError(
            [Problem(label, message=f"is empty (expected a header: {_listed(columns)})")]
        )
    header = [v.strip().lower() for v in rows[0][1]]
    missing = [c for c in columns if c not in header]
    problems = list(grid.problems)
    if missing:
        problems.append(
            Problem(
                label,
                None,
                rows[0][0],
                message=f"has no {_listed(missing, 'or')} column (expected {_listed(columns)})",
            )
        )
    found: list[tuple[int, dict[str, str]]] = []
    for number, row in rows[1:]:
        if number in grid.unread:
            continue
        cells = dict(zip(header, (v.strip() for v in row), strict=False))
        bad = [(c, text_cell_problem(cells.get(c, ""))) for c in columns]
        problems += [Problem(label, None, number, c, why) for c, why in bad if why]
        found.append((number, cells))
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    return found


#: a side file (an allocation, a manifest) is small; more than this is not one
MAX_TABLE_BYTES = 20 * 1024 * 1024


def _listed(names: list[str] | tuple[str, ...], last: str = "and") -> str:
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {last} {names[-1]}"
