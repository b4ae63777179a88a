"""Scoring extracted rows against hand-read ones (a gold CSV with the same columns).

An extracted row matches a gold row of the same article when both name the same site
(the same theater base after alias resolution, or, for sites the theater does not
know, a place word in common) and their dates agree at the coarser of their two
precisions. Each gold row matches at most one extracted row. Over the matched pairs,
each field is then compared: blank equals blank, counts compare as numbers, the date
as written at its precision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from defplan.extract.dates import agree
from defplan.extract.events import ExtractedAttack
from defplan.extract.lexicon_set import Lexicons, active_lexicons
from defplan.extract.sites import GENERIC_WORDS, Gazetteer, fold
from defplan.fields import DatePrecision, format_partial_date, parse_partial_date

FIELDS: tuple[str, ...] = (
    "base",
    "date",
    "date_precision",
    "actor",
    "weapon",
    "munitions",
    "killed",
    "wounded",
)
_IGNORED = GENERIC_WORDS | {"named", "not", "two", "three", "army", "a", "near"}


@dataclass(frozen=True)
class Score:
    """Event precision, recall and F1, and per-field accuracy over matched pairs."""

    extracted: int
    gold: int
    matched: int
    field_accuracy: Mapping[str, float]
    misses: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        """Share of the extracted events that match a gold event (0 when none was extracted)."""
        return self.matched / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        """Share of the gold events that were extracted (0 when there is no gold)."""
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 when both are 0)."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def report(self) -> str:
        """A few lines for a person: the scores, then each field's accuracy."""
        lines = [
            f"events: {self.matched} matched of {self.extracted} extracted, {self.gold} gold",
            f"precision {self.precision:.3f} · recall {self.recall:.3f} · F1 {self.f1:.3f}",
            "field accuracy over matched events:",
        ]
        lines += [f"  {name:<15}{value:.3f}" for name, value in self.field_accuracy.items()]
        lines += [f"  differs: {miss}" for miss in self.misses]
        return "\n".join(lines)


def _words(site: str) -> set[str]:
    """The words of a site that may tell it from another: not generic, nor a word for a
    country other than its name (countries.csv of the lexicons in use: "Iraqi")."""
    ignored = _IGNORED | _country_adjectives(active_lexicons())
    return {w for w in fold(site).replace("(", " ").replace(")", " ").split() if w not in ignored}


@lru_cache(maxsize=8)
def _country_adjectives(lexicons: Lexicons) -> frozenset[str]:
    return frozenset(
        fold(w) for c in lexicons.countries for w in c.words if fold(w) != fold(c.name)
    )


def _site_of(label: str, base_id: str | None, gazetteer: Gazetteer) -> tuple[str | None, set[str]]:
    return (base_id or gazetteer.resolve_name(label)), _words(label)


def _same_site(a: tuple[str | None, set[str]], b: tuple[str | None, set[str]]) -> bool:
    if a[0] or b[0]:
        return a[0] == b[0]
    return bool(a[1] & b[1])


def _date(row: Mapping[str, str]) -> tuple[dt.date, DatePrecision] | None:
    text = (row.get("date") or "").strip()
    if not text:
        return None
    parsed = parse_partial_date(text)
    if parsed is None:
        return None
    stated = (row.get("date_precision") or "").strip()
    precision: DatePrecision = parsed[1]
    if stated in ("day", "month", "year"):
        precision = stated  # type: ignore[assignment]
    return parsed[0], precision


def _as_gold(row: ExtractedAttack) -> dict[str, str]:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    date = (
        format_partial_date(row.date, row.date_precision)
        if row.date is not None and row.date_precision is not None
        else ""
    )
    return {
        "article_file": row.article_file,
        "base": row.base,
        "base_id": text(row.base_id),
        "date": date,
        "date_precision": text(row.date_precision),
        "actor": text(row.actor),
        "weapon": text(row.weapon),
        "munitions": text(row.munitions),
        "killed": text(row.killed),
        "wounded": text(row.wounded),
    }


def _field_equal(name: str, ours: Mapping[str, str], theirs: Mapping[str, str]) -> bool:
    a, b = (ours.get(name) or "").strip(), (theirs.get(name) or "").strip()
    if name in ("munitions", "killed", "wounded"):
        return (int(float(a)) if a else None) == (int(float(b)) if b else None)
    if name == "date":
        da, db = _date(ours), _date(theirs)
        return da == db
    return fold(a) == fold(b)


def score(
    extracted: Sequence[ExtractedAttack],
    gold: Iterable[Mapping[str, str]],
    gazetteer: Gazetteer,
) -> Score:
    """Score ``extracted`` rows against ``gold`` rows (dicts of the gold CSV's text)."""
    gold_rows = [dict(g) for g in gold]
    ours = [_as_gold(r) for r in extracted]
    used: set[int] = set()
    pairs: list[tuple[dict[str, str], dict[str, str]]] = []
    for g in gold_rows:
        g_site = _site_of(g["base"], g.get("base_id") or None, gazetteer)
        g_date = _date(g)
        best: tuple[int, int] | None = None
        for index, o in enumerate(ours):
            if index in used or o["article_file"] != g["article_file"]:
                continue
            o_date = _date(o)
            if not _same_site(g_site, (o["base_id"] or None, _words(o["base"]))):
                continue
            if g_date is None or o_date is None or not agree(g_date, o_date):
                continue
            agreement = sum(_field_equal(name, o, g) for name in FIELDS[1:])
            if best is None or agreement > best[0]:
                best = (agreement, index)
        if best is not None:
            used.add(best[1])
            pairs.append((ours[best[1]], g))
    accuracy: dict[str, float] = {}
    misses: list[str] = []
    for name in FIELDS:
        if name == "base":
            accuracy[name] = 1.0 if pairs else 0.0  # matched pairs share their site
            continue
        right = [_field_equal(name, o, g) for o, g in pairs]
        accuracy[name] = sum(right) / len(right) if right else 0.0
        misses += [
            f"{g['article_file']} {g['base']} {g['date']}: {name} {o.get(name)!r} vs gold "
            f"{g.get(name)!r}"
            for (o, g), ok in zip(pairs, right, strict=True)
            if not ok
        ]
    return Score(len(ours), len(gold_rows), len(pairs), accuracy, tuple(misses))
