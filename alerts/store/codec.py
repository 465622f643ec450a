"""Events to JSON and back, so an event row holds the whole record."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from alerts.models import Category, Event, Place, PlaceKind, Signal, Source


def dumps(event: Event) -> str:
    """The event as compact JSON (datetimes as ISO 8601 with offset)."""
    return json.dumps(
        {
            "id": event.id,
            "headline": event.headline,
            "category": event.category.value,
            "severity": event.severity,
            "max_severity": event.max_severity,
            "signals": sorted(s.value for s in event.signals),
            "countries": list(event.countries),
            "places": [_place(p) for p in event.places],
            "first_seen": event.first_seen.isoformat(),
            "last_seen": event.last_seen.isoformat(),
            "sources": [_source(s) for s in event.sources],
            "revision": event.revision,
            "resolved": event.resolved,
            "summary": event.summary,
            "last_notified": event.last_notified.isoformat() if event.last_notified else None,
            "link_ids": sorted(event.link_ids),
            "fingerprint": list(event.fingerprint),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def loads(text: str) -> Event:
    """The event that ``dumps`` wrote."""
    d = json.loads(text)
    return Event(
        id=d["id"],
        headline=d["headline"],
        category=Category(d["category"]),
        severity=d["severity"],
        max_severity=d["max_severity"],
        signals=frozenset(Signal(s) for s in d["signals"]),
        countries=tuple(d["countries"]),
        places=tuple(_unplace(p) for p in d["places"]),
        first_seen=datetime.fromisoformat(d["first_seen"]),
        last_seen=datetime.fromisoformat(d["last_seen"]),
        sources=tuple(_unsource(s) for s in d["sources"]),
        revision=d["revision"],
        resolved=d["resolved"],
        summary=d["summary"],
        last_notified=_when(d["last_notified"]),
        link_ids=frozenset(d["link_ids"]),
        fingerprint=tuple(d["fingerprint"]),
    )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _place(p: Place) -> dict[str, Any]:
    return {"name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon, "kind": p.kind.value}


def _unplace(d: dict[str, Any]) -> Place:
    return Place(d["name"], d["country"], d["lat"], d["lon"], PlaceKind(d["kind"]))


def _source(s: Source) -> dict[str, Any]:
    return {"outlet": s.outlet, "link": s.link, "title": s.title, "seen": s.seen.isoformat()}


def _unsource(d: dict[str, Any]) -> Source:
    return Source(d["outlet"], d["link"], d["title"], datetime.fromisoformat(d["seen"]))
