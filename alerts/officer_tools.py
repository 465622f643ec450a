"""The officers' inspection commands: route-test, preview, staff import, outbox, feeds."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from alerts import service
from alerts.config import Config, FeedConfig
from alerts.errors import AlertsError
from alerts.health import stale
from alerts.models import Category, Change, ChangeReason, Event, Place, PlaceKind, Recipient
from alerts.route import route
from alerts.routetest import format_recipients
from alerts.staff_import import import_file
from alerts.store import feeds as feed_rows
from alerts.store import outbox as outbox_rows
from alerts.store import records
from alerts.store import staff as staff_rows
from alerts.store.feeds import FeedState


def _open(folder: Path) -> tuple[Config, Engine]:
    """The checked officer files and their database, schema upgraded."""
    config = service.load(folder)
    return config, service.open_database(config.settings)


def _place(name: str) -> Place:
    where = service.resolve_place(name)
    if where is None:
        raise AlertsError(f"--place {name!r}: no such place in the gazetteer")
    return Place(where.name, where.country, where.lat, where.lon, PlaceKind.CITY)


def probe_event(place: Place, severity: int, category: str, at: datetime) -> Event:
    """A made-up event of this kind at this place, for route-test."""
    try:
        cat = Category(category)
    except ValueError:
        names = ", ".join(c.value for c in Category)
        raise AlertsError(f"--category {category!r}: must be one of {names}") from None
    return Event(
        id="route-test",
        headline=f"{cat.value} in {place.name}",
        category=cat,
        severity=severity,
        max_severity=severity,
        signals=frozenset(),
        countries=(place.country,),
        places=(place,),
        first_seen=at,
        last_seen=at,
        sources=(),
    )


def route_test(
    folder: Path, place: str, severity: int, category: str, at: datetime, as_json: bool
) -> str:
    """Who would receive such an event, with the reason for each."""
    config, engine = _open(folder)
    event = probe_event(_place(place), severity, category, at)
    recipients = route(event, service.roster(config, engine), config.routing, at)
    return format_recipients(recipients, as_json)


def preview(folder: Path, event_id: str, to: str, now: datetime) -> str:
    """The message ``to`` would get for the stored event ``event_id``, as RFC 5322 text."""
    config, engine = _open(folder)
    with engine.connect() as conn:
        event = records.get_event(conn, event_id)
    if event is None:
        raise AlertsError(f"--event {event_id!r}: no such event in {config.settings.database.url}")
    found = [
        r
        for r in route(event, service.roster(config, engine), config.routing, now)
        if r.email.lower() == to.lower()
    ]
    person = found[0] if found else Recipient(to, to, "en", "preview requested by an officer")
    message = service.renderer(config).render(event, Change(event, ChangeReason.NEW), person, now)
    return message.raw.decode("utf-8", "replace")


def import_staff(folder: Path, file: Path, email: str | None) -> int:
    """Import a CSV or .ics file into the database; report bad rows, keep the good ones."""
    _, engine = _open(folder)  # the config is checked first: a broken one imports nothing
    result = import_file(file, service.resolve_place, email=email)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    with engine.begin() as conn:
        staff_rows.save(conn, result)
    print(
        f"{file}: {len(result.people)} people, {len(result.segments)} segments imported, "
        f"{len(result.problems)} row(s) refused"
    )
    return 1 if result.problems else 0


def outbox(folder: Path, action: str, row_id: int | None, now: datetime) -> int:
    """List pending and dead messages, or requeue one dead message by id."""
    _, engine = _open(folder)
    with engine.begin() as conn:
        if action == "retry":
            if row_id is None:
                raise AlertsError("outbox retry needs the ID of a row (see 'alerts outbox')")
            outbox_rows.requeue(conn, row_id, now)
            print(f"outbox row {row_id} requeued")
            return 0
        rows = [*outbox_rows.list_rows(conn, "pending"), *outbox_rows.list_rows(conn, "dead")]
    for r in rows:
        print(
            f"{r.id:>6}  {r.status:<7} {r.attempts:>2}x  {r.recipient:<32} {r.subject[:60]}"
            + (f"\n        last error: {r.last_error}" if r.last_error else "")
        )
    print(f"{len(rows)} message(s) pending or dead")
    return 0


def _feed_row(feed: FeedConfig, s: FeedState | None, now: datetime) -> dict[str, Any]:
    status, why = "new", None
    if s is not None:
        why = stale(s, now, timedelta(hours=feed.expected_period_hours), first_seen=s.last_success)
        status = (
            "disabled"
            if s.disabled or not feed.enabled
            else "failing"
            if s.consecutive_failures
            else "stale"
            if why
            else "ok"
            if s.last_success
            else "new"
        )
    return {
        "name": feed.name,
        "url": s.url if s else feed.url,
        "status": status,
        "stale": why,
        "last_success": s.last_success.isoformat() if s and s.last_success else None,
        "last_error": (s.disabled_reason or s.last_error) if s else None,
        "failures": s.consecutive_failures if s else 0,
        "items_seen": s.items_seen if s else 0,
        "last_new_item": s.last_new_item.isoformat() if s and s.last_new_item else None,
    }


def list_feeds(folder: Path, now: datetime, as_json: bool) -> str:
    """Every configured feed with its health: ok, failing, stale or disabled."""
    config, engine = _open(folder)
    with engine.connect() as conn:
        states = {s.name: s for s in feed_rows.load(conn)}
    rows = [_feed_row(feed, states.get(feed.name), now) for feed in config.feeds]
    if as_json:
        return json.dumps(rows, indent=2)
    lines = [f"{'FEED':<28} {'STATUS':<9} {'ITEMS':>6} {'FAILS':>5}  LAST SUCCESS / ERROR"]
    for r in rows:
        tail = {"failing": r["last_error"], "disabled": r["last_error"], "stale": r["stale"]}.get(
            r["status"], r["last_success"] or "-"
        )
        lines.append(
            f"{r['name']:<28} {r['status']:<9} {r['items_seen']:>6} {r['failures']:>5}  {tail}"
        )
    return "\n".join(lines)
