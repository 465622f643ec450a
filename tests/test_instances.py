"""Two instances on one PostgreSQL database share the work: each feed polled once, each
mail sent once (feed leases and outbox claims with FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from alerts import service
from tests.servicekit import rss, stack
from tests.test_timeline import ATTACK, ROUTES, SECOND, STAFF, T0


async def test_two_instances_poll_and_send_each_thing_once(
    tmp_path: Path, postgres_url: str
) -> None:
    feeds = {"wire": rss([ATTACK]), "local": rss([SECOND]), "tv": rss([])}
    async with stack(tmp_path, feeds, staff=STAFF, routes=ROUTES, db_url=postgres_url) as s:
        config = service.load(s.folder)
        one = replace(config, settings=config.settings.model_copy(update={"instance": "a"}))
        two = replace(config, settings=config.settings.model_copy(update={"instance": "b"}))
        async with service.open_app(one) as a, service.open_app(two) as b:
            polls = await asyncio.gather(a.poll(T0), b.poll(T0))
            await asyncio.gather(a.flush(T0), b.flush(T0))
    assert sum(p.feeds for p in polls) == 3
    assert all(hits == 1 for hits in s.server.hits.values())
    assert sorted(r for m in s.sink.messages for r in m.recipients) == [
        "amina.diallo@example.org",
        "sahel-desk@example.org",
    ]
