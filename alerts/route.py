"""Who must hear of an event, and why: the pure routing decision.

Two sources of recipients, merged per address:

* **nearness**: people who are, will be (within the relevance window) or are at home
  (when no segment covers the time) within the event's reach; the reach comes from the
  officer's radius table by place kind and severity, or is a whole country
  (``route_near``; local times in ``route_clock``);
* **routes**: the Alertmanager-style tree of routes.yaml, then its default route.

An address reached several ways gets one Recipient with the strongest reason: immediate
before digest, being there before arriving, nearness before a route. The reach uses the
event's highest severity so that people told of an attack also hear its update and its
all-clear; quiet hours are lifted by the *current* severity only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import NamedTuple

from alerts.models import Event, Person, Recipient
from alerts.roster import Roster
from alerts.route_clock import Clock, next_hour, quiet_until
from alerts.route_near import ROUTED, Near, event_places, explain, home_time, reached
from alerts.routing import Route, Routing, country_name

__all__ = ["Pick", "event_places", "home_time", "next_hour", "quiet_until", "route", "routed"]


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


Ranked = tuple[bool, int, float, str, Near | Pick]  # strength, key, then the reason


def route(event: Event, roster: Roster, routing: Routing, now: datetime) -> list[Recipient]:
    """Everyone who must get ``event`` at ``now``, one Recipient per address, with why."""
    near = reached(event, roster, routing, max(event.severity, event.max_severity), now)
    best: dict[str, Pick] = {}
    for pick in routed(event, roster, routing):
        key = pick.email.lower()
        held = best.get(key)
        # Nearness always beats a route: its strength is never digest, its rank lower.
        if key not in near and (held is None or pick.strength < held.strength):
            best[key] = pick
    # A flat sort key: sorting on nested tuples took a seventh of the routing time.
    ordered: list[Ranked] = [(*n.strength, key, n) for key, n in near.items()]
    ordered += [(*p.strength, key, p) for key, p in best.items()]
    ordered.sort()
    clock = Clock(now)
    return [_recipient(item[-1], routing, event.severity, clock) for item in ordered]


def _recipient(reason: Near | Pick, routing: Routing, severity: int, clock: Clock) -> Recipient:
    if isinstance(reason, Near):
        why, zone = explain(reason, clock.now)
        person = reason.person
        held = _quiet(person, zone, routing, severity, clock)
        return Recipient(person.email, person.name, person.language, why, "", False, held)
    staff, digest, zone = reason.person, reason.strength[0], reason.timezone
    if digest:
        held = clock.digest_at(zone, reason.digest_hours)
    else:
        held = None if staff is None else _quiet(staff, zone, routing, severity, clock)
    name = staff.name if staff else reason.email
    return Recipient(reason.email, name, reason.language, reason.why, reason.route, digest, held)


def _quiet(
    person: Person, zone: str, routing: Routing, severity: int, clock: Clock
) -> datetime | None:
    # Severity 4-5 (by default) wakes people; below it, quiet hours hold the message.
    quiet = person.quiet_hours or routing.quiet_hours
    if severity >= routing.quiet_override or not quiet:
        return None
    return clock.quiet_until(zone, quiet)


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
