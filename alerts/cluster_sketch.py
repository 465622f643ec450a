"""An event's text sketch that grows by a report in the time of the report, not the event.

    Sketch(values)                      a sorted sequence of ``hash << 2 | tier`` ints
    grow(sketch, by_tier, cap) -> Sketch the next version with a report's hashes by tier,
                                        bounded to ``cap`` features
    view(sketch) -> Features            its hashes (with their tiers), names and marks
    split(values) / pack(by_tier)       ``hash << 2 | tier`` values <-> hashes by tier

Pure to its callers: a Sketch is an immutable value, equal to the tuple of its ints (what
the store keeps). Inside, the newest version of an event's sketch owns a ``Features``
record that ``grow`` updates in place (a report adds ~30 features; copying an event's 320
into new sets for every report, and hashing them, cost more than everything else). Each
version keeps what it added and dropped, and a link to the version grown from it: an older
version can still be read (the newest values with the later deltas undone, worked out if
it is read, which the service never does), while nothing keeps old versions alive.
"""

from __future__ import annotations

import itertools
from bisect import insort
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from itertools import compress, repeat
from operator import and_, lshift, or_, rshift
from typing import Any, overload

__all__ = [
    "COMMON",
    "MARK",
    "NAME",
    "WORD",
    "Delta",
    "Features",
    "Sketch",
    "delta",
    "grow",
    "pack",
    "sketch_of",
    "split",
    "view",
]

COMMON, WORD, NAME, MARK = 0, 1, 2, 3
_DROP_ORDER = (COMMON, WORD, NAME, MARK)  # over the cap, the highest values of these go
_RESERVE = 48  # highest values of a trimmed tier kept in order (``Features._drop``)
_SERIALS = itertools.count()  # tells which version another was grown from
_TWO, _THREE = repeat(2), repeat(3)


Delta = tuple[frozenset[int], ...]
"""Hashes by tier (COMMON, WORD, NAME, MARK): what one version added to or dropped from the
one it grew from, or a report's or sketch's values split by tier."""

_NONE: frozenset[int] = frozenset()
_NO_DELTA: Delta = (_NONE, _NONE, _NONE, _NONE)


def split(values: Iterable[int]) -> Delta:
    """``hash << 2 | tier`` values as their hashes by tier."""
    ordered = list(set(values))
    tiers = list(map(and_, ordered, _THREE))
    # In C: one pass per tier rather than Python work per value.
    return tuple(
        frozenset(map(rshift, compress(ordered, map(tier.__eq__, tiers)), _TWO))
        for tier in range(4)
    )


def pack(by_tier: Sequence[AbstractSet[int]]) -> tuple[int, ...]:
    """Hashes by tier as the sorted tuple of their ``hash << 2 | tier`` values."""
    out: list[int] = []
    for tier, hashes in enumerate(by_tier):
        if hashes:
            out += map(or_, map(lshift, hashes, _TWO), repeat(tier))
    out.sort()
    return tuple(out)


def highest(values: AbstractSet[int], k: int) -> list[int]:
    """The ``k`` highest of ``values`` (hashes, which are >= 0), in order; all if fewer.

    Fills a tier's reserve (``Features._drop``): a pass that keeps the highest so far costs
    a compare per value (on machine ints, compiled), where sorting the tier compared Python
    ints ~n log n times.
    """
    if k <= 0:
        return []
    if k >= len(values):
        return sorted(values)
    top: list[int] = []
    floor = -1  # the lowest of ``top`` once it holds k values
    for v in values:
        if len(top) < k:
            insort(top, v)
            if len(top) == k:
                floor = top[0]
        elif v > floor:
            insort(top, v)
            del top[0]
            floor = top[0]
    return top


def _take_in(top: list[int], fresh: AbstractSet[int]) -> None:
    """Add to a tier's reserve (``Features._drop``) the new values above its lowest."""
    above = [v for v in fresh if v > top[0]]
    if above:
        top += above
        top.sort()  # a sorted run and a short tail: a merge
        if len(top) > 2 * _RESERVE:
            del top[:-_RESERVE]  # the lowest go back to the tier only


