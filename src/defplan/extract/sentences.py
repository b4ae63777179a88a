"""Sentences and clauses of an article, each with its character offsets into the text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

# Words after which a full stop does not end a sentence.
ABBREVIATIONS: Final = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "lt",
        "col",
        "sgt",
        "cpl",
        "capt",
        "maj",
        "adm",
        "rep",
        "sen",
        "gov",
        "pres",
        "st",
        "no",
        "jr",
        "sr",
        "inc",
        "co",
        "corp",
        "ltd",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "brig",
        "cmdr",
        "spc",
        "pfc",
        "pvt",
        "gen.",
        "maj.",
        "lt.",
        "col.",
        "a.m",
        "p.m",
        "e.g",
        "i.e",
        "approx",
        "dept",
        "est",
    ]
)
_END = re.compile(
    r"[.!?]+[\"'\u201d\u2019)\]]*"
    # (glued to the next sentence by a lost space: "in Syria's northeast.A day earlier")
    r"(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9]|[\"'\u201c\u2018]?[A-Z](?:[a-z]|\s))"
)


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text == article_text[start:end]``; ``paragraph`` counts lines (a
    run of blank lines as one)."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Clause:
    """A stretch of a sentence between commas, semicolons or dashes."""

    start: int
    end: int
    text: str


def _ends_sentence(text: str, stop: int) -> bool:
    """Whether the full stop at ``stop`` ends a sentence (not "Gen." or "U.S.")."""
    if text[stop] != ".":
        return True
    word = re.search(r"([\w.]+)$", text[:stop])
    if word is None:
        return True
    token = word.group(1).lower()
    if token in ABBREVIATIONS or token.rstrip(".") in ABBREVIATIONS:
        return False
    if re.fullmatch(r"(?:[a-z]\.)*[a-z]", token):  # initials: "U.S", "J"
        return False
    following = text[stop + 1 : stop + 3]
    return not (following[:1].isalpha() and not text[stop - 1].islower())


def split_sentences(text: str, start: int = 0) -> list[Sentence]:
    """The sentences of ``text[start:]``, in order; a line break always ends one.

    >>> [s.text for s in split_sentences("Gen. Smith said 3 rockets hit. No one was hurt.")]
    ['Gen. Smith said 3 rockets hit.', 'No one was hurt.']
    """
    sentences: list[Sentence] = []
    paragraph = 0
    offset = start
    blank = False  # a run of blank lines (or of spaces only) counts as one
    for line in text[start:].split("\n"):
        line_start = offset
        offset += len(line) + 1
        if not line.strip():
            paragraph += 0 if blank else 1
            blank = True
            continue
        blank = False
        cuts = [0]
        for match in _END.finditer(line):
            stop = match.start()
            if _ends_sentence(line, stop):
                cuts.append(match.end())
        cuts.append(len(line))
        for a, b in pairwise(cuts):
            piece = line[a:b]
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            if piece:
                begin = line_start + a + lead
                sentences.append(
                    Sentence(len(sentences), begin, begin + len(piece), piece, paragraph)
                )
        paragraph += 1
    return sentences


_CLAUSE_BREAK = re.compile(r",\s+|;\s+|\s+[\u2014\u2013]\s+|\s+-{1,2}\s+|:\s+")


def split_clauses(sentence: Sentence, keep_whole: list[tuple[int, int]]) -> list[Clause]:
    """The clauses of ``sentence``; no cut falls inside a span of ``keep_whole`` (dates)."""
    clauses: list[Clause] = []
    begin = 0
    text = sentence.text
    for match in _CLAUSE_BREAK.finditer(text):
        at = sentence.start + match.start()
        if any(a <= at < b for a, b in keep_whole):
            continue
        # a comma after a date that opens the clause keeps the date with what follows
        piece = text[begin : match.start()]
        if piece.strip():
            clauses.append(Clause(sentence.start + begin, sentence.start + match.start(), piece))
        begin = match.end()
    piece = text[begin:]
    if piece.strip():
        clauses.append(Clause(sentence.start + begin, sentence.end, piece))
    return clauses
