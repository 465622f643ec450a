"""Imported people and itinerary segments in the database.

Saving is idempotent, keyed by the unique constraints: a person by email (updated in
place), a segment by (email, place, start, end). Re-importing a file also replaces the
segments that earlier imports of the same file gave the people it lists, so a trip
cancelled in the travel system disappears with the next export.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime, String, delete, select, type_coerce

from alerts.models import Person, Segment, Whereabouts
from alerts.staff import ImportResult
from alerts.store.db import conflict_insert
from alerts.store.schema import people, segments


def save(conn: Connection, result: ImportResult) -> None:
    """Upsert the result's people and replace its segments (same file, same people)."""
    save_people(conn, result.people, result.source)
    save_segments(conn, result.segments, result.source)


def save_people(conn: Connection, found: Iterable[Person], source: str) -> None:
    """Insert or update each person by email."""
    rows = [_person_row(p, source) for p in found]
    if not rows:
        return
    stmt = conflict_insert(conn.dialect.name, people)
    changes = {key: stmt.excluded[key] for key in rows[0] if key != "email"}
    conn.execute(stmt.on_conflict_do_update(index_elements=["email"], set_=changes), rows)


def save_segments(conn: Connection, found: Iterable[Segment], source: str) -> None:
    """Replace the segments from ``source`` for the people listed, then insert the new ones."""
    rows = [_segment_row(s, source) for s in found]
    emails = sorted({r["email"] for r in rows})
    for chunk in range(0, len(emails), 500):  # stay under the bound-parameter limits
        conn.execute(
            delete(segments).where(
                segments.c.source == source, segments.c.email.in_(emails[chunk : chunk + 500])
            )
        )
    if rows:
        conn.execute(conflict_insert(conn.dialect.name, segments).on_conflict_do_nothing(), rows)


def load_people(conn: Connection) -> list[Person]:
    """Every imported person; equal home bases share one record."""
    places: dict[tuple[Any, ...], Whereabouts] = {}
    query = select(
        people.c.email,
        people.c.name,
        people.c.language,
        people.c.timezone,
        people.c.home_name,
        people.c.home_country,
        people.c.home_lat,
        people.c.home_lon,
        people.c.quiet_start,
        people.c.quiet_end,
        people.c.groups,
    ).order_by(people.c.email)
    groups: dict[str, tuple[str, ...]] = {}  # most people share a few group lists
    return [_person(tuple(row), places, groups) for row in conn.execute(query).all()]


def load_segments(conn: Connection) -> list[Segment]:
    """Every imported segment; equal places share one record to keep big rosters small.

    The rows are fetched at once and the times converted here rather than by the
    UTCDateTime column type: on SQLite the stored text is parsed as UTC in one C call,
    five times faster than parsing it naive and then attaching the zone.
    """
    places: dict[tuple[str, str, float, float], Whereabouts] = {}
    found = []
    text = conn.dialect.name == "sqlite"
    as_read = String if text else DateTime
    query = select(
        segments.c.email,
        segments.c.place_name,
        segments.c.country,
        segments.c.lat,
        segments.c.lon,
        type_coerce(segments.c.start, as_read),
        type_coerce(segments.c.end, as_read),
    ).order_by(segments.c.id)
    utc = _text_utc if text else _utc
    for email, name, country, lat, lon, start, end in conn.execute(query).all():
        key = (name, country, lat, lon)
        place = places.get(key)
        if place is None:
            place = places[key] = Whereabouts(name, country, lat, lon)
        found.append(Segment(email, place, utc(start), utc(end)))
    return found


def _text_utc(value: str) -> datetime:
    # SQLite holds "2026-12-01 09:00:00.000000", naive UTC (schema.UTCDateTime).
    return datetime.fromisoformat(value + "+00:00")


def _utc(value: datetime) -> datetime:
    # As schema.UTCDateTime reads a value: stored naive UTC, or aware from another zone.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _person_row(person: Person, source: str) -> dict[str, Any]:
    home = person.home
    quiet = person.quiet_hours
    return {
        "email": person.email.lower(),
        "name": person.name,
        "language": person.language,
        "home_name": home.name if home else None,
        "home_country": home.country if home else None,
        "home_lat": home.lat if home else None,
        "home_lon": home.lon if home else None,
        "timezone": person.timezone,
        "quiet_start": quiet[0] if quiet else None,
        "quiet_end": quiet[1] if quiet else None,
        "groups": ",".join(person.groups),
        "source": source,
    }


def _segment_row(segment: Segment, source: str) -> dict[str, Any]:
    place = segment.place
    return {
        "email": segment.email.lower(),
        "place_name": place.name,
        "country": place.country,
        "lat": place.lat,
        "lon": place.lon,
        "start": segment.start,
        "end": segment.end,
        "source": source,
    }


def _person(
    row: tuple[Any, ...],
    places: dict[tuple[Any, ...], Whereabouts],
    groups: dict[str, tuple[str, ...]],
) -> Person:
    email, name, language, zone, *where, quiet_start, quiet_end, names = row
    home = None
    if where[2] is not None and where[3] is not None:
        key = tuple(where)
        home = places.get(key)
        if home is None:
            home = places[key] = Whereabouts(where[0] or "", where[1] or "", where[2], where[3])
    quiet = None
    if quiet_start is not None and quiet_end is not None:
        quiet = (int(quiet_start), int(quiet_end))
    listed = groups.get(names)
    if listed is None:
        listed = groups[names] = tuple(g for g in names.split(",") if g)
    return Person(email, name, language, home, zone, quiet, listed)
