"""One unreachable feed, one HTML page and one refused recipient do not stop the rest."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from alerts import service
from alerts.mailsink import MailSink, free_port
from alerts.store.schema import feeds, outbox
from tests.servicekit import FeedServer, rss, write_config
from tests.test_timeline import ATTACK, ROUTES, STAFF, T0


async def test_failures_are_named_and_the_rest_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    server = FeedServer()
    async with server.running():
        server.bodies = {
            "good.xml": rss([ATTACK]),
            "html.xml": b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1>",
        }
        server.content_types["html.xml"] = "text/html; charset=utf-8"
        down = f"http://127.0.0.1:{free_port()}/feed.xml"
        with MailSink(refuse={"amina.diallo@example.org"}) as sink:
            folder = write_config(
                tmp_path / "config",
                smtp_port=sink.port,
                db_url=f"sqlite:///{tmp_path / 'alerts.db'}",
                feeds={
                    "good": server.url("good.xml"),
                    "html": server.url("html.xml"),
                    "down": down,
                },
                staff=STAFF,
                routes=ROUTES,
            )
            async with service.open_app(service.load(folder)) as app:
                stats = await app.poll(T0)
                assert sorted(stats.failed_feeds) == ["down", "html"]
                await app.flush(T0)
                with app.engine.connect() as conn:
                    rows = {r.recipient: r for r in conn.execute(select(outbox))}
                    health = {r.name: r for r in conn.execute(select(feeds))}
    assert [m.recipients for m in sink.messages] == [["sahel-desk@example.org"]]
    refused = rows["amina.diallo@example.org"]
    assert refused.status == "dead" and "550" in (refused.last_error or "")
    assert rows["sahel-desk@example.org"].status == "sent"
    assert health["down"].consecutive_failures == 1 and health["down"].last_error
    assert "html" in (health["html"].last_error or "").lower()
    assert health["good"].last_success == T0
    text = caplog.text
    assert "feed down" in text and "feed html" in text
    assert "amina.diallo@example.org" in text
