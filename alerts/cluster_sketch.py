"""An event's text sketch that grows by a report in the time of the report, not the event.

    Sketch(values)                      a sorted sequence of ``hash << 2 | tier`` ints
    grow(sketch, report, cap) -> Sketch the next version, bounded to ``cap`` features
    view(sketch) -> Features            its hashes (with their tiers), names and marks

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
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress, repeat
from operator import and_, lshift, not_, rshift
from typing import Any, overload

__all__ = [
    "COMMON",
    "MARK",
    "NAME",
    "WORD",
    "Features",
    "Sketch",
    "delta",
    "grow",
    "sketch_of",
    "view",
]

COMMON, WORD, NAME, MARK = 0, 1, 2, 3
_DROP_ORDER = (COMMON, WORD, NAME, MARK)  # over the cap, the highest values of these go
_SERIALS = itertools.count()  # tells which version another was grown from
_ZERO, _ONE, _TWO, _THREE = repeat(0), repeat(1), repeat(2), repeat(3)


class Features:
    """A sketch's features for matching: hash -> bitmask of its tiers, names, marks, and the
    values of each tier in order (to drop the right ones over the cap)."""

    __slots__ = ("by_hash", "by_tier", "marks", "names", "owner", "size")

    def __init__(self, values: Iterable[int]) -> None:
        ordered = sorted(set(values))
        tiers = list(map(and_, ordered, _THREE))
        hashes = list(map(rshift, ordered, _TWO))
        # By tier, and hash -> tiers, in C: one pass per tier rather than one per value.
        self.by_tier: tuple[list[int], ...] = tuple(
            list(compress(ordered, map(tier.__eq__, tiers))) for tier in range(4)
        )
        by_hash: dict[int, int] = dict(zip(hashes, map(lshift, _ONE, tiers), strict=False))
        if len(by_hash) < len(hashes):  # a hash at two tiers: combine its bits
            by_hash = {}
            for h, tier in zip(hashes, tiers, strict=True):
                by_hash[h] = by_hash.get(h, 0) | 1 << tier
        self.by_hash = by_hash
        self.names = set(map(rshift, self.by_tier[NAME], _TWO))
        self.marks = set(map(rshift, self.by_tier[MARK], _TWO))
        self.owner = -1  # the serial of the Sketch that may read and grow it (no cycle)
        self.size = len(ordered)

    def _forget(self, gone: list[int], tier: int) -> None:
        """Drop values of one tier from the hashes, names and marks."""
        hashes = list(map(rshift, gone, _TWO))
        by_hash = self.by_hash
        if list(map(by_hash.__getitem__, hashes)).count(1 << tier) == len(hashes):
            list(map(by_hash.pop, hashes))  # no other tier of these hashes: in C
            if tier == NAME:
                self.names.difference_update(hashes)
            elif tier == MARK:
                self.marks.difference_update(hashes)
            self.size -= len(gone)
        else:
            for v in gone:
                self._remove(v)

    def _remove(self, v: int) -> None:
        h, tier = v >> 2, v & 3
        mask = self.by_hash[h] & ~(1 << tier)
        if mask:
            self.by_hash[h] = mask
        else:
            del self.by_hash[h]
        if tier == NAME:
            self.names.discard(h)
        elif tier == MARK:
            self.marks.discard(h)
        self.size -= 1

    def add(self, report: Iterable[int], cap: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Add a report's values and keep ``cap`` (marks first, then names, words, common
        words; the lowest values of a tier first). Returns the values added and removed."""
        report = tuple(report)
        # Each value's hash's tier bits in the sketch (0: unknown hash), then whether its own
        # tier's bit is set: in C, a map per step rather than Python work per value.
        masks = list(map(self.by_hash.get, map(rshift, report, _TWO), _ZERO))
        if any(masks):
            have = map(and_, map(rshift, masks, map(and_, report, _THREE)), _ONE)
            fresh = list(compress(report, map(not_, have)))
        else:
            fresh = list(report)  # most of a new report's hashes: none known
        added = list(dict.fromkeys(fresh))
        if added:
            self._insert(added)
        removed = self._trim(cap)
        if removed and added:  # a value added and dropped at once was never there
            dropped = set(removed).intersection(added)
            added = [v for v in added if v not in dropped]
            removed = [v for v in removed if v not in dropped]
        return tuple(added), tuple(removed)

    def _insert(self, added: list[int]) -> None:
        """Add new values (their hashes may be known at other tiers): in C, by tier."""
        hashes = list(map(rshift, added, _TWO))
        tiers = list(map(and_, added, _THREE))
        by_hash = self.by_hash
        if len(set(hashes)) == len(hashes) and by_hash.keys().isdisjoint(hashes):
            by_hash.update(zip(hashes, map(lshift, _ONE, tiers), strict=False))  # the common case
        else:
            for h, tier in zip(hashes, tiers, strict=True):
                by_hash[h] = by_hash.get(h, 0) | 1 << tier
        for tier in set(tiers):
            values = list(compress(added, map(tier.__eq__, tiers)))
            self.by_tier[tier].extend(values)
            self.by_tier[tier].sort()  # two sorted runs: a merge in C
            if tier == NAME:
                self.names.update(map(rshift, values, _TWO))
            elif tier == MARK:
                self.marks.update(map(rshift, values, _TWO))
        self.size += len(added)

    def _trim(self, cap: int) -> list[int]:
        removed: list[int] = []
        excess = self.size - cap
        for tier in _DROP_ORDER:
            if excess <= 0:
                break
            values = self.by_tier[tier]
            gone = values[len(values) - min(excess, len(values)) :]
            del values[len(values) - len(gone) :]
            self._forget(gone, tier)
            removed += gone
            excess -= len(gone)
        return removed

    def values(self) -> tuple[int, ...]:
        """Every value, in order."""
        return tuple(sorted([v for tier in self.by_tier for v in tier]))


