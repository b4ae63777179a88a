"""Build the Iraq-Syria example theater and write it to ``inputs/iraq_syria.xlsx``.

The modelling choices come from ``inputs/example/*.csv`` (each value beside its reason and
source, described in inputs/example/README.md); coordinates and published figures from
``shared/reference/theater_facts.csv``; the attack record from ``shared/articles``, each
event's supporting sentence found by defplan's own sentence splitter. Every reason becomes
a row of the ``assumptions`` sheet. ``make example`` runs this; the output is byte-identical
from run to run and passes defplan's validation before it replaces the file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import re
import tempfile
from pathlib import Path
from typing import TypeVar, cast

from pydantic import ValidationError

from defplan.extract.sentences import split_sentences
from defplan.scenario import ROW_TYPES, AttackRow, Row, RuleRow, Scenario, Settings
from defplan.scenario import AssumptionRow as Note
from defplan.workbook import validate
from defplan.workbook.write import write_xlsx

HERE = Path(__file__).resolve().parent
DATA = HERE / "example"
DEFAULT_SHARED = HERE.parents[1] / "shared"
DEFAULT_OUT = HERE / "iraq_syria.xlsx"
ILLUSTRATIVE = "illustrative assumption"
FACTS_FILE = "theater_facts.csv"
GOLD_FILE = "gold_events.csv"
#: columns of the data files that describe a value rather than hold one
META = ("fact",)
MERGE_BASIS = "the merged sources differ; the larger count is kept (for munitions: "
MERGE_BASIS += "rockets fired rather than rockets that landed)"
R = TypeVar("R", bound=Row)


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV file with a header, as dictionaries of text."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def note(sheet: str, item: str, column: str, value: str | None, basis: str, source: str) -> Note:
    """One row of the assumptions sheet."""
    return Note(sheet_name=sheet, item=item, column=column, value=value, basis=basis, source=source)


class Facts:
    """theater_facts.csv by row name, with its ``label=URL`` sources."""

    def __init__(self, path: Path) -> None:
        self.rows = {row["name"]: row for row in read_csv(path)}

    def row(self, name: str) -> dict[str, str]:
        if name not in self.rows:
            raise SystemExit(f"{FACTS_FILE}: no row named {name!r}")
        return self.rows[name]

    def source(self, name: str, wanted: str) -> str:
        """Where a value comes from, as a ``<column>_source`` cell names it.

        Blank: an illustrative assumption; ``notes``: the row's notes; ``all``: every
        source of the row; a label (``figure``, ``coords``, ...): that source; a URL: itself.
        """
        if not wanted or "://" in wanted:
            return wanted or ILLUSTRATIVE
        if wanted == "notes":
            return f'{FACTS_FILE} "{name}" notes'
        parts = [p.strip() for p in self.row(name)["source_url"].split(" ; ") if p.strip()]
        chosen = [p for p in parts if wanted == "all" or p.startswith(f"{wanted}=")]
        if not chosen:
            raise SystemExit(f"{FACTS_FILE}: row {name!r} has no {wanted}= source")
        return f'{FACTS_FILE} "{name}" ' + " ; ".join(chosen)

    def fill(self, cells: dict[str, str], model: type[Row]) -> dict[str, str]:
        """``cells`` with coordinates, country, region and published troop figures."""
        fact = self.row(cells["fact"]) if cells.get("fact") else None
        if fact and "lat" in model.model_fields:
            cells |= {"lat": fact["lat"], "lon": fact["lon"]}
        if fact and "country" in model.model_fields:  # the province without its remarks
            region = re.sub(r"\s*\(.*\)\s*", "", fact["province"]).strip()
            cells |= {"country": fact["country"], "region": region}
        for column in ("troops", "capacity"):
            if fact and cells.get(column) == "figure":  # "<1000" is a bound: 900
                figure = fact["figure"].strip()
                cells[column] = str(int(figure.lstrip("<")) - 100 * figure.startswith("<"))
        return cells


def read_sheet(model: type[R], facts: Facts) -> tuple[list[R], list[Note]]:
    """The rows of ``example/<sheet>.csv`` and one assumption per reason given."""
    reasons = {row["reason"]: row["basis"] for row in read_csv(DATA / "reasons.csv")}
    rows: list[R] = []
    notes: list[Note] = []
    for number, cells in enumerate(read_csv(DATA / f"{model.sheet}.csv"), start=2):
        cells = facts.fill(cells, model)
        keep = [c for c, v in cells.items() if v and c not in META and "_basis" not in c]
        try:
            rows.append(model(**{c: cells[c] for c in keep if not c.endswith("_source")}))
        except ValidationError as error:
            raise SystemExit(f"example/{model.sheet}.csv line {number}: {error}") from None
        item = "/".join(cells[k] or "None" for k in model.key or ("base_id", "system_id"))
        for header, basis in cells.items():
            if header.endswith("_basis") and basis:
                column = header.removesuffix("_basis")
                source = facts.source(cells.get("fact", ""), cells.get(f"{column}_source", ""))
                named = cells["kind"] if model is RuleRow else column  # a rule's value: its kind
                basis = reasons[basis[1:]] if basis.startswith("@") else basis
                notes.append(note(model.sheet, item, named, cells[column] or None, basis, source))
    return rows, notes


def evidence_for(articles: Path, article: str, term: str | None) -> str | None:
    """``file:start-end`` of the sentence holding ``term``; None if the text is not at hand."""
    if not (articles / article).is_file():
        return None
    text = (articles / article).read_text(encoding="utf-8")
    hit = text.find(term) if term else -1
    found = [s for s in split_sentences(text) if s.start <= hit < s.end]
    if not found:
        raise SystemExit(f"{article}: no sentence holds evidence.csv's term {term!r}")
    return f"{article}:{found[0].start}-{found[0].end}"


def merged(rows: list[dict[str, str]], column: str) -> tuple[str | None, str | None]:
    """One value of ``column`` for rows about the same event, and a note if they differ.

    Blank means "not said", so any stated value wins over blank. Two different counts
    keep the larger; two different texts keep the first article's.
    """
    stated = [(r["article_file"], r[column]) for r in rows if r[column]]
    values = list(dict.fromkeys(value for _, value in stated))
    if len(values) <= 1:
        return (values[0] if values else None), None
    chosen = max(values, key=int) if column != "actor" else values[0]
    told = ", ".join(f"{value} in {article}" for article, value in stated)
    return chosen, f"Sources differ on {column}: {told}; {chosen} kept."


def gold_events(articles: Path) -> dict[str, list[dict[str, str]]]:
    """The rows of gold_events.csv by event: ``a`` + date + the site's slug."""
    slugs = {row["site"]: row["slug"] for row in read_csv(DATA / "attack_sites.csv")}
    events: dict[str, list[dict[str, str]]] = {}
    for row in read_csv(articles / GOLD_FILE):
        if row["base"] not in slugs:
            raise SystemExit(f"{GOLD_FILE}: site {row['base']!r} is not in attack_sites.csv")
        events.setdefault(f"a{row['date'].replace('-', '_')}_{slugs[row['base']]}", []).append(row)
    for attack_id, rows in events.items():
        if len({(r["date_precision"], r["weapon"]) for r in rows}) != 1:
            raise SystemExit(f"{attack_id}: merged rows disagree on precision or weapon")
    return events


