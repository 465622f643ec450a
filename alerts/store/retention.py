"""Retention: what the database may forget, and when.

Items (what was read from feeds) are kept ``items_days``; sent and dead mail, with the
digest entries already mailed, ``mail_days``. Events and their changes are small and stay:
they are the record of what happened and of what people were told.

Undated items are never forgotten. An entry without a date is dated by its first fetch, so
if it is still in its feed when its row is gone it would come back as news; a dated entry
that comes back is older than any feed's max age and is only recorded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete

from alerts.store.schema import digest_entries, items, outbox


@dataclass(frozen=True)
class Pruned:
    """How many rows one pass removed."""

    items: int = 0
    mail: int = 0
    digest_entries: int = 0


def prune(conn: Connection, now: datetime, *, items_days: int, mail_days: int) -> Pruned:
    """Remove what is older than the retention periods; 0 days keeps that kind forever."""
    n_items = n_mail = n_digest = 0
    if items_days:
        cutoff = now - timedelta(days=items_days)
        dated = items.c.published < items.c.seen_at  # undated items carry seen_at (above)
        n_items = conn.execute(delete(items).where(items.c.seen_at < cutoff, dated)).rowcount
    if mail_days:
        cutoff = now - timedelta(days=mail_days)
        done = outbox.c.status.in_(("sent", "dead"))
        n_mail = conn.execute(delete(outbox).where(done, outbox.c.created_at < cutoff)).rowcount
        taken = digest_entries.c.digest_id.is_not(None)
        old = digest_entries.c.due_at < cutoff
        n_digest = conn.execute(delete(digest_entries).where(taken, old)).rowcount
    return Pruned(n_items, n_mail, n_digest)
