"""The open events in memory, indexed so that a report finds its candidates without a scan.

    index.put(event)                          add, or replace by id
    index.candidates(report, now, policy)     events the report may belong to
    index.due(now, policy)                    events to check for expiry or a reminder
    index.evict(before)                       forget events last seen before a time

Postings: events with places by 1-degree cell (``geogrid``: a report looks in every cell
within the widest radius that can join it; natural hazards are posted in every cell they
reach) and by
place name, events known only by country by country, every event by GDACS/CAP id and by the
proper names in its text (so the end of a manhunt abroad finds its attack), and events with
no place at all in one small set. The database keeps every event; this index keeps only
what can still take reports, so memory is bounded by ``evict``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import replace
from datetime import datetime
from typing import Any

from alerts import sketches
from alerts.cluster_places import HAZARD
from alerts.cluster_policy import ClusterPolicy
from alerts.cluster_records import Places, Sources, places_of, sources_of
from alerts.cluster_report import Probe, probe, report_time
from alerts.cluster_sketch import NAME, Sketch, delta, sketch_of
from alerts.geogrid import cell, cells
from alerts.models import Event, PlaceKind, Report

__all__ = ["EventIndex"]

_SPECIFIC = (PlaceKind.CITY, PlaceKind.POINT, PlaceKind.AIRPORT)
_NAME_POSTING_CAP = 64  # a name shared by more open events than this says nothing
_NOWHERE = ("nowhere", "")

# A posting key: a 1-degree cell as an int, or (kind, value...) for the rest.
Key = int | tuple[str, object] | tuple[str, str, str]


_HAZARD = 1 << 20  # added to a cell for the postings of natural hazards: apart from the rest


def _keys(event: Event, area_km: float) -> set[Key]:
    """Every posting key of an event but its names (kept apart: there are many, and they
    change with nearly every report).

    A natural hazard is posted in every cell within ``area_km`` of its places, so that a
    report need not look that far for every event; other events in their places' cells. Named
    places also by name, for the same place however far apart two gazetteers put it.
    """
    specific = any(p.kind in _SPECIFIC for p in event.places)
    keys: set[Key] = set()
    if event.category in HAZARD:
        for p in event.places:
            keys.update(map(_HAZARD.__add__, cells(p.lat, p.lon, area_km)))
    else:
        keys.update(cell(p.lat, p.lon) for p in event.places)
    keys.update(("at", p.name, p.country) for p in event.places if p.kind is not PlaceKind.COUNTRY)
    kind = "country-wide" if specific else "country"
    keys.update((kind, c) for c in event.countries)
    keys.update(("link", i) for i in event.link_ids)
    if not event.countries and not event.places:
        keys.add(_NOWHERE)
    keys.add(("hour", _hour(event.last_seen)))
    return keys


def _hour(when: datetime) -> int:
    return int(when.timestamp() // 3600)


class EventIndex:
    """Open events by id, with postings for fast candidate lookup."""

    def __init__(self, events: Iterable[Event] = (), policy: ClusterPolicy | None = None) -> None:
        self._area_km = (policy or ClusterPolicy()).area_km  # natural hazards' reach (_keys)
        self._events: dict[str, Event] = {}
        self._postings: dict[Key, set[str]] = defaultdict(set)
        self._keys_of: dict[str, set[Key]] = {}  # each event's postings
        self._by_name: dict[int, set[str]] = defaultdict(set)
        for event in events:
            self.put(event)

    def __len__(self) -> int:
        return len(self._events)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._events

    def get(self, event_id: str) -> Event | None:
        """The event with this id, if it is in memory."""
        return self._events.get(event_id)

    def put(self, event: Event) -> None:
        """Add an event, or replace the one with the same id (only changed postings move).

        An event from the store carries plain tuples: its sketch, places and sources are kept
        as the records of ``cluster_sketch`` and ``cluster_records``, so that what matching
        asks of them is worked out once, not for every report near the event.
        """
        if not (
            isinstance(event.fingerprint, Sketch)
            and isinstance(event.places, Places)
            and isinstance(event.sources, Sources)
        ):
            event = replace(
                event,
                fingerprint=sketch_of(event.fingerprint),
                places=places_of(event.places),
                sources=sources_of(event.sources),
            )
        old = self._events.get(event.id)
        self._events[event.id] = event
        self._post_names(event.id, old, event)
        before = self._keys_of.get(event.id, set())
        if old is not None and _same_places(old, event):  # a report joined: only time moved
            hour = ("hour", _hour(event.last_seen))
            if hour not in before:
                gone = ("hour", _hour(old.last_seen))
                before.discard(gone)
                _unpost(self._postings, gone, event.id)
                before.add(hour)
                self._postings[hour].add(event.id)
            return
        after = _keys(event, self._area_km)
        self._keys_of[event.id] = after
        for key in before - after:
            _unpost(self._postings, key, event.id)
        for key in after - before:
            self._postings[key].add(event.id)

    def _post_names(self, event_id: str, old: Event | None, new: Event | None) -> None:
        """Move the event's name postings from its old sketch's names to its new one's: by
        what the report added and removed when the new sketch grew from the old one."""
        a = old.fingerprint if old is not None else None
        b = new.fingerprint if new is not None else None
        if a is b:
            return
        change = delta(a, b) if isinstance(a, Sketch) and isinstance(b, Sketch) else None
        gone: AbstractSet[int]
        came: AbstractSet[int]
        if change is not None:
            gone, came = change[1][NAME], change[0][NAME]
        else:
            before, after = _names(old), _names(new)
            gone, came = before - after, after - before
        for n in gone:
            _unpost(self._by_name, n, event_id)
        for n in came:
            self._by_name[n].add(event_id)

    def remove(self, event_id: str) -> None:
        """Forget one event (no error when it is absent)."""
        old = self._events.pop(event_id, None)
        if old is not None:
            self._post_names(event_id, old, None)
            for key in self._keys_of.pop(event_id):
                _unpost(self._postings, key, event_id)

    def candidates(self, report: Report, now: datetime, policy: ClusterPolicy) -> list[Event]:
        """Open events that may take the report: near it, in its country, or sharing names."""
        t = report_time(report, now)
        p = probe(report, t)
        ids: set[str] = set()
        for found in map(self._postings.get, self._lookup_keys(p, policy)):
            if found:
                ids.update(found)
        # Its names, and its towns' names: an event may name a town it did not locate.
        for found in map(self._by_name.get, p.keys):
            if found and len(found) <= _NAME_POSTING_CAP:
                ids.update(found)
        events = self._events
        lo, hi = t - policy.window, t + policy.window
        return [
            e
            for e in map(events.__getitem__, sorted(ids))
            if e.last_seen >= lo and e.first_seen <= hi
        ]

    def _lookup_keys(self, p: Probe, policy: ClusterPolicy) -> list[Key]:
        # The report's places, less those where another incident happened.
        # Near enough to be the same place: 80 km (a region), or 150 km for a natural hazard
        # (``cluster_places._radius``); hazard events are posted as far as they reach.
        reach = max(policy.region_km, policy.city_km)
        if p.report.assessment.category in HAZARD:
            reach = max(reach, policy.area_km)
        keys: list[Key] = []
        for place in p.places:
            keys += cells(place.lat, place.lon, reach)
            if policy.area_km == self._area_km:  # hazards are posted in every cell they reach
                keys.append(_HAZARD + cell(place.lat, place.lon))
            else:  # ... as far as another policy said: look as far as this one says
                keys += map(_HAZARD.__add__, cells(place.lat, place.lon, policy.area_km))
            keys.append(("at", place.name, place.country))
        specific = any(place.kind in _SPECIFIC for place in p.places)
        for c in p.countries:
            keys.append(("country", c))
            if not specific:
                keys.append(("country-wide", c))  # a country-level report may be about any town
        keys += (("link", i) for i in p.ids)
        keys.append(_NOWHERE)  # unplaced events may be about any place
        if not p.countries and not p.places:  # an unplaced report: the latest events
            now_hour = _hour(p.t)
            hours = int(policy.sequence.total_seconds() // 3600) + 1
            keys += (("hour", h) for h in range(now_hour - hours, now_hour + 1))
        return keys

    def due(self, now: datetime, policy: ClusterPolicy) -> list[Event]:
        """Open, notified events whose expiry or reminder time has come."""
        out = []
        for e in self._events.values():
            if e.resolved or e.revision == 0:
                continue
            since = e.last_notified or e.first_seen
            if now - e.last_seen >= policy.expiry or (
                policy.repeat is not None and now - since >= policy.repeat
            ):
                out.append(e)
        return sorted(out, key=lambda e: e.id)

    def evict(self, before: datetime) -> int:
        """Forget events last seen before ``before``; the store keeps them. Returns how many."""
        old = [i for i, e in self._events.items() if e.last_seen < before]
        for event_id in old:
            self.remove(event_id)
        return len(old)

    def __iter__(self) -> Iterator[Event]:
        return iter(list(self._events.values()))


def _names(event: Event | None) -> frozenset[int]:
    if event is None:
        return _EMPTY_NAMES
    return sketches.names(event.fingerprint)


_EMPTY_NAMES: frozenset[int] = frozenset()


def _same_places(old: Event, new: Event) -> bool:
    """True when the postings but names and hour cannot differ (a report joined and added no
    place, country or identifier)."""
    return (
        old.places is new.places
        and old.countries is new.countries
        and old.link_ids is new.link_ids
        and (old.category in HAZARD) == (new.category in HAZARD)
    )


def _unpost(postings: dict[Any, set[str]], key: object, event_id: str) -> None:
    ids = postings.get(key)
    if ids is not None:
        ids.discard(event_id)
        if not ids:
            del postings[key]
