"""Two instances on one PostgreSQL database share the work: each feed polled once, each
mail sent once (feed leases and outbox claims with FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from alerts import service
from alerts.mailsink import MailSink
from tests.servicekit import FeedServer, rss, write_config
from tests.test_timeline import ATTACK, ROUTES, SECOND, STAFF, T0


async def test_two_instances_poll_and_send_each_thing_once(
    tmp_path: Path, postgres_url: str
) -> None:
    server = FeedServer()
    async with server.running():
        server.bodies = {"wire.xml": rss([ATTACK]), "local.xml": rss([SECOND]), "tv.xml": rss([])}
        with MailSink() as sink:
            folder = write_config(
                tmp_path / "c",
                smtp_port=sink.port,
                db_url=postgres_url,
                feeds={n: server.url(f"{n}.xml") for n in ("wire", "local", "tv")},
                staff=STAFF,
                routes=ROUTES,
            )
            config = service.load(folder)
            one = replace(config, settings=config.settings.model_copy(update={"instance": "a"}))
            two = replace(config, settings=config.settings.model_copy(update={"instance": "b"}))
            async with service.open_app(one) as a, service.open_app(two) as b:
                polls = await asyncio.gather(a.poll(T0), b.poll(T0))
                await asyncio.gather(a.flush(T0), b.flush(T0))
    assert sum(p.feeds for p in polls) == 3
    assert all(hits == 1 for hits in server.hits.values())
    assert sorted(r for m in sink.messages for r in m.recipients) == [
        "amina.diallo@example.org",
        "sahel-desk@example.org",
    ]
