"""How well a report's places agree with an event's: the same named place, a place nearby,
the same country only, unknown (one side has no place), or different places.

Pure. The relation is a number so that the matcher can rank candidates by it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from alerts import geogrid
from alerts.cluster_policy import ClusterPolicy
from alerts.cluster_records import Places, near, places_of
from alerts.models import Category, Event, Place, PlaceKind

__all__ = [
    "COUNTRY",
    "EXACT",
    "FAR",
    "HAZARD",
    "SAME",
    "SPECIFIC",
    "UNKNOWN",
    "Spot",
    "km",
    "relation",
]

EXACT, SAME, COUNTRY, UNKNOWN, FAR = 1.2, 1.0, 0.5, 0.3, 0.0
HAZARD = frozenset({Category.NATURAL_DISASTER, Category.HEALTH})
SPECIFIC = (PlaceKind.CITY, PlaceKind.POINT, PlaceKind.AIRPORT)
_KM_PER_DEGREE = 111.2
_NOWHERE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, eq=False)
class Spot:
    """A report's places and countries, with what every comparison asks of them."""

    places: tuple[Place, ...]
    countries: frozenset[str]
    named: frozenset[tuple[str, str]]  # (name, country) of its places
    towns: frozenset[str]  # the countries of its towns, points and airports

    @classmethod
    def of(cls, places: Sequence[Place], countries: Iterable[str]) -> Spot:
        """The spot of a report placed at ``places`` in ``countries``."""
        if len(places) == 1:  # most reports: no generator needed
            (p,) = places
            town = frozenset((p.country,)) if p.kind in SPECIFIC else _NOWHERE
            return cls(tuple(places), frozenset(countries), frozenset(((p.name, p.country),)), town)
        return cls(
            tuple(places),
            frozenset(countries),
            frozenset((p.name, p.country) for p in places),
            frozenset(p.country for p in places if p.kind in SPECIFIC),
        )


def relation(mine: Spot, hazard: bool, event: Event, policy: ClusterPolicy) -> float:
    """EXACT, SAME, COUNTRY, UNKNOWN or FAR for a report's places against an event's."""
    if not (mine.countries or mine.places) or not (event.countries or event.places):
        return UNKNOWN
    theirs = places_of(event.places)
    if mine.places and theirs:
        if not mine.named.isdisjoint(theirs.named):
            return EXACT
        if _near(mine.places, theirs, policy, hazard):
            return SAME
    if mine.countries.isdisjoint(event.countries):
        return FAR
    shared = mine.countries.intersection(event.countries)
    if not mine.towns.isdisjoint(shared) and not theirs.towns.isdisjoint(shared):
        return FAR  # both name a town in the country, and the towns are far apart
    return COUNTRY


def _near(mine: Sequence[Place], theirs: Places, policy: ClusterPolicy, hazard: bool) -> bool:
    # Latitude alone bounds the distance from below: only the places in a band of latitude
    # as wide as the widest radius that can apply are measured.
    reach = policy.area_km if hazard else max(policy.region_km, policy.city_km)
    for a in mine:
        lat = a.lat
        for b in near(theirs, lat, reach / _KM_PER_DEGREE):
            radius = _radius(a, b, policy, hazard)
            if abs(lat - b.lat) * _KM_PER_DEGREE <= radius and km(a, b) <= radius:
                return True
    return False


def _radius(a: Place, b: Place, policy: ClusterPolicy, hazard: bool) -> float:
    if hazard:
        return policy.area_km
    if PlaceKind.REGION in (a.kind, b.kind):
        return policy.region_km
    if PlaceKind.COUNTRY in (a.kind, b.kind):
        return -1.0  # a whole country is no evidence of the same spot
    return policy.city_km


def km(a: Place, b: Place) -> float:
    """Great-circle distance between two places in kilometres."""
    return geogrid.km(a.lat, a.lon, b.lat, b.lon)
