"""No rule knows a name of the example theater: a mirror theater reads every article alike.

The mirror keeps the example theater's geometry and enciphers every name in it: its bases,
regions, towns, countries, actors, forces and weapon models, in the lexicon files and in
the bases sheet alike. The cipher swaps letters within the classes the loose spelling of a
name keeps apart (vowels with w and y; c, k and q; the other consonants; h, whose
dropping ends many a transliteration, stays), so that two spellings of one name stay as
alike as they were. Every own-words fixture article,
enciphered the same way, must give the same attacks in the mirror as in the example
theater: a rule that held one of those names (or a lexicon of the language of news copy
that held one, as people.csv once held "coalition") would read the two apart. And no
string of a rule in defplan.extract holds one of those names.
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import re
from pathlib import Path

import pytest

from defplan.extract import extract_articles
from defplan.extract.articles import Article, read_articles
from defplan.extract.lexicon_files import DEFAULTS
from defplan.scenario import BaseRow
from defplan.workbook import load_scenario
from test_extract_cli import EXAMPLE

FIXTURES = Path(__file__).parent / "fixtures"
FIELDS = ("base_id", "date", "date_precision", "weapon", "munitions", "killed", "wounded")
#: the columns of each replaced lexicon file that hold names
NAMED = {
    "actors.csv": ("actor", "aliases"),
    "regions.csv": ("region", "aliases"),
    "places.csv": ("place", "aliases"),
    "countries.csv": ("country", "words"),
    "borders.csv": ("border",),
    "forces.csv": ("word",),
    "weapon_words.csv": ("word",),
}
#: words of those names that are English (or particles of the theater's names, which the
#: rules read as grammar) and stay as written; the words of the groups' names ("Islamic",
#: "Resistance", "Popular Mobilization", "Revolutionary Guard Corps") are enciphered
ENGLISH = frozenset(
    re.findall(
        r"\w+",
        "ab air airbase airfield airport al army at base c camp central command complex "
        "desert el embassy ez field fire firebase fob forces foreign garrison gas global "
        "governorate green guards iii in international is joint k landing led military "
        "militia missile mission of oil province q ram region rocket s site state states "
        "support t the tower u union units us victory village west zone ib im din abu bin "
        "ibn umm ad as an albu bell",
    )
)
#: names as an article spells them that no lexicon or base lists (the rules find them by
#: their loose spelling: "Qayara" for "Qayyarah")
SPELT_OTHERWISE = frozenset({"qayara"})
_CIPHER = dict(
    zip(
        "aeiouywckqbdfgjlmnprstvxz",
        "ouyweaikqcdfgjlmnprstvxzb",
        strict=True,
    )
)


def _cipher(word: str) -> str:
    out = (_CIPHER.get(ch.lower(), ch) for ch in word)
    return "".join(o.upper() if ch.isupper() else o for ch, o in zip(word, out, strict=True))


def _names() -> frozenset[str]:
    """Every word of a name in the shipped lexicons and the example theater's bases."""
    cells: list[str] = []
    for name, columns in NAMED.items():
        with (DEFAULTS / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if (
                    name != "weapon_words.csv"
                    or row["form"] == "numbered"
                    or (row["weapon"] == "defence")
                ):
                    cells.extend(row[c] or "" for c in columns)
    for base in load_scenario(EXAMPLE).bases:
        cells.extend((base.name, *base.aliases, base.region or "", base.country or ""))
    words = {w.lower() for cell in cells for w in re.findall(r"[A-Za-z]+", cell)}
    return frozenset(words - ENGLISH)


class Mirror:
    """The enciphering of text: every name's word, and the coalition's "US" however
    written (as "U.S.", "US" or "u.s."; "us" is a pronoun too, and stays)."""

    def __init__(self) -> None:
        words = sorted(_names() | SPELT_OTHERWISE, key=lambda w: (-len(w), w))
        self.names = re.compile(
            r"(?<![A-Za-z])(?:" + "|".join(map(re.escape, words)) + r")(?![A-Za-z])", re.I
        )

    def __call__(self, text: str) -> str:
        text = re.sub(
            r"(?<![A-Za-z])(?:U\.S\.|US|u\.s\.)(?![a-z])",
            lambda m: _cipher(m.group(0)),
            text,
        )
        return self.names.sub(lambda m: _cipher(m.group(0)), text)


@pytest.fixture(scope="module")
def mirror() -> Mirror:
    return Mirror()


@pytest.fixture(scope="module")
def mirror_lexicons(tmp_path_factory: pytest.TempPathFactory, mirror: Mirror) -> Path:
    folder = tmp_path_factory.mktemp("mirror") / "lexicons"
    folder.mkdir()
    for name in sorted(p.name for p in DEFAULTS.glob("*.csv")):
        with (DEFAULTS / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        columns = NAMED.get(name, ())
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow({k: mirror(v) if k in columns else v for k, v in row.items()})
    return folder


def _mirror_bases(mirror: Mirror) -> list[BaseRow]:
    return [
        b.model_copy(
            update={
                "name": mirror(b.name),
                "aliases": tuple(mirror(a) for a in b.aliases),
                "region": mirror(b.region) if b.region else None,
                "country": mirror(b.country) if b.country else None,
            }
        )
        for b in load_scenario(EXAMPLE).bases
    ]


def _mirror_article(article: Article, mirror: Mirror) -> Article:
    mirrored = dataclasses.replace(
        article,
        text=mirror(article.text),
        title=mirror(article.title) if article.title else None,
        url=mirror(article.url) if article.url else None,
    )
    assert len(mirrored.text) == len(article.text)  # offsets (the body's start) hold
    return mirrored


def test_the_cipher_keeps_spellings_alike_and_leaves_english() -> None:
    mirror = Mirror()
    assert mirror("Kataib Hezbollah fired rockets at Ain al-Asad") != (
        "Kataib Hezbollah fired rockets at Ain al-Asad"
    )
    assert mirror("rockets at the base").split() == ["rockets", "at", "the", "base"]
    assert mirror("U.S. troops") == _cipher("U.S.") + " troops"
    assert mirror("none of us") == "none of us"


def test_every_fixture_article_reads_alike_in_the_mirror_theater(
    mirror: Mirror, mirror_lexicons: Path
) -> None:
    paths = sorted(
        p
        for folder in ("real_style_articles", "unseen_articles")
        for p in (FIXTURES / folder).glob("*.txt")
    )
    articles, _ = read_articles(paths)
    assert len(articles) > 100
    example = load_scenario(EXAMPLE).bases
    bases = _mirror_bases(mirror)
    differ = []
    for article in articles:
        shipped = extract_articles([article], example).rows
        mirrored = extract_articles(
            [_mirror_article(article, mirror)], bases, lexicons=mirror_lexicons
        ).rows
        want = sorted(
            repr((*(getattr(r, f) for f in FIELDS), mirror(r.actor) if r.actor else None))
            for r in shipped
        )
        got = sorted(repr((*(getattr(r, f) for f in FIELDS), r.actor)) for r in mirrored)
        if got != want:
            differ.append(f"{article.file}: {want} != {got}")
    # a difference is a name of the example theater that a rule holds, or a name an
    # article spells otherwise than any lexicon (add it to SPELT_OTHERWISE)
    assert differ == []


#: words of the example theater's names that are English words a rule may hold: an
#: actor's kind ("coalition"), a unit ("rocket brigades"), a post ("guard post")
RULE_WORDS = frozenset({"coalition", "brigades", "guard"})


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module that are not docstrings: what its rules hold."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def test_no_rule_holds_a_name_of_the_example_theater() -> None:
    names = sorted(_names() - RULE_WORDS, key=lambda w: (-len(w), w))
    named = re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, names)) + r")(?![a-z])")
    package = Path(__file__).parents[1] / "src" / "defplan" / "extract"
    found = [
        f"{path.name}:{line}: {word}"
        for path in sorted(package.glob("*.py"))
        for line, text in _code_strings(path)
        for word in named.findall(text.lower())
    ]
    assert found == []  # a country, group, force, place or weapon model belongs in lexicons/
