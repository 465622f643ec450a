"""Feed rows: where to fetch, the validators of the last fetch, the lease, and health."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime

from sqlalchemy import Connection, bindparam, or_, select, update

from alerts.store.schema import feeds


@dataclass(frozen=True)
class FeedState:
    """What the service remembers about one feed between polls."""

    name: str
    url: str
    config_url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    next_poll_after: datetime | None = None
    last_polled: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    first_failure_at: datetime | None = None
    failing_notice_sent: bool = False
    items_seen: int = 0
    last_new_item: datetime | None = None
    disabled: bool = False
    disabled_reason: str | None = None


_COLUMNS = tuple(f.name for f in fields(FeedState))


def sync(conn: Connection, configured: Sequence[tuple[str, str]]) -> None:
    """Add feeds new in feeds.yaml; an officer's URL edit resets the fetch state."""
    known = {r.name: r for r in conn.execute(select(feeds.c.name, feeds.c.config_url))}
    for name, url in configured:
        row = known.get(name)
        if row is None:
            conn.execute(feeds.insert().values(name=name, url=url, config_url=url))
        elif row.config_url != url:
            conn.execute(
                update(feeds)
                .where(feeds.c.name == name)
                .values(
                    url=url,
                    config_url=url,
                    etag=None,
                    last_modified=None,
                    body_hash=None,
                    disabled=False,
                    disabled_reason=None,
                )
            )


def claim_due(
    conn: Connection, names: Sequence[str], now: datetime, owner: str, until: datetime
) -> list[FeedState]:
    """Lease the due, enabled feeds among ``names`` to ``owner`` until ``until``.

    On PostgreSQL rows locked by another instance are skipped, so each feed is polled by
    exactly one instance; SQLite has a single writer and needs no lock.
    """
    due = (
        select(*[feeds.c[c] for c in _COLUMNS])
        .where(feeds.c.name.in_(names), feeds.c.disabled.is_(False))
        .where(or_(feeds.c.next_poll_after.is_(None), feeds.c.next_poll_after <= now))
        .where(or_(feeds.c.lease_until.is_(None), feeds.c.lease_until < now))
        .with_for_update(skip_locked=True)
    )
    states = [FeedState(**row._mapping) for row in conn.execute(due)]
    if states:
        conn.execute(
            update(feeds)
            .where(feeds.c.name.in_([s.name for s in states]))
            .values(lease_owner=owner, lease_until=until)
        )
    return states


# Bind names must differ from column names in an UPDATE's SET clause: prefix them.
_SAVE = (
    update(feeds)
    .where(feeds.c.name == bindparam("b_name"))
    .values(
        {
            **{c: bindparam(f"b_{c}") for c in _COLUMNS if c != "name"},
            "lease_owner": None,
            "lease_until": None,
        }
    )
)


def save(conn: Connection, states: Sequence[FeedState]) -> None:
    """Store the feeds' states and release their leases, in one statement for all."""
    if states:
        # getattr, not dataclasses.asdict: asdict deep-copies, ~0.4 ms a feed, which was
        # most of a poll in which 2,000 feeds answered 304.
        conn.execute(_SAVE, [{f"b_{c}": getattr(s, c) for c in _COLUMNS} for s in states])


def load(conn: Connection, name: str | None = None) -> list[FeedState]:
    """Every feed's state (or one feed's), by name."""
    query = select(*[feeds.c[c] for c in _COLUMNS]).order_by(feeds.c.name)
    if name is not None:
        query = query.where(feeds.c.name == name)
    return [FeedState(**row._mapping) for row in conn.execute(query)]


__all__ = ["FeedState", "claim_due", "load", "replace", "save", "sync"]
