"""Flush: claim due outbox rows, send them, and record each outcome as soon as it is known.

A row is marked sent only after the SMTP server accepted it. The connections send in rounds
(one message each) and a round's outcomes are committed together, in a worker thread, while
the next round's envelopes (MAIL, RCPT, DATA) go out; no message content goes out before that
commit is done, and a server takes a message only at the end of its content. So a crash (even
SIGKILL) can send again only the messages that were in flight, at most one per connection.
Cancelling a flush gives back the rows it had not tried.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
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
    # Each round commits in this thread while the next round's envelopes go out (sqlite3 and
    # psycopg release the GIL while they wait on the disk); it is one commit at a time, on a
    # connection that only one thread uses at a time.
    committer = ThreadPoolExecutor(1, thread_name_prefix="outbox-commit")
    pending: Future[None] | None = None
    with engine.connect() as conn, committer:

        def record(outcomes: Sequence[Outcome]) -> asyncio.Future[None]:
            nonlocal pending
            if pending is not None:  # the previous round's commit: normally long done
                pending.result()
            done = [untried.pop(o.id) for o in outcomes]
            sent = [r.id for r, o in zip(done, outcomes, strict=True) if o.status == "sent"]
            outbox.mark_sent(conn, sent, now)
            counts["sent"] += len(sent)
            for row, outcome in zip(done, outcomes, strict=True):
                if outcome.status != "sent":
                    counts[_record(conn, row, outcome, now, max_attempts, rand)] += 1
                counts["connection"] += outcome.connection
            # The sender waits for this before the next message's content goes out.
            pending = committer.submit(conn.commit)
            return asyncio.wrap_future(pending)

        # A row claimed more often than allowed has crashed its senders: stop trying it.
        if worn := [r for r in rows if r.attempts > max_attempts]:
            await record([Outcome(r.id, "dead", "claimed too often") for r in worn])
        try:
            await sender.send(list(untried.values()), record)
        except BaseException:  # cancelled or failed: the rows not tried are due again at once
            if pending is not None:
                wait([pending])  # never two threads on the connection
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
    """Store one failed outcome (the caller commits); return "retry" or "dead"."""
    if outcome.status == "dead":
        outbox.mark_dead(conn, row.id, now, outcome.detail)
        return "dead"
    status = outbox.mark_retry(
        conn, row.id, now, outcome.detail, row.attempts,
        max_attempts=max_attempts, rand=rand(), counted=not outcome.connection,
    )  # fmt: skip
    return "retry" if status == outbox.PENDING else "dead"
