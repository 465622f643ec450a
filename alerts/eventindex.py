"""The open events in memory, indexed so that a report finds its candidates without a scan.

    index.put(event)                          add, or replace by id
    index.candidates(report, now, policy)     events the report may belong to
    index.due(now, policy)                    events to check for expiry or a reminder
    index.evict(before)                       forget events last seen before a time

Postings: events with a specific place by 1-degree cell (a report looks in its own cell and
the eight around it), events known only by country by country, every event by GDACS/CAP id
and by the proper names in its text (so the end of a manhunt abroad finds its attack), and
events with no place at all in one small set. The database keeps every event; this index
keeps only what can still take reports, so memory is bounded by ``evict``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

from alerts import sketches
from alerts.cluster_policy import ClusterPolicy
from alerts.cluster_report import probe, report_time
from alerts.models import Event, Place, PlaceKind, Report

__all__ = ["EventIndex"]

_SPECIFIC = (PlaceKind.CITY, PlaceKind.POINT, PlaceKind.AIRPORT)
_NAME_POSTING_CAP = 64  # a name shared by more open events than this says nothing


def _cell(p: Place) -> tuple[int, int]:
    return int(p.lat // 1), int(p.lon // 1)


def _keys(event: Event) -> Iterator[tuple[str, object]]:
    """Every posting key of an event."""
    specific = [p for p in event.places if p.kind in _SPECIFIC]
    for p in event.places:
        yield "cell", _cell(p)
    for c in event.countries:
        yield ("country" if not specific else "country-wide"), c
    for i in event.link_ids:
        yield "link", i
    for n in sketches.names(event.fingerprint):
        yield "name", n
    if not event.countries and not event.places:
        yield "nowhere", ""
    yield "hour", _hour(event.last_seen)


def _hour(when: datetime) -> int:
    return int(when.timestamp() // 3600)


class EventIndex:
    """Open events by id, with postings for fast candidate lookup."""

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self._events: dict[str, Event] = {}
        self._postings: dict[tuple[str, object], set[str]] = defaultdict(set)
        self._keys_of: dict[str, set[tuple[str, object]]] = {}  # each event's postings
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
        """Add an event, or replace the one with the same id (only changed postings move)."""
        before = self._keys_of.get(event.id, set())
        after = set(_keys(event))
        self._events[event.id] = event
        self._keys_of[event.id] = after
        for key in before - after:
            self._unpost(key, event.id)
        for key in after - before:
            self._postings[key].add(event.id)

    add = put

    def remove(self, event_id: str) -> None:
        """Forget one event (no error when it is absent)."""
        if self._events.pop(event_id, None) is not None:
            for key in self._keys_of.pop(event_id):
                self._unpost(key, event_id)

    def _unpost(self, key: tuple[str, object], event_id: str) -> None:
        ids = self._postings.get(key)
        if ids is not None:
            ids.discard(event_id)
            if not ids:
                del self._postings[key]

    def candidates(self, report: Report, now: datetime, policy: ClusterPolicy) -> list[Event]:
        """Open events that may take the report: near it, in its country, or sharing names."""
        t = report_time(report, now)
        ids: set[str] = set()
        for key in self._lookup_keys(report, t, policy):
            ids |= self._postings.get(key, set())
        p = probe(report, t)
        # Its names, and its towns' names: an event may name a town it did not locate.
        for n in p.names.union(*(h for _, h in p.towns)):
            posting = self._postings.get(("name", n), set())
            if len(posting) <= _NAME_POSTING_CAP:
                ids |= posting
        found = (self._events[i] for i in ids)
        return sorted(
            (
                e
                for e in found
                if e.last_seen + policy.window >= t and e.first_seen - policy.window <= t
            ),
            key=lambda e: e.id,
        )

    def _lookup_keys(
        self, report: Report, t: datetime, policy: ClusterPolicy
    ) -> Iterator[tuple[str, object]]:
        loc = probe(report, t)  # its places, less those where another incident happened
        for p in loc.places:
            lat, lon = _cell(p)
            for dlat in (-1, 0, 1):
                for dlon in (-1, 0, 1):
                    yield "cell", (lat + dlat, (lon + dlon + 180) % 360 - 180)
        specific = any(p.kind in _SPECIFIC for p in loc.places)
        for c in loc.countries:
            yield "country", c
            if not specific:
                yield "country-wide", c  # a country-level report may be about any town
        for i in loc.ids:
            yield "link", i
        yield "nowhere", ""  # unplaced events may be about any place
        if not loc.countries and not loc.places:  # an unplaced report: the latest events
            now_hour = _hour(t)
            hours = int(policy.sequence.total_seconds() // 3600) + 1
            yield from (("hour", h) for h in range(now_hour - hours, now_hour + 1))

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
