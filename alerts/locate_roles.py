"""Event place or merely mentioned place: weigh each chosen mention by the words around it.

Places after "in", "at", "near" are where things happen; a country followed by "'s junta",
"said" or "-backed" is an actor; "flights diverted to Niamey" names a destination, not the
event; a demonym ("Malian troops") names an actor unless it qualifies a place ("the Malian
capital").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alerts.gazetteer import Gazetteer, km
from alerts.locate_match import Mention, code_adjective
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
    TEAM_NOUNS,
)

_LISTED = re.compile(r"^\s*(,|and|or|,\s*and)\s*$")
_POSSESSIVE = re.compile(r"^['’]s\b")


@dataclass(frozen=True, slots=True)
class Weighed:
    """A chosen mention with its weight as an event place and the reason."""

    choice: Choice
    weight: float
    role: str  # "event", "actor", "destination", "mention", "team" (a club: its town is
    # where the match is only when nothing else in the text says where)
    # Counts for its country but is no place of the event: the district around a named
    # town ("in Sunamganj district"), or a namesake far from the city it is said to be in.
    area: bool = False


def weigh(gaz: Gazetteer, text: str, choices: list[Choice]) -> list[Weighed]:
    """Weigh every chosen mention as evidence of where the event happens."""
    starts = {c.mention.span[0] for c in choices}
    out = [_weigh(gaz, text, c, starts) for c in choices]
    out = _teams(out)
    # "diverted to Ankara and Izmir": a place listed after a destination is one too.
    for i in range(1, len(out)):
        prev, cur = out[i - 1], out[i]
        gap = text[prev.choice.mention.span[1] : cur.choice.mention.span[0]]
        if prev.role == "destination" and _LISTED.match(gap) and cur.role != "actor":
            out[i] = Weighed(cur.choice, prev.weight, "destination")
    return _areas(gaz, text, out)


AREA_KM = 100.0


def _areas(gaz: Gazetteer, text: str, out: list[Weighed]) -> list[Weighed]:
    """Mark the names that only frame the event place (see ``Weighed.area``); a name
    keeps one reading per text, so every mention of it is marked."""
    towns = {w.choice.eid for w in out if gaz.kinds[w.choice.eid] in "TA"}
    marked = set()
    for i, w in enumerate(out):
        eid, m = w.choice.eid, w.choice.mention
        if gaz.kinds[eid] not in "TR":
            continue
        framing = _next_words(text, m.span[1], 1)[:1] in (["district"], ["province"])
        if framing and any(_km(gaz, eid, o) < AREA_KM for o in towns - {eid}):
            marked.add(eid)  # "near Sylhet in Sunamganj district": the frame
        nxt = out[i + 1].choice if i + 1 < len(out) else None
        if nxt is not None and _inside(gaz, text, w.choice, nxt):
            marked.add(eid)  # "Santa Marta in Rio de Janeiro": a favela
        if nxt is not None and _landmark(gaz, text, w.choice, nxt):
            marked.add(nxt.eid)  # "a shrine in Lourdes near Tarbes": a landmark
    return [Weighed(w.choice, w.weight, w.role, w.choice.eid in marked) for w in out]


def _inside(gaz: Gazetteer, text: str, a: Choice, b: Choice) -> bool:
    """ "A in B" with B a bigger town of the same country far from A's reading ("A, B" is
    more often a list of towns)."""
    gap = text[a.mention.span[1] : b.mention.span[0]].strip()
    if gap != "in" or gaz.kinds[b.eid] != "T" or gaz.cc[a.eid] != gaz.cc[b.eid]:
        return False
    return gaz.pop[a.eid] < gaz.pop[b.eid] and _km(gaz, a.eid, b.eid) > AREA_KM


def _landmark(gaz: Gazetteer, text: str, a: Choice, b: Choice) -> bool:
    """ "A near B" with B a bigger town close by: B only tells the reader where A is."""
    if text[a.mention.span[1] : b.mention.span[0]].strip() != "near":
        return False
    towns = gaz.kinds[a.eid] == "T" and gaz.kinds[b.eid] == "T"
    return towns and gaz.pop[a.eid] < gaz.pop[b.eid] and _km(gaz, a.eid, b.eid) < AREA_KM / 2


def _km(gaz: Gazetteer, a: int, b: int) -> float:
    return km(gaz.lat[a], gaz.lon[a], gaz.lat[b], gaz.lon[b])


def _teams(out: list[Weighed]) -> list[Weighed]:
    """A name that plays as a team once ("beat Wigan") is the team in its other mentions
    too, unless a preposition places something there ("in Wigan")."""
    teams = {w.choice.mention.text.casefold() for w in out if w.role == "team"}
    return [
        Weighed(w.choice, 0.2, "team")
        if w.role == "mention" and w.choice.mention.text.casefold() in teams
        else w
        for w in out
    ]


def _next_words(text: str, end: int, n: int) -> list[str]:
    # A bounded slice: splitting the whole rest of a long article for each name is slow.
    words = text[end : end + 30 * n].split()[:n]
    return [w.strip(".,;:!?\"'()").lower() for w in words]


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
    if _plays(text, m, before, after):
        return Weighed(c, 0.2, "team")
    if before in LOCATIVE:
        return Weighed(c, 1.3 * title, "event")
    if is_country and _actor(text, m.span[1], tail, after, starts):
        return Weighed(c, 0.2, "actor")
    if gaz.is_capital(c.eid) and ((after[:1] and after[0] in REACT_VERBS) or before in BLAME):
        return Weighed(c, 0.2, "actor")  # "accusing Moscow", "Beijing said": the government
    if is_country and code_adjective(m):
        return Weighed(c, 0.2, "actor")  # "US company", "UK troops": an adjective of origin
    return Weighed(c, (0.8 if is_country else 1.0) * title, "mention")


_SCORE = re.compile(r"^\s*\d{1,3}\s?[-–]\s?\d{1,3}\b")


def _plays(text: str, m: Mention, before: str, after: list[str]) -> bool:
    """A town named as a side in a match: "beat Wigan", "a win over Reading", "Porto
    3-1", "the Ipswich striker", "the Ipswich and Ghana forward"."""
    if before in OPPONENT_BEFORE - {"against"} or _win_over(text, m.span[0], before):
        return True
    if _SCORE.match(text[m.span[1] : m.span[1] + 12]):
        return True
    listed = after[:1] == ["and"] and len(after) > 2 and after[2] in TEAM_NOUNS
    return bool(after) and (after[0] in TEAM_NOUNS or listed)


