"""Retention: old items and mail go, undated items, pending mail and events stay."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import Engine, func, select

from alerts.store import digests, outbox, records
from alerts.store.digests import DigestEntry
from alerts.store.retention import Pruned, prune
from alerts.store.schema import events, items
from alerts.store.schema import outbox as outbox_table
from tests.test_outbox import message
from tests.test_store import T0, _event, _item

DAY = timedelta(days=1)


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def test_old_items_and_mail_go_the_rest_stays(engine: Engine) -> None:
    old, recent = T0 - 200 * DAY, T0 - 10 * DAY
    with engine.begin() as conn:
        dated = replace(_item("dated"), published=old - DAY)
        undated = replace(_item("undated"), published=old, date_missing=True)
        records.add_items(conn, [dated, undated], old, {})  # undated: dated by its fetch
        records.add_items(conn, [replace(_item("fresh"), published=recent)], recent, {})
        records.save_event(conn, _event(first_seen=old, last_seen=old))
        outbox.enqueue(conn, message(1), T0 - 400 * DAY)
        outbox.enqueue(conn, message(2), T0 - 400 * DAY)  # never sent: stays
        outbox.enqueue(conn, message(3), recent)
        sent = conn.scalars(select(outbox_table.c.id).where(outbox_table.c.event_id != "ev-2"))
        outbox.mark_sent(conn, list(sent), T0 - 300 * DAY)
        for n, due in ((1, T0 - 400 * DAY), (2, T0 - 400 * DAY), (3, recent)):
            entry = DigestEntry(0, "a@example.org", "A", "en", f"ev-{n}", 1, "NEW", "", "", due)
            digests.add(conn, entry)
        taken = [e for e in digests.due(conn, T0)["a@example.org"] if e.event_id != "ev-2"]
        digests.take(conn, taken, "digest-1")  # ev-2 is still waiting: it stays
    with engine.begin() as conn:
        done = prune(conn, T0, items_days=180, mail_days=365)
    assert done == Pruned(items=1, mail=1, digest_entries=1)
    with engine.connect() as conn:
        keys = set(conn.scalars(select(items.c.key)))
        mail = set(conn.scalars(select(outbox_table.c.event_id)))
    assert keys == {"undated", "fresh"}
    assert mail == {"ev-2", "ev-3"}
    assert _count(engine, events) == 1  # the record of what happened stays
    with engine.begin() as conn:
        assert prune(conn, T0, items_days=0, mail_days=0) == Pruned()  # 0: keep for ever
