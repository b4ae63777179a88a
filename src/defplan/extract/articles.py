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

import pandas as pd

from defplan.errors import InputError, Problem
from defplan.fields import parse_partial_date

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


def read_manifest(path: Path) -> dict[str, dt.date]:
    """``file`` → publication day from a manifest CSV; InputError on a bad one."""
    label = str(path)
    if not path.is_file():
        raise InputError([Problem(label, message="manifest not found")])
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError([Problem(label, message=f"is not a readable CSV file ({exc})")]) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("file", "published") if c not in frame.columns]
    if missing:
        raise InputError(
            [
                Problem(
                    label,
                    message=f"has no {' or '.join(missing)} column (expected file, published)",
                )
            ]
        )
    dates: dict[str, dt.date] = {}
    problems: list[Problem] = []
    for number, (name, published) in enumerate(
        zip(frame["file"], frame["published"], strict=True), start=2
    ):
        day = parse_day(published)
        if day is None:
            problems.append(
                Problem(label, None, number, "published", f"{published!r} is not a day")
            )
            continue
        dates[Path(name.strip()).name] = day
    if problems:
        raise InputError(problems)
    return dates


def read_article(
    path: Path, manifest: Mapping[str, dt.date] | None = None, published: dt.date | None = None
) -> Article:
    """Read one article; InputError when it cannot be read as text.

    The publication date is the header's ``DATE:``, else the manifest's row for the
    file's name, else ``published``; it is None when none of them gives one.
    """
    label = str(path)
    if not path.is_file():
        raise InputError([Problem(label, message="file not found")])
    if path.stat().st_size > MAX_ARTICLE_BYTES:
        raise InputError([Problem(label, message="is over 5 MiB: not a news article")])
    text = decode_text(path.read_bytes(), label)
    fields, body_start = read_header(text)
    day = None
    if "date" in fields or "published" in fields:
        day = parse_day(fields.get("date") or fields.get("published") or "")
        if day is None:
            raise InputError([Problem(label, message=f"DATE: {fields.get('date')!r} is not a day")])
    if day is None and manifest is not None:
        day = manifest.get(path.name)
    if day is None:
        day = published
    return Article(
        file=path.name,
        text=text,
        published=day,
        title=fields.get("title"),
        url=fields.get("url"),
        body_start=body_start,
    )


def read_articles(
    paths: Iterable[Path], manifest: Path | None = None, published: dt.date | None = None
) -> tuple[list[Article], list[Problem]]:
    """Read every article, collecting all problems; notes for empty or undated ones.

    Raises InputError with every error at once (unreadable, binary, not UTF-8, two files
    with one name, no publication date). An empty file is skipped with a note.
    """
    dates = read_manifest(manifest) if manifest is not None else None
    articles: list[Article] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for path in paths:
        path = Path(path)
        try:
            article = read_article(path, dates, published)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
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
                    message="has no publication date: give a DATE: header line, a --manifest "
                    "row or --published",
                )
            )
            continue
        articles.append(article)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(sorted(problems, key=lambda p: (p.severity != "error", p.file)))
    return sorted(articles, key=lambda a: a.file), problems
