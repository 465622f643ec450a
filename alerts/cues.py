"""Cues in a report's words: does its headline announce an incident, is it about a protest.

Pure, on plain text and sketches; ``cluster_match`` uses them to tell a second incident in
the same place (an onset, a reaction) from another report of the first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from alerts.cluster_sketch import view
from alerts.similarity import fold_text, hashes, wordset
from alerts.sketches import Query

__all__ = ["is_onset", "mentions_protest", "protest_cues"]

# Words of people protesting. A report with two of them, about an event whose text has none,
# is a reaction to the event (students besieging officials after a crash), whatever its
# category says.
_PROTEST_WORDS = ("protest", "demand", "besiege", "riot", "chant", "slogan")


_PROTEST_HASHES = frozenset(h for w in _PROTEST_WORDS for h in hashes(w))


def protest_cues(query: Query) -> int:
    """How many distinct protest words the report has."""
    return query.count(_PROTEST_HASHES)


def mentions_protest(fingerprint: Iterable[int]) -> bool:
    """True when an event's sketch has any protest word."""
    return not view(fingerprint).hashes.isdisjoint(_PROTEST_HASHES)


# Headline cues. A follow-up reports on a known incident (tolls, claims, mourning, arrests,
# reopenings, advice); an onset announces that something is happening now. Only an onset can
# be a *second* incident in the same place, so only onsets must show that they are the same.
_FOLLOW_UP = wordset(
    """toll claim claims claimed responsibility mourn mourns mourning funeral funerals bury
    buries buried burial vigil condemn condemns condemned investigation investigate investigating
    probe inquiry suspect suspects arrest arrests arrested detain detains detained charged
    manhunt seek seeks wanted reward reopen reopens reopened resume resumes resumed restore
    restored returns return normal lifted ends ended over aftermath victims survivors declare
    declares declared suspend suspends suspended postponed blame blames says alert advice
    advisory message warning revised passes after amid killed dead died wounded injured hurt
    rises rise risen reaches climbs sentenced trial drags continue continues persists"""
)
_ONSET = wordset(
    """hit hits strike strikes struck rock rocks jolt jolts storm storms kill kills explode
    explodes explosion explosions blast blasts gunfire erupt erupts crash crashes collapse
    collapses attack attacks fire fires ram rams plough ploughs stampede surge crush blackout
    outage sirens flood floods quake earthquake tremor shooting bombing tremors opens"""
)


_LETTERS = re.compile(r"[a-z]+")
_SPANS = (" day", " night", " week")  # what every ``_CONTINUING`` match ends with
_CONTINUING = re.compile(
    r"\b(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))"
    r" (?:day|night|week)\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1024)
def is_onset(title: str) -> bool:
    """True when a headline announces an incident rather than following one up.

    "Second night of unrest" or "outage drags into fourth day" continue an incident.
    """
    folded = fold_text(title)
    heard = _LETTERS.findall(folded)  # a list: ``isdisjoint`` takes any iterable
    if not _FOLLOW_UP.isdisjoint(heard) or _ONSET.isdisjoint(heard):
        return False
    if title.isascii() and not any(map(folded.__contains__, _SPANS)):
        return True  # on ASCII, a match would have one of these words (folded is lowered)
    return not _CONTINUING.search(title)  # the pattern last: it runs over the whole title