class Sketch(Sequence[int]):
    """A sorted sequence of ``hash << 2 | tier`` ints, equal to the tuple of them."""

    __slots__ = ("_added", "_base", "_features", "_flat", "_next", "_removed", "_serial")

    def __init__(self, values: Iterable[int] = ()) -> None:
        self._flat: tuple[int, ...] | None = tuple(values)
        self._features: Features | None = None
        self._next: Sketch | None = None  # the version grown from this one
        self._added: tuple[int, ...] = ()  # what this version added to the one before
        self._removed: tuple[int, ...] = ()  # ... and dropped from it
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
            values.difference_update(later._added)
            values.update(later._removed)
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
            f = Features(sketch.flat())
            f.owner = sketch._serial
            sketch._features = f
        return f
    return Features(sketch)


def grow(event: Iterable[int], report: Iterable[int], cap: int) -> Sketch:
    """The event's sketch with the report's values added, bounded to ``cap`` values."""
    if isinstance(event, tuple) and not event:  # a new event: the report's values as they are
        values = sorted(set(report))
        if len(values) <= cap:
            return Sketch(values)  # its features are made when first read
    if isinstance(event, Sketch) and event._owns():
        base: Sketch = event
    else:  # a plain tuple, or a version already grown from: a record of its own
        base = event if isinstance(event, Sketch) else Sketch(event)
        view(base)
    features = base._features
    assert features is not None
    added, removed = features.add(report, cap)
    if not added and not removed:
        return base  # nothing new: the same value
    grown = Sketch.__new__(Sketch)
    grown._features = features
    grown._added, grown._removed = added, removed
    grown._serial, grown._base = next(_SERIALS), base._serial
    grown._flat, grown._next = None, None
    features.owner = grown._serial
    base._next = grown
    return grown


def delta(old: Sketch, new: Sketch) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The values ``new`` added to and removed from ``old``, when it was grown from it."""
    if new._base == old._serial:
        return new._added, new._removed
    return None
