"""Flush: claim due outbox rows, send them, and record each outcome as soon as it is known.

A row is marked sent only after the SMTP server accepted it, in its own transaction, before
the next message on that connection goes out; so a crash (even SIGKILL) can send again only
the messages that were in flight. Cancelling a flush gives back the rows it had not tried.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine

from alerts.deliver import Outcome, Sender
from alerts.store import outbox
from alerts.store.outbox import OutboxRow


@dataclass(frozen=True, slots=True)
class FlushStats:
    """What one flush did; ``unreachable`` when it stopped because the server was down."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    unreachable: bool = False


async def flush(
    engine: Engine,
    sender: Sender,
    now: datetime,
    *,
    owner: str,
    batch: int = 200,
    lease: timedelta | float = timedelta(minutes=2),
    max_attempts: int = outbox.MAX_ATTEMPTS,
    rand: Callable[[], float] = random.random,
) -> FlushStats:
    """Send every row due at ``now``, ``batch`` rows per claim, each claim held for ``lease``.

    Stops early when the server cannot be reached: the rows wait for their backoff.
    """
    lease = lease if isinstance(lease, timedelta) else timedelta(seconds=lease)
    total: Counter[str] = Counter()
    while True:
        with engine.begin() as conn:
            rows = outbox.claim(conn, now, owner, batch, lease)
        if not rows:
            break
        counts = await _send_batch(engine, sender, rows, now, owner, max_attempts, rand)
        total.update(counts)
        if counts["unreachable"] or len(rows) < batch:
            break
    return FlushStats(
        total["claimed"], total["sent"], total["retry"], total["dead"], bool(total["unreachable"])
    )


async def _send_batch(
    engine: Engine,
    sender: Sender,
    rows: Sequence[OutboxRow],
    now: datetime,
    owner: str,
    max_attempts: int,
    rand: Callable[[], float],
) -> Counter[str]:
    counts: Counter[str] = Counter(claimed=len(rows))
    untried = {r.id: r for r in rows}
    with engine.connect() as conn:  # one connection for the batch, one commit per outcome

        def record(outcome: Outcome) -> None:
            row = untried.pop(outcome.id)
            counts[_record(conn, row, outcome, now, max_attempts, rand)] += 1
            conn.commit()  # before the next message goes out: a crash resends only this one
            counts["connection"] += outcome.connection

        # A row claimed more often than allowed has crashed its senders: stop trying it.
        for row in [r for r in rows if r.attempts > max_attempts]:
            record(Outcome(row.id, "dead", "claimed too often"))
        try:
            await sender.send(list(untried.values()), record)
        except BaseException:  # cancelled or failed: the rows not tried are due again at once
            conn.rollback()
            outbox.release(conn, list(untried), owner)
            conn.commit()
            raise
    counts["unreachable"] = int(counts["sent"] == 0 and counts["connection"] == counts["retry"] > 0)
    return counts


def _record(
    conn: Connection,
    row: OutboxRow,
    outcome: Outcome,
    now: datetime,
    max_attempts: int,
    rand: Callable[[], float],
) -> str:
    """Store one outcome (the caller commits); return "sent", "retry" or "dead"."""
    if outcome.status == "sent":
        outbox.mark_sent(conn, row.id, now)
        return "sent"
    if outcome.status == "dead":
        outbox.mark_dead(conn, row.id, now, outcome.detail)
        return "dead"
    status = outbox.mark_retry(
        conn, row.id, now, outcome.detail, row.attempts,
        max_attempts=max_attempts, rand=rand(), counted=not outcome.connection,
    )  # fmt: skip
    return "retry" if status == outbox.PENDING else "dead"