class Features:
    """A sketch's features for matching: the hashes of each tier (``names`` and ``marks``
    are two of them), every hash at any tier, and how many values there are.

    Kept as sets of hashes by tier, because a report comes as such sets (``similarity.
    Tiers``): what it adds is a set difference per tier, in C, with no value packed or
    unpacked. Only dropping values over the cap asks for an order: a full event keeps its
    highest values in order for that (``_drop``).
    ``hashes`` is a set rather than a hash -> tiers map because matching reads it for every
    candidate event, mostly from cold memory: a set finds a hash in one cache line where a
    map reads its index and then its entries.
    """

    __slots__ = ("by_tier", "hashes", "marks", "names", "owner", "reserve", "size")

    def __init__(self, by_tier: Sequence[AbstractSet[int]]) -> None:
        """The features of a sketch given as its hashes by tier (``split`` of its values)."""
        tiers = tuple(map(set, by_tier))
        self.by_tier = tiers
        self.hashes: set[int] = set().union(*tiers)
        self.names = tiers[NAME]
        self.marks = tiers[MARK]
        self.owner = -1  # the serial of the Sketch that may read and grow it (no cycle)
        self.size = sum(map(len, tiers))
        self.reserve: list[list[int]] | None = None  # made at the first trim (``_drop``)

    def add(self, report: Sequence[AbstractSet[int]], cap: int) -> tuple[Delta, Delta]:
        """Add a report's hashes by tier and keep ``cap`` values (marks first, then names,
        words, common words; the lowest hashes of a tier first). Returns what was added and
        what was dropped, by tier."""
        by_tier = self.by_tier
        added: list[frozenset[int]] = []
        for tier, hashes in enumerate(report):
            fresh = frozenset(hashes).difference(by_tier[tier]) if hashes else _NONE
            if fresh:
                by_tier[tier].update(fresh)
                self.hashes.update(fresh)
                self.size += len(fresh)
            added.append(fresh)
        removed = self._trim(cap, added)
        if removed is _NO_DELTA:
            return tuple(added), removed
        # A value added and dropped at once was never there.
        return (
            tuple(x - y for x, y in zip(added, removed, strict=True)),
            tuple(y - x for x, y in zip(added, removed, strict=True)),
        )

    def _trim(self, cap: int, added: Sequence[AbstractSet[int]] = _NO_DELTA) -> Delta:
        """Drop the values over ``cap``; ``added``: what a report just added, by tier."""
        excess = self.size - cap
        if excess <= 0:
            self._keep_reserves(added, _NO_DELTA)
            return _NO_DELTA
        removed = [_NONE] * 4
        for tier in _DROP_ORDER:
            hashes = self.by_tier[tier]
            if excess <= 0 or not hashes:
                continue
            gone = self._drop(tier, min(excess, len(hashes)), added[tier])
            hashes.difference_update(gone)
            others = [s for t, s in enumerate(self.by_tier) if t != tier and s]
            # A hash leaves the whole set only when no other tier has it.
            self.hashes.difference_update(
                [h for h in gone if not any(h in s for s in others)] if others else gone
            )
            removed[tier] = frozenset(gone)
            self.size -= len(gone)
            excess -= len(gone)
        self._keep_reserves(added, removed)
        return tuple(removed)

    def _keep_reserves(self, added: Sequence[AbstractSet[int]], removed: Sequence[object]) -> None:
        """Take into the reserve of each tier not trimmed (``removed``) what a report added
        to it above the reserve's lowest value, as a trim would (``_drop``)."""
        reserve = self.reserve
        if reserve is not None:
            for tier, fresh in enumerate(added):
                top = reserve[tier]
                if fresh and top and not removed[tier]:
                    _take_in(top, fresh)

    def _drop(self, tier: int, k: int, fresh: AbstractSet[int]) -> list[int]:
        """The ``k`` highest values of a tier, to drop (``fresh``: those just added).

        A full event drops values at every report that joins it, and reading every value
        of a tier from cold memory was most of the cost. So the event keeps a reserve: the
        highest values of the tier, in order, every other value being lower than the
        reserve's lowest. What a report adds above that lowest joins the reserve; the
        values to drop are the reserve's highest; the tier is read again only when the
        reserve runs short.
        """
        hashes = self.by_tier[tier]
        if self.reserve is None:
            self.reserve = [[], [], [], []]
        if k >= len(hashes):
            self.reserve[tier] = []
            return list(hashes)  # the whole tier
        top = self.reserve[tier]
        if top:
            _take_in(top, fresh)
        if len(top) < k:
            top = highest(hashes, min(len(hashes), k + _RESERVE))
        gone = top[-k:]
        del top[-k:]
        self.reserve[tier] = top
        return gone

    def values(self) -> tuple[int, ...]:
        """Every value, in order."""
        return pack(self.by_tier)