_RESULTS = frozenset({"win", "victory", "rout", "defeat", "loss", "draw", "triumph", "thrashing"})


def _win_over(text: str, start: int, before: str) -> bool:
    """ "a 3-0 win over Reading", "a rout of Reading": the other side of a result."""
    words = text[max(0, start - 30) : start].lower().split()
    if before not in ("over", "of", "to", "with", "against") or len(words) < 2:
        return False
    return words[-2].strip(".,") in _RESULTS


def _moving(text: str, start: int) -> bool:
    words = [w.strip(".,;:").lower() for w in text[max(0, start - 40) : start].split()[-4:-1]]
    return any(w in MOVERS for w in words)


def _actor(text: str, end: int, tail: str, after: list[str], starts: set[int]) -> bool:
    """True when the country is the doer: "Niger's junta", "Rwanda-backed", "France said"."""
    if tail.startswith("-") and text[end + 1 : end + 7].lower().startswith(("backed", "led")):
        return True
    if _POSSESSIVE.match(tail):
        # "Niger's junta", "Yemen's Houthis": a country's people or forces acting elsewhere.
        raw = text[end + 2 : end + 40].split()[:1]
        named = bool(raw) and raw[0][:1].isupper() and raw[0].strip(".,;:").isalpha()
        named = named and end + 3 not in starts  # "Singapore's Changi Airport" is a place
        return bool(after) and (after[0] in ACTOR_NOUNS or named)
    return bool(after) and (after[0] in REACT_VERBS or after[0] in ACTOR_NOUNS)
