"""An event's places and sources as tuples that remember what matching asks of them.

    Places(places)      .named, .towns; near(places, lat, degrees)  worked out once per tuple
    Sources(sources)    .links                                     worked out once per tuple

Pure. Every report near an event asks the same questions of its places (the same named
place? one within a radius? a town in this country?) and of its sources (this link
already?): a long-running event of twelve places and thirty sources, asked by ten reports
for each one that joins, would read the same objects again and again. A tuple never
changes, so the answers are worked out on the first question and kept with it; an event
that gains no place keeps its tuple, and its answers, from one report to the next. Plain
tuples (from the store) are wrapped by ``places_of`` and ``sources_of``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from operator import attrgetter

from mypy_extensions import mypyc_attr

from alerts.models import Place, PlaceKind, Source

__all__ = ["Places", "Sources", "joined", "near", "places_of", "sources_of"]

_TOWN = (PlaceKind.CITY, PlaceKind.POINT, PlaceKind.AIRPORT)
_LAT = attrgetter("lat")
_LINK = attrgetter("link")
_MARGIN = 1e-6  # degrees: the band of latitude is a little wider, the exact test decides


# Tuples with attributes: compiled (alerts/native.py), they stay Python classes, whose
# methods are compiled.
@mypyc_attr(native_class=False)
class Places(tuple[Place, ...]):
    """An event's places, with what place matching asks of them (worked out once, when the
    tuple is made: an event gains a place far less often than a report asks)."""

    named: frozenset[tuple[str, str]]  # (name, country) of every place but whole countries
    towns: frozenset[str]  # the countries of the towns, points and airports
    lats: list[float]  # the places' latitudes in order, and the places in that order
    by_lat: list[Place]

    def __new__(cls, places: Iterable[Place] = ()) -> Places:
        self = tuple.__new__(cls, places)
        self.named = frozenset((p.name, p.country) for p in self if p.kind is not PlaceKind.COUNTRY)
        self.towns = frozenset(p.country for p in self if p.kind in _TOWN)
        self.by_lat = sorted(self, key=_LAT)
        self.lats = [p.lat for p in self.by_lat]
        return self


@mypyc_attr(native_class=False)
class Sources(tuple[Source, ...]):
    """An event's sources, with the set of their links (made with the tuple)."""

    links: frozenset[str | None]

    def __new__(cls, sources: Iterable[Source] = ()) -> Sources:
        self = tuple.__new__(cls, sources)
        self.links = frozenset(map(_LINK, self))
        return self


def joined(sources: Iterable[Source], source: Source) -> Sources:
    """``sources`` and one more, the links from the old set of them: a report that joins an
    event reads none of its older sources (they are in cold memory)."""
    old = sources_of(sources)
    made = tuple.__new__(Sources, (*old, source))
    made.links = old.links | {source.link}
    return made


def near(places: Places, lat: float, degrees: float) -> Sequence[Place]:
    """The places within ``degrees`` of latitude (and a hair more) of ``lat``.

    A function, not a method: compiled, a call to it is direct, where a method of a Python
    class (``Places`` is one) goes through Python's call protocol.
    """
    lats = places.lats
    if not lats or lat + degrees < lats[0] - _MARGIN or lat - degrees > lats[-1] + _MARGIN:
        return ()  # the common case, an event far away: no search
    lo = bisect.bisect_left(lats, lat - degrees - _MARGIN)
    hi = bisect.bisect_right(lats, lat + degrees + _MARGIN)
    return places.by_lat[lo:hi]


def places_of(places: Iterable[Place]) -> Places:
    """``places`` as Places (itself when it is)."""
    return places if isinstance(places, Places) else Places(places)


def sources_of(sources: Iterable[Source]) -> Sources:
    """``sources`` as Sources (itself when it is)."""
    return sources if isinstance(sources, Sources) else Sources(sources)
