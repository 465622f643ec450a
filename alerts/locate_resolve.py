"""Pick one entry per mention by context: population, kind, the other places in the text,
the "City, Region" pattern and the feed's region as a weak prior.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from alerts.gazetteer import ALT, COMMON, DEMONYM, Gazetteer
from alerts.locate_match import Mention, code_adjective
from alerts.locate_words import LOCATIVE

COUNTRY_BONUS = 1.0  # a country beats a same-named region or town of similar size
ALT_PENALTY = 3.0  # alternate names hold nicknames and old names: never win on size alone
SMALL_PENALTY = 2.5  # villages need their country named elsewhere in the text
SAME_COUNTRY = 3.0  # the country is named in the text
VOTE = 1.5  # per other mention that can lie in the same country
PAIR = 5.0  # "Paris, Texas": the next mention is the region or country containing this one
REGION_PRIOR = 1.0
REGION_PENALTY = 1.5
ALT_MIN_POP = 500_000
FOREIGN_MIN_POP = 200_000


@dataclass(frozen=True, slots=True)
class Choice:
    """The entry chosen for a mention, its score and the runner-up, for --explain."""

    mention: Mention
    eid: int
    score: float
    why: str
    rival: tuple[int, float] | None


def resolve(gaz: Gazetteer, mentions: list[Mention], region: frozenset[str]) -> list[Choice]:
    """Choose an entry for every mention; mentions with no plausible entry are left out."""
    # Codes used as adjectives ("U.S. citizens") name who acts: no support, no votes.
    places = [m for m in mentions if not m.demonym and not code_adjective(m)]
    named = {gaz.cc[e] for m in places for e, f in m.rows if gaz.kinds[e] == "C"}
    named |= {gaz.cc[e] for m in mentions if m.demonym for e, _ in m.rows}  # "Greek island"
    votes = _votes(gaz, places)
    out = []
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        paired = _pair_areas(gaz, m, nxt)
        scored = [
            s
            for e, f in m.rows
            if (s := _score(gaz, m, e, f, named, votes, paired, region)) is not None
        ]
        if not scored:
            continue
        scored.sort(key=lambda s: -s[1])
        eid, score, why = scored[0]
        rival = (scored[1][0], scored[1][1]) if len(scored) > 1 else None
        out.append(Choice(m, eid, score, why, rival))
    return _one_sense(gaz, out)


def _one_sense(gaz: Gazetteer, choices: list[Choice]) -> list[Choice]:
    """A name means one place per text: every mention of it takes its best-supported reading."""
    best: dict[str, Choice] = {}
    for c in choices:
        key = c.mention.text.casefold()
        if key not in best or c.score > best[key].score:
            best[key] = c
    for key in list(best):
        if gaz.kinds[best[key].eid] == "C":
            # "Korea" after "Republic of Korea": the state's short name. Other
            # words ("South Sudan", "Equatorial Guinea") make a different country.
            longer = [k for k in best if k != key and _state_form(k, key)]
        else:
            # "Compostela" after "Santiago de Compostela": a short form of a town already
            # named (not a town inside a longer airport name).
            towns = [k for k in best if gaz.kinds[best[k].eid] in "TR"]
            longer = [k for k in towns if k != key and f" {key} " in f" {k} "]
        if longer:
            best[key] = best[max(longer, key=len)]
    return [
        Choice(c.mention, best[k].eid, best[k].score, best[k].why, best[k].rival)
        for c in choices
        for k in [c.mention.text.casefold()]
    ]


_STATE_WORDS = frozenset(
    {"democratic", "republic", "of", "the", "dr", "people's", "peoples", "federal"}
    | {"islamic", "kingdom", "state", "united"}
)


def _state_form(long: str, short: str) -> bool:
    """True when ``long`` is ``short`` with words of a state's formal name around it."""
    if f" {short} " not in f" {long} ":
        return False
    rest = f" {long} ".replace(f" {short} ", " ").split()
    return bool(rest) and all(w.strip(".") in _STATE_WORDS for w in rest)


def _votes(gaz: Gazetteer, mentions: list[Mention]) -> dict[str, float]:
    """How many distinct names could lie in each country (each name votes once per country)."""
    votes: dict[str, float] = defaultdict(float)
    for m in {m.text.casefold(): m for m in mentions}.values():
        for cc in {gaz.cc[e] for e, f in m.rows if not f & ALT and not gaz.is_small(e)}:
            votes[cc] += 1.0
    return votes


def _pair_areas(gaz: Gazetteer, m: Mention, nxt: Mention | None) -> set[str]:
    """Areas (country codes and admin1 codes) named right after ``m``: "Alexandria, Virginia"."""
    if nxt is None or nxt.span[0] - m.span[1] > 3:
        return set()
    areas = set()
    for e, _ in nxt.rows:
        if gaz.kinds[e] == "C":
            areas.add(gaz.cc[e])
        elif gaz.kinds[e] == "R":
            areas.add(gaz.admin1[e])
    return areas


def _score(
    gaz: Gazetteer,
    m: Mention,
    eid: int,
    flags: int,
    named: set[str],
    votes: dict[str, float],
    paired: set[str],
    region: frozenset[str],
) -> tuple[int, float, str] | None:
    cc, kind = gaz.cc[eid], gaz.kinds[eid]
    if flags & DEMONYM and not m.demonym:
        return None
    score = math.log10(gaz.pop[eid] + 10)
    why: list[str] = []
    # Support: the country is named, the name is paired ("Hull, England"), or two other
    # places in the text lie in that country.
    supported = cc in named or cc in paired or gaz.admin1[eid] in paired
    supported = supported or votes.get(cc, 0.0) - (0.0 if flags & ALT else 1.0) >= 2
    if kind == "C":
        score += COUNTRY_BONUS
    elif kind == "R" and any(gaz.kinds[e] == "T" and gaz.cc[e] == cc for e, _ in m.rows[:8]):
        score -= REGION_PENALTY  # "Tehran": the city, not the province of the same name
    if flags & ALT and flags & COMMON and gaz.pop[eid] < ALT_MIN_POP:
        return None  # "Tour" for Tours: an alternate name that is an everyday word
    if flags & ALT:
        # Old names and nicknames ("Manchester" for Richmond) need support or a big city.
        if not supported and gaz.pop[eid] < ALT_MIN_POP and kind in "TR":
            return None
        score -= ALT_PENALTY
        why.append("alternate name")
    if gaz.is_small(eid) and kind != "A":
        if not supported:  # a village needs its country named in the text
            return None
        score -= SMALL_PENALTY
    if flags & COMMON and m.sentence_start and cc not in named and m.before.lower() not in LOCATIVE:
        return None
    # A country's own name means the country: "Jamaica" is not Jamaica, Queens because the
    # text also says "U.S.". Only "Jamaica, New York" (a pair) or other towns can overturn it.
    if cc in named and kind != "C" and not any(gaz.kinds[e] == "C" for e, _ in m.rows):
        score += SAME_COUNTRY
        why.append(f"{cc} named in text")
    elif named and kind in "TR" and gaz.pop[eid] < FOREIGN_MIN_POP and cc not in paired:
        return None  # the text names its countries; a small namesake elsewhere is not meant
    other = votes.get(cc, 0.0) - 1.0
    if other > 0:
        score += VOTE * min(other, 3.0)
        why.append("other places in the same country")
    if cc in paired or gaz.admin1[eid] in paired:
        score += PAIR
        why.append("followed by its region/country")
    if cc in region:
        score += REGION_PRIOR
        why.append("feed region")
    return eid, score, ", ".join(why) or "population"
