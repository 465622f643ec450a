"""Who is near an event, and why in words: the nearness half of routing.

People who are, will be (within the relevance window) or are at home (when no segment
covers the time) within the event's reach; the reach comes from the officer's radius table
by place kind and severity, or is a whole country. Each person keeps the strongest reason
(being there before arriving, nearer before farther); only that one is put in words, so
dates, local zones and distances are formatted once per recipient, not once per spot.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from alerts.localzone import local_zone
from alerts.models import Event, Person, Place, PlaceKind, Segment
from alerts.roster import Roster
from alerts.route_clock import day, zone_info
from alerts.route_words import Words, words
from alerts.routing import COUNTRY, Routing, country_name

IN_PLACE, AT_HOME, ARRIVING, RETURNING, ROUTED = range(5)  # reason strength, strongest first

Hit = tuple[int, float]  # spot index, km from the event's place


class Near(NamedTuple):
    """The strongest reason one person is in reach, before it is put in words."""

    strength: tuple[bool, int, float]  # (digest, rank, order): smaller is stronger
    person: Person
    segment: Segment | None  # None for the home base
    place: Place  # the event's place that reached them
    distance: float
    whole_country: bool
    back: datetime | None  # for a home base: when home counts again


def event_places(event: Event) -> tuple[Place, ...]:
    """The event's places; an event known only by country gets one country place each."""
    if event.places:
        return event.places
    return tuple(Place(country_name(c), c, 0.0, 0.0, PlaceKind.COUNTRY) for c in event.countries)


def reached(
    event: Event, roster: Roster, routing: Routing, severity: int, now: datetime
) -> dict[str, Near]:
    """People in the reach of ``event`` at ``severity``, by lower-cased email."""
    horizon = now + routing.relevance
    window = (now.timestamp(), horizon.timestamp())
    found: dict[str, Near] = {}
    for place in event_places(event):
        reach = routing.reach(place.kind, severity)
        if reach is not None:
            whole = reach == COUNTRY and place.kind is PlaceKind.COUNTRY
            hits = _hits(roster, routing, place, reach, window)
            _keep_strongest(found, roster, hits, place, whole, now, horizon)
    return found


def _hits(
    roster: Roster, routing: Routing, place: Place, reach: float | str, window: tuple[float, float]
) -> list[Hit]:
    if reach != COUNTRY:
        return roster.near(place.lat, place.lon, float(reach), *window)
    if place.kind is PlaceKind.COUNTRY:
        return roster.in_country(place.country, *window)
    # The whole country, and across the border as far as the table ever reaches, each spot
    # once (a spot found twice gives the same reason twice), with km from the place.
    near = [i for i, _ in roster.near(place.lat, place.lon, routing.widest_km(place.kind), *window)]
    seen = set(near)
    inside = [i for i, _ in roster.in_country(place.country, *window) if i not in seen]
    return roster.distances((*near, *inside), place.lat, place.lon)


def _keep_strongest(
    found: dict[str, Near],
    roster: Roster,
    hits: list[Hit],
    place: Place,
    whole: bool,
    now: datetime,
    horizon: datetime,
) -> None:
    # The hot loop of routing: plain column reads, one record per person kept.
    owner, segments, starts, keys, trips = roster.columns
    people, none = roster.people, ()
    for index, distance in hits:
        n, segment, back = owner[index], segments[index], None
        key = keys[n]
        strength: tuple[bool, int, float]
        if segment is None:
            back = home_time(trips.get(key, none), now, horizon)
            if back is None or people[n].home is None:
                continue
            strength = (False, AT_HOME, distance) if back <= now else _returning(back)
        elif segment.start <= now:
            strength = (False, IN_PLACE, distance)
        else:
            strength = (False, ARRIVING, starts[index])
        held = found.get(key)
        if held is None or strength < held.strength:
            found[key] = Near(strength, people[n], segment, place, distance, whole, back)


def _returning(back: datetime) -> tuple[bool, int, float]:
    return (False, RETURNING, back.timestamp())


def home_time(trips: Sequence[Segment], now: datetime, horizon: datetime) -> datetime | None:
    """The first moment in [now, horizon] that no segment covers: when home counts."""
    moment = now
    for trip in trips:  # in start order
        if trip.end <= moment:
            continue
        if trip.start > moment:
            break
        moment = trip.end
    return moment if moment <= horizon else None


def explain(near: Near, now: datetime) -> tuple[str, str]:
    """The reason in the person's words, and the zone whose clock applies (where a traveller
    is now)."""
    person, segment = near.person, near.segment
    say = words(person.language)
    where = _where(say, near.place, near.distance, near.whole_country)
    if segment is not None and segment.start <= now:
        # Quiet hours and dates follow the clock where the traveller is now.
        here = local_zone(segment.place.lat, segment.place.lon) or person.timezone
        until = day(segment.end, zone_info(here), now, end=True, language=say)
        return say.staying.format(place=segment.place.name, where=where, until=until), here
    zone, own = zone_info(person.timezone), person.timezone
    if segment is not None:
        when = day(segment.start, zone, now, language=say)
        return say.arriving.format(place=segment.place.name, day=when, where=where), own
    home = person.home.name if person.home else ""
    if near.back is not None and near.back > now:
        back = day(near.back, zone, now, language=say)
        return say.returning.format(home=home, day=back, where=where), own
    return say.home.format(home=home, where=where), own


def _where(say: Words, place: Place, distance: float, whole_country: bool) -> str:
    if whole_country:
        return say.country.format(place=place.name)
    if distance < 1:
        return say.close
    return say.distance.format(km=f"{distance:.0f}")
