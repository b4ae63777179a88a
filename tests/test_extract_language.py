"""An article not in English is said to be so, not reported as telling of no attack."""

from __future__ import annotations

import datetime as dt

import pytest

from defplan.extract import extract_text
from defplan.extract.language import function_shares, not_english
from defplan.scenario import BaseRow

BASES = [BaseRow(base_id="taji", name="Camp Taji", lat=33.5, lon=44.3, troops=0)]
DAY = dt.date(2024, 5, 9)
# own words, in the languages of the excerpts read (Portuguese, Italian, German, Arabic)
OTHER = [
    "Dois foguetes atingiram a base militar de Taji na segunda-feira, segundo fontes locais. "
    "Nenhum soldado ficou ferido, disse um porta-voz da coligação aos jornalistas.",
    "Due razzi hanno colpito la base militare di Taji lunedì sera, secondo fonti locali. "
    "Nessun soldato è rimasto ferito, ha detto un portavoce della coalizione.",
    "Zwei Raketen trafen am Montag den Militärstützpunkt Taji, wie örtliche Quellen "
    "berichteten. Kein Soldat wurde verletzt, sagte ein Sprecher der Koalition.",
    "سقط صاروخان على قاعدة التاجي العسكرية مساء الاثنين بحسب مصادر محلية ولم يصب أي جندي "
    "بأذى كما قال متحدث باسم التحالف للصحفيين في بيان قصير صدر لاحقا",
]


@pytest.mark.parametrize("text", OTHER)
def test_an_article_in_another_language_is_said_not_to_read_as_english(text: str) -> None:
    assert not_english(text)
    found = extract_text(text, BASES, published=DAY)
    messages = [n.message for n in found.notes]
    assert any("does not read as English" in m for m in messages), messages
    assert not any("tells of no attack" in m for m in messages)
    (warning,) = [n for n in found.notes if "English" in n.message]
    assert warning.severity == "warning"


def test_english_copy_terse_or_not_reads_as_english() -> None:
    terse = (
        "Rockets hit Camp Taji Monday. No injuries. Militia claims attack. Base hosts "
        "coalition trainers. Second attack this week. Investigation under way, officials say."
    )
    plain = "Two rockets hit Camp Taji on Monday, and no one was hurt, officials said. " * 2
    for text in (terse, plain):
        found = extract_text(text, BASES, published=DAY)
        assert not any("English" in n.message for n in found.notes), found.notes
    assert function_shares(plain)[0] > 0.2


def test_a_few_words_are_too_few_to_tell() -> None:
    assert not not_english("Ataque a la base de Taji")
