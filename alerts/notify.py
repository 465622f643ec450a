"""From a decided change to outbox rows: render per recipient, or hold for a digest.

A message is rendered when it enters the outbox, so the outbox holds exactly what will be
sent. Unique keys (event, revision, recipient) make a repeated poll queue nothing twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from alerts.models import Change, ChangeReason, Recipient
from alerts.render import Renderer
from alerts.store import digests, outbox, records
from alerts.store.feeds import FeedState


def enqueue(
    conn: Connection,
    renderer: Renderer,
    change: Change,
    recipients: Sequence[Recipient],
    now: datetime,
) -> int:
    """Queue ``change`` for each recipient; digest receivers get a held entry instead."""
    queued = 0
    for person in recipients:
        if person.digest:
            digests.add(conn, _entry(change, person, now))
            continue
        message = renderer.render(change.event, change, person, now)
        queued += outbox.enqueue(conn, message, now, person.not_before)
    return queued


def feed_notice(
    conn: Connection,
    renderer: Renderer,
    officers: Sequence[str],
    state: FeedState,
    notice: str,
    now: datetime,
    language: str = "en",
) -> None:
    """Tell the officers once that a feed is failing, has recovered, or is gone."""
    detail = state.last_error or ""
    for address in officers:
        message = renderer.render_feed_notice(
            address, state.name, state.url, notice, detail, now, language
        )
        outbox.enqueue(conn, message, now)


def release_digests(conn: Connection, renderer: Renderer, now: datetime) -> int:
    """Render every due digest into the outbox; return how many were queued."""
    queued = 0
    for address, entries in digests.due(conn, now).items():
        items = []
        for entry in entries:
            event = records.get_event(conn, entry.event_id)
            if event is not None:
                items.append(
                    (event, Change(event, ChangeReason(entry.reason), entry.detail), entry.why)
                )
        first = entries[0]
        person = Recipient(address, first.name, first.language, first.why, digest=True)
        digest_id = (
            "digest-"
            + hashlib.sha256(
                f"{address}|{','.join(str(e.id) for e in entries)}".encode()
            ).hexdigest()[:16]
        )
        if items:
            queued += outbox.enqueue(conn, renderer.render_digest(person, items, now), now)
        digests.take(conn, entries, digest_id)
    return queued


def _entry(change: Change, person: Recipient, now: datetime) -> digests.DigestEntry:
    return digests.DigestEntry(
        id=0,
        recipient=person.email,
        name=person.name,
        language=person.language,
        event_id=change.event.id,
        revision=change.event.revision,
        reason=change.reason.value,
        detail=change.detail,
        why=person.why,
        due_at=person.not_before or now,
    )
