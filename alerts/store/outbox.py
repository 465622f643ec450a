"""The outbox: rendered messages waiting to be sent, one row per (event, revision, recipient).

A flush ``claim``s due rows under a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a single
``UPDATE ... RETURNING`` on SQLite), sends them, and records each outcome at once. A row is
``sent`` only after the SMTP server accepted it; a crash leaves it claimed until its lease
ends, and then another flush takes it. ``attempts`` counts claims, so a message that crashes
the sender every time still reaches ``max_attempts`` and goes dead.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, or_, select, update

from alerts.models import ChangeReason, Message
from alerts.store.db import conflict_insert
from alerts.store.schema import outbox

PENDING, SENT, DEAD = "pending", "sent", "dead"
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
OUTAGE_CAP = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One queued message as stored: what will be sent and where it stands."""

    id: int
    event_id: str
    revision: int
    recipient: str
    reason: ChangeReason
    subject: str
    message_id: str
    raw: bytes
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    claimed_by: str | None = None
    claimed_until: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None


def _row(r: Row[tuple[object, ...]]) -> OutboxRow:
    m = r._mapping
    return OutboxRow(
        id=m["id"], event_id=m["event_id"], revision=m["revision"], recipient=m["recipient"],
        reason=ChangeReason(m["reason"]), subject=m["subject"], message_id=m["message_id"],
        raw=bytes(m["raw"]), status=m["status"], attempts=m["attempts"],
        next_attempt_at=m["next_attempt_at"], created_at=m["created_at"],
        claimed_by=m["claimed_by"], claimed_until=m["claimed_until"],
        last_error=m["last_error"], sent_at=m["sent_at"],
    )  # fmt: skip


_INSERTS: dict[str, Any] = {}


def _insert(dialect: str) -> Any:
    # Built once per dialect: building an Insert costs more than executing it.
    if dialect not in _INSERTS:
        stmt = conflict_insert(dialect, outbox).on_conflict_do_nothing()
        # rowcount is -1 on PostgreSQL with RETURNING: ask for the new id instead.
        _INSERTS[dialect] = stmt.returning(outbox.c.id)
    return _INSERTS[dialect]


def enqueue(
    conn: Connection, msg: Message, now: datetime, not_before: datetime | None = None
) -> bool:
    """Queue ``msg``; False when its (event, revision, recipient) row already exists.

    ``not_before`` holds the message (quiet hours) until that time.
    """
    values = {
        "event_id": msg.event_id, "revision": msg.revision, "recipient": msg.recipient,
        "reason": msg.reason.value, "subject": msg.subject, "message_id": msg.message_id,
        "raw": msg.raw, "status": PENDING, "attempts": 0,
        "next_attempt_at": max(now, not_before or now), "created_at": now,
    }  # fmt: skip
    return conn.execute(_insert(conn.dialect.name), values).first() is not None


def claim(
    conn: Connection, now: datetime, owner: str, limit: int, lease: timedelta
) -> list[OutboxRow]:
    """Take up to ``limit`` due rows for ``owner`` until ``now + lease``, oldest due first.

    Due: pending, ``next_attempt_at <= now``, and unclaimed or with an expired lease. Rows
    another instance has locked are skipped, not waited for.
    """
    due = (
        select(outbox.c.id)
        .where(
            outbox.c.status == PENDING,
            outbox.c.next_attempt_at <= now,
            or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
        )
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(outbox)
        .where(outbox.c.id.in_(due.scalar_subquery()))
        .values(claimed_by=owner, claimed_until=now + lease, attempts=outbox.c.attempts + 1)
        .returning(*outbox.c)
    )
    rows = [_row(r) for r in conn.execute(stmt)]
    return sorted(rows, key=lambda r: (r.next_attempt_at, r.id))


_MARK_SENT = (
    update(outbox)
    .where(outbox.c.id == bindparam("row_id"))
    .values(status=SENT, sent_at=bindparam("at"), claimed_by=None, claimed_until=None,
            last_error=None)
)  # fmt: skip


