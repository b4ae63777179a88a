"""Reading articles: text files checked for being text, and their publication dates.

An article is a UTF-8 text file. A header block at its top (``URL:``, ``TITLE:``,
``DATE:`` lines, then a blank line) is read when present; otherwise the date comes
from a manifest CSV (columns ``file``, ``published``) or from one date given for all.

Character offsets everywhere are into the text as ``Path.read_text(encoding="utf-8")``
returns it (line endings made ``\\n``), so ``text[span_start:span_end]`` can be
checked by anyone with the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from defplan.errors import InputError, Problem
from defplan.fields import parse_partial_date
from defplan.workbook.csv_file import read_csv_table

#: bigger than any news article; refusing it keeps a stray binary from eating memory
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
_HEADER_LINE = re.compile(r"^(URL|TITLE|DATE|PUBLISHED|SOURCE|AUTHOR)\s*:\s*(.*)$", re.I)


@dataclass(frozen=True)
class Article:
    """One article: its name (the file's name), text, date and where the body starts."""

    file: str
    text: str
    published: dt.date | None
    title: str | None = None
    url: str | None = None
    body_start: int = 0


def decode_text(data: bytes, label: str) -> str:
    """The text of a file's bytes, or InputError saying why it is not a text article."""
    if b"\x00" in data[:8192]:
        raise InputError([Problem(label, message="is a binary file, not a text article")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                Problem(
                    label,
                    message=f"is not UTF-8 text (byte {exc.start} cannot be read); "
                    "save the article as UTF-8",
                )
            ]
        ) from None
    controls = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(8, len(text[:8192]) // 20):
        raise InputError([Problem(label, message="is a binary file, not a text article")])
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_header(text: str) -> tuple[dict[str, str], int]:
    """The header block's fields (lower-case keys) and the offset where the body starts."""
    fields: dict[str, str] = {}
    offset = 0
    lines = text.split("\n")
    for number, line in enumerate(lines):
        # a byte-order mark (Notepad writes one) stays in the text, so spans keep
        # pointing where read_text() puts them, but does not hide the header
        match = _HEADER_LINE.match(line.lstrip("\ufeff").strip() if number == 0 else line.strip())
        if match is None:
            if fields and not line.strip():
                offset += len(line) + 1
            break
        fields[match.group(1).lower()] = match.group(2).strip()
        offset += len(line) + 1
    if not fields:
        return {}, 0
    return fields, min(offset, len(text))


def parse_day(text: str) -> dt.date | None:
    """A publication date as written in a header or manifest: a day, or None."""
    parsed = parse_partial_date(text)
    if parsed is None or parsed[1] != "day":
        return None
    return parsed[0]


def read_manifest(path: Path) -> tuple[dict[str, dt.date], list[Problem]]:
    """``file`` → publication day from a manifest CSV, and a warning per row without one.

    A blank ``published`` leaves its article undated and an unreadable one is a
    warning at its row: neither blocks the other articles (the article is read as
    undated). A missing file or a missing column is an InputError, which concerns
    every article.
    """
    label = str(path)
    if not path.is_file():
        raise InputError([Problem(label, message="manifest not found")])
    rows = read_csv_table(path, ("file", "published"))
    dates: dict[str, dt.date] = {}
    problems: list[Problem] = []
    for number, row in rows:
        name, published = row.get("file", "").strip(), row.get("published", "").strip()
        if not published:
            continue
        day = parse_day(published)
        if day is None:
            problems.append(
                Problem(
                    label,
                    None,
                    number,
                    "published",
                    f"{published!r} is not a day (expected e.g. 2024-01-28); "
                    f"{name or 'its article'} is read as undated",
                    severity="warning",
                )
            )
            continue
        dates[Path(name).name] = day
    return dates, problems


def read_article(
    path: Path, manifest: Mapping[str, dt.date] | None = None, published: dt.date | None = None
) -> tuple[Article, list[Problem]]:
    """Read one article and say how it was dated; InputError when it cannot be read as text.

    The publication date is the header's ``DATE:``, else the manifest's row for the
    file's name, else ``published``, else a date line at the top of the body
    ("Updated: 2022-07-04", "Friday 8 March 2024 - 18:40"); None when none
    of them gives one. A blank or unreadable ``DATE:`` is a warning, not a refusal:
    the article is read without it.
    """
    label = str(path)
    if not path.is_file():
        raise InputError([Problem(label, message="file not found")])
    if path.stat().st_size > MAX_ARTICLE_BYTES:
        raise InputError([Problem(label, message="is over 5 MiB: not a news article")])
    text = decode_text(path.read_bytes(), label)
    fields, body_start = read_header(text)
    body_start, stamped = opening_stamp(text, body_start)
    notes: list[Problem] = []
    written = fields.get("date") or fields.get("published") or ""
    day = parse_day(written) if written else None
    if written and day is None:
        notes.append(
            Problem(
                label,
                message=f"DATE: {written!r} is not a day; read as undated",
                severity="warning",
            )
        )
    if day is None and manifest is not None:
        day = manifest.get(path.name)
    if day is None:
        day = published
    if day is None:
        day = stamped or date_line(text, body_start)
        if day is not None:
            notes.append(
                Problem(
                    label,
                    message=f"dated {day.isoformat()} from the date line at the top of its text",
                    severity="note",
                )
            )
    article = Article(
        file=path.name,
        text=text,
        published=day,
        title=fields.get("title"),
        url=fields.get("url"),
        body_start=body_start,
    )
    return article, notes


def read_articles(
    paths: Iterable[Path], manifest: Path | None = None, published: dt.date | None = None
) -> tuple[list[Article], list[Problem]]:
    """Read every article that can be read; the others are skipped, each with an error.

    Returns the articles (sorted by file name) and the problems: an error for each
    article skipped (missing, binary, not UTF-8, two files with one name), a note for
    an empty one, a warning for one without a publication date (it is still read:
    dates written with their year resolve, relative ones stay blank).
    Raises InputError only for a manifest that cannot be read or lacks its columns,
    which concerns every article; a manifest row without a usable date is a warning.
    """
    dates: dict[str, dt.date] | None = None
    problems: list[Problem] = []
    if manifest is not None:
        dates, problems = read_manifest(manifest)
    articles: list[Article] = []
    seen: dict[str, Path] = {}
    for path in paths:
        path = Path(path)
        try:
            article, notes = read_article(path, dates, published)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(notes)
        if article.file in seen and seen[article.file].resolve() != path.resolve():
            problems.append(
                Problem(
                    str(path),
                    message=f"has the same name as {seen[article.file]}; "
                    "rename one (rows name articles by file name)",
                )
            )
            continue
        if article.file in seen:
            continue
        seen[article.file] = path
        if not article.text[article.body_start :].strip():
            problems.append(
                Problem(str(path), message="is empty: no attack to read", severity="note")
            )
            continue
        if article.published is None:
            problems.append(
                Problem(
                    str(path),
                    message="has no publication date: dates written with their year are read, "
                    "relative ones ('on Monday') are left blank; give a DATE: header line, a "
                    "--manifest row or --published to resolve them",
                    severity="warning",
                )
            )
        articles.append(article)
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p.file))
    return sorted(articles, key=lambda a: a.file), ordered


