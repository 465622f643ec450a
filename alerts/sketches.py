"""Sketches compared and grown: containment of a report in an event, names, marks, merge.

A sketch is a sorted tuple of ints, each ``(hash << 2) | tier`` (``similarity`` makes them
from text). Tiers weigh what a feature says about *which* incident a text is about: NAME
(proper nouns), WORD, COMMON (words every report uses, and located place names), MARK (an
earthquake magnitude, compared exactly).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

__all__ = [
    "CAP",
    "COMMON",
    "MARK",
    "NAME",
    "WEIGHT",
    "WORD",
    "Query",
    "containment",
    "has_name",
    "marks",
    "merge",
    "names",
    "tiers",
]

COMMON, WORD, NAME, MARK = 0, 1, 2, 3
WEIGHT = {COMMON: 0.2, WORD: 1.0, NAME: 2.0, MARK: 0.0}
CAP = 320  # features kept per event: enough for ~10 reports, bounded for memory


def tiers(fingerprint: Iterable[int]) -> dict[int, int]:
    """Hash -> tier for a stored sketch."""
    return {value >> 2: value & 3 for value in fingerprint}


def containment(report: Iterable[int], event: Iterable[int]) -> float:
    """Weighted share of the report's features that the event has (0..1)."""
    have = {value >> 2 for value in event}
    total = hit = 0.0
    for value in report:
        weight = WEIGHT[value & 3]
        total += weight
        if value >> 2 in have:
            hit += weight
    return hit / total if total else 0.0


class Query:
    """A report's sketch prepared for ``containment`` against many events.

    The event's sketch is intersected in C with every tier of the report's hashes, so an
    event of 320 features costs a few microseconds, not a Python loop over it.
    """

    __slots__ = ("_variants", "_weights", "total")

    def __init__(self, report: Iterable[int]) -> None:
        weights: dict[int, float] = {}
        for value in report:
            weights[value >> 2] = weights.get(value >> 2, 0.0) + WEIGHT[value & 3]
        self._weights = weights
        base = [h << 2 for h in weights]
        self._variants = frozenset(base).union(
            [b | 1 for b in base], [b | 2 for b in base], [b | 3 for b in base]
        )
        self.total = sum(weights.values())

    def count(self, hashes: frozenset[int]) -> int:
        """How many of these feature hashes the report has."""
        return len(hashes.intersection(self._weights))

    def has(self, hashes: Iterable[int]) -> bool:
        """True when the report has every one of these feature hashes (at any tier)."""
        return all(h in self._weights for h in hashes)

    def containment(self, event: Iterable[int]) -> float:
        """The same as ``containment(report, event)``, except that a word the event knows as
        a name weighs as a name: a name that opens a headline is still a name."""
        common = self._variants.intersection(event)
        if not common or not self.total:
            return 0.0
        weights = self._weights
        hashes = {v >> 2 for v in common}
        hit = sum(weights[h] for h in hashes)
        names = {v >> 2 for v in common if v & 3 == NAME}
        # Only plain words: a located place (a common word here) must not meet a street
        # named after it ("Jerusalem Boulevard").
        bonus = sum(WEIGHT[NAME] - WEIGHT[WORD] for h in names if weights[h] == WEIGHT[WORD])
        return (hit + bonus) / (self.total + bonus)


def has_name(fingerprint: Sequence[int], hashes: Iterable[int]) -> bool:
    """True when the sorted sketch has every one of these hashes as a name."""
    for h in hashes:
        value = (h << 2) | NAME
        i = bisect.bisect_left(fingerprint, value)
        if i == len(fingerprint) or fingerprint[i] != value:
            return False
    return True


def marks(fingerprint: Iterable[int]) -> frozenset[int]:
    """The magnitude marks of a sketch."""
    return frozenset(value >> 2 for value in fingerprint if value & 3 == MARK)


def names(fingerprint: Iterable[int]) -> frozenset[int]:
    """The name features of a sketch."""
    return frozenset(value >> 2 for value in fingerprint if value & 3 == NAME)


def merge(event: tuple[int, ...], report: tuple[int, ...], cap: int = CAP) -> tuple[int, ...]:
    """The event's sketch grown by a report's, keeping names and marks first when over ``cap``.

    A word seen once as a name and once as a plain word may stay under both tiers: harmless,
    and cheaper than resolving it on every report.
    """
    values = set(event)
    values.update(report)
    if len(values) <= cap:
        return tuple(sorted(values))
    kept: list[int] = []
    for tier in (MARK, NAME, WORD, COMMON):  # tier by tier: no key function per value
        room = cap - len(kept)
        if room <= 0:
            break
        kept += sorted([v for v in values if v & 3 == tier])[:room]
    return tuple(sorted(kept))