def mark_sent(conn: Connection, ids: int | Sequence[int], now: datetime) -> None:
    """The server accepted row ``ids`` (one id or several): they are never sent again."""
    many = [ids] if isinstance(ids, int) else ids
    if many:  # one executemany: a statement per row costs ~0.1 ms of SQLAlchemy each
        conn.execute(_MARK_SENT, [{"row_id": i, "at": now} for i in many])


def backoff(attempts: int, rand: float, cap: timedelta = BACKOFF_CAP) -> timedelta:
    """Wait before attempt ``attempts + 1``: 1, 2, 4 ... minutes up to ``cap``, with jitter.

    ``rand`` in [0, 1) spreads the second half of the wait, so rows that failed together
    (a server outage) do not all come back in the same second.
    """
    step: timedelta = min(cap, BACKOFF_BASE * (1 << min(max(0, attempts - 1), 20)))
    return step / 2 + step / 2 * rand


def mark_retry(
    conn: Connection,
    id: int,
    now: datetime,
    error: str,
    attempts: int,
    *,
    max_attempts: int = MAX_ATTEMPTS,
    rand: float | None = None,
    counted: bool = True,
) -> str:
    """Row ``id`` failed for a passing reason; return ``"pending"`` or, out of attempts, ``"dead"``.

    ``attempts`` is the row's count including this try (``OutboxRow.attempts`` of the claim).
    ``counted=False`` is for failures of the server, not of the message (it was down, TLS or
    AUTH failed): the try does not count towards ``max_attempts`` and the wait stays short
    (``OUTAGE_CAP``), so an outage of any length loses nothing and its end is noticed soon.
    """
    if counted and attempts >= max_attempts:
        mark_dead(conn, id, now, f"gave up after {attempts} attempts: {error}")
        return DEAD
    stored = attempts if counted else max(0, attempts - 1)
    rand = random.random() if rand is None else rand
    wait = backoff(attempts, rand, BACKOFF_CAP if counted else OUTAGE_CAP)
    conn.execute(
        update(outbox)
        .where(outbox.c.id == id)
        .values(
            status=PENDING,
            attempts=stored,
            next_attempt_at=now + wait,
            claimed_by=None,
            claimed_until=None,
            last_error=error[:2000],
        )
    )
    return PENDING


def mark_dead(conn: Connection, id: int, now: datetime, error: str) -> None:
    """Row ``id`` will not be sent (refused, 5xx, out of attempts); ``error`` says why."""
    conn.execute(
        update(outbox)
        .where(outbox.c.id == id)
        .values(status=DEAD, claimed_by=None, claimed_until=None, last_error=error[:2000])
    )


def release(conn: Connection, ids: list[int], owner: str) -> None:
    """Give back rows ``owner`` claimed but did not try (a stopped flush), due at once."""
    if ids:
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids), outbox.c.claimed_by == owner, outbox.c.status == PENDING)
            .values(claimed_by=None, claimed_until=None, attempts=outbox.c.attempts - 1)
        )


def list_rows(conn: Connection, status: str | None = None, limit: int = 1000) -> list[OutboxRow]:
    """Rows with ``status`` (all when None), oldest first; for ``alerts outbox``."""
    stmt = select(outbox).order_by(outbox.c.id).limit(limit)
    if status is not None:
        stmt = stmt.where(outbox.c.status == status)
    return [_row(r) for r in conn.execute(stmt)]


def requeue(conn: Connection, id: int, now: datetime) -> bool:
    """Make row ``id`` (dead, or waiting) due now with fresh attempts; False if no such row."""
    result = conn.execute(
        update(outbox)
        .where(and_(outbox.c.id == id, outbox.c.status != SENT))
        .values(
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            claimed_by=None,
            claimed_until=None,
            last_error=None,
        )
    )
    return bool(result.rowcount)
