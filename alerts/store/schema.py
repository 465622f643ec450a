"""The database schema, one definition for SQLite and PostgreSQL (SQLAlchemy Core).

Idempotency comes from the unique keys here: an item once per (feed, key), an event
once per id, one outbox row per (event, revision, recipient). Changing a table means a
new Alembic migration in ``alerts/migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend.

    SQLite keeps no time zone, so values are stored as naive UTC and made aware on the
    way out; an aware value from another zone is converted first.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the store; pass aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


feeds = Table(
    "feeds",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("url", Text, nullable=False),  # where to fetch: follows permanent redirects
    Column("config_url", Text, nullable=False),  # what feeds.yaml said, to notice edits
    Column("etag", Text),
    Column("last_modified", Text),
    Column("body_hash", String(64)),
    Column("lease_owner", String(100)),
    Column("lease_until", UTCDateTime),
    Column("next_poll_after", UTCDateTime),  # Retry-After, or interval
    Column("last_polled", UTCDateTime),
    Column("last_success", UTCDateTime),
    Column("last_error", Text),
    Column("last_error_at", UTCDateTime),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("first_failure_at", UTCDateTime),
    Column("failing_notice_sent", Boolean, nullable=False, default=False),
    Column("items_seen", Integer, nullable=False, default=0),
    Column("last_new_item", UTCDateTime),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("disabled_reason", Text),
)

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed", String(200), nullable=False),
    Column("key", String(512), nullable=False),
    Column("published", UTCDateTime, nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
    Column("title", Text, nullable=False),
    Column("link", Text),
    Column("event_id", String(64)),
    Column("alerted", Boolean, nullable=False, default=False),
    UniqueConstraint("feed", "key", name="uq_items_feed_key"),
)

events = Table(
    "events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("country", String(2)),
    Column("category", String(32), nullable=False),
    Column("severity", Integer, nullable=False),
    Column("max_severity", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("resolved", Boolean, nullable=False, default=False),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("data", Text, nullable=False),  # the whole Event as JSON (store/codec.py)
    Index("ix_events_open_last_seen", "resolved", "last_seen"),
)

# One row, advanced by every transaction that folds reports into events (store/foldclock.py).
fold_clock = Table(
    "fold_clock",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("epoch", BigInteger, nullable=False),
)

changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("reason", String(16), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("event_id", "revision", name="uq_changes_event_revision"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("subject", Text, nullable=False),
    Column("message_id", String(400), nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("status", String(8), nullable=False, default="pending"),  # pending/sent/dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("claimed_by", String(100)),
    Column("claimed_until", UTCDateTime),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    UniqueConstraint("event_id", "revision", "recipient", name="uq_outbox_delivery"),
    Index("ix_outbox_due", "status", "next_attempt_at"),
)

digest_entries = Table(
    "digest_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recipient", String(320), nullable=False),
    Column("name", Text, nullable=False, default=""),
    Column("language", String(8), nullable=False, default="en"),
    Column("event_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("reason", String(16), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("why", Text, nullable=False, default=""),
    Column("due_at", UTCDateTime, nullable=False),
    Column("digest_id", String(64)),  # set when a digest message took the entry
    UniqueConstraint("recipient", "event_id", "revision", name="uq_digest_entry"),
    Index("ix_digest_due", "digest_id", "due_at"),
)

people = Table(
    "people",
    metadata,
    Column("email", String(320), primary_key=True),
    Column("name", Text, nullable=False),
    Column("language", String(8), nullable=False, default="en"),
    Column("home_name", Text),
    Column("home_country", String(2)),
    Column("home_lat", Float),
    Column("home_lon", Float),
    Column("timezone", String(64), nullable=False, default="UTC"),
    Column("quiet_start", Integer),
    Column("quiet_end", Integer),
    Column("groups", Text, nullable=False, default=""),  # comma-separated
    Column("source", Text, nullable=False, default=""),  # file it was imported from
)

segments = Table(
    "segments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False),
    Column("place_name", Text, nullable=False),
    Column("country", String(2), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("start", UTCDateTime, nullable=False),
    Column("end", UTCDateTime, nullable=False),
    Column("source", Text, nullable=False, default=""),
    UniqueConstraint("email", "place_name", "start", "end", name="uq_segment"),
    Index("ix_segments_email", "email"),
)