def gold_attacks(articles: Path) -> tuple[list[AttackRow], list[Note]]:
    """One attack row per event of gold_events.csv (told by two articles: still one row)."""
    if not (articles / GOLD_FILE).is_file():
        print(f"warning: {articles / GOLD_FILE} not found; the attacks sheet is left out")
        return [], []
    bases = {row["site"]: row["base_id"] or None for row in read_csv(DATA / "attack_sites.csv")}
    terms = {(r["article_file"], r["date"]): r["term"] for r in read_csv(DATA / "evidence.csv")}
    remarks = {row["attack_id"]: row["notes"] for row in read_csv(DATA / "attack_notes.csv")}
    events = gold_events(articles)
    if set(remarks) != set(events):
        raise SystemExit(
            f"attack_notes.csv: ids unlike the events' {sorted(set(remarks) ^ set(events))}"
        )
    attacks, notes = [], []
    for attack_id, rows in events.items():
        said = {c: merged(rows, c) for c in ("actor", "munitions", "killed", "wounded")}
        told = "; ".join(f"{GOLD_FILE} row for {r['article_file']}" for r in rows)
        notes += [
            note("attacks", attack_id, c, v, MERGE_BASIS, told) for c, (v, d) in said.items() if d
        ]
        files = [r["article_file"] for r in rows]
        spans = [
            evidence_for(articles, f, terms.get((f, r["date"])))
            for f, r in zip(files, rows, strict=True)
        ]
        attacks.append(
            AttackRow(
                **{c: v for c, (v, _) in said.items()},
                **{c: rows[0][c] for c in ("date", "date_precision", "weapon")},
                attack_id=attack_id,
                base_id=bases[rows[0]["base"]],
                site=rows[0]["base"],
                source=files,
                evidence=[span for span in spans if span is not None],
                notes=" ".join([remarks[attack_id], *(d for _, d in said.values() if d)]),
            )
        )
    return attacks, notes


