""" "Did you mean …?" for every unknown id, column, setting or choice a planner types.

One rule everywhere: case, spaces and hyphens do not count (``'CRAM'`` → ``'cram'``,
``'Ballistic missile'`` → ``'ballistic_missile'``), a plural finds its singular and
back (``'rockets'`` → ``'rocket'``), and otherwise the closest spelling wins when it
is close enough (``'al_asd'`` → ``'al_asad'``).

>>> did_you_mean("Patriot", ["cram", "patriot"])
'patriot'
>>> did_you_mean("rockets", ["rocket", "mortar"])
'rocket'
>>> did_you_mean("radius", ["radius_km", "intensity"], synonyms={"radius": "radius_km"})
'radius_km'
>>> did_you_mean("tank", ["cram", "patriot"]) is None
True
>>> expected_one_of("patriott", ["cram", "patriot"])
'expected one of cram, patriot; did you mean patriot?'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

#: how close a spelling must be (difflib ratio) to be offered
CUTOFF = 0.7


def _plain(text: str) -> str:
    """``' Ballistic-Missile '`` → ``'ballistic_missile'``: what the comparison sees."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())


def _number_forms(text: str) -> set[str]:
    """The word and its plausible singular or plural forms."""
    forms = {text}
    if text.endswith("ies") and len(text) > 3:
        forms.add(text[:-3] + "y")
    if text.endswith("es") and len(text) > 2:
        forms.add(text[:-2])
    if text.endswith("s") and len(text) > 1:
        forms.add(text[:-1])
    forms.update({text + "s", text + "es"})
    if text.endswith("y"):
        forms.add(text[:-1] + "ies")
    return forms


def did_you_mean(
    word: object,
    choices: Iterable[str],
    *,
    synonyms: Mapping[str, str] | None = None,
) -> str | None:
    """The choice ``word`` most likely meant, spelt as the choice is, or ``None``.

    ``synonyms`` maps other names people use (``'radius'``) to a choice
    (``'radius_km'``); a synonym whose target is not among the choices is ignored.
    A word that already is one of the choices gets ``None``: it is not a typo.
    """
    options = list(dict.fromkeys(str(c) for c in choices))
    if not options or word is None:
        return None
    text = str(word)
    if text in options:
        return None
    by_plain: dict[str, str] = {}
    for choice in options:
        by_plain.setdefault(_plain(choice), choice)
    for alias, target in (synonyms or {}).items():
        if target in options:
            by_plain.setdefault(_plain(alias), target)
    plain = _plain(text)
    if not plain:
        return None
    for form in (plain, *sorted(_number_forms(plain))):
        if form in by_plain:
            return by_plain[form]
    found = difflib.get_close_matches(plain, list(by_plain), n=1, cutoff=CUTOFF)
    return by_plain[found[0]] if found else None


def hint(word: object, choices: Iterable[str], *, synonyms: Mapping[str, str] | None = None) -> str:
    """``"; did you mean 'patriot'?"`` for a message's tail, or ``""`` when nothing is close."""
    found = did_you_mean(word, choices, synonyms=synonyms)
    return f"; did you mean {found!r}?" if found else ""


def expected_one_of(word: object, choices: Iterable[str], *, none: str = "there are none") -> str:
    """``"expected one of cram, patriot; did you mean patriot?"`` (no Python list syntax).

    ``none`` says why there is nothing to choose from, when ``choices`` is empty.
    """
    options = list(dict.fromkeys(str(c) for c in choices))
    if not options:
        return f"expected one of: nothing ({none})"
    found = did_you_mean(word, options)
    tail = f"; did you mean {found}?" if found else ""
    return f"expected one of {', '.join(options)}{tail}"
