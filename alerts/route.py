"""Who must hear of an event, and why: the pure routing decision.

Two sources of recipients, merged per address:

* **nearness**: people who are, will be (within the relevance window) or are at home
  (when no segment covers the time) within the event's reach; the reach comes from the
  officer's radius table by place kind and severity, or is a whole country;
* **routes**: the Alertmanager-style tree of routes.yaml, then its default route.

An address reached several ways gets one Recipient with the strongest reason: immediate
before digest, being there before arriving, nearness before a route. The reach uses the
event's highest severity so that people told of an attack also hear its update and its
all-clear; quiet hours are lifted by the *current* severity only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alerts.models import Event, Person, Place, PlaceKind, Recipient, Segment
from alerts.roster import Roster, Spot, local_zone
from alerts.routing import COUNTRY, Route, Routing, country_name

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_SECOND, _ZERO = timedelta(seconds=1), timedelta(0)
IN_PLACE, AT_HOME, ARRIVING, RETURNING, ROUTED = range(5)  # reason strength, strongest first


class Pick(NamedTuple):
    """One reason to tell one address; the strongest per address becomes a Recipient.

    A NamedTuple: one is made per person in reach, and it is 5x cheaper than a dataclass.
    """

    email: str
    person: Person | None  # None for an outside address
    strength: tuple[bool, int, float]  # (digest, rank, order): smaller is stronger
    why: str
    route: str = ""
    digest_hours: tuple[int, ...] = ()
    timezone: str = "UTC"
    language: str = "en"


def route(event: Event, roster: Roster, routing: Routing, now: datetime) -> list[Recipient]:
    """Everyone who must get ``event`` at ``now``, one Recipient per address, with why."""
    reach = max(event.severity, event.max_severity)
    best: dict[str, Pick] = {}
    for pick in (*nearby(event, roster, routing, reach, now), *routed(event, roster, routing)):
        key = pick.email.lower()
        held = best.get(key)
        if held is None or pick.strength < held.strength:
            best[key] = pick
    # A flat sort key: sorting on nested tuples took a seventh of the routing time.
    ordered = sorted((*p.strength, key, p) for key, p in best.items())
    return [_recipient(item[-1], routing, event.severity, now) for item in ordered]


# ---------------------------------------------------------------- nearness


def event_places(event: Event) -> tuple[Place, ...]:
    """The event's places; an event known only by country gets one country place each."""
    if event.places:
        return event.places
    return tuple(Place(country_name(c), c, 0.0, 0.0, PlaceKind.COUNTRY) for c in event.countries)


def nearby(
    event: Event, roster: Roster, routing: Routing, severity: int, now: datetime
) -> Iterator[Pick]:
    """Reasons of people whose whereabouts fall within the event's reach."""
    horizon = now + routing.relevance
    start, end = now.timestamp(), horizon.timestamp()
    for place in event_places(event):
        reach = routing.reach(place.kind, severity)
        if reach is None:
            continue
        whole = reach == COUNTRY and place.kind is PlaceKind.COUNTRY
        if reach != COUNTRY:
            hits = roster.near(place.lat, place.lon, reach, start, end)
        elif whole:
            hits = roster.in_country(place.country, start, end)
        else:  # the whole country, and across the border as far as the table ever reaches
            near = roster.near(place.lat, place.lon, routing.widest_km(place.kind), start, end)
            hits = [*near, *roster.in_country(place.country, start, end)]
        for index, distance in hits:
            if reach == COUNTRY and not whole:
                distance = roster.distance(index, place.lat, place.lon)
            pick = _spot_pick(
                roster.spot(index), _where(place, distance, whole), distance, now, horizon
            )
            if pick is not None:
                yield pick


def _where(place: Place, distance: float, whole_country: bool) -> str:
    if whole_country:
        return f"in {place.name}, where the event is"
    if distance < 1:
        return "under 1 km from the event"
    return f"{distance:.0f} km from the event"


def _spot_pick(
    spot: Spot, where: str, distance: float, now: datetime, horizon: datetime
) -> Pick | None:
    person, segment = spot.person, spot.segment
    zone = _zone(person.timezone)
    if segment is not None and segment.start <= now:
        # Quiet hours and dates follow the clock where the traveller is now.
        here = local_zone(segment.place.lat, segment.place.lon) or person.timezone
        until = _day(segment.end, _zone(here), now, end=True)
        why = f"you are in {segment.place.name} ({where}) until {until}"
        return _person_pick(person, IN_PLACE, distance, why, here)
    if segment is not None:
        why = f"you arrive in {segment.place.name} on {_day(segment.start, zone, now)} ({where})"
        return _person_pick(person, ARRIVING, segment.start.timestamp(), why)
    home = person.home
    back = home_time(spot.trips, now, horizon)
    if home is None or back is None:
        return None
    if back <= now:
        why = f"your home base {home.name} is {where}"
        return _person_pick(person, AT_HOME, distance, why)
    why = f"you return to your home base {home.name} on {_day(back, zone, now)} ({where})"
    return _person_pick(person, RETURNING, back.timestamp(), why)


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


