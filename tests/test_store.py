"""The store on real SQLite files and, where configured, real PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from alerts.models import (
    Category,
    Change,
    ChangeReason,
    Event,
    Item,
    Place,
    PlaceKind,
    Signal,
    Source,
)
from alerts.store import codec, records
from alerts.store import feeds as feed_rows
from alerts.store.db import upgrade
from alerts.store.schema import UTCDateTime, items

T0 = datetime(2026, 9, 17, 6, 0, tzinfo=UTC)


def test_a_second_start_finds_the_schema_current(engine: Engine) -> None:
    upgrade(engine)
    with engine.begin() as conn:
        records.save_event(conn, _event())
    upgrade(engine)
    with engine.connect() as conn:
        assert records.get_event(conn, "ev-1") == _event()


def _item(key: str, feed: str = "wire") -> Item:
    return Item(feed=feed, key=key, title=f"title {key}", summary="", link=None, published=T0)


def _event(**kw: object) -> Event:
    base = Event(
        id="ev-1",
        headline="Attack near Bamako airport",
        category=Category.TERRORISM,
        severity=4,
        max_severity=4,
        signals=frozenset({Signal.AIRPORT_CLOSED}),
        countries=("ML",),
        places=(Place("Bamako", "ML", 12.65, -8.0, PlaceKind.CITY),),
        first_seen=T0,
        last_seen=T0,
        sources=(Source("wire", "https://w.test/1", "t", T0),),
        revision=1,
        link_ids=frozenset({"gdacs:1"}),
        fingerprint=(1, 2, 3),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_items_are_recorded_once_per_feed_and_key(engine: Engine) -> None:
    with engine.begin() as conn:
        new = records.unseen(conn, [_item("a"), _item("b"), _item("a")])
        assert [i.key for i in new] == ["a", "b"]
        records.add_items(conn, new, T0, {"a": "ev-1"})
        records.add_items(conn, new, T0, {})  # a repeat changes nothing
    with engine.begin() as conn:
        new = records.unseen(conn, [_item("a"), _item("c"), _item("a", feed="other")])
        rows = {r.key: r for r in conn.execute(select(items).where(items.c.feed == "wire"))}
    assert sorted((i.feed, i.key) for i in new) == [("other", "a"), ("wire", "c")]
    assert (rows["a"].event_id, rows["a"].alerted, rows["b"].event_id) == ("ev-1", True, None)


def test_events_round_trip_and_only_open_recent_ones_are_loaded(engine: Engine) -> None:
    old = _event(id="ev-old", last_seen=T0 - timedelta(days=10))
    done = _event(id="ev-done", resolved=True)
    with engine.begin() as conn:
        for e in (_event(), old, done):
            records.save_event(conn, e)
        records.save_event(conn, _event(severity=5, revision=2))  # upsert
    with engine.connect() as conn:
        loaded = records.open_events(conn, T0 - timedelta(days=3))
        assert records.get_event(conn, "nope") is None
    assert loaded == [_event(severity=5, revision=2)]


def test_a_change_is_logged_once_per_revision(engine: Engine) -> None:
    change = Change(_event(), ChangeReason.NEW)
    with engine.begin() as conn:
        assert records.record_change(conn, change, T0)
        assert not records.record_change(conn, change, T0)


def test_feed_leases_keep_a_feed_to_one_poller(engine: Engine) -> None:
    with engine.begin() as conn:
        feed_rows.sync(conn, [("wire", "https://a.test/rss"), ("local", "https://b.test/rss")])
    until = T0 + timedelta(minutes=5)
    with engine.begin() as conn:
        first = feed_rows.claim_due(conn, ["wire", "local"], T0, "one", until)
    with engine.begin() as conn:
        second = feed_rows.claim_due(conn, ["wire", "local"], T0, "two", until)
    assert sorted(s.name for s in first) == ["local", "wire"] and second == []
    with engine.begin() as conn:
        feed_rows.save(conn, [replace(first[0], etag='"x"', next_poll_after=T0)])
        again = feed_rows.claim_due(conn, ["wire", "local"], T0, "two", until)
    assert [s.name for s in again] == [first[0].name] and again[0].etag == '"x"'


def test_an_officer_url_edit_resets_fetch_state_but_keeps_health(engine: Engine) -> None:
    with engine.begin() as conn:
        feed_rows.sync(conn, [("wire", "https://a.test/rss")])
        (state,) = feed_rows.load(conn, "wire")
        feed_rows.save(
            conn, [replace(state, etag='"e"', url="https://moved.test/rss", items_seen=7)]
        )
        feed_rows.sync(conn, [("wire", "https://a.test/rss")])  # unchanged config: keep
        assert feed_rows.load(conn, "wire")[0].url == "https://moved.test/rss"
        feed_rows.sync(conn, [("wire", "https://c.test/rss")])  # officer edit: reset
        (after,) = feed_rows.load(conn, "wire")
    assert (after.url, after.etag, after.items_seen) == ("https://c.test/rss", None, 7)


def test_codec_round_trips_every_field() -> None:
    event = _event(last_notified=T0, summary="s")
    assert codec.loads(codec.dumps(event)) == event


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), None)  # type: ignore[arg-type]
