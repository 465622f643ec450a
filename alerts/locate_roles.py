"""Event place or merely mentioned place: weigh each chosen mention by the words around it.

Places after "in", "at", "near" are where things happen; a country followed by "'s junta",
"said" or "-backed" is an actor; "flights diverted to Niamey" names a destination, not the
event; a demonym ("Malian troops") names an actor unless it qualifies a place ("the Malian
capital").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alerts.gazetteer import Gazetteer
from alerts.locate_match import code_adjective
from alerts.locate_resolve import Choice
from alerts.locate_words import (
    ACTOR_NOUNS,
    BLAME,
    LOCATIVE,
    MOVEMENT,
    MOVERS,
    OPPONENT_BEFORE,
    PLACE_NOUNS,
    REACT_VERBS,
)

_LISTED = re.compile(r"^\s*(,|and|or|,\s*and)\s*$")
_POSSESSIVE = re.compile(r"^['’]s\b")


@dataclass(frozen=True, slots=True)
class Weighed:
    """A chosen mention with its weight as an event place and the reason."""

    choice: Choice
    weight: float
    role: str  # "event", "actor", "destination", "mention"


def weigh(gaz: Gazetteer, text: str, choices: list[Choice]) -> list[Weighed]:
    """Weigh every chosen mention as evidence of where the event happens."""
    starts = {c.mention.span[0] for c in choices}
    out = [_weigh(gaz, text, c, starts) for c in choices]
    # "diverted to Ankara and Izmir": a place listed after a destination is one too.
    for i in range(1, len(out)):
        prev, cur = out[i - 1], out[i]
        gap = text[prev.choice.mention.span[1] : cur.choice.mention.span[0]]
        if prev.role == "destination" and _LISTED.match(gap) and cur.role != "actor":
            out[i] = Weighed(cur.choice, prev.weight, "destination")
    return out


def _next_words(text: str, end: int, n: int) -> list[str]:
    return [w.strip(".,;:!?\"'()").lower() for w in text[end:].split()[:n]]


def _weigh(gaz: Gazetteer, text: str, c: Choice, starts: set[int]) -> Weighed:
    m = c.mention
    before = m.before.strip("\"'(").lower()
    title = 1.5 if m.in_title else 1.0
    tail = text[m.span[1] : m.span[1] + 3]
    after = _next_words(text, m.span[1] + (2 if _POSSESSIVE.match(tail) else 0), 3)
    is_country = gaz.kinds[c.eid] == "C"
    if (m.demonym or _POSSESSIVE.match(tail)) and after[:1] == ["capital"]:
        capital = gaz.capitals.get(gaz.cc[c.eid])  # "the Malian capital", "Chad's capital"
        if capital is not None:
            return Weighed(Choice(m, capital, c.score, "the capital", None), 1.3 * title, "event")
    if m.demonym:
        if after and after[0] in PLACE_NOUNS:
            return Weighed(c, 1.0 * title, "event")
        return Weighed(c, 0.25, "actor")
    if before in MOVEMENT and _moving(text, m.span[0]):
        return Weighed(c, 0.3, "destination")
    if is_country and (before in OPPONENT_BEFORE or _win_over(text, m.span[0], before)):
        return Weighed(c, 0.2, "actor")
    if before in LOCATIVE:
        return Weighed(c, 1.3 * title, "event")
    if is_country and _actor(text, m.span[1], tail, after, starts):
        return Weighed(c, 0.2, "actor")
    if gaz.is_capital(c.eid) and ((after[:1] and after[0] in REACT_VERBS) or before in BLAME):
        return Weighed(c, 0.2, "actor")  # "accusing Moscow", "Beijing said": the government
    if is_country and code_adjective(m):
        return Weighed(c, 0.2, "actor")  # "US company", "UK troops": an adjective of origin
    return Weighed(c, (0.8 if is_country else 1.0) * title, "mention")


def _win_over(text: str, start: int, before: str) -> bool:
    words = text[max(0, start - 30) : start].lower().split()
    return before == "over" and len(words) >= 2 and words[-2].strip(".,") in ("win", "victory")


def _moving(text: str, start: int) -> bool:
    words = [w.strip(".,;:").lower() for w in text[max(0, start - 40) : start].split()[-4:-1]]
    return any(w in MOVERS for w in words)


def _actor(text: str, end: int, tail: str, after: list[str], starts: set[int]) -> bool:
    """True when the country is the doer: "Niger's junta", "Rwanda-backed", "France said"."""
    if tail.startswith("-") and text[end + 1 : end + 7].lower().startswith(("backed", "led")):
        return True
    if _POSSESSIVE.match(tail):
        # "Niger's junta", "Yemen's Houthis": a country's people or forces acting elsewhere.
        raw = text[end + 2 :].split()[:1]
        named = bool(raw) and raw[0][:1].isupper() and raw[0].strip(".,;:").isalpha()
        named = named and end + 3 not in starts  # "Singapore's Changi Airport" is a place
        return bool(after) and (after[0] in ACTOR_NOUNS or named)
    return bool(after) and (after[0] in REACT_VERBS or after[0] in ACTOR_NOUNS)