class Sketch(Sequence[int]):
    """A sorted sequence of ``hash << 2 | tier`` ints, equal to the tuple of them."""

    __slots__ = ("_added", "_base", "_features", "_flat", "_next", "_removed", "_serial")

    def __init__(self, values: Iterable[int] = ()) -> None:
        self._flat: tuple[int, ...] | None = tuple(values)
        self._features: Features | None = None
        self._next: Sketch | None = None  # the version grown from this one
        self._added: Delta = _NO_DELTA  # what this version added to the one before
        self._removed: Delta = _NO_DELTA  # ... and dropped from it
        self._serial = next(_SERIALS)
        self._base = -1  # the serial of the version grown from

    def flat(self) -> tuple[int, ...]:
        """The values as a plain tuple."""
        if self._flat is not None:
            return self._flat
        if self._owns():
            assert self._features is not None
            self._flat = self._features.values()
            return self._flat
        # An older version: the newer versions' values, with their deltas undone. Links run
        # from old to new only, so the newest version keeps no old one alive.
        path = []
        v: Sketch = self
        while v._flat is None and not v._owns():
            path.append(v)
            assert v._next is not None
            v = v._next
        values = set(v.flat())
        for later in [v, *reversed(path[1:])]:
            values.difference_update(pack(later._added))
            values.update(pack(later._removed))
        self._flat = tuple(sorted(values))
        return self._flat

    def _owns(self) -> bool:
        return self._features is not None and self._features.owner == self._serial

    def __len__(self) -> int:
        return self._features.size if self._owns() else len(self.flat())  # type: ignore[union-attr]

    def __iter__(self) -> Iterator[int]:
        return iter(self.flat())

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[int, ...]: ...
    def __getitem__(self, i: int | slice) -> int | tuple[int, ...]:
        return self.flat()[i]

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if isinstance(other, Sketch):
            return self.flat() == other.flat()
        if isinstance(other, tuple):
            return self.flat() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.flat())

    def __repr__(self) -> str:
        return f"Sketch({self.flat()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return Sketch, (self.flat(),)


def sketch_of(values: Iterable[int]) -> Sketch:
    """``values`` (sorted) as a Sketch (itself when it is)."""
    return values if isinstance(values, Sketch) else Sketch(values)


def view(sketch: Iterable[int]) -> Features:
    """The features of a sketch (read only). The newest version reads its live record; an
    older one, or a plain tuple, gets a record of its own (made once per Sketch)."""
    if isinstance(sketch, Sketch):
        f = sketch._features
        if f is None or f.owner != sketch._serial:
            f = Features(split(sketch.flat()))
            f.owner = sketch._serial
            sketch._features = f
        return f
    return Features(split(sketch))


def grow(event: Iterable[int], report: Sequence[AbstractSet[int]], cap: int) -> Sketch:
    """The event's sketch with the report's hashes by tier (``split``) added, bounded to
    ``cap`` values."""
    if isinstance(event, tuple) and not event:  # a new event: the report's values
        new = Sketch(())
        first = Features(report)
        first._trim(cap)
        _own(new, first, _NO_DELTA, _NO_DELTA, -1)
        return new
    if isinstance(event, Sketch) and event._owns():
        base: Sketch = event
    else:  # a plain tuple, or a version already grown from: a record of its own
        base = event if isinstance(event, Sketch) else Sketch(event)
        view(base)
    features = base._features
    assert features is not None
    added, removed = features.add(report, cap)
    if not any(added) and not any(removed):
        return base  # nothing new: the same value
    grown = Sketch(())
    _own(grown, features, added, removed, base._serial)
    base._next = grown
    return grown


def _own(sketch: Sketch, features: Features, added: Delta, removed: Delta, base: int) -> None:
    """Set up a new version that owns (reads and grows) ``features``."""
    sketch._features = features
    sketch._added, sketch._removed = added, removed
    sketch._serial, sketch._base = next(_SERIALS), base
    sketch._flat, sketch._next = None, None
    features.owner = sketch._serial


def delta(old: Sketch, new: Sketch) -> tuple[Delta, Delta] | None:
    """The hashes by tier that ``new`` added to and dropped from ``old``, when it was grown
    from it."""
    if new._base == old._serial:
        return new._added, new._removed
    return None
