"""Items and events: identity keys make every step safe to repeat."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, select

from alerts.models import Change, Event, Item
from alerts.store import codec
from alerts.store.db import conflict_insert
from alerts.store.schema import changes, events, items

# Built once: constructing a statement costs more than SQLite takes to run it.
_KNOWN = select(items.c.key).where(
    items.c.feed == bindparam("feed"), items.c.key.in_(bindparam("keys", expanding=True))
)
_ADD = {
    name: conflict_insert(name, items).on_conflict_do_nothing(index_elements=["feed", "key"])
    for name in ("postgresql", "sqlite")
}


def unseen(conn: Connection, batch: Sequence[Item]) -> list[Item]:
    """The items of ``batch`` not recorded before (by feed and identity key), in order."""
    fresh: dict[tuple[str, str], Item] = {}
    for item in batch:
        fresh.setdefault((item.feed, item.key), item)
    known: set[tuple[str, str]] = set()
    for feed in {i.feed for i in batch}:
        keys = [k for f, k in fresh if f == feed]
        known.update((feed, k) for k in conn.scalars(_KNOWN, {"feed": feed, "keys": keys}))
    return [i for k, i in fresh.items() if k not in known]


def add_items(
    conn: Connection, batch: Sequence[Item], now: datetime, joined: Mapping[str, str]
) -> None:
    """Record ``batch``; ``joined`` maps the keys of the items alerted on to their event."""
    if batch:
        conn.execute(
            _ADD[conn.dialect.name],
            [
                {
                    "feed": i.feed,
                    "key": i.key,
                    "published": i.published,
                    "seen_at": now,
                    "title": i.title[:2000],
                    "link": i.link,
                    "event_id": joined.get(i.key),
                    "alerted": i.key in joined,
                }
                for i in batch
            ],
        )


def open_events(conn: Connection, since: datetime) -> list[Event]:
    """Unresolved events seen since ``since``."""
    rows = conn.execute(
        select(events.c.data).where(events.c.resolved.is_(False), events.c.last_seen >= since)
    )
    return [codec.loads(r.data) for r in rows]


def get_event(conn: Connection, event_id: str) -> Event | None:
    """One event by id, or None."""
    row = conn.execute(select(events.c.data).where(events.c.id == event_id)).first()
    return codec.loads(row.data) if row else None


def save_event(conn: Connection, event: Event) -> None:
    """Insert or replace the event row."""
    values = {
        "country": event.countries[0] if event.countries else None,
        "category": event.category.value,
        "severity": event.severity,
        "max_severity": event.max_severity,
        "revision": event.revision,
        "resolved": event.resolved,
        "first_seen": event.first_seen,
        "last_seen": event.last_seen,
        "data": codec.dumps(event),
    }
    stmt = conflict_insert(conn.dialect.name, events).values(id=event.id, **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=values))


def record_change(conn: Connection, change: Change, now: datetime) -> bool:
    """Log a notifying change once per (event, revision); False if already logged."""
    stmt = conflict_insert(conn.dialect.name, changes).values(
        event_id=change.event.id,
        revision=change.event.revision,
        reason=change.reason.value,
        detail=change.detail,
        at=now,
    )
    # rowcount is not reliable for ON CONFLICT on every driver; RETURNING is.
    returning = stmt.on_conflict_do_nothing().returning(changes.c.id)
    return conn.execute(returning).first() is not None