# A stamp that opens a stored page on the same line as its text ("date 2023-03-24 A U.S.
# contractor was killed ..."): metadata, not the story, so not read for dates or counts
_OPENING_STAMP = re.compile(
    r"\s*(?:(?:date|updated?|published|posted)\s*:?\s*)?(?P<date>\d{4}-\d\d-\d\d)"
    r"(?:[T\s]\d\d:\d\d(?::\d\d)?Z?)?[ \t]+(?=\S)",
    re.I,
)


def opening_stamp(text: str, body_start: int = 0) -> tuple[int, dt.date | None]:
    """Where the body's text starts after a date stamp opening it, and the stamp's day.

    >>> opening_stamp(" date 2023-03-24 A contractor was killed Thursday.")
    (17, datetime.date(2023, 3, 24))
    >>> opening_stamp("Rockets hit the base.")
    (0, None)
    """
    stamp = _OPENING_STAMP.match(text, body_start)
    if stamp is None:
        return body_start, None
    return stamp.end(), parse_day(stamp.group("date"))


# A date line at the top of a body: "Updated: 2022-07-04 09:30 - Source: wire",
# "Friday 8 March 2024 - 18:40", "09:15, Monday, 6 May, 2024",
# "June 3, 2022 Updated: June 4, 2022", "July 9, 2021 - The families of ...",
# "- Associated Press - Wednesday, September 21, 2016", "By News Desk - March 14 2023".
_STAMP_LABEL = re.compile(
    r"^\s*(?:(?:last\s+)?(?:updated?|published|publish(?:ed)?\s*date|publication\s+date|posted"
    r"|date)\s*:?\s*)?"
    # a source or byline set off by dashes: "- Associated Press - ", "By News Desk - "
    r"(?:(?:by\s+|[-\u2013\u2014]\s*)(?:[A-Z][\w.&'\u2019]*\s+){0,4}[A-Z][\w.&'\u2019]*\s*"
    r"[-\u2013\u2014|]\s*)?"
    r"(?:\d{1,2}:\d\d(?::\d\d)?\s*,?\s*)?",
    re.I,
)
_LINE_DATE = re.compile(
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
    r"(?P<date>\d{4}-\d\d-\d\d"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}"
    r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
    r"(?=$|[\s,;.\-\u2013\u2014|]|T\d\d:)"  # "2021-02-20T19:03:29+00:00": a timestamp
)
#: how many non-blank lines at the top of a body may carry its date line
DATE_LINE_REACH = 6


def date_line(text: str, body_start: int = 0) -> dt.date | None:
    """The publication day a date line among the body's first lines gives, or None.

    A date line is a line that starts with a full date (a label such as "Updated:",
    a clock time or a weekday may come first) and is short or goes on after a dash.

    >>> date_line("Title\\n\\nUpdated: 2022-07-04 09:30 - Source: wire\\n\\nText.")
    datetime.date(2022, 7, 4)
    >>> date_line("Rockets hit the base on 3 March 2021, wounding two.") is None
    True
    """
    lines = [line for line in text[body_start:].split("\n") if line.strip()]
    for line in lines[:DATE_LINE_REACH]:
        head = _STAMP_LABEL.match(line)
        rest = line[head.end() if head else 0 :]
        match = _LINE_DATE.match(rest)
        if match is None:
            continue
        after = rest[match.end() :].strip()
        if len(line) > 90 and not re.match(r"^[\-\u2013\u2014|]", after):
            continue
        day = parse_day(match.group("date").replace(".", ""))
        if day is not None:
            return day
    return None