def _person_pick(
    person: Person, rank: int, order: float, why: str, zone: str | None = None
) -> Pick:
    zone = zone or person.timezone
    return Pick(person.email, person, (False, rank, order), why, "", (), zone, person.language)


# ---------------------------------------------------------------- routes


def routed(event: Event, roster: Roster, routing: Routing) -> Iterator[Pick]:
    """Reasons of route receivers: the routes tree, else the default route."""
    severity = max(event.severity, event.max_severity)
    matched = list(walk(routing.routes, event, severity))
    default = routing.default_route
    if not matched and default is not None:
        described = describe(default, event, severity)
        matched = [] if described is None else [(default, described)]
    for position, (node, described) in enumerate(matched):
        for email, person in _receivers(node, roster, routing):
            yield Pick(
                email,
                person,
                (node.mode == "digest", ROUTED, position),
                f"route {node.name}: {described}",
                node.name,
                node.digest_hours,
                person.timezone if person else node.timezone,
                person.language if person else node.language,
            )


def walk(routes: Sequence[Route], event: Event, severity: int) -> Iterator[tuple[Route, str]]:
    """Matching routes as in Alertmanager: a matching child takes the event from its parent;
    the first matching sibling stops the walk unless it says ``continue``."""
    for node in routes:
        described = describe(node, event, severity)
        if described is None:
            continue
        children = list(walk(node.routes, event, severity))
        yield from children or [(node, described)]
        if not node.continue_:
            return


def describe(node: Route, event: Event, severity: int) -> str | None:
    """The matched conditions in words ("Mali, severity >= 3"), or None if no match."""
    if severity < node.min_severity:
        return None
    if node.categories and event.category not in node.categories:
        return None
    parts = []
    if node.countries or node.region_countries or node.regions:
        where = _matched_place(node, event)
        if where is None:
            return None
        parts.append(where)
    if node.categories:
        parts.append(event.category.value)
    if node.min_severity:
        parts.append(f"severity >= {node.min_severity}")
    return ", ".join(parts) or "all events"


def _matched_place(node: Route, event: Event) -> str | None:
    codes = node.countries | node.region_countries
    countries = dict.fromkeys([*event.countries, *(p.country for p in event.places)])
    for code in countries:
        if code in codes:
            return country_name(code)
    for place in event.places:
        if " ".join(place.name.lower().split()) in node.regions:
            return place.name
    return None


def _receivers(
    node: Route, roster: Roster, routing: Routing
) -> Iterator[tuple[str, Person | None]]:
    for email in node.receivers.people:
        yield email, roster.person(email)
    for group in node.receivers.groups:
        for email in routing.groups.get(group, ()):
            yield email, roster.person(email)
        for person in roster.members(group):
            yield person.email, person
    for email in node.receivers.addresses:
        yield email, roster.person(email)


# ---------------------------------------------------------------- time


def _recipient(pick: Pick, routing: Routing, severity: int, now: datetime) -> Recipient:
    person, digest = pick.person, pick.strength[0]
    not_before = None
    if digest:
        not_before = next_hour(now, _zone(pick.timezone), pick.digest_hours)
    elif person is not None and severity < routing.quiet_override:
        quiet = person.quiet_hours or routing.quiet_hours
        not_before = quiet_until(now, _zone(pick.timezone), quiet) if quiet else None
    name = person.name if person else pick.email
    return Recipient(pick.email, name, pick.language, pick.why, pick.route, digest, not_before)


def next_hour(now: datetime, zone: tzinfo, hours: Sequence[int]) -> datetime:
    """The first of ``hours`` (local, on the hour) at or after ``now``, in UTC."""
    local = now.astimezone(zone)
    for days in (0, 1):
        day = local.date() + timedelta(days=days)
        for hour in sorted(hours or (8,)):
            moment = datetime.combine(day, time(hour), zone)
            if moment >= local:
                return moment.astimezone(UTC)
    raise AssertionError("unreachable: some hour of tomorrow is always ahead")


def quiet_until(now: datetime, zone: tzinfo, quiet: tuple[int, int]) -> datetime | None:
    """When the quiet hours around ``now`` end (UTC), or None if ``now`` is not quiet."""
    start, end = quiet
    local = now.astimezone(zone)
    hour = local.hour
    inside = start <= hour < end if start < end else (hour >= start or hour < end)
    if not inside:
        return None
    day = local.date() if hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), zone).astimezone(UTC)


def _day(moment: datetime, zone: tzinfo, now: datetime, end: bool = False) -> str:
    # A boundary at midnight UTC came from a date alone ("2026-12-10"): show that date as
    # written rather than shifted by the person's offset; an end at midnight closes the
    # day before it.
    if moment.timestamp() % 86400:
        local = moment.astimezone(zone)
    else:
        local = moment.astimezone(UTC) - (_SECOND if end else _ZERO)
    text = f"{local.day} {_MONTHS[local.month - 1]}"
    return text if local.year == now.year else f"{text} {local.year}"


@cache
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
