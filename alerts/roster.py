"""The roster in memory: people, their itineraries, and a spatial index over both.

Every home base and every itinerary segment is one *spot* in a grid of 1-degree cells, so
finding who is within a radius visits a few cells instead of the whole staff; exact
distances (haversine) are computed for the candidates only. A per-country list serves
events known only at country level. Coordinates and times live in flat arrays: 150,000
spots cost a few megabytes beyond the records themselves.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import NamedTuple

from alerts.geogrid import EARTH_KM, KM_PER_DEG, cell, cells, km
from alerts.localzone import local_zone
from alerts.models import Person, Segment, Whereabouts

__all__ = ["EARTH_KM", "Roster", "Spot", "km", "local_zone"]

_INF = math.inf
_ORDER = attrgetter("start", "end")  # C-level sort key: no Python call per segment


class Spot(NamedTuple):
    """Where one person is for a while: a segment, or their home base (``segment`` None).

    A NamedTuple rather than a dataclass: one is made per hit, and this is 5x cheaper.
    """

    person: Person
    segment: Segment | None
    start: float  # POSIX seconds; -inf for a home base
    end: float  # +inf for a home base
    key: str  # the person's lower-cased email
    trips: Sequence[Segment]  # all the person's segments in time order (shared, read-only)


class Columns(NamedTuple):
    """The index's per-spot columns, for readers that visit many spots (do not modify).

    Reading them directly costs a list lookup per field instead of a Spot per hit.
    """

    owner: Sequence[int]  # per spot: index in ``Roster.people`` and ``keys``
    segment: Sequence[Segment | None]  # per spot: the leg, None for a home base
    start: Sequence[float]  # POSIX seconds; -inf for a home base
    keys: Sequence[str]  # per person: the lower-cased email
    trips: Mapping[str, Sequence[Segment]]  # by lower-cased email, each in time order


class Roster:
    """People and itineraries with a grid index; build it with :meth:`Roster.build`."""

    def __init__(self) -> None:
        self.people: list[Person] = []
        self.orphans = 0  # segments of people nobody declared: not routed, counted
        self._by_email: dict[str, Person] = {}
        self._keys: list[str] = []  # lower-cased emails, parallel to ``people``
        self._owner = array("i")  # per spot: index in ``people``
        self._segment: list[Segment | None] = []  # per spot: the leg, None for a home base
        self._lat, self._lon = array("d"), array("d")
        self._start, self._end = array("d"), array("d")
        # Spots at equal coordinates form one group: a query measures each group once.
        self._group = array("i")  # per spot: its group
        self._glat, self._glon, self._gcos = array("d"), array("d"), array("d")
        self._grid: dict[int, list[int]] = defaultdict(list)
        self._country: dict[str, list[int]] = defaultdict(list)
        self._trips: dict[str, list[Segment]] = defaultdict(list)
        self._groups: dict[str, list[Person]] = defaultdict(list)

    @classmethod
    def build(cls, people: Iterable[Person], segments: Iterable[Segment]) -> Roster:
        """Index ``people`` (the first of a duplicated email wins) and their segments.

        Segments whose email matches no person are counted in ``orphans`` and skipped:
        an address nobody declared as staff is not mailed on the strength of a booking.
        """
        roster = cls()
        for person in people:
            roster._add_person(person)
        known, trips = roster._by_email, roster._trips
        for segment in segments:
            key = segment.email.lower()
            if key in known:
                trips[key].append(segment)
            else:
                roster.orphans += 1
        for key, legs in trips.items():
            if len(legs) > 1:
                trips[key] = _distinct(sorted(legs, key=_ORDER))
        roster._index()
        return roster

    def _add_person(self, person: Person) -> None:
        key = person.email.lower()
        if key in self._by_email:
            return
        self._by_email[key] = person
        self._keys.append(key)
        self.people.append(person)
        for group in person.groups:
            self._groups[group].append(person)

    def _index(self) -> None:
        # Flat arrays, one entry per spot, built in bulk; Spot records are only made for
        # the hits of a query.
        places: list[Whereabouts] = []
        owner, legs, trips, keys = self._owner, self._segment, self._trips, self._keys
        for n, person in enumerate(self.people):
            if person.home is not None:
                owner.append(n)
                legs.append(None)
                places.append(person.home)
            for trip in trips.get(keys[n], ()):
                owner.append(n)
                legs.append(trip)
                places.append(trip.place)
        self._start.extend([-_INF if s is None else s.start.timestamp() for s in legs])
        self._end.extend([_INF if s is None else s.end.timestamp() for s in legs])
        self._lat.extend([p.lat for p in places])
        self._lon.extend([p.lon for p in places])
        self._grid_places(places)

    def _grid_places(self, places: list[Whereabouts]) -> None:
        grid, country = self._grid, self._country
        # Many spots share one place record (the store shares equal places): work out its
        # cell and country once per record.
        known: dict[int, tuple[int, str, int]] = {}
        groups: dict[tuple[float, float], int] = {}
        for index, place in enumerate(places):
            at = known.get(id(place))
            if at is None:
                group = groups.setdefault((place.lat, place.lon), len(groups))
                at = (cell(place.lat, place.lon), place.country.upper(), group)
                known[id(place)] = at
            grid[at[0]].append(index)
            if at[1]:
                country[at[1]].append(index)
            self._group.append(at[2])
        self._glat.extend([lat for lat, _ in groups])
        self._glon.extend([lon for _, lon in groups])
        rad, cos = math.radians, math.cos
        self._gcos.extend([cos(rad(lat)) for lat in self._glat])

    # ------------------------------------------------------------ lookups

    def __len__(self) -> int:
        """The number of spots (homes and segments) in the index."""
        return len(self._segment)

    def person(self, email: str) -> Person | None:
        """The person with this address (any case), or None."""
        return self._by_email.get(email.lower())

    def members(self, group: str) -> list[Person]:
        """People whose staff entry lists ``group``."""
        return list(self._groups.get(group, ()))

    def trips(self, email: str) -> Sequence[Segment]:
        """The person's segments, in time order (do not modify)."""
        return self._trips.get(email.lower(), ())

    @property
    def columns(self) -> Columns:
        """The per-spot columns (see :class:`Columns`)."""
        return Columns(self._owner, self._segment, self._start, self._keys, self._trips)

    def spot(self, index: int) -> Spot:
        """The spot at ``index`` (as returned by near() and in_country())."""
        n = self._owner[index]
        key = self._keys[n]
        trips = self._trips.get(key, ())
        return Spot(
            self.people[n], self._segment[index], self._start[index], self._end[index], key, trips
        )

    def near(
        self, lat: float, lon: float, radius: float, start: float, end: float
    ) -> list[tuple[int, float]]:
        """Spots within ``radius`` km that overlap [start, end] (POSIX seconds), with km."""
        found: list[tuple[int, float]] = []
        measured: dict[int, float | None] = {}
        lats, lons, coss = self._glat, self._glon, self._gcos
        starts, ends, groups = self._start, self._end, self._group
        sin, rad, span = math.sin, math.radians, radius / KM_PER_DEG
        # Haversine against a precomputed bound: no sqrt or asin for rejected candidates;
        # once per group of spots at equal coordinates (None: out of reach).
        limit, cos0 = math.sin(min(math.pi / 2, radius / (2 * EARTH_KM))) ** 2, math.cos(rad(lat))
        for key in cells(lat, lon, radius):
            for i in self._grid.get(key, ()):
                if ends[i] <= start or starts[i] > end:
                    continue
                g = groups[i]
                if g in measured:
                    km_away = measured[g]
                elif abs(lats[g] - lat) > span:
                    km_away = measured[g] = None
                else:
                    h = sin(rad(lats[g] - lat) / 2) ** 2
                    h += cos0 * coss[g] * sin(rad(lons[g] - lon) / 2) ** 2
                    km_away = measured[g] = (
                        2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h))) if h <= limit else None
                    )
                if km_away is not None:
                    found.append((i, km_away))
        return found

    def in_country(self, country: str, start: float, end: float) -> list[tuple[int, float]]:
        """Spots in ``country`` that overlap [start, end], with a distance of 0."""
        starts, ends = self._start, self._end
        return [
            (i, 0.0)
            for i in self._country.get(country.upper(), ())
            if ends[i] > start and starts[i] <= end
        ]

    def distance(self, index: int, lat: float, lon: float) -> float:
        """km from the spot at ``index`` to (lat, lon)."""
        return km(lat, lon, self._lat[index], self._lon[index])

    def distances(self, indices: Iterable[int], lat: float, lon: float) -> list[tuple[int, float]]:
        """Each spot of ``indices`` with its km to (lat, lon): :meth:`distance` in bulk.

        The same arithmetic as km(), term for term, with the cos(lat) of the spot's
        coordinates read from the index, once per group: the same floats, far cheaper.
        """
        lats, lons, coss, groups = self._glat, self._glon, self._gcos, self._group
        sin, rad, asin, sqrt = math.sin, math.radians, math.asin, math.sqrt
        p1 = rad(lat)
        cos1 = math.cos(p1)
        found: list[tuple[int, float]] = []
        measured: dict[int, float] = {}  # once per group of spots at equal coordinates
        for i in indices:
            g = groups[i]
            if g not in measured:
                a = sin((rad(lats[g]) - p1) / 2) ** 2
                a += cos1 * coss[g] * sin(rad(lons[g] - lon) / 2) ** 2
                measured[g] = 2 * EARTH_KM * asin(min(1.0, sqrt(a)))
            found.append((i, measured[g]))
        return found


def _distinct(legs: list[Segment]) -> list[Segment]:
    """``legs`` without a leg equal to the one before it (in time order).

    Equal neighbours are the same leg given twice (staff.yaml and an import). The times
    are compared first: the full record comparison is slow, and rarely needed.
    """
    kept = [legs[0]]
    for leg in legs[1:]:
        last = kept[-1]
        if leg.start != last.start or leg.end != last.end or leg != last:
            kept.append(leg)
    return kept
