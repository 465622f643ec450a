"""Several instances on one PostgreSQL database share the work: each feed is polled once,
each mail sent once (feed leases and outbox claims with FOR UPDATE SKIP LOCKED), and reports
of one incident read by different instances make one event (the fold clock)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from alerts import service
from alerts.app import App, PollStats
from alerts.config import Config
from alerts.store import codec
from alerts.store.db import connect
from alerts.store.schema import events, items
from tests.servicekit import Stack, rss, stack
from tests.test_timeline import ATTACK, REOPENED, ROUTES, SECOND, STAFF, T0, T1, T2, THIRD

BAMAKO = ["amina.diallo@example.org", "sahel-desk@example.org"]


def _instance(config: Config, name: str, feeds: Sequence[str] | None = None) -> Config:
    """``config`` as instance ``name`` would read it, polling only ``feeds`` if given."""
    settings = config.settings.model_copy(update={"instance": name})
    chosen = tuple(f for f in config.feeds if feeds is None or f.name in feeds)
    return replace(config, settings=settings, feeds=chosen)


def _recipients(s: Stack) -> list[str]:
    return sorted(r for m in s.sink.messages for r in m.recipients)


def _events_and_links(url: str) -> tuple[int, set[str]]:
    """How many events the database holds, and the links of their sources."""
    engine = connect(url)
    try:
        with engine.connect() as conn:
            stored = [codec.loads(data) for data in conn.scalars(select(events.c.data))]
            joined = set(
                conn.scalars(select(items.c.event_id).where(items.c.event_id.is_not(None)))
            )
    finally:
        engine.dispose()
    assert joined == {e.id for e in stored}, "every item alerted on is joined to its event"
    return len(stored), {s.link for e in stored for s in e.sources if s.link}


async def test_two_instances_poll_and_send_each_thing_once(
    tmp_path: Path, postgres_url: str
) -> None:
    feeds: dict[str, bytes | int] = {"wire": rss([ATTACK]), "local": rss([SECOND]), "tv": rss([])}
    async with stack(tmp_path, feeds, staff=STAFF, routes=ROUTES, db_url=postgres_url) as s:
        config = service.load(s.folder)
        one, two = _instance(config, "a"), _instance(config, "b")
        async with service.open_app(one) as a, service.open_app(two) as b:
            polls = await asyncio.gather(a.poll(T0), b.poll(T0))
            await asyncio.gather(a.flush(T0), b.flush(T0))
    assert sum(p.feeds for p in polls) == 3
    assert all(hits == 1 for hits in s.server.hits.values())
    assert _recipients(s) == BAMAKO
    assert _events_and_links(postgres_url)[0] == 1


async def test_a_report_read_while_another_instance_folds_joins_its_event(
    tmp_path: Path, postgres_url: str
) -> None:
    """The race that once split an incident: instance a starts polling, b folds the first
    report and commits, then a folds the second. a must see b's event, in this poll and
    in later ones, though it keeps its open events in memory between polls."""
    feeds: dict[str, bytes | int] = {"wire": rss([ATTACK]), "local": rss([SECOND])}
    async with stack(tmp_path, feeds, staff=STAFF, routes=ROUTES, db_url=postgres_url) as s:
        config = service.load(s.folder)
        wire, local = _instance(config, "b", ["wire"]), _instance(config, "a", ["local"])
        async with service.open_app(local) as a, service.open_app(wire) as b:
            gate = s.server.gates["local.xml"] = asyncio.Event()
            polling = asyncio.ensure_future(a.poll(T0))
            while not s.server.hits.get("local.xml"):  # a has begun and waits for its feed
                await asyncio.sleep(0.01)
            assert (await b.poll(T0)).changes == {"NEW": 1}
            gate.set()
            assert (await polling).changes == {"NONE": 1}, "joins b's event, quietly"
            await _flush(a, b, T0)
            assert _recipients(s) == BAMAKO

            # Later polls: each instance in turn folds against what the other stored.
            s.server.bodies["wire.xml"] = rss([ATTACK, THIRD])
            await b.poll(T1)
            s.server.bodies["local.xml"] = rss([SECOND, REOPENED])
            assert (await a.poll(T2)).changes == {"UPDATED": 1}
            await _flush(a, b, T2)
    assert _recipients(s) == sorted(BAMAKO * 2), "one advisory and one update each"
    n, links = _events_and_links(postgres_url)
    assert n == 1
    assert links == {i["link"] for i in (ATTACK, SECOND, THIRD, REOPENED)}, "no report lost"


async def _flush(a: App, b: App, now: datetime) -> None:
    await asyncio.gather(a.flush(now), b.flush(now))


def _run_instance(config: Config, now: datetime) -> PollStats:
    """One instance in its own thread and event loop: poll once and send."""

    async def run() -> PollStats:
        async with service.open_app(config) as app:
            stats = await app.poll(now)
            await app.flush(now)
            return stats

    return asyncio.run(run())


async def test_instances_folding_at_the_same_time_make_one_event(
    tmp_path: Path, postgres_url: str
) -> None:
    """Two instances in two threads, three outlets each, all on one attack: the fold clock
    makes their folding transactions take turns, so the six reports make one event."""
    outlets = [f"outlet{i}" for i in range(6)]
    feeds: dict[str, bytes | int] = {
        name: rss([{**ATTACK, "link": f"https://{name}.test/bamako", "published": T0 - k}])
        for name, k in zip(outlets, (timedelta(minutes=m) for m in range(6)), strict=True)
    }
    async with stack(tmp_path, feeds, staff=STAFF, routes=ROUTES, db_url=postgres_url) as s:
        config = service.load(s.folder)
        halves = [_instance(config, "a", outlets[0::2]), _instance(config, "b", outlets[1::2])]
        polls = await asyncio.gather(*(asyncio.to_thread(_run_instance, c, T0) for c in halves))
    assert [p.feeds for p in polls] == [3, 3]
    assert sum(p.changes.get("NEW", 0) for p in polls) == 1
    assert _recipients(s) == BAMAKO
    n, links = _events_and_links(postgres_url)
    assert (n, len(links)) == (1, 6)


async def test_one_instance_keeps_its_open_events_between_polls(tmp_path: Path) -> None:
    """Alone on its database, an instance does not load the open events again at each poll
    (with ~12,000 open events that took ~2-3 s a poll); it does after another folded."""
    feeds: dict[str, bytes | int] = {"wire": rss([ATTACK]), "local": rss([])}
    async with stack(tmp_path, feeds, staff=STAFF, routes=ROUTES) as s:
        config = service.load(s.folder)
        async with service.open_app(_instance(config, "a", ["wire"])) as a:
            await a.poll(T0)
            kept = a._index
            s.server.bodies["wire.xml"] = rss([ATTACK, THIRD])
            assert (await a.poll(T1)).changes == {"NONE": 1}
            assert a._index is kept and kept is not None
            async with service.open_app(_instance(config, "b", ["local"])) as b:
                s.server.bodies["local.xml"] = rss([SECOND])
                await b.poll(T1)
            await a.poll(T2)
            assert a._index is not kept, "another instance folded: loaded again"
