"""Stated zeros: the words by which an article says an attack killed or hurt nobody.

News copy says "none" in many ways: a negated noun ("no casualties", "no immediate
reports of injuries or damage", "without causing any human or material damage",
"neither casualties nor damage"), a negated verb ("did not kill or injure anyone",
"without hurting anyone") or a subject that is nobody ("no one was killed or injured",
"no U.S. or coalition personnel were harmed", "none of them was hurt"). The harm words
are data (``lexicons/harm.csv``: each with the count its zero is, killed, wounded or
both); the grammar around them is here. What is not a zero: "no word on casualties",
"it was not clear whether there were casualties", "casualties were not reported"
(nothing said either way), "no damage" (nothing said of people).
"""

from __future__ import annotations

import re
from typing import Final

from defplan.extract.lexicon import PERSON_MODIFIER, PERSON_NOUN
from defplan.extract.lexicon_set import LexicalPattern, slot

_NOUN = slot("harm.noun")
_VERB = slot("harm.verb")
_AND = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|nor)\s+)"
# a word between "no" and the harm it denies ("no immediate U.S. casualties"), never one
# that makes it no statement ("no word on casualties"), some of many ("no more") or a
# hedge ("did not cause significant losses", "no serious injuries": some, not none)
_MOD = (
    r"(?:(?!(?:word|information|details?|news|indication|data|sign|clue|mention|comment"
    r"|confirmation|more|further|additional|new|other|serious|significant|major|heavy"
    r"|substantial|severe|grave|critical|life-threatening|many|much|large|big|great"
    r"|considerable|extensive|notable|among|of|than|but|the|in|on|at|to"
    r"|for|from|about|were|was|is|are|and|or)\b)[\w.'\u2019-]+\s+)"
)
# a modifier in a list of them: "no U.S., coalition or partner casualties"
_LISTED_MOD = _MOD.replace(r"[\w.'\u2019-]+\s+)", r"[\w.'\u2019-]+,?\s+)")
# a harm noun that qualifies a report ("no casualty figures were released"): no zero
_REPORT = (
    r"(?!\s+(?:figures?|counts?|tolls?|numbers?|reports?|details|information|data|estimates?)\b)"
)
_NOUN_LIST = rf"{_NOUN}(?:{_AND}(?:any\s+)?{_MOD}{{0,2}}?{_NOUN})*\b{_REPORT}"
_VERB_LIST = rf"{_VERB}(?:{_AND}{_VERB})*\b"
_NOT = r"(?:did|does|do|has|have|had|was|were|would)\s*(?:not|n't)|never|not"
NEGATED_NOUN: Final = LexicalPattern(
    r"\b(?:no|zero|neither"
    r"|without\s+(?:(?:causing|resulting\s+in|inflicting|leaving|leading\s+to|reports?\s+of)\s+)?"
    rf"|{_NOT}\s+(?:\w+ly\s+)?(?:cause|result\s+in|inflict|lead\s+to|leave|produce)\s+"
    # "none of which caused casualties", "neither of them resulted in injuries"
    r"|(?:none|neither)(?:\s+of\s+(?:which|them|these|those|the\s+(?:[\w-]+\s+)?[\w-]+))?"
    r"\s+(?:has\s+|have\s+|had\s+)?(?:caused|resulted\s+in|inflicted|led\s+to|left|produced)\s+"
    r"|in\s+(?:neither|none)\s+(?:case|instance|attack|incident)\s+(?:were|was)\s+there\s+"
    # "troops were moved out beforehand, avoiding any deaths"
    # (not a purpose: "to avoid casualties", "aimed at averting losses")
    r"|(?<!\bat\s)(?:avoid(?:ing|ed)|avert(?:ing|ed))\s+)"
    r"\s*(?:any\s+)?(?:(?:immediate|initial|early)\s+)?(?:reports?\s+of\s+(?:any\s+)?)?"
    # (modifiers may be coordinated: "no coalition or partner force casualties")
    rf"(?:{_LISTED_MOD}(?:(?:or|and)\s+)?){{0,4}}?(?P<list>{_NOUN_LIST})",
    re.IGNORECASE,
)
NEGATED_VERB: Final = LexicalPattern(
    rf"\b(?:{_NOT}|without)\s+(?:\w+ly\s+)?(?P<list>{_VERB_LIST})\s+"
    r"(?:anyone|anybody|any\b|a\s+single\b)"
    rf"|\b(?P<object>{_VERB_LIST})\s+(?:no\s*one|nobody|none)\b",
    re.IGNORECASE,
)
_NOBODY = (
    r"(?:no\s*one|nobody|none(?:\s+of\s+(?:[\w.'\u2019-]+\s+){0,4}?(?:them|those|us|[\w.'\u2019-]+))?"
    rf"|no\s+(?:(?:{PERSON_MODIFIER}|or|and)\s+){{0,5}}(?:{PERSON_NOUN}|forces|lives|life)"
    # "no members of the Jordanian military were injured"
    r"(?:\s+of\s+(?:the\s+)?(?:[\w.'\u2019-]+\s+){0,3}?[\w.'\u2019-]+(?=\s+(?:was|were|had|has|have)\b))?)"
)
NOBODY_HURT: Final = LexicalPattern(
    rf"\b{_NOBODY}\s+(?:was|were|had\s+been|has\s+been|have\s+been|is|are|got|got\s+been)"
    r"(?:\s+(?:reported(?:ly)?|immediately|seriously|believed\s+to\s+have\s+been"
    rf"|said\s+to\s+have\s+been|known\s+to\s+have\s+been|also|either))*\s+(?P<list>{_VERB_LIST})",
    re.IGNORECASE,
)
_ROLES: Final = {
    part: {
        role: LexicalPattern(rf"\b{slot(f'harm.{part}.{role}')}\b", re.I)
        for role in ("both", "killed", "wounded")
    }
    for part in ("noun", "verb")
}


def stated_zeros(text: str) -> tuple[bool, bool, list[tuple[int, int]]]:
    """Whether ``text`` says nobody was killed, nobody was wounded, and the spans that
    say so (so that a count told beside them is read without them).

    >>> stated_zeros("The attack caused neither casualties nor damage")[:2]
    (True, True)
    >>> stated_zeros("no injuries or damage were reported")[:2]
    (False, True)
    >>> stated_zeros("the troops had left, avoiding any deaths")[:2]
    (True, False)
    >>> stated_zeros("there was no word on casualties")[:2]
    (False, False)
    """
    killed = wounded = False
    spans: list[tuple[int, int]] = []
    for pattern, part in ((NEGATED_NOUN, "noun"), (NEGATED_VERB, "verb"), (NOBODY_HURT, "verb")):
        for match in pattern.finditer(text):
            words = next(w for w in match.groupdict().values() if w is not None)
            roles = {r for r, p in _ROLES[part].items() if p.search(words)}
            if not roles:
                continue  # "no damage": nothing said of people
            killed = killed or bool(roles & {"both", "killed"})
            wounded = wounded or bool(roles & {"both", "wounded"})
            spans.append(match.span())
    return killed, wounded, spans
