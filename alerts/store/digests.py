"""Digest entries: events held for a receiver's next digest mail."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from alerts.store.db import conflict_insert
from alerts.store.schema import digest_entries


@dataclass(frozen=True)
class DigestEntry:
    """One event revision waiting for a receiver's digest."""

    id: int
    recipient: str
    name: str
    language: str
    event_id: str
    revision: int
    reason: str
    detail: str
    why: str
    due_at: datetime


def add(conn: Connection, entry: DigestEntry) -> bool:
    """Hold an event revision for a receiver's digest; False if it is already held."""
    values = {k: v for k, v in entry.__dict__.items() if k != "id"}
    stmt = (
        conflict_insert(conn.dialect.name, digest_entries).values(**values).on_conflict_do_nothing()
    )
    return conn.execute(stmt.returning(digest_entries.c.id)).first() is not None


def due(conn: Connection, now: datetime) -> dict[str, list[DigestEntry]]:
    """Untaken entries due by ``now``, grouped by receiver."""
    rows = conn.execute(
        select(digest_entries)
        .where(digest_entries.c.digest_id.is_(None), digest_entries.c.due_at <= now)
        .order_by(digest_entries.c.id)
    )
    grouped: dict[str, list[DigestEntry]] = defaultdict(list)
    for row in rows:
        values = {k: v for k, v in row._mapping.items() if k != "digest_id"}
        grouped[row.recipient].append(DigestEntry(**values))
    return dict(grouped)


def take(conn: Connection, entries: Sequence[DigestEntry], digest_id: str) -> None:
    """Mark ``entries`` as sent in the digest ``digest_id``."""
    conn.execute(
        update(digest_entries)
        .where(digest_entries.c.id.in_([e.id for e in entries]))
        .values(digest_id=digest_id)
    )