def build(shared: Path) -> Scenario:
    """The example theater from ``inputs/example``, ``shared/reference`` and ``shared/articles``."""
    facts = Facts(shared / "reference" / FACTS_FILE)
    for kind, name in (("base", "bases"), ("hostile_area", "threat_zones")):
        missing = {n for n, row in facts.rows.items() if row["kind"] == kind}
        missing -= {row["fact"] for row in read_csv(DATA / f"{name}.csv")}
        if missing:
            raise SystemExit(f"{FACTS_FILE}: {kind} rows not in {name}.csv: {sorted(missing)}")
    gold, gold_notes = gold_attacks(shared / "articles")
    tables: dict[str, tuple[Row, ...]] = {}
    notes: list[Note] = []
    for model in ROW_TYPES:
        if not (DATA / f"{model.sheet}.csv").is_file():
            continue
        rows, sheet_notes = read_sheet(model, facts)
        if model is AttackRow:  # the record's events (their merged counts noted first)
            attacks = sorted([*gold, *cast(list[AttackRow], rows)], key=attack_order)
            rows, sheet_notes = list(attacks), gold_notes + sheet_notes
        tables[model.sheet] = tuple(rows)
        notes += sheet_notes
    settings = read_csv(DATA / "settings.csv")
    notes += [
        note("settings", row["setting"], "value", row["value"], row["value_basis"], ILLUSTRATIVE)
        for row in settings
    ]
    return Scenario(
        **tables,  # type: ignore[arg-type]  # each sheet's tuple holds that sheet's row type
        assumptions=tuple(notes),
        settings=Settings(**{row["setting"]: row["value"] for row in settings}),
    )


def attack_order(attack: AttackRow) -> tuple[dt.date, str]:
    """Attacks by date (undated first), then id."""
    return attack.date or dt.date.min, attack.attack_id


def main() -> None:
    """Build, check with defplan's own validation, then write; print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="workbook to write")
    args = parser.parse_args()
    scenario = build(args.shared)
    with tempfile.TemporaryDirectory() as scratch:
        check = validate(write_xlsx(scenario, Path(scratch) / "example.xlsx"))
    if not check.ok or check.warnings:
        raise SystemExit("\n".join(str(p) for p in (*check.errors, *check.warnings)))
    out = write_xlsx(scenario, args.out)
    counts = ", ".join(f"{sheet} {n}" for sheet, n in scenario.counts().items() if n)
    print(f"wrote {out}\n  {counts}\n  sha256 {hashlib.sha256(out.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
