"""Sketches compared and grown: containment of a report in an event, names, marks, merge.

A sketch is a sorted sequence of ints, each ``(hash << 2) | tier`` (``similarity`` makes them
from text). Tiers weigh what a feature says about *which* incident a text is about: NAME
(proper nouns), WORD, COMMON (words every report uses, and located place names), MARK (an
earthquake magnitude, compared exactly).

An event's sketch is compared with every report near it and grows with every report that
joins, so ``merge`` returns a ``Sketch`` (``cluster_sketch``): equal to the tuple of its ints
(what the store keeps), with its features for matching kept up to date as it grows. The
functions here take a Sketch or a plain tuple.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet

from alerts.cluster_sketch import COMMON, MARK, NAME, WORD, Sketch, grow, pack, split, view

__all__ = [
    "CAP",
    "COMMON",
    "MARK",
    "NAME",
    "WEIGHT",
    "WORD",
    "Query",
    "Sketch",
    "containment",
    "has_name",
    "marks",
    "merge",
    "merge_tiers",
    "names",
    "names_of",
    "pack",
]

WEIGHT = {COMMON: 0.2, WORD: 1.0, NAME: 2.0, MARK: 0.0}
CAP = 320  # features kept per event: enough for ~10 reports, bounded for memory
# WEIGHT in fifths, by tier: integer sums are exact whatever order the features come in.
_UNITS = (1, 5, 10, 0)
_PLAIN = _UNITS[WORD]
_NONE: frozenset[int] = frozenset()


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

    The report's hashes are grouped by weight, so that the weighted overlap with an event is
    a few set intersections in C over the report's ~30 hashes, whatever the event's size.
    """

    __slots__ = ("_groups", "_marks", "_plain", "_total")

    def __init__(
        self, report: Iterable[int] = (), tiers: Sequence[AbstractSet[int]] | None = None
    ) -> None:
        """The query for a sketch's values, or for its hashes by tier (each hash in one)."""
        if tiers is not None:  # each hash in one tier: each tier is one weight
            common, plain, names, marks = tiers
            self._set(((_UNITS[COMMON], common), (_PLAIN, plain), (_UNITS[NAME], names)), marks)
            return
        units: dict[int, int] = {}
        get = units.get
        for value in report:
            h = value >> 2
            units[h] = get(h, 0) + _UNITS[value & 3]
        groups: dict[int, set[int]] = {}
        for h, unit in units.items():
            groups.setdefault(unit, set()).add(h)
        self._set(groups.items(), groups.get(0, ()))

    def _set(self, groups: Iterable[tuple[int, Iterable[int]]], marks: Iterable[int]) -> None:
        # Each hash in one group, by its weight; those of weight 0 (marks) apart. One loop:
        # every report makes a query.
        kept: list[tuple[int, frozenset[int]]] = []
        total = 0
        plain: frozenset[int] = _NONE
        for unit, hashes in groups:
            if unit and hashes:
                hs = frozenset(hashes)
                kept.append((unit, hs))
                total += unit * len(hs)
                if unit == _PLAIN:
                    plain = hs
        self._groups = tuple(kept)
        self._marks = frozenset(marks)
        self._plain = plain
        self._total = total

    @property
    def total(self) -> float:
        """The report's whole weight."""
        return self._total / 5

    def count(self, hashes: frozenset[int]) -> int:
        """How many of these feature hashes the report has."""
        found = len(hashes.intersection(self._marks)) if self._marks else 0
        for _, hs in self._groups:
            if not hashes.isdisjoint(hs):  # mostly: no set made
                found += len(hashes.intersection(hs))
        return found

    def has(self, hashes: Iterable[int]) -> bool:
        """True when the report has every one of these feature hashes (at any tier)."""
        sets = (self._marks, *(hs for _, hs in self._groups))
        return all(any(h in hs for hs in sets) for h in hashes)

    def containment(self, event: Iterable[int]) -> float:
        """The same as ``containment(report, event)``, except that a word the event knows as
        a name weighs as a name: a name that opens a headline is still a name."""
        features = view(event)
        have = features.hashes  # ~30 lookups in C, whatever the size of the event
        hit = 0
        for unit, hs in self._groups:
            hit += unit * len(have.intersection(hs))
        if not hit:
            return 0.0
        # Only plain words: a located place (a common word here) must not meet a street
        # named after it ("Jerusalem Boulevard").
        known = features.names
        bonus = (_UNITS[NAME] - _PLAIN) * len(self._plain.intersection(known)) if known else 0
        return (hit + bonus) / (self._total + bonus)


def has_name(fingerprint: Iterable[int], hashes: Iterable[int]) -> bool:
    """True when the sketch has every one of these hashes as a name."""
    return view(fingerprint).names.issuperset(hashes)


def marks(fingerprint: Iterable[int]) -> frozenset[int]:
    """The magnitude marks of a sketch."""
    return frozenset(view(fingerprint).marks)


def names(fingerprint: Iterable[int]) -> frozenset[int]:
    """The name features of a sketch."""
    return frozenset(view(fingerprint).names)


def names_of(fingerprint: Iterable[int]) -> AbstractSet[int]:
    """``names`` without the copy, for a question asked at once (read only)."""
    return view(fingerprint).names


def merge(event: Iterable[int], report: Iterable[int], cap: int = CAP) -> Sketch:
    """The event's sketch grown by a report's, keeping names and marks first when over ``cap``
    (then words and common words; within a tier, the lowest values).

    A word seen once as a name and once as a plain word may stay under both tiers: harmless,
    and cheaper than resolving it on every report.
    """
    return grow(event, split(report), cap)


def merge_tiers(event: Iterable[int], report: Sequence[AbstractSet[int]], cap: int = CAP) -> Sketch:
    """``merge`` for a report given as its hashes by tier (COMMON, WORD, NAME, MARK), as
    ``similarity.Tiers`` holds them."""
    return grow(event, report, cap)
